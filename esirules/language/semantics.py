"""What a ruleset's rules mean, independent of any evidence: gradings over rating profiles, bands over figures.

This is the one definition. Scoring decides the items of one criterion with it (and keeps a
trace in words); the checker's analysis decides every rating profile a grading can meet, and
every stretch of figures a set of bands can meet, with the same functions, so what the
analysis says a rule does is what scoring does.

A grading's clause counts items by weight: the items it counts (its *domain*) and those of
them that satisfy its comparison are each a set of ratings, fixed by the rule's wording; which
items are rated what never matters, only how much weight sits at each rating. So a clause's
meaning is two sets of ranks and a quantifier's linear tests (`Test`), and a decision is a
function of a rating profile (`profiles.Profiles`). A new quantifier is a new set of tests; a
new kind of clause is a new way of choosing its two sets of ranks. A grading that names
members (`leadership is ...`) or counts a group (`each item of group "level 3"`) tells those
items apart: its profile holds weight per (item class, rating) instead (`item_classes`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Literal

import attrs

from esirules.language import model as m
from esirules.language.profiles import Profiles, Test
from esirules.words import round_number, round_percent

# ---------------------------------------------------------------------------------------------
# Quantifiers and clauses


def quantifier_tests(quantifier: m.Quantifier) -> tuple[Test, ...]:
    """A quantifier as linear tests on S (satisfying weight), D (domain weight), U (one item)."""
    kind = quantifier.kind
    if kind in ("each", "others"):
        return (Test(1, -1),)  # S = D (S never exceeds D)
    if kind == "majority":
        return (Test(2, -1, strict=True),)  # S > D / 2
    if kind == "some":
        return (Test(1, strict=True),)  # S > 0
    if kind == "none":
        return (Test(-1),)  # S = 0
    if kind == "named":
        return (Test(1, -1), Test(0, 1, strict=True))  # the member is rated (D > 0) and satisfies it (S = D)
    count = quantifier.count or 0
    if kind == "at_least_count":
        return (Test(1, 0, -count),)  # S ≥ count items
    if kind == "at_most_count":
        return (Test(-1, 0, count),)  # S ≤ count items
    if kind == "fewer_than_count":
        return (Test(-1, 0, count, strict=True),)  # S < count items
    if kind == "exactly_count":
        return (Test(1, 0, -count), Test(-1, 0, count))  # S = count items
    share = quantifier.share if quantifier.share is not None else Fraction(1)
    if kind == "at_most_share":
        return (Test(-share.denominator, share.numerator),)  # S / D ≤ share (holds when D = 0)
    return (Test(share.denominator, -share.numerator), Test(0, 1, strict=True))  # S / D ≥ share, D > 0


def compared_ranks(comparison: str, value: str, scale: m.Scale) -> frozenset[int]:
    """The ranks of `scale` that `at least`, `at best` or `exactly` `value` picks out."""
    threshold = scale.rank(value)
    ranks = range(len(scale.values))
    if comparison == "at_least":
        return frozenset(r for r in ranks if r >= threshold)
    if comparison == "at_best":
        return frozenset(r for r in ranks if r <= threshold)
    return frozenset({threshold})


# Items a grading tells apart: by the member it names (`leadership is ...`) and by the group a
# quantifier counts (`each item of group "level 3"`). An item's *class* is (its id if the grading
# names it, its group if the grading counts that group); a grading that does neither has the one
# class (None, None). A profile then holds weight per (class, rank): column class·ranks + rank.
ItemClass = tuple[str | None, str | None]
ONE_CLASS: tuple[ItemClass, ...] = ((None, None),)


def item_classes(clauses: Sequence[m.Clause]) -> tuple[ItemClass, ...]:
    """The classes of items these clauses tell apart (`ONE_CLASS` when they tell none apart)."""
    named = [c.member for c in clauses if c.member is not None]
    members = tuple(dict.fromkeys([*named, *m.figure_members(tuple(clauses))]))
    groups = tuple(dict.fromkeys(c.quantifier.group for c in clauses if c.quantifier.group is not None))
    return tuple(itertools.product((*members, None), (*groups, None)))


def class_of(classes: Sequence[ItemClass], item_id: str | None, group: str | None) -> int:
    """The index in `classes` of an item with this id and group."""
    members = {c[0] for c in classes}
    groups = {c[1] for c in classes}
    key = (item_id if item_id in members else None, group if group in groups else None)
    return classes.index(key)


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


@attrs.frozen
class ClauseMeaning:
    """A clause: the columns (class·ranks + rank) of the items it counts, of those that satisfy it, its tests.

    A figure clause (`sum of items at most 15`) adds `forms`: linear tests on the items' numbers."""

    domain: frozenset[int]
    satisfying: frozenset[int]
    tests: tuple[Test, ...]
    forms: tuple[LinearTest, ...] = ()

    def width_tests(self) -> tuple[Test, ...]:
        return (*self.tests, *(f.bound() for f in self.forms))


