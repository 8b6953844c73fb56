"""Evidence in a workbook (.xlsx) reads as the same evidence in CSV and YAML: the same cases, ratings,
target data and adjustments, the same scores, and the same problems (code, words, row), each at
its sheet and cell."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from builders import AGE, ORDER, RISK, SEX_OFFENDER, numerical, question, ruleset, section
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbook_helpers import Percent, csv_rows, evidence_sheets, write_ods, write_workbook

from esirules.diagnostics import Diagnostic, DiagnosticError
from esirules.evidence.load import load_evidence
from esirules.evidence.read_workbook import cell_name, column_letters
from esirules.evidence.sheet import ColumnSpec
from esirules.language import model as m
from esirules.language.check import load_ruleset
from esirules.render.diagnostics import render_text
from esirules.scoring.columns import score_columns

REPO = Path(__file__).resolve().parent.parent
RULESET = REPO / "rulesets" / "esi-2004-followup.esi"
EXAMPLE = REPO / "docs" / "examples" / "inspector"
RULES = load_ruleset(str(RULESET))


def problems(path: Path, rules: m.Ruleset = RULES) -> list[Diagnostic]:
    with pytest.raises(DiagnosticError) as raised:
        load_evidence(str(path), rules)
    return list(raised.value.diagnostics)


def words(found: list[Diagnostic], *files: Path) -> list[tuple[str, str, str, str | None, int]]:
    """Each problem's severity, code, message and help (file names left out) and its line or row."""

    def plain(text: str | None) -> str | None:
        for file in files:
            text = None if text is None else text.replace(str(file), "FILE")
        return text

    return [(d.severity, d.code, plain(d.message) or "", plain(d.help), d.span.line) for d in found]


def test_column_letters_and_cell_names() -> None:
    assert [column_letters(n) for n in (1, 6, 26, 27, 52, 53, 702, 703)] == [
        "A", "F", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]
    assert cell_name("cases", 12, 6) == "cases!F12"
    assert cell_name("My cases", 2, 1) == "'My cases'!A2"


def test_the_bundled_example_as_a_workbook_is_the_same_evidence_and_scores_the_same(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "inspection.xlsx", evidence_sheets(EXAMPLE / "inspection.yaml"))
    from_book = load_evidence(str(book), RULES)
    from_yaml = load_evidence(str(EXAMPLE / "inspection.yaml"), RULES)
    assert from_book.cases.same_as(from_yaml.cases)
    assert [loc.line for loc in from_book.cases.locations] == [loc.line for loc in from_yaml.cases.locations]
    assert {loc.file for loc in from_book.cases.locations} == {str(book)}
    assert from_book.ratings == from_yaml.ratings and len(from_book.ratings) == 36
    assert from_book.measures == from_yaml.measures and len(from_book.measures) == 8
    assert from_book.adjustments == from_yaml.adjustments and len(from_book.adjustments) == 1
    assert from_book.adjustments[0].location is not None and from_book.adjustments[0].location.file == str(book)
    assert {where.file for where in from_book.rating_locations.values()} == {str(book)}
    for sample in ("february", "september"):
        (book_result,) = score_columns([ColumnSpec("book", (str(book),), str(RULESET), sample)])
        (yaml_result,) = score_columns([ColumnSpec("yaml", (str(EXAMPLE / "inspection.yaml"),), None, sample)])
        assert book_result.cases == yaml_result.cases > 0
        assert book_result.criteria == yaml_result.criteria
        assert book_result.sections == yaml_result.sections
        assert book_result.overall == yaml_result.overall


