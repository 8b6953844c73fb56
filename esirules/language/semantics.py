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
items apart: its profile holds weight per (item class, rating) instead (`item_classes`). A
figure clause (`sum of items at most 15`) reads the ratings' numbers: its tests are linear forms
over the weight at each rating, with a rounded mean turned into an exact edge
(`semantics_figures`), so it too is decided on every profile at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Literal

import attrs

from esirules.language import model as m
from esirules.language.profiles import Profiles, Test
from esirules.language.semantics_figures import (  # noqa: F401 (re-exported: one meaning, read from here)
    FigureFacts,
    LinearTest,
    compare,
    figure_facts,
    figure_forms,
    mean_edge,
)
from esirules.words import round_percent

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
    facts: tuple[m.Condition, ...] = ()  # fact conditions: the same for every profile (issue 11, point 4)


# Whether a fact condition holds for the inspection decided (its facts are fixed, one truth for
# every profile): scoring gives it from the evidence's facts.
FactTruth = Callable[[m.Condition], bool]


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
            RuleMeaning(
                ladder.rank(r.grade), clause_meanings(r.clauses, item_scale, classes, means), r.otherwise, r.facts
            )
            for r in grading.rules
        )
        caps = tuple(
            RuleMeaning(ladder.rank(c.grade), clause_meanings(c.clauses, item_scale, classes, means), facts=c.facts)
            for c in grading.caps
        )
        return cls(rules, caps, grading.cumulative, len(item_scale.values), len(ladder.values), classes)



    @property
    def columns(self) -> int:
        """How many figures a profile has: one per (class, rank)."""
        return len(self.classes) * self.ranks

    @property
    def tests_facts(self) -> bool:
        """Whether some rule or cap has a fact condition (so deciding it needs the inspection's facts)."""
        return any(rule.facts for rule in (*self.rules, *self.caps))

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


def decide(meaning: GradingMeaning, profiles: Profiles, facts: FactTruth | None = None) -> Verdict:
    """Apply a grading to profiles: the first rule whose clauses all hold (and, if the grading is
    cumulative, some rule of every lower grade holds) gives the grade; then each cap in turn
    lowers a better grade to its own when its clauses hold. A rule or cap with fact conditions
    holds only where they hold too: everywhere or nowhere, as `facts` says (needed then)."""
    clauses = tuple(tuple(clause_truth(c, profiles) for c in rule.clauses) for rule in meaning.rules)
    holds = tuple(
        profiles.every if rule.otherwise else profiles.all_of(truths) & _gate(rule, profiles, facts)
        for rule, truths in zip(meaning.rules, clauses)
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
    cap_holds = tuple(
        profiles.all_of(truths) & _gate(cap, profiles, facts) for cap, truths in zip(meaning.caps, cap_clauses)
    )
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


def _gate(rule: RuleMeaning, profiles: Profiles, facts: FactTruth | None) -> int:
    """Where a rule's fact conditions hold: every profile, or none."""
    if not rule.facts:
        return profiles.every
    if facts is None:
        raise ValueError("this grading tests facts: deciding it needs the inspection's facts")
    return profiles.every if all(facts(condition) for condition in rule.facts) else 0


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
    grading that names members, counts groups, has figure clauses (whose numbers need not follow
    the order) or tests facts is never called monotone here.
    """
    if meaning.tells_items_apart or meaning.has_figures or meaning.tests_facts:
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


# ---------------------------------------------------------------------------------------------
# Outcomes that are categories (issue 11, point 5)

# A test's truth: True, False, or None when the level it reads has no grade or score (unknown).
Truth = bool | None
# What a level gives a test: a grade or an outcome's value (str), a score (Fraction), or nothing.
Reading = str | Fraction | None


def level_test(test: m.LevelTest, found: Reading, ladder: m.Scale | None) -> Truth:
    """A test of an outcome rule on what its level gives; None (unknown) when it gives nothing."""
    if found is None:
        return None
    if test.figure == "score":
        assert isinstance(found, Fraction) and test.threshold is not None
        return compare(test.comparison, found, test.threshold)
    if test.figure == "value":
        return found == test.value
    assert ladder is not None and test.value is not None
    if found not in ladder.values:
        return None
    return ladder.rank(str(found)) in compared_ranks(test.comparison, test.value, ladder)


def rule_truth(truths: Sequence[Truth]) -> Truth:
    """Tests joined by `and`: false if one is false, true if all are true, else unknown."""
    if any(t is False for t in truths):
        return False
    return True if all(t is True for t in truths) else None


@attrs.frozen
class OutcomeVerdict:
    """Which rule (by its place in `Outcome.tried()`) gave the value; or, with no value, the
    rule whose unknown truth stopped the decision (None: no rule held and there is no `otherwise`)."""

    value: str | None
    rule: int | None
    unknown: int | None = None
    tried: int = 0  # how many rules the decision read, in order


def decide_outcome(outcome: m.Outcome, truths: Sequence[Truth]) -> OutcomeVerdict:
    """The outcome from the truth of each rule, in the order of `outcome.tried()`.

    The values are taken in precedence order: the first value one of whose rules holds is the
    outcome. A value none of whose rules holds, but one of whose rules is unknown, stops the
    decision (it might hold): the outcome is not computable. With no rule holding, the
    `otherwise` value, if there is one.
    """
    rules = outcome.tried()
    start = 0
    while start < len(rules) and not rules[start].otherwise:
        end = start
        while end < len(rules) and not rules[end].otherwise and rules[end].value == rules[start].value:
            end += 1
        held = next((i for i in range(start, end) if truths[i] is True), None)
        if held is not None:
            return OutcomeVerdict(rules[held].value, held, tried=held + 1)
        unknown = next((i for i in range(start, end) if truths[i] is None), None)
        if unknown is not None:
            return OutcomeVerdict(None, None, unknown, tried=end)
        start = end
    if start < len(rules):
        return OutcomeVerdict(rules[start].value, start, tried=start + 1)
    return OutcomeVerdict(None, None, tried=len(rules))
