"""Check sections, criteria, questions, items, samples, exclusions and tests into the model."""

from __future__ import annotations

from fractions import Fraction

from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check_carried import carry_forward, warn_no_score
from esirules.language.check_conditions import check_condition_node
from esirules.language.check_facts import (
    aggregate_ladders,
    check_level_caps,
    criterion_ladders,
    model_criterion_ladders,
    section_ladders,
)
from esirules.language.check_gradings import check_means
from esirules.language.check_judgements import check_judgement, fail_judgement
from esirules.language.context import CheckContext
from esirules.span import Span


def check_section(ctx: CheckContext, d: s.SectionDecl) -> m.Section | None:
    if not ctx.unique("section", d.id):
        for criterion in d.criteria:  # not checked: what refers to them is not reported either
            ctx.fail("criterion", criterion.id.text)
            _fail_contents(ctx, criterion)
        return None
    criteria = tuple(c for c in (_criterion(ctx, c, d.id.text) for c in d.criteria) if c is not None)
    weight = None
    if d.weight is not None:
        weight = ctx.weight(
            d.weight, f"section {d.id.text}", "section weights are shares of the overall score, such as 30%"
        )
    ids = [c.id for c in criteria]
    score, grade = _aggregates(
        ctx, d.aggregates, "criteria", ids, {c.id: c for c in criteria}, d.means, f"section {d.id.text}"
    )
    ladders = {c.id: model_criterion_ladders(ctx, c) for c in criteria}
    caps = check_level_caps(ctx, d.caps, aggregate_ladders(ctx, grade, ladders), f"section {d.id.text}")
    if score is None and grade is None and any(c.kind == "numerical" for c in criteria):
        # INVARIANT: only a section that says nothing of how it combines its criteria is given
        # the weighted mean of their scores; one with a `grade:` line alone has a grade, no score.
        score = m.Aggregate("weighted_mean", (), "criteria", span=d.span)
    _check_banded_score(ctx, score, grade)
    missing = _missing(ctx, d.missing, "criterion")
    _adjustable(ctx, d.allows_adjustment, grade, f"section {d.id.text}", d.id.span)
    carried = carry_forward(ctx, d.carry_forward, f"section {d.id.text}", grade is not None, d.id.span)
    own = ((c.id, c.carry_forward) for c in criteria)
    warn_no_score(ctx, score, missing, own, "criterion", f"section {d.id.text}", d.id.span)
    return m.Section(
        d.id.text, d.title.line, criteria, weight, d.description.text if d.description else "",
        score, grade, missing, d.allows_adjustment, carried, span=d.span,
        changed_at=ctx.changed_at("section", d.id.text), caps=caps,
    )


def check_overall(ctx: CheckContext, d: s.OverallDecl, sections: tuple[m.Section, ...]) -> m.Overall:
    by_id = {section.id: section for section in sections}
    score, grade = _aggregates(ctx, d.aggregates, "sections", list(by_id), by_id, d.means, "the overall")
    if score is not None and score.kind == "weighted_mean":
        for member in score.members or tuple(by_id):
            section = by_id.get(member)
            if section is not None and section.weight is None and score.members:
                ctx.error(
                    "R060",
                    f"section {member} has no weight, so it cannot take part in a weighted mean",
                    score.span,
                    f"give it one: `section {member} \"{section.title}\" weight 30% {{`",
                )
    _check_banded_score(ctx, score, grade)
    missing = _missing(ctx, d.missing, "section")
    _adjustable(ctx, d.allows_adjustment, grade, "the overall", d.title.span)
    ladders = {section.id: section_ladders(ctx, section) for section in sections}
    caps = check_level_caps(ctx, d.caps, aggregate_ladders(ctx, grade, ladders), "the overall")
    members = ((section.id, section.carry_forward) for section in sections)
    warn_no_score(ctx, score, missing, members, "section", "the overall", d.title.span)
    return m.Overall(
        d.title.line, score, grade, missing, d.description.text if d.description else "", d.allows_adjustment,
        span=d.span, caps=caps,
    )


