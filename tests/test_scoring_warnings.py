"""Warnings when scoring (issue 10, point 7): what the evidence lacks or mixes, said when scoring.

E210 questions that apply to cases of a column but that no case answers; E211 a criterion not
computable for want of data (not for not applying); E212 cases of several samples scored in one
column. Like the evidence's warnings (E122) they change no figure, are shown on standard error
by `score` and `explain`, kept in each column's JSON `warnings` and the service's runs, and
`--strict` makes them errors. `esirules score` scores each sample as a column of its own unless
`--pool-samples` asks for one column of all cases. The small evidence files are scored under the
evidence examples' ruleset (tests/fixtures/evidence/examples.esi): A1 (three items, two from
measures with no bands in the ruleset, so never gradable), A2 (one item), B1 (B1.start, which
applies to high risk of harm only, and B1.review, which sample september does not ask).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evidence_helpers import folder_with_ruleset, run, write
from test_golden import COLUMNS, OVERALL

from esirules.evidence.sheet import ColumnSpec
from esirules.scoring.columns import Scorer

ROOT = Path(__file__).resolve().parent.parent
HERTFORDSHIRE = ROOT / "examples" / "hertfordshire"
RATED = (
    "inspection: Anyshire\nruleset: ruleset.esi\nratings: {A1.visibility: good, A2.budget: satisfactory}\n"
    "measures:\n  psr_timeliness: {actual: 71, target: 90, national_average: 78}\n"
    "  sickness_absence: {actual: 10.7, target: 9, national_average: 8}\n"
)


def case(identifier: str, sample: str = "february", risk: str = "high", **answers: str) -> str:
    given = f", answers: {{{', '.join(f'B1.{q}: {a}' for q, a in answers.items())}}}" if answers else ""
    return (
        f"  - {{id: {identifier}, sample: {sample}, risk_of_harm: {risk}, order_type: cro, sex_offender: no{given}}}\n"
    )


def inspection(folder: Path, *cases: str, head: str = RATED) -> Path:
    folder_with_ruleset(folder)
    return write(folder, "inspection.yaml", head + "cases:\n" + "".join(cases))


def scored(path: Path, sample: str | None = "february"):  # type: ignore[no-untyped-def]
    scorer = Scorer()
    (column,) = scorer.score([ColumnSpec("c", (str(path),), None, sample)])
    return column, scorer


def codes(column) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.code for w in column.warnings]


def test_evidence_with_everything_gives_no_warning(tmp_path: Path) -> None:
    column, scorer = scored(inspection(tmp_path, case("F01", start="yes", review="no")))
    assert column.warnings == () and scorer.warnings() == []


# ---------------------------------------------------------------------------------------------
# E210


def test_a_question_no_case_answers_warns_at_its_ruleset_line(tmp_path: Path) -> None:
    column, scorer = scored(inspection(tmp_path, case("F01", start="yes"), case("F02", risk="low")))
    (warning,) = column.warnings
    assert warning.code == "E210" and warning.count == 1
    assert warning.message == "question `B1.review` is answered by no case of column `c`"
    (place,) = warning.places
    line = next(i for i, t in enumerate(Path(place.file).read_text().splitlines(), 1) if "question B1.review" in t)
    assert (Path(place.file).name, place.line) == ("ruleset.esi", line)
    assert "add the answers" in (warning.help or "") and "exclude question B1.review" in (warning.help or "")
    # The figure is B1.start's alone, as it was: the warning changes nothing.
    assert column.criteria["B1"].display == "100%"
    assert [d.severity for d in scorer.warnings()] == ["warning"]


def test_answered_not_applicable_or_applying_to_no_case_is_not_unanswered(tmp_path: Path) -> None:
    # B1.review answered n/a by every case; B1.start applies to no case (all low risk).
    column, _ = scored(inspection(tmp_path, case("F01", risk="low", review="n/a"), case("F02", risk="low", review="yes")))
    assert column.warnings == ()


def test_the_questions_of_a_column_are_one_warning(tmp_path: Path) -> None:
    # Only section A's ratings and one B1 answer: B1.review unanswered. Scored per sample, the
    # same finding in two columns is one warning naming both, and each column keeps its own.
    path = inspection(tmp_path, case("F01", start="yes"), case("S01", sample="september", start="no"))
    code, out, err = run("score", str(path), "--format", "json", cwd=tmp_path)
    assert code == 0
    columns = json.loads(out)["columns"]
    assert [c["label"] for c in columns] == ["february", "september"]
    # September does not ask B1.review: nothing is missing there.
    assert [w["code"] for w in columns[0]["warnings"]] == ["E210"] and "warnings" not in columns[1]
    assert err.count("warning[E210]") == 1 and "1 warning found" in err


# ---------------------------------------------------------------------------------------------
# E211


def test_a_criterion_without_answers_or_ratings_warns_once(tmp_path: Path) -> None:
    head = RATED.replace(", A2.budget: satisfactory", "")
    column, _ = scored(inspection(tmp_path, case("F01"), case("F02", risk="low"), head=head))
    found = {w.message: w for w in column.warnings}
    assert list(found) == [
        "criterion `A2` has no grade in column `c`: `A2.budget` is not rated",
        "criterion `B1` has no score in column `c`: no case answers any of its 2 questions",
    ]
    assert {w.code for w in column.warnings} == {"E211"}  # and no E210 for B1's questions besides
    b1 = found["criterion `B1` has no score in column `c`: no case answers any of its 2 questions"]
    assert b1.help == "add the answers to `B1.start` and `B1.review` to the evidence"
    assert column.criteria["B1"].value is None and column.criteria["A2"].grade is None


def test_a_criterion_that_does_not_apply_gives_no_warning(tmp_path: Path) -> None:
    # B1.start applies to no case and B1.review is answered n/a: B1 is not computable, but not
    # for want of data. A1 is not computable because the ruleset has no bands for its measures.
    column, _ = scored(inspection(tmp_path, case("F01", risk="low", review="n/a")))
    assert column.criteria["B1"].value is None and column.criteria["A1"].grade is None
    assert column.warnings == ()


def test_a_column_with_no_cases_says_so(tmp_path: Path) -> None:
    column, _ = scored(inspection(tmp_path, case("F01", start="yes", review="no")), sample="september")
    assert [w.message for w in column.warnings] == [
        "criterion `B1` has no score in column `c`: the column has no cases"
    ]


# ---------------------------------------------------------------------------------------------
# E212 and the samples of `esirules score`


def test_cases_of_two_samples_in_one_column_warn_what_is_mixed(tmp_path: Path) -> None:
    path = inspection(tmp_path, case("F01", start="yes", review="no"), case("S01", sample="september", start="yes"))
    column, _ = scored(path, sample=None)
    (warning,) = column.warnings
    assert warning.code == "E212" and warning.count == 2
    assert warning.message == "column `c` scores 1 case of sample `february` and 1 case of sample `september` together"
    assert warning.help is not None and warning.help.startswith(
        "sample `september` leaves out question `B1.review`, scored here from the other cases;"
    )
    (place,) = warning.places  # the first case of the second sample, at its sample
    assert (place.line, place.column, place.end_column) == (9, 23, 32)


def test_cases_of_one_sample_or_of_none_are_not_mixed(tmp_path: Path) -> None:
    path = inspection(tmp_path, case("F01", start="yes", review="no"), case("F02", start="no", review="no"))
    assert scored(path, sample=None)[0].warnings == ()
    unsampled = inspection(tmp_path / "none", case("F01", start="yes", review="no").replace("sample: february, ", ""))
    assert scored(unsampled, sample=None)[0].warnings == ()


def _score(*args: str) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    code, out, err = run("score", *args, "--format", "json", cwd=ROOT)
    return code, (json.loads(out) if out else {}), err


def test_the_follow_up_is_scored_sample_by_sample_as_the_report_does() -> None:
    """Before: one column pooling February and September, with an overall score the ruleset says
    cannot be compiled for September. Now: one column per sample, the summary sheet's figures."""
    code, data, err = _score("examples/hertfordshire/followup.yaml")
    assert (code, err) == (0, "")
    columns = data["columns"]
    assert [(c["label"], c["sample"]) for c in columns] == [("february", "february"), ("september", "september")]
    _, sheet, _ = _score("examples/hertfordshire/summary.yaml")
    by_label = {c["label"]: c for c in sheet["columns"]}
    for column, label in zip(columns, ("Feb", "Sept"), strict=True):
        for part in ("criteria", "sections", "overall"):
            assert column[part] == by_label[label][part]
    # The report's figures (tests/test_golden.py): February's overall, none for September.
    assert columns[0]["overall"]["display"] == OVERALL[COLUMNS.index("Feb")] == "60%"
    assert columns[1]["overall"]["value"] is None and OVERALL[COLUMNS.index("Sept")] is None


