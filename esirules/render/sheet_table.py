"""The scoring summary sheet for a terminal: a laid-out Sheet and the terminal's width in, rich renderables out.

Every line fits the width and every figure is shown. When each row fits on one line (titles
shortened with an ellipsis, but never below `SHORTEST_TITLES` characters), the sheet is a table
like the report's; otherwise titles that do not fit beside the figures go on a line of their own,
with the figures aligned under the column headings on the line below. Columns that cannot all
fit side by side are shown in groups, one after the other. rich is imported here only.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from esirules.render.sheet import Cell, Row, Sheet
from esirules.render.terminal import Plain
from esirules.render.wording import visible

SHORTEST_TITLES = 40  # a table shortens titles to no fewer characters than this
GAP = 2  # spaces between columns of figures, without the table's lines
SHORTEST_LABEL = 12  # beside the figures; a narrower terminal gets fewer columns side by side


def sheet_table(sheet: Sheet, width: int) -> RenderableType:
    """The sheet, its title and its notes, for a terminal `width` characters wide."""
    sheet = _shown(sheet)
    widths = [_column_width(sheet, i) for i in range(len(sheet.headers))]
    longest = max((cell_len(row.label) for row in sheet.rows), default=0)
    chrome = 3 * (len(widths) + 1) + 1  # a table's lines and padding
    room = width - chrome - sum(widths)
    if room >= min(longest, SHORTEST_TITLES):
        body: RenderableType = _table(sheet, min(room, longest), widths)
    else:
        body = Group(*_lines(sheet, widths, width))
    notes = [Plain(f"[{number}] {note}") for number, note in enumerate(sheet.notes, start=1)]
    return Group(body, *notes)


def _shown(sheet: Sheet) -> Sheet:
    """The sheet's texts as they will be shown (control characters written out), to measure them."""
    rows = tuple(
        Row(row.kind, visible(row.label), tuple(Cell(visible(c.shown), c.note) for c in row.cells), row.target)
        for row in sheet.rows
    )
    return attrs.evolve(sheet, headers=tuple(visible(h) for h in sheet.headers), rows=rows)


def _column_width(sheet: Sheet, index: int) -> int:
    return max([cell_len(sheet.headers[index]), *(cell_len(row.cells[index].text) for row in sheet.rows)])


def _right(text: str, width: int) -> str:
    return " " * max(width - cell_len(text), 0) + text


def _table(sheet: Sheet, label_width: int, widths: Sequence[int]) -> Table:
    """The report's layout: one line per row, titles shortened with an ellipsis if need be."""
    table = Table(title=Plain(sheet.title), header_style="bold", box=box.HEAVY_HEAD)
    table.add_column("", width=label_width, no_wrap=True, overflow="ellipsis")
    for header, width in zip(sheet.headers, widths):
        table.add_column(Plain(header), justify="right", no_wrap=True, min_width=width)
    for row in sheet.rows:
        cells = [Plain(cell.text) for cell in row.cells]
        if row.kind == "heading":
            table.add_section()
            table.add_row(Plain(row.label, style="bold underline"), *[Plain(c.plain, style="bold") for c in cells])
        elif row.kind in ("section", "overall", "outcome"):
            table.add_row(Plain(row.label, style="bold"), *[Plain(c.plain, style="bold") for c in cells])
        else:
            table.add_row(Plain(row.label), *cells)
    return table


def _lines(sheet: Sheet, widths: Sequence[int], width: int) -> list[Text]:
    """Titles and figures as lines: a title beside its figures when it fits, else above them."""
    out: list[Text] = [Plain(sheet.title, style="bold")]
    for columns in _groups(widths, width):
        figures = sum(widths[i] + GAP for i in columns)
        label_width = max(width - figures, 0)
        for row in sheet.rows:
            shown = "".join(" " * GAP + _right(row.cells[i].text, widths[i]) for i in columns)
            style = {"heading": "bold underline", "section": "bold", "overall": "bold", "outcome": "bold"}.get(row.kind, "")
            if row.kind == "heading":
                out += [Plain(""), Plain(row.label, style=style), Plain(" " * label_width + _headers(sheet, columns, widths), style="bold")]
            elif cell_len(row.label) < label_width:
                label = row.label + " " * (label_width - cell_len(row.label))
                out.append(Plain(label, style=style).append(shown))
            else:
                out += [Plain(row.label, style=style), Plain(" " * label_width + shown, style=style)]
    return out


def _headers(sheet: Sheet, columns: Sequence[int], widths: Sequence[int]) -> str:
    return "".join(" " * GAP + _right(sheet.headers[i], widths[i]) for i in columns)


def _groups(widths: Sequence[int], width: int) -> list[list[int]]:
    """The columns in groups that fit beside a label of SHORTEST_LABEL characters (at least one each)."""
    groups: list[list[int]] = [[]]
    used = SHORTEST_LABEL
    for index, column_width in enumerate(widths):
        needed = column_width + GAP
        if groups[-1] and used + needed > width:
            groups.append([])
            used = SHORTEST_LABEL
        groups[-1].append(index)
        used += needed
    return groups
