"""Sections graded without a score, and gradings over sections (issue 11, point 9).

A section with numerical criteria and only a `grade:` line has a grade and no score
(docs/scoring-semantics.md §6, docs/language.md "Sections"); the sheet then prints no score row
for it. A grading applied to sections counts them with `sections` (`on some sections`). Expected
figures are worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

from beyond import ANSWER, LADDER, PERFORMANCE, F, header, ruleset_of, score_text

from esirules.render.sheet import build_sheet

BANDS = """
bands quality on grade {
  "Well met" when score at least 75%
  "Partly met" when score at least 50%
  "Poor" otherwise
}
"""

GRADE_ONLY = header() + ANSWER + "\n" + LADDER + "\nanswers on answer, met when yes\n" + BANDS + """
section B "Assessment" {
  criterion B1 "Risk" { graded by quality  question B1.a "a" }
  criterion B2 "Plans" { graded by quality  question B2.a "a" }
  grade: lowest of criteria
}
section C "Interventions" {
  criterion C1 "Delivery" { question C1.a "a" }
}
"""


def cases(*answers: tuple[str, str, str]) -> list[dict[str, object]]:
    return [{"id": f"c{i + 1}", "answers": {"B1.a": b1, "B2.a": b2, "C1.a": c1}} for i, (b1, b2, c1) in enumerate(answers)]


def test_a_section_with_only_a_grade_line_has_no_score(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, GRADE_ONLY)
    b, c = ruleset.sections
    assert b.score is None and b.grade is not None and b.grade.kind == "lowest_of"
    # Section C says nothing of how it combines: the weighted mean of its criteria, by default.
    assert c.score is not None and c.score.kind == "weighted_mean" and c.grade is None


def test_it_is_graded_not_scored_and_the_sheet_prints_no_score_for_it(tmp_path: Path) -> None:
    # B1: 3 of 4 met = 75% -> Well met; B2: 2 of 4 = 50% -> Partly met; lowest: Partly met.
    # C1: 1 of 4 = 25%; section C, the weighted mean of C1 alone: 25%.
    scored = score_text(tmp_path, GRADE_ONLY, {"cases": cases(
        ("yes", "yes", "yes"), ("yes", "yes", "no"), ("yes", "no", "no"), ("no", "no", "no"),
    )})
    b = scored.column.sections["B"]
    assert (b.value, b.grade, b.display, b.cause.kind if b.cause else None) == (
        None, "Partly met", "Partly met", "graded_not_scored"
    )
    assert scored.column.sections["C"].value == F(1, 4)
    rows = {row.label: row for row in build_sheet("t", [scored.column]).rows}
    assert "Score for section B" not in rows
    assert [cell.shown for cell in rows["Score for section C"].cells] == ["25%"]
    shown = scored.rendered("B")
    assert "lowest grade of the criteria" in shown["text"] and "Score" not in shown["text"]
    assert shown["json"]["target"]["kind"] == "section"


OVER_SECTIONS = header() + PERFORMANCE + "\n" + LADDER + """
grading direct {
  items rated on performance
  grades from grade
  "Well met" when at least strong on each item
  "Partly met" when at least satisfactory on each item
  "Poor" otherwise
}
grading overall_summary "The overall at a glance" {
  items rated on grade
  grades from grade
  "Well met" when at least "Well met" on each section
  "Partly met" when at least "Partly met" on some sections and at best "Poor" on 1 or more sections
  "Partly met" when at least "Partly met" on the majority of sections
  "Poor" otherwise
}
section A "A" { criterion A1 "A1" { graded by direct  item A1.x "x" }  grade: lowest of criteria }
section B "B" { criterion B1 "B1" { graded by direct  item B1.x "x" }  grade: lowest of criteria }
section C "C" { criterion C1 "C1" { graded by direct  item C1.x "x" }  grade: lowest of criteria }
overall "Overall" { grade: overall_summary over sections }
"""


def test_a_grading_over_sections_counts_sections(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, OVER_SECTIONS)
    rule = ruleset.grading("overall_summary").rules[1]
    assert [c.quantifier.kind for c in rule.clauses] == ["some", "at_least_count"]
    # A strong (Well met), B satisfactory (Partly met), C weak (Poor): not each Well met; some
    # at least Partly met (A, B) and 1 or more at best Poor (C): Partly met, by the second rule.
    scored = score_text(tmp_path, OVER_SECTIONS, {"ratings": {"A1.x": "strong", "B1.x": "satisfactory", "C1.x": "weak"}})
    overall = scored.column.overall
    assert overall is not None and overall.grade == "Partly met"
    assert overall.grading is not None and overall.grading.trace is not None
    assert [r.chosen for r in overall.grading.trace.rules] == [False, True, False, False]
    shown = scored.rendered("overall")
    # The clause counts what the rule counts, in the singular for one (docs/language.md).
    assert "at best Poor on at least 1 section:" in shown["text"]
    assert 'at least "Partly met" on some sections:' in shown["text"]
    clauses = shown["json"]["explanation"]["grading"]["grading"]["rules"][1]["clauses"]
    assert [(c["text"], c["quantifier"]["noun"]) for c in clauses] == [
        ('at least "Partly met" on some sections', "sections"),
        ("at best Poor on at least 1 section", "sections"),
    ]
