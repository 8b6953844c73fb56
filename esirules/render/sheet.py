"""Render the scoring summary sheet: column results in, a sheet as Markdown, CSV or JSON (the terminal's is sheet_table.py).

`build_sheet` lays the columns out as the report's sheet (section headings, criteria, section
and overall scores, numbered notes) and, beside it, one record per target and column for the CSV
(docs/inspectors-guide.md, "Other formats"): every cell comes from the result tree as it is.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Literal

import attrs

from esirules.render.carried_words import carried_cell
from esirules.render.result_json import result_data
from esirules.render.wording import shown_path
from esirules.scoring.result import (
    CarriedForwardResult,
    ColumnResult,
    CriterionResult,
    OverallResult,
    SectionResult,
)
from esirules.words import fraction_text

NOT_COMPUTABLE = "n/c"
DECIMAL_PLACES = 12  # a CSV value that has no exact decimal is rounded to this many places


@attrs.frozen
class Cell:
    """One figure of the sheet as shown, and the number of its note (if it has one)."""

    shown: str
    note: int | None = None

    @property
    def text(self) -> str:
        return self.shown if self.note is None else f"{self.shown} [{self.note}]"


@attrs.frozen
class Row:
    kind: Literal["heading", "criterion", "section", "overall", "outcome"]
    label: str  # `A1: Leadership and planning`, `Score for section B`
    cells: tuple[Cell, ...]
    target: str = ""  # an outcome row's outcome


@attrs.frozen
class Record:
    """One target in one column, for the CSV: the figure exactly, as shown, its grade and its note."""

    target: str  # `A1`, `B`, `overall`, an outcome's name
    kind: Literal["criterion", "section", "overall", "outcome"]
    title: str
    column: str
    value: Fraction | None  # a percentage as a proportion (0.33 for 33%); a points total as points
    display: str
    grade: str | None
    computed_grade: str | None
    note: str | None


@attrs.frozen
class Sheet:
    """The sheet laid out like the report's: section headings, criteria, section and overall scores."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...]
    records: tuple[Record, ...] = ()


