"""Analyse a set of bands over every stretch of the figures it reads: the checked ruleset in, findings and diagnostics out.

A band's tests compare figures with fixed numbers (and `actual` with the target and the national
average), so the figures fall into stretches between those numbers, and every figure of a
stretch fits the same bands. The analysis tries one figure at every number named (and, for
`ties: rounded`, at every point where rounding crosses one), one between each two, one below
the lowest and one above the highest, with the actual figure better than, equal to and worse
than the target and the national average; each is decided by `semantics.band_outcomes`, as
scoring decides it. It finds a band that is never chosen (W006), two bands that overlap
(W007), and figures no band fits (W008).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from fractions import Fraction
from functools import lru_cache
from typing import Literal

import attrs

from esirules.language import model as m
from esirules.language import semantics
from esirules.language.context import CheckContext
from esirules.language.model_rules import figure_test_text
from esirules.words import number_text, percent_text, value_text

# "figures": the total, mean and count of rated members of a sum or mean (issue 11, point 1).
Use = Literal["score", "total", "measure", "figures"]
FIGURE_READS = frozenset({"mean", "rated"})
RELATION = {1: "better than", 0: "equal to", -1: "worse than"}


@attrs.frozen
class Point:
    """Figures to try: `axis` is the figure the bands mostly read, `rest` everything else."""

    use: Use
    figures: tuple[tuple[str, Fraction], ...]
    axis: Fraction | None
    rest: tuple[object, ...]
    lower_is_better: bool = False
    axis_name: str = "score"
    mark: bool = True  # the axis is a number a test names (not a figure between two)

    def figure(self, name: str) -> Fraction | None:
        return dict(self.figures).get(name)


@attrs.frozen(eq=False)
class BandsFindings:
    """Each point tried, the bands it fits and the band chosen for it."""

    points: tuple[Point, ...]
    fits: tuple[tuple[bool, ...], ...]
    chosen: tuple[int | None, ...]

    def values(self, bands: m.Bands, lower_is_better: bool | None = None) -> frozenset[str]:
        """The values the bands give (to a measure, if its better direction is given)."""
        return frozenset(
            bands.bands[c].value
            for p, c in zip(self.points, self.chosen)
            if c is not None and (lower_is_better is None or (p.use == "measure" and p.lower_is_better == lower_is_better))
        )


def uses(ruleset: m.Ruleset, bands: m.Bands) -> tuple[tuple[Use, bool], ...]:
    """What the bands rate, and for measures in which better direction: from where they are
    used, or (unused) from the figures their tests read."""
    found: set[tuple[Use, bool]] = set()
    measure_gradings = {g.name for g in ruleset.gradings if g.measure_bands == bands.name}
    for criterion in ruleset.criteria():
        if criterion.kind == "numerical" and criterion.grading == bands.name:
            found.add(("score", False))
        if criterion.kind == "descriptive" and criterion.grading in measure_gradings:
            for item in criterion.items:
                if item.measure is not None:
                    found.add(("measure", ruleset.measure(item.measure).lower_is_better))
    if measure_gradings and not any(u == "measure" for u, _ in found):
        found.add(("measure", False))
    aggregates = [a for s in ruleset.sections for a in (s.score, s.grade)]
    if ruleset.overall is not None:
        aggregates += [ruleset.overall.score, ruleset.overall.grade]
    for aggregate in aggregates:
        if aggregate is not None and aggregate.kind == "score_banded" and aggregate.using == bands.name:
            found.add(("score", False))
        if aggregate is not None and aggregate.kind == "points_total" and aggregate.bands == bands.name:
            found.add(("total", False))
        if aggregate is not None and aggregate.kind in ("sum_banded", "mean_banded") and aggregate.using == bands.name:
            found.add(("figures", False))
    if not found:
        read = {t.figure for b in bands.bands for t in b.tests}
        if read & FIGURE_READS or any(t.of_possible for b in bands.bands for t in b.tests):
            return (("figures", False),)
        if read & {"performance", "actual"}:
            found.add(("measure", False))
        if "score" in read:
            found.add(("score", False))
        if "total" in read:
            found.add(("total", False))
    return tuple(sorted(found))


@lru_cache(maxsize=64)
def findings(bands: m.Bands, rounding: m.Rounding, used: tuple[tuple[Use, bool], ...]) -> BandsFindings:
    points = tuple(p for use, lower in used for p in _points(bands, rounding, use, lower))
    fits, chosen = [], []
    for point in points:
        outcomes = semantics.band_outcomes(bands, dict(point.figures), rounding, point.lower_is_better)
        fit = tuple(ok for _, ok in outcomes)
        fits.append(fit)
        chosen.append(semantics.chosen_band(fit))
    return BandsFindings(points, tuple(fits), tuple(chosen))


# ---------------------------------------------------------------------------------------------
# The figures to try


def _points(bands: m.Bands, rounding: m.Rounding, use: Use, lower: bool) -> list[Point]:
    if use == "figures":
        # A total, a mean and a count of rated members move together (and `possible` with the
        # count), so single stretches of one figure would try figures no members can have: the
        # figures of a sum or mean are tried member by member (`analysis_figures`), not here.
        return []
    tests = [t for b in bands.bands for t in b.tests]
    if use in ("score", "total"):
        numbers = [t.operand for t in tests if t.figure == use and isinstance(t.operand, Fraction)]
        rounded = bands.ties == "rounded" and use == "score"
        high = Fraction(1) if use == "score" else None
        return [
            Point(use, ((use, x),), x, (), axis_name=use, mark=mark)
            for x, mark in _stretches(numbers, high, rounding if rounded else None)
        ]
    reads = {t.figure for t in tests}
    operands = {t.operand for t in tests if isinstance(t.operand, str)}
    by_performance = "performance" in reads
    performances = [t.operand for t in tests if t.figure == "performance" and isinstance(t.operand, Fraction)]
    actuals = [t.operand for t in tests if t.figure == "actual" and isinstance(t.operand, Fraction)]
    ties = rounding if bands.ties == "rounded" else None
    perf_values: list[tuple[Fraction | None, bool]] = (
        list(_stretches(performances, None, ties)) if by_performance else [(None, True)]
    )
    actual_values = _stretches(actuals, None, None) if actuals else [(Fraction(100), True)]
    axis_name = "performance" if by_performance else "actual figure"
    sides = (1, 0, -1)
    points = []
    for perf, perf_mark in perf_values:
        for actual, actual_mark in actual_values:
            for target_side in sides if ("target" in operands and not by_performance) else (None,):
                for average_side in sides if "national average" in operands else (None,):
                    figures = _measure(perf, actual, target_side, average_side, lower)
                    if figures is not None:
                        rest = (actual if perf is not None and actuals else None, target_side, average_side, lower)
                        axis = perf if perf is not None else actual if actuals else None
                        mark = perf_mark if perf is not None else actual_mark
                        points.append(Point("measure", figures, axis, rest, lower, axis_name, mark))
    return points


def _measure(
    perf: Fraction | None, actual: Fraction, target_side: int | None, average_side: int | None, lower: bool
) -> tuple[tuple[str, Fraction], ...] | None:
    """Target data that has this performance (or actual figure) and these sides of the target
    and the national average (1: actual better), as scoring would read them; None if there is none."""
    step = actual / 2 if actual > 0 else Fraction(1)
    if perf is not None:
        if lower:
            if actual == 0:
                return None
            target = perf * actual
        elif perf == 0:
            actual, target = Fraction(0), Fraction(100)
        elif actual == 0:
            return None
        else:
            target = actual / perf
    else:
        side = target_side or 0
        target = actual - side * step if not lower else actual + side * step
    if (target == 0 and not lower) or (actual == 0 and lower) or target < 0:
        return None
    performance = target / actual if lower else actual / target
    side = average_side or 0
    average = actual - side * step if not lower else actual + side * step
    if average < 0:
        return None
    return (("performance", performance), ("actual", actual), ("target", target), ("national average", average))


def _stretches(
    numbers: Iterable[Fraction], high: Fraction | None, rounding: m.Rounding | None
) -> list[tuple[Fraction, bool]]:
    """A figure at each number (and each point where rounding crosses one), one between each two,
    and one beyond the last (up to `high`); figures are never below 0."""
    marks = {Fraction(0)} | {n for n in numbers if n >= 0}
    if rounding is not None:
        half = Fraction(1, 2 * 10 ** (rounding.places + 2))
        marks |= {n + d for n in list(marks) for d in (-half, half) if n + d >= 0}
    if high is not None:
        marks = {n for n in marks if n <= high} | {high}
    ordered = sorted(marks)
    between = [(a + b) / 2 for a, b in itertools.pairwise(ordered)]
    beyond = [] if high is not None else [ordered[-1] + 1 if ordered[-1] < 1 else ordered[-1] * 2]
    return sorted([(n, True) for n in ordered] + [(n, False) for n in between + beyond])


# ---------------------------------------------------------------------------------------------
# Diagnostics


def _beyond_a_score(test: m.FigureTest) -> bool:
    """A test of a score that no score passes: a score is a share, from 0% to 100%."""
    bound = test.operand
    if test.figure != "score" or not isinstance(bound, Fraction):
        return False
    return {"at_least": bound > 1, "above": bound >= 1, "below": bound <= 0, "at_most": bound < 0,
            "is": not 0 <= bound <= 1}[test.comparison]


def report(ctx: CheckContext, bands: m.Bands, scale: m.Scale, found: BandsFindings) -> None:
    rows = bands.bands
    ever = {c for c in found.chosen if c is not None}
    for i, row in enumerate(rows):
        if i in ever:
            continue
        fitting = next((k for k, fit in enumerate(found.fits) if fit[i]), None)
        name = "the `otherwise` band" if row.otherwise else f"the band `{row.value}`"
        if fitting is None:
            beyond = next((t for t in row.tests if _beyond_a_score(t)), None)
            figures = bool(found.points) and all(p.use == "figures" for p in found.points)
            help_line = (f"a score lies between 0% and 100%, so `{figure_test_text(beyond)}` never holds: check the figure"
                         if beyond is not None
                         else "no total or mean the members it bands can give passes its tests: they are too few, or "
                              "their grades' numbers too small, to reach it" if figures
                         else "check its tests: they cannot all hold at once")
            ctx.warn("W006", f"{name} can never be chosen: no figure passes all its tests", row.span, help_line)
            continue
        taker = found.chosen[fitting]
        assert taker is not None
        if row.otherwise:
            message = f"{name} can never be chosen: the bands above it fit every figure"
            help_line = "remove it: every figure already gets a value from the bands above"
        else:
            message = (
                f"{name} can never be chosen: every figure it fits is taken first by the band "
                f"`{rows[taker].value}` at line {rows[taker].span.line}, for example {_words(found.points[fitting])}"
            )
            help_line = f"move it above line {rows[taker].span.line}, or remove it"
        ctx.warn("W006", message, row.span, help_line)
    _overlaps(ctx, bands, found, ever)
    _gaps(ctx, bands, scale, found)
    _worse_for_better(ctx, bands, scale, found)


def _overlaps(ctx: CheckContext, bands: m.Bands, found: BandsFindings, ever: set[int]) -> None:
    """Two bands overlap when some figures the first takes fit the second and some do not: the
    second reaches into the first's range, which ordering alone does not explain."""
    rows = bands.bands
    for j in sorted(ever):
        if rows[j].otherwise:
            continue
        for i in range(j):
            taken = [k for k, c in enumerate(found.chosen) if c == i]
            both = [k for k in taken if found.fits[k][j]]
            if both and len(both) < len(taken):
                example = _middle(found, both)
                ctx.warn(
                    "W007",
                    f"the bands `{rows[i].value}` (line {rows[i].span.line}) and `{rows[j].value}` "
                    f"(line {rows[j].span.line}) overlap: {_words(found.points[example])} fits both, and the "
                    f"first, `{rows[i].value}`, is chosen",
                    rows[j].span,
                    "make the bands meet without overlapping, or say in the first band what the second leaves to it",
                )
                break


