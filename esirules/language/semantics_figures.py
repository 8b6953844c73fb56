"""What a figure clause means (issue 11, point 1): a figure over members' numbers in, linear tests on a rating profile and the figure worked out directly out.

Part of `semantics` (which re-exports these; read them from there). A figure clause (`sum of
items at most 15`, `mean of items at least 2.5` rounded by `means:`) is decided, like every
clause, by exact linear tests on the weight at each rating (`figure_forms`), so scoring and the
checker's analysis decide it alike; `figure_facts` works the same figure out member by member,
for explanations (the tests hold the two to the same answer on every profile).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs

from esirules.language import model as m
from esirules.language.profiles import Profiles, Test
from esirules.words import round_number


@attrs.frozen
class LinearTest:
    """`Σ coefficient·W(column) + test.domain·D + test.items·U ≥ 0` (`> 0` if strict): a figure
    clause's test, where W(column) is the weight rated at that column and `test.satisfying` is 1."""

    coefficients: tuple[tuple[int, int], ...]  # (column, coefficient)
    test: Test

    def figure(self, profiles: Profiles) -> int:
        """The column of Σ coefficient·W(column), in every profile at once."""
        return sum((c * profiles.weights[col] for col, c in self.coefficients), 0)

    def bound(self) -> Test:
        """A test as large as this one's figure, for `width_for`."""
        largest = max((abs(c) for _, c in self.coefficients), default=0)
        return Test(largest, self.test.domain, self.test.items)


_RATED = Test(0, 1, strict=True)  # D > 0: some member is rated


def figure_forms(
    figure: m.FigureSpec,
    scale: m.Scale,
    domain: frozenset[int],
    counted: frozenset[int],
    means: m.Rounding | None = None,
) -> tuple[tuple[Test, ...], tuple[LinearTest, ...]]:
    """A figure clause as linear tests on the weight at each column of `domain` (the rated
    members it is over; `counted`: those a `count ... rated ...` counts).

    With W(c) the weight at column c, v(c) its level's number and U one item's weight:
    sum = Σ v·W, count = Σ W over `counted`, mean = sum / Σ W, min/max over the columns with
    weight. `possible` is Σ W · (largest number) for a sum, Σ W for a count, the largest number
    for a mean, min or max. A mean, min or max of no rated member fails (test D > 0). A rounded
    mean compared with c is the exact mean compared with the edge of the values rounding to c
    (`mean_edge`), so every figure test stays linear and exact.
    """
    size = len(scale.values)
    kind, comparison = figure.kind, figure.comparison
    number = {c: (Fraction(1) if c in counted else Fraction(0)) if kind == "count" else _number(scale, c % size)
              for c in domain}
    largest = Fraction(1) if kind == "count" else (scale.largest or Fraction(0))
    bound = figure.operand * largest if figure.of_possible else figure.operand
    if kind in ("sum", "count"):
        if figure.of_possible:  # Σ (v - share·largest)·W compared with 0
            form = {c: number[c] - bound for c in domain}
            return (), _compared(form, Fraction(0), comparison)
        return (), _compared(dict(number), -bound, comparison)
    if kind == "mean":
        return (_RATED,), _mean_forms(number, bound, comparison, means)
    return (_RATED,), _extreme_forms(kind, number, bound, comparison)


@attrs.frozen
class FigureFacts:
    """A figure clause worked out directly on its members, for explanations: the figure exactly,
    the figure compared (a mean rounded by `means:`), what was possible, the number it is compared
    with, and whether it holds. Scoring's decision is `figure_forms` on the rating profile; the
    tests hold the two to the same answer on every profile."""

    value: Fraction | None
    compared: Fraction | None
    possible: Fraction
    bound: Fraction
    holds: bool


def figure_facts(
    figure: m.FigureSpec,
    numbers: Sequence[Fraction],
    weights: Sequence[Fraction],
    counted: Sequence[bool],
    largest: Fraction,
    means: m.Rounding | None = None,
) -> FigureFacts:
    """The figure of the rated members a clause is over (each with its number, weight, and
    whether a `count ... rated ...` counts it), compared as the clause says."""
    kind = figure.kind
    total_weight = sum(weights, Fraction(0))
    value: Fraction | None
    if kind == "sum":
        value = sum((w * v for w, v in zip(weights, numbers)), Fraction(0))
        possible = total_weight * largest
    elif kind == "count":
        value = sum((w for w, c in zip(weights, counted) if c), Fraction(0))
        possible = total_weight
    else:
        possible = largest
        if not numbers:
            value = None
        elif kind == "mean":
            value = sum((w * v for w, v in zip(weights, numbers)), Fraction(0)) / total_weight
        else:
            value = min(numbers) if kind == "min" else max(numbers)
    bound = figure.operand * possible if figure.of_possible else figure.operand
    compared = value
    if kind == "mean" and means is not None and value is not None:
        compared = round_number(value, means)
    holds = compared is not None and (
        compared == bound if figure.comparison == "is" else compare(figure.comparison, compared, bound)
    )
    return FigureFacts(value, compared, possible, bound, holds)


def _number(scale: m.Scale, rank: int) -> Fraction:
    found = scale.number(scale.value_at(rank))
    return found if found is not None else Fraction(0)


