"""Carried-forward judgements (issue 11, point 6): a criterion or section not inspected this time
keeps the grade an earlier inspection gave it. Source → model, evidence (YAML, JSON exact and
fast), hand-worked results, the sheet, explanations recomputed from the JSON, tests in the
language, and every misuse.
"""

from __future__ import annotations

import datetime
import json
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
import yaml
from beyond import checked, codes, header, ruleset_of, score_text
from test_explain_provenance import unsourced

from esirules.authoring.testing import run_tests
from esirules.diagnostics import DiagnosticError
from esirules.evidence import json_cases
from esirules.evidence.cases import months_after
from esirules.evidence.load import load_evidence
from esirules.render.result_json import column_json
from esirules.render.sheet import build_sheet, sheet_csv

D = datetime.date

LADDER = 'ladder rating: Outstanding > Good > "Requires improvement" > Inadequate'
BANDS = """
bands kq on rating {
  Outstanding when score at least 90%
  Good when score at least 70%
  "Requires improvement" when score at least 40%
  Inadequate otherwise
}
points kq_points on rating { Outstanding 4, Good 3, "Requires improvement" 2, Inadequate 1 }
bands kq_total on rating {
  Outstanding when total at least 8
  Good when total at least 7
  "Requires improvement" when total at least 5
  Inadequate otherwise
}
"""


def ruleset(section_a: str = "", criterion_a1: str = "", missing: str = "", overall: str = "grade: lowest of sections") -> str:
    """Two sections of two numerical criteria each; A1 and A (by default) may carry forward."""
    return header("carried") + "scale answer: yes > no\nanswers on answer, met when yes\n" + LADDER + BANDS + f"""
section A "Safe" weight 50% {{
  {section_a or "may carry forward for 36 months"}
  criterion A1 "Safeguarding" weight 1 {{
    {criterion_a1 or "may carry forward for 2 years"}
    question A1.q "Protected"
    graded by kq
  }}
  criterion A2 "Medicines" weight 1 {{
    question A2.q "Medicines safe"
    graded by kq
  }}
  score: weighted mean of criteria
  grade: lowest of criteria
  {missing or "if a criterion has no data: renormalise"}
}}
section B "Effective" weight 50% {{
  criterion B1 "Assessment" weight 1 {{ question B1.q "Assessed"  graded by kq }}
  criterion B2 "Consent" weight 1 {{ question B2.q "Consent sought"  graded by kq }}
  score: weighted mean of criteria
  grade: points kq_points of criteria, banded by kq_total
}}
overall "Overall" {{
  {overall}
}}
"""


def cases(**answers: list[str]) -> list[dict[str, Any]]:
    """Cases c1, c2, ... answering each question with the answers given in order."""
    count = max(len(a) for a in answers.values())
    out = []
    for i in range(count):
        given = {q.replace("_", "."): a[i] for q, a in answers.items() if i < len(a)}
        out.append({"id": f"c{i + 1}", "answers": given})
    return out


SECTION_A = {"section": "A", "grade": "Good", "inspection": "INS-2021-114", "date": D(2021, 5, 14),
             "reference": "https://example.org/INS-2021-114"}
CRITERION_A1 = {"criterion": "A1", "grade": "Requires improvement", "inspection": "INS-2022-031", "date": D(2022, 6, 1)}


# ---------------------------------------------------------------------------------------------
# The ruleset


