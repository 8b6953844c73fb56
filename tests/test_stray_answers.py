"""Answers to questions that do not apply, as the ruleset says (issue 15, point 6).

`answers to questions that do not apply: ignored | ignored with a warning | refused` decides what
becomes of an answer recorded for a case a question's `applies when` leaves out: never counted;
`ignored` says nothing, `ignored with a warning` (the default) warns once per question (E122),
`refused` gives one error per question (E126) and nothing is scored. Each choice is read the same
by every path evidence takes: CSV (exact, and by columns for a file of 1 MB or more), JSON and
YAML (their fast scanners, and the exact path), and a CSV file scored in batches; with `ignored` a
file with such answers stays on the fast paths. Then the language's side: a child ruleset's line
replaces its parent's, a second line in one file is an error (R160), `esirules fmt` keeps it,
`esirules diff` reports a change of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from evidence_helpers import folder_with_ruleset, run, write
from test_json_cases import assert_same
from test_json_cases import both as both_ways
from test_json_cases import outcome as json_outcome

import esirules.evidence.stream as stream
from esirules.diagnostics import DiagnosticError
from esirules.evidence import json_cases, load, yaml_fast
from esirules.evidence.cases import FIRST_PLACES, Evidence
from esirules.evidence.load import load_evidence
from esirules.evidence.read_arrow import FAST_PATH_BYTES
from esirules.evidence.sheet import ColumnSpec
from esirules.language.check import check_file, load_ruleset
from esirules.scoring.columns import Scorer

CHOICES = ("ignored", "ignored with a warning", "refused")
# A ruleset derived from the evidence examples' (tests/fixtures/evidence/examples.esi, where
# B1.start applies only when risk_of_harm >= high) with a second question that does not always
# apply, so that two questions get such answers.
DERIVED = """ruleset "stray-answers" version "1"
extends "ruleset.esi"
add to criterion B1 {
  question B1.sex "Work on sexual offending was planned" applies when sex_offender
}
"""
HEADER = ["id", "risk_of_harm", "order_type", "sex_offender", "age", "B1.start", "B1.review", "B1.sex"]
INSPECTION = (
    "inspection: Anyshire\nratings: {A1.visibility: good, A2.budget: good}\n"
    "measures:\n  psr_timeliness: {actual: 71, target: 90, national_average: 78}\n"
    "  sickness_absence: {actual: 10.7, target: 9, national_average: 8}\n"
)


def rows(n: int, stray: bool = True) -> list[list[str]]:
    """`n` cases; every third is high risk (B1.start applies), every fourth a sex offender (B1.sex
    applies). With `stray`, the cases they do not apply to answer them all the same."""
    out = []
    for k in range(n):
        high, sex = k % 3 == 0, k % 4 == 0
        start = "yes" if high or stray else ""
        planned = ("no" if k % 2 else "yes") if sex or stray else ""
        out.append([f"C{k + 1}", "high" if high else "low", "cro", "yes" if sex else "no", "40",
                    start, "partly" if k % 5 else "yes", planned])
    return out


def stray_count(n: int) -> dict[str, int]:
    """How many of `rows(n)` answer each question where it does not apply."""
    return {"B1.start": sum(1 for k in range(n) if k % 3), "B1.sex": sum(1 for k in range(n) if k % 4)}


def folder(tmp_path: Path, choice: str | None, name: str = "f") -> Path:
    """A folder holding the examples' ruleset and `stray.esi`, derived from it, making `choice`."""
    here = folder_with_ruleset(tmp_path / name)
    line = "" if choice is None else f"answers to questions that do not apply: {choice}\n"
    write(here, "stray.esi", DERIVED + line)
    return here


def csv_text(cases: list[list[str]]) -> str:
    return "".join(",".join(row) + "\n" for row in [HEADER, *cases])


def records(cases: list[list[str]]) -> list[dict[str, Any]]:
    out = []
    for row in cases:
        case: dict[str, Any] = dict(zip(HEADER[:5], row[:5]))
        case["answers"] = {q: a for q, a in zip(HEADER[5:], row[5:]) if a}
        out.append(case)
    return out


def outcome(path: Path) -> Evidence | list[tuple[str, str, str, int, int, str | None]]:
    return json_outcome(path, load_ruleset(str(path.parent / "stray.esi")))