@attrs.frozen
class RuleMeaning:
    grade: int  # rank on the ladder
    clauses: tuple[ClauseMeaning, ...]
    otherwise: bool = False


@attrs.frozen
class GradingMeaning:
    """A grading as ranks: its rules and caps, on an item scale of `ranks` ratings and a ladder of `grades`."""

    rules: tuple[RuleMeaning, ...]
    caps: tuple[RuleMeaning, ...]
    cumulative: bool
    ranks: int
    grades: int
    classes: tuple[ItemClass, ...] = ONE_CLASS

    @classmethod
    def of(cls, grading: m.Grading, item_scale: m.Scale, ladder: m.Scale) -> GradingMeaning:
        every = [c for r in grading.rules for c in r.clauses] + [c for r in grading.caps for c in r.clauses]
        classes = item_classes(every)
        means = grading.means
        rules = tuple(
            RuleMeaning(ladder.rank(r.grade), clause_meanings(r.clauses, item_scale, classes, means), r.otherwise)
            for r in grading.rules
        )
        caps = tuple(
            RuleMeaning(ladder.rank(c.grade), clause_meanings(c.clauses, item_scale, classes, means))
            for c in grading.caps
        )
        return cls(rules, caps, grading.cumulative, len(item_scale.values), len(ladder.values), classes)



    @property
    def columns(self) -> int:
        """How many figures a profile has: one per (class, rank)."""
        return len(self.classes) * self.ranks

    @property
    def tells_items_apart(self) -> bool:
        """Whether some clause names a member or counts a group (so a profile is not weight per rank)."""
        return len(self.classes) > 1

    def tests(self) -> tuple[Test, ...]:
        return tuple(t for rule in (*self.rules, *self.caps) for c in rule.clauses for t in c.width_tests())

    @property
    def has_figures(self) -> bool:
        """Whether some clause is a figure clause (`sum of items at most 15`)."""
        return any(c.forms for rule in (*self.rules, *self.caps) for c in rule.clauses)


def clause_meanings(
    clauses: Sequence[m.Clause],
    scale: m.Scale,
    classes: Sequence[ItemClass] = ONE_CLASS,
    means: m.Rounding | None = None,
) -> tuple[ClauseMeaning, ...]:
    """Each clause's domain: every item, or for `the others` the items of the clause before
    that did not satisfy it, or for a named member that member's items, or for `other ...`
    every item but the members the rule names; a quantifier over a group keeps only that group's;
    a figure clause over named members (`max of criteria A1, A2`) only theirs. A figure
    clause's tests are on its items' numbers (`figure_forms`), a mean rounded by `means`."""
    size = len(scale.values)

    def columns(picked: Sequence[int]) -> frozenset[int]:
        return frozenset(k * size + r for k in picked for r in range(size))

    every_class = range(len(classes))
    named = set(m.named_members(tuple(clauses)))
    out: list[ClauseMeaning] = []
    for clause in clauses:
        quantifier = clause.quantifier
        if quantifier.kind == "others" and out:
            domain = out[-1].domain - out[-1].satisfying
        elif clause.member is not None:
            domain = columns([k for k in every_class if classes[k][0] == clause.member])
        elif clause.figure is not None and clause.figure.members:
            domain = columns([k for k in every_class if classes[k][0] in clause.figure.members])
        elif quantifier.other:
            domain = columns([k for k in every_class if classes[k][0] not in named])
        else:
            domain = columns(every_class)
        if quantifier.group is not None:
            domain &= columns([k for k in every_class if classes[k][1] == quantifier.group])
        compared = compared_ranks(clause.comparison, clause.value, scale)
        satisfying = frozenset(c for c in domain if c % size in compared)
        if clause.figure is not None:
            tests, forms = figure_forms(clause.figure, scale, domain, satisfying, means)
            out.append(ClauseMeaning(domain, satisfying, tests, forms))
        else:
            out.append(ClauseMeaning(domain, satisfying, quantifier_tests(quantifier)))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Figures over the members' numbers (issue 11, point 1)

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


# ---------------------------------------------------------------------------------------------
# Deciding


