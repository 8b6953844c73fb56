"""Smallest changes: a graded criterion result and a target grade in, the fewest rating changes that reach it out.

The search raises ratings only. It looks for the fewest items to change, then, among
changes of that many items, the fewest scale steps. Items with the same rating and weight
are interchangeable (a grading counts items, it never names them), so each such kind is
searched once, and the changes are shown on the first items of the kind.

Most gradings are monotone (better ratings never give a worse grade; see `is_monotone`).
Their rules and caps read as demands on the weight of items at or above some ratings
(`demands`), and the smallest raises that meet a demand are worked out exactly, kind by kind
(`raises`), in a few milliseconds. Other gradings are searched raise by raise (`search`),
within a budget; both give the same options in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import attrs

from esirules.explain.demands import Unreadable, demands
from esirules.explain.raises import Budget, Raises
from esirules.explain.search import MAX_OPTIONS, OutOfBudget, Raise, Search, kinds_of
from esirules.language import semantics
from esirules.scoring.compile import CompiledGrading, Evaluator
from esirules.scoring.facts import NO_FACTS, InspectionFacts
from esirules.scoring.grading import decide, weight_units
from esirules.scoring.result import CriterionResult

__all__ = ["MAX_OPTIONS", "ItemChange", "SmallestChanges", "is_monotone", "smallest_changes"]

BUDGET = 50_000  # gradings tried (or, reading the rules as demands, moves made) before the search gives up


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


def smallest_changes(
    evaluator: Evaluator,
    criterion: CriterionResult,
    target_grade: str,
    *,
    budget: int = BUDGET,
    facts: InspectionFacts = NO_FACTS,
) -> SmallestChanges:
    """The fewest item-rating changes (then fewest scale steps) that grade `criterion` `target_grade` or better.

    Args:
        evaluator: the evaluator that produced `criterion`.
        criterion: a descriptive criterion's result.
        target_grade: a grade on the criterion's ladder.
        budget: how many gradings to try (or moves to make) before giving up.
        facts: the inspection's facts, for a grading that tests them (they stay as recorded).

    Returns:
        Up to five equally small options, or none with a reason.
    """
    found = SmallestChanges(criterion.id, target_grade, criterion.computed_grade, (), ())
    model = evaluator.ruleset.criterion(criterion.id)
    if criterion.kind != "descriptive" or model.grading is None:
        return attrs.evolve(found, reason=f"criterion {criterion.id} is not graded from items")
    compiled = facts.bind(evaluator.gradings[model.grading])
    ladder, scale = compiled.ladder, compiled.item_scale
    if target_grade not in ladder.values:
        return attrs.evolve(found, reason=f"`{target_grade}` is not a grade on ladder {ladder.name}")
    if criterion.computed_grade is None:
        return attrs.evolve(
            found, reason=f"criterion {criterion.id} has no computed grade: {criterion.reason}"
        )
    if ladder.rank(criterion.computed_grade) >= ladder.rank(target_grade):
        return attrs.evolve(found, options=((),), grades=(criterion.computed_grade,))
    # A cap of the criterion whose facts hold keeps it at its grade, whatever the ratings.
    cap = next((c for c in criterion.caps if c.holds and ladder.rank(c.grade) < ladder.rank(target_grade)), None)
    if cap is not None:
        words = f"the criterion is capped at {cap.grade} by facts of the inspection, whatever its items' ratings"
        return attrs.evolve(found, reason=words)
    items = [item for item in criterion.items if item.counted and item.rating is not None]
    ranks = [scale.rank(i.rating) for i in items if i.rating is not None]
    try:
        solutions = raise_to(
            compiled,
            ranks,
            [i.weight for i in items],
            target_grade,
            budget,
            ids=[i.id for i in items],
            groups=[i.group for i in items],
        )
    except OutOfBudget:
        return attrs.evolve(found, reason=f"no change found within {budget} tries; search stopped")
    if not solutions:
        return attrs.evolve(found, reason=f"no raising of item ratings gives {target_grade}")
    measures = [None if item.measure is None else item.measure.measure for item in items]
    options = tuple(
        tuple(
            ItemChange(
                items[i].id, scale.value_at(ranks[i]), scale.value_at(new[i]), new[i] - ranks[i], measures[i]
            )
            for i in range(len(items))
            if new[i] != ranks[i]
        )
        for new, _ in solutions
    )
    return attrs.evolve(found, options=options, grades=tuple(grade for _, grade in solutions))


def raise_to(
    compiled: CompiledGrading,
    ranks: list[int],
    weights: list[Fraction],
    target: str,
    budget: int = BUDGET,
    *,
    ids: Sequence[str] = (),
    groups: Sequence[str | None] = (),
) -> list[Raise]:
    """Up to `MAX_OPTIONS` smallest raises of `ranks` that grade `target` or better, each with its grade.

    A monotone grading is read as demands and solved exactly; any other, one with too many
    demands, or one whose monotone rules are not all written as demands (a clause that holds
    whatever the ratings, such as `at least weak on none of the items` when weak is the lowest
    rating), is searched raise by raise. `ids` and `groups` name each item and its group, for
    gradings that name members or count groups (never monotone by form, so always searched).
    Raises OutOfBudget when the budget runs out.
    """
    monotone = is_monotone(compiled)
    if monotone:
        units, unit = weight_units(weights)
        top = len(compiled.item_scale.values) - 1
        try:
            wanted = demands(compiled, compiled.ladder.rank(target), sum(units), unit)
        except Unreadable:
            wanted = None
        if wanted is not None:
            kinds = kinds_of(ranks, weights, top)
            kind_units = [units[kind.members[0]] for kind in kinds]
            found = Raises(kinds, kind_units, ranks, units, top, Budget(budget)).smallest(wanted)
            out = []
            for choices in found:
                new = list(ranks)
                for kind, choice in zip(kinds, choices):
                    for member, extra in zip(kind.members, choice.extras):
                        new[member] = kind.rank + 1 + extra
                grade = decide(
                    compiled, new, weights, every_rule=False, units=(units, unit), ids=ids, groups=groups
                ).grade
                # INVARIANT: a raise that meets a demand reaches the target (demands.py reads the rules exactly).
                assert grade is not None and compiled.ladder.rank(grade) >= compiled.ladder.rank(target)
                out.append((new, grade))
            return out
    return Search(compiled, ranks, weights, target, budget, monotone=monotone, ids=ids, groups=groups).run()


def is_monotone(compiled: CompiledGrading) -> bool:
    """Whether raising a rating can never lower the grade, judged from the rules' form
    (`semantics.is_monotone`, which the checker's analysis uses too)."""
    return semantics.is_monotone(compiled.meaning)