@pytest.mark.parametrize("write", [write_workbook, write_ods])
def test_a_figure_typed_as_a_percentage_is_read_as_the_percentage_shown(tmp_path: Path, write: Any) -> None:
    """`88%` typed in a cell is kept as 0.88 with a percentage format; it was read as 0.88%, and
    A1 dropped a grade without a word."""
    sheets = evidence_sheets(EXAMPLE / "inspection.yaml")
    for row in sheets["measures"][1:]:
        if row[0] in ("psr_timeliness", "enforcement"):  # (measures in percent)
            row[1:] = [Percent(int(figure) / 100) for figure in row[1:]]
    book = write(tmp_path / f"inspection.{'ods' if write is write_ods else 'xlsx'}", sheets)
    from_book = load_evidence(str(book), RULES)
    from_yaml = load_evidence(str(EXAMPLE / "inspection.yaml"), RULES)
    assert from_book.measures == from_yaml.measures


def test_the_bundled_mistakes_are_reported_the_same_at_their_cells(tmp_path: Path) -> None:
    mistakes = EXAMPLE / "mistakes"
    book = write_workbook(tmp_path / "inspection.xlsx", evidence_sheets(mistakes / "inspection.yaml"))
    from_book = problems(book)
    from_csv = problems(mistakes / "cases.csv")
    assert words(from_book, book) == words(from_csv, mistakes / "cases.csv")
    assert [d.span.cell for d in from_book] == ["cases!C3", "cases!L4"]
    shown = render_text(from_book, {})
    assert "  --> " + str(book) + ", cases!C3\n" in shown
    assert "error[E114]: case `F02`: `meduim` is not a value of attribute `risk_of_harm`" in shown


def test_an_opendocument_spreadsheet_reads_as_the_same_evidence_and_problems(tmp_path: Path) -> None:
    book = write_ods(tmp_path / "inspection.ods", evidence_sheets(EXAMPLE / "inspection.yaml"))
    from_book = load_evidence(str(book), RULES)
    from_yaml = load_evidence(str(EXAMPLE / "inspection.yaml"), RULES)
    assert from_book.cases.same_as(from_yaml.cases)
    assert (from_book.ratings, from_book.measures, from_book.adjustments, from_book.title, from_book.date) == (
        from_yaml.ratings, from_yaml.measures, from_yaml.adjustments, from_yaml.title, from_yaml.date,
    )
    assert from_book.title
    mistakes = EXAMPLE / "mistakes"
    book = write_ods(tmp_path / "mistakes.ods", evidence_sheets(mistakes / "inspection.yaml"))
    found = problems(book)
    assert words(found, book) == words(problems(mistakes / "cases.csv"), mistakes / "cases.csv")
    assert [d.span.cell for d in found] == ["cases!C3", "cases!L4"]


def test_cells_are_placed_from_the_sheet_corner_whatever_the_first_cell_used(tmp_path: Path) -> None:
    rows = csv_rows(EXAMPLE / "mistakes" / "cases.csv")
    book = write_workbook(tmp_path / "cases.xlsx", {"Sheet1": rows}, corner=(2, 3))
    found = problems(book)
    assert [d.span.cell for d in found] == ["Sheet1!F5", "Sheet1!O6"]
    assert [d.span.to_json()["cell"] for d in found] == ["Sheet1!F5", "Sheet1!O6"]


