"""docs/evidence-diagnostics.md stays true: every code has a section, and its example does what it says.

Each section holds the files of a bad example (```yaml E114 inspection.yaml: the language, the
code, the file name), the command (```sh E114) and what the command prints on standard error
(```text output-E114), a snapshot of the real output. Files that cannot be shown as text are
made here (`FILES`). The examples are scored beside the page's ruleset, which is
tests/fixtures/evidence/examples.esi. Run this file with Python to rewrite the output blocks after a
message changes: `.venv/bin/python tests/test_evidence_diagnostics_doc.py`. The inspector's guide's
and the evidence format page's examples of problems are checked here too.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from evidence_helpers import EXAMPLES, run

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "evidence-diagnostics.md"
CODE_IN_SOURCE = re.compile(r'"(E[12]\d\d)"')
HEADING = re.compile(r'^<a id="(?P<code>E\d{3})"></a>\n## (?P=code) — \S', re.MULTILINE)
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)

# The codes that are warnings (the others are errors): evidence that changes no figure (E122),
# what scoring finds missing or mixed (E21x), and why there are so many errors (E160).
WARNINGS = ("E122", "E160", "E210", "E211", "E212")
BESIDE_ERRORS = ("E160",)  # warnings given only beside errors: not in the page's table, and exit 1

# Files that cannot be shown as text on the page.
FILES = {
    ("E101", "cases.csv"): b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(range(256)) * 4,
}


def codes_in_source() -> set[str]:
    return {
        code
        for folder in ("evidence", "scoring")
        for path in (REPO / "esirules" / folder).rglob("*.py")
        for code in CODE_IN_SOURCE.findall(path.read_text(encoding="utf-8"))
    }


def blocks() -> list[tuple[str, str]]:
    return [(m["info"].strip(), m["body"]) for m in FENCE.finditer(DOC.read_text(encoding="utf-8"))]


def documented_codes() -> list[str]:
    return HEADING.findall(DOC.read_text(encoding="utf-8"))


def example(code: str) -> tuple[dict[str, str], str, str | None]:
    """The files of a code's example (name: text), its command and the output shown."""
    files, command, shown = {}, "", None
    for info, body in blocks():
        words = info.split()
        if len(words) == 3 and words[1] == code:
            files[words[2]] = body
        elif words == ["sh", code]:
            command = body.strip()
        elif words == ["text", f"output-{code}"]:
            shown = body
    return files, command, shown


def output(code: str, folder: Path) -> tuple[int, str]:
    """Run a code's example in `folder` beside the ruleset: the exit code and standard error."""
    files, command, _ = example(code)
    shutil.copy(EXAMPLES, folder / "ruleset.esi")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    for (owner, name), data in FILES.items():
        if owner == code:
            (folder / name).write_bytes(data)
    words = shlex.split(command)
    assert words[0] == "esirules", command
    status, _, err = run(*words[1:], cwd=folder)
    return status, err


def test_every_code_has_a_section_in_order():
    documented = documented_codes()
    assert len(documented) == len(set(documented)), "a code has two sections"
    assert codes_in_source() == set(documented)
    assert documented == sorted(documented)


def test_the_page_shows_the_ruleset_the_examples_use():
    ruleset = [body for info, body in blocks() if info == "esi ruleset.esi"]
    assert ruleset == [EXAMPLES.read_text(encoding="utf-8")]


@pytest.mark.parametrize("code", documented_codes())
def test_the_example_gives_its_code_and_the_output_shown(code, tmp_path):
    _, command, shown = example(code)
    assert command, f"no command for {code}"
    assert shown is not None, f"no output shown for {code}"
    status, err = output(code, tmp_path)
    assert re.search(rf"(error|warning)\[{code}\]", err), err
    assert status == (0 if code in WARNINGS and code not in BESIDE_ERRORS else 1)
    assert shown == err, f"the output shown for {code} is not what esirules prints"


def test_the_warnings_on_the_page_are_the_only_warnings():
    text = DOC.read_text(encoding="utf-8")
    table = text.split("| code | warning |", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"\[(E\d{3})\]", table) == [w for w in WARNINGS if w not in BESIDE_ERRORS]
    assert text.count("(a warning)") == len(WARNINGS)


# ---------------------------------------------------------------------------------------------
# The other pages' examples of problems in evidence

MISTAKES = ("score", "docs/examples/inspector/mistakes/inspection.yaml", "--sample", "february")


@pytest.mark.parametrize("page", ["inspectors-guide.md", "evidence-format.md"])
def test_the_example_of_mistakes_shows_what_esirules_prints(page):
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    command = "esirules " + " ".join(MISTAKES)
    assert f"```sh\n{command}\n```" in text
    shown = text.split(f"```sh\n{command}\n```\n\n```text\n", 1)[1].split("```", 1)[0]
    status, _, err = run(*MISTAKES, cwd=REPO)
    assert status == 1 and shown == err


def regenerate() -> None:
    """Rewrite every output block from what esirules prints for its example today."""
    import tempfile

    text = DOC.read_text(encoding="utf-8")

    def replace(match: re.Match[str]) -> str:
        info = match["info"].strip()
        if not info.startswith("text output-"):
            return match.group()
        with tempfile.TemporaryDirectory() as folder:
            _, err = output(info.removeprefix("text output-"), Path(folder))
        return f"```{match['info']}\n{err}```"

    DOC.write_text(FENCE.sub(replace, text), encoding="utf-8")


if __name__ == "__main__":
    regenerate()
