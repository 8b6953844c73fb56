"""Conditions in the resolved model: tests over case attributes (and the inspection's facts).

Part of the model (esirules.language.model re-exports these); frozen, spans out of equality.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import attrs

from esirules.span import Span, span_field
from esirules.words import value_text

# ---------------------------------------------------------------------------------------------
# Conditions over case attributes

Comparator = Literal["=", "!=", "<", "<=", ">", ">="]


@attrs.frozen
class Comparison:
    """`attribute op value`; for ordered attributes, < and > follow the declared order."""

    attribute: str
    op: Comparator
    value: str | Fraction | bool
    span: Span = span_field()


@attrs.frozen
class Membership:
    attribute: str
    values: tuple[str | Fraction | bool, ...]
    span: Span = span_field()


@attrs.frozen
class Flag:
    """A yes-or-no attribute that must be yes."""

    attribute: str
    span: Span = span_field()


@attrs.frozen
class Not:
    operand: Condition
    span: Span = span_field()


@attrs.frozen
class AllOf:
    operands: tuple[Condition, ...]
    span: Span = span_field()


@attrs.frozen
class AnyOf:
    operands: tuple[Condition, ...]
    span: Span = span_field()


Condition = Comparison | Membership | Flag | Not | AllOf | AnyOf


def describe(condition: Condition) -> str:
    """The condition written as in a ruleset, for messages."""
    if isinstance(condition, Comparison):
        return f"{condition.attribute} {condition.op} {value_text(condition.value)}"
    if isinstance(condition, Membership):
        return f"{condition.attribute} in {{{', '.join(value_text(v) for v in condition.values)}}}"
    if isinstance(condition, Flag):
        return condition.attribute
    if isinstance(condition, Not):
        return f"not {grouped(condition.operand)}"
    joiner = " and " if isinstance(condition, AllOf) else " or "
    return joiner.join(grouped(c) for c in condition.operands)


def grouped(condition: Condition) -> str:
    """`describe`, in parentheses when it joins several tests (as a fact condition is written)."""
    text = describe(condition)
    return f"({text})" if isinstance(condition, (AllOf, AnyOf)) else text
