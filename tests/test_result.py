"""The result tree: exact display rounding, exact JSON values, case order."""

from __future__ import annotations

from fractions import Fraction

import pytest
from builders import (
    F,
    cases,
    descriptive,
    evidence,
    grading,
    items,
    mean_of,
    numerical,
    question,
    ruleset,
    section,
)
from hypothesis import given
from hypothesis import strategies as st

from esirules.evidence.cases import Adjustment
from esirules.evidence.natural import natural_key
from esirules.language import model as m
from esirules.scoring.compile import compile_ruleset
from esirules.scoring.evaluate import score
from esirules.scoring.result import (
    CaseGroup,
    QuestionResult,
    display_number,
    display_percent,
    fraction_text,
    number_text,
    percent_text,
)

WHOLE_UP = m.Rounding(0, "up")


@pytest.mark.parametrize(
    ("value", "places", "ties", "shown"),
    [
        (F(1, 3), 0, "up", "33%"),
        (F(2, 3), 0, "up", "67%"),
        (F(1, 200), 0, "up", "1%"),  # 0.5% -> halves up
        (F(1, 200), 0, "down", "0%"),
        (F(1, 200), 0, "even", "0%"),
        (F(3, 200), 0, "even", "2%"),  # 1.5% -> to even
        (F(5, 200), 0, "even", "2%"),  # 2.5% -> to even
        (F(1, 3), 1, "up", "33.3%"),
        (F(1, 2000), 1, "up", "0.1%"),  # 0.05%
        (F(1, 2000), 1, "down", "0.0%"),
        (F(1), 0, "up", "100%"),
        (F(0), 2, "up", "0.00%"),
        (F(-1, 200), 0, "up", "0%"),  # -0.5% rounds up, towards zero here
        (F(-3, 200), 0, "down", "-2%"),
    ],
)
def test_display_percent(value: Fraction, places: int, ties: str, shown: str) -> None:
    assert display_percent(value, m.Rounding(places, ties)) == shown  # type: ignore[arg-type]


@given(st.fractions(min_value=0, max_value=2), st.integers(min_value=0, max_value=3))
def test_display_percent_is_within_half_a_unit(value: Fraction, places: int) -> None:
    shown = display_percent(value, m.Rounding(places, "even"))
    assert abs(Fraction(shown.rstrip("%")) - value * 100) <= Fraction(1, 2 * 10**places)


def test_other_number_texts() -> None:
    assert display_number(F(17, 2), WHOLE_UP) == "9"
    assert display_number(F(17, 2), m.Rounding(2, "up")) == "8.50"
    assert fraction_text(F(33, 100)) == "33/100"
    assert fraction_text(F(6, 2)) == "3"
    assert number_text(F(7, 2)) == "3.5"
    assert number_text(F(1, 3)) == "1/3"
    assert percent_text(F(11, 10)) == "110%"
    assert percent_text(F(3, 4)) == "75%"


def test_natural_order_of_case_ids() -> None:
    assert sorted(["c10", "c2", "b1", "c1"], key=natural_key) == ["b1", "c1", "c2", "c10"]


def test_not_applicable_reasons_per_case() -> None:
    result = QuestionResult(
        "Q",
        "q",
        F(1),
        None,
        0,
        0,
        (),
        (),
        (CaseGroup("not answered", ("a", "b")), CaseGroup("answered not applicable", ("c",))),
        None,
        "not computable",
    )
    assert result.not_applicable_reasons() == {
        "a": "not answered",
        "b": "not answered",
        "c": "answered not applicable",
    }


def test_column_to_json() -> None:
    # B1: 1 of 3 cases met -> 1/3, shown 33%. A1: one item rated strong -> "Well met" (by the
    # report's ladder), adjusted to "Partly met".
    rules = ruleset(
        [
            section("A", [descriptive("A1", items("A1", 1), allows_adjustment=True)]),
            section("B", [numerical("B1", [question("B1.1")])], weight=F(3, 10), score=mean_of()),
        ],
        gradings=[grading()],
        overall=m.Overall("Overall", score=mean_of(kind="sections")),
    )
    data = evidence(
        cases(["c1", "c2", "c3"], {"B1.1": ["yes", "no", "no"]}),
        ratings={"A1.1": "strong"},
        adjustments=[Adjustment("A1", "Partly met", "Lead inspector", "new manager")],
    )
    out = score(compile_ruleset(rules), data, label="original").to_json()
    assert out == {
        "label": "original",
        "ruleset": {"name": "test", "version": "1", "hash": "hash-test", "path": "test.esi"},
        "evidence": {"path": "evidence.yaml", "hash": "hash-of-evidence.yaml"},
        "sample": None,
        "rounding": {"places": 0, "ties": "up"},
        "criteria": {
            "A1": {
                "title": "criterion A1",
                "kind": "descriptive",
                "section": "A",
                "weight": "1",
                "weight_class": None,
                "value": None,
                "display": "Partly met",
                "grade": "Partly met",
                "computed_grade": "Well met",
                "adjustment": {
                    "grade": "Partly met",
                    "by": "Lead inspector",
                    "reason": "new manager",
                    "applied": True,
                },
            },
            "B1": {
                "title": "criterion B1",
                "kind": "numerical",
                "section": "B",
                "weight": "1",
                "weight_class": None,
                "value": "1/3",
                "display": "33%",
            },
        },
        "sections": {
            "A": {
                "title": "section A",
                "value": None,
                "display": "not computable",
                "reason": "no score or grade of its own; its criteria are graded one by one",
                "weight": None,
            },
            "B": {"title": "section B", "value": "1/3", "display": "33%", "weight": "3/10"},
        },
        "overall": {"title": "Overall", "value": "1/3", "display": "33%"},
    }
