"""Which cells of a workbook's sheet are shown as percentages: a workbook's bytes in, places out.

A spreadsheet keeps `88%` typed into a cell as the number 0.88 with a percentage format, and the
reader (fastexcel) gives the number alone; read so, a measure of 88% became 0.88%. This module
finds the cells whose format shows a percentage, from the workbook's own parts: in an `.xlsx`
file, the cells whose style's number format has a `%` (the built-in formats 9 and 10, or a
format of the workbook's own); in an `.ods` file, the cells of value type `percentage`. It reads
the small sheets of an inspection's fields (measures, facts), never the cases sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

_PERCENT_FORMATS = frozenset({9, 10})  # `0%` and `0.00%`, built into every .xlsx reader
_QUOTED = re.compile(r'"[^"]*"|\\.')  # text in a number format that is shown as written, not a sign
_PLACE = re.compile(r"([A-Z]+)(\d+)")
_MOST_REPEATED = 100_000  # an .ods row or cell repeated more often than this is the sheet's empty rest


def percent_cells(data: bytes, sheet: str) -> set[tuple[int, int]]:
    """The (row, column) places, from 1, of the cells of `sheet` formatted as percentages; none
    for a workbook whose parts cannot be read so (the reader has read it: nothing is lost)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return _xlsx(archive, sheet)
            if "content.xml" in names:
                return _ods(archive, sheet)
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError, StopIteration):
        pass
    return set()


def _xlsx(archive: zipfile.ZipFile, sheet: str) -> set[tuple[int, int]]:
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relation = next(s.get(_RELATION) for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet)
    links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(str(r.get("Target")) for r in links.iter(_PACKAGE) if r.get("Id") == relation)
    part = target.lstrip("/") if target.startswith("/") else "xl/" + target
    styles = ElementTree.fromstring(archive.read("xl/styles.xml")) if "xl/styles.xml" in archive.namelist() else None
    if styles is None:
        return set()
    own = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in styles.iter(f"{_MAIN}numFmt")}
    formats = styles.find(f"{_MAIN}cellXfs")
    percent = {
        k for k, style in enumerate(formats if formats is not None else [])
        if _shows_percent(int(style.get("numFmtId", "0")), own)
    }
    if not percent:
        return set()
    cells = set()
    for cell in ElementTree.fromstring(archive.read(part)).iter(f"{_MAIN}c"):
        place = _PLACE.fullmatch(cell.get("r", ""))
        if place is not None and int(cell.get("s", "0")) in percent:
            cells.add((int(place[2]), _column_number(place[1])))
    return cells


def _shows_percent(format_id: int, own: dict[int, str]) -> bool:
    if format_id in _PERCENT_FORMATS:
        return True
    return "%" in _QUOTED.sub("", own.get(format_id, ""))


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _ods(archive: zipfile.ZipFile, sheet: str) -> set[tuple[int, int]]:
    content = ElementTree.fromstring(archive.read("content.xml"))
    table = next(t for t in content.iter(f"{_TABLE}table") if t.get(f"{_TABLE}name") == sheet)
    cells: set[tuple[int, int]] = set()
    row = 0
    for line in table.iter(f"{_TABLE}table-row"):
        rows = int(line.get(f"{_TABLE}number-rows-repeated", "1"))
        column = 0
        for cell in line:
            if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            repeated = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
            if cell.get(f"{_OFFICE}value-type") == "percentage" and rows * repeated <= _MOST_REPEATED:
                cells.update((row + r + 1, column + c + 1) for r in range(rows) for c in range(repeated))
            column += repeated
        row += rows
    return cells
