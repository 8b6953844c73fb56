"""Kinds of rated items and the demands that reach a grade in, the fewest raises that meet one out, exactly.

The demands (`demands.py`) ask for so much weight at or above some ranks. Only those ranks
matter: an item raised to a rank between two of them meets no more than one raised to the
lower of the two, for fewer steps, so a smallest raise takes every item it changes to one of
them. A raise of one kind of items (`search.Kind`) is then a `Choice`: how many members go to
each of those ranks, and what weight that adds at each.

`Table.best` is a dynamic programme over the kinds, in order: from the weight met so far at each
rank (capped at the most any demand asks), the fewest items and then the fewest steps that the
remaining kinds need to meet a demand. A state that cannot meet any demand even with every
remaining item at the top is dropped. The smallest raise is found demand by demand (each has
few ranks, so few states), and the options are then read off a table for the demands that
reach it, in the order `search.Search` tries raises: that is what makes them the same options.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
from collections.abc import Iterator, Sequence

import attrs

from esirules.explain.demands import Demand
from esirules.explain.search import MAX_OPTIONS, Kind, OutOfBudget

Cost = tuple[int, int]  # items changed, scale steps
State = tuple[int, ...]  # weight met at each rank of the table, capped


@attrs.frozen
class Choice:
    """Raising `count` members of a kind: each one's steps beyond its first (biggest first), and the weight gained."""

    extras: tuple[int, ...]
    gains: tuple[int, ...]  # at each rank of the table
    count: int
    extra: int  # sum(extras)

    @property
    def steps(self) -> int:
        return self.count + self.extra


class Budget:
    """How many more moves the search may make."""

    def __init__(self, moves: int) -> None:
        self.left = moves

    def spend(self, moves: int = 1) -> None:
        self.left -= moves
        if self.left < 0:
            raise OutOfBudget


class Table:
    """The fewest items, then steps, that kinds `k` onwards need to meet one of `goals` from a state."""

    def __init__(self, choices: Sequence[Sequence[Choice]], goals: Sequence[State], budget: Budget) -> None:
        self.choices, self.goals, self.budget = choices, goals, budget
        self.caps = tuple(max(column) for column in zip(*goals)) if goals else ()
        # Headroom: the most weight kinds k onwards can add at each rank (every member at its top choice).
        width = len(self.caps)
        self.headroom: list[State] = [(0,) * width]
        for options in reversed(choices):
            most = tuple(max((c.gains[i] for c in options), default=0) for i in range(width))
            self.headroom.append(tuple(a + b for a, b in zip(most, self.headroom[-1])))
        self.headroom.reverse()
        self.memo: dict[tuple[int, State], Cost | None] = {}

    def add(self, state: State, choice: Choice) -> State:
        return tuple(map(min, self.caps, map(operator.add, state, choice.gains)))

    def alive(self, k: int, state: State) -> bool:
        """Whether some goal can still be met from `state` by kinds `k` onwards."""
        most = tuple(map(operator.add, state, self.headroom[k]))
        return any(all(map(operator.le, goal, most)) for goal in self.goals)

    def best(self, k: int, state: State) -> Cost | None:
        key = (k, state)
        if key in self.memo:
            return self.memo[key]
        found: Cost | None = None
        if k == len(self.choices):
            if any(all(map(operator.le, goal, state)) for goal in self.goals):
                found = (0, 0)
        else:
            self.budget.spend(len(self.choices[k]))
            for choice in self.choices[k]:
                after = self.add(state, choice)
                if not self.alive(k + 1, after):
                    continue
                rest = self.best(k + 1, after)
                if rest is not None:
                    cost = (rest[0] + choice.count, rest[1] + choice.steps)
                    if found is None or cost < found:
                        found = cost
        self.memo[key] = found
        return found


