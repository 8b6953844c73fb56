"""Counts of one batch of cases, and which cases they are: the selections and a question's tally
that batches add up exactly (used by `evaluate`'s `score_batch`, `merge` and `finish`)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from esirules.scoring.batches import Joined
from esirules.scoring.causes import Cause

Mask = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.integer]  # type: ignore[type-arg]  # answer codes, or numbered combinations of values
Index = npt.NDArray[np.intp]


@attrs.frozen(eq=False)
class Selection:
    """Some cases of a batch, listed only when asked: those in `within` whose code in `answers` is in `codes`.

    `answers` is a column of answer codes, or of codes numbering a combination of attribute
    values; with `answers` None the selection is the cases in `within`. Counting is done when scoring; the mask
    (and the list of case ids, in `finish`) is made only when a case list is read.
    """

    count: int
    within: Mask
    answers: Codes | None = None
    codes: tuple[int, ...] = ()

    def mask(self) -> Mask:
        if self.answers is None:
            return self.within
        return self.within & answer_in(self.answers, self.codes)

    @staticmethod
    def concatenate(parts: Sequence[Selection | None], sizes: Sequence[int], joined: Joined) -> Selection:
        """The selections of consecutive batches as one (None: no case of that batch).

        A batch's questions share their arrays (the cases in scope, a condition's cases, a coded
        answer column read by several questions): `joined` keeps each run of arrays joined once,
        so the merged selections share them too and a merged partial is no larger than one batch's.
        """
        present = [p for p in parts if p is not None]
        count = sum(p.count for p in present)
        if len(present) == len(parts) and all(
            p.answers is not None and p.codes == present[0].codes for p in present
        ):
            answers = joined.join([p.answers for p in present if p.answers is not None])
            return Selection(count, joined.join([p.within for p in present]), answers, present[0].codes)
        if len(present) == len(parts) and all(p.answers is None for p in present):
            return Selection(count, joined.join([p.within for p in present]))
        masks = [np.zeros(n, dtype=np.bool_) if p is None else p.mask() for p, n in zip(parts, sizes)]
        return Selection(count, np.concatenate(masks))


Groups = tuple[tuple[Cause, Selection], ...]  # cases not counted, by cause


def answer_in(answers: Codes, codes: tuple[int, ...]) -> Mask:
    """Where an answer code is one of `codes` (a run of codes is tested as a range)."""
    low, high = min(codes), max(codes)
    if high - low + 1 == len(codes):
        return (answers == low) if low == high else (answers >= low) & (answers <= high)
    return np.isin(answers, codes)


@attrs.frozen(eq=False)
class QuestionTally:
    """A question's counts over a batch of cases, and which cases they are; batches add up exactly."""

    met: int = 0
    applicable: int = 0
    met_cases: Selection | None = None
    not_met_cases: Selection | None = None
    not_applicable: Groups = ()
    # A judgement's counted cases by rating: one selection per value of its scale, best first.
    ratings: tuple[Selection, ...] = ()


def add_up(tallies: Sequence[QuestionTally], sizes: Sequence[int], joined: Joined) -> QuestionTally:
    ratings = tuple(
        Selection.concatenate([t.ratings[k] for t in tallies], sizes, joined) for k in range(len(tallies[0].ratings))
    )
    return QuestionTally(
        sum(t.met for t in tallies),
        sum(t.applicable for t in tallies),
        Selection.concatenate([t.met_cases for t in tallies], sizes, joined),
        Selection.concatenate([t.not_met_cases for t in tallies], sizes, joined),
        join_groups([t.not_applicable for t in tallies], sizes, joined),
        ratings,
    )


def join_groups(batches: Sequence[Groups], sizes: Sequence[int], joined: Joined) -> Groups:
    """The groups of consecutive batches as one, by cause (a cause missing from a batch: none of its cases)."""
    causes = dict.fromkeys(cause for groups in batches for cause, _ in groups)
    return tuple(
        (cause, Selection.concatenate([dict(groups).get(cause) for groups in batches], sizes, joined))
        for cause in causes
    )