def _adjustable(ctx: CheckContext, allows: bool, grade: m.Aggregate | None, what: str, span: Span) -> None:
    """W102: only a section (or overall) with a `grade:` line has a grade to adjust."""
    if allows and grade is None:
        ctx.warn(
            "W102",
            f"{what} allows adjustment, but it has no `grade:` line, so no grade to adjust",
            span,
            "remove `allows adjustment`, or give it a grade (a `grade:` line)",
        )


def _check_banded_score(ctx: CheckContext, score: m.Aggregate | None, grade: m.Aggregate | None) -> None:
    if grade is not None and grade.kind == "score_banded" and score is None:
        ctx.error(
            "R040",
            "this grade bands the score, but no score is worked out here",
            grade.span,
            "add a `score: weighted mean of ...` line, or grade another way",
        )


def _missing(ctx: CheckContext, rules: tuple[s.MissingRule, ...], expected: str) -> m.MissingRule:
    action = "not computable"
    for rule in rules:
        if rule.kind != expected:
            ctx.error(
                "R040",
                f"here the members are {'criteria' if expected == 'criterion' else 'sections'}, "
                f"so the rule must say `if a {expected} has no data`",
                rule.span,
                None,
            )
        action = rule.action
    return action  # type: ignore[return-value]


def _section_of(ctx: CheckContext, criterion: str) -> s.SectionDecl | None:
    """The section that declares a criterion, among all the ruleset's (it was "there is no
    criterion called `D2.1`" where D2.1 is another section's)."""
    return next((d for d in ctx.resolved if isinstance(d, s.SectionDecl)
                 and any(c.id.text == criterion for c in d.criteria)), None)


def _aggregates(
    ctx: CheckContext,
    nodes: tuple[s.AggregateDecl, ...],
    members_kind: str,
    known: list[str],
    objects: dict,  # type: ignore[type-arg]
    means_node: s.MeansRoundingNode | None = None,
    where: str = "this block",
) -> tuple[m.Aggregate | None, m.Aggregate | None]:
    uses_mean = any(node.kind == "mean_banded" for node in nodes)
    means = check_means(ctx, means_node, uses_mean, where)
    score: m.Aggregate | None = None
    grade: m.Aggregate | None = None
    for node in nodes:
        members: tuple[str, ...] = ()
        if node.members is not None:
            if node.members.kind != members_kind:
                ctx.error(
                    "R040",
                    f"this combines {node.members.kind}, but here it can only combine {members_kind}",
                    node.members.span,
                    f"write `of {members_kind}`",
                )
                continue
            for name in node.members.members:
                elsewhere = _section_of(ctx, name.text) if members_kind == "criteria" else None
                if name.text not in known and elsewhere is not None:
                    ctx.error(
                        "R040",
                        f"criterion `{name.text}` is in section {elsewhere.id.text} (line {elsewhere.span.line}): "
                        "a section combines only its own criteria",
                        name.span,
                        "move the criterion into this section, or combine the sections in the `overall` block",
                    )
                elif name.text not in known:
                    ctx.unknown("criterion" if members_kind == "criteria" else "section", name, known)
            members = tuple(n.text for n in node.members.members if n.text in known)
        using = node.using.text if node.using else None
        if node.kind == "points_total" and node.using is not None:
            if node.using.text not in ctx.points:
                ctx.unknown("points table", node.using, ctx.points)
            if node.bands is not None and node.bands.text not in ctx.bands:
                ctx.unknown("set of bands", node.bands, ctx.bands)
        elif node.kind == "graded_over" and node.using is not None and node.using.text not in ctx.gradings:
            ctx.unknown("grading", node.using, ctx.gradings)
        elif node.kind == "graded_over" and node.using is not None:
            names_members(ctx, node.using, members or tuple(known), members_kind)
        elif node.kind == "score_banded" and node.using is not None and node.using.text not in ctx.bands:
            ctx.unknown("set of bands", node.using, ctx.bands)
        elif node.kind in ("sum_banded", "mean_banded") and node.using is not None:
            if node.using.text not in ctx.bands:
                ctx.unknown("set of bands", node.using, ctx.bands)
            _numbered_members(ctx, node, [objects[k] for k in members or known if k in objects])
        aggregate = m.Aggregate(
            node.kind,  # type: ignore[arg-type]
            members,
            members_kind,  # type: ignore[arg-type]
            using,
            node.bands.text if node.bands else None,
            span=node.span,
            means=means if node.kind == "mean_banded" else None,
        )
        if node.target == "score":
            if score is not None:
                ctx.error("R002", "the score is defined twice", node.span, "keep one `score:` line")
            score = aggregate
        else:
            if grade is not None:
                ctx.error("R002", "the grade is defined twice", node.span, "keep one `grade:` line")
            grade = aggregate
    return score, grade


