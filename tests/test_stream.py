"""Scoring a CSV file in batches (evidence/stream.py, scoring/stream.py) gives what reading it whole gives.

Every test runs the command line twice on the same file: read whole, and read in batches of a
few rows (the size from which files are read in batches set to 0), and compares exit code,
output and diagnostics. Batches of a few hundred bytes put every case id used twice, every bad
row and every warning in a batch of its own, far from the first.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import esirules
import esirules.evidence.stream as stream
import esirules.scoring.result
from esirules.cli.main import main
from esirules.evidence.stream import CsvBatches
from esirules.scoring.batches import LISTS_NOT_KEPT
from esirules.scoring.columns import Scorer
from esirules.scoring.stream import counts_only, score_in_batches

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from generate import RULESET, generate_columns  # noqa: E402

RULES = esirules.load_ruleset(RULESET)
EVALUATOR = esirules.compile_ruleset(RULES)
EXAMPLE = REPO / "examples" / "hertfordshire" / "followup-cases.csv"
HEADINGS = list(generate_columns(RULES, 1))


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def both_ways(monkeypatch: pytest.MonkeyPatch, batch_bytes: int, *args: str) -> tuple[tuple[int, str, str], ...]:
    """The command's result with the file read whole, then in batches of `batch_bytes`."""
    whole = run(*args)
    with monkeypatch.context() as patched:
        patched.setattr(stream, "STREAM_BYTES", 0)
        patched.setattr(stream, "BATCH_BYTES", batch_bytes)
        batched = run(*args)
    return whole, batched


def write(path: Path, rows: list[list[str]]) -> str:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return str(path)


def generated(n: int, seed: int) -> list[list[str]]:
    columns = generate_columns(RULES, n, seed)
    return [list(columns), *map(list, zip(*columns.values()))]


def batches_read(path: str, batch_bytes: int) -> int:
    reader = CsvBatches(path, RULES, batch_bytes=batch_bytes)
    count = sum(1 for _ in reader)
    assert not reader.whole
    return count


BAD_CELLS = {
    "id": ["C1", "C2", "", "c\tx"],
    "risk_of_harm": ["huge", "", "Low"],
    "significant_incident": ["maybe", "yes", "no"],
    "B1.start": ["maybe", "YES", "", "n/a"],
    "B1.incident": ["yes", "no"],  # answered where it does not apply (E122), or a bad row
    "sample": ["spring", "february"],
    "D4.efficient": ["yes"],  # section D is not asked of the september sample (E123)
}


# Where cells are made bad: a row (taken modulo the rows written), a column, and which bad value.
CHANGES = st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(sorted(BAD_CELLS)), st.integers(0, 3)), max_size=6)


def with_bad_cells(n: int, seed: int, changes: list[tuple[int, str, int]]) -> list[list[str]]:
    """`n` generated cases (header first) with the cells `changes` names made bad."""
    rows = generated(n, seed)
    for row, heading, choice in changes:
        values = BAD_CELLS[heading]
        rows[1 + row % n][rows[0].index(heading)] = values[choice % len(values)]
    return rows


BAD_FILES = st.builds(with_bad_cells, st.integers(1, 60), st.integers(0, 1000), CHANGES)  # rows to write


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=BAD_FILES, batch_bytes=st.integers(100, 4000), pooled=st.booleans())
def test_batches_give_what_the_whole_file_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], batch_bytes: int, pooled: bool
) -> None:
    """Sheet, warnings and errors alike, whatever cells are wrong and wherever the batches are cut."""
    path = write(tmp_path / "cases.csv", rows)
    assert batches_read(path, batch_bytes) >= 1
    args = ("score", path, "--ruleset", RULESET, "--format", "json", "--quiet", *(["--pool-samples"] if pooled else []))
    whole, batched = both_ways(monkeypatch, batch_bytes, *args)
    assert batched == whole


def test_the_bundled_example_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    assert batches_read(str(EXAMPLE), 2000) > 5
    for format_ in ("json", "table"):
        whole, batched = both_ways(
            monkeypatch, 2000, "score", str(EXAMPLE), "--ruleset", RULESET, "--format", format_, "--quiet"
        )
        assert whole[0] == 0 and batched == whole


def test_bad_rows_in_late_batches_are_all_reported_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = generated(400, 5)
    rows[390][rows[0].index("B1.start")] = "maybe"
    rows[395][rows[0].index("risk_of_harm")] = "huge"
    rows[399][0] = rows[3][0]  # a case id used at line 4 too
    rows[398][0] = rows[397][0]  # and twice in the same batch
    path = write(tmp_path / "cases.csv", rows)
    assert batches_read(path, 3000) > 30
    whole, batched = both_ways(monkeypatch, 3000, "score", path, "--ruleset", RULESET, "--quiet")
    assert batched == whole
    code, out, err = batched
    assert code == 1 and out == ""
    for line, code_ in [(391, "E121"), (396, "E114"), (399, "E110"), (400, "E110")]:
        assert f"error[{code_}]" in err and f"cases.csv:{line}:" in err
    assert "it is also at line 4;" in err and "it is also at line 398;" in err
    assert "4 errors found" in err


