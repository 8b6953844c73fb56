"""Figures over members' numbers in words: a figure clause and its members in, its text, need, finding and record out.

Issue 11, point 1. What a figure clause means is `semantics.figure_forms` (the decision) and
`semantics.figure_facts` (the same figure worked out directly, shown here); every figure is
listed with the members, numbers and weights it comes from, so it can be recomputed by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from esirules.language import model as m
from esirules.language import semantics
from esirules.scoring.result import FigureResult
from esirules.words import display_number, number_text, percent_text, rounding_text, value_text

_COMPARISONS = {"at_least": "at least", "above": "above", "below": "below", "at_most": "at most", "is": "is"}


def figure_clause_text(clause: m.Clause) -> str:
    """A figure clause as written: `sum of items at most 15`, `count of items rated at least good at least 2`."""
    figure = clause.figure
    assert figure is not None
    members = clause.quantifier.noun
    if clause.quantifier.group is not None:
        members += f" of group {value_text(clause.quantifier.group)}"
    if figure.members:
        members += " " + ", ".join(figure.members)
    if figure.rated:
        rated = {"at_least": "at least ", "at_best": "at best ", "exactly": ""}[clause.comparison]
        members += f" rated {rated}{value_text(clause.value)}"
    return f"{figure.kind} of {members} {comparison_text(figure.comparison, figure.operand, figure.of_possible)}"


def comparison_text(comparison: str, operand: Fraction, of_possible: bool) -> str:
    """`at most 15`, `at least 75% of possible`."""
    bound = f"{percent_text(operand)} of possible" if of_possible else number_text(operand)
    return f"{_COMPARISONS[comparison]} {bound}"


def figure_result(
    clause: m.Clause,
    scale: m.Scale,
    members: Sequence[str],
    ranks: Sequence[int],
    weights: Sequence[Fraction],
    counted: Sequence[bool],
    means: m.Rounding | None,
) -> FigureResult:
    """The figure of the members a clause is over (their ranks on `scale` and weights)."""
    figure = clause.figure
    assert figure is not None
    numbers = tuple(
        (Fraction(1) if c else Fraction(0)) if figure.kind == "count" else _number(scale, r)
        for r, c in zip(ranks, counted)
    )
    largest = Fraction(1) if figure.kind == "count" else (scale.largest or Fraction(0))
    facts = semantics.figure_facts(figure, numbers, weights, counted, largest, means)
    rounding = (means.places, means.ties) if figure.kind == "mean" and means is not None else None
    return FigureResult(
        figure.kind, tuple(members), numbers, tuple(weights), facts.value, facts.compared, facts.possible,
        facts.bound, rounding,
    )


def _number(scale: m.Scale, rank: int) -> Fraction:
    found = scale.number(scale.value_at(rank))
    return found if found is not None else Fraction(0)


def figure_needed(clause: m.Clause, result: FigureResult) -> str:
    """What the clause needs: `at most 15`; `at least 75% of possible (45 of 60)`."""
    figure = clause.figure
    assert figure is not None
    needed = comparison_text(figure.comparison, figure.operand, figure.of_possible)
    if figure.comparison == "is":
        needed = "exactly " + needed.removeprefix("is ")
    if figure.of_possible:
        needed += f" ({number_text(result.bound)} of {number_text(result.possible)})"
    return needed


def figure_found(clause: m.Clause, result: FigureResult, means: m.Rounding | None) -> str:
    """What was found, with the members it comes from: `10 (A1.a 5 + A1.b 5 + A1.c 0)`;
    a rounded mean as `7/3 exactly, 2.33 rounded (2 decimal places, halves up) (...)`."""
    if result.value is None:
        return f"no rated {clause.quantifier.noun}"
    terms = _terms(result)
    shown = number_text(result.value)
    if result.kind == "mean" and means is not None:
        shown = f"{shown} exactly, {display_number(result.value, means)} rounded ({rounding_text(means, percent=False)})"
    return f"{shown} ({terms})" if terms else shown


def _terms(result: FigureResult) -> str:
    """The members and their numbers, as the figure combines them."""
    parts = [
        f"{member} {'' if weight == 1 else number_text(weight) + '×'}{number_text(number)}"
        for member, number, weight in zip(result.members, result.numbers, result.weights)
    ]
    if result.kind in ("sum", "count"):
        return " + ".join(parts)
    if result.kind == "mean":
        total = sum(result.weights, Fraction(0))
        return f"({' + '.join(parts)}) / {number_text(total)}"
    return ", ".join(parts)
