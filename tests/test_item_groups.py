"""Item groups within a criterion (issue 11, point 8): `item ... group "level 3"` and rules over
one group (`at least strong on each item of group "level 3"`). Source → model, hand-worked
grades, explanations recomputable from the JSON, smallest changes, misuse.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from beyond import LADDER, PERFORMANCE, codes, header, ruleset_of, score_text
from test_explain_provenance import unsourced

from esirules.explain.counterfactual import smallest_changes
from esirules.language import model as m

GROUPS = header() + PERFORMANCE + "\n" + LADDER + """
grading levels "Levels of practice" {
  items rated on performance
  grades from grade
  "Well met" when at least strong on each item of group "level 3" and at least good on each item
  "Partly met" when at least good on the majority of items of group "level 3" and at least satisfactory on each item
  "Poor" otherwise
}
section A "A" {
  criterion A1 "Practice" {
    graded by levels
    item A1.a "a" group "level 3"
    item A1.b "b" group "level 3" weight 2
    item A1.c "c" group "level 2"
    item A1.d "d"
  }
  grade: lowest of criteria
}
"""


def test_the_checker_reads_groups_of_items_and_of_quantifiers(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, GROUPS)
    assert [i.group for i in ruleset.criterion("A1").items] == ["level 3", "level 3", "level 2", None]
    first = ruleset.grading("levels").rules[0].clauses[0]
    assert first.quantifier == m.Quantifier("each", group="level 3")


@pytest.mark.parametrize(
    ("ratings", "grade"),
    [
        # Level 3 (a, b) strong or better, every item good or better: Well met.
        (("strong", "very strong", "good", "good"), "Well met"),
        # b (weight 2 of level 3's 3) is good: the majority of level 3 at least good; every
        # item at least satisfactory: Partly met.
        (("strong", "good", "satisfactory", "satisfactory"), "Partly met"),
        # Only a (1 of 3) at least good in level 3: not the majority: Poor.
        (("strong", "weak", "very strong", "very strong"), "Poor"),
    ],
)
def test_a_rule_over_one_group(tmp_path: Path, ratings: tuple[str, ...], grade: str) -> None:
    given = dict(zip(("A1.a", "A1.b", "A1.c", "A1.d"), ratings))
    assert score_text(tmp_path, GROUPS, {"ratings": given}).column.criteria["A1"].grade == grade


def test_the_explanation_shows_the_group_and_can_be_recomputed(tmp_path: Path) -> None:
    ratings = {"A1.a": "strong", "A1.b": "good", "A1.c": "satisfactory", "A1.d": "satisfactory"}
    scored = score_text(tmp_path, GROUPS, {"ratings": ratings})
    shown = scored.rendered("A1")
    body = shown["json"]["explanation"]
    groups = {i["id"]: i["group"] for i in body["items"]}
    assert groups == {"A1.a": "level 3", "A1.b": "level 3", "A1.c": "level 2", "A1.d": None}
    clause = body["grading"]["rules"][0]["clauses"][0]
    assert clause["text"] == 'at least strong on each item of group "level 3"'
    assert clause["quantifier"]["group"] == "level 3"
    # Recomputed from the JSON: the domain is exactly the items of that group.
    assert clause["domain"] == [i for i, g in groups.items() if g == "level 3"]
    assert (clause["satisfying"], clause["holds"]) == (["A1.a"], False)
    assert 'at least strong on each item of group "level 3": needs all of 3 (by weight); found 1' in shown["text"]
    assert unsourced(shown["json"]) == []


def test_the_smallest_change_raises_the_item_of_the_group(tmp_path: Path) -> None:
    # With equal weights, b (level 3), c and d are alike but for their groups.
    text = GROUPS.replace(' group "level 3" weight 2', ' group "level 3"')
    ratings = {"A1.a": "strong", "A1.b": "good", "A1.c": "good", "A1.d": "good"}
    scored = score_text(tmp_path, text, {"ratings": ratings})
    found = smallest_changes(scored.evaluator, scored.column.criteria["A1"], "Well met")
    # Raising c or d (equally rated) does nothing: only b, of level 3, needs to be strong.
    assert [[(c.item, c.to) for c in option] for option in found.options] == [[("A1.b", "strong")]]


def test_a_group_the_items_do_not_have_is_reported(tmp_path: Path) -> None:
    assert codes(tmp_path, GROUPS.replace('item A1.b "b" group "level 3"', 'item A1.b "b"').replace(
        'item A1.a "a" group "level 3"', 'item A1.a "a"')) == ["R103"]
