"""The columnar CSV reader (pyarrow), the csv-module reader and the YAML/JSON reader give the same cases.

The fast path is used for large files only; here it is forced for small ones by setting
`esirules.evidence.load.FAST_PATH_BYTES` to 0. Every problem sends a file down the exact path, so
diagnostics are the same whichever path a file starts on.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from builders import AGE, ANSWER, ORDER, RISK, SEX_OFFENDER, numerical, question, ruleset, section
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esirules.diagnostics import DiagnosticError
from esirules.evidence import load
from esirules.evidence import read_arrow as load_arrow
from esirules.evidence.cases import Cases, Evidence
from esirules.evidence.load import load_evidence
from esirules.language import model as m
from esirules.language.check import load_ruleset

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from generate import RULESET, generate, generate_columns, write_csv  # noqa: E402

RULES = load_ruleset(RULESET)


class Paths:
    """Which path read each CSV file."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.fast: list[str] = []
        real = load_arrow.read_plain_csv

        def spy(file: str, data: bytes, vocab: Any, *text: Any) -> Any:
            table = real(file, data, vocab, *text)
            if table is not None:
                self.fast.append(file)
            return table

        monkeypatch.setattr(load, "read_plain_csv", spy)
        self.monkeypatch = monkeypatch

    def fast_path(self) -> None:
        self.monkeypatch.setattr(load, "FAST_PATH_BYTES", 0)

    def exact_path(self) -> None:
        self.monkeypatch.setattr(load, "FAST_PATH_BYTES", 1 << 62)


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> Paths:
    return Paths(monkeypatch)


def both(path: str, rules: m.Ruleset, paths: Paths) -> tuple[Evidence, Evidence]:
    """The evidence read by the fast path (asserting it was used) and by the exact path."""
    paths.fast_path()
    fast = load_evidence(path, rules)
    assert paths.fast, "the fast path was not taken"
    paths.exact_path()
    exact = load_evidence(path, rules)
    return fast, exact


def assert_same(a: Cases, b: Cases, lines: bool = True) -> None:
    assert a.same_as(b)
    if lines:
        assert [(loc.file, loc.line, loc.case) for loc in a.locations] == [
            (loc.file, loc.line, loc.case) for loc in b.locations
        ]
    for question_id in a.answers:
        assert np.array_equal(a.answer_counts(question_id), b.answer_counts(question_id))


# ---------------------------------------------------------------------------------------------
# Generated inspections of the follow-up ruleset


def test_fast_and_exact_paths_agree_on_a_generated_inspection(tmp_path: Path, paths: Paths) -> None:
    generated = generate(str(tmp_path), 400, seed=11)
    fast, exact = both(generated["csv"], RULES, paths)
    assert_same(fast.cases, exact.cases)
    assert fast.content_hash == exact.content_hash


@pytest.mark.parametrize("choice", ["ignored", "warned", "refused"])
def test_answers_to_questions_that_do_not_apply_read_the_same_by_both_paths(
    choice: str, tmp_path: Path, paths: Paths
) -> None:
    """The generated cases answer questions that do not apply to them (as exports do); whatever
    the ruleset says of such answers (the benchmark's ignores them), both paths agree."""
    rules = attrs.evolve(RULES, answers_not_applying=m.AnswersNotApplying(choice))  # type: ignore[arg-type]
    generated = generate(str(tmp_path), 400, seed=11)
    paths.fast_path()
    try:
        fast: Evidence | list[tuple[str, int, str]] = load_evidence(generated["csv"], rules)
    except DiagnosticError as error:
        fast = [(d.code, d.span.line, d.message) for d in error.diagnostics]
    assert paths.fast, "the fast path was not taken"
    paths.exact_path()
    try:
        exact: Evidence | list[tuple[str, int, str]] = load_evidence(generated["csv"], rules)
    except DiagnosticError as error:
        exact = [(d.code, d.span.line, d.message) for d in error.diagnostics]
    if choice == "refused":
        assert fast == exact and {code for code, *_ in exact} == {"E126"}  # type: ignore[union-attr]
        return
    assert isinstance(fast, Evidence) and isinstance(exact, Evidence)
    assert_same(fast.cases, exact.cases)
    assert fast.warnings == exact.warnings
    assert [w.code for w in exact.warnings] == ([] if choice == "ignored" else ["E122"] * len(exact.warnings))
    assert choice == "ignored" or sum(w.count for w in exact.warnings) > 400  # (about one a case)


