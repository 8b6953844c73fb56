"""Facts about the inspection and caps at every level (issue 11, point 4).

Source → model (facts, fact conditions, caps in criteria, sections and the overall), evidence
(YAML, JSON, the fast JSON path and workbooks agree), hand-worked results at levels graded by a
grading, bands, points, `lowest of` and a grading over members, explanations recomputed from the
JSON, in-language tests, and the diagnostics of misuse.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from beyond import ANSWER, LADDER, PERFORMANCE, checked, codes, header, ruleset_of, score_text
from test_explain_provenance import unsourced

from esirules.authoring.testing import run_tests
from esirules.diagnostics import DiagnosticError
from esirules.evidence.load import load_evidence
from esirules.language import model as m
from esirules.render.result_json import column_json
from esirules.render.sheet import build_sheet

FACTS = header("facts") + ANSWER + "\n" + PERFORMANCE + "\n" + LADDER + """
answers on answer, met when yes
attribute risk: ordered low < high
fact breach "A breach of regulations was found": yes or no, default no
fact enforcement "Enforcement action taken": ordered none < informal < formal, default none
fact safeguarding "Safeguarding": effective, ineffective
fact vacancy "Vacancy rate (percent)": number from 0 to 100, default 0

grading direct {
  items rated on performance
  grades from grade
  "Poor" when fact enforcement >= formal and at best weak on some items
  "Well met" when at least strong on each item
  "Partly met" when at least satisfactory on each item
  "Poor" otherwise
  no better than "Partly met" when fact (breach and enforcement = formal)
}

grading members {
  items rated on grade
  grades from grade
  "Well met" when at least "Well met" on each criterion
  "Poor" otherwise
}

bands quality on grade {
  "Well met" when score at least 75%
  "Partly met" when score at least 50%
  "Poor" otherwise
}

points pts on grade { "Very well met" 5, "Well met" 4, "Satisfactorily met" 3, "Partly met" 2, "Not met" 1, "Poor" 0 }

bands totals on grade {
  "Well met" when total at least 8
  "Partly met" when total at least 4
  "Poor" otherwise
}

section A "Graded criteria, lowest of" {
  criterion A1 "A1" {
    graded by direct
    item A1.x "x"
    no better than "Satisfactorily met" when fact breach
  }
  criterion A2 "A2" { graded by direct  item A2.x "x" }
  grade: lowest of criteria
  no better than "Partly met" when fact vacancy > 20
}

section B "A numerical criterion banded" {
  criterion B1 "B1" {
    question B1.a "a"
    question B1.b "b" applies when risk = high and not breach
    graded by quality
    no better than "Partly met" when fact breach
  }
  score: weighted mean of criteria
  grade: score banded by quality
  no better than "Not met" when fact enforcement >= formal
}

section C "Points" {
  criterion C1 "C1" { graded by direct  item C1.x "x" }
  criterion C2 "C2" { graded by direct  item C2.x "x" }
  grade: points pts of criteria, banded by totals
  no better than "Not met" when fact safeguarding = ineffective
}

section D "A grading over members" {
  criterion D1 "D1" { graded by direct  item D1.x "x" }
  grade: members over criteria
  no better than "Satisfactorily met" when fact breach
}

