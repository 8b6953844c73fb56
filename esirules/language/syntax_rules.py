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
class ClauseNode:
    comparison: str  # at_least | at_best | exactly; met (a judgement's `each prompt is met`)
    value: Value
    quantifier: QuantifierNode
    written: bool = True  # False for a bare value, which means exactly
    member: Name | None = None  # `leadership is ...`: the member named (the quantifier is "named")
    span: Span = span_field()


@attrs.frozen
class GradeRuleNode:
    grade: Value
    clauses: tuple[ClauseNode, ...]
    otherwise: bool = False
    span: Span = span_field()


@attrs.frozen
class CapRuleNode:
    grade: Value
    clauses: tuple[ClauseNode, ...]
    span: Span = span_field()


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
    span: Span = span_field()


@attrs.frozen
class FigureTestNode:
    figure: str
    comparison: str
    operand: Value | str  # a number or percent Value, or "target" / "national average"
    percent: bool = False
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
