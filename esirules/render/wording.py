"""Phrases only renderers use: pooling as a formula, a file as cited, target data in words, text made safe to show.

The wording shared by every stage (numbers, percentages, values, plurals) is `esirules.words`;
what is here is said only by the outputs of `render/` (and the surfaces above them).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from esirules.span import Span
from esirules.words import Rounding, approx_percent, number_text, plural, round_percent

if TYPE_CHECKING:  # (only named: the command line's output, which `check` prints through, needs no numpy)
    from esirules.evidence.cases import Location
    from esirules.explain.objects import GroupExplanation
    from esirules.scoring.result import (
        AggregateResult,
        ColumnResult,
        CriterionResult,
        OverallResult,
        QuestionResult,
        SectionResult,
    )

POOLING_FORMULAS = {
    "pooled": "Σ (weight × met) ÷ Σ (weight × applicable)",
    "mean of questions": "Σ (weight × met ÷ applicable) ÷ Σ weight, over questions with applicable cases",
}

def pooled_into(criterion: CriterionResult, question: QuestionResult, questions: Sequence[QuestionResult], pooling: str) -> str:
    """How a question's answers count in its criterion's score, as a reader can recompute it:
    `1 of its 2 met and 4 of its 5 applicable answers (by weight); A1 = 2 ÷ 5` where answers are
    pooled; the mean of the questions' own scores, each term shown, where they are averaged. The
    weights are said only where a question's is not 1."""
    c, r = criterion, question
    weighed = any(q.weight != 1 for q in questions)  # ("by weight" where every question weighs 1 only puzzled)
    if pooling != "mean of questions":
        return (f"{r.met} of its {number_text(c.met)} met and {r.applicable} of its {number_text(c.applicable)} "
                f"applicable answers{' (by weight)' if weighed else ''}; "
                f"{c.id} = {number_text(c.met)} ÷ {number_text(c.applicable)}")
    counted = [q for q in questions if q.exclusion is None and q.applicable and q.value is not None]
    terms = " + ".join((f"{number_text(q.weight)} × " if weighed else "") + approx_percent(q.value)
                       for q in counted if q.value is not None)
    total = sum((q.weight for q in counted), Fraction(0))
    return (f"{r.met} of its {r.applicable} applicable answers met ({r.display}); {c.id} is the mean of its "
            f"{plural(len(counted), 'question')}' scores{', by weight' if weighed else ''}: "
            f"{c.id} = ({terms}) ÷ {number_text(total)}")


def column_parts(column: ColumnResult, sample_label: str | None) -> list[str]:
    """What an explanation says of its column: `column Feb`, `ruleset esi-2004-followup 2004`,
    `sample february (…)`, `30 cases`, `12 left out by the ruleset`. No count of cases where
    there are none and the ruleset asks no question (a framework rated from items: "0 cases" read
    as evidence missing)."""
    parts = [f"column {column.label}", f"ruleset {column.ruleset.name} {column.ruleset.version}"]
    if column.sample is not None:
        parts.append(f"sample {column.sample}" + (f" ({sample_label})" if sample_label else ""))
    if column.cases or any(c.questions for c in column.criteria.values()):
        parts.append(plural(column.cases, "case"))
    excluded = sum(len(g.cases) for g in column.excluded_cases)
    if excluded:
        parts.append(f"{excluded} left out by the ruleset")
    return parts


POOLING_HOW = {
    "pooled": "pooling every applicable answer",
    "mean of questions": "averaging its questions' figures",
}


def place(span: Span) -> str:
    """Where a span is, as shown: `file:line:column`, or `book.xlsx, cases!F12` for a workbook cell."""
    if span.cell:
        return f"{shown_path(span.file)}, {span.cell}"
    return f"{shown_path(span.file)}:{span.line}:{span.column}"


def recorded_place(location: Location) -> str:
    """Where evidence records something, as shown: `file:23`, or `book.xlsx, ratings row 5` for a
    row of a workbook's sheet."""
    if location.sheet is not None:
        return f"{shown_path(location.file)}, {location.sheet} row {location.line}"
    return shown_path(location.file) + ("" if location.line is None else f":{location.line}")


def shown_path(path: str) -> str:
    """A path as a person in the current folder would type it: relative when it lies below it."""
    if not os.path.isabs(path):
        return path
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


# ---------------------------------------------------------------------------------------------
# Text from rulesets, evidence and the command line, made safe to show

