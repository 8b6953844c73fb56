"""`esirules explain` as inspectors run it: subsets, single cases, the three formats, and bad input."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from test_golden import QUOTED_HIGH_RISK

from esirules.cli.main import main

EXAMPLE = REPO / "examples" / "hertfordshire"
SUMMARY = str(EXAMPLE / "summary.yaml")
FOLLOWUP = str(EXAMPLE / "followup.yaml")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["explain", *argv])
    return code, out.getvalue(), err.getvalue()


def explained(*argv: str) -> dict[str, Any]:
    code, out, err = run(*argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# Subsets of cases


@pytest.mark.parametrize(("column", "question", "expected", "words"), QUOTED_HIGH_RISK)
def test_where_gives_the_figures_the_report_quotes_for_high_risk_cases(
    column: str, question: str, expected: int, words: str
) -> None:
    data = explained(SUMMARY, question, "--column", column, "--where", "risk_of_harm >= high")
    subset = data["where"]["explanation"]["question"]
    assert subset["display"] == f"{expected}%", words
    whole = data["explanation"]["question"]
    assert subset["applicable"] <= whole["applicable"]
    assert data["where"]["phrase"] == "risk of harm is high or very high"


def test_where_scores_the_subset_with_the_same_evaluator() -> None:
    data = explained(SUMMARY, "B1", "--column", "Feb", "--where", "risk_of_harm >= high")
    where = data["where"]
    assert where["condition"] == "risk_of_harm >= high"
    high = {
        row["id"] for row in csv.DictReader((EXAMPLE / "followup-cases.csv").open(encoding="utf-8"))
        if row["sample"] == "february" and row["risk_of_harm"] in ("high", "very high")
    }
    assert where["column"]["cases"] == len(high) == 10
    start = next(q for q in where["explanation"]["questions"] if q["id"] == "B1.start")
    listed = set(start["met_cases"]["cases"]) | set(start["not_met_cases"]["cases"])
    assert listed == high
    assert (start["met"], start["applicable"]) == (2, 10)


def test_where_in_markdown_reads_like_the_report() -> None:
    code, out, err = run(SUMMARY, "B1", "--column", "Feb", "--where", "risk_of_harm >= high", "--format", "markdown")
    assert code == 0, err
    assert (
        "Of the cases commencing February 2004 where risk of harm is high or very high, risk of harm assessment "
        "at the start of supervision was satisfactory in 20% (2 of 10)."
    ) in out
    assert "In 30% of the cases commencing February 2004 (9 of 30), risk of harm assessment" in out


# ---------------------------------------------------------------------------------------------
# Formats


def test_markdown_finding_for_a_question() -> None:
    code, out, _ = run(SUMMARY, "B1", "--column", "Feb", "--format", "markdown")
    assert code == 0
    assert (
        "- In 30% of the cases commencing February 2004 (9 of 30), risk of harm assessment at the start of "
        "supervision was satisfactory."
    ) in out
    assert "where risk of harm is high or very high (2 of 10), a satisfactory risk management plan" in out
    assert "In none of the cases commencing February 2004 where risk of harm is high or very high (0 of 10)" in out


def test_markdown_for_an_adjusted_grade_names_who_and_why() -> None:
    code, out, _ = run(FOLLOWUP, "A1", "--sample", "february", "--format", "markdown")
    assert code == 0
    assert "was graded **Partly met**: the grading's rules gave Not met, and it was adjusted to Partly met" in out
    assert "by Lead inspector" in out
    assert "The smallest change in the ratings that would reach it" in out


def test_text_is_a_tree_with_rule_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per node
    code, out, _ = run(SUMMARY, "B1", "--column", "Feb")
    assert code == 0
    assert out.startswith("B1 Assessment of risk of harm: 33%")
    # The rule with its formula, and where its `pooling: pooled` line is (line 391 of the ruleset),
    # without repeating the line's words after the rule that says them (issue 9, point 9).
    assert "├── Rule: pooled — Σ (weight × met) ÷ Σ (weight × applicable)  rulesets/esi-2003.esi:391\n" in out
    assert "pooling: pooled" not in out
    assert "9 met of 30 applicable = 30%" in out


def test_descriptive_explanation_shows_rules_adjustment_and_smallest_changes() -> None:
    body = explained(FOLLOWUP, "A1", "--sample", "february")["explanation"]
    assert (body["computed_grade"], body["grade"]) == ("Not met", "Partly met")
    adjustment = body["adjustment"]
    assert adjustment["applied"] and adjustment["by"] == "Lead inspector"
    assert adjustment["recorded"]["file"].endswith("followup.yaml")
    rules = body["grading"]["rules"]
    assert [r["grade"] for r in rules] == [
        "Very well met", "Well met", "Satisfactorily met", "Partly met", "Not met"
    ]
    assert rules[-1]["chosen"] and not any(r["chosen"] for r in rules[:-1])
    majority = rules[2]["clauses"][0]
    assert majority["sentence"] == (
        "at least strong on the majority of items: needs more than 12 of 24 (by weight); found 7"
    )
    nearest = body["higher_grades"][0]
    assert nearest["grade"] == "Partly met"
    changes = nearest["smallest_changes"]["options"][0]
    assert {c["item"] for c in changes} == {
        "A1.dtto_starts", "A1.sickness_absence", "A1.psr_timeliness", "A1.basic_skills_awards"
    }
    assert all(c["band"]["value"] == "satisfactory" for c in changes)
    measured = next(i for i in body["items"] if i["id"] == "A1.sickness_absence")
    assert measured["measure"]["lower_is_better"] and measured["measure"]["performance"] == "90/107"
    assert measured["bands"]["tried"][-1]["value"] == "weak"


def test_section_and_overall_terms() -> None:
    body = explained(SUMMARY, "overall", "--column", "Sept")["explanation"]
    assert body["value"] is None
    assert body["reason"] == "section D does not apply to sample september"
    assert [m["id"] for m in body["members"]] == ["B", "C", "D"]
    section = explained(SUMMARY, "D", "--column", "Feb")["explanation"]
    assert [t["member"] for t in section["score"]["terms"]] == ["D1", "D2", "D4"]
    [excluded] = section["score"]["excluded"]
    assert (excluded["member"], excluded["reason"], excluded["cause"]["kind"]) == ("D3", "graded, not scored", "graded_not_scored")
    assert excluded["cause"]["rule"]["text"].startswith("criterion D3 ")  # the member graded, not scored


# ---------------------------------------------------------------------------------------------
# One case


def test_case_shows_attributes_answers_and_what_counted() -> None:
    case = explained(SUMMARY, "B1", "--column", "Feb", "--case", "F01")["case"]
    assert case["in_column"] and case["sample"] == "february"
    attributes = {a["name"]: a["value"] for a in case["attributes"]}
    assert attributes["risk_of_harm"] == "high" and attributes["significant_incident"] == "no"
    answers = {a["question"]: a for a in case["answers"]}
    assert set(answers) == {q for q in answers if q.startswith("B1.")} and len(answers) == 8
    assert (answers["B1.start"]["answer"], answers["B1.start"]["status"]) == ("no", "not met")
    incident = answers["B1.incident"]
    assert incident["status"] == "not applicable" and incident["answer"] is None
    assert "significant_incident is no" in incident["reason"]


def test_case_under_overall_covers_every_criterion_and_says_when_it_is_outside_the_column() -> None:
    case = explained(SUMMARY, "overall", "--column", "Feb", "--case", "S01")["case"]
    assert not case["in_column"] and "sample september" in case["why_not_in_column"]
    assert {a["criterion"] for a in case["answers"]} >= {"B1", "C5", "D4"}
    assert set(case["graded_from_items"]) == {"A1", "A2", "A3", "A4", "A5", "D3"}


def test_case_excluded_by_the_ruleset() -> None:
    original = [row for row in csv.DictReader((EXAMPLE / "original-cases.csv").open(encoding="utf-8"))]
    cpo = next(row["id"] for row in original if row["order_type"] == "cpo")
    case = explained(SUMMARY, "B1", "--column", "Adjusted", "--case", cpo)["case"]
    assert not case["in_column"]
    assert case["why_not_in_column"] == "excluded by the ruleset: order_type = cpo"


# ---------------------------------------------------------------------------------------------
# Long case lists


def test_long_case_lists_are_summarised_unless_all_cases(tmp_path: Path) -> None:
    rows = list(csv.DictReader((EXAMPLE / "followup-cases.csv").open(encoding="utf-8")))
    with (tmp_path / "cases.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for copy in range(5):
            for row in rows:
                writer.writerow({**row, "id": f"{row['id']}-{copy}"})
    ruleset = REPO / "rulesets" / "esi-2004-followup.esi"
    (tmp_path / "big.yaml").write_text(f"ruleset: {ruleset}\ncases: cases.csv\n", encoding="utf-8")
    short = explained(str(tmp_path / "big.yaml"), "B1.start", "--sample", "february")["explanation"]["question"]
    assert short["not_met_cases"]["count"] == 105
    assert len(short["not_met_cases"]["cases"]) == 10 and not short["not_met_cases"]["complete"]
    full = explained(str(tmp_path / "big.yaml"), "B1.start", "--sample", "february", "--all-cases")
    cases = full["explanation"]["question"]["not_met_cases"]
    assert cases["complete"] and len(cases["cases"]) == 105
    code, out, _ = run(str(tmp_path / "big.yaml"), "B1.start", "--sample", "february")
    assert code == 0 and "… and 95 more" in out


# ---------------------------------------------------------------------------------------------
# Bad input: diagnostics on stderr, exit 1, nothing on stdout, never a traceback


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ((SUMMARY, "B9", "--column", "Feb"), ["error[E301]", "did you mean one of", "`B1`"]),
        ((SUMMARY, "overal", "--column", "Feb"), ["error[E301]", "did you mean `overall`?"]),
        ((SUMMARY, "B1", "--column", "Feb", "--where", "risk_of_harm >= hgh"), ["error[R033]", "did you mean `high`?"]),
        ((SUMMARY, "B1", "--column", "Feb", "--where", "risk >= high"), ["error[R030]", "risk_of_harm"]),
        ((SUMMARY, "B1", "--column", "Feb", "--where", "risk_of_harm =>"), ["error[S010]", "--> <command line>:1:"]),
        ((SUMMARY, "B1", "--column", "Feb", "--where", "order_type > cro"), ["error[R040]", "has no order"]),
        ((SUMMARY, "B1", "--column", "Feb", "--where", ""), ["error[S012]", "the condition ends too soon"]),
        ((SUMMARY, "B1", "--column", "Feb", "--case", "F1"), ["error[E303]", "did you mean"]),
        ((SUMMARY, "B1"), ["error[E304]", "`Original`, `Adjusted`, `Feb`, `Sept`"]),
        ((SUMMARY, "B1", "--column", "February"), ["error[E304]", "did you mean `Feb`?"]),
        ((str(EXAMPLE / "missing.yaml"), "B1"), ["error[E101]"]),
        ((FOLLOWUP, "B1", "--sample", "februray"), ["error[E203]"]),
        # Its sheet has a column for each sample: none of them is the one to explain.
        ((FOLLOWUP, "B1"), ["error[E305]", f"the cases of `{FOLLOWUP}` belong to 2 samples",
                            "add `--sample february` or `--sample september`"]),
        ((SUMMARY, "B9", "--column", "Feb", "--where", "risk >= high", "--case", "X"), ["E301", "R030", "E303"]),
    ],
)
def test_bad_input_is_diagnosed(argv: tuple[str, ...], expected: list[str]) -> None:
    code, out, err = run(*argv)
    assert (code, out) == (1, "")
    assert "Traceback" not in err
    for words in expected:
        assert words in err


def test_bad_evidence_is_diagnosed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"ruleset: {REPO / 'rulesets' / 'esi-2003.esi'}\ncases:\n  - {{id: c1, risk_of_harm: hgh}}\n")
    code, out, err = run(str(bad), "B1")
    assert (code, out) == (1, "") and "error[E114]" in err


def test_options_that_do_not_go_together_are_a_usage_error() -> None:
    code, out, err = run(FOLLOWUP, "B1", "--column", "Feb")
    assert (code, out) == (2, "") and "--column" in err
    code, out, err = run(SUMMARY, "B1", "--column", "Feb", "--sample", "february")
    assert (code, out) == (2, "") and "summary sheet" in err
    code, out, err = run(FOLLOWUP, "B1", "--sample", "february", "--pool-samples")
    assert (code, out) == (2, "") and "give one or the other" in err


def test_an_explanation_agrees_with_the_sheet_of_the_same_options() -> None:
    """Every figure explained is one the sheet shows: a sample's column, or every sample pooled as
    `score --pool-samples` pools them."""
    for options, column in ((["--sample", "september"], 1), (["--pool-samples"], 0)):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main(["score", FOLLOWUP, "--format", "json", "--quiet",
                         *(["--sample", "february", "--sample", "september"] if column else options)]) == 0
        sheet = json.loads(out.getvalue())["columns"][column]["criteria"]["B1"]
        explanation = explained(FOLLOWUP, "B1", *options)
        assert explanation["explanation"]["value"] == sheet["value"], options


def test_target_names_match_regardless_of_case() -> None:
    assert explained(SUMMARY, "b1.START", "--column", "Feb")["target"]["id"] == "B1.start"


def test_a_grade_no_rule_gives_is_not_offered_a_change_that_gives_another(tmp_path: Path) -> None:
    """Raised ratings skip a grade no rule gives: its "smallest change" was the next grade's, which
    gives that grade, not this one."""
    (tmp_path / "r.esi").write_text(
        'ruleset "r" version "1"\nscale rating: excellent > good > adequate > poor\n'
        'ladder grade: Outstanding > Good > "Requires improvement" > Inadequate\n'
        "grading g {\n  items rated on rating\n  grades from grade\n"
        "  Outstanding when at least excellent on each item\n"
        "  Good when at least good on the majority of items and at least adequate on the others\n"
        "  Inadequate otherwise\n}\n"
        'section L "l" {\n  criterion L1 "c" {\n    graded by g\n'
        '    item L1.a "a"\n    item L1.b "b"\n    item L1.c "c"\n  }\n}\n', "utf-8")
    (tmp_path / "e.yaml").write_text("ruleset: r.esi\nratings: {L1.a: good, L1.b: adequate, L1.c: poor}\n", "utf-8")
    data = explained(str(tmp_path / "e.yaml"), "L1")
    higher = {h["grade"]: h["smallest_changes"] for h in data["explanation"]["higher_grades"]}
    assert higher["Requires improvement"]["options"] == []
    assert higher["Requires improvement"]["reason"] == (
        "no rule gives Requires improvement, so raised ratings reach Good or better, not Requires improvement")
    assert [c["item"] for c in higher["Good"]["options"][0]] == ["L1.c"]


def test_a_question_of_a_criterion_that_averages_its_questions_shows_that_mean(tmp_path: Path) -> None:
    """`pooling: mean of questions`: the criterion is not met ÷ applicable over its answers (2 ÷ 5,
    40%), which the explanation said, but the mean of its questions' figures, (25% + 100%) ÷ 2."""
    (tmp_path / "r.esi").write_text(
        'ruleset "r" version "1"\nscale answer: yes > no\nanswers on answer, met when yes\n'
        'section A "A" weight 100% {\n  criterion A1 "a" {\n    pooling: mean of questions\n'
        '    question A1.p "p"\n    question A1.q "q"\n  }\n}\n', "utf-8")
    (tmp_path / "e.yaml").write_text(
        "ruleset: r.esi\ncases:\n  - {id: c1, answers: {A1.p: yes, A1.q: yes}}\n"
        + "".join(f"  - {{id: c{i}, answers: {{A1.p: no}}}}\n" for i in (2, 3, 4)), "utf-8")
    code, out, _ = run(str(tmp_path / "e.yaml"), "A1.p")
    said = " ".join(out.split())
    assert code == 0 and "Pooled into A1 a (63%): 1 of its 4 applicable answers met (25%); A1 is the mean of its 2 questions' scores" in said
    assert "A1 = (25.00% + 100.00%) ÷ 2" in said and "÷ 5" not in said  # (every weight 1: none said)
    _, markdown, _ = run(str(tmp_path / "e.yaml"), "A1", "--format", "markdown")
    assert "the mean of its 2 questions' figures, A1.p 25%, A1.q 100%" in markdown and "of the 5" not in markdown
    (tmp_path / "r.esi").write_text((tmp_path / "r.esi").read_text("utf-8").replace('A1.q "q"', 'A1.q "q" weight 3'), "utf-8")
    code, out, _ = run(str(tmp_path / "e.yaml"), "A1.p")
    said = " ".join(out.split())
    assert code == 0 and "A1 is the mean of its 2 questions' scores, by weight: A1 = (1 × 25.00% + 3 × 100.00%) ÷ 4" in said
    _, markdown, _ = run(str(tmp_path / "e.yaml"), "A1", "--format", "markdown")
    assert "the mean by weight of its 2 questions' figures, A1.p 25%, A1.q 100%" in markdown


