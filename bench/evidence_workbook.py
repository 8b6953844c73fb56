"""Benchmark workbook evidence: the readers compared, and a workbook's load throughput against the same cases as CSV.

Cases from bench/generate.py (seeded) are written once as a workbook (`cases` sheet, every cell
text, by xlsxwriter) and as a CSV file, kept in bench/data. Figures, each a ratio of two taken in
this run:

- readers: the time each candidate takes to read the cases sheet into memory: fastexcel (to
  Arrow columns), python-calamine (to Python lists) and openpyxl (read-only rows; on its first
  `--openpyxl-rows` rows only, scaled up to the whole sheet, as it takes minutes). This chose
  the reader (docs/architecture.md "Decisions").
- load: `load_evidence` of the workbook and of the CSV file, file to checked `Cases`, medians of
  `--repeat` runs: answers per second each, and the workbook's time over the CSV file's.

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


def seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def readers(book: str, n: int, openpyxl_rows: int) -> dict[str, float]:
    """Seconds each reader takes for the whole cases sheet (openpyxl's scaled up from a part)."""
    found: dict[str, float] = {}

    def fastexcel_read() -> None:
        import fastexcel

        fastexcel.read_excel(book).load_sheet("cases", header_row=None, skip_rows=0, dtypes="string").to_arrow()

    found["fastexcel"] = seconds(fastexcel_read, 1)
    try:
        from python_calamine import CalamineWorkbook

        found["python-calamine"] = seconds(
            lambda: CalamineWorkbook.from_path(book).get_sheet_by_name("cases").to_python(skip_empty_area=False), 1
        )
    except ImportError:
        pass
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

    found["openpyxl"] = seconds(openpyxl_read, 1) * (n + 1) / rows
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--openpyxl-rows", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from generate import RULESET

    from esirules.evidence.load import load_evidence
    from esirules.language.check import load_ruleset

    book, table, questions = files(args.cases)
    ruleset = load_ruleset(RULESET)
    answers = args.cases * questions
    book_s = seconds(lambda: load_evidence(book, ruleset), args.repeat)
    csv_s = seconds(lambda: load_evidence(table, ruleset), args.repeat)
    results: dict[str, Any] = {
        "cases": args.cases,
        "answers": answers,
        "workbook_bytes": os.path.getsize(book),
        "csv_bytes": os.path.getsize(table),
        "workbook_load_s": book_s,
        "csv_load_s": csv_s,
        "workbook_answers_per_s": answers / book_s,
        "csv_answers_per_s": answers / csv_s,
        "workbook_over_csv": book_s / csv_s,
        "readers_s": readers(book, args.cases, args.openpyxl_rows),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{args.cases:,} cases, {answers:,} answers; workbook {results['workbook_bytes'] / 1e6:.1f} MB")
    print(f"workbook: {book_s:.2f} s, {answers / book_s / 1e6:.2f} M answers/s")
    print(f"CSV:      {csv_s:.2f} s, {answers / csv_s / 1e6:.2f} M answers/s  (workbook {book_s / csv_s:.1f}x)")
    for name, spent in results["readers_s"].items():
        print(f"reader {name}: {spent:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