def test_the_checker_reads_which_levels_may_carry_forward_and_for_how_long(tmp_path: Path) -> None:
    model = ruleset_of(tmp_path, ruleset())
    a = model.sections[0]
    assert a.carry_forward is not None and (a.carry_forward.months, a.carry_forward.written) == (36, "36 months")
    a1 = a.criteria[0]
    assert a1.carry_forward is not None and (a1.carry_forward.months, a1.carry_forward.written) == (24, "2 years")
    assert a.criteria[1].carry_forward is None and model.sections[1].carry_forward is None
    one = ruleset_of(tmp_path, ruleset(criterion_a1="may carry forward for 1 month"))
    assert one.sections[0].criteria[0].carry_forward.written == "1 month"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"section_a": "may carry forward for 0 months"}, ["R140"]),
        ({"section_a": "may carry forward for 3 years\n  may carry forward for 36 months"}, ["R141"]),
        # a weighted mean that may not leave out a member with no data
        ({"missing": "if a criterion has no data: not computable"}, ["W140"]),
    ],
)
def test_misused_periods_are_reported(tmp_path: Path, change: dict[str, str], expected: list[str]) -> None:
    assert codes(tmp_path, ruleset(**change)) == expected


def test_a_level_without_a_grade_may_not_carry_forward(tmp_path: Path) -> None:
    section = ruleset().replace("  grade: lowest of criteria\n", "", 1)
    assert codes(tmp_path, section) == ["R142"]
    # A1 without its bands: a numerical criterion with a score and no grade (section A's
    # `lowest of` then has a member without a grade, which the checker allows).
    criterion = ruleset().replace('question A1.q "Protected"\n    graded by kq', 'question A1.q "Protected"', 1)
    assert "R142" in codes(tmp_path, criterion)


def test_the_overall_cannot_carry_forward(tmp_path: Path) -> None:
    text = ruleset(overall="grade: lowest of sections\n  may carry forward for 36 months")
    found = checked(tmp_path, text)
    assert found.ruleset is None and [d.code[0] for d in found.diagnostics] == ["S"]


# ---------------------------------------------------------------------------------------------
# Evidence


def test_months_are_calendar_months() -> None:
    assert months_after(D(2021, 5, 14), 36) == D(2024, 5, 14)
    assert months_after(D(2024, 1, 31), 1) == D(2024, 2, 29)  # a leap year's February
    assert months_after(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert months_after(D(2022, 11, 30), 14) == D(2024, 1, 30)


def _evidence(tmp_path: Path, data: dict[str, Any], name: str = "evidence.yaml") -> Path:
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data, default=str, indent=1), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _problems(tmp_path: Path, data: dict[str, Any], text: str | None = None) -> list[tuple[str, str]]:
    found = checked(tmp_path, text or ruleset())
    assert found.ruleset is not None
    path = _evidence(tmp_path, {"ruleset": "r.esi", **data})
    try:
        load_evidence(str(path), found.ruleset)
    except DiagnosticError as error:
        return [(d.code, d.message) for d in error.diagnostics]
    return []


INSPECTED = {"date": D(2024, 3, 12), "cases": cases(A2_q=["yes"], B1_q=["yes"], B2_q=["yes"])}


def test_yaml_json_and_the_json_fast_path_read_the_same_judgements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = checked(tmp_path, ruleset())
    data = {"ruleset": "r.esi", "inspection": "t", **INSPECTED, "carried_forward": [CRITERION_A1]}
    from_yaml = load_evidence(str(_evidence(tmp_path, data)), found.ruleset)
    fast_tables = []
    real = json_cases.read_json_cases

    def spy(*args: Any, **options: Any) -> Any:
        out = real(*args, **options)
        fast_tables.append(out is not None)
        return out

    monkeypatch.setattr(json_cases, "read_json_cases", spy)
    from_json = load_evidence(str(_evidence(tmp_path, data, "evidence.json")), found.ruleset)
    assert fast_tables == [True]  # the cases were read by the scanner (json_cases)
    monkeypatch.setattr(json_cases, "read_json_cases", lambda *args, **options: None)
    exact = load_evidence(str(_evidence(tmp_path, data, "exact.json")), found.ruleset)
    for evidence in (from_yaml, from_json, exact):
        assert evidence.date == D(2024, 3, 12)
        (carried,) = evidence.carried_forward
        assert (carried.level, carried.id, carried.grade, carried.inspection, carried.date, carried.reference) == (
            "criterion", "A1", "Requires improvement", "INS-2022-031", D(2022, 6, 1), None
        )
        assert carried.location is not None and carried.location.line is not None
        assert evidence.cases.same_as(from_yaml.cases)


