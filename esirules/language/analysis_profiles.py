"""Every rating profile a grading can meet: the item sets that use it in, packed profiles (`profiles.Profiles`) out.

An *item set* is what one criterion (or one aggregate) hands a grading: so many items of each
weight, each rated on some of the scale's ratings (all of them, or for an item rated from target
data, those its bands can give). Its rating profiles are the multisets of ratings per weight;
the grading sees only how much weight sits at each rating, so profiles with the same weights per
rating are one.

Profiles are enumerated as compositions (how many items at each rating), built as packed columns
directly, best ratings first: profile 0 of a set has every item at its best rating. For items of
several weights the weights per rating are enumerated once each when every one of them can be
made from the items (the condition is in `_every_sum_made`); otherwise every combination of the
weights' multisets is enumerated.
"""

from __future__ import annotations

import math
from functools import lru_cache

import attrs

from esirules.language.limits import MAX_RATING_PROFILES
from esirules.language.profiles import Profiles


@attrs.frozen(order=True)
class Group:
    """`count` items of `weight` units, each rated at one of `ranks` (ascending)."""

    weight: int
    count: int
    ranks: tuple[int, ...]


@attrs.frozen
class ItemSet:
    """Items a grading is applied to, and whose items they are (for messages)."""

    groups: tuple[Group, ...]
    owners: tuple[str, ...] = attrs.field(eq=False, default=())

    @property
    def items(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def total(self) -> int:
        return sum(g.count * g.weight for g in self.groups)


@attrs.frozen(eq=False)
class Block:
    """The profiles of one item set: `count` of them from `start` in the pack."""

    item_set: ItemSet
    start: int
    count: int
    columns: tuple[int, ...]  # weight per rank, this block's profiles only
    # For items of several weights enumerated one multiset each: each group's counts per rank.
    group_columns: tuple[tuple[int, ...], ...] | None = None


@attrs.frozen(eq=False)
class Pack:
    """Every profile of every item set, in one `Profiles`; and the item sets too large to enumerate."""

    profiles: Profiles
    blocks: tuple[Block, ...]
    skipped: tuple[ItemSet, ...]

    def block_of(self, index: int) -> Block:
        return next(b for b in self.blocks if b.start <= index < b.start + b.count)

    def counts(self, index: int) -> tuple[tuple[Group, tuple[int, ...]], ...]:
        """A profile as items: each group and how many of its items are at each rank."""
        block = self.block_of(index)
        local = index - block.start
        width = self.profiles.width
        ranks = len(self.profiles.weights)
        if block.group_columns is not None:
            return tuple(
                (group, tuple(_field(c, local, width) for c in columns))
                for group, columns in zip(block.item_set.groups, block.group_columns)
            )
        weights = tuple(_field(c, local, width) for c in block.columns)
        return split(block.item_set, weights, ranks)

    def with_item_at(self, index: int, group: Group, rank: int) -> tuple[tuple[Group, tuple[int, ...]], ...]:
        """The profile as items, with one item of `group` at `rank` (it has one)."""
        block = self.block_of(index)
        if block.group_columns is not None:
            return self.counts(index)
        local = index - block.start
        weights = [_field(c, local, self.profiles.width) for c in block.columns]
        weights[rank] -= group.weight
        groups = tuple(attrs.evolve(g, count=g.count - 1) if g == group else g for g in block.item_set.groups)
        placed = split(ItemSet(groups), tuple(weights), len(weights))
        return tuple(
            (g, tuple(n + (1 if g == group and r == rank else 0) for r, n in enumerate(counts)))
            for g, (_, counts) in zip(block.item_set.groups, placed)
        )


def _field(column: int, index: int, width: int) -> int:
    return (column >> (index * width)) & ((1 << width) - 1)


# ---------------------------------------------------------------------------------------------
# Building


def pack(item_sets: tuple[ItemSet, ...], ranks: int, unit: int, width: int) -> Pack:
    """Every profile of the item sets, in order (fewest items first), in one `Profiles`."""
    blocks: list[Block] = []
    skipped: list[ItemSet] = []
    start = 0
    for item_set in item_sets:
        if profile_count(item_set) > MAX_RATING_PROFILES:
            skipped.append(item_set)
            continue
        count, columns, group_columns = _enumerate(item_set, ranks, width)
        blocks.append(Block(item_set, start, count, columns, group_columns))
        start += count
    packed = [0] * ranks
    for block in blocks:
        shift = block.start * width
        for rank, column in enumerate(block.columns):
            packed[rank] |= column << shift
    return Pack(Profiles(start, width, packed, unit), tuple(blocks), tuple(skipped))


def profile_count(item_set: ItemSet) -> int:
    """How many rating profiles (multisets of ratings per weight) the item set has."""
    return math.prod(math.comb(g.count + len(g.ranks) - 1, len(g.ranks) - 1) for g in item_set.groups)


def _enumerate(
    item_set: ItemSet, ranks: int, width: int
) -> tuple[int, tuple[int, ...], tuple[tuple[int, ...], ...] | None]:
    groups = item_set.groups
    if not groups:
        return 1, (0,) * ranks, None
    if len(groups) == 1:
        group = groups[0]
        count, parts = compositions(group.count, len(group.ranks), width)
        return count, _spread(parts, group.ranks, ranks, group.weight), None
    if _every_sum_made(groups):
        common = math.gcd(*(g.weight for g in groups))
        allowed = groups[0].ranks
        count, parts = compositions(item_set.total // common, len(allowed), width)
        return count, _spread(parts, allowed, ranks, common), None
    return _product(groups, ranks, width)


def _spread(parts: tuple[int, ...], allowed: tuple[int, ...], ranks: int, weight: int) -> tuple[int, ...]:
    columns = [0] * ranks
    for rank, part in zip(allowed, parts):
        columns[rank] = part * weight
    return tuple(columns)


def _every_sum_made(groups: tuple[Group, ...]) -> bool:
    """Whether every way of putting the items' total weight at the ratings can be made from the
    items, even with any one item held back (so a raise of any item can be shown): all groups
    rate on the same ratings, and in units of their common divisor the lightest items weigh 1
    and number at least ratings × (heaviest - 1), so the heavier items can always be placed
    first, each where room is left, and the lightest fill what remains."""
    allowed = groups[0].ranks
    if any(g.ranks != allowed for g in groups):
        return False
    common = math.gcd(*(g.weight for g in groups))
    lightest = min(groups, key=lambda g: g.weight)
    heaviest = max(g.weight for g in groups) // common
    return lightest.weight == common and lightest.count - 1 >= len(allowed) * (heaviest - 1)


def split(item_set: ItemSet, weights: tuple[int, ...], ranks: int) -> tuple[tuple[Group, tuple[int, ...]], ...]:
    """Weights per rank as items: the heavier items placed first where room is left, the
    lightest filling the rest (always possible under `_every_sum_made`)."""
    room = list(weights)
    placed: dict[Group, list[int]] = {g: [0] * ranks for g in item_set.groups}
    ordered = sorted(item_set.groups, key=lambda g: -g.weight)
    for group in ordered[:-1]:
        for _ in range(group.count):
            rank = next(r for r in reversed(group.ranks) if room[r] >= group.weight)
            room[rank] -= group.weight
            placed[group][rank] += 1
    last = ordered[-1]
    for rank in last.ranks:
        placed[last][rank] += room[rank] // last.weight
    return tuple((g, tuple(placed[g])) for g in item_set.groups)


@lru_cache(maxsize=256)
def compositions(total: int, parts: int, width: int) -> tuple[int, tuple[int, ...]]:
    """Every way to put `total` items at `parts` ratings, as columns (part 0 first) of packed
    fields, in order of the counts at part 0, then part 1, ...: the first puts all at the last part."""
    if parts == 1:
        return 1, (total,)
    count = 0
    columns = [0] * parts
    for first in range(total + 1):
        n, rest = compositions(total - first, parts - 1, width)
        shift = width * count
        ones = ((1 << (width * n)) - 1) // ((1 << width) - 1)
        columns[0] |= (first * ones) << shift
        for index, column in enumerate(rest, 1):
            columns[index] |= column << shift
        count += n
    return count, tuple(columns)


def _product(
    groups: tuple[Group, ...], ranks: int, width: int
) -> tuple[int, tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """Every combination of each group's multisets: the first group varies fastest."""
    size = width // 8
    count = 1
    laid: list[tuple[int, ...]] = []
    for group in groups:
        n, parts = compositions(group.count, len(group.ranks), width)
        spread = _spread(parts, group.ranks, ranks, 1)
        # Earlier groups' columns repeat as a whole n times; this group's fields each repeat
        # `count` times (one for every combination so far).
        laid = [tuple(_tile(c, count, n, size) for c in columns) for columns in laid]
        laid.append(tuple(_stretch(c, n, count, size) for c in spread))
        count *= n
    columns = tuple(sum(g.weight * laid[i][r] for i, g in enumerate(groups)) for r in range(ranks))
    return count, columns, tuple(laid)


def _tile(column: int, fields: int, times: int, size: int) -> int:
    data = column.to_bytes(fields * size, "little")
    return int.from_bytes(data * times, "little")


def _stretch(column: int, fields: int, times: int, size: int) -> int:
    data = column.to_bytes(fields * size, "little")
    return int.from_bytes(b"".join(data[i * size : (i + 1) * size] * times for i in range(fields)), "little")