@attrs.frozen
class Verdict:
    """A grading applied to profiles. Every figure is a truth: the profiles where it holds.

    `clauses[i][k]`: clause k of rule i holds; `holds[i]`: every clause of rule i holds;
    `lacking[i]`: for a cumulative grading, (grade, where no rule for that lower grade holds);
    `chosen[i]`: rule i gives the grade; `undecided`: no rule does. `rule_grades` and
    `grades` (after the caps) map a ladder rank to where it is the grade.
    """

    clauses: tuple[tuple[int, ...], ...]
    holds: tuple[int, ...]
    lacking: tuple[tuple[tuple[int, int], ...], ...]
    chosen: tuple[int, ...]
    undecided: int
    rule_grades: Mapping[int, int]
    cap_clauses: tuple[tuple[int, ...], ...]
    cap_holds: tuple[int, ...]
    capped: tuple[int, ...]
    grades: Mapping[int, int]


def decide(meaning: GradingMeaning, profiles: Profiles) -> Verdict:
    """Apply a grading to profiles: the first rule whose clauses all hold (and, if the grading is
    cumulative, some rule of every lower grade holds) gives the grade; then each cap in turn
    lowers a better grade to its own when its clauses hold."""
    clauses = tuple(tuple(clause_truth(c, profiles) for c in rule.clauses) for rule in meaning.rules)
    holds = tuple(
        profiles.every if rule.otherwise else profiles.all_of(truths) for rule, truths in zip(meaning.rules, clauses)
    )
    lacking = _lacking(meaning, holds, profiles)
    chosen: list[int] = []
    remaining = profiles.every
    for rule_holds, lacks in zip(holds, lacking):
        takes = rule_holds & remaining & ~profiles.any_of(truth for _, truth in lacks)
        chosen.append(takes)
        remaining &= ~takes
    rule_grades: dict[int, int] = {}
    for rule, takes in zip(meaning.rules, chosen):
        rule_grades[rule.grade] = rule_grades.get(rule.grade, 0) | takes
    cap_clauses = tuple(tuple(clause_truth(c, profiles) for c in cap.clauses) for cap in meaning.caps)
    cap_holds = tuple(profiles.all_of(truths) for truths in cap_clauses)
    grades = dict(rule_grades)
    capped = []
    for cap, cap_truth in zip(meaning.caps, cap_holds):
        lowered = 0
        for grade in [g for g in grades if g > cap.grade]:
            moved = grades[grade] & cap_truth
            grades[grade] &= ~moved
            lowered |= moved
        grades[cap.grade] = grades.get(cap.grade, 0) | lowered
        capped.append(lowered)
    return Verdict(
        clauses, holds, lacking, tuple(chosen), remaining, rule_grades, cap_clauses, cap_holds, tuple(capped), grades
    )


def clause_truth(clause: ClauseMeaning, profiles: Profiles) -> int:
    """Where a clause holds: every one of its quantifier's tests (and a figure clause's forms)."""
    satisfying, domain = profiles.weight(clause.satisfying), profiles.weight(clause.domain)
    truth = profiles.all_of(profiles.test(t, satisfying, domain) for t in clause.tests)
    for form in clause.forms:
        truth &= profiles.test(form.test, form.figure(profiles), domain)
    return truth


def _lacking(
    meaning: GradingMeaning, holds: tuple[int, ...], profiles: Profiles
) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Cumulative gradings: for each rule, each lower grade (with rules other than `otherwise`)
    and where none of that grade's rules holds."""
    if not meaning.cumulative:
        return tuple(() for _ in meaning.rules)
    held: dict[int, int] = {}
    for rule, truth in zip(meaning.rules, holds):
        if not rule.otherwise:
            held[rule.grade] = held.get(rule.grade, 0) | truth
    return tuple(
        tuple((grade, profiles.every & ~truth) for grade, truth in held.items() if grade < rule.grade)
        for rule in meaning.rules
    )


# ---------------------------------------------------------------------------------------------
# Monotone by form


def is_monotone(meaning: GradingMeaning) -> bool:
    """Whether raising a rating can never lower the grade, judged from the rules' form.

    True when the rules are written best grade first, every rule's clauses hold more easily as
    ratings rise, and every cap's clauses hold less easily. A clause over every item rises when
    the items it picks out are the better ratings and its tests weigh them positively (or the
    worse ratings, weighed negatively: `at best weak on none of the items`); `the others` rises
    when the clause before it and it together pick out the better ratings and it needs all of them.
    A grading this says nothing about may still be monotone; the analysis then searches. A
    grading that names members, counts groups or has figure clauses (whose numbers need not
    follow the order) is never called monotone here.
    """
    if meaning.tells_items_apart or meaning.has_figures:
        return False
    grades = [rule.grade for rule in meaning.rules]
    if any(later > earlier for earlier, later in itertools.pairwise(grades)):
        return False
    everything = frozenset(range(meaning.ranks))
    rising = all(_moves(rule.clauses, +1, everything) for rule in meaning.rules)
    falling = all(_moves(cap.clauses, -1, everything) for cap in meaning.caps)
    return rising and falling


