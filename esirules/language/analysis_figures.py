"""Analyse bands over a total or mean of grades: the checked ruleset and one set of bands in, every figure its members can give out.

Issue 11, point 1. A `grade: sum of criteria banded by B` (or `mean of ...`) reads `total`,
`rated`, `possible` and `mean`, which move together, so its bands are not tried stretch by
stretch of one figure: instead every grade each member can have (or none: a member without a
grade drops out) is tried, members on one ladder being interchangeable, and each set of figures
is decided by `semantics.band_outcomes`, as scoring decides it. What the analysis then says
(W006, W007, W008) is about figures the members can really give. When the members are too many
to try, or a member's ladder cannot be told, nothing is tried and nothing is said. A
`grade: points P of criteria, banded by B` is tried on every total its members' points can make
(`points_reach`).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from fractions import Fraction

from esirules.language import model as m
from esirules.language import semantics
from esirules.language.analysis_bands import BandsFindings, Point
from esirules.language.analysis_structure import ladder_of
from esirules.language.context import CheckContext
from esirules.words import number_text, round_number

MOST_TRIED = 20_000  # sets of figures: beyond this, the bands are not analysed


def figure_findings(ruleset: m.Ruleset, bands: m.Bands) -> BandsFindings | None:
    """Every set of figures the aggregates banded by `bands` can meet, decided; None when some
    aggregate's members cannot all be tried."""
    points: dict[tuple[tuple[str, Fraction], ...], Point] = {}
    for aggregate, members in _aggregates(ruleset, bands):
        ladders: Counter[str] = Counter()
        for ladder in members:
            if ladder is None:
                return None
            ladders[ladder] += 1
        found = _figures(ruleset, ladders, aggregate.means)
        if found is None:
            return None
        for figures in found:
            key = tuple(sorted(figures.items()))
            rest = (figures["rated"], figures["possible"], figures.get("mean"))
            points.setdefault(key, Point("figures", key, figures["total"], rest, axis_name="total"))
    if not points:
        return None
    tried = tuple(points.values())
    fits, chosen = [], []
    for point in tried:
        outcomes = semantics.band_outcomes(bands, dict(point.figures), ruleset.rounding)
        fit = tuple(ok for _, ok in outcomes)
        fits.append(fit)
        chosen.append(semantics.chosen_band(fit))
    return BandsFindings(tried, tuple(fits), tuple(chosen))


def _aggregates(ruleset: m.Ruleset, bands: m.Bands) -> list[tuple[m.Aggregate, list[str | None]]]:
    """Each sum or mean banded by `bands`, with the ladder of each of its members."""
    criteria = {c.id: c for c in ruleset.criteria()}
    sections = {s.id: s for s in ruleset.sections}
    found = []
    blocks: list[tuple[m.Aggregate | None, list[str]]] = [
        (s.grade, [c.id for c in s.criteria]) for s in ruleset.sections
    ]
    if ruleset.overall is not None:
        blocks.append((ruleset.overall.grade, list(sections)))
    for grade, own in blocks:
        if grade is None or grade.kind not in ("sum_banded", "mean_banded") or grade.using != bands.name:
            continue
        ids = list(grade.members) or own
        ladders = [ladder_of(ruleset, criteria.get(i), sections.get(i), criteria) for i in ids]
        found.append((grade, ladders))
    return found


def _figures(
    ruleset: m.Ruleset, ladders: Counter[str], means: m.Rounding | None
) -> list[dict[str, Fraction]] | None:
    """Every set of figures: for each ladder, how many of its members are graded and at what
    numbers (as a multiset: members on one ladder are interchangeable)."""
    per_ladder = []
    count = 1
    for name, members in ladders.items():
        scale = ruleset.scale(name)
        if not scale.numbers:
            return None
        choices = [c for size in range(members + 1) for c in itertools.combinations_with_replacement(scale.numbers, size)]
        count *= len(choices)
        if count > MOST_TRIED:
            return None
        per_ladder.append([(c, scale.largest or Fraction(0)) for c in choices])
    out = []
    for combination in itertools.product(*per_ladder):
        numbers = [n for chosen, _ in combination for n in chosen]
        total = sum(numbers, Fraction(0))
        rated = len(numbers)
        figures = {
            "total": total,
            "rated": Fraction(rated),
            "possible": sum((largest * len(chosen) for chosen, largest in combination), Fraction(0)),
        }
        if rated:
            mean = total / rated
            figures["mean"] = mean if means is None else round_number(mean, means)
            figures["largest"] = max(largest for chosen, largest in combination if chosen)
        out.append(figures)
    return out


def points_reach(ctx: CheckContext, ruleset: m.Ruleset) -> None:
    """W006 where a section's (or the overall's) points cannot reach a band: `grade: points P of
    criteria, banded by B`, with B written for a whole inspection's total (12 standards) and used
    for a domain of 3, never gives the domain's top grades, and check said nothing."""
    blocks: list[tuple[str, m.Aggregate | None, int, str]] = [
        (f"section {s.id}", s.grade, len(s.grade.members or s.criteria) if s.grade else 0, "criteria")
        for s in ruleset.sections
    ]
    if ruleset.overall is not None and ruleset.overall.grade is not None:
        overall = ruleset.overall.grade
        blocks.append(("the overall", overall, len(overall.members or ruleset.sections), "sections"))
    for where, grade, members, kind in blocks:
        if grade is None or grade.kind != "points_total" or grade.using is None or grade.bands is None:
            continue
        numbers = sorted({n for _, n in ruleset.points_table(grade.using).points})
        if not numbers or math.comb(members + len(numbers), len(numbers)) > MOST_TRIED:
            continue
        totals = {sum(c, Fraction(0)) for size in range(members + 1)
                  for c in itertools.combinations_with_replacement(numbers, size)}
        bands = ruleset.band_set(grade.bands)
        chosen = {semantics.chosen_band([ok for _, ok in semantics.band_outcomes(bands, {"total": t}, ruleset.rounding)])
                  for t in totals}
        most = max(numbers) * members
        for number, row in enumerate(bands.bands):
            if number in chosen or row.otherwise:
                continue
            ctx.warn(
                "W006",
                f"the band `{row.value}` of `{bands.name}` can never be chosen for {where}: its {members} {kind} "
                f"give a total of at most {number_text(most)} ({members} × {number_text(max(numbers))}, the most "
                f"`{grade.using}` gives)",
                grade.span,
                f"give {where} bands of its own, for totals up to {number_text(most)}",
            )
