"""The golden test: the Hertfordshire example reproduces the report's published figures.

Every expected figure below is TRANSCRIBED BY HAND from HM Inspectorate of Probation, "Effective
Supervision Inspection of the National Probation Service for England and Wales. Follow-up report
on: Hertfordshire Probation Area" (2005): its Scoring summary sheet, and the percentages quoted
in its findings under each criterion. Nothing here is computed from the program, and nothing is
read from outside the repository at run time.

The case-level evidence in examples/hertfordshire/ is synthetic (the real case files are not
public); it was built by examples/hertfordshire/build_evidence.py to reproduce these figures.
This test runs the real pipeline on it: `esirules score examples/hertfordshire/summary.yaml
--format json`.
"""

from __future__ import annotations

import csv
import filecmp
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "hertfordshire"
SUMMARY = EXAMPLE / "summary.yaml"
FOLLOWUP = EXAMPLE / "followup.yaml"

# ---------------------------------------------------------------------------------------------
# SCORING SUMMARY SHEET, as printed in the report.

# Section A: Quality of management          Original Inspection   Follow-up Inspection
SECTION_A = {
    "A1": ("Poor", "Partly met"),  # Leadership and planning
    "A2": ("Partly met", "Partly met"),  # Resource allocation
    "A3": ("Not met", "Partly met"),  # Management and supervision of staff
    "A4": ("Not met", "Partly met"),  # Partnership/contracting out
    "A5": ("Partly met", "Partly met"),  # Effective communication with sentencers
}

# Columns: Original inspection score, (Adjusted score), Feb, Sept.
COLUMNS = ("Original", "Adjusted", "Feb", "Sept")
CRITERIA = {
    # Section B: Quality of assessment
    "B1": ("33%", "30%", "33%", "79%"),  # Assessment of risk of harm
    "B2": ("56%", "56%", "85%", "99%"),  # Assessment of likelihood of reoffending
    "B3": ("50%", "46%", "42%", "79%"),  # Case management
    "B4": ("66%", "60%", "70%", "100%"),  # Documentation
    # Section C: Quality of interventions
    "C1": ("86%", "84%", "54%", "89%"),  # Managing attendance and enforcement
    "C2": ("64%", "63%", "62%", "81%"),  # Delivering appropriate supervision
    "C3": ("77%", "75%", "84%", "92%"),  # Diversity needs
    "C4": ("66%", "66%", "60%", "100%"),  # Responsivity
    "C5": ("38%", "38%", "39%", "73%"),  # Management of risk of harm
    # Section D: Quality of initial outcomes (February only)
    "D1": ("52%", "49%", "60%", None),  # Interventions are delivered with the desired outcomes
    "D2": ("58%", "60%", "58%", None),  # Improvements are sustainable
    "D4": ("73%", "69%", "69%", None),  # Interventions demonstrate value for money
}
SECTIONS = {
    "B": ("49%", "46%", "56%", "87%"),  # Score for section B
    "C": ("66%", "65%", "60%", "86%"),  # Score for section C
    "D": ("62%", "59%", "63%", None),  # Score for section D
}
OVERALL = ("60%", "58%", "60%", None)  # OVERALL SCORE FOR SECTIONS B-D (excluding D3)

# D3: Outcomes of interventions are assessed and reviewed using available data
D3 = ("Not met", "Satisfactorily met")  # original inspection, follow-up inspection

# ---------------------------------------------------------------------------------------------
# Question-level percentages quoted in the report's findings, for the questions the ruleset
# models: (sample column, question, percent as printed, the report's words).

