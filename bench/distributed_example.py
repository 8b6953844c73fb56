"""Score one inspection in partitions on a distributed engine (Dask, locally), and check the result.

The map: each partition of cases (here, one CSV file per partition) is loaded and counted by
`esirules.score_batch` on a worker. The reduce: `esirules.merge` adds the partials up exactly
(counts are sums; case lists are concatenated), pairwise in a tree, and `esirules.finish`
turns the total into the column of results. The example asserts that the column equals the one
scored in a single process from one file holding every case.

    python bench/distributed_example.py [N_CASES] [PARTITIONS]

Workers here are processes of one machine (Dask's local multiprocessing scheduler): the
evaluator and each partition's path go to a worker, and the Partial comes back, all pickled. A
Partial is data only (the ruleset model, counts and numpy arrays), so `finish` needs no
evaluator from the workers: it compiles the ruleset again, or takes the caller's.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from generate import RULESET, generate  # noqa: E402

import esirules  # noqa: E402


def split_csv(path: str, parts: int, directory: str) -> list[str]:
    """The rows of a CSV file in `parts` files, each with the header."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    size = -(-len(body) // parts)
    paths = []
    for k in range(parts):
        part = os.path.join(directory, f"part-{k}.csv")
        with open(part, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(body[k * size : (k + 1) * size])
        paths.append(part)
    return paths


def main(n_cases: int = 20_000, parts: int = 8) -> int:
    import dask

    ruleset = esirules.load_ruleset(RULESET)
    evaluator = esirules.compile_ruleset(ruleset)
    with tempfile.TemporaryDirectory() as directory:
        whole = generate(directory, n_cases, seed=7, json_cases=False)["csv"]
        single = esirules.finish(esirules.score_batch(evaluator, esirules.load_evidence(whole, ruleset)), evaluator=evaluator)

        def count(path: str) -> object:  # map: one partition
            return esirules.score_batch(evaluator, esirules.load_evidence(path, ruleset))

        def add(left: object, right: object) -> object:  # reduce: exact, associative
            return esirules.merge([left, right])  # type: ignore[list-item]

        partials = [dask.delayed(count)(p) for p in split_csv(whole, parts, directory)]
        while len(partials) > 1:  # a tree of merges, as a distributed reduce would do
            partials = [
                dask.delayed(add)(*partials[i : i + 2]) if i + 1 < len(partials) else partials[i]
                for i in range(0, len(partials), 2)
            ]
        (total,) = dask.compute(partials[0], scheduler="processes", num_workers=2)
        distributed = esirules.finish(total)  # type: ignore[arg-type]

    assert distributed.criteria == single.criteria, "criteria differ"
    assert distributed.sections == single.sections and distributed.overall == single.overall
    assert distributed.cases == single.cases and distributed.excluded_cases == single.excluded_cases
    print(f"{n_cases} cases in {parts} partitions, scored in Dask worker processes and merged: identical to one process")
    print(f"  overall {distributed.overall.display if distributed.overall else 'not computable'}; "
          + ", ".join(f"{s} {r.display}" for s, r in distributed.sections.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
