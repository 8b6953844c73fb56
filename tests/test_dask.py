"""Scoring on Dask: blocks of an inspection's CSV counted in worker processes and merged equal one process's result.

A `dask.distributed` LocalCluster of two worker processes (one thread each, on loopback, no
dashboard) stands for a real cluster: the ruleset and the evaluator are sent to the workers once,
each worker loads and counts blocks of the cases (`load_evidence`, `score_batch`), the partials
are merged in a tree on the workers (`merge`), and only the merged partial comes back to be
finished here. Everything that crosses is pickled, as on a cluster of machines.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import pyarrow
import pytest
from distributed import Client, Future, LocalCluster, wait

import esirules

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from blocks import write_blocks  # noqa: E402
from generate import RULESET, generate  # noqa: E402
from test_batches import same_column  # noqa: E402

RULES = esirules.load_ruleset(RULESET)
EVALUATOR = esirules.compile_ruleset(RULES)
N_CASES, BLOCKS = 2_000, 5
TIMEOUT = 60  # seconds for any one wait on the cluster; a healthy run takes a few


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    # Starting workers sets OMP_NUM_THREADS=1 in this process's environment too, and pyarrow sizes
    # its thread pool from it when first used: make the pool now, and put the environment back after.
    pyarrow.cpu_count()
    environment = dict(os.environ)
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # its HTTP server on a free port, never 8787
        local_directory=str(tmp_path_factory.mktemp("dask")),
        silence_logs=logging.ERROR,
    )
    try:
        with Client(cluster, timeout=TIMEOUT) as connected:
            connected.wait_for_workers(2, timeout=TIMEOUT)
            yield connected
    finally:
        cluster.close(timeout=TIMEOUT)
        os.environ.clear()
        os.environ.update(environment)


@pytest.fixture(scope="module")
def inspection(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """A generated inspection (evidence file) and the evidence files of its blocks."""
    paths = generate(str(tmp_path_factory.mktemp("inspection")), N_CASES, seed=11, json_cases=False)
    return paths["yaml"], write_blocks(paths["yaml"], paths["csv"], BLOCKS)


def tree_merge(client: Client, partials: list[Future]) -> Future:
    """Merge pairwise on the workers until one partial is left, as a distributed reduce does."""
    while len(partials) > 1:
        partials = [
            client.submit(esirules.merge, partials[i : i + 2]) if i + 1 < len(partials) else partials[i]
            for i in range(0, len(partials), 2)
        ]
    return partials[0]


@pytest.mark.parametrize("sample", [None, "february"])
def test_blocks_scored_in_dask_workers_merge_into_the_single_process_result(
    client: Client, inspection: tuple[str, list[str]], sample: str | None
) -> None:
    whole, blocks = inspection
    single = esirules.finish(
        esirules.score_batch(EVALUATOR, esirules.load_evidence(whole, RULES), sample), evaluator=EVALUATOR
    )
    ruleset, evaluator = client.scatter([RULES, EVALUATOR], broadcast=True)
    evidence = client.map(esirules.load_evidence, blocks, ruleset=ruleset, pure=False)
    partials = client.map(esirules.score_batch, [evaluator] * len(blocks), evidence, sample=sample)
    workers = client.run(os.getpid)  # the workers are processes of their own
    assert len(set(workers.values())) == 2 and os.getpid() not in workers.values()
    wait(partials, timeout=TIMEOUT)
    assert all(client.who_has(partials).values()), "every partial is held by a worker"
    merged = tree_merge(client, partials).result(timeout=TIMEOUT)
    column = esirules.finish(merged, evaluator=EVALUATOR)
    # The merged column names every block it was scored from, in order; the rest is identical.
    assert column.evidence.path == "; ".join(blocks)
    assert column.cases == single.cases > N_CASES // 3
    same_column(attrs.evolve(column, evidence=single.evidence), single)


def python_blocks(page: Path) -> list[str]:
    """The ```python blocks of a docs page, in order."""
    return re.findall(
        r"^```python\n(.*?)^```$", page.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL
    )


def test_the_code_in_docs_scale_runs_and_gives_the_single_process_result(
    client: Client, inspection: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/scale.md shows the three calls in one process and on a LocalCluster: both run as shown.

    The page's LocalCluster is this module's (already started): its arguments must be the ones
    the fixture starts it with, and the page's `with` blocks must not close it.
    """
    whole, blocks = inspection
    in_process, on_dask, *_ = python_blocks(REPO / "docs" / "scale.md")
    monkeypatch.chdir(REPO)  # the page names the ruleset from the repository's top, as locations will
    rules = esirules.load_ruleset(os.path.relpath(RULESET))
    evaluator = esirules.compile_ruleset(rules)
    single = esirules.finish(
        esirules.score_batch(evaluator, esirules.load_evidence(whole, rules)), evaluator=evaluator
    )

    scope: dict[str, object] = {"paths": blocks}
    exec(in_process, scope)
    same_column(attrs.evolve(scope["column"], evidence=single.evidence), single)

    asked: dict[str, object] = {}

    @contextlib.contextmanager
    def local_cluster(**options: object) -> Iterator[None]:
        asked.update(options)
        yield None

    @contextlib.contextmanager
    def connect(cluster: object) -> Iterator[Client]:
        yield client

    code = on_dask.replace("from distributed import Client, LocalCluster\n", "")
    assert code != on_dask, "the page imports Client and LocalCluster from distributed"
    scope = {"block_paths": blocks, "LocalCluster": local_cluster, "Client": connect}
    exec(code, scope)
    assert asked == {"n_workers": 2, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    same_column(attrs.evolve(scope["column"], evidence=single.evidence), single)