class _Notes:
    """Numbered notes; one per column and reason (a whole section out of a sample is one note)."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def number(self, column: ColumnResult, text: str, subject: str | None = None) -> int:
        noted = f"{column.label}, {subject}: {text}" if subject else f"{column.label}: {text}"
        if noted not in self.texts:
            self.texts.append(noted)
        return self.texts.index(noted) + 1


def build_sheet(title: str, columns: Sequence[ColumnResult]) -> Sheet:
    """Lay the columns out side by side; every cell comes from the result tree as it is."""
    notes = _Notes()
    rows: list[Row] = []
    records: list[Record] = []

    def noted(column: ColumnResult, shown: str, note: str | None, subject: str | None = None) -> Cell:
        return Cell(shown, None if note is None else notes.number(column, note, subject))

    for section_id, section_title in _sections_in_order(columns):
        rows.append(Row("heading", f"Section {section_id}: {section_title}", tuple(Cell(c.label) for c in columns)))
        for criterion_id, criterion_title in _criteria_in_order(columns, section_id):
            cells = []
            for column in columns:
                criterion = column.criteria.get(criterion_id)
                if criterion is None:
                    cells.append(Cell(""))
                    continue
                shown, note = _criterion_cell(criterion)
                adjusted = criterion.adjustment is not None and criterion.adjustment.applied
                note = _with_cap(criterion, note)
                carried = criterion.carried_forward is not None
                marked = adjusted or carried or criterion.uncapped_grade is not None
                cells.append(noted(column, shown, note, criterion_id if marked else None))
                records.append(
                    Record(criterion_id, "criterion", criterion_title, column.label, criterion.value,
                           criterion.display, criterion.grade, criterion.computed_grade if adjusted else None,
                           _carried_note(criterion.reason, criterion.carried_forward) if carried else note)
                )
            rows.append(Row("criterion", f"{criterion_id}: {criterion_title}", tuple(cells)))
        scored = [c.sections.get(section_id) for c in columns]
        has_score = any(s is not None and s.score is not None for s in scored)
        has_grade = any(s is not None and (s.grading is not None or s.carried_forward is not None) for s in scored)
        if has_score:
            cells = []
            for column, section in zip(columns, scored):
                if section is None:
                    cells.append(Cell(""))
                elif section.value is None:
                    cells.append(noted(column, NOT_COMPUTABLE, section.reason or f"section {section_id} is not computable"))
                else:
                    cells.append(Cell(section.display))
            rows.append(Row("section", f"Score for section {section_id}", tuple(cells)))
        if has_grade:
            cells = []
            for c, s in zip(columns, scored):
                if s is None:
                    cells.append(Cell(""))
                elif s.carried_forward is not None:
                    shown = carried_cell(s.carried_forward)
                    cells.append(noted(c, shown, _reference(s.carried_forward), f"section {section_id}"))
                else:
                    note = _with_cap(s, _adjusted(s))
                    cells.append(
                        noted(c, str(s.grade), note, f"section {section_id}") if note
                        else Cell(s.grade or NOT_COMPUTABLE)
                    )
            rows.append(Row("section", f"Grade for section {section_id}", tuple(cells)))
        for column, section in zip(columns, scored):
            # A section with neither a score nor a grade of its own has no figure on the sheet.
            if section is not None and (has_score or has_grade):
                records.append(_headline_record(section_id, "section", section, column))
    overall_title = next((c.overall.title for c in columns if c.overall is not None), None)
    if overall_title is not None:
        cells = []
        for column in columns:
            overall = column.overall
            if overall is None:
                cells.append(Cell(""))
                continue
            if overall.value is None and overall.grade is None:
                cells.append(noted(column, NOT_COMPUTABLE, overall.reason or "the overall is not computable"))
            else:
                parts = [overall.display] if overall.value is not None else []
                if overall.grade is not None:
                    parts.append(overall.grade)
                note = _with_cap(overall, _adjusted(overall))
                cells.append(noted(column, " ".join(parts), note, "overall" if note else None))
            records.append(_headline_record("overall", "overall", overall, column))
        rows.append(Row("overall", overall_title, tuple(cells)))
    rows += _outcome_rows(columns, records, noted)
    return Sheet(title, tuple(c.label for c in columns), tuple(rows), tuple(notes.texts), tuple(records))


def _outcome_rows(
    columns: Sequence[ColumnResult], records: list[Record], noted: Callable[[ColumnResult, str, str | None], Cell]
) -> list[Row]:
    """A row per outcome, after the overall: its value in each column (n/c with the reason as a note)."""
    labels: dict[str, str] = {}
    for column in columns:
        for name, declared in column.outcomes.items():
            labels.setdefault(name, declared.label)
    rows = []
    for name, label in labels.items():
        cells = []
        for column in columns:
            outcome = column.outcomes.get(name)
            if outcome is None:
                cells.append(Cell(""))
                continue
            if outcome.value is None:
                cells.append(noted(column, NOT_COMPUTABLE, outcome.reason or f"outcome {name} is not computable"))
            else:
                cells.append(Cell(outcome.value))
            records.append(Record(name, "outcome", label, column.label, None, outcome.display, None, None, outcome.reason))
        rows.append(Row("outcome", label, tuple(cells), name))
    return rows


def _criterion_cell(criterion: CriterionResult) -> tuple[str, str | None]:
    """A criterion's cell and its note: why it is not computable, or who adjusted its grade."""
    if criterion.carried_forward is not None:
        return carried_cell(criterion.carried_forward), _reference(criterion.carried_forward)
    adjustment = criterion.adjustment
    if adjustment is not None and adjustment.applied:
        return str(criterion.grade), (
            f"computed {criterion.computed_grade}; adjusted to {adjustment.grade} by {adjustment.by}"
        )
    if criterion.kind == "descriptive":
        if criterion.grade is None:
            return NOT_COMPUTABLE, criterion.reason or f"criterion {criterion.id} has no grade"
        return criterion.grade, None
    if criterion.value is None:
        return NOT_COMPUTABLE, criterion.reason or f"criterion {criterion.id} is not computable"
    if criterion.grade is not None:
        return f"{criterion.display} {criterion.grade}", None
    return criterion.display, None


def _reference(carried: CarriedForwardResult | None) -> str | None:
    """The note of a carried-forward grade: where the earlier report is, when the evidence says."""
    if carried is None or carried.reference is None:
        return None
    return f"carried forward from {carried.inspection or 'an earlier inspection'}, reference {carried.reference}"


