"""A template workbook for a ruleset's evidence: a checked ruleset in, the bytes of an `.xlsx` file out.

The `cases` sheet has the columns a workbook of evidence reads (docs/evidence-format.md): the
case id, the sample (if the ruleset has samples), one column per attribute and one per
question, each heading with a comment (the question's text, the attribute's title) and each
column with a drop-down of the values allowed. The `ratings` sheet lists every item rated by
the inspector (not those rated from a measure's target data), for its rating; the `measures` and `adjustments` sheets have their headings and drop-downs; a ruleset
with facts gets a `facts` sheet listing them; the `inspection` sheet has a row for the
inspection's title, one naming the ruleset (filled in, so the workbook is scored as it is) and
one for its date; a ruleset that lets levels carry forward an earlier grade gets a
`carried_forward` sheet. The writer is xlsxwriter (docs/architecture.md "Decisions"), imported
only here.
"""

from __future__ import annotations

import io
from typing import Any

from esirules.authoring.plain import applies_words
from esirules.evidence.carried import CARRIED_FIELDS, ladder_of
from esirules.evidence.inspection import ADJUSTMENT_FIELDS, FIGURES
from esirules.language import model
from esirules.words import number_text

LAST_ROW = 1_048_575  # a sheet's last row, from 0: the drop-downs reach every row
LIST_LIMIT = 255  # the characters a drop-down written in the cell rule may hold


