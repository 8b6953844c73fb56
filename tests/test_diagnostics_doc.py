"""docs/diagnostics.md stays true: every code has a section, and its examples do what it says.

Each section holds a bad example (```esi bad-CODE, or ```sh bad-CODE for problems with the file
itself), the output of `esirules check` on it (```text output-CODE) and the fixed example
(```esi fixed-CODE). That the bad example gives its code and the fixed one checks is tested
here on its own terms; the output blocks are a SNAPSHOT: they must be what `esirules check`
prints, which guards against a stale page, not a wrong message (the messages themselves are
tested in tests/test_diagnostics.py and the checker's tests). Run this file with Python to
rewrite the output blocks after a message changes: `.venv/bin/python tests/test_diagnostics_doc.py`.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import REPO

from esirules.language.check import MAX_RULESET_BYTES, Checked, check_file
from esirules.render.diagnostics import render_text

DOC = REPO / "docs" / "diagnostics.md"
CHECKED_AS = "ruleset.esi"
CODE_IN_SOURCE = re.compile(r'"([SRW]\d{3})"')
HEADING = re.compile(r'^<a id="(?P<code>[SRW]\d{3})"></a>\n## (?P=code) — \S', re.MULTILINE)
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)

# Problems with the file itself cannot be shown as ruleset text: the doc shows the command, and
# these are the files it names.
FILES = {
    "S001": lambda: b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + bytes(range(256)) * 8,
    "S005": lambda: b"ruleset,case,answer\n" + b"esi-2003,0001,yes\n" * (3 * MAX_RULESET_BYTES // 2 // 18),
    "S013": lambda: b"id,sample,B1.start\nF01,february,yes\n",
}


def codes_in_source() -> set[str]:
    return {
        code for path in (REPO / "esirules").rglob("*.py")
        for code in CODE_IN_SOURCE.findall(path.read_text(encoding="utf-8"))
    }


def doc_blocks() -> dict[str, tuple[str, str]]:
    """`info` string of each fenced block -> (info, body)."""
    text = DOC.read_text(encoding="utf-8")
    return {m["info"].strip(): (m["info"].strip(), m["body"]) for m in FENCE.finditer(text)}


def run_example(code: str, info: str, body: str, folder: Path) -> Checked:
    """Check a documented example as `esirules check` would, from inside `folder` (which also
    holds copies of the bundled rulesets, for examples that extend one)."""
    for bundled in (REPO / "esirules" / "rulesets").glob("*.esi"):
        shutil.copy(bundled, folder / bundled.name)
    with contextlib.chdir(folder):
        if info.startswith("sh "):
            (name,) = shlex.split(body.strip())[2:]
            if code in FILES:
                Path(name).write_bytes(FILES[code]())
            return check_file(name)
        # S002 is about text saved in another encoding than UTF-8: save the bad example so.
        Path(CHECKED_AS).write_bytes(body.encode("latin-1" if info == "esi bad-S002" else "utf-8"))
        return check_file(CHECKED_AS)


def output(checked: Checked) -> str:
    return render_text(checked.diagnostics, checked.sources)


def documented_codes() -> list[str]:
    return HEADING.findall(DOC.read_text(encoding="utf-8"))


def test_every_code_has_a_section():
    documented = documented_codes()
    assert len(documented) == len(set(documented)), "a code has two sections"
    assert codes_in_source() - set(documented) == set()
    assert documented == sorted(documented, key=lambda c: ("SRW".index(c[0]), c))


@pytest.mark.parametrize("code", documented_codes())
def test_the_bad_example_gives_its_code_and_the_fixed_one_checks(code, tmp_path):
    blocks = doc_blocks()
    bad = blocks.get(f"esi bad-{code}") or blocks.get(f"sh bad-{code}")
    assert bad is not None, f"no bad example for {code}"
    checked = run_example(code, *bad, tmp_path)
    assert code in {d.code for d in checked.diagnostics}
    shown = blocks.get(f"text output-{code}")
    assert shown is not None, f"no output shown for {code}"
    assert shown[1] == output(checked), f"the output shown for {code} is not what esirules prints"
    fixed = blocks.get(f"esi fixed-{code}")
    if fixed is not None:
        (tmp_path / "fixed").mkdir()
        repaired = run_example(code, *fixed, tmp_path / "fixed")
        assert repaired.ruleset is not None and repaired.diagnostics == [], output(repaired)
    else:
        assert bad[0].startswith("sh "), f"no fixed example for {code}"


def example_names() -> list[str]:
    return [info.removeprefix("esi example-") for info in doc_blocks() if info.startswith("esi example-")]


@pytest.mark.parametrize("name", example_names())
def test_the_other_examples(name, tmp_path):
    """Examples besides each code's bad one (`esi example-NAME`) show their real output too."""
    blocks = doc_blocks()
    checked = run_example(name, *blocks[f"esi example-{name}"], tmp_path)
    assert blocks[f"text output-{name}"][1] == output(checked)


def regenerate() -> None:
    """Rewrite every output block from what esirules prints for its example today."""
    import tempfile

    text = DOC.read_text(encoding="utf-8")
    blocks = doc_blocks()

    def replace(match: re.Match[str]) -> str:
        info = match["info"].strip()
        if not info.startswith("text output-"):
            return match.group()
        code = info.removeprefix("text output-")
        source = blocks.get(f"esi bad-{code}") or blocks.get(f"sh bad-{code}") or blocks[f"esi example-{code}"]
        with tempfile.TemporaryDirectory() as folder:
            return f"```{match['info']}\n{output(run_example(code, *source, Path(folder)))}```"

    DOC.write_text(FENCE.sub(replace, text), encoding="utf-8")


if __name__ == "__main__":
    regenerate()
