"""The case table: cases as read from any format, before checking — each column an array of numbers of cell texts.

Every reader (`read_csv`, `read_arrow`, `yaml_cases`) makes one; `encode` checks and codes it.
A table numbers each distinct cell text once, in one pass over the cells in the order they were
read, so the encoder looks at a column's few distinct texts and the work per cell stays in numpy.
A table says where each cell was written (`span`): a YAML value keeps its own span; a CSV cell is
found in the file's text (`CsvCells`) only when a problem is shown there.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from esirules.span import Span

Cells = Sequence[str | None]
Index = npt.NDArray[np.int32]


class Interner(dict[str | None, int]):
    """Numbers each distinct text in the order first seen."""

    def __missing__(self, text: str | None) -> int:
        number = self[text] = len(self)
        return number


# A CSV cell as the csv module reads it (strict, double quotes): quoted, with doubled quotes and any
# line breaks inside, or unquoted up to the next comma or line end.
_CELL = re.compile(r'"(?:[^"]|"")*"|[^,\r\n]*')
_LINE_END = re.compile(r"\r\n|\r|\n")
FIRST_INDEX_CHUNK = 1 << 16  # the characters whose line starts are indexed first


class CsvCells:
    """Where the cells of a CSV file are: its text in, the span of a cell out.

    The text is asked for only when a span is first wanted (a file with no problems never needs
    one), and its lines are indexed only as far as the spans wanted reach, in chunks that double,
    so placing the header's cells costs nothing like indexing a large file. Lines are counted as
    the csv module counts them (a line ends at a line feed, a carriage return, or both), so a
    record's line is its line here.
    """

    def __init__(self, file: str, text: Callable[[], str]):
        self.file = file
        self._text: Callable[[], str] | str = text
        self._starts: array[int] = array("q", [0])  # where each line indexed so far starts
        self._indexed = 0  # the text is indexed up to here

    def text(self) -> str:
        if not isinstance(self._text, str):
            self._text = self._text()
        return self._text

    def _index(self, position: int, lines: int = 0) -> None:
        """Index the line starts up to offset `position`, or until `lines` lines are known."""
        text = self.text()
        while self._indexed < len(text) and (self._indexed <= position or len(self._starts) < lines):
            stop = min(len(text), max(position + 1, 2 * self._indexed, FIRST_INDEX_CHUNK))
            if text[stop - 1 : stop + 1] == "\r\n":
                stop += 1  # (a line end is not cut in two)
            self._starts.extend(match.end() for match in _LINE_END.finditer(text, self._indexed, stop))
            self._indexed = stop

    def offset(self, line: int) -> int:
        """Where a line starts in the text."""
        self._index(0, line)
        return self._starts[min(max(line, 1), len(self._starts)) - 1]

    def record(self, line: int) -> list[tuple[int, int]]:
        """The (start, end) offsets of each cell of the record starting on `line`, quotes included."""
        text = self.text()
        position = self.offset(line)
        cells = []
        while True:
            match = _CELL.match(text, position)
            assert match is not None  # INVARIANT: the pattern matches the empty string
            cells.append((position, match.end()))
            position = match.end()
            if position >= len(text) or text[position] != ",":
                return cells
            position += 1

    def span(self, line: int, column: int) -> Span:
        """The span of the value in cell `column` (from 0) of the record on `line`: the text
        between its quotes, without surrounding spaces (the cell's start if it is blank)."""
        cells = self.record(line)
        if column >= len(cells):
            end = cells[-1][1]
            return self.between(end, end)
        return self.value(*cells[column])

    def value(self, start: int, end: int) -> Span:
        """The span of the value in the cell from offset `start` to `end` (see `span`)."""
        text = self.text()
        if end - start >= 2 and text[start] == '"':
            start, end = start + 1, end - 1
        value = text[start:end]
        stripped = value.strip()
        if stripped:
            start += len(value) - len(value.lstrip())
            end = start + len(stripped)
        return self.between(start, end)

    def between(self, start: int, end: int) -> Span:
        """The span from offset `start` to offset `end` of the text."""
        self._index(end)
        line = bisect_right(self._starts, start)
        end_line = bisect_right(self._starts, end, lo=line - 1)
        return Span(
            self.file,
            line,
            start - self._starts[line - 1] + 1,
            end_line,
            end - self._starts[end_line - 1] + 1,
            start,
            end,
        )


@attrs.define
class CaseTable:
    """Cases as read, before checking: each column an array of numbers of distinct cell texts.

    Fields are `id`, `sample`, `attribute:<name>` and `answer:<question id>`, names as declared.
    """

    file: str
    lines: Sequence[int]
    strings: list[str | None] = attrs.Factory(lambda: [None])
    columns: dict[str, Index] = attrs.Factory(dict)
    header_line: int | None = None  # a CSV file: where missing columns are reported
    positions: Mapping[tuple[str, int], Span] = attrs.Factory(dict)  # YAML: each value's own span
    reported: set[tuple[str, int]] = attrs.Factory(set)  # cells whose problem is already reported
    cells: CsvCells | None = None  # a CSV file: where its cells are
    column_of: dict[str, int] = attrs.Factory(dict)  # a CSV file: the column (from 0) of each field
    sheet: str | None = None  # a workbook: the sheet whose rows `lines` are

    @classmethod
    def from_cells(cls, file: str, lines: Sequence[int], cells: dict[str, list[str | None]]) -> CaseTable:
        """A table from lists of cell texts (None for a blank), one list per field."""
        interner = Interner({None: 0})  # INVARIANT: number 0 is a blank cell
        columns = {
            field: np.fromiter(map(interner.__getitem__, texts), dtype=np.int32, count=len(texts))
            for field, texts in cells.items()
        }
        return cls(file, lines, list(interner), columns)

    def __len__(self) -> int:
        return len(self.lines)

    def text(self, field: str, index: int) -> str:
        """The text of one cell, without surrounding spaces."""
        return (self.strings[self.columns[field][index]] or "").strip()

    def place(self, index: int) -> str:
        """Where case `index` is, in words: `line 3`, or in a workbook its id's cell (`cases!A3`)."""
        span = self.span("id", index)
        return span.cell or f"line {span.line}"

    def span(self, field: str, index: int) -> Span:
        """Where the value of `field` for case `index` is (the start of its case if not known)."""
        if (field, index) in self.positions:
            return self.positions[field, index]
        if self.cells is not None and field in self.column_of:
            return self.cells.span(self.lines[index], self.column_of[field])
        return Span.point(self.file, self.lines[index], 1)


def line_numbers(lines: array[int]) -> Sequence[int]:
    """Record lines as a range when they run on one by one (no blank lines, no cell over two lines)."""
    if not lines or lines[-1] - lines[0] == len(lines) - 1:
        return range(lines[0], lines[0] + len(lines)) if lines else range(0)
    return lines
