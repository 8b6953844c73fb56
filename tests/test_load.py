"""Tests of the evidence loader: YAML, JSON and CSV evidence, and every kind of problem it reports."""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esirules.diagnostics import Diagnostic, DiagnosticError
from esirules.evidence import conditions
from esirules.evidence.cases import MISSING, NOT_APPLICABLE, UNANSWERED, Cases
from esirules.evidence.load import check_ruleset_reference, load_evidence, read_ruleset_reference
from esirules.language import model
from esirules.span import Span

FIXTURES = Path(__file__).parent / "fixtures" / "evidence"


def _as_named(path: Path) -> str:
    """A file named in an evidence file, as the loader writes it: relative to the working folder
    when it lies under it (the command line's way of naming it), else in full."""
    relative = os.path.relpath(path)
    return os.path.normpath(str(path)) if relative.startswith("..") else relative
AT = Span("tiny.esi", 1, 1, 1, 1)


# ---------------------------------------------------------------------------------------------
# A small ruleset, built by hand


def _ruleset() -> model.Ruleset:
    f = Fraction
    high_risk = model.Comparison("risk_of_harm", ">=", "high", span=AT)
    review_applies = model.AnyOf(
        (
            model.Membership("order_type", ("licence", "cro"), span=AT),
            model.Not(model.Flag("sex_offender", span=AT), span=AT),
        ),
        span=AT,
    )
    yes = frozenset({"yes"})
    b1 = model.Criterion(
        id="B1",
        title="Assessment of risk of harm",
        section="B",
        kind="numerical",
        weight=f(2),
        questions=(
            model.Question(
                "B1.start", "Assessed at start", "B1", "answer", yes, "case_file", high_risk, span=AT
            ),
            model.Question(
                "B1.review", "Reviewed", "B1", "answer", yes, "case_file", review_applies, span=AT
            ),
            model.Question(
                "B1.offender", "Offender agrees", "B1", "answer", yes, "offender_interview", span=AT
            ),
        ),
        span=AT,
    )
    a1 = model.Criterion(
        id="A1",
        title="Leadership and planning",
        section="A",
        kind="descriptive",
        weight=f(1),
        items=(
            model.Item("A1.monitoring", "Targets monitored", "A1", span=AT),
            model.Item("A1.psr", "PSR timeliness", "A1", measure="psr_timeliness", span=AT),
        ),
        grading="management",
        allows_adjustment=True,
        span=AT,
    )
    a2 = model.Criterion(
        id="A2",
        title="Resource allocation",
        section="A",
        kind="descriptive",
        weight=f(1),
        items=(model.Item("A2.budget", "Budget", "A2", span=AT),),
        grading="management",
        span=AT,
    )
    grades = ("Very well met", "Well met", "Satisfactorily met", "Partly met", "Not met", "Poor")
    parent = model.Ruleset(
        name="tiny-original",
        version="1",
        title="Tiny original",
        path="original.esi",
        content_hash="0",
        sections=(
            model.Section(
                "B",
                "Assessment",
                (attrs_evolve_questions(b1, "B1.old"),),
                span=AT,
            ),
        ),
        span=AT,
    )
    return model.Ruleset(
        name="tiny",
        version="1",
        title="Tiny",
        path="tiny.esi",
        content_hash="1",
        parent=parent,
        scales=(
            model.Scale("answer", ("yes", "partly", "no"), "n/a", span=AT),
            model.Scale("performance", ("very strong", "strong", "good", "satisfactory", "weak"), span=AT),
            model.Scale("grade", grades, is_ladder=True, span=AT),
        ),
        attributes=(
            model.Attribute(
                "risk_of_harm", "Risk of harm", "ordered", ("low", "medium", "high", "very high"), span=AT
            ),
            model.Attribute("order_type", "Order", "enumerated", ("cro", "cpo", "licence"), span=AT),
            model.Attribute("sex_offender", "Sex offender", "boolean", span=AT),
            model.Attribute("age", "Age", "numeric", minimum=f(16), maximum=f(99), span=AT),
            model.Attribute(
                "ethnicity", "Ethnicity", "enumerated", ("white", "black", "asian", "mixed"), span=AT
            ),
        ),
        sources=(
            model.Source("case_file", "Case file", span=AT),
            model.Source("offender_interview", "Offender", span=AT),
        ),
        measures=(
            model.Measure("psr_timeliness", "PSR timeliness", span=AT),
            model.Measure("sickness", "Sickness absence", unit="days", lower_is_better=True, span=AT),
        ),
        samples=(
            model.Sample("february", "February 2004", span=AT),
            model.Sample("september", "September 2004", ("B",), frozenset({"B1.review"}), span=AT),
        ),
        sections=(
            model.Section("A", "Management", (a1, a2), span=AT),
            model.Section("B", "Assessment", (b1,), weight=f(30), span=AT),
        ),
        gradings=(
            model.Grading(
                "management",
                "Management",
                "performance",
                "grade",
                (model.GradeRule("Poor", (), otherwise=True, span=AT),),
                span=AT,
            ),
        ),
        exclusions=model.Exclusions(
            cases=(model.Comparison("order_type", "=", "cpo", span=AT),),
            sources=frozenset({"offender_interview"}),
        ),
        span=AT,
    )


