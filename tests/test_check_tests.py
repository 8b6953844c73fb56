"""Checking the tests written in a ruleset: every kind of `expect`, the evidence it fits, and the
expectations the evidence given cannot compute (R081)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from conftest import check_source

from esirules.language import model as m
from esirules.language.parse import parse_text

HEAD = """\
ruleset "t" version "1"
scale answer: yes > partly > no, not applicable "n/a"
scale performance: strong > good > weak, not applicable
ladder grade: "Well met" > "Partly met" > "Not met"
answers on answer, met when yes
class critical weight 2
measure psr "PSR timeliness"
measure sick "Sickness" in days, lower is better
bands rating on performance { strong when performance at least 100% and actual at least national average
  good when performance at least 100%  weak otherwise }
bands quality on grade { "Well met" when score at least 75%  "Partly met" when score at least 50%  "Not met" otherwise }
bands totals on grade { "Well met" when total at least 4  "Not met" otherwise }
points p on grade { "Well met" 2, "Partly met" 1, "Not met" 0 }
grading g { items rated on performance  grades from grade  measures rated by rating
  "Well met" when at least strong on each item  "Partly met" when at least good on some items  "Not met" otherwise }
grading over { items rated on grade  grades from grade
  "Well met" when at least "Well met" on each criterion  "Not met" otherwise }
