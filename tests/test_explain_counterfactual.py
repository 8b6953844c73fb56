"""The smallest changes `explain` suggests for descriptive criteria reach their grade, and nothing smaller does.

For A1–A5 and D3 in every column of the bundled example, each higher grade's suggested change is
applied to a copy of the evidence (item ratings edited; for items rated from target data, the
measure's figures edited until the ruleset's bands give the new rating) and the column is scored
again: the criterion's computed grade must be the grade the explanation states.

Then, exhaustively, no smaller change reaches that grade: the gradings are monotone
(`counterfactual.is_monotone`), so raising ratings never lowers a grade, and it is enough to show
(a) that no set of k-1 items (k the suggested number), each raised to the top rating, reaches it,
and (b) that no raise of k items by one step fewer in total reaches it. Items with the same rating
and weight are interchangeable (a grading counts items; it never names them), so the enumeration
runs over how many items of each such kind are changed and to which ratings.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any

import attrs
import pytest
from conftest import REPO

from esirules.evidence.cases import MeasureFigures
from esirules.evidence.sheet import read_sheet_file
from esirules.explain.counterfactual import is_monotone
from esirules.explain.scope import explain, resolve_target
from esirules.render.explain_json import explanation_data
from esirules.scoring.columns import Scorer
from esirules.scoring.evaluate import score
from esirules.scoring.grading import apply_bands, decide

SUMMARY = REPO / "examples" / "hertfordshire" / "summary.yaml"
DESCRIPTIVE = ("A1", "A2", "A3", "A4", "A5", "D3")


@pytest.fixture(scope="module")
def columns() -> list[tuple[Any, ...]]:
    sheet = read_sheet_file(str(SUMMARY))
    assert sheet is not None
    scorer = Scorer()
    results = scorer.score(sheet.columns)
    out = []
    for spec, column in zip(sheet.columns, results):
        ruleset_path = scorer.ruleset_path_for(spec)
        assert ruleset_path is not None
        (evidence,) = [scorer.evidence[(path, ruleset_path)] for path in spec.evidence]
        out.append((spec, column, scorer.evaluators[ruleset_path], evidence, scorer.sources))
    return out


SHARES = [Fraction(p, 100) for p in (100, 95, 90, 105, 110, 120, 150, 80, 50, 200, 99, 109, 89)]


@functools.cache
def figures_for(wanted: str, figures: MeasureFigures, measure: Any, bands: Any, rounding: Any) -> MeasureFigures:
    """Target data that the ruleset's bands rate `wanted`: the actual figure moved, and if need be the
    national average too (e.g. "good" needs the target met but the national average not reached)."""
    better, worse = (Fraction(1, 2), Fraction(2)) if measure.lower_is_better else (Fraction(2), Fraction(1, 2))
    for average_is in ("as it is", "equal", "better", "worse"):
        for share in SHARES:
            actual = figures.target / share if measure.lower_is_better else figures.target * share
            average = {
                "as it is": figures.national_average, "equal": actual, "better": actual * better, "worse": actual * worse
            }[average_is]
            values = {"performance": share, "actual": actual, "target": figures.target, "national average": average}
            band = apply_bands(bands, values, rounding, lower_is_better=measure.lower_is_better)
            if band.value == wanted:
                return MeasureFigures(actual, figures.target, average)
    raise AssertionError(f"no figures give {wanted}")


def apply_change(evaluator: Any, evidence: Any, option: Sequence[dict[str, Any]], criterion: str) -> Any:
    """A copy of the evidence with the suggested ratings (or the target data behind them)."""
    ratings = dict(evidence.ratings)
    measures = dict(evidence.measures)
    ruleset = evaluator.ruleset
    compiled = evaluator.gradings[ruleset.criterion(criterion).grading]
    for change in option:
        if change["measure"] is None:
            assert ratings[change["item"]] == change["rating"]
            ratings[change["item"]] = change["to"]
        else:
            measures[change["measure"]] = figures_for(
                change["to"],
                measures[change["measure"]],
                ruleset.measure(change["measure"]),
                compiled.measure_bands,
                ruleset.rounding,
            )
    return attrs.evolve(evidence, ratings=ratings, measures=measures)


# ---------------------------------------------------------------------------------------------
# Enumerating smaller changes


def kinds(items: Sequence[dict[str, Any]], scale: Sequence[str]) -> list[tuple[int, Fraction, int]]:
    """(rank, weight, how many) of each kind of interchangeable counted item (rank: 0 is the worst)."""
    counts: dict[tuple[int, Fraction], int] = {}
    for item in items:
        if item["counted"]:
            key = (len(scale) - 1 - scale.index(item["rating"]), Fraction(item["weight"]))
            counts[key] = counts.get(key, 0) + 1
    return [(rank, weight, n) for (rank, weight), n in counts.items()]


def states(
    groups: list[tuple[int, Fraction, int]], top: int, changed: int, steps: int | None, at_top: bool
) -> Iterator[tuple[list[int], list[Fraction]]]:
    """Every multiset of items (ranks, weights) after changing exactly `changed` items, each raised at
    least one step: all to the top rating (`at_top`), or by exactly `steps` steps in all."""
    options = []
    for rank, _, n in groups:
        mine = []  # (how many changed, steps spent, their new ranks)
        for k in range(n + 1):
            raised = [(top,) * k] if at_top else itertools.combinations_with_replacement(range(top, rank, -1), k)
            mine += [(k, sum(r - rank for r in new), new) for new in raised]
        options.append(mine)
    most = [sum(n * (top - rank) for rank, _, n in groups[i:]) for i in range(len(groups) + 1)]

    def spread(index: int, left: int, used: int) -> Iterator[list[tuple[int, ...]]]:
        if index == len(groups):
            if left == 0 and (steps is None or used == steps):
                yield []
            return
        for k, spent, new in options[index]:
            if k > left or (steps is not None and not used + spent <= steps <= used + spent + most[index + 1]):
                continue
            for rest in spread(index + 1, left - k, used + spent):
                yield [new, *rest]

    for chosen in spread(0, changed, 0):
        ranks: list[int] = []
        weights: list[Fraction] = []
        for (rank, weight, n), new in zip(groups, chosen):
            ranks += [*new, *[rank] * (n - len(new))]
            weights += [weight] * n
        yield ranks, weights


def grade_of(compiled: Any, state: tuple[list[int], list[Fraction]]) -> str | None:
    """The grade the grading gives these items (the decision `score` makes for rated items)."""
    ranks, weights = state
    return decide(compiled, ranks, weights, every_rule=False).grade


def reaches(compiled: Any, grade: str | None, target: str) -> bool:
    ladder = compiled.ladder
    return grade is not None and ladder.rank(grade) >= ladder.rank(target)


# ---------------------------------------------------------------------------------------------


def test_every_suggested_change_reaches_its_grade_and_nothing_smaller_does(columns: list) -> None:
    checked = smaller = 0
    for spec, column, evaluator, evidence, sources in columns:
        for criterion in DESCRIPTIVE:
            result = column.criteria[criterion]
            if result.computed_grade is None:
                continue  # D3 in the September sample: section D does not apply
            target = resolve_target(evaluator.ruleset, criterion)
            body = explanation_data(explain(column, evaluator, sources, target, evidence=[evidence]))["explanation"]
            compiled = evaluator.gradings[evaluator.ruleset.criterion(criterion).grading]
            assert body["grading"]["monotone"] and is_monotone(compiled)
            top = len(compiled.item_scale.values) - 1
            groups = kinds(body["items"], compiled.item_scale.values)
            assert body["higher_grades"], (spec.label, criterion)
            for higher in body["higher_grades"]:
                changes = higher["smallest_changes"]
                assert changes["options"], (spec.label, criterion, higher["grade"], changes["reason"])
                for option, stated in zip(changes["options"], changes["grades"]):
                    changed = apply_change(evaluator, evidence, option, criterion)
                    rescored = score(evaluator, changed, spec.sample, spec.label).criteria[criterion]
                    assert rescored.computed_grade == stated, (spec.label, criterion, option)
                    assert reaches(compiled, stated, higher["grade"])
                size = len(changes["options"][0])
                steps = sum(c["steps"] for c in changes["options"][0])
                # (a) no k-1 items reach it, even raised to the top rating
                for state in states(groups, top, size - 1, None, at_top=True):
                    assert not reaches(compiled, grade_of(compiled, state), higher["grade"]), (
                        spec.label, criterion, higher["grade"], "fewer items")
                    smaller += 1
                # (b) no raise of k items by fewer steps in all reaches it
                for state in states(groups, top, size, steps - 1, at_top=False):
                    assert not reaches(compiled, grade_of(compiled, state), higher["grade"]), (
                        spec.label, criterion, higher["grade"], "fewer steps")
                    smaller += 1
                checked += 1
    assert checked >= 60 and smaller >= 10_000
