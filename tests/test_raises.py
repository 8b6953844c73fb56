"""Gradings read as demands on item weights, and the exact search for the smallest raises that meet one.

The exact search (`raises`, used for monotone gradings) must give the same options, in the same
order, as trying every raise one by one (`search.Search` without pruning): checked here on
random gradings built from every quantifier, with caps and cumulative gradings, random ratings
and random weights (zero and fractions included). The readings themselves (`demands`) are
checked against the grading's own decision on random ratings.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from builders import GRADE, PERFORMANCE, F, clause, grading, otherwise, rule
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_counterfactual import ODD

from esirules.explain import demands as demands_module
from esirules.explain.counterfactual import is_monotone, raise_to
from esirules.explain.demands import Demand, Unreadable, demands
from esirules.explain.search import Search
from esirules.language import model as m
from esirules.scoring.compile import CompiledGrading
from esirules.scoring.grading import decide, weight_units

VS, ST, GO, SA, WE = "very strong", "strong", "good", "satisfactory", "weak"


def compiled(g: m.Grading) -> CompiledGrading:
    return CompiledGrading(g, PERFORMANCE, GRADE, None)


REPORT = compiled(grading())


def read(c: CompiledGrading, target: str, weights: list[Fraction]) -> list[Demand] | None:
    units, unit = weight_units(weights)
    return demands(c, GRADE.rank(target), sum(units), unit)


# A1 of the bundled rulesets: eight items of weight 1 and eight of weight 2, 24 in all.
A1_WEIGHTS = [F(1)] * 8 + [F(2)] * 8


def test_the_reports_rules_read_as_demands() -> None:
    # Ranks: weak 0, satisfactory 1, good 2, strong 3, very strong 4.
    # Satisfactorily met: strong on more than 12 of 24, and every item at least satisfactory
    # (each item is either among the strong ones or one of the others). Well met and Very well
    # met ask for more of the same, so meeting them meets this: they are left out.
    assert read(REPORT, "Satisfactorily met", A1_WEIGHTS) == [((1, 24), (3, 13))]
    # Partly met: some weight at good or better, and every item at least satisfactory.
    assert read(REPORT, "Partly met", A1_WEIGHTS) == [((1, 24), (2, 1))]
    assert read(REPORT, "Not met", A1_WEIGHTS) == [((1, 1),)]
    assert read(REPORT, "Poor", A1_WEIGHTS) == [()]  # otherwise: always
    assert read(REPORT, "Very well met", A1_WEIGHTS) == [((4, 24),)]
    # Weights of a half: the unit is a half, so the 4 items weigh 8 units.
    assert read(REPORT, "Satisfactorily met", [F(1, 2), F(3, 2), F(1), F(1)]) == [((1, 8), (3, 5))]


def test_caps_and_other_quantifiers_read_as_demands() -> None:
    capped = compiled(
        grading(
            rules=[
                rule("Well met", clause("at_least", GO, "at_least_share", share=F(3, 4))),
                rule("Partly met", clause("at_least", SA, "at_least_count", count=2)),
                rule("Not met", clause("at_best", WE, "none")),
                otherwise("Poor"),
            ],
            caps=[m.CapRule("Partly met", (clause("at_best", SA, "some"), clause("at_least", VS, "none")))],
        )
    )
    weights = [F(1)] * 5
    # Well met: good on at least 75% of 5 (3.75, so 4); the cap must not apply: it fails when no
    # item is at best satisfactory (all 5 at good or better) or when some item is very strong.
    assert read(capped, "Well met", weights) == [((2, 5),), ((2, 4), (4, 1))]
    # Partly met: the cap gives Partly met, so it cannot keep anything below it.
    assert read(capped, "Partly met", weights) == [((1, 2),)]
    # Not met: no item weak (all 5 at satisfactory or better), but two at satisfactory or better
    # give Partly met already, so that demand is the one that counts.
    assert read(capped, "Not met", weights) == [((1, 2),)]


def test_a_cumulative_grading_asks_each_lower_grade_too() -> None:
    steps = compiled(
        grading(
            rules=[
                rule("Well met", clause("at_least", ST, "some")),
                rule("Partly met", clause("at_least", GO, "majority")),
                rule("Partly met", clause("at_least", SA, "each")),
                otherwise("Poor"),
            ],
            cumulative=True,
        )
    )
    # Well met needs some strong item and, for Partly met below it, good on the majority or
    # every item at least satisfactory.
    assert read(steps, "Well met", [F(1)] * 4) == [((2, 3), (3, 1)), ((1, 4), (3, 1))]


def every_clause(comparison: str) -> list[m.Clause]:
    """Every clause with this comparison: each quantifier, each value, counts 0–4, a range of shares."""
    out = []
    for value in PERFORMANCE.values:
        out += [clause(comparison, value, kind) for kind in ("each", "majority", "some", "none")]
        out += [clause(comparison, value, "at_least_count", count=n) for n in range(5)]
        out += [clause(comparison, value, "at_least_share", share=F(p, 4)) for p in range(5)]
    return out


def reads_exactly(c: CompiledGrading, target: str) -> None:
    """Over every rating of up to three items (weights 2, 1, 0 and ½, 3⁄2, 1): a demand is met
    exactly when the grading reaches the target."""
    for size, weights in itertools.product(range(4), ([F(2), F(1), F(0)], [F(1, 2), F(3, 2), F(1)])):
        units, unit = weight_units(weights[:size])
        found = demands(c, GRADE.rank(target), sum(units), unit)
        assert found is not None
        for ranks in itertools.product(range(5), repeat=size):
            met = any(
                all(sum(u for r, u in zip(ranks, units) if r >= at) >= need for at, need in demand)
                for demand in found
            )
            grade = decide(c, ranks, weights[:size]).grade
            assert met == (grade == target), (c.grading, ranks, weights[:size])


def readable(c: CompiledGrading) -> bool:
    """Monotone, and written as demands: a clause that holds whatever the ratings (`at least weak
    on none`, weak being the lowest) is monotone but not a demand, and is searched raise by raise."""
    if not is_monotone(c):
        return False
    try:
        demands(c, GRADE.rank("Well met"), 1, 1)
    except Unreadable:
        return False
    return True


def test_every_rising_clause_reads_exactly() -> None:
    read = 0
    for rising_clause in every_clause("at_least") + every_clause("at_best"):
        c = compiled(grading(rules=[rule("Well met", rising_clause), otherwise("Poor")]))
        if readable(c):
            reads_exactly(c, "Well met")
            read += 1
    assert read >= len(every_clause("at_least")) - len(PERFORMANCE.values)


def test_every_falling_clause_reads_exactly() -> None:
    # The cap keeps the grade at Poor unless its clause fails.
    read = 0
    for falling_clause in every_clause("at_least") + every_clause("at_best"):
        c = compiled(grading(rules=[otherwise("Well met")], caps=[m.CapRule("Poor", (falling_clause,))]))
        if readable(c):
            reads_exactly(c, "Well met")
            read += 1
    assert read > 0


def test_the_others_read_exactly() -> None:
    for first, a, b, c in itertools.product(("majority", "some"), range(5), range(5), (None, 2)):
        clauses = [
            clause("at_least", PERFORMANCE.value_at(a), first),
            clause("at_least", PERFORMANCE.value_at(b), "others"),
        ]
        if c is not None:
            clauses.append(clause("at_least", PERFORMANCE.value_at(c), "others"))
        reads_exactly(compiled(grading(rules=[rule("Well met", *clauses), otherwise("Poor")])), "Well met")


def test_equally_small_raises_come_in_the_searchs_order() -> None:
    # Two weak items; Well met needs both good, or one strong and both at least satisfactory.
    # Strong and satisfactory (3 + 1 steps) and good and good (2 + 2) are equally small; the
    # search shares a kind's steps biggest raise first, so strong and satisfactory comes first.
    two_ways = compiled(
        grading(
            rules=[
                rule("Well met", clause("at_least", GO, "each")),
                rule("Well met", clause("at_least", ST, "some"), clause("at_least", SA, "each")),
                otherwise("Poor"),
            ]
        )
    )
    expected = [([3, 1], "Well met"), ([2, 2], "Well met")]
    assert raise_to(two_ways, [0, 0], [F(1), F(1)], "Well met") == expected
    assert Search(two_ways, [0, 0], [F(1), F(1)], "Well met", 10_000, monotone=False).run() == expected


def test_too_many_demands_leave_the_answer_to_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    two_ways = compiled(
        grading(
            rules=[
                rule("Well met", clause("at_least", GO, "each")),
                rule("Well met", clause("at_least", ST, "some"), clause("at_least", SA, "each")),
                otherwise("Poor"),
            ]
        )
    )
    monkeypatch.setattr(demands_module, "MAX_DEMANDS", 1)
    assert read(two_ways, "Well met", [F(1)] * 3) is None
    ranks, weights = [0, 1, 0], [F(1)] * 3
    exhaustive = Search(two_ways, ranks, weights, "Well met", 10_000, monotone=False).run()
    assert raise_to(two_ways, ranks, weights, "Well met") == exhaustive != []


def test_gradings_that_are_not_monotone_are_not_read() -> None:
    with pytest.raises(Unreadable):
        read(compiled(ODD), "Well met", [F(1)] * 3)


def test_a_large_criterion_by_hand() -> None:
    # Thirty weak items of weight 1, Satisfactorily met: all thirty to at least satisfactory, and
    # sixteen of them (more than half) to strong: 16 × 3 + 14 × 1 = 62 steps. One kind, one option.
    ranks, weights = [0] * 30, [F(1)] * 30
    found = raise_to(REPORT, ranks, weights, "Satisfactorily met")
    assert found == [([3] * 16 + [1] * 14, "Satisfactorily met")]
    assert Search(REPORT, ranks, weights, "Satisfactorily met", 50_000, monotone=True).run() == found


# ---------------------------------------------------------------------------------------------
# Random monotone gradings

VALUES = st.sampled_from(PERFORMANCE.values)
SHARES = st.sampled_from([F(0), F(1, 3), F(1, 2), F(2, 3), F(3, 4), F(1)])


@st.composite
def rising(draw: st.DrawFn, first: bool) -> list[m.Clause]:
    """A rule's clauses, each holding more easily as ratings rise."""
    clauses: list[m.Clause] = []
    for index in range(draw(st.integers(1, 3))):
        can_follow = index > 0 and clauses[-1].comparison == "at_least"
        kind = draw(
            st.sampled_from(
                ["each", "majority", "some", "count", "share", "none", *(["others"] * can_follow)]
            )
        )
        value = draw(VALUES)
        if kind == "none":
            clauses.append(clause("at_best", value, "none"))
        elif kind == "count":
            clauses.append(clause("at_least", value, "at_least_count", count=draw(st.integers(0, 4))))
        elif kind == "share":
            clauses.append(clause("at_least", value, "at_least_share", share=draw(SHARES)))
        else:
            clauses.append(clause("at_least", value, kind))
    return clauses


