"""Read a CSV file of cases exactly: its text in, a case table out, every problem reported with its row.

The csv module reads the records one by one and each cell becomes the number of its distinct
text at once, in blocks of rows, so memory holds the cell numbers (four bytes a cell) and the
distinct texts, never the rows of strings. This is the path of every small file, and of any file
the columnar reader (`read_arrow`) does not take, so it is the one source of diagnostics for CSV
files.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from array import array
from collections.abc import Callable, Iterator

import numpy as np
import numpy.typing as npt

from esirules import collector
from esirules.diagnostics import Diagnostic
from esirules.evidence.table import CaseTable, CsvCells, Interner, line_numbers
from esirules.evidence.vocabulary import (
    NO_HEADINGS,
    Problems,
    Vocabulary,
    heading_field,
    same_field,
    title_above_headings,
)
from esirules.span import Span

BLOCK_ROWS = 8192  # rows numbered at a time: their strings are freed block by block


def read_csv(file: str, text: str, vocab: Vocabulary, problems: Problems) -> CaseTable:
    """Read a CSV file's text into a case table, reporting its problems."""
    if _title_above_headings(file, text, problems) or _headings_moved(file, text, problems):
        return CaseTable(file, [])
    cells = CsvCells(file, lambda: text)
    returns = text.count("\r")
    lone_returns = returns - (text.count("\r\n") if returns else 0)
    line_count = text.count("\n") + lone_returns + 1
    reader = csv.reader(_lines(text, lone_returns > 0), strict=True)
    found = len(problems)
    try:
        with collector.paused():  # many small lists, none in cycles
            read = _read(file, line_count, reader, cells, problems)
    except csv.Error as error:
        del problems[found:]  # the file cannot be read: its rows' problems would mislead
        problems.append(_unreadable(file, text, str(error), reader.line_num or 1))
        return CaseTable(file, [])
    if read is None:
        return CaseTable(file, [])
    header, header_line, numbers, lines, strings = read
    width = len(header)
    matrix = numbers.reshape(-1, width)
    blank = [number for number, text in enumerate(strings) if not (text and text.strip())]
    filled = ~np.isin(matrix, blank) if len(blank) > 1 else matrix != 0
    keep = filled.any(axis=1)
    if not keep.all():  # rows of blank cells, as spreadsheets often leave at the end
        matrix, filled = matrix[keep], filled[keep]
        lines = array("i", (lines[i] for i in np.flatnonzero(keep).tolist()))
    header_cells = cells.record(header_line)
    table = CaseTable(file, line_numbers(lines), strings, header_line=header_line, cells=cells)
    where: dict[str, int] = {}
    for j, heading in enumerate(header):
        span = cells.value(*header_cells[j]) if j < len(header_cells) else Span.point(file, header_line, 1)
        field = heading_field(heading, bool(filled[:, j].any()), span, vocab, problems)
        if field is None:
            continue
        if field in where:
            problems.append(same_field(header[where[field]], heading, field, (str(where[field] + 1), str(j + 1)), span))
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
        strings.extend(f"line {line}" for line in table.lines)
    table.column_of = where
    return table


def _read(
    file: str, line_count: int, reader: Iterator[list[str]], cells: CsvCells, problems: Problems
) -> tuple[list[str], int, npt.NDArray[np.int32], array[int], list[str | None]] | None:
    """The header, its line, every cell's number (row after row), each row's line and the texts numbered."""
    end = 0  # the last line read
    for header in reader:
        header_line, end = end + 1, reader.line_num  # type: ignore[attr-defined]
        if header and not (end == 1 and _separator_line(header)):
            break  # (Excel's `sep=,` first line says only that the columns are separated by commas)
    else:
        problems.append(Diagnostic("E101", f"the cases file `{file}` holds no header row", Span.point(file, 1, 1), NO_HEADINGS))
        return None
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
        return None
    width = len(header)
    interner = Interner({"": 0})  # INVARIANT: number 0 is a blank cell
    number = interner.__getitem__
    # At most one row a line: room for them all, of which only the pages written are ever used.
    numbers = np.empty((line_count - end + 1) * width, dtype=np.int32)
    filled = 0
    lines: array[int] = array("i")
    block: list[list[str]] = []
    for row in reader:
        start, end = end + 1, reader.line_num  # type: ignore[attr-defined]
        if not row:
            continue  # a blank line
        if len(row) != width:
            row = _regular(row, width, start, cells, problems)
        block.append(row)
        lines.append(start)
        if len(block) == BLOCK_ROWS:
            filled = _number(block, number, numbers, filled)
            block = []
    filled = _number(block, number, numbers, filled)
    return header, header_line, numbers[:filled], lines, list(interner)


def _number(block: list[list[str]], number: Callable[[str], int], into: npt.NDArray[np.int32], at: int) -> int:
    """Put the numbers of a block of rows' texts into `into` from `at`; where the next block goes."""
    count = sum(map(len, block))
    into[at : at + count] = np.fromiter(map(number, itertools.chain.from_iterable(block)), dtype=np.int32, count=count)
    return at + count


def _regular(row: list[str], width: int, line: int, cells: CsvCells, problems: Problems) -> list[str]:
    """A row cut or padded to the header's width (spreadsheets leave off trailing blank cells)."""
    if len(row) > width and any(c.strip() for c in row[width:]):
        record = cells.record(line)
        span = cells.between(record[width][0], record[-1][1]) if len(record) > width else Span.point(cells.file, line, 1)
        problems.append(
            Diagnostic(
                "E103",
                f"row has {len(row)} cells but the header names only {width} columns",
                span,
                "add a heading for the extra cells, or remove them",
            )
        )
    return row[:width] + [""] * (width - len(row))


