"""Adjustments at every level the ruleset allows (issue 11, point 7): a section's and the
overall's grade adjusted by a lead inspector, with who and why. Source → model, evidence,
hand-worked results, the sheet, explanations from the JSON, misuse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from beyond import LADDER, PERFORMANCE, checked, codes, header, ruleset_of, score_text
from test_explain_provenance import unsourced

from esirules.diagnostics import DiagnosticError
from esirules.evidence.load import load_evidence
from esirules.render.result_json import column_json
from esirules.render.sheet import build_sheet

LEVELS = header() + PERFORMANCE + "\n" + LADDER + """
grading direct {
  items rated on performance
  grades from grade
  "Well met" when at least strong on each item
  "Partly met" when at least satisfactory on each item
  "Poor" otherwise
}
section A "A" {
  criterion A1 "A1" { graded by direct  item A1.x "x" }
  criterion A2 "A2" { graded by direct  item A2.x "x" }
  grade: lowest of criteria
  allows adjustment
}
section B "B" {
  criterion B1 "B1" { graded by direct  item B1.x "x" }
  grade: lowest of criteria
}
overall "Overall" {
  grade: lowest of sections
  allows adjustment
}
"""

RATINGS = {"A1.x": "strong", "A2.x": "satisfactory", "B1.x": "strong"}
SECTION = {"section": "A", "grade": "Well met", "by": "Lead inspector", "reason": "A2's evidence arrived late"}
OVERALL = {"overall": "yes", "grade": "Partly met", "by": "Chief inspector", "reason": "moderation"}


def test_the_checker_reads_which_levels_allow_adjustment(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, LEVELS)
    assert [s.allows_adjustment for s in ruleset.sections] == [True, False]
    assert ruleset.overall is not None and ruleset.overall.allows_adjustment


def test_a_section_adjusted_and_the_overall_follows_it(tmp_path: Path) -> None:
    # A: lowest of Well met (A1) and Partly met (A2) = Partly met, adjusted to Well met. B: Well
    # met. Overall: lowest of the (final) section grades = Well met.
    scored = score_text(tmp_path, LEVELS, {"ratings": RATINGS, "adjustments": [SECTION]})
    a = scored.column.sections["A"]
    assert (a.computed_grade, a.grade, a.display) == ("Partly met", "Well met", "Well met")
    assert a.adjustment is not None and a.adjustment.applied and a.adjustment.by == "Lead inspector"
    assert scored.column.overall is not None and scored.column.overall.grade == "Well met"
    data = column_json(scored.column)
    assert data["sections"]["A"]["computed_grade"] == "Partly met"
    assert data["sections"]["A"]["adjustment"]["reason"] == "A2's evidence arrived late"
    sheet = build_sheet("t", [scored.column])
    rows = {row.label: [cell.shown for cell in row.cells] for row in sheet.rows}
    assert rows["Grade for section A"] == ["Well met"]
    # The sheet notes who adjusted it, as it does for a criterion.
    assert [c.note for r in sheet.rows if r.label == "Grade for section A" for c in r.cells] == [1]
    assert "computed Partly met; adjusted to Well met by Lead inspector" in sheet.notes[0]
    record = next(r for r in sheet.records if r.target == "A")
    assert (record.grade, record.computed_grade) == ("Well met", "Partly met")


def test_the_overall_adjusted(tmp_path: Path) -> None:
    # Every item strong: every criterion and section Well met, so the overall computes Well met;
    # the chief inspector's adjustment makes it Partly met.
    ratings = {"A1.x": "strong", "A2.x": "strong", "B1.x": "strong"}
    scored = score_text(tmp_path, LEVELS, {"ratings": ratings, "adjustments": [OVERALL]})
    overall = scored.column.overall
    assert overall is not None
    assert (overall.computed_grade, overall.grade, overall.display) == ("Well met", "Partly met", "Partly met")
    shown = scored.rendered("overall")
    body = shown["json"]["explanation"]
    assert (body["computed_grade"], body["grade"]) == ("Well met", "Partly met")
    assert body["adjustment"]["by"] == "Chief inspector" and body["adjustment"]["applied"] is True
    assert body["adjustment"]["recorded"]["line"] > 0
    assert "(adjusted; computed Well met)" in shown["text"]
    assert "computed Well met → final Partly met, by Chief inspector" in shown["text"]
    assert "adjusted to Partly met by Chief inspector (moderation)" in shown["markdown"]
    assert "Chief inspector" in shown["html"]
    assert unsourced(shown["json"]) == []  # every value cites its rule or where the evidence records it


def test_an_explained_section_shows_its_adjustment(tmp_path: Path) -> None:
    scored = score_text(tmp_path, LEVELS, {"ratings": RATINGS, "adjustments": [SECTION]})
    shown = scored.rendered("A")
    body = shown["json"]["explanation"]
    assert (body["computed_grade"], body["grade"], body["adjustment"]["grade"]) == ("Partly met", "Well met", "Well met")
    assert "why: A2's evidence arrived late" in shown["text"]


def _problems(tmp_path: Path, adjustment: dict[str, Any]) -> list[str]:
    found = checked(tmp_path, LEVELS)
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump({"ruleset": "r.esi", "ratings": RATINGS, "adjustments": [adjustment]}))
    try:
        load_evidence(str(path), found.ruleset)
    except DiagnosticError as error:
        return [d.code for d in error.diagnostics]
    return []


@pytest.mark.parametrize(
    ("adjustment", "code"),
    [
        ({**SECTION, "section": "B"}, "E151"),  # B does not allow adjustment
        ({**SECTION, "section": "Z"}, "E150"),  # no such section
        ({**SECTION, "grade": "Excellent"}, "E152"),
        ({k: v for k, v in SECTION.items() if k != "by"}, "E153"),
    ],
)
def test_misused_adjustments_are_reported(tmp_path: Path, adjustment: dict[str, Any], code: str) -> None:
    assert _problems(tmp_path, adjustment) == [code]


def test_allowing_adjustment_of_an_ungraded_section_warns(tmp_path: Path) -> None:
    text = LEVELS.replace("  grade: lowest of criteria\n  allows adjustment", "  allows adjustment")
    assert codes(tmp_path, text) == ["W102"]
