"""Smallest changes: a graded criterion result and a target grade in, the fewest rating changes that reach it out.

The search raises ratings only. It looks for the fewest items to change, then, among
changes of that many items, the fewest scale steps. Items with the same rating and weight
are interchangeable (a grading counts items, it never names them), so each such kind is
searched once, and the changes are shown on the first items of the kind.

Most gradings are monotone (better ratings never give a worse grade; see `is_monotone`).
For them the search can prune: a set of items that cannot reach the target even at the
top rating is dropped, and the fewest steps are found by lowering from the top. Other
gradings are searched exhaustively, within a budget.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from fractions import Fraction

import attrs

from esirules.language import model as m
from esirules.scoring.compile import CompiledGrading, Evaluator
from esirules.scoring.grading import clauses_hold, decide, weight_units
from esirules.scoring.result import CriterionResult

MAX_OPTIONS = 5
BUDGET = 50_000  # gradings tried before the search gives up


@attrs.frozen
class ItemChange:
    """One item's rating raised `steps` steps; `measure` names the target data it stands for."""

    item: str
    rating: str
    to: str
    steps: int
    measure: str | None = None


@attrs.frozen
class SmallestChanges:
    """The smallest changes in item ratings that give `target` or better."""

    criterion: str
    target: str
    grade: str | None  # the computed grade now (before any adjustment)
    options: tuple[tuple[ItemChange, ...], ...]  # each alone reaches the target; ((),) if already there
    grades: tuple[str, ...]  # the grade each option gives
    reason: str | None = None  # why there is no option

    @property
    def already_reached(self) -> bool:
        return self.options == ((),)


@attrs.frozen
class _Kind:
    """Interchangeable items: same rank, same weight."""

    rank: int
    members: tuple[int, ...]  # item positions, in the criterion's order
    room: int  # steps each can rise beyond its first


_UNDECIDED = "\0undecided"


class _OutOfBudget(Exception):
    pass


def smallest_changes(
    evaluator: Evaluator, criterion: CriterionResult, target_grade: str, *, budget: int = BUDGET
) -> SmallestChanges:
    """The fewest item-rating changes (then fewest scale steps) that grade `criterion` `target_grade` or better.

    Args:
        evaluator: the evaluator that produced `criterion`.
        criterion: a descriptive criterion's result.
        target_grade: a grade on the criterion's ladder.
        budget: how many gradings to try before giving up.

    Returns:
        Up to five equally small options, or none with a reason.
    """
    found = SmallestChanges(criterion.id, target_grade, criterion.computed_grade, (), ())
    model = evaluator.ruleset.criterion(criterion.id)
    if criterion.kind != "descriptive" or model.grading is None:
        return attrs.evolve(found, reason=f"criterion {criterion.id} is not graded from items")
    compiled = evaluator.gradings[model.grading]
    ladder, scale = compiled.ladder, compiled.item_scale
    if target_grade not in ladder.values:
        return attrs.evolve(found, reason=f"`{target_grade}` is not a grade on ladder {ladder.name}")
    if criterion.computed_grade is None:
        return attrs.evolve(
            found, reason=f"criterion {criterion.id} has no computed grade: {criterion.reason}"
        )
    if ladder.rank(criterion.computed_grade) >= ladder.rank(target_grade):
        return attrs.evolve(found, options=((),), grades=(criterion.computed_grade,))
    items = [item for item in criterion.items if item.counted and item.rating is not None]
    search = _Search(
        compiled,
        [scale.rank(i.rating) for i in items if i.rating is not None],
        [i.weight for i in items],
        target_grade,
        budget,
        [i.id for i in items],
        [i.group for i in items],
    )
    try:
        solutions = search.run()
    except _OutOfBudget:
        return attrs.evolve(found, reason=f"no change found within {budget} tries; search stopped")
    if not solutions:
        return attrs.evolve(found, reason=f"no raising of item ratings gives {target_grade}")
    measures = [None if item.measure is None else item.measure.measure for item in items]
    options = tuple(
        tuple(
            ItemChange(
                items[i].id,
                scale.value_at(search.ranks[i]),
                scale.value_at(new[i]),
                new[i] - search.ranks[i],
                measures[i],
            )
            for i in range(len(items))
            if new[i] != search.ranks[i]
        )
        for new, _ in solutions
    )
    return attrs.evolve(found, options=options, grades=tuple(grade for _, grade in solutions))


