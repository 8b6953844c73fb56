"""A workbook's `inspection` sheet (the title, the ruleset and the date) and `carried_forward` sheet
read as an evidence file's `inspection`, `ruleset`, `date` and `carried_forward`, with the same
words for every mistake, placed at its cell; a template names its ruleset, so it is scored as it
is, and that of a ruleset that lets levels carry forward has the `carried_forward` sheet."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
from pathlib import Path

import openpyxl
import pytest
from workbook_helpers import Rows, write_ods, write_workbook

from esirules.cli.main import main
from esirules.diagnostics import Diagnostic, DiagnosticError
from esirules.evidence.load import load_evidence
from esirules.evidence.sheet import ColumnSpec
from esirules.language.check import load_ruleset
from esirules.scoring.columns import score_columns

REPO = Path(__file__).resolve().parent.parent
CQC = REPO / "examples" / "frameworks" / "cqc"
RULESET = CQC / "cqc.esi"
RULES = load_ruleset(str(RULESET))
WILLOW = CQC / "evidence" / "willow-court.yaml"  # rates two key questions, carries three forward
TITLE = "Willow Court (synthetic care home), focused inspection"


def willow_court(day: object = datetime.date(2024, 3, 12), earlier: object = datetime.date(2021, 6, 2)) -> dict[str, Rows]:
    """willow-court.yaml as a workbook, its dates as date cells (or as given)."""
    return {
        "cases": [["id"]],
        "ratings": [["item", "rating"], ["safe.rating", "Requires improvement"], ["well_led.rating", "Good"]],
        "inspection": [["field", "value"], ["inspection", TITLE], ["date", day]],
        "carried_forward": [
            ["criterion", "grade", "inspection", "date"],
            ["effective", "Good", "INS-2021-031", earlier],
            ["caring", "Good", "INS-2021-031", "2021-06-02"],
            ["responsive", "Outstanding", "INS-2021-031", earlier],
        ],
    }


def problems(path: Path) -> list[Diagnostic]:
    with pytest.raises(DiagnosticError) as raised:
        load_evidence(str(path), RULES)
    return raised.value.diagnostics


@pytest.mark.parametrize("write", [write_workbook, write_ods], ids=["xlsx", "ods"])
@pytest.mark.parametrize("day", [datetime.date(2024, 3, 12), "2024-03-12"], ids=["date cell", "text"])
def test_the_example_carrying_judgements_forward_reads_and_scores_as_its_yaml(
    tmp_path: Path, write: object, day: object
) -> None:
    book = write(tmp_path / f"willow.{'xlsx' if write is write_workbook else 'ods'}", willow_court(day))  # type: ignore[operator]
    from_book = load_evidence(str(book), RULES)
    from_yaml = load_evidence(str(WILLOW), RULES)
    assert from_book.title == from_yaml.title == TITLE
    assert from_book.date == from_yaml.date == datetime.date(2024, 3, 12)
    assert from_book.carried_forward == from_yaml.carried_forward and len(from_book.carried_forward) == 3
    assert {c.location.file for c in from_book.carried_forward if c.location} == {str(book)}
    (book_result,) = score_columns([ColumnSpec("book", (str(book),), str(RULESET))])
    (yaml_result,) = score_columns([ColumnSpec("yaml", (str(WILLOW),), None)])
    assert book_result.criteria == yaml_result.criteria
    assert book_result.overall == yaml_result.overall and book_result.overall.grade is not None


def test_mistakes_in_the_two_sheets_have_the_yaml_words_at_their_cells(tmp_path: Path) -> None:
    sheets = willow_court(datetime.datetime(2024, 3, 12, 9, 30))  # a time of day is not a date
    sheets["inspection"].extend([["dat", "2024-03-13"], ["Date", "2024-03-14"]])
    sheets["carried_forward"][1][1] = "Excellent"
    sheets["carried_forward"].append(["nowhere", "Good", "INS-1", "2021-06-02"])
    found = {(d.code, d.message, d.span.cell) for d in problems(write_workbook(tmp_path / "w.xlsx", sheets))}
    assert found == {
        ("E244", "the inspection's `date` `2024-03-12 09:30:00` is a date and a time of day, not a date alone",
         "inspection!B3"),
        ("E104", "`dat` is not a row of the `inspection` sheet", "inspection!A4"),
        ("E106", "`Date` is given twice (also as `date`: capitals do not tell them apart)", "inspection!A5"),
        ("E243", "criterion `effective`: `Excellent` is not a grade", "carried_forward!B2"),
        ("E240", "`nowhere` is not a criterion of ruleset `cqc-asc-aggregation`", "carried_forward!A5"),
    }


def test_judgements_carried_forward_need_the_date_and_a_level_column(tmp_path: Path) -> None:
    sheets = willow_court()
    del sheets["inspection"]
    (undated,) = problems(write_workbook(tmp_path / "undated.xlsx", sheets))
    assert (undated.code, undated.span.cell) == ("E244", "carried_forward!A1")
    assert "add a `date` row to the `inspection` sheet" in (undated.help or "")
    sheets = willow_court()
    sheets["carried_forward"] = [["level", "grade"], ["effective", "Good"]]
    found = {(d.code, d.message) for d in problems(write_workbook(tmp_path / "unnamed.xlsx", sheets))}
    assert ("E107", "the `carried_forward` sheet has no `criterion` or `section` column") in found


def test_the_template_has_the_inspection_and_carried_forward_sheets(tmp_path: Path) -> None:
    path = tmp_path / "cqc.xlsx"
    (tmp_path / "cqc.esi").write_bytes(RULESET.read_bytes())
    assert main(["template", str(tmp_path / "cqc.esi"), "--output", str(path)]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[-2:] == ["inspection", "carried_forward"]
    assert [[c.value for c in row] for row in book["inspection"].iter_rows()] == [
        ["field", "value"], ["inspection", None], ["ruleset", "cqc.esi"], ["date", None],
    ]
    carried = book["carried_forward"]
    assert [c.value for c in carried[1]] == ["criterion", "section", "grade", "inspection", "date", "reference"]
    drop_downs = {str(v.sqref).split(":")[0]: v.formula1 for v in carried.data_validations.dataValidation}
    may = [c.id for c in RULES.criteria() if c.carry_forward is not None]
    assert drop_downs["A2"] == '"' + ",".join(may) + '"' and "effective" in may
    empty = load_evidence(str(path), RULES)  # as written: no title, no date, nothing carried forward
    assert (empty.title, empty.date, empty.carried_forward) == ("", None, ())
    book["inspection"]["B2"] = TITLE
    book["inspection"]["B4"] = datetime.date(2024, 3, 12)
    for column, value in zip("ACDE", ["caring", "Good", "INS-2021-031", datetime.date(2021, 6, 2)]):
        carried[f"{column}2"] = value
    book.save(path)
    filled = load_evidence(str(path), RULES)
    assert (filled.title, filled.date) == (TITLE, datetime.date(2024, 3, 12))
    assert [(c.id, c.grade, c.date) for c in filled.carried_forward] == [("caring", "Good", datetime.date(2021, 6, 2))]


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_a_template_is_scored_under_the_ruleset_it_names(tmp_path: Path) -> None:
    """Written in another folder than the ruleset's, the template names it from its own folder."""
    (tmp_path / "books").mkdir()
    path = tmp_path / "books" / "willow.xlsx"
    assert main(["template", str(RULESET), "--output", str(path)]) == 0
    named = openpyxl.load_workbook(path)["inspection"]["B3"].value
    assert (path.parent / named).resolve() == RULESET.resolve()
    code, out, _ = run("score", str(path), "--format", "json", "--quiet")
    assert code == 0 and json.loads(out)["columns"][0]["ruleset"]["name"] == RULES.name


