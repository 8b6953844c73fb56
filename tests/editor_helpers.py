"""Shared helpers for the editor tests: positions of text in a document, the bundled rulesets."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO

RULESETS = REPO / "esirules" / "rulesets"
PARENT = RULESETS / "esi-2003.esi"
CHILD = RULESETS / "esi-2004-followup.esi"
EXAMPLES = REPO / "docs" / "examples" / "language"
MISTAKES = EXAMPLES / "mistakes"


def uri(path: Path | str) -> str:
    return Path(path).resolve().as_uri()


def offset_of(text: str, needle: str, shift: int = 0, nth: int = 1) -> int:
    """The offset `shift` characters into the `nth` occurrence of `needle` (it must be there)."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return at + shift


def position_of(text: str, needle: str, shift: int = 0, nth: int = 1) -> tuple[int, int]:
    """The (line, character) from 0 of `offset_of` (the texts here are ASCII but for dashes)."""
    offset = offset_of(text, needle, shift, nth)
    line = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return line, len(text[offset - column : offset].encode("utf-16-le")) // 2
