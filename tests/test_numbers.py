"""Numbers on levels and figures over members (issue 11, point 1): the checker reads them into the
model, scoring decides them as hand-worked examples say (the Food Hygiene Rating Scheme's table,
rounded means, members not rated dropping out), the decision on the rating profile is the same
as the figure worked out directly, and every explanation can be recomputed from its JSON."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest
from beyond import codes, header, ruleset_of, score_text

from esirules.language import model as m
from esirules.language import semantics
from esirules.language.profiles import Profiles, width_for
from esirules.render.result_json import column_json
from esirules.scoring.compile import compile_ruleset

F = Fraction

# The Food Hygiene Rating Scheme (FSA, Brand Standard, Annex 5): three elements scored 0-25
# (confidence in management 0-30), fewer points being better; the rating is the band of the
# total, limited by the highest single element score.
FHRS = header("fhrs") + """
scale element: 0 > 5 > 10 > 15 > 20 > 25 > 30
ladder hygiene_rating: "5" > "4" > "3" > "2" > "1" > "0"
grading hygiene "Food hygiene rating" {
  items rated on element
  grades from hygiene_rating
  "5" when sum of items at most 15 and max of items at most 5
  "4" when sum of items at most 20 and max of items at most 10
  "3" when sum of items at most 30 and max of items at most 10
  "2" when sum of items at most 40 and max of items at most 15
  "1" when sum of items at most 50 and max of items at most 20
  "0" otherwise
}
section H "Food hygiene" {
  criterion H1 "Food hygiene rating" {
    graded by hygiene
    item H1.handling "Hygienic food handling"
    item H1.structure "Physical condition of the premises"
    item H1.management "Confidence in management"
  }
}
"""

PRACTICE = header("practice") + """
ladder quality: outstanding = 4 > good = 3 > "requires improvement" = 2 > inadequate = 1
scale practice: excellent = 4 > good = 3 > fair = 2 > poor = 1, not applicable
grading average {
  items rated on practice
  grades from quality
  means: 1 decimal place, halves TIES
  outstanding when mean of items at least 3.5 and count of items rated at best fair is 0
  good when mean of items at least 2.7
  "requires improvement" when mean of items at least 50% of possible
  inadequate otherwise
}
bands totals on quality {
  outstanding when rated at least 3 and total at least 90% of possible
  good when total at least 75% of possible
  "requires improvement" when total at least 50% of possible
  inadequate otherwise
}
bands averages on quality {
  good when mean at least 2.5
  inadequate otherwise
}
section P "Practice" {
  criterion P1 "Assessment" { graded by average  item P1.a "a"  item P1.b "b"  item P1.c "c" }
  criterion P2 "Delivery" { graded by average  item P2.a "a"  item P2.b "b" }
  criterion P3 "Review" { graded by average  item P3.a "a" }
  grade: sum of criteria banded by totals
}
overall "Overall" {
  means: 2 decimal places, halves up
  grade: mean of sections banded by averages
}
"""


def practice(ties: str = "up") -> str:
    return PRACTICE.replace("TIES", ties)


# --- the checker: source to model ------------------------------------------------------------


def test_levels_get_their_numbers(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, FHRS)
    assert ruleset.scale("element").numbers == tuple(F(n) for n in (0, 5, 10, 15, 20, 25, 30))
    assert ruleset.scale("element").number("15") == 15 and ruleset.scale("element").largest == 30
    assert ruleset.scale("hygiene_rating").numbers == ()  # quoted levels are names, not numbers
    quality = ruleset_of(tmp_path, practice()).scale("quality")
    assert quality.values == ("outstanding", "good", "requires improvement", "inadequate")
    assert quality.numbers == (4, 3, 2, 1) and quality.number("good") == 3


def test_figure_clauses_read_into_the_model(tmp_path: Path) -> None:
    grading = ruleset_of(tmp_path, practice()).grading("average")
    assert grading.means == m.Rounding(1, "up")
    mean, count = grading.rules[0].clauses
    assert mean.figure == m.FigureSpec("mean", "at_least", F(7, 2))
    assert count.figure == m.FigureSpec("count", "is", F(0), rated=True)
    assert (count.comparison, count.value, count.quantifier.kind) == ("at_best", "fair", "figure")
    assert mean.value == "poor"  # every rated member: at least the worst level
    assert grading.rules[2].clauses[0].figure == m.FigureSpec("mean", "at_least", F(1, 2), of_possible=True)
    ruleset = ruleset_of(tmp_path, practice())
    section = ruleset.sections[0]
    assert section.grade is not None and (section.grade.kind, section.grade.using) == ("sum_banded", "totals")
    overall = ruleset.overall
    assert overall is not None and overall.grade is not None
    assert (overall.grade.kind, overall.grade.means) == ("mean_banded", m.Rounding(2, "up"))
    total = ruleset.band_set("totals").bands[0].tests[1]
    assert (total.figure, total.operand, total.of_possible) == ("total", F(9, 10), True)


def test_restricted_figures(tmp_path: Path) -> None:
    text = header() + """