def _numbered_members(ctx: CheckContext, node: s.AggregateDecl, members: list[m.Criterion | m.Section]) -> None:
    """R115: a total or mean of grades needs numbers on the ladder each member is graded on
    (where the checker can tell it: a grading's ladder, a bands' scale)."""
    for member in members:
        ladder = _ladder_of(ctx, member)
        scale = ctx.scales.get(ladder or "")
        if scale is not None and not scale.numbers:
            figure = "total" if node.kind == "sum_banded" else "mean"
            ctx.error(
                "R115",
                f"a {figure} of grades needs numbers on the ladder `{scale.name}` that "
                f"{member.id} is graded on, which has none",
                node.span,
                f"give its levels numbers (`{scale.values[0]} = 4 > ...`), or grade this another way",
            )
            return


def _ladder_of(ctx: CheckContext, member: m.Criterion | m.Section) -> str | None:
    """The ladder a criterion or section is graded on, if the checker can tell it here."""
    if isinstance(member, m.Criterion):
        decl = ctx.gradings.get(member.grading or "")
        if decl is not None and decl.ladder is not None:
            return decl.ladder.text
        bands = ctx.bands.get(member.grading or "")
        return bands.scale.text if bands is not None else None
    grade = member.grade
    if grade is None:
        return None
    if grade.kind == "graded_over":
        decl = ctx.gradings.get(grade.using or "")
        return decl.ladder.text if decl is not None and decl.ladder is not None else None
    bands = ctx.bands.get((grade.bands if grade.kind == "points_total" else grade.using) or "")
    return bands.scale.text if bands is not None and grade.kind != "lowest_of" else None


def _fail_contents(ctx: CheckContext, d: s.CriterionDecl) -> None:
    for question in d.questions:
        ctx.fail("question", question.id.text)
    for item in d.items:
        ctx.fail("item", item.id.text)
    for judgement in d.judgements:
        fail_judgement(ctx, judgement)


