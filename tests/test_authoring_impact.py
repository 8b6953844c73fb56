"""The impact of a ruleset change on evidence, and the ESI acceptance test.

`esirules diff rulesets/esi-2003.esi rulesets/esi-2004-followup.esi --evidence
examples/hertfordshire/original.yaml` must show the published sheet's Original → Adjusted
movement. The expected figures are the ones tests/test_golden.py TRANSCRIBED BY HAND from the
report's scoring summary sheet; the cases expected to move are read from the case table itself.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
from conftest import REPO
from test_golden import CRITERIA, D3, OVERALL, SECTION_A, SECTIONS

from esirules.authoring.impact import score_impacts

OLD = "rulesets/esi-2003.esi"
NEW = "rulesets/esi-2004-followup.esi"
EVIDENCE = "examples/hertfordshire/original.yaml"
CASES = REPO / "examples" / "hertfordshire" / "original-cases.csv"
ORIGINAL, ADJUSTED = 0, 1  # columns of the golden tables
COUNTED = {"yes", "partly", "no"}


def run(*args: str) -> tuple[int, str, str]:
    from esirules.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def acceptance() -> dict:
    code, out, err = run("diff", OLD, NEW, "--evidence", EVIDENCE, "--format", "json")
    assert code == 0, err
    (impact,) = json.loads(out)["impact"]
    return {(f["kind"], f["id"]): f for f in impact["figures"]} | {"impact": impact}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with open(CASES, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("criterion", CRITERIA)
def test_criteria_move_as_the_report_shows(acceptance, criterion):
    figure = acceptance[("criterion", criterion)]
    assert figure["old"]["display"] == CRITERIA[criterion][ORIGINAL]
    assert figure["new"]["display"] == CRITERIA[criterion][ADJUSTED]


@pytest.mark.parametrize("section", SECTIONS)
def test_sections_move_as_the_report_shows(acceptance, section):
    figure = acceptance[("section", section)]
    assert (figure["old"]["display"], figure["new"]["display"]) == (
        SECTIONS[section][ORIGINAL],
        SECTIONS[section][ADJUSTED],
    )


def test_overall_moves_as_the_report_shows(acceptance):
    figure = acceptance[("overall", "overall")]
    assert (figure["old"]["display"], figure["new"]["display"]) == (OVERALL[ORIGINAL], OVERALL[ADJUSTED])


def test_graded_criteria_keep_their_original_grades(acceptance):
    """The adjusted column repeats the original grades of section A and D3."""
    expected = {**{c: grades[0] for c, grades in SECTION_A.items()}, "D3": D3[0]}
    for criterion, grade in expected.items():
        figure = acceptance[("criterion", criterion)]
        assert (figure["old"]["grade"], figure["new"]["grade"]) == (grade, grade)
        assert figure["changed"] is False


def test_grade_transition_table(acceptance):
    expected: dict[tuple[str, str], list[str]] = {}
    for criterion, grade in {**{c: g[0] for c, g in SECTION_A.items()}, "D3": D3[0]}.items():
        expected.setdefault((grade, grade), []).append(criterion)
    found = {(t["old"], t["new"]): t for t in acceptance["impact"]["grade_transitions"]}
    assert set(found) == set(expected)
    for pair, criteria in expected.items():
        assert found[pair]["criteria"] == criteria
        assert found[pair]["count"] == len(criteria)


def test_text_report_shows_the_movement():
    code, out, _ = run("diff", OLD, NEW, "--evidence", EVIDENCE)
    assert code == 0
    for criterion, (original, adjusted, _, _) in CRITERIA.items():
        assert re.search(rf"^{criterion}\s+\S.*\s{original}\s+{adjusted}\s", out, re.MULTILINE), criterion
    b = SECTIONS["B"]
    assert re.search(rf"^section B\s+Quality of assessment\s+{b[0]}\s+{b[1]}\s", out, re.MULTILINE)
    assert re.search(rf"^overall\s+.*\s{OVERALL[0]}\s+{OVERALL[1]}\s", out, re.MULTILINE)


# ---------------------------------------------------------------------------------------------
# Cases that count differently, checked against the case table


def _shifts(acceptance, question: str) -> dict[tuple[str, str], list[str]]:
    (found,) = [q for q in acceptance["impact"]["questions"] if q["id"] == question]
    return {(s["shift"], s["reason"]): s["cases"] for s in found["shifts"]} | {"counted": found}  # type: ignore[dict-item]


def test_cpo_cases_are_newly_excluded(acceptance, rows):
    cpo = [r["id"] for r in rows if r["order_type"] == "cpo"]
    assert len(cpo) == 12  # "CPOs were not included in the sample for the follow-up inspection"
    shifts = _shifts(acceptance, "B1.start")
    counted = [r["id"] for r in rows if r["B1.start"] in COUNTED]
    assert shifts["counted"]["counted_old"] == len(counted)
    assert shifts["counted"]["counted_new"] == len([c for c in counted if c not in cpo])
    assert shifts[("newly excluded", "excluded by the ruleset: order_type = cpo")] == [c for c in counted if c in cpo]


@pytest.mark.parametrize("question", ["C2.offender_view", "C3.offender_view", "C4.offender_view",
                                      "D2.offender_view", "D4.offender_view"])
def test_offender_interviews_are_newly_excluded(acceptance, rows, question):
    counted = [r for r in rows if r[question] in COUNTED]
    shifts = _shifts(acceptance, question)
    assert shifts["counted"]["counted_old"] == len(counted)
    assert shifts["counted"]["counted_new"] == 0
    by_case = [r["id"] for r in counted if r["order_type"] == "cpo"]
    by_source = [r["id"] for r in counted if r["order_type"] != "cpo"]
    assert shifts[("newly excluded", "excluded by the ruleset: order_type = cpo")] == by_case
    assert shifts[("newly excluded", "excluded by the ruleset: source offender_interview")] == by_source


def test_only_questions_whose_cases_moved_are_listed(acceptance):
    for question in acceptance["impact"]["questions"]:
        assert question["shifts"], question["id"]


# ---------------------------------------------------------------------------------------------
# Met answers and applicability


def _variant(tmp_path: Path, old: str, new: str) -> str:
    text = (REPO / OLD).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.esi"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(path)


def test_partly_now_met(tmp_path, rows):
    variant = _variant(
        tmp_path,
        'question B4.organised "The case record was well organised and complete"\n      source case_file',
        'question B4.organised "The case record was well organised and complete"\n      source case_file\n'
        "      met when yes or partly",
    )
    (impact,) = score_impacts(str(REPO / OLD), variant, [str(REPO / EVIDENCE)])
    (question,) = impact.questions
    assert question.id == "B4.organised"
    assert question.cases("now met") == tuple(r["id"] for r in rows if r["B4.organised"] == "partly")
    assert [s.shift for s in question.shifts] == ["now met"]
    (b4,) = [m for m in impact.movements if m.id == "B4"]
    assert b4.old is not None and b4.new is not None and b4.new.value > b4.old.value  # type: ignore[operator]


def test_exclusion_removed_counts_cases_again(rows):
    """Diffing the other way round: the follow-up's exclusions lifted, the CPO cases count again."""
    (impact,) = score_impacts(str(REPO / NEW), str(REPO / OLD), [str(REPO / EVIDENCE)])
    (question,) = [q for q in impact.questions if q.id == "B1.start"]
    cpo = tuple(r["id"] for r in rows if r["order_type"] == "cpo" and r["B1.start"] in COUNTED)
    assert question.cases("newly counted") == cpo
    assert {s.reason for s in question.shifts} == {"excluded by the ruleset: order_type = cpo"}


