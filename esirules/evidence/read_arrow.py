"""Read a plain CSV file of cases by columns with pyarrow (the fast path): its bytes in, a case table (or None) out.

`read_plain_csv` gives the same `CaseTable` contents as `read_csv.read_csv` for a plain file, or
None, and then the caller reads the file with `read_csv`, the exact path, which reports every
problem with its row. Plain means: commas between cells; one record per line (no blank lines,
no line breaks inside quotes, no lone carriage returns: pyarrow reads as many records as there
are lines); every row as wide as the header; quotes only around whole cells, with inner quotes
doubled; and headings that are all known, distinct and non-blank. Each column is read
dictionary-encoded, so only its few distinct texts become Python strings; the case ids are
read as they are.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from esirules.diagnostics import Diagnostic
from esirules.evidence.table import CaseTable, CsvCells
from esirules.evidence.vocabulary import Vocabulary, heading_field
from esirules.span import Span

# Smaller files are read by the csv module: as quick at that size, and pyarrow takes a tenth of
# a second to import.
FAST_PATH_BYTES = 1 << 20

_COMMA, _QUOTE, _LF, _CR = ord(","), ord('"'), ord("\n"), ord("\r")


def read_plain_csv(
    file: str, data: bytes, vocab: Vocabulary, text: Callable[[], str] | None = None
) -> CaseTable | None:
    """The case table of a plain CSV file, or None if the file is not plain (see the module).

    `text` gives the file's text (decoded once by the caller) if a cell must be located.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    lines = count_lines(data)
    if lines is None:
        return None
    found = plain_header(file, data, vocab)
    if found is None:
        return None
    header, fields = found
    if b'"' in data and not quotes_are_plain(data):
        return None
    known = {field: list(vocab.answer_codes[field[7:]]) for field in fields.values() if field.startswith("answer:")}
    table = _read_columns(data, len(header), fields, known)
    if table is None or table.num_rows + 1 != lines:
        return None  # a row of another width, or a blank line
    # INVARIANT: no blank lines and no line breaks inside quotes, so record k is on line k + 2
    cases = _case_table(file, table, fields, table.num_rows, known)
    cases.cells = CsvCells(file, text or (lambda: data.decode("utf-8-sig")))
    cases.column_of = {field: j for j, field in fields.items()}
    return cases


def plain_header(file: str, data: bytes, vocab: Vocabulary) -> tuple[list[str], dict[int, str]] | None:
    """The headings of a CSV file's first line and the field of each column read, if they are
    plain (see the module: all known, distinct and non-blank, an `id` among them), else None."""
    end = data.find(b"\n")
    if end <= 0:
        return None
    try:
        header_text = data[:end].rstrip(b"\r").decode("utf-8")
        records = list(csv.reader([header_text], strict=True))
    except (csv.Error, UnicodeDecodeError):
        return None
    if len(records) != 1 or len(records[0]) < 2:
        return None
    header = records[0]
    fields: dict[int, str] = {}
    problems: list[Diagnostic] = []
    for j, heading in enumerate(header):
        if not heading.strip():
            return None  # the exact path decides whether a blank heading matters
        field = heading_field(heading, True, Span.point(file, 1, 1), vocab, problems)
        if problems:
            return None
        if field is not None:
            if field in fields.values():
                return None
            fields[j] = field
    if "id" not in fields.values():
        return None
    return header, fields


