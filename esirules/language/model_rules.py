"""Rules in the resolved model: gradings and their clauses, bands, points tables.

Part of the model (esirules.language.model re-exports these); frozen, spans out of equality.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import attrs

from esirules.span import Span, span_field

# ---------------------------------------------------------------------------------------------
# Threshold rules over items (gradings)

QuantifierKind = Literal[
    "each", "majority", "some", "none", "at_least_count", "at_least_share", "others",
    "at_most_count", "fewer_than_count", "exactly_count", "at_most_share", "named",
]
# Quantifiers with a number of members (`count`) and with a share of their weight (`share`).
COUNTED = frozenset({"at_least_count", "at_most_count", "fewer_than_count", "exactly_count"})
SHARED = frozenset({"at_least_share", "at_most_share"})


@attrs.frozen
class Quantifier:
    kind: QuantifierKind
    count: int | None = None
    share: Fraction | None = None
    # What the rule counts, as written ("items", "criteria" or "sections"): wording only, so two
    # quantifiers that differ only in it are equal (the word does not change the meaning).
    noun: str = attrs.field(default="items", eq=False)
    other: bool = False  # `other criteria`: leaves out the members named in the same rule
    group: str | None = None  # `each item of group "level 3"`: only the items of that group


@attrs.frozen
class Clause:
    """`at least strong on the majority of items`: a comparison on the scale and a quantifier."""

    comparison: Literal["at_least", "at_best", "exactly"]
    value: str
    quantifier: Quantifier
    member: str | None = None  # for a named clause (`leadership is ...`): the member named
    span: Span = span_field()
    # A judgement's `each prompt is met` (issue 11, point 8a): the comparison is the prompts' `met
    # when` (at least, or exactly, a value); wording only, the meaning is in comparison and value.
    met: bool = attrs.field(default=False, eq=False)


def named_members(clauses: tuple[Clause, ...]) -> tuple[str, ...]:
    """The members a rule names (`leadership is ...`), in the order written."""
    return tuple(dict.fromkeys(c.member for c in clauses if c.member is not None))


@attrs.frozen
class GradeRule:
    """A grade and the clauses (all must hold) that award it; no clauses for `otherwise`."""

    grade: str
    clauses: tuple[Clause, ...]
    otherwise: bool = False
    span: Span = span_field()


@attrs.frozen
class CapRule:
    """`no better than X when ...`: caps the grade after the ladder is applied."""

    grade: str
    clauses: tuple[Clause, ...]
    span: Span = span_field()


@attrs.frozen
class Grading:
    """An ordered list of threshold rules that grade a set of rated items."""

    name: str
    label: str
    item_scale: str
    ladder: str
    rules: tuple[GradeRule, ...]
    caps: tuple[CapRule, ...] = ()
    cumulative: bool = False
    measure_bands: str | None = None
    span: Span = span_field()


# ---------------------------------------------------------------------------------------------
# Banded thresholds and points

Figure = Literal["score", "total", "performance", "actual"]


@attrs.frozen
class FigureTest:
    """`score at least 75%`, `actual at least national average`."""

    figure: Figure
    comparison: Literal["at_least", "above", "below", "at_most"]
    operand: Fraction | Literal["target", "national average"]
    percent: bool = False
    span: Span = span_field()


@attrs.frozen
class Band:
    value: str
    tests: tuple[FigureTest, ...]
    otherwise: bool = False
    span: Span = span_field()


@attrs.frozen
class Bands:
    """Ordered thresholds that turn a figure into a value of `scale`; first match wins."""

    name: str
    scale: str
    bands: tuple[Band, ...]
    ties: Literal["exact", "rounded"] = "exact"
    span: Span = span_field()


@attrs.frozen
class Points:
    name: str
    ladder: str
    points: tuple[tuple[str, Fraction], ...]
    span: Span = span_field()

    def for_grade(self, grade: str) -> Fraction | None:
        return dict(self.points).get(grade)