def test_the_last_day_allowed_is_allowed_and_the_next_is_not(tmp_path: Path) -> None:
    # A1 may carry forward for 2 years: a judgement of 1 June 2022 stands up to 1 June 2024.
    on_time = {**INSPECTED, "date": D(2024, 6, 1), "carried_forward": [CRITERION_A1]}
    assert _problems(tmp_path, on_time) == []
    late = {**INSPECTED, "date": D(2024, 6, 2), "carried_forward": [CRITERION_A1]}
    assert _problems(tmp_path, late) == [
        ("E241", "criterion `A1` was judged on 1 June 2022, more than 2 years before this inspection (2 June 2024)")
    ]


@pytest.mark.parametrize(
    ("entry", "extra", "code", "words"),
    [
        ({**CRITERION_A1, "criterion": "A2"}, {}, "E240", "criterion `A2` may not carry forward"),
        ({**CRITERION_A1, "criterion": "A9"}, {}, "E240", "`A9` is not a criterion"),
        ({**SECTION_A, "section": "B"}, {}, "E240", "section `B` may not carry forward"),
        ({**CRITERION_A1, "date": D(2021, 6, 1)}, {}, "E241", "more than 2 years before"),
        (CRITERION_A1, {"cases": cases(A1_q=["no"], A2_q=["yes"])}, "E242", "case `c1` also answers its question `A1.q`"),
        (SECTION_A, {"cases": cases(A2_q=["yes"])}, "E242", "case `c1` also answers its question `A2.q`"),
        ({**CRITERION_A1, "grade": "Brilliant"}, {}, "E243", "`Brilliant` is not a grade"),
        ({**CRITERION_A1, "date": "1 June 2022"}, {}, "E244", "`1 June 2022` is not a date"),
        ({**CRITERION_A1, "date": "2022-02-30"}, {}, "E244", "`2022-02-30` is not a date"),
        ({k: v for k, v in CRITERION_A1.items() if k != "date"}, {}, "E244", "has no `date`"),
        ({**CRITERION_A1, "date": D(2024, 4, 1)}, {}, "E244", "after this inspection's date"),
        ({k: v for k, v in CRITERION_A1.items() if k != "inspection"}, {}, "E245", "has no `inspection`"),
        ({k: v for k, v in CRITERION_A1.items() if k != "grade"}, {}, "E245", "has no `grade`"),
        ({**CRITERION_A1, "section": "A"}, {}, "E245", "names both a criterion and a section"),
        ({**CRITERION_A1, "by": "me"}, {}, "E104", "`by` is not a field of a carried-forward judgement"),
    ],
)
def test_misused_judgements_are_reported(
    tmp_path: Path, entry: dict[str, Any], extra: dict[str, Any], code: str, words: str
) -> None:
    data = {**INSPECTED, "carried_forward": [entry], **extra}
    found = _problems(tmp_path, data)
    assert [c for c, _ in found] == [code], found
    assert words in found[0][1]