def _separator_line(row: list[str]) -> bool:
    """Excel's first line `sep=,`, which says only that the columns are separated by commas."""
    return ",".join(row).strip().lower() == "sep=,"


_HEADING_ID = re.compile(r"^(?:[^\n]*,)?[ \t]*\"?(?:id|case)\"?[ \t]*(?:,[^\n]*)?\r?$", re.IGNORECASE | re.MULTILINE)


def _headings_moved(file: str, text: str, problems: Problems) -> bool:
    """Whether the headings were sorted in among the cases (in a spreadsheet, before saving as
    CSV): the first line holds no `id` heading and a later one does. One problem, where every
    case's values read as headings gave dozens, none saying where the headings went."""
    start = len(text) - len(text.lstrip("\ufeff\r\n"))
    end = text.find("\n", start)
    first = text[start:] if end < 0 else text[start:end]
    if end < 0 or _HEADING_ID.fullmatch(first.rstrip("\r")) or _separator_line(first.split(",")):
        return False
    found = _HEADING_ID.search(text, end + 1)
    if found is None:
        return False
    line = text.count("\n", 0, found.start()) + 1
    problems.append(Diagnostic(
        "E107", f"the headings of `{file}` are on line {line}, not on its first line: the rows were sorted with the "
        "headings among them", Span.point(file, line, 1),
        "undo the sort, or sort again telling the spreadsheet that the data has headers, and save the file again"))
    return True


def _title_above_headings(file: str, text: str, problems: Problems) -> bool:
    """Whether a title stands above the headings (a cell or two on each line before a line with
    an `id` heading, as in a workbook's sheet): reported as one problem, not one for every column
    without a heading. Reads the first lines alone, apart from the reading of the file."""
    cut = 0
    for _ in range(12):
        cut = text.find("\n", cut) + 1
        if not cut:
            cut = len(text)
            break
    reader = csv.reader(io.StringIO(text[:cut], newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not (reader.line_num == 1 and _separator_line(row)):
                rows.append((reader.line_num, [cell.strip() for cell in row if cell.strip()]))
    except csv.Error:
        return False  # (the reading of the whole file says what is wrong)
    found = title_above_headings(((line, cells) for line, cells in rows if cells), most=2)
    if found is None:
        return False
    line, title, at = found
    problems.append(Diagnostic(
        "E107", f"the first line of `{file}` holds `{title}`, not its headings, which are on line {at}",
        Span.point(file, line, 1), "delete the lines above the headings: a CSV file of cases starts with them"))
    return True


def _unreadable(file: str, text: str, reason: str, line: int) -> Diagnostic:
    """E102 for a file the csv module stops reading at `line`: at the quote that opens a cell
    never closed, if there is one (the reader stops only at the file's end, or where the cell grows
    past what a cell may hold, and would send the inspector to the wrong row)."""
    opened = _unclosed_quote(text)
    if opened is not None:
        line = text.count("\n", 0, opened) + 1
        column = opened - (text.rfind("\n", 0, opened) + 1) + 1
        return Diagnostic("E102", f"`{file}` is not a valid CSV file: the quoted cell that starts here is never "
                          'closed with `"`, so every cell after it runs into it', Span.point(file, line, column, opened),
                          'end the cell with `"`, or take out the `"` if the cell is not meant to be quoted')
    if "field larger than field limit" in reason:
        limit = csv.field_size_limit()
        lines = text.split("\n", line)
        column = _long_cell(lines[line - 1], limit) if len(lines) >= line else 1
        return Diagnostic("E102", f"`{file}` is not a valid CSV file: this cell holds more than "
                          f"{limit // 1024} KB, the most a cell may hold", Span.point(file, line, column),
                          "a cell holds one answer or one attribute: check that the line is a row of cases")
    return Diagnostic("E102", f"`{file}` is not a valid CSV file: {reason}", Span.point(file, line, 1),
                      'check the quotes on this line: a quoted cell must end with `"`')


def _long_cell(line: str, limit: int) -> int:
    """The column where the first cell of `line` longer than `limit` characters starts (1 if none is)."""
    start, inside = 0, False
    for at, char in enumerate(line):
        if char == '"':
            inside = not inside
        elif char == "," and not inside:
            if at - start > limit:
                return start + 1
            start = at + 1
    return start + 1 if len(line) - start > limit else 1


def _unclosed_quote(text: str) -> int | None:
    """Where the quoted cell starts that the text never closes, if one does not close (a `""`
    inside a quoted cell opens and closes again at once)."""
    inside, opened = False, None
    for quote in re.finditer('"', text):
        if not inside:
            opened = quote.start()
        inside = not inside
    return opened if inside else None


def _lines(text: str, lone_returns: bool) -> Iterator[str]:
    """The lines of a text as the csv module wants them, each with its line end, without a copy of
    the whole text (an `io.StringIO` holds four bytes a character)."""
    if lone_returns:
        yield from io.StringIO(text, newline="")  # carriage returns alone: lines end there too
        return
    find, start = text.find, 0
    while True:
        end = find("\n", start) + 1
        if not end:
            if start < len(text):
                yield text[start:]
            return
        yield text[start:end]
        start = end