def test_answers_the_new_ruleset_does_not_count_are_newly_not_applicable(tmp_path, rows):
    """A narrower `applies when` makes answers to a question that no longer applies: they change
    no figure under the new ruleset (a warning, not an error), so the impact is worked out and
    shows those cases as newly not applicable; the new column's warning says where they are."""
    variant = _variant(
        tmp_path,
        'question B1.start "Risk of harm assessment at the start of supervision was satisfactory"\n'
        "      source case_file",
        'question B1.start "Risk of harm assessment at the start of supervision was satisfactory"\n'
        "      source case_file\n      applies when risk_of_harm >= high",
    )
    (impact,) = score_impacts(str(REPO / OLD), variant, [str(REPO / EVIDENCE)])
    (question,) = [q for q in impact.questions if q.id == "B1.start"]
    low = [r for r in rows if r["risk_of_harm"] in ("low", "medium") and r["B1.start"] in COUNTED]
    assert question.cases("newly not applicable") == tuple(r["id"] for r in low)
    (warning,) = impact.new.warnings
    assert warning.code == "E122" and warning.count == len(low)
    assert warning.places[0].file.endswith("original-cases.csv")
    assert f"does not apply to {len(low)} cases" in warning.message and not impact.old.warnings


@pytest.mark.parametrize(
    ("then", "later", "shift"),
    [
        ("met", "excluded", "newly excluded"),
        ("not met", "absent", "newly excluded"),
        ("met", "not applicable", "newly not applicable"),
        ("excluded", "not met", "newly counted"),
        ("not applicable", "met", "newly counted"),
        ("not met", "met", "now met"),
        ("met", "not met", "no longer met"),
        ("met", "met", None),
        ("excluded", "not applicable", None),
    ],
)
def test_how_a_case_moves(then, later, shift):
    from esirules.authoring.impact import shift_of

    assert shift_of(then, later) == shift