class Raises:
    """The smallest raises of kinds of items that meet one of the demands."""

    def __init__(
        self,
        kinds: Sequence[Kind],
        weights: Sequence[int],
        ranks: Sequence[int],
        units: Sequence[int],
        top: int,
        budget: Budget,
    ) -> None:
        """`weights` are the kinds' weights in units; `ranks` and `units` are every counted item's."""
        self.kinds, self.weights, self.top, self.budget = kinds, weights, top, budget
        self.item_ranks, self.item_units = ranks, units
        self._choices: dict[tuple[tuple[int, ...], int], list[tuple[Choice, ...]]] = {}

    def choices(self, at: tuple[int, ...], floor: int) -> list[tuple[Choice, ...]]:
        """For each kind, every way to raise some of its members to ranks among `at` (sorted), none left below `floor`."""
        if (at, floor) not in self._choices:
            for kind, weight in zip(self.kinds, self.weights):  # a kind's choices are counted before they are listed
                self.budget.spend(_how_many_choices(kind.rank, len(kind.members), weight, at, self.top, floor))
            self._choices[at, floor] = [
                kind_choices(kind.rank, len(kind.members), weight, at, self.top, floor)
                for kind, weight in zip(self.kinds, self.weights)
            ]
        return self._choices[at, floor]

    def start(self, at: tuple[int, ...]) -> State:
        """The weight at or above each rank of `at` before any raise."""
        return tuple(sum(u for r, u in zip(self.item_ranks, self.item_units) if r >= rank) for rank in at)

    def table(self, demands: Sequence[Demand]) -> tuple[Table, State]:
        """The table for meeting one of `demands`, and the state before any raise."""
        at = tuple(sorted({rank for demand in demands for rank, _ in demand}))
        goals = [tuple(dict(demand).get(rank, 0) for rank in at) for demand in demands]
        # A need of all the weight at a rank is a floor: every item that weighs anything must
        # reach it. Items are raised to at least the lowest floor of the demands at once.
        total = sum(self.item_units)
        floor = min(max((rank for rank, need in demand if need >= total), default=0) for demand in demands)
        table = Table(self.choices(at, floor), goals, self.budget)
        start = self.start(at)
        return table, tuple(min(cap, s) for cap, s in zip(table.caps, start))

    def smallest(self, demands: Sequence[Demand], limit: int = MAX_OPTIONS) -> list[tuple[Choice, ...]]:
        """Up to `limit` smallest raises (a choice per kind) that meet one of the demands, in the search's order."""
        tables = [self.table([demand]) for demand in demands]
        costs = [table.best(0, start) for table, start in tables]
        found = [cost for cost in costs if cost is not None]
        if not found:
            return []
        optimum = min(found)
        reaching = [d for d, cost in zip(demands, costs) if cost == optimum]
        table, start = tables[costs.index(optimum)] if len(reaching) == 1 else self.table(reaching)
        return list(itertools.islice(self._in_order(table, start, optimum), limit))

    def _in_order(self, table: Table, start: State, optimum: Cost) -> Iterator[tuple[Choice, ...]]:
        """Every smallest raise, in the search's order: by counts, then extra steps, then how they are shared."""
        for counts in self._counts(table, 0, {start: 0}, 0, (), optimum):
            by_count = [[c for c in options if c.count == n] for options, n in zip(table.choices, counts)]
            counted = Table(by_count, table.goals, self.budget)
            for extras in self._extras(counted, 0, {start}, 0, (), optimum[1]):
                fixed = [[c for c in options if c.extra == e] for options, e in zip(by_count, extras)]
                yield from self._shares(Table(fixed, table.goals, self.budget), 0, start, ())

    def _counts(
        self,
        table: Table,
        k: int,
        states: dict[State, int],
        used: int,
        counts: tuple[int, ...],
        optimum: Cost,
    ) -> Iterator[tuple[int, ...]]:
        """How many members of each kind change, most of the first kinds first; `states`: steps so far."""
        if k == len(self.kinds):
            yield counts
            return
        by_count: dict[int, list[Choice]] = {}
        for choice in table.choices[k]:
            by_count.setdefault(choice.count, []).append(choice)
        for count in range(min(len(self.kinds[k].members), optimum[0] - used), -1, -1):
            after: dict[State, int] = {}
            self.budget.spend(len(states) * len(by_count.get(count, ())))
            for state, steps in states.items():
                for choice in by_count.get(count, ()):
                    new, total = table.add(state, choice), steps + choice.steps
                    rest = table.best(k + 1, new) if table.alive(k + 1, new) else None
                    # INVARIANT: only states on the way to a smallest raise are kept.
                    if rest is not None and (used + count + rest[0], total + rest[1]) == optimum:
                        after[new] = min(total, after.get(new, total))
            if after:
                yield from self._counts(table, k + 1, after, used + count, (*counts, count), optimum)

    def _extras(
        self, table: Table, k: int, states: set[State], used: int, extras: tuple[int, ...], steps: int
    ) -> Iterator[tuple[int, ...]]:
        """How many extra steps each kind takes (the counts fixed in `table`), most on the first kinds first."""
        if k == len(self.kinds):
            yield extras
            return
        by_extra: dict[int, list[Choice]] = {}
        for choice in table.choices[k]:
            by_extra.setdefault(choice.extra, []).append(choice)
        for extra in sorted(by_extra, reverse=True):
            after = set()
            self.budget.spend(len(states) * len(by_extra[extra]))
            for state in states:
                for choice in by_extra[extra]:
                    new = table.add(state, choice)
                    rest = table.best(k + 1, new) if table.alive(k + 1, new) else None
                    if rest is not None and used + choice.steps + rest[1] == steps:
                        after.add(new)
            if after:
                yield from self._extras(
                    table, k + 1, after, used + table.choices[k][0].count + extra, (*extras, extra), steps
                )

    def _shares(
        self, table: Table, k: int, state: State, chosen: tuple[Choice, ...]
    ) -> Iterator[tuple[Choice, ...]]:
        """How each kind's extra steps are shared among its members, the biggest raise first."""
        if k == len(self.kinds):
            yield chosen
            return
        for choice in sorted(table.choices[k], key=lambda c: c.extras, reverse=True):
            new = table.add(state, choice)
            if table.alive(k + 1, new) and table.best(k + 1, new) is not None:
                yield from self._shares(table, k + 1, new, (*chosen, choice))