def _criterion(ctx: CheckContext, d: s.CriterionDecl, section: str) -> m.Criterion | None:
    if not ctx.unique("criterion", d.id):
        _fail_contents(ctx, d)
        return None
    weight, weight_class = _criterion_weight(ctx, d)
    if d.judgements and d.items:
        ctx.error(
            "R157",
            f"criterion {d.id.text} has items and a judgement",
            d.judgements[0].id.span,
            "a judgement is pooled over cases like a question, so it belongs in a numerical criterion; "
            "move it to a criterion of questions",
        )
        ctx.fail("criterion", d.id.text)
    elif d.questions and d.items:
        ctx.error(
            "R031",
            f"criterion {d.id.text} has both questions and items",
            d.id.span,
            "a criterion is either numerical (scored from case questions) or descriptive "
            "(graded from items); split it into two criteria",
        )
        ctx.fail("criterion", d.id.text)
    if not d.questions and not d.items and not d.judgements:
        ctx.error(
            "R032",
            f"criterion {d.id.text} has no questions and no items, so nothing can score it",
            d.id.span,
            "add `question` lines (a numerical criterion) or `item` lines (a descriptive criterion)",
            about=[("criterion", d.id.text)],
        )
        ctx.fail("criterion", d.id.text)
    kind = "descriptive" if d.items else "numerical"
    questions = tuple(q for q in (_question(ctx, q, d.id.text) for q in d.questions) if q is not None)
    if d.judgements:  # judgements are pooled like questions, in the order written
        judged = (_judgement(ctx, j, d.id.text) for j in d.judgements)
        # (what a derived ruleset added, in another file, after what the criterion's own file has)
        ordered = sorted(
            [*questions, *(j for j in judged if j is not None)],
            key=lambda q: (q.span.file != d.span.file, q.span.file, q.span.line, q.span.column),
        )
        questions = tuple(ordered)
    items = tuple(i for i in (_item(ctx, i, d.id.text) for i in d.items) if i is not None)
    grading = None
    if d.graded_by is not None:
        name = d.graded_by.text
        if (kind == "descriptive" and name in ctx.gradings) or (kind == "numerical" and name in ctx.bands):
            grading = name
            if kind == "descriptive":
                names_members(
                    ctx, d.graded_by, tuple(i.id.text for i in d.items), f"items of criterion {d.id.text}",
                    {i.group.text for i in d.items if i.group is not None},
                )
        else:
            known = ctx.gradings if kind == "descriptive" else ctx.bands
            what = "grading" if kind == "descriptive" else "set of bands"
            ctx.unknown(what, d.graded_by, known)
            ctx.fail("criterion", d.id.text)  # how it is graded is unknown
    elif kind == "descriptive" and d.items:
        ctx.error(
            "R053",
            f"criterion {d.id.text} has items but does not say how they are graded",
            d.id.span,
            "add a line such as `graded by management`",
        )
        ctx.fail("criterion", d.id.text)
    if d.allows_adjustment and d.graded_by is None and not d.items:
        # A numerical criterion graded by bands has a grade to adjust; one without has none.
        ctx.warn(
            "W001",
            f"criterion {d.id.text} allows adjustment, but only graded criteria can be adjusted",
            d.id.span,
            "remove `allows adjustment`, or grade the criterion (`graded by` a set of bands)",
        )
    pooling = d.pooling.text if d.pooling else "pooled"
    caps = check_level_caps(ctx, d.caps, criterion_ladders(ctx, d), f"criterion {d.id.text}")
    graded = d.graded_by is not None or bool(d.items)
    carried = carry_forward(ctx, d.carry_forward, f"criterion {d.id.text}", graded, d.id.span)
    return m.Criterion(
        d.id.text, d.title.line, section, kind, weight, weight_class,  # type: ignore[arg-type]
        d.description.text if d.description else "", questions, items, pooling,  # type: ignore[arg-type]
        grading, d.allows_adjustment, carried, span=d.span, caps=caps,
        pooling_span=d.pooling.span if d.pooling else None, changed_at=_criterion_changes(ctx, d, weight_class),
    )


def _criterion_changes(ctx: CheckContext, d: s.CriterionDecl, weight_class: str | None) -> m.ChangedAt:
    """Where `change` lines set the criterion's parts; a weight from a class whose weight was
    changed is set where the class was changed."""
    changes = dict(ctx.changed_at("criterion", d.id.text))
    class_weight = dict(ctx.changed_at("class", weight_class)).get("weight") if weight_class else None
    if class_weight is not None and "weight" not in changes:
        changes["weight"] = class_weight
    return tuple(changes.items())


def _criterion_weight(ctx: CheckContext, d: s.CriterionDecl) -> tuple[Fraction, str | None]:
    if d.weight is not None:
        return ctx.weight(d.weight, f"criterion {d.id.text}"), None
    if d.weight_class is not None:
        if d.weight_class.text not in ctx.classes:
            ctx.unknown("weight class", d.weight_class, ctx.classes, "declare it, e.g. `class critical weight 2`")
            ctx.fail("criterion", d.id.text)  # what it weighs is unknown
            return Fraction(1), None
        return ctx.classes[d.weight_class.text], d.weight_class.text
    return Fraction(1), None