def _linear(form: dict[int, Fraction], items: Fraction, sign: int, strict: bool) -> LinearTest:
    """sign·(Σ form[c]·W(c) + items·U) ≥ 0 (> 0 if strict), in whole numbers."""
    scale = math.lcm(items.denominator, *(f.denominator for f in form.values()))
    coefficients = tuple((c, sign * int(f * scale)) for c, f in sorted(form.items()) if f)
    return LinearTest(coefficients, Test(1, 0, sign * int(items * scale), strict))


def _compared(form: dict[int, Fraction], items: Fraction, comparison: str) -> tuple[LinearTest, ...]:
    """F = Σ form·W + items·U compared with 0: at least F ≥ 0, above F > 0, at most F ≤ 0, below F < 0, is F = 0."""
    if comparison == "at_least":
        return (_linear(form, items, 1, False),)
    if comparison == "above":
        return (_linear(form, items, 1, True),)
    if comparison == "at_most":
        return (_linear(form, items, -1, False),)
    if comparison == "below":
        return (_linear(form, items, -1, True),)
    return (_linear(form, items, 1, False), _linear(form, items, -1, False))


def mean_edge(bound: Fraction, rounding: m.Rounding | None) -> tuple[Fraction, bool]:
    """Where the (rounded) mean reaches `bound`: the means that round to `bound` or more are
    those ≥ edge (True) or > edge (False). Exact: the edge is `bound` itself, inclusive."""
    if rounding is None:
        return bound, True
    step = Fraction(1, 10**rounding.places)
    grid = math.ceil(bound / step) * step  # the least rounded value at or above `bound`
    edge = grid - step / 2
    return edge, round_number(edge, rounding) >= grid


def _next_up(bound: Fraction, rounding: m.Rounding | None) -> tuple[Fraction, bool]:
    """Where the (rounded) mean goes above `bound`: ≥ edge (True) or > edge (False)."""
    if rounding is None:
        return bound, False
    step = Fraction(1, 10**rounding.places)
    grid = (math.floor(bound / step) + 1) * step  # the least rounded value above `bound`
    return mean_edge(grid, rounding)


def _mean_forms(
    number: Mapping[int, Fraction], bound: Fraction, comparison: str, rounding: m.Rounding | None
) -> tuple[LinearTest, ...]:
    """mean ≥ e is Σ (v - e)·W ≥ 0 when some member is rated; `at most`/`below` are the negations."""

    def at_or_above(edge: Fraction, inclusive: bool, holds: bool) -> LinearTest:
        form = {c: v - edge for c, v in number.items()}
        if holds:  # mean ≥ edge (or >)
            return _linear(form, Fraction(0), 1, not inclusive)
        return _linear(form, Fraction(0), -1, inclusive)  # mean < edge (or ≤)

    least, least_inclusive = mean_edge(bound, rounding)
    over, over_inclusive = _next_up(bound, rounding)
    if comparison == "at_least":
        return (at_or_above(least, least_inclusive, True),)
    if comparison == "above":
        return (at_or_above(over, over_inclusive, True),)
    if comparison == "below":
        return (at_or_above(least, least_inclusive, False),)
    if comparison == "at_most":
        return (at_or_above(over, over_inclusive, False),)
    return (at_or_above(least, least_inclusive, True), at_or_above(over, over_inclusive, False))


def _extreme_forms(
    kind: str, number: Mapping[int, Fraction], bound: Fraction, comparison: str
) -> tuple[LinearTest, ...]:
    """min/max compared with `bound`: no weight on some numbers (the figure cannot be there), or
    some weight on others (the figure is there or beyond)."""

    def none_where(pick: Callable[[Fraction], bool]) -> LinearTest:
        return _linear({c: Fraction(1) for c, v in number.items() if pick(v)}, Fraction(0), -1, False)

    def some_where(pick: Callable[[Fraction], bool]) -> LinearTest:
        return _linear({c: Fraction(1) for c, v in number.items() if pick(v)}, Fraction(0), 1, True)

    if kind == "max":  # the largest compared: mirror of min
        if comparison == "at_most":
            return (none_where(lambda v: v > bound),)
        if comparison == "below":
            return (none_where(lambda v: v >= bound),)
        if comparison == "at_least":
            return (some_where(lambda v: v >= bound),)
        if comparison == "above":
            return (some_where(lambda v: v > bound),)
        return (none_where(lambda v: v > bound), some_where(lambda v: v == bound))
    if comparison == "at_least":
        return (none_where(lambda v: v < bound),)
    if comparison == "above":
        return (none_where(lambda v: v <= bound),)
    if comparison == "at_most":
        return (some_where(lambda v: v <= bound),)
    if comparison == "below":
        return (some_where(lambda v: v < bound),)
    return (none_where(lambda v: v < bound), some_where(lambda v: v == bound))


def compare(comparison: str, value: Fraction, operand: Fraction, better_is_lower: bool = False) -> bool:
    if better_is_lower:
        value, operand = -value, -operand
    if comparison == "at_least":
        return value >= operand
    if comparison == "above":
        return value > operand
    if comparison == "below":
        return value < operand
    if comparison == "is":
        return value == operand
    return value <= operand  # at_most
