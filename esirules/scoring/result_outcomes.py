"""The results of outcomes that are categories (issue 11, point 5): what `scoring.outcomes`
gives each outcome, its rules tried and their tests, for the result tree (`result`)."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import attrs

from esirules.scoring.causes import Cause, words
from esirules.span import Span, span_field


@attrs.frozen
class LevelTestResult:
    """One test of an outcome rule: what it read (a grade, a score, an earlier outcome's value),
    what it found and whether it held (None: unknown, as the level has no grade or score)."""

    text: str  # as written: `overall is at best "Requires improvement"`
    level: Literal["overall", "section", "criterion", "outcome", "fact"]
    id: str  # "overall" for the overall; a fact test's condition as written after `fact`
    figure: Literal["grade", "score", "value", "fact"]
    found: str  # the grade, value or rounded score found, or "not computable"
    holds: bool | None
    value: Fraction | None = None  # a score found, exactly
    threshold: Fraction | None = None  # a score test's percentage, exactly
    cause: Cause | None = None  # why the level gives nothing (its own cause)
    span: Span = span_field()


@attrs.frozen
class OutcomeRuleResult:
    """An outcome rule tried: its tests and whether they all held (None: unknown)."""

    value: str
    otherwise: bool
    tests: tuple[LevelTestResult, ...]
    holds: bool | None
    chosen: bool
    span: Span = span_field()


@attrs.frozen
class OutcomeResult:
    """An outcome: the first value, in precedence order, one of whose rules holds (or the
    `otherwise` value); `tried` is the rules read, in the order tried, up to the deciding one."""

    name: str
    label: str
    values: tuple[str, ...]  # in precedence order
    value: str | None
    display: str  # the value, or "not computable"
    cause: Cause | None
    tried: tuple[OutcomeRuleResult, ...]
    span: Span = span_field()

    @property
    def reason(self) -> str | None:
        return words(self.cause)

    @property
    def chosen(self) -> OutcomeRuleResult | None:
        return next((r for r in self.tried if r.chosen), None)