def test_a_figure_just_below_a_half_is_shown_with_the_places_and_the_rounding_that_give_what_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """51 of 101 cases met: 50.495%, which the sheet shows as 50% (a whole percent, halves up). To
    two places it would be 50.50%, from which a reader rounding halves up gets 51%."""
    heading = "id,risk_of_harm,order_type,child_protection,sex_offender,domestic_violence,significant_incident,mappa,B4.organised"
    rows = [f"K{i:03d},low,cro,no,no,no,no,no,{'yes' if i < 51 else 'no'}" for i in range(101)]
    (tmp_path / "cases.csv").write_text("\n".join([heading, *rows]) + "\n")
    (tmp_path / "inspection.yaml").write_text(
        f"inspection: knife edge\nruleset: {REPO / 'rulesets' / 'esi-2003.esi'}\ncases: cases.csv\n")
    monkeypatch.setenv("COLUMNS", "300")
    code, out, err = run(str(tmp_path / "inspection.yaml"), "B4")
    assert code == 0, err
    assert "= 51 ÷ 101 = 51/101 = 50.495%, shown as 50% (whole percent, halves up)\n" in out


def test_the_cases_a_ruleset_leaves_out_are_named_with_their_rule_in_text_and_markdown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Adjusted column leaves out the original inspection's community punishment orders
    (`exclude cases where order_type = cpo`): to recount it by hand, an inspector must know which."""
    with (EXAMPLE / "original-cases.csv").open(encoding="utf-8", newline="") as handle:
        cpo = [row["id"] for row in csv.DictReader(handle) if row["order_type"] == "cpo"]
    line = next(n for n, text in enumerate((REPO / "rulesets" / "esi-2004-followup.esi").read_text().splitlines(), 1)
                if "exclude cases where order_type = cpo" in text)
    monkeypatch.setenv("COLUMNS", "300")
    code, text, _ = run(SUMMARY, "B1", "--column", "Adjusted")
    assert code == 0
    assert f"├── Cases the ruleset leaves out of this column ({len(cpo)})\n" in text
    assert f"order_type = cpo ({len(cpo)}): {', '.join(cpo)}  rulesets/esi-2004-followup.esi:{line}" in text
    code, markdown, _ = run(SUMMARY, "B1", "--column", "Adjusted", "--format", "markdown")
    assert code == 0 and (f"The ruleset leaves {len(cpo)} cases out of this column (excluded by the ruleset: "
                          f"order_type = cpo; `rulesets/esi-2004-followup.esi` line {line}): {', '.join(cpo)}.") in markdown


def test_the_markdown_of_an_adjusted_grade_does_not_say_the_final_grade_was_not_reached() -> None:
    code, markdown, _ = run(SUMMARY, "A1", "--column", "Feb", "--format", "markdown")
    assert code == 0 and "graded **Partly met**" in markdown
    assert "Partly met was not reached" not in markdown
    assert "The rules did not give Partly met (the adjustment did) because at least satisfactory on the others" in markdown


def test_a_test_against_the_national_average_shows_the_average_and_which_way_is_better(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sickness absence, 10.7 days against an average of 11.5 (followup.yaml): fewer days is
    better, so "actual at least national average" holds, which "found 10.7 ✓" alone seemed to deny."""
    monkeypatch.setenv("COLUMNS", "300")
    code, text, _ = run(SUMMARY, "A1.sickness_absence", "--column", "Feb")
    assert code == 0
    assert "actual at least national average (found 10.7; national average 11.5, and lower is better ✓)" in text


