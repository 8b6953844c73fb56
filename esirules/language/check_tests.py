"""Check the tests written in a ruleset: `test` declarations in, model tests out."""

from __future__ import annotations

from fractions import Fraction

from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.context import CheckContext


def check_test(ctx: CheckContext, d: s.TestDecl, sections: tuple[m.Section, ...]) -> m.RulesetTest | None:
    criteria = {c.id: c for section in sections for c in section.criteria}
    if d.criterion is None:
        ctx.error("R080", f"the test \"{d.name.text}\" does not say which criterion it tests", d.span,
                  "add a line such as `criterion A2`")
        return None
    criterion = criteria.get(d.criterion.text)
    if criterion is None:
        ctx.unknown("criterion", d.criterion, criteria)
        return None
    ok = True
    ratings = []
    grading = ctx.gradings.get(criterion.grading or "")
    item_scale = ctx.scales.get(grading.item_scale.text) if grading and grading.item_scale else None
    items = {i.id for i in criterion.items}
    for item, value in d.ratings:
        if item.text not in items:
            ctx.unknown(f"item in criterion {criterion.id}", item, items, declared_as="item")
            ok = False
        elif item_scale is not None and ctx.on_scale(value, item_scale, allow_na=True) is None:
            ok = False
        ratings.append((item.text, value.text))
    answers = []
    questions = {q.id: q for q in criterion.questions}
    for question, value, count in d.answers:
        found = questions.get(question.text)
        if found is None:
            ctx.unknown(f"question in criterion {criterion.id}", question, questions, declared_as="question")
            ok = False
            continue
        if ctx.on_scale(value, ctx.scales[found.scale], allow_na=True) is None:
            ok = False
        answers.append((question.text, value.text, count))
    measures = []
    for name, actual, target, national in d.measures:
        if name.text not in ctx.measures:
            ctx.unknown("measure", name, ctx.measures)
            ok = False
            continue
        measures.append((name.text, actual.number or Fraction(0), target.number or Fraction(0),
                         national.number or Fraction(0)))
    ladder = _ladder_of(ctx, criterion)
    expect_grade = None
    if d.expect_grade is not None:
        if criterion.grading is None:
            # Only if its grading was not misspelt: then the advice to expect a score would be wrong.
            ctx.error("R080", f"criterion {criterion.id} is not graded, so a test cannot expect a grade",
                      d.expect_grade.span, "expect a score instead: `expect score 75%`",
                      about=[("criterion", criterion.id)])
            ok = False
        elif ladder is None or ctx.on_scale(d.expect_grade, ladder) is None:
            ok = False
        expect_grade = d.expect_grade.text
    adjustment = None
    if d.adjustment is not None:
        grade, by, reason = d.adjustment
        if ladder is not None and ctx.on_scale(grade, ladder) is None:
            ok = False
        if not criterion.allows_adjustment:
            ctx.error("R080", f"criterion {criterion.id} does not allow adjustment", grade.span,
                      "add `allows adjustment` to the criterion, or remove the adjustment")
            ok = False
        adjustment = (grade.text, by.text, reason.text)
    if d.expect_grade is None and d.expect_score is None:
        ctx.error("R080", f"the test \"{d.name.text}\" expects nothing", d.span,
                  "add `expect grade \"...\"` or `expect score 75%`")
        ok = False
    if d.expect_score is not None and d.expect_score.number is None:
        ctx.error("R080", "the expected score divides by zero", d.expect_score.span, None)
        ok = False
    if not ok:
        return None
    return m.RulesetTest(
        d.name.text, criterion.id, tuple(ratings), tuple(answers), tuple(measures), adjustment,
        expect_grade, d.expect_score.number if d.expect_score else None, span=d.span,
    )


def _ladder_of(ctx: CheckContext, criterion: m.Criterion) -> m.Scale | None:
    """The ladder a criterion's grades come from; None if it is not graded, or if its grading
    or bands could not be checked (that error is reported where they are declared)."""
    if criterion.grading is None:
        return None
    if criterion.kind == "descriptive":
        grading = ctx.gradings.get(criterion.grading)
        return ctx.scales.get(grading.ladder.text) if grading and grading.ladder else None
    bands = ctx.bands.get(criterion.grading)
    return ctx.scales.get(bands.scale.text) if bands else None
