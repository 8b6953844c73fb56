"""Cases in YAML evidence: the scanner (yaml_fast) and the exact YAML-node path give the same evidence, or the same diagnostics.

The exact path is forced by making `read_yaml_cases` give None. Every difference in the files
below (block style as `yaml.safe_dump` writes it and as people write it, and changes the scanner
must notice: a field given twice, a comment, a tab, a flow-style case, a value to quote, a field
out of line) must either be read identically by both or be refused with identical diagnostics,
and a plain file must really take the fast path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_json_cases import RULES, RULESET, assert_same, documents
from test_json_cases import both as both_ways

from esirules.evidence import yaml_fast
from esirules.evidence.cases import Evidence

REPO = Path(__file__).resolve().parent.parent


def both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, int]:
    return both_ways(path, monkeypatch, (yaml_fast, "read_yaml_cases"))


@pytest.fixture(scope="module")
def inspection(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A generated inspection of 300 cases, as its document."""
    import sys

    sys.path.insert(0, str(REPO / "bench"))
    from generate import generate

    paths = generate(str(tmp_path_factory.mktemp("gen")), 300, seed=3)
    document: dict[str, Any] = json.loads(Path(paths["json"]).read_text(encoding="utf-8"))
    document["ruleset"] = RULESET
    return document


def dumped(document: dict[str, Any], indent: int = 2) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000, indent=indent)


@pytest.mark.parametrize("indent", [2, 4])
def test_a_generated_inspection_takes_the_fast_path_and_reads_the_same(
    inspection: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indent: int
) -> None:
    path = tmp_path / "inspection.yaml"
    path.write_text(dumped(inspection, indent), encoding="utf-8")
    fast, exact, taken = both(path, monkeypatch)
    assert taken == 1
    assert isinstance(exact, Evidence) and len(exact.cases) == 300
    assert_same(fast, exact)
    assert len({location.line for location in exact.cases.locations}) == 300


def _variant(inspection: dict[str, Any], change: str) -> str:
    """The generated inspection's first three cases written as YAML, changed as the scanner must notice."""
    cases = [dict(case, answers=dict(case["answers"])) for case in inspection["cases"][:3]]
    document = {"inspection": "Inspección ünicode", **{k: v for k, v in inspection.items() if k != "cases"}}
    document["cases"] = cases
    if change in ("a null sample", "double quotes"):
        cases[0]["sample"] = None if change == "a null sample" else "february"
    if change == "a value to quote":
        cases[0]["id"] = "C: 2"
    text = dumped(document)
    first = f"- id: {cases[0]['id']}\n"
    if change == "a null sample":
        return text.replace("sample: null", "sample: ~", 1)
    if change == "double quotes":
        return text.replace("sample: february", 'sample: "february"', 1)
    if change == "a value to quote":
        assert "id: 'C: 2'" in text
        return text
    if change == "cases indented under cases":  # (`  - id: C1`, as people often write it)
        listed = "".join("  " + line + "\n" for line in dumped(cases).splitlines())  # type: ignore[arg-type]
        return dumped({k: v for k, v in document.items() if k != "cases"}) + "cases:\n" + listed
    if change == "cases at the end":
        return dumped({k: v for k, v in document.items() if k != "cases"} | {"cases": cases})
    if change == "blank lines between cases":
        return text.replace("\n- id:", "\n\n- id:")
    replacements = {
        "a field given twice": (first, first + "  sample: february\n"),
        "an answer given twice": ("  answers:\n", "  answers:\n    B1.start: 'yes'\n", 1),
        "a comment": (first, first + "  # checked\n"),
        "a tab": (first, first.replace(" ", "\t", 1)),
        "a flow-style case": (first, "- {id: X1, sample: february}\n" + first),
        "a field out of line": (first, first + "   sample: february\n"),
        "answers empty": ("  answers:\n", "  answers: {}\n  x_answers:\n", 1),
        "answers null": ("  answers:\n", "  answers: null\n  x_answers:\n", 1),
        "an unknown attribute": (first, first + "  risk_of_harms: low\n"),
        "a question as an attribute": (first, first + "  B1.start: 'yes'\n"),
        "an anchor": (first, first.replace(": ", ": &a ", 1)),
        "a multi-line value": (first, first + "  sample: feb\n    ruary\n"),
        "quoted names": (first, first + "  'sample': february\n"),
        "a case opening with its answers": (first, "- answers: {}\n  id: X1\n" + first),
        "a misspelt rating after the cases": ("ratings:\n", "ratings:\n  A1.visibilty: good\n"),
        "a trailing space": (first, first.replace("\n", " \n")),
        "a second cases": ("ratings:", "cases: []\nratings:"),
        "a document end": ("ratings:", "...\nratings:"),
    }
    old, new, *count = replacements[change]
    assert old in text, change
    text = text.replace(old, new, *count)
    return text.replace("  x_answers:\n", "  x_answers:\n", 1) if "x_answers" not in text else _drop_answers(text)