def test_problems_in_the_other_sheets_keep_their_yaml_words(tmp_path: Path) -> None:
    sheets = evidence_sheets(EXAMPLE / "inspection.yaml")
    sheets["ratings"] += [["A1.visiblity", "strong"], ["A1.oasys", "gud"]]
    sheets["measures"].append(["psr_timeliness", "7O", "90", "78"])
    sheets["adjustments"].append(["A9", "Met", "Lead inspector", ""])
    sheets["todo"] = [["to do"]]
    sheets["notes"] = [["chase F03's file"]]  # (a sheet of notes is not read)
    sheets["Sheet3"] = []  # an empty sheet, as spreadsheets leave, is no problem
    book = write_workbook(tmp_path / "inspection.xlsx", sheets)
    found = problems(book)
    by_code = {(d.code, d.span.cell): d.message for d in found}
    assert by_code[("E130", "ratings!A38")] == "`A1.visiblity` is not an item of ruleset `esi-2004-followup`"
    assert by_code[("E106", "ratings!A39")] == "`A1.oasys` is given twice"
    assert ("E104", "todo!A1") in by_code
    assert not any(d.span.cell.startswith(("Sheet3", "notes")) for d in found)
    assert [d.span.cell.split("!")[0] for d in found] == sorted(
        (d.span.cell.split("!")[0] for d in found), key=["cases", "ratings", "measures", "adjustments", "todo"].index
    )
    # The same values written in YAML give the same codes and words.
    text = (EXAMPLE / "inspection.yaml").read_text(encoding="utf-8")
    text = text.replace("cases: cases.csv", "cases: " + str(EXAMPLE / "cases.csv"))
    text = text.replace("../../../rulesets", str(REPO / "rulesets"))
    text = text.replace("  D3.reconviction_data: satisfactory\n", "  D3.reconviction_data: satisfactory\n  A1.visiblity: strong\n  A1.oasys: gud\n")
    text = text.replace("  victim_contact: {", "  psr_timeliness: {actual: 7O, target: 90, national_average: 78}\n  victim_contact: {")
    text += "  - {criterion: A9, grade: Met, by: Lead inspector}\n"
    written = tmp_path / "inspection.yaml"
    written.write_text(text, encoding="utf-8")
    from_yaml = {(d.code, d.message.replace(str(written), "FILE")) for d in problems(written)}
    from_book = {(d.code, d.message.replace(str(book), "FILE")) for d in found if d.code != "E104"}
    assert from_book == from_yaml


def test_a_case_id_used_twice_is_placed_at_the_cells_of_both(tmp_path: Path) -> None:
    rows = csv_rows(EXAMPLE / "cases.csv")
    rows[5][rows[0].index("id")] = rows[2][rows[0].index("id")]  # row 6 repeats row 3's case id
    column = column_letters(rows[0].index("id") + 1)
    found = [d for d in problems(write_workbook(tmp_path / "cases.xlsx", {"cases": rows})) if d.code == "E110"]
    assert [(d.span.cell, d.help) for d in found] == [
        (f"cases!{column}6", f"it is also at cases!{column}3; give each case its own id"),
    ]


def test_a_criterion_without_ratings_is_told_to_rate_them_on_the_sheets(tmp_path: Path) -> None:
    """E211's help names the sheets a workbook keeps ratings and figures on, and an item rated by
    hand as its example (not one rated from a measure, whose rating would not be read: E132)."""
    sheets = evidence_sheets(EXAMPLE / "inspection.yaml")
    sheets["ratings"] = [row for row in sheets["ratings"] if not row[0].startswith(("A1.", "A2."))]
    sheets["measures"] = [row for row in sheets["measures"] if row[0] != "dtto_starts"]
    book = write_workbook(tmp_path / "inspection.xlsx", sheets)
    (column,) = score_columns([ColumnSpec("book", (str(book),), str(RULESET), "february")])
    helps = {w.message.split("`")[1]: w.help for w in column.warnings if w.code == "E211"}
    assert helps["A2"] == "rate each item on the `ratings` sheet (e.g. `A2.yardstick`: `good`)"
    assert helps["A1"] == ("rate each item on the `ratings` sheet (e.g. `A1.visibility`: `good`); an item rated from a "
                           "measure needs the measure's figures on the `measures` sheet")


def test_a_misnamed_inspection_sheet_is_said_to_be_so_not_that_no_ruleset_is_given(tmp_path: Path) -> None:
    sheets = evidence_sheets(EXAMPLE / "inspection.yaml")
    sheets.pop("inspection", None)
    sheets["Inspection details"] = [["field", "value"], ["ruleset", str(RULESET)]]
    with pytest.raises(DiagnosticError) as raised:
        score_columns([ColumnSpec("book", (str(write_workbook(tmp_path / "inspection.xlsx", sheets)),), None, "february")])
    assert [(d.code, d.span.cell, d.help) for d in raised.value.diagnostics] == [
        ("E104", "'Inspection details'!A1", "did you mean `inspection`?")]


