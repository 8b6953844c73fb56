"""Grade rated items: bands turn figures into ratings, a grading's rules and caps turn ratings into a grade.

Inputs are compiled gradings (esirules.scoring.compile) and item ratings; outputs are result-tree
records (esirules.scoring.result) that keep every rule tried, every clause's need and finding.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import attrs

from esirules.language import model as m
from esirules.scoring.causes import Cause
from esirules.scoring.compile import CompiledGrading
from esirules.scoring.result import (
    BandResult,
    BandTrace,
    CapResult,
    ClauseResult,
    FigureTestResult,
    GradingTrace,
    RuleResult,
)
from esirules.span import NOWHERE
from esirules.words import display_percent, number_text, percent_text, plural, round_percent, value_text

PERCENT_FIGURES = frozenset({"score", "performance"})
_SHARE_ROUNDING = m.Rounding(places=1, span=NOWHERE)

# ---------------------------------------------------------------------------------------------
# Bands


def apply_bands(
    bands: m.Bands,
    figures: dict[str, Fraction],
    rounding: m.Rounding,
    *,
    lower_is_better: bool = False,
) -> BandResult:
    """Turn figures into a value of `bands.scale`: the first band whose tests all hold.

    `figures` holds what the tests may read: score, total, performance, actual, and the
    operands target and national average. `actual` compares in the measure's better
    direction: with `lower_is_better`, "actual at least target" means actual <= target.
    """
    tried = []
    figure = next((t.figure for b in bands.bands for t in b.tests), "score")
    for band in bands.bands:
        tests = tuple(_figure_test(t, figures, rounding, bands.ties, lower_is_better) for t in band.tests)
        holds = band.otherwise or all(t.holds for t in tests)
        tried.append(BandTrace(band.value, tests, band.otherwise, holds, span=band.span))
        if holds:
            return BandResult(bands.name, figure, band.value, bands.ties, tuple(tried), span=band.span)
    return BandResult(
        bands.name,
        figure,
        None,
        bands.ties,
        tuple(tried),
        cause=Cause("no_band_fits", f"no band of {bands.name} fits", bands.span),
        span=bands.span,
    )


def _figure_test(
    test: m.FigureTest,
    figures: dict[str, Fraction],
    rounding: m.Rounding,
    ties: str,
    lower_is_better: bool,
) -> FigureTestResult:
    operand = test.operand if isinstance(test.operand, Fraction) else figures.get(test.operand)
    text = figure_test_text(test)
    value = figures.get(test.figure)
    if value is None or operand is None:
        missing = test.figure if value is None else test.operand
        return FigureTestResult(
            text, test.figure, value, None, operand, f"{missing} not available", False, span=test.span
        )
    compared = value
    if ties == "rounded" and test.figure in PERCENT_FIGURES:
        compared = round_percent(value, rounding) / 100
    shown = display_percent(value, rounding) if test.figure in PERCENT_FIGURES else number_text(value)
    better_is_lower = lower_is_better and test.figure == "actual"
    holds = _compare(test.comparison, compared, operand, better_is_lower)
    return FigureTestResult(text, test.figure, value, compared, operand, shown, holds, span=test.span)


def figure_test_text(test: m.FigureTest) -> str:
    """A band's test as written: `performance at least 110%`, `actual at least national average`."""
    if isinstance(test.operand, Fraction):
        operand = percent_text(test.operand) if test.percent else number_text(test.operand)
    else:
        operand = test.operand
    return f"{test.figure} {test.comparison.replace('_', ' ')} {operand}"


def _compare(comparison: str, value: Fraction, operand: Fraction, better_is_lower: bool) -> bool:
    if better_is_lower:
        value, operand = -value, -operand
    if comparison == "at_least":
        return value >= operand
    if comparison == "above":
        return value > operand
    if comparison == "below":
        return value < operand
    return value <= operand  # at_most


# ---------------------------------------------------------------------------------------------
# Rules over rated items


@attrs.frozen
class Outcome:
    """One clause evaluated: item positions in its domain, those satisfying it, whether it held.

    Weights are whole multiples of the decision's `unit` (1 / lcm of the weights' denominators).
    """

    domain: tuple[int, ...]
    satisfying: tuple[int, ...]
    domain_weight: int
    satisfying_weight: int
    holds: bool


