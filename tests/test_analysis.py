"""The checker's analysis: gradings over every rating profile, bands over every stretch of figures, how parts fit.

The acceptance edits are made to copies of the bundled esi-2003.esi; the decisions the analysis
makes are checked against a plain item-by-item reading of the grading rules written here.
"""

from __future__ import annotations

import itertools
import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
from builders import GRADE, PERFORMANCE, grading, otherwise
from conftest import REPO, check_source
from hypothesis import given, settings
from hypothesis import strategies as st

from esirules.language import model as m
from esirules.language import semantics
from esirules.language.analysis_gradings import _lowering
from esirules.language.analysis_profiles import Group, ItemSet, pack, profile_count
from esirules.language.check import check_file
from esirules.language.profiles import width_for
from esirules.scoring.compile import CompiledGrading
from esirules.scoring.grading import decide

ESI = REPO / "rulesets" / "esi-2003.esi"
FOLLOWUP = REPO / "rulesets" / "esi-2004-followup.esi"
ANALYSIS_CODES = {"W003", "W004", "W005", "W006", "W007", "W008", "W009", "W010", "W011", "W012"}
RANKS = len(PERFORMANCE.values)


def checked_copy(tmp_path: Path, text: str):
    path = tmp_path / "esi-copy.esi"
    path.write_text(text, encoding="utf-8")
    return check_file(str(path))


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


# ---------------------------------------------------------------------------------------------
# Acceptance: three edits of esi-2003.esi


def test_not_met_moved_first_names_the_rules_it_hides_and_shows_a_profile(tmp_path):
    text = ESI.read_text(encoding="utf-8")
    not_met = '  "Not met" when at least satisfactory on some items\n'
    edited = text.replace(not_met, "").replace(
        "  measures rated by npd_rating\n", "  measures rated by npd_rating\n" + not_met
    )
    checked = checked_copy(tmp_path, edited)
    assert checked.ruleset is not None  # warnings only: the ruleset can still be used
    moved = line_of(edited, '"Not met" when at least satisfactory')
    found = {d.span.line: d for d in checked.diagnostics}
    hidden = ['"Very well met" when', '"Well met" when', '"Satisfactorily met" when', '"Partly met" when']
    assert set(found) == {line_of(edited, h) for h in hidden}
    for fragment in hidden:
        warning = found[line_of(edited, fragment)]
        assert warning.code == "W003" and warning.severity == "warning"
        grade = fragment.split('"')[1]
        assert warning.message.startswith(f"the rule for `{grade}` can never give a grade")
        assert f"graded first by the rule for `Not met` at line {moved}" in warning.message
        # A concrete profile it fits: the four items of D3, the smallest criterion graded by it.
        assert re.search(r"for example 4 items \(D3\) rated .*`", warning.message), warning.message
        assert warning.help == f"move it above line {moved}, or remove it"


def test_the_counterexample_is_a_profile_the_moved_rule_grades(tmp_path):
    """The profile named for `Satisfactorily met` does get `Not met` from the moved rule."""
    text = ESI.read_text(encoding="utf-8")
    not_met = '  "Not met" when at least satisfactory on some items\n'
    edited = text.replace(not_met, "").replace(
        "  measures rated by npd_rating\n", "  measures rated by npd_rating\n" + not_met
    )
    checked = checked_copy(tmp_path, edited)
    warning = next(d for d in checked.diagnostics if "`Satisfactorily met`" in d.message)
    ratings = re.search(r"rated (.*)$", warning.message)
    assert ratings is not None
    ranks = []
    for part in ratings[1].split(", "):
        count, value = re.fullmatch(r"(\d+|all) `(.+)`", part).groups()  # type: ignore[union-attr]
        ranks += [PERFORMANCE.rank(value)] * (4 if count == "all" else int(count))
    assert len(ranks) == 4
    ruleset = checked.ruleset
    assert ruleset is not None
    g = ruleset.grading("management")
    compiled = CompiledGrading(g, ruleset.scale("performance"), ruleset.scale("grade"), None)
    decision = decide(compiled, ranks, [Fraction(1)] * 4)
    satisfactorily = [r.grade for r in g.rules].index("Satisfactorily met")
    assert all(o.holds for o in decision.rules[satisfactorily])  # it fits ...
    assert decision.grade == "Not met"  # ... and the moved rule takes it


