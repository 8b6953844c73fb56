"""Format a ruleset: ruleset text in, the same ruleset in the canonical layout (or its syntax diagnostics) out.

The layout is described in docs/language.md ("Layout and `esirules fmt`"); `fmt_layout` decides
where each token goes, `fmt_lines` writes the lines with the author's comments and blank lines.
Text that does not parse is not formatted: its syntax diagnostics are returned instead. Every
result is checked before it is returned: it must parse to the same tokens and hold the same
comments, so a mistake in the formatter can never change what a ruleset says.
"""

from __future__ import annotations

import bisect
import os

import attrs
import lark

from esirules.authoring.fmt_layout import Placed, parse_layout, place
from esirules.authoring.fmt_lines import comments_of, write_lines
from esirules.diagnostics import Diagnostic
from esirules.language.parse import decode, parse_text
from esirules.language.sources import MAX_RULESET_BYTES, FileSources, SourceError
from esirules.span import Span


@attrs.frozen
class Formatted:
    """The formatted text, or (when the ruleset does not parse) None and the syntax diagnostics."""

    text: str | None
    diagnostics: tuple[Diagnostic, ...] = ()


class FormatterFault(Exception):
    """The formatter made text that says something else: a fault in esirules, not in the ruleset."""


def format_text(text: str, path: str = "<text>") -> Formatted:
    """The ruleset `text` in the canonical layout; `path` names it in diagnostics.

    Args:
        text: ruleset text.
        path: the file the text came from, for diagnostics.

    Returns:
        `Formatted` with the text, or with no text and every syntax diagnostic.

    Raises:
        FormatterFault: if the result would not say exactly what `text` says (a bug).
    """
    # Lines end with `\n` in the canonical layout (Windows' `\r\n` and old Macs' `\r` are read as
    # line ends, as the checker reads them), inside triple-quoted text too.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tree, problems = parse_text(text, path)
    if tree is None:
        return Formatted(None, tuple(problems))
    placed = place(parse_layout(text))
    return Formatted(_read_back(text, placed))


def format_bytes(data: bytes, path: str) -> Formatted:
    """Format a ruleset file's bytes (UTF-8; a byte order mark is dropped)."""
    text, problems = decode(data, path)
    if text is None:
        return Formatted(None, tuple(problems))
    return format_text(text, path)


def read_ruleset(path: str) -> tuple[bytes | None, list[Diagnostic]]:
    """A ruleset file's bytes, or why they cannot be had (R003, S005, as `esirules check` says)."""
    try:
        data = FileSources().read(path)
    except SourceError as error:
        return None, [Diagnostic(
            "R003",
            f"cannot read the ruleset file `{path}`: {error.reason.lower()}",
            Span(path, 1, 1, 1, 1),
            "check the file name and that the file exists",
        )]
    if len(data) > MAX_RULESET_BYTES:
        whole = os.path.getsize(path)
        size = f"{whole / 1_000_000:.1f} MB" if whole >= 1.05 * MAX_RULESET_BYTES else f"{whole:,} bytes"
        return None, [Diagnostic(
            "S005",
            f"this file is {size}; a ruleset may be at most {MAX_RULESET_BYTES // 1_000_000} MB",
            Span(path, 1, 1, 1, 2),
            "a ruleset is a few hundred lines of text; check that the right file was given",
        )]
    return data, []


def _read_back(text: str, placed: list[Placed]) -> str:
    """The formatted text, read back: it must have the tokens and comments of `text`.

    Two tokens written against each other by a hint (`x3`) may read back as one (after a number,
    `x5` reads as a name): then that space is put back, wherever the same hint follows the same
    kind of token, and the text written again. Anything else that reads back otherwise is a fault
    (FormatterFault).
    """
    for _ in range(sum(t.hinted for t in placed) + 1):
        starts: list[int] = []
        formatted = write_lines(text, placed, starts)
        try:
            again = place(parse_layout(formatted))
        except lark.exceptions.UnexpectedInput as error:
            where, problem = error.pos_in_stream or 0, f"the formatted text does not parse: {error}"
        else:
            differ = next((i for i, (a, b) in enumerate(zip(again, placed)) if a.text != b.text), None)
            if differ is None and len(again) == len(placed):
                if comments_of(formatted, again) != comments_of(text, placed):
                    raise FormatterFault("the formatted text has other comments than the original")
                return formatted
            where = again[differ].start if differ is not None else len(formatted)
            problem = "the formatted text has other tokens than the original"
        # The token read wrongly starts at or before `where`; a hinted one there or just after it
        # is the one to write apart.
        at = bisect.bisect_right(starts, where) - 1
        hinted = next((i for i in (at, at + 1) if 0 <= i < len(placed) and placed[i].hinted), None)
        if hinted is None:
            raise FormatterFault(problem)
        # The lexer read the glued word by what came before it: the same word after the same kind
        # of token reads the same way everywhere.
        before = _before_glued(placed, hinted)
        for i, token in enumerate(placed):
            if token.hinted and (i == hinted or _before_glued(placed, i) == before):
                placed[i] = token._replace(space=True, hinted=False)
    raise FormatterFault("the formatted text does not read back as the original")


def _before_glued(placed: list[Placed], hinted: int) -> tuple[str, str]:
    """The word a hint glues to `placed[hinted]`, and the type of the token before that word."""
    return placed[hinted - 1].text, placed[hinted - 2].type if hinted >= 2 else ""
