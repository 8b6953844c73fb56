"""The summary sheet in HTML: column results in, the report's sheet with a chart per section out.

The rows, their labels, every cell's text and the numbered notes are `render.sheet.build_sheet`'s,
as in every other format; this module only lays them out as one table per section (criteria
rows, one column per sample or run, the section's score as the last row), draws each section's
chart, and makes every figure a link to its explanation when the page has somewhere to send it
(the service's pages do; a file written by `esirules score --format html` does not).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs
from markupsafe import Markup

from esirules.language import model as m
from esirules.render.html.charts import chart_svg, section_chart
from esirules.render.html.environment import NOWHERE, Links, environment, standalone
from esirules.render.sheet import Cell as SheetCell
from esirules.render.sheet import Row, build_sheet
from esirules.scoring.result import ColumnResult


@attrs.frozen
class Cell:
    shown: str
    note: int | None
    href: str | None
    explains: str  # `B1 for Feb`, said to assistive technology after the figure


@attrs.frozen
class SheetRow:
    kind: str  # criterion | section | overall | outcome
    label: str
    target: str
    cells: tuple[Cell, ...]


@attrs.frozen
class SheetPart:
    """One section's table (or, last, the overall row) and its chart."""

    heading: str
    rows: tuple[SheetRow, ...]
    chart: Markup | None
    ident: str


@attrs.frozen
class Column:
    label: str
    of: str  # the ruleset and sample, under the label


@attrs.frozen
class SheetView:
    title: str
    columns: tuple[Column, ...]
    parts: tuple[SheetPart, ...]
    notes: tuple[str, ...]


def ladders_of(rulesets: Iterable[m.Ruleset | None]) -> dict[str, tuple[str, ...]]:
    """Every grade ladder of the rulesets by name, best grade first (for the grade charts)."""
    return {s.name: s.values for r in rulesets if r is not None for s in r.scales if s.is_ladder}


def sheet_view(
    title: str,
    columns: Sequence[ColumnResult],
    *,
    ladders: Mapping[str, Sequence[str]] | None = None,
    links: Links = NOWHERE,
) -> SheetView:
    sheet = build_sheet(title, columns)
    parts: list[SheetPart] = []
    heading = section = ""
    rows: list[SheetRow] = []
    targets = _row_targets(sheet.rows, columns)

    def close() -> None:
        if rows:
            chart = section_chart(section, columns, ladders or {}) if heading else None
            parts.append(SheetPart(heading, tuple(rows), None if chart is None else chart_svg(chart),
                                   f"section-{section}" if heading else "overall"))

    for row, target in zip(sheet.rows, targets):
        if row.kind == "heading":
            close()
            heading, section, rows = row.label, target, []
            continue
        if row.kind in ("overall", "outcome") and heading:
            close()
            heading, section, rows = "", "", []
        cells = tuple(_cell(cell, index, columns[index], target, row, links) for index, cell in enumerate(row.cells))
        rows.append(SheetRow(row.kind, row.label, target, cells))
    close()
    heads = tuple(Column(c.label, _column_of(c)) for c in columns)
    return SheetView(sheet.title, heads, tuple(parts), sheet.notes)


def _row_targets(rows: Sequence[Row], columns: Sequence[ColumnResult]) -> list[str]:
    """What each row of the sheet is the figure of: a criterion, a section or `overall`."""
    criteria: dict[str, list[str]] = {}
    for column in columns:
        for cid, result in column.criteria.items():
            listed = criteria.setdefault(result.section, [])
            if cid not in listed:
                listed.append(cid)
    sections = list(dict.fromkeys(sid for c in columns for sid in c.sections))
    out = []
    section = ""
    pending: list[str] = []
    for row in rows:
        if row.kind == "heading":
            section = sections.pop(0)
            pending = list(criteria.get(section, []))
            out.append(section)
        elif row.kind == "criterion":
            out.append(pending.pop(0))
        elif row.kind == "section":
            out.append(section)
        elif row.kind == "outcome":
            out.append(row.target)
        else:
            out.append("overall")
    return out


def _cell(figure: SheetCell, index: int, column: ColumnResult, target: str, row: Row, links: Links) -> Cell:
    shown, note = figure.shown, figure.note
    present = (
        target in column.criteria if row.kind == "criterion"
        else column.overall is not None if row.kind == "overall"
        else target in column.outcomes if row.kind == "outcome"
        else target in column.sections
    )
    href = links.figure(index, target) if present and shown else None
    name = "the overall score" if row.kind == "overall" else f"outcome {target}" if row.kind == "outcome" else target
    return Cell(shown, note, href, f"explain {name} for {column.label}")


def _column_of(column: ColumnResult) -> str:
    sample = f"sample {column.sample}" if column.sample else "all cases"
    return f"{column.ruleset.name} {column.ruleset.version} · {sample}".strip()


def sheet_fragment(view: SheetView) -> Markup:
    """The sheet's tables, charts and notes, to place in a page under its `h1`."""
    return Markup(environment().get_template("sheet.html.j2").render(sheet=view))


def sheet_page(
    title: str, columns: Sequence[ColumnResult], *, rulesets: Iterable[m.Ruleset | None] = ()
) -> str:
    """The sheet as one self-contained page (`esirules score --format html`)."""
    view = sheet_view(title, columns, ladders=ladders_of(rulesets))
    return standalone(view.title, sheet_fragment(view), subtitle="Scoring summary sheet")