def test_what_a_sample_leaves_out_is_cited_at_the_line_that_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = (REPO / "rulesets" / "esi-2004-followup.esi").read_text().splitlines()
    block = next(n for n, text in enumerate(lines, 1) if text.startswith('sample september'))
    sections = next(n for n, text in enumerate(lines, 1) if n > block and text.strip().startswith("sections "))
    without = next(n for n, text in enumerate(lines, 1) if n > block and text.strip().startswith("without questions"))
    monkeypatch.setenv("COLUMNS", "300")
    _, d1, _ = run(SUMMARY, "D1", "--column", "Sept")
    assert f"section D does not apply to sample september  rulesets/esi-2004-followup.esi:{sections}  sections A" in d1
    _, c2, _ = run(SUMMARY, "C2", "--column", "Sept")
    assert f"sample september is without this question  rulesets/esi-2004-followup.esi:{without}  without questions" in c2
    assert f"esi-2004-followup.esi:{block}" not in d1 + c2


def test_a_value_of_two_words_in_a_where_condition_is_told_to_take_quotes() -> None:
    code, _, err = run(SUMMARY, "B", "--column", "Sept", "--where", "risk_of_harm = very high")
    assert code == 1 and 'help: a value of more than one word is written in quotes: `risk_of_harm = "very high"`' in err