def _question(ctx: CheckContext, d: s.QuestionDecl, criterion: str) -> m.Question | None:
    if not ctx.unique("question", d.id):
        return None
    question = _checked_question(ctx, d, criterion)
    if question is None:
        ctx.fail("question", d.id.text)
    return question


def _judgement(ctx: CheckContext, d: s.JudgementDecl, criterion: str) -> m.Question | None:
    if not ctx.unique("question", d.id):
        fail_judgement(ctx, d)
        return None
    return check_judgement(ctx, d, criterion, _checked_question, _question)


def _checked_question(ctx: CheckContext, d: s.QuestionDecl, criterion: str) -> m.Question | None:
    scale_name = d.scale or ctx.default_scale
    if scale_name is None:
        ctx.error(
            "R034",
            f"question {d.id.text} does not say which scale its answers are on",
            d.id.span,
            "add `on answer` to the question, or a line `answers on answer, met when yes` at the top",
        )
        return None
    scale = ctx.scale_ref(scale_name)
    if scale is None:
        return None
    met_rule = d.met or (ctx.default_met if d.scale is None or d.scale.text == getattr(ctx.default_scale, "text", None) else None)
    if met_rule is None:
        ctx.error(
            "R034",
            f"question {d.id.text} does not say which answers count as met",
            d.id.span,
            "add `met when yes` to the question, or to the `answers on` line at the top",
        )
        return None
    met: set[str] = set()
    for value in met_rule.values:
        if ctx.on_scale(value, scale) is not None:
            if met_rule.at_least:
                met.update(v for v in scale.values if scale.rank(v) >= scale.rank(value.text))
            else:
                met.add(value.text)
    source = None
    if d.source is not None:
        if d.source.text in ctx.sources:
            source = d.source.text
        else:
            ctx.unknown("evidence source", d.source, ctx.sources)
    # A question's applicability may test the inspection's facts as well as the case's attributes.
    names = {**ctx.attributes, **ctx.facts}
    kind = "case attribute or fact" if ctx.facts else "case attribute"
    applies = check_condition_node(ctx, d.applies, names, kind) if d.applies is not None else None
    weight = Fraction(1)
    if d.weight is not None:
        weight = ctx.weight(d.weight, f"question {d.id.text}", above_zero=True)
    return m.Question(
        d.id.text, d.text.line, criterion, scale.name, frozenset(met), source, applies, weight, span=d.span,
        met_span=met_rule.span, changed_at=ctx.changed_at("question", d.id.text),
    )


def _item(ctx: CheckContext, d: s.ItemDecl, criterion: str) -> m.Item | None:
    if not ctx.unique("item", d.id):
        return None
    measure = None
    if d.measure is not None:
        if d.measure.text in ctx.measures:
            measure = d.measure.text
        else:
            ctx.unknown("measure", d.measure, ctx.measures)
    weight = ctx.weight(d.weight, f"item {d.id.text}") if d.weight is not None else Fraction(1)
    text = d.text.line if d.text else (ctx.measures[measure].label if measure else d.id.text)
    group = d.group.text if d.group else None
    return m.Item(
        d.id.text, text, criterion, weight, measure, group, span=d.span, changed_at=ctx.changed_at("item", d.id.text)
    )


def check_weights(ctx: CheckContext, sections: tuple[m.Section, ...]) -> None:
    """Weights must leave something to average: not all zero where a weighted mean is taken."""
    for section in sections:
        numerical = [c for c in section.criteria if c.kind == "numerical"]
        if section.score is not None and section.score.kind == "weighted_mean" and numerical:
            members = [c for c in numerical if not section.score.members or c.id in section.score.members]
            if members and all(c.weight == 0 for c in members):
                ctx.error(
                    "R021",
                    f"every criterion in section {section.id} weighs 0, so its score would divide by zero",
                    section.span,
                    "give at least one criterion a weight above 0",
                )
    weighted = [sec for sec in sections if sec.weight is not None]
    if weighted and all(sec.weight == 0 for sec in weighted):
        ctx.error(
            "R021",
            "every section weighs 0%, so the overall score would divide by zero",
            weighted[0].span,
            "give the sections weights that add up to 100%",
        )


