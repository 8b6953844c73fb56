"""Write placed tokens as lines: the tokens' places and the source's comments and blank lines in, text out.

Only comments and line breaks lie between the tokens of text that parses, so what the author
wrote besides the tokens is read from the gaps between them: a comment after a token on its
line stays at the end of that line (two spaces before `#`); a comment on a line of its own
stays on a line of its own, indented like the line that follows it; a blank line between two
declarations or parts, or before a comment between them, is kept (one, however many there
were); blank lines right after `{`, before `}`, inside a declaration, and at the start and end
of the file are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from esirules.authoring.fmt_layout import CLOSE, OPEN, SOFT, START, Placed

INDENT = "  "
_GAP = re.compile(r"#[^\n]*|\n")


class Gap(NamedTuple):
    """What lies between two tokens: a comment ending the line of the first, comments on lines of
    their own (each with whether a blank line comes before it), whether a blank line comes just
    before the second token, and whether there is a line break at all."""

    trailing: str | None
    comments: tuple[tuple[str, bool], ...]
    blank: bool
    newline: bool


def read_gap(text: str, start: int, end: int, at_file_start: bool) -> Gap:
    """The gap `text[start:end]`; at the start of the file every comment is on a line of its own."""
    trailing = None
    comments: list[tuple[str, bool]] = []
    newlines = 0  # since the token before, or the last comment
    own_line = at_file_start
    for match in _GAP.finditer(text, start, end):
        found = match.group()
        if found == "\n":
            newlines += 1
            own_line = True
        elif not own_line:
            trailing = found.rstrip()
        else:
            comments.append((found.rstrip(), newlines >= 2))
            newlines = 0
    return Gap(trailing, tuple(comments), newlines >= 2, "\n" in text[start:end])


def comments_of(text: str, placed: Sequence[Placed]) -> list[str]:
    """Every comment of the text, in order (the tokens of the text are `placed`)."""
    found: list[str] = []
    position = 0
    for start, end in [(t.start, t.end) for t in placed] + [(len(text), len(text))]:
        gap = read_gap(text, position, start, position == 0)
        found.extend(([gap.trailing] if gap.trailing is not None else []) + [c for c, _ in gap.comments])
        position = end
    return found


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.line = ""
        self.written = 0  # the length of the lines written, line breaks included
        self.fresh = True  # nothing written yet in this block (or file): no blank line here

    def new_line(self, level: int, text: str, blank: bool = False) -> None:
        if self.line:
            self.lines.append(self.line)
            self.written += len(self.line) + 1
        if blank and not self.fresh and self.lines and self.lines[-1]:
            self.lines.append("")
            self.written += 1
        self.line = INDENT * level + text
        self.fresh = False

    def comments(self, gap: Gap, level: int, between: bool) -> bool:
        """Write the gap's comments; True if a comment now ends the line being written."""
        if gap.trailing is not None:
            self.line += "  " + gap.trailing
        for comment, blank in gap.comments:
            self.new_line(level, comment, blank and between)
        return gap.trailing is not None or bool(gap.comments)


def write_lines(text: str, placed: Sequence[Placed], starts: list[int] | None = None) -> str:
    """The formatted text: `placed` are the tokens of `text`, in order, with their places; where
    each token starts in the formatted text is appended to `starts` if it is given."""
    writer = _Writer()
    previous: Placed | None = None
    for token in placed:
        gap = read_gap(text, previous.end if previous else 0, token.start, previous is None)
        between = token.kind in (START, CLOSE)
        writer.fresh = writer.fresh or (previous is not None and previous.kind == OPEN)
        ended = writer.comments(gap, token.depth if token.kind == START else token.depth + 1, between)
        if token.kind == START:
            writer.new_line(token.depth, token.text, gap.blank)
        elif token.kind == CLOSE and (ended or previous is None or previous.kind != OPEN):
            writer.new_line(token.depth, token.text)
        elif ended or (token.kind == SOFT and gap.newline):
            writer.new_line(token.depth + 1, token.text)
        else:
            writer.line += (" " if token.space and token.kind != CLOSE else "") + token.text
        if starts is not None:
            starts.append(writer.written + len(writer.line) - len(token.text))
        previous = token
    writer.comments(read_gap(text, previous.end if previous else 0, len(text), previous is None), 0, True)
    if writer.line:
        writer.lines.append(writer.line)
    return "".join(line + "\n" for line in writer.lines)
