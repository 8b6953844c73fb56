"""Analyse a checked ruleset for rules that cannot do what they say: the resolved model in, warnings and a summary out.

Run by the checker after the model is built, so `load_ruleset`, `esirules check`, the language
server and the service all report the same findings. Gradings and bands are analysed exactly,
over every rating profile of the items each grading grades (`analysis_gradings`) and every
stretch of the figures each set of bands reads (`analysis_bands`), with the semantics scoring
uses (`semantics`); a grading or set of bands with an error in it is not analysed. Outcomes are
decided over every combination of the grades and scores they read (`analysis_outcomes`).

Errors the analysis finds (R052: profiles no rule grades) are reported with the checker's own.
Its warnings wait until the ruleset has no errors: an error often leaves a part unused or a
grading with fewer items than meant, and what the analysis would say then stops being true
once the error is fixed. How the parts fit together (`analysis_structure`) is looked at then too.
"""

from __future__ import annotations

import attrs

from esirules.language import (
    analysis_bands,
    analysis_figures,
    analysis_gradings,
    analysis_outcomes,
    analysis_structure,
)
from esirules.language import model as m
from esirules.language.analysis_gradings import ProfileWords
from esirules.language.analysis_judgements import analyse_judgements
from esirules.language.context import CheckContext
from esirules.language.semantics import GradingMeaning
from esirules.span import Span


@attrs.frozen
class RuleSummary:
    """One grading rule (or band): how many profiles (or figures tried) it takes, and the first."""

    value: str
    otherwise: bool
    line: int
    taken: int
    example: str | None


@attrs.frozen
class GradingSummary:
    name: str
    profiles: int
    item_sets: tuple[tuple[str, int], ...]  # who, and how many profiles their items have
    rules: tuple[RuleSummary, ...]
    ungraded: int  # profiles no rule grades
    monotone: str  # "by form", "searched" or "no"
    too_many: tuple[str, ...]  # item sets not analysed (over MAX_RATING_PROFILES)
    span: Span


@attrs.frozen
class BandsSummary:
    name: str
    figures: int  # points tried
    rows: tuple[RuleSummary, ...]
    unfit: int  # points no band fits
    skipped: tuple[str, ...]  # values never given, between values given
    span: Span
    by_members: bool = False  # a total or mean of grades: every set of figures its members can give was tried


@attrs.frozen
class Analysis:
    """What the analysis found for each grading and set of bands (`esirules check --analysis`)."""

    gradings: tuple[GradingSummary, ...] = ()
    bands: tuple[BandsSummary, ...] = ()
    outcomes: tuple[analysis_outcomes.OutcomeSummary, ...] = ()
    # gradings whose rules are not analysed, with why (`names members or counts groups`, `tests facts`)
    not_analysed: tuple[tuple[str, int, str], ...] = ()


