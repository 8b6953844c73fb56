"""Benchmark issue 15's evidence figures: file → sheet against the CSV floor, and JSON and YAML evidence.

Each figure is measured in this run, in processes of their own, as a ratio or a rate:

- floor: `esirules score CASES.csv --ruleset R --sample february --format json` (one sample, one
  column) on a CSV file of 200,000 cases
  (bench/generate.py, seeded) against a process that only reads the same file with
  `pyarrow.csv.read_csv`; the two run in pairs, one after the other, five times; the figure is
  the median of the five ratios of whole-process wall times, with each side's median time and
  peak resident memory. Issue 15's target: at most 1.3 times the floor.
- json / yaml: `esirules score` on 200,000 cases written inline in a JSON file (275 MB), and in
  a YAML file (block style, as `yaml.safe_dump` writes it: 297 MB), end to end in a process of
  its own, the median of `--repeat` runs after one to warm the page cache; answers per second (cases × question columns), by
  wall-clock time (the target's figure) and by processor time (user + system, the steadier on
  a shared machine). Such files are read by the fast paths (`json_cases`, `yaml_fast`), which
  allow a plain file up to 1 GB. Targets: JSON at least 5 M answers/s, YAML at least 1 M
  answers/s.

Python is run with its bytecode cache written, as an installed package is.

    python bench/scale.py [--cases N] [--inline-cases N] [--repeat R] [--update bench/results/latest.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
RESULTS = os.path.join(HERE, "results", "latest.json")
sys.path.insert(0, HERE)

FLOOR_RATIO = 1.3
JSON_RATE = 5e6
YAML_RATE = 1e6
INLINE_CASES = 200_000


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process (its output thrown away)."""
    seconds, peak, _ = timed_cpu(command)
    return seconds, peak


# Runs a command and prints its wall seconds, peak resident KB and processor seconds. Started
# from this (large) process, a command's peak would include this one's: on Linux a program started
# by a fork of a process keeps the peak of the process it replaced. This small process in between
# has a peak of a few MB, so the command's own is measured.
_MEASURE = (
    "import os, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(process.pid, 0)\n"
    "seconds = time.perf_counter() - started\n"
    "print(seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime, status, file=sys.stderr)\n"
)


def timed_cpu(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak resident MB and processor seconds (user + system) of one process."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, cwd=ROOT, env=_environment(), check=True)
    errors = done.stderr.decode()
    *output, measured = errors.strip().splitlines() or [""]
    if "Traceback" in errors:
        raise RuntimeError(errors)
    seconds, peak_kb, cpu, status = measured.split()
    if int(status):
        raise RuntimeError(f"{' '.join(command)} ended with status {status}: {chr(10).join(output)}")
    return float(seconds), int(peak_kb) / 1024, float(cpu)


def score_command(path: str, *extra: str) -> list[str]:
    from generate import RULESET

    return [sys.executable, "-m", "esirules.cli.main", "score", path, "--ruleset", RULESET,
            "--sample", "february", "--format", "json", "--quiet", *extra]


def floor_command(path: str) -> list[str]:
    return [sys.executable, "-c", f"import pyarrow.csv as c; c.read_csv({path!r})"]


def floor_figures(cases: int, repeat: int) -> dict[str, Any]:
    from generate import generate

    path = generate(DATA, cases, seed=0, json_cases=False)["csv"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "esirules")], check=True,
                   env=_environment(), stdout=subprocess.DEVNULL)
    timed(score_command(path)), timed(floor_command(path))  # warm the page cache and the bytecode
    runs = [(timed_cpu(score_command(path)), timed_cpu(floor_command(path))) for _ in range(repeat)]
    pairs = [((s, m), (f, n)) for (s, m, _), (f, n, _) in runs]
    return {
        "score_cpu_s": statistics.median(c for (_, _, c), _ in runs),
        "floor_cpu_s": statistics.median(c for _, (_, _, c) in runs),
        "cpu_ratio": statistics.median(a / b for (_, _, a), (_, _, b) in runs),
        "cases": cases,
        "repeat": repeat,
        "score_s": statistics.median(s for (s, _), _ in pairs),
        "floor_s": statistics.median(f for _, (f, _) in pairs),
        "ratio": statistics.median(s / f for (s, _), (f, _) in pairs),
        "score_peak_rss_mb": statistics.median(m for (_, m), _ in pairs),
        "floor_peak_rss_mb": statistics.median(m for _, (_, m) in pairs),
    }