def count_lines(data: bytes) -> int | None:
    """The number of lines if every carriage return is before a line feed (the csv module, like
    pyarrow, ends a record at a lone one too, and later rows would lose their lines), else None.

    Blank lines are found by the caller: pyarrow skips them, so it reads fewer records than lines.
    """
    if data.find(b"\r") < 0:  # (most files: a byte search, where an array of the file costs a tenth of a second)
        return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    text = np.frombuffer(data, dtype=np.uint8)  # (quicker than counting `\r` and `\r\n` as bytes: measured)
    returns = np.flatnonzero(text == _CR)
    if len(returns) and (returns[-1] + 1 == len(text) or (text[returns + 1] != _LF).any()):
        return None
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def quotes_are_plain(data: bytes) -> bool:
    """Every quote opens a cell, closes it, or doubles a quote inside it; no cell spans lines.

    Numbered in order, quote 2k opens or reopens and quote 2k+1 closes: an opening quote
    starts a cell or directly follows a closing one (a doubled quote), and a closing quote
    ends a cell or directly precedes an opening one. A line break between an opening quote and
    its closing quote would be a cell spanning lines.
    """
    text = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(text == _QUOTE)
    if len(quotes) % 2:
        return False
    opening, closing = quotes[0::2], quotes[1::2]
    before = np.where(opening > 0, text[np.maximum(opening - 1, 0)], _LF)
    starts_cell = (before == _COMMA) | (before == _LF)
    doubled_open = np.zeros(len(opening), dtype=np.bool_)
    doubled_open[1:] = opening[1:] == closing[:-1] + 1
    if not (starts_cell | doubled_open).all():
        return False
    after = np.where(closing + 1 < len(text), text[np.minimum(closing + 1, len(text) - 1)], _LF)
    ends_cell = (after == _COMMA) | (after == _LF) | (after == _CR)
    doubled_close = np.zeros(len(closing), dtype=np.bool_)
    doubled_close[:-1] = closing[:-1] + 1 == opening[1:]
    if not (ends_cell | doubled_close).all():
        return False
    breaks = np.flatnonzero(text == _LF)
    quotes_before = np.searchsorted(quotes, breaks)  # quotes before each line break
    return not (quotes_before % 2).any()


def _read_columns(data: bytes, width: int, fields: dict[int, str], known: dict[str, list[str]]) -> Any:
    """The columns read: ids as text; answers as bytes (looked up among the answers their question
    knows, `_case_table`); others dictionary-encoded (few distinct texts)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{j}" for j in range(width)]
    text = pa.dictionary(pa.int32(), pa.binary())
    types = {
        names[j]: pa.string() if field == "id" else pa.binary() if field in known else text
        for j, field in fields.items()
    }
    threads = os.cpu_count() or 1
    try:
        return pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=1,
                block_size=min(16 << 20, max(1 << 20, len(data) // (8 * threads) + 1)),  # measured best
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=",", quote_char='"', double_quote=True, escape_char=False, newlines_in_values=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=[names[j] for j in fields],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
                check_utf8=False,  # INVARIANT: the caller has decoded the whole file as UTF-8
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _case_table(file: str, table: Any, fields: dict[int, str], rows: int, known: dict[str, list[str]]) -> CaseTable:
    """The pyarrow table as a case table: each column's few distinct texts numbered, then the ids.

    An answer column is looked up among the answers its question knows, as written in the
    ruleset (pyarrow's `index_in`: no table of the column's texts is built); one holding any
    other text (`Yes`, a mistake) is dictionary-encoded as the other columns are, and the encoder
    decides what the texts mean."""
    # (imported here: with the logging it imports, 10 ms that evidence without a large CSV need not pay)
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    from pyarrow._compute import SetLookupOptions, call_function

    def look_up(j: int) -> Any:
        field = fields[j]
        answers = pa.array(["", *known[field]], pa.binary())
        found = call_function("index_in", [table.column(f"c{j}")], SetLookupOptions(answers))
        return found if found.null_count == 0 else None

    # (pyarrow lets go of the interpreter while it looks up, so the columns are looked up on threads)
    looked_up = [j for j, field in fields.items() if field in known]
    with ThreadPoolExecutor(min(len(looked_up), os.cpu_count() or 1) or 1) as pool:
        answered = dict(zip(looked_up, pool.map(look_up, looked_up)))
    strings: list[str | None] = [""]  # INVARIANT: number 0 is a blank cell
    columns: dict[str, npt.NDArray[np.int32]] = {}
    id_column = None
    for j, field in fields.items():
        column = table.column(f"c{j}")
        if field == "id":
            id_column = column
            continue
        if field in known:
            found = answered[j]
            if found is not None:
                offset = len(strings)
                strings.extend(["", *known[field]])
                columns[field] = found.to_numpy().astype(np.int32) + offset
                continue
            column = call_function("dictionary_encode", [column])
        parts = []
        for chunk in column.chunks:
            offset = len(strings)
            strings.extend(value.decode("utf-8") for value in chunk.dictionary.to_pylist())
            parts.append(chunk.indices.to_numpy(zero_copy_only=False).astype(np.int32) + offset)
        columns[field] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    assert id_column is not None
    offset = len(strings)
    strings.extend(id_column.to_pylist())
    columns["id"] = np.arange(offset, offset + rows, dtype=np.int32)
    return CaseTable(file, range(2, rows + 2), strings, columns, header_line=1)
