"""Handbook parts for rules and words: gradings, bands, points and the vocabulary in, document blocks out."""

from __future__ import annotations

from fractions import Fraction

from esirules.authoring import plain
from esirules.authoring.document import (
    Block,
    Entries,
    Entry,
    Heading,
    Paragraph,
    Table,
    anchor_of,
    code,
    marked,
    text,
)
from esirules.language import model as m
from esirules.words import number_text

_FIGURES = {
    "score": "the score, as a percentage",
    "total": "the total of points (or of the numbers of the members' grades)",
    "mean": "the mean of the numbers of the members' grades",
    "rated": "how many members have a grade",
    "performance": (
        "the area's figure as a percentage of its target (for a measure where lower is better, the "
        "target as a percentage of the area's figure)"
    ),
    "actual": (
        "the area's own figure, compared in the measure's better direction: “at least national "
        "average” means at least as good as the England and Wales average"
    ),
}


def _heading(level: int, words: str) -> Heading:
    return Heading(level, text(words), anchor_of(words))


def grading_blocks(grading: m.Grading, ruleset: m.Ruleset, description: str) -> list[Block]:
    blocks: list[Block] = [_heading(3, grading.label or f"Grading {grading.name}")]
    if description:
        blocks.append(Paragraph(text(plain.prose(description))))
    used_by = [c.id for c in ruleset.criteria() if c.grading == grading.name and c.kind == "descriptive"]
    # A grading may grade a section or the overall from its members' grades: its "items" are those.
    levels = [*(f"section {x.id}" for x in ruleset.sections if x.grade and x.grade.kind == "graded_over"
                and x.grade.using == grading.name),
              *(["the overall"] if ruleset.overall and ruleset.overall.grade and ruleset.overall.grade.kind == "graded_over"
                and ruleset.overall.grade.using == grading.name else [])]
    used_by += levels
    rated = "Each item is rated" if not levels or any(
        c.grading == grading.name and c.kind == "descriptive" for c in ruleset.criteria()) else "Each member is graded"
    counted = ("Items count by their weight: an item of weight 2 counts as two items." if rated.endswith("rated")
               else "Members count by their weight: a member of weight 2 counts as two.")
    facts = [
        f"{rated} on the scale {_values(ruleset, grading.item_scale)}.",
        f"The grades, best first: {_values(ruleset, grading.ladder, quote=True)}.",
        f"The rules are tried in order; the first rule that holds gives the grade. {counted}",
    ]
    if grading.measure_bands:
        facts.append(f"Items from target data are rated by the bands `{grading.measure_bands}`.")
    if grading.cumulative:
        facts.append("The grades are cumulative: a grade also needs a rule of every lower grade to hold.")
    if used_by:
        facts.append(f"Used by: {', '.join(used_by)}.")
    blocks.append(Entries(tuple(Entry(marked(f)) for f in facts)))
    rows = tuple(
        (text(str(position)), text(rule.grade), text(plain.curly(plain.rule_condition(rule))))
        for position, rule in enumerate(grading.rules, start=1)
    )
    blocks.append(Table(
        (text("order"), text("grade"), text("given when")),
        rows,
        caption=text("The rules of ", code(grading.name)),
        numeric=(0,),
    ))
    if grading.caps:
        blocks.append(Table(
            (text("no better than"), text("when")),
            tuple((text(cap.grade), text(plain.curly(plain.clauses_text(cap.clauses, cap.facts)))) for cap in grading.caps),
            caption=text("Caps, applied after the rules, in this order; a cap never raises a grade"),
        ))
    return blocks


def outcome_blocks(outcome: m.Outcome) -> list[Block]:
    """An outcome (issue 11, point 5): its values in precedence order and the rules for each."""
    blocks: list[Block] = [_heading(3, outcome.label)]
    if outcome.description:
        blocks.append(Paragraph(text(plain.prose(outcome.description))))
    values = ", ".join(f"“{v}”" for v in outcome.values)
    facts = [
        f"The values, the one that wins first: {values}.",
        "The values are taken in that order: the first value one of whose rules holds is the outcome"
        + ("; if none holds, the value given “in every other case”." if any(r.otherwise for r in outcome.rules)
           else "; if none holds, the outcome is not given."),
    ]
    blocks.append(Entries(tuple(Entry(marked(f)) for f in facts)))
    rows = tuple(
        (text(rule.value), text(plain.curly("in every other case" if rule.otherwise
                                           else " and ".join(t.written for t in rule.tests))))
        for rule in outcome.tried()
    )
    blocks.append(Table((text("value"), text("given when")), rows, caption=text("The rules of ", code(outcome.name))))
    return blocks


def _values(ruleset: m.Ruleset, name: str, *, quote: bool = False) -> str:
    try:
        scale = ruleset.scale(name)
    except KeyError:
        return f"on `{name}`"
    # Levels with numbers (issue 11, point 1) show them: `excellent (4)`, `“Good” (3)`.
    numbers = [f" ({number_text(n)})" for n in scale.numbers] if scale.numbers and scale.numbers != tuple(
        Fraction(v) if _is_number(v) else None for v in scale.values
    ) else [""] * len(scale.values)
    values = ", ".join((f"“{v}”" if quote else v) + n for v, n in zip(scale.values, numbers))
    if quote:
        return values
    na = f"; “{scale.not_applicable}” (not applicable) leaves the item out" if scale.not_applicable else ""
    return f"{values} (best first{na})"