@st.composite
def falling(draw: st.DrawFn) -> list[m.Clause]:
    """A cap's clauses, each holding less easily as ratings rise."""
    clauses = []
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(["each", "majority", "some", "count", "share", "none"]))
        value = draw(VALUES)
        if kind == "none":
            clauses.append(clause("at_least", value, "none"))
        elif kind == "count":
            clauses.append(clause("at_best", value, "at_least_count", count=draw(st.integers(0, 4))))
        elif kind == "share":
            clauses.append(clause("at_best", value, "at_least_share", share=draw(SHARES)))
        else:
            clauses.append(clause("at_best", value, kind))
    return clauses


@st.composite
def monotone_gradings(draw: st.DrawFn) -> CompiledGrading:
    grades = sorted(
        draw(st.lists(st.sampled_from(GRADE.values), min_size=1, max_size=4)), key=GRADE.rank, reverse=True
    )
    rules = [rule(grade, *draw(rising(first=True))) for grade in grades]
    if draw(st.booleans()):
        rules.append(
            otherwise(
                draw(st.sampled_from([g for g in GRADE.values if GRADE.rank(g) <= GRADE.rank(grades[-1])]))
            )
        )
    caps = [
        m.CapRule(draw(st.sampled_from(GRADE.values)), tuple(draw(falling())))
        for _ in range(draw(st.integers(0, 2)))
    ]
    c = compiled(grading(rules=rules, caps=caps, cumulative=draw(st.booleans())))
    assert is_monotone(c)
    return c


