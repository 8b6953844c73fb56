"""The checker: every construct of the language, from ruleset text to the resolved model."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from conftest import check_source

from esirules.diagnostics import DiagnosticError
from esirules.language import model as m
from esirules.language.check import load_ruleset, load_ruleset_text

HEADER = 'ruleset "t" version "1"\n'

VOCABULARY = """\
scale answer: yes > partly > no, not applicable "n/a"
scale performance: "very strong" > strong > good > satisfactory > weak
ladder grade: "Very well met" > "Well met" > "Partly met" > "Not met"
answers on answer, met when yes
attribute risk "Risk of harm": ordered low < medium < high < "very high"
attribute order_type: cro, cpo, licence
attribute sex_offender: yes or no
attribute age: number from 16 to 99
source case_file "Case file"
class critical weight 2
measure psr "PSR timeliness"
"""
PERFORMANCE_LINE = 'scale performance: "very strong" > strong > good > satisfactory > weak\n'
LADDER_LINE = 'ladder grade: "Very well met" > "Well met" > "Partly met" > "Not met"\n'
# The vocabulary for rulesets that grade nothing: a scale or ladder nothing reads is a warning (W010).
UNGRADED = VOCABULARY.replace(PERFORMANCE_LINE, "").replace(LADDER_LINE, "")


def load(body: str, vocabulary: str = VOCABULARY) -> m.Ruleset:
    return load_ruleset_text(HEADER + vocabulary + body, "t.esi")


def criterion(body: str, criterion_id: str = "B1") -> m.Criterion:
    return load(body).criterion(criterion_id)


def applies(condition: str) -> m.Condition | None:
    ruleset = load(f'section B "b" {{ criterion B1 "c" {{ question B1.1 "q" applies when {condition} }} }}')
    return ruleset.criterion("B1").questions[0].applies


# --- header ------------------------------------------------------------------------------------


def test_header_title_description_and_version():
    ruleset = load_ruleset_text(
        'ruleset "esi-2003" version "2003"\ntitle "Effective Supervision"\n'
        'description """Two\nlines"""\n',
        "h.esi",
    )
    assert (ruleset.name, ruleset.version, ruleset.title) == ("esi-2003", "2003", "Effective Supervision")
    assert ruleset.description == "Two\nlines"
    assert ruleset.path == "h.esi"
    assert ruleset.parent is None
    assert len(ruleset.content_hash) == 64


def test_header_without_version_or_title():
    ruleset = load_ruleset_text('ruleset "plain"\n')
    assert (ruleset.name, ruleset.version, ruleset.title, ruleset.description) == ("plain", "", "plain", "")


def test_quoted_text_escapes():
    ruleset = load_ruleset_text('ruleset "t"\ntitle "say \\"hello\\""\n')
    assert ruleset.title == 'say "hello"'


def test_content_hash_follows_the_text():
    first = load_ruleset_text('ruleset "t"\n')
    again = load_ruleset_text('ruleset "t"\n')
    other = load_ruleset_text('ruleset "t" # changed\n')
    assert first.content_hash == again.content_hash != other.content_hash


# --- rounding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "places", "ties"),
    [
        ("rounding: whole percent", 0, "up"),
        ("rounding: whole percent, halves up", 0, "up"),
        ("rounding: 1 decimal place", 1, "up"),
        ("rounding: 2 decimal places, halves even", 2, "even"),
        ("rounding: whole percent, halves down", 0, "down"),
    ],
)
def test_rounding(line, places, ties):
    rounding = load_ruleset_text(HEADER + line).rounding
    assert (rounding.places, rounding.ties) == (places, ties)


def test_rounding_defaults_to_whole_percent_halves_up():
    assert load_ruleset_text(HEADER).rounding == m.Rounding(0, "up")


# --- vocabularies ------------------------------------------------------------------------------


def test_scales_best_first_with_not_applicable():
    ruleset = load("scale bare: a > b, not applicable\n")
    answer = ruleset.scale("answer")
    assert answer == m.Scale("answer", ("yes", "partly", "no"), "n/a", False)
    assert answer.rank("yes") == 2 and answer.rank("no") == 0
    assert ruleset.scale("performance").values[0] == "very strong"
    assert ruleset.scale("bare").not_applicable == "not applicable"
    assert ruleset.scale("performance").not_applicable is None


def test_ladder():
    ladder = load("").scale("grade")
    assert ladder.is_ladder
    assert ladder.values == ("Very well met", "Well met", "Partly met", "Not met")


def test_attributes_of_every_kind():
    ruleset = load("")
    assert ruleset.attribute("risk") == m.Attribute(
        "risk", "Risk of harm", "ordered", ("low", "medium", "high", "very high")
    )
    assert ruleset.attribute("order_type") == m.Attribute("order_type", "order type", "enumerated",
                                                          ("cro", "cpo", "licence"))
    assert ruleset.attribute("sex_offender").kind == "boolean"
    age = ruleset.attribute("age")
    assert (age.kind, age.minimum, age.maximum) == ("numeric", Fraction(16), Fraction(99))


def test_number_attribute_without_range():
    ruleset = load("attribute score: number\n")
    assert ruleset.attribute("score") == m.Attribute("score", "score", "numeric")


def test_sources_and_weight_classes():
    ruleset = load('source interview\nclass minor weight 0.5\n')
    assert ruleset.sources == (m.Source("case_file", "Case file"), m.Source("interview", "interview"))
    assert dict(ruleset.weight_classes) == {"critical": Fraction(2), "minor": Fraction(1, 2)}


def test_measures_with_unit_and_direction():
    ruleset = load('measure sickness "Sickness absence" in days, lower is better\n')
    assert ruleset.measure("sickness") == m.Measure("sickness", "Sickness absence", "days", True)
    assert ruleset.measure("psr") == m.Measure("psr", "PSR timeliness", "percent", False)


def test_samples():
    ruleset = load(
        'section B "b" { criterion B1 "c" { question B1.1 "q"  question B1.2 "r" } }\n'
        'section C "c" { criterion C1 "c" { question C1.1 "q" } }\n'
        'sample september "Cases from September" { sections B without questions B1.2 '
        'description "later" }\n'
        "sample all_cases\n"
    )
    september = ruleset.sample("september")
    assert september == m.Sample("september", "Cases from September", ("B",), frozenset({"B1.2"}))
    assert ruleset.sample("all_cases") == m.Sample("all_cases", "all_cases", None, frozenset())


# --- sections and criteria ---------------------------------------------------------------------


def test_section_with_weight_and_description():
    section = load(
        'section B "Assessment" weight 30% { description "How well" criterion B1 "c" { question B1.1 "q" } }'
    ).section("B")
    assert (section.id, section.title, section.weight, section.description) == (
        "B", "Assessment", Fraction(3, 10), "How well",
    )
    assert [c.id for c in section.criteria] == ["B1"]
    assert section.criteria[0].section == "B"
    # A section of numerical criteria is scored by their weighted mean unless it says otherwise.
    assert section.score == m.Aggregate("weighted_mean", (), "criteria")
    assert section.missing == "not computable"


def test_criterion_weights():
    ruleset = load(
        'section B "b" {\n'
        '  criterion B1 "By class" critical { question B1.1 "q" }\n'
        '  criterion B2 "Explicit" weight 3 { question B2.1 "q" }\n'
        '  criterion B3 "Default" { question B3.1 "q" }\n'
        "}\n"
    )
    assert (ruleset.criterion("B1").weight, ruleset.criterion("B1").weight_class) == (2, "critical")
    assert (ruleset.criterion("B2").weight, ruleset.criterion("B2").weight_class) == (3, None)
    assert (ruleset.criterion("B3").weight, ruleset.criterion("B3").weight_class) == (1, None)


def test_numerical_criterion_and_question_options():
    b1 = criterion(
        'section B "b" { criterion B1 "Risk" {\n'
        '  description "Risk is assessed"\n'
        '  question B1.1 "Assessed" on answer met when yes or partly source case_file weight 2\n'
        '  question B1.2 "Reviewed" met when at least partly\n'
        '  question B1.3 "Default"\n'
        "} }\n"
    )
    assert (b1.kind, b1.title, b1.description, b1.pooling) == ("numerical", "Risk", "Risk is assessed", "pooled")
    q1, q2, q3 = b1.questions
    assert q1 == m.Question("B1.1", "Assessed", "B1", "answer", frozenset({"yes", "partly"}), "case_file",
                            None, Fraction(2))
    assert q2.met == frozenset({"yes", "partly"})  # `at least partly` expands to the set
    assert q3.met == frozenset({"yes"})  # from `answers on answer, met when yes`
    assert (q3.scale, q3.source, q3.weight) == ("answer", None, Fraction(1))


def test_met_at_least_lowest_value_is_every_value():
    b1 = criterion('section B "b" { criterion B1 "c" { question B1.1 "q" met when at least no } }')
    assert b1.questions[0].met == frozenset({"yes", "partly", "no"})


def test_answers_default_without_met_rule_needs_met_on_question():
    vocabulary = 'scale answer: yes > no\nanswers on answer\n'
    ruleset = load('section B "b" { criterion B1 "c" { question B1.1 "q" met when no } }', vocabulary)
    assert ruleset.criterion("B1").questions[0] == m.Question("B1.1", "q", "B1", "answer", frozenset({"no"}))


def test_question_on_another_scale():
    ruleset = load(
        "scale done: done > not_done\n"
        'section B "b" { criterion B1 "c" { question B1.1 "q" on done met when done } }'
    )
    question = ruleset.criterion("B1").questions[0]
    assert (question.scale, question.met) == ("done", frozenset({"done"}))


@pytest.mark.parametrize(
    ("line", "pooling"),
    [("", "pooled"), ("pooling: pooled", "pooled"), ("pooling: mean of questions", "mean of questions"),
     ("pooling: mean   of\n questions", "mean of questions")],
)
def test_pooling(line, pooling):
    b1 = criterion(f'section B "b" {{ criterion B1 "c" {{ {line}  question B1.1 "q" }} }}')
    assert b1.pooling == pooling


# --- applicability conditions ------------------------------------------------------------------


def test_condition_ordered_comparison():
    assert applies("risk >= high") == m.Comparison("risk", ">=", "high")


def test_condition_numeric_comparison():
    assert applies("age < 18") == m.Comparison("age", "<", Fraction(18))
    assert applies("age >= 17.5") == m.Comparison("age", ">=", Fraction(35, 2))


def test_condition_equality_and_membership():
    assert applies('order_type != cpo') == m.Comparison("order_type", "!=", "cpo")
    assert applies('risk = "very high"') == m.Comparison("risk", "=", "very high")
    assert applies("order_type in {licence, cro}") == m.Membership("order_type", ("licence", "cro"))


def test_condition_yes_or_no_flag():
    assert applies("sex_offender") == m.Flag("sex_offender")
    assert applies("sex_offender = no") == m.Comparison("sex_offender", "=", False)
    assert applies("not sex_offender") == m.Not(m.Flag("sex_offender"))


def test_condition_and_or_not_precedence():
    condition = applies("risk >= high and (order_type in {licence} or not sex_offender) or age > 60")
    assert condition == m.AnyOf((
        m.AllOf((
            m.Comparison("risk", ">=", "high"),
            m.AnyOf((m.Membership("order_type", ("licence",)), m.Not(m.Flag("sex_offender")))),
        )),
        m.Comparison("age", ">", Fraction(60)),
    ))


def test_condition_and_binds_tighter_than_or():
    assert applies("sex_offender or age > 1 and age < 5") == m.AnyOf((
        m.Flag("sex_offender"),
        m.AllOf((m.Comparison("age", ">", Fraction(1)), m.Comparison("age", "<", Fraction(5)))),
    ))


def test_condition_not_not():
    assert applies("not not sex_offender") == m.Not(m.Not(m.Flag("sex_offender")))


# --- descriptive criteria and gradings ---------------------------------------------------------

GRADING = """\
bands npd on performance {
  "very strong" when performance at least 110% and actual at least national average
  strong when performance above 100%
  good when actual below target
  satisfactory when actual at most 0.5
  weak otherwise
  ties: rounded
}
grading management "Management" {
  items rated on performance
  grades from grade
  measures rated by npd
  grades are cumulative
  description "Threshold rules"
  "Very well met" when at least "very strong" on each item
  "Well met" when at least strong on the majority of items and at least satisfactory on the others
  "Partly met" when at least good on some items and at best weak on none of the items
  "Not met" otherwise
  no better than "Partly met" when at best weak on 2 or more items
}
"""


def test_descriptive_criterion_with_items():
    ruleset = load(
        GRADING + 'section A "a" { criterion A1 "Leadership" {\n'
        "  graded by management\n  allows adjustment\n"
        '  item A1.a "Targets monitored"\n'
        "  item A1.psr from measure psr weight 2\n"
        '  item A1.c "Named" from measure psr\n'
        "} grade: lowest of criteria }\n"
    )
    a1 = ruleset.criterion("A1")
    assert (a1.kind, a1.grading, a1.allows_adjustment) == ("descriptive", "management", True)
    assert a1.items == (
        m.Item("A1.a", "Targets monitored", "A1"),
        m.Item("A1.psr", "PSR timeliness", "A1", Fraction(2), "psr"),
        m.Item("A1.c", "Named", "A1", Fraction(1), "psr"),
    )
    assert ruleset.section("A").grade == m.Aggregate("lowest_of", (), "criteria")
    assert ruleset.section("A").score is None


def test_grading():
    grading = load(GRADING).grading("management")
    assert (grading.label, grading.item_scale, grading.ladder) == ("Management", "performance", "grade")
    assert grading.cumulative and grading.measure_bands == "npd"
    each = m.Quantifier("each")
    assert grading.rules == (
        m.GradeRule("Very well met", (m.Clause("at_least", "very strong", each),)),
        m.GradeRule("Well met", (
            m.Clause("at_least", "strong", m.Quantifier("majority")),
            m.Clause("at_least", "satisfactory", m.Quantifier("others")),
        )),
        m.GradeRule("Partly met", (
            m.Clause("at_least", "good", m.Quantifier("some")),
            m.Clause("at_best", "weak", m.Quantifier("none")),
        )),
        m.GradeRule("Not met", (), otherwise=True),
    )
    assert grading.caps == (
        m.CapRule("Partly met", (m.Clause("at_best", "weak", m.Quantifier("at_least_count", count=2)),)),
    )


def test_grading_defaults():
    ruleset = load(
        "grading g { items rated on performance grades from grade \"Not met\" otherwise }"
    )
    assert ruleset.grading("g") == m.Grading("g", "g", "performance", "grade", (m.GradeRule("Not met", (), True),))


@pytest.mark.parametrize(
    ("quantifier", "expected"),
    [
        ("each item", m.Quantifier("each")),
        ("every item", m.Quantifier("each")),
        ("all items", m.Quantifier("each")),
        ("each criterion", m.Quantifier("each")),
        ("the majority of items", m.Quantifier("majority")),
        ("majority of the items", m.Quantifier("majority")),
        ("the majority of the criteria", m.Quantifier("majority")),
        ("some items", m.Quantifier("some")),
        ("some of the items", m.Quantifier("some")),
        ("none of the items", m.Quantifier("none")),
        ("at least 2 items", m.Quantifier("at_least_count", count=2)),
        ("at least 1 item", m.Quantifier("at_least_count", count=1)),
        ("3 or more items", m.Quantifier("at_least_count", count=3)),
        ("at least 75% of the items", m.Quantifier("at_least_share", share=Fraction(3, 4))),
        ("at least 50% of items", m.Quantifier("at_least_share", share=Fraction(1, 2))),
    ],
)
def test_every_quantifier(quantifier, expected):
    ruleset = load(
        f'grading g {{ items rated on performance grades from grade\n'
        f'  "Well met" when at least good on {quantifier}\n  "Not met" otherwise }}'
    )
    assert ruleset.grading("g").rules[0].clauses == (m.Clause("at_least", "good", expected),)


@pytest.mark.parametrize(
    ("comparison", "expected"),
    [("at least good", "at_least"), ("at best good", "at_best"), ("exactly good", "exactly"), ("good", "exactly")],
)
def test_every_comparison(comparison, expected):
    ruleset = load(
        f'grading g {{ items rated on performance grades from grade\n'
        f'  "Well met" when {comparison} on each item\n  "Not met" otherwise }}'
    )
    assert ruleset.grading("g").rules[0].clauses[0].comparison == expected


def test_the_others_after_a_first_clause():
    ruleset = load(
        'grading g { items rated on performance grades from grade\n'
        '  "Well met" when at least strong on 2 or more items and at least good on the others\n'
        '  "Not met" otherwise }'
    )
    clauses = ruleset.grading("g").rules[0].clauses
    assert [c.quantifier.kind for c in clauses] == ["at_least_count", "others"]


# --- bands and points --------------------------------------------------------------------------


def test_bands():
    bands = load(GRADING).band_set("npd")
    assert (bands.scale, bands.ties) == ("performance", "rounded")
    assert bands.bands == (
        m.Band("very strong", (
            m.FigureTest("performance", "at_least", Fraction(11, 10), True),
            m.FigureTest("actual", "at_least", "national average"),
        )),
        m.Band("strong", (m.FigureTest("performance", "above", Fraction(1), True),)),
        m.Band("good", (m.FigureTest("actual", "below", "target"),)),
        m.Band("satisfactory", (m.FigureTest("actual", "at_most", Fraction(1, 2), False),)),
        m.Band("weak", (), otherwise=True),
    )


def test_bands_ties_default_to_exact_and_score_and_total():
    ruleset = load(
        'bands quality on grade { "Well met" when score at least 75%  "Partly met" when total above 3 '
        '"Not met" otherwise description "Scores" }'
    )
    bands = ruleset.band_set("quality")
    assert bands.ties == "exact"
    assert bands.bands[0].tests == (m.FigureTest("score", "at_least", Fraction(3, 4), True),)
    assert bands.bands[1].tests == (m.FigureTest("total", "above", Fraction(3), False),)


def test_bands_ties_exact():
    ruleset = load('bands q on grade { "Not met" otherwise ties: exact }')
    assert ruleset.band_set("q").ties == "exact"


def test_points_table():
    ruleset = load('points pts on grade { "Very well met" 5, "Well met" 4 "Partly met" 1.5, "Not met" 0 }')
    table = ruleset.points_table("pts")
    assert table == m.Points(
        "pts", "grade",
        (("Very well met", Fraction(5)), ("Well met", Fraction(4)), ("Partly met", Fraction(3, 2)),
         ("Not met", Fraction(0))),
    )
    assert table.for_grade("Partly met") == Fraction(3, 2)


# --- aggregates and the overall ----------------------------------------------------------------

AGGREGATES = GRADING + """\
points pts on grade { "Very well met" 3, "Well met" 2, "Partly met" 1, "Not met" 0 }
bands totals on grade { "Well met" when total at least 4  "Not met" otherwise }
bands quality on grade { "Well met" when score at least 75%  "Not met" otherwise }
section A "Management" {
  criterion A1 "a" { graded by management item A1.a "x" }
  criterion A2 "b" { graded by management item A2.a "y" }
  grade: points pts of criteria A1, A2, banded by totals
}
section B "Assessment" weight 60% {
  criterion B1 "c" critical { question B1.1 "q" }
  criterion B2 "d" { question B2.1 "q" }
  score: weighted mean of criteria B1
  grade: score banded by quality
  if a criterion has no data: renormalise
}
section C "Grades" weight 40% {
  criterion C1 "e" { graded by management item C1.a "z" }
  grade: management over criteria
}
section D "Lowest" {
  criterion D1 "f" { graded by management item D1.a "w" }
  grade: lowest of criteria D1
}
"""


def test_section_aggregates():
    ruleset = load(AGGREGATES + 'overall "Overall" { score: weighted mean of sections B, C }')
    assert ruleset.section("A").grade == m.Aggregate("points_total", ("A1", "A2"), "criteria", "pts", "totals")
    assert ruleset.section("B").score == m.Aggregate("weighted_mean", ("B1",), "criteria")
    assert ruleset.section("B").grade == m.Aggregate("score_banded", (), "criteria", "quality")
    assert ruleset.section("B").missing == "renormalise"
    assert ruleset.section("C").grade == m.Aggregate("graded_over", (), "criteria", "management")
    assert ruleset.section("D").grade == m.Aggregate("lowest_of", ("D1",), "criteria")


def test_overall_weighted_mean_of_listed_sections():
    ruleset = load(AGGREGATES + 'overall "Overall" { description "All" score: weighted mean of sections B, C }')
    overall = ruleset.overall
    assert overall == m.Overall("Overall", m.Aggregate("weighted_mean", ("B", "C"), "sections"),
                                None, "not computable", "All")


def test_overall_of_all_sections_and_missing_rule():
    ruleset = load(
        AGGREGATES + 'overall "Overall" {\n  score: weighted mean of sections\n'
        "  grade: lowest of sections\n  if a section has no data: renormalise\n}\n"
    )
    overall = ruleset.overall
    assert overall is not None
    assert overall.score == m.Aggregate("weighted_mean", (), "sections")
    assert overall.grade == m.Aggregate("lowest_of", (), "sections")
    assert overall.missing == "renormalise"


def test_overall_graded_over_and_points():
    ruleset = load(
        AGGREGATES + 'overall "Overall" { grade: points pts of sections A, C, banded by totals }'
    )
    assert ruleset.overall is not None
    assert ruleset.overall.grade == m.Aggregate("points_total", ("A", "C"), "sections", "pts", "totals")


def test_no_overall():
    assert load("").overall is None


# --- tests written in the language -------------------------------------------------------------

TESTS = GRADING + """\
section A "a" { criterion A1 "c" { graded by management allows adjustment item A1.a "x" item A1.b "y" } }
section B "b" { criterion B1 "d" { graded by quality question B1.1 "q" } }
bands quality on grade { "Well met" when score at least 75%  "Not met" otherwise }
"""


def test_test_with_ratings_measure_adjustment_and_grade():
    ruleset = load(
        TESTS + 'test "A1 follow-up" {\n  criterion A1\n  given ratings A1.a strong, A1.b good\n'
        "  given measure psr: actual 80, target 90, national average 85.5\n"
        '  given adjustment "Well met" by "Lead inspector" because "new evidence"\n'
        '  expect grade "Well met"\n}\n'
    )
    (test,) = ruleset.tests
    assert test == m.RulesetTest(
        "A1 follow-up", "A1", (("A1.a", "strong"), ("A1.b", "good")), (),
        (("psr", Fraction(80), Fraction(90), Fraction(171, 2)),),
        (m.TestAdjustment("A1", "Well met", "Lead inspector", "new evidence"),),
        (m.Expectation("criterion", "A1", "grade", "Well met", value="Well met"),),
    )


@pytest.mark.parametrize(("written", "expected"), [("75%", Fraction(3, 4)), ("3/4", Fraction(3, 4)),
                                                   ("2/3", Fraction(2, 3)), ("12.5%", Fraction(1, 8))])
def test_test_with_answers_and_score(written, expected):
    ruleset = load(
        TESTS + f'test "B1" {{ criterion B1 given answers B1.1: yes x3, no, "n/a" x2 expect score {written} }}'
    )
    (test,) = ruleset.tests
    assert test.answers == (("B1.1", "yes", 3), ("B1.1", "no", 1), ("B1.1", "n/a", 2))
    (expectation,) = test.expectations
    assert (expectation.target, expectation.id, expectation.what, expectation.score) == (
        "criterion", "B1", "score", expected)


def test_test_expecting_grade_of_banded_numerical_criterion():
    ruleset = load(TESTS + 'test "B1 grade" { criterion B1 given answers B1.1: yes expect grade "Well met" }')
    assert [(e.what, e.value) for e in ruleset.tests[0].expectations] == [("grade", "Well met")]


# --- extends -----------------------------------------------------------------------------------

BASE = HEADER.replace('"t"', '"base"') + VOCABULARY + GRADING + """\
title "Base title"
description "Base description"
section A "Management" { criterion A1 "Leadership" { graded by management item A1.a "x" } }
section B "Assessment" weight 50% {
  criterion B1 "Old" { question B1.1 "old q" question B1.2 "second" }
  criterion B2 "Kept" { question B2.1 "q" source case_file }
}
section C "Other" weight 50% { criterion C1 "c" { question C1.1 "q" } }
overall "Overall" { score: weighted mean of sections B, C }
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_extends_inherits_everything(tmp_path):
    write(tmp_path, "base.esi", BASE)
    child = load_ruleset(write(tmp_path, "child.esi", 'ruleset "child" version "2"\nextends "base.esi"\n'))
    assert (child.name, child.version) == ("child", "2")
    assert (child.title, child.description) == ("Base title", "Base description")
    assert child.parent is not None and child.parent.name == "base"
    assert [s.id for s in child.sections] == ["A", "B", "C"]
    assert child.criterion("B1") == child.parent.criterion("B1")
    assert child.grading("management") == child.parent.grading("management")
    assert child.content_hash != child.parent.content_hash