def test_deleting_a_middle_band_row_is_shown_in_the_summary_not_warned(tmp_path):
    """Bands often rate on part of a scale (strong, satisfactory and weak of five ratings), so a
    value never given between two that are is no warning; `check --analysis` lists it."""
    text = ESI.read_text(encoding="utf-8")
    edited = text.replace("  satisfactory when performance at least 90%\n", "")
    checked = checked_copy(tmp_path, edited)
    assert checked.diagnostics == []
    assert checked.analysis is not None
    (bands,) = checked.analysis.bands
    assert bands.skipped == ("satisfactory",)


def test_every_gap_between_bands_is_said_at_once(tmp_path):
    """`at least 50% and at most 64%` then `at most 49%` leave two gaps; the second was said only
    once the first was mended."""
    text = ESI.read_text(encoding="utf-8")
    edited = text.replace("  satisfactory when performance at least 90%\n",
                          "  satisfactory when performance at least 90% and performance at most 94%\n"
                          ).replace("  weak otherwise\n", "  weak when performance at most 89%\n")
    checked = checked_copy(tmp_path, edited)
    assert [d.message for d in checked.diagnostics if d.code == "W008"] == [
        "the bands `npd_rating` give no value to a performance above 89% and below 90%, for example a performance of 89.5%",
        "the bands `npd_rating` give no value to a performance above 94% and below 100%, for example a performance of 97%",
    ]


def test_bands_that_give_a_better_figure_a_worse_value_are_told(tmp_path):
    """A band ending short of the next lets the figures between fall through to `otherwise`: a
    performance of 95% got weak, 92% satisfactory, and nothing was said."""
    text = ESI.read_text(encoding="utf-8")
    edited = text.replace("  satisfactory when performance at least 90%\n",
                          "  satisfactory when performance at least 90% and performance below 94%\n")
    checked = checked_copy(tmp_path, edited)
    (warning,) = [d for d in checked.diagnostics if d.code == "W005"]
    assert warning.message.startswith("the bands `npd_rating` give a better figure a worse value: a performance of ")
    assert "gets `weak` (line " in warning.message and "gets `satisfactory` (line " in warning.message
    assert warning.span.line == line_of(edited, "  weak otherwise")


def test_a_weighted_section_without_a_score_is_said_to_be_left_out_of_the_overall(tmp_path):
    """A domain graded criterion by criterion, given 20%, was left out of the weighted mean without
    a word: the others counted for more than was written, shown only by the handbook."""
    text = ESI.read_text(encoding="utf-8")
    edited = text.replace('section A "Quality of management" {', 'section A "Quality of management" weight 20% {'
                          ).replace("section B \"Quality of assessment\" weight 30%", "section B \"Quality of assessment\" weight 20%"
                          ).replace("section C \"Quality of interventions\" weight 40%", "section C \"Quality of interventions\" weight 30%"
                          ).replace("score: weighted mean of sections B, C, D", "score: weighted mean of sections")
    checked = checked_copy(tmp_path, edited)
    assert [(d.code, d.message) for d in checked.diagnostics] == [(
        "W009", "section A (weight 20%) has no score, so the overall score, a weighted mean of scores, leaves it out: "
        "B counts for 25.0% of it, C for 37.5% and D for 37.5%")]


def test_deleting_the_otherwise_band_leaves_figures_with_no_value(tmp_path):
    text = ESI.read_text(encoding="utf-8")
    edited = text.replace("  weak otherwise\n", "")
    checked = checked_copy(tmp_path, edited)
    assert [(d.code, d.span.line) for d in checked.diagnostics] == [("W008", line_of(edited, "bands npd_rating"))]
    message = checked.diagnostics[0].message
    assert message == (
        "the bands `npd_rating` give no value to a performance below 90%, for example a performance of 45%"
    )


def test_section_weights_of_30_50_30_say_what_the_overall_divides_by(tmp_path):
    text = ESI.read_text(encoding="utf-8")
    edited = text.replace('section C "Quality of interventions" weight 40%', 'section C "Quality of interventions" weight 50%')
    assert edited != text
    checked = checked_copy(tmp_path, edited)
    (warning,) = checked.diagnostics
    assert (warning.code, warning.span.line) == ("W009", line_of(edited, "score: weighted mean of sections B, C, D"))
    assert "add up to 110%, not 100%" in warning.message
    assert "the overall score divides by their total" in warning.message
    # 30/110, 50/110, 30/110
    assert "B counts for 27.3% of it, C for 45.5% and D for 27.3%" in warning.message


