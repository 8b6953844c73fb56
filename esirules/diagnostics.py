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
    hidden = hidden_difference(name, pool)
    if hidden is not None:
        return hidden
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


# Characters that look like a space or like nothing, which text pasted from a document or a web
# page brings with it: by what each looks like.
_LIKE_A_SPACE = {"\u00a0": "a non-breaking space", "\u202f": "a narrow non-breaking space", "\u2007": "a figure space",
                 "\u2009": "a thin space", "\u2002": "an en space", "\u2003": "an em space", "\u3000": "a wide space"}
_INVISIBLE = {"\u200b": "a zero-width space", "\u200c": "a zero-width non-joiner", "\u200d": "a zero-width joiner",
              "\u2060": "a word joiner", "\ufeff": "a zero-width no-break space", "\u00ad": "a soft hyphen"}


def hidden_difference(name: str, pool: list[str]) -> str | None:
    """Where `name` differs from a known name only by a character that cannot be seen as itself
    (a non-breaking space, a zero-width space): say which, as "did you mean `very high`?" for
    `very high` read as a correction to nothing."""
    odd = _odd(name)
    if odd is not None:
        known = {_plain(c): c for c in pool}
        meant = known.get(_plain(name))
        if meant is None:
            return None
        return f"did you mean `{meant}`? this holds {_looks(odd)}"
    for candidate in pool:  # (the known name holds it: a case id recorded with one, asked for without)
        odd = _odd(candidate)
        if odd is not None and _plain(candidate) == _plain(name):
            return f"did you mean `{candidate}`? where it is written it holds {_looks(odd)}"
    return None


def _odd(text: str) -> str | None:
    return next((c for c in text if c in _LIKE_A_SPACE or c in _INVISIBLE), None)


def _plain(text: str) -> str:
    """The text as it looks: each look-alike space a space, each invisible character gone."""
    return " ".join("".join(" " if c in _LIKE_A_SPACE else "" if c in _INVISIBLE else c for c in text).split()).lower()


def _looks(odd: str) -> str:
    if odd in _LIKE_A_SPACE:
        return f"{_LIKE_A_SPACE[odd]} (U+{ord(odd):04X}), which looks like a space: type an ordinary space in its place"
    return f"{_INVISIBLE[odd]} (U+{ord(odd):04X}), which looks like nothing: delete it"


def errors_only(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]