def test_pool_samples_scores_one_column_and_says_what_it_mixes() -> None:
    code, data, err = _score("examples/hertfordshire/followup.yaml", "--pool-samples")
    assert code == 0
    (column,) = data["columns"]
    assert column["sample"] is None and column["overall"]["value"] is not None
    (warning,) = column["warnings"]
    assert warning["code"] == "E212" and warning["count"] == 60
    assert "30 cases of sample `february` and 30 cases of sample `september` together" in warning["message"]
    assert "sample `september` leaves out section D and questions" in warning["help"]
    (place,) = warning["locations"]
    assert (place["file"], place["line"]) == ("examples/hertfordshire/followup-cases.csv", 32)
    assert "warning[E212]" in err and "--> examples/hertfordshire/followup-cases.csv:32:5" in err


def test_a_case_of_no_sample_among_samples_is_an_error_unless_pooling_is_asked(tmp_path: Path) -> None:
    """A `sample` cell left blank: no column of a sample holds the case, and one column of every
    case would mix the samples unasked (E212 was all there was, and the sheet lost its columns)."""
    example = tmp_path / "hertfordshire"
    example.mkdir()
    cases = (ROOT / "examples" / "hertfordshire" / "followup-cases.csv").read_text("utf-8").split("\n")
    cases[3] = cases[3].replace(",february,", ",,", 1)  # (the third case, on line 4)
    (example / "followup-cases.csv").write_text("\n".join(cases), "utf-8")
    evidence = (ROOT / "examples" / "hertfordshire" / "followup.yaml").read_text("utf-8")
    (example / "followup.yaml").write_text(evidence.replace("../../rulesets/", str(ROOT / "rulesets") + "/"), "utf-8")
    case_id = cases[3].split(",")[0]
    code, out, err = run("score", "followup.yaml", cwd=example)
    assert (code, out) == (1, "") and f"error[E213]: case `{case_id}` has no sample" in err
    assert "--> followup-cases.csv:4:1" in err and "or score every case together with `--pool-samples`" in err
    code, out, err = run("score", "followup.yaml", "--pool-samples", "--format", "json", cwd=example)
    assert code == 0 and "warning[E212]" in err and "E213" not in err
    code, out, err = run("score", "followup.yaml", "--sample", "february", cwd=example)
    assert code == 0 and "E213" not in err