def attrs_evolve_questions(criterion: model.Criterion, extra: str) -> model.Criterion:
    """The criterion with one more question (the parent ruleset's, left out of the derived one)."""
    import attrs

    question = model.Question(extra, "Old question", criterion.id, "answer", frozenset({"yes"}), span=AT)
    return attrs.evolve(criterion, questions=(*criterion.questions, question))


RULESET = _ruleset()


def _problems(path: Path | str) -> list[Diagnostic]:
    with pytest.raises(DiagnosticError) as caught:
        load_evidence(str(path), RULESET)
    return list(caught.value.diagnostics)


def _find(problems: list[Diagnostic], code: str, fragment: str) -> Diagnostic:
    found = [d for d in problems if d.code == code and fragment in d.message]
    assert found, f"no {code} with {fragment!r} in:\n" + "\n".join(
        f"{d.span} {d.code} {d.message}" for d in problems
    )
    return found[0]


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


# ---------------------------------------------------------------------------------------------
# Good evidence


def test_yaml_evidence_is_coded_by_column():
    evidence = load_evidence(str(FIXTURES / "good.yaml"), RULESET)
    cases = evidence.cases
    assert evidence.title == "Tiny inspection (synthetic cases)"
    assert evidence.ruleset_ref == _as_named(FIXTURES / "tiny.esi")
    assert cases.ids == ("C01", "C02", "C03")
    assert list(cases.samples) == ["february", "september", None]
    assert cases.attributes["risk_of_harm"].tolist() == [2, 3, 0]
    assert cases.attributes["order_type"].tolist() == [2, 0, 1]
    assert cases.attributes["sex_offender"].tolist() == [0, 1, 0]
    assert cases.attributes["ethnicity"].tolist() == [MISSING] * 3
    assert np.array_equal(cases.attributes["age"], [34, np.nan, 17.5], equal_nan=True)
    assert cases.answers["B1.start"].tolist() == [0, 2, NOT_APPLICABLE]
    assert cases.answers["B1.review"].tolist() == [1, UNANSWERED, UNANSWERED]
    assert cases.answers["B1.offender"].tolist() == [NOT_APPLICABLE, 0, UNANSWERED]
    assert cases.answers["B1.start"].dtype == np.int8  # a scale of a few values: one byte a code (encode.answer_dtype)
    assert "B1.old" not in cases.answers
    assert [(loc.line, loc.case) for loc in cases.locations] == [(4, "C01"), (11, "C02"), (19, "C03")]
    assert evidence.ratings == {"A1.monitoring": "very strong"}  # (as the scale spells it)
    psr = evidence.measures["psr_timeliness"]
    assert (psr.actual, psr.target, psr.national_average) == (71, 90, Fraction(157, 2))
    assert evidence.measures["sickness"].actual == Fraction(107, 10)
    (adjustment,) = evidence.adjustments
    assert (adjustment.criterion, adjustment.grade, adjustment.by) == ("A1", "Partly met", "Lead inspector")
    assert len(evidence.content_hash) == 64


def test_yaml_and_csv_give_identical_cases():
    from_yaml = load_evidence(str(FIXTURES / "good.yaml"), RULESET).cases
    from_csv = load_evidence(str(FIXTURES / "good-cases.csv"), RULESET).cases
    referenced = load_evidence(str(FIXTURES / "good-csv.yaml"), RULESET)
    assert from_yaml.same_as(from_csv)
    assert from_yaml.same_as(referenced.cases)
    assert referenced.cases.locations[1].file.endswith("good-cases.csv")
    assert referenced.cases.locations[1].line == 3


def test_json_evidence_matches_yaml():
    from_json = load_evidence(str(FIXTURES / "good.json"), RULESET)
    from_yaml = load_evidence(str(FIXTURES / "good.yaml"), RULESET)
    assert from_json.cases.same_as(from_yaml.cases)
    assert from_json.ratings == from_yaml.ratings
    assert from_json.measures["psr_timeliness"] == from_yaml.measures["psr_timeliness"]
    assert from_json.cases.locations[1].line == 8


def test_csv_alone_has_no_ratings_or_reference():
    evidence = load_evidence(str(FIXTURES / "good-cases.csv"), RULESET)
    assert evidence.ruleset_ref is None
    assert evidence.ratings == {} and evidence.measures == {} and evidence.adjustments == ()
    assert read_ruleset_reference(str(FIXTURES / "good-cases.csv")) is None


def test_csv_cases_in_several_files_and_yaml_cases_combine(tmp_path):
    _write(tmp_path, "a.csv", "id,risk_of_harm,order_type,sex_offender,B1.start\nA1,high,cro,no,yes\n")
    _write(tmp_path, "b.csv", "id,sex_offender,order_type,risk_of_harm\nB1,yes,licence,low\n")
    path = _write(
        tmp_path,
        "e.yaml",
        "cases:\n  - a.csv\n  - {id: Y1, risk_of_harm: low, order_type: cro, sex_offender: no}\n  - b.csv\n",
    )
    cases = load_evidence(str(path), RULESET).cases
    assert cases.ids == ("A1", "Y1", "B1")
    assert cases.answers["B1.start"].tolist() == [0, UNANSWERED, UNANSWERED]
    assert [loc.file.rsplit("/", 1)[-1] for loc in cases.locations] == ["a.csv", "e.yaml", "b.csv"]


