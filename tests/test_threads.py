"""Two scorings at once in two threads of one process (as in a server) do not interfere.

Each thread loads, scores, finishes and explains its own column, again and again, starting
together at a barrier; every result must equal the one the same work gives alone. Each thread
has its own progress reporter, which must hear of its own work only.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from esirules.evidence.load import load_evidence
from esirules.explain.scope import explain, resolve_target
from esirules.language.check import check_file
from esirules.render.explain_json import explanation_data
from esirules.render.sheet import sheet_json
from esirules.scoring.compile import compile_ruleset
from esirules.scoring.evaluate import finish, score_batch
from esirules.scoring.result import ColumnResult

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from generate import RULESET, generate  # noqa: E402

EXAMPLE = REPO / "examples" / "hertfordshire"
ROUNDS = 8


class Recorder:
    """A progress reporter that notes which thread told it of which task."""

    def __init__(self) -> None:
        self.heard: list[tuple[int, str]] = []

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Recorder]:
        self.heard.append((threading.get_ident(), description))
        yield self

    def advance(self, steps: int = 1) -> None:
        self.heard.append((threading.get_ident(), "step"))


def snapshot(column: ColumnResult) -> dict[str, Any]:
    """Every figure, reason and case list of a column, as plain data."""
    lists = {
        q.id: [list(q.met_cases), list(q.not_met_cases), [[g.reason, list(g.cases)] for g in q.not_applicable]]
        for c in column.criteria.values()
        for q in c.questions
    }
    excluded = [[g.reason, list(g.cases)] for g in column.excluded_cases]
    return {"sheet": json.loads(sheet_json("t", [column])), "lists": lists, "excluded": excluded}


Job = Callable[[Recorder, Callable[[], object]], dict[str, Any]]


def job(ruleset_path: str, evidence_path: str, sample: str | None, target: str) -> Job:
    """Load the evidence, wait for the other thread (`ready`), then score, finish and explain."""
    checked = check_file(ruleset_path)
    assert checked.ruleset is not None
    ruleset, sources = checked.ruleset, checked.sources
    evaluator = compile_ruleset(ruleset)
    chosen = resolve_target(ruleset, target)

    def run(progress: Recorder, ready: Callable[[], object]) -> dict[str, Any]:
        evidence = load_evidence(evidence_path, ruleset, progress=progress)
        ready()
        column = finish(score_batch(evaluator, evidence, sample, progress=progress), evaluator=evaluator)
        explained = explanation_data(explain(column, evaluator, sources, chosen, evidence=[evidence], case=None))
        return {**snapshot(column), "explanation": explained}

    return run


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> list[Job]:
    """Two columns of one generated inspection (each thread its own evidence, one evaluator shared,
    as a server shares one), and the bundled example's original column under its own ruleset."""
    generated = generate(str(tmp_path_factory.mktemp("threads")), 3000, seed=11, json_cases=False)["yaml"]
    return [
        job(RULESET, generated, "february", "B1"),
        job(RULESET, generated, "september", "overall"),
        job(str(REPO / "rulesets" / "esi-2003.esi"), str(EXAMPLE / "original.yaml"), None, "A3"),
    ]


@pytest.mark.parametrize("pair", [(0, 1), (0, 2)], ids=["one evaluator", "two rulesets"])
def test_two_scorings_in_two_threads_do_not_interfere(jobs: list[Job], pair: tuple[int, int]) -> None:
    jobs = [jobs[n] for n in pair]
    alone = [work(Recorder(), lambda: None) for work in jobs]
    barrier = threading.Barrier(len(jobs))
    results: list[list[dict[str, Any]]] = [[] for _ in jobs]
    recorders = [Recorder() for _ in jobs]
    failures: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            for _ in range(ROUNDS):
                ready = lambda: barrier.wait(timeout=60)  # noqa: E731
                results[number].append(jobs[number](recorders[number], ready))
        except BaseException as error:  # reported below, with the thread it came from
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(len(jobs))]
    gc_was_on = gc.isenabled()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads every few bytecodes, so the two runs interleave finely
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        sys.setswitchinterval(interval)
    assert not failures, failures
    for number, expected in enumerate(alone):
        assert len(results[number]) == ROUNDS
        assert all(result == expected for result in results[number])
    # Each reporter heard of its own thread's work only, and of the same tasks in every round.
    idents = [{ident for ident, _ in r.heard} for r in recorders]
    assert all(len(i) == 1 for i in idents) and idents[0] != idents[1]
    for recorder in recorders:
        tasks = [text for _, text in recorder.heard if text != "step"]
        assert tasks == tasks[: len(tasks) // ROUNDS] * ROUNDS
    assert gc.isenabled() == gc_was_on  # the collector's pauses in both threads ended