def template_workbook(ruleset: model.Ruleset, reference: str | None = None) -> bytes:
    """The template workbook of a ruleset, as the bytes of an `.xlsx` file; `reference`: the
    ruleset's file as the workbook names it (from the workbook's folder), if any."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    heading = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    _Sheet(book.add_worksheet("cases"), heading).columns(_case_columns(ruleset))
    items = [item for item in ruleset.items() if item.measure is None]  # (the others: from `measures`)
    ratings = _Sheet(book.add_worksheet("ratings"), heading)
    ratings.columns(
        [
            ("item", "The item's id (one row per item; leave the rating blank if it was not rated).", None),
            ("rating", "The item's rating on its scale.", _item_ratings(ruleset)),
        ]
    )
    for row, item in enumerate(items, start=1):
        ratings.sheet.write_string(row, 0, item.id)
        ratings.sheet.write_comment(row, 0, item.text, {"x_scale": 2, "y_scale": 2})
    measures = [m.name for m in ruleset.measures]
    sheet = _Sheet(book.add_worksheet("measures"), heading)
    sheet.columns(
        [("measure", "The measure (one row per measure with target data).", measures or None)]
        + [(figure, f"The {figure.replace('_', ' ')} figure.", None) for figure in FIGURES]
    )
    # The measures that rate items, listed as `ratings` lists its items: their figures are needed.
    rating: dict[str, list[str]] = {}
    for item in ruleset.items():
        if item.measure is not None:
            rating.setdefault(item.measure, []).append(item.id)
    for row, (measure, rated) in enumerate(rating.items(), start=1):
        sheet.sheet.write_string(row, 0, measure)
        sheet.sheet.write_comment(row, 0, f"Rates {', '.join(rated)} from its figures.", {"x_scale": 2, "y_scale": 2})
    adjustable = [c.id for c in ruleset.criteria() if c.allows_adjustment]
    grades = {tuple(ruleset.scale(ladder).values) for c in ruleset.criteria() if c.allows_adjustment
              for ladder in [ladder_of(ruleset, c)] if ladder is not None}
    what = {
        "criterion": "A criterion that allows adjustment.",
        "section": "Or a section that allows adjustment (its id).",
        "overall": "Or `yes` to adjust the overall grade, if the ruleset allows it.",
        "grade": "The new grade, on the criterion's (section's, overall's) ladder.",
        "by": "Who made the adjustment.",
        "reason": "Why.",
    }
    lists = {"criterion": adjustable or None, "grade": list(grades.pop()) if len(grades) == 1 else None}
    _Sheet(book.add_worksheet("adjustments"), heading).columns(
        [(field, what[field], lists.get(field)) for field in ADJUSTMENT_FIELDS]
    )
    if ruleset.facts:  # (only then: the templates of other rulesets keep their sheets)
        facts = _Sheet(book.add_worksheet("facts"), heading)
        facts.columns([
            ("fact", "The fact (one row per fact about the inspection).", None),
            ("value", "Its value: yes or no, one of its values, or a number.", None),
        ])
        for row, fact in enumerate(ruleset.facts, start=1):
            facts.sheet.write_string(row, 0, fact.name)
            facts.sheet.write_comment(row, 0, fact.label, {"x_scale": 2, "y_scale": 2})
    inspection = _Sheet(book.add_worksheet("inspection"), heading)
    inspection.columns([("field", "What the row gives.", None), ("value", "Its value.", None)])
    for row, (field, about) in enumerate(INSPECTION_ROWS, start=1):
        inspection.sheet.write_string(row, 0, field)
        inspection.sheet.write_comment(row, 0, about, {"x_scale": 2, "y_scale": 2})
        if field == "ruleset" and reference:
            inspection.sheet.write_string(row, 1, reference)
    criteria = [c.id for c in ruleset.criteria() if c.carry_forward is not None]
    sections = [s.id for s in ruleset.sections if s.carry_forward is not None]
    if criteria or sections:  # (only then, as `facts`)
        said = {
            "criterion": "A criterion not inspected this time that keeps an earlier grade (one row per judgement).",
            "section": "Or a section that does.",
            "grade": "The grade it keeps, on its ladder.",
            "inspection": "The earlier inspection (its name or number).",
            "date": "The earlier inspection's date (a date cell, or year-month-day).",
            "reference": "Where its report is (optional).",
        }
        lists = {"criterion": criteria or None, "section": sections or None}
        _Sheet(book.add_worksheet("carried_forward"), heading).columns(
            [(field, said[field], lists.get(field)) for field in CARRIED_FIELDS]
        )
    book.close()
    return buffer.getvalue()


INSPECTION_ROWS = (
    ("inspection", "The inspection's title, shown on the summary sheet."),
    ("ruleset", "The ruleset's file, from this workbook's folder: `esirules score` reads it from here."),
    ("date", "This inspection's date (a date cell, or year-month-day): needed when judgements are carried forward."),
)


Column = tuple[str, str, list[str] | None]  # heading, its comment, the values of its drop-down


def _case_columns(ruleset: model.Ruleset) -> list[Column]:
    columns: list[Column] = [("id", "The case's id: different for every case.", None)]
    if ruleset.samples:
        columns.append(("sample", "The sample (cohort) of the case.", [s.name for s in ruleset.samples]))
    for attribute in ruleset.attributes:
        about = attribute.label or attribute.name
        if attribute.kind == "boolean":
            columns.append((attribute.name, f"{about}: yes or no.", ["yes", "no"]))
        elif attribute.kind == "numeric":
            low, high = attribute.minimum, attribute.maximum
            between = (
                f" from {number_text(low)} to {number_text(high)}" if low is not None and high is not None else ""
            )
            columns.append((attribute.name, f"{about}: a number{between}.", None))
        else:
            columns.append((attribute.name, f"{about}.", list(attribute.values)))
    judged = {p.id: q for q in ruleset.questions() if q.judgement is not None for p in q.judgement.prompts}
    for question in ruleset.answered():  # a judgement is worked out, not recorded: its prompts are columns
        scale = ruleset.scale(question.scale)
        allowed = [*scale.values, *([scale.not_applicable] if scale.not_applicable else [])]
        about = question.text
        if question.id in judged:
            about += f" (a prompt of {judged[question.id].id}, {judged[question.id].text}, rated from its prompts)"
        when = _when_asked(ruleset, question)
        stop = "" if not when or about.endswith((".", "?", ")")) else "."  # (the wording, then when it is asked)
        columns.append((question.id, about + stop + when, allowed))
    return columns


def _when_asked(ruleset: model.Ruleset, question: model.Question) -> str:
    """What the comment of a question's column says of when it is asked: not scored by this
    ruleset (left out with `exclude`), asked of some cases only, not asked in some samples."""
    left_out = ruleset.exclusions
    if question.id in left_out.questions or (question.source is not None and question.source in left_out.sources):
        return " NOT SCORED: this ruleset leaves this question out; leave the column blank."
    said = ""
    if question.applies is not None:
        said += f" Asked of {applies_words(question.applies, ruleset)}; blank for the others."
    section = next(s.id for s in ruleset.sections if any(c.id == question.criterion for c in s.criteria))
    skipped = [s.name for s in ruleset.samples
               if (s.sections is not None and section not in s.sections) or question.id in s.without_questions]
    if skipped:
        said += f" Not asked in sample{'s' if len(skipped) > 1 else ''} {', '.join(skipped)}."
    return said


def _item_ratings(ruleset: model.Ruleset) -> list[str] | None:
    """The ratings every item is rated on, if all items share one scale."""
    scales = set()
    for criterion in ruleset.criteria():
        if criterion.items and criterion.grading:
            scales.add(ruleset.grading(criterion.grading).item_scale)
    if len(scales) != 1:
        return None
    scale = ruleset.scale(scales.pop())
    return [*scale.values, *([scale.not_applicable] if scale.not_applicable else [])]


class _Sheet:
    def __init__(self, sheet: Any, heading: Any):
        self.sheet = sheet
        self.heading = heading

    def columns(self, columns: list[Column]) -> None:
        for j, (name, comment, allowed) in enumerate(columns):
            self.sheet.write_string(0, j, name, self.heading)
            if allowed and len(",".join(allowed)) > LIST_LIMIT:  # too long for a drop-down: listed here
                comment += " One of: " + ", ".join(allowed) + "."
            self.sheet.write_comment(0, j, comment, {"x_scale": 2, "y_scale": 2})
            self.sheet.set_column(j, j, max(12, len(name) + 2))
            if allowed and len(",".join(allowed)) <= LIST_LIMIT:
                self.sheet.data_validation(
                    1, j, LAST_ROW, j,
                    {
                        "validate": "list",
                        "source": allowed,
                        "error_type": "warning",
                        "error_title": name,
                        "error_message": "Not one of " + ", ".join(allowed) + ".",
                    },
                )
        self.sheet.freeze_panes(1, 1)
