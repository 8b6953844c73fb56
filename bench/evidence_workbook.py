"""Benchmark workbook evidence: the readers compared, and a workbook's load throughput against the same cases as CSV.

Cases from bench/generate.py (seeded) are written once as a workbook (`cases` sheet, every cell
text, by xlsxwriter) and as a CSV file, kept in bench/data. Figures, each a ratio of two taken in
this run:

- readers: the time each candidate takes to read the cases sheet into memory: fastexcel (to
  Arrow columns), python-calamine (to Python lists) and openpyxl (read-only rows; on its first
  `--openpyxl-rows` rows only, scaled up to the whole sheet, as it takes minutes). This chose
  the reader (docs/architecture.md "Decisions").
- load: `load_evidence` of the workbook and of the CSV file, file to checked `Cases`, medians of
  `--repeat` interleaved runs: answers per second each (by CPU time, the steadier figure on a
  shared machine; wall-clock time is reported too), and the workbook's time over the CSV file's.

    python bench/evidence_workbook.py [--cases N] [--repeat R] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
sys.path.insert(0, HERE)


def files(n: int) -> tuple[str, str, int]:
    """The workbook and CSV file of n generated cases (made once), and the answer columns."""
    from generate import _ruleset, generate_columns, write_csv

    os.makedirs(DATA, exist_ok=True)
    book, table = os.path.join(DATA, f"workbook-{n}.xlsx"), os.path.join(DATA, f"workbook-{n}.csv")
    ruleset = _ruleset()
    questions = {q.id for q in ruleset.questions()}
    if not (os.path.exists(book) and os.path.exists(table)):
        import xlsxwriter

        columns = generate_columns(ruleset, n, 0)
        names = list(columns)
        workbook = xlsxwriter.Workbook(book + ".tmp", {"constant_memory": True})
        sheet = workbook.add_worksheet("cases")
        sheet.write_row(0, 0, names)
        for i in range(n):
            sheet.write_row(i + 1, 0, [columns[c][i] for c in names])
        workbook.close()
        os.replace(book + ".tmp", book)
        write_csv(table, columns)
    with open(table, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
    return book, table, sum(1 for h in header if h in questions)


def seconds(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `repeat` runs. On a shared machine the CPU time is the
    steadier figure: the wall-clock time grows with the load of the other processes."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def paired(works: dict[str, Callable[[], object]], repeat: int) -> dict[str, dict[str, float]]:
    """Each work's median wall-clock and CPU seconds, the works interleaved run by run."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in works}
    for _ in range(repeat):
        for name, work in works.items():
            runs[name].append(seconds(work, 1))
    return {
        name: {"wall_s": statistics.median(r[0] for r in found), "cpu_s": statistics.median(r[1] for r in found)}
        for name, found in runs.items()
    }


def readers(book: str, n: int, openpyxl_rows: int, repeat: int) -> dict[str, dict[str, float]]:
    """Seconds each reader takes for the whole cases sheet, interleaved (openpyxl's scaled up from a part)."""
    import fastexcel

    works: dict[str, Callable[[], object]] = {
        "fastexcel": lambda: fastexcel.read_excel(book)
        .load_sheet("cases", header_row=None, skip_rows=0, dtypes="string")
        .to_arrow()
    }
    try:
        from python_calamine import CalamineWorkbook

        works["python-calamine"] = lambda: CalamineWorkbook.from_path(book).get_sheet_by_name("cases").to_python(
            skip_empty_area=False
        )
    except ImportError:
        pass
    found = paired(works, repeat)
    try:
        import openpyxl
    except ImportError:
        return found
    rows = min(openpyxl_rows, n + 1)

    def openpyxl_read() -> None:
        sheet = openpyxl.load_workbook(book, read_only=True, data_only=True)["cases"]
        for count, _ in enumerate(sheet.iter_rows(values_only=True), start=1):
            if count == rows:
                break

    wall, cpu = seconds(openpyxl_read, 1)
    found["openpyxl"] = {"wall_s": wall * (n + 1) / rows, "cpu_s": cpu * (n + 1) / rows}
    return found


def figures(cases: int, repeat: int, openpyxl_rows: int) -> dict[str, Any]:
    """A workbook's load against the same cases as CSV, and the readers compared (bench/run.py calls this)."""
    from generate import RULESET

    from esirules.evidence.load import load_evidence
    from esirules.language.check import load_ruleset

    book, table, questions = files(cases)
    ruleset = load_ruleset(RULESET)
    answers = cases * questions
    loads = paired({"workbook": lambda: load_evidence(book, ruleset), "csv": lambda: load_evidence(table, ruleset)}, repeat)
    book_s, csv_s = loads["workbook"]["cpu_s"], loads["csv"]["cpu_s"]
    return {
        "cases": cases,
        "answers": answers,
        "workbook_bytes": os.path.getsize(book),
        "csv_bytes": os.path.getsize(table),
        "load": loads,
        "workbook_answers_per_s": answers / book_s,
        "csv_answers_per_s": answers / csv_s,
        "workbook_over_csv": book_s / csv_s,
        "readers": readers(book, cases, openpyxl_rows, repeat),
        "load_average": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--openpyxl-rows", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = figures(args.cases, args.repeat, args.openpyxl_rows)
    answers = results["answers"]
    book_s, csv_s = results["load"]["workbook"]["cpu_s"], results["load"]["csv"]["cpu_s"]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{args.cases:,} cases, {answers:,} answers; workbook {results['workbook_bytes'] / 1e6:.1f} MB")
    print(f"workbook: {book_s:.2f} s CPU, {answers / book_s / 1e6:.2f} M answers/s")
    print(f"CSV:      {csv_s:.2f} s CPU, {answers / csv_s / 1e6:.2f} M answers/s  (workbook {book_s / csv_s:.1f}x)")
    for name, spent in results["readers"].items():
        print(f"reader {name}: {spent['cpu_s']:.2f} s CPU, {spent['wall_s']:.2f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
