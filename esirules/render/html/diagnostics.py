"""Diagnostics in HTML: diagnostics (and the texts they point into) in, each problem at its line out.

Each problem is shown as the command line prints it: its code, its one-sentence message, where
(file, line, column), the line itself with the span marked, and the help line with the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
from markupsafe import Markup

from esirules.diagnostics import Diagnostic
from esirules.render.html.environment import environment
from esirules.render.wording import place

LONGEST_LINE = 240  # characters of a line shown around its span


@attrs.frozen
class Excerpt:
    number: int
    before: str
    marked: str
    after: str


@attrs.frozen
class Shown:
    diagnostic: Diagnostic
    where: str
    excerpt: Excerpt | None
    field: str | None = None  # the form's field it is in, in the form's words (the pages)


def excerpt(text: str | None, d: Diagnostic) -> Excerpt | None:
    """The diagnostic's line, cut into the text before its span, the span and the text after."""
    if text is None:
        return None
    lines = text.splitlines()
    span = d.span
    if not 1 <= span.line <= len(lines):
        return None
    line = lines[span.line - 1].replace("\t", " ")
    start = min(max(span.column, 1) - 1, len(line))
    end = span.end_column - 1 if span.end_line == span.line else len(line)
    end = min(max(end, start), len(line))
    cut = max(start - 80, 0)
    shown = line[cut : cut + LONGEST_LINE]
    start, end = start - cut, min(end - cut, len(shown))
    return Excerpt(span.line, shown[:start], shown[start:end], shown[end:])


def diagnostics_fragment(
    diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], fields: Mapping[str, str] | None = None
) -> Markup:
    """`fields`: what a page's form calls the inputs that problems may be in, by the name a
    problem's span gives them (`--case`, `?sample`): such a problem is said to be in that field."""
    shown = [
        Shown(d, place(d.span), excerpt(sources.get(d.span.file), d), (fields or {}).get(d.span.file))
        for d in diagnostics
    ]
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return Markup(environment().get_template("diagnostics.html.j2").render(
        shown=shown, errors=errors, warnings=len(diagnostics) - errors))