def test_a_level_carried_twice_or_with_its_section_or_without_a_date(tmp_path: Path) -> None:
    twice = _problems(tmp_path, {**INSPECTED, "carried_forward": [CRITERION_A1, {**CRITERION_A1, "date": D(2022, 6, 1)}]})
    assert twice == [("E245", "criterion `A1` is carried forward twice")]
    both = _problems(tmp_path, {**INSPECTED, "cases": cases(B1_q=["yes"], B2_q=["yes"]),
                                "carried_forward": [SECTION_A, CRITERION_A1]})
    assert both == [("E242", "criterion `A1` is carried forward, but its section `A` is carried forward too")]
    undated = _problems(tmp_path, {"cases": INSPECTED["cases"], "carried_forward": [CRITERION_A1]})
    assert [c for c, _ in undated] == ["E244"] and "no `date` of its own" in undated[0][1]
    adjusted = ruleset().replace("grade: lowest of criteria", "grade: lowest of criteria\n  allows adjustment")
    both_ways = _problems(tmp_path, {**INSPECTED, "cases": cases(B1_q=["yes"], B2_q=["yes"]), "carried_forward": [SECTION_A],
                                     "adjustments": [{"section": "A", "grade": "Good", "by": "x", "reason": "y"}]},
                          adjusted)
    assert both_ways == [("E242", "section `A` is carried forward, but the evidence also adjusts it")]
    adjusted = ruleset().replace('question A1.q "Protected"', 'question A1.q "Protected"\n    allows adjustment')
    criterion = _problems(tmp_path, {**INSPECTED, "carried_forward": [CRITERION_A1],
                                     "adjustments": [{"criterion": "A1", "grade": "Good", "by": "x", "reason": "y"}]},
                          adjusted)
    assert criterion == [("E242", "criterion `A1` is carried forward, but the evidence also adjusts it")]


# ---------------------------------------------------------------------------------------------
# Scoring, worked by hand


def test_a_carried_criterion_keeps_its_grade_and_leaves_the_score(tmp_path: Path) -> None:
    # A1 carried forward as Requires improvement. A2: 3 of 4 = 75% Good. Section A's score is a
    # weighted mean that renormalises: A1 has no score, so A = A2 = 75%; its grade is the lowest
    # of Requires improvement and Good. B: B1 4/4 = 100% Outstanding (4 points), B2 2/4 = 50%
    # Requires improvement (2 points): 6 points, "Requires improvement". Overall: lowest.
    data = {**INSPECTED, "carried_forward": [CRITERION_A1],
            "cases": cases(A2_q=["yes", "yes", "yes", "no"], B1_q=["yes"] * 4, B2_q=["yes", "yes", "no", "no"])}
    scored = score_text(tmp_path, ruleset(), data)
    a1 = scored.column.criteria["A1"]
    assert (a1.value, a1.display, a1.grade, a1.computed_grade) == (None, "Requires improvement", "Requires improvement", None)
    assert a1.cause is not None and a1.cause.kind == "carried_forward"
    assert a1.carried_forward is not None and a1.carried_forward.until == D(2024, 6, 1)
    a = scored.column.sections["A"]
    assert a.score is not None and a.score.value == F(3, 4) and a.score.renormalised
    assert [e.member for e in a.score.excluded] == ["A1"] and "carried forward" in a.score.excluded[0].reason
    assert a.grade == "Requires improvement"
    assert [t.grade for t in a.grading.terms] == ["Requires improvement", "Good"]  # type: ignore[union-attr]
    b = scored.column.sections["B"]
    assert (b.grading.value, b.grade) == (F(6), "Requires improvement")  # type: ignore[union-attr]
    assert scored.column.overall is not None and scored.column.overall.grade == "Requires improvement"
    assert scored.column.inspection_date == D(2024, 3, 12)


