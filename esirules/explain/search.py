"""Raises tried one by one: item ranks, weights and a grading in, the smallest raises that reach a grade out.

This is the general search of `counterfactual`: it tries raises of one item, then of two,
and so on, and for each number of items the raises with the fewest scale steps first,
deciding each raise with the grading itself. It needs nothing but the grading's decision,
so it serves the gradings that `raises` cannot read as demands (and the tests, as the
reference that the exact search is compared with).

Items with the same rating and weight are interchangeable (a grading counts items, it never
names them), so they form one `Kind`, and each kind is searched once: a raise says how many
members of each kind change and by how many extra steps, the biggest raises on the first
members. Options come in one order (`Search.run`), which `raises` keeps too.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from fractions import Fraction

import attrs

from esirules.language import model as m
from esirules.scoring.compile import CompiledGrading
from esirules.scoring.grading import clauses_hold, decide, weight_units

MAX_OPTIONS = 5

Raise = tuple[list[int], str]  # the new rank of every item, and the grade they give


@attrs.frozen
class Kind:
    """Interchangeable items: same rank, same weight."""

    rank: int
    members: tuple[int, ...]  # item positions, in the criterion's order
    room: int  # steps each can rise beyond its first


class OutOfBudget(Exception):
    """The search tried as many raises as it was allowed and stopped."""


def kinds_of(ranks: Sequence[int], weights: Sequence[Fraction], top: int, apart: bool = False) -> list[Kind]:
    """The kinds of items that can be raised (below the top rank), in order of their first member.

    Items of one rating and weight are interchangeable unless the grading tells them apart (by
    name or group; `apart`): then each item is a kind of its own."""
    alike: dict[tuple[int, Fraction, int], list[int]] = {}
    for index, (rank, weight) in enumerate(zip(ranks, weights)):
        if rank < top:
            alike.setdefault((rank, weight, index if apart else -1), []).append(index)
    return [Kind(rank, tuple(members), top - rank - 1) for (rank, _, _), members in alike.items()]


class Search:
    """The smallest raises of `ranks` that grade `target` or better, found by trying raises in order.

    With `monotone` (raising a rating never lowers the grade; see `counterfactual.is_monotone`)
    the search prunes: items that cannot reach the target even at the top rating are dropped,
    and the fewest steps are found by lowering from the top. Without it, every raise of the
    fewest items is tried, level by level.
    """

    def __init__(
        self,
        compiled: CompiledGrading,
        ranks: list[int],
        weights: list[Fraction],
        target: str,
        budget: int,
        *,
        monotone: bool,
        ids: Sequence[str] = (),
        groups: Sequence[str | None] = (),
    ) -> None:
        self.compiled, self.ranks, self.weights, self.budget = compiled, ranks, weights, budget
        self.ids, self.groups = tuple(ids), tuple(groups)
        self.apart = compiled.meaning.tells_items_apart  # the grading names members or counts groups
        self.target = compiled.ladder.rank(target)
        self.kinds = kinds_of(ranks, weights, len(compiled.item_scale.values) - 1, self.apart)
        self.monotone = monotone
        self.units = weight_units(weights)
        # A monotone grading without caps or gating reaches the target exactly when one of the
        # rules for the target or a better grade holds, so only those rules need trying; the
        # full grading is then decided only for the raises that reach it.
        grading, ladder = compiled.grading, compiled.ladder
        self.deciding_rules: list[m.GradeRule] | None = None
        if self.monotone and not grading.caps and not grading.cumulative:
            self.deciding_rules = [r for r in grading.rules if ladder.rank(r.grade) >= self.target]
        self.held: dict[tuple[tuple[int, int], ...], bool] = {}
        self.decided: dict[tuple[tuple[int, int], ...], str | None] = {}

    def reaches(self, counts: Sequence[int], extras: Sequence[Sequence[int]]) -> Raise | None:
        """The new ranks and grade if this raise reaches the target."""
        self.budget -= 1
        if self.budget < 0:
            raise OutOfBudget
        new = list(self.ranks)
        for kind, count, steps in zip(self.kinds, counts, extras):
            for member, extra in zip(kind.members[:count], steps):
                new[member] = kind.rank + 1 + extra
        # A grading that never names items counts ratings by weight, so equal multisets of
        # (rating, weight) get the same grade: decide each multiset once.
        key = tuple(zip(new, self.units[0])) if self.apart else tuple(sorted(zip(new, self.units[0])))
        if self.deciding_rules is not None and not self._some_deciding_rule_holds(key, new):
            return None
        if key in self.decided:
            grade = self.decided[key]
        else:
            grade = decide(
                self.compiled, new, self.weights, every_rule=False, units=self.units, ids=self.ids, groups=self.groups
            ).grade
            self.decided[key] = grade
        if grade is None or self.compiled.ladder.rank(grade) < self.target:
            return None
        return new, grade

    def _some_deciding_rule_holds(self, key: tuple[tuple[int, int], ...], ranks: list[int]) -> bool:
        held = self.held.get(key)
        if held is None:
            assert self.deciding_rules is not None
            units, unit = self.units
            scale = self.compiled.item_scale
            held = any(
                rule.otherwise
                or clauses_hold(
                    rule.clauses, scale, ranks, units, unit, self.ids, self.groups, self.compiled.grading.means
                )
                for rule in self.deciding_rules
            )
            self.held[key] = held
        return held

    def run(self) -> list[Raise]:
        """Up to `MAX_OPTIONS` raises of the fewest items, then the fewest steps, in the search's order.

        The order: how many members of each kind change (more of the first kinds first), then
        how many extra steps each kind takes (more on the first kinds first), then how those
        steps are shared within each kind (the biggest raise first).
        """
        for size in range(1, sum(len(k.members) for k in self.kinds) + 1):
            candidates = list(split(size, [len(k.members) for k in self.kinds]))
            if self.monotone:
                # INVARIANT: monotone, so items that cannot reach the target at the top never will.
                candidates = [
                    c for c in candidates if self.reaches(c, [[k.room] * n for k, n in zip(self.kinds, c)])
                ]
                if candidates:
                    return self._fewest_steps_monotone(candidates)
            else:
                solutions = self._fewest_steps(candidates)
                if solutions:
                    return solutions
        return []

    def _most(self, counts: Sequence[int]) -> int:
        return sum(k.room * n for k, n in zip(self.kinds, counts))

    def _at_level(self, counts: Sequence[int], level: int, limit: int) -> list[Raise]:
        """Up to `limit` raises of these items with `level` steps beyond the first of each."""
        out = []
        for extras in _assignments(self.kinds, counts, level):
            hit = self.reaches(counts, extras)
            if hit is not None:
                out.append(hit)
                if len(out) >= limit:
                    break
        return out

    def _fewest_steps(self, candidates: list[tuple[int, ...]]) -> list[Raise]:
        """Exhaustive: every level from the fewest steps up."""
        for level in range(max((self._most(c) for c in candidates), default=-1) + 1):
            solutions = [
                s for c in candidates if level <= self._most(c) for s in self._at_level(c, level, MAX_OPTIONS)
            ]
            if solutions:
                return solutions[:MAX_OPTIONS]
        return []

    def _fewest_steps_monotone(self, candidates: list[tuple[int, ...]]) -> list[Raise]:
        """Each candidate reaches the target at its top; lower it step by step while it still does."""
        best: int | None = None
        lowest: dict[tuple[int, ...], int] = {}
        for counts in candidates:
            level = self._most(counts) if best is None else min(self._most(counts), best)
            if level < self._most(counts) and not self._at_level(counts, level, 1):
                continue  # INVARIANT: monotone, so no lower level reaches either
            while level > 0 and self._at_level(counts, level - 1, 1):
                level -= 1
            lowest[counts] = level
            best = level if best is None else min(best, level)
        solutions: list[Raise] = []
        for counts, level in lowest.items():
            if level == best and len(solutions) < MAX_OPTIONS:
                solutions.extend(self._at_level(counts, level, MAX_OPTIONS - len(solutions)))
        return solutions


def _assignments(kinds: Sequence[Kind], counts: Sequence[int], level: int) -> Iterator[list[tuple[int, ...]]]:
    """Every way to spread `level` extra steps over the chosen members of each kind."""
    for spread in split(level, [k.room * n for k, n in zip(kinds, counts)]):
        yield from (
            list(p)
            for p in itertools.product(*(_partitions(e, n, k.room) for k, n, e in zip(kinds, counts, spread)))
        )


def _partitions(total: int, parts: int, cap: int) -> list[tuple[int, ...]]:
    """Non-increasing tuples of `parts` numbers from 0 to `cap` adding up to `total`."""
    if parts == 0:
        return [()] if total == 0 else []
    return [
        (first, *rest)
        for first in range(min(cap, total), -1, -1)
        if first * parts >= total
        for rest in _partitions(total - first, parts - 1, first)
    ]


def split(total: int, limits: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """Every way to write `total` as a sum of counts, each no more than its limit (the first largest first)."""
    if not limits:
        if total == 0:
            yield ()
        return
    for first in range(min(total, limits[0]), -1, -1):
        if total - first <= sum(limits[1:]):
            for rest in split(total - first, limits[1:]):
                yield (first, *rest)