def test_extends_with_exclusions_and_replacement(tmp_path):
    write(tmp_path, "base.esi", BASE)
    child = load_ruleset(write(tmp_path, "child.esi", """\
ruleset "child" version "2"
title "Follow-up"
extends "base.esi"
exclude cases where order_type = cpo or age < 18
exclude source case_file
exclude question B2.1
replace criterion B1 "New" critical {
  question B1.9 "new q" met when at least partly
}
"""))
    assert child.title == "Follow-up"
    assert child.exclusions == m.Exclusions(
        (m.AnyOf((m.Comparison("order_type", "=", "cpo"), m.Comparison("age", "<", Fraction(18)))),),
        frozenset({"case_file"}),
        frozenset({"B2.1"}),
    )
    b1 = child.criterion("B1")
    assert (b1.title, b1.section, b1.weight, b1.weight_class) == ("New", "B", Fraction(2), "critical")
    assert [q.id for q in b1.questions] == ["B1.9"]
    assert b1.questions[0].met == frozenset({"yes", "partly"})
    section = child.section("B")
    assert (section.title, section.weight) == ("Assessment", Fraction(1, 2))
    assert [c.id for c in section.criteria] == ["B1", "B2"]  # replaced in place, its section kept
    assert child.parent is not None and child.parent.criterion("B1").title == "Old"


