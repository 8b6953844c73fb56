"""Cases read by a fast scanner as (field, case, value) triples in, a case table out (None if a case gives a field twice).

The scanners of `json_cases` and `yaml_fast` cut the cases written in an evidence file into
pieces (a field's name and value), number each distinct piece once (pyarrow's dictionary
encoding) and so give, for every field written, three numbers: which field, which case, which
text. This module puts those numbers into columns as `CaseTable.from_cells` would from the
same texts, without a Python call per value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from esirules.evidence.table import CaseTable


def table_from_triples(
    file: str,
    lines: Sequence[int],
    fields: Sequence[str | None],
    field: np.ndarray,
    case: np.ndarray,
    value: np.ndarray,
    strings: list[str | None],
) -> CaseTable | None:
    """The case table of `len(lines)` cases.

    Args:
        fields: the table field of each field number (`id` first); None for a field that is
            counted (a case may give it once) but makes no column (`answers`).
        field, case, value: one entry per field written: its field number, its case (from 0)
            and the number of its text in `strings` (0: null).
        strings: the distinct texts, None first.

    Returns:
        The table (a column for `id` and for each other field written at least once), or None
        if a case gives a field twice: the exact reader reports that.
    """
    n = len(lines)
    width = len(fields)
    if not n:
        return None
    slot = field.astype(np.int64) * n + case
    counts = np.bincount(slot, minlength=width * n)
    if counts.size and counts.max() > 1:
        return None
    given = np.asarray(counts.reshape(width, n).any(axis=1))
    del counts
    grid = np.zeros(width * n, dtype=np.int32)
    grid[slot] = value
    rows = grid.reshape(width, n)
    columns = {}
    for number, name in enumerate(fields):
        if name is not None and (given[number] or name == "id"):
            columns[name] = rows[number]
    return CaseTable(file, lines, strings, columns)
