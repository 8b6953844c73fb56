"""Running the tests written in rulesets: the cases a test's answers make, how expectations are
compared, and what coverage counts. Expected figures are worked out by hand in each test."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from conftest import check_source

from esirules.authoring.coverage import coverage
from esirules.authoring.testing import run_tests
from esirules.authoring.testing_cases import evidence_of
from esirules.evidence.cases import MISSING, NOT_APPLICABLE, UNANSWERED
from esirules.language import model as m
from esirules.scoring.compile import compile_ruleset

HEAD = """\
ruleset "t" version "1"
scale answer: yes > partly > no, not applicable "n/a"
scale performance: strong > good > satisfactory > weak
ladder grade: "Well met" > "Partly met" > "Not met"
answers on answer, met when yes
attribute risk_of_harm: ordered low < medium < high
attribute order_type: cro, cpo, licence
attribute age: number from 16 to 99
class critical weight 2
"""


def checked(text: str) -> m.Ruleset:
    result = check_source(HEAD + text)
    assert [d for d in result.diagnostics if d.severity == "error"] == [], result.diagnostics
    assert result.ruleset is not None
    return result.ruleset


def run(text: str):  # type: ignore[no-untyped-def]
    result = check_source(HEAD + text)
    assert result.ruleset is not None, result.diagnostics
    return run_tests(result.ruleset, result.sources)


def verdicts(text: str) -> list[tuple[str, bool, str]]:
    """(expected as written, passed, found as shown) of every expectation of every test."""
    return [(e.expectation.written, e.passed, e.found.shown) for r in run(text).results for e in r.expectations]


# --- the cases a test's answers make ---------------------------------------------------------

CONDITIONS = """\
section B "b" {
  criterion B1 "c" {
    question B1.all "every case"
    question B1.high "high risk" applies when risk_of_harm >= high
    question B1.low "low risk" applies when risk_of_harm = low
    question B1.young "young" applies when age < 21
    question B1.orders "orders" applies when order_type in {cpo, licence}
  }
}
exclude cases where order_type = cpo
"""


def cases_of(body: str):  # type: ignore[no-untyped-def]
    ruleset = checked(CONDITIONS + f'test "t" {{ {body} expect criterion B1 score 0/1 }}\n')
    return evidence_of(compile_ruleset(ruleset), ruleset.tests[0]).cases


def test_answers_of_different_questions_share_cases_in_the_order_written():
    cases = cases_of('given answers B1.all: yes x2, no  given answers B1.high: no, "n/a"')
    assert cases.ids == ("c1", "c2", "c3")
    assert cases.answers["B1.all"].tolist() == [0, 0, 2]
    assert cases.answers["B1.high"].tolist() == [2, NOT_APPLICABLE, UNANSWERED]
    # The cases answering B1.high have a risk of harm it applies to; the third is not recorded.
    assert cases.attributes["risk_of_harm"].tolist() == [2, 2, MISSING]


def test_answers_whose_questions_cannot_apply_together_go_to_other_cases():
    cases = cases_of("given answers B1.high: yes x2  given answers B1.low: no x2")
    assert len(cases) == 4
    assert cases.answers["B1.high"].tolist() == [0, 0, UNANSWERED, UNANSWERED]
    assert cases.answers["B1.low"].tolist() == [UNANSWERED, UNANSWERED, 2, 2]
    assert cases.attributes["risk_of_harm"].tolist() == [2, 2, 0, 0]


def test_a_number_and_an_exclusion_are_respected():
    cases = cases_of("given answers B1.young: yes  given answers B1.orders: yes")
    assert len(cases) == 1
    assert cases.attributes["age"][0] < 21
    # cpo is excluded by the ruleset, so the case is a licence.
    assert cases.attributes["order_type"].tolist() == [2]


def test_every_answer_given_counts_whatever_the_conditions():
    results = run(CONDITIONS + 'test "t" { given answers B1.all: yes x3, no  given answers B1.high: no x2 '
                  'given answers B1.low: yes x2  given answers B1.young: yes  given answers B1.orders: no '
                  "expect criterion B1 score 6/10 }\n").results
    (result,) = results
    assert result.passed, result.expectations
    assert result.column is not None
    assert [(q.id, q.met, q.applicable) for q in result.column.criteria["B1"].questions] == [
        ("B1.all", 3, 4), ("B1.high", 0, 2), ("B1.low", 2, 2), ("B1.young", 1, 1), ("B1.orders", 0, 1)
    ]


def test_a_question_no_kept_case_can_answer_stops_the_test_with_its_condition():
    text = CONDITIONS.replace("exclude cases where order_type = cpo", "exclude cases where order_type != cro")
    (result,) = run(text + 'test "t" { given answers B1.orders: yes  expect criterion B1 score 100% }\n').results
    assert not result.passed and result.expectations == ()
    assert result.problem is not None
    assert result.problem.words.startswith("question B1.orders cannot apply to any case the ruleset keeps")
    assert result.problem.span.line == HEAD.count("\n") + 7  # its `applies when`


# --- comparing ---------------------------------------------------------------------------------

SECTION = """\
bands quality on grade { "Well met" when score at least 70%  "Partly met" when score at least 50%  "Not met" otherwise }
section B "b" weight 100% {
  criterion B1 "c" critical { graded by quality question B1.1 "q" }
  criterion B4 "d" { question B4.1 "q" }
  score: weighted mean of criteria
}
overall "o" { score: weighted mean of sections B  grade: score banded by quality }
"""
# B1: 3 of 4 = 3/4; B4: 7 of 10 = 7/10; section B and the overall: (2 × 3/4 + 7/10) ÷ 3 = 11/15 = 73.33%.
GIVEN = "given answers B1.1: yes x3, no  given answers B4.1: yes x7, no x3"


@pytest.mark.parametrize(
    ("expect", "passed", "shown"),
    [
        ("expect section B score 73%", True, "73%"),
        ("expect section B score 73.3%", True, "73.3%"),
        ("expect section B score 73.33%", True, "73.33%"),
        ("expect section B score 73.4%", False, "73.3%"),
        ("expect section B score 11/15", True, "73%"),
        ("expect section B score 73/100", False, "73%"),
        ("expect overall score 11/15", True, "73%"),
        ('expect overall grade "Well met"', True, "Well met"),
        ('expect criterion B1 grade "Well met"', True, "Well met"),
        ('expect criterion B1 grade "Partly met"', False, "Well met"),
        ("expect criterion B4 score 70%", True, "70%"),
        ("expect criterion B4 score 7/10", True, "70%"),
    ],
)
def test_a_percentage_is_compared_as_written_and_a_fraction_exactly(expect, passed, shown):
    ((written, verdict, found),) = verdicts(SECTION + f'test "t" {{ {GIVEN}  {expect} }}\n')
    assert expect.endswith(written) or expect.endswith(f'"{written}"')
    assert (verdict, found) == (passed, shown)


def test_halves_are_rounded_as_the_ruleset_rounds_them():
    # 29 of 40 is exactly 72.5%: 72% with halves even, 73% with halves up.
    body = 'section B "b" { criterion B1 "c" { question B1.1 "q" } }\n'
    test = 'test "t" { given answers B1.1: yes x29, no x11  expect criterion B1 score 73% }\n'
    assert verdicts(body + test) == [("73%", True, "73%")]
    assert verdicts("rounding: whole percent, halves even\n" + body + test) == [("73%", False, "72%")]


def test_bands_are_given_a_score_a_total_or_a_measure_in_its_better_direction():
    text = """\