def test_extends_chain_of_three(tmp_path):
    write(tmp_path, "base.esi", BASE)
    write(tmp_path, "middle.esi", 'ruleset "middle"\nextends "base.esi"\nsection D "New" { criterion D1 "d" '
          '{ question D1.1 "q" } }\n')
    child = load_ruleset(write(tmp_path, "child.esi", 'ruleset "child"\nextends "middle.esi"\n'
                               'replace criterion D1 "Replaced" { question D1.2 "q" }\n'))
    assert [s.id for s in child.sections] == ["A", "B", "C", "D"]
    assert child.criterion("D1").title == "Replaced"
    assert child.parent is not None and child.parent.parent is not None
    assert child.parent.parent.name == "base"


def test_extends_in_a_subfolder_is_relative_to_the_file(tmp_path):
    (tmp_path / "lib").mkdir()
    write(tmp_path / "lib", "base.esi", BASE)
    child = load_ruleset(write(tmp_path, "child.esi", 'ruleset "child"\nextends "lib/base.esi"\n'))
    assert child.parent is not None and child.parent.path.endswith("base.esi")


def test_load_ruleset_raises_with_every_diagnostic(tmp_path):
    path = write(tmp_path, "bad.esi", 'ruleset "x"\nsection A "a" { criterion A1 "c" { } }\n'
                 'section A "again" { }\n')
    with pytest.raises(DiagnosticError) as raised:
        load_ruleset(path)
    assert {d.code for d in raised.value.diagnostics} == {"R032", "R010"}
    assert path in raised.value.sources