def test_a_carried_section_is_not_computed_and_counts_by_its_grade(tmp_path: Path) -> None:
    # Section A carried forward as Good: A1 and A2 are not inspected. B: B1 75% Good (3 points),
    # B2 50% Requires improvement (2 points) = 5 points, "Requires improvement" (below 7). Overall
    # by points over sections: Good 3 + Requires improvement 2 = 5 points: "Requires improvement".
    text = ruleset(overall="grade: points kq_points of sections, banded by kq_total")
    data = {**INSPECTED, "carried_forward": [SECTION_A],
            "cases": cases(B1_q=["yes", "yes", "yes", "no"], B2_q=["yes", "yes", "no", "no"])}
    scored = score_text(tmp_path, text, data)
    for cid in ("A1", "A2"):
        c = scored.column.criteria[cid]
        assert c.value is None and c.grade is None and c.cause is not None and c.cause.kind == "section_carried_forward"
    a = scored.column.sections["A"]
    assert (a.value, a.grade, a.score, a.grading) == (None, "Good", None, None)
    assert a.carried_forward is not None and a.carried_forward.reference == "https://example.org/INS-2021-114"
    overall = scored.column.overall
    assert overall is not None and overall.grading is not None
    assert [(t.member, t.grade, t.points) for t in overall.grading.terms] == [
        ("A", "Good", F(3)), ("B", "Requires improvement", F(2))
    ]
    assert (overall.grading.value, overall.grade) == (F(5), "Requires improvement")


def test_a_score_over_a_carried_section_follows_the_missing_data_rule(tmp_path: Path) -> None:
    # The overall's score is a weighted mean of the sections. Section A, carried forward, has no
    # score: not computable by default; renormalised, the overall score is B's alone.
    text = ruleset(overall="score: weighted mean of sections")
    assert codes(tmp_path, text) == ["W140"]  # the checker warns of it
    data = {**INSPECTED, "carried_forward": [SECTION_A], "cases": cases(B1_q=["yes", "no"], B2_q=["yes", "yes"])}
    overall = score_text(tmp_path, text, data).column.overall
    assert overall is not None and overall.value is None
    assert overall.cause is not None and "carried forward" in overall.cause.words
    renormalised = text.replace("score: weighted mean of sections", "score: weighted mean of sections\n  if a section has no data: renormalise")
    assert codes(tmp_path, renormalised) == []
    overall = score_text(tmp_path, renormalised, data).column.overall
    assert overall is not None and overall.value == F(3, 4)  # B: (1/2 + 1) ÷ 2


def test_evidence_without_a_date_or_carried_levels_is_scored_as_before(tmp_path: Path) -> None:
    data = {"cases": cases(A1_q=["yes"], A2_q=["yes"], B1_q=["yes"], B2_q=["yes"])}
    scored = score_text(tmp_path, ruleset(), data)
    assert scored.column.inspection_date is None
    document = column_json(scored.column)
    assert "inspection_date" not in document
    assert all("carried_forward" not in c for c in document["criteria"].values())


# ---------------------------------------------------------------------------------------------
# The result JSON, the sheet, explanations


def _carried_scored(tmp_path: Path):  # type: ignore[no-untyped-def]
    data = {**INSPECTED, "carried_forward": [SECTION_A], "cases": cases(B1_q=["yes", "yes", "yes", "no"], B2_q=["yes"] * 4)}
    return score_text(tmp_path, ruleset(), data)


def test_the_result_json_records_the_source(tmp_path: Path) -> None:
    document = column_json(_carried_scored(tmp_path).column)
    assert document["inspection_date"] == "2024-03-12"
    a = document["sections"]["A"]
    assert (a["value"], a["display"], a["grade"], a["cause"]["kind"]) == (None, "Good", "Good", "carried_forward")
    carried = a["carried_forward"]
    assert {k: carried[k] for k in ("grade", "inspection", "date", "reference", "allowed", "allowed_months", "until")} == {
        "grade": "Good", "inspection": "INS-2021-114", "date": "2021-05-14", "reference": "https://example.org/INS-2021-114",
        "allowed": "36 months", "allowed_months": 36, "until": "2024-05-14",
    }
    lines = ruleset().splitlines()
    assert lines[carried["rule"]["line"] - 1].strip() == "may carry forward for 36 months"
    evidence = (tmp_path / "evidence.yaml").read_text(encoding="utf-8").splitlines()
    assert carried["evidence"]["file"] == str(tmp_path / "evidence.yaml")
    assert evidence[carried["evidence"]["line"] - 1] == "- section: A"
    assert document["criteria"]["A1"]["cause"]["kind"] == "section_carried_forward"


