"""The "Reading an explanation" section of docs/inspectors-guide.md shows what the commands print.

Each ```sh block of the section is run (in the repository folder, 110 columns wide) and what it
prints must be the ```text block after it, exactly. After a change to the output, rewrite the
blocks by running this file: `.venv/bin/python tests/test_explain_guide.py`.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "inspectors-guide.md"
HEADING = "## Reading an explanation"
EXAMPLE = re.compile(r"```sh\n(?P<command>esirules explain [^\n]*)\n```\n\n```text\n(?P<output>.*?)\n```", re.DOTALL)


def section() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start : end if end >= 0 else len(text)]


def printed(command: str) -> str:
    from esirules.cli.main import main

    out = io.StringIO()
    previous = os.getcwd(), os.environ.get("COLUMNS")
    os.chdir(REPO)
    os.environ["COLUMNS"] = "110"
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            main(shlex.split(command)[1:])
    finally:
        os.chdir(previous[0])
        if previous[1] is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous[1]
    return out.getvalue().rstrip("\n")


EXAMPLES = [(m["command"], m["output"]) for m in EXAMPLE.finditer(section())]


def test_the_section_has_the_three_required_examples() -> None:
    commands = [command for command, _ in EXAMPLES]
    assert "esirules explain examples/hertfordshire/summary.yaml B1 --column Feb" in commands
    assert "esirules explain examples/hertfordshire/summary.yaml A1 --column Feb" in commands
    assert "esirules explain examples/hertfordshire/summary.yaml overall --column Feb" in commands


@pytest.mark.parametrize(("command", "output"), EXAMPLES, ids=[c.split(" ", 3)[3] for c, _ in EXAMPLES])
def test_each_example_prints_what_the_guide_shows(command: str, output: str) -> None:
    assert printed(command) == output


if __name__ == "__main__":
    text = GUIDE.read_text(encoding="utf-8")
    old = section()
    new = EXAMPLE.sub(
        lambda m: f"```sh\n{m['command']}\n```\n\n```text\n{printed(m['command'])}\n```", old
    )
    GUIDE.write_text(text.replace(old, new), encoding="utf-8")
    sys.exit(0)