measure sickness "Sickness absence" in days, lower is better
bands targets on performance { strong when actual at least target and actual at least national average
  good when actual at least target  weak otherwise }
bands totals on grade { "Well met" when total at least 10  "Not met" otherwise }
bands quality on grade { "Well met" when score at least 70%  "Not met" otherwise }
test "t" {
  given measure sickness: actual 9.5, target 10, national average 9
  expect bands targets for measure sickness gives good
  expect bands totals for total 10 gives "Well met"
  expect bands quality for score 69.9% gives "Not met"
}
"""
    # 9.5 days is better than the target of 10 but worse than the average of 9: good.
    assert verdicts(text) == [("good", True, "good"), ("Well met", True, "Well met"), ("Not met", True, "Not met")]


def test_a_failed_expectation_is_explained_and_a_passed_one_is_not():
    (result,) = run(SECTION + f'test "t" {{ {GIVEN}  expect criterion B4 score 7/10  expect section B score 80% }}\n'
                    ).results
    passed, failed = result.expectations
    assert passed.explanation is None
    assert failed.explanation is not None and failed.explanation.target.id == "B"
    assert failed.found.value == Fraction(11, 15) and failed.found.exact == "11/15"


# --- coverage ------------------------------------------------------------------------------------

GRADED = """\
grading g { items rated on performance  grades from grade
  "Well met" when at least strong on each item
  "Partly met" when at least good on some items
  "Not met" otherwise
  no better than "Not met" when weak on some items }
