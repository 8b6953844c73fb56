"""A real browser for the web-page tests: Debian's Chromium driven by Playwright, and axe-core to check accessibility.

Playwright's own browser download does not work on these machines, so Chromium is the system's
(`/usr/bin/chromium`, or ESIRULES_CHROMIUM), launched headless with a fresh profile of its own.
Without it the browser tests are skipped, unless ESIRULES_REQUIRE_BROWSER=1 (CI sets it, and
.ci/run installs Chromium), when they fail: they cannot silently not run there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
REQUIRE = os.environ.get("ESIRULES_REQUIRE_BROWSER") == "1"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SERIOUS = ("serious", "critical")


def chromium_path() -> str | None:
    given = os.environ.get("ESIRULES_CHROMIUM")
    if given:
        return given if os.path.exists(given) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"ESIRULES_REQUIRE_BROWSER=1 but {reason} (.ci/run installs Debian's chromium)")
    pytest.skip(f"the browser tests need Chromium: {reason}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session (a fresh temporary profile: Playwright gives every launch its own)."""
    executable = chromium_path()
    if executable is None:
        unavailable("no `chromium` is installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the `playwright` package is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is (axe is injected for the check only)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"] if v["impact"] in SERIOUS
    ]
