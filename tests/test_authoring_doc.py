"""docs/authoring-tools.md shows what the commands print: a SNAPSHOT TEST.

Each ```sh block of the page is run in the repository folder and what it prints must be the
fenced block after it (```text, ```json or ```markdown), exactly. That guards against a stale
page, not a wrong one: what the diff says is tested in tests/test_authoring_changes.py, and the
figures of its impact against the published report in tests/test_authoring_impact.py. After a change to the output,
rewrite the blocks by running this file: `.venv/bin/python tests/test_authoring_doc.py`.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys

import pytest
from conftest import REPO

PAGE = REPO / "docs" / "authoring-tools.md"
EXAMPLE = re.compile(
    r"```sh\n(?P<command>esirules [^\n]*)\n```\n\n(?P<between>(?:<details>\n<summary>[^\n]*</summary>\n\n)?)"
    r"```(?P<kind>text|json|markdown)\n(?P<output>.*?)```",
    re.DOTALL,
)


def printed(command: str) -> str:
    from esirules.cli.main import main

    out = io.StringIO()
    previous = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            main(shlex.split(command)[1:])
    finally:
        os.chdir(previous)
    return out.getvalue()


EXAMPLES = [(m["command"], m["output"]) for m in EXAMPLE.finditer(PAGE.read_text(encoding="utf-8"))]


def test_the_page_shows_the_required_examples():
    commands = [command for command, _ in EXAMPLES]
    assert (
        "esirules diff rulesets/esi-2003.esi rulesets/esi-2004-followup.esi "
        "--evidence examples/hertfordshire/original.yaml" in commands
    )
    assert any(c.startswith("esirules handbook ") for c in commands)
    assert any(c.endswith("--format json") for c in commands)
    assert "esirules check --analysis rulesets/esi-2003.esi" in commands
    assert "esirules test rulesets/esi-2003.esi rulesets/esi-2004-followup.esi" in commands
    assert any(c.startswith("esirules test --coverage ") for c in commands)
    assert any(c.startswith("esirules test ") and c.endswith("--format json") for c in commands)
    assert len(commands) == 12


@pytest.mark.parametrize(("command", "output"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_each_example_prints_what_the_page_shows(command, output):
    assert printed(command) == output


if __name__ == "__main__":
    text = PAGE.read_text(encoding="utf-8")
    PAGE.write_text(
        EXAMPLE.sub(
            lambda m: f"```sh\n{m['command']}\n```\n\n{m['between']}```{m['kind']}\n{printed(m['command'])}```", text
        ),
        encoding="utf-8",
    )
    sys.exit(0)