def test_csv_quoting_blank_lines_ragged_rows_and_bom(tmp_path):
    text = (
        "\ufeffid,risk_of_harm,order_type,sex_offender,B1.start,B1.review\r\n"
        '"C 1","very high",cro,Y,YES,"n/a"\r\n'
        "\r\n"
        "C2,low,licence,0\r\n"
        ",,,,,\r\n"
    )
    evidence = load_evidence(str(_write(tmp_path, "c.csv", text)), RULESET)
    cases = evidence.cases
    assert cases.ids == ("C 1", "C2")
    assert cases.attributes["risk_of_harm"].tolist() == [3, 0]
    assert cases.attributes["sex_offender"].tolist() == [1, 0]
    assert cases.answers["B1.review"].tolist() == [NOT_APPLICABLE, UNANSWERED]
    assert [loc.line for loc in cases.locations] == [2, 4]


def test_csv_with_line_breaks_in_quoted_cells_keeps_row_lines(tmp_path):
    text = 'id,risk_of_harm,order_type,sex_offender,ethnicity\nC1,high,cro,no,"white\nmore"\nC2,low,cro,no,asian\n'
    problems = _problems(_write(tmp_path, "c.csv", text))
    assert [(d.code, d.span.line) for d in problems] == [("E114", 2)]
    text = 'id,risk_of_harm,order_type,sex_offender,ethnicity\nC1,high,cro,no,"white"\nC2,low,cro,no,"asia\nn"\nC3,x,cro,no,\n'
    problems = _problems(_write(tmp_path, "d.csv", text))
    assert [(d.code, d.span.line) for d in problems] == [("E114", 3), ("E114", 5)]


def test_excluded_questions_and_parent_questions_are_not_errors(tmp_path):
    path = _write(
        tmp_path,
        "e.yaml",
        "cases:\n  - {id: C1, risk_of_harm: low, order_type: cpo, sex_offender: no,"
        " answers: {B1.old: yes, B1.offender: no}}\n",
    )
    cases = load_evidence(str(path), RULESET).cases
    assert cases.answers["B1.offender"].tolist() == [2]
    csv_path = _write(
        tmp_path, "c.csv", "id,risk_of_harm,order_type,sex_offender,B1.old\nC1,low,cpo,no,yes\n"
    )
    assert load_evidence(str(csv_path), RULESET).cases.same_as(cases) is False  # B1.offender differs
    assert load_evidence(str(csv_path), RULESET).cases.ids == ("C1",)


def test_no_cases_gives_empty_columns(tmp_path):
    evidence = load_evidence(str(_write(tmp_path, "e.yaml", "ratings: {A1.monitoring: good}\n")), RULESET)
    assert len(evidence.cases) == 0
    assert evidence.cases.answers["B1.start"].shape == (0,)
    assert evidence.ratings == {"A1.monitoring": "good"}


# ---------------------------------------------------------------------------------------------
# Invalid case data: every problem, in one go


EXPECTED_CASE_PROBLEMS = [
    # code, message fragment, YAML line, CSV line
    ("E111", "case `X01`: `march` is not a sample", 5, 2),
    ("E114", "case `X01`: `hihg` is not a value of attribute `risk_of_harm`", 6, 2),
    ("E114", "case `X01`: `maybe` is not a value of attribute `sex_offender`", 8, 2),
    ("E115", "case `X01`: attribute `age`: `forty` is not a number", 9, 2),
    ("E112", "`colour` is not a case attribute", 10, 1),
    ("E120", "`B1.strat` is not a question", 11, 1),
    ("E121", "case `X01`: `perhaps` is not an answer to question `B1.start`", 11, 2),
    ("E110", "case `X01` appears twice", 12, 3),
    ("E113", "case `X01`: attribute `order_type` is missing", 12, 3),
    ("E116", "case `X01`: attribute `age`: `12` is out of range", 15, 3),
    ("E122", "case `X01`: question `B1.start` does not apply to this case, but is answered `yes`", 16, 3),
    ("E123", "case `X03`: question `B1.review` is not asked in sample `september`", 22, 4),
]


@pytest.mark.parametrize("name", ["bad-cases.yaml", "bad-cases.csv"])
def test_every_case_problem_is_reported_at_once(name):
    problems = _problems(FIXTURES / name)
    which = 0 if name.endswith(".yaml") else 1
    for code, fragment, *lines in EXPECTED_CASE_PROBLEMS:
        found = _find(problems, code, fragment)
        assert found.span.line == lines[which], (code, found.span)
        assert found.span.file.endswith(name)
    assert len(problems) == len(EXPECTED_CASE_PROBLEMS)


def test_case_problem_help_lines():
    problems = _problems(FIXTURES / "bad-cases.yaml")
    assert _find(problems, "E114", "hihg").help == "did you mean `high`?"
    assert _find(problems, "E120", "B1.strat").help == "did you mean `B1.start`?"
    assert "`yes`, `partly`, `no`, `n/a`" in (_find(problems, "E121", "perhaps").help or "")
    assert "risk_of_harm >= high" in (_find(problems, "E122", "B1.start").help or "")
    assert "from 16 to 99" in (_find(problems, "E116", "12").help or "")
    assert "line 4" in (_find(problems, "E110", "X01").help or "")
    span = _find(problems, "E114", "hihg").span
    assert (span.line, span.column, span.end_column) == (6, 19, 23)  # the whole of `hihg`


