"""Benchmark `esirules explain`: every target of the bundled example, and one criterion at 200,000 cases.

Each figure is the median of repeated in-process runs after a warm-up. "Explain" is what the
command does once the evidence is scored: build the explanation from the column of results
(including the smallest-change searches for descriptive criteria), then render it as JSON and
as the terminal tree; "build" is the first part alone, so the rest is rendering. The baseline,
measured in the same run, is the time to score the same evidence into that column
(`score_batch`, `merge`, `finish`); each figure is given in ms and as a ratio to it. Loading
files is timed apart and left out of both. On a shared machine the wall-clock figures move
with the load; the processor time of the same runs (`explain_cpu_ms`) moves less.

The large inspection comes from bench/generate.py (seeded; written once into bench/data/).
Case lists there are made lazily by the evaluator, so each explain run gets a freshly scored
column: a run never reuses lists that an earlier run already made.

    python bench/explain.py [--cases N] [--repeat R] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
SUMMARY = os.path.join(ROOT, "examples", "hertfordshire", "summary.yaml")
DATA = os.path.join(ROOT, "bench", "data")


AIM_MS = 50.0  # every explanation of the bundled example, warm


def median_ms(work: Callable[[], object], repeat: int) -> float:
    return timed_ms(work, repeat)[0]


def timed_ms(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall-clock and processor time of `repeat` runs after a warm-up, in ms."""
    work()  # warm
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        cpu.append(time.process_time() - start_cpu)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000


def render(explanation: Any) -> None:
    """The two renderings every explain run makes in the benchmark: JSON and the terminal tree."""
    render_json(explanation)
    render_tree(explanation)


def render_json(explanation: Any) -> None:
    from esirules.render.explain_json import explanation_json

    explanation_json(explanation)


def render_tree(explanation: Any) -> None:
    from rich.console import Console

    from esirules.render.explain_text import explanation_tree

    Console(file=io.StringIO(), width=110).print(explanation_tree(explanation))


def example(repeat: int) -> dict[str, Any]:
    """Every criterion, section and the overall, in every column of the bundled summary sheet.

    Descriptive criteria take longest: their explanation runs `counterfactual.smallest_changes`
    once per higher grade, and lists every item, so it is the longest to render. Each row also
    times the two renderings alone (`json_ms`, `tree_ms`): the command makes only one of them.
    """
    from esirules.evidence.sheet import read_sheet_file
    from esirules.explain.scope import explain, targets
    from esirules.scoring.columns import Scorer
    from esirules.scoring.evaluate import finish, merge, score_batch

    sheet = read_sheet_file(SUMMARY)
    assert sheet is not None
    scorer = Scorer()
    columns = scorer.score(sheet.columns)
    rows = []
    for spec, column in zip(sheet.columns, columns):
        path = scorer.ruleset_path_for(spec)
        assert path is not None
        evaluator = scorer.evaluators[path]
        evidence = [scorer.evidence[(p, path)] for p in spec.evidence]

        def scoring(ev: Any = evaluator, parts: Any = evidence, sample: Any = spec.sample) -> object:
            return finish(merge([score_batch(ev, e, sample) for e in parts]), evaluator=ev)

        score_ms = median_ms(scoring, repeat)
        for target in targets(evaluator.ruleset):
            if target.kind in ("question", "item"):
                continue

            def building(t: Any = target, c: Any = column, ev: Any = evaluator, parts: Any = evidence) -> object:
                return explain(c, ev, scorer.sources, t, evidence=parts)

            def explaining(build: Callable[[], object] = building) -> None:
                render(build())

            ms, cpu_ms = timed_ms(explaining, repeat)
            built = building()
            rows.append(
                {"column": spec.label, "target": target.id, "explain_ms": ms, "explain_cpu_ms": cpu_ms,
                 "build_ms": median_ms(building, repeat), "score_ms": score_ms, "ratio": ms / score_ms,
                 # The command renders one of the two: these are the renderings alone, of the built explanation.
                 "json_ms": median_ms(lambda e=built: render_json(e), repeat),
                 "tree_ms": median_ms(lambda e=built: render_tree(e), repeat)}
            )
    times = [r["explain_ms"] for r in rows]
    slowest = max(rows, key=lambda r: r["explain_ms"])
    return {
        "targets": len(rows),
        "median_explain_ms": statistics.median(times),
        "max_explain_ms": slowest["explain_ms"],
        "slowest": f"{slowest['column']} {slowest['target']}",
        "median_explain_cpu_ms": statistics.median(r["explain_cpu_ms"] for r in rows),
        "max_explain_cpu_ms": max(r["explain_cpu_ms"] for r in rows),
        "median_score_ms": statistics.median(r["score_ms"] for r in rows),
        "median_ratio": statistics.median(r["ratio"] for r in rows),
        "A1": {r["column"]: {k: r[k] for k in ("explain_ms", "explain_cpu_ms", "build_ms", "json_ms", "tree_ms")}
               for r in rows if r["target"] == "A1"},
        f"over_{AIM_MS:.0f}_ms": [f"{r['column']} {r['target']} {r['explain_ms']:.0f} ms"
                                  for r in rows if r["explain_ms"] > AIM_MS],
        "rows": rows,
    }