scale s: a = 2 > b = 1
ladder g: yes > no
grading named { items rated on s  grades from g
  yes when max of criteria A1, A2 at most 1 and sum of items of group "x" below 3
  "no" otherwise }
"""
    grading = ruleset_of(tmp_path, text).grading("named")
    first, second = grading.rules[0].clauses
    assert first.figure == m.FigureSpec("max", "at_most", F(1), members=("A1", "A2"))
    assert first.quantifier.noun == "criteria"
    assert (second.figure, second.quantifier.group) == (m.FigureSpec("sum", "below", F(3)), "x")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ladder q: a = 1 > b > c = 3", "R110"),
        ("ladder q: 1 > 2 > \"three\"", "R110"),
        ("scale s: a > b\nladder g: y > n\ngrading x { items rated on s grades from g y when mean of items at least 1 n otherwise }", "R111"),
        ("scale s: a = 1 > b = 0\nladder g: y > n\ngrading x { items rated on s grades from g y when max of items rated a at least 1 n otherwise }", "R112"),
        ("scale s: a = 1 > b = 0\nladder g: y > n\ngrading x { items rated on s grades from g y when sum of items above 101% of possible n otherwise }", "R113"),
        ("ladder q: a = 1 > b = 0\nbands x on q { a when rated at least 50% of possible  b otherwise }", "R114"),
        ("scale s: a = 1 > b = 0\nladder g: y > n\ngrading x { items rated on s grades from g means: 1 decimal place y when sum of items at least 1 n otherwise }", "W110"),
    ],
)
def test_misuse_is_reported(tmp_path: Path, text: str, code: str) -> None:
    assert code in codes(tmp_path, header() + text + "\n")


def test_a_count_needs_no_numbers(tmp_path: Path) -> None:
    text = header() + """
scale s: a > b
ladder g: y > n
grading x { items rated on s grades from g  y when count of items rated a at least 2  n otherwise }
"""
    assert ruleset_of(tmp_path, text).grading("x").rules[0].clauses[0].figure == m.FigureSpec(
        "count", "at_least", F(2), rated=True
    )


# --- scoring, worked by hand ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("handling", "structure", "management", "rating"),
    [
        ("5", "5", "5", "5"),  # total 15, highest 5
        ("0", "5", "10", "4"),  # total 15, but one element scores 10: limited to 4
        ("5", "5", "10", "4"),  # total 20
        ("10", "10", "10", "3"),  # total 30
        ("15", "10", "10", "2"),  # total 35, highest 15
        ("20", "20", "10", "1"),  # total 50, highest 20
        ("25", "0", "0", "0"),  # total 25, but one element scores 25
        ("20", "20", "20", "0"),  # total 60
    ],
)
def test_the_food_hygiene_rating_table(tmp_path: Path, handling: str, structure: str, management: str, rating: str) -> None:
    ratings = {"H1.handling": handling, "H1.structure": structure, "H1.management": management}
    scored = score_text(tmp_path, FHRS, {"ratings": ratings})
    assert scored.column.criteria["H1"].grade == rating


@pytest.mark.parametrize(
    ("ties", "ratings", "grade"),
    [
        # (3 + 3 + 2) / 3 = 2.666..., 2.7 rounded to one place: good (the exact mean is below 2.7)
        ("up", {"P1.a": "good", "P1.b": "good", "P1.c": "fair"}, "good"),
        # (4 + 4 + 3) / 3 = 3.666...: 3.7 ≥ 3.5, but no item at best fair: outstanding
        ("up", {"P1.a": "excellent", "P1.b": "excellent", "P1.c": "good"}, "outstanding"),
        # (4 + 4 + 2) / 3 = 3.333...: 3.3, and one item fair: good
        ("up", {"P1.a": "excellent", "P1.b": "excellent", "P1.c": "fair"}, "good"),
        # (2 + 2 + 1) / 3 = 1.666..., 1.7; possible is 4, half of it 2: not reached
        ("up", {"P1.a": "fair", "P1.b": "fair", "P1.c": "poor"}, "inadequate"),
        # (3 + 2 + 2) / 3 = 2.333...: 2.3, at least 2 (50% of 4): requires improvement
        ("up", {"P1.a": "good", "P1.b": "fair", "P1.c": "fair"}, "requires improvement"),
        # not applicable drops out: (4 + 4) / 2 = 4
        ("up", {"P1.a": "excellent", "P1.b": "excellent", "P1.c": "not applicable"}, "outstanding"),
    ],
)
def test_rounded_means(tmp_path: Path, ties: str, ratings: dict[str, str], grade: str) -> None:
    rest = {"P2.a": "good", "P2.b": "good", "P3.a": "good"}
    scored = score_text(tmp_path, practice(ties), {"ratings": {**ratings, **rest}})
    assert scored.column.criteria["P1"].grade == grade


def test_a_tie_goes_as_the_rounding_says(tmp_path: Path) -> None:
    text = header() + """
