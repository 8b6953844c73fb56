"""Workbooks for the tests: an evidence file's cases, ratings, target data and adjustments written as sheets."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

Rows = list[list[Any]]


def write_workbook(path: Path, sheets: dict[str, Rows], *, corner: tuple[int, int] = (0, 0)) -> Path:
    """Each sheet's rows from `corner` (row, column from 0); None or "" leaves a cell blank, a
    number or a truth value is written as one (as a spreadsheet keeps a typed `34` or `TRUE`)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    sheet.write_string(corner[0] + r, corner[1] + c, value)
                else:
                    sheet.write(corner[0] + r, corner[1] + c, value)
    book.close()
    return path


def csv_rows(path: Path) -> Rows:
    with open(path, newline="", encoding="utf-8") as f:
        return [list(row) for row in csv.reader(f)]


def evidence_sheets(evidence: Path) -> dict[str, Rows]:
    """An evidence file (YAML, its cases in a CSV file) as the sheets of a workbook."""
    document = yaml.safe_load(evidence.read_text(encoding="utf-8"))
    sheets: dict[str, Rows] = {"cases": csv_rows(evidence.parent / document["cases"])}
    if document.get("ratings"):
        sheets["ratings"] = [["item", "rating"], *([k, v] for k, v in document["ratings"].items())]
    if document.get("measures"):
        sheets["measures"] = [
            ["measure", "actual", "target", "national_average"],
            *([k, str(v["actual"]), str(v["target"]), str(v["national_average"])] for k, v in document["measures"].items()),
        ]
    if document.get("adjustments"):
        sheets["adjustments"] = [
            ["criterion", "grade", "by", "reason"],
            *([a["criterion"], a["grade"], a["by"], a["reason"]] for a in document["adjustments"]),
        ]
    return sheets
