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
from esirules.language import semantics
from esirules.language.model_rules import figure_test_text
from esirules.language.profiles import Profiles, width_for
from esirules.language.semantics import PERCENT_FIGURES
from esirules.scoring import figures
from esirules.scoring.causes import Cause
from esirules.scoring.compile import CompiledGrading
from esirules.scoring.facts import NO_FACTS, InspectionFacts
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
from esirules.words import (
    approx_percent,
    display_percent,
    number_text,
    percent_text,
    plural,
    value_text,
)

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
    operands target and national average. What a test means is `semantics.figure_test`.
    """
    tried = []
    figure = next((t.figure for b in bands.bands for t in b.tests), "score")
    outcomes = semantics.band_outcomes(bands, figures, rounding, lower_is_better)
    chosen = semantics.chosen_band([fits for _, fits in outcomes])
    for number, (band, (tests, fits)) in enumerate(zip(bands.bands, outcomes)):
        results = tuple(_figure_test(t, o, rounding, lower_is_better, figures) for t, o in zip(band.tests, tests))
        tried.append(BandTrace(band.value, results, band.otherwise, fits, span=band.span))
        if number == chosen:
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
    test: m.FigureTest, outcome: semantics.FigureOutcome, rounding: m.Rounding, lower_is_better: bool,
    figures: dict[str, Fraction],
) -> FigureTestResult:
    """A band test's result, as shown; `figures`: those it read, to tell whether the figure as shown
    (rounded) would decide it otherwise."""
    text = figure_test_text(test)
    if outcome.value is None or outcome.operand is None:
        missing = test.figure if outcome.value is None else test.operand
        return FigureTestResult(
            text, test.figure, outcome.value, None, outcome.operand, f"{missing} not available", False,
            span=test.span,
        )
    value = outcome.value
    shown = display_percent(value, rounding) if test.figure in PERCENT_FIGURES else number_text(value)
    if (test.figure in PERCENT_FIGURES and outcome.compared == value
            and semantics.figure_test(test, figures, rounding, "rounded", lower_is_better).holds != outcome.holds):
        # (the figure as shown, rounded, would decide the test otherwise: `Good when score at least 65%
        # (found 65% ✗)` for 64.62% read as a contradiction; the exact figure is what is compared)
        shown = f"{approx_percent(value, rounding)}, shown as {shown}"
    if test.of_possible:  # the share of possible worked out: `7, needs 6 (75% of 8)`
        shown += f", needs {number_text(outcome.operand)}"
    elif not isinstance(test.operand, Fraction):  # `10.7; national average 11.5, and lower is better`
        shown += f"; {test.operand} {number_text(outcome.operand)}" + (", and lower is better" if lower_is_better else "")
    return FigureTestResult(
        text, test.figure, value, outcome.compared, outcome.operand, shown, outcome.holds, span=test.span
    )


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

    The decision is `semantics.decide` on the items' rating profile; this adds which items each
    clause counted. With every_rule=False only the grade is wanted (the clauses' items are not
    listed); searches that call this many times for the same items pass
    `units = weight_units(weights)` once. `ids` name the items, in the order of `ranks`, for
    rules that name members; `groups` give each item's group, for quantifiers over one group.
    """
    grading, ladder, meaning = compiled.grading, compiled.ladder, compiled.meaning
    units_list, unit = units if units is not None else weight_units(weights)
    columns = _columns(meaning.classes, meaning.ranks, ranks, ids, groups)
    profile = _profile(meaning, columns, units_list, unit)
    verdict = semantics.decide(meaning, profile, compiled.facts)
    grade_of = {rank: grade for rank, grade in enumerate(reversed(ladder.values))}
    chosen = next((i for i, truth in enumerate(verdict.chosen) if truth), None)
    rule_grade = None if chosen is None else grading.rules[chosen].grade
    final = next((rank for rank, truth in verdict.grades.items() if truth), None)
    listed = every_rule
    return Decision(
        tuple(
            _outcomes(rule.clauses, truths, columns, units_list, listed)
            for rule, truths in zip(meaning.rules, verdict.clauses)
        ),
        tuple(tuple(grade_of[g] for g, truth in lacks if truth) for lacks in verdict.lacking),
        chosen,
        tuple(
            _outcomes(cap.clauses, truths, columns, units_list, listed)
            for cap, truths in zip(meaning.caps, verdict.cap_clauses)
        ),
        tuple(bool(truth) for truth in verdict.capped),
        rule_grade,
        None if final is None else grade_of[final],
        unit,
    )