def _gaps(ctx: CheckContext, bands: m.Bands, scale: m.Scale, found: BandsFindings) -> None:
    """W008 for each stretch of figures no band gives a value to, along the line of the first
    (one was said at a time: `at most 49%` and `at most 64%` left two gaps, the second found only
    once the first was mended)."""
    unfit = [k for k, c in enumerate(found.chosen) if c is None]
    if not unfit:
        return
    first = found.points[unfit[0]]
    along = set(_line(found, first)) if first.axis is not None else {unfit[0]}
    said: set[int] = set()
    for start in unfit:
        if start in said or start not in along:
            continue
        run = _run(found, start, lambda k: found.chosen[k] is None)
        said.update(run)
        everywhere = _everywhere(found, run)
        ctx.warn(
            "W008",
            f"the bands `{bands.name}` give no value to {_stretch_words(found, run, everywhere)}, for example "
            f"{_words(found.points[_middle(found, run)], everywhere)}",
            bands.span,
            "add a band for these figures, or end the bands with one such as "
            f"`{value_text(scale.values[-1])} otherwise`",
        )


def _worse_for_better(ctx: CheckContext, bands: m.Bands, scale: m.Scale, found: BandsFindings) -> None:
    """W005 for bands: a better figure given a worse value than a worse one, as where a band
    ends short of the next (`at least 50% and below 60%` before `at least 65%`) and the figures
    between fall through to `otherwise`: 62% Inadequate, 55% Requires improvement. Which way is
    better is told by the bands themselves (their values rise with the figure, or fall with it,
    as for grades numbered 1 = best and banded `total at most ...`): bands whose values go both
    ways along the figure are the mistake."""
    rows, seen = bands.bands, set()
    for start, point in enumerate(found.points):
        if point.axis is None or start in seen:
            continue
        line = _line(found, point)
        seen.update(line)
        given = [(k, c) for k in line if (c := found.chosen[k]) is not None]
        ranks = [scale.rank(rows[c].value) for _, c in given]
        if len(ranks) < 2 or ranks == sorted(ranks) or ranks == sorted(ranks, reverse=True):
            continue
        rising = ranks[-1] >= ranks[0]  # (the way the bands mostly go: better with more, or with less)
        best = 0
        for n in range(1, len(given)):
            if (ranks[n] < ranks[best]) if rising else (ranks[n] > ranks[best]):
                (worse, chosen), (better, kept) = given[n], given[best]
                ctx.warn(
                    "W005",
                    f"the bands `{bands.name}` give a better figure a worse value: {_words(found.points[worse])} gets "
                    f"`{rows[chosen].value}` (line {rows[chosen].span.line}), and {_words(found.points[better])} "
                    f"gets `{rows[kept].value}` (line {rows[kept].span.line})",
                    rows[chosen].span,
                    "a better figure should never get a worse value: make each band reach the next, so that no "
                    "figure between them falls through to a worse one",
                )
                return
            if (ranks[n] >= ranks[best]) if rising else (ranks[n] <= ranks[best]):
                best = n


