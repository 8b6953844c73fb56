"""Benchmark rendering diagnostics as text: N bad answers in a CSV of N rows, for N = 10,000 and 100,000.

Rendering should take time in proportion to the file and the diagnostics shown, so ten times
the diagnostics (and ten times the file) should take about ten times as long, not a hundred
(issue 9, F11: each diagnostic once split the whole file into lines). Each figure is the median
of `--repeat` runs after a warm-up; the ratio of the two is the figure that matters.

    python bench/diagnostics.py [--repeat R] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from esirules.diagnostics import Diagnostic
from esirules.render.diagnostics import render_text
from esirules.span import Span

ROW = "C{n:07d},february,high,cro,no,no,no,no,yes,maybe,yes,yes,partly,yes,no,yes,yes,yes,partly,yes,no,yes\n"


def inputs(count: int) -> tuple[list[Diagnostic], dict[str, str]]:
    source = "".join(ROW.format(n=n) for n in range(count))
    column = ROW.index("maybe") + 1
    found = [
        Diagnostic("E121", f"case `C{n:07d}`: `maybe` is not an answer to question `B1.start`",
                   Span("cases.csv", n + 1, column, n + 1, column + 5), "allowed answers are `yes`, `partly`, `no`")
        for n in range(count)
    ]
    return found, {"cases.csv": source}


def median_s(count: int, repeat: int) -> float:
    found, sources = inputs(count)
    render_text(found, sources)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        render_text(found, sources)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    small, large = median_s(10_000, args.repeat), median_s(100_000, args.repeat)
    figures = {"10000_s": small, "100000_s": large, "ratio": large / small}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"10,000 diagnostics: {small * 1000:.1f} ms; 100,000: {large * 1000:.1f} ms; "
              f"ratio {large / small:.1f} (10 is linear)")


if __name__ == "__main__":
    main()