def test_the_sheet_marks_a_carried_grade_with_its_source(tmp_path: Path) -> None:
    column = _carried_scored(tmp_path).column
    (tmp_path / "inspected").mkdir()
    inspected = score_text(tmp_path / "inspected", ruleset(), {"cases": cases(A1_q=["yes"], A2_q=["no"])}).column
    sheet = build_sheet("t", [column, inspected])
    rows = {row.label: row.cells for row in sheet.rows}
    cell, other = rows["Grade for section A"]
    assert cell.shown == "Good (carried forward from INS-2021-114, 14 May 2021)"
    assert cell.note is not None and "https://example.org/INS-2021-114" in sheet.notes[cell.note - 1]
    assert (other.shown, other.note) == ("Inadequate", None)
    score, other = rows["Score for section A"]
    assert score.shown == "n/c" and "carried forward" in sheet.notes[score.note - 1]  # type: ignore[operator]
    assert other.shown == "50%"
    criterion, _ = rows["A1: Safeguarding"]
    assert criterion.shown == "n/c" and "its criteria are not inspected" in sheet.notes[criterion.note - 1]  # type: ignore[operator]
    (record,) = [line for line in sheet_csv(sheet).splitlines() if line.startswith("A,section,")][:1]
    assert record.startswith("A,section,Safe,carried,,,Good,Good,,")
    assert "carried forward from inspection INS-2021-114" in record and "reference https://example.org" in record


def test_explanations_say_carried_forward_not_computed(tmp_path: Path) -> None:
    scored = _carried_scored(tmp_path)
    shown = scored.rendered("A")
    body = shown["json"]["explanation"]
    assert (body["value"], body["grade"], body["score"], body["grading"]) == (None, "Good", None, None)
    carried = body["carried_forward"]
    assert (carried["grade"], carried["inspection"], carried["date"]) == ("Good", "INS-2021-114", "2021-05-14")
    assert carried["rule"]["text"] == "may carry forward for 36 months"
    assert "Good — carried forward, not computed" in shown["text"]
    assert "Carried forward from inspection INS-2021-114 of 14 May 2021, reference https://example.org/INS-2021-114" in shown["text"]
    assert "up to 14 May 2024" in shown["text"]
    assert "**Good** (carried forward, not computed), from inspection INS-2021-114 of 14 May 2021" in shown["markdown"]
    assert "carried forward, not computed" in shown["html"] and "INS-2021-114" in shown["html"]
    assert unsourced(shown["json"]) == []
    # A criterion of the carried section is not computed either, and says why.
    a1 = scored.rendered("A1")["json"]["explanation"]
    assert a1["carried_forward"] is None and a1["cause"]["kind"] == "section_carried_forward"


def test_the_overall_explained_from_its_json_recomputes_from_the_carried_grade(tmp_path: Path) -> None:
    scored = _carried_scored(tmp_path)
    shown = scored.rendered("overall")
    body = shown["json"]["explanation"]
    ladder = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
    terms = body["grading"]["terms"]
    # lowest of the sections' grades, read from the JSON alone
    assert max((t["grade"] for t in terms), key=ladder.index) == body["grade"]
    members = {m["id"]: m for m in body["members"]}
    assert members["A"]["cause"]["kind"] == "carried_forward" and members["A"]["grade"] == "Good"
    assert "A: Good (carried forward from INS-2021-114)" in shown["text"]
    assert "The grade of A, Good, is carried forward, not computed" in shown["markdown"]


def test_every_target_renders_without_none(tmp_path: Path) -> None:
    scored = score_text(tmp_path, ruleset(), {**INSPECTED, "carried_forward": [CRITERION_A1],
                                             "cases": cases(A2_q=["yes"], B1_q=["yes"], B2_q=["no"])})
    rendered = scored.every_target()
    assert "carried forward, not computed" in rendered["criterion A1"]["text"]
    # Its question was not asked: not computable, never the criterion's carried grade.
    question = rendered["question A1.q"]
    assert question["json"]["explanation"]["question"]["display"] == "not computable"
    assert "was not asked this time" in question["markdown"]