scale s: four = 4 > three = 3 > two = 2 > one = 1
ladder g: yes > no
grading x { items rated on s grades from g  means: 1 decimal place, halves TIES
  yes when mean of items at least 2.3  "no" otherwise }
section A "A" { criterion A1 "A1" { graded by x  item A1.a "a" item A1.b "b" item A1.c "c" item A1.d "d" } }
"""
    ratings = {"A1.a": "three", "A1.b": "three", "A1.c": "two", "A1.d": "one"}  # mean 9/4 = 2.25
    up = score_text(tmp_path, text.replace("TIES", "up"), {"ratings": ratings})
    even = score_text(tmp_path, text.replace("TIES", "even"), {"ratings": ratings})
    assert up.column.criteria["A1"].grade == "yes"  # 2.25 → 2.3
    assert even.column.criteria["A1"].grade == "no"  # 2.25 → 2.2


def test_a_total_of_grades_banded_against_what_was_possible(tmp_path: Path) -> None:
    ratings = {
        "P1.a": "good", "P1.b": "good", "P1.c": "fair",  # good (3)
        "P2.a": "excellent", "P2.b": "excellent",  # outstanding (4)
        "P3.a": "poor",  # inadequate (1)
    }
    scored = score_text(tmp_path, practice(), {"ratings": ratings})
    section = scored.column.sections["P"]
    grading = section.grading
    assert grading is not None
    # total 3 + 4 + 1 = 8 of a possible 3 × 4 = 12: 66.7%, at least 50%: requires improvement
    assert (grading.total, grading.rated, grading.possible) == (8, 3, 12)
    assert section.grade == "requires improvement"
    overall = scored.column.overall
    assert overall is not None and overall.grading is not None
    # the mean of one section's grade (requires improvement = 2): below 2.5
    assert (overall.grading.mean, overall.grade) == (2, "inadequate")


def test_a_member_without_a_grade_drops_out_of_total_rated_and_possible(tmp_path: Path) -> None:
    ratings = {"P1.a": "good", "P1.b": "good", "P1.c": "good", "P2.a": "excellent", "P2.b": "good"}
    # P3's item is not rated: P3 has no grade, and drops out
    scored = score_text(tmp_path, practice(), {"ratings": ratings})
    grading = scored.column.sections["P"].grading
    assert grading is not None
    # P1 good 3, P2 (4 + 3) / 2 = 3.5 → outstanding 4: total 7 of a possible 8 (87.5%): good
    assert (grading.total, grading.rated, grading.possible) == (7, 2, 8)
    assert [e.member for e in grading.excluded] == ["P3"]
    assert grading.grade == "good"


# --- one meaning: the profile decision and the figure worked out directly -------------------

SCALE = m.Scale("s", ("best", "mid", "low", "worst"), numbers=(F(0), F(5, 2), F(10), F(3)))
FIGURES = [
    m.FigureSpec(kind, comparison, operand, of_possible)
    for kind in ("sum", "mean", "count", "min", "max")
    for comparison in ("at_least", "above", "below", "at_most", "is")
    for operand, of_possible in ((F(5, 2), False), (F(3), False), (F(10), False), (F(1, 4), True), (F(0), False))
]


@pytest.mark.parametrize("means", [None, m.Rounding(0, "up"), m.Rounding(1, "even"), m.Rounding(1, "down")])
def test_the_profile_decision_is_the_figure_worked_out_directly(means: m.Rounding | None) -> None:
    """For random rated items (ranks and weights) and every figure, comparison and bound, the
    linear tests scoring decides with agree with the figure computed member by member."""
    generator = random.Random(11)
    every = frozenset(range(len(SCALE.values)))
    for figure in FIGURES:
        rated = m.Clause("at_best", "mid", m.Quantifier("figure"), figure=figure) if figure.kind == "count" else None
        clause = rated or m.Clause("at_least", "worst", m.Quantifier("figure"), figure=figure)
        counted = semantics.compared_ranks(clause.comparison, clause.value, SCALE)
        tests, forms = semantics.figure_forms(figure, SCALE, every, counted, means)
        meaning = semantics.ClauseMeaning(every, counted, tests, forms)
        for _ in range(40):
            size = generator.randint(0, 4)
            ranks = [generator.randrange(4) for _ in range(size)]
            weights = [F(generator.choice((1, 1, 2, 3)), generator.choice((1, 2))) for _ in range(size)]
            unit = 2
            columns = [0] * 4
            for rank, weight in zip(ranks, weights):
                columns[rank] += int(weight * unit)
            width = width_for(meaning.width_tests(), sum(columns), unit)
            profile = Profiles.single(columns, unit, width)
            decided = bool(semantics.clause_truth(meaning, profile))
            numbers = [F(1) if figure.kind == "count" and r in counted else F(0) if figure.kind == "count"
                       else SCALE.number(SCALE.value_at(r)) or F(0) for r in ranks]
            largest = F(1) if figure.kind == "count" else F(10)
            facts = semantics.figure_facts(figure, numbers, weights, [r in counted for r in ranks], largest, means)
            assert decided == facts.holds, (figure, means, ranks, weights, facts)


def test_the_edge_of_a_rounded_mean() -> None:
    # Rounded to one place, halves up, a mean reaches 2.5 from 2.45 on (2.45 itself rounds up).
    assert semantics.mean_edge(F(5, 2), m.Rounding(1, "up")) == (F(49, 20), True)
    # Halves down: 2.45 rounds down to 2.4, so the mean must be above it.
    assert semantics.mean_edge(F(5, 2), m.Rounding(1, "down")) == (F(49, 20), False)
    # A bound between two rounded values (2.46 at one place) is reached by what rounds to 2.5.
    assert semantics.mean_edge(F(123, 50), m.Rounding(1, "up")) == (F(49, 20), True)
    assert semantics.mean_edge(F(5, 2), None) == (F(5, 2), True)


def test_figure_clauses_are_not_monotone_by_form_but_searched(tmp_path: Path) -> None:
    """The numbers need not follow the order, so a figure grading is searched, never assumed
    monotone; an order where the better level has the larger number is found monotone."""
    compiled = compile_ruleset(ruleset_of(tmp_path, FHRS)).gradings["hygiene"]
    assert compiled.meaning.has_figures and not semantics.is_monotone(compiled.meaning)
    backwards = header() + """
