"""Benchmark scoring on a Dask cluster: blocks of a large inspection counted by worker processes and merged, against one process.

The inspection comes from bench/generate.py (seeded; written once into bench/data/) and is cut
into blocks of whole rows (bench/blocks.py), each with an evidence file of its own. On the
cluster (by default a `dask.distributed` LocalCluster of 2 worker processes, one thread each,
on loopback): the ruleset and the evaluator are sent to every worker once; each block is loaded
and counted on a worker (`load_evidence`, `score_batch`); each worker merges the partials it
holds (`merge`), and those are fetched, merged and finished here (`finish`). The
baseline, in the same run, is one process scoring the whole file (`load_evidence`,
`score_batch`, `finish`). The two columns are checked equal before anything is timed.

Figures are medians of `--repeat` runs after a warm-up (which also starts the workers' imports),
in wall-clock time and, since other work on a shared machine moves that, in processor time
(every thread of the workers and of this process, per case):

- *single process* and *cluster*: file(s) to column, in seconds and answers per second
  (answers: cases × the 71 question columns of the case file);
- the cluster's phases: *count* (every block loaded and counted), *merge* (each worker merges
  the partials it holds, and the one partial per worker is fetched and merged here; for
  comparison, a tree of pairwise merges on the workers and fetching its result), *finish*;
  the cluster's figure is count + merge + finish;
- *merge cost*: the blocks' partials fetched to this process (timed), then merged here in one
  call; the size of pickled partials per case (a block's, the blocks' merged, all cases counted
  as one batch), and the time to pickle and unpickle a block's.

    python bench/dask_cluster.py [--cases N] [--blocks B] [--repeat R] [--scheduler ADDRESS] [--json]

With `--scheduler tcp://host:8786` it runs on that cluster instead; the workers must have
esirules installed and see the block files at the same paths (a shared file system).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from blocks import write_blocks  # noqa: E402
from generate import DATA, RULESET, generate  # noqa: E402

import esirules  # noqa: E402

QUESTION_COLUMNS = 71  # answers per case in bench/generate.py's case file (see docs/performance.md)


def timed(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median seconds of `repeat` runs after a warm-up, and the last run's result."""
    result = work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def tree_merge(client: Any, partials: list[Any]) -> Any:
    """Merge pairwise on the workers until one partial is left, and fetch it."""
    while len(partials) > 1:
        partials = [
            client.submit(esirules.merge, partials[i : i + 2]) if i + 1 < len(partials) else partials[i]
            for i in range(0, len(partials), 2)
        ]
    return partials[0].result()


def merge_where_held(client: Any, partials: list[Any]) -> Any:
    """Merge the partials each worker holds on that worker, fetch one partial per worker, merge those here."""
    held = client.who_has(partials)
    by_worker: dict[str, list[Any]] = {}
    for future in partials:
        by_worker.setdefault(held[future.key][0], []).append(future)
    merged = [
        client.submit(esirules.merge, group, workers=[worker], allow_other_workers=False)
        for worker, group in by_worker.items()
    ]
    return esirules.merge(client.gather(merged))


