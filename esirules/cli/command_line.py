"""The command line as typed: the words after `esirules` in, a source text for diagnostics and spans into it out.

A diagnostic about something typed on the command line (a sample, a target, a case, a
condition) quotes the whole command as the user typed it, each word shell-quoted as a shell
would need it, and underlines the value where it was typed.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

import attrs

from esirules.diagnostics import Diagnostic, DiagnosticError
from esirules.span import Span

COMMAND_LINE = "<command line>"


class CommandLine:
    """`esirules` and the words typed after it, as one line of text."""

    def __init__(self, words: Sequence[str]):
        self.words = list(words)
        self.text = "esirules"
        self._starts: list[int] = []  # where each word's shell-quoted form starts (0-based)
        self._quoted: list[str] = []
        for word in self.words:
            self.text += " "
            self._starts.append(len(self.text))
            quoted = shlex.quote(word)
            self._quoted.append(quoted)
            self.text += quoted

    @property
    def sources(self) -> dict[str, str]:
        return {COMMAND_LINE: self.text}

    def option(self, name: str, occurrence: int = 0) -> Span | None:
        """Where the value of the `occurrence`-th `name` option was typed (`--sample X`, `--sample=X`,
        or an abbreviation argparse accepted, such as `--sam X`)."""
        seen = 0
        index = 0
        while index < len(self.words):
            word = self.words[index]
            if word == "--":
                return None
            typed, equals, value = word.partition("=")
            if typed.startswith("--") and len(typed) > 2 and name.startswith(typed):
                if seen == occurrence:
                    if equals:
                        return self._within(index, value)
                    return self._within(index + 1, None) if index + 1 < len(self.words) else None
                seen += 1
                index += 0 if equals else 1
            index += 1
        return None

    def word(self, value: str, after: int = 0) -> Span | None:
        """Where a positional word was typed: the first word equal to `value` from word `after` on."""
        for index in range(after, len(self.words)):
            if self.words[index] == value:
                return self._within(index, None)
        return None

    def _within(self, index: int, value: str | None) -> Span:
        """The span of word `index`, or of `value` inside it (when it is there verbatim)."""
        start, quoted = self._starts[index], self._quoted[index]
        if value is None:
            value = self.words[index]
        offset = quoted.find(value) if value else -1
        if offset < 0:
            begin, end = start, start + len(quoted)
        else:
            begin, end = start + offset, start + offset + max(len(value), 1)
        return Span(COMMAND_LINE, 1, begin + 1, 1, end + 1, begin, end)


def moved(error: DiagnosticError, origin: str, typed: Span | None, line: CommandLine) -> DiagnosticError:
    """Diagnostics located in `origin` (a value's own text) moved to where that value was typed."""
    if typed is None:
        return error
    found: list[Diagnostic] = []
    for d in error.diagnostics:
        if d.span.file == origin:
            span = d.span
            column = typed.column + span.column - 1
            end_column = typed.column + span.end_column - 1 if span.end_line == span.line else typed.end_column
            # A span that reaches past the value (the end of a condition) stops at its end.
            column = min(column, typed.end_column)
            end_column = max(min(end_column, typed.end_column), column)
            d = attrs.evolve(d, span=Span(COMMAND_LINE, 1, column, 1, end_column))
        found.append(d)
    sources = {k: v for k, v in error.sources.items() if k != origin}
    return DiagnosticError(found, {**sources, **line.sources})