QUOTED = [
    # B1 Assessment of risk of harm
    (
        "Feb",
        "B1.start",
        30,
        "Only 30% of the cases commencing in February 2004 had had satisfactory risk of harm assessments",
    ),
    (
        "Sept",
        "B1.start",
        80,
        "Of the September 2004 sample, 80% had had satisfactory assessments at the beginning",
    ),
    ("Feb", "B1.review_16wk", 10, "Of these cases just 10% had adequate risk of harm reviews every 16 weeks"),
    ("Feb", "B1.incident", 20, "only 20% of cases were reviewed satisfactorily after a significant incident"),
    (
        "Sept",
        "B1.incident",
        71,
        "71% of applicable cases were properly reviewed after a significant incident",
    ),
    ("Feb", "B1.plan_match", 63, "This ranged from 63% on the February sample"),
    ("Sept", "B1.plan_match", 97, "to 97% on that for September"),
    (
        "Feb",
        "B1.rmp_5days",
        20,
        "In just 20% of the February high risk of harm cases had a satisfactory risk management plan",
    ),
    ("Sept", "B1.rmp_5days", 67, "This improved to 67% in the September sample"),
    (
        "Feb",
        "B1.management",
        0,
        "Appropriate management involvement ... was seen in none of the February start cases",
    ),
    ("Sept", "B1.management", 67, "In the September sample this rose to 67%"),
    # B2 Assessment of likelihood of reoffending
    ("Feb", "B2.content", 70, "appropriate to the needs of the case in 70% of the February"),
    ("Sept", "B2.content", 96, "and in 96% of the September start samples"),
    # B3 Case management
    ("Feb", "B3.plan_standards", 27, "this was true of only 27% of the February ones"),
    (
        "Sept",
        "B3.plan_standards",
        83,
        "in 83% of the September cases initial plans conformed to national standards",
    ),
    (
        "Feb",
        "B3.smart",
        27,
        "fully SMART objectives were seen in ISPs in just 27% of the February start cases",
    ),
    ("Sept", "B3.smart", 50, "this had increased to 50% of the September starts"),
    (
        "Feb",
        "B3.interventions",
        57,
        "Appropriate interventions had been identified for offenders in 57% of the February",
    ),
    ("Sept", "B3.interventions", 100, "and 100% of the September cases"),
    ("Feb", "B3.diversity", 63, "The ISP was sensitive to diversity issues in 63% of the February"),
    ("Sept", "B3.diversity", 96, "and in 96% of the September cases"),
    (
        "Feb",
        "B3.requirements",
        63,
        "make sure the offender understood the requirements ... in 63% of the February",
    ),
    ("Sept", "B3.requirements", 97, "and 97% of the September cases"),
    ("Feb", "B3.plan_shared", 67, "Plans were communicated to the offender ... in 67% of the February"),
    ("Sept", "B3.plan_shared", 97, "and 97% of the September cases"),
    (
        "Feb",
        "B3.rmp_integrated",
        10,
        "Risk management plans had been integrated into ISPs in only 10% of applicable February cases",
    ),
    ("Sept", "B3.rmp_integrated", 33, "and in 33% of September ones"),
    (
        "Feb",
        "B3.liaison",
        24,
        "a need to define more clearly liaison responsibilities ... in 76% of the February (complement)",
    ),
    ("Sept", "B3.liaison", 76, "and 24% of the September cases (complement)"),
    # B4 Documentation
    (
        "Feb",
        "B4.organised",
        73,
        "73% of the February starts had case records which were well organised and complete",
    ),
    ("Sept", "B4.organised", 100, "this applied to all of the September starts"),
    ("Feb", "B4.recording", 67, "Recording was clear and sufficient ... in two-thirds of the February ones"),
    ("Sept", "B4.recording", 100, "in all of the September cases"),
    # C1 Managing attendance and enforcement
    (
        "Feb",
        "C1.frequency",
        30,
        "Appointment frequency met national standards ... in only 30% of the February cases",
    ),
    ("Sept", "C1.frequency", 83, "but rose to 83% for the September ones"),
    (
        "Feb",
        "C1.home_visit",
        27,
        "lack of a home visit within the required timescale in 73% of the February (complement)",
    ),
    ("Sept", "C1.home_visit", 71, "and 29% of the September cases (complement)"),
    (
        "Feb",
        "C1.seen_by_staff",
        97,
        "only 3% of the February cases showed any evidence of the offender having ever 'signed in' (complement)",
    ),
    ("Sept", "C1.seen_by_staff", 100, "There were no instances of this in the September sample"),
    (
        "Feb",
        "C1.attendance",
        70,
        "Attendance was monitored adequately by the case manager in 70% of the February",
    ),
    ("Sept", "C1.attendance", 90, "and 90% of the September cases"),
    ("Feb", "C1.absences", 68, "appropriate decisions were made about absences in 68% of the former"),
    ("Sept", "C1.absences", 91, "and 91% of the latter"),
    # C2 Delivering appropriate supervision
    (
        "Feb",
        "C2.interventions",
        57,
        "Appropriate interventions were felt to have been delivered to offenders in 57% of the February",
    ),
    ("Sept", "C2.interventions", 83, "and 83% of the September cases"),
    (
        "Feb",
        "C2.review_16wk",
        13,
        "In only 13% of the February cases were the supervision plan objectives satisfactorily reviewed",
    ),
    ("Feb", "C2.smart_review", 27, "and in just 27% of these were SMART objectives set at review points"),
    (
        "Feb",
        "C2.mappa_review",
        10,
        "Only 10% of applicable cases showed sufficient evidence of MAPPA plans being incorporated",
    ),
    (
        "Feb",
        "C2.reintegration",
        72,
        "Community reintegration issues were satisfactorily tackled in 72% of the February",
    ),
    ("Sept", "C2.reintegration", 92, "and 92% of the September samples"),
    ("Feb", "C2.victim", 47, "Victim issues were properly addressed in 47% of the February cases"),
    ("Sept", "C2.victim", 55, "In the September cases the figures were only slightly better at 55%"),
    # C3 Diversity needs
    (
        "Feb",
        "C3.literacy",
        75,
        "Literacy and dyslexia needs were adequately addressed in 75% of the February",
    ),
    ("Sept", "C3.literacy", 81, "and 81% of the September cases"),
    (
        "Feb",
        "C3.diversity",
        80,
        "and 80% of the February ones sufficient attention had been paid to diversity issues",
    ),
    ("Sept", "C3.diversity", 100, "In all the September cases"),
    # C4 Responsivity
    (
        "Feb",
        "C4.responsivity",
        63,
        "63% of the February sample showed that appropriate attention had been paid to offender responsivity",
    ),
    ("Sept", "C4.responsivity", 100, "this was so in relation to all the September cases"),
    ("Feb", "C4.pre_release", 30, "In only 30% of the February licences was the pre-release work consistent"),
    ("Sept", "C4.pre_release", 100, "This increased to 100% for the September cases"),
    # C5 Management of risk of harm
    (
        "Feb",
        "C5.match",
        63,
        "Interventions delivered matched the risk of harm assessment in 63% of the February",
    ),
    ("Sept", "C5.match", 97, "and 97% of the September cases"),
    (
        "Feb",
        "C5.home_visits",
        33,
        "Home visits had been carried out in a third of the February high risk of harm cases",
    ),
    ("Sept", "C5.home_visits", 67, "and two-thirds of the September ones"),
    (
        "Feb",
        "C5.changes",
        29,
        "Changes in risk of harm had been identified and managed satisfactorily in just 29% of applicable February cases",
    ),
    ("Sept", "C5.changes", 56, "and in 56% of applicable September cases"),
    (
        "Feb",
        "C5.child_protection",
        25,
        "appropriately involved in child protection arrangements in only 25% of the February cases",
    ),
    ("Sept", "C5.child_protection", 75, "Although this rose to 75% for the September sample"),
    (
        "Feb",
        "C5.interagency_plan",
        10,
        "In only 10% of applicable February cases was an inter-agency risk management plan produced",
    ),
    ("Sept", "C5.interagency_plan", 50, "This applied to 50% of applicable September cases"),
    (
        "Feb",
        "C5.oversight",
        0,
        "Management oversight was adequate in none of the February high risk of harm cases",
    ),
    ("Sept", "C5.oversight", 67, "and in two-thirds of the September ones"),
    (
        "Feb",
        "C5.swift_action",
        40,
        "Appropriate action had not been taken swiftly enough ... in 60% of the applicable (complement)",
    ),
    # D1 Interventions are delivered with the desired outcomes (February only)
    (
        "Feb",
        "D1.no_reconviction",
        93,
        "Only 7% of offenders in the sample had been convicted of a new offence (complement)",
    ),
    (
        "Feb",
        "D1.progress",
        57,
        "Progress against the principal criminogenic need ... was demonstrated in 57% of the sample",
    ),
    (
        "Feb",
        "D1.attitude",
        43,
        "evidence of positive change in attitude, beliefs and behaviour in 43% of cases",
    ),
    ("Feb", "D1.risk_reduced", 20, "and of a reduction in risk of harm in 20%"),
    (
        "Feb",
        "D1.risk_contained",
        50,
        "Risk of harm was felt to have been successfully contained in 50% of the high risk of harm cases",
    ),
    (
        "Feb",
        "D1.community_ties",
        50,
        "an improvement in community ties and social circumstances in half the cases scrutinised",
    ),
    ("Feb", "D1.learning_applied", 46, "and evidence that learning outcomes had been applied in 46%"),
    # D2 Improvements are sustainable
    (
        "Feb",
        "D2.reintegration",
        54,
        "Attention had been paid to long-term community reintegration issues in 54% of cases",
    ),
    (
        "Feb",
        "D2.mainstream",
        50,
        "In half of cases involvement with mainstream organisations had been satisfactorily established",
    ),
    # D4 Interventions demonstrate value for money
    ("Feb", "D4.matched_risk", 66, "Resources were matched to the offender's risk of harm in 66% of cases"),
    ("Feb", "D4.matched_likelihood", 75, "and to likelihood of reoffending in 75% of cases"),
    ("Feb", "D4.efficient", 66, "Resources had been used efficiently in 66% of cases"),
]