def large(n_cases: int, repeat: int) -> dict[str, Any]:
    """One criterion (B1, February sample) of a synthetic inspection of `n_cases` cases."""
    from generate import generate

    from esirules.evidence.load import load_evidence
    from esirules.explain.scope import explain, resolve_target
    from esirules.language.check import load_ruleset
    from esirules.scoring.columns import Scorer
    from esirules.scoring.compile import compile_ruleset
    from esirules.scoring.evaluate import score
    from esirules.scoring.subset import read_condition, score_where

    name = f"explain-{n_cases}"
    yaml_path = os.path.join(DATA, f"{name}.yaml")
    if not os.path.exists(yaml_path):
        generate(DATA, n_cases, seed=0, name=name)
    from generate import RULESET

    ruleset_path = RULESET
    scorer = Scorer()
    scorer.ruleset(ruleset_path)
    ruleset = load_ruleset(ruleset_path)
    evaluator = compile_ruleset(ruleset)
    start = time.perf_counter()
    evidence = load_evidence(yaml_path, ruleset)
    load_s = time.perf_counter() - start
    sources = scorer.sources
    out: dict[str, Any] = {"cases": n_cases, "load_s": load_s}

    def timed(work: Callable[[], object]) -> float:
        begin = time.perf_counter()
        work()
        return time.perf_counter() - begin

    def explain_runs(label: str, target_id: str, **options: Any) -> None:
        target = resolve_target(ruleset, target_id)
        scores, explains = [], []
        for _ in range(repeat + 1):  # the first run warms
            column = None

            def scoring() -> None:
                nonlocal column
                column = score(evaluator, evidence, "february")

            scores.append(timed(scoring))

            def explaining(c: Any = column) -> None:
                where = None
                if "where" in options:  # as the command does: read the condition, score the subset
                    condition = read_condition(options["where"], ruleset)
                    where = (condition, score_where(evaluator, [evidence], condition, "february"))
                render(explain(c, evaluator, sources, target, where=where, evidence=[evidence], case=options.get("case")))

            explains.append(timed(explaining))
        score_ms = statistics.median(scores[1:]) * 1000
        explain_ms = statistics.median(explains[1:]) * 1000
        out[label] = {"explain_ms": explain_ms, "score_ms": score_ms, "ratio": explain_ms / score_ms}

    explain_runs("B1", "B1")
    explain_runs("B1 --case", "B1", case="C1")
    explain_runs("B1 --where", "B1", where="risk_of_harm >= high")
    explain_runs("overall", "overall")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000, help="size of the synthetic inspection")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")
    args = parser.parse_args(argv)
    results = {"example": example(args.repeat), "large": large(args.cases, max(3, args.repeat // 2))}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    ex = results["example"]
    print(f"Bundled example: {ex['targets']} targets (criteria, sections, overall × 4 columns)")
    print(f"  explain (build + JSON + tree): median {ex['median_explain_ms']:.1f} ms, "
          f"max {ex['max_explain_ms']:.1f} ms ({ex['slowest']}); processor time median "
          f"{ex['median_explain_cpu_ms']:.1f} ms, max {ex['max_explain_cpu_ms']:.1f} ms")
    print(f"  baseline, scoring the column: median {ex['median_score_ms']:.1f} ms; "
          f"median ratio explain/score {ex['median_ratio']:.2f}")
    print("  A1: " + "; ".join(f"{column} {row['explain_ms']:.1f} ms (build {row['build_ms']:.1f} ms, "
                               f"JSON {row['json_ms']:.1f} ms, tree {row['tree_ms']:.1f} ms)"
                               for column, row in ex["A1"].items()))
    over = ex[f"over_{AIM_MS:.0f}_ms"]
    print(f"  over {AIM_MS:.0f} ms: " + ("; ".join(over) if over else "none"))
    big = results["large"]
    print(f"Synthetic inspection: {big['cases']} cases (loaded in {big['load_s']:.1f} s), February sample")
    for label in ("B1", "B1 --case", "B1 --where", "overall"):
        row = big[label]
        extra = " (includes scoring the subset)" if label == "B1 --where" else ""
        print(f"  {label:11} explain {row['explain_ms']:7.1f} ms; scoring {row['score_ms']:7.1f} ms; "
              f"ratio {row['ratio']:.2f}{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
