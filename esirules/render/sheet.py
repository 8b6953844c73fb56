"""Render the scoring summary sheet: column results in, a sheet as text, Markdown, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import attrs

from esirules.render.result_json import result_data
from esirules.scoring.result import ColumnResult, CriterionResult

NOT_COMPUTABLE = "n/c"


@attrs.frozen
class Row:
    kind: str  # heading | criterion | section | overall
    label: str
    cells: tuple[str, ...]


@attrs.frozen
class Sheet:
    """The sheet laid out like the report's: section headings, criteria, section and overall scores."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...]


def build_sheet(title: str, columns: Sequence[ColumnResult]) -> Sheet:
    """Lay the columns out side by side; every cell comes from the result tree as it is."""
    notes: list[str] = []

    def note(column: ColumnResult, what: str, reason: str | None) -> str:
        # One note per column and reason: a whole section out of a sample is one note, not five.
        text = f"{column.label}: {reason or f'{what} is not computable'}"
        if text not in notes:
            notes.append(text)
        return f"{NOT_COMPUTABLE} [{notes.index(text) + 1}]"

    rows: list[Row] = []
    for section_id, section_title in _sections_in_order(columns):
        rows.append(Row("heading", f"Section {section_id}: {section_title}", tuple(c.label for c in columns)))
        for criterion_id, criterion_title in _criteria_in_order(columns, section_id):
            cells = []
            for column in columns:
                criterion = column.criteria.get(criterion_id)
                if criterion is None:
                    cells.append("")
                else:
                    cell = _criterion_cell(criterion, lambda r, c=column, i=criterion_id: note(c, i, r))
                    adjustment = criterion.adjustment
                    if adjustment is not None and adjustment.applied:
                        text = (
                            f"{column.label}, {criterion_id}: computed {criterion.computed_grade}; "
                            f"adjusted to {adjustment.grade} by {adjustment.by}"
                        )
                        if text not in notes:
                            notes.append(text)
                        cell = f"{criterion.grade} [{notes.index(text) + 1}]"
                    cells.append(cell)
            rows.append(Row("criterion", f"{criterion_id}: {criterion_title}", tuple(cells)))
        scored = [c.sections.get(section_id) for c in columns]
        if any(s is not None and s.score is not None for s in scored):
            cells = []
            for column, section in zip(columns, scored):
                if section is None:
                    cells.append("")
                elif section.value is None:
                    cells.append(note(column, f"section {section_id}", section.reason))
                else:
                    cells.append(section.display)
            rows.append(Row("section", f"Score for section {section_id}", tuple(cells)))
        if any(s is not None and s.grading is not None for s in scored):
            cells = [(s.grade or NOT_COMPUTABLE) if s is not None else "" for s in scored]
            rows.append(Row("section", f"Grade for section {section_id}", tuple(cells)))
    overall_title = next((c.overall.title for c in columns if c.overall is not None), None)
    if overall_title is not None:
        cells = []
        for column in columns:
            overall = column.overall
            if overall is None:
                cells.append("")
            elif overall.value is None and overall.grade is None:
                cells.append(note(column, "overall", overall.reason))
            else:
                parts = [overall.display] if overall.value is not None else []
                if overall.grade is not None:
                    parts.append(overall.grade)
                cells.append(" ".join(parts))
        rows.append(Row("overall", overall_title, tuple(cells)))
    return Sheet(title, tuple(c.label for c in columns), tuple(rows), tuple(notes))


def _criterion_cell(criterion: CriterionResult, note) -> str:  # type: ignore[no-untyped-def]
    if criterion.kind == "descriptive":
        if criterion.grade is None:
            return str(note(criterion.reason))
        return criterion.grade
    if criterion.value is None:
        return str(note(criterion.reason))
    if criterion.grade is not None:
        return f"{criterion.display} {criterion.grade}"
    return criterion.display


def _sections_in_order(columns: Sequence[ColumnResult]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for column in columns:
        for section_id, section in column.sections.items():
            seen.setdefault(section_id, section.title)
    return list(seen.items())


def _criteria_in_order(columns: Sequence[ColumnResult], section_id: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for column in columns:
        for criterion_id, criterion in column.criteria.items():
            if criterion.section == section_id:
                seen.setdefault(criterion_id, criterion.title)
    return list(seen.items())


# ---------------------------------------------------------------------------------------------
# Output formats


def sheet_markdown(sheet: Sheet) -> str:
    lines = [f"# {sheet.title}", ""]
    # Each section is its own table, headed by the section's title, as on the report's sheet.
    header = "| | " + " | ".join(sheet.headers) + " |"
    rule = "|---|" + "---|" * len(sheet.headers)
    for row in sheet.rows:
        if row.kind == "heading":
            lines += [*([""] if lines[-1] else []), f"**{row.label}**", "", header, rule]
            continue
        label = f"**{row.label}**" if row.kind in ("section", "overall") else row.label
        if row.kind == "overall":
            lines += ["", header, rule]
        lines.append(f"| {label} | " + " | ".join(c.replace("|", "\\|") for c in row.cells) + " |")
    if sheet.notes:
        lines += ["", "Notes:", ""]
        lines += [f"{i}. {n}" for i, n in enumerate(sheet.notes, start=1)]
    return "\n".join(lines) + "\n"


def sheet_csv(sheet: Sheet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", *sheet.headers])
    for row in sheet.rows:
        if row.kind != "heading":
            writer.writerow([row.label, *row.cells])
    if sheet.notes:
        writer.writerow([])
        for number, text in enumerate(sheet.notes, start=1):
            writer.writerow([f"[{number}]", text])
    return out.getvalue()


def sheet_json(title: str, columns: Sequence[ColumnResult]) -> str:
    """The documented JSON result (docs/result-schema.md)."""
    return json.dumps(result_data(title, list(columns)), indent=2, ensure_ascii=False)


def sheet_table(sheet: Sheet):  # type: ignore[no-untyped-def]
    """A rich Table for the terminal (rich is imported here only)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=sheet.title, show_lines=False, header_style="bold")
    table.add_column("", no_wrap=False, max_width=60)
    for header in sheet.headers:
        table.add_column(header, justify="right")
    for row in sheet.rows:
        if row.kind == "heading":
            table.add_section()
            table.add_row(Text(row.label, style="bold underline"), *[Text(c, style="bold") for c in row.cells])
        elif row.kind in ("section", "overall"):
            table.add_row(Text(row.label, style="bold"), *[Text(c, style="bold") for c in row.cells])
        else:
            table.add_row(row.label, *row.cells)
    return table