# --- spans -------------------------------------------------------------------------------------


def test_spans_point_at_the_source():
    text = HEADER + VOCABULARY + 'section B "b" {\n  criterion B1 "c" {\n    question B1.1 "q"\n  }\n}\n'
    ruleset = load_ruleset_text(text, "spans.esi")
    lines = text.splitlines()
    b1 = ruleset.criterion("B1")
    assert b1.span.file == "spans.esi"
    assert lines[b1.span.line - 1].strip().startswith("criterion B1")
    assert b1.span.column == 3
    assert lines[b1.questions[0].span.line - 1].strip().startswith("question B1.1")
    assert ruleset.section("B").span.line == text.splitlines().index('section B "b" {') + 1
    assert ruleset.scale("performance").span.line == 3
    assert ruleset.attribute("age").span.line == 9


def test_spans_do_not_take_part_in_equality():
    body = 'section B "b" { criterion B1 "c" { question B1.1 "q" applies when age > 3 } }\n'
    near = load(body)
    far = load("\n\n\n# moved down\n" + body)
    assert near.criterion("B1").span.line != far.criterion("B1").span.line
    assert near.criterion("B1") == far.criterion("B1")
    assert hash(near.criterion("B1")) == hash(far.criterion("B1"))
    assert near.section("B") == far.section("B")
    assert near.scales == far.scales