# Percentages the report quotes for the high risk of harm cases of a sample.
QUOTED_HIGH_RISK = [
    (
        "Feb",
        "B1.start",
        20,
        "Of the high risk of harm cases in the February sample, just 20% were assessed adequately",
    ),
    ("Feb", "B1.review_16wk", 10, "10% were adequately reviewed every 16 weeks"),
    ("Feb", "B1.incident", 0, "and none were properly reviewed following a significant incident"),
    (
        "Sept",
        "B1.start",
        100,
        "all the high risk of harm cases in the September sample were assessed to a sufficient standard",
    ),
    ("Sept", "B1.incident", 100, "and had had adequate risk of harm reviews following significant incidents"),
    ("Feb", "B3.plan_standards", 20, "contrasted with only 20% of those in the February one"),
    ("Sept", "B3.plan_standards", 75, "75% of the ISPs in the September sample met national standards"),
    ("Feb", "B3.interventions", 20, "The figures for high risk of harm cases were 20%"),
    ("Sept", "B3.interventions", 100, "and 100% respectively"),
    (
        "Feb",
        "C1.frequency",
        40,
        "frequency of reporting did not always match risk of harm levels, e.g. in 60% (complement)",
    ),
    ("Sept", "C1.frequency", 75, "This had improved to 25% of the September high-risk starts (complement)"),
    ("Feb", "C2.interventions", 10, "This reduced to 10%"),
    ("Sept", "C2.interventions", 75, "and 75% respectively for high risk of harm cases"),
    ("Feb", "C2.victim", 20, "victim issues were properly covered in just 20% of the February sample"),
    ("Sept", "C2.victim", 75, "and in 75% of the September one"),
    ("Feb", "D1.no_reconviction", 90, "This rose to 10% of high risk of harm cases (complement)"),
    ("Feb", "D4.matched_risk", 20, "This fell to 20%"),
    ("Feb", "D4.matched_likelihood", 50, "and 50% respectively for high risk of harm cases"),
    ("Feb", "D4.efficient", 50, "and in 50% of high risk of harm cases"),
]

