"""Read a CSV file of cases exactly: its text in, a case table out, every problem reported with its row.

The csv module reads the records; each distinct cell text is numbered once. This is the path of
every small file, and of any file the columnar reader (`read_arrow`) does not take, so it is the
one source of diagnostics for CSV files.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence

import numpy as np

from esirules import collector
from esirules.diagnostics import Diagnostic
from esirules.evidence.table import CaseTable, Interner
from esirules.evidence.vocabulary import Problems, Vocabulary, heading_field
from esirules.span import Span


def read_csv(file: str, text: str, vocab: Vocabulary, problems: Problems) -> CaseTable:
    """Read a CSV file's text into a case table, reporting its problems."""
    with collector.paused():  # millions of small lists, none in cycles
        read = _records(file, text, problems)
        if read is None:
            return CaseTable(file, [])
        records, lines = read
        del read  # INVARIANT: nothing else holds the records, so they are freed before collection resumes
        if not records:
            problems.append(
                Diagnostic("E101", f"the cases file `{file}` holds no header row", Span.point(file, 1, 1))
            )
            return CaseTable(file, [])
        header, header_line = records[0], lines[0]
        separator = next((c for c in ";\t|" if len(header) == 1 and c in header[0]), None)
        if separator is not None:
            shown = "tab" if separator == "\t" else f"`{separator}`"
            problems.append(
                Diagnostic(
                    "E102",
                    f"`{file}` separates its columns with {shown}, not commas",
                    Span.point(file, header_line, 1),
                    "save the spreadsheet as CSV with commas (in Excel: CSV UTF-8 (Comma delimited))",
                )
            )
            return CaseTable(file, [])
        width = len(header)
        rows = _regular_rows(file, records[1:], lines[1:], width, problems)
        del records
        interner = Interner({"": 0})  # INVARIANT: number 0 is a blank cell
        flat = itertools.chain.from_iterable(rows)
        numbers = np.fromiter(map(interner.__getitem__, flat), dtype=np.int32, count=len(rows) * width)
        del flat, rows  # from here on a cell's text is `strings[matrix[row, column]]`
        strings: list[str | None] = list(interner)
        del interner
    matrix = numbers.reshape(-1, width)
    blank = [number for number, text in enumerate(strings) if not (text and text.strip())]
    filled = ~np.isin(matrix, blank) if len(blank) > 1 else matrix != 0
    keep = filled.any(axis=1)
    if not keep.all():  # rows of blank cells, as spreadsheets often leave at the end
        matrix, filled = matrix[keep], filled[keep]
        body = lines[1:]
        lines = [body[i] for i in np.flatnonzero(keep).tolist()]
    else:
        lines = lines[1:]
    starts = [1 + sum(len(h) + 1 for h in header[:j]) for j in range(width)]
    table = CaseTable(file, lines, strings, header_line=header_line)
    where: dict[str, int] = {}
    for j, heading in enumerate(header):
        span = Span.point(file, header_line, starts[j])
        field = heading_field(heading, bool(filled[:, j].any()), span, vocab, problems)
        if field is None:
            continue
        if field in where:
            first = header[where[field]].strip()
            problems.append(
                Diagnostic(
                    "E106",
                    f"columns `{first}` and `{heading.strip()}` both hold `{field.split(':')[-1]}`",
                    span,
                    "keep one of the two columns",
                )
            )
            continue
        where[field] = j
        table.columns[field] = matrix[:, j]
    if "id" not in where:
        problems.append(
            Diagnostic(
                "E107",
                f"the cases file `{file}` has no `id` column",
                Span.point(file, header_line, 1),
                "add a column headed `id` that names each case",
            )
        )
        table.columns["id"] = np.arange(len(strings), len(strings) + len(lines), dtype=np.int32)
        strings.extend(f"line {line}" for line in lines)

    def cell_column(field: str, index: int) -> int:
        j = where.get(field)
        return 1 if j is None else 1 + sum(len(strings[k] or "") + 1 for k in matrix[index, :j])

    table.cell_column = cell_column
    return table


def _records(file: str, text: str, problems: Problems) -> tuple[list[list[str]], Sequence[int]] | None:
    """The non-blank records of a CSV text and the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: Sequence[int]
    try:
        records = list(reader)
    except csv.Error as error:
        problems.append(
            Diagnostic(
                "E102",
                f"`{file}` is not a valid CSV file: {error}",
                Span.point(file, reader.line_num or 1, 1),
                'check the quotes on this line: a quoted cell must end with `"`',
            )
        )
        return None
    ends_line = 0 if text.endswith(("\n", "\r")) else 1
    if text.count("\n") == len(records) - ends_line and text.count("\r") == text.count("\r\n"):
        lines = range(1, len(records) + 1)
    else:
        lines = _record_lines(text)
    if [] in records:  # blank lines
        keep = [i for i, r in enumerate(records) if r]
        records, lines = [records[i] for i in keep], [lines[i] for i in keep]
    return records, lines


def _record_lines(text: str) -> list[int]:
    """The starting line of each record, for texts with quoted line breaks or odd line ends."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines, end = [], 0
    for _ in reader:
        lines.append(end + 1)
        end = reader.line_num
    return lines


def _regular_rows(
    file: str, rows: list[list[str]], lines: Sequence[int], width: int, problems: Problems
) -> list[list[str]]:
    """The rows cut or padded to the header's width (spreadsheets leave off trailing blank cells)."""
    if not set(map(len, rows)) - {width}:
        return rows
    regular = []
    for row, line in zip(rows, lines):
        if len(row) > width and any(c.strip() for c in row[width:]):
            problems.append(
                Diagnostic(
                    "E103",
                    f"row has {len(row)} cells but the header names only {width} columns",
                    Span.point(file, line, 1 + sum(len(c) + 1 for c in row[:width])),
                    "add a heading for the extra cells, or remove them",
                )
            )
        regular.append(row[:width] + [""] * (width - len(row)))
    return regular