scale s: a = 1 > b = 2 > c = 3
ladder g: yes > no
grading x { items rated on s grades from g  yes when sum of items at least 5  "no" otherwise }
section A "A" { criterion A1 "A1" { graded by x  item A1.a "a" item A1.b "b" } }
"""
    assert "W005" in codes(tmp_path, backwards)  # a better rating (a = 1) lowers the sum
    assert "W005" not in codes(tmp_path, FHRS)


# --- explanations, recomputed from their JSON ---------------------------------------------


def test_a_figure_clause_recomputed_from_the_explanation(tmp_path: Path) -> None:
    ratings = {"H1.handling": "0", "H1.structure": "5", "H1.management": "10"}
    scored = score_text(tmp_path, FHRS, {"ratings": ratings})
    shown = scored.rendered("H1")
    rules = shown["json"]["explanation"]["grading"]["rules"]
    for clause in (c for r in rules for c in r["clauses"]):
        figure = clause["figure"]
        numbers = [F(member["number"]) for member in figure["members"]]
        weights = [F(member["weight"]) for member in figure["members"]]
        value = sum(w * n for w, n in zip(weights, numbers)) if figure["kind"] == "sum" else max(numbers)
        assert F(figure["value"]) == value
        bound = F(figure["bound"])
        assert clause["holds"] == (value <= bound)  # every FHRS clause is `at most`
    first = rules[0]["clauses"]
    assert [c["holds"] for c in first] == [True, False]
    assert first[1]["found"] == "10 (H1.handling 0, H1.structure 5, H1.management 10)"
    found = "sum of items at most 20: needs at most 20; found 15 (H1.handling 0 + H1.structure 5 + H1.management 10)"
    assert found in shown["markdown"] and found in shown["html"]


def test_a_rounded_mean_is_shown_exact_and_rounded(tmp_path: Path) -> None:
    ratings = {"P1.a": "good", "P1.b": "fair", "P1.c": "fair", "P2.a": "good", "P2.b": "good", "P3.a": "good"}
    shown = score_text(tmp_path, practice(), {"ratings": ratings}).rendered("P1")
    clauses = [c for r in shown["json"]["explanation"]["grading"]["rules"] for c in r["clauses"]]
    mean = next(c for c in clauses if c["text"] == "mean of items at least 2.7")
    figure = mean["figure"]
    # (3 + 2 + 2) / 3 = 7/3, 2.3 rounded: below 2.7
    assert (F(figure["value"]), F(figure["compared"]), figure["rounding"]) == (F(7, 3), F(23, 10), {"places": 1, "ties": "up"})
    numbers = [F(x["number"]) for x in figure["members"]]
    assert sum(numbers) / len(numbers) == F(figure["value"])
    assert not mean["holds"]
    assert mean["found"] == "7/3 exactly, 2.3 rounded (1 decimal place, halves up) ((P1.a 3 + P1.b 2 + P1.c 2) / 3)"
    possible = next(c for c in clauses if c["text"] == "mean of items at least 50% of possible")
    assert (possible["figure"]["possible"], possible["figure"]["bound"], possible["needed"]) == ("4", "2", "at least 50% of possible (2 of 4)")
    assert possible["holds"] and F(possible["figure"]["compared"]) >= F(possible["figure"]["bound"])
    assert "7/3 exactly, 2.3 rounded" in shown["markdown"] and "7/3 exactly, 2.3 rounded" in shown["html"]


def test_a_banded_total_recomputed_from_the_result_and_the_explanation(tmp_path: Path) -> None:
    ratings = {"P1.a": "good", "P1.b": "good", "P1.c": "fair", "P2.a": "excellent", "P2.b": "excellent", "P3.a": "poor"}
    scored = score_text(tmp_path, practice(), {"ratings": ratings})
    figures = column_json(scored.column)["sections"]["P"]["figures"]
    members = {k: F(v) for k, v in figures["members"].items()}
    assert members == {"P1": 3, "P2": 4, "P3": 1}
    assert F(figures["total"]) == sum(members.values()) and figures["rated"] == len(members)
    assert F(figures["possible"]) == 4 * figures["rated"]
    shown = scored.rendered("P")
    aggregate = shown["json"]["explanation"]["grading"]
    assert aggregate["figures"] == figures
    assert "total: 3 + 4 + 1 = 8" in shown["text"] and "possible: 12" in shown["text"]
    assert "total at least 50% of possible (found 8, needs 6" in shown["text"]
    overall = column_json(scored.column)["overall"]["figures"]
    assert (overall["kind"], overall["mean"], overall["banded_mean"], overall["means"]) == (
        "mean", "2", "2", {"places": 2, "ties": "up"}
    )


def test_every_target_explains_without_none(tmp_path: Path) -> None:
    ratings = {"P1.a": "good", "P1.b": "good", "P1.c": "fair", "P2.a": "excellent", "P2.b": "not applicable"}
    scored = score_text(tmp_path, practice(), {"ratings": ratings})
    assert scored.every_target()  # each format, each target: no `None` shown (render_all checks)


# --- the analysis of bands over a total or mean of grades ------------------------------------

BANDED = header() + """
ladder quality: good = 3 > fair = 2 > poor = 1
scale s: a > b
grading g { items rated on s  grades from quality  good when at least a on each item  fair when at least b on each item  poor otherwise }
section A "A" {
  criterion A1 "A1" { graded by g  item A1.x "x" }
  criterion A2 "A2" { graded by g  item A2.x "x" }
  grade: sum of criteria banded by totals
}
bands totals on quality {
  BANDS
}
"""


def test_bands_of_a_total_are_tried_on_every_figure_the_members_can_give(tmp_path: Path) -> None:
    # Two members graded 1 to 3: rated is never 3, so that band is never chosen (W006); a total
    # of 6 is only reached with both rated, so the first band takes it and nothing is left (no W008).
    never = BANDED.replace("BANDS", 'good when rated at least 3  fair when total at least 6  poor otherwise')
    found = codes(tmp_path, never)
    assert "W006" in found and "W008" not in found
    gap = BANDED.replace("BANDS", 'good when total at least 5  fair when total at least 3 and total below 5')
    found = codes(tmp_path, gap)
    assert found.count("W008") == 1  # a total below 3 (one member graded, or none) gets no value
    clean = BANDED.replace("BANDS", 'good when total at least 90% of possible  poor otherwise')
    assert not {"W006", "W007", "W008"} & set(codes(tmp_path, clean))


def test_the_gap_is_named_by_figures_the_members_can_give(tmp_path: Path) -> None:
    from beyond import checked

    # A total of 3 from one member graded good gets no value; from two members (1 + 2) it is fair.
    gap = BANDED.replace("BANDS", 'good when total at least 5  fair when rated at least 2  poor when rated is 0')
    (warning,) = [d for d in checked(tmp_path, gap).diagnostics if d.code == "W008"]
    assert "no value to a total of" in warning.message and "(1 rated, of a possible 3" in warning.message


def test_the_handbook_says_how_totals_and_means_are_worked_out(tmp_path: Path) -> None:
    from esirules.authoring.document_markdown import document_markdown
    from esirules.authoring.handbook import handbook_document
    from esirules.authoring.written import read_rulesets

    path = tmp_path / "r.esi"
    path.write_text(practice(), encoding="utf-8")
    (loaded,), _, _ = read_rulesets([str(path)])
    shown = document_markdown(handbook_document(loaded))
    assert "the total of the numbers of the grades of its criteria, banded by `totals`" in shown
    assert "the mean of the numbers of the grades of its sections (rounded to 2 decimal places, halves up)" in shown
    assert "excellent (4), good (3), fair (2), poor (1)" in shown
    assert "total at least 90% of possible" in shown


def test_bands_a_total_uses_cannot_be_removed_by_a_derived_ruleset(tmp_path: Path) -> None:
    (tmp_path / "base.esi").write_text(practice(), encoding="utf-8")
    child = 'ruleset "child" version "2"\nextends "base.esi"\nremove bands totals\n'
    assert codes(tmp_path, child) == ["R071"]


def test_a_figure_caps_a_grade(tmp_path: Path) -> None:
    text = header() + """