# "Across the whole sample, 80% of cases were assessed as demonstrating a close match between the
# interventions planned and the assessed risk of harm."
PLAN_MATCH_BOTH_SAMPLES = 80


def percent(met: int, applicable: int) -> int:
    """Whole percent, halves up (as the report prints)."""
    return int(Fraction(100 * met, applicable) + Fraction(1, 2))


# ---------------------------------------------------------------------------------------------
# The real pipeline


def _score_json(*args: str) -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "esirules.cli.main", "score", *args, "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, f"esirules score failed ({run.returncode}):\n{run.stderr}{run.stdout}"
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def sheet() -> dict[str, dict]:
    """The summary sheet's columns by label."""
    data = _score_json(str(SUMMARY))
    columns = {c["label"]: c for c in data["columns"]}
    assert list(columns) == list(COLUMNS)
    return columns


@pytest.fixture(scope="module")
def followup() -> dict:
    """The follow-up inspection as a whole: its two samples pooled into one column (without
    `--pool-samples`, each sample is a column of its own)."""
    data = _score_json(str(FOLLOWUP), "--pool-samples")
    assert len(data["columns"]) == 1
    return data["columns"][0]


@pytest.mark.parametrize("criterion", CRITERIA)
@pytest.mark.parametrize("column", COLUMNS)
def test_criterion_figures(sheet, column, criterion):
    expected = CRITERIA[criterion][COLUMNS.index(column)]
    result = sheet[column]["criteria"][criterion]
    if expected is None:  # September: no section D
        assert result["value"] is None
        assert result.get("reason")
    else:
        assert result["display"] == expected, f"{column} {criterion}: value {result['value']}"


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("column", COLUMNS)
def test_section_figures(sheet, column, section):
    expected = SECTIONS[section][COLUMNS.index(column)]
    result = sheet[column]["sections"][section]
    if expected is None:
        assert result["value"] is None
        assert result.get("reason")
    else:
        assert result["display"] == expected, f"{column} section {section}: value {result['value']}"


