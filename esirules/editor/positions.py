"""Positions in a document: text in, offsets and editor positions (line, UTF-16 unit) both ways.

Spans count lines and columns from 1 in characters; an editor counts lines from 0 and, by
default, columns in UTF-16 code units (a character beyond the basic plane counts twice). The
encoding an editor and server agree on may also be UTF-8 or UTF-32.
"""

from __future__ import annotations

import bisect
import re
from typing import Literal

import attrs

from esirules.span import Span

# As the Language Server Protocol counts lines, and the parser reads them (`language.decode`).
_LINE_BREAK = re.compile("\r\n|\r|\n")

Encoding = Literal["utf-8", "utf-16", "utf-32"]


@attrs.frozen
class Position:
    """A position as an editor counts it: line and column from 0, columns in the agreed units."""

    line: int
    character: int


@attrs.frozen
class Range:
    start: Position
    end: Position


class Lines:
    """A document's line starts, for turning offsets into positions and back."""

    def __init__(self, text: str, encoding: Encoding = "utf-16"):
        self.text = text
        self.encoding = encoding
        breaks = list(_LINE_BREAK.finditer(text))
        self.starts = [0] + [match.end() for match in breaks]
        self.ends = [match.start() for match in breaks] + [len(text)]  # each line's end, before its break

    def line_text(self, line: int) -> str:
        """Line `line` (from 0) without its line break; empty beyond the end."""
        if not 0 <= line < len(self.starts):
            return ""
        return self.text[self.starts[line] : self.ends[line]]

    def offset(self, position: Position) -> int:
        """The character offset of an editor position, clamped to the document."""
        if position.line < 0:
            return 0
        if position.line >= len(self.starts):
            return len(self.text)
        line = self.line_text(position.line)
        return self.starts[position.line] + _characters(line, max(position.character, 0), self.encoding)

    def position(self, offset: int) -> Position:
        """The editor position of a character offset, clamped to the document."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect.bisect_right(self.starts, offset) - 1
        before = self.text[self.starts[line] : offset]
        return Position(line, _units(before, self.encoding))

    def range(self, span: Span) -> Range:
        """A span of this document as an editor range (from its line and column, which stay
        right even where offsets were not kept)."""
        return Range(self._from_line_column(span.line, span.column), self._from_line_column(span.end_line, span.end_column))

    def _from_line_column(self, line: int, column: int) -> Position:
        text = self.line_text(line - 1)
        within = text[: max(column - 1, 0)]
        # A span may end one past the end of its line (the end of the file, a missing `}`).
        return Position(max(line - 1, 0), _units(within, self.encoding) + max(column - 1 - len(text), 0))


def _units(text: str, encoding: Encoding) -> int:
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _characters(line: str, units: int, encoding: Encoding) -> int:
    """How many characters of `line` the first `units` code units cover (clamped to the line)."""
    if encoding == "utf-32" or line.isascii():
        return min(units, len(line))
    counted = 0
    for index, char in enumerate(line):
        width = len(char.encode("utf-8")) if encoding == "utf-8" else (2 if ord(char) > 0xFFFF else 1)
        if counted + width > units:
            return index
        counted += width
    return len(line)


def parsed_offset(text: str, offset: int) -> int:
    """An offset into an editor's text as an offset into the text the parser read, which
    `language.decode` gives with a byte-order mark dropped and each CRLF read as one line feed:
    without this, a file with Windows line ends is looked up one character further off each line."""
    bom = 1 if text.startswith("\ufeff") and offset > 0 else 0
    return offset - bom - text.count("\r\n", 0, offset)
