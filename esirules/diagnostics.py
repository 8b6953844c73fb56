"""Diagnostics: a stable code, a span, a plain-English message and a help line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import attrs

from esirules.span import Span


@attrs.frozen
class Diagnostic:
    """One problem found in a ruleset, in inspection evidence or in a request."""

    code: str
    message: str
    span: Span
    help: str | None = None
    severity: str = "error"

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "help": self.help,
            "location": self.span.to_json(),
        }


class DiagnosticError(Exception):
    """Raised by a public entry point when a stage found problems; carries all of them."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: dict[str, str] | None = None):
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        first = self.diagnostics[0] if self.diagnostics else None
        summary = f"{first.span}: {first.message}" if first else "no diagnostics"
        more = len(self.diagnostics) - 1
        super().__init__(summary + (f" (and {more} more)" if more > 0 else ""))


def did_you_mean(name: str, candidates: Iterable[str], *, listing: bool = True) -> str | None:
    """A help line naming the closest known spelling, if one is close enough.

    With `listing`, a short pool with nothing close is listed instead ("known names are ...");
    callers that list values in their own order pass `listing=False`.
    """
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        if name.lower() in lowered:
            close = [lowered[name.lower()]]
    if close:
        return f"did you mean `{close[0]}`?"
    if listing and pool and len(pool) <= 8:
        return "known names are " + ", ".join(f"`{c}`" for c in pool)
    return None


def errors_only(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]