source interview "Interview"
exclude source interview
section A "a" {
  criterion A1 "c" { graded by g  allows adjustment  item A1.a "x"  item A1.psr from measure psr weight 2 }
  criterion A2 "d" { graded by g  item A2.a "x" }
  grade: over over criteria
}
section B "b" weight 60% {
  criterion B1 "e" critical { graded by quality  question B1.1 "q"  question B1.2 "r" source interview }
  criterion B2 "f" { question B2.1 "q" }
  score: weighted mean of criteria
  grade: score banded by quality
}
section C "c" weight 40% {
  criterion C1 "g" { question C1.1 "q" }
  criterion C2 "h" { question C2.1 "q" }
  score: weighted mean of criteria
  grade: points p of criteria, banded by totals
  if a criterion has no data: renormalise
}
overall "o" { score: weighted mean of sections B, C  grade: lowest of sections A, B }
"""
LINE = HEAD.count("\n") + 1  # the line of the first test


def codes(body: str) -> list[tuple[str, int, str]]:
    checked = check_source(HEAD + body)
    return [(d.code, d.span.line - LINE + 1, d.message) for d in checked.diagnostics]


def checked_tests(body: str) -> tuple[m.RulesetTest, ...]:
    checked = check_source(HEAD + body)
    assert checked.diagnostics == [], checked.diagnostics
    assert checked.ruleset is not None
    return checked.ruleset.tests


def test_every_kind_of_expectation_is_parsed_with_its_subject():
    (test,) = parse_text(
        'test "t" { expect criterion B1 score 3/4  expect section B grade "Well met"  expect overall score 50%\n'
        "  expect item A1.psr rating weak  expect bands rating for measure psr gives good\n"
        "  expect bands totals for total 3 gives weak  expect bands quality for score 74.5% gives x  expect grade y }",
        "t.esi",
    )[0].declarations
    shapes = [(e.subject, e.name.text if e.name else None, e.what, e.value.text,
               None if e.figure is None else e.figure.figure) for e in test.expectations]
    assert shapes == [
        ("criterion", "B1", "score", "3/4", None),
        ("section", "B", "grade", "Well met", None),
        ("overall", None, "score", "50%", None),
        ("item", "A1.psr", "rating", "weak", None),
        ("bands", "rating", "gives", "good", "measure"),
        ("bands", "totals", "gives", "weak", "total"),
        ("bands", "quality", "gives", "x", "score"),
        ("", None, "grade", "y", None),
    ]


@pytest.mark.parametrize(
    ("expect", "declaration"),
    [('expect section B grade "x"', 'section C "c" { }'), ("expect overall grade x", 'overall "o" { }'),
     ("expect bands q for total 5 gives x", "bands q on g { }")],
)
def test_a_declaration_after_a_test_left_open_is_still_a_missing_brace(expect, declaration):
    """`section`, `overall` and `bands` may be named in a test, and still start declarations:
    after an unclosed test the parser resumes outside it, with no second error."""
    _, errors = parse_text(f'test "t" {{ {expect}\n{declaration}\n', "t.esi")
    (error,) = errors
    word = declaration.split()[0]
    assert error.code == "S011" and f"not closed before the next `{word}`" in error.message


def test_a_test_of_everything_checks_into_the_model():
    (test,) = checked_tests(
        'test "all" {\n'
        "  given ratings A1.a strong, A2.a good\n"
        "  given measure psr: actual 100, target 100, national average 90\n"
        "  given answers B1.1: yes x3, no  given answers B2.1: yes\n"
        "  given answers C1.1: no\n"
        '  given adjustment A1: "Partly met" by "lead" because "why"\n'
        '  expect criterion A1 grade "Partly met"  expect item A1.psr rating strong\n'
        '  expect bands rating for measure psr gives strong  expect bands quality for score 74.5% gives "Partly met"\n'
        "  expect section B score 83.3%  expect section C score 0%  expect overall score 1/2\n"
        '  expect section A grade "Not met"  expect section B grade "Well met"  expect overall grade "Not met"\n'
        "}\n"
    )
    assert test.criterion is None
    assert test.adjustments == (m.TestAdjustment("A1", "Partly met", "lead", "why"),)
    targets = [(e.target, e.id, e.what) for e in test.expectations]
    assert targets == [
        ("criterion", "A1", "grade"), ("item", "A1.psr", "rating"), ("bands", "rating", "value"),
        ("bands", "quality", "value"), ("section", "B", "score"), ("section", "C", "score"),
        ("overall", "overall", "score"), ("section", "A", "grade"), ("section", "B", "grade"),
        ("overall", "overall", "grade"),
    ]
    band = test.expectations[3]
    assert (band.figure, band.number) == ("score", Fraction(149, 200))
    assert [(e.score, e.places) for e in test.expectations if e.what == "score"] == [
        (Fraction(833, 1000), 1), (Fraction(0), 0), (Fraction(1, 2), None)
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('test "t" { criterion A1 given ratings A1.a good  expect score 50% }',
         "criterion A1 is graded, not scored, so a test cannot expect its score"),
        ('test "t" { given ratings A1.psr weak  expect criterion A1 grade "Not met" }',
         "item A1.psr is rated from measure psr, not by hand"),
        ('test "t" { given ratings A2.a good, A2.a weak  expect criterion A2 grade "Partly met" }',
         "the test rates item A2.a twice"),
        ('test "t" { criterion A1 given ratings A1.a good  given adjustment "Not met" by "a" because "b"\n'
         '  given adjustment A1: "Not met" by "a" because "b"  expect grade "Not met" }',
         "the test adjusts criterion A1 twice"),
        ('test "t" { given ratings A2.a good  given adjustment "Not met" by "a" because "b"  '
         'expect criterion A2 grade "Partly met" }',
         'the test "t" does not say which criterion the adjustment is about'),
        ('test "t" { given answers B2.1: yes  expect section A score 50% }',
         "section A has no score, so a test cannot expect one"),
        ('test "t" { expect bands rating for score 50% gives weak }',
         "bands rating read `actual` and `performance`, which `for score` does not give"),
        ('test "t" { expect bands quality for measure psr gives weak }',
         "bands quality read `score`, which `for measure` does not give"),
        ('test "t" { given measure psr: actual 1, target 2, national average 3\n'
         "  given measure psr: actual 1, target 2, national average 3  expect item A1.psr rating weak }",
         "the test gives target data for measure psr twice"),
        # A score is a share: one over 100% is a typo that no run would pass.
        ('test "t" { criterion B2 given answers B2.1: yes x2, no  expect score 101% }',
         "a score lies between 0% and 100%, so no score is 101%"),
        ('test "t" { given answers B2.1: yes x2, no  expect criterion B2 score 5/4 }',
         "a score lies between 0% and 100%, so no score is 5/4"),
        # A slip of the keyboard would make `esirules test` build that many cases (minutes, gigabytes).
        ('test "t" { criterion B1 given answers B1.1: yes x10000, no x10001  expect score 50% }',
         "the test gives 10,001 answers `no` to question B1.1; a test may give at most 10,000 of one answer"),
    ],
)
def test_expectations_and_evidence_that_do_not_fit_are_r080(body, message):
    assert [(code, text) for code, _, text in codes(body + "\n")] == [("R080", message)]


def test_a_test_about_a_criterion_rates_only_its_items():
    assert [c for c, _, _ in codes('test "t" { criterion A2 given ratings A1.a good expect grade "Partly met" }\n')] == [
        "R030"
    ]
    # Without a `criterion` line, any criterion's evidence may be given.
    checked_tests('test "t" { given ratings A1.a good, A2.a good  expect criterion A2 grade "Partly met" }\n')


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # B is not computable without B2.
        ('given answers B1.1: yes  expect section B score 50%',
         "the test cannot compute section B's score: it gives no answers for criterion B2"),
        # B1's second question's source is excluded.
        ('given answers B1.2: yes  expect criterion B1 score 50%',
         "the test cannot compute criterion B1's score: no answer it gives for criterion B1 counts "
         "(each is not applicable, or its question is excluded)"),
        ('given answers B2.1: "n/a"  expect criterion B2 score 50%',
         "the test cannot compute criterion B2's score: no answer it gives for criterion B2 counts "
         "(each is not applicable, or its question is excluded)"),
        ('given ratings A1.a good  expect criterion A1 grade "Partly met"',
         "the test cannot compute criterion A1's grade: it gives no target data for measure psr"),
        ('given ratings A2.a "not applicable"  expect criterion A2 grade "Partly met"',
         "the test cannot compute criterion A2's grade: it rates every item of criterion A2 not applicable"),
        # Section A grades over both criteria; the overall's lowest takes A and B.
        ('given ratings A1.a good  given measure psr: actual 1, target 1, national average 1\n'
         '  expect overall grade "Not met"',
         "the test cannot compute the overall grade: it does not rate item A2.a; "
         "it gives no answers for criteria B1 and B2"),
        # C renormalises: one criterion is enough for C, none is not.
        ("given answers B1.1: yes  given answers B2.1: no  expect overall score 50%",
         "the test cannot compute the overall score: it gives no answers for criteria C1 and C2"),
        ("expect item A2.a rating good", "the test cannot compute item A2.a's rating: it does not rate item A2.a"),
    ],
)
def test_an_expectation_the_evidence_cannot_compute_is_r081(body, message):
    assert [(code, text) for code, _, text in codes(f'test "t" {{ {body} }}\n')] == [("R081", message)]


def test_a_section_that_renormalises_needs_one_member_with_data():
    checked_tests('test "t" { given answers C1.1: yes  expect section C score 100% }\n')


def test_a_misspelt_name_is_not_followed_by_what_it_would_have_given():
    # Only the unknown measure: not also "no target data for psr".
    found = codes('test "t" { given ratings A1.a good  given measure pssr: actual 1, target 1, national average 1\n'
                  '  expect criterion A1 grade "Partly met" }\n')
    assert [c for c, _, _ in found] == ["R030"]


def test_a_test_naming_no_criterion_still_reports_its_other_mistakes():
    """An unknown `criterion` line hid every other mistake of the test until it was fixed; what
    needs the criterion (`expect score` with no name) is not reported as well."""
    found = codes('test "t" { criterion B9  given answers B2.1: Yes x2, no  expect score 50%\n'
                  '  expect criterion B2 grade "Well met" }\n')
    assert [(c, text) for c, _, text in found] == [
        ("R030", "there is no criterion called `B9`"),
        ("R033", "`Yes` is not a value of the scale `answer`"),
        ("R080", "criterion B2 is not graded, so a test cannot expect a grade"),
    ]