@functools.lru_cache(maxsize=1024)
def kind_choices(
    rank: int, members: int, weight: int, at: tuple[int, ...], top: int, floor: int = 0
) -> tuple[Choice, ...]:
    """Every way to raise some of `members` items of `rank` and `weight` to ranks among `at`, fewest first.

    Below `floor`, an item that weighs anything must be raised to it or above: then every
    member is raised. Cached: the higher grades of one criterion, and the criteria of one
    ruleset, ask the same of the same kinds again and again.
    """
    forced = weight > 0 and rank < floor
    points = [r for r in reversed(at) if rank < r <= top and (r >= floor or not forced)]  # highest first
    most = members if weight > 0 else 0  # raising an item of no weight meets nothing
    out = []
    for count in range(members if forced else 0, most + 1):
        for raised in itertools.combinations_with_replacement(points, count):
            extras = tuple(r - rank - 1 for r in raised)
            gains = tuple(weight * sum(1 for r in raised if r >= t) if t > rank else 0 for t in at)
            out.append(Choice(extras, gains, count, sum(extras)))
    return tuple(out)


def _how_many_choices(rank: int, members: int, weight: int, at: tuple[int, ...], top: int, floor: int) -> int:
    """How many choices `kind_choices` lists for these arguments."""
    if weight == 0:
        return 1
    if rank < floor:  # every member raised, to one of the ranks from the floor up
        points = sum(1 for r in at if floor <= r <= top)
        return math.comb(members + points - 1, members) if points else int(members == 0)
    points = sum(1 for r in at if rank < r <= top)
    return math.comb(members + points, members)
