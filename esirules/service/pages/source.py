"""A ruleset's source as a page shows it: its text (and diagnostics) in, lines highlighted by the language's lexer out.

Each line has an anchor (`#L12`), so an explanation's rule links straight to it; the tokens are
the Pygments lexer's (`esirules.editor.pygments_lexer`, the one the docs and the handbook use),
written line by line so a token spanning lines (a `\"\"\"` description) is closed and reopened at
each line end. A diagnostic is shown under its line: the span underlined as the command line
underlines it, then the message and the help.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import attrs
from markupsafe import Markup, escape
from pygments.token import STANDARD_TYPES, _TokenType

from esirules.diagnostics import Diagnostic


@attrs.frozen
class Problem:
    severity: str
    underline: str  # spaces and carets under the span
    words: str
    where: str  # `line 391, column 11`: for a screen reader, which neither numbers nor carets reach


@attrs.frozen
class Line:
    number: int
    html: Markup
    problems: tuple[Problem, ...]


PLAIN = {"", "w", "n", "p"}  # whitespace, plain names and punctuation: the default style leaves them as they are


def _css_class(kind: _TokenType) -> str:
    while kind not in STANDARD_TYPES and kind.parent is not None:
        kind = kind.parent
    css = STANDARD_TYPES.get(kind, "")
    return "" if css in PLAIN else css


def highlighted_lines(text: str) -> list[Markup]:
    """The text's lines as HTML, each token in a span of Pygments' standard class for its type."""
    from esirules.editor.pygments_lexer import EsirulesLexer

    lines: list[list[str]] = [[]]
    for kind, value in EsirulesLexer().get_tokens(text):
        css = _css_class(kind)
        for number, piece in enumerate(value.split("\n")):
            if number:
                lines.append([])
            if piece:
                lines[-1].append(f'<span class="{css}">{escape(piece)}</span>' if css else str(escape(piece)))
    if text.endswith("\n") and lines and not lines[-1]:
        lines.pop()
    return [Markup("".join(parts)) for parts in lines]


def source_lines(file: str, text: str, diagnostics: Sequence[Diagnostic] = ()) -> list[Line]:
    """Every line of a file, highlighted, with the diagnostics that point into it."""
    under: dict[int, list[Problem]] = defaultdict(list)
    for d in diagnostics:
        if d.span.file != file:
            continue
        start = max(d.span.column, 1)
        width = max((d.span.end_column - start) if d.span.end_line == d.span.line else 1, 1)
        words = f"{d.severity}[{d.code}]: {d.message}" + (f" — help: {d.help}" if d.help else "")
        under[d.span.line].append(Problem(d.severity, " " * (start - 1) + "^" * min(width, 200), words,
                                          f"line {d.span.line}, column {start}"))
    highlighted = highlighted_lines(text)
    if not highlighted:
        highlighted = [Markup("")]
    return [Line(number, html, tuple(under.get(number, ()))) for number, html in enumerate(highlighted, start=1)]


def around_problems(lines: Sequence[Line], context: int = 3) -> list[Line | None]:
    """Only the lines near a problem (None where lines are left out): a check's result, not the whole file."""
    near = {n for line in lines if line.problems for n in range(line.number - context, line.number + context + 1)}
    out: list[Line | None] = []
    for line in lines:
        if line.number in near:
            out.append(line)
        elif out and out[-1] is not None:
            out.append(None)
    return out