def test_an_overall_of_some_sections_whose_weights_all_add_up_to_100_is_no_warning(tmp_path):
    """Leaving section D out of the overall is a choice (as the 2005 draft does); weights that
    do not add up are still reported, with what the overall of B and C divides by."""
    text = ESI.read_text(encoding="utf-8")
    subset = text.replace("score: weighted mean of sections B, C, D", "score: weighted mean of sections B, C")
    assert subset != text
    assert checked_copy(tmp_path, subset).diagnostics == []
    heavier = subset.replace('section C "Quality of interventions" weight 40%', 'section C "Quality of interventions" weight 50%')
    (warning,) = checked_copy(tmp_path, heavier).diagnostics
    assert warning.code == "W009"
    assert warning.message.endswith(
        "the overall score divides by the total of the weights of sections B and C (80%), "
        "so B counts for 37.5% of it and C for 62.5%"
    )


@pytest.mark.parametrize("path", [ESI, FOLLOWUP], ids=lambda p: p.name)
def test_the_bundled_rulesets_give_no_warning(path):
    checked = check_file(str(path))
    assert checked.ruleset is not None and checked.diagnostics == []
    assert checked.analysis is not None and checked.analysis.gradings and checked.analysis.bands


def docs_rulesets() -> list[Path]:
    return sorted((REPO / "docs" / "examples").rglob("*.esi"))


@pytest.mark.parametrize("path", docs_rulesets(), ids=lambda p: str(p.relative_to(REPO)))
def test_the_docs_example_rulesets_give_no_analysis_warning(path):
    checked = check_file(str(path))
    assert not {d.code for d in checked.diagnostics} & ANALYSIS_CODES, [d.message for d in checked.diagnostics]


def test_the_docs_mistakes_give_only_their_own_code():
    """Each `.bad` example shows one mistake; the analysis adds nothing of its own to it."""
    for path in sorted((REPO / "docs" / "examples" / "language" / "mistakes").glob("*.bad")):
        expected = re.search(r"# expect: (\w+)", path.read_text(errors="replace"))
        assert expected is not None
        codes = {d.code for d in check_file(str(path)).diagnostics}
        assert codes & ANALYSIS_CODES <= {expected[1]}, (path.name, codes)


# ---------------------------------------------------------------------------------------------
# The analysis decides as scoring does: against a plain item-by-item reading of the rules


def reference_grade(g: m.Grading, ranks: list[int], weights: list[Fraction]) -> str | None:
    """The rules read item by item, as written in docs/scoring-semantics.md."""
    def holds(clauses: tuple[m.Clause, ...]) -> bool:
        previous_domain: list[int] = []
        previous_satisfying: list[int] = []
        for index, c in enumerate(clauses):
            if c.quantifier.kind == "others" and index > 0:
                domain = [i for i in previous_domain if i not in previous_satisfying]
            else:
                domain = list(range(len(ranks)))
            t = PERFORMANCE.rank(c.value)
            ok = {"at_least": {r for r in range(RANKS) if r >= t}, "at_best": {r for r in range(RANKS) if r <= t},
                  "exactly": {t}}
            satisfying = [i for i in domain if ranks[i] in ok[c.comparison]]
            s = sum((weights[i] for i in satisfying), Fraction(0))
            d = sum((weights[i] for i in domain), Fraction(0))
            q = c.quantifier
            result = {
                "each": s == d,
                "others": s == d,
                "majority": s > d / 2,
                "some": s > 0,
                "none": s == 0,
                "at_least_count": s >= (q.count or 0),
                "at_least_share": d > 0 and s / d >= (q.share if q.share is not None else 1),
            }[q.kind]
            if not result:
                return False
            previous_domain, previous_satisfying = domain, satisfying
        return True

    for r in g.rules:
        if r.otherwise or holds(r.clauses):
            return r.grade
    return None


