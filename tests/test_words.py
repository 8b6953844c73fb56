"""Figures and values in words: display rounding, exact texts, values as a ruleset writes them."""

from __future__ import annotations

from fractions import Fraction

import pytest
from builders import F
from hypothesis import given
from hypothesis import strategies as st

from esirules.evidence import conditions
from esirules.language import model as m
from esirules.words import (
    approx_percent,
    display_number,
    display_percent,
    fraction_text,
    number_text,
    percent_text,
    plural,
    round_percent,
    value_text,
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


def test_value_text_quotes_only_what_needs_it() -> None:
    assert value_text("strong") == "strong"
    assert value_text("very strong") == '"very strong"'
    assert value_text("n/a") == '"n/a"'
    assert value_text(F(5, 2)) == "2.5"
    assert value_text(F(1, 3)) == "1/3"
    assert value_text(True) == "yes"
    assert value_text(False) == "no"


def test_a_condition_writes_its_values_as_messages_and_explanations_do() -> None:
    """One value-to-text function: a half is `0.5` in a condition's text, as in a ruleset."""
    half = m.Comparison("score", ">=", F(1, 2))
    assert conditions.describe(half) == "score >= 0.5"
    either = m.Membership("order_type", ("n/a", "cro", F(3)))
    assert conditions.describe(either) == 'order_type in {"n/a", cro, 3}'


def test_approx_percent_and_plural() -> None:
    assert approx_percent(F(1, 3)) == "33.33%"
    assert approx_percent(F(1, 8)) == "12.50%"  # 12.5 exactly
    # Hertfordshire's September B (tests/test_golden.py: 87%) is 87.4996...%: not "87.50%", which
    # a reader checking by hand would round up, where the sheet rounds it down
    assert approx_percent(F(874996, 10**6), WHOLE_UP) == "87.4996%"
    assert approx_percent(F(7, 8), WHOLE_UP) == "87.50%" and approx_percent(F(874996, 10**6)) == "87.50%"
    assert approx_percent(F(239479, 10**6), WHOLE_UP) == "23.95%"  # (rounds to 24% either way)


@given(st.fractions(min_value=0, max_value=1), st.sampled_from([0, 1]), st.sampled_from(["up", "down", "even"]))
def test_an_approximate_percentage_rounds_as_its_figure_is_shown(value: Fraction, places: int, ties: str) -> None:
    rounding = m.Rounding(places, ties)
    text = approx_percent(value, rounding).removesuffix("%")
    if len(text.split(".")[1]) < 6:  # (six decimals at most: a closer call is left to the exact fraction)
        assert round_percent(Fraction(text) / 100, rounding) == round_percent(value, rounding)
    assert plural(1, "case") == "1 case"
    assert plural(2, "case") == "2 cases"
    assert plural(0, "query", "queries") == "0 queries"


def test_plural_counts_whole_numbers_fractions_and_irregular_words() -> None:
    assert plural(1, "case") == "1 case" and plural(0, "case") == "0 cases" and plural(2, "case") == "2 cases"
    assert plural(1, "criterion", "criteria") == "1 criterion" and plural(3, "criterion", "criteria") == "3 criteria"
    assert plural(F(1), "point") == "1 point" and plural(F(5, 2), "point") == "2.5 points"