def analyse(ctx: CheckContext, ruleset: m.Ruleset) -> Analysis:
    """Report every finding through `ctx`; return the summary."""
    no_errors = not any(d.severity == "error" for d in ctx.diagnostics)
    first = len(ctx.diagnostics)
    bands_found: list[BandsSummary] = []
    tried_by_name: dict[str, analysis_bands.BandsFindings] = {}
    for bands in ruleset.bands:
        if ctx.failed("bands", bands.name) or ctx.errors_within(bands.span):
            continue
        used = analysis_bands.uses(ruleset, bands)
        tried = analysis_bands.findings(bands, ruleset.rounding, used)
        if any(use == "measure" for use, _ in used):
            tried_by_name[bands.name] = tried
        if any(use == "figures" for use, _ in used):
            # Bands on a total or mean of grades: every figure its members can give is tried
            # (analysis_figures); when they cannot all be tried, nothing is said of the bands.
            figures = analysis_figures.figure_findings(ruleset, bands) if no_errors else None
            if figures is None:
                continue
            tried = figures
        analysis_bands.report(ctx, bands, ruleset.scale(bands.scale), tried)
        bands_found.append(_bands_summary(bands, ruleset.scale(bands.scale), tried))

    def band_values(name: str, lower: bool) -> frozenset[str]:
        """The values the bands give a measure (better when lower, or higher): from the figures
        tried above when they were tried for such a measure."""
        bands = ruleset.band_set(name)
        tried = tried_by_name.get(name)
        if tried is None or not any(p.use == "measure" and p.lower_is_better == lower for p in tried.points):
            tried = analysis_bands.findings(bands, ruleset.rounding, (("measure", lower),))
        return tried.values(bands, lower)

    outcomes: tuple[analysis_outcomes.OutcomeSummary, ...] = ()
    gradings_found: list[GradingSummary] = []
    unanalysed: list[tuple[str, int, str]] = []
    for grading in ruleset.gradings:
        if ctx.failed("grading", grading.name) or ctx.errors_within(grading.span):
            continue
        scale, ladder = ruleset.scale(grading.item_scale), ruleset.scale(grading.ladder)
        meaning = GradingMeaning.of(grading, scale, ladder)
        if meaning.tells_items_apart or meaning.tests_facts:
            # A grading that names members or counts groups decides on which items are rated
            # what, not on weight per rating alone; one that tests facts decides on the
            # inspection's facts too: their profiles are not analysed (yet), so, as for items
            # rated in too many ways, it needs its `otherwise` (R052).
            what = "tests facts" if meaning.tests_facts else "names members or counts groups"
            unanalysed.append((grading.name, grading.span.line, what))
            if not any(r.otherwise for r in grading.rules):
                ctx.error(
                    "R052",
                    f"the grading `{grading.name}` has no `otherwise` rule, and it {what}, "
                    "so its rules cannot be checked to grade every rating of its items",
                    grading.span,
                    f"end the rules with a line such as `\"{ladder.values[-1]}\" otherwise`",
                )
            continue
        sets, unit = analysis_gradings.item_sets(ruleset, grading, band_values)
        found = analysis_gradings.findings(meaning, sets, unit, grading.rules)
        analysis_gradings.report(ctx, grading, scale, ladder, found, unit)
        gradings_found.append(_grading_summary(grading, scale, found, unit))
    analyse_judgements(ctx, ruleset)
    if not no_errors:  # hold back the warnings (see above)
        ctx.diagnostics[first:] = [d for d in ctx.diagnostics[first:] if d.severity == "error"]
    else:
        analysis_structure.section_weights(ctx, ruleset)
        analysis_structure.unused(ctx, ruleset)
        analysis_structure.sample_questions(ctx, ruleset)
        analysis_structure.member_ladders(ctx, ruleset)
        analysis_figures.points_reach(ctx, ruleset)
        outcomes = analysis_outcomes.report(ctx, ruleset)
    return Analysis(tuple(gradings_found), tuple(bands_found), outcomes, tuple(unanalysed))


def _grading_summary(
    grading: m.Grading, scale: m.Scale, found: analysis_gradings.GradingFindings, unit: int
) -> GradingSummary:
    words = ProfileWords(found.pack, scale, unit)
    rules = []
    for number, rule in enumerate(grading.rules):
        first = found.first_chosen(number)
        rules.append(
            RuleSummary(
                rule.grade, rule.otherwise, rule.span.line, found.chosen(number),
                None if first is None else words.profile(first),
            )
        )
    item_sets = tuple((", ".join(b.item_set.owners), b.count) for b in found.pack.blocks)
    return GradingSummary(
        grading.name,
        found.pack.profiles.count,
        item_sets,
        tuple(rules),
        found.pack.profiles.number(found.verdict.undecided),
        found.monotone,
        tuple(", ".join(s.owners) for s in found.pack.skipped),
        grading.span,
    )


def _bands_summary(bands: m.Bands, scale: m.Scale, found: analysis_bands.BandsFindings) -> BandsSummary:
    rows = []
    for number, row in enumerate(bands.bands):
        taken = [k for k, c in enumerate(found.chosen) if c == number]
        # The example: from the usual direction (higher is better) when the band takes such figures.
        usual = [k for k in taken if not found.points[k].lower_is_better] or taken
        example = None if not usual else analysis_bands.describe(found.points[usual[len(usual) // 2]])
        rows.append(RuleSummary(row.value, row.otherwise, row.span.line, len(taken), example))
    unfit = sum(1 for c in found.chosen if c is None)
    skipped = analysis_bands.skipped_values(bands, scale, found)
    by_members = any(p.use == "figures" for p in found.points)
    return BandsSummary(bands.name, len(found.points), tuple(rows), unfit, skipped, bands.span, by_members)
