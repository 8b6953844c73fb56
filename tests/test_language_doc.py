"""docs/language.md stays true: its examples check, its mistakes give the codes it names, and the
output it shows is what `esirules` prints.

Run this file with Python to rewrite the shown output after a message changes:
`.venv/bin/python tests/test_language_doc.py`.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "language.md"
# A ```text block that starts with the command it shows the output of.
SHOWN = re.compile(r"```text\n\$ (?P<command>esirules [^\n]*)\n(?P<output>.*?)```", re.DOTALL)


def test_language_reference_examples_and_mistakes_hold():
    script = ROOT / "docs" / "examples" / "language" / "check_examples.py"
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: 0 problem(s)" in result.stdout


def printed(command: str) -> str:
    """What the command prints (standard output, then standard error), run in process from the root."""
    from esirules.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(shlex.split(command)[1:])
    return out.getvalue() + err.getvalue()


def shown() -> list[tuple[str, str]]:
    return [(m["command"], m["output"]) for m in SHOWN.finditer(DOC.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("command", "output"), shown())
def test_the_output_shown_is_what_esirules_prints(command, output):
    assert output == printed(command)


def regenerate() -> None:
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(
        SHOWN.sub(lambda m: f"```text\n$ {m['command']}\n{printed(m['command'])}```", text), encoding="utf-8"
    )


if __name__ == "__main__":
    regenerate()


def test_the_contents_list_every_part_of_the_reference_and_the_grammar_table_every_rule():
    page = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    reference = page[page.index("## 2. Reference"):page.index("## 3. How the ESI")]
    contents = page[page.index("**Contents**"):page.index("## 1. A five-minute tour")]
    headings = re.findall(r"^### (.+)$", reference, flags=re.MULTILINE)
    assert [f"[{h}]" in contents for h in headings] == [True] * len(headings), headings
    grammar = (ROOT / "esirules" / "language" / "grammar" / "esirules.lark").read_text(encoding="utf-8")
    rules = set(re.findall(r"^[?!]?([a-z][a-z0-9_]*)\s*:", grammar, flags=re.MULTILINE))
    table = page[page.index("| Grammar rule | Described under |"):page.index("To check every example on this page")]
    assert "\n\n|" not in table.strip()  # one table: a blank line would end it
    assert rules - set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", table)) == set()
