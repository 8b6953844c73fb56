"""Batches: partial results of any split of the cases merge into exactly the whole inspection's result."""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import esirules
import esirules.scoring.result
from esirules.cli.main import main
from esirules.evidence.cases import Evidence

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from generate import RULESET, generate, generate_columns, write_csv  # noqa: E402

RULES = esirules.load_ruleset(RULESET)
EVALUATOR = esirules.compile_ruleset(RULES)
N_CASES = 240


@pytest.fixture(scope="module")
def inspection(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """A generated inspection: every attribute kind, both samples, excluded cases, blanks and n/a."""
    directory = tmp_path_factory.mktemp("batches")
    return esirules.load_evidence(generate(str(directory), N_CASES, seed=3)["yaml"], RULES)


def batch(whole: Evidence, mask: np.ndarray) -> Evidence:  # type: ignore[type-arg]
    """The cases of `mask` as evidence of their own (same file, ratings and target data)."""
    return Evidence(
        whole.path, whole.content_hash, whole.ruleset_ref, whole.cases.take(mask), whole.ratings, whole.measures,
        whole.adjustments, whole.title,
    )


@settings(max_examples=25, deadline=None)
@given(
    assignment=st.lists(st.integers(0, 3), min_size=N_CASES, max_size=N_CASES),
    sample=st.sampled_from([None, "february", "september"]),
    pairwise=st.booleans(),
)
def test_merged_batches_equal_the_whole(
    inspection: Evidence, assignment: list[int], sample: str | None, pairwise: bool
) -> None:
    whole = esirules.finish(esirules.score_batch(EVALUATOR, inspection, sample))
    labels = np.array(assignment)
    partials = [
        esirules.score_batch(EVALUATOR, batch(inspection, labels == k), sample)
        for k in range(4)
        if (labels == k).any()
    ]
    if pairwise:  # merging merged partials, as a distributed reduce does
        while len(partials) > 1:
            partials = [esirules.merge(partials[i : i + 2]) for i in range(0, len(partials), 2)]
    same_column(esirules.finish(esirules.merge(partials)), whole)


def same_column(one: esirules.scoring.result.ColumnResult, other: esirules.scoring.result.ColumnResult) -> None:
    """Equal results, the case lists read in full."""
    assert one == other
    for cid, criterion in other.criteria.items():
        for mine, theirs in zip(one.criteria[cid].questions, criterion.questions):
            assert tuple(mine.met_cases) == tuple(theirs.met_cases)
            assert tuple(mine.not_met_cases) == tuple(theirs.not_met_cases)
            assert [(g.cause, g.cause.span, tuple(g.cases)) for g in mine.not_applicable] == [
                (g.cause, g.cause.span, tuple(g.cases)) for g in theirs.not_applicable
            ]
    assert [(g.cause, g.cause.span, tuple(g.cases)) for g in one.excluded_cases] == [
        (g.cause, g.cause.span, tuple(g.cases)) for g in other.excluded_cases
    ]


def round_trip(partial: object) -> object:
    return pickle.loads(pickle.dumps(partial))


@settings(max_examples=15, deadline=None)
@given(
    assignment=st.lists(st.integers(0, 3), min_size=N_CASES, max_size=N_CASES),
    sample=st.sampled_from([None, "february", "september"]),
)
def test_pickled_partials_merge_into_the_whole(inspection: Evidence, assignment: list[int], sample: str | None) -> None:
    """A partial is data only: pickled and unpickled (as between processes), merged in a tree whose
    merged partials are pickled again, then finished without the evaluator, it gives the whole."""
    whole = esirules.finish(esirules.score_batch(EVALUATOR, inspection, sample))
    labels = np.array(assignment)
    partials = [
        round_trip(esirules.score_batch(EVALUATOR, batch(inspection, labels == k), sample))
        for k in range(4)
        if (labels == k).any()
    ]
    while len(partials) > 1:
        partials = [round_trip(esirules.merge(partials[i : i + 2])) for i in range(0, len(partials), 2)]  # type: ignore[arg-type]
    (total,) = partials
    assert total.ruleset is not RULES and total.ruleset == RULES  # type: ignore[attr-defined]
    same_column(esirules.finish(total), whole)  # type: ignore[arg-type]


def test_a_merged_partial_is_about_the_size_of_one_batch(inspection: Evidence) -> None:
    """Questions reading the same coded answers share them after a merge as in one batch: merging
    8 batches once copied each shared column once per question (over 6 times one batch's size)."""
    whole = len(pickle.dumps(esirules.score_batch(EVALUATOR, inspection)))
    eighths = [batch(inspection, np.arange(N_CASES) % 8 == k) for k in range(8)]
    merged = esirules.merge(esirules.score_batch(EVALUATOR, part) for part in eighths)
    assert len(pickle.dumps(merged)) < 1.5 * whole


def test_batches_scored_in_other_processes_merge_into_the_whole(inspection: Evidence) -> None:
    """The evaluator and the evidence go to fresh processes, the partials come back; nothing is shared."""
    halves = [np.arange(N_CASES) % 2 == k for k in range(2)]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(esirules.score_batch, EVALUATOR, batch(inspection, half), "february") for half in halves]
        partials = [future.result() for future in futures]
    merged = esirules.finish(esirules.merge(partials), evaluator=EVALUATOR)
    same_column(merged, esirules.finish(esirules.score_batch(EVALUATOR, inspection, "february")))


def test_finish_refuses_an_evaluator_of_another_ruleset(inspection: Evidence) -> None:
    other = esirules.compile_ruleset(esirules.load_ruleset(str(REPO / "rulesets" / "esi-2003.esi")))
    with pytest.raises(ValueError, match="not of the ruleset"):
        esirules.finish(esirules.score_batch(EVALUATOR, inspection), evaluator=other)


def test_case_lists_are_in_natural_order(inspection: Evidence) -> None:
    column = esirules.finish(esirules.score_batch(EVALUATOR, inspection))
    met = list(column.criteria["B1"].questions[0].met_cases)
    assert met == sorted(met, key=lambda case: int(case[1:]))
    assert len(met) == column.criteria["B1"].questions[0].met


def score_json(arguments: list[str]) -> dict[str, object]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["score", "--ruleset", RULESET, "--format", "json", "--quiet", *arguments]) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_cli_merge_of_two_csv_halves_equals_the_whole(tmp_path: Path) -> None:
    columns = generate_columns(RULES, 300, seed=5)
    write_csv(str(tmp_path / "whole.csv"), columns)
    halves = []
    for name, part in (("first.csv", slice(0, 137)), ("second.csv", slice(137, None))):
        write_csv(str(tmp_path / name), {field: cells[part] for field, cells in columns.items()})
        halves.append(str(tmp_path / name))
    whole = score_json([str(tmp_path / "whole.csv")])
    merged = score_json(["--merge", *halves])
    # The cases belong to two samples: a column of each, from the whole file as from its halves.
    assert [c["label"] for c in merged["columns"]] == [c["label"] for c in whole["columns"]] == [
        "february",
        "september",
    ]
    assert all(c["evidence"]["path"].endswith("first.csv; " + halves[1]) for c in merged["columns"])
    for whole_column, merged_column in zip(whole["columns"], merged["columns"], strict=True):
        for column in (whole_column, merged_column):
            del column["label"], column["evidence"]
        assert merged_column == whole_column
        assert whole_column["criteria"]["B1"]["value"] is not None
