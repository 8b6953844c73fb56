"""Check facts and caps (issue 11, point 4): fact declarations, fact conditions and the caps of a
criterion, section or overall, syntax in, model objects out.

A fact is about the inspection, not a case: declared like an attribute (`fact breach "...": yes or
no, default no`), recorded once in the evidence (`facts:`). A fact condition (`fact breach`,
`fact enforcement >= formal`) is one test over the facts, checked as an applicability condition is
but against the facts; it can be a clause of a grade rule or a cap anywhere. A cap written in a
criterion, section or overall body (`no better than X when fact ...`) tests facts only, and its
grade must be on the level's ladder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check_conditions import check_condition_node
from esirules.language.check_vocabulary import distinct_values
from esirules.language.context import CheckContext
from esirules.language.facts import allowed, fact_value, facts_read


def check_fact(ctx: CheckContext, d: s.FactDecl) -> None:
    """Record a fact: its kind as an attribute's, and its default, which must be one of its values."""
    if not ctx.unique("fact", d.name):
        return
    name = d.name.text
    label = d.label.line if d.label else name.replace("_", " ")
    values = tuple(distinct_values(ctx, d.values, "fact", name))
    low = d.minimum.number if d.minimum else None
    high = d.maximum.number if d.maximum else None
    if low is not None and high is not None and low > high and d.maximum:
        ctx.error(
            "R012",
            f"the fact `{name}` runs from {d.minimum.text if d.minimum else ''} to {d.maximum.text}, which is backwards",
            d.maximum.span,
            "write the smaller number after `from` and the larger after `to`",
        )
    fact = m.Fact(name, label, d.kind, values, low, high, span=d.span)  # type: ignore[arg-type]
    default = None
    if d.default is not None:
        default = fact_value(fact, d.default.text, d.default.number)
        if default is None:
            ctx.error(
                "R121",
                f"the default `{d.default.text}` is not a value the fact `{name}` can take",
                d.default.span,
                f"write one of its values: {allowed(fact)}",
            )
    ctx.facts[name] = m.Fact(name, label, d.kind, values, low, high, span=d.span, default=default)  # type: ignore[arg-type]


def check_fact_names(ctx: CheckContext) -> None:
    """R120: a fact called as a case attribute is (a condition names either)."""
    for name, fact in list(ctx.facts.items()):
        if name in ctx.attributes:
            ctx.error(
                "R120",
                f"`{name}` is both a case attribute and a fact",
                fact.span,
                "give the fact another name: conditions name attributes and facts alike",
            )
            ctx.fail("fact", name)
            del ctx.facts[name]


def check_fact_clauses(ctx: CheckContext, nodes: Iterable[s.FactClauseNode]) -> tuple[m.Condition, ...] | None:
    """A rule's fact conditions, checked against the declared facts (None if one is wrong)."""
    out = []
    ok = True
    for node in nodes:
        condition = check_condition_node(ctx, node.condition, ctx.facts, "fact")
        if condition is None:
            ok = False
        else:
            out.append(condition)
    return tuple(out) if ok else None


def check_level_caps(
    ctx: CheckContext, caps: tuple[s.CapRuleNode, ...], ladders: Iterable[m.Scale] | None, what: str
) -> tuple[m.CapRule, ...]:
    """The caps written in a criterion, section or overall body: fact conditions only (R122), on a
    level that has a grade (R123), with a grade on its ladder (every ladder its grade may be on)."""
    out = []
    scales = None if ladders is None else tuple(dict.fromkeys(ladders))
    for cap in caps:
        if cap.clauses:
            ctx.error(
                "R122",
                f"a cap written in {what} can test only facts, not ratings of members",
                cap.clauses[0].span,
                "test facts here (`when fact breach`); a cap over members' ratings belongs in a grading",
            )
            continue
        if scales == ():
            ctx.error(
                "R123",
                f"{what} has no grade, so there is nothing to cap",
                cap.span,
                "give it a grade (`graded by ...`, or a `grade:` line), or remove the cap",
            )
            continue
        if scales is None:  # how it is graded is wrong, and reported already
            check_fact_clauses(ctx, cap.facts)
            continue
        grades = [ctx.on_scale(cap.grade, scale) for scale in scales]
        facts = check_fact_clauses(ctx, cap.facts)
        if any(g is None for g in grades) or facts is None:
            continue
        grade = grades[0]
        assert grade is not None
        if all(scale.rank(grade) == len(scale.values) - 1 for scale in scales):
            ctx.warn(
                "W120",
                f"`{grade}` is the best grade, so capping at it never changes the grade",
                cap.grade.span,
                "cap at a lower grade, or remove the cap",
            )
        out.append(m.CapRule(grade, (), span=cap.span, facts=facts))
    return tuple(out)


# The ladder each kind of grade is on. A `lowest of` grade is one of its members' grades: its
# ladders are theirs (`aggregate_ladders`).
BANDED = ("score_banded", "points_total", "sum_banded", "mean_banded")