def test_a_title_above_the_headings_is_one_problem(tmp_path: Path) -> None:
    rows = csv_rows(EXAMPLE / "cases.csv")
    titled = [["Anyshire cases, February"], [], *rows]
    found = problems(write_workbook(tmp_path / "cases.xlsx", {"cases": titled}))
    assert [(d.code, d.span.cell, d.message) for d in found] == [
        ("E107", "cases!A1", "the `cases` sheet's first row holds `Anyshire cases, February`, not its headings, "
                             "which are in row 3"),
    ]


def test_a_case_without_an_id_is_named_by_its_row_of_the_sheet(tmp_path: Path) -> None:
    rows = csv_rows(EXAMPLE / "cases.csv")
    rows[4][rows[0].index("id")] = ""
    rows[4][rows[0].index("B1.start")] = "maybe"
    messages = [d.message for d in problems(write_workbook(tmp_path / "cases.xlsx", {"cases": rows}))]
    assert any("(no id, row 5 of sheet cases)" in m for m in messages), messages
    assert not any("line 5" in m for m in messages)


def test_a_misspelt_sheet_and_an_unknown_heading_are_reported_with_the_likely_names(tmp_path: Path) -> None:
    sheets = {
        "cases": csv_rows(EXAMPLE / "cases.csv"),
        "Rating": [["item", "rating"], ["A1.oasys", "good"]],
        "measures": [["measure", "actual", "target", "national average", "figure"]],
    }
    found = problems(write_workbook(tmp_path / "book.xlsx", sheets))
    assert [(d.code, d.message, d.span.cell, d.help) for d in found] == [
        ("E104", "`Rating` is not a sheet of an evidence workbook", "Rating!A1", "did you mean `ratings`?"),
        ("E104", "`figure` is not a column of the `measures` sheet", "measures!E1",
         "its columns are `measure`, `actual`, `target`, `national_average`"),
    ]


def test_a_sheet_without_its_naming_column_and_an_unreadable_file(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "book.xlsx", {"cases": csv_rows(EXAMPLE / "cases.csv"), "ratings": [["rating"], ["strong"]]}
    )
    (found,) = problems(book)
    assert (found.code, found.message, found.span.cell) == ("E107", "the `ratings` sheet has no `item` column", "ratings!A1")
    ratings_only = write_workbook(tmp_path / "ratings.xlsx", {"ratings": [["item", "rating"], ["A1.oasys", "good"]]})
    (found,) = problems(ratings_only)
    assert (found.code, found.message) == ("E107", f"the workbook `{ratings_only}` has no `cases` sheet")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    (found,) = problems(broken)
    assert found.code == "E102" and found.message.startswith(f"`{broken}` is not a workbook that can be read: ")
    (found,) = problems(tmp_path / "absent.xlsx")
    assert found.code == "E101"


# ---------------------------------------------------------------------------------------------
# Any table of cases, good or bad, by property: the workbook and the CSV file agree

QUESTIONS = ("B1.1", "B1.2", "B1.3")
SMALL = ruleset(
    [section("B", [numerical("B1", [question(q) for q in QUESTIONS])])],
    samples=(m.Sample("feb", "February"), m.Sample("sep", "September")),
)
TEXTS = {
    "sample": ["feb", "sep", "Feb", "", "february", "march"],
    RISK.name: ["low", "medium", "High", " very high ", "meduim", ""],
    ORDER.name: ["cro", "CPO", "licence", ""],
    SEX_OFFENDER.name: ["yes", "no", "Y", "n", "true", "False", "1", "0", "maybe", ""],
    AGE.name: ["16", "42", "99", "17.5", " 30 ", "old", "-3", ""],
}
ANSWERS = ["yes", "partly", "no", "Yes", " no ", "n/a", "N/A", "not applicable", "", "mostly"]
NUMBERS = {"16": 16, "42": 42, "99": 99, "17.5": 17.5, "-3": -3, "1": 1, "0": 0}


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    headings = ["id", *TEXTS, *QUESTIONS]
    if draw(st.booleans()):
        headings.append(draw(st.sampled_from(["B1.9", "colour", "Risk of harm", "ID"])))
    n = draw(st.integers(1, 12))
    rows = []
    for i in range(n):
        row = [draw(st.sampled_from([f"c{i}", f"c{i}", "c0", ""]))]
        row += [draw(st.sampled_from(TEXTS[h])) for h in TEXTS]
        row += [draw(st.sampled_from(ANSWERS)) for _ in QUESTIONS]
        row += [draw(st.sampled_from(["", "x"]))] * (len(headings) - len(row))
        rows.append(row if draw(st.integers(0, 9)) else [""] * len(headings))  # now and then a blank row
    return headings, rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tables(), numbers_as_numbers=st.booleans())