@attrs.frozen
class Decision:
    """A grading applied to ranks: the outcome of every rule and cap tried, and the grade."""

    rules: tuple[tuple[Outcome, ...], ...]
    gated_by: tuple[tuple[str, ...], ...]
    chosen: int | None
    caps: tuple[tuple[Outcome, ...], ...]
    caps_applied: tuple[bool, ...]
    rule_grade: str | None
    grade: str | None
    unit: int


def weight_units(weights: Sequence[Fraction]) -> tuple[list[int], int]:
    """Weights as whole multiples of one unit (their common denominator), and that unit."""
    unit = math.lcm(*(w.denominator for w in weights)) if weights else 1
    return [w.numerator * (unit // w.denominator) for w in weights], unit


def decide(
    compiled: CompiledGrading,
    ranks: Sequence[int],
    weights: Sequence[Fraction],
    *,
    every_rule: bool = True,
    units: tuple[list[int], int] | None = None,
    ids: Sequence[str] = (),
    groups: Sequence[str | None] = (),
) -> Decision:
    """Apply a grading to items given by their rank on the item scale and their weight.

    With every_rule=False, rules after the one that gives the grade are not tried (unless
    the grading is cumulative); searches that need only the grade use this. Searches that
    call this many times for the same items pass `units = weight_units(weights)` once.
    `ids` name the items, in the order of `ranks`, for rules that name members; `groups` give
    each item's group, for quantifiers over one group.
    """
    grading, ladder = compiled.grading, compiled.ladder
    units_list, unit = units if units is not None else weight_units(weights)
    rules: list[tuple[Outcome, ...]] = []
    for rule in grading.rules:
        rules.append(_clauses(rule.clauses, compiled.item_scale, ranks, units_list, unit, ids, groups))
        if not every_rule and not grading.cumulative and all(o.holds for o in rules[-1]):
            break
    clauses_hold = [all(o.holds for o in outcomes) for outcomes in rules]
    gated_by = tuple(
        _failed_lower_grades(grading, ladder, rule.grade, clauses_hold) if grading.cumulative else ()
        for rule in grading.rules[: len(rules)]
    )
    chosen = next((i for i, ok in enumerate(clauses_hold) if ok and not gated_by[i]), None)
    rule_grade = None if chosen is None else grading.rules[chosen].grade
    caps = tuple(
        _clauses(c.clauses, compiled.item_scale, ranks, units_list, unit, ids, groups) for c in grading.caps
    )
    grade, applied = rule_grade, []
    for cap, outcomes in zip(grading.caps, caps):
        lowers = (
            grade is not None
            and all(o.holds for o in outcomes)
            and ladder.rank(cap.grade) < ladder.rank(grade)
        )
        if lowers:
            grade = cap.grade
        applied.append(lowers)
    return Decision(tuple(rules), gated_by, chosen, caps, tuple(applied), rule_grade, grade, unit)


def clauses_hold(
    clauses: Sequence[m.Clause],
    scale: m.Scale,
    ranks: Sequence[int],
    units: Sequence[int],
    unit: int,
    ids: Sequence[str] = (),
    groups: Sequence[str | None] = (),
) -> bool:
    """Whether every clause of one rule holds for these items (ranks and whole weight units)."""
    return all(outcome.holds for outcome in _clauses(clauses, scale, ranks, units, unit, ids, groups))


def _failed_lower_grades(
    grading: m.Grading, ladder: m.Scale, grade: str, clauses_hold: list[bool]
) -> tuple[str, ...]:
    """Cumulative gradings: the lower grades none of whose (non-otherwise) rules held."""
    held: dict[str, bool] = {}
    for rule, ok in zip(grading.rules, clauses_hold):
        if not rule.otherwise and ladder.rank(rule.grade) < ladder.rank(grade):
            held[rule.grade] = held.get(rule.grade, False) or ok
    return tuple(g for g, ok in held.items() if not ok)


def _clauses(
    clauses: Sequence[m.Clause],
    scale: m.Scale,
    ranks: Sequence[int],
    units: Sequence[int],
    unit: int,
    ids: Sequence[str] = (),
    groups: Sequence[str | None] = (),
) -> tuple[Outcome, ...]:
    outcomes: list[Outcome] = []
    named: set[str] | None = None  # the members the rule names, found only if `other` needs them
    for clause in clauses:
        if clause.quantifier.kind == "others" and outcomes:
            previous = outcomes[-1]
            taken = set(previous.satisfying)
            domain = tuple(i for i in previous.domain if i not in taken)
        elif clause.member is not None:  # the named member alone, if it is rated
            domain = tuple(i for i, id_ in enumerate(ids) if id_ == clause.member)
        elif clause.quantifier.other:  # every member but those the rule names
            named = set(m.named_members(tuple(clauses))) if named is None else named
            domain = tuple(i for i in range(len(ranks)) if i >= len(ids) or ids[i] not in named)
        else:
            domain = tuple(range(len(ranks)))
        if clause.quantifier.group is not None:  # only the items of that group
            domain = tuple(i for i in domain if i < len(groups) and groups[i] == clause.quantifier.group)
        threshold = scale.rank(clause.value)
        if clause.comparison == "at_least":
            satisfying = tuple(i for i in domain if ranks[i] >= threshold)
        elif clause.comparison == "at_best":
            satisfying = tuple(i for i in domain if ranks[i] <= threshold)
        else:
            satisfying = tuple(i for i in domain if ranks[i] == threshold)
        domain_weight = sum(units[i] for i in domain)
        satisfying_weight = sum(units[i] for i in satisfying)
        holds = _quantifier_holds(clause.quantifier, satisfying_weight, domain_weight, unit)
        outcomes.append(Outcome(domain, satisfying, domain_weight, satisfying_weight, holds))
    return tuple(outcomes)


def _quantifier_holds(quantifier: m.Quantifier, satisfying: int, domain: int, unit: int) -> bool:
    kind = quantifier.kind
    if kind == "named":  # the member is rated and its rating satisfies the comparison
        return domain > 0 and satisfying == domain
    if kind in ("each", "others"):
        return satisfying == domain
    if kind == "majority":
        return satisfying * 2 > domain
    if kind == "some":
        return satisfying > 0
    if kind == "none":
        return satisfying == 0
    if kind == "at_least_count":
        return satisfying >= (quantifier.count or 0) * unit
    if kind == "at_most_count":
        return satisfying <= (quantifier.count or 0) * unit
    if kind == "fewer_than_count":
        return satisfying < (quantifier.count or 0) * unit
    if kind == "exactly_count":
        return satisfying == (quantifier.count or 0) * unit
    share = quantifier.share if quantifier.share is not None else Fraction(1)
    if kind == "at_most_share":  # holds for no members at all: none of them is more than the share
        return satisfying * share.denominator <= share.numerator * domain
    return domain > 0 and satisfying * share.denominator >= share.numerator * domain  # at_least_share


# ---------------------------------------------------------------------------------------------
# The trace: the decision in words


def trace(
    compiled: CompiledGrading,
    ids: Sequence[str],
    ranks: Sequence[int],
    weights: Sequence[Fraction],
    groups: Sequence[str | None] = (),
) -> GradingTrace:
    """Apply a grading to rated items and record every rule and cap tried, in words."""
    grading = compiled.grading
    decision = decide(compiled, ranks, weights, ids=ids, groups=groups)
    rules = []
    for number, (rule, outcomes) in enumerate(zip(grading.rules, decision.rules)):
        clauses_hold = all(o.holds for o in outcomes)
        gated = decision.gated_by[number]
        rules.append(
            RuleResult(
                rule.grade,
                rule.otherwise,
                _clause_results(rule.clauses, outcomes, ids, decision.unit),
                clauses_hold,
                gated,
                clauses_hold and not gated,
                number == decision.chosen,
                span=rule.span,
            )
        )
    caps = tuple(
        CapResult(
            cap.grade,
            _clause_results(cap.clauses, outcomes, ids, decision.unit),
            all(o.holds for o in outcomes),
            applied,
            span=cap.span,
        )
        for cap, outcomes, applied in zip(grading.caps, decision.caps, decision.caps_applied)
    )
    return GradingTrace(
        grading.name,
        compiled.ladder.name,
        compiled.item_scale.name,
        grading.cumulative,
        tuple(rules),
        caps,
        decision.rule_grade,
        decision.grade,
        span=grading.span,
    )


def _clause_results(
    clauses: Sequence[m.Clause], outcomes: Sequence[Outcome], ids: Sequence[str], unit: int
) -> tuple[ClauseResult, ...]:
    results = []
    for clause, outcome in zip(clauses, outcomes):
        domain, satisfying = Fraction(outcome.domain_weight, unit), Fraction(outcome.satisfying_weight, unit)
        results.append(
            ClauseResult(
                clause_text(clause),
                tuple(ids[i] for i in outcome.domain),
                tuple(ids[i] for i in outcome.satisfying),
                domain,
                satisfying,
                f"{clause.member} rated so" if clause.member is not None else _needed(clause.quantifier, domain),
                _found(clause.quantifier, satisfying, domain),
                outcome.holds,
                span=clause.span,
            )
        )
    return tuple(results)


def clause_text(clause: m.Clause) -> str:
    """A clause as written: `at least strong on the majority of items`, `leadership is at best good`."""
    value = value_text(clause.value)
    comparison = {
        "at_least": f"at least {value}",
        "at_best": f"at best {value}",
        "exactly": f"exactly {value}",
    }
    if clause.member is not None:
        shown = value if clause.comparison == "exactly" else comparison[clause.comparison]
        return f"{clause.member} is {shown}"
    return f"{comparison[clause.comparison]} on {quantifier_text(clause.quantifier)}"


_SINGULAR = {"items": "item", "criteria": "criterion", "sections": "section"}
_BOUNDS = {
    "at_least_count": "at least", "at_most_count": "at most", "fewer_than_count": "fewer than",
    "exactly_count": "exactly", "at_least_share": "at least", "at_most_share": "no more than",
}


def quantifier_text(quantifier: m.Quantifier) -> str:
    """A quantifier as written, counting what the rule counts: `at least 1 section`, `each criterion`."""
    kind, nouns = quantifier.kind, quantifier.noun
    noun = _SINGULAR.get(nouns, nouns)
    if quantifier.other:
        noun, nouns = f"other {noun}", f"other {nouns}"
    if quantifier.group is not None:
        group = f" of group {value_text(quantifier.group)}"
        noun, nouns = noun + group, nouns + group
    bound = _BOUNDS.get(kind)
    if kind in m.COUNTED and bound is not None:
        return f"{bound} {plural(quantifier.count or 0, noun, nouns)}"
    if kind in m.SHARED and bound is not None:
        return f"{bound} {percent_text(quantifier.share or Fraction(1))} of {nouns}"
    words = {"each": f"each {noun}", "majority": f"the majority of {nouns}", "some": f"some {nouns}"}
    return words.get(kind, f"none of the {nouns}" if kind == "none" else "the others")


def _needed(quantifier: m.Quantifier, domain: Fraction) -> str:
    of = f"of {number_text(domain)} (by weight)"
    kind = quantifier.kind
    if kind == "each":
        return f"all {of}"
    if kind == "others":
        return f"all of the {number_text(domain)} others (by weight)"
    if kind == "majority":
        return f"more than {number_text(domain / 2)} {of}"
    if kind == "some":
        return f"more than 0 {of}"
    if kind == "none":
        return f"0 {of}"
    if kind in m.COUNTED:
        return f"{_BOUNDS[kind]} {quantifier.count} {of}"
    return f"{_BOUNDS[kind]} {percent_text(quantifier.share or Fraction(1))} {of}"


def _found(quantifier: m.Quantifier, satisfying: Fraction, domain: Fraction) -> str:
    if quantifier.kind == "named":
        return "not rated" if domain == 0 else "yes" if satisfying == domain else "no"
    found = number_text(satisfying)
    if quantifier.kind in m.SHARED and domain > 0:
        found += f" ({display_percent(satisfying / domain, _SHARE_ROUNDING)})"
    return found