def test_missing_required_column_is_reported_once(tmp_path):
    path = _write(tmp_path, "c.csv", "id,order_type,sex_offender\nC1,cro,no\nC2,cro,no\n")
    (problem,) = _problems(path)
    assert (problem.code, problem.span.line) == ("E113", 1)
    assert "risk_of_harm" in problem.message


def test_attribute_given_as_case_field_and_question_given_as_attribute(tmp_path):
    path = _write(
        tmp_path,
        "e.yaml",
        "cases:\n  - id: C1\n    risk_of_harm: low\n    order_type: cro\n    sex_offender: no\n    B1.start: yes\n",
    )
    (problem,) = _problems(path)
    assert problem.code == "E112" and problem.span.line == 6
    assert "answers:" in (problem.help or "")


def test_case_without_id_and_case_of_wrong_shape(tmp_path):
    path = _write(
        tmp_path,
        "e.yaml",
        "cases:\n  - {risk_of_harm: low, order_type: cro, sex_offender: no}\n  - just text\n"
        "  - {id: C3, risk_of_harm: [low], order_type: cro, sex_offender: no, answers: [yes]}\n",
    )
    problems = _problems(path)
    assert [(d.code, d.span.line) for d in problems] == [
        ("E107", 2),
        ("E103", 3),
        ("E103", 4),
        ("E103", 4),
    ]


def test_csv_header_problems(tmp_path):
    text = "id,risk_of_harm,order_type,sex_offender,Order,,B1.start\nC1,low,cro,no,cro,x,,extra\n"
    problems = _problems(_write(tmp_path, "c.csv", text))
    assert [(d.code, d.span.line, d.span.column) for d in problems] == [
        ("E106", 1, 41),
        ("E103", 1, 47),
        ("E103", 2, 22),
    ]
    assert problems[0].message == "columns `order_type` and `Order` both hold `order_type` (columns 3 and 5)"
    twice = _problems(_write(tmp_path, "d.csv", "id,order_type,risk_of_harm,order_type\nC1,cro,low,cro\n"))
    assert [d.message for d in twice if d.code == "E106"] == ["two columns are headed `order_type` (columns 2 and 4)"]


def test_csv_without_id_column(tmp_path):
    (problem,) = _problems(_write(tmp_path, "c.csv", "risk_of_harm,order_type,sex_offender\nlow,cro,no\n"))
    assert problem.code == "E107" and "`id` column" in problem.message


# ---------------------------------------------------------------------------------------------
# Invalid ratings, measures, adjustments and fields


EXPECTED_OTHER_PROBLEMS = [
    ("E104", "`casess` is not a field", 3, "did you mean `cases`?"),
    ("E131", "item `A1.monitoring`: `excellent` is not a rating", 5, "ratings are `very strong`, `strong`"),
    ("E130", "`A9.unknown` is not an item", 6, None),
    ("E141", "measure `psr_timeliness`: actual `lots` is not a percentage", 8, "write a number"),
    ("E107", "measure `psr_timeliness` has no `national_average` figure", 8, "give all three"),
    ("E140", "`sick_days` is not a measure", 9, "`sickness`"),
    ("E150", "`A9` is not a criterion", 11, "`A1`"),
    ("E151", "criterion `A2` does not allow an adjustment", 12, "allows adjustment"),
    ("E152", "criterion `A1`: `Brilliant` is not a grade", 13, "grades are `Very well met`"),
    ("E153", "an adjustment has no `by`", 14, "who made it"),
    ("E153", "an adjustment has no `reason`", 14, "who made it"),
    ("E154", "criterion `A1` is adjusted twice", 14, "line 13"),
]


def test_every_other_problem_is_reported_at_once():
    problems = _problems(FIXTURES / "bad-other.yaml")
    for code, fragment, line, help_ in EXPECTED_OTHER_PROBLEMS:
        found = _find(problems, code, fragment)
        assert found.span.line == line, (code, found.span)
        if help_:
            assert help_ in (found.help or ""), (code, found.help)
    assert len(problems) == len(EXPECTED_OTHER_PROBLEMS)


def test_measure_units(tmp_path):
    text = "measures:\n  sickness: {actual: 10.7 days, target: 9 day, national_average: 8%}\n"
    (problem,) = _problems(_write(tmp_path, "e.yaml", text))
    assert problem.code == "E141" and "`8%` is not a number of days" in problem.message


def test_duplicate_keys_and_wrong_shapes(tmp_path):
    text = (
        "ratings: {A1.monitoring: good}\nratings: {A1.psr: good}\nmeasures: [1, 2]\nadjustments: {A1: good}\n"
    )
    problems = _problems(_write(tmp_path, "e.yaml", text))
    assert [(d.code, d.span.line) for d in problems] == [("E106", 2), ("E103", 3), ("E103", 4)]


# ---------------------------------------------------------------------------------------------
# Files that cannot be read