# --- warnings do not stop a ruleset ------------------------------------------------------------


def test_warning_keeps_the_model():
    checked = check_source(HEADER + UNGRADED + 'section B "b" { criterion B1 "c" { allows adjustment '
                           'question B1.1 "q" } }')
    assert checked.ruleset is not None
    assert [(d.code, d.severity) for d in checked.diagnostics] == [("W001", "warning")]
    assert checked.ruleset.criterion("B1").allows_adjustment



def test_a_banded_numerical_criterion_may_allow_adjustment():
    checked = check_source(
        HEADER + VOCABULARY.replace(PERFORMANCE_LINE, "")
        + 'bands q on grade { "Well met" when score at least 50%  "Partly met" when score at least 25%\n'
        '  "Not met" otherwise }\n'
        'section B "b" { criterion B1 "c" { graded by q allows adjustment question B1.1 "q" } }\n'
        'test "t" { criterion B1 given answers B1.1: yes given adjustment "Not met" by "lead" because "why" '
        'expect grade "Not met" }\n'
    )
    assert checked.diagnostics == []
    assert checked.ruleset is not None
    assert checked.ruleset.criterion("B1").allows_adjustment
    assert checked.ruleset.tests[0].adjustments == (m.TestAdjustment("B1", "Not met", "lead", "why"),)


