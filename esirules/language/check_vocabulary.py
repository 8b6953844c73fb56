"""Check a ruleset's vocabularies: scales, ladders, attributes, sources, weight classes, measures
and rounding (syntax in, recorded in the checking context or returned as model objects)."""

from __future__ import annotations

from fractions import Fraction

from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.context import CheckContext


def check_vocabulary(ctx: CheckContext, declaration: s.Declaration) -> None:
    """Record one declaration of a name later declarations may use (a scale, a grading ...)."""
    if isinstance(declaration, s.ScaleDecl):
        _scale(ctx, declaration)
    elif isinstance(declaration, s.AttributeDecl):
        _attribute(ctx, declaration)
    elif isinstance(declaration, s.SourceDecl):
        if ctx.unique("source", declaration.name):
            label = declaration.label.line if declaration.label else declaration.name.text
            ctx.sources[declaration.name.text] = m.Source(declaration.name.text, label, span=declaration.span)
    elif isinstance(declaration, s.WeightClass):
        if ctx.unique("weight class", declaration.name):
            ctx.classes[declaration.name.text] = ctx.weight(
                declaration.weight,
                f"class `{declaration.name.text}`",
                "weights must be zero or more; critical criteria usually weigh 2, important 1",
            )
    elif isinstance(declaration, s.MeasureDecl):
        if ctx.unique("measure", declaration.name):
            ctx.measures[declaration.name.text] = m.Measure(
                declaration.name.text,
                declaration.label.line,
                declaration.unit.text if declaration.unit else "percent",
                declaration.lower_is_better,
                span=declaration.span,
            )
    elif isinstance(declaration, s.GradingDecl):
        if ctx.unique("grading", declaration.name):
            ctx.gradings[declaration.name.text] = declaration
    elif isinstance(declaration, s.BandsDecl):
        if ctx.unique("bands", declaration.name):
            ctx.bands[declaration.name.text] = declaration
    elif isinstance(declaration, s.PointsDecl) and ctx.unique("points table", declaration.name):
        ctx.points[declaration.name.text] = declaration


def check_rounding(ctx: CheckContext, declaration: s.Rounding) -> m.Rounding:
    if declaration.places > 6:
        ctx.error(
            "R090",
            f"rounding to {declaration.places} decimal places is more than a report can show",
            declaration.span,
            "use `whole percent` or up to 6 decimal places",
        )
    ties = declaration.ties if declaration.ties in ("up", "even", "down") else "up"
    return m.Rounding(declaration.places, ties, span=declaration.span)  # type: ignore[arg-type]


def _scale(ctx: CheckContext, declaration: s.ScaleDecl) -> None:
    kind = "ladder" if declaration.is_ladder else "scale"
    if not ctx.unique("scale or ladder", declaration.name):
        return
    values = distinct_values(ctx, declaration.values, kind, declaration.name.text)
    na = None
    if declaration.has_not_applicable:
        na = declaration.not_applicable.text if declaration.not_applicable else "not applicable"
        if na in values:
            ctx.error(
                "R011",
                f"`{na}` is both a value of the scale and its not-applicable answer",
                declaration.not_applicable.span if declaration.not_applicable else declaration.span,
                "give not applicable a spelling of its own, such as \"n/a\"",
            )
    ctx.scales[declaration.name.text] = m.Scale(
        declaration.name.text, tuple(values), na, declaration.is_ladder, span=declaration.span,
        numbers=_numbers(ctx, declaration, kind),
    )


def _numbers(ctx: CheckContext, declaration: s.ScaleDecl, kind: str) -> tuple[Fraction, ...]:
    """Each level's number (issue 11, point 1): written after `=`, or the level itself written as a
    number; () when no level has one. R110 when some levels have one and others do not."""
    written = declaration.numbers or (None,) * len(declaration.values)
    numbers = [
        (n.number if n is not None else None) if n is not None else (v.number if not v.quoted else None)
        for v, n in zip(declaration.values, written)
    ]
    if all(n is None for n in numbers):
        return ()
    if any(n is None for n in numbers):
        without = [v.text for v, n in zip(declaration.values, numbers) if n is None]
        first = next(v for v, n in zip(declaration.values, numbers) if n is None)
        ctx.error(
            "R110",
            f"some levels of the {kind} `{declaration.name.text}` have numbers and "
            + ", ".join(f"`{w}`" for w in without)
            + (" has none" if len(without) == 1 else " have none"),
            first.span,
            f"give every level a number (`{first.text} = 1`) or none",
        )
        return ()
    return tuple(n for n in numbers if n is not None)


def distinct_values(ctx: CheckContext, values: tuple[s.Value, ...], kind: str, owner: str) -> list[str]:
    out: list[str] = []
    for value in values:
        if value.text in out:
            ctx.error(
                "R011",
                f"the value `{value.text}` appears twice in the {kind} `{owner}`",
                value.span,
                "each value of a scale, ladder or attribute must be different; remove one",
            )
        else:
            out.append(value.text)
    return out


def _attribute(ctx: CheckContext, declaration: s.AttributeDecl) -> None:
    if not ctx.unique("attribute", declaration.name):
        return
    name = declaration.name.text
    label = declaration.label.line if declaration.label else name.replace("_", " ")
    values = tuple(distinct_values(ctx, declaration.values, "attribute", name))
    low = declaration.minimum.number if declaration.minimum else None
    high = declaration.maximum.number if declaration.maximum else None
    if low is not None and high is not None and low > high and declaration.maximum:
        ctx.error(
            "R012",
            f"the attribute `{name}` runs from {declaration.minimum.text if declaration.minimum else ''} "
            f"to {declaration.maximum.text}, which is backwards",
            declaration.maximum.span,
            "write the smaller number after `from` and the larger after `to`",
        )
    ctx.attributes[name] = m.Attribute(
        name, label, declaration.kind, values, low, high, span=declaration.span  # type: ignore[arg-type]
    )