def test_a_workbook_naming_no_ruleset_or_a_missing_one(tmp_path: Path) -> None:
    sheets = willow_court()
    del sheets["inspection"]
    del sheets["carried_forward"]
    code, _, err = run("score", str(write_workbook(tmp_path / "plain.xlsx", sheets)))
    assert code == 1 and "error[E202]" in err
    assert "add a row to the `inspection` sheet of" in err and "or use `--ruleset`" in err
    sheets["inspection"] = [["field", "value"], ["Ruleset", "nowhere.esi"]]
    code, _, err = run("score", str(write_workbook(tmp_path / "missing.xlsx", sheets)))
    assert code == 1 and "error[E105]: the ruleset `nowhere.esi` named by this evidence file does not exist" in err
    assert "missing.xlsx, inspection!B2" in err
    sheets["inspection"] = [["field", "value", "note"], ["ruleset", "nowhere.esi"]]
    code, _, err = run("score", str(write_workbook(tmp_path / "noted.xlsx", sheets)))
    assert code == 1 and "error[E104]: `note` is not a column of the `inspection` sheet" in err
    assert "noted.xlsx, inspection!C1" in err
    sheets["inspection"] = [["field", "value"], ["ruleset", str(RULESET)]]
    code, out, _ = run("score", str(write_workbook(tmp_path / "named.xlsx", sheets)), "--format", "json", "--quiet")
    assert code == 0 and json.loads(out)["columns"][0]["ruleset"]["name"] == RULES.name


