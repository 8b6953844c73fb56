"""The scoring summary sheet as printed: it fits the terminal, its CSV is one tidy table, its notes say things once.

The figures expected are the published ones (tests/test_golden.py, transcribed by hand from the
report); the exact values in the CSV are checked against the JSON result, and the CSV's layout
against what docs/inspectors-guide.md promises.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import REPO
from test_golden import CRITERIA, D3, OVERALL, SECTION_A, SECTIONS

from esirules.cli.main import main
from esirules.render.sheet import CSV_COLUMNS, decimal_text, spreadsheet_text

SUMMARY = "examples/hertfordshire/summary.yaml"
LABELS = ("Original", "Adjusted", "Feb", "Sept")


def run(*argv: str, width: int | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)
        if width is not None:
            patch.setenv("COLUMNS", str(width))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------------------------------------
# The terminal's width


def published_rows() -> dict[str, tuple[str | None, ...]]:
    """Each row's figures in the four columns, as the report prints them (n/c where it prints none)."""
    rows: dict[str, tuple[str | None, ...]] = {}
    for criterion, (original, follow_up) in SECTION_A.items():
        rows[f"{criterion}:"] = (original, None, follow_up, follow_up)  # Adjusted: not on the report's sheet
    rows.update({f"{criterion}:": figures for criterion, figures in CRITERIA.items()})
    rows.update({f"Score for section {section}": figures for section, figures in SECTIONS.items()})
    rows["D3:"] = (D3[0], D3[0], D3[1], None)  # the adjusted column scores the original evidence
    rows["Overall score"] = OVERALL
    return rows


def figures_of(lines: list[str], label: str) -> list[str]:
    """The cells of the row whose title starts with `label`: on its own line, or the line below."""
    at = next(i for i, line in enumerate(lines) if line.lstrip("│ ").startswith(label))
    figures = re.compile(r"(\d+%|n/c|Poor|Not met|Partly met|Satisfactorily met|Well met|Very well met)( \[\d+\])?")
    found = [m.group(1) for m in figures.finditer(lines[at].split(label, 1)[1])]
    if not found:  # the title is on a line of its own: the figures are under the column headings
        found = [m.group(1) for m in figures.finditer(lines[at + 1])]
    return found


@pytest.mark.parametrize("width", [80, 120])
def test_the_sheet_fits_the_terminal_with_every_figure(width: int) -> None:
    code, out, _ = run("score", SUMMARY, width=width)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= width
    for label, expected in published_rows().items():
        shown = figures_of(lines, label)
        assert len(shown) == 4, (label, shown)
        for column, want, got in zip(LABELS, expected, shown):
            if want is not None:
                assert got == want, (label, column)
            elif column == "Sept" and label not in ("A1:", "A2:", "A3:", "A4:", "A5:"):
                assert got == "n/c", (label, column)  # the report prints no section D for September
    # One line a row where the titles fit (at 120, shortened with an ellipsis), two at most where not:
    # no title wraps onto a line of the table whose figures are blank.
    wrapped = [line for line in lines if line.startswith("│") and not line.split("│")[2].strip()]
    assert wrapped == []
    assert len(lines) <= {80: 60, 120: 37}[width]


def test_a_narrow_terminal_shows_the_columns_in_groups() -> None:
    code, out, _ = run("score", SUMMARY, width=50)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 50
    # The rows come again for each group of columns that fits: B1's four figures, in order, over the groups.
    starts = [i for i, line in enumerate(lines) if line.startswith("B1:")]
    assert len(starts) >= 2
    shown = [figure for start in starts for figure in figures_of(lines[start:], "B1:")]
    assert shown == list(CRITERIA["B1"])


# ---------------------------------------------------------------------------------------------
# CSV: one tidy table


