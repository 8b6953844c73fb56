"""Shared helpers for the language tests: check text in memory, list what was found."""

from __future__ import annotations

from pathlib import Path

from esirules.language.check import Checked, check_text

REPO = Path(__file__).resolve().parent.parent

# The service tests' fixtures (a store on SQLite and on PostgreSQL, the app with a token per role).
pytest_plugins = ["service_support"]


def check_source(text: str, path: str = "t.esi") -> Checked:
    """Check ruleset text as if read from `path`, collecting diagnostics instead of raising."""
    return check_text(text.encode("utf-8"), path, {})


def found(checked: Checked) -> set[tuple[str, int, int]]:
    """The (code, line, column) of every diagnostic."""
    return {(d.code, d.span.line, d.span.column) for d in checked.diagnostics}