# ---------------------------------------------------------------------------------------------
# Tests in the language


TESTS = """
test "A carried forward" {
  given carried forward section A Good from "INS-2021-114"
  given answers B1.q: yes x3, no
  given answers B2.q: yes x2, no x2
  expect section B grade "Requires improvement"
  expect overall grade "Requires improvement"
}
test "A1 carried forward" {
  given carried forward criterion A1 Inadequate
  given answers A2.q: yes x9, no
  given answers B1.q: yes
  given answers B2.q: yes
  expect section A score 90%
  expect section A grade Inadequate
}
"""


def test_given_carried_forward_in_a_ruleset_test(tmp_path: Path) -> None:
    found = checked(tmp_path, ruleset() + TESTS)
    assert found.ruleset is not None and found.diagnostics == [], found.diagnostics
    carried = found.ruleset.tests[0].carried
    assert [(c.level, c.id, c.grade, c.inspection) for c in carried] == [("section", "A", "Good", "INS-2021-114")]
    report = run_tests(found.ruleset, found.sources)
    assert not report.failed
    wrong = ruleset() + TESTS.replace('expect section A grade Inadequate', 'expect section A grade Good')
    found = checked(tmp_path, wrong)
    assert run_tests(found.ruleset, found.sources).failed


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("given carried forward criterion A2 Good", "R144"),
        ("given carried forward overall Good", "R144"),
        ("given carried forward section A Brilliant", "R033"),
        ("given carried forward criterion A9 Good", "R030"),
        ("given carried forward section A Good\n  given carried forward section A Good", "R145"),
        ("given carried forward criterion A1 Good\n  given answers A1.q: yes", "R145"),
    ],
)
def test_misused_given_carried_forward(tmp_path: Path, line: str, code: str) -> None:
    text = ruleset() + f'test "t" {{\n  {line}\n  given answers B1.q: yes\n  given answers B2.q: yes\n  expect section B grade Good\n}}\n'
    assert codes(tmp_path, text) == [code]


def test_a_test_cannot_expect_the_score_of_a_carried_level(tmp_path: Path) -> None:
    text = ruleset() + 'test "t" {\n  given carried forward section A Good\n  expect criterion A2 score 50%\n}\n'
    found = checked(tmp_path, text)
    assert [d.code for d in found.diagnostics] == ["R081"]
    assert "carries section A forward" in found.diagnostics[0].message



def test_batches_of_one_inspection_share_its_judgements(tmp_path: Path) -> None:
    # Scored in two batches of cases (as a large inspection is), the judgements carried forward
    # and the date are the inspection's: merged once; batches that disagree are refused.
    from esirules.scoring.evaluate import finish, merge, score_batch

    data = {**INSPECTED, "carried_forward": [SECTION_A], "cases": cases(B1_q=["yes", "no"], B2_q=["yes", "yes"])}
    scored = score_text(tmp_path, ruleset(), data)
    evidence = scored.evidence
    halves = [attrs.evolve(evidence, cases=evidence.cases.take(mask)) for mask in (np.array([True, False]), np.array([False, True]))]
    partials = [score_batch(scored.evaluator, half) for half in halves]
    whole = finish(merge(partials), evaluator=scored.evaluator)
    assert whole.sections == scored.column.sections and whole.inspection_date == D(2024, 3, 12)
    other = attrs.evolve(halves[1], carried_forward=(attrs.evolve(evidence.carried_forward[0], grade="Inadequate"),))
    with pytest.raises(ValueError, match="disagree on the judgement carried forward of section A"):
        merge([partials[0], score_batch(scored.evaluator, other)])