def test_any_table_reads_the_same_from_a_workbook_and_a_csv_file(
    tmp_path_factory: pytest.TempPathFactory, table: tuple[list[str], list[list[str]]], numbers_as_numbers: bool
) -> None:
    directory = tmp_path_factory.mktemp("table")
    headings, rows = table
    csv_path = directory / "cases.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([headings, *rows])
    typed = [[NUMBERS.get(cell, cell) if numbers_as_numbers else cell for cell in row] for row in rows]
    book = write_workbook(directory / "cases.xlsx", {"cases": [headings, *typed]})
    try:
        from_csv = load_evidence(str(csv_path), SMALL)
    except DiagnosticError as error:
        found = problems(book, SMALL)
        # (a workbook places the other use of a case id at its cell, and a case with no id at its
        # row, where a CSV file says its line)
        in_lines = [attrs.evolve(d, message=re.sub(r"row (\d+) of sheet cases", r"line \1", d.message),
                                 help=d.help and re.sub(r"cases!A(\d+)", r"line \1", d.help)) for d in found]
        assert words(in_lines, book) == words(list(error.diagnostics), csv_path)
        assert all(re.fullmatch(r"cases![A-Z]+\d+", d.span.cell) for d in found)
        return
    from_book = load_evidence(str(book), SMALL)
    assert from_book.cases.same_as(from_csv.cases)
    assert [loc.line for loc in from_book.cases.locations] == [loc.line for loc in from_csv.cases.locations]
    assert [w.message.replace(str(book), "FILE") for w in from_book.warnings] == [
        w.message.replace(str(csv_path), "FILE") for w in from_csv.warnings
    ]


# ---------------------------------------------------------------------------------------------
# The example workbooks and the pages that show them


@pytest.mark.parametrize("folder", [EXAMPLE, EXAMPLE / "mistakes"])
def test_the_example_workbooks_hold_the_example_evidence(folder: Path) -> None:
    """docs/examples/inspector/{,mistakes/}inspection.xlsx were written by `evidence_sheets` from
    the YAML beside them: they must stay the same evidence."""
    book = folder / "inspection.xlsx"
    try:
        from_yaml = load_evidence(str(folder / "inspection.yaml"), RULES)
    except DiagnosticError as error:
        assert words(problems(book), book) == words(list(error.diagnostics), folder / "cases.csv")
        return
    from_book = load_evidence(str(book), RULES)
    assert from_book.cases.same_as(from_yaml.cases)
    assert (from_book.ratings, from_book.measures, from_book.adjustments, from_book.title, from_book.ruleset_ref) == (
        from_yaml.ratings, from_yaml.measures, from_yaml.adjustments, from_yaml.title, from_yaml.ruleset_ref,
    )


def test_the_format_page_shows_what_esirules_prints_for_the_workbook_of_mistakes() -> None:
    from evidence_helpers import run

    command = (
        "score docs/examples/inspector/mistakes/inspection.xlsx --ruleset rulesets/esi-2004-followup.esi --sample february"
    )
    text = (REPO / "docs" / "evidence-format.md").read_text(encoding="utf-8")
    shown = text.split(f"```sh\nesirules {command}\n```\n\n```text\n", 1)[1].split("```", 1)[0]
    status, _, err = run(*command.split(), cwd=REPO)
    assert status == 1 and shown == err


