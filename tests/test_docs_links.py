"""Every link between the docs, and from them into the project, reaches a file that exists (and,
with `#anchor`, a heading or an `id` in it): a reader following one never lands nowhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO

PAGES = sorted([*(REPO / "docs").rglob("*.md"), REPO / "README.md"])
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    """The anchors of a Markdown page: its headings as GitHub names them, and its `id`s."""
    text = page.read_text(encoding="utf-8")
    found = set(re.findall(r'id="([^"]+)"', text))
    for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE):
        words = re.sub(r"[^\w\- ]", "", heading.strip().lower())
        found.add(words.replace(" ", "-"))
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_reaches_its_file_and_anchor(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.DOTALL)  # (code is not a link)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        reached = (page.parent / path).resolve() if path else page
        missing = anchor and reached.suffix == ".md" and anchor not in _anchors(reached) if reached.exists() else True
        if missing:
            broken.append(target)
    assert broken == []