# C0 controls, DEL, C1 controls, and the Unicode controls that reorder text on screen.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _written_out(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """One value with its control characters written out (ESC as `\\x1b`, a newline as `\\n`).

    Whatever a ruleset, an evidence file or the command line holds is shown, never obeyed: no
    escape sequence reaches the terminal, no line break or carriage return rewrites the layout.
    """
    return _CONTROL.sub(_written_out, text) if _CONTROL.search(text) else text


def visible_lines(text: str) -> str:
    """A whole output (lines and tabs kept) with every other control character written out."""
    return "\n".join(visible(line).replace("\\t", "\t") for line in text.split("\n"))


# ---------------------------------------------------------------------------------------------
# Target data in words


def measure_figure(value: Fraction, unit: str) -> str:
    """A figure of target data in its unit: `87%`, `10.7 days`."""
    if unit in ("%", "percent"):
        return f"{number_text(value)}%"
    return number_text(value) + (f" {unit}" if unit else "")


def measure_comparison(
    actual: Fraction,
    target: Fraction,
    unit: str,
    performance: Fraction | None,
    rounding: Rounding,
) -> str:
    """`10.7 days against a target of 9: 16% worse than target`, in every output that shows target data.

    The figure against the target, and how far it is from it: performance is actual ÷ target
    (target ÷ actual when lower is better), as the bands test it, and the distance is 100% less
    the rounded performance, so the two figures shown always add up.
    """
    target_text = number_text(target) + ("%" if unit in ("%", "percent") else "")
    text = f"{measure_figure(actual, unit)} against a target of {target_text}"
    if performance is None:
        return text + ": no performance figure"
    shown = round_percent(performance, rounding)
    if shown == 100:
        return text + ": on target"
    distance = number_text(abs(100 - shown))
    return text + f": {distance}% {'better' if shown > 100 else 'worse'} than target"

def figure_lines(r: AggregateResult) -> list[str]:
    """A total or mean of grades: each figure the bands read, with what it is made of."""
    numbers = " + ".join(number_text(t.points) for t in r.terms if t.points is not None) or "0"
    lines = [
        f"total: {numbers} = {number_text(r.total or Fraction(0))}",
        f"rated: {plural(r.rated or 0, 'section' if r.members_kind == 'sections' else 'criterion', r.members_kind)}",
        f"possible: {number_text(r.possible or Fraction(0))} (the largest number on each rated member's ladder, added up)",
    ]
    if r.kind == "mean_banded" and r.mean is not None:
        mean = f"mean: {number_text(r.total or Fraction(0))} ÷ {r.rated} = {number_text(r.mean)}"
        if r.means is not None and r.banded_mean is not None:
            places = "1 decimal place" if r.means[0] == 1 else f"{r.means[0]} decimal places"
            mean += f", rounded to {number_text(r.banded_mean)} ({places}, halves {r.means[1]})"
        lines.append(mean)
    return lines


def higher_than(criterion: CriterionResult) -> str:
    """What the higher grades of a descriptive criterion are higher than: the grade its rules
    give, after any cap (the headline's "computed" is the grade before the cap, when one lowered it)."""
    if criterion.uncapped_grade is not None:
        return f"the grade after the cap is {criterion.computed_grade}"
    return f"the computed grade is {criterion.computed_grade}"


GRADED_ONE_BY_ONE = "graded criterion by criterion"


def graded_one_by_one(result: SectionResult | OverallResult) -> bool:
    """A section with no score or grade of its own, by design (its criteria are graded one by one):
    not a figure that could not be computed, and not shown as one."""
    return result.value is None and result.grade is None and result.cause is not None and result.cause.kind == "no_aggregate"


def aggregate_display(result: SectionResult | OverallResult) -> str:
    """A section's or the overall's figure as an explanation's headline shows it."""
    return GRADED_ONE_BY_ONE if graded_one_by_one(result) else result.display


_BLANK = frozenset({"not_answered", "prompt_not_answered"})


def uncounted(groups: Sequence[GroupExplanation]) -> str:
    """What a question's uncounted cases are called: `not applicable`, `not answered` (blank), or
    `not counted` where they are some of each (a blank answer is not the not-applicable answer)."""
    kinds = {g.group.cause.kind for g in groups}
    if kinds <= _BLANK:
        return "not answered"
    return "not counted" if kinds & _BLANK else "not applicable"