def test_strict_makes_the_scoring_warnings_errors(tmp_path: Path) -> None:
    code, out, err = run("score", "examples/hertfordshire/followup.yaml", "--pool-samples", "--strict", cwd=ROOT)
    assert (code, out) == (1, "") and "error[E212]" in err and "warning" not in err
    path = inspection(tmp_path, case("F01", start="yes"))
    code, out, err = run("score", str(path), "--strict", cwd=tmp_path)
    assert (code, out) == (1, "") and "error[E210]" in err
    code, out, err = run("explain", str(path), "B1", "--strict", cwd=tmp_path)
    assert (code, out) == (1, "") and "error[E210]" in err


def test_explain_shows_the_warnings_of_the_column_it_explains(tmp_path: Path) -> None:
    code, out, err = run("explain", "examples/hertfordshire/followup.yaml", "B1", "--pool-samples", cwd=ROOT)
    assert code == 0 and out and "warning[E212]" in err and "`--sample february` (or `september`)" in err
    code, out, err = run("explain", "examples/hertfordshire/followup.yaml", "B1", "--sample", "february", cwd=ROOT)
    assert code == 0 and out and err == ""


def test_pool_samples_and_sample_do_not_go_together() -> None:
    code, _, err = run("score", "examples/hertfordshire/followup.yaml", "--pool-samples", "--sample", "february", cwd=ROOT)
    assert code == 2 and "--pool-samples scores every sample together, and --sample one sample" in err


