"""Read a workbook's sheets (`.xlsx`, `.ods`): its bytes in, the cells of each sheet as text out.

The reader is fastexcel (calamine, in Rust, to Arrow columns: the fastest of the three measured
in docs/architecture.md "Decisions"), imported only when a workbook is read. Every cell is read
as the text a spreadsheet shows for it (`34`, `17.5`, `true`), so a workbook's cases go the way
of a CSV file's; each column is dictionary-encoded, so only its few distinct texts become Python
strings. Rows and columns are counted from the sheet's corner (row 1, column A), whatever the
first row or column used, so a cell's place is the place a spreadsheet shows.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from esirules.files import WORKBOOK_SUFFIXES

MAX_WORKBOOK_BYTES = 256 << 20  # read whole into memory
# What an .xlsx or .ods file's parts may unpack to: the reader holds a sheet's text whole (the
# 200,000-case sheet of bench/ unpacks to 629 MB, 16 times its file), so a file of a few MB that
# unpacks to many GB (a zip bomb) would take the computer's memory. About 650,000 cases.
MAX_WORKBOOK_UNPACKED = 2 << 30


# How an .xlsx or .ods file (a zip archive) and an old .xls file (a compound document) begin.
_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


class WorkbookProblem(Exception):
    """The bytes are not a workbook the reader can open (the reason in words)."""


class WorkbookTooLarge(WorkbookProblem):
    """The workbook's parts unpack to more than MAX_WORKBOOK_UNPACKED (the size in words)."""


def _unpacked_size(data: bytes) -> int:
    """What the parts of a zip archive (.xlsx, .ods) say they unpack to; 0 for what is not one
    (the reader then says what is wrong with it)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0


def is_workbook(path: str) -> bool:
    return path.lower().endswith(WORKBOOK_SUFFIXES)


def column_letters(column: int) -> str:
    """A column's letters as a spreadsheet shows them: 1 is `A`, 27 is `AA`."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_place(cell: str) -> tuple[int, int]:
    """(row, column) of a cell written as a spreadsheet writes it: `B12` is (12, 2)."""
    letters = cell.rstrip("0123456789")
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(cell[len(letters):]), column


def cell_name(sheet: str, row: int, column: int) -> str:
    """`cases!F12`; a sheet name that is not a plain word is quoted as spreadsheets quote it."""
    quoted = sheet if sheet.replace("_", "").isalnum() else "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{column_letters(column)}{row}"


@attrs.frozen
class SheetColumns:
    """One sheet's used cells by columns: each column's distinct texts and, per row, which one.

    `numbers[k][r]` is the number in `texts` of the text in row r + 1 (from the sheet's top) of
    the k-th column used, which is sheet column `columns[k]` (A is 1); 0 is a blank cell.
    """

    name: str
    columns: list[int]
    numbers: list[npt.NDArray[np.int32]]
    texts: list[str | None]
    rows: int
    blank: npt.NDArray[np.bool_]  # which texts are blank or spaces

    def filled(self, k: int) -> npt.NDArray[np.bool_]:
        """Which rows of column k hold something other than spaces."""
        return ~self.blank[self.numbers[k]]

    def text(self, k: int, row: int) -> str:
        """The text of column k in sheet row `row` (from 1), "" if blank."""
        return self.texts[int(self.numbers[k][row - 1])] or ""


class Workbook:
    """An open workbook: its sheet names, and each sheet's cells when asked for."""

    def __init__(self, data: bytes):
        if not data:
            raise WorkbookProblem("it is empty")
        if not data.startswith(_SIGNATURES):
            raise WorkbookProblem("what it holds is not a spreadsheet's; it may be another kind of file with a "
                                  "workbook's name")
        unpacked = _unpacked_size(data) if data.startswith(_SIGNATURES[0]) else 0
        if unpacked > MAX_WORKBOOK_UNPACKED:
            raise WorkbookTooLarge(f"its sheets unpack to {unpacked / (1 << 30):.1f} GB, more than the "
                                   f"{MAX_WORKBOOK_UNPACKED >> 30} GB a workbook's may")
        import fastexcel

        try:
            self._reader: Any = fastexcel.read_excel(data)
        except Exception as error:  # fastexcel's errors share no base class across versions
            raise WorkbookProblem(_reason(error)) from None
        self.sheet_names: list[str] = list(self._reader.sheet_names)
        self.data = data  # (its parts say more than the reader gives: `workbook_cells`)

    def sheet(self, name: str) -> SheetColumns:
        try:
            sheet = self._reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            table = sheet.to_arrow()
            columns = [int(info.absolute_index) + 1 for info in sheet.selected_columns]
        except Exception as error:
            raise WorkbookProblem(_reason(error)) from None
        return _by_columns(name, table, columns)


def _by_columns(name: str, table: Any, columns: list[int]) -> SheetColumns:
    import pyarrow.compute as pc

    texts: list[str | None] = [None]  # INVARIANT: number 0 is a blank cell
    numbers = []
    for k in range(len(columns)):
        column = table.column(k)  # an array (a record batch's) or a chunked array (a table's)
        encoded = pc.dictionary_encode(column.combine_chunks() if hasattr(column, "combine_chunks") else column)
        offset = len(texts)
        texts.extend(encoded.dictionary.to_pylist())
        indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
        numbers.append(np.where(indices < 0, 0, indices + offset).astype(np.int32))
    texts = [t[:-9] if t and t.endswith(" 00:00:00") and _DAY.fullmatch(t[:-9]) else t for t in texts]
    blank = np.fromiter((not (t and t.strip()) for t in texts), dtype=np.bool_, count=len(texts))
    return SheetColumns(name, columns, numbers, texts, table.num_rows, blank)


# A date cell as the reader gives it (`2004-09-01 00:00:00`) is read as the day it shows, so a
# date typed where an answer was meant (`Sep-04` made a date by the spreadsheet) is quoted as one:
# the day before ` 00:00:00`. (Each column's distinct texts are looked at once, the test on the
# end first: ids and answers are not.)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"the workbook reader says “{text[:200]}”"