def csv_rows(*argv: str) -> list[dict[str, str]]:
    code, out, err = run("score", *argv, "--format", "csv")
    assert code == 0, err
    assert "\n\n" not in out  # no blank line, no block of notes after the table
    reader = csv.DictReader(io.StringIO(out))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def test_csv_is_one_row_per_target_and_column_with_numbers_as_numbers() -> None:
    rows = csv_rows(SUMMARY)
    _, out, _ = run("score", SUMMARY, "--format", "json")
    exact = {c["label"]: c for c in json.loads(out)["columns"]}
    keys = [(r["target"], r["column"]) for r in rows]
    assert len(keys) == len(set(keys))  # one row per target and column
    by_key = {(r["target"], r["column"]): r for r in rows}
    for criterion, figures in CRITERIA.items():
        for column, published in zip(LABELS, figures):
            row = by_key[(criterion, column)]
            assert row["kind"] == "criterion"
            if published is None:
                assert row["value"] == "" and row["note"] == "section D does not apply to sample september"
                continue
            value = Fraction(row["value"])  # a plain number, read as one
            assert row["display"] == published and round(value * 100) == int(published.rstrip("%"))
            assert Fraction(row["exact"]) == Fraction(exact[column]["criteria"][criterion]["value"])
            assert abs(value - Fraction(row["exact"])) < Fraction(1, 10**12)
            assert "[" not in row["display"] + row["grade"]  # no note marks in cells
    for section, figures in SECTIONS.items():
        for column, published in zip(LABELS, figures):
            row = by_key[(section, column)]
            assert row["kind"] == "section" and (published is None or row["display"] == published)
    a1 = by_key[("A1", "Feb")]
    assert (a1["grade"], a1["computed_grade"], a1["value"]) == ("Partly met", "Not met", "")
    assert a1["note"] == "computed Not met; adjusted to Partly met by Lead inspector"
    assert ("A", "Feb") not in by_key  # section A has no figure of its own on the sheet
    assert by_key[("overall", "Sept")]["note"] == "section D does not apply to sample september"


def test_decimal_values_are_exact_when_they_can_be() -> None:
    assert decimal_text(Fraction(33, 100)) == "0.33"
    assert decimal_text(Fraction(1)) == "1"
    assert decimal_text(Fraction(1, 3)) == "0.333333333333"  # 12 places; `exact` has 1/3
    assert decimal_text(Fraction(-5, 2)) == "-2.5"


@pytest.mark.parametrize(
    ("text", "written"),
    [("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"), ("+1", "+1"),
     ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("-0.5", "-0.5"), ("33%", "33%"), ("Feb", "Feb")],
)
def test_text_that_would_start_a_formula_is_escaped_but_numbers_are_not(text: str, written: str) -> None:
    assert spreadsheet_text(text) == written


def test_csv_cells_from_user_text_cannot_start_a_formula(tmp_path: Path) -> None:
    example = REPO / "examples" / "hertfordshire"
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(
        "columns:\n"
        f"  - {{label: '=HYPERLINK(\"http://evil\",\"x\")', evidence: {example / 'followup.yaml'}, sample: february}}\n"
        f"  - {{label: '@SUM(1+1)', evidence: {example / 'followup.yaml'}, sample: september}}\n",
        encoding="utf-8",
    )
    rows = csv_rows(str(sheet))
    columns = {r["column"] for r in rows}
    assert columns == {"'=HYPERLINK(\"http://evil\",\"x\")", "'@SUM(1+1)"}
    for row in rows:
        assert not any(cell.startswith(("=", "+", "@")) for cell in row.values())


# ---------------------------------------------------------------------------------------------
# Notes


def test_a_note_says_its_reason_once() -> None:
    code, out, _ = run("score", SUMMARY, "--format", "markdown")
    assert code == 0
    notes = out.split("Notes:", 1)[1]
    assert "is not computable: section D does not apply" not in out
    # Every cell of section D and the overall in September share the one note that says why.
    assert notes.count("section D does not apply to sample september") == 1
    number = next(line.split(".")[0] for line in notes.splitlines() if "section D does not apply" in line)
    overall = next(line for line in out.splitlines() if "Overall score" in line and "|" in line)
    assert overall.endswith(f"n/c [{number}] |")