overall "Overall" {
  grade: lowest of sections
  no better than "Poor" when fact safeguarding = ineffective and fact enforcement = formal
}
"""

RATINGS = {"A1.x": "strong", "A2.x": "strong", "C1.x": "strong", "C2.x": "strong", "D1.x": "strong"}
CASES = [
    {"id": "c1", "risk": "high", "answers": {"B1.a": "yes", "B1.b": "yes"}},
    {"id": "c2", "risk": "low", "answers": {"B1.a": "yes"}},
    {"id": "c3", "risk": "high", "answers": {"B1.a": "no", "B1.b": "no"}},
]


def _evidence(facts: dict[str, Any], ratings: dict[str, str] | None = None) -> dict[str, Any]:
    return {"facts": facts, "ratings": {**RATINGS, **(ratings or {})}, "cases": CASES}


# ---------------------------------------------------------------------------------------------
# Source → model


def test_facts_are_declared_with_kinds_and_defaults(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, FACTS)
    facts = {f.name: f for f in ruleset.facts}
    assert (facts["breach"].kind, facts["breach"].default) == ("boolean", False)
    assert (facts["enforcement"].kind, facts["enforcement"].values, facts["enforcement"].default) == (
        "ordered", ("none", "informal", "formal"), "none")
    assert (facts["safeguarding"].kind, facts["safeguarding"].default) == ("enumerated", None)
    assert (facts["vacancy"].minimum, facts["vacancy"].maximum, facts["vacancy"].default) == (0, 100, 0)
    assert facts["breach"].label == "A breach of regulations was found"
    assert [a.name for a in ruleset.attributes] == ["risk"]  # facts are not case attributes


def test_fact_conditions_and_caps_reach_the_model(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, FACTS)
    direct = ruleset.grading("direct")
    first = direct.rules[0]
    assert first.facts == (m.Comparison("enforcement", ">=", "formal"),) and len(first.clauses) == 1
    assert direct.caps[0].clauses == () and direct.caps[0].facts == (
        m.AllOf((m.Flag("breach"), m.Comparison("enforcement", "=", "formal"))),)
    a1 = ruleset.criterion("A1")
    assert a1.caps == (m.CapRule("Satisfactorily met", (), facts=(m.Flag("breach"),)),)
    assert ruleset.section("A").caps[0].facts == (m.Comparison("vacancy", ">", Fraction(20)),)
    assert ruleset.section("C").caps[0].facts == (m.Comparison("safeguarding", "=", "ineffective"),)
    assert ruleset.overall is not None and ruleset.overall.caps[0].facts == (
        m.Comparison("safeguarding", "=", "ineffective"), m.Comparison("enforcement", "=", "formal"))
    b = ruleset.criterion("B1").questions[1]
    assert b.applies == m.AllOf((m.Comparison("risk", "=", "high"), m.Not(m.Flag("breach"))))


def test_a_cap_written_in_a_grading_may_mix_members_and_facts(tmp_path: Path) -> None:
    text = FACTS.replace(
        'no better than "Partly met" when fact (breach and enforcement = formal)',
        'no better than "Partly met" when at best weak on some items and fact not breach',
    )
    cap = ruleset_of(tmp_path, text).grading("direct").caps[0]
    assert len(cap.clauses) == 1 and cap.facts == (m.Not(m.Flag("breach")),)


# ---------------------------------------------------------------------------------------------
# Hand-worked results


def test_no_fact_recorded_against_a_rule_but_safeguarding(tmp_path: Path) -> None:
    # Defaults: no breach, no enforcement, vacancy 0. Every item strong: A1, A2, C1, C2, D1 Well
    # met; no cap holds. B1: c1 (2 applicable, 2 met), c2 (1, 1), c3 (2, 0): 3 of 5 = 60%,
    # banded Partly met (B1.b applies: risk high and not breach).
    scored = score_text(tmp_path, FACTS, _evidence({"safeguarding": "effective"}))
    col = scored.column
    assert {c: col.criteria[c].grade for c in ("A1", "A2", "B1", "C1", "C2", "D1")} == {
        "A1": "Well met", "A2": "Well met", "B1": "Partly met", "C1": "Well met", "C2": "Well met", "D1": "Well met"}
    assert col.criteria["B1"].value == Fraction(3, 5)
    assert {s: col.sections[s].grade for s in "ABCD"} == {
        "A": "Well met", "B": "Partly met", "C": "Well met", "D": "Well met"}  # C: 4 + 4 = 8 points
    assert col.overall is not None and col.overall.grade == "Partly met"
    assert all(r.uncapped_grade is None for r in (*col.criteria.values(), *col.sections.values(), col.overall))
    assert [(c.holds, c.applied) for c in col.criteria["A1"].caps] == [(False, False)]


def test_a_breach_caps_every_level_that_says_so(tmp_path: Path) -> None:
    # breach yes, enforcement informal, safeguarding effective, vacancy 25.
    # A1: rules give Well met; A1's cap (breach) lowers it to Satisfactorily met. A2 Well met.
    # A: lowest = Satisfactorily met; its cap (vacancy > 20) lowers it to Partly met.
    # B1: B1.b no longer applies (breach): c1 1/1, c2 1/1, c3 0/1 = 2/3 = 67%, Partly met; its
    # cap (breach, Partly met) holds but lowers nothing. B: 67% Partly met; its cap (formal) fails.
    # C: 8 points, Well met. D: D1 Well met over the members: Well met, capped (breach) to
    # Satisfactorily met. Overall: lowest of A Partly met, B Partly met, C Well met, D Sat. met.
    facts = {"breach": "yes", "enforcement": "informal", "safeguarding": "effective", "vacancy": 25}
    scored = score_text(tmp_path, FACTS, _evidence(facts))
    col = scored.column
    a1 = col.criteria["A1"]
    assert (a1.uncapped_grade, a1.grade, a1.computed_grade) == ("Well met", "Satisfactorily met", "Satisfactorily met")
    a = col.sections["A"]
    assert (a.uncapped_grade, a.grade, a.display) == ("Satisfactorily met", "Partly met", "Partly met")
    b1 = col.criteria["B1"]
    assert b1.value == Fraction(2, 3) and b1.grade == "Partly met" and b1.uncapped_grade is None
    assert [(c.holds, c.applied) for c in b1.caps] == [(True, False)]
    assert [(c.holds, c.applied) for c in col.sections["B"].caps] == [(False, False)]
    assert col.sections["C"].grade == "Well met" and col.sections["C"].grading.value == 8  # type: ignore[union-attr]
    d = col.sections["D"]
    assert (d.uncapped_grade, d.grade) == ("Well met", "Satisfactorily met")
    assert col.overall is not None and col.overall.grade == "Partly met" and col.overall.uncapped_grade is None


def test_caps_on_levels_graded_by_points_and_bands_and_the_overall(tmp_path: Path) -> None:
    # safeguarding ineffective, enforcement formal. C: 8 points (Well met), capped to Not met.
    # B: 60% Partly met, capped (formal) to Not met. A grading rule tests facts: with formal
    # enforcement, a weak item gives Poor (rule 1), so A2 (weak) is Poor. The overall: lowest of
    # A Poor, B Not met, C Not met, D Well met = Poor; its cap (Poor) holds, lowers nothing.
    facts = {"enforcement": "formal", "safeguarding": "ineffective"}
    scored = score_text(tmp_path, FACTS, _evidence(facts, {"A2.x": "weak"}))
    col = scored.column
    assert col.criteria["A2"].grade == "Poor"
    assert col.criteria["A2"].trace is not None and col.criteria["A2"].trace.rules[0].chosen
    c = col.sections["C"]
    assert (c.uncapped_grade, c.grade) == ("Well met", "Not met")
    b = col.sections["B"]
    assert (b.uncapped_grade, b.grade, b.value) == ("Partly met", "Not met", Fraction(3, 5))
    assert b.display == "60%"  # a score is never capped
    overall = col.overall
    assert overall is not None and overall.grade == "Poor" and [(x.holds, x.applied) for x in overall.caps] == [
        (True, False)]


def test_a_grading_rule_that_tests_a_fact_does_not_hold_without_it(tmp_path: Path) -> None:
    # The same weak A2 without formal enforcement: rule 1 fails on its fact, A2 is Poor only by
    # `otherwise` (weak is not satisfactory).
    scored = score_text(tmp_path, FACTS, _evidence({"safeguarding": "effective"}, {"A2.x": "weak"}))
    trace = scored.column.criteria["A2"].trace
    assert trace is not None
    first = trace.rules[0]
    assert not first.clauses_hold and [f.holds for f in first.facts] == [False]
    assert first.clauses[0].holds  # the clause over items holds: the fact alone fails the rule
    assert trace.rules[-1].chosen and trace.rules[-1].otherwise


def test_the_grading_cap_on_facts_lowers_every_criterion_it_grades(tmp_path: Path) -> None:
    facts = {"breach": "yes", "enforcement": "formal", "safeguarding": "effective"}
    scored = score_text(tmp_path, FACTS, _evidence(facts))
    # A2 strong: Well met by the rules, the grading's cap (breach and formal) gives Partly met.
    a2 = scored.column.criteria["A2"]
    assert a2.trace is not None and (a2.trace.rule_grade, a2.grade) == ("Well met", "Partly met")
    assert a2.uncapped_grade is None  # not a cap of the criterion: the grading's own, as before


def test_an_adjustment_replaces_the_capped_grade(tmp_path: Path) -> None:
    text = FACTS.replace('no better than "Satisfactorily met" when fact breach\n  }', 'no better than "Satisfactorily met" when fact breach\n    allows adjustment\n  }')
    adjustment = {"criterion": "A1", "grade": "Well met", "by": "Lead inspector", "reason": "moderated"}
    data = {**_evidence({"breach": "yes", "safeguarding": "effective"}), "adjustments": [adjustment]}
    a1 = score_text(tmp_path, text, data).column.criteria["A1"]
    assert (a1.uncapped_grade, a1.computed_grade, a1.grade) == ("Well met", "Satisfactorily met", "Well met")


# ---------------------------------------------------------------------------------------------
# The result, the sheet and explanations, recomputed from the JSON


def _ladder_rank(grade: str) -> int:
    order = ["Very well met", "Well met", "Satisfactorily met", "Partly met", "Not met", "Poor"]
    return len(order) - order.index(grade)


def _recompute(entry: dict[str, Any], facts: dict[str, Any]) -> str:
    """A level's final grade from its JSON: its grade before the caps, then each cap in turn,
    whose conditions are checked against the facts the column records."""
    grade = entry.get("uncapped_grade", entry["grade"])
    for cap in entry.get("caps", []):
        for condition in cap["conditions"]:
            for name, reading in condition["facts"].items():
                assert reading == facts[name]  # each condition cites the facts it read, as recorded
        holds = all(c["holds"] for c in cap["conditions"])
        assert cap["holds"] == holds
        if holds and _ladder_rank(grade) > _ladder_rank(cap["grade"]):
            assert cap["applied"]
            grade = cap["grade"]
        else:
            assert not cap["applied"]
    return grade  # type: ignore[no-any-return]


def test_the_result_json_lets_a_reader_recompute_every_cap(tmp_path: Path) -> None:
    facts = {"breach": "yes", "enforcement": "formal", "safeguarding": "ineffective", "vacancy": 25}
    data = column_json(score_text(tmp_path, FACTS, _evidence(facts)).column)
    recorded = data["facts"]
    assert recorded["breach"] == {"value": "yes", "defaulted": False, "evidence": {"file": str(tmp_path / "evidence.yaml"), "line": recorded["breach"]["evidence"]["line"]}}
    assert recorded["vacancy"]["value"] == "25"
    levels = [*data["criteria"].values(), *data["sections"].values(), data["overall"]]
    for entry in levels:
        assert _recompute(entry, recorded) == entry["grade"]
    # A1: the grading's cap (breach and formal) gives Partly met, below A1's own cap, which holds
    # but lowers nothing. A: lowest Partly met; vacancy 25 caps at Partly met: nothing to lower.
    a1 = data["criteria"]["A1"]
    assert (a1["grade"], [(c["holds"], c["applied"]) for c in a1["caps"]]) == ("Partly met", [(True, False)])
    assert "uncapped_grade" not in a1
    # C: C1 and C2 Partly met by the grading's cap, 2 + 2 points = Partly met, capped to Not met.
    assert (data["sections"]["C"]["uncapped_grade"], data["sections"]["C"]["grade"]) == ("Partly met", "Not met")
    assert "caps" not in data["criteria"]["A2"]  # a level without caps has no field


def test_defaults_are_marked_in_the_json(tmp_path: Path) -> None:
    data = column_json(score_text(tmp_path, FACTS, _evidence({"safeguarding": "effective"})).column)
    assert data["facts"]["breach"] == {"value": "no", "defaulted": True, "evidence": None}
    assert data["facts"]["enforcement"]["value"] == "none"


def test_the_sheet_marks_a_capped_grade(tmp_path: Path) -> None:
    facts = {"breach": "yes", "safeguarding": "effective", "vacancy": 25}
    sheet = build_sheet("t", [score_text(tmp_path, FACTS, _evidence(facts)).column])
    cells = {row.label: row.cells[0] for row in sheet.rows}
    assert cells["A1: A1"].shown == "Satisfactorily met" and cells["A1: A1"].note is not None
    assert cells["Grade for section A"].note is not None
    assert cells["A2: A2"].note is None
    notes = "\n".join(sheet.notes)
    assert "A1: computed Well met; capped to Satisfactorily met (breach is yes" in notes
    assert "section A: computed Satisfactorily met; capped to Partly met (vacancy is 25" in notes
    # the cap is cited by file and line: a sheet's columns may be scored under different rulesets
    assert re.search(r"capped to Satisfactorily met \(breach is yes, [^)]*r\.esi:\d+\)", notes), notes


def test_explanations_show_computed_then_capped_with_the_rule_and_the_facts(tmp_path: Path) -> None:
    facts = {"breach": "yes", "safeguarding": "effective", "vacancy": 25}
    scored = score_text(tmp_path, FACTS, _evidence(facts))
    shown = scored.rendered("A1")
    assert "(capped; computed Well met)" in shown["text"]
    assert "Capped: Well met → Satisfactorily met" in shown["text"]
    # "computed" means one grade in one explanation: the one before the cap
    assert "Higher grades (the grade after the cap is Satisfactorily met)" in shown["text"]
    assert "Higher grades (the grade after the cap is Satisfactorily met)" in shown["html"]
    assert "the computed grade is" not in shown["text"] + shown["html"]
    assert "fact breach: holds (breach is yes)" in shown["text"]
    assert "capped to **Satisfactorily met**" in shown["markdown"]
    assert "fact breach: holds (breach is yes), recorded at `" in shown["markdown"]
    assert "Computed <strong>Well met</strong> → capped <strong>Satisfactorily met</strong>" in shown["html"]
    body = shown["json"]["explanation"]
    assert body["uncapped_grade"] == "Well met" and body["grade"] == "Satisfactorily met"
    (cap,) = body["caps"]
    assert (cap["before"], cap["grade"], cap["applied"]) == ("Well met", "Satisfactorily met", True)
    assert cap["rule"]["text"] == 'no better than "Satisfactorily met" when fact breach'
    assert cap["conditions"][0]["facts"]["breach"]["value"] == "yes"
    # No higher grade can be reached by ratings while the cap holds.
    higher = {h["grade"]: h for h in body["higher_grades"]}
    assert higher["Well met"]["smallest_changes"]["options"] == []
    assert "capped" in higher["Well met"]["smallest_changes"]["reason"]
    assert unsourced(shown["json"]) == []


def test_every_target_explains_in_every_format(tmp_path: Path) -> None:
    facts = {"enforcement": "formal", "safeguarding": "ineffective", "vacancy": 25}
    scored = score_text(tmp_path, FACTS, _evidence(facts, {"A2.x": "weak"}))
    every = scored.every_target()
    section = every["section C"]["json"]["explanation"]
    assert (section["uncapped_grade"], section["grade"]) == ("Well met", "Not met")
    rule = every["criterion A2"]["json"]["explanation"]["grading"]["rules"][0]
    assert rule["chosen"] and rule["facts"][0]["condition"] == "enforcement >= formal"
    assert "fact enforcement >= formal: holds (enforcement is formal)" in every["criterion A2"]["text"]
    assert "Capped: Partly met → Not met" in every["section B"]["text"]


def test_a_fact_in_applicability_is_explained_per_case(tmp_path: Path) -> None:
    # B1.b applies when risk = high and not breach: c2 (risk low) is left out, with the fact's value.
    scored = score_text(tmp_path, FACTS, _evidence({"breach": "no", "safeguarding": "effective"}))
    shown = scored.rendered("B1.b")
    assert "the question applies when risk = high and not breach; risk is low, breach is no (1): c2" in shown["text"]
    (group,) = shown["json"]["explanation"]["question"]["not_applicable"]
    assert group["cases"] == ["c2"] and group["reason"].endswith("risk is low, breach is no")


# ---------------------------------------------------------------------------------------------
# Evidence


def _write(tmp_path: Path, name: str, text: str) -> str:
    (tmp_path / "r.esi").write_text(FACTS, encoding="utf-8")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _load(tmp_path: Path, name: str, text: str):  # type: ignore[no-untyped-def]
    return load_evidence(_write(tmp_path, name, text), ruleset_of(tmp_path, FACTS))


def test_yaml_and_json_and_the_fast_json_path_read_the_same_facts(tmp_path: Path) -> None:
    data = {"ruleset": "r.esi", **_evidence({"breach": "yes", "enforcement": "Formal", "safeguarding": "effective", "vacancy": 12.5})}
    from_yaml = _load(tmp_path, "e.yaml", yaml.safe_dump(data))
    from_json = _load(tmp_path, "e.json", json.dumps(data, indent=1))
    values = {n: f.value for n, f in from_yaml.facts.items()}
    assert values == {"breach": True, "enforcement": "formal", "safeguarding": "effective", "vacancy": Fraction(25, 2)}
    assert {n: f.value for n, f in from_json.facts.items()} == values
    assert [f.location.line for f in from_json.facts.values()] == [f.location.line for f in from_json.facts.values()]
    # JSON's own true and false are yes and no.
    data["facts"]["breach"] = False
    assert _load(tmp_path, "f.json", json.dumps(data)).facts["breach"].value is False


def _problems(tmp_path: Path, facts: Any) -> list[str]:
    data = {"ruleset": "r.esi", "ratings": RATINGS}
    if facts is not None:
        data["facts"] = facts
    try:
        _load(tmp_path, "e.yaml", yaml.safe_dump(data))
    except DiagnosticError as error:
        return [d.code for d in error.diagnostics]
    return []


@pytest.mark.parametrize(
    ("facts", "found"),
    [
        ({"safeguarding": "effective", "breech": "yes"}, ["E230"]),
        ({"safeguarding": "effective", "breach": "maybe"}, ["E231"]),
        ({"safeguarding": "efective"}, ["E231"]),  # recorded, with a value it cannot take: not also "not recorded"
        ({"safeguarding": "effective", "vacancy": 120}, ["E231"]),
        ({"safeguarding": "effective", "vacancy": "high"}, ["E231"]),
        ({"breach": "yes"}, ["E232"]),
        (None, ["E232"]),
        (["breach"], ["E232", "E103"]),
        ({"safeguarding": "effective"}, []),
    ],
)
def test_misrecorded_facts_are_reported(tmp_path: Path, facts: Any, found: list[str]) -> None:
    assert _problems(tmp_path, facts) == found


def test_a_fact_missing_is_told_where_this_kind_of_file_records_it(tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError) as raised:
        _load(tmp_path, "cases.csv", "id,risk_of_harm\nC1,low\n")
    helps = [d.help for d in raised.value.diagnostics if d.code == "E232"]
    assert helps and all(h.startswith("a CSV file holds cases only: record it under `facts:`") for h in helps)
    with pytest.raises(DiagnosticError) as raised:
        _load(tmp_path, "e.yaml", yaml.safe_dump({"ruleset": "r.esi", "ratings": RATINGS}))
    assert next(d.help or "" for d in raised.value.diagnostics if d.code == "E232").startswith("record it under `facts:` (")


def test_a_fact_no_rule_reads_need_not_be_recorded(tmp_path: Path) -> None:
    text = header() + "fact note: yes or no\n"
    ruleset = ruleset_of(tmp_path, text)
    path = tmp_path / "e.yaml"
    path.write_text("ruleset: r.esi\n", encoding="utf-8")
    assert load_evidence(str(path), ruleset).facts == {}


def test_a_workbook_records_facts_on_a_facts_sheet(tmp_path: Path) -> None:
    from workbook_helpers import write_workbook

    (tmp_path / "r.esi").write_text(FACTS, encoding="utf-8")
    ruleset = ruleset_of(tmp_path, FACTS)
    path = tmp_path / "e.xlsx"
    write_workbook(path, {
        "cases": [["id", "risk"]],
        "ratings": [["item", "rating"], *([k, v] for k, v in RATINGS.items())],
        "facts": [["fact", "value"], ["breach", "yes"], ["safeguarding", "ineffective"]],
    })
    evidence = load_evidence(str(path), ruleset)
    assert {n: f.value for n, f in evidence.facts.items()} == {
        "breach": True, "enforcement": "none", "safeguarding": "ineffective", "vacancy": 0}
    assert evidence.facts["breach"].location is not None and evidence.facts["breach"].location.file == str(path)
    # A number typed as a percentage (`25%`, kept as 0.25 with a percentage format) is the percentage shown
    from workbook_helpers import Percent

    write_workbook(path, {"cases": [["id", "risk"]], "facts": [["fact", "value"], ["safeguarding", "effective"],
                                                              ["vacancy", Percent(0.25)]]})
    assert load_evidence(str(path), ruleset).facts["vacancy"].value == 25


# ---------------------------------------------------------------------------------------------
# In-language tests


TESTS = FACTS + """
test "a breach caps A1" {
  criterion A1
  given facts breach yes, safeguarding effective
  given ratings A1.x strong
  expect grade "Satisfactorily met"
}
test "formal enforcement and a weak item give Poor" {
  criterion A2
  given facts enforcement: formal, safeguarding: effective
  given ratings A2.x weak
  expect grade Poor
}
test "ineffective safeguarding caps the points" {
  given fact safeguarding ineffective
  given ratings C1.x strong, C2.x strong
  expect section C grade "Not met"
}
test "B1.b does not apply after a breach" {
  given facts breach yes, safeguarding effective
  given answers B1.a: yes x2
  given answers B1.b: yes x2
  expect criterion B1 score 100%
}
"""


def test_tests_give_facts(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, TESTS)
    assert ruleset.tests[0].facts == (("breach", True), ("safeguarding", "effective"))
    run = run_tests(ruleset, {})
    failing = [(t.test.name, t.problem) for t in run.results if not t.passed]
    # B1.b cannot apply to any case after a breach: the test says so rather than counting it.
    assert [name for name, _ in failing] == ["B1.b does not apply after a breach"]
    assert failing[0][1].words.startswith(  # type: ignore[union-attr]
        "with the facts the test gives (breach yes), question B1.b applies to no case")


def test_a_test_without_a_fact_the_rules_need_is_found_by_check(tmp_path: Path) -> None:
    """It could not run (`esirules test` said so), but `check` said the ruleset was fine."""
    text = FACTS + 'test "t" { criterion A1  given ratings A1.x strong  expect grade "Well met" }\n'
    found = [(d.code, d.message) for d in checked(tmp_path, text).diagnostics if d.severity == "error"]
    assert found == [("R081", 'the test "t" does not give the fact `safeguarding`, which the rules read and which has '
                               "no default, so it cannot be run")]


# ---------------------------------------------------------------------------------------------
# Misuse


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (("attribute risk:", "attribute breach: yes or no\nattribute risk:"), ["R120"]),
        (("default none", "default strict"), ["R121"]),
        (("number from 0 to 100, default 0", "number from 0 to 100, default 101"), ["R121"]),
        (('when fact vacancy > 20', 'when at best "Poor" on some criteria'), ["R122"]),
        (('when fact breach\n  }\n  score:', 'when fact breach\n  }\n  score:'), []),
        (('no better than "Not met" when fact safeguarding = ineffective',
          'no better than "Not met" when fact safeguarding > ineffective'), ["R040"]),
        (('fact breach\n  }\n  criterion A2', 'fact breech\n  }\n  criterion A2'), ["R030"]),
        (('when fact vacancy > 20', 'when fact vacancy > high'), ["R033"]),
        (('no better than "Satisfactorily met" when fact breach\n  }',
          'no better than "Very well met" when fact breach\n  }'), ["W120"]),
        (('no better than "Satisfactorily met" when fact breach\n  }',
          'no better than Excellent when fact breach\n  }'), ["R033"]),
        (('fact vacancy "Vacancy rate (percent)"', 'fact unused "Unused": yes or no\nfact vacancy "Vacancy rate (percent)"'),
         ["W121"]),
        (('  "Poor" otherwise\n  no better than "Partly met"', '  no better than "Partly met"'), ["R052"]),
    ],
)
def test_misuse_is_reported(tmp_path: Path, change: tuple[str, str], found: list[str]) -> None:
    old, new = change
    assert old in FACTS
    assert codes(tmp_path, FACTS.replace(old, new, 1)) == found


def test_a_cap_on_a_level_without_a_grade(tmp_path: Path) -> None:
    text = FACTS.replace("  score: weighted mean of criteria\n  grade: score banded by quality\n", "")
    assert codes(tmp_path, text) == ["R123"]
    text = FACTS.replace("    graded by quality\n", "")
    assert codes(tmp_path, text) == ["R123"]


def test_a_test_gives_a_fact_twice_or_a_value_it_cannot_take(tmp_path: Path) -> None:
    twice = TESTS.replace("given facts breach yes, safeguarding effective\n  given ratings A1.x",
                          "given facts breach yes, breach no, safeguarding effective\n  given ratings A1.x")
    assert codes(tmp_path, twice) == ["R124"]
    wrong = TESTS.replace("given fact safeguarding ineffective", "given fact safeguarding unsafe")
    assert codes(tmp_path, wrong) == ["R121"]
    unknown = TESTS.replace("given fact safeguarding ineffective", "given fact safeguard ineffective")
    assert codes(tmp_path, unknown) == ["R030"]


def test_the_analysis_makes_no_claim_about_rules_that_test_facts(tmp_path: Path) -> None:
    # Without facts the first rule of `direct` would seem to take every weak profile; the analysis
    # leaves a grading that tests facts alone (as it does one that names members) and says nothing.
    found = checked(tmp_path, FACTS)
    assert found.diagnostics == []
    assert [g.name for g in found.analysis.gradings] == ["members"]


def test_diff_reports_a_changed_cap_and_a_changed_fact(tmp_path: Path) -> None:
    import contextlib
    import io

    from esirules.cli.main import main

    old, new = tmp_path / "old.esi", tmp_path / "new.esi"
    old.write_text(FACTS, encoding="utf-8")
    new.write_text(FACTS.replace("default none", "default informal").replace(
        'no better than "Not met" when fact safeguarding = ineffective',
        'no better than "Partly met" when fact safeguarding = ineffective'), encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(["diff", str(old), str(new), "--format", "json"])
    changes = {(c["subject"]["kind"], c["subject"].get("name"), c.get("aspect")): c for c in json.loads(out.getvalue())["changes"]}
    cap = changes[("section", "C", "caps")]
    assert (cap["old"], cap["new"]) == ('no better than "Not met" when fact safeguarding = ineffective',
                                        'no better than "Partly met" when fact safeguarding = ineffective')
    assert (changes[("fact", "enforcement", "default")]["new"]) == "informal"


def test_files_scored_together_share_their_facts_or_are_refused(tmp_path: Path) -> None:
    import contextlib
    import io

    from esirules.cli.main import main

    (tmp_path / "r.esi").write_text(FACTS, encoding="utf-8")
    first = {"ruleset": "r.esi", "facts": {"breach": "yes", "safeguarding": "effective"}, "ratings": RATINGS}
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(first), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"ruleset": "r.esi", "facts": {"safeguarding": "effective"}}))
    (tmp_path / "c.yaml").write_text(yaml.safe_dump({"ruleset": "r.esi", "facts": {"safeguarding": "ineffective"}}))

    def run(*names: str) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.suppress(SystemExit):
            main(["score", *(str(tmp_path / n) for n in names), "--merge", "--format", "json"])
        return out.getvalue(), err.getvalue()

    # b.yaml leaves `breach` to its default: a.yaml's recorded yes is the column's, and caps A1.
    printed, _ = run("a.yaml", "b.yaml")
    column = json.loads(printed)["columns"][0]
    assert column["facts"]["breach"]["value"] == "yes" and not column["facts"]["breach"]["defaulted"]
    assert column["criteria"]["A1"]["uncapped_grade"] == "Well met"
    printed, problems = run("a.yaml", "c.yaml")
    assert printed == "" and "error[E233]: the fact `safeguarding` is recorded as `ineffective` here" in problems