scale s: four = 4 > three = 3 > two = 2 > one = 1
ladder g: top > middle > bottom
grading x { items rated on s grades from g
  top when at least three on the majority of items
  middle when at least two on each item
  bottom otherwise
  no better than middle when min of items below 2 }
section A "A" { criterion A1 "A1" { graded by x  item A1.a "a" item A1.b "b" item A1.c "c" } }
"""
    capped = score_text(tmp_path, text, {"ratings": {"A1.a": "four", "A1.b": "four", "A1.c": "one"}})
    result = capped.column.criteria["A1"]
    assert result.grade == "middle" and result.trace is not None and result.trace.rule_grade == "top"
    (cap,) = result.trace.caps
    assert cap.applied and cap.clauses[0].found == "1 (A1.a 4, A1.b 4, A1.c 1)"
    free = score_text(tmp_path, text, {"ratings": {"A1.a": "four", "A1.b": "four", "A1.c": "two"}})
    assert free.column.criteria["A1"].grade == "top"


def test_a_band_can_ask_for_an_exact_figure(tmp_path: Path) -> None:
    text = practice().replace("good when mean at least 2.5", "good when mean is 3")
    ratings = {"P1.a": "good", "P1.b": "good", "P1.c": "good", "P2.a": "good", "P2.b": "good", "P3.a": "good"}
    scored = score_text(tmp_path, text, {"ratings": ratings})
    overall = scored.column.overall
    assert overall is not None and overall.grading is not None
    # section P: total 9 of 12 (75%): good = 3; the overall's mean of one section: exactly 3
    assert overall.grading.banded_mean == 3 and overall.grade == "good"