def test_a_warning_in_a_workbook_is_placed_at_its_cell(tmp_path: Path) -> None:
    rows = csv_rows(EXAMPLE / "cases.csv")
    column = rows[0].index("B1.rmp_5days")
    rows[3][column] = "yes"  # F03 is low risk: the question does not apply (E122, a warning)
    evidence = load_evidence(str(write_workbook(tmp_path / "book.xlsx", {"cases": rows})), RULES)
    (warning,) = evidence.warnings
    assert warning.code == "E122"
    assert warning.places[0].cell == f"cases!{column_letters(column + 1)}4"
    assert warning.to_json()["locations"][0]["cell"] == warning.places[0].cell  # type: ignore[index]


def test_a_workbook_that_unpacks_to_more_than_a_workbook_may_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A zip bomb: a few MB that unpack to many GB. The limit is lowered to this small workbook's
    size, so that the test need not write gigabytes; the reader is never called."""
    import zipfile

    from esirules.evidence import read_workbook

    book = write_workbook(tmp_path / "cases.xlsx", {"cases": csv_rows(EXAMPLE / "cases.csv")})
    unpacked = sum(info.file_size for info in zipfile.ZipFile(book).infolist())
    monkeypatch.setattr(read_workbook, "MAX_WORKBOOK_UNPACKED", unpacked - 1)
    monkeypatch.setattr("fastexcel.read_excel", lambda data: pytest.fail("the reader was called"))
    found = problems(book)
    assert [(d.code, d.span.line) for d in found] == [("E109", 1)]
    assert f"is too large to read: its sheets unpack to {unpacked / (1 << 30):.1f} GB, more than the 0 GB" in found[0].message
    assert found[0].help is not None and found[0].help.startswith("save the cases as CSV")


def test_a_number_format_shows_a_percentage_only_where_its_percent_sign_is_not_text() -> None:
    from esirules.evidence.workbook_cells import _shows_percent

    own = {164: "0.0%", 165: '0" %"', 166: "0\\%", 167: "#,##0"}
    assert [_shows_percent(n, own) for n in (9, 10, 164, 165, 166, 167, 0)] == [True, True, True, False, False, False, False]


def test_a_date_cell_where_an_answer_was_meant_is_quoted_as_the_day_it_shows(tmp_path: Path) -> None:
    """A spreadsheet makes `Sep-04` a date; it was quoted as `2004-09-01 00:00:00`."""
    import datetime

    sheets = evidence_sheets(EXAMPLE / "inspection.yaml")
    heading = sheets["cases"][0]
    sheets["cases"][1][heading.index("B1.start")] = datetime.date(2004, 1, 2)
    found = problems(write_workbook(tmp_path / "inspection.xlsx", sheets))
    assert [d.code for d in found] == ["E121"]
    assert "`2004-01-02` is not an answer to question `B1.start`" in found[0].message


def test_notes_kept_in_a_column_headed_with_a_hash_or_a_notes_sheet_are_not_read(tmp_path: Path) -> None:
    """Inspectors keep notes beside the cases: a `Notes` column was E112, and E103's hint to head a
    column without a heading led straight to it."""
    sheets = evidence_sheets(EXAMPLE / "inspection.yaml")
    sheets["cases"] = [[*row, "# notes" if n == 0 else ("chase the file" if n == 1 else "")]
                       for n, row in enumerate(sheets["cases"])]
    sheets["Notes"] = [["reminder"], ["F03: ask for the OASys"]]
    book = load_evidence(str(write_workbook(tmp_path / "inspection.xlsx", sheets)), RULES)
    assert book.cases.same_as(load_evidence(str(EXAMPLE / "inspection.yaml"), RULES).cases)
    sheets["cases"][0][-1] = "Notes"
    (unknown,) = problems(write_workbook(tmp_path / "named.xlsx", sheets))
    assert unknown.code == "E112" and str(unknown.help).endswith("a column of notes, not read, is headed with `#` (`# notes`)")


def test_headings_sorted_in_among_the_cases_are_one_problem_saying_where_they_went(tmp_path: Path) -> None:
    """Sorting without "my data has headers" put the headings at row 11: 88 errors, none saying so."""
    sheets = evidence_sheets(EXAMPLE / "inspection.yaml")
    head, *cases = sheets["cases"]
    sheets["cases"] = [*cases[:3], head, *cases[3:]]
    (moved,) = problems(write_workbook(tmp_path / "inspection.xlsx", sheets))
    assert (moved.code, moved.span.cell) == ("E107", "cases!A4")
    assert moved.message == ("the `cases` sheet's headings are in row 4, not in its first row (row 1): "
                             "the rows were sorted with the headings among them")


def test_a_renamed_cases_sheet_is_one_problem_naming_it(tmp_path: Path) -> None:
    """`Case data` (moved from the front) gave two errors, "not a sheet" and "no cases sheet" at a
    cell of a sheet that does not exist."""
    sheets = evidence_sheets(EXAMPLE / "inspection.yaml")
    cases = sheets.pop("cases")
    sheets["Case data"] = cases
    sheets = {"ratings": sheets.pop("ratings"), **sheets}
    (found,) = problems(write_workbook(tmp_path / "inspection.xlsx", sheets))
    assert (found.code, found.span.cell) == ("E107", "'Case data'!A1")
    assert found.message.endswith("has no `cases` sheet, but its sheet `Case data` holds cases")
    assert found.help == "name the sheet `Case data` `cases`"


def test_merged_cells_on_the_cases_sheet_are_said_not_read_as_blanks(tmp_path: Path) -> None:
    """An answer shown over three cases by merging their cells is kept in the first alone: B2 went
    from 37% to 39% without a word."""
    book = write_workbook(tmp_path / "inspection.xlsx", evidence_sheets(EXAMPLE / "inspection.yaml"))
    filled = openpyxl.load_workbook(book)
    filled["cases"].merge_cells("B3:B5")
    filled.save(book)
    (merged,) = problems(book)
    assert (merged.code, merged.span.cell) == ("E102", "cases!B3")
    assert merged.message == ("cells B3:B5 of the `cases` sheet are merged: the sheet keeps the value shown in B3 "
                              "alone, and reads the others as blank")


def test_merged_cells_of_an_opendocument_sheet_are_found_from_its_spans(tmp_path: Path) -> None:
    import zipfile

    from esirules.evidence.workbook_cells import merged_ranges

    book = write_ods(tmp_path / "inspection.ods", evidence_sheets(EXAMPLE / "inspection.yaml"))
    with zipfile.ZipFile(book) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    content = parts["content.xml"].decode()
    third_row = content.split("<table:table-row>")[3]  # (the cases sheet's third row)
    spanned = third_row.replace("<table:table-cell ", '<table:table-cell table:number-rows-spanned="2" ', 1)
    parts["content.xml"] = content.replace(third_row, spanned, 1).encode()
    with zipfile.ZipFile(book, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert merged_ranges(book.read_bytes(), "cases") == ["A3:A4"]


def test_a_rating_given_on_a_row_of_its_own_below_the_item_left_blank_is_given_once(tmp_path: Path) -> None:
    """Inspectors add a row at the bottom rather than fill in the template's: `given twice` said
    'which one is meant cannot be told' of a blank and a rating. A `#` column of notes is not read."""
    sheets = evidence_sheets(EXAMPLE / "inspection.yaml")
    rated = sheets["ratings"][1]
    sheets["ratings"][1] = [rated[0], None]
    sheets["ratings"] = [[*row, "# checked by" if n == 0 else "JS"] for n, row in enumerate(sheets["ratings"])]
    sheets["ratings"].append([rated[0], rated[1], ""])
    book = load_evidence(str(write_workbook(tmp_path / "inspection.xlsx", sheets)), RULES)
    assert book.ratings == load_evidence(str(EXAMPLE / "inspection.yaml"), RULES).ratings
