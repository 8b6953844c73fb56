"""Charts of the summary sheet: a section's figures in each column in, an SVG bar chart (drawn here, no script) out.

A section scored from criteria gets a chart of percentages: one group of bars per criterion and
one for the section's score, a bar per column. A section whose criteria are all graded gets a
chart of grades, each bar as high as its grade stands on the ladder. A figure that is not
computable has no bar, only `n/c` where the bar would be. The chart repeats what the table above
it says, so it is an image with a short description, not a second table; every bar has its
figure written above it and in its tooltip, so colour is never the only way to tell the bars
apart. Colours have a contrast of at least 3:1 on white (WCAG 1.4.11). Bar heights are floats:
only a picture is drawn from them, every figure shown is the result tree's own text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import attrs
from markupsafe import Markup, escape

from esirules.scoring.result import ColumnResult

COLOURS = ("#1f5a96", "#b34d00", "#2d7a3a", "#6b3fa0", "#8a6d00", "#a3324a", "#00727a", "#555555")
INK = "#1a1a1a"
GRID = "#8a8f94"
WIDTH = 720
LEGEND_ROW = 18  # the height of a row of the legend
PLOT_HEIGHT = 190
FONT = 'font-family="Helvetica Neue, Arial, Liberation Sans, sans-serif"'


@attrs.frozen
class Bar:
    column: str
    height: float | None  # 0..1 of the plot's height; None: no figure
    shown: str  # the figure as the sheet shows it


@attrs.frozen
class Group:
    label: str  # under the bars: `B1`, `score`
    name: str  # in words, for tooltips: `B1 Assessment of risk of harm`
    bars: tuple[Bar, ...]


@attrs.frozen
class Chart:
    section: str
    title: str
    kind: Literal["percent", "grade"]
    columns: tuple[str, ...]
    groups: tuple[Group, ...]
    levels: tuple[str, ...] = ()  # a grade chart's ladder, best first


def section_chart(section_id: str, columns: Sequence[ColumnResult], ladders: Mapping[str, Sequence[str]]) -> Chart | None:
    """The chart of one section across the columns, or None when it has nothing to draw."""
    title = next((c.sections[section_id].title for c in columns if section_id in c.sections), section_id)
    criteria = list(dict.fromkeys(cid for c in columns for cid, r in c.criteria.items() if r.section == section_id))
    labels = tuple(c.label for c in columns)
    numerical = [cid for cid in criteria if any(c.criteria[cid].kind == "numerical" for c in columns if cid in c.criteria)]
    if numerical:
        groups = [_percent_group(cid, columns) for cid in numerical]
        if any(_weighted_mean(c, section_id) for c in columns):
            groups.append(Group("score", f"Score for section {section_id}", tuple(
                _percent_bar(c.label, c.sections[section_id].value if _weighted_mean(c, section_id) else None,
                             c.sections[section_id].display if section_id in c.sections else "")
                for c in columns)))
        return Chart(section_id, title, "percent", labels, tuple(groups))
    graded = [cid for cid in criteria if all(c.criteria[cid].ladder in ladders for c in columns if cid in c.criteria)]
    ladder_names = {c.criteria[cid].ladder for c in columns for cid in graded if cid in c.criteria}
    if not graded or len(ladder_names) != 1:
        return None
    (ladder,) = (tuple(ladders[name]) for name in ladder_names if name is not None)
    groups = []
    for cid in graded:
        bars = []
        for column in columns:
            result = column.criteria.get(cid)
            grade = None if result is None else result.grade
            height = None if grade is None or grade not in ladder else (len(ladder) - ladder.index(grade)) / len(ladder)
            bars.append(Bar(column.label, height, grade or "n/c"))
        name = next(c.criteria[cid].title for c in columns if cid in c.criteria)
        groups.append(Group(cid, f"{cid} {name}", tuple(bars)))
    return Chart(section_id, title, "grade", labels, tuple(groups), ladder)


def _weighted_mean(column: ColumnResult, section_id: str) -> bool:
    section = column.sections.get(section_id)
    return section is not None and section.score is not None and section.score.kind == "weighted_mean"


def _percent_group(criterion_id: str, columns: Sequence[ColumnResult]) -> Group:
    bars = []
    title = criterion_id
    for column in columns:
        result = column.criteria.get(criterion_id)
        if result is None:
            bars.append(Bar(column.label, None, ""))
            continue
        title = f"{criterion_id} {result.title}"
        value = result.value if result.kind == "numerical" else None
        bars.append(_percent_bar(column.label, value, result.display))
    return Group(criterion_id, title, tuple(bars))


def _percent_bar(label: str, value: object, shown: str) -> Bar:
    from fractions import Fraction

    if not isinstance(value, Fraction):
        return Bar(label, None, "n/c" if shown else "")
    return Bar(label, min(max(float(value), 0.0), 1.0), shown)


# ---------------------------------------------------------------------------------------------
# Drawing


def chart_svg(chart: Chart) -> Markup:
    """The chart as inline SVG with a title and a description for assistive technology."""
    left = 128 if chart.kind == "grade" else 44
    legend, legend_rows = _legend(chart.columns, left)
    top, bottom = 34 + LEGEND_ROW * (legend_rows - 1), 30
    height = top + PLOT_HEIGHT + bottom
    plot_width = WIDTH - left - 10
    group_width = plot_width / max(len(chart.groups), 1)
    bar_width = min(group_width * 0.8 / max(len(chart.columns), 1), 48)
    ident = f"chart-{_ident(chart.section)}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" {FONT} font-size="12">',
        f'<title id="{ident}-title">{escape(_title(chart))}</title>',
        f'<desc id="{ident}-desc">{escape(_description(chart))}</desc>',
    ]
    out += legend
    out += _axis(chart, left, top, plot_width)
    for index, group in enumerate(chart.groups):
        x0 = left + index * group_width + (group_width - bar_width * len(group.bars)) / 2
        for number, bar in enumerate(group.bars):
            x = x0 + number * bar_width
            out += _bar(bar, group, x, bar_width, top, COLOURS[number % len(COLOURS)], chart.kind == "percent")
        centre = left + (index + 0.5) * group_width
        out.append(f'<text x="{centre:.1f}" y="{top + PLOT_HEIGHT + 18}" text-anchor="middle" fill="{INK}">'
                   f"{escape(group.label)}</text>")
    out.append("</svg>")
    return Markup("".join(out))


def _ident(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text)


def _title(chart: Chart) -> str:
    what = "grades" if chart.kind == "grade" else "percentages"
    return f"Section {chart.section}: {chart.title}, {what} by column"


def _description(chart: Chart) -> str:
    parts = []
    for group in chart.groups:
        figures = ", ".join(f"{bar.column} {bar.shown or 'none'}" for bar in group.bars)
        parts.append(f"{group.name}: {figures}")
    return "; ".join(parts) + "."


def _legend(columns: Sequence[str], left: int) -> tuple[list[str], int]:
    """A swatch and the label of each column, in rows that wrap within the chart's width (a
    sheet of several runs has long labels: `september (adjusted) (run c481f5)`); the number of rows."""
    out: list[str] = []
    x, row = float(left), 0
    for number, label in enumerate(columns):
        width = 16 + 7.2 * len(label)
        if x > left and x + width > WIDTH - 10:
            x, row = float(left), row + 1
        colour = COLOURS[number % len(COLOURS)]
        y = 8 + LEGEND_ROW * row
        out.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 16:.1f}" y="{y + 10}" fill="{INK}">{escape(label)}</text>')
        x += width + 18
    return out, row + 1


def _axis(chart: Chart, left: int, top: int, plot_width: float) -> list[str]:
    out = []
    if chart.kind == "grade":
        steps = [(level, (len(chart.levels) - i) / len(chart.levels)) for i, level in enumerate(chart.levels)]
    else:
        steps = [(f"{p}%", p / 100) for p in (0, 25, 50, 75, 100)]
    for label, fraction in steps:
        y = top + PLOT_HEIGHT * (1 - fraction)
        out.append(f'<line x1="{left}" x2="{left + plot_width:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" '
                   f'stroke-width="{1 if fraction == 0 else 0.5}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">{escape(label)}</text>')
    return out


def _bar(bar: Bar, group: Group, x: float, width: float, top: int, colour: str, labelled: bool) -> list[str]:
    base = top + PLOT_HEIGHT
    centre = x + width / 2
    tip = f"{group.name}, {bar.column}: {bar.shown or 'none'}"
    if bar.height is None:
        if not bar.shown:
            return []
        return [f'<text x="{centre:.1f}" y="{base - 4}" text-anchor="middle" fill="{INK}" font-size="10">'
                f"<title>{escape(tip)}</title>n/c</text>"]
    h = max(PLOT_HEIGHT * bar.height, 1.5)
    out = [f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{max(width - 2, 1):.1f}" height="{h:.1f}" '
           f'fill="{colour}"><title>{escape(tip)}</title></rect>']
    if labelled and width >= 22 and len(bar.shown) <= 5:
        out.append(f'<text x="{centre:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" fill="{INK}" '
                   f'font-size="10">{escape(bar.shown)}</text>')
    return out