def inline_figures(cases: int, repeat: int) -> dict[str, Any]:
    from generate import generate, write_yaml_cases

    paths = generate(DATA, cases, seed=0)
    yaml_path = write_yaml_cases(paths)
    answers = _answers(paths["csv"], cases)
    out: dict[str, Any] = {"cases": cases, "answers": answers}
    for kind, path in (("json", paths["json"]), ("yaml", yaml_path)):
        timed_cpu(score_command(path))  # warm the page cache and the ruleset cache, as the floor's pairs are
        runs = [timed_cpu(score_command(path)) for _ in range(repeat)]
        seconds = statistics.median(s for s, _, _ in runs)
        cpu = statistics.median(c for _, _, c in runs)
        out[kind] = {"seconds": seconds, "answers_per_s": answers / seconds, "cpu_s": cpu,
                     "answers_per_cpu_s": answers / cpu, "bytes": os.path.getsize(path),
                     "peak_rss_mb": statistics.median(m for _, m, _ in runs)}
    return out


def _answers(csv_path: str, cases: int) -> int:
    from generate import RULESET

    from esirules.language.check import load_ruleset

    with open(csv_path, encoding="utf-8") as handle:
        width = len(handle.readline().split(","))
    return cases * (width - len(load_ruleset(RULESET).attributes) - 2)


def targets(found: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    floor = found.get("floor")
    if floor:
        out.append({"target": f"`esirules score` at {floor['cases']} cases (CSV, JSON out), whole process, "
                              "relative to reading the file with pyarrow.csv.read_csv alone",
                    "figure": floor["ratio"], "threshold": FLOOR_RATIO, "unit": "× floor",
                    "pass": floor["ratio"] <= FLOOR_RATIO,
                    "note": f"processor time {floor['cpu_ratio']:.2f}× ({floor['score_cpu_s']:.2f} s / "
                            f"{floor['floor_cpu_s']:.2f} s); load average {found['load_average_at_start'][0]:.1f}"})
    inline = found.get("inline")
    if inline:
        for kind, threshold in (("json", JSON_RATE), ("yaml", YAML_RATE)):
            rate = inline[kind]["answers_per_s"]
            out.append({"target": f"file to sheet at {inline['cases']} cases ({kind.upper()} evidence, cases inline)",
                        "figure": rate, "threshold": threshold, "unit": "answers/s", "pass": rate >= threshold,
                        "note": f"by processor time {inline[kind]['answers_per_cpu_s'] / 1e6:.2f} M answers/s; "
                                f"load average {found['load_average_at_start'][0]:.1f}"})
    return out


def figures(cases: int, inline_cases: int, repeat: int, only: set[str] | None = None) -> dict[str, Any]:
    """The floor ratio and the inline JSON and YAML rates (those in `only`, all by default), with
    their targets under `targets`; bench/run.py calls this."""
    only = {"floor", "inline"} if only is None else only
    found: dict[str, Any] = {"load_average_at_start": list(os.getloadavg())}
    if "floor" in only:
        found["floor"] = floor_figures(cases, repeat)
        print(json.dumps(found["floor"]), flush=True)
    if "inline" in only:
        found["inline"] = inline_figures(inline_cases, repeat)
        print(json.dumps(found["inline"]), flush=True)
    found["load_average_at_end"] = list(os.getloadavg())
    found["targets"] = targets(found)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--inline-cases", type=int, default=INLINE_CASES, help="cases of the JSON and YAML files")
    parser.add_argument("--only", choices=["floor", "inline"], action="append")
    parser.add_argument("--update", metavar="RESULTS", help="put the figures and targets into this results file")
    args = parser.parse_args(argv)
    found = figures(args.cases, args.inline_cases, args.repeat, set(args.only) if args.only else None)
    for t in found["targets"]:
        print(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['target']}: {t['figure']:.3g} {t['unit']}")
    if args.update:
        update(args.update, found)
    return 0 if all(t["pass"] for t in found["targets"]) else 1


def update(path: str, found: dict[str, Any]) -> None:
    """Merge these figures into a results file: its `scale` section, and its targets of the same name replaced."""
    with open(path, encoding="utf-8") as handle:
        results = json.load(handle)
    scale = results.setdefault("scale", {})
    scale.update({k: v for k, v in found.items() if k != "targets"})
    names = {t["target"] for t in found["targets"]}
    results["targets"] = [t for t in results.get("targets", []) if t["target"] not in names] + found["targets"]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2, default=str)
        handle.write("\n")


if __name__ == "__main__":
    sys.exit(main())
