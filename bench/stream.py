"""Benchmark scoring a CSV file in batches: throughput and peak memory of `esirules score` at millions of cases.

A case file of N cases is written block by block (bench/generate.py's cases: five blocks of
200,000, each with its own seed, written in turn with the ids running on, `C1` ... `CN`), so a
file of any size is written in bounded memory and in minutes. Each figure is one whole process, its peak resident set (VmHWM) read as it ends:

- batches: `esirules score FILE --ruleset RULESET --format json` (the sheet of both samples'
  columns), the file read in batches as it is from 64 MB on;
- named: `esirules score FILE.yaml --format json`, an evidence file beside it that names it
  (`cases:`) and its ruleset, with the follow-up example's item ratings, target data and
  adjustments, as an inspection is usually written: the named file is read in batches too;
- whole (only up to 4 GB, the largest CSV file read whole): the same with the file read whole;
- floor: pyarrow's streaming CSV reader (`pyarrow.csv.open_csv`) reading every batch of the
  same file and nothing else, the least any reader in bounded memory does.

Throughput is answers (cases × question columns) per second of wall clock. The target is a
peak resident set under 1 GB at 20 million cases. Generating 20 million cases takes about 6 GB
of disk and several minutes; the file is deleted afterwards unless `--keep`.

    python bench/stream.py [--cases N ...] [--repeat R] [--dir DIR] [--keep] [--json] [--update]

`--update` writes the figures to bench/results/stream.json and this benchmark's target into
bench/results/latest.json (replacing its entry there).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, "results")
sys.path.insert(0, HERE)

BLOCK = 200_000
VARIANTS = 5
TARGET_CASES = 20_000_000
TARGET_MB = 1024.0
WHOLE_LIMIT = 4 << 30  # evidence/document.py MAX_TABLE_BYTES


def write_cases(path: str, n_cases: int, seed: int = 0) -> None:
    """Write a case file of `n_cases` generated cases, a block at a time.

    `VARIANTS` blocks of `BLOCK` cases are generated (each with its own seed) and written in
    turn, each time with the ids running on, so writing 20 million cases takes minutes, not an
    hour: the cases repeat every VARIANTS × BLOCK cases, which changes nothing for a reader or
    the counts' cost.
    """
    from generate import RULESET, generate_columns

    from esirules.language.check import load_ruleset

    ruleset = load_ruleset(RULESET)
    blocks: list[list[str]] = []
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for number, start in enumerate(range(0, n_cases, BLOCK)):
            size = min(BLOCK, n_cases - start)
            if number < VARIANTS:
                columns = generate_columns(ruleset, BLOCK, seed * 100_003 + number)
                if number == 0:
                    csv.writer(handle).writerow(columns)
                del columns["id"]
                text = io.StringIO()
                csv.writer(text, lineterminator="\n").writerows(zip(*columns.values()))
                blocks.append(text.getvalue().splitlines())
            rows = blocks[number % VARIANTS]
            handle.writelines(f"C{start + i + 1},{rows[i]}\r\n" for i in range(size))


def write_evidence_file(path: str) -> None:
    """`PATH.yaml`: an evidence file naming the case file `path` and the benchmark's ruleset, with
    the bundled follow-up inspection's item ratings, target data and adjustments."""
    import yaml
    from generate import RULESET

    with open(os.path.join(ROOT, "examples", "hertfordshire", "followup.yaml"), encoding="utf-8") as handle:
        example = yaml.safe_load(handle)
    evidence = {"inspection": "Generated cases", "ruleset": os.path.abspath(RULESET), "cases": os.path.basename(path),
                **{key: example[key] for key in ("ratings", "measures", "adjustments")}}
    with open(path + ".yaml", "w", encoding="utf-8") as handle:
        yaml.safe_dump(evidence, handle, sort_keys=False)


def _peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(way: str, path: str) -> None:
    """(In a process of its own.) Score or read the file one way; print the time and peak RSS."""
    started = time.perf_counter()
    if way == "floor":
        import pyarrow.csv as pacsv

        rows = sum(batch.num_rows for batch in pacsv.open_csv(path))
        out: dict[str, Any] = {"rows": rows}
    else:
        from generate import RULESET

        import esirules.evidence.stream as stream
        from esirules.cli.main import main

        if way == "whole":
            stream.STREAM_BYTES = 1 << 62
        scored = [path + ".yaml"] if way == "named" else [path, "--ruleset", RULESET]
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink):
            code = main(["score", *scored, "--format", "json", "--quiet"])
        if code != 0:
            raise SystemExit(f"esirules score exited {code}")
        sheet = json.loads(sink.getvalue())
        out = {"columns": [column["label"] for column in sheet["columns"]]}
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    out.update(seconds=time.perf_counter() - started, cpu_seconds=usage.ru_utime + usage.ru_stime,
               peak_rss_mb=_peak_rss_mb())
    print(json.dumps(out))