@pytest.mark.parametrize(
    ("name", "content", "code", "fragment", "line"),
    [
        ("empty.yaml", "", "E101", "is empty", 1),
        ("comments.yaml", "# nothing here\n", "E101", "is empty", 1),
        ("blank.csv", "\n\n", "E101", "is empty", 1),
        ("bad.yaml", "cases:\n  - id: C1\n   risk: [low\n", "E102", "not valid YAML", 3),
        ("tabs.yaml", "cases:\n\t- id: C1\n", "E102", "not valid YAML", 2),
        ("bad.json", '{"cases": [\n  {"id": "C1",}\n]}\n', "E102", "not valid JSON", 2),
        ("list.yaml", "- id: C1\n", "E103", "must hold fields", 1),
        ("latin1.csv", "id,ethnicity\nC1,caf\xe9\n".encode("latin-1"), "E101", "not UTF-8", 2),
        ("binary.csv", b"PK\x03\x04\x00\x00binary", "E101", "not a text file", 1),
        ("unicode.csv", "id,risk_of_harm\nC1,low\n".encode("utf-16"), "E101", "is UTF-16 text, not UTF-8", 1),
        ("nul.yaml", b"cases: \x00\x01", "E101", "not a text file", 1),
        ("quote.csv", 'id,order_type\nC1,"cro\n', "E102", "not a valid CSV file", 2),
        ("notes.txt", "hello", "E101", "cannot tell the format", 1),
        ("semicolons.csv", "id;risk_of_harm\nC1;low\n", "E102", "separates its columns with `;`", 1),
    ],
)
def test_unreadable_files_are_diagnostics_not_tracebacks(tmp_path, name, content, code, fragment, line):
    (problem,) = _problems(_write(tmp_path, name, content))
    assert problem.code == code and fragment in problem.message, problem
    assert problem.span.line == line
    assert problem.help is None or problem.help


def test_a_cases_file_of_only_a_byte_order_mark_is_told_what_its_first_row_holds(tmp_path):
    (problem,) = _problems(_write(tmp_path, "bom.csv", b"\xef\xbb\xbf\n"))
    assert problem.code == "E101" and "holds no header row" in problem.message
    assert problem.help is not None and problem.help.startswith("its first row holds the column headings")


