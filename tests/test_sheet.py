"""Summary-sheet files: told from evidence by their shape, read with every value located, paths as named.

M02: a sheet with a misspelt `columns:` was taken for evidence (E202 "no ruleset" at 1:1, or
"this is an evidence file" from `explain --column`); now the misspelling is the one problem
reported. Point 4: a column without a ruleset gets advice that fits where it comes from.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from evidence_helpers import HEADER, HIGH, folder_with_ruleset, run, write

from esirules.diagnostics import DiagnosticError
from esirules.evidence.sheet import ColumnSpec, read_sheet_file
from esirules.scoring.columns import Scorer

EVIDENCE = "inspection: Anyshire\nruleset: ruleset.esi\ncases: cases.csv\n"
SHEET = "title: Anyshire\ncolumns:\n  - {label: Feb, evidence: e.yaml, sample: february}\n"


def _folder(tmp_path: Path) -> Path:
    folder = folder_with_ruleset(tmp_path)
    write(folder, "cases.csv", HEADER + HIGH)
    write(folder, "e.yaml", EVIDENCE)
    return folder


def _problems(path: Path) -> list:  # type: ignore[type-arg]
    with pytest.raises(DiagnosticError) as raised:
        read_sheet_file(str(path))
    return list(raised.value.diagnostics)


def test_a_misspelt_columns_is_reported_as_a_misspelling(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    sheet = write(folder, "s.yaml", SHEET.replace("columns:", "colums:"))
    (found,) = _problems(sheet)
    assert (found.code, found.message, found.help) == (
        "E201",
        "`colums` is not a field of a summary sheet",
        "did you mean `columns`?",
    )
    assert (found.span.line, found.span.column, found.span.end_column) == (2, 1, 7)
    code, out, err = run("explain", "s.yaml", "B1", "--column", "Feb", cwd=folder)
    assert (code, out) == (1, "") and "error[E201]" in err and "evidence file" not in err
    code, out, err = run("score", "s.yaml", cwd=folder)
    assert (code, out) == (1, "") and "error[E201]" in err and "E202" not in err


def test_a_list_of_columns_under_another_name_is_a_sheet(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (found,) = _problems(write(folder, "s.yaml", SHEET.replace("columns:", "sheet:")))
    assert (found.code, found.help) == ("E201", "a sheet has `title` and `columns`")


def test_evidence_with_a_misspelt_field_is_still_evidence(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    assert read_sheet_file(str(write(folder, "x.yaml", EVIDENCE.replace("cases:", "casess:")))) is None
    assert read_sheet_file(str(write(folder, "y.yaml", "columns: [a]\ncases: []\n"))) is None


def test_every_problem_of_a_sheet_is_located_on_its_value(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    text = (
        "title: Anyshire\ncolumns:\n"
        "  - {label: Feb, evidence: e.yaml, rulset: ruleset.esi}\n"
        "  - {evidence: [e.yaml, 3.yaml], sample: [february]}\n"
        "  - just a name\n"
    )
    found = _problems(write(folder, "s.yaml", text))
    assert [(d.code, d.span.line, d.span.column, d.span.end_column) for d in found] == [
        ("E201", 3, 36, 42),  # `rulset`: did you mean `ruleset`?
        ("E201", 4, 5, 53),  # no label: the whole column
        ("E101", 4, 25, 31),  # `3.yaml` does not exist
        ("E103", 4, 42, 52),  # a sample is one name, not a list
        ("E201", 5, 5, 16),  # not a column
    ]
    assert found[0].help == "did you mean `ruleset`?"


def test_each_column_has_its_own_label(tmp_path: Path) -> None:
    """A column is headed and explained (`--column`) by its label: two alike would hide one of them."""
    folder = _folder(tmp_path)
    text = SHEET + "  - {label: Feb, evidence: e.yaml}\n  - {label: Sept, evidence: e.yaml}\n  - {label: Feb, evidence: e.yaml}\n"
    found = _problems(write(folder, "s.yaml", text))
    assert [(d.code, d.message, d.span.line, d.span.column) for d in found] == [
        ("E201", "column 2 has the label `Feb`, as column 1 does", 4, 13),
        ("E201", "column 4 has the label `Feb`, as column 1 does", 6, 13),
    ]
    code, out, err = run("explain", "s.yaml", "B1", "--column", "Feb", cwd=folder)
    assert (code, out) == (1, "") and err.count("error[E201]") == 2 and "E304" not in err


def test_an_evidence_file_that_cannot_be_read_is_reported_where_the_sheet_names_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "a-folder.yaml").mkdir()
    text = SHEET + "  - {label: Sept, evidence: [e.yaml, e2.yaml]}\n  - {label: Orig, evidence: a-folder.yaml}\n"
    found = _problems(write(folder, "s.yaml", text))
    assert [(d.code, d.message, d.span.file, d.span.line, d.span.column) for d in found] == [
        ("E101", f"cannot read `{folder / 'e2.yaml'}`: it does not exist", str(folder / "s.yaml"), 4, 38),
        ("E101", f"cannot read `{folder / 'a-folder.yaml'}`: it is a folder, not a file", str(folder / "s.yaml"), 5, 29),
    ]


def test_the_files_a_sheet_names_are_named_as_from_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path / "inspections" / "anyshire")
    write(folder, "s.yaml", SHEET + "  - {label: Orig, evidence: e.yaml, ruleset: ../../rules/x.esi}\n")
    monkeypatch.chdir(tmp_path)
    for given in ("inspections/anyshire/s.yaml", str(folder / "s.yaml")):  # relative, or in full
        sheet = read_sheet_file(given)
        assert sheet is not None
        assert [c.evidence for c in sheet.columns] == [("inspections/anyshire/e.yaml",)] * 2
        assert sheet.columns[1].ruleset == os.path.join("rules", "x.esi")
    monkeypatch.chdir(folder)
    sheet = read_sheet_file(str(folder / "s.yaml"))
    assert sheet is not None and sheet.columns[1].ruleset == str(tmp_path / "rules" / "x.esi")  # not below: in full


# ---------------------------------------------------------------------------------------------
# Point 4: advice that fits where a column comes from


def test_a_csv_file_alone_is_told_of_ruleset_and_of_a_yaml_file_naming_it(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    code, out, err = run("score", "cases.csv", cwd=folder)
    assert (code, out) == (1, "") and "error[E202]" in err
    assert "add `ruleset:" not in err.replace("`ruleset: path/to/ruleset.esi` and", "")
    assert "--ruleset path/to/ruleset.esi" in err and "`cases: cases.csv`" in err


def test_a_sheet_column_without_a_ruleset_is_told_to_name_one_in_the_sheet(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    write(folder, "bare.yaml", "inspection: Anyshire\ncases: cases.csv\n")
    write(folder, "s.yaml", "columns:\n  - {label: Feb, evidence: bare.yaml}\n  - {label: CSV, evidence: cases.csv}\n")
    with pytest.raises(DiagnosticError) as raised:
        Scorer().score(list(read_sheet_file(str(folder / "s.yaml")).columns))  # type: ignore[union-attr]
    yaml_column, csv_column = raised.value.diagnostics
    assert yaml_column.help == (
        "add `ruleset: path/to/ruleset.esi` to this column of the summary sheet, or to its evidence file"
    )
    assert csv_column.help == "add `ruleset: path/to/ruleset.esi` to this column of the summary sheet"
    assert (yaml_column.span.line, yaml_column.span.column) == (2, 5)
    with pytest.raises(DiagnosticError) as raised:
        Scorer().score([ColumnSpec("bare", (str(folder / "bare.yaml"),))])
    assert raised.value.diagnostics[0].help == (
        "add `ruleset: path/to/ruleset.esi` to the evidence file, or use `--ruleset`"
    )