def skipped_values(bands: m.Bands, scale: m.Scale, found: BandsFindings) -> tuple[str, ...]:
    """Values of the scale the bands never give, though they give a better and a worse one (for
    the summary, not a warning: bands often rate on part of a scale, as strong, satisfactory and
    weak of five ratings)."""
    given = {scale.rank(bands.bands[c].value) for c in found.chosen if c is not None}
    if not given:
        return ()
    return tuple(scale.value_at(r) for r in range(max(given) - 1, min(given), -1) if r not in given)


def _everywhere(found: BandsFindings, run: list[int]) -> bool:
    """Whether no band fits these figures of the main figure whatever the others are."""
    axes = {found.points[k].axis for k in run}
    use = found.points[run[0]].use
    return all(c is None for p, c in zip(found.points, found.chosen) if p.use == use and p.axis in axes)


def _run(found: BandsFindings, start: int, inside: Callable[[int], bool]) -> list[int]:
    """The points on `start`'s line next to it (and it) where `inside` holds, in order."""
    point = found.points[start]
    if point.axis is None:
        return [start]
    line = _line(found, point)
    at = line.index(start)
    low = at
    while low > 0 and inside(line[low - 1]):
        low -= 1
    high = at
    while high + 1 < len(line) and inside(line[high + 1]):
        high += 1
    return line[low : high + 1]


