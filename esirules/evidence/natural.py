"""Case ids to their natural order (c2 before c10), computed once per column of ids.

`natural_order(ids)` is the argsort that `sorted(ids, key=natural_key)` would give (a
stable sort, so equal ids keep their order). Ids that are a common prefix and a number, as
inspection case ids nearly always are (`F01`, `C1234`, `2004-17` is not), are ordered with
numpy on their numbers; any other column of ids falls back to sorting by `natural_key`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Order = npt.NDArray[np.intp]


def natural_key(case_id: str) -> str:
    """Sort key that puts c2 before c10 (numbers padded; the id itself breaks ties such as c01/c1)."""
    return _DIGITS.sub(lambda digits: digits.group().zfill(20), case_id) + "\x00" + case_id


_DIGITS = re.compile(r"\d+")


_MAX_DIGITS = 18  # numbers below 10**18 fit int64 and zero-pad to the same 20-digit width


def natural_order(ids: Sequence[str] | npt.NDArray[np.object_]) -> Order:
    """The indexes of `ids` in natural order (stable)."""
    n = len(ids)
    if n < 2:
        return np.arange(n, dtype=np.intp)
    fast = _prefix_and_number_order(ids)
    if fast is not None:
        return fast
    keys = [natural_key(case) for case in ids]
    return np.array(sorted(range(n), key=keys.__getitem__), dtype=np.intp)


def _prefix_and_number_order(ids: Sequence[str] | npt.NDArray[np.object_]) -> Order | None:
    """The order of ids that are all one prefix of non-digits followed by digits, else None.

    With one prefix, natural keys compare as (number, id): the zero-padded numbers decide,
    and for equal numbers (`c01`, `c1`) the id itself breaks the tie, as in `natural_key`.
    The ids are joined into one ASCII byte string and taken apart with numpy.
    """
    n = len(ids)
    try:
        joined = "\n".join(ids)
    except TypeError:
        return None
    if not joined.isascii() or joined.count("\n") != n - 1:
        return None  # natural_key pads every Unicode digit run; keep to ASCII here
    data = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    starts = np.empty(n, dtype=np.intp)
    starts[0], starts[1:] = 0, ends + 1
    stops = np.empty(n, dtype=np.intp)
    stops[:-1], stops[-1] = ends, len(data)
    digit = (data >= 48) & (data <= 57)
    first = data[: stops[0]]
    first_digits = np.flatnonzero(digit[: stops[0]])
    if not len(first_digits):
        return None
    prefix = int(first_digits[0])
    lengths = stops - starts
    digits = lengths - prefix
    if (digits < 1).any() or (digits > _MAX_DIGITS).any():
        return None  # an id without a number after the prefix, or a number too long
    # INVARIANT: from here every id is at least prefix + 1 characters long
    segment = np.repeat(np.arange(n), lengths + 1)[: len(data)]  # each byte's id (separators too)
    offset = np.arange(len(data)) - starts[segment]
    separator = data == 10
    in_prefix = (offset < prefix) & ~separator
    in_number = (offset >= prefix) & ~separator
    if not digit[in_number].all():
        return None  # more than one run of digits, or a run not at the end
    if prefix and (data[in_prefix] != first[offset[in_prefix]]).any():
        return None  # more than one prefix
    powers = 10 ** np.arange(_MAX_DIGITS, dtype=np.int64)
    place = stops[segment] - np.arange(len(data)) - 1  # 0 for the last character of an id
    contribution = np.where(in_number, (data.astype(np.int64) - 48) * powers[np.clip(place, 0, _MAX_DIGITS - 1)], 0)
    numbers = np.add.reduceat(contribution, starts)
    by_number = np.argsort(numbers, kind="stable")
    ordered = numbers[by_number]
    if (ordered[1:] == ordered[:-1]).any():  # equal numbers (c01, c1, or one id twice): the id decides
        return np.array(sorted(range(n), key=lambda i: (int(numbers[i]), ids[i])), dtype=np.intp)
    return by_number
