"""The meaning of the bounds from above, exact counts, named members and item groups, as
`language/semantics` defines it (scoring decides with it; the analysis and the counterfactual
search read it).

Each clause is checked against a direct reading of its words on random items; `is_monotone` is
checked to answer True only for gradings where no raise of one item lowers the grade; and the
exact search for the smallest raises (`demands`, `raises`) must agree with trying every raise,
or leave the grading to that search (`Unreadable`).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from builders import GRADE, PERFORMANCE, F, clause, grading, otherwise, rule
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from esirules.explain.counterfactual import is_monotone, raise_to
from esirules.explain.demands import Unreadable, demands
from esirules.explain.search import Search
from esirules.language import model as m
from esirules.scoring.compile import CompiledGrading
from esirules.scoring.grading import clauses_hold, decide, weight_units

KINDS = ["each", "majority", "some", "none", "at_least_count", "at_least_share", "at_most_count",
         "fewer_than_count", "exactly_count", "at_most_share"]
NEW = ["at_most_count", "fewer_than_count", "exactly_count", "at_most_share"]
SHARES = [F(0), F(1, 4), F(1, 3), F(1, 2), F(3, 4), F(1)]
IDS = ["a", "b", "c", "d"]
GROUPS = ["g1", "g2", None]


def compiled(g: m.Grading) -> CompiledGrading:
    return CompiledGrading(g, PERFORMANCE, GRADE, None)


def _holds(quantifier: m.Quantifier, satisfying: Fraction, domain: Fraction) -> bool:
    """The words read directly, on weights (not units)."""
    kind, count = quantifier.kind, quantifier.count or 0
    share = quantifier.share if quantifier.share is not None else F(1)
    return {
        "each": satisfying == domain,
        "others": satisfying == domain,
        "named": domain > 0 and satisfying == domain,
        "majority": satisfying * 2 > domain,
        "some": satisfying > 0,
        "none": satisfying == 0,
        "at_least_count": satisfying >= count,
        "at_most_count": satisfying <= count,
        "fewer_than_count": satisfying < count,
        "exactly_count": satisfying == count,
        "at_least_share": domain > 0 and satisfying >= share * domain,
        "at_most_share": satisfying <= share * domain,
    }[kind]


def _compared(comparison: str, rank: int, threshold: int) -> bool:
    if comparison == "at_least":
        return rank >= threshold
    if comparison == "at_best":
        return rank <= threshold
    return rank == threshold


@st.composite
def clauses(draw: st.DrawFn) -> tuple[m.Clause, ...]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        comparison = draw(st.sampled_from(["at_least", "at_best", "exactly"]))
        value = draw(st.sampled_from(PERFORMANCE.values))
        if draw(st.integers(0, 4)) == 0:
            out.append(m.Clause(comparison, value, m.Quantifier("named"), member=draw(st.sampled_from(IDS))))
            continue
        kind = draw(st.sampled_from(KINDS))
        count = draw(st.integers(0, 4)) if kind.endswith("_count") else None
        share = draw(st.sampled_from(SHARES)) if kind.endswith("_share") else None
        group = draw(st.sampled_from(GROUPS))
        other = draw(st.booleans()) and draw(st.booleans())
        out.append(m.Clause(comparison, value, m.Quantifier(kind, count, share, other=other, group=group)))  # type: ignore[arg-type]
    return tuple(out)


ITEMS = st.lists(
    st.tuples(
        st.integers(0, len(PERFORMANCE.values) - 1),
        st.sampled_from([F(0), F(1), F(2), F(1, 2)]),
        st.sampled_from(GROUPS),
    ),
    min_size=0,
    max_size=4,
)


@settings(max_examples=400, deadline=None)
@given(clauses(), ITEMS)
def test_every_clause_means_what_its_words_say(written: tuple[m.Clause, ...], items: list) -> None:  # type: ignore[type-arg]
    ranks = [r for r, _, _ in items]
    weights = [w for _, w, _ in items]
    groups = [g for _, _, g in items]
    ids = IDS[: len(items)]
    named = set(m.named_members(written))
    expected = True
    for c in written:
        q = c.quantifier
        if c.member is not None:
            domain = [i for i in range(len(items)) if ids[i] == c.member]
        elif q.other:
            domain = [i for i in range(len(items)) if ids[i] not in named]
        else:
            domain = list(range(len(items)))
        if q.group is not None:
            domain = [i for i in domain if groups[i] == q.group]
        satisfying = [i for i in domain if _compared(c.comparison, ranks[i], PERFORMANCE.rank(c.value))]
        expected &= _holds(q, sum((weights[i] for i in satisfying), F(0)), sum((weights[i] for i in domain), F(0)))
    units, unit = weight_units(weights)
    assert clauses_hold(written, PERFORMANCE, ranks, units, unit, ids, groups) == expected


@st.composite
def gradings(draw: st.DrawFn) -> m.Grading:
    grades = sorted(draw(st.lists(st.sampled_from(GRADE.values[:-1]), min_size=1, max_size=3)), key=GRADE.rank, reverse=True)
    rules = [rule(g, *draw(clauses())) for g in grades]
    return grading(rules=(*rules, otherwise(GRADE.values[-1])))


def _raises_lower(c: CompiledGrading, ranks: list[int], weights: list[Fraction], ids: list[str], groups: list) -> bool:  # type: ignore[type-arg]
    top = len(PERFORMANCE.values) - 1
    grade = GRADE.rank(decide(c, ranks, weights, ids=ids, groups=groups).grade)  # type: ignore[arg-type]
    for i in range(len(ranks)):
        if ranks[i] < top:
            raised = [*ranks[:i], ranks[i] + 1, *ranks[i + 1 :]]
            if GRADE.rank(decide(c, raised, weights, ids=ids, groups=groups).grade) < grade:  # type: ignore[arg-type]
                return True
    return False


@settings(max_examples=150, deadline=None)
@given(gradings(), st.lists(st.sampled_from([F(1), F(2), F(1, 2)]), min_size=1, max_size=3), st.lists(st.sampled_from(GROUPS), min_size=3, max_size=3))
def test_a_grading_called_monotone_never_lowers_the_grade_on_a_raise(g: m.Grading, weights: list[Fraction], groups: list) -> None:  # type: ignore[type-arg]
    c = compiled(g)
    if not is_monotone(c):
        return
    ids = IDS[: len(weights)]
    for ranks in itertools.product(range(len(PERFORMANCE.values)), repeat=len(weights)):
        assert not _raises_lower(c, list(ranks), weights, ids, groups[: len(weights)])


@settings(max_examples=150, deadline=None)
@given(gradings(), st.lists(st.sampled_from([F(1), F(2), F(1, 2)]), min_size=1, max_size=3), st.data())
def test_the_smallest_raises_are_those_found_by_trying_every_raise(g: m.Grading, weights: list[Fraction], data: st.DataObject) -> None:
    c = compiled(g)
    ranks = data.draw(st.lists(st.integers(0, len(PERFORMANCE.values) - 1), min_size=len(weights), max_size=len(weights)))
    groups = data.draw(st.lists(st.sampled_from(GROUPS), min_size=len(weights), max_size=len(weights)))
    ids = IDS[: len(weights)]
    target = data.draw(st.sampled_from(GRADE.values))
    now = decide(c, ranks, weights, ids=ids, groups=groups).grade
    assume(now is None or GRADE.rank(now) < GRADE.rank(target))  # as `smallest_changes` asks only then
    found = raise_to(c, ranks, weights, target, ids=ids, groups=groups)
    tried = Search(c, ranks, weights, target, 10**6, monotone=False, ids=ids, groups=groups).run()
    assert [new for new, _ in found] == [new for new, _ in tried]


@pytest.mark.parametrize(
    "written",
    [
        m.Clause("at_least", "good", m.Quantifier("named"), member="a"),
        m.Clause("at_least", "good", m.Quantifier("each", group="g1")),
        m.Clause("at_least", "good", m.Quantifier("each", other=True)),
        *(clause("at_least", "good", kind, 2 if kind.endswith("count") else None, F(1, 2) if kind.endswith("share") else None) for kind in NEW),
        *(clause("at_best", "good", kind, 2 if kind.endswith("count") else None, F(1, 2) if kind.endswith("share") else None) for kind in NEW),
    ],
)
def test_a_clause_that_is_no_need_on_all_the_items_is_unreadable(written: m.Clause) -> None:
    c = compiled(grading(rules=(rule("Well met", written), otherwise("Poor"))))
    with pytest.raises(Unreadable):
        demands(c, GRADE.rank("Well met"), 4, 1)


def test_bounds_from_above_on_the_worse_ratings_are_monotone_and_the_rest_are_not() -> None:
    def monotone(*written: m.Clause) -> bool:
        return is_monotone(compiled(grading(rules=(rule("Well met", *written), otherwise("Poor")))))

    assert monotone(clause("at_best", "weak", "at_most_count", 1))
    assert monotone(clause("at_best", "satisfactory", "fewer_than_count", 2))
    assert monotone(clause("at_best", "weak", "at_most_share", share=F(1, 4)))
    assert not monotone(clause("at_least", "good", "at_most_count", 1))
    assert not monotone(clause("at_least", "good", "exactly_count", 2))
    assert not monotone(clause("at_best", "good", "exactly_count", 2))
    assert not monotone(m.Clause("at_least", "good", m.Quantifier("named"), member="a"))  # told apart: searched