def assert_as_chosen(found: Any, choice: str, counts: dict[str, int]) -> None:
    """What each choice gives: no warning, one E122 warning or one E126 error per question."""
    if choice == "refused":
        assert isinstance(found, list)
        assert [(code, severity) for code, severity, *_ in found] == [("E126", "error")] * 2
        for (_, _, message, *_), (question, count) in zip(sorted(found, key=lambda d: d[2]), sorted(counts.items())):
            assert f"question `{question}` does not apply to {count} cases" in message
        return
    assert isinstance(found, Evidence)
    if choice == "ignored":
        assert found.warnings == ()
    else:
        assert [(w.code, w.count) for w in found.warnings] == [("E122", counts["B1.start"]), ("E122", counts["B1.sex"])]


def both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, int]:
    """Read with the fast CSV, JSON and YAML readers allowed (and how many files they read), then exactly."""
    readers = ((json_cases, "read_json_cases"), (yaml_fast, "read_yaml_cases"), (load, "read_plain_csv"))
    return both_ways(path, monkeypatch, *readers, rules=load_ruleset(str(path.parent / "stray.esi")))


# ---------------------------------------------------------------------------------------------
# Each choice by every path


@pytest.mark.parametrize("choice", CHOICES)
@pytest.mark.parametrize("form", ["json", "yaml"])
def test_json_and_yaml_read_the_same_by_the_fast_and_the_exact_path(
    choice: str, form: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = folder(tmp_path, choice)
    cases = records(rows(40))
    if form == "json":
        path = write(here, "inspection.json", json.dumps({**yaml.safe_load(INSPECTION), "ruleset": "stray.esi",
                                                         "cases": cases}))
    else:
        listed = yaml.safe_dump({"cases": cases}, sort_keys=False)  # in block style, as yaml_fast reads
        path = write(here, "inspection.yaml", INSPECTION + "ruleset: stray.esi\n" + listed)
    again: list[bool] = []  # each time the file is read again the exact way

    class Load(load._Load):
        def __init__(self, *args: Any, fast: bool = False, **options: Any):
            again.append(not fast)
            super().__init__(*args, fast=fast, **options)

    monkeypatch.setattr(load, "_Load", Load)
    fast, exact, taken = both(path, monkeypatch)
    assert_as_chosen(exact, choice, stray_count(40))
    assert_same(fast, exact)
    # Ignored, such answers keep a file on the fast path; a warning or an error sends it the exact way.
    assert taken == 1 and again[:2] == [False, choice != "ignored"]


@pytest.mark.parametrize("choice", CHOICES)
def test_a_small_csv_file_read_exactly(choice: str, tmp_path: Path) -> None:
    here = folder(tmp_path, choice)
    write(here, "cases.csv", csv_text(rows(30)))
    path = write(here, "inspection.yaml", INSPECTION + "ruleset: stray.esi\ncases: cases.csv\n")
    found = outcome(path)
    assert_as_chosen(found, choice, stray_count(30))
    if choice == "refused":  # the first places of each question, as E122 lists them
        start = next(d for d in found if "`B1.start`" in d[2])  # type: ignore[union-attr]
        listed = ", ".join(f"`C{k + 1}` (line {k + 2})" for k in [k for k in range(30) if k % 3][:FIRST_PLACES])
        assert start[2] == f"question `B1.start` does not apply to 20 cases, but they answer it: {listed} and 15 more"
        assert (start[3], start[4]) == (3, 18)  # C2's answer to B1.start
        assert "ruleset `stray-answers` refuses answers where a question does not apply" in (start[5] or "")


@pytest.mark.parametrize("choice", CHOICES)
def test_a_csv_file_of_a_megabyte_reads_by_columns_as_exactly(
    choice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = folder(tmp_path, choice)
    n = 32_000
    cases = write(here, "cases.csv", csv_text(rows(n)))
    assert cases.stat().st_size >= FAST_PATH_BYTES  # a file the fast path is for, unforced
    path = write(here, "inspection.yaml", INSPECTION + "ruleset: stray.esi\ncases: cases.csv\n")
    fast, exact, taken = both(path, monkeypatch)
    assert_as_chosen(exact, choice, stray_count(n))
    assert_same(fast, exact)
    assert taken == 1  # (read by columns first; a refused file is then read again exactly, to report)


@pytest.mark.parametrize("choice", CHOICES)
def test_a_csv_file_scored_in_batches_gives_what_it_gives_whole(
    choice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = folder(tmp_path, choice)
    write(here, "cases.csv", csv_text(rows(400)))
    args = ("score", "cases.csv", "--ruleset", "stray.esi", "--format", "json", "--quiet")
    whole = run(*args, cwd=here)
    with monkeypatch.context() as patched:
        patched.setattr(stream, "STREAM_BYTES", 0)
        patched.setattr(stream, "BATCH_BYTES", 1500)  # some 40 batches
        batched = run(*args, cwd=here)
    assert batched == whole
    code, out, err = whole
    if choice == "refused":
        assert (code, out) == (1, "") and err.count("error[E126]") == 2 and "warning" not in err
    elif choice == "ignored":
        assert code == 0 and "E122" not in err and "E126" not in err  # (E211: no item is rated)
        assert all(w["code"] != "E122" for w in json.loads(out)["columns"][0].get("warnings", []))
    else:
        assert code == 0 and err.count("warning[E122]") == 2
        counts = [w["count"] for w in json.loads(out)["columns"][0]["warnings"] if w["code"] == "E122"]
        assert counts == [stray_count(400)["B1.start"], stray_count(400)["B1.sex"]]


# ---------------------------------------------------------------------------------------------
# What is scored


def test_the_figures_are_those_of_blank_answers_whatever_the_choice(tmp_path: Path) -> None:
    """Ignored or warned of, the answers count for nothing: the figures are those of the same cases
    with the answers left blank (under the default); only the warnings differ."""
    results = {}
    for choice, stray in (("ignored", True), ("ignored with a warning", True), (None, False)):
        here = folder(tmp_path, choice, name=str(choice))
        write(here, "cases.csv", csv_text(rows(60, stray=stray)))
        path = write(here, "inspection.yaml", INSPECTION + "ruleset: stray.esi\ncases: cases.csv\n")
        (results[choice],) = Scorer().score([ColumnSpec("c", (str(path),))])
    ignored, warned, blank = results["ignored"], results["ignored with a warning"], results[None]
    assert ignored.criteria["B1"].value is not None
    for result in (ignored, warned):
        assert result.criteria == blank.criteria and result.sections == blank.sections
        assert result.overall == blank.overall
    assert ignored.warnings == () and blank.warnings == ()
    assert [w.code for w in warned.warnings] == ["E122", "E122"]
    moved = attrs.evolve(warned, warnings=(), ruleset=ignored.ruleset, evidence=ignored.evidence)  # (other files)
    assert moved == ignored


def test_refused_answers_stop_the_command_listing_every_question_and_nothing_is_written(tmp_path: Path) -> None:
    here = folder(tmp_path, "refused")
    write(here, "cases.csv", csv_text([*rows(12), ["X1", "high", "cro", "no", "40", "perhaps", "yes", ""]]))
    write(here, "inspection.yaml", INSPECTION + "ruleset: stray.esi\ncases: cases.csv\n")
    for command in (("score", "inspection.yaml"), ("explain", "inspection.yaml", "B1")):
        code, out, err = run(*command, cwd=here)
        assert (code, out) == (1, "")
        assert "error[E126]: question `B1.start` does not apply to 8 cases" in err
        assert "error[E126]: question `B1.sex` does not apply to 9 cases" in err
        assert "error[E121]" in err and "3 errors found" in err  # with the other problems of the file
    write(here, "cases.csv", csv_text(rows(12, stray=False)))
    code, out, err = run("score", "inspection.yaml", cwd=here)
    assert code == 0 and out and err == ""  # blanked, the evidence is scored


def test_without_the_line_answers_are_ignored_with_a_warning(tmp_path: Path) -> None:
    here = folder(tmp_path, None)
    assert load_ruleset(str(here / "stray.esi")).answers_not_applying.choice == "warned"
    write(here, "cases.csv", csv_text(rows(30)))
    assert_as_chosen(outcome(write(here, "i.yaml", INSPECTION + "ruleset: stray.esi\ncases: cases.csv\n")),
                     "ignored with a warning", stray_count(30))


# ---------------------------------------------------------------------------------------------
# The declaration


def test_a_child_ruleset_replaces_its_parents_choice_or_takes_it(tmp_path: Path) -> None:
    here = folder(tmp_path, "refused")  # stray.esi refuses them
    base = 'extends "stray.esi"\n'
    write(here, "child.esi", 'ruleset "child" version "1"\n' + base + "answers to questions that do not apply: ignored\n")
    write(here, "same.esi", 'ruleset "same" version "1"\n' + base)
    child, same = (load_ruleset(str(here / name)) for name in ("child.esi", "same.esi"))
    assert child.answers_not_applying.choice == "ignored" and child.answers_not_applying.span.line == 3
    assert same.answers_not_applying.choice == "refused"
    assert same.answers_not_applying.span.file.endswith("stray.esi")
    write(here, "cases.csv", csv_text(rows(9)))
    assert load_evidence(str(here / "cases.csv"), child).warnings == ()
    with pytest.raises(DiagnosticError) as raised:
        load_evidence(str(here / "cases.csv"), same)
    assert [d.code for d in raised.value.diagnostics] == ["E126", "E126"]


def test_declared_twice_in_one_file_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    here = folder(tmp_path, "ignored")
    path = here / "stray.esi"
    path.write_text(path.read_text() + "answers to questions that do not apply: ignored with a warning\n")
    checked = check_file(str(path))
    (problem,) = checked.diagnostics
    assert (problem.code, problem.severity, problem.span.line) == ("R160", "error", 7)
    assert problem.message == (
        "`answers to questions that do not apply` is declared twice (`ignored` at line 6, `ignored with a warning` here)"
    )
    assert problem.help == "keep one of the two lines (6 and 7): the ruleset makes one choice"


@pytest.mark.parametrize("choice", CHOICES)
def test_fmt_keeps_the_line(choice: str, tmp_path: Path) -> None:
    here = folder(tmp_path, None)
    messy = DERIVED + f"answers   to questions that do\n  not apply :{choice.replace(' ', '  ')}   # as exported\n"
    path = write(here, "messy.esi", messy)
    assert run("fmt", str(path))[0] == 0
    formatted = path.read_text()
    assert f"answers to questions that do not apply: {choice}  # as exported\n" in formatted
    assert run("fmt", "--check", str(path))[0] == 0  # formatted once, it stays
    expected = {"ignored": "ignored", "ignored with a warning": "warned", "refused": "refused"}[choice]
    assert load_ruleset(str(path)).answers_not_applying.choice == expected


def test_diff_reports_a_change_of_the_choice(tmp_path: Path) -> None:
    here = folder(tmp_path, None)
    write(here, "ignoring.esi", DERIVED + "answers to questions that do not apply: ignored\n")
    code, out, _ = run("diff", "stray.esi", "ignoring.esi", "--format", "json", cwd=here)
    assert code == 0
    (change,) = json.loads(out)["changes"]
    assert (change["area"], change["subject"]["kind"], change["aspect"]) == (
        "ruleset", "ruleset", "answers to questions that do not apply"
    )
    assert (change["old"], change["new"]) == ("ignored with a warning", "ignored")
    assert change["new_location"]["line"] == 6
    code, out, _ = run("diff", "stray.esi", "stray.esi", cwd=here)
    assert "answers to questions" not in out


def test_the_handbook_says_what_becomes_of_such_answers(tmp_path: Path) -> None:
    said = {
        "ignored": "is not counted, and not reported.",
        "ignored with a warning": "is not counted; the evidence is scored, with a warning that lists such answers.",
        "refused": "is refused: the evidence is not scored until the answer is left blank.",
    }
    for choice, words in said.items():
        here = folder(tmp_path, choice, name=choice)
        code, out, _ = run("handbook", "stray.esi", cwd=here)
        assert code == 0
        assert f"An answer recorded for a case that a question does not apply to {words}" in out
        if choice != "ignored with a warning":  # what the derived ruleset changes from its parent
            assert f"answers to questions that do not apply ignored with a warning → {choice}" in out