def test_help_lines_for_unreadable_files(tmp_path):
    (tabs,) = _problems(_write(tmp_path, "tabs.yaml", "cases:\n\t- id: C1\n"))
    assert tabs.help == "indent with spaces, not tabs"
    (old,) = _problems(_write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0"))
    assert old.help == "an Excel 97-2003 workbook (`.xls`) is not read: save it again as an Excel workbook (`.xlsx`)"
    (json_problem,) = _problems(_write(tmp_path, "bad.json", '{"a": 1,}'))
    assert "comma" in (json_problem.help or "")
    (binary,) = _problems(_write(tmp_path, "cases.csv", b"PK\x03\x04rest"))
    assert "CSV" in (binary.help or "")
    # A `:` or `,` left out is placed on the line it is missing from, not the next line where the reader stopped
    (colon,) = _problems(_write(tmp_path, "colon.yaml", "ratings:\n  A1.monitoring: good\n  A1.psr good\n  A1.x: weak\n"))
    assert (colon.span.line, colon.span.column) == (3, 3)
    assert colon.help == "is a `:` missing after `A1.psr`? A field is written `name: value`"
    (comma,) = _problems(_write(tmp_path, "comma.json", '{\n  "ratings": {\n    "A1.monitoring": "good"\n    "A1.psr": "x"\n  }\n}\n'))
    assert (comma.span.line, comma.span.column) == (3, 28)
    assert comma.help == "is a `,` missing at the end of line 3? Values in a list or object are separated by commas"
    # Excel's "Unicode Text" is CSV already, in UTF-16: told to save it as UTF-8, not "as CSV first"
    (unicode,) = _problems(_write(tmp_path, "unicode.csv", "id\nC1\n".encode("utf-16")))
    assert unicode.help == "save it again as CSV UTF-8 (in Excel: CSV UTF-8 (Comma delimited))"
    (latin,) = _problems(_write(tmp_path, "latin.yaml", "title: caf\xe9\n".encode("latin-1")))
    assert latin.help == "save the file with the UTF-8 encoding"  # (a YAML file is not a spreadsheet's)
    # Each kind of file is told what it needs: a workbook under a YAML name is not told to save as CSV.
    (renamed,) = _problems(_write(tmp_path, "inspection.yaml", b"PK\x03\x04rest"))
    assert renamed.help == "an evidence file is text (YAML or JSON); a workbook's name ends in `.xlsx` or `.ods`"
    (blank,) = _problems(_write(tmp_path, "blank.csv", "\n"))
    assert blank.help == "a CSV file of cases has a heading row (`id` and the questions' ids) and a row for each case"
    (empty,) = _problems(_write(tmp_path, "empty.yaml", ""))
    assert empty.help == "an evidence file needs at least one field"
    (notes,) = _problems(_write(tmp_path, "notes.txt", "hello"))
    assert "`.xlsx` or `.ods`" in (notes.help or "")


def test_value_help_lists_the_values_in_their_order(tmp_path):
    text = "id,risk_of_harm,order_type,sex_offender\nC1,enormous,cro,maybe\n"
    problems = _problems(_write(tmp_path, "c.csv", text))
    assert [d.help for d in problems] == [
        "the values are `low`, `medium`, `high`, `very high`",
        "the values are `yes`, `no`",
    ]


def test_missing_files(tmp_path):
    (problem,) = _problems(tmp_path / "nowhere.yaml")
    assert problem.code == "E101" and "does not exist" in problem.message
    path = _write(tmp_path, "e.yaml", "inspection: x\ncases: [nowhere.csv, {id: C1}]\n")
    problems = _problems(path)
    assert ("E101", 2) in [(d.code, d.span.line) for d in problems]
    assert _find(problems, "E101", "nowhere.csv").span.file == str(path)


def test_cases_naming_a_file_that_is_not_csv(tmp_path):
    (problem,) = _problems(_write(tmp_path, "e.yaml", "cases: cases.xlsx\n"))
    assert problem.code == "E103" and "not a CSV file" in problem.message


# ---------------------------------------------------------------------------------------------
# The ruleset reference


def test_ruleset_reference_resolves_from_the_evidence_folder():
    assert read_ruleset_reference(str(FIXTURES / "good.yaml")) == _as_named(FIXTURES / "tiny.esi")
    assert check_ruleset_reference(str(FIXTURES / "good.json")) == []


def test_ruleset_reference_that_does_not_resolve(tmp_path):
    path = _write(tmp_path, "e.yaml", "inspection: x\nruleset: ../rulesets/missing.esi\n")
    with pytest.raises(DiagnosticError) as caught:
        read_ruleset_reference(str(path))
    (problem,) = caught.value.diagnostics
    assert problem.code == "E105" and problem.span.line == 2
    assert "missing.esi" in problem.message
    assert [d.code for d in check_ruleset_reference(str(path))] == ["E105"]
    assert read_ruleset_reference(str(_write(tmp_path, "n.yaml", "inspection: x\n"))) is None
    assert [d.code for d in check_ruleset_reference(str(_write(tmp_path, "b.yaml", "a: [\n")))] == ["E102"]


def test_a_ruleset_named_by_evidence_that_may_not_be_read_is_said_so_where_it_is_named(tmp_path, monkeypatch):
    """It was reported at the ruleset's own first line, as if the ruleset held a mistake."""
    ruleset = _write(tmp_path, "locked.esi", "")
    path = _write(tmp_path, "e.yaml", "inspection: x\nruleset: locked.esi\n")
    allowed = os.access
    monkeypatch.setattr(os, "access", lambda name, mode: name != str(ruleset) and allowed(name, mode))
    (problem,) = check_ruleset_reference(str(path))
    assert (problem.code, problem.span.file, problem.span.line, problem.span.column) == ("E105", str(path), 2, 10)
    assert problem.message == "the ruleset `locked.esi` named by this evidence file cannot be read: permission denied"


def test_evidence_read_under_another_ruleset_than_its_own_is_told_so_beside_the_unknown_ids(tmp_path):
    """Evidence of another inspection scored with `--ruleset` (or in a diff) gave dozens of errors
    of unknown ids and nothing saying why; a copy of its own ruleset, or one it derives from, is
    its own ruleset."""
    from evidence_helpers import examples_ruleset, folder_with_ruleset, problems, write

    folder = folder_with_ruleset(tmp_path)
    write(folder, "hygiene.esi", 'ruleset "hygiene" version "1"\n')
    ratings = "ratings: {hygiene: 5, A1.visibility: good}\n"
    other = write(folder, "other.yaml", "inspection: x\nruleset: hygiene.esi\n" + ratings)
    found = problems(other, examples_ruleset())
    assert [(d.code, d.severity, d.span.line) for d in found] == [("E160", "warning", 2), ("E130", "error", 3)]
    assert found[0].message == ("this evidence names the ruleset `hygiene.esi`, but is read here under ruleset "
                                "`evidence-examples`")
    own = write(folder, "own.yaml", "inspection: x\nruleset: ruleset.esi\n" + ratings)  # (a copy: the same ruleset)
    assert [d.code for d in problems(own, examples_ruleset())] == ["E130"]
    gone = write(folder, "gone.yaml", "inspection: x\nruleset: elsewhere/examples.esi\n" + ratings)
    assert [d.code for d in problems(gone, examples_ruleset())] == ["E130"]  # (unread: its file's name is the ruleset's)
    right = write(folder, "right.yaml", "inspection: x\nruleset: hygiene.esi\nratings: {A1.visibility: good}\n")
    problems_of_right = []
    try:
        load_evidence(str(right), examples_ruleset())
    except DiagnosticError as error:
        problems_of_right = list(error.diagnostics)
    assert "E160" not in [d.code for d in problems_of_right]  # (only beside unknown ids)


# ---------------------------------------------------------------------------------------------
# Conditions: one case and columns agree


def test_holds_on_one_case():
    declared = {a.name: a for a in RULESET.attributes}
    (_, review, _) = RULESET.criterion("B1").questions
    assert conditions.holds(review.applies, {"order_type": "cpo", "sex_offender": False}, declared)
    assert not conditions.holds(review.applies, {"order_type": "cpo", "sex_offender": True}, declared)
    high = RULESET.criterion("B1").questions[0].applies
    assert conditions.holds(high, {"risk_of_harm": "very high"}, declared)
    assert not conditions.holds(high, {"risk_of_harm": "medium"}, declared)
    assert not conditions.holds(high, {}, declared)
    assert conditions.describe(review.applies) == "order_type in {licence, cro} or not sex_offender"
    assert conditions.reads(review.applies) == {"order_type", "sex_offender"}
    third = model.Comparison("age", ">", Fraction(1, 3), span=AT)
    assert conditions.holds(third, {"age": 0.3333333333333333}) is (
        Fraction(0.3333333333333333) > Fraction(1, 3)
    )


_values = {
    "risk_of_harm": st.sampled_from(["low", "medium", "high", "very high", None]),
    "order_type": st.sampled_from(["cro", "cpo", "licence", None]),
    "sex_offender": st.sampled_from([True, False, None]),
    "age": st.one_of(st.none(), st.sampled_from([16, 17.5, 18, 0.3333333333333333, 99])),
}
_leaf = st.one_of(
    st.builds(
        lambda a, op, v: model.Comparison(a, op, v, span=AT),
        st.just("risk_of_harm"),
        st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
        st.sampled_from(["low", "medium", "high", "very high"]),
    ),
    st.builds(
        lambda op, v: model.Comparison("age", op, v, span=AT),
        st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
        st.sampled_from([Fraction(18), Fraction(35, 2), Fraction(1, 3)]),
    ),
    st.builds(
        lambda vs: model.Membership("order_type", tuple(vs), span=AT),
        st.lists(st.sampled_from(["cro", "cpo", "licence"]), min_size=1, max_size=2),
    ),
    st.just(model.Flag("sex_offender", span=AT)),
)
_conditions = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.builds(lambda c: model.Not(c, span=AT), inner),
        st.builds(lambda cs: model.AllOf(tuple(cs), span=AT), st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda cs: model.AnyOf(tuple(cs), span=AT), st.lists(inner, min_size=1, max_size=3)),
    ),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(condition=_conditions, cases=st.lists(st.fixed_dictionaries(_values), min_size=1, max_size=8))
