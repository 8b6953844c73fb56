"""Measure esirules' speed and memory, and the same workload by reference implementations and peers.

One run writes bench/results/latest.json (the machine, every figure, a pass or fail per target)
and prints a summary. Every time is the median of repeated runs after a warm-up run, and every
ratio is of two figures measured in this run. "Answers" are case-file answers: cases × the
question columns of the case file (74 for the benchmark's ruleset: the follow-up's 71 and the
3 prompts of the judgement it adds), blank or not.

    python bench/run.py [--quick] [--out FILE]

Besides its own figures it runs bench/evidence_csv.py, bench/scale.py (issue 15: file → sheet
against reading the CSV file alone, JSON and YAML evidence), bench/evidence_workbook.py and
bench/stream.py's recorded figures (streaming in bounded memory), each target with a pass or fail.

`--quick` uses small sizes (for trying the script, not for figures). docs/performance.md
explains the method and the caveats.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import analysis  # noqa: E402
import language  # noqa: E402
from generate import RULESET, generate  # noqa: E402

DATA = os.path.join(HERE, "data")
RESULTS = os.path.join(HERE, "results")
SIZES = (60, 10_000, 200_000)
PEER_CASES = 10_000
QUICK_SIZES = (60, 2_000, 20_000)
QUICK_PEER_CASES = 500
QUICK_INLINE_CASES = 2_000
REPEAT = 5  # esirules and the numpy reference
REPEAT_SCORING = 11  # scoring in memory: milliseconds each, so more runs for a steadier median
REPEAT_SLOW = 3  # pure Python and the faster peers
JSON_MAX_CASES = 200_000  # JSON cases are read by the scanner (json_cases) at every size


def median_s(work: Callable[[], object], repeat: int, warm: bool = True) -> float:
    """The median time of `repeat` runs (after a warm-up run).

    As `timeit` does, each timed run starts from a collected heap with the garbage collector
    paused, for every implementation alike, so a collection triggered by whatever ran before
    does not land in one implementation's timing and not another's.
    """
    if warm:
        work()
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("esirules", "numpy", "pyarrow", "PyYAML", "lark", "rich", "zen-engine", "datalogic-py",
                    "rule-engine", "dask"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "versions": versions(),
    }


# ---------------------------------------------------------------------------------------------
# The language: parse + check + compile, and cold start


def language_figures(repeat: int) -> dict[str, Any]:
    from esirules.language.check import check_file, check_files
    from esirules.scoring.compile import compile_ruleset

    paths = language.RULESETS

    def every() -> None:
        for checked in check_files(paths):
            assert checked.ruleset is not None
            compile_ruleset(checked.ruleset)

    def one(path: str) -> Callable[[], None]:
        def work() -> None:
            checked = check_file(path)
            assert checked.ruleset is not None
            compile_ruleset(checked.ruleset)

        return work

    per_ruleset = {os.path.basename(p): median_s(one(p), repeat * 4) * 1000 for p in paths}
    cold = language.cold_start(repeat)
    parsing = {os.path.basename(p): language.parsing(p, repeat * 4) for p in paths}
    return {
        "rulesets": [os.path.basename(p) for p in paths],
        "parse_check_compile_ms": per_ruleset,
        "parse_check_compile_all_ms": median_s(every, repeat * 4) * 1000,
        "parse_ms": parsing,
        "format_esi_2003": language.formatting(repeat * 4),
        "cold_start_s": {
            "python_bare": cold["python_bare_s"], "help": cold["help_s"], "check": cold["check_s"],
            "fmt_check": cold["fmt_check_s"],
        },
        "analysis": analysis.per_ruleset(repeat * 4),
    }


# ---------------------------------------------------------------------------------------------
# esirules at each size


class Esirules:
    def __init__(self) -> None:
        from esirules.language.check import load_ruleset
        from esirules.scoring.compile import compile_ruleset

        self.ruleset = load_ruleset(RULESET)
        self.evaluator = compile_ruleset(self.ruleset)

    def load(self, path: str) -> Any:
        from esirules.evidence.load import load_evidence

        return load_evidence(path, self.ruleset)

    def score(self, evidence: Any) -> Any:
        from esirules.scoring.evaluate import finish, score_batch

        return finish(score_batch(self.evaluator, evidence), evaluator=self.evaluator)

    def file_to_sheet(self, path: str) -> str:
        from esirules.render.sheet import build_sheet, sheet_csv

        column = self.score(self.load(path))
        return sheet_csv(build_sheet("Scoring summary sheet", [column]))


def ratings_and_measures(path: str) -> tuple[dict[str, str], dict[str, Any]]:
    import yaml

    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    return dict(document.get("ratings") or {}), dict(document.get("measures") or {})


def size_figures(n: int, paths: dict[str, str], esi: Esirules, work: Any, answers_per_case: int) -> dict[str, Any]:
    from reference import Numpy, PurePython, numpy_encode, numpy_encode_arrow
    from workload import case_dicts, esirules_summary, ladder_items, ladder_python, read_rows, summarise

    answers = n * answers_per_case
    out: dict[str, Any] = {"cases": n, "answers": answers, "csv_bytes": os.path.getsize(paths["csv"])}

    def rate(seconds: float) -> float:
        return answers / seconds

    # esirules: load (CSV via the evidence file, and JSON), score in memory, file to sheet
    load_csv_s = median_s(lambda: esi.load(paths["yaml"]), REPEAT)
    out["esirules"] = {"load_csv_s": load_csv_s, "load_csv_answers_per_s": rate(load_csv_s)}
    if "json" in paths:
        load_json_s = median_s(lambda: esi.load(paths["json"]), REPEAT_SLOW if n > 1000 else REPEAT)
        out["esirules"].update(load_json_s=load_json_s, load_json_answers_per_s=rate(load_json_s))
    else:
        out["esirules"]["load_json"] = f"not measured above {JSON_MAX_CASES} cases: see docs/performance.md"
    evidence = esi.load(paths["yaml"])
    first = time.perf_counter()
    esi.score(evidence)  # the first scoring of loaded evidence also orders its case ids (kept for the next)
    first_s = time.perf_counter() - first
    score_s = median_s(lambda: esi.score(evidence), REPEAT_SCORING)
    sheet_s = median_s(lambda: esi.file_to_sheet(paths["yaml"]), REPEAT)
    out["esirules"].update(
        score_first_s=first_s,
        score_s=score_s,
        score_answers_per_s=rate(score_s),
        file_to_sheet_s=sheet_s,
        file_to_sheet_answers_per_s=rate(sheet_s),
    )
    expected = esirules_summary(work, esi.score(evidence))

    # the reference implementations
    ratings, measures = ratings_and_measures(paths["yaml"])

    def grades() -> dict[str, str | None]:
        return {c: ladder_python(work, ladder_items(work, c, ratings, measures)) for c in work.descriptive}

    def check(name: str, summary: Any) -> None:
        differences = summary.differences(expected)
        assert not differences, f"{name} at {n} cases disagrees with esirules: {differences[:5]}"

    header, rows = read_rows(paths["csv"])
    reference = Numpy(work)
    coded = numpy_encode(work, header, rows)
    check("numpy", summarise(work, *reference.counts(coded), grades()))

    def numpy_file_to_sheet() -> Any:
        head, body = read_rows(paths["csv"])
        r, m = ratings_and_measures(paths["yaml"])
        g = {c: ladder_python(work, ladder_items(work, c, r, m)) for c in work.descriptive}
        return summarise(work, *reference.counts(numpy_encode(work, head, body)), g)

    def numpy_arrow_file_to_sheet() -> Any:
        r, m = ratings_and_measures(paths["yaml"])
        g = {c: ladder_python(work, ladder_items(work, c, r, m)) for c in work.descriptive}
        return summarise(work, *reference.counts(numpy_encode_arrow(work, paths["csv"])), g)

    check("numpy (pyarrow encoding)", numpy_arrow_file_to_sheet())
    numpy_score_s = median_s(lambda: summarise(work, *reference.counts(coded), grades()), REPEAT_SCORING)
    numpy_sheet_s = median_s(numpy_file_to_sheet, REPEAT_SLOW)
    numpy_arrow_s = median_s(numpy_arrow_file_to_sheet, REPEAT_SLOW)
    out["numpy"] = {
        "score_s": numpy_score_s,
        "score_answers_per_s": rate(numpy_score_s),
        "file_to_sheet_s": numpy_sheet_s,
        "file_to_sheet_answers_per_s": rate(numpy_sheet_s),
        "file_to_sheet_pyarrow_encoding_s": numpy_arrow_s,
        "file_to_sheet_pyarrow_encoding_answers_per_s": rate(numpy_arrow_s),
    }

    python = PurePython(work)
    cases = case_dicts(work, header, rows)
    check("pure Python", summarise(work, *python.counts(cases), grades()))
    python_score_s = median_s(lambda: summarise(work, *python.counts(cases), grades()), REPEAT_SLOW)

    def python_file_to_sheet() -> Any:
        head, body = read_rows(paths["csv"])
        r, m = ratings_and_measures(paths["yaml"])
        g = {c: ladder_python(work, ladder_items(work, c, r, m)) for c in work.descriptive}
        return summarise(work, *python.counts(case_dicts(work, head, body)), g)

    python_sheet_s = median_s(python_file_to_sheet, REPEAT_SLOW, warm=False)
    out["pure_python"] = {
        "score_s": python_score_s,
        "score_answers_per_s": rate(python_score_s),
        "file_to_sheet_s": python_sheet_s,
        "file_to_sheet_answers_per_s": rate(python_sheet_s),
    }
    return out


def peer_figures(n: int, paths: dict[str, str], esi: Esirules, work: Any, answers_per_case: int) -> dict[str, Any]:
    from peers import ENGINES
    from workload import case_dicts, esirules_summary, ladder_items, read_rows, summarise

    answers = n * answers_per_case
    expected = esirules_summary(work, esi.score(esi.load(paths["yaml"])))
    header, rows = read_rows(paths["csv"])
    cases = case_dicts(work, header, rows)
    out: dict[str, Any] = {"cases": n, "answers": answers}
    for engine_class in ENGINES:
        started = time.perf_counter()
        engine = engine_class(work)
        compile_s = time.perf_counter() - started

        def scoring(e: Any = engine) -> Any:
            r, m = ratings_and_measures(paths["yaml"])
            grades = {c: e.grade(ladder_items(work, c, r, m)) for c in work.descriptive}
            return summarise(work, *e.counts(cases), grades)

        def file_to_sheet(e: Any = engine) -> Any:
            head, body = read_rows(paths["csv"])
            r, m = ratings_and_measures(paths["yaml"])
            grades = {c: e.grade(ladder_items(work, c, r, m)) for c in work.descriptive}
            return summarise(work, *e.counts(case_dicts(work, head, body)), grades)

        first = time.perf_counter()
        differences = scoring().differences(expected)
        first_s = time.perf_counter() - first
        assert not differences, f"{engine.name} disagrees with esirules: {differences[:5]}"
        repeat = REPEAT_SLOW if first_s < 10 else 1  # a slow engine is timed once (its first run is the warm-up)
        score_s = median_s(scoring, repeat, warm=False)
        sheet_s = median_s(file_to_sheet, repeat, warm=False)
        out[engine.name] = {
            "compile_s": compile_s,
            "runs": repeat,
            "score_s": score_s,
            "score_answers_per_s": answers / score_s,
            "file_to_sheet_s": sheet_s,
            "file_to_sheet_answers_per_s": answers / sheet_s,
            "agrees_with_esirules": True,
        }
    return out


# ---------------------------------------------------------------------------------------------
# Peak memory, one process per size


def memory_child(path: str) -> None:
    """(In a child process.) Load, score and render one evidence file; print the peak RSS."""
    esi = Esirules()
    before = _peak_rss_mb()
    esi.file_to_sheet(path)
    print(json.dumps({"peak_rss_mb": _peak_rss_mb(), "peak_rss_after_imports_mb": before}))


def _peak_rss_mb() -> float:
    """This process's peak resident set size (Linux: VmHWM, which a new program starts afresh)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # elsewhere: ru_maxrss (on Linux it would carry the parent's peak over)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def peak_memory(path: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--memory-child", path],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# Explain latency (bench/explain.py, written alongside)


def explain_figures(repeat: int, large_cases: int) -> dict[str, Any]:
    try:
        import explain as explain_bench
    except ImportError as error:
        return {"skipped": f"bench/explain.py is not importable: {error}"}
    out: dict[str, Any] = {}
    try:
        example = explain_bench.example(repeat)
        rows = example["rows"]
        numerical = next(r for r in rows if r["target"] == "B1")
        descriptive = next(r for r in rows if r["target"] == "A1")
        out["example"] = {
            "numerical B1 (" + numerical["column"] + ")": numerical,
            "descriptive A1 (" + descriptive["column"] + ")": descriptive,
            "targets": example["targets"],
            "median_explain_ms": example["median_explain_ms"],
            "max_explain_ms": example["max_explain_ms"],
            "slowest": example["slowest"],
            "median_explain_cpu_ms": example["median_explain_cpu_ms"],
            "max_explain_cpu_ms": example["max_explain_cpu_ms"],
            "A1": example["A1"],
        }
    except Exception as error:  # another helper's code: record, do not stop the run
        out["example"] = {"skipped": f"bench/explain.py example() failed: {error!r}"}
    try:
        name = os.path.join(DATA, f"explain-{large_cases}.yaml")
        source = os.path.join(DATA, f"followup-{large_cases}.yaml")
        if not os.path.exists(name) and os.path.exists(source):
            shutil.copyfile(source, name)  # the same seeded inspection; explain.py looks for this name
        out["large"] = explain_bench.large(large_cases, repeat)
    except Exception as error:
        out["large"] = {"skipped": f"bench/explain.py large() failed: {error!r}"}
    return out


# ---------------------------------------------------------------------------------------------
# Targets


def targets(results: dict[str, Any], largest: int) -> list[dict[str, Any]]:
    big = results["sizes"][str(largest)]
    peer_size = results["peers"]["cases"]
    at_peer_size = results["sizes"].get(str(peer_size))
    language_ = results["language"]
    out = []

    def target(name: str, figure: float, threshold: float, passed: bool, unit: str, note: str = "") -> None:
        out.append({"target": name, "figure": figure, "threshold": threshold, "unit": unit, "pass": passed,
                    **({"note": note} if note else {})})

    ratio = big["esirules"]["score_answers_per_s"] / big["numpy"]["score_answers_per_s"]
    target(f"scoring in memory at {largest} cases, speed relative to the numpy reference", ratio, 0.5,
           ratio >= 0.5, "× numpy")
    rate = big["esirules"]["file_to_sheet_answers_per_s"]
    target(f"file to summary sheet at {largest} cases (CSV)", rate, 20e6, rate >= 20e6, "answers/s")
    ratio = big["esirules"]["file_to_sheet_answers_per_s"] / big["numpy"]["file_to_sheet_answers_per_s"]
    target(f"file to summary sheet at {largest} cases, relative to the numpy reference with its encoding",
           ratio, 1.0, ratio > 1.0, "× numpy")
    peers = {k: v for k, v in results["peers"].items() if isinstance(v, dict)}
    best_name, best = max(peers.items(), key=lambda kv: kv[1]["file_to_sheet_answers_per_s"])
    if at_peer_size is not None:
        ratio = at_peer_size["esirules"]["file_to_sheet_answers_per_s"] / best["file_to_sheet_answers_per_s"]
        target(f"file to summary sheet at {peer_size} cases, relative to the best peer engine ({best_name})",
               ratio, 5.0, ratio >= 5.0, "× peer")
    slowest = max(language_["parse_check_compile_ms"].items(), key=lambda kv: kv[1])
    target("parse + check + compile of a bundled ruleset, warm (the slowest)", slowest[1], 20.0,
           slowest[1] < 20.0, "ms", f"{slowest[0]}; all bundled rulesets together "
           f"{language_['parse_check_compile_all_ms']:.1f} ms; parsing alone, directly against Lark: "
           + ", ".join(f"{name} {p['direct_ms']:.1f} / {p['lark_and_tosyntax_ms']:.1f} ms"
                       for name, p in language_["parse_ms"].items()))
    analysed = language_["analysis"]["all_bundled_ms"]
    target("the checker's analysis of the bundled rulesets, warm (findings not remembered)", analysed, 100.0,
           analysed < 100.0, "ms")
    for command in ("help", "check"):
        seconds = language_["cold_start_s"][command]
        target(f"`esirules {'--help' if command == 'help' else 'check'}` cold start", seconds, 0.5,
               seconds < 0.5, "s")
    peak = big.get("memory", {}).get("peak_rss_mb")
    if peak is not None:
        target(f"peak RSS at {largest} cases (file to sheet, own process)", peak, 1024.0, peak < 1024.0, "MB")
    example = results.get("explain", {}).get("example", {})
    if "max_explain_ms" in example:
        slowest = example["max_explain_ms"]
        target(f"every explanation of the bundled example ({example['targets']} targets), warm: the slowest",
               slowest, 50.0, slowest < 50.0, "ms",
               f"{example['slowest']}; median {example['median_explain_ms']:.1f} ms; processor time at most "
               f"{example['max_explain_cpu_ms']:.1f} ms")
    return out


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for trying the script")
    parser.add_argument("--out", default=os.path.join(RESULTS, "latest.json"))
    parser.add_argument("--memory-child", metavar="EVIDENCE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return 0

    from workload import read_rows, workload

    started = time.perf_counter()
    sizes = QUICK_SIZES if args.quick else SIZES
    peer_cases = QUICK_PEER_CASES if args.quick else PEER_CASES
    results: dict[str, Any] = {
        "machine": machine(),
        "method": {
            "sizes": list(sizes),
            "peer_cases": peer_cases,
            "repeats": {
                "esirules_and_numpy": REPEAT,
                "scoring_in_memory": REPEAT_SCORING,
                "pure_python_and_peers": REPEAT_SLOW,
            },
            "statistic": "median after a warm-up run",
            "answers": "cases × question columns of the case file",
            "quick": args.quick,
        },
    }
    print(f"esirules benchmark: {os.cpu_count()} CPUs, Python {platform.python_version()}", flush=True)
    results["language"] = language_figures(REPEAT)
    print("  language figures done", flush=True)

    esi = Esirules()
    work = workload(esi.ruleset)
    results["sizes"] = {}
    for n in sizes:
        paths = generate(DATA, n, seed=0, json_cases=n <= JSON_MAX_CASES)
        answers_per_case = len(read_rows(paths["csv"])[0]) - len(esi.ruleset.attributes) - 2
        figures = size_figures(n, paths, esi, work, answers_per_case)
        figures["memory"] = peak_memory(paths["yaml"])
        results["sizes"][str(n)] = figures
        print(f"  {n} cases done ({time.perf_counter() - started:.0f} s)", flush=True)
    peer_paths = generate(DATA, peer_cases, seed=0, json_cases=False)
    results["peers"] = peer_figures(peer_cases, peer_paths, esi, work, answers_per_case)
    print(f"  peers done ({time.perf_counter() - started:.0f} s)", flush=True)
    results["explain"] = explain_figures(3, sizes[-1])
    print(f"  explain done ({time.perf_counter() - started:.0f} s)", flush=True)
    import evidence_csv

    results["evidence_csv"] = evidence_csv.figures(sizes[-1], 1_000 if args.quick else 5_000)
    print(f"  CSV off the fast path done ({time.perf_counter() - started:.0f} s)", flush=True)
    import evidence_workbook
    import scale
    import stream

    results["scale"] = scale.figures(sizes[-1], QUICK_INLINE_CASES if args.quick else scale.INLINE_CASES,
                                     REPEAT_SLOW if args.quick else REPEAT)
    print(f"  floor ratio, JSON and YAML done ({time.perf_counter() - started:.0f} s)", flush=True)
    results["workbook"] = evidence_workbook.figures(2_000 if args.quick else 20_000, REPEAT_SLOW,
                                                    1_000 if args.quick else 10_000)
    print(f"  workbook done ({time.perf_counter() - started:.0f} s)", flush=True)
    # (bench/stream.py --update measures it and records it: 20 M cases take long)
    results["stream"] = stream.recorded()
    results["targets"] = (
        targets(results, sizes[-1])
        + evidence_csv.targets(results["evidence_csv"])
        + results["scale"].pop("targets")
        + stream.targets(results["stream"])
    )
    results["seconds"] = time.perf_counter() - started
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2, default=str)
        handle.write("\n")
    print_summary(results)
    print(f"written to {os.path.relpath(args.out, ROOT)} in {results['seconds']:.0f} s")
    return 0 if all(t["pass"] for t in results["targets"]) else 1


def print_summary(results: dict[str, Any]) -> None:
    def mega(x: float) -> str:
        return f"{x / 1e6:6.2f}M"

    print("\nanswers per second (median)        load CSV    score  file→sheet")
    for n, figures in results["sizes"].items():
        e, np_, py = figures["esirules"], figures["numpy"], figures["pure_python"]
        print(f"  esirules     {n:>7} cases      {mega(e['load_csv_answers_per_s'])}  "
              f"{mega(e['score_answers_per_s'])}  {mega(e['file_to_sheet_answers_per_s'])}"
              f"   peak RSS {figures['memory']['peak_rss_mb']:.0f} MB")
        print(f"  numpy ref    {n:>7} cases                {mega(np_['score_answers_per_s'])}  "
              f"{mega(np_['file_to_sheet_answers_per_s'])}")
        print(f"  pure Python  {n:>7} cases                {mega(py['score_answers_per_s'])}  "
              f"{mega(py['file_to_sheet_answers_per_s'])}")
    peers = results["peers"]
    for name, figures in peers.items():
        if isinstance(figures, dict):
            print(f"  {name:12} {peers['cases']:>7} cases                {mega(figures['score_answers_per_s'])}  "
                  f"{mega(figures['file_to_sheet_answers_per_s'])}")
    formatted = results["language"]["format_esi_2003"]
    print(f"\nesirules fmt of esi-2003.esi, warm: {formatted['format_ms']:.0f} ms "
          f"({formatted['ratio_to_check']:.1f}× its check_text)")
    print("\ntargets")
    for t in results["targets"]:
        figure = "not measured" if t["figure"] is None else f"{t['figure']:.3g} {t['unit']}"
        print(f"  {'PASS' if t['pass'] else 'FAIL'}  {t['target']}: {figure} (threshold {t['threshold']:g})"
              + (f" [{t['note']}]" if t["figure"] is None and "note" in t else ""))


if __name__ == "__main__":
    sys.exit(main())
