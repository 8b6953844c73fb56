"""Format a ruleset: ruleset text in, the same ruleset in the canonical layout (or its syntax diagnostics) out.

The layout is described in docs/language.md ("Layout and `esirules fmt`"); `fmt_layout` decides
where each token goes, `fmt_lines` writes the lines with the author's comments and blank lines.
Text that does not parse is not formatted: its syntax diagnostics are returned instead. Every
result is checked before it is returned: it must parse to the same tokens and hold the same
comments, so a mistake in the formatter can never change what a ruleset says.
"""

from __future__ import annotations

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
    formatted = write_lines(text, placed)
    _same_ruleset(text, placed, formatted)
    return Formatted(formatted)


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


def _same_ruleset(text: str, placed: list[Placed], formatted: str) -> None:
    """Raise FormatterFault unless `formatted` has the tokens and comments of `text`."""
    try:
        again = place(parse_layout(formatted))
    except lark.exceptions.LarkError as error:
        raise FormatterFault(f"the formatted text does not parse: {error}") from None
    if [t.text for t in again] != [t.text for t in placed]:
        raise FormatterFault("the formatted text has other tokens than the original")
    if comments_of(formatted, again) != comments_of(text, placed):
        raise FormatterFault("the formatted text has other comments than the original")