@pytest.mark.parametrize("column", COLUMNS)
def test_overall_figure(sheet, column):
    expected = OVERALL[COLUMNS.index(column)]
    result = sheet[column]["overall"]
    if expected is None:
        # "because of the lack of outcome data (Section D) in the September sample, it was not
        # possible to compile an overall score for the September cases"
        assert result["value"] is None
        assert result.get("reason")
    else:
        assert result["display"] == expected, f"{column} overall: value {result['value']}"


def test_september_sheet_figures_need_unrounded_criteria(sheet):
    """From the rounded criterion figures section B for September would be 614/7 = 87.71 (88);
    the published 87% needs the unrounded values."""
    criteria = sheet["Sept"]["criteria"]
    rounded = sum(
        w * int(criteria[c]["display"].rstrip("%")) for c, w in (("B1", 2), ("B2", 2), ("B3", 2), ("B4", 1))
    )
    assert percent(rounded, 700) == 88
    assert sheet["Sept"]["sections"]["B"]["display"] == "87%"


@pytest.mark.parametrize("criterion", SECTION_A)
def test_section_a_original_grades(sheet, criterion):
    for column in ("Original", "Adjusted"):
        assert sheet[column]["criteria"][criterion]["grade"] == SECTION_A[criterion][0], column


@pytest.mark.parametrize("criterion", SECTION_A)
def test_section_a_followup_grades(sheet, followup, criterion):
    """The follow-up's section A grades: graded from the inspection's item ratings, shown in both
    sample columns of the sheet, and when the follow-up is scored as a whole."""
    expected = SECTION_A[criterion][1]
    assert followup["criteria"][criterion]["grade"] == expected
    for column in ("Feb", "Sept"):
        assert sheet[column]["criteria"][criterion]["grade"] == expected, column