WEIGHTS = st.sampled_from([F(0), F(1), F(1), F(2), F(1, 2), F(3, 2)])


@settings(max_examples=300, deadline=None)
@given(
    monotone_gradings(),
    st.sampled_from(GRADE.values),
    st.lists(st.tuples(st.integers(0, 4), WEIGHTS), min_size=1, max_size=6),
)
def test_a_demand_is_met_exactly_when_the_grading_reaches_the_target(
    c: CompiledGrading, target: str, items: list[tuple[int, Fraction]]
) -> None:
    ranks, weights = [r for r, _ in items], [w for _, w in items]
    units, unit = weight_units(weights)
    found = demands(c, GRADE.rank(target), sum(units), unit)
    assert found is not None
    met = any(
        all(sum(u for r, u in zip(ranks, units) if r >= at) >= need for at, need in demand)
        for demand in found
    )
    grade = decide(c, ranks, weights).grade
    assert met == (grade is not None and GRADE.rank(grade) >= GRADE.rank(target))


@settings(max_examples=200, deadline=None)
@given(
    monotone_gradings(),
    st.sampled_from(GRADE.values),
    st.lists(st.tuples(st.integers(0, 4), WEIGHTS), min_size=1, max_size=5),
)
def test_the_exact_search_gives_the_options_of_trying_every_raise(
    c: CompiledGrading, target: str, items: list[tuple[int, Fraction]]
) -> None:
    ranks, weights = [r for r, _ in items], [w for _, w in items]
    grade = decide(c, ranks, weights).grade
    assume(grade is not None and GRADE.rank(grade) < GRADE.rank(target))
    exhaustive = Search(c, ranks, weights, target, 10**7, monotone=False).run()
    assert raise_to(c, ranks, weights, target) == exhaustive


def test_the_exact_search_gives_the_options_of_trying_every_raise_on_the_reports_grading() -> None:
    # Every rating of up to three items of weights 1 and 2 (either way round), every target above the grade.
    checked = 0
    for size, first in itertools.product(range(1, 4), (1, 2)):
        weights = [F(first if i % 2 == 0 else 3 - first) for i in range(size)]
        for ranks in itertools.product(range(5), repeat=size):
            grade = decide(REPORT, list(ranks), weights).grade
            assert grade is not None
            for target in GRADE.values[: GRADE.values.index(grade)]:
                exhaustive = Search(REPORT, list(ranks), weights, target, 10**7, monotone=False).run()
                assert raise_to(REPORT, list(ranks), weights, target) == exhaustive
                checked += 1
    assert checked > 500
