"""Syntax of rules as written: conditions, gradings and their clauses, bands, points tables.

Part of the syntax tree (esirules.language.syntax re-exports these); nothing here is resolved.
"""

from __future__ import annotations

import attrs

from esirules.language.syntax_words import Name, Text, Value
from esirules.span import Span, span_field

# --- conditions -----------------------------------------------------------------------------


@attrs.frozen
class ComparisonTest:
    attribute: Name
    op: str
    value: Value
    span: Span = span_field()


@attrs.frozen
class MembershipTest:
    attribute: Name
    values: tuple[Value, ...]
    span: Span = span_field()


@attrs.frozen
class FlagTest:
    attribute: Name
    span: Span = span_field()


@attrs.frozen
class Negation:
    operand: ConditionNode
    span: Span = span_field()


@attrs.frozen
class AllOf:
    operands: tuple[ConditionNode, ...]
    span: Span = span_field()


@attrs.frozen
class AnyOf:
    operands: tuple[ConditionNode, ...]
    span: Span = span_field()


ConditionNode = ComparisonTest | MembershipTest | FlagTest | Negation | AllOf | AnyOf


# --- gradings, bands, points ----------------------------------------------------------------


@attrs.frozen
class QuantifierNode:
    kind: str
    count: int | None = None
    share: Value | None = None
    noun: str = "items"
    other: bool = False  # `other criteria`: the members not named in the same rule
    group: Text | None = None  # `each item of group "level 3"`
    span: Span = span_field()


@attrs.frozen
class MeansRoundingNode:
    """`means: 2 decimal places, halves up`: how a mean is rounded before it is compared (issue 11, point 1)."""

    places: int
    ties: str
    span: Span = span_field()


@attrs.frozen
class FigureNode:
    """`sum of items at most 15`, `count of items rated at least good at least 2` (issue 11, point 1)."""

    figure: str  # sum | mean | count | min | max
    comparison: str  # at_least | above | below | at_most | is
    operand: Value  # a number, or the percentage of `P% of possible`
    of_possible: bool = False
    members: tuple[Name, ...] = ()  # `max of criteria A1, A2`: only these members
    rated: bool = False  # `count of items rated ...`: the clause's comparison and value pick them
    span: Span = span_field()


@attrs.frozen
class ClauseNode:
    comparison: str  # at_least | at_best | exactly
    value: Value | None  # None for a figure clause that counts every rating
    quantifier: QuantifierNode
    written: bool = True  # False for a bare value, which means exactly
    member: Name | None = None  # `leadership is ...`: the member named (the quantifier is "named")
    figure: FigureNode | None = None  # a figure clause (its quantifier is "figure")
    span: Span = span_field()


@attrs.frozen
class FactClauseNode:
    """`fact breach`, `fact enforcement >= formal`: one test over the inspection's facts (issue 11, point 4)."""

    condition: ConditionNode
    span: Span = span_field()


@attrs.frozen
class GradeRuleNode:
    grade: Value
    clauses: tuple[ClauseNode, ...]
    otherwise: bool = False
    span: Span = span_field()
    facts: tuple[FactClauseNode, ...] = attrs.field(default=(), kw_only=True)  # its fact conditions


@attrs.frozen
class CapRuleNode:
    """`no better than X when ...`: in a grading, or in a criterion, section or overall body."""

    grade: Value
    clauses: tuple[ClauseNode, ...]
    span: Span = span_field()
    facts: tuple[FactClauseNode, ...] = attrs.field(default=(), kw_only=True)  # its fact conditions


@attrs.frozen
class GradingDecl:
    name: Name
    label: Text | None
    item_scale: Name | None = None
    ladder: Name | None = None
    measure_bands: Name | None = None
    cumulative: bool = False
    rules: tuple[GradeRuleNode, ...] = ()
    caps: tuple[CapRuleNode, ...] = ()
    description: Text | None = None
    means: MeansRoundingNode | None = None  # `means: 2 decimal places, halves up`
    span: Span = span_field()


@attrs.frozen
class FigureTestNode:
    figure: str
    comparison: str
    operand: Value | str  # a number or percent Value, or "target" / "national average"
    percent: bool = False
    of_possible: bool = False  # `total at least 75% of possible` (issue 11, point 1)
    span: Span = span_field()


@attrs.frozen
class BandNode:
    value: Value
    tests: tuple[FigureTestNode, ...]
    otherwise: bool = False
    span: Span = span_field()


@attrs.frozen
class BandsDecl:
    name: Name
    scale: Name
    bands: tuple[BandNode, ...] = ()
    ties: str | None = None
    description: Text | None = None
    span: Span = span_field()


@attrs.frozen
class PointsDecl:
    name: Name
    ladder: Name
    points: tuple[tuple[Value, Value], ...]
    span: Span = span_field()


# --- outcomes (issue 11, point 5) -----------------------------------------------------------


@attrs.frozen
class LevelRefNode:
    """What an outcome's test reads: `overall`, `section B`, `criterion A1` or `outcome concern`."""

    kind: str  # overall | section | criterion | outcome
    name: Name | None  # None for the overall
    span: Span = span_field()


@attrs.frozen
class OutcomeTestNode:
    """One test of an outcome rule: a level's grade (`overall is at best "Good"`), its score
    (`section B score below 50%`) or an earlier outcome's value (`outcome concern is "none"`)."""

    level: LevelRefNode
    figure: str  # grade | score | value
    comparison: str  # grade, value: at_least | at_best | exactly; score: at_least | above | below | at_most
    value: Value
    span: Span = span_field()


@attrs.frozen
class OutcomeRuleNode:
    value: Value
    tests: tuple[OutcomeTestNode, ...]
    otherwise: bool = False
    span: Span = span_field()


@attrs.frozen
class OutcomeValuesNode:
    """`values "special measures" > "serious weaknesses" > "none"`: the values, in precedence order."""

    values: tuple[Value, ...]
    span: Span = span_field()


@attrs.frozen
class OutcomeDecl:
    name: Name
    label: Text | None
    values: tuple[OutcomeValuesNode, ...] = ()  # every `values` line written (one is right)
    rules: tuple[OutcomeRuleNode, ...] = ()
    description: Text | None = None
    span: Span = span_field()
