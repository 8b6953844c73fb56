"""Quantifiers that bound from above or exactly (issue 11, point 2): `at most N`, `fewer than N`,
`exactly N`, `no more than P%`. Source → model, hand-worked holds by weight, explanations, misuse.

Items weighted 2, 1, 1, 1, 1 (6 in all), rated very strong, strong, good, satisfactory, weak, as
in tests/test_grading.py; every expected value below is counted by hand from those weights.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from beyond import LADDER, PERFORMANCE, codes, header, ruleset_of, score_text
from builders import clause
from test_grading import RATINGS, WEIGHTS, holds

from esirules.explain.counterfactual import is_monotone
from esirules.language import model as m
from esirules.scoring.compile import compile_ruleset

F = Fraction
VS, ST, GO, SA, WE = "very strong", "strong", "good", "satisfactory", "weak"


@pytest.mark.parametrize(
    ("c", "expected"),
    [
        # at least strong: very strong (2) + strong (1) = 3 of 6.
        (clause("at_least", ST, "at_most_count", count=3), True),
        (clause("at_least", ST, "at_most_count", count=2), False),  # very strong alone weighs 2
        (clause("at_least", ST, "fewer_than_count", count=4), True),
        (clause("at_least", ST, "fewer_than_count", count=3), False),  # 3 is not fewer than 3
        (clause("at_least", ST, "exactly_count", count=3), True),
        (clause("at_least", ST, "exactly_count", count=2), False),
        (clause("at_best", WE, "exactly_count", count=1), True),
        (clause("at_best", WE, "fewer_than_count", count=1), False),
        # at least good weighs 4 of 6: no more than 2/3 holds, no more than 60% does not.
        (clause("at_least", GO, "at_most_share", share=F(2, 3)), True),
        (clause("at_least", GO, "at_most_share", share=F(3, 5)), False),
        (clause("at_best", SA, "at_most_share", share=F(1, 3)), True),  # 2 of 6 = 1/3
    ],
)
def test_upper_and_exact_quantifiers_count_item_weight(c: m.Clause, expected: bool) -> None:
    assert holds(c, RATINGS, WEIGHTS) is expected


def test_no_more_than_a_share_of_no_items_holds() -> None:
    # With nothing rated, no share of the items is exceeded (docs/scoring-semantics.md §4).
    assert holds(clause("at_least", GO, "at_most_share", share=F(1, 2)), [], []) is True
    assert holds(clause("at_least", GO, "at_least_share", share=F(1, 2)), [], []) is False


QUANTIFIED = header() + PERFORMANCE + "\n" + LADDER + """
grading limits {
  items rated on performance
  grades from grade
  "Very well met" when at least strong on each item
  "Well met" when at least strong on at least 2 items and at best weak on no more than 25% of the items
  "Satisfactorily met" when at best satisfactory on at most 3 items and at least good on exactly 2 items
  "Partly met" when at best weak on fewer than 3 items
  "Poor" otherwise
}
section A "A" {
  criterion A1 "A1" {
    graded by limits
    item A1.a "a" weight 2
    item A1.b "b"
    item A1.c "c"
    item A1.d "d"
  }
  grade: lowest of criteria
}
"""


def test_the_checker_reads_every_new_quantifier(tmp_path: Path) -> None:
    grading = ruleset_of(tmp_path, QUANTIFIED).grading("limits")
    quantifiers = [c.quantifier for r in grading.rules for c in r.clauses]
    assert quantifiers[2:] == [
        m.Quantifier("at_most_share", share=F(1, 4)),
        m.Quantifier("at_most_count", count=3),
        m.Quantifier("exactly_count", count=2),
        m.Quantifier("fewer_than_count", count=3),
    ]


@pytest.mark.parametrize(
    ("ratings", "grade", "chosen"),
    [
        # a weighs 2, b c d 1 each (5). Strong on a and b (3 ≥ 2); weak on d: 1 of 5 = 20% ≤ 25%.
        ({"A1.a": ST, "A1.b": ST, "A1.c": GO, "A1.d": WE}, "Well met", 1),
        # Strong on b and d (2), but weak on a: 2 of 5 = 40% > 25%, not Well met; at least good
        # on b, c, d weighs 3, not exactly 2; weak on a alone (2) is fewer than 3: Partly met.
        ({"A1.a": WE, "A1.b": ST, "A1.c": GO, "A1.d": ST}, "Partly met", 3),
        # No strong; at best satisfactory on b, c, d (3, at most 3); at least good on a alone (2).
        ({"A1.a": GO, "A1.b": SA, "A1.c": SA, "A1.d": WE}, "Satisfactorily met", 2),
        # weak on all: 5 of 5, not fewer than 3: Poor.
        ({"A1.a": WE, "A1.b": WE, "A1.c": WE, "A1.d": WE}, "Poor", 4),
    ],
)
def test_a_grading_with_bounds_from_above(tmp_path: Path, ratings: dict[str, str], grade: str, chosen: int) -> None:
    scored = score_text(tmp_path, QUANTIFIED, {"ratings": ratings})
    result = scored.column.criteria["A1"]
    assert result.grade == grade
    assert result.trace is not None and [r.chosen for r in result.trace.rules].index(True) == chosen


def test_the_explanation_shows_each_bound_and_can_be_recomputed(tmp_path: Path) -> None:
    scored = score_text(tmp_path, QUANTIFIED, {"ratings": {"A1.a": WE, "A1.b": ST, "A1.c": GO, "A1.d": ST}})
    shown = scored.rendered("A1")
    rules = shown["json"]["explanation"]["grading"]["rules"]
    clauses = [c for r in rules for c in r["clauses"]]
    texts = [c["text"] for c in clauses]
    assert "at best weak on no more than 25% of items" in texts
    assert "at best satisfactory on at most 3 items" in texts
    assert "at least good on exactly 2 items" in texts
    assert "at best weak on fewer than 3 items" in texts
    share = next(c for c in clauses if c["quantifier"]["kind"] == "at_most_share")
    # Recompute from the JSON: S × 4 ≤ D (no more than 1/4); weak a weighs 2 of 5.
    s, d = F(share["satisfying_weight"]), F(share["domain_weight"])
    assert (s, d, share["holds"]) == (2, 5, s <= F(share["quantifier"]["share"]) * d)
    assert share["needed"] == "no more than 25% of 5 (by weight)" and share["found"] == "2 (40.0%)"
    fewer = next(c for c in clauses if c["quantifier"]["kind"] == "fewer_than_count")
    assert (fewer["needed"], fewer["found"], fewer["holds"]) == ("fewer than 3 of 5 (by weight)", "2", True)
    assert "at best weak on fewer than 3 items: needs fewer than 3 of 5 (by weight); found 2" in shown["text"]


def test_bounds_from_above_are_monotone_only_when_they_count_what_falls(tmp_path: Path) -> None:
    compiled = compile_ruleset(ruleset_of(tmp_path, QUANTIFIED)).gradings["limits"]
    assert not is_monotone(compiled)  # `exactly 2 items` can stop holding as ratings rise
    simple = QUANTIFIED.replace(" and at least good on exactly 2 items", "")
    assert is_monotone(compile_ruleset(ruleset_of(tmp_path, simple)).gradings["limits"])


@pytest.mark.parametrize(
    ("quantifier", "code"),
    [
        ("fewer than 0 items", "W101"),
        ("no more than 100% of the items", "W101"),
        ("no more than 120% of the items", "R020"),
        ("at most 1.5 items", "R020"),
        ("exactly -1 items", "R020"),
    ],
)
def test_misused_bounds_are_reported(tmp_path: Path, quantifier: str, code: str) -> None:
    text = header() + PERFORMANCE + "\n" + LADDER + f"""
grading g {{
  items rated on performance
  grades from grade
  "Well met" when at least good on {quantifier}
  "Poor" otherwise
}}
"""
    assert codes(tmp_path, text) == [code]