def run(client: Any, n_cases: int, n_blocks: int, repeat: int) -> dict[str, Any]:
    from distributed import wait

    paths = generate(DATA, n_cases, seed=0, json_cases=False)
    blocks = write_blocks(paths["yaml"], paths["csv"], n_blocks)
    ruleset = esirules.load_ruleset(RULESET)
    evaluator = esirules.compile_ruleset(ruleset)
    answers = n_cases * QUESTION_COLUMNS
    sent = client.scatter([ruleset, evaluator], broadcast=True)

    def single() -> Any:
        evidence = esirules.load_evidence(paths["yaml"], ruleset)
        return esirules.finish(esirules.score_batch(evaluator, evidence), evaluator=evaluator)

    def counted() -> list[Any]:
        evidence = client.map(esirules.load_evidence, blocks, ruleset=sent[0], pure=False)
        partials = client.map(esirules.score_batch, [sent[1]] * len(blocks), evidence, pure=False)
        wait(partials)
        return partials

    def processor_s() -> float:
        """Processor time used so far by the workers and this process (every thread of each)."""
        return sum(client.run(time.process_time).values()) + time.process_time()

    single_s, whole = timed(single, repeat)
    single_cpu = []
    for _ in range(repeat):
        before = time.process_time()
        single()
        single_cpu.append(time.process_time() - before)
    phases: dict[str, list[float]] = {"count": [], "tree": [], "where_held": [], "finish": []}
    cpu: dict[str, list[float]] = {"count": [], "tree": [], "where_held": []}
    for run_number in range(repeat + 1):  # the first run warms the workers
        cpu_start = processor_s()
        start = time.perf_counter()
        partials = counted()
        counted_at = time.perf_counter()
        cpu_counted = processor_s()
        counted_end = time.perf_counter()
        by_tree = tree_merge(client, partials)
        tree_at = time.perf_counter()
        cpu_tree = processor_s()
        tree_end = time.perf_counter()
        where_held = merge_where_held(client, partials)
        held_at = time.perf_counter()
        cpu_held = processor_s()
        held_end = time.perf_counter()
        esirules.finish(where_held, evaluator=evaluator)
        finished_at = time.perf_counter()
        client.cancel(partials)
        for merged in (by_tree, where_held):
            other = esirules.finish(merged, evaluator=evaluator)
            same = other.criteria == whole.criteria and other.sections == whole.sections
            same = same and other.overall == whole.overall and other.cases == whole.cases
            assert same and other.excluded_cases == whole.excluded_cases, "the cluster's column differs"
        if run_number:
            phases["count"].append(counted_at - start)
            phases["tree"].append(tree_at - counted_end)
            phases["where_held"].append(held_at - tree_end)
            phases["finish"].append(finished_at - held_end)
            cpu["count"].append(cpu_counted - cpu_start)
            cpu["tree"].append(cpu_tree - cpu_counted)
            cpu["where_held"].append(cpu_held - cpu_tree)
    phase = {name: statistics.median(times) for name, times in phases.items()}
    phase_cpu = {name: statistics.median(times) for name, times in cpu.items()}
    cluster_s = phase["count"] + phase["where_held"] + phase["finish"]

    futures = counted()
    fetch_s, partials = timed(lambda: client.gather(futures), repeat)
    client.cancel(futures)
    merge_s, merged = timed(lambda: esirules.merge(partials), repeat)
    finish_s, _ = timed(lambda: esirules.finish(merged, evaluator=evaluator), repeat)
    pickled = [len(pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL)) for p in partials]
    merged_bytes = len(pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL))
    one_batch = esirules.score_batch(evaluator, esirules.load_evidence(paths["yaml"], ruleset))
    one_batch_bytes = len(pickle.dumps(one_batch, protocol=pickle.HIGHEST_PROTOCOL))
    round_trip_s, _ = timed(lambda: pickle.loads(pickle.dumps(partials[0], protocol=pickle.HIGHEST_PROTOCOL)), repeat)
    block_cases = [p.case_ids.shape[0] for p in partials]
    workers = client.scheduler_info()["workers"]
    return {
        "cases": n_cases,
        "answers": answers,
        "blocks": n_blocks,
        "workers": len(workers),
        "threads": sum(w.get("nthreads", 1) for w in workers.values()),
        "single_process_s": single_s,
        "single_process_answers_per_s": answers / single_s,
        "single_process_us_per_case": single_s / n_cases * 1e6,
        "cluster_s": cluster_s,
        "cluster_answers_per_s": answers / cluster_s,
        "speed_up": single_s / cluster_s,
        "cluster_phases_s": {
            "count": phase["count"],
            "merge_where_held_and_fetch": phase["where_held"],
            "merge_as_a_tree_on_the_workers_and_fetch": phase["tree"],
            "finish": phase["finish"],
        },
        "count_us_per_case_per_worker": phase["count"] * len(workers) / n_cases * 1e6,
        "processor_us_per_case": {
            "single_process": statistics.median(single_cpu) / n_cases * 1e6,
            "cluster_count": phase_cpu["count"] / n_cases * 1e6,
            "cluster_merge_where_held_and_fetch": phase_cpu["where_held"] / n_cases * 1e6,
            "cluster_merge_as_a_tree_and_fetch": phase_cpu["tree"] / n_cases * 1e6,
        },
        "merge_cost": {
            "fetch_partials_s": fetch_s,
            "merge_in_one_process_s": merge_s,
            "merge_per_case_us": merge_s / n_cases * 1e6,
            "finish_s": finish_s,
            "pickled_block_partial_bytes_per_case": statistics.median(b / c for b, c in zip(pickled, block_cases)),
            "pickled_merged_partial_bytes_per_case": merged_bytes / n_cases,
            "pickled_one_batch_partial_bytes_per_case": one_batch_bytes / n_cases,
            "pickle_round_trip_of_one_block_partial_s": round_trip_s,
            "cases_per_block": statistics.median(block_cases),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=400_000, help="size of the synthetic inspection")
    parser.add_argument("--blocks", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    args = parser.parse_args(argv)

    import pyarrow
    from distributed import Client, LocalCluster

    # Starting workers sets OMP_NUM_THREADS=1 in this process's environment too (Dask's nanny does,
    # for its workers), and pyarrow sizes its thread pool from it when first used: make the pool
    # now, so the one-process baseline reads with every CPU, as a process of its own would.
    pyarrow.cpu_count()
    if args.scheduler:
        with Client(args.scheduler, timeout=60) as client:
            results = run(client, args.cases, args.blocks, args.repeat)
    else:
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster, timeout=60) as client,
        ):
            results = run(client, args.cases, args.blocks, args.repeat)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    r, cost, phases = results, results["merge_cost"], results["cluster_phases_s"]
    print(f"{r['cases']} cases ({r['answers'] / 1e6:.1f} million answers) in {r['blocks']} blocks, "
          f"{r['workers']} worker processes of {r['threads'] // r['workers']} thread each")
    print(f"  single process: {r['single_process_s']:.2f} s ({r['single_process_answers_per_s'] / 1e6:.1f} million "
          f"answers/s, {r['single_process_us_per_case']:.1f} µs per case)")
    print(f"  cluster:        {r['cluster_s']:.2f} s ({r['cluster_answers_per_s'] / 1e6:.1f} million answers/s), "
          f"{r['speed_up']:.2f}× one process")
    print(f"    count {phases['count']:.2f} s ({r['count_us_per_case_per_worker']:.1f} µs per case per worker); "
          f"merge where held and fetch {phases['merge_where_held_and_fetch']:.2f} s "
          f"(as a tree on the workers: {phases['merge_as_a_tree_on_the_workers_and_fetch']:.2f} s); "
          f"finish {phases['finish']:.3f} s")
    cpu = r["processor_us_per_case"]
    print(f"  processor time per case: one process {cpu['single_process']:.1f} µs; cluster counting "
          f"{cpu['cluster_count']:.1f} µs, merging where held {cpu['cluster_merge_where_held_and_fetch']:.1f} µs "
          f"(as a tree {cpu['cluster_merge_as_a_tree_and_fetch']:.1f} µs)")
    print(f"  merge cost: {cost['merge_in_one_process_s'] * 1000:.0f} ms to merge the {r['blocks']} partials in one "
          f"process ({cost['merge_per_case_us']:.2f} µs per case), after {cost['fetch_partials_s'] * 1000:.0f} ms "
          f"to fetch them; finish {cost['finish_s'] * 1000:.0f} ms")
    print(f"  pickled partials, bytes per case: a block's {cost['pickled_block_partial_bytes_per_case']:.0f}, "
          f"the blocks merged {cost['pickled_merged_partial_bytes_per_case']:.0f}, all cases as one batch "
          f"{cost['pickled_one_batch_partial_bytes_per_case']:.0f}; pickling and unpickling a block's "
          f"({cost['cases_per_block']:.0f} cases) takes {cost['pickle_round_trip_of_one_block_partial_s'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