# --- follow-on diagnostics (issue 9.2) ---------------------------------------------------------
# A diagnostic caused by an earlier error is not reported: it would say something that stops
# being true, or give advice that becomes wrong, once the earlier error is fixed.

GRADED = VOCABULARY + """\
grading management {
  items rated on performance
  grades from grade
  "Well met" when at least good on each item
  "Not met" otherwise
}
"""


def codes_of(body: str, vocabulary: str = VOCABULARY) -> list[tuple[str, int]]:
    checked = check_source(HEADER + vocabulary + body)
    return [(d.code, d.span.line) for d in checked.diagnostics]


def test_a_misspelt_grading_gives_no_advice_about_the_tests_of_its_criterion():
    body = (
        'section A "a" {\n'
        '  criterion A1 "c" { graded by managment item A1.a "x" }\n'
        "}\n"
        'test "t" { criterion A1 given ratings A1.a: strong expect grade "Well met" }\n'
    )
    checked = check_source(HEADER + GRADED + body)
    assert [(d.code, d.message) for d in checked.diagnostics] == [
        ("R030", "there is no grading called `managment`")
    ]


def test_a_test_of_a_criterion_that_is_not_graded_still_says_so():
    body = 'section B "b" { criterion B1 "c" { question B1.1 "q" } }\n' \
           'test "t" { criterion B1 given answers B1.1: yes expect grade "Well met" }\n'
    assert codes_of(body) == [("R080", 14)]