def _middle(found: BandsFindings, run: list[int]) -> int:
    return sorted(run, key=lambda k: found.points[k].axis or 0)[len(run) // 2]


def _stretch_words(found: BandsFindings, run: list[int], everywhere: bool = False) -> str:
    """The stretch of the main figure a run of neighbouring points covers: `a performance below 90%`."""
    point = found.points[run[0]]
    if point.axis is None:
        return _words(point)
    line = _line(found, point)
    first, last = line.index(run[0]), line.index(run[-1])
    if first == last and point.mark:
        return _words(point, everywhere)
    low, high = found.points[line[first]], found.points[line[last]]
    parts = []
    if first > 0:
        parts.append(f"at least {_shown(low, low.axis)}" if low.mark else f"above {_shown(low, found.points[line[first - 1]].axis)}")
    if last < len(line) - 1:
        parts.append(f"at most {_shown(high, high.axis)}" if high.mark else f"below {_shown(high, found.points[line[last + 1]].axis)}")
    where = " and ".join(parts) if parts else "of any size"
    rest = "" if everywhere else _rest_words(point)
    return f"{_article(point.axis_name)} {point.axis_name} {where}{rest}"


def _line(found: BandsFindings, point: Point) -> list[int]:
    """The points that differ from `point` in the main figure only, in its order."""
    return sorted(
        (k for k, p in enumerate(found.points) if p.use == point.use and p.rest == point.rest and p.axis is not None),
        key=lambda k: found.points[k].axis,  # type: ignore[arg-type,return-value]
    )


def _article(name: str) -> str:
    return "an" if name[0] in "aeiou" else "a"


def _shown(point: Point, value: Fraction | None) -> str:
    assert value is not None
    return percent_text(value) if point.axis_name in ("score", "performance") else number_text(value)


def describe(point: Point) -> str:
    """A point as figures, for summaries."""
    return _words(point)


def _words(point: Point, bare: bool = False) -> str:
    """A point as figures: `a score of 55%`, `a performance of 95% (actual equal to the national
    average)`; `bare` leaves out everything but the main figure."""
    rest = "" if bare else _rest_words(point)
    if point.axis is None:
        return f"target data{rest}"
    return f"{_article(point.axis_name)} {point.axis_name} of {_shown(point, point.axis)}{rest}"


def _rest_words(point: Point) -> str:
    if point.use == "figures":  # a total or mean of grades: how many were rated, what was possible
        rated, possible, mean = point.rest
        words = f" ({number_text(rated)} rated, of a possible {number_text(possible)}"  # type: ignore[arg-type]
        return words + ("" if mean is None else f", a mean of {number_text(mean)}") + ")"  # type: ignore[arg-type]
    if point.use != "measure":
        return ""
    actual, target_side, average_side, lower = point.rest
    parts = []
    if actual is not None:
        parts.append(f"an actual figure of {number_text(actual)}")  # type: ignore[arg-type]
    if target_side is not None:
        parts.append(f"actual {RELATION[target_side]} the target")  # type: ignore[index]
    if average_side is not None:
        parts.append(f"actual {RELATION[average_side]} the national average")  # type: ignore[index]
    if lower:
        parts.append("lower is better")
    return f" ({', '.join(parts)})" if parts else ""