def clauses_hold(
    clauses: Sequence[m.Clause],
    scale: m.Scale,
    ranks: Sequence[int],
    units: Sequence[int],
    unit: int,
    ids: Sequence[str] = (),
    groups: Sequence[str | None] = (),
    means: m.Rounding | None = None,
) -> bool:
    """Whether every clause of one rule holds for these items (ranks and whole weight units);
    `means`: the grading's rounding of a mean before it is compared."""
    classes = semantics.item_classes(clauses)
    meanings = semantics.clause_meanings(clauses, scale, classes, means)
    columns = _columns(classes, len(scale.values), ranks, ids, groups)
    profile = _profile_of(len(classes) * len(scale.values), meanings, columns, units, unit)
    return all(semantics.clause_truth(c, profile) for c in meanings)


def _columns(
    classes: Sequence[semantics.ItemClass],
    size: int,
    ranks: Sequence[int],
    ids: Sequence[str],
    groups: Sequence[str | None],
) -> Sequence[int]:
    """Each item's column in a profile: its class·size + its rank (its rank when items are not told apart)."""
    if len(classes) == 1:
        return ranks
    return [
        semantics.class_of(
            classes, ids[i] if i < len(ids) else None, groups[i] if i < len(groups) else None
        ) * size + rank
        for i, rank in enumerate(ranks)
    ]


def _profile(meaning: semantics.GradingMeaning, columns: Sequence[int], units: Sequence[int], unit: int) -> Profiles:
    weights = [0] * meaning.columns
    for column, weight in zip(columns, units):
        weights[column] += weight
    return Profiles.single(weights, unit, width_for(meaning.tests(), sum(units), unit))


def _profile_of(
    size: int, meanings: Sequence[semantics.ClauseMeaning], ranks: Sequence[int], units: Sequence[int], unit: int
) -> Profiles:
    weights = [0] * size
    for rank, weight in zip(ranks, units):
        weights[rank] += weight
    tests = [t for c in meanings for t in c.width_tests()]  # `ranks` here are the items' columns
    return Profiles.single(weights, unit, width_for(tests, sum(units), unit))


def _outcomes(
    clauses: Sequence[semantics.ClauseMeaning],
    truths: Sequence[int],
    ranks: Sequence[int],
    units: Sequence[int],
    listed: bool,
) -> tuple[Outcome, ...]:
    """Each clause's items: those it counts and those that satisfy it, and whether it held."""
    out = []
    for clause, truth in zip(clauses, truths):
        if listed:
            domain = tuple(i for i, r in enumerate(ranks) if r in clause.domain)
            satisfying = tuple(i for i in domain if ranks[i] in clause.satisfying)
        else:
            domain = satisfying = ()
        out.append(
            Outcome(
                domain,
                satisfying,
                sum(units[i] for i in domain),
                sum(units[i] for i in satisfying),
                bool(truth),
            )
        )
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# The trace: the decision in words