def test_a_question_that_could_not_be_checked_is_not_unknown_later():
    body = (
        'section B "b" { criterion B1 "c" { question B1.1 "q" on answr } }\n'
        'sample feb "February" { without questions B1.1 }\n'
        "exclude question B1.1\n"
        'test "t" { criterion B1 given answers B1.1: yes expect score 100% }\n'
    )
    assert codes_of(body) == [("R030", 13)]


def test_the_criteria_of_a_section_declared_twice_are_not_unknown_later():
    body = (
        'section B "b" { criterion B1 "c" { question B1.1 "q" } }\n'
        'section B "again" { criterion B2 "d" { question B2.1 "q" } }\n'
        'sample feb "February" { without questions B2.1 }\n'
        'test "t" { criterion B2 given answers B2.1: yes expect score 100% }\n'
    )
    assert codes_of(body) == [("R010", 14)]


def test_a_misspelt_default_scale_is_reported_once():
    body = 'section B "b" { criterion B1 "c" { question B1.1 "q" question B1.2 "q" } }\n'
    vocabulary = VOCABULARY.replace("answers on answer", "answers on answr")
    assert codes_of(body, vocabulary) == [("R030", 5)]


def test_a_child_is_checked_against_the_declarations_of_a_parent_with_mistakes(tmp_path):
    """The parent's own mistake is reported once, in the parent; the child's names from the
    parent resolve, so only the child's own mistake is reported with it."""
    (tmp_path / "base.esi").write_text(HEADER + VOCABULARY + 'scale answer: a > b\n'
                                       'section B "b" { criterion B1 "c" { question B1.1 "q" } }\n')
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "base.esi"\nexclude question B1.1\n'
                                        "exclude source nowhere\n"
                                        'section C "c" { criterion C1 "c" { question C1.1 "q" } }\n')
    checked = load_checked(tmp_path / "child.esi")
    assert [(d.code, Path(d.span.file).name, d.span.line) for d in checked.diagnostics] == [
        ("R010", "base.esi", 13), ("R030", "child.esi", 4)
    ]