def _moves(clauses: Sequence[ClauseMeaning], direction: int, everything: frozenset[int]) -> bool:
    """Every clause holds more easily (direction +1) or less easily (-1) as ratings rise."""
    for index, clause in enumerate(clauses):
        if clause.domain == everything:
            if not _whole_moves(clause, direction):
                return False
        elif direction < 0 or not _others_rise(clauses, index, everything):
            return False
    return True


def _whole_moves(clause: ClauseMeaning, direction: int) -> bool:
    if clause.satisfying in (frozenset(), clause.domain):
        return True  # S is 0, or all of D: the same whatever the ratings
    signs = {(t.satisfying > 0) - (t.satisfying < 0) for t in clause.tests} - {0}
    if not signs:
        return True
    if len(signs) > 1:
        return False
    sign = signs.pop()
    if _upward(clause.satisfying, clause.domain):
        return sign == direction
    if _downward(clause.satisfying, clause.domain):
        return sign == -direction
    return False


def _others_rise(clauses: Sequence[ClauseMeaning], index: int, everything: frozenset[int]) -> bool:
    """`the others` holds when no item it counts falls short: it rises when the items counted by
    the clause before are the worse ratings, and what that clause and this one pick out together
    are the better of them, and it needs all of them."""
    if index == 0:
        return False
    clause, before = clauses[index], clauses[index - 1]
    return (
        _downward(before.domain, everything)
        and _upward(before.satisfying, before.domain)
        and _upward(clause.satisfying | before.satisfying, before.domain)
        and clause.tests == (Test(1, -1),)
    )


def _upward(ranks: frozenset[int], within: frozenset[int]) -> bool:
    """`ranks` are the best of `within`: every rank of `within` above one of them is among them."""
    lowest = min(ranks, default=None)
    return lowest is None or all(r in ranks for r in within if r > lowest)


def _downward(ranks: frozenset[int], within: frozenset[int]) -> bool:
    highest = max(ranks, default=None)
    return highest is None or all(r in ranks for r in within if r < highest)


# ---------------------------------------------------------------------------------------------
# Bands

PERCENT_FIGURES = frozenset({"score", "performance"})
Comparison = Literal["at_least", "above", "below", "at_most", "is"]


@attrs.frozen
class FigureOutcome:
    """One band test applied: the figure, the figure compared (rounded if ties are), the operand."""

    value: Fraction | None
    compared: Fraction | None
    operand: Fraction | None
    holds: bool


def figure_test(
    test: m.FigureTest,
    figures: Mapping[str, Fraction],
    rounding: m.Rounding,
    ties: str,
    lower_is_better: bool = False,
) -> FigureOutcome:
    """A band's test on the figures: a figure that is not there fails it. `actual` compares in
    the measure's better direction (with `lower_is_better`, "at least target" is actual ≤ target)."""
    operand = test.operand if isinstance(test.operand, Fraction) else figures.get(test.operand)
    if test.of_possible and isinstance(test.operand, Fraction):
        # `total at least 75% of possible`: of the possible total; `mean ...`: of the largest number
        possible = figures.get("possible" if test.figure == "total" else "largest")
        operand = None if possible is None else test.operand * possible
    value = figures.get(test.figure)
    if value is None or operand is None:
        return FigureOutcome(value, None, operand, False)
    compared = value
    if ties == "rounded" and test.figure in PERCENT_FIGURES:
        compared = round_percent(value, rounding) / 100
    better_is_lower = lower_is_better and test.figure == "actual"
    return FigureOutcome(value, compared, operand, compare(test.comparison, compared, operand, better_is_lower))


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


def band_outcomes(
    bands: m.Bands, figures: Mapping[str, Fraction], rounding: m.Rounding, lower_is_better: bool = False
) -> tuple[tuple[tuple[FigureOutcome, ...], bool], ...]:
    """Every band's tests on the figures, and whether the band fits (its tests all hold, or it
    is `otherwise`). The first band that fits gives the value (`chosen_band`)."""
    out = []
    for band in bands.bands:
        tests = tuple(figure_test(t, figures, rounding, bands.ties, lower_is_better) for t in band.tests)
        out.append((tests, band.otherwise or all(t.holds for t in tests)))
    return tuple(out)


def chosen_band(fits: Sequence[bool]) -> int | None:
    """The first band that fits."""
    return next((i for i, ok in enumerate(fits) if ok), None)