class _Search:
    def __init__(
        self,
        compiled: CompiledGrading,
        ranks: list[int],
        weights: list[Fraction],
        target: str,
        budget: int,
        ids: Sequence[str] = (),
        groups: Sequence[str | None] = (),
    ) -> None:
        self.compiled, self.ranks, self.weights, self.budget = compiled, ranks, weights, budget
        self.ids, self.groups = tuple(ids), tuple(groups)
        # A grading that names members tells items apart; one that does not counts only ratings.
        grading = compiled.grading
        clauses = [c for r in grading.rules for c in r.clauses] + [c for r in grading.caps for c in r.clauses]
        self.names = any(c.member is not None or c.quantifier.group is not None for c in clauses)
        self.target = compiled.ladder.rank(target)
        top = len(compiled.item_scale.values) - 1
        # Items of one rating and weight are interchangeable unless the grading tells them apart
        # (by name or group): then each item is a kind of its own.
        alike: dict[tuple[int, Fraction, int], list[int]] = {}
        for index, (rank, weight) in enumerate(zip(ranks, weights)):
            if rank < top:
                alike.setdefault((rank, weight, index if self.names else -1), []).append(index)
        self.kinds = [_Kind(rank, tuple(members), top - rank - 1) for (rank, _, _), members in alike.items()]
        self.monotone = is_monotone(compiled)
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

    def reaches(self, counts: Sequence[int], extras: Sequence[Sequence[int]]) -> tuple[list[int], str] | None:
        """The new ranks and grade if this raise reaches the target."""
        self.budget -= 1
        if self.budget < 0:
            raise _OutOfBudget
        new = list(self.ranks)
        for kind, count, steps in zip(self.kinds, counts, extras):
            for member, extra in zip(kind.members[:count], steps):
                new[member] = kind.rank + 1 + extra
        # A grading that never names items counts ratings by weight, so equal multisets of
        # (rating, weight) get the same grade: decide each multiset once.
        key = tuple(zip(new, self.units[0])) if self.names else tuple(sorted(zip(new, self.units[0])))
        if self.deciding_rules is not None and not self._some_deciding_rule_holds(key, new):
            return None
        grade = self.decided.get(key, _UNDECIDED)
        if grade is _UNDECIDED:
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
                rule.otherwise or clauses_hold(rule.clauses, scale, ranks, units, unit, self.ids, self.groups)
                for rule in self.deciding_rules
            )
            self.held[key] = held
        return held

    def run(self) -> list[tuple[list[int], str]]:
        for size in range(1, sum(len(k.members) for k in self.kinds) + 1):
            candidates = list(_split(size, [len(k.members) for k in self.kinds]))
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

    def _at_level(self, counts: Sequence[int], level: int, limit: int) -> list[tuple[list[int], str]]:
        """Up to `limit` raises of these items with `level` steps beyond the first of each."""
        out = []
        for extras in _assignments(self.kinds, counts, level):
            hit = self.reaches(counts, extras)
            if hit is not None:
                out.append(hit)
                if len(out) >= limit:
                    break
        return out

    def _fewest_steps(self, candidates: list[tuple[int, ...]]) -> list[tuple[list[int], str]]:
        """Exhaustive: every level from the fewest steps up."""
        for level in range(max((self._most(c) for c in candidates), default=-1) + 1):
            solutions = [
                s for c in candidates if level <= self._most(c) for s in self._at_level(c, level, MAX_OPTIONS)
            ]
            if solutions:
                return solutions[:MAX_OPTIONS]
        return []

    def _fewest_steps_monotone(self, candidates: list[tuple[int, ...]]) -> list[tuple[list[int], str]]:
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
        solutions: list[tuple[list[int], str]] = []
        for counts, level in lowest.items():
            if level == best and len(solutions) < MAX_OPTIONS:
                solutions.extend(self._at_level(counts, level, MAX_OPTIONS - len(solutions)))
        return solutions


def is_monotone(compiled: CompiledGrading) -> bool:
    """Whether raising a rating can never lower the grade, judged from the rules' form.

    True when the rules are written best grade first, every rule's clauses hold more easily
    as ratings rise (`at least` on some, each, the majority, a count, a share, the others),
    and every cap's clauses hold less easily (`at best` on ..., or `at least` on none).
    """
    grading, ladder = compiled.grading, compiled.ladder
    ranks = [ladder.rank(rule.grade) for rule in grading.rules]
    if any(later > earlier for earlier, later in itertools.pairwise(ranks)):
        return False
    rising = all(_rises(c, i, rule.clauses) for rule in grading.rules for i, c in enumerate(rule.clauses))
    falling = all(_falls(c) for cap in grading.caps for c in cap.clauses)
    return rising and falling


# Quantifiers that bound the members satisfying a clause from above: fewer satisfying is easier.
_UPPER = frozenset({"none", "at_most_count", "fewer_than_count", "at_most_share"})


def _rises(clause: m.Clause, index: int, clauses: Sequence[m.Clause]) -> bool:
    kind = clause.quantifier.kind
    if kind == "others":
        return index > 0 and clause.comparison == "at_least" and clauses[index - 1].comparison == "at_least"
    if kind == "exactly_count" or (kind == "named" and clause.comparison == "exactly"):
        return False  # raising a rating can make it hold or stop holding
    if kind in _UPPER:
        return clause.comparison == "at_best"
    return clause.comparison == "at_least"


def _falls(clause: m.Clause) -> bool:
    kind = clause.quantifier.kind
    if kind in ("others", "exactly_count") or (kind == "named" and clause.comparison == "exactly"):
        return False
    if kind in _UPPER:
        return clause.comparison == "at_least"
    return clause.comparison == "at_best"


def _assignments(
    kinds: Sequence[_Kind], counts: Sequence[int], level: int
) -> Iterator[list[tuple[int, ...]]]:
    """Every way to spread `level` extra steps over the chosen members of each kind."""
    for split in _split(level, [k.room * n for k, n in zip(kinds, counts)]):
        yield from (
            list(p)
            for p in itertools.product(*(_partitions(e, n, k.room) for k, n, e in zip(kinds, counts, split)))
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


def _split(total: int, limits: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """Every way to write `total` as a sum of counts, each no more than its limit."""
    if not limits:
        if total == 0:
            yield ()
        return
    for first in range(min(total, limits[0]), -1, -1):
        if total - first <= sum(limits[1:]):
            for rest in _split(total - first, limits[1:]):
                yield (first, *rest)