comparisons = st.sampled_from(["at_least", "at_best", "exactly"])
values = st.sampled_from(PERFORMANCE.values)
quantifiers = st.one_of(
    st.sampled_from(["each", "majority", "some", "none"]).map(lambda k: m.Quantifier(k)),  # type: ignore[arg-type]
    st.integers(0, 4).map(lambda n: m.Quantifier("at_least_count", count=n)),
    st.sampled_from([Fraction(1, 3), Fraction(1, 2), Fraction(3, 4), Fraction(1)]).map(
        lambda p: m.Quantifier("at_least_share", share=p)
    ),
)
clauses = st.builds(m.Clause, comparisons, values, quantifiers)
others = st.builds(m.Clause, comparisons, values, st.just(m.Quantifier("others")))
rule_clauses = st.one_of(
    st.lists(clauses, min_size=1, max_size=2).map(tuple),
    st.tuples(clauses, others),
)
gradings = st.lists(
    st.builds(lambda grade, cs: m.GradeRule(grade, cs), st.sampled_from(GRADE.values), rule_clauses),
    min_size=1,
    max_size=4,
).map(lambda rules: grading("g", [*rules, otherwise("Poor")]))


@settings(max_examples=150, deadline=None)
@given(gradings, st.lists(st.sampled_from([1, 2]), min_size=1, max_size=4))
def test_every_profile_is_graded_as_scoring_and_the_plain_reading_grade_it(g, weight_list):
    """Enumerate the profiles of items of these weights; each, laid out as items, gets from the
    packed decision the grade that scoring (and the plain reading) give it."""
    groups = tuple(
        sorted(Group(w, weight_list.count(w), tuple(range(RANKS))) for w in set(weight_list))
    )
    item_set = ItemSet(groups, ("X",))
    meaning = semantics.GradingMeaning.of(g, PERFORMANCE, GRADE)
    width = width_for(meaning.tests(), 2 * item_set.total + 2, 1)
    found = pack((item_set,), RANKS, 1, width)
    verdict = semantics.decide(meaning, found.profiles)
    compiled = CompiledGrading(g, PERFORMANCE, GRADE, None)
    assert found.profiles.count <= profile_count(item_set)
    seen = set()
    for index in range(found.profiles.count):
        ranks, weights = [], []
        for group, per_rank in found.counts(index):
            for rank, n in enumerate(per_rank):
                ranks += [rank] * n
                weights += [Fraction(group.weight)] * n
        key = tuple(sorted(zip(ranks, weights)))
        assert key not in seen  # each profile once
        seen.add(key)
        packed = next((GRADE.value_at(r) for r, t in verdict.grades.items() if found.profiles.holds_at(t, index)), None)
        assert packed == decide(compiled, ranks, weights).grade == reference_grade(g, ranks, weights)


@pytest.mark.parametrize(("ones", "twos"), [(3, 1), (8, 8), (2, 3)])
def test_items_of_two_weights_give_every_profile_once(ones, twos):
    """With weights 1 and 2 each weight-per-rating vector is one profile; when some cannot be
    made (too few light items), every pair of multisets is enumerated instead."""
    groups = (Group(1, ones, tuple(range(RANKS))), Group(2, twos, tuple(range(RANKS))))
    found = pack((ItemSet(groups),), RANKS, 1, 16)
    vectors = set()
    for a in itertools.combinations_with_replacement(range(RANKS), ones):
        for b in itertools.combinations_with_replacement(range(RANKS), twos):
            vectors.add(tuple(a.count(r) + 2 * b.count(r) for r in range(RANKS)))
    enumerated = [found.profiles.profile(i) for i in range(found.profiles.count)]
    assert set(enumerated) == vectors
    if found.blocks[0].group_columns is None:
        assert len(enumerated) == len(vectors)
    else:
        assert len(enumerated) == math.comb(ones + 4, 4) * math.comb(twos + 4, 4)


@settings(max_examples=100, deadline=None)
@given(gradings, st.integers(1, 5))
def test_a_grading_monotone_by_form_has_no_raise_that_lowers_it(g, count):
    meaning = semantics.GradingMeaning.of(g, PERFORMANCE, GRADE)
    if not semantics.is_monotone(meaning):
        return
    item_set = ItemSet((Group(1, count, tuple(range(RANKS))),))
    found = pack((item_set,), RANKS, 1, width_for(meaning.tests(), 2 * count + 2, 1))
    assert _lowering(meaning, found, semantics.decide(meaning, found.profiles)) is None


# ---------------------------------------------------------------------------------------------
# Each finding, on small rulesets

