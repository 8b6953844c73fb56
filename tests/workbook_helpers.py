"""Workbooks for the tests: an evidence file's cases, ratings, target data and adjustments written as sheets."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

Rows = list[list[Any]]


class Percent(float):
    """A figure typed as a percentage (`88%`): kept as the number 0.88 with a percentage format,
    as a spreadsheet keeps it."""


def write_workbook(path: Path, sheets: dict[str, Rows], *, corner: tuple[int, int] = (0, 0)) -> Path:
    """Each sheet's rows from `corner` (row, column from 0); None or "" leaves a cell blank, a
    number or a truth value is written as one (as a spreadsheet keeps a typed `34` or `TRUE`), and
    a date as a date cell shown the British way (`12/03/2024`)."""
    import datetime

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    shown_as_date = book.add_format({"num_format": "dd/mm/yyyy"})
    shown_as_percent = book.add_format({"num_format": "0%"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    sheet.write_string(corner[0] + r, corner[1] + c, value)
                elif isinstance(value, datetime.date):
                    sheet.write_datetime(corner[0] + r, corner[1] + c, value, shown_as_date)
                elif isinstance(value, Percent):
                    sheet.write_number(corner[0] + r, corner[1] + c, value, shown_as_percent)
                else:
                    sheet.write(corner[0] + r, corner[1] + c, value)
    book.close()
    return path


def csv_rows(path: Path) -> Rows:
    with open(path, newline="", encoding="utf-8") as f:
        return [list(row) for row in csv.reader(f)]


def evidence_sheets(evidence: Path) -> dict[str, Rows]:
    """An evidence file (YAML, its cases in a CSV file, or none) as the sheets of a workbook."""
    document = yaml.safe_load(evidence.read_text(encoding="utf-8"))
    sheets: dict[str, Rows] = {"cases": csv_rows(evidence.parent / document["cases"]) if "cases" in document else [["id"]]}
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
    top = [[field, document[field]] for field in ("inspection", "ruleset", "date") if document.get(field)]
    if top:
        sheets["inspection"] = [["field", "value"], *top]
    if document.get("carried_forward"):
        fields = ["criterion", "section", "grade", "inspection", "date", "reference"]
        sheets["carried_forward"] = [fields, *([j.get(f) for f in fields] for j in document["carried_forward"])]
    return sheets


def write_ods(path: Path, sheets: dict[str, Rows]) -> Path:
    """The sheets as an OpenDocument spreadsheet: the smallest file LibreOffice writes (a zip of the
    mimetype, the manifest and content.xml), cells as text, or as numbers for ints and floats, or
    dates shown the British way."""
    import datetime
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    def cell(value: Any) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, datetime.date):
            return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f'<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>')
        if isinstance(value, bool):
            word = "true" if value else "false"
            return f'<table:table-cell office:value-type="boolean" office:boolean-value="{word}"><text:p>{word.upper()}</text:p></table:table-cell>'
        if isinstance(value, Percent):
            return (f'<table:table-cell office:value-type="percentage" office:value="{float(value)}">'
                    f"<text:p>{float(value) * 100:g}%</text:p></table:table-cell>")
        if isinstance(value, int | float):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    tables = "".join(
        f"<table:table table:name={quoteattr(name)}>"
        + "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path