def grading_ladder(ctx: CheckContext, name: str | None) -> m.Scale | None:
    """The ladder a grading's rules give grades on; None if it, or its ladder, cannot be found
    (that error is reported where it is declared)."""
    grading = ctx.gradings.get(name or "")
    return None if grading is None or grading.ladder is None else ctx.scales.get(grading.ladder.text)


def bands_ladder(ctx: CheckContext, name: str | None) -> m.Scale | None:
    """The ladder a set of bands gives grades on; None if it cannot be found."""
    bands = ctx.bands.get(name or "")
    return None if bands is None else ctx.scales.get(bands.scale.text)


def criterion_ladder(ctx: CheckContext, criterion: m.Criterion) -> m.Scale | None:
    """The ladder a checked criterion's grades come from; None if it is not graded, or if its
    grading or bands could not be checked."""
    if criterion.grading is None:
        return None
    if criterion.kind == "descriptive":
        return grading_ladder(ctx, criterion.grading)
    return bands_ladder(ctx, criterion.grading)


def own_ladder(ctx: CheckContext, grade: m.Aggregate) -> m.Scale | None:
    """The ladder of a section's or the overall's grade given by bands or a grading (not `lowest of`)."""
    if grade.kind == "graded_over":
        return grading_ladder(ctx, grade.using)
    return bands_ladder(ctx, grade.bands if grade.kind == "points_total" else grade.using)


def _one(ladder: m.Scale | None) -> tuple[m.Scale, ...] | None:
    return None if ladder is None else (ladder,)


def criterion_ladders(ctx: CheckContext, d: s.CriterionDecl) -> tuple[m.Scale, ...] | None:
    """The ladder a criterion's grade is on, as a one-tuple; () if it has no grade; None if unknown."""
    if d.graded_by is None:
        return ()
    if d.items:
        return _one(grading_ladder(ctx, d.graded_by.text))
    return _one(bands_ladder(ctx, d.graded_by.text))


def section_ladders(ctx: CheckContext, section: m.Section) -> tuple[m.Scale, ...] | None:
    """The ladders a checked section's grade may be on (for a `lowest of sections` above it)."""
    members = {c.id: model_criterion_ladders(ctx, c) for c in section.criteria}
    return aggregate_ladders(ctx, section.grade, members)


def model_criterion_ladders(ctx: CheckContext, criterion: m.Criterion) -> tuple[m.Scale, ...] | None:
    return () if criterion.grading is None else _one(criterion_ladder(ctx, criterion))


def aggregate_ladders(
    ctx: CheckContext, grade: m.Aggregate | None, members: Mapping[str, tuple[m.Scale, ...] | None]
) -> tuple[m.Scale, ...] | None:
    """The ladders a section's or the overall's grade may be on (`lowest of`: each of its members'
    ladders); () if it has no grade; None if one cannot be known (an error reported elsewhere)."""
    if grade is None:
        return ()
    if grade.kind in BANDED or grade.kind == "graded_over":
        return _one(own_ladder(ctx, grade))
    found: list[m.Scale] = []
    for member in grade.members or tuple(members):
        ladders = members.get(member)
        if ladders is None:
            return None
        found.extend(ladders)
    return tuple(dict.fromkeys(found))


def test_facts(
    ctx: CheckContext, given: tuple[tuple[s.Name, s.Value], ...]
) -> tuple[tuple[str, m.FactValue], ...]:
    """A test's `given facts`: each a declared fact (R030) given a value it can take (R121), once."""
    out: dict[str, m.FactValue] = {}
    for name, value in given:
        fact = ctx.facts.get(name.text)
        if fact is None:
            ctx.unknown("fact", name, ctx.facts, "declare it with `fact ...` (anywhere in the ruleset)")
            continue
        found = fact_value(fact, value.text, value.number)
        if found is None:
            ctx.error(
                "R121",
                f"`{value.text}` is not a value the fact `{fact.name}` can take",
                value.span,
                f"write one of its values: {allowed(fact)}",
            )
            continue
        if name.text in out:
            ctx.error("R124", f"the test gives the fact `{name.text}` twice", name.span, "keep one")
            continue
        out[name.text] = found
    return tuple(out.items())


def unused_facts(ctx: CheckContext, ruleset: m.Ruleset) -> None:
    """W121: a fact no rule, cap or condition reads (held back after an error: a rule that failed
    its checks is not in the model, and the facts it reads would seem unused)."""
    if any(d.severity == "error" for d in ctx.diagnostics):
        return
    read = facts_read(ruleset)
    for fact in ruleset.facts:
        if fact.name not in read and fact.span.file == ctx.path:
            ctx.warn(
                "W121",
                f"the fact `{fact.name}` is declared but no rule, cap or condition uses it",
                fact.span,
                "use it (`no better than ... when fact ...`) or remove it",
            )