def test_a1_followup_grade_is_the_lead_inspectors_adjustment(sheet, followup):
    """Rated by the ruleset's target bands, four of A1's targets are weak, so the grading gives
    Not met; the report's Partly met is the lead inspector's adjustment, and both show."""
    assert sheet["Feb"]["criteria"]["A1"]["computed_grade"] == "Not met"
    a1 = followup["criteria"]["A1"]
    assert a1["computed_grade"] == "Not met"
    assert a1["grade"] == "Partly met"
    assert a1["adjustment"]["applied"] is True
    assert a1["adjustment"]["by"] == "Lead inspector"
    assert "17th" in a1["adjustment"]["reason"]


def test_d3_grades(sheet, followup):
    assert sheet["Original"]["criteria"]["D3"]["grade"] == D3[0]
    assert sheet["Feb"]["criteria"]["D3"]["grade"] == D3[1]
    assert followup["criteria"]["D3"]["grade"] == D3[1]
    # D3 is graded, not scored: it takes no part in section D
    assert sheet["Feb"]["criteria"]["D3"]["value"] is None


# ---------------------------------------------------------------------------------------------
# Question-level figures, from the library (the JSON sheet does not list questions)


@pytest.fixture(scope="module")
def questions() -> dict[str, dict[str, object]]:
    """column label -> question id -> QuestionResult."""
    from esirules.evidence.sheet import read_sheet_file
    from esirules.scoring.columns import score_columns

    spec = read_sheet_file(str(SUMMARY))
    assert spec is not None
    out: dict[str, dict[str, object]] = {}
    for column in score_columns(spec.columns):
        out[column.label] = {q.id: q for c in column.criteria.values() for q in c.questions}
    return out


@pytest.fixture(scope="module")
def high_risk_cases() -> set[str]:
    with open(EXAMPLE / "followup-cases.csv", encoding="utf-8", newline="") as f:
        return {row["id"] for row in csv.DictReader(f) if row["risk_of_harm"] in ("high", "very high")}


@pytest.mark.parametrize(
    ("column", "question", "expected", "words"), QUOTED, ids=[f"{c}-{q}" for c, q, _, _ in QUOTED]
)
def test_quoted_question_figures(questions, column, question, expected, words):
    result = questions[column][question]
    assert result.applicable > 0, words
    assert percent(result.met, result.applicable) == expected, f"{result.met}/{result.applicable}: {words}"


@pytest.mark.parametrize(
    ("column", "question", "expected", "words"),
    QUOTED_HIGH_RISK,
    ids=[f"{c}-{q}-hr" for c, q, _, _ in QUOTED_HIGH_RISK],
)
def test_quoted_high_risk_figures(questions, high_risk_cases, column, question, expected, words):
    result = questions[column][question]
    met = len(set(result.met_cases) & high_risk_cases)
    applicable = met + len(set(result.not_met_cases) & high_risk_cases)
    assert applicable > 0, words
    assert percent(met, applicable) == expected, f"{met}/{applicable}: {words}"


def test_plan_match_across_both_samples(questions):
    feb, sept = questions["Feb"]["B1.plan_match"], questions["Sept"]["B1.plan_match"]
    assert percent(feb.met + sept.met, feb.applicable + sept.applicable) == PLAN_MATCH_BOTH_SAMPLES


def test_september_questions_not_asked(questions):
    """The September sample leaves out the supervision plan reviews, and section D."""
    for question in ("C2.review_16wk", "C2.smart_review", "C2.mappa_review", "D1.progress"):
        result = questions["Sept"].get(question)
        assert result is None or result.applicable == 0, question


# ---------------------------------------------------------------------------------------------
# The evidence is what the build script makes (no hand edits, deterministic)


def test_build_script_reproduces_the_evidence(tmp_path):
    run = subprocess.run(
        [sys.executable, str(EXAMPLE / "build_evidence.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr
    for name in (
        "original.yaml",
        "original-cases.csv",
        "followup.yaml",
        "followup-cases.csv",
        "summary.yaml",
    ):
        assert filecmp.cmp(tmp_path / name, EXAMPLE / name, shallow=False), (
            f"{name} differs from build_evidence.py's"
        )
