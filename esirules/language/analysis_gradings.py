"""Analyse a grading over every rating profile of the items it grades: the checked ruleset in, findings and their diagnostics out.

Each grading is decided for every profile at once (`semantics.decide` over `analysis_profiles`),
so what this says a rule does is what scoring does. It finds the rules that can never give a
grade and the rules that take their profiles (W003), rules written twice (W004), profiles that
get no grade (R052), and a raise of one item that lowers the grade (W005). The findings are
worked out by rule number, without spans, and kept for gradings met again (a derived ruleset
checks its parent's gradings again).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import lru_cache

import attrs

from esirules.language import model as m
from esirules.language import semantics
from esirules.language.analysis_profiles import Group, ItemSet, Pack, pack
from esirules.language.context import CheckContext
from esirules.language.profiles import Profiles, width_for
from esirules.words import number_text, plural, value_text

# (bands, lower is better) -> the values those bands can give a measure's item
BandValues = Callable[[str, bool], frozenset[str]]


@attrs.frozen
class Unreachable:
    """A rule no profile gets its grade from: the earlier rules that take the profiles it fits,
    whether some are held back by a cumulative grading, and the first profile it fits."""

    rule: int
    takers: tuple[int, ...]
    held_back: bool
    example: int | None


@attrs.frozen
class Lowering:
    """A raise of one item of `group` from `rank` to `to` that lowers the grade of profile `index`."""

    index: int
    group: Group
    rank: int
    to: int
    before: int  # ladder ranks; -1 for no grade
    after: int


@attrs.frozen(eq=False)
class GradingFindings:
    """Every profile decided: how many each rule grades, what no rule grades, and what is wrong."""

    pack: Pack
    verdict: semantics.Verdict
    unreachable: tuple[Unreachable, ...]
    duplicates: tuple[tuple[int, int], ...]  # (rule, the earlier rule it repeats)
    monotone: str  # "by form", "searched" or "no"
    lowering: Lowering | None

    def chosen(self, rule: int) -> int:
        return Profiles.number(self.verdict.chosen[rule])

    def first_chosen(self, rule: int) -> int | None:
        return self.pack.profiles.first(self.verdict.chosen[rule])


# ---------------------------------------------------------------------------------------------
# The items each grading grades


def item_sets(ruleset: m.Ruleset, grading: m.Grading, band_values: BandValues) -> tuple[tuple[ItemSet, ...], int]:
    """The item sets the grading meets, fewest items first, and the weight unit they share."""
    scale = ruleset.scale(grading.item_scale)
    found: list[tuple[list[tuple[Fraction, tuple[int, ...], bool]], str]] = []
    for criterion in ruleset.criteria():
        if criterion.kind == "descriptive" and criterion.grading == grading.name:
            items = _criterion_items(ruleset, grading, scale, criterion, band_values)
            if items is not None:
                found.append((items, criterion.id))
    for owner, size, droppable in _aggregate_uses(ruleset, grading.name):
        found.append(([(Fraction(1), tuple(range(len(scale.values))), droppable)] * size, owner))
    unit = math.lcm(*(w.denominator for items, _ in found for w, _, _ in items)) if found else 1
    shapes: dict[tuple[Group, ...], list[str]] = {}
    for items, owner in found:
        for groups, dropped in _subsets(items, unit):
            label = owner if not dropped else f"{owner} with {plural(dropped, 'item')} not applicable"
            shapes.setdefault(groups, []).append(label)
    ordered = sorted(shapes.items(), key=lambda kv: (sum(g.count for g in kv[0]), kv[0]))
    return tuple(ItemSet(groups, tuple(owners)) for groups, owners in ordered), unit


def _criterion_items(
    ruleset: m.Ruleset, grading: m.Grading, scale: m.Scale, criterion: m.Criterion, band_values: BandValues
) -> list[tuple[Fraction, tuple[int, ...], bool]] | None:
    """Each item's weight, the ranks it can be rated at, and whether it can be rated not applicable."""
    every = tuple(range(len(scale.values)))
    droppable = scale.not_applicable is not None
    items = []
    for item in criterion.items:
        if item.measure is None:
            items.append((item.weight, every, droppable))
            continue
        if grading.measure_bands is None:
            return None  # its measures cannot be rated: the criterion is never graded
        lower = ruleset.measure(item.measure).lower_is_better
        values = band_values(grading.measure_bands, lower)
        ranks = tuple(sorted(scale.rank(v) for v in values if v in scale.values))
        if not ranks:
            return None
        items.append((item.weight, ranks, False))
    return items


