"""Cases read by a fast scanner as (field, case, value) triples in, a case table out (None if a case gives a field twice).

The scanners of `json_cases` and `yaml_fast` cut the cases written in an evidence file into
pieces (a field's name and value), number each distinct piece once (pyarrow's dictionary
encoding) and so give, for every field written, three numbers: which field, which case, which
text. This module puts those numbers into columns as `CaseTable.from_cells` would from the
same texts, without a Python call per value.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from esirules.evidence.table import CaseTable
from esirules.evidence.vocabulary import Vocabulary

SMALL_BYTES = 1 << 20  # below this, pieces are numbered in Python (pyarrow takes 0.1 s to import)


def number_pieces(
    region: memoryview, offsets: npt.NDArray[np.int32], *, arrow: bool = False
) -> tuple[npt.NDArray[np.int32], Any]:
    """The number of each piece `region[offsets[k]:offsets[k + 1]]` (distinct pieces numbered in
    the order they first come), and the distinct pieces: a list of bytes, or (`arrow`, and the
    region is large enough to be numbered by pyarrow) a pyarrow binary array."""
    if len(region) < SMALL_BYTES:
        data = bytes(region)
        bounds = offsets.tolist()
        numbers: dict[bytes, int] = {}
        codes = [numbers.setdefault(data[a:b], len(numbers)) for a, b in itertools.pairwise(bounds)]
        return np.array(codes, dtype=np.int32), list(numbers)
    import pyarrow as pa
    from pyarrow._compute import call_function  # (pyarrow.compute itself takes 0.2 s to import)

    pieces = pa.Array.from_buffers(pa.binary(), len(offsets) - 1, [None, pa.py_buffer(offsets), pa.py_buffer(region)])
    encoded = call_function("dictionary_encode", [pieces])
    return encoded.indices.to_numpy(), encoded.dictionary if arrow else encoded.dictionary.to_pylist()


def field_numbers(vocab: Vocabulary) -> tuple[list[str | None], dict[str, int], dict[str, int]]:
    """The fields a case written in a file can give, numbered as `table_from_triples` takes them
    (`id` first, `sample`, `answers`, then each attribute and each question by its exact name),
    and the numbers of the names a case's fields and its answers may have."""
    case_fields = {"id": 0, "sample": 1, "answers": 2}
    fields: list[str | None] = ["id", "sample", None]  # (`answers` is counted but makes no column)
    for attribute in vocab.attributes:
        if vocab.resolve_attribute(attribute) == attribute and attribute not in case_fields:
            case_fields[attribute] = len(fields)
            fields.append(f"attribute:{attribute}")
    answer_fields = {}
    for question in vocab.questions:
        if vocab.resolve_question(question) == question:
            answer_fields[question] = len(fields)
            fields.append(f"answer:{question}")
    return fields, case_fields, answer_fields


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
    slot = field.astype(np.int32 if width * n < 1 << 31 else np.int64) * n + case
    # Each field written numbered; where two are written to one place, the later one's number is
    # left there and the earlier one finds another's (a case gives a field twice).
    written = np.arange(len(slot), dtype=np.int32)
    owner = np.full(width * n, -1, dtype=np.int32)
    owner[slot] = written
    if (owner[slot] != written).any():
        return None
    given = np.asarray((owner.reshape(width, n) >= 0).any(axis=1))
    del owner, written
    grid = np.zeros(width * n, dtype=np.int32)
    grid[slot] = value
    rows = grid.reshape(width, n)
    columns = {}
    for number, name in enumerate(fields):
        if name is not None and (given[number] or name == "id"):
            columns[name] = rows[number]
    return CaseTable(file, lines, strings, columns)