def _drop_answers(text: str) -> str:
    """The answers lines after the marker taken out (the first case's answers emptied)."""
    head, _, tail = text.partition("  x_answers:\n")
    lines = tail.split("\n")
    while lines and lines[0].startswith("    "):
        lines.pop(0)
    return head + "\n".join(lines)


FAST = ("none", "cases indented under cases", "cases at the end", "blank lines between cases", "a null sample",
        "answers empty", "answers null", "double quotes", "a value to quote")
SLOW = ("a field given twice", "an answer given twice", "a comment", "a tab", "a flow-style case",
        "a field out of line", "an unknown attribute", "a question as an attribute", "an anchor", "a multi-line value",
        "quoted names", "a case opening with its answers", "a misspelt rating after the cases", "a trailing space",
        "a second cases", "a document end")


@pytest.mark.parametrize("change", FAST + SLOW)
def test_the_scanner_reads_the_same_or_leaves_the_file_to_the_exact_path(
    inspection: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_text(dumped(inspection | {"cases": inspection["cases"][:3]}) if change == "none"
                    else _variant(inspection, change), encoding="utf-8")
    fast, exact, taken = both(path, monkeypatch)
    assert_same(fast, exact)
    if change in FAST:
        assert taken == 1 and isinstance(fast, Evidence)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), indent=st.sampled_from([2, 3]))
def test_changed_files_read_the_same_or_are_refused_the_same(
    inspection: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    data: st.DataObject,
    indent: int,
) -> None:
    document, edits = data.draw(documents(inspection))
    text = dumped(document, indent)
    for case in edits:  # a field given twice: `- id: C1` gets `  id: C1` after it
        text = text.replace(f"- id: {case}\n", f"- id: {case}\n  id: {case}\n", 1)
    path = tmp_path_factory.mktemp("yaml") / "evidence.yaml"
    path.write_text(text, encoding="utf-8")
    with monkeypatch.context() as patch:
        fast, exact, _ = both(path, patch)
    assert_same(fast, exact)


def test_the_bundled_examples_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in sorted((REPO / "examples").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "cases:" not in text or "columns:" in text:
            continue
        fast, exact, _ = both(path, monkeypatch)
        assert_same(fast, exact)
        monkeypatch.undo()
    assert RULES is not None


@pytest.mark.parametrize("change", ["cases indented under cases", "blank lines between cases", "answers empty"])
def test_lines_numbered_by_pyarrow_read_the_same(
    inspection: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """Large files number their lines with pyarrow, small ones in Python: here pyarrow for all."""
    from esirules.evidence import triples

    monkeypatch.setattr(triples, "SMALL_BYTES", 0)
    path = tmp_path / "evidence.yaml"
    path.write_text(_variant(inspection, change), encoding="utf-8")
    fast, exact, taken = both(path, monkeypatch)
    assert_same(fast, exact)
    assert taken == 1
