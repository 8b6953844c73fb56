"""The examples of docs/evidence-format.md are evidence the ruleset they name accepts: an
inspector copies them."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

from esirules.evidence.load import load_evidence
from esirules.language.check import load_ruleset

PAGE = (REPO / "docs" / "evidence-format.md").read_text(encoding="utf-8")
RULES = load_ruleset(str(REPO / "rulesets" / "esi-2004-followup.esi"))


def _block(after: str, kind: str) -> str:
    """The first fenced block of `kind` after the heading or sentence `after`."""
    start = PAGE.index(after)
    found = re.compile(rf"```{kind}\n(.*?)```", re.DOTALL).search(PAGE, start)
    assert found is not None, after
    return found.group(1)


def test_the_evidence_file_example_loads_under_the_ruleset_it_names(tmp_path: Path) -> None:
    text = _block("## The evidence file (YAML)", "yaml")
    assert "ruleset: ../../rulesets/esi-2004-followup.esi" in text
    (tmp_path / "evidence.yaml").write_text(text, encoding="utf-8")
    evidence = load_evidence(str(tmp_path / "evidence.yaml"), RULES)
    assert list(evidence.cases.ids) == ["F01", "F02"]
    assert [w.code for w in evidence.warnings] == []


def test_the_csv_example_loads_under_the_same_ruleset(tmp_path: Path) -> None:
    text = _block("The first row holds the column headings", "")
    (tmp_path / "cases.csv").write_text(text, encoding="utf-8")
    evidence = load_evidence(str(tmp_path / "cases.csv"), RULES)
    assert list(zip(evidence.cases.ids, evidence.cases.samples)) == [
        ("F01", "february"), ("F02", "february"), ("F03", "september")]


def test_the_json_example_loads_as_the_yaml_one_does(tmp_path: Path) -> None:
    text = _block("## JSON", "json")
    (tmp_path / "evidence.json").write_text(text, encoding="utf-8")
    evidence = load_evidence(str(tmp_path / "evidence.json"), RULES)
    assert list(evidence.cases.ids) == ["F01"] and [w.code for w in evidence.warnings] == []
    assert [(a.criterion, a.grade) for a in evidence.adjustments] == [("A1", "Partly met")]