HEAD = """ruleset "t" version "1"
scale performance: "very strong" > strong > good > satisfactory > weak
ladder grade: "Very well met" > "Well met" > "Satisfactorily met" > "Partly met" > "Not met" > "Poor"
"""


def criterion_with(items: int, name: str = "A1", grading_name: str = "g") -> str:
    lines = "\n".join(f'    item {name}.i{n} "item {n}"' for n in range(items))
    return f'  criterion {name} "c" {{\n    graded by {grading_name}\n{lines}\n  }}\n'


def test_a_rule_is_judged_over_the_item_counts_used():
    """With two items, a strong majority is every item strong, which `Well met` takes first."""
    g = """grading g {
  items rated on performance
  grades from grade
  "Well met" when at least strong on each item
  "Satisfactorily met" when at least strong on the majority of items
  "Poor" otherwise
}
"""
    two = check_source(HEAD + g + 'section A "a" {\n' + criterion_with(2) + "}\n")
    assert [d.code for d in two.diagnostics] == ["W003"]
    assert "for example 2 items (A1) rated all `very strong`" in two.diagnostics[0].message
    three = check_source(HEAD + g + 'section A "a" {\n' + criterion_with(3) + "}\n")
    assert three.diagnostics == []


def test_a_grading_whose_rules_grade_every_profile_needs_no_otherwise():
    g = """grading g {
  items rated on performance
  grades from grade
  "Well met" when at least good on some items
  "Poor" when at best satisfactory on each item
}
"""
    checked = check_source(HEAD + g + 'section A "a" {\n' + criterion_with(3) + "}\n")
    assert checked.ruleset is not None and checked.diagnostics == []


def test_a_grading_that_leaves_profiles_ungraded_and_has_no_otherwise_is_an_error():
    g = """grading g {
  items rated on performance
  grades from grade
  "Well met" when at least good on each item
  "Poor" when at best satisfactory on each item
}
"""
    checked = check_source(HEAD + g + 'section A "a" {\n' + criterion_with(3, "A1") + criterion_with(2, "A2") + "}\n")
    assert checked.ruleset is None
    (error,) = checked.diagnostics
    assert (error.code, error.span.line) == ("R052", 4)
    # The smallest: the two items of A2, the better one first.
    assert error.message == (
        "the grading `g` gives no grade to 27 rating profiles of the 50 its items can have, "
        "for example 2 items (A2) rated 1 `very strong`, 1 `satisfactory`"
    )
    assert error.help == 'add rules that fit them, or end the rules with a line such as `"Poor" otherwise`'


def test_a_rule_written_twice():
    g = """grading g {
  items rated on performance
  grades from grade
  "Well met" when at least strong on each item
  "Well met" when at least strong on each item
  "Partly met" when at least strong on each item
  "Poor" otherwise
}
"""
    checked = check_source(HEAD + g + 'section A "a" {\n' + criterion_with(3) + "}\n")
    assert [(d.code, d.span.line) for d in checked.diagnostics] == [("W004", 8), ("W004", 9)]
    assert checked.diagnostics[0].message == "the rule for `Well met` repeats the rule at line 7"
    assert "same clauses as the rule for `Well met` at line 7" in checked.diagnostics[1].message


def test_a_grading_that_is_not_monotone_shows_the_raise():
    g = """grading g {
  items rated on performance
  grades from grade
  "Well met" when at least strong on each item
  "Partly met" when exactly good on some items
  "Poor" otherwise
}
"""
    checked = check_source(HEAD + g + 'section A "a" {\n' + criterion_with(2) + "}\n")
    (warning,) = checked.diagnostics
    assert (warning.code, warning.span.line) == ("W005", 8)
    assert warning.message == (
        "the grading `g` is not monotone: raising one item from `good` to `strong` lowers the grade from "
        "`Partly met` to `Poor`, for example 2 items (A1) rated 1 `good`, 1 `satisfactory`, "
        "raised to 1 `strong`, 1 `satisfactory`"
    )


