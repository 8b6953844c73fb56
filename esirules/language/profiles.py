"""Rating profiles packed into integers: item weights by rating in, exact linear tests on all profiles at once out.

A rating profile is how much item weight sits at each rating of a scale (in whole weight
units). A grading's decision depends on nothing else (it counts items by weight and never
names them), so a set of profiles is held as one integer per rating, a *column*, with one
field of `width` bits per profile. Adding two columns adds every profile's figures at once, in
C, with no carry between fields as long as every figure fits its field.

A test `a·S + b·D + c·U ≥ 0` (see `semantics.Test`) is worked out for every profile by adding a
bias of 2^(width-1) to each field: the field's top bit is then set exactly where the test
holds. Those top bits form a *truth*, an integer with one bit per profile; `&`, `|` and `& ~`
combine truths. Scoring decides one profile (a pack of one); the checker's analysis decides
every profile of a grading's items in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import attrs


@attrs.frozen
class Test:
    """`satisfying·S + domain·D + items·U ≥ 0` (`> 0` if strict): a linear condition on a clause's weights.

    S is the weight of the items that satisfy the clause, D the weight of the items it counts
    (its domain), U the weight of one item of weight 1; all in whole weight units.
    """

    satisfying: int
    domain: int = 0
    items: int = 0
    strict: bool = False


class Profiles:
    """`count` rating profiles: item weight per rank, packed one field of `width` bits per profile."""

    def __init__(self, count: int, width: int, weights: Sequence[int], unit: int):
        self.count = count
        self.width = width
        self.weights = tuple(weights)  # one column per rank of the scale, worst first
        self.unit = unit  # weight units in an item of weight 1
        self.ones = ((1 << (width * count)) - 1) // ((1 << width) - 1)  # 1 in every field
        self.every = self.ones << (width - 1)  # the truth that holds for every profile
        self._sums: dict[frozenset[int], int] = {}

    @classmethod
    def single(cls, weights: Sequence[int], unit: int, width: int) -> Profiles:
        """One profile: `weights[r]` units of item weight at rank r."""
        return cls(1, width, weights, unit)

    # --- figures ---
    def weight(self, ranks: frozenset[int]) -> int:
        """The column of item weight rated at any of `ranks`."""
        found = self._sums.get(ranks)
        if found is None:
            found = sum((self.weights[r] for r in ranks), 0)
            self._sums[ranks] = found
        return found

    def test(self, test: Test, satisfying: int, domain: int) -> int:
        """Where `test` holds, given the columns of satisfying and domain weight."""
        packed = self.every + test.satisfying * satisfying + test.domain * domain
        if test.items:
            packed += test.items * self.unit * self.ones
        if test.strict:  # figures are whole units, so `> 0` is `- 1 >= 0`
            packed -= self.ones
        return packed & self.every

    # --- truths ---
    def all_of(self, truths: Iterable[int]) -> int:
        result = self.every
        for truth in truths:
            result &= truth
        return result

    @staticmethod
    def any_of(truths: Iterable[int]) -> int:
        result = 0
        for truth in truths:
            result |= truth
        return result

    def holds_at(self, truth: int, index: int) -> bool:
        return bool(truth >> (index * self.width + self.width - 1) & 1)

    def first(self, truth: int) -> int | None:
        """The lowest-numbered profile where `truth` holds."""
        if not truth:
            return None
        return ((truth & -truth).bit_length() - 1) // self.width

    def indices(self, truth: int) -> Iterator[int]:
        """Every profile where `truth` holds, lowest first."""
        while truth:
            low = truth & -truth
            yield (low.bit_length() - 1) // self.width
            truth ^= low

    @staticmethod
    def number(truth: int) -> int:
        """How many profiles `truth` holds for."""
        return truth.bit_count()

    def field(self, column: int, index: int) -> int:
        """One profile's figure in a column (columns of weights are never negative)."""
        return (column >> (index * self.width)) & ((1 << self.width) - 1)

    def profile(self, index: int) -> tuple[int, ...]:
        """One profile's weight at each rank."""
        return tuple(self.field(column, index) for column in self.weights)


def width_for(tests: Iterable[Test], total: int, unit: int) -> int:
    """A field width (a multiple of 8 bits) in which every test's figure fits, for items of `total` units."""
    bound = total + 1
    for test in tests:
        figure = (abs(test.satisfying) + abs(test.domain)) * total + abs(test.items) * unit + 1
        bound = max(bound, figure)
    bits = bound.bit_length() + 1  # the sign: a field holds -2^(width-1) < figure < 2^(width-1)
    return -(-bits // 8) * 8