def test_hashes_that_agree_for_different_ids_report_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every id hashed alike: the file is read again, and no case id is used twice."""
    path = write(tmp_path / "cases.csv", generated(300, 1))
    monkeypatch.setattr(stream, "hash", lambda case: 7, raising=False)
    whole, batched = both_ways(monkeypatch, 2000, "score", path, "--ruleset", RULESET, "--format", "json", "--quiet")
    assert batched == whole and whole[0] == 0


def test_a_file_whose_pieces_cannot_stand_alone_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = generated(200, 2)
    path = tmp_path / "cases.csv"
    write(path, rows)
    text = path.read_text(encoding="utf-8").replace("\nC150,", '\n"C150",', 1)
    text = text.replace(",partly,", ',"part\nly",', 1)  # a quoted cell over two lines
    path.write_text(text, encoding="utf-8")
    reader = CsvBatches(str(path), RULES, batch_bytes=1000)
    list(reader)
    assert reader.whole
    assert score_in_batches(str(path), EVALUATOR, batch_bytes=1000) is None
    whole, batched = both_ways(monkeypatch, 1000, "score", str(path), "--ruleset", RULESET, "--quiet")
    assert batched == whole and whole[0] == 1  # (`part\nly` is no answer)


def test_counts_only_keep_no_case_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    found = score_in_batches(str(EXAMPLE), EVALUATOR, batch_bytes=1000)
    assert found is not None
    evidence, partials = found
    assert len(evidence.cases) == 0 and evidence.summary is not None
    assert sum(evidence.summary.samples.values()) == len(esirules.load_evidence(str(EXAMPLE), RULES).cases)
    assert set(partials) == {None, "february", "september"}
    assert all(len(p.case_ids) == 0 and not p.lists for p in partials.values())
    column = esirules.finish(partials["february"], evaluator=EVALUATOR)
    question = next(q for c in column.criteria.values() for q in c.questions if q.met)
    assert len(question.met_cases) == question.met
    with pytest.raises(ValueError, match="not kept"):
        tuple(question.met_cases)
    assert "explain" in LISTS_NOT_KEPT
    whole = esirules.score_batch(EVALUATOR, esirules.load_evidence(str(EXAMPLE), RULES))
    with pytest.raises(ValueError, match="counts alone"):
        esirules.merge([whole, partials[None]])
    merged = esirules.merge([counts_only(whole), counts_only(whole)])
    assert {q: t.met for q, t in merged.questions.items()} == {q: 2 * t.met for q, t in whole.questions.items()}


def test_the_scorer_reads_a_large_csv_file_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "STREAM_BYTES", EXAMPLE.stat().st_size)
    scorer = Scorer(batches=True)
    columns, _ = _columns(scorer)
    results = scorer.score(columns)
    assert list(scorer.batched) == [(str(EXAMPLE), RULESET)]
    monkeypatch.setattr(stream, "STREAM_BYTES", EXAMPLE.stat().st_size + 1)
    other = Scorer(batches=True)
    whole = other.score(_columns(other)[0])
    assert not other.batched
    assert [(r.label, r.cases, r.overall) for r in results] == [(r.label, r.cases, r.overall) for r in whole]


def test_only_a_scorer_for_figures_reads_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """`esirules explain` lists cases, so its scorer reads every file whole."""
    monkeypatch.setattr(stream, "STREAM_BYTES", 0)
    scorer = Scorer()
    scorer.score(_columns(scorer)[0])
    assert not scorer.batched
    code, out, _ = run("explain", str(EXAMPLE), "B1", "--ruleset", RULESET, "--sample", "february")
    assert code == 0 and "not met (21): F01, F02, F04" in out


def _columns(scorer: Scorer):  # type: ignore[no-untyped-def]
    from esirules.cli.score import columns_from_arguments

    arguments = argparse.Namespace(evidence=[str(EXAMPLE)], ruleset=RULESET, sample=None, merge=False, pool_samples=False)
    return columns_from_arguments(arguments, scorer)


def test_progress_counts_the_file_read(tmp_path: Path) -> None:
    path = write(tmp_path / "cases.csv", generated(3000, 4))  # about a megabyte

    class Recorded:
        def __init__(self) -> None:
            self.tasks: list[tuple[str, int | None, list[int]]] = []

        def task(self, description: str, total: int | None = None) -> Recorded:
            self.tasks.append((description, total, []))
            return self

        def __enter__(self) -> Recorded:
            return self

        def __exit__(self, *_: object) -> None:
            return None

        def advance(self, steps: int = 1) -> None:
            self.tasks[-1][2].append(steps)

    progress = Recorded()
    assert score_in_batches(path, EVALUATOR, progress=progress, batch_bytes=50_000) is not None
    ((description, total, steps),) = progress.tasks
    assert description == "scoring cases.csv in batches (MB read)"
    assert total == 1 and len(steps) > 10 and sum(steps) == 1


def test_the_code_in_docs_scale_for_a_large_file_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/scale.md's batches in one process (its fourth Python block) give the column of the file read whole."""
    blocks = re.findall(
        r"^```python\n(.*?)^```$", (REPO / "docs" / "scale.md").read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL
    )
    (code,) = [block for block in blocks if "score_in_batches" in block]
    write(tmp_path / "cases.csv", generated(500, 6))
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {"esirules": esirules, "evaluator": EVALUATOR}
    exec(code, scope)
    whole = esirules.finish(esirules.score_batch(EVALUATOR, esirules.load_evidence("cases.csv", RULES), "february"))
    column = scope["column"]
    assert isinstance(column, esirules.scoring.result.ColumnResult)
    assert column.criteria.keys() == whole.criteria.keys()
    for cid, criterion in whole.criteria.items():
        assert (column.criteria[cid].value, column.criteria[cid].grade) == (criterion.value, criterion.grade)
        assert [(q.met, q.applicable) for q in column.criteria[cid].questions] == [
            (q.met, q.applicable) for q in criterion.questions
        ]