def _run(way: str, path: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", way, path], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def figures(n_cases: int, directory: str, repeat: int, keep: bool, ways: list[str]) -> dict[str, Any]:
    path = os.path.join(directory, f"stream-{n_cases}-cases.csv")
    started = time.perf_counter()
    if not os.path.exists(path):
        write_cases(path, n_cases)
    written = time.perf_counter() - started
    size = os.path.getsize(path)
    with open(path, encoding="utf-8") as handle:
        questions = sum(1 for heading in next(csv.reader(handle)) if "." in heading)
    answers = n_cases * questions
    out: dict[str, Any] = {"cases": n_cases, "answers": answers, "file_mb": size / 2**20,
                           "generated_s": written, "load_average_at_start": os.getloadavg()}
    ways = [way for way in ways if way != "whole" or size <= WHOLE_LIMIT]
    if "named" in ways:
        write_evidence_file(path)
    try:
        for way in ways:
            runs = [_run(way, path) for _ in range(repeat)]
            seconds = statistics.median(r["seconds"] for r in runs)
            out[way] = {"seconds": seconds, "answers_per_s": answers / seconds,
                        "cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs),
                        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "runs": runs}
            if way != "floor" and runs[0]["columns"] != ["february", "september"]:
                raise SystemExit(f"the sheet's columns are {runs[0]['columns']}")
    finally:
        if not keep:
            os.remove(path)
        if os.path.exists(path + ".yaml"):
            os.remove(path + ".yaml")
    out["load_average_at_end"] = os.getloadavg()
    if "floor" in out:
        out["batches_over_floor"] = out["batches"]["seconds"] / out["floor"]["seconds"]
    if "whole" in out:
        out["batches_over_whole"] = out["batches"]["seconds"] / out["whole"]["seconds"]
    return out


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The pass/fail entries: peak RSS of scoring in batches at 20 million cases under 1 GB (the
    CSV file on its own, and named by an evidence file)."""
    at = results.get(str(TARGET_CASES))
    if at is None:
        return []
    out = []
    for way, what in (("batches", "CSV read in batches"), ("named", "an evidence file naming the CSV, read in batches")):
        if way not in at:
            continue
        peak = at[way]["peak_rss_mb"]
        out.append({"target": f"peak RSS of `esirules score` at {TARGET_CASES} cases ({what})",
                    "figure": peak, "threshold": TARGET_MB, "unit": "MB", "pass": peak < TARGET_MB,
                    "note": f"{at['file_mb'] / 1024:.1f} GB file, {at[way]['answers_per_s'] / 1e6:.1f} M answers/s;"
                            " bench/stream.py, bench/results/stream.json"})
    return out


def recorded() -> dict[str, Any]:
    """The figures of the last `--update` run (bench/run reports its target from them: measuring
    20 million cases takes longer than the rest of bench/run together)."""
    path = os.path.join(RESULTS, "stream.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


def update(results: dict[str, Any]) -> None:
    with open(os.path.join(RESULTS, "stream.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
        handle.write("\n")
    latest = os.path.join(RESULTS, "latest.json")
    with open(latest, encoding="utf-8") as handle:
        summary = json.load(handle)
    new = targets(results)
    names = {t["target"] for t in new}
    summary["targets"] = [t for t in summary["targets"] if t["target"] not in names] + new
    with open(latest, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2, default=str)
        handle.write("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[2_000_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--ways", default="batches,named,floor,whole", help="which of batches, named, floor, whole to run")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--update", action="store_true", help="write bench/results/stream.json and the target")
    parser.add_argument("--child", nargs=2, metavar=("WAY", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    results: dict[str, Any] = {"cpu_count": os.cpu_count()}
    if args.update:
        path = os.path.join(RESULTS, "stream.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                results.update(json.load(handle))
    for n in args.cases:
        results[str(n)] = figures(n, args.dir, args.repeat, args.keep, args.ways.split(","))
        at = results[str(n)]
        line = (f"{n} cases ({at['file_mb']:.0f} MB, load {at['load_average_at_start'][0]:.1f}):"
                f" batches {at['batches']['seconds']:.1f} s ({at['batches']['cpu_seconds']:.1f} s CPU),"
                f" {at['batches']['answers_per_s'] / 1e6:.1f} M answers/s,"
                f" peak {at['batches']['peak_rss_mb']:.0f} MB")
        if "floor" in at:
            line += (f"; floor {at['floor']['seconds']:.1f} s ({at['floor']['cpu_seconds']:.1f} s CPU),"
                     f" peak {at['floor']['peak_rss_mb']:.0f} MB")
        if "named" in at:
            line += (f"; named by an evidence file {at['named']['seconds']:.1f} s ({at['named']['cpu_seconds']:.1f} s CPU),"
                     f" peak {at['named']['peak_rss_mb']:.0f} MB")
        if "whole" in at:
            line += (f"; whole {at['whole']['seconds']:.1f} s ({at['whole']['cpu_seconds']:.1f} s CPU),"
                     f" peak {at['whole']['peak_rss_mb']:.0f} MB")
        print(line, flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
    if args.update:
        update(results)
    return 0 if all(t["pass"] for t in targets(results)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
