"""Conditions in the resolved model: tests over case attributes (and the inspection's facts).

Part of the model (esirules.language.model re-exports these); frozen, spans out of equality.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import attrs

from esirules.span import Span, span_field

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