@pytest.mark.parametrize(
    "args",
    [
        ("examples/hertfordshire/summary.yaml",),
        ("examples/hertfordshire/followup.yaml",),
        ("examples/hertfordshire/original.yaml",),
        ("examples/hertfordshire/original.yaml", "--ruleset", "rulesets/esi-2004-followup.esi"),
    ],
)
def test_the_bundled_examples_have_nothing_to_warn_of(args: tuple[str, ...]) -> None:
    code, data, err = _score(*args)
    assert (code, err) == (0, "") and all("warnings" not in c for c in data["columns"])


def test_a_service_run_carries_the_warnings(sqlite_service) -> None:  # type: ignore[no-untyped-def]
    """The service scores through the same Scorer: a run of all cases of the follow-up is the
    command line's `--pool-samples` column, warning included."""
    hashes = sqlite_service.hertfordshire()
    made = sqlite_service.run(hashes["esi-2004-followup.esi"], hashes["followup.yaml"])
    (column,) = made["result"]["columns"]
    (warning,) = column["warnings"]
    assert warning["code"] == "E212" and warning["locations"][0]["file"].endswith("followup-cases.csv")
    _, data, _ = _score("examples/hertfordshire/followup.yaml", "--pool-samples")
    assert warning["message"] == data["columns"][0]["warnings"][0]["message"]
    # the same help, but how to score one sample at a time in a run's words, not the command line's
    command_line = data["columns"][0]["warnings"][0]["help"]
    assert "`--sample february`" in command_line and "--sample" not in warning["help"]
    assert warning["help"] == command_line.split("score one sample at a time")[0] + (
        "score one sample in each column: give each column its `sample` (`february`, `september`), "
        "or tick one sample on the page")
    # placed where the command line places it: the first case of the second sample (line 32)
    place, command_line = warning["locations"][0], data["columns"][0]["warnings"][0]["locations"][0]
    assert (place["line"], place["column"], place["end_column"]) == (32, 5, 14)
    assert (place["line"], place["column"]) == (command_line["line"], command_line["column"])


def test_diff_with_evidence_shows_the_scoring_warnings_once_and_still_reports(tmp_path: Path) -> None:
    # `esirules diff OLD NEW --evidence` scores the evidence under both rulesets: a question no
    # case answers is said once (both rulesets have it), on standard error, and the diff is printed.
    path = inspection(tmp_path, case("F01", start="yes"), case("F02", risk="low"))
    code, out, err = run("diff", "ruleset.esi", "ruleset.esi", "--evidence", str(path), cwd=tmp_path)
    assert code == 0 and out
    assert err.count("warning[E210]") == 1 and "`B1.review`" in err


def test_an_unrated_items_help_gives_an_example_rating_of_the_items_own_scale(tmp_path: Path) -> None:
    """The help said `e.g. D1.needs: good` whatever the scale; `good` is not on this one (E131)."""
    (tmp_path / "r.esi").write_text(
        'ruleset "r" version "1"\nscale practice: strong > sufficient > insufficient > poor\n'
        'ladder rating: Good > Inadequate\ngrading delivery "d" {\n  items rated on practice\n'
        '  grades from rating\n  Good when at least sufficient on each item\n  Inadequate otherwise\n}\n'
        'section D "D" {\n  criterion D1 "d" {\n    graded by delivery\n    item D1.needs "n"\n  }\n}\n', "utf-8")
    (tmp_path / "e.yaml").write_text("inspection: x\nruleset: r.esi\n", "utf-8")
    code, _, err = run("score", str(tmp_path / "e.yaml"), cwd=ROOT)
    assert code == 0 and "(e.g. `D1.needs: sufficient`)" in err