def test_mask_agrees_with_holds(condition, cases):
    declared = {a.name: a for a in RULESET.attributes}
    columns = {
        "risk_of_harm": np.array(
            [
                MISSING
                if c["risk_of_harm"] is None
                else declared["risk_of_harm"].values.index(c["risk_of_harm"])
                for c in cases
            ],
            dtype=np.int16,
        ),
        "order_type": np.array(
            [
                MISSING if c["order_type"] is None else declared["order_type"].values.index(c["order_type"])
                for c in cases
            ],
            dtype=np.int16,
        ),
        "sex_offender": np.array(
            [MISSING if c["sex_offender"] is None else int(c["sex_offender"]) for c in cases], dtype=np.int16
        ),
        "age": np.array([np.nan if c["age"] is None else c["age"] for c in cases], dtype=np.float64),
    }
    expected = [conditions.holds(condition, c, declared) for c in cases]
    assert conditions.mask(condition, columns, declared, len(cases)).tolist() == expected


# ---------------------------------------------------------------------------------------------
# CSV and YAML agree on generated data


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["low", "medium", "HIGH", "very high"]),
            st.sampled_from(["cro", "Licence"]),
            st.sampled_from(["yes", "no", "Y", "0"]),
            st.sampled_from(["", "yes", "no", "partly", "n/a", "Not applicable", "YES"]),
            st.sampled_from(["", "february", "February 2004"]),
        ),
        max_size=6,
    )
)
def test_csv_and_yaml_agree_on_generated_cases(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("agree")
    csv_lines = ["id,risk_of_harm,order_type,sex_offender,B1.offender,sample"]
    cases = []
    for i, (risk, order, flag, answer, sample) in enumerate(rows):
        csv_lines.append(f"C{i},{risk},{order},{flag},{answer},{sample}")
        case = {
            "id": f"C{i}",
            "risk_of_harm": risk,
            "order_type": order,
            "sex_offender": flag,
            "sample": sample,
        }
        case["answers"] = {"B1.offender": answer}
        cases.append(case)
    from_csv = load_evidence(str(_write(folder, "c.csv", "\n".join(csv_lines) + "\n")), RULESET).cases
    from_json = load_evidence(str(_write(folder, "e.json", json.dumps({"cases": cases}))), RULESET).cases
    assert isinstance(from_csv, Cases)
    assert from_csv.same_as(from_json)


# ---------------------------------------------------------------------------------------------
# With a real ruleset


def test_evidence_for_the_follow_up_ruleset():
    from esirules.language.check import load_ruleset

    path = str(FIXTURES / "followup.yaml")
    reference = read_ruleset_reference(path)
    assert reference is not None and reference.endswith("esi-2004-followup.esi")
    evidence = load_evidence(path, load_ruleset(reference))
    assert evidence.cases.ids == ("F01",)
    assert evidence.cases.answers["C2.offender_view"].tolist() == [0]
    assert evidence.ratings == {"A1.visibility": "strong"}
    assert evidence.adjustments[0].grade == "Partly met"


# ---------------------------------------------------------------------------------------------
# Where a problem is: the whole value underlined (issue 9, point 5)


@pytest.mark.parametrize(
    ("row", "start", "end"),
    [
        ("C1,meduim,cro,no\n", 4, 10),  # an unquoted cell
        ('C1,"meduim",cro,no\n', 5, 11),  # the text between the quotes
        ("C1,  meduim ,cro,no\n", 6, 12),  # without the spaces around it
        ('"C,1",meduim,cro,no\n', 7, 13),  # after a quoted cell holding a comma
    ],
)
def test_a_csv_problem_underlines_the_whole_cell(tmp_path, row, start, end):
    (problem,) = _problems(_write(tmp_path, "c.csv", "id,risk_of_harm,order_type,sex_offender\n" + row))
    assert problem.code == "E114"
    assert (problem.span.line, problem.span.column, problem.span.end_line, problem.span.end_column) == (
        2,
        start,
        2,
        end,
    )


def test_a_csv_heading_problem_underlines_the_whole_heading(tmp_path):
    text = 'id,risk_of_harm,order_type,sex_offender,"Colour of file"\nC1,low,cro,no,red\n'
    (problem,) = _problems(_write(tmp_path, "c.csv", text))
    assert (problem.code, problem.span.column, problem.span.end_column) == ("E112", 42, 56)  # within its quotes


def test_a_yaml_or_json_problem_underlines_the_whole_value(tmp_path):
    cases = '{"id": "C1", "risk_of_harm": "meduim", "order_type": "cro", "sex_offender": "no"}'
    (in_json,) = _problems(_write(tmp_path, "e.json", '{"cases": [\n  ' + cases + "\n]}\n"))
    assert (in_json.span.line, in_json.span.column, in_json.span.end_column) == (2, 32, 40)  # with its quotes
    (in_yaml,) = _problems(_write(tmp_path, "e.yaml", "cases:\n  - {id: C1, risk_of_harm: very  hihg, order_type: cro, sex_offender: no}\n"))
    assert (in_yaml.span.column, in_yaml.span.end_column) == (28, 38)  # `very  hihg`, both words


def test_an_unclosed_quote_in_a_csv_file_is_placed_at_the_quote_not_at_the_files_end(tmp_path):
    rows = ["id,order_type,risk_of_harm", "C1,cro,low", 'C2,"cro,low', "C3,cro,low", "C4,cro,low", ""]
    (problem,) = _problems(_write(tmp_path, "cases.csv", "\n".join(rows)))
    assert (problem.code, problem.span.line, problem.span.column) == ("E102", 3, 4)
    assert "the quoted cell that starts here is never closed" in problem.message
    # A cell that is long but closed is said to be too long, where it starts (it was put at its line)
    long = "\n".join(["id,order_type,risk_of_harm", "C1,cro,low", f'C2,cro,"{"x" * 200_000}"', ""])
    (problem,) = _problems(_write(tmp_path, "long.csv", long))
    assert (problem.span.line, problem.span.column) == (3, 8)
    assert "this cell holds more than 128 KB" in problem.message


def test_a_yaml_quote_or_bracket_never_closed_is_placed_where_it_opens(tmp_path):
    text = 'inspection: "Anyshire follow-up\nratings:\n  A1.visibility: strong\n  A1.high_risk: good\n'
    (quote,) = _problems(_write(tmp_path, "quote.yaml", text))
    assert (quote.span.line, quote.span.column) == (1, 13) and "quoted text that starts here is never closed" in quote.message
    text = "inspection: x\nratings: {A1.visibility: strong, A1.high_risk: good\ncases: c.csv\n"
    (brace,) = _problems(_write(tmp_path, "brace.yaml", text))
    assert (brace.span.line, brace.span.column) == (2, 10) and "the `{` here is never closed with `}`" in brace.message
    assert brace.help is not None and brace.help.startswith("end the fields with `}`")


def test_excels_separator_line_is_read_past_and_a_title_above_the_headings_is_one_problem(tmp_path):
    plain = (FIXTURES / "good-cases.csv").read_text(encoding="utf-8")
    expected = load_evidence(str(FIXTURES / "good-cases.csv"), RULESET).cases
    separated = load_evidence(str(_write(tmp_path, "sep.csv", "sep=,\n" + plain)), RULESET).cases
    assert list(separated.ids) == list(expected.ids)
    assert [list(separated.answers[q]) for q in expected.answers] == [list(expected.answers[q]) for q in expected.answers]
    found = _problems(_write(tmp_path, "titled.csv", "Anyshire cases, February\n\n" + plain))
    assert [(p.code, p.span.line, p.message) for p in found] == [
        ("E107", 1, "the first line of `" + str(tmp_path / "titled.csv") + "` holds `Anyshire cases, February`, "
                    "not its headings, which are on line 3")]


def test_a_csv_file_sorted_with_its_headings_among_the_cases_is_one_problem(tmp_path):
    """As for a workbook's sheet: 88 errors read every case's values as headings, none saying so."""
    rows = ["id,order_type,risk_of_harm", "C1,cro,low", "C2,cro,high", "C3,licence,low"]
    path = _write(tmp_path, "sorted.csv", "\n".join([rows[1], rows[2], rows[0], rows[3], ""]))
    (problem,) = _problems(path)
    assert (problem.code, problem.span.line) == ("E107", 3)
    assert problem.message.endswith("are on line 3, not on its first line: the rows were sorted with the headings among them")