def test_a_workbook_that_cannot_be_read_says_why_not_that_it_names_no_ruleset(tmp_path: Path) -> None:
    """A name mistyped, an empty file, a folder or another kind of file: why it cannot be read, as with `--ruleset`."""
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "notes.ods").write_bytes(b"Dear inspector,\n")
    (tmp_path / "folder.xlsx").mkdir()
    expected = {"typo.xlsx": "error[E101]: cannot read `{}`: it does not exist",
                "empty.xlsx": "error[E102]: `{}` is not a workbook that can be read: it is empty",
                "notes.ods": "error[E102]: `{}` is not a workbook that can be read: what it holds is not a spreadsheet's",
                "folder.xlsx": "error[E101]: cannot read `{}`: it is a folder, not a file"}
    for name, words in expected.items():
        path = str(tmp_path / name)
        for command in (("score", path), ("explain", path, "safe"), ("score", path, "--ruleset", str(RULESET))):
            code, out, err = run(*command)
            assert (code, out) == (1, ""), command
            assert words.format(path) in err and "E202" not in err, (command, err)


def test_what_a_workbook_records_is_cited_by_its_sheet_and_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Explanations cite a rating, target data, an adjustment, a fact or a judgement carried
    forward by the workbook, the sheet and the row, in every format."""
    example = REPO / "docs" / "examples" / "inspector" / "inspection.xlsx"
    evidence = load_evidence(str(example), load_ruleset(str(REPO / "rulesets" / "esi-2004-followup.esi")))
    located = [
        *evidence.rating_locations.values(),
        *(m.location for m in evidence.measures.values()),
        *(a.location for a in evidence.adjustments),
    ]
    assert {(where.file, where.sheet) for where in located if where} == {
        (str(example), "ratings"), (str(example), "measures"), (str(example), "adjustments"),
    }
    assert evidence.rating_locations["A1.visibility"].line == 2  # its row, below the headings
    first = evidence.cases.locations[0]
    assert (first.case, first.sheet, first.line) == ("F01", "cases", 2)
    assert {where.sheet for where in evidence.cases.take(evidence.cases.samples == "february").locations} == {"cases"}
    book = write_workbook(tmp_path / "willow.xlsx", willow_court())
    carried = load_evidence(str(book), RULES).carried_forward
    assert [(c.location.sheet, c.location.line) for c in carried if c.location] == [("carried_forward", r) for r in (2, 3, 4)]
    code, out, _ = run("explain", str(example), "A1", "--sample", "february", "--format", "json")
    assert code == 0 and '"sheet": "ratings"' in out
    monkeypatch.setenv("COLUMNS", "200")  # (one line per node of the tree)
    for format_, cited in (("text", "inspection.xlsx, ratings row 2"), ("markdown", "`, sheet `ratings` row 2")):
        code, out, _ = run("explain", str(example), "A1", "--sample", "february", "--format", format_)
        assert code == 0 and cited in out, format_
    code, out, _ = run("explain", str(example), "B1", "--sample", "february", "--case", "F01")
    assert code == 0 and "inspection.xlsx, cases row 2" in out