def trace(
    compiled: CompiledGrading,
    ids: Sequence[str],
    ranks: Sequence[int],
    weights: Sequence[Fraction],
    groups: Sequence[str | None] = (),
    facts: InspectionFacts = NO_FACTS,
) -> GradingTrace:
    """Apply a grading to rated items (under the inspection's `facts`, if it tests any) and
    record every rule and cap tried, in words."""
    compiled = facts.bind(compiled)
    grading = compiled.grading
    decision = decide(compiled, ranks, weights, ids=ids, groups=groups)
    rules = []
    for number, (rule, outcomes) in enumerate(zip(grading.rules, decision.rules)):
        tested = facts.results(rule.facts)
        clauses_hold = all(o.holds for o in outcomes) and all(t.holds for t in tested)
        gated = decision.gated_by[number]
        rules.append(
            RuleResult(
                rule.grade,
                rule.otherwise,
                _clause_results(rule.clauses, outcomes, ids, decision.unit, (compiled, ranks, weights)),
                clauses_hold,
                gated,
                clauses_hold and not gated,
                number == decision.chosen,
                span=rule.span,
                facts=tested,
            )
        )
    caps = []
    for cap, outcomes, applied in zip(grading.caps, decision.caps, decision.caps_applied):
        tested = facts.results(cap.facts)
        caps.append(
            CapResult(
                cap.grade,
                _clause_results(cap.clauses, outcomes, ids, decision.unit, (compiled, ranks, weights)),
                all(o.holds for o in outcomes) and all(t.holds for t in tested),
                applied,
                span=cap.span,
                facts=tested,
            )
        )
    return GradingTrace(
        grading.name,
        compiled.ladder.name,
        compiled.item_scale.name,
        grading.cumulative,
        tuple(rules),
        tuple(caps),
        decision.rule_grade,
        decision.grade,
        span=grading.span,
    )


def _clause_results(
    clauses: Sequence[m.Clause],
    outcomes: Sequence[Outcome],
    ids: Sequence[str],
    unit: int,
    items: tuple[CompiledGrading, Sequence[int], Sequence[Fraction]],
) -> tuple[ClauseResult, ...]:
    results = []
    for clause, outcome in zip(clauses, outcomes):
        domain, satisfying = Fraction(outcome.domain_weight, unit), Fraction(outcome.satisfying_weight, unit)
        if clause.figure is not None:
            results.append(_figure_clause_result(clause, outcome, ids, items, domain, satisfying))
            continue
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


def _figure_clause_result(
    clause: m.Clause,
    outcome: Outcome,
    ids: Sequence[str],
    items: tuple[CompiledGrading, Sequence[int], Sequence[Fraction]],
    domain: Fraction,
    satisfying: Fraction,
) -> ClauseResult:
    """A figure clause's record: its members with their numbers, the figure, what it needed."""
    compiled, ranks, weights = items
    means = compiled.grading.means
    counted = set(outcome.satisfying)
    figure = figures.figure_result(
        clause,
        compiled.item_scale,
        [ids[i] for i in outcome.domain],
        [ranks[i] for i in outcome.domain],
        [weights[i] for i in outcome.domain],
        [i in counted for i in outcome.domain],
        means,
    )
    return ClauseResult(
        clause_text(clause),
        tuple(ids[i] for i in outcome.domain),
        tuple(ids[i] for i in outcome.satisfying),
        domain,
        satisfying,
        figures.figure_needed(clause, figure),
        figures.figure_found(clause, figure, means),
        outcome.holds,
        span=clause.span,
        figure=figure,
    )


def clause_text(clause: m.Clause) -> str:
    """A clause as written: `at least strong on the majority of items`, `leadership is at best good`."""
    if clause.figure is not None:
        return figures.figure_clause_text(clause)
    value = value_text(clause.value)
    comparison = {
        "at_least": f"at least {value}",
        "at_best": f"at best {value}",
        "exactly": f"exactly {value}",
    }
    if clause.met:  # a judgement's `each prompt is met`, `B1.risk is met`
        if clause.member is not None:
            return f"{clause.member} is met"
        counted = quantifier_text(clause.quantifier)
        return f"{counted} {'is' if counted.endswith('prompt') else 'are'} met"
    if clause.member is not None:
        shown = value if clause.comparison == "exactly" else comparison[clause.comparison]
        return f"{clause.member} is {shown}"
    return f"{comparison[clause.comparison]} on {quantifier_text(clause.quantifier)}"


_SINGULAR = {"items": "item", "criteria": "criterion", "sections": "section", "prompts": "prompt"}
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