def test_a_case_the_where_condition_does_not_select_is_said_to_be_outside_the_cases_explained() -> None:
    """F04 is low risk: not one of the cases behind B1 for `risk_of_harm >= high`, though in the column."""
    with (EXAMPLE / "followup-cases.csv").open(encoding="utf-8", newline="") as handle:
        f04 = next(row for row in csv.DictReader(handle) if row["id"] == "F04")
    assert f04["risk_of_harm"] in ("low", "medium")
    asked = [FOLLOWUP, "B1", "--sample", "february", "--case", "F04", "--where", "risk_of_harm >= high"]
    case = explained(*asked)["case"]
    assert case["in_column"] is False and case["why_not_cause"]["kind"] == "not_selected"
    code, html, _ = run(*asked, "--format", "html")
    assert code == 0 and "Not in the cases explained</strong>: the case is not one of the cases where" in html
    high = explained(FOLLOWUP, "B1", "--sample", "february", "--case", "F01", "--where", "risk_of_harm >= high")
    assert high["case"]["in_column"] is True  # (F01 is high risk: one of them)


def test_blank_answers_are_not_filed_under_not_applicable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide tells a blank (not answered) from `n/a` (not applicable); so does the explanation."""
    with (EXAMPLE / "followup-cases.csv").open(encoding="utf-8", newline="") as handle:
        september = [row for row in csv.DictReader(handle) if row["sample"] == "september"]
    question = next(k for k in september[0] if k.startswith("D1."))
    assert all(row[question] == "" for row in september)  # (section D is not asked in September)
    monkeypatch.setenv("COLUMNS", "300")
    code, text, _ = run(FOLLOWUP, "D1", "--pool-samples")
    assert code == 0
    assert f"│   │   └── not answered ({len(september)})\n" in text
    assert "not applicable (30)\n│   │       └── not answered" not in text


@pytest.mark.parametrize("form", ["text", "html"])
def test_a_framework_rated_from_items_alone_is_not_said_to_have_0_cases(form: str) -> None:
    """The food hygiene rating's explanation said "· 0 cases", as if its evidence were missing."""
    evidence = REPO / "examples" / "frameworks" / "fhrs" / "evidence" / "copper-kettle.yaml"
    code, out, _ = run(str(evidence), "rating", "--format", form)
    assert code == 0 and "ruleset fhrs 2018-11-23" in out and "0 cases" not in out
    code, out, _ = run(str(REPO / "examples" / "hertfordshire" / "followup.yaml"), "B1", "--sample", "february",
                       "--format", form)
    assert code == 0 and "sample february (Cases commencing February 2004) · 30 cases" in " ".join(out.split())


def test_column_given_for_an_evidence_file_points_to_sample() -> None:
    code, out, err = run(str(REPO / "examples" / "hertfordshire" / "followup.yaml"), "A2", "--column", "february")
    assert (code, out) == (2, "")
    assert err.endswith("this is an evidence file; to explain one sample's column, give --sample and its name "
                        "(--sample february, if `february` is a sample)\n")
    _, _, err = run(str(REPO / "examples" / "hertfordshire" / "followup.yaml"), "A2", "--column", "x", "--sample", "february")
    assert err.endswith("this is an evidence file\n")  # (a sample is given already)
