"""Named members in rules (issue 11, point 3): `well_led is Inadequate`, `safe is at best
"Requires improvement"` next to quantified clauses over the `other criteria`. Source → model,
hand-worked grades, explanations recomputable from the JSON, misuse.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from beyond import codes, header, ruleset_of, score_text
from test_explain_provenance import unsourced

from esirules.explain.counterfactual import is_monotone
from esirules.language import model as m
from esirules.scoring.compile import compile_ruleset

RATING = 'ladder rating: Outstanding > Good > "Requires improvement" > Inadequate'
KEY = ("safe", "effective", "caring", "responsive", "well_led")

NAMED = header() + RATING + """
grading direct {
  items rated on rating
  grades from rating
  Outstanding when exactly Outstanding on each item
  Good when exactly Good on each item
  "Requires improvement" when exactly "Requires improvement" on each item
  Inadequate otherwise
}
grading aggregate "Key questions to the overall rating" {
  items rated on rating
  grades from rating
  Inadequate when well_led is Inadequate and at best Inadequate on at least 1 other criterion
  Inadequate when at best Inadequate on at least 2 criteria
  "Requires improvement" when safe is at best "Requires improvement"
  Outstanding when at least Outstanding on at least 2 criteria and at least Good on each criterion
  Good when at least Good on each criterion
  "Requires improvement" otherwise
}
section S "Key questions" {
""" + "".join(f'  criterion {k} "{k}" {{ graded by direct  item {k}.r "rating" }}\n' for k in KEY) + """  grade: aggregate over criteria
}
"""


def ratings(**given: str) -> dict[str, str]:
    return {f"{k}.r": given.get(k, "Good") for k in KEY}


def test_the_checker_reads_named_clauses_and_other_members(tmp_path: Path) -> None:
    rules = ruleset_of(tmp_path, NAMED)
    first = rules.grading("aggregate").rules[0]
    assert first.clauses == (
        m.Clause("exactly", "Inadequate", m.Quantifier("named"), "well_led"),
        m.Clause("at_best", "Inadequate", m.Quantifier("at_least_count", count=1, other=True)),
    )
    assert m.named_members(first.clauses) == ("well_led",)
    assert rules.grading("aggregate").rules[2].clauses[0].member == "safe"


@pytest.mark.parametrize(
    ("given", "grade", "rule"),
    [
        # well_led Inadequate and caring (another) Inadequate: the first rule.
        ({"well_led": "Inadequate", "caring": "Inadequate"}, "Inadequate", 0),
        # well_led Inadequate alone: no other is Inadequate, only 1 of 5 is; safe is Good; not
        # each at least Good: Requires improvement, otherwise.
        ({"well_led": "Inadequate"}, "Requires improvement", 5),
        # safe Requires improvement limits the rating, however good the others are.
        ({"safe": "Requires improvement", **dict.fromkeys(KEY[1:], "Outstanding")}, "Requires improvement", 2),
        ({"effective": "Outstanding", "caring": "Outstanding"}, "Outstanding", 3),
        ({}, "Good", 4),
    ],
)
def test_named_members_decide_the_grade(tmp_path: Path, given: dict[str, str], grade: str, rule: int) -> None:
    scored = score_text(tmp_path, NAMED, {"ratings": ratings(**given)})
    section = scored.column.sections["S"]
    assert section.grade == grade
    trace = section.grading.trace if section.grading else None
    assert trace is not None and [r.chosen for r in trace.rules].index(True) == rule


def test_the_explanation_shows_the_named_member_and_the_others(tmp_path: Path) -> None:
    scored = score_text(tmp_path, NAMED, {"ratings": ratings(well_led="Inadequate", caring="Inadequate")})
    shown = scored.rendered("S")
    named, others = shown["json"]["explanation"]["grading"]["grading"]["rules"][0]["clauses"]
    assert (named["text"], named["member"], named["quantifier"]["kind"]) == (
        "well_led is Inadequate", "well_led", "named"
    )
    assert (named["domain"], named["satisfying"], named["needed"], named["found"], named["holds"]) == (
        ["well_led"], ["well_led"], "well_led rated so", "yes", True
    )
    # Recomputed from the JSON: the others are every member but the one the rule names.
    assert others["text"] == "at best Inadequate on at least 1 other criterion"
    assert others["domain"] == [k for k in KEY if k != "well_led"] and others["satisfying"] == ["caring"]
    assert others["quantifier"]["other"] is True and others["holds"] is True
    assert "well_led is Inadequate: needs well_led rated so; found yes" in shown["text"]
    assert unsourced(shown["json"]) == []


def test_a_grading_that_names_members_is_searched_member_by_member(tmp_path: Path) -> None:
    rules = compile_ruleset(ruleset_of(tmp_path, NAMED))
    # `well_led is Inadequate` (exactly) can stop holding as ratings rise: not monotone.
    assert not is_monotone(rules.gradings["aggregate"])


@pytest.mark.parametrize(
    ("change", "code"),
    [
        # `other` with no member named in the rule.
        (("and at best Inadequate on at least 1 other criterion", "and at best Inadequate on at least 1 other criterion\n"
          "  Inadequate when at best Inadequate on some other criteria"), "R101"),
        # A member that is not one of the criteria the grading is applied to.
        (("safe is at best", "security is at best"), "R102"),
    ],
)
def test_misused_names_are_reported(tmp_path: Path, change: tuple[str, str], code: str) -> None:
    assert codes(tmp_path, NAMED.replace(*change)) == [code]
