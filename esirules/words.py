"""Figures and values in words: exact Fractions and ruleset values in, the text every output shows out.

The one place numbers are rounded and written, shared by every stage: the result tree's
`display` strings (rounded once, as the ruleset declares), messages that quote a value from a
ruleset, and the renderers. It sits below the language so that every stage can use it; a
`Rounding` here is anything with `places` and `ties` (the model's `Rounding` is one).
"""

from __future__ import annotations

import datetime
import re
from fractions import Fraction
from typing import Protocol

_HALF = Fraction(1, 2)
_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*|-?[0-9]+(\.[0-9]+)?")


class Rounding(Protocol):
    """How a figure is shown: `places` decimals, halves going `up`, `down` or to `even`."""

    @property
    def places(self) -> int: ...

    @property
    def ties(self) -> str: ...


class _Places:
    """A rounding to a fixed number of places with halves to even, for figures shown to check by hand."""

    def __init__(self, places: int):
        self.places, self.ties = places, "even"



# ---------------------------------------------------------------------------------------------
# Rounded figures: what a person reads


def round_percent(value: Fraction, rounding: Rounding) -> Fraction:
    """The percentage value × 100, rounded to `rounding.places` decimals by its tie rule."""
    return _round(value * 100, rounding)


def display_percent(value: Fraction, rounding: Rounding) -> str:
    """A proportion shown as a percentage: Fraction(1, 3) → "33%" (exact, no floats)."""
    return _decimal_text(round_percent(value, rounding), rounding.places) + "%"


def display_number(value: Fraction, rounding: Rounding) -> str:
    """A plain figure (a points total, days of sickness) rounded to `rounding.places` decimals."""
    return _decimal_text(_round(value, rounding), rounding.places)


def round_number(value: Fraction, rounding: Rounding) -> Fraction:
    """A plain figure (a mean) rounded to `rounding.places` decimals by its tie rule, exactly."""
    return _round(value, rounding)


def approx_percent(value: Fraction, shown_as: Rounding | None = None) -> str:
    """A proportion to two decimals, for checking by hand: 1/3 → "33.33%". Given the rounding
    it is then `shown_as`, with as many more decimals (up to six) as keep the two from rounding
    apart: 87.4996% is "87.4996%", not "87.50%", which a reader would round up to 88%, though
    it is shown as 87%."""
    places = 2
    while True:
        rounded = round_percent(value, _Places(places))
        if shown_as is None or places == _MOST_PLACES or (
            round_percent(rounded / 100, shown_as) == round_percent(value, shown_as)
        ):
            return _decimal_text(rounded, places) + "%"
        places += 1


_MOST_PLACES = 6


# Why a sum of percentages shown to two places may differ from the total shown in its last place.
TO_TWO_PLACES = "each percentage above is its exact fraction to two places, so a sum of them may differ in the last place"


def exact_percent_text(value: Fraction | None, shown_as: Rounding | None = None) -> str:
    """A figure exactly and to check by hand: `51/101 = 50.495%` (see `approx_percent` for
    `shown_as`); a whole number above 1 as it is, and `—` for none."""
    if value is None:
        return "—"
    shown = fraction_text(value)
    return f"{shown} = {approx_percent(value, shown_as)}" if value.denominator != 1 or value <= 1 else shown


def rounding_text(rounding: Rounding, *, percent: bool = True) -> str:
    """A rounding as a ruleset writes it: `whole percent, halves up`, `1 decimal place, halves
    even`; `0 decimal places, halves up` for a figure that is not a percentage (a mean)."""
    places = "whole percent" if percent and rounding.places == 0 else plural(rounding.places, "decimal place")
    return f"{places}, halves {rounding.ties}"


def _round(value: Fraction, rounding: Rounding) -> Fraction:
    scale = 10**rounding.places
    scaled = value * scale
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    if rest > _HALF or (rest == _HALF and _tie_goes_up(floor, rounding)):
        floor += 1
    return Fraction(floor, scale)


def _tie_goes_up(floor: int, rounding: Rounding) -> bool:
    if rounding.ties == "up":
        return True
    if rounding.ties == "down":
        return False
    return floor % 2 == 1  # halves to even


def _decimal_text(value: Fraction, places: int) -> str:
    units = value * 10**places
    assert units.denominator == 1, "round before formatting"
    sign = "-" if units < 0 else ""
    digits = str(abs(units.numerator)).rjust(places + 1, "0")
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


# ---------------------------------------------------------------------------------------------
# Exact figures: what a ruleset writes, and what JSON carries


def fraction_text(value: Fraction) -> str:
    """Exact text for JSON: "33/100", or "3" for a whole number."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def number_text(value: Fraction) -> str:
    """A number as a person writes it: 4, 2.5, or 1/3 when no decimal is exact."""
    if value.denominator == 1:
        return str(value.numerator)
    denominator, places = value.denominator, 0
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return fraction_text(value)
    while (value * 10**places).denominator != 1:
        places += 1
    return _decimal_text(value, places)


def percent_text(value: Fraction) -> str:
    """A proportion written as an exact percentage: Fraction(11, 10) → "110%"."""
    return number_text(value * 100) + "%"


def value_text(value: str | Fraction | bool) -> str:
    """A ruleset value as written in a ruleset: bare when it is one word or a number, quoted otherwise.

    `strong`, `"very strong"`, `"n/a"`, `2.5` (a Fraction), `yes` (True).
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction):
        return number_text(value)
    return value if _BARE.fullmatch(value) else f'"{value}"'


def plural(count: int | Fraction, word: str, words: str | None = None) -> str:
    """`1 case`, `2 cases`, `2.5 points` (`words` for an irregular plural: `1 criterion`, `2 criteria`).

    The one way every output writes a count with its noun.
    """
    shown = number_text(count) if isinstance(count, Fraction) else str(count)
    return f"{shown} {word if count == 1 else words or word + 's'}"


MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def display_date(day: datetime.date) -> str:
    """`14 May 2019`: a date as every output writes it (the same in any locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