def test_an_item_rated_from_target_data_takes_only_the_ratings_its_bands_give():
    """Bands that give only `strong` or `weak` make every item of A1 one of the two, so a rule for
    `good` items fits no profile."""
    text = HEAD + """measure m1 "m1" in percent
bands pass on performance {
  strong when performance at least 100%
  weak otherwise
}
grading g {
  items rated on performance
  grades from grade
  measures rated by pass
  "Well met" when at least strong on each item
  "Partly met" when exactly good on some items
  "Poor" otherwise
}
section A "a" {
  criterion A1 "c" {
    graded by g
    item A1.t from measure m1
    item A1.u from measure m1
  }
}
"""
    checked = check_source(text)
    codes = [(d.code, d.span.line) for d in checked.diagnostics]
    assert ("W003", 14) in codes
    assert "no rating profile of the items graded by `g` fits it" in checked.diagnostics[-1].message


def test_items_that_may_be_not_applicable_make_smaller_item_sets():
    text = """ruleset "t" version "1"
scale performance: strong > good > weak, not applicable "n/a"
ladder grade: "Well met" > "Partly met" > "Poor"
grading g {
  items rated on performance
  grades from grade
  "Well met" when at least strong on at least 2 items
  "Partly met" when at least good on each item
  "Poor" otherwise
}
section A "a" {
""" + criterion_with(2) + "}\n"
    checked = check_source(text)
    assert checked.diagnostics == []
    assert checked.analysis is not None
    (summary,) = checked.analysis.gradings
    assert [who for who, _ in summary.item_sets] == ["A1 with 1 item not applicable", "A1"]
    assert summary.profiles == 3 + 6


def test_overlapping_bands_and_a_band_never_chosen():
    text = HEAD + """bands b on grade {
  "Well met" when score at least 75%
  "Partly met" when score at least 50%
  "Not met" when score below 60%
  "Satisfactorily met" when score at least 80%
  "Poor" otherwise
}
scale answer: yes > no
answers on answer, met when yes
section B "b" {
  criterion B1 "c" {
    graded by b
    question B1.q "q"
  }
}
"""
    checked = check_source(text)
    found = [(d.code, d.span.line) for d in checked.diagnostics]
    assert ("W007", 7) in found and ("W006", 8) in found and ("W006", 9) in found
    overlap = next(d for d in checked.diagnostics if d.code == "W007")
    assert overlap.message == (
        "the bands `Partly met` (line 6) and `Not met` (line 7) overlap: a score of 55% fits both, "
        "and the first, `Partly met`, is chosen"
    )
    never = next(d for d in checked.diagnostics if d.code == "W006" and d.span.line == 8)
    assert "taken first by the band `Well met` at line 5, for example a score of 80%" in never.message


def test_a_band_no_score_reaches_says_a_score_is_at_most_100_percent():
    text = HEAD + """bands b on grade {
  "Well met" when score at least 190%
  "Partly met" when score at least 50% and score below 40%
  "Not met" otherwise
}
scale answer: yes > no
answers on answer, met when yes
section B "b" {
  criterion B1 "c" {
    graded by b
    question B1.q "q"
  }
}
"""
    found = {d.span.line: d.help for d in check_source(text).diagnostics if d.code == "W006"}
    assert found == {
        5: "a score lies between 0% and 100%, so `score at least 190%` never holds: check the figure",
        6: "check its tests: they cannot all hold at once",  # (each could hold: together they cannot)
    }


def test_an_error_inside_a_grading_stops_its_analysis():
    g = """grading g {
  items rated on performance
  grades from grade
  "Well met" when at least strongg on each item
  "Poor" otherwise
}
"""
    checked = check_source(HEAD + g + 'section A "a" {\n' + criterion_with(3) + "}\n")
    assert [d.code for d in checked.diagnostics] == ["R033"]


def test_a_grading_that_names_a_member_is_listed_as_not_analysed_saying_why(tmp_path: Path) -> None:
    from esirules.render.analysis import analysis_json, analysis_text

    g = """grading over {
  items rated on grade
  grades from grade
  "Well met" when B1 is "Poor"
  "Poor" otherwise
}
bands b on grade {
  "Well met" when score at least 50%
  "Poor" otherwise
}
"""
    section = ('section B "b" {\n  criterion B1 "c" {\n    graded by b\n    question B1.q "q"\n  }\n'
               "  grade: over over criteria\n}\nscale answer: yes > no\nanswers on answer, met when yes\n")
    checked = check_source(HEAD + g + section)
    assert checked.ruleset is not None and checked.analysis is not None, checked.diagnostics
    assert checked.analysis.not_analysed == (("over", 4, "names members or counts groups"),)
    assert "  grading `over` (line 4): not analysed: its rules name members or count groups" in analysis_text(checked.analysis)
    assert analysis_json(checked.analysis)["gradings_not_analysed"] == [
        {"name": "over", "line": 4, "why": "names members or counts groups"}]


