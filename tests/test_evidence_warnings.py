"""Problems that change no figure are warnings (issue 9, point 13): scored all the same, shown, recorded.

An answer to a question whose `applies when` is false for its case is left out of every count
(the evaluator counts applicable cases only), so it warns (E122) instead of blocking the file:
one warning per question and file, with the count and the first few places; the sheet and the
JSON are those of the same evidence without the answers, and the JSON lists the warnings.
`--strict` makes every evidence warning an error, as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evidence_helpers import HEADER, HIGH, LOW, folder_with_ruleset, load, run, write

from esirules.evidence import load as load_module
from esirules.evidence.cases import FIRST_PLACES
from esirules.evidence.sheet import ColumnSpec
from esirules.scoring.columns import Scorer

# Every item rated and every measure given, so that scoring finds nothing missing (E21x) either.
INSPECTION = (
    "inspection: Anyshire\nruleset: ruleset.esi\ncases: cases.csv\nratings: {A1.visibility: good, A2.budget: good}\n"
    "measures:\n  psr_timeliness: {actual: 71, target: 90, national_average: 78}\n"
    "  sickness_absence: {actual: 10.7, target: 9, national_average: 8}\n"
)


def _rows(stray: int, answered: bool = True) -> str:
    """One high-risk case, then `stray` low-risk cases answering B1.start (which applies to high risk only)."""
    low = [LOW.replace("F02", f"L{k:02d}").replace(",,no", ",yes,no" if answered else ",,no") for k in range(stray)]
    return HEADER + HIGH + "".join(low)


def _inspection(folder: Path, rows: str) -> Path:
    folder_with_ruleset(folder)
    write(folder, "cases.csv", rows)
    return write(folder, "inspection.yaml", INSPECTION)


def test_an_answer_to_a_question_that_does_not_apply_warns_and_changes_no_figure(tmp_path: Path) -> None:
    stray = _inspection(tmp_path / "stray", _rows(1))
    blank = _inspection(tmp_path / "blank", _rows(1, answered=False))
    evidence = load(stray)
    (warning,) = evidence.warnings
    assert (warning.code, warning.count) == ("E122", 1)
    assert warning.message == "case `L00`: question `B1.start` does not apply to this case, but is answered `yes`"
    assert "applies only when `risk_of_harm >= high`, so the answer is not scored" in (warning.help or "")
    (place,) = warning.places
    assert (place.line, place.column, place.end_column) == (3, 33, 36)  # the whole `yes`
    (with_stray,) = Scorer().score([ColumnSpec("c", (str(stray),))])
    (without,) = Scorer().score([ColumnSpec("c", (str(blank),))])
    assert with_stray.criteria == without.criteria and with_stray.sections == without.sections
    assert with_stray.criteria["B1"].value is not None
    assert with_stray.warnings == (warning,) and without.warnings == ()


def test_one_warning_per_question_with_the_count_and_the_first_places(tmp_path: Path) -> None:
    evidence = load(_inspection(tmp_path, _rows(FIRST_PLACES + 3)))
    (warning,) = evidence.warnings
    assert warning.count == FIRST_PLACES + 3
    listed = ", ".join(f"`L{k:02d}` (line {k + 3})" for k in range(FIRST_PLACES))
    assert warning.message == (
        f"question `B1.start` does not apply to {FIRST_PLACES + 3} cases, but they answer it: {listed} and 3 more"
    )
    assert [p.line for p in warning.places] == [k + 3 for k in range(FIRST_PLACES)]
    assert all(p.file.endswith("cases.csv") and p.end_column - p.column == 3 for p in warning.places)


def test_the_command_line_warns_and_scores_and_strict_refuses(tmp_path: Path) -> None:
    evidence = _inspection(tmp_path, _rows(2))
    code, out, err = run("score", "inspection.yaml", "--format", "json", cwd=tmp_path)
    assert code == 0 and "warning[E122]" in err and "error" not in err
    assert "--> cases.csv:3:33" in err and " 3 | L00," in err and "^^^" in err
    (column,) = json.loads(out)["columns"]
    (warning,) = column["warnings"]
    assert set(warning) == {"code", "message", "help", "count", "locations"}
    assert (warning["code"], warning["count"]) == ("E122", 2)
    assert [(w["file"], w["line"], w["column"], w["end_column"]) for w in warning["locations"]] == [
        ("cases.csv", 3, 33, 36),
        ("cases.csv", 4, 33, 36),
    ]
    code, out, err = run("score", str(evidence), "--strict", cwd=tmp_path)
    assert (code, out) == (1, "") and "error[E122]" in err and "warning" not in err
    code, out, err = run("explain", "inspection.yaml", "B1", cwd=tmp_path)
    assert code == 0 and "warning[E122]" in err and out
    code, out, err = run("explain", "inspection.yaml", "B1", "--strict", cwd=tmp_path)
    assert (code, out) == (1, "") and "error[E122]" in err


def test_a_warning_is_shown_beside_the_errors_of_the_same_file(tmp_path: Path) -> None:
    evidence = _inspection(tmp_path, _rows(1) + LOW.replace("F02", "F03").replace("low", "lowish"))
    code, out, err = run("score", str(evidence), cwd=tmp_path)
    assert (code, out) == (1, "")
    assert "error[E114]" in err and "warning[E122]" in err and "1 error, 1 warning found" in err


def test_strict_scorer_takes_warnings_as_errors(tmp_path: Path) -> None:
    from esirules.diagnostics import DiagnosticError

    evidence = _inspection(tmp_path, _rows(1))
    with pytest.raises(DiagnosticError) as raised:
        Scorer(strict=True).score([ColumnSpec("c", (str(evidence),))])
    assert [(d.code, d.severity) for d in raised.value.diagnostics] == [("E122", "error")]


def test_warnings_are_the_same_by_every_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast CSV path keeps a file with warnings (it would otherwise be read the slow way) and
    finds the same warnings, at the same places, as the exact path; YAML cases warn alike."""
    rows = _rows(FIRST_PLACES + 1)
    folder = folder_with_ruleset(tmp_path)
    csv_path = write(folder, "cases.csv", rows)
    taken: list[str] = []
    real = load_module.read_plain_csv

    def spy(*args: object) -> object:
        table = real(*args)  # type: ignore[arg-type]
        taken.append("fast" if table is not None else "exact")
        return table

    monkeypatch.setattr(load_module, "read_plain_csv", spy)
    found = []
    for force in (0, 1 << 62):
        monkeypatch.setattr(load_module, "FAST_PATH_BYTES", force)
        found.append(load(csv_path))
    assert taken == ["fast"]
    fast, exact = found
    assert fast.warnings == exact.warnings and fast.warnings[0].count == FIRST_PLACES + 1
    cases = "".join(
        f"  - {{id: {row.split(',')[0]}, sample: february, risk_of_harm: {row.split(',')[2]},"
        f" order_type: cro, sex_offender: no, answers: {{B1.start: {row.split(',')[6] or 'null'}}}}}\n"
        for row in rows.splitlines()[1:]
    )
    yaml_path = write(folder, "e.yaml", "cases:\n" + cases + "ruleset: ruleset.esi\n")  # cases on the CSV's lines
    (from_yaml,) = load(yaml_path).warnings
    (from_csv,) = fast.warnings
    assert (from_yaml.code, from_yaml.count) == (from_csv.code, from_csv.count)
    assert from_yaml.message.replace("e.yaml", "") == from_csv.message  # the same cases, on the same lines
    assert [p.line for p in from_yaml.places] == [p.line for p in from_csv.places]