def _aggregate_uses(ruleset: m.Ruleset, name: str) -> list[tuple[str, int, bool]]:
    """Section and overall grades `graded over` their members by this grading: who, how many
    members, and whether members can drop out (`renormalise`)."""
    uses = []
    graded = {c.id for c in ruleset.criteria() if c.grading is not None}
    graded |= {s.id for s in ruleset.sections if s.grade is not None}
    holders: list[tuple[str, m.Aggregate | None, list[str], str]] = [
        (f"section {s.id}'s grade", s.grade, [c.id for c in s.criteria], s.missing) for s in ruleset.sections
    ]
    if ruleset.overall is not None:
        holders.append(("the overall grade", ruleset.overall.grade, [s.id for s in ruleset.sections], ruleset.overall.missing))
    for owner, aggregate, own, missing in holders:
        if aggregate is None or aggregate.kind != "graded_over" or aggregate.using != name:
            continue
        members = [x for x in (aggregate.members or tuple(own)) if x in graded]
        if members:
            uses.append((owner, len(members), missing == "renormalise"))
    return uses


def _subsets(
    items: Sequence[tuple[Fraction, tuple[int, ...], bool]], unit: int
) -> list[tuple[tuple[Group, ...], int]]:
    """The item sets the items make, as many of the droppable ones rated not applicable (or
    missing) as may be, but not all of the items."""
    counts: dict[tuple[int, tuple[int, ...], bool], int] = {}
    for weight, ranks, droppable in items:
        units = weight.numerator * (unit // weight.denominator)
        if units:  # an item of weight 0 counts for nothing, whatever its rating
            counts[(units, ranks, droppable)] = counts.get((units, ranks, droppable), 0) + 1
    keys = list(counts)
    out = []
    choices: list[Sequence[int]] = [range(counts[k] + 1) if k[2] else (counts[k],) for k in keys]
    for kept in _product(choices):
        if not any(kept):
            continue  # every item not applicable: the criterion is not graded
        groups = tuple(sorted(Group(k[0], n, k[1]) for k, n in zip(keys, kept) if n))
        out.append((groups, sum(counts[k] - n for k, n in zip(keys, kept))))
    return out


def _product(choices: list[Sequence[int]]) -> list[tuple[int, ...]]:
    out: list[tuple[int, ...]] = [()]
    for options in choices:
        out = [(*done, n) for done in out for n in options]
    return out


# ---------------------------------------------------------------------------------------------
# Deciding every profile


@lru_cache(maxsize=64)
def findings(meaning: semantics.GradingMeaning, sets: tuple[ItemSet, ...], unit: int, rules: tuple[m.GradeRule, ...]) -> GradingFindings:
    """Decide every profile of the item sets; `rules` (the model's, spans aside) find repeats."""
    total = max((s.total for s in sets), default=0)
    width = width_for(meaning.tests(), 2 * total + 2, unit)
    profiles_pack = pack(sets, meaning.ranks, unit, width)
    profiles = profiles_pack.profiles
    verdict = semantics.decide(meaning, profiles)
    duplicates = tuple(
        (i, next(j for j in range(i) if _same(rules[j], rule)))
        for i, rule in enumerate(rules)
        if any(_same(rules[j], rule) for j in range(i))
    )
    repeated = {i for i, _ in duplicates}
    unreachable = []
    for i in range(len(meaning.rules)):
        if verdict.chosen[i] or i in repeated or profiles_pack.skipped or not profiles.count:
            continue
        holds = verdict.holds[i]
        takers = tuple(j for j in range(i) if verdict.chosen[j] & holds)
        taken = Profiles.any_of(verdict.chosen[:i])
        unreachable.append(Unreachable(i, takers, bool(holds & ~taken), profiles.first(holds)))
    if semantics.is_monotone(meaning):
        monotone, lowering = "by form", None
    else:
        lowering = _lowering(meaning, profiles_pack, verdict)
        monotone = "no" if lowering is not None else "searched"
    return GradingFindings(profiles_pack, verdict, tuple(unreachable), duplicates, monotone, lowering)


def _same(a: m.GradeRule, b: m.GradeRule) -> bool:
    return not a.otherwise and not b.otherwise and a.clauses == b.clauses


def _lowering(meaning: semantics.GradingMeaning, found: Pack, verdict: semantics.Verdict) -> Lowering | None:
    """The first profile (and raise) where raising one item one rating lowers the grade."""
    profiles = found.profiles
    before = _grade_of(verdict)
    best: Lowering | None = None
    groups = sorted({g for block in found.blocks for g in block.item_set.groups})
    for group in groups:
        for rank, to in zip(group.ranks, group.ranks[1:]):
            has = _has_item_at(found, group, rank)
            if not has:
                continue
            moved = list(profiles.weights)
            moved[rank] -= group.weight * profiles.ones
            moved[to] += group.weight * profiles.ones
            after = _grade_of(semantics.decide(meaning, Profiles(profiles.count, profiles.width, moved, profiles.unit)))
            lower = 0
            for b, b_truth in before.items():
                for a, a_truth in after.items():
                    if 0 <= a < b:  # a raise to no grade is an ungraded profile (R052)
                        lower |= b_truth & a_truth
            index = profiles.first(lower & has)
            if index is not None and (best is None or index < best.index):
                grade_before = next(g for g, t in before.items() if profiles.holds_at(t, index))
                grade_after = next(g for g, t in after.items() if profiles.holds_at(t, index))
                best = Lowering(index, group, rank, to, grade_before, grade_after)
    return best


def _grade_of(verdict: semantics.Verdict) -> dict[int, int]:
    """Each grade (-1: none) and where it is given."""
    return {**verdict.grades, -1: verdict.undecided}


def _has_item_at(found: Pack, group: Group, rank: int) -> int:
    """Where a profile has an item of `group` rated at `rank`."""
    profiles = found.profiles
    width = profiles.width
    truth = 0
    for block in found.blocks:
        if group not in block.item_set.groups:
            continue
        ones = ((1 << (width * block.count)) - 1) // ((1 << width) - 1)
        top = ones << (width - 1)
        if block.group_columns is not None:
            column, need = block.group_columns[block.item_set.groups.index(group)][rank], 1
        else:
            column, need = block.columns[rank], group.weight
        truth |= ((top + column - need * ones) & top) << (block.start * width)
    return truth


# ---------------------------------------------------------------------------------------------
# Diagnostics


def report(
    ctx: CheckContext, grading: m.Grading, scale: m.Scale, ladder: m.Scale, found: GradingFindings, unit: int
) -> None:
    """The findings as warnings and errors, each with a profile that shows it."""
    words = ProfileWords(found.pack, scale, unit)
    rules = grading.rules
    for i, earlier in found.duplicates:
        rule, first = rules[i], rules[earlier]
        if rule.grade == first.grade:
            ctx.warn("W004", f"the rule for `{rule.grade}` repeats the rule at line {first.span.line}", rule.span,
                     "remove one of them")
        else:
            ctx.warn(
                "W004",
                f"the rule for `{rule.grade}` has the same clauses as the rule for `{first.grade}` at line "
                f"{first.span.line}, which comes first, so it can never give a grade",
                rule.span,
                "change its clauses, or remove it",
            )
    for dead in found.unreachable:
        _unreachable(ctx, grading, rules, dead, words)
    undecided = found.verdict.undecided
    if undecided and not found.pack.skipped:
        example = found.pack.profiles.first(undecided)
        assert example is not None
        lowest = ladder.values[-1]
        ctx.error(
            "R052",
            f"the grading `{grading.name}` gives no grade to {plural(Profiles.number(undecided), 'rating profile')} "
            f"of the {found.pack.profiles.count} its items can have, for example {words.profile(example)}",
            grading.span,
            "add rules that fit them" + ("" if any(r.otherwise for r in rules)
                                         else f", or end the rules with a line such as `\"{lowest}\" otherwise`"),
        )
    elif found.pack.skipped and not any(r.otherwise for r in rules):
        ctx.error(
            "R052",
            f"the grading `{grading.name}` has no `otherwise` rule, and its items can be rated in too many "
            "ways to check that its rules grade them all",
            grading.span,
            f"end the rules with a line such as `\"{ladder.values[-1]}\" otherwise`",
        )
    if found.lowering is not None:
        _lowering_warning(ctx, grading, ladder, found, words)


def _unreachable(
    ctx: CheckContext, grading: m.Grading, rules: tuple[m.GradeRule, ...], dead: Unreachable, words: ProfileWords
) -> None:
    rule = rules[dead.rule]
    name = "the `otherwise` rule" if rule.otherwise else f"the rule for `{rule.grade}`"
    if dead.example is None:
        ctx.warn(
            "W003",
            f"{name} can never give a grade: no rating profile of the items graded by `{grading.name}` fits it",
            rule.span,
            f"check its clauses against the items it grades ({words.owners()})",
        )
        return
    takers = [rules[j] for j in dead.takers]
    if rule.otherwise:
        why = "the rules above it grade every rating profile"
        help_line = "remove it: every profile already gets a grade from the rules above"
    else:
        parts = []
        if takers:
            parts.append(f"graded first by {_rules_text(takers)}")
        if dead.held_back:
            parts.append("held back because no rule for a lower grade holds (the grading is cumulative)")
        why = f"every rating profile it fits is {' or '.join(parts)}, for example {words.profile(dead.example)}"
        lines = " and ".join(str(r.span.line) for r in takers)
        help_line = (
            f"move it above line {lines}, or remove it" if len(takers) == 1
            else f"move it above lines {lines}, or remove it" if takers
            else "check the rules for the lower grades"
        ) + _worst_first(ctx, grading, takers)
    ctx.warn("W003", f"{name} can never give a grade: {why}", rule.span, help_line)


def _worst_first(ctx: CheckContext, grading: m.Grading, takers: list[m.GradeRule]) -> str:
    """A note when a rule taking the profiles asks for `at least` the scale's last value, which
    every rating is: a scale written worst first (`poor > ... > strong`, as handbooks number
    ratings from 1) makes the best grade's rule hold for every profile, and moving rules mends nothing."""
    scale = ctx.scales.get(grading.item_scale)
    if scale is None or not scale.values:
        return ""
    worst = scale.values[-1]
    if not any(c.comparison == "at_least" and c.value == worst and c.figure is None for r in takers for c in r.clauses):
        return ""
    return (f"; but `at least {value_text(worst)}` holds for every rating, since a scale lists its values best "
            f"first and `{value_text(worst)}` is the last of scale `{scale.name}`: if it is the best, write the "
            "scale the other way round")


def _rules_text(rules: Sequence[m.GradeRule]) -> str:
    if len(rules) == 1:
        return f"the rule for `{rules[0].grade}` at line {rules[0].span.line}"
    named = [f"`{r.grade}` (line {r.span.line})" for r in rules]
    return "the rules for " + ", ".join(named[:-1]) + " and " + named[-1]


def _lowering_warning(
    ctx: CheckContext, grading: m.Grading, ladder: m.Scale, found: GradingFindings, words: ProfileWords
) -> None:
    low = found.lowering
    assert low is not None
    scale = words.scale

    def grade(rank: int) -> str:
        return "no grade" if rank < 0 else f"`{ladder.value_at(rank)}`"

    rule = next(
        (r for r, truth in zip(grading.rules, found.verdict.chosen) if found.pack.profiles.holds_at(truth, low.index)),
        None,
    )
    span = rule.span if rule is not None else grading.span
    ctx.warn(
        "W005",
        f"the grading `{grading.name}` is not monotone: raising one item from `{scale.value_at(low.rank)}` to "
        f"`{scale.value_at(low.to)}` lowers the grade from {grade(low.before)} to {grade(low.after)}, for example "
        f"{words.raise_of(low.index, low.group, low.rank, low.to)}",
        span,
        "a better rating should never give a worse grade; check the rules that read the ratings "
        "with `exactly`, `at best` or `none of the items`",
    )


# ---------------------------------------------------------------------------------------------
# Profiles in words


class ProfileWords:
    """Profiles of a pack as an inspector would say them: `6 items (A2): 2 `strong`, 4 `weak``."""

    def __init__(self, found: Pack, scale: m.Scale, unit: int):
        self.pack, self.scale, self.unit = found, scale, unit

    def owners(self) -> str:
        names = dict.fromkeys(o for b in self.pack.blocks for o in b.item_set.owners if " with " not in o)
        return ", ".join(names) or "none"

    def profile(self, index: int) -> str:
        block = self.pack.block_of(index)
        return self._items(block.item_set, self.pack.counts(index))

    def raise_of(self, index: int, group: Group, rank: int, to: int) -> str:
        block = self.pack.block_of(index)
        counts = self.pack.with_item_at(index, group, rank)
        raised = tuple(
            (g, tuple(n - (g == group and r == rank) + (g == group and r == to) for r, n in enumerate(c)))
            for g, c in counts
        )
        return f"{self._items(block.item_set, counts)}, raised to {self._ratings(block.item_set, raised)}"

    def _items(self, item_set: ItemSet, counts: tuple[tuple[Group, tuple[int, ...]], ...]) -> str:
        owners = ", ".join(item_set.owners)
        return f"{plural(item_set.items, 'item')} ({owners}) rated {self._ratings(item_set, counts)}"

    def _ratings(self, item_set: ItemSet, counts: tuple[tuple[Group, tuple[int, ...]], ...]) -> str:
        weights = {g.weight for g, _ in counts}
        parts = []
        for group, per_rank in sorted(counts, key=lambda gc: -gc[0].weight):
            rated = self._counts(per_rank)
            if len(weights) > 1:
                rated = f"{rated} (weight {number_text(Fraction(group.weight, self.unit))})"
            parts.append(rated)
        return "; ".join(parts)

    def _counts(self, per_rank: tuple[int, ...]) -> str:
        held = [(n, self.scale.value_at(r)) for r, n in reversed(list(enumerate(per_rank))) if n]
        if len(held) == 1:
            n, value = held[0]
            return f"`{value}`" if n == 1 else f"all `{value}`"
        return ", ".join(f"{n} `{value}`" for n, value in held)