section A "a" { criterion A1 "c" { graded by g  item A1.a "x"  item A1.b "y" } }
section B "b" { criterion B1 "d" { question B1.1 "q"  question B1.2 "r" } }
"""


def covered(tests: str) -> dict[str, bool]:
    result = check_source(HEAD + GRADED + tests)
    assert result.ruleset is not None, result.diagnostics
    found = coverage(run_tests(result.ruleset, result.sources))
    return {f"{e.kind} {e.name}": e.exercised for e in found.elements}


def test_a_rule_is_exercised_when_it_gives_the_grade_not_when_it_is_only_tried():
    exercised = covered('test "t" { given ratings A1.a good, A1.b satisfactory  expect criterion A1 grade "Partly met" }\n')
    assert exercised["grading rule Well met"] is False  # tried, did not hold
    assert exercised["grading rule Partly met"] is True
    assert exercised["grading rule Not met"] is False
    assert exercised["cap Not met"] is False
    assert exercised["item A1.a"] and exercised["item A1.b"]


def test_a_cap_is_exercised_when_it_lowers_the_grade():
    # Strong and weak: the rule gives Partly met (some items are good or better), the cap lowers it.
    lowered = covered('test "t" { given ratings A1.a strong, A1.b weak  expect criterion A1 grade "Not met" }\n')
    assert lowered["grading rule Partly met"] is True and lowered["cap Not met"] is True
    assert lowered["grading rule Not met"] is False  # the grade is Not met, but no rule gave it
    well = covered('test "t" { given ratings A1.a strong, A1.b strong  expect criterion A1 grade "Well met" }\n')
    assert well["grading rule Well met"] is True and well["cap Not met"] is False


def test_only_what_an_expectation_reads_is_exercised():
    # B1 is answered, but only A1 is expected: B1's questions are not exercised.
    exercised = covered(
        'test "t" { given ratings A1.a weak, A1.b weak  given answers B1.1: yes  given answers B1.2: "n/a"\n'
        '  expect criterion A1 grade "Not met" }\n'
    )
    assert exercised["question B1.1"] is False
    exercised = covered('test "t" { given answers B1.1: yes  given answers B1.2: "n/a"  expect criterion B1 score 100% }\n')
    assert exercised["question B1.1"] is True
    assert exercised["question B1.2"] is False  # answered not applicable: it counted nothing


def test_a_derived_ruleset_counts_only_what_it_writes(tmp_path):
    from esirules.language.check import check_file

    (tmp_path / "base.esi").write_text(HEAD + GRADED, encoding="utf-8")
    (tmp_path / "child.esi").write_text(
        'ruleset "child" version "2"\nextends "base.esi"\n'
        'replace criterion B1 "d" { question B1.1 "q"  question B1.3 "new" }\n'
        'test "t" { given answers B1.3: yes  expect criterion B1 score 100% }\n',
        encoding="utf-8",
    )
    result = check_file(str(tmp_path / "child.esi"))
    assert result.ruleset is not None, result.diagnostics
    found = coverage(run_tests(result.ruleset, result.sources))
    assert [(e.name, e.exercised) for e in found.elements] == [("B1.1", False), ("B1.3", True)]
    assert found.inherited == 4 + 2  # the grading's three rules and cap, A1's two items
    assert found.percent == 50


def test_the_answers_of_a_test_are_columns_of_codes():
    cases = cases_of("given answers B1.all: partly")
    assert cases.answers["B1.all"].dtype == np.int16
    assert cases.samples.tolist() == [None]