def bands_blocks(bands: m.Bands, ruleset: m.Ruleset, description: str) -> list[Block]:
    blocks: list[Block] = [Heading(3, text("Bands ", code(bands.name)), anchor_of(f"Bands {bands.name}"))]
    if description:
        blocks.append(Paragraph(text(plain.prose(description))))
    figures = list(dict.fromkeys(t.figure for b in bands.bands for t in b.tests))
    facts = ["The bands are tried in order; the first whose tests all hold gives the value."]
    facts += [f"“{figure}” is {_FIGURES[figure]}." for figure in figures if figure in _FIGURES]
    facts.append(
        "Figures are compared exactly, unrounded."
        if bands.ties == "exact"
        else "Percentages are compared as they are shown, after rounding."
    )
    used = _bands_users(bands, ruleset)
    if used:
        facts.append(f"Used by: {used}.")
    blocks.append(Entries(tuple(Entry(marked(f)) for f in facts)))
    blocks.append(Table(
        (text("order"), text(_scale_kind(ruleset, bands.scale)), text("when")),
        tuple(
            (text(str(position)), text(band.value), text(plain.curly(plain.band_condition(band))))
            for position, band in enumerate(bands.bands, start=1)
        ),
        caption=text("The bands ", code(bands.name)),
        numeric=(0,),
    ))
    return blocks


def _scale_kind(ruleset: m.Ruleset, name: str) -> str:
    try:
        return "grade" if ruleset.scale(name).is_ladder else "rating"
    except KeyError:
        return "value"


def _bands_users(bands: m.Bands, ruleset: m.Ruleset) -> str:
    users = [f"grading `{g.name}` (target data)" for g in ruleset.gradings if g.measure_bands == bands.name]
    users += [c.id for c in ruleset.criteria() if c.kind == "numerical" and c.grading == bands.name]
    for section in ruleset.sections:
        for aggregate in (section.score, section.grade):
            if aggregate is not None and bands.name in (aggregate.using, aggregate.bands):
                users.append(f"section {section.id}")
    overall = ruleset.overall
    if overall is not None:
        for aggregate in (overall.score, overall.grade):
            if aggregate is not None and bands.name in (aggregate.using, aggregate.bands):
                users.append("the overall")
    return ", ".join(dict.fromkeys(users))


def points_blocks(points: m.Points, ruleset: m.Ruleset) -> list[Block]:
    return [
        Heading(3, text("Points ", code(points.name)), anchor_of(f"Points {points.name}")),
        Table(
            (text("grade"), text("points")),
            tuple((text(grade), text(number_text(value))) for grade, value in points.points),
            caption=text("Points for each grade of ", code(points.ladder)),
            numeric=(1,),
        ),
    ]


def vocabulary_blocks(ruleset: m.Ruleset) -> list[Block]:
    blocks: list[Block] = [_heading(2, "Words and what is recorded")]
    scales = ruleset.scales
    if scales:
        blocks.append(Table(
            (text("name"), text("kind"), text("values, best first"), text("not applicable")),
            tuple(
                (
                    text(code(s.name)),
                    text("grade ladder" if s.is_ladder else "scale"),
                    text(", ".join(s.values)),
                    text(s.not_applicable or "—"),
                )
                for s in scales
            ),
            caption=text("Scales of answers and ratings, and grade ladders"),
            row_headers=True,
        ))
    if ruleset.attributes:
        blocks.append(Table(
            (text("name"), text("recorded for each case"), text("values")),
            tuple((text(code(a.name)), text(a.label), text(_attribute_values(a))) for a in ruleset.attributes),
            caption=text("What is recorded about each case"),
            row_headers=True,
        ))
    if ruleset.facts:
        blocks.append(Table(
            (text("name"), text("recorded once for the inspection"), text("values"), text("when not recorded")),
            tuple(
                (text(code(f.name)), text(f.label), text(_attribute_values(f)),
                 text("must be recorded" if f.default is None else f"taken as {plain.fact_value_text(f.default)}"))
                for f in ruleset.facts
            ),
            caption=text("Facts about the inspection"),
            row_headers=True,
        ))
    if ruleset.sources:
        blocks.append(Table(
            (text("name"), text("where the evidence comes from")),
            tuple((text(code(s.name)), text(s.label)) for s in ruleset.sources),
            caption=text("Sources of evidence"),
            row_headers=True,
        ))
    if ruleset.measures:
        blocks.append(Table(
            (text("name"), text("measure"), text("unit"), text("better when")),
            tuple(
                (text(code(x.name)), text(x.label), text(x.unit), text("lower" if x.lower_is_better else "higher"))
                for x in ruleset.measures
            ),
            caption=text("Performance measures (target data)"),
            row_headers=True,
        ))
    return blocks


def _attribute_values(attribute: m.Attribute) -> str:
    if attribute.kind == "boolean":
        return "yes or no"
    if attribute.kind == "numeric":
        low = "" if attribute.minimum is None else f" from {number_text(attribute.minimum)}"
        high = "" if attribute.maximum is None else f" to {number_text(attribute.maximum)}"
        return f"a number{low}{high}"
    if attribute.kind == "ordered":
        return ", ".join(attribute.values) + " (lowest first)"
    return ", ".join(attribute.values)


def _is_number(value: str) -> bool:
    """Whether a level is written as a number (its number is then the level itself, not repeated)."""
    try:
        Fraction(value)
    except ValueError:
        return False
    return True