def test_a_child_of_a_parent_that_does_not_parse_reports_only_the_parent(tmp_path):
    (tmp_path / "base.esi").write_text(HEADER + VOCABULARY + "scale answer yes > no\n")
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "base.esi"\nexclude question B1.1\n'
                                        'section C "c" { criterion C1 "c" { question C1.1 "q" } }\n')
    checked = load_checked(tmp_path / "child.esi")
    assert [(d.code, Path(d.span.file).name) for d in checked.diagnostics] == [("S010", "base.esi")]


def test_a_warning_of_a_parent_is_reported_once(tmp_path):
    (tmp_path / "base.esi").write_text(HEADER + UNGRADED + 'section B "b" { criterion B1 "c" '
                                       '{ allows adjustment question B1.1 "q" } }\n')
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "base.esi"\n')
    checked = load_checked(tmp_path / "child.esi")
    assert [(d.code, Path(d.span.file).name) for d in checked.diagnostics] == [("W001", "base.esi")]


def load_checked(path: Path):  # type: ignore[no-untyped-def]
    from esirules.language.check import check_file

    return check_file(str(path))


# --- numbers, plurals --------------------------------------------------------------------------


def test_a_number_too_long_raises_a_diagnostic_error():
    """F06: load_ruleset raised ValueError (Python's limit on integer strings) instead."""
    with pytest.raises(DiagnosticError) as raised:
        load_ruleset_text(HEADER + "class critical weight " + "9" * 4301 + "\n", "n.esi")
    assert [(d.code, d.span.line) for d in raised.value.diagnostics] == [("S006", 2)]


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ('section B "b" { criterion B1 "c" { question B1.1 "q" } }\n',
         "t 1: 1 section, 1 criterion, 1 question, 0 items"),
        ('section B "b" { criterion B1 "c" { question B1.1 "q" question B1.2 "q" } '
         'criterion B2 "c" { question B2.1 "q" } }\n'
         'section C "c" { criterion C1 "c" { graded by management item C1.a "x" } }\n',
         "t 1: 2 sections, 3 criteria, 3 questions, 1 item"),
    ],
)
def test_the_summary_counts_in_words(body, summary):
    assert load(body, GRADED).summary() == summary


def test_a_title_written_over_several_lines_is_one_line_and_a_description_keeps_its_breaks() -> None:
    checked = check_source(
        'ruleset "t" version "1"\nscale answer: yes > no\nanswers on answer, met when yes\n'
        'section B """Quality of\n    assessment""" {\n'
        '  description """First paragraph.\n\n  Second."""\n'
        '  criterion B1 "Risk\\nof harm" {\n    question B1.q """Was it\n       done?"""\n  }\n}\n'
    )
    assert checked.ruleset is not None, checked.diagnostics
    (section,) = checked.ruleset.sections
    assert section.title == "Quality of assessment" and section.criteria[0].title == "Risk of harm"
    assert checked.ruleset.question("B1.q").text == "Was it done?"
    assert section.description == "First paragraph.\n\n  Second."


def test_a_criterion_of_another_section_in_a_sections_list_is_said_to_be_there():
    """It was "there is no criterion called `A1`", with A1 declared a few lines above."""
    body = (
        'section A "a" {\n  criterion A1 "c" { graded by management item A1.a "x" }\n}\n'
        'section B "b" {\n  criterion B1 "c" { graded by management item B1.a "x" }\n'
        "  grade: lowest of criteria A1, B1\n}\n"
    )
    checked = check_source(HEADER + GRADED + body)
    (problem,) = checked.diagnostics
    assert problem.code == "R040" and problem.message.startswith("criterion `A1` is in section A (line ")
    assert problem.message.endswith("): a section combines only its own criteria")
    assert [(d.code, d.message) for d in check_source(HEADER + GRADED + body.replace("A1, B1", "A9, B1")).diagnostics] == [
        ("R030", "there is no criterion called `A9`")]
