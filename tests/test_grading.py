"""Grading descriptive criteria: quantifiers by weight, `others`, caps, cumulative ladders, measure bands."""

from __future__ import annotations

from fractions import Fraction

import pytest
from builders import (
    GRADE,
    PERFORMANCE,
    F,
    clause,
    descriptive,
    evidence,
    grading,
    items,
    otherwise,
    rule,
    ruleset,
    section,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from esirules.evidence.cases import Adjustment, MeasureFigures
from esirules.language import model as m
from esirules.scoring.compile import CompiledGrading, compile_ruleset
from esirules.scoring.evaluate import score
from esirules.scoring.grading import apply_bands, decide
from esirules.scoring.result import CriterionResult

VS, ST, GO, SA, WE = "very strong", "strong", "good", "satisfactory", "weak"


def compiled(g: m.Grading) -> CompiledGrading:
    return CompiledGrading(g, PERFORMANCE, GRADE, None)


def ranks(*ratings: str) -> list[int]:
    return [PERFORMANCE.rank(r) for r in ratings]


def holds(c: m.Clause, ratings: list[str], weights: list[int]) -> bool:
    decision = decide(
        compiled(grading("g", [rule("Well met", c), otherwise("Poor")])),
        ranks(*ratings),
        [F(w) for w in weights],
    )
    return decision.grade == "Well met"


# Items weighted 2, 1, 1, 1, 1 (6 in all), rated very strong, strong, good, satisfactory, weak.
RATINGS = [VS, ST, GO, SA, WE]
WEIGHTS = [2, 1, 1, 1, 1]


@pytest.mark.parametrize(
    ("c", "expected"),
    [
        (clause("at_least", WE, "each"), True),
        (clause("at_least", ST, "each"), False),  # 3 of 6
        (clause("at_least", ST, "majority"), False),  # 3 is not more than 3
        (clause("at_least", GO, "majority"), True),  # 4 > 3
        (clause("at_least", VS, "some"), True),
        (clause("exactly", ST, "some"), True),
        (clause("at_best", WE, "none"), False),  # the weak item weighs 1
        (clause("at_least", VS, "none"), False),
        (clause("at_least", ST, "at_least_count", count=3), True),  # very strong counts 2
        (clause("at_least", ST, "at_least_count", count=4), False),
        (clause("at_least", GO, "at_least_share", share=F(3, 4)), False),  # 4/6 < 75%
        (clause("at_least", GO, "at_least_share", share=F(2, 3)), True),  # 4/6 >= 2/3
        (clause("at_best", SA, "at_least_count", count=2), True),
    ],
)
def test_quantifiers_count_item_weight(c: m.Clause, expected: bool) -> None:
    assert holds(c, RATINGS, WEIGHTS) is expected


def grade_of(
    g: m.Grading, ratings: dict[str, str], criterion_items: tuple[m.Item, ...] | None = None
) -> CriterionResult:
    criterion_items = criterion_items or items("A1", len(ratings))
    rules = ruleset([section("A", [descriptive("A1", criterion_items, g.name)])], gradings=[g])
    return score(compile_ruleset(rules), evidence(ratings=ratings)).criteria["A1"]


def test_others_are_the_items_the_previous_clause_did_not_take() -> None:
    # "at least good on the majority and at least satisfactory on the others":
    # good or better weighs 4 of 6 (more than 3); the others are the satisfactory and the
    # weak item, and the weak one is not at least satisfactory.
    g = grading(
        "g",
        [
            rule("Well met", clause("at_least", GO, "majority"), clause("at_least", SA, "others")),
            otherwise("Poor"),
        ],
    )
    result = grade_of(
        g, dict(zip(["A1.1", "A1.2", "A1.3", "A1.4", "A1.5"], RATINGS)), items("A1", 5, weights=WEIGHTS)
    )
    assert result.grade == "Poor"
    assert result.trace is not None
    first, others = result.trace.rules[0].clauses
    assert (first.needed, first.found, first.holds) == ("more than 3 of 6 (by weight)", "4", True)
    assert first.satisfying == ("A1.1", "A1.2", "A1.3")
    assert others.domain == ("A1.4", "A1.5")
    assert (others.needed, others.found, others.holds) == ("all of the 2 others (by weight)", "1", False)
    assert others.text == "at least satisfactory on the others"
    # With nothing left over, `others` holds vacuously.
    assert grade_of(g, {"A1.1": GO, "A1.2": ST}).grade == "Well met"


@pytest.mark.parametrize(
    ("ratings", "weights", "grade"),
    [
        ([VS, VS], [1, 1], "Very well met"),
        ([VS, ST], [1, 1], "Well met"),
        ([ST, ST, ST, SA], [1, 1, 1, 1], "Satisfactorily met"),  # 3 of 4 strong, the other satisfactory
        ([ST, ST, ST, SA], [1, 1, 1, 3], "Partly met"),  # strong weighs 3 of 6: not a majority
        ([ST, ST, GO, SA], [1, 1, 1, 1], "Partly met"),
        ([VS, ST, GO, SA, WE], WEIGHTS, "Not met"),  # the weak item fails "the others"
        ([WE, WE], [1, 1], "Poor"),
    ],
)
def test_the_reports_ladder(ratings: list[str], weights: list[int], grade: str) -> None:
    criterion_items = items("A1", len(ratings), weights=weights)
    result = grade_of(grading(), {i.id: r for i, r in zip(criterion_items, ratings)}, criterion_items)
    assert result.grade == grade
    assert result.trace is not None
    assert [r.chosen for r in result.trace.rules].count(True) == 1


def test_the_trace_says_why_each_higher_grade_was_not_reached() -> None:
    result = grade_of(grading(), {"A1.1": ST, "A1.2": ST, "A1.3": GO, "A1.4": SA})
    assert result.trace is not None
    tried = [(r.grade, r.holds, r.chosen) for r in result.trace.rules]
    assert tried[:4] == [
        ("Very well met", False, False),
        ("Well met", False, False),
        ("Satisfactorily met", False, False),
        ("Partly met", True, True),
    ]
    majority = result.trace.rules[2].clauses[0]
    assert (majority.text, majority.needed, majority.found) == (
        "at least strong on the majority of items",
        "more than 2 of 4 (by weight)",
        "2",
    )


def test_not_applicable_items_leave_every_count() -> None:
    # Without the n/a item: strong, strong, satisfactory -> majority strong -> Satisfactorily met.
    result = grade_of(grading(), {"A1.1": ST, "A1.2": ST, "A1.3": SA, "A1.4": "n/a"})
    assert result.grade == "Satisfactorily met"
    assert [i.counted for i in result.items] == [True, True, True, False]


def test_missing_ratings_make_the_criterion_not_computable() -> None:
    result = score(
        compile_ruleset(ruleset([section("A", [descriptive("A1", items("A1", 2))])], gradings=[grading()])),
        evidence(ratings={"A1.1": ST}),
    ).criteria["A1"]
    assert result.reason == "item A1.2 is not rated"
    assert result.grade is None and result.display == "not computable"
    all_na = grade_of(grading(), {"A1.1": "n/a"})
    assert all_na.reason == "every item is rated not applicable"


def test_caps_lower_the_grade_after_the_rules() -> None:
    capped = grading(
        "capped",
        [rule("Well met", clause("at_least", ST, "majority")), otherwise("Poor")],
        caps=[m.CapRule("Partly met", (clause("at_best", WE, "at_least_count", count=1),))],
    )
    result = grade_of(capped, {"A1.1": ST, "A1.2": ST, "A1.3": ST, "A1.4": WE})
    assert result.trace is not None
    assert (result.trace.rule_grade, result.grade) == ("Well met", "Partly met")
    assert result.trace.caps[0].applied
    assert result.trace.grade_span == capped.caps[0].span
    # A cap never raises a grade.
    low = grade_of(capped, {"A1.1": WE, "A1.2": WE})
    assert low.grade == "Poor"
    assert low.trace is not None and low.trace.caps[0].holds and not low.trace.caps[0].applied


def test_cumulative_grades_need_every_lower_grades_rule() -> None:
    rules = [
        rule("Well met", clause("at_least", ST, "some")),
        rule("Partly met", clause("at_least", GO, "each")),
        otherwise("Poor"),
    ]
    ratings = {"A1.1": VS, "A1.2": WE}
    assert grade_of(grading("plain", rules), ratings).grade == "Well met"
    result = grade_of(grading("cumulative", rules, cumulative=True), ratings)
    assert result.grade == "Poor"
    assert result.trace is not None
    well = result.trace.rules[0]
    assert (well.clauses_hold, well.gated_by, well.holds) == (True, ("Partly met",), False)
    assert (
        grade_of(grading("cumulative", rules, cumulative=True), {"A1.1": VS, "A1.2": GO}).grade == "Well met"
    )


def test_adjustments_replace_the_grade_and_keep_the_computed_one() -> None:
    rules = ruleset(
        [
            section(
                "A",
                [
                    descriptive("A1", items("A1", 1), allows_adjustment=True),
                    descriptive("A2", items("A2", 1)),
                ],
            )
        ],
        gradings=[grading()],
    )
    data = evidence(
        ratings={"A1.1": WE, "A2.1": WE},
        adjustments=[
            Adjustment("A1", "Partly met", "Lead inspector", "new manager"),
            Adjustment("A2", "Well met", "Lead inspector", "trying"),
        ],
    )
    result = score(compile_ruleset(rules), data)
    a1, a2 = result.criteria["A1"], result.criteria["A2"]
    assert (a1.computed_grade, a1.grade) == ("Poor", "Partly met")
    assert a1.adjustment is not None and a1.adjustment.applied
    assert (a2.computed_grade, a2.grade) == ("Poor", "Poor")
    assert a2.adjustment is not None and not a2.adjustment.applied
    assert a2.adjustment.note == "criterion A2 does not allow adjustment"


# ---------------------------------------------------------------------------------------------
# Bands and measures

NPD = m.Bands(
    "npd",
    "performance",
    (
        m.Band(
            VS,
            (
                m.FigureTest("performance", "at_least", F(11, 10), True),
                m.FigureTest("actual", "at_least", "national average"),
            ),
        ),
        m.Band(ST, (m.FigureTest("performance", "at_least", F(1), True),)),
        m.Band(WE, (), otherwise=True),
    ),
)
SICKNESS = m.Measure("sickness", "Sickness absence", "days", lower_is_better=True)
PSR = m.Measure("psr", "PSR timeliness")


def measure_grade(figures: dict[str, MeasureFigures], ties: str = "exact") -> CriterionResult:
    bands = m.Bands(NPD.name, NPD.scale, NPD.bands, ties)  # type: ignore[arg-type]
    criterion_items = (
        m.Item("A1.sick", "Sickness", "A1", measure="sickness"),
        m.Item("A1.psr", "PSR", "A1", F(2), measure="psr"),
    )
    rules = ruleset(
        [section("A", [descriptive("A1", criterion_items)])],
        gradings=[grading(measure_bands="npd")],
        bands=[bands],
        measures=[SICKNESS, PSR],
    )
    return score(compile_ruleset(rules), evidence(measures=figures)).criteria["A1"]


def test_measures_lower_is_better() -> None:
    # Sickness: 10 days against a target of 11 -> performance 11/10 = 110%. The national
    # average is 9.5 days, and 10 is worse than that, so not very strong: strong.
    # PSR: 95 against 90 -> 105.6% -> strong, 95 is better than the national 80 but under 110%.
    result = measure_grade(
        {"sickness": MeasureFigures(F(10), F(11), F(19, 2)), "psr": MeasureFigures(F(95), F(90), F(80))}
    )
    sick, psr = result.items
    assert sick.measure is not None and sick.measure.performance == F(11, 10)
    assert (sick.rating, psr.rating) == (ST, ST)
    assert sick.band is not None
    assert [t.holds for t in sick.band.tried[0].tests] == [True, False]
    assert sick.band.tried[0].tests[0].text == "performance at least 110%"
    # A national average of 10.5 days is worse than 10: very strong.
    better = measure_grade(
        {"sickness": MeasureFigures(F(10), F(11), F(21, 2)), "psr": MeasureFigures(F(95), F(90), F(80))}
    )
    assert better.items[0].rating == VS


def test_band_ties_exact_or_rounded() -> None:
    # PSR 199 against 200 is 99.5%: below 100% exactly, but shown (and compared) as 100% when rounded.
    figures = {"sickness": MeasureFigures(F(10), F(10), F(10)), "psr": MeasureFigures(F(199), F(200), F(80))}
    assert measure_grade(figures, "exact").items[1].rating == WE
    rounded = measure_grade(figures, "rounded").items[1]
    assert rounded.rating == ST
    assert rounded.band is not None and rounded.band.tried[1].tests[0].compared == 1


def test_missing_target_data() -> None:
    result = measure_grade({"psr": MeasureFigures(F(1), F(0), F(1))})
    assert result.grade is None
    assert result.reason == (
        "item A1.sick has no target data for measure sickness; item A1.psr has no performance figure for psr: its target is 0"
    )


def test_bands_on_a_score_compare_exactly_by_default() -> None:
    bands = m.Bands(
        "quality",
        "grade",
        (
            m.Band("Well met", (m.FigureTest("score", "at_least", F(3, 4), True),)),
            m.Band("Poor", (), otherwise=True),
        ),
    )
    assert apply_bands(bands, {"score": F(3, 4)}, m.Rounding()).value == "Well met"
    assert apply_bands(bands, {"score": F(149, 200)}, m.Rounding()).value == "Poor"  # 74.5%
    rounded = m.Bands(bands.name, bands.scale, bands.bands, "rounded")
    assert apply_bands(rounded, {"score": F(149, 200)}, m.Rounding()).value == "Well met"
    # "above" is strict, "below" and "at most" the other way.
    strict = m.Bands("s", "grade", (m.Band("Well met", (m.FigureTest("total", "above", F(4)),)),))
    assert apply_bands(strict, {"total": F(4)}, m.Rounding()).value is None
    under = m.Bands(
        "u",
        "grade",
        (m.Band("Poor", (m.FigureTest("total", "below", F(4)), m.FigureTest("total", "at_most", F(3)))),),
    )
    assert apply_bands(under, {"total": F(3)}, m.Rounding()).value == "Poor"


# ---------------------------------------------------------------------------------------------
# Monotonicity: raising one item's rating never lowers the grade (the report's ladder, with a cap).

MONOTONE = grading(
    "monotone",
    caps=[m.CapRule("Partly met", (clause("at_best", WE, "at_least_count", count=2),))],
)
RATING_VALUES = [VS, ST, GO, SA, WE]


@settings(deadline=None)  # no timing in tests: a loaded machine took 269 ms for one example
@given(
    st.lists(
        st.tuples(st.sampled_from(RATING_VALUES), st.integers(min_value=1, max_value=3)),
        min_size=1,
        max_size=8,
    ),
    st.data(),
)
def test_raising_a_rating_never_lowers_the_grade(rated: list[tuple[str, int]], data: st.DataObject) -> None:
    g = compiled(MONOTONE)
    before = [PERFORMANCE.rank(r) for r, _ in rated]
    weights = [Fraction(w) for _, w in rated]
    index = data.draw(st.integers(min_value=0, max_value=len(rated) - 1))
    after = list(before)
    after[index] = data.draw(st.integers(min_value=before[index], max_value=len(RATING_VALUES) - 1))
    old, new = decide(g, before, weights).grade, decide(g, after, weights).grade
    assert old is not None and new is not None
    assert GRADE.rank(new) >= GRADE.rank(old)
