"""A grading and a target grade in, the demands on item weights that reach it out (when it can be so read).

Every clause of a monotone grading (`counterfactual.is_monotone`) reads as one *need*: so much
weight of items rated at or above some rank. `at least strong on the majority of items` needs
more than half the weight at strong or better; `at least satisfactory on each item` needs all
of it at satisfactory or better; `at least satisfactory on the others` (after `at least strong
on ...`) needs all of it at satisfactory or better, since an item is then either among the
strong ones or one of the others. A rule holds when all its needs are met; a cap fails when
one of its clauses does, which is a need of the same kind (`at best good on some items` fails
when every item is strong or better).

A *demand* is a set of needs that together reach the target: a rule for the target or a
better grade, the rules that a cumulative grading asks of the grades below it, and for each cap
that would lower the grade below the target, one clause that keeps it off. The target is reached
exactly when one of the demands is met. All weights are whole multiples of one unit
(`grading.weight_units`), and a need at a rank above the top can be met only by no weight at all.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from esirules.language import model as m
from esirules.scoring.compile import CompiledGrading

Demand = tuple[tuple[int, int], ...]  # (rank, weight needed at that rank or above), by rank, one per rank
_Alternatives = list[dict[int, int]]  # any one of these sets of needs will do; [] never, [{}] always

MAX_DEMANDS = 256


class Unreadable(Exception):
    """The grading has a clause that is not a need on weight at or above a rank (it is not monotone)."""


def demands(compiled: CompiledGrading, target: int, total: int, unit: int) -> list[Demand] | None:
    """The demands any one of which grades items `target` (a ladder rank) or better.

    Args:
        compiled: a monotone grading (`counterfactual.is_monotone`).
        target: a rank on the grading's ladder.
        total: the weight of all the items, in units.
        unit: how many units one item of weight 1 weighs.

    Returns:
        The demands, none implied by another (an empty list when nothing reaches the target),
        or None when there would be more than `MAX_DEMANDS` of them.

    Raises:
        Unreadable: a clause is not a need (the grading is not monotone).
    """
    grading, ladder, scale = compiled.grading, compiled.ladder, compiled.item_scale
    top = len(scale.values) - 1
    rules = [(ladder.rank(rule.grade), rule) for rule in grading.rules]
    if any(later > earlier for (earlier, _), (later, _) in itertools.pairwise(rules)):
        raise Unreadable  # a later rule for a better grade: reaching it is not one rule holding
    by_grade: dict[int, list[m.GradeRule]] = {}  # the rules of each grade, but `otherwise`
    for rank, rule in rules:
        if not rule.otherwise:
            by_grade.setdefault(rank, []).append(rule)
    alternatives: _Alternatives = []
    for rank, rule in rules:
        if rank < target:
            continue
        these = [_rule_needs(rule, scale, total, unit)]
        if grading.cumulative:  # and each lower grade that has rules must have one of them hold
            these += [
                _any(*(_rule_needs(r, scale, total, unit) for r in lower))
                for grade, lower in by_grade.items()
                if grade < rank
            ]
        combined = _all(these, top, total)
        if combined is None:
            return None
        alternatives += combined
    caps = [cap for cap in grading.caps if ladder.rank(cap.grade) < target]
    keep_off = [_cap_fails(cap, scale, total, unit) for cap in caps]
    result = _all([_simplify(alternatives, top, total), *keep_off], top, total)
    if result is None:
        return None
    return [tuple(sorted(needs.items())) for needs in result]


def _rule_needs(rule: m.GradeRule, scale: m.Scale, total: int, unit: int) -> _Alternatives:
    """The needs of one rule (all must be met), as one alternative; [] if they never can be."""
    needs: dict[int, int] = {}
    lowest: int | None = None  # the lowest rank an item must have to be outside `the others` so far
    for clause in rule.clauses:
        _check_whole(clause)
        kind, rank = clause.quantifier.kind, scale.rank(clause.value)
        if kind == "others":
            if clause.comparison != "at_least" or lowest is None:
                raise Unreadable
            # The others are the items below `lowest`; each must be at least `rank`.
            lowest = min(lowest, rank)
            need: tuple[int, int] | None = (lowest, total)
        elif kind == "none":
            if clause.comparison != "at_best":
                raise Unreadable
            lowest, need = None, (rank + 1, total)  # no item at `rank` or below
        else:
            if clause.comparison != "at_least":
                raise Unreadable
            lowest, need = rank, _at_least(clause.quantifier, rank, total, unit)
        if need is None:
            return []
        needs[need[0]] = max(needs.get(need[0], 0), need[1])
    return [needs]


def _check_whole(clause: m.Clause) -> None:
    """A clause that names a member or counts only some items (`other ...`, a group) is no need
    on the weight of all the items: raise Unreadable. So is any quantifier not read below (`at
    most`, `fewer than`, `exactly`, `no more than`): those raise Unreadable where they are met.
    Neither is a figure clause (`sum of items at most 15`): it reads the items' numbers."""
    quantifier = clause.quantifier
    if clause.member is not None or quantifier.kind == "named" or quantifier.other or quantifier.group is not None:
        raise Unreadable
    if clause.figure is not None:
        raise Unreadable


