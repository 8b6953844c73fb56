"""Render diagnostics: diagnostic objects (and the source texts) in, text or JSON out."""

from __future__ import annotations

import json
from collections.abc import Sequence

from esirules.diagnostics import Diagnostic
from esirules.render.wording import shown_path
from esirules.span import Span
from esirules.words import plural


def render_text(diagnostics: Sequence[Diagnostic], sources: dict[str, str]) -> str:
    """Each diagnostic with its location, the source line and the span underlined."""
    blocks = [_one(d, sources.get(d.span.file)) for d in diagnostics]
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    tally = []
    if errors:
        tally.append(plural(errors, "error"))
    if warnings:
        tally.append(plural(warnings, "warning"))
    if tally:
        blocks.append(", ".join(tally) + " found")
    return "\n\n".join(blocks) + "\n"


def _one(d: Diagnostic, source: str | None) -> str:
    lines = [f"{d.severity}[{d.code}]: {d.message}", *located(d.span, source)]
    if d.help:
        lines.append(f"  = help: {d.help}")
    return "\n".join(lines)


def located(span: Span, source: str | None) -> list[str]:
    """`  --> file:line:column`, then the source line with the span underlined (if the source is known)."""
    lines = [f"  --> {shown_path(span.file)}:{span.line}:{span.column}"]
    text_line = _line(source, span.line)
    if text_line is not None:
        number = str(span.line)
        pad = " " * len(number)
        shown = text_line.expandtabs(4) if "\t" not in text_line else text_line.replace("\t", " ")
        start = max(span.column, 1)
        if span.end_line == span.line:
            width = max(span.end_column - span.column, 1)
        else:
            width = max(len(shown) - start + 1, 1)
        width = min(width, max(len(shown) - start + 1, 1))
        if len(shown) > 200:
            cut = max(start - 60, 0)
            shown = ("…" if cut else "") + shown[cut : cut + 160] + "…"
            start = start - cut + (1 if cut else 0)
            width = min(width, 160)
        lines += [f" {pad} |", f" {number} | {shown}", f" {pad} | {' ' * (start - 1)}{'^' * width}"]
    return lines


def _line(source: str | None, number: int) -> str | None:
    if source is None:
        return None
    lines = source.splitlines()
    if 1 <= number <= len(lines):
        return lines[number - 1]
    if number == len(lines) + 1:
        return ""
    return None


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps({"diagnostics": [d.to_json() for d in diagnostics]}, indent=2, ensure_ascii=False)