def check_sample(ctx: CheckContext, d: s.SampleDecl, sections: tuple[m.Section, ...]) -> m.Sample:
    ctx.unique("sample", d.name)
    known = [section.id for section in sections]
    chosen = None
    if d.sections is not None:
        for name in d.sections:
            if name.text not in known:
                ctx.unknown("section", name, known)
        chosen = tuple(n.text for n in d.sections if n.text in known)
    questions = _question_ids(sections)
    for name in d.without_questions:
        if name.text not in questions:
            ctx.unknown("question", name, questions)
    label = d.label.line if d.label else d.name.text
    return m.Sample(
        d.name.text, label, chosen, frozenset(n.text for n in d.without_questions), span=d.span,
        sections_span=d.sections[0].span if d.sections else None,
        without_spans=tuple((n.text, n.span) for n in d.without_questions),
    )


def _question_ids(sections: tuple[m.Section, ...]) -> set[str]:
    """Every question a sample or an exclusion may name: judgements and their prompts too."""
    out = set()
    for section in sections:
        for criterion in section.criteria:
            for question in criterion.questions:
                out.add(question.id)
                if question.judgement is not None:
                    out.update(p.id for p in question.judgement.prompts)
    return out


def check_exclusions(
    ctx: CheckContext, declarations: tuple[s.Declaration, ...], sections: tuple[m.Section, ...]
) -> m.Exclusions:
    cases = []
    sources = set()
    questions = set()
    known_questions = _question_ids(sections)
    for d in declarations:
        if isinstance(d, s.ExcludeCases):
            condition = check_condition_node(ctx, d.condition)
            if condition is not None:
                cases.append(condition)
        elif isinstance(d, s.ExcludeSource):
            if d.source.text in ctx.sources:
                sources.add(d.source.text)
            else:
                ctx.unknown("evidence source", d.source, ctx.sources)
        elif isinstance(d, s.ExcludeQuestion):
            if d.question.text in known_questions:
                questions.add(d.question.text)
            else:
                ctx.unknown("question", d.question, known_questions)
    return m.Exclusions(
        tuple(cases), frozenset(sources), frozenset(questions),
        source_spans=tuple((d.source.text, d.span) for d in declarations if isinstance(d, s.ExcludeSource)),
        question_spans=tuple((d.question.text, d.span) for d in declarations if isinstance(d, s.ExcludeQuestion)),
    )


def names_members(
    ctx: CheckContext, using: s.Name, members: tuple[str, ...], what: str, groups: set[str] | None = None
) -> None:
    """R102: a grading applied here names only members it is applied to (`leadership is ...`);
    R103: it counts only groups its items have (`each item of group "level 3"`)."""
    decl = ctx.gradings[using.text]
    clauses = [c for r in decl.rules for c in r.clauses] + [c for r in decl.caps for c in r.clauses]
    for clause in clauses:
        group = clause.quantifier.group
        if group is not None and group.text not in (groups or set()):
            known = ", ".join(f'"{g}"' for g in sorted(groups or ())) or "none"
            ctx.error(
                "R103",
                f'the grading `{using.text}` counts the items of group "{group.text}", but the {what} it grades '
                "here have no such group",
                using.span,
                f"give items `group \"{group.text}\"` (groups here: {known}), or grade them with another grading",
            )
        named = [n for n in clause.figure.members if n.text not in members] if clause.figure is not None else []
        if named:
            listed = ", ".join(f"`{name}`" for name in members)
            ctx.error(
                "R102",
                f"the grading `{using.text}` names `{named[0].text}`, which is not one of the {what} "
                "it grades here",
                using.span,
                f"name one of {listed} in the grading, or grade these {what} with another grading",
            )
        if clause.member is not None and clause.member.text not in members:
            listed = ", ".join(f"`{name}`" for name in members)
            ctx.error(
                "R102",
                f"the grading `{using.text}` names `{clause.member.text}`, which is not one of the {what} "
                "it grades here",
                using.span,
                f"name one of {listed} in the grading, or grade these {what} with another grading",
            )
