"""Check gradings, bands and points tables: their syntax in, model objects out."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check_facts import check_fact_clauses
from esirules.language.context import CheckContext

_FIGURES_BY_USE = {
    "performance": ("performance", "actual"),
}


def check_grading(ctx: CheckContext, d: s.GradingDecl) -> m.Grading | None:
    """A grading needs an item scale, a ladder, and rules on both (`otherwise`, if any, last)."""
    if d.item_scale is None or d.ladder is None:
        missing = "items rated on <scale>" if d.item_scale is None else "grades from <ladder>"
        ctx.error(
            "R053",
            f"the grading `{d.name.text}` does not say `{missing}`",
            d.name.span,
            "a grading needs a line `items rated on performance` and a line `grades from grade`",
        )
        ctx.fail("grading", d.name.text)
        return None
    scale = ctx.scale_ref(d.item_scale)
    ladder = ctx.scale_ref(d.ladder, ladder=True)
    if scale is None or ladder is None:
        ctx.fail("grading", d.name.text)
        return None
    rules = []
    for node in d.rules:
        grade = ctx.on_scale(node.grade, ladder)
        clauses = check_clauses(ctx, node.clauses, scale)
        facts = check_fact_clauses(ctx, node.facts)
        if grade is not None and clauses is not None and facts is not None:
            rules.append(m.GradeRule(grade, clauses, node.otherwise, span=node.span, facts=facts))
    caps = []
    for cap in d.caps:
        grade = ctx.on_scale(cap.grade, ladder)
        clauses = check_clauses(ctx, cap.clauses, scale)
        facts = check_fact_clauses(ctx, cap.facts)
        if grade is not None and clauses is not None and facts is not None:
            caps.append(m.CapRule(grade, clauses, span=cap.span, facts=facts))
    _check_otherwise(ctx, d.rules)
    _no_prompts(ctx, d)
    measure_bands = None
    if d.measure_bands is not None:
        bands = ctx.bands.get(d.measure_bands.text)
        if bands is None:
            ctx.unknown("set of bands", d.measure_bands, ctx.bands)
        elif bands.scale.text != scale.name:
            ctx.error(
                "R053",
                f"the bands `{bands.name.text}` give values of `{bands.scale.text}`, "
                f"but this grading's items are rated on `{scale.name}`",
                d.measure_bands.span,
                f"declare the bands `on {scale.name}`",
                about=[("bands", bands.name.text)],  # bands on an unknown scale are reported already
            )
        else:
            measure_bands = bands.name.text
    label = d.label.line if d.label else d.name.text
    every = [c for r in rules for c in r.clauses] + [c for r in caps for c in r.clauses]
    means = check_means(ctx, d.means, any(c.figure is not None and c.figure.kind == "mean" for c in every),
                        f"the grading `{d.name.text}`")
    return m.Grading(
        d.name.text, label, scale.name, ladder.name, tuple(rules), tuple(caps), d.cumulative, measure_bands,
        span=d.span, means=means,
    )


def check_means(ctx: CheckContext, node: s.MeansRoundingNode | None, used: bool, where: str) -> m.Rounding | None:
    """`means: 2 decimal places, halves up` (issue 11, point 1); W110 where no mean is worked out."""
    if node is None:
        return None
    if not used:
        ctx.warn(
            "W110",
            f"{where} says how means are rounded, but works out no mean",
            node.span,
            "remove the `means:` line, or use a mean (`mean of items at least 2.5`)",
        )
    if node.places > 6:
        ctx.error(
            "R090",
            f"rounding to {node.places} decimal places is more than a report can show",
            node.span,
            "round means to up to 6 decimal places",
        )
    ties = node.ties if node.ties in ("up", "even", "down") else "up"
    return m.Rounding(min(node.places, 6), ties, span=node.span)  # type: ignore[arg-type]


def _figure(ctx: CheckContext, clause: s.ClauseNode, scale: m.Scale) -> m.FigureSpec | None:
    """A figure clause's figure: R111 when its scale has no numbers to add up, R112 for `rated`
    on a figure other than `count`, R113 for a share of what was possible that is not 0% to 100%."""
    figure = clause.figure
    assert figure is not None
    ok = True
    if figure.figure != "count" and not scale.numbers:
        ctx.error(
            "R111",
            f"`{figure.figure} of {clause.quantifier.noun}` needs numbers on the levels of `{scale.name}`, "
            "which has none",
            figure.span,
            f"give the levels numbers (`{scale.values[0]} = 4 > ...`), or count them (`count of {clause.quantifier.noun}`)",
        )
        ok = False
    if figure.rated and figure.figure != "count":
        ctx.error(
            "R112",
            f"only `count` picks members by their rating, not `{figure.figure}`",
            figure.span,
            f"write `count of {clause.quantifier.noun} rated ...`, or leave out `rated ...`",
        )
        ok = False
    operand = figure.operand.number
    if operand is None or (figure.of_possible and not 0 <= operand <= 1):
        ctx.error(
            "R113",
            f"a share of what was possible must lie between 0% and 100%, not {figure.operand.text}",
            figure.operand.span,
            "write for example `sum of items at least 75% of possible`",
        )
        ok = False
    if not ok or operand is None:
        return None
    members = tuple(n.text for n in figure.members)
    return m.FigureSpec(figure.figure, figure.comparison, operand, figure.of_possible, members, figure.rated)  # type: ignore[arg-type]


def check_clauses(ctx: CheckContext, clauses: tuple[s.ClauseNode, ...], scale: m.Scale) -> tuple[m.Clause, ...] | None:
    out = []
    ok = True
    for index, clause in enumerate(clauses):
        if clause.figure is not None:
            value = ctx.on_scale(clause.value, scale) if clause.value is not None else scale.values[-1]
            figure = _figure(ctx, clause, scale)
            if value is None or figure is None:
                ok = False
                continue
            over = m.Quantifier("figure", noun=clause.quantifier.noun, group=_group(clause.quantifier))
            out.append(m.Clause(clause.comparison, value, over, span=clause.span, figure=figure))  # type: ignore[arg-type]
            continue
        assert clause.value is not None
        value = ctx.on_scale(clause.value, scale)
        if not clause.written and value is not None:
            ctx.warn(
                "W002",
                f"`{value}` on its own means exactly {value}: items rated better or worse do not count",
                clause.value.span,
                f"write `at least {clause.value.text}` (or `at best {clause.value.text}`) if better "
                f"(or worse) ratings should count too, or `exactly {clause.value.text}` to keep this meaning",
            )
        quantifier = _quantifier(ctx, clause.quantifier)
        if clause.quantifier.other and not any(c.member is not None for c in clauses):
            ctx.error(
                "R101",
                f"`other {clause.quantifier.noun}` needs a member named in the same rule to be other than",
                clause.quantifier.span,
                f"name one in the rule, as in `leadership is Inadequate and at best Inadequate on some other "
                f"{clause.quantifier.noun}`, or leave out `other`",
            )
            ok = False
        if clause.quantifier.kind == "others" and index == 0:
            ctx.error(
                "R050",
                "`the others` needs a clause before it to say which items are counted first",
                clause.quantifier.span,
                "write for example `at least strong on the majority of items and at least satisfactory on the others`",
            )
            ok = False
        if value is None or quantifier is None:
            ok = False
            continue
        member = clause.member.text if clause.member is not None else None
        out.append(m.Clause(clause.comparison, value, quantifier, member, span=clause.span))  # type: ignore[arg-type]
    return tuple(out) if ok else None


def _quantifier(ctx: CheckContext, node: s.QuantifierNode) -> m.Quantifier | None:
    if node.kind in m.SHARED:
        share = node.share.number if node.share else None
        if share is None or not 0 <= share <= 1:
            ctx.error(
                "R020",
                f"a share of items must lie between 0% and 100%, not {node.share.text if node.share else '?'}",
                node.span,
                "write for example `at least 75% of the items`",
            )
            return None
        quantifier = m.Quantifier(node.kind, share=share, noun=node.noun, other=node.other, group=_group(node))  # type: ignore[arg-type]
    elif node.kind in m.COUNTED:
        if node.count is None:
            ctx.error(
                "R020",
                "a number of items must be a whole number of 0 or more",
                node.span,
                "write for example `at least 2 items`",
            )
            return None
        quantifier = m.Quantifier(node.kind, count=node.count, noun=node.noun, other=node.other, group=_group(node))  # type: ignore[arg-type]
    else:
        return m.Quantifier(node.kind, noun=node.noun, other=node.other, group=_group(node))  # type: ignore[arg-type]
    _warn_if_fixed(ctx, node, quantifier)
    return quantifier


def _warn_if_fixed(ctx: CheckContext, node: s.QuantifierNode, quantifier: m.Quantifier) -> None:
    """W101: a bound that no weighing of the members can break (or meet) says nothing."""
    if quantifier.kind == "fewer_than_count" and quantifier.count == 0:
        ctx.warn("W101", f"`fewer than 0 {quantifier.noun}` can never hold: no count is below 0", node.span,
                 f"write `none of the {quantifier.noun}` if that is what you mean")
    elif quantifier.kind == "at_most_share" and quantifier.share == 1:
        ctx.warn("W101", f"`no more than 100% of {quantifier.noun}` always holds: no share is above 100%", node.span,
                 "write a share below 100%, or leave the clause out")


def _check_otherwise(ctx: CheckContext, rules: Sequence[s.GradeRuleNode | s.BandNode]) -> None:
    """`otherwise` goes last. Whether rules without one grade everything is for the analysis (R052)."""
    for index, rule in enumerate(rules):
        if rule.otherwise and index != len(rules) - 1:
            ctx.error(
                "R051",
                "`otherwise` must be the last rule: the rules after it could never apply",
                rule.span,
                "move the `otherwise` rule to the end",
            )


def _no_prompts(ctx: CheckContext, d: s.GradingDecl) -> None:
    """R156: prompts are counted only in a judgement's rules (issue 11, point 8a), never in a grading's."""
    rules: list[s.GradeRuleNode | s.CapRuleNode] = [*d.rules, *d.caps]
    for rule in rules:
        for clause in rule.clauses:
            if clause.quantifier.noun == "prompts":
                ctx.error(
                    "R156",
                    "a grading counts items, criteria or sections; only a judgement's rules count prompts",
                    clause.quantifier.span,
                    "write `items` here, or put these rules in a `judgement` block of a criterion",
                )


def check_bands(ctx: CheckContext, d: s.BandsDecl) -> m.Bands | None:
    scale = ctx.scale_ref(d.scale)
    if scale is None:
        ctx.fail("bands", d.name.text)
        return None
    bands = []
    for node in d.bands:
        value = ctx.on_scale(node.value, scale)
        tests = []
        for test in node.tests:
            operand: Fraction | str
            if isinstance(test.operand, str):
                operand = test.operand
                if test.figure != "actual":
                    ctx.error(
                        "R040",
                        f"`{test.figure}` cannot be compared with `{test.operand}`; only `actual` can",
                        test.span,
                        f"write `actual at least {test.operand}`, or compare `{test.figure}` with a number",
                    )
            else:
                assert test.operand.number is not None
                operand = test.operand.number
            if test.of_possible and test.figure not in ("total", "mean"):
                ctx.error(
                    "R114",
                    f"only `total` and `mean` can be compared with what was possible, not `{test.figure}`",
                    test.span,
                    f"write `total at least {test.operand.text if isinstance(test.operand, s.Value) else ''} of possible`",
                )
            tests.append(
                m.FigureTest(test.figure, test.comparison, operand, test.percent, span=test.span,  # type: ignore[arg-type]
                             of_possible=test.of_possible)
            )
        if value is not None:
            bands.append(m.Band(value, tuple(tests), node.otherwise, span=node.span))
    _check_otherwise(ctx, d.bands)
    ties = d.ties or "exact"
    return m.Bands(d.name.text, scale.name, tuple(bands), ties, span=d.span)  # type: ignore[arg-type]


def check_points(ctx: CheckContext, d: s.PointsDecl) -> m.Points | None:
    ladder = ctx.scale_ref(d.ladder)
    if ladder is None:
        ctx.fail("points table", d.name.text)
        return None
    points = []
    seen: set[str] = set()
    for grade, number in d.points:
        value = ctx.on_scale(grade, ladder)
        if value is None:
            continue
        if value in seen:
            ctx.error("R011", f"`{value}` is given points twice", grade.span, "give each grade its points once")
        seen.add(value)
        if number.number is None or number.number < 0:
            ctx.error("R020", f"points must be zero or more, not {number.text}", number.span, None)
            continue
        points.append((value, number.number))
    missing = [v for v in ladder.values if v not in seen]
    if missing:
        listed = ", ".join(f"`{v}`" for v in missing)
        ctx.error(
            "R033",
            f"the points table `{d.name.text}` gives no points for {listed}",
            d.name.span,
            "give every grade of the ladder its points (0 if it earns none)",
        )
    return m.Points(d.name.text, ladder.name, tuple(points), span=d.span)


def _group(node: s.QuantifierNode) -> str | None:
    return node.group.text if node.group is not None else None
