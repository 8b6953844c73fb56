"""The words of a ruleset as written: names, values and text, each with its span.

Part of the syntax tree (esirules.language.syntax re-exports these).
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from esirules.span import Span, span_field


@attrs.frozen
class Name:
    """A name as written, with where it was written (for diagnostics about references)."""

    text: str
    span: Span = span_field()


@attrs.frozen
class Value:
    """A scale point, grade or attribute value: bare (`strong`), quoted, or a number."""

    text: str
    number: Fraction | None = None
    quoted: bool = False
    span: Span = span_field()


@attrs.frozen
class Text:
    text: str
    span: Span = span_field()

    @property
    def line(self) -> str:
        """The text as a title is shown, on one line: a title written over several lines in
        triple quotes has each break, with the spaces around it, read as one space."""
        return " ".join(self.text.split()) if "\n" in self.text else self.text
