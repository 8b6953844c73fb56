"""What a workbook's own parts say of its cells that the reader does not: a workbook's bytes in, places out.

The reader (fastexcel) gives each cell's value alone. A spreadsheet keeps `88%` typed into a
cell as the number 0.88 with a percentage format, and read so a measure of 88% became 0.88%:
`percent_cells` finds the cells whose format shows a percentage (in an `.xlsx` file, a style
whose number format has a `%`: the built-in formats 9 and 10, or one of the workbook's own; in an
`.ods` file, the cells of value type `percentage`), on the small sheets of an inspection's fields.
And merged cells show one value over several, which the sheet keeps in the first alone: an
answer shown over three cases was two blanks. `merged_ranges` finds them on the cases sheet,
whose part is read only up to `MERGES_READ_UP_TO` (a larger sheet is not looked at).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import TypeVar
from xml.etree import ElementTree

from esirules.evidence.read_workbook import cell_place, column_letters

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

_PERCENT_FORMATS = frozenset({9, 10})  # `0%` and `0.00%`, built into every .xlsx reader
_QUOTED = re.compile(r'"[^"]*"|\\.')  # text in a number format that is shown as written, not a sign
_PLACE = re.compile(r"([A-Z]+)(\d+)")
T = TypeVar("T")
_MOST_REPEATED = 100_000  # an .ods row or cell repeated more often than this is the sheet's empty rest


def percent_cells(data: bytes, sheet: str) -> set[tuple[int, int]]:
    """The (row, column) places, from 1, of the cells of `sheet` formatted as percentages; none
    for a workbook whose parts cannot be read so (the reader has read it: nothing is lost)."""
    return _read(data, lambda archive: _xlsx(archive, sheet), lambda archive: {
        (row + r, column + c) for row, column, rows, across, cell in _ods_cells(archive, sheet)
        if cell.get(f"{_OFFICE}value-type") == "percentage" and rows * across <= _MOST_REPEATED
        for r in range(rows) for c in range(across)
    }, set())


MERGES_READ_UP_TO = 16 << 20  # the unpacked size of a cases sheet looked at for merged cells (some 5,000 cases)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"')


def merged_ranges(data: bytes, sheet: str) -> list[str]:
    """The ranges of merged cells of `sheet`, as a spreadsheet writes them (`B2:B4`); none for a
    sheet too large to look at, or a workbook whose parts cannot be read so."""

    def xlsx(archive: zipfile.ZipFile) -> list[str]:
        part = _xlsx_part(archive, sheet)
        if archive.getinfo(part).file_size > MERGES_READ_UP_TO:
            return []
        return [m.decode() for m in _MERGE.findall(archive.read(part))]

    def ods(archive: zipfile.ZipFile) -> list[str]:
        if archive.getinfo("content.xml").file_size > MERGES_READ_UP_TO:
            return []
        merges = []
        for row, column, _, _, cell in _ods_cells(archive, sheet):
            down = int(cell.get(f"{_TABLE}number-rows-spanned", "1"))
            across = int(cell.get(f"{_TABLE}number-columns-spanned", "1"))
            if down > 1 or across > 1:
                merges.append(f"{column_letters(column)}{row}:{column_letters(column + across - 1)}{row + down - 1}")
        return merges

    return _read(data, xlsx, ods, [])


def _read(data: bytes, xlsx: Callable[[zipfile.ZipFile], T], ods: Callable[[zipfile.ZipFile], T], none: T) -> T:
    """What `xlsx` or `ods` finds in the workbook's archive, by its kind; `none` where its parts
    cannot be read so."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return xlsx(archive)
            if "content.xml" in names:
                return ods(archive)
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError, StopIteration):
        pass
    return none


def _xlsx_part(archive: zipfile.ZipFile, sheet: str) -> str:
    """The part (file in the archive) that holds a sheet of an `.xlsx` workbook."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relation = next(s.get(_RELATION) for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet)
    links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(str(r.get("Target")) for r in links.iter(_PACKAGE) if r.get("Id") == relation)
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _xlsx(archive: zipfile.ZipFile, sheet: str) -> set[tuple[int, int]]:
    part = _xlsx_part(archive, sheet)
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
        place = cell.get("r", "")
        if _PLACE.fullmatch(place) and int(cell.get("s", "0")) in percent:
            cells.add(cell_place(place))
    return cells


def _shows_percent(format_id: int, own: dict[int, str]) -> bool:
    if format_id in _PERCENT_FORMATS:
        return True
    return "%" in _QUOTED.sub("", own.get(format_id, ""))


def _ods_cells(archive: zipfile.ZipFile, sheet: str) -> Iterator[tuple[int, int, int, int, ElementTree.Element]]:
    """Each cell of an `.ods` sheet: its row and column (from 1), how many rows and columns it is
    repeated over (a sheet's empty rest is one cell repeated), and its element."""
    content = ElementTree.fromstring(archive.read("content.xml"))
    table = next(t for t in content.iter(f"{_TABLE}table") if t.get(f"{_TABLE}name") == sheet)
    row = 1
    for line in table.iter(f"{_TABLE}table-row"):
        rows = int(line.get(f"{_TABLE}number-rows-repeated", "1"))
        column = 1
        for cell in line:
            if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            across = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
            yield row, column, rows, across, cell
            column += across
        row += rows
