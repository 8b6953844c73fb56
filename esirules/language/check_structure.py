"""Check sections, criteria, questions, items, samples, exclusions and tests into the model."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from esirules.language import model as m
from esirules.language import syntax as s

if TYPE_CHECKING:
    from esirules.language.check import _Builder


def check_section(b: _Builder, d: s.SectionDecl) -> m.Section | None:
    if not b.unique("section", d.id):
        return None
    criteria = tuple(c for c in (_criterion(b, c, d.id.text) for c in d.criteria) if c is not None)
    weight = None
    if d.weight is not None:
        weight = d.weight.number
        if weight is not None and weight < 0:
            b.error(
                "R020",
                f"section {d.id.text} has a negative weight ({d.weight.text})",
                d.weight.span,
                "section weights are shares of the overall score, such as 30%",
            )
    ids = [c.id for c in criteria]
    score, grade = _aggregates(b, d.aggregates, "criteria", ids, {c.id: c for c in criteria})
    if score is None and any(c.kind == "numerical" for c in criteria):
        score = m.Aggregate("weighted_mean", (), "criteria", span=d.span)
    _check_banded_score(b, score, grade)
    missing = _missing(b, d.missing, "criterion")
    return m.Section(
        d.id.text, d.title.text, criteria, weight, d.description.text if d.description else "",
        score, grade, missing, span=d.span,
    )


def check_overall(b: _Builder, d: s.OverallDecl, sections: tuple[m.Section, ...]) -> m.Overall:
    by_id = {section.id: section for section in sections}
    score, grade = _aggregates(b, d.aggregates, "sections", list(by_id), by_id)
    if score is not None and score.kind == "weighted_mean":
        for member in score.members or tuple(by_id):
            section = by_id.get(member)
            if section is not None and section.weight is None and score.members:
                b.error(
                    "R060",
                    f"section {member} has no weight, so it cannot take part in a weighted mean",
                    score.span,
                    f"give it one: `section {member} \"{section.title}\" weight 30% {{`",
                )
    _check_banded_score(b, score, grade)
    missing = _missing(b, d.missing, "section")
    return m.Overall(
        d.title.text, score, grade, missing, d.description.text if d.description else "", span=d.span
    )


def _check_banded_score(b: _Builder, score: m.Aggregate | None, grade: m.Aggregate | None) -> None:
    if grade is not None and grade.kind == "score_banded" and score is None:
        b.error(
            "R040",
            "this grade bands the score, but no score is worked out here",
            grade.span,
            "add a `score: weighted mean of ...` line, or grade another way",
        )


def _missing(b: _Builder, rules: tuple[s.MissingRule, ...], expected: str) -> m.MissingRule:
    action = "not computable"
    for rule in rules:
        if rule.kind != expected:
            b.error(
                "R040",
                f"here the members are {'criteria' if expected == 'criterion' else 'sections'}, "
                f"so the rule must say `if a {expected} has no data`",
                rule.span,
                None,
            )
        action = rule.action
    return action  # type: ignore[return-value]


def _aggregates(
    b: _Builder,
    nodes: tuple[s.AggregateDecl, ...],
    members_kind: str,
    known: list[str],
    objects: dict,  # type: ignore[type-arg]
) -> tuple[m.Aggregate | None, m.Aggregate | None]:
    score: m.Aggregate | None = None
    grade: m.Aggregate | None = None
    for node in nodes:
        members: tuple[str, ...] = ()
        if node.members is not None:
            if node.members.kind != members_kind:
                b.error(
                    "R040",
                    f"this combines {node.members.kind}, but here it can only combine {members_kind}",
                    node.members.span,
                    f"write `of {members_kind}`",
                )
                continue
            for name in node.members.members:
                if name.text not in known:
                    b.unknown("criterion" if members_kind == "criteria" else "section", name, known)
            members = tuple(n.text for n in node.members.members if n.text in known)
        using = node.using.text if node.using else None
        if node.kind == "points_total" and node.using is not None:
            if node.using.text not in b.points:
                b.unknown("points table", node.using, b.points)
            if node.bands is not None and node.bands.text not in b.bands:
                b.unknown("set of bands", node.bands, b.bands)
        elif node.kind == "graded_over" and node.using is not None and node.using.text not in b.gradings:
            b.unknown("grading", node.using, b.gradings)
        elif node.kind == "score_banded" and node.using is not None and node.using.text not in b.bands:
            b.unknown("set of bands", node.using, b.bands)
        aggregate = m.Aggregate(
            node.kind,  # type: ignore[arg-type]
            members,
            members_kind,  # type: ignore[arg-type]
            using,
            node.bands.text if node.bands else None,
            span=node.span,
        )
        if node.target == "score":
            if score is not None:
                b.error("R002", "the score is defined twice", node.span, "keep one `score:` line")
            score = aggregate
        else:
            if grade is not None:
                b.error("R002", "the grade is defined twice", node.span, "keep one `grade:` line")
            grade = aggregate
    return score, grade


def _criterion(b: _Builder, d: s.CriterionDecl, section: str) -> m.Criterion | None:
    if not b.unique("criterion", d.id):
        return None
    weight, weight_class = _criterion_weight(b, d)
    if d.questions and d.items:
        b.error(
            "R031",
            f"criterion {d.id.text} has both questions and items",
            d.id.span,
            "a criterion is either numerical (scored from case questions) or descriptive "
            "(graded from items); split it into two criteria",
        )
    if not d.questions and not d.items:
        b.error(
            "R032",
            f"criterion {d.id.text} has no questions and no items, so nothing can score it",
            d.id.span,
            "add `question` lines (a numerical criterion) or `item` lines (a descriptive criterion)",
        )
    kind = "descriptive" if d.items else "numerical"
    questions = tuple(q for q in (_question(b, q, d.id.text) for q in d.questions) if q is not None)
    items = tuple(i for i in (_item(b, i, d.id.text) for i in d.items) if i is not None)
    grading = None
    if d.graded_by is not None:
        name = d.graded_by.text
        if (kind == "descriptive" and name in b.gradings) or (kind == "numerical" and name in b.bands):
            grading = name
        else:
            known = b.gradings if kind == "descriptive" else b.bands
            what = "grading" if kind == "descriptive" else "set of bands"
            b.unknown(what, d.graded_by, known)
    elif kind == "descriptive" and d.items:
        b.error(
            "R053",
            f"criterion {d.id.text} has items but does not say how they are graded",
            d.id.span,
            "add a line such as `graded by management`",
        )
    if d.allows_adjustment and d.graded_by is None and not d.items:
        # A numerical criterion graded by bands has a grade to adjust; one without has none.
        b.warn(
            "W001",
            f"criterion {d.id.text} allows adjustment, but only graded criteria can be adjusted",
            d.id.span,
            "remove `allows adjustment`, or grade the criterion (`graded by` a set of bands)",
        )
    pooling = d.pooling.text if d.pooling else "pooled"
    return m.Criterion(
        d.id.text, d.title.text, section, kind, weight, weight_class,  # type: ignore[arg-type]
        d.description.text if d.description else "", questions, items, pooling,  # type: ignore[arg-type]
        grading, d.allows_adjustment, span=d.span,
        pooling_span=d.pooling.span if d.pooling else None,
    )


def _criterion_weight(b: _Builder, d: s.CriterionDecl) -> tuple[Fraction, str | None]:
    if d.weight is not None:
        weight = d.weight.number or Fraction(0)
        if weight < 0:
            b.error(
                "R020",
                f"criterion {d.id.text} has a negative weight ({d.weight.text})",
                d.weight.span,
                "weights must be zero or more",
            )
        return weight, None
    if d.weight_class is not None:
        if d.weight_class.text not in b.classes:
            b.unknown("weight class", d.weight_class, b.classes, "declare it, e.g. `class critical weight 2`")
            return Fraction(1), None
        return b.classes[d.weight_class.text], d.weight_class.text
    return Fraction(1), None


def _question(b: _Builder, d: s.QuestionDecl, criterion: str) -> m.Question | None:
    if not b.unique("question", d.id):
        return None
    scale_name = d.scale or b.default_scale
    if scale_name is None:
        b.error(
            "R034",
            f"question {d.id.text} does not say which scale its answers are on",
            d.id.span,
            "add `on answer` to the question, or a line `answers on answer, met when yes` at the top",
        )
        return None
    scale = b._scale_ref(scale_name)
    if scale is None:
        return None
    met_rule = d.met or (b.default_met if d.scale is None or d.scale.text == getattr(b.default_scale, "text", None) else None)
    if met_rule is None:
        b.error(
            "R034",
            f"question {d.id.text} does not say which answers count as met",
            d.id.span,
            "add `met when yes` to the question, or to the `answers on` line at the top",
        )
        return None
    met: set[str] = set()
    for value in met_rule.values:
        if b._on_scale(value, scale) is not None:
            if met_rule.at_least:
                met.update(v for v in scale.values if scale.rank(v) >= scale.rank(value.text))
            else:
                met.add(value.text)
    source = None
    if d.source is not None:
        if d.source.text in b.sources:
            source = d.source.text
        else:
            b.unknown("evidence source", d.source, b.sources)
    applies = b.condition(d.applies) if d.applies is not None else None
    weight = Fraction(1)
    if d.weight is not None:
        weight = d.weight.number or Fraction(0)
        if weight <= 0:
            b.error("R020", f"question {d.id.text} must weigh more than 0", d.weight.span, None)
    return m.Question(
        d.id.text, d.text.text, criterion, scale.name, frozenset(met), source, applies, weight, span=d.span,
        met_span=met_rule.span,
    )


def _item(b: _Builder, d: s.ItemDecl, criterion: str) -> m.Item | None:
    if not b.unique("item", d.id):
        return None
    measure = None
    if d.measure is not None:
        if d.measure.text in b.measures:
            measure = d.measure.text
        else:
            b.unknown("measure", d.measure, b.measures)
    weight = Fraction(1)
    if d.weight is not None:
        weight = d.weight.number or Fraction(0)
        if weight < 0:
            b.error("R020", f"item {d.id.text} has a negative weight", d.weight.span, "weights must be zero or more")
    text = d.text.text if d.text else (b.measures[measure].label if measure else d.id.text)
    return m.Item(d.id.text, text, criterion, weight, measure, span=d.span)


def check_weights(b: _Builder, sections: tuple[m.Section, ...]) -> None:
    """Weights must leave something to average: not all zero where a weighted mean is taken."""
    for section in sections:
        numerical = [c for c in section.criteria if c.kind == "numerical"]
        if section.score is not None and section.score.kind == "weighted_mean" and numerical:
            members = [c for c in numerical if not section.score.members or c.id in section.score.members]
            if members and all(c.weight == 0 for c in members):
                b.error(
                    "R021",
                    f"every criterion in section {section.id} weighs 0, so its score would divide by zero",
                    section.span,
                    "give at least one criterion a weight above 0",
                )
    weighted = [sec for sec in sections if sec.weight is not None]
    if weighted and all(sec.weight == 0 for sec in weighted):
        b.error(
            "R021",
            "every section weighs 0%, so the overall score would divide by zero",
            weighted[0].span,
            "give the sections weights that add up to 100%",
        )


def check_sample(b: _Builder, d: s.SampleDecl, sections: tuple[m.Section, ...]) -> m.Sample:
    b.unique("sample", d.name)
    known = [section.id for section in sections]
    chosen = None
    if d.sections is not None:
        for name in d.sections:
            if name.text not in known:
                b.unknown("section", name, known)
        chosen = tuple(n.text for n in d.sections if n.text in known)
    questions = {q.id for section in sections for c in section.criteria for q in c.questions}
    for name in d.without_questions:
        if name.text not in questions:
            b.unknown("question", name, questions)
    label = d.label.text if d.label else d.name.text
    return m.Sample(
        d.name.text, label, chosen, frozenset(n.text for n in d.without_questions), span=d.span
    )


def check_exclusions(
    b: _Builder, declarations: tuple[s.Declaration, ...], sections: tuple[m.Section, ...]
) -> m.Exclusions:
    cases = []
    sources = set()
    questions = set()
    known_questions = {q.id for section in sections for c in section.criteria for q in c.questions}
    for d in declarations:
        if isinstance(d, s.ExcludeCases):
            condition = b.condition(d.condition)
            if condition is not None:
                cases.append(condition)
        elif isinstance(d, s.ExcludeSource):
            if d.source.text in b.sources:
                sources.add(d.source.text)
            else:
                b.unknown("evidence source", d.source, b.sources)
        elif isinstance(d, s.ExcludeQuestion):
            if d.question.text in known_questions:
                questions.add(d.question.text)
            else:
                b.unknown("question", d.question, known_questions)
    return m.Exclusions(
        tuple(cases), frozenset(sources), frozenset(questions),
        source_spans=tuple((d.source.text, d.span) for d in declarations if isinstance(d, s.ExcludeSource)),
        question_spans=tuple((d.question.text, d.span) for d in declarations if isinstance(d, s.ExcludeQuestion)),
    )


def check_test(b: _Builder, d: s.TestDecl, sections: tuple[m.Section, ...]) -> m.RulesetTest | None:
    criteria = {c.id: c for section in sections for c in section.criteria}
    if d.criterion is None:
        b.error("R080", f"the test \"{d.name.text}\" does not say which criterion it tests", d.span,
                "add a line such as `criterion A2`")
        return None
    criterion = criteria.get(d.criterion.text)
    if criterion is None:
        b.unknown("criterion", d.criterion, criteria)
        return None
    ok = True
    ratings = []
    grading = b.gradings.get(criterion.grading or "")
    item_scale = b.scales.get(grading.item_scale.text) if grading and grading.item_scale else None
    items = {i.id for i in criterion.items}
    for item, value in d.ratings:
        if item.text not in items:
            b.unknown(f"item in criterion {criterion.id}", item, items)
            ok = False
        elif item_scale is not None and b._on_scale(value, item_scale, allow_na=True) is None:
            ok = False
        ratings.append((item.text, value.text))
    answers = []
    questions = {q.id: q for q in criterion.questions}
    for question, value, count in d.answers:
        found = questions.get(question.text)
        if found is None:
            b.unknown(f"question in criterion {criterion.id}", question, questions)
            ok = False
            continue
        if b._on_scale(value, b.scales[found.scale], allow_na=True) is None:
            ok = False
        answers.append((question.text, value.text, count))
    measures = []
    for name, actual, target, national in d.measures:
        if name.text not in b.measures:
            b.unknown("measure", name, b.measures)
            ok = False
            continue
        measures.append((name.text, actual.number or Fraction(0), target.number or Fraction(0),
                         national.number or Fraction(0)))
    ladder = _ladder_of(b, criterion)
    expect_grade = None
    if d.expect_grade is not None:
        if ladder is None:
            b.error("R080", f"criterion {criterion.id} is not graded, so a test cannot expect a grade",
                    d.expect_grade.span, "expect a score instead: `expect score 75%`")
            ok = False
        elif b._on_scale(d.expect_grade, ladder) is None:
            ok = False
        expect_grade = d.expect_grade.text
    adjustment = None
    if d.adjustment is not None:
        grade, by, reason = d.adjustment
        if ladder is not None and b._on_scale(grade, ladder) is None:
            ok = False
        if not criterion.allows_adjustment:
            b.error("R080", f"criterion {criterion.id} does not allow adjustment", grade.span,
                    "add `allows adjustment` to the criterion, or remove the adjustment")
            ok = False
        adjustment = (grade.text, by.text, reason.text)
    if d.expect_grade is None and d.expect_score is None:
        b.error("R080", f"the test \"{d.name.text}\" expects nothing", d.span,
                "add `expect grade \"...\"` or `expect score 75%`")
        ok = False
    if d.expect_score is not None and d.expect_score.number is None:
        b.error("R080", "the expected score divides by zero", d.expect_score.span, None)
        ok = False
    if not ok:
        return None
    return m.RulesetTest(
        d.name.text, criterion.id, tuple(ratings), tuple(answers), tuple(measures), adjustment,
        expect_grade, d.expect_score.number if d.expect_score else None, span=d.span,
    )


def _ladder_of(b: _Builder, criterion: m.Criterion) -> m.Scale | None:
    if criterion.grading is None:
        return None
    if criterion.kind == "descriptive":
        grading = b.gradings.get(criterion.grading)
        return b.scales.get(grading.ladder.text) if grading and grading.ladder else None
    bands = b.bands.get(criterion.grading)
    return b.scales.get(bands.scale.text) if bands else None




