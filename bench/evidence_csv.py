"""Benchmark CSV case files off the fast path: peak memory of the exact reader, and load time by header width.

Two figures issue 9 asked for, each a ratio of two figures measured in this run:

- memory: the peak resident set of loading one CSV file of N cases (bench/generate.py, seeded)
  read by the columnar fast path, and of the same file with one blank line in the middle, which
  sends it down the exact (csv module) path; each load in a process of its own. The exact path
  used to take about 22 times the file's size (4.5 times the fast path: 6 GB at 1,000,000
  cases); its target is at most 1.25 times the fast path.
- width: the time to load a file of one case and W unknown columns (each reported, E112), for
  W and 4W columns. A reader linear in the width takes about 4 times as long for 4 times the
  columns (the work per column is reporting it with a did-you-mean); the old reader's quadratic
  sum took 9 to 16 times. Its target is at most 6 times.

    python bench/evidence_csv.py [--cases N] [--width W] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
sys.path.insert(0, HERE)


def _peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_child(path: str) -> None:
    """(In a child process.) Load one CSV file of cases; print the peak RSS and the time."""
    from generate import RULESET

    from esirules.evidence.load import load_evidence
    from esirules.language.check import load_ruleset

    ruleset = load_ruleset(RULESET)
    before = _peak_rss_mb()
    started = time.perf_counter()
    evidence = load_evidence(path, ruleset)
    seconds = time.perf_counter() - started
    print(json.dumps({"peak_rss_mb": _peak_rss_mb(), "before_mb": before, "seconds": seconds,
                      "cases": len(evidence.cases)}))


def _in_child(path: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", path],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def memory_figures(cases: int) -> dict[str, Any]:
    from generate import generate

    plain = generate(DATA, cases, seed=0, json_cases=False)["csv"]
    blank = os.path.join(DATA, f"followup-{cases}-blank-line.csv")
    if not os.path.exists(blank):
        with open(plain, "rb") as source:
            lines = source.read().split(b"\n")
        lines.insert(len(lines) // 2, b"")
        with open(blank, "wb") as handle:
            handle.write(b"\n".join(lines))
    fast, exact = _in_child(plain), _in_child(blank)
    assert fast["cases"] == exact["cases"] == cases
    size_mb = os.path.getsize(plain) / 2**20
    return {
        "cases": cases,
        "file_mb": size_mb,
        "fast_path": fast,
        "exact_path": exact,
        "exact_over_fast": exact["peak_rss_mb"] / fast["peak_rss_mb"],
        "exact_over_file": exact["peak_rss_mb"] / size_mb,
    }


def width_figures(width: int, repeat: int = 3) -> dict[str, Any]:
    import statistics

    from generate import RULESET

    from esirules.diagnostics import DiagnosticError
    from esirules.evidence.load import load_evidence
    from esirules.language.check import load_ruleset

    ruleset = load_ruleset(RULESET)
    header = "id,sample,risk_of_harm,order_type"
    row = "C1,february,low,cro"
    out: dict[str, Any] = {}
    for columns in (width, 4 * width):
        path = os.path.join(DATA, f"wide-{columns}.csv")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(header + "," + ",".join(f"extra{j}" for j in range(columns)) + "\n")
            handle.write(row + "," * columns + "\n")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                load_evidence(path, ruleset)
            except DiagnosticError as error:
                assert len(error.diagnostics) >= columns
            times.append(time.perf_counter() - started)
        out[str(columns)] = statistics.median(times)
    out["ratio"] = out[str(4 * width)] / out[str(width)]
    return out


def figures(cases: int, width: int) -> dict[str, Any]:
    os.makedirs(DATA, exist_ok=True)
    return {"memory": memory_figures(cases), "width": width_figures(width)}


def targets(found: dict[str, Any]) -> list[dict[str, Any]]:
    memory, width = found["memory"], found["width"]
    ratio = memory["exact_over_fast"]
    columns = [k for k in width if k != "ratio"]
    return [
        {"target": f"exact CSV path peak RSS at {memory['cases']} cases, relative to the fast path",
         "figure": ratio, "threshold": 1.25, "unit": "× fast path", "pass": ratio <= 1.25},
        {"target": f"CSV load time for {columns[1]} columns, relative to {columns[0]}",
         "figure": width["ratio"], "threshold": 6.0, "unit": "×", "pass": width["ratio"] <= 6.0},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--width", type=int, default=5_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", metavar="CSV", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        load_child(args.child)
        return 0
    found = figures(args.cases, args.width)
    found["targets"] = targets(found)
    if args.json:
        print(json.dumps(found, indent=2))
    else:
        memory = found["memory"]
        print(f"{memory['cases']} cases, {memory['file_mb']:.0f} MB: peak RSS fast path "
              f"{memory['fast_path']['peak_rss_mb']:.0f} MB ({memory['fast_path']['seconds']:.1f} s), "
              f"exact path {memory['exact_path']['peak_rss_mb']:.0f} MB ({memory['exact_path']['seconds']:.1f} s)")
        print(f"load time by header width: {found['width']}")
        for t in found["targets"]:
            print(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['target']}: {t['figure']:.2f} {t['unit']}")
    return 0 if all(t["pass"] for t in found["targets"]) else 1


if __name__ == "__main__":
    sys.exit(main())
