"""A grade carried forward from an earlier inspection in words (issue 11, point 6): the result's record in, the sentences every explanation format shows out.

One wording for text, Markdown, HTML and the headline, so a carried-forward grade is never
shown as computed: it is always "carried forward, not computed", with where it comes from.
"""

from __future__ import annotations

from esirules.scoring.carried import source_words
from esirules.scoring.result import CarriedForwardResult
from esirules.words import display_date

CARRIED = "carried forward, not computed"


def carried_source(carried: CarriedForwardResult) -> str:
    """`from inspection INS-2019-114 of 14 May 2019, reference https://…`."""
    out = f"from {source_words(carried)}"
    return out if carried.reference is None else f"{out}, reference {carried.reference}"


def carried_allowed(carried: CarriedForwardResult) -> str:
    """`the ruleset lets it carry forward for 36 months, up to 14 May 2022`."""
    out = f"the ruleset lets it carry forward for {carried.allowed}"
    return out if carried.until is None else f"{out}, up to {display_date(carried.until)}"


def carried_cell(carried: CarriedForwardResult) -> str:
    """`Good (carried forward from INS-2019-114, 14 May 2019)`: a grade kept from an earlier inspection, on the sheet."""
    source = f" from {carried.inspection}" if carried.inspection else ""
    when = "" if carried.date is None else f", {display_date(carried.date)}"
    return f"{carried.grade} (carried forward{source}{when})"


def carried_term(carried: CarriedForwardResult) -> str:
    """` (carried forward from INS-2019-114)`: after a member's grade in an aggregate."""
    return f" (carried forward from {carried.inspection})" if carried.inspection else " (carried forward)"
