"""Render diagnostics: diagnostic objects (and the source texts) in, text or JSON out.

Text lists the first `LISTED_PER_CODE` diagnostics of each code and says how many more there
are ("… and 9980 more E121 errors like these"); the count at the end is always of all of them.
JSON lists every one. Each source is split into lines once, so rendering takes time in
proportion to the sources and the diagnostics shown, never their product. What a file or a
message quotes is shown with its control characters written out (`wording.visible`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence

from esirules.diagnostics import Diagnostic
from esirules.render.wording import place, visible
from esirules.render.wording import shown_path as shown_path  # (imported from here by its users)
from esirules.span import Span
from esirules.words import plural

LISTED_PER_CODE = 20
LONG_LINE = 200  # a longer source line is cut around the span
SHOWN_BEFORE = 60  # characters kept before the span on a cut line
SHOWN_IN_ALL = 160


class _Lines:
    """The lines of each source, split when first asked for."""

    def __init__(self, sources: Mapping[str, str]):
        self.sources = sources
        self.split: dict[str, list[str]] = {}

    def line(self, file: str, number: int) -> str | None:
        if file not in self.split:
            source = self.sources.get(file)
            if source is None:
                return None
            self.split[file] = source.splitlines()
        lines = self.split[file]
        if 1 <= number <= len(lines):
            return lines[number - 1]
        return "" if number == len(lines) + 1 else None


def render_text(
    diagnostics: Sequence[Diagnostic],
    sources: Mapping[str, str],
    *,
    tally: bool = True,
    listed_per_code: int | None = LISTED_PER_CODE,
) -> str:
    """Each diagnostic with its location, the source line and the span underlined; then the count.

    Args:
        tally: end with the count ("2 errors found"); a command that renders several groups
            of diagnostics counts them all once, with `tally_line`.
        listed_per_code: how many diagnostics of one code to show (None: all).
    """
    lines = _Lines(sources)
    shown: Counter[tuple[str, str]] = Counter()
    blocks = []
    for d in diagnostics:
        key = (d.code, d.severity)
        shown[key] += 1
        if listed_per_code is None or shown[key] <= listed_per_code:
            blocks.append(_one(d, lines.line(d.span.file, d.span.line)))
    for (code, severity), count in shown.items():
        if listed_per_code is not None and count > listed_per_code:
            blocks.append(f"… and {plural(count - listed_per_code, f'more {code} {severity}')} like these")
    if tally:
        counted = tally_line(diagnostics)
        if counted:
            blocks.append(counted)
    return "\n\n".join(blocks) + "\n" if blocks else ""


def tally_line(diagnostics: Sequence[Diagnostic]) -> str:
    """`3 errors, 1 warning found`, or "" for none."""
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    tally = []
    if errors:
        tally.append(plural(errors, "error"))
    if warnings:
        tally.append(plural(warnings, "warning"))
    return ", ".join(tally) + " found" if tally else ""


def _one(d: Diagnostic, text_line: str | None) -> str:
    lines = [f"{d.severity}[{d.code}]: {visible(d.message)}", *_located(d.span, text_line)]
    if d.help:
        lines.append(f"  = help: {visible(d.help)}")
    return "\n".join(lines)


def located(span: Span, source: str | None) -> list[str]:
    """`  --> file:line:column`, then the source line with the span underlined (if the source is known)."""
    return _located(span, None if source is None else _Lines({span.file: source}).line(span.file, span.line))


def _located(span: Span, text_line: str | None) -> list[str]:
    lines = [f"  --> {visible(place(span))}"]
    if text_line is not None:
        number = str(span.line)
        pad = " " * len(number)
        shown, start, width = _underlined(span, text_line)
        lines += [f" {pad} |", f" {number} | {shown}", f" {pad} | {' ' * start}{'^' * width}"]
    return lines


def _underlined(span: Span, text_line: str) -> tuple[str, int, int]:
    """The line as shown, the characters before the span and the width of the span, as shown."""
    start = min(max(span.column, 1), len(text_line) + 1) - 1
    end = span.end_column - 1 if span.end_line == span.line else len(text_line)
    end = min(max(end, start), len(text_line))

    def show(part: str) -> str:
        # A tab becomes one space, so columns counted in characters stay under their character.
        return visible(part.replace("\t", " "))

    before, inside, after = show(text_line[:start]), show(text_line[start:end]), show(text_line[end:])
    if len(before) + len(inside) + len(after) > LONG_LINE:
        if len(before) > SHOWN_BEFORE:
            before = "…" + before[-(SHOWN_BEFORE - 1):]
        room = max(SHOWN_IN_ALL - len(before), 1)
        if len(inside) >= room:
            inside, after = inside[:room], "…"
        elif len(after) > room - len(inside):
            after = after[: room - len(inside)] + "…"
    return before + inside + after, len(before), max(len(inside), 1)


def render_json(diagnostics: Sequence[Diagnostic]) -> str:
    """Every diagnostic, none left out (docs/diagnostics.md)."""
    return json.dumps({"diagnostics": [d.to_json() for d in diagnostics]}, indent=2, ensure_ascii=False)
