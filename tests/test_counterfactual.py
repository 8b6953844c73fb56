"""Smallest changes in item ratings that reach a better grade."""

from __future__ import annotations

import itertools

from builders import (
    GRADE,
    PERFORMANCE,
    F,
    cases,
    clause,
    descriptive,
    evidence,
    grading,
    items,
    numerical,
    otherwise,
    question,
    rule,
    ruleset,
    section,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from esirules.evidence.cases import MeasureFigures
from esirules.explain.counterfactual import ItemChange, is_monotone, smallest_changes
from esirules.language import model as m
from esirules.scoring.compile import Evaluator, compile_ruleset
from esirules.scoring.evaluate import score
from esirules.scoring.grading import decide
from esirules.scoring.result import CriterionResult

VS, ST, GO, SA, WE = "very strong", "strong", "good", "satisfactory", "weak"


# Not monotone: "Well met" needs some item at best good, so raising every item can lose it.
ODD = grading(
    "management",
    [
        rule("Well met", clause("at_least", ST, "some"), clause("at_best", GO, "some")),
        rule("Partly met", clause("exactly", GO, "majority")),
        otherwise("Poor"),
    ],
)


def graded(ratings: list[str], g: m.Grading | None = None) -> tuple[Evaluator, CriterionResult]:
    criterion_items = items("A1", len(ratings))
    rules = ruleset(
        [
            section("A", [descriptive("A1", criterion_items)]),
            section("B", [numerical("B1", [question("B1.1")])]),
        ],
        gradings=[g or grading()],
    )
    evaluator = compile_ruleset(rules)
    data = evidence(
        cases(["c1"], {"B1.1": ["yes"]}), ratings={i.id: r for i, r in zip(criterion_items, ratings)}
    )
    return evaluator, score(evaluator, data).criteria["A1"]


# strong, good, satisfactory, weak is "Not met" by the report's ladder: "Partly met" needs the
# items that are not good to be at least satisfactory, and the weak one is not.
NOT_MET = [ST, GO, SA, WE]


def test_one_item_one_step() -> None:
    evaluator, result = graded(NOT_MET)
    assert result.grade == "Not met"
    found = smallest_changes(evaluator, result, "Partly met")
    assert found.options == ((ItemChange("A1.4", WE, SA, 1),),)
    assert found.grades == ("Partly met",)


def test_fewest_items_first_then_fewest_steps() -> None:
    # Satisfactorily met needs strong on more than 2 of 4 and the rest at least satisfactory.
    # Two changes suffice: good -> strong (1 step) and weak -> strong (3 steps), leaving the
    # satisfactory item as the other; satisfactory -> strong and weak -> strong would take 5.
    evaluator, result = graded(NOT_MET)
    found = smallest_changes(evaluator, result, "Satisfactorily met")
    assert found.options == ((ItemChange("A1.2", GO, ST, 1), ItemChange("A1.4", WE, ST, 3)),)
    # Very well met needs every item very strong: four changes.
    every = smallest_changes(evaluator, result, "Very well met")
    assert len(every.options[0]) == 4


def test_interchangeable_items_give_one_option_each() -> None:
    # Two weak items of equal weight: raising either is the same change; one option, the first item.
    evaluator, result = graded([WE, WE])
    assert result.grade == "Poor"
    found = smallest_changes(evaluator, result, "Not met")
    assert found.options == ((ItemChange("A1.1", WE, SA, 1),),)


def test_already_there_and_impossible_requests() -> None:
    evaluator, result = graded(NOT_MET)
    assert smallest_changes(evaluator, result, "Poor").already_reached
    assert (
        smallest_changes(evaluator, result, "Excellent").reason
        == "`Excellent` is not a grade on ladder grade"
    )
    b1 = score(evaluator, evidence(cases(["c1"], {"B1.1": ["yes"]}), ratings={})).criteria
    assert smallest_changes(evaluator, b1["B1"], "Well met").reason == "criterion B1 is not graded from items"
    assert smallest_changes(evaluator, b1["A1"], "Well met").reason == (
        "criterion A1 has no computed grade: item A1.1 is not rated; item A1.2 is not rated; "
        "item A1.3 is not rated; item A1.4 is not rated"
    )
    stopped = smallest_changes(evaluator, result, "Very well met", budget=10)
    assert stopped.options == () and stopped.reason is not None and "search stopped" in stopped.reason


def test_monotone_gradings_are_recognised() -> None:
    evaluator, _ = graded([WE])
    assert is_monotone(evaluator.gradings["management"])
    odd, _ = graded([WE], ODD)
    assert not is_monotone(odd.gradings["management"])


def test_gradings_that_are_not_monotone_are_searched_exhaustively() -> None:
    # weak, weak: Poor. Well met needs one item at least strong and one at best good:
    # raise one weak item to strong (3 steps); either item will do, so one option.
    evaluator, result = graded([WE, WE], ODD)
    assert result.grade == "Poor"
    found = smallest_changes(evaluator, result, "Well met")
    assert found.options == ((ItemChange("A1.1", WE, ST, 3),),)
    # Both strong: only lowering could give Well met, and the search only raises.
    evaluator, result = graded([ST, ST], ODD)
    assert (
        smallest_changes(evaluator, result, "Well met").reason == "no raising of item ratings gives Well met"
    )


def reaches(evaluator: Evaluator, ranks: list[int], target: str) -> bool:
    """Brute force, for checking the search."""
    grade = decide(evaluator.gradings["management"], ranks, [F(1)] * len(ranks)).grade
    return grade is not None and GRADE.rank(grade) >= GRADE.rank(target)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from([VS, ST, GO, SA, WE]), min_size=1, max_size=5),
    st.sampled_from(GRADE.values),
    st.sampled_from([None, ODD]),
)
def test_every_option_reaches_the_target_and_nothing_smaller_does(
    ratings: list[str], target: str, g: m.Grading | None
) -> None:
    evaluator, result = graded(ratings, g)
    found = smallest_changes(evaluator, result, target)
    if g is None:
        assert found.options, found.reason  # raising everything to very strong reaches any grade
    if found.already_reached:
        return
    before = [PERFORMANCE.rank(r) for r in ratings]
    position = {i.id: n for n, i in enumerate(result.items)}
    if not found.options:
        size, steps = len(ratings) + 1, 0  # then no raise at all may reach it
    else:
        (size,) = {len(option) for option in found.options}
        (steps,) = {sum(c.steps for c in option) for option in found.options}
    for option in found.options:
        after = list(before)
        for change in option:
            assert change.steps > 0
            after[position[change.item]] = PERFORMANCE.rank(change.to)
        assert reaches(evaluator, after, target)
    # Brute force: no raise of fewer items reaches the target, nor one of as many with fewer steps.
    top = len(PERFORMANCE.values) - 1
    for chosen in itertools.chain.from_iterable(
        itertools.combinations(range(len(before)), k) for k in range(1, min(size, len(before)) + 1)
    ):
        for raised in itertools.product(*[range(before[i] + 1, top + 1) for i in chosen]):
            after = list(before)
            for i, rank in zip(chosen, raised):
                after[i] = rank
            if reaches(evaluator, after, target):
                assert len(chosen) == size and sum(after) - sum(before) >= steps


def test_items_from_target_data_name_their_measure() -> None:
    # PSR timeliness 80 against a target of 90 is 89%: weak. With the other item strong, the
    # report's ladder gives Not met; raising the PSR item to strong gives Well met.
    bands = m.Bands(
        "npd",
        "performance",
        (m.Band(ST, (m.FigureTest("performance", "at_least", F(1), True),)), m.Band(WE, (), otherwise=True)),
    )
    criterion_items = (m.Item("A1.psr", "PSR", "A1", F(2), measure="psr"), m.Item("A1.plan", "Plan", "A1"))
    rules = ruleset(
        [section("A", [descriptive("A1", criterion_items)])],
        gradings=[grading(measure_bands="npd")],
        bands=[bands],
        measures=[m.Measure("psr", "PSR timeliness")],
    )
    evaluator = compile_ruleset(rules)
    data = evidence(ratings={"A1.plan": ST}, measures={"psr": MeasureFigures(F(80), F(90), F(75))})
    result = score(evaluator, data).criteria["A1"]
    assert result.grade == "Not met"
    found = smallest_changes(evaluator, result, "Well met")
    assert found.options == ((ItemChange("A1.psr", WE, ST, 3, measure="psr"),),)