def test_csv_and_json_give_the_same_cases(tmp_path: Path, paths: Paths) -> None:
    generated = generate(str(tmp_path), 300, seed=12)
    paths.fast_path()
    from_csv = load_evidence(generated["yaml"], RULES)
    from_json = load_evidence(generated["json"], RULES)
    assert paths.fast
    assert_same(from_csv.cases, from_json.cases, lines=False)
    assert from_csv.ratings == from_json.ratings


def test_quoted_cells_and_crlf_line_ends_read_the_same(tmp_path: Path, paths: Paths) -> None:
    columns = generate_columns(RULES, 200, seed=13)
    plain = tmp_path / "plain.csv"
    write_csv(str(plain), columns)
    quoted = tmp_path / "quoted.csv"
    with open(quoted, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(zip(*columns.values()))
    fast, exact = both(str(quoted), RULES, paths)
    assert_same(fast.cases, exact.cases)
    paths.exact_path()
    assert load_evidence(str(plain), RULES).cases.same_as(fast.cases)


# ---------------------------------------------------------------------------------------------
# Every attribute kind, spellings, blanks, n/a and quotes, by property

SAMPLES = (m.Sample("feb", "February"), m.Sample("sep", "September"))
QUESTIONS = ("B1.1", "B1.2", "B1.3")
SMALL = ruleset(
    [section("B", [numerical("B1", [question(q) for q in QUESTIONS])])], samples=SAMPLES
)
ATTRIBUTE_TEXTS = {
    RISK.name: ["low", "medium", "High", " very high ", "VERY HIGH"],
    ORDER.name: ["cro", "CPO", "licence"],
    SEX_OFFENDER.name: ["yes", "no", "Y", "n", "true", "False", "1", "0"],
    AGE.name: ["16", "42", "99", "17.5", " 30 "],
}
ANSWER_TEXTS = ["yes", "partly", "no", "Yes", " no ", "n/a", "N/A", "not applicable", ""]
assert ANSWER.not_applicable == "n/a"


@st.composite
def tables(draw: st.DrawFn) -> list[dict[str, str]]:
    n = draw(st.integers(1, 30))
    numbers = draw(st.permutations(range(1, n + 1)))
    rows = []
    for number in numbers:
        row = {"id": f"c{number}", "sample": draw(st.sampled_from(["feb", "sep", "Feb", "", "february"]))}
        for name, texts in ATTRIBUTE_TEXTS.items():
            row[name] = draw(st.sampled_from([*texts, ""]))
        for q in QUESTIONS:
            row[q] = draw(st.sampled_from(ANSWER_TEXTS))
        rows.append(row)
    return rows


def write_table(directory: Path, rows: list[dict[str, str]], quote_all: bool, crlf: bool) -> tuple[str, str]:
    csv_path = directory / "cases.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, list(rows[0]), quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
            lineterminator="\r\n" if crlf else "\n",
        )
        writer.writeheader()
        writer.writerows(rows)
    cases = []
    for row in rows:
        case: dict[str, Any] = {k: v for k, v in row.items() if k not in QUESTIONS and v != ""}
        case["answers"] = {q: row[q] for q in QUESTIONS if row[q] != "" or q == "B1.3"}
        cases.append(case)
    json_path = directory / "cases.json"
    json_path.write_text(json.dumps({"cases": cases}, indent=1), encoding="utf-8")
    return str(csv_path), str(json_path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=tables(), quote_all=st.booleans(), crlf=st.booleans())
def test_every_attribute_kind_reads_the_same_by_every_path(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[dict[str, str]],
    quote_all: bool,
    crlf: bool,
) -> None:
    directory = tmp_path_factory.mktemp("table")
    csv_path, json_path = write_table(directory, rows, quote_all, crlf)
    results = []
    for force in (0, 1 << 62, None):
        if force is not None:
            monkeypatch.setattr(load, "FAST_PATH_BYTES", force)
        try:
            results.append(load_evidence(csv_path if force is not None else json_path, SMALL).cases)
        except DiagnosticError as error:  # "february" is no sample here: every path must say so
            results.append([(d.code, d.message) for d in error.diagnostics])  # type: ignore[arg-type]
    fast, exact, from_json = results
    if isinstance(exact, list):
        assert fast == exact
        assert isinstance(from_json, list) and {c for c, _ in from_json} == {c for c, _ in exact}
        return
    assert isinstance(fast, Cases) and isinstance(from_json, Cases)
    data = Path(csv_path).read_bytes()
    assert load_arrow.read_plain_csv(csv_path, data, load.vocabulary(SMALL)) is not None  # it was fast
    assert_same(fast, exact)
    assert_same(fast, from_json, lines=False)