def _at_least(quantifier: m.Quantifier, rank: int, total: int, unit: int) -> tuple[int, int] | None:
    """`at least <rank> on <quantifier>` as a need; None if it can never hold."""
    kind = quantifier.kind
    if kind == "each":
        return rank, total
    if kind == "majority":
        return rank, total // 2 + 1
    if kind == "some":
        return rank, 1
    if kind == "at_least_count":
        return rank, (quantifier.count or 0) * unit
    if kind == "at_least_share":
        if total == 0:
            return None
        share = quantifier.share if quantifier.share is not None else 1
        return rank, -((-share.numerator * total) // share.denominator)  # ceiling
    raise Unreadable


def _cap_fails(cap: m.CapRule, scale: m.Scale, total: int, unit: int) -> _Alternatives:
    """The ways a cap can fail to hold: one of its clauses fails, each a need."""
    alternatives: _Alternatives = []
    for clause in cap.clauses:
        _check_whole(clause)
        kind, rank = clause.quantifier.kind, scale.rank(clause.value)
        if kind == "none":
            if clause.comparison != "at_least":
                raise Unreadable
            need: int | None = 1  # some weight at `rank` or above
        elif clause.comparison != "at_best" or kind == "others":
            raise Unreadable
        else:
            # The clause holds on the weight at `rank` or below, so it fails on the weight above.
            need = _fails_above(clause.quantifier, total, unit)
            rank += 1
        if need is None:  # the clause never holds: the cap never applies
            return [{}]
        alternatives.append({rank: need})
    return alternatives


def _fails_above(quantifier: m.Quantifier, total: int, unit: int) -> int | None:
    """The weight above the clause's rank at which `at best <rank> on <quantifier>` fails; None: always fails."""
    kind = quantifier.kind
    if kind == "each":
        return 1
    if kind == "majority":
        return total - total // 2
    if kind == "some":
        return total
    if kind == "at_least_count":
        return total - (quantifier.count or 0) * unit + 1
    if kind == "at_least_share":
        if total == 0:
            return None
        share = quantifier.share if quantifier.share is not None else 1
        return total - -((-share.numerator * total) // share.denominator) + 1
    raise Unreadable


def _any(*alternatives: _Alternatives) -> _Alternatives:
    return [needs for alternative in alternatives for needs in alternative]


def _all(parts: Sequence[_Alternatives], top: int, total: int) -> _Alternatives | None:
    """Every way to meet one alternative of each part; None if there are too many."""
    result: _Alternatives = [{}]
    for part in parts:
        merged = []
        for first, second in itertools.product(result, part):
            needs = dict(first)
            for rank, weight in second.items():
                needs[rank] = max(needs.get(rank, 0), weight)
            merged.append(needs)
        result = _simplify(merged, top, total)
        if len(result) > MAX_DEMANDS:
            return None
    return result


def _simplify(alternatives: _Alternatives, top: int, total: int) -> _Alternatives:
    """Drop needs met by any items, alternatives that can never be met, and alternatives implied by others."""
    kept: list[dict[int, int]] = []
    for needs in alternatives:
        if any(weight > (total if rank <= top else 0) for rank, weight in needs.items()):
            continue  # more weight than there is
        tidy = {rank: weight for rank, weight in needs.items() if weight > 0 and rank > 0}
        if any(_implies(tidy, other) for other in kept):
            continue  # meeting it meets one already kept
        kept = [other for other in kept if not _implies(other, tidy)]
        kept.append(tidy)
    return kept


def _implies(stronger: dict[int, int], weaker: dict[int, int]) -> bool:
    """Whether meeting `stronger` always meets `weaker` (so `weaker` alone will do, and `stronger` can go)."""
    return all(
        any(rank >= wanted_rank and weight >= wanted for rank, weight in stronger.items())
        for wanted_rank, wanted in weaker.items()
    )