def test_a_scale_written_worst_first_is_pointed_at_where_a_rule_asks_at_least_its_last_value():
    """Handbooks number ratings from 1 = poor: written so, every rule below the first is shadowed,
    and the help said only to move rules."""
    from esirules.language.check import check_text

    text = ('ruleset "f" version "1"\nscale practice: poor > insufficient > sufficient > strong\n'
            'ladder rating: Outstanding > Good > Inadequate\ngrading delivery "d" {\n  items rated on practice\n'
            '  grades from rating\n  Outstanding when at least strong on the majority of items\n'
            '  Good when at least sufficient on each item\n  Inadequate otherwise\n}\n'
            'section D1 "D" {\n  criterion D1.1 "S" {\n    graded by delivery\n    item D1.1.a "a"\n    item D1.1.b "b"\n  }\n}\n')
    checked = check_text(text.encode(), "f.esi", {})
    (good, *_) = [d for d in checked.diagnostics if d.code == "W003"]
    assert str(good.help).endswith("; but `at least strong` holds for every rating, since a scale lists its values "
                                   "best first and `strong` is the last of scale `practice`: if it is the best, write "
                                   "the scale the other way round")


def test_bands_a_sections_points_cannot_reach_are_said_for_that_section():
    """Bands written for a whole inspection's total (12 standards) used for a domain of 3: its top
    grades could never be given, and check said nothing (W006 came for `sum of` alone)."""
    from esirules.language.check import check_text

    head = ('ruleset "f" version "1"\nscale practice: strong > poor\nladder rating: Outstanding = 3 > Good = 2 > Poor = 0\n'
            'grading delivery "d" {\n  items rated on practice\n  grades from rating\n'
            '  Outstanding when at least strong on each item\n  Poor otherwise\n}\n'
            'points p on rating {\n  Outstanding 3, Good 2, Poor 0\n}\n'
            'bands b on rating {\n  Outstanding when total at least 18\n  Good when total at least 6\n  Poor otherwise\n}\n'
            'section D1 "D" {\n' + "".join(f'  criterion D1.{n} "c" {{\n    graded by delivery\n    item D1.{n}.a "a"\n  }}\n'
                                            for n in (1, 2, 3)))
    points = check_text((head + "  grade: points p of criteria, banded by b\n}\n").encode(), "f.esi", {})
    assert [(d.code, d.message) for d in points.diagnostics] == [(
        "W006", "the band `Outstanding` of `b` can never be chosen for section D1: its 3 criteria give a total of at "
        "most 9 (3 × 3, the most `p` gives)")]
    summed = check_text((head + "  grade: sum of criteria banded by b\n}\n").encode(), "f.esi", {})
    (never,) = [d for d in summed.diagnostics if d.code == "W006"]
    assert str(never.help).startswith("no total or mean the members it bands can give passes its tests")


def test_section_weights_an_overall_without_a_score_never_uses_are_said_to_be_unused():
    """`grade: mean of sections banded by ...` with 20/50/30 written counted each section once, and
    W009's help even advised such a grade to weigh the sections."""
    from esirules.language.check import check_text

    text = ('ruleset "w" version "1"\nscale practice: strong > poor\nladder rating: Good = 2 > Poor = 0\n'
            'grading g "g" {\n  items rated on practice\n  grades from rating\n  Good when at least strong on each item\n'
            '  Poor otherwise\n}\nbands m on rating {\n  Good when mean at least 1.5\n  Poor otherwise\n}\n' + "".join(
                f'section {s} "{s}" weight {w}% {{\n  criterion {s}1 "c" {{\n    graded by g\n    item {s}1.a "a"\n  }}\n'
                "  grade: lowest of criteria\n}\n" for s, w in (("D", 20), ("E", 50), ("F", 30)))
            + 'overall "o" {\n  grade: mean of sections banded by m\n}\n')
    checked = check_text(text.encode(), "w.esi", {})
    assert [(d.code, d.message) for d in checked.diagnostics] == [(
        "W009", "the sections' weights (D 20%, E 50% and F 30%) are not used: the overall has no score, and its "
        "grade counts each section's grade once")]