# ---------------------------------------------------------------------------------------------
# Any problem: the exact path's diagnostics, whichever path the file started on

GOOD = "id,sample,B1.1\nc1,feb,yes\nc2,sep,no\n"
BAD_FILES = {
    "unknown answer": "id,sample,B1.1\nc1,feb,yes\nc2,sep,maybe\n",
    "row too wide": "id,sample,B1.1\nc1,feb,yes,extra\nc2,sep,no\n",
    "cell over two lines": 'id,sample,B1.1\nc1,feb,"ye\ns"\nc2,sep,no\n',
    "text after a closing quote": 'id,sample,B1.1\nc1,feb,"yes"x\nc2,sep,no\n',
    "unclosed quote": 'id,sample,B1.1\nc1,feb,"yes\nc2,sep,no\n',
    "blank line": "id,sample,B1.1\n\nc1,feb,maybe\nc2,sep,no\n",
    "duplicate id": "id,sample,B1.1\nc1,feb,yes\nc1,sep,no\n",
    "unknown column": "id,sample,B1.1,colour\nc1,feb,yes,red\n",
    "missing id": "id,sample,B1.1\n,feb,yes\nc2,sep,no\n",
    "lone carriage returns": "id,sample,B1.1\rc1,feb,yes\rc2,sep,maybe\r",
    "semicolons": "id;sample;B1.1\nc1;feb;yes\n",
}


ODD_FILES = {
    "carriage return before a line end": "id,sample,B1.1\r\r\nc1,feb,yes\r\r\nc2,sep,no\r\n",
    "mixed line ends": "id,sample,B1.1\r\nc1,feb,yes\nc2,sep,no\r\n",
    "no line end at the end": "id,sample,B1.1\nc1,feb,yes\nc2,sep,no",
    "byte order mark": "\ufeffid,sample,B1.1\nc1,feb,yes\nc2,sep,no\n",
    "quoted header and cells": '"id","sample","B1.1"\n"c1","feb","yes"\n"c2","sep",""\n',
    "doubled quotes": 'id,sample,B1.1\n"c""1",feb,yes\nc2,sep,no\n',
    "blank row at the end": "id,sample,B1.1\nc1,feb,yes\nc2,sep,no\n,,\n",
    "spaces around cells": "id,sample,B1.1\n c1 , feb , Yes \nc2,sep,no\n",
}


@pytest.mark.parametrize("name", sorted(ODD_FILES))
def test_odd_files_read_the_same_by_both_paths(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(ODD_FILES[name].encode())
    outcomes: list[object] = []
    for force in (0, 1 << 62):
        monkeypatch.setattr(load, "FAST_PATH_BYTES", force)
        try:
            cases = load_evidence(str(path), SMALL).cases
            outcomes.append((cases, [(loc.line, loc.case) for loc in cases.locations]))
        except DiagnosticError as error:
            outcomes.append([(d.code, d.message, d.span, d.help) for d in error.diagnostics])
    fast, exact = outcomes
    if isinstance(exact, list):
        assert fast == exact
    else:
        assert isinstance(fast, tuple) and isinstance(exact, tuple)
        assert fast[0].same_as(exact[0]) and fast[1] == exact[1]


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_problems_are_reported_the_same_by_both_paths(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(BAD_FILES[name].encode())
    reports = []
    for force in (0, 1 << 62):
        monkeypatch.setattr(load, "FAST_PATH_BYTES", force)
        with pytest.raises(DiagnosticError) as raised:
            load_evidence(str(path), SMALL)
        reports.append([(d.code, d.message, d.span, d.help) for d in raised.value.diagnostics])
    assert reports[0] == reports[1]
    assert reports[0]


def test_a_good_small_file_takes_the_fast_path_when_forced(tmp_path: Path, paths: Paths) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(GOOD, encoding="utf-8")
    fast, exact = both(str(path), SMALL, paths)
    assert_same(fast.cases, exact.cases)


def test_short_rows_are_read_by_the_exact_path_without_a_problem(tmp_path: Path, paths: Paths) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("id,sample,B1.1\nc1,feb\nc2,sep,no\n", encoding="utf-8")  # a spreadsheet's trailing blank
    paths.fast_path()
    short = load_evidence(str(path), SMALL)
    assert not paths.fast  # pyarrow refuses the row; the csv module pads it
    padded = tmp_path / "padded.csv"
    padded.write_text("id,sample,B1.1\nc1,feb,\nc2,sep,no\n", encoding="utf-8")
    assert short.cases.same_as(load_evidence(str(padded), SMALL).cases)