def _carried_note(reason: str | None, carried: CarriedForwardResult | None) -> str | None:
    """A record's note: why it has no figure, and for a carried-forward grade the earlier report's reference."""
    if carried is None or carried.reference is None:
        return reason
    return f"{reason}; reference {carried.reference}"


def _headline_record(
    target: str, kind: Literal["section", "overall"], result: SectionResult | OverallResult, column: ColumnResult
) -> Record:
    adjusted = result.adjustment is not None and result.adjustment.applied
    carried = result.carried_forward if isinstance(result, SectionResult) else None
    return Record(target, kind, result.title, column.label, result.value, result.display, result.grade,
                  result.computed_grade if adjusted else None, _carried_note(result.reason, carried))


def _with_cap(result: CriterionResult | SectionResult | OverallResult, note: str | None) -> str | None:
    """A cell's note with, for a capped grade, what was computed and the cap that lowered it."""
    applied = [cap for cap in result.caps if cap.applied]
    if result.uncapped_grade is None or not applied:
        return note
    facts = "; ".join(dict.fromkeys(f"{r.name} is {r.value}" for cap in applied for f in cap.facts for r in f.facts))
    where = f"{shown_path(applied[-1].span.file)}:{applied[-1].span.line}"  # (a sheet's columns may use several rulesets)
    capped = f"computed {result.uncapped_grade}; capped to {applied[-1].grade} ({facts}, {where})"
    return capped if note is None else f"{capped}; {note}"


def _adjusted(result: SectionResult | OverallResult) -> str | None:
    """The note of an applied adjustment of a section's or the overall's grade: who changed what."""
    a = result.adjustment
    if a is None or not a.applied:
        return None
    return f"computed {result.computed_grade}; adjusted to {a.grade} by {a.by}"


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
    header = "| | " + " | ".join(_cell_md(h) for h in sheet.headers) + " |"
    rule = "|---|" + "---|" * len(sheet.headers)
    previous = ""
    for row in sheet.rows:
        if row.kind == "heading":
            lines += [*([""] if lines[-1] else []), f"**{row.label}**", "", header, rule]
            continue
        label = f"**{row.label}**" if row.kind in ("section", "overall", "outcome") else _cell_md(row.label)
        if row.kind == "overall" or (row.kind == "outcome" and previous not in ("overall", "outcome")):
            lines += ["", header, rule]
        previous = row.kind
        lines.append(f"| {label} | " + " | ".join(_cell_md(c.text) for c in row.cells) + " |")
    if sheet.notes:
        lines += ["", "Notes:", ""]
        lines += [f"{i}. {n}" for i, n in enumerate(sheet.notes, start=1)]
    return "\n".join(lines) + "\n"


def _cell_md(text: str) -> str:
    return text.replace("|", "\\|")


CSV_COLUMNS = ("target", "kind", "title", "column", "value", "exact", "display", "grade", "computed_grade", "note")


def sheet_csv(sheet: Sheet) -> str:
    """One tidy table: a row per target and column; numbers as numbers; notes in their own column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in sheet.records:
        writer.writerow(
            [
                *(spreadsheet_text(t) for t in (r.target, r.kind, r.title, r.column)),
                "" if r.value is None else decimal_text(r.value),
                "" if r.value is None else fraction_text(r.value),
                *(spreadsheet_text(t or "") for t in (r.display, r.grade, r.computed_grade, r.note)),
            ]
        )
    return out.getvalue()


def decimal_text(value: Fraction) -> str:
    """A number a spreadsheet reads: exact when it has a decimal of DECIMAL_PLACES places at most,
    else rounded to that many (the `exact` column has the fraction)."""
    scaled = value * 10**DECIMAL_PLACES
    units = round(scaled)  # halves to even; exact when the decimal ends in time
    sign = "-" if units < 0 else ""
    digits = str(abs(units)).rjust(DECIMAL_PLACES + 1, "0")
    whole, fraction = digits[:-DECIMAL_PLACES], digits[-DECIMAL_PLACES:].rstrip("0")
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)%?")


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet shows as text: one that would start a formula gets a leading `'`."""
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def sheet_json(title: str, columns: Sequence[ColumnResult]) -> str:
    """The documented JSON result (docs/result-schema.md)."""
    return json.dumps(result_data(title, list(columns)), indent=2, ensure_ascii=False)

