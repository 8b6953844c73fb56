"""Grade descriptive criteria: item ratings and target data from the evidence in, criterion results out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from esirules.evidence.cases import Adjustment, MeasureFigures
from esirules.language import model as m
from esirules.scoring.causes import Cause
from esirules.scoring.compile import CompiledGrading, Evaluator
from esirules.scoring.facts import NO_FACTS, InspectionFacts, apply_caps, uncapped
from esirules.scoring.grading import apply_bands, trace
from esirules.scoring.result import (
    NOT_COMPUTABLE,
    AdjustmentResult,
    BandResult,
    CapResult,
    CriterionResult,
    GradingTrace,
    ItemResult,
    MeasureResult,
)
from esirules.words import display_percent


def grade_descriptive(
    evaluator: Evaluator,
    criterion: m.Criterion,
    ratings: Mapping[str, str],
    measures: Mapping[str, MeasureFigures],
    adjustments: Sequence[Adjustment],
    facts: InspectionFacts = NO_FACTS,
) -> CriterionResult:
    """Rate a descriptive criterion's items, grade them by its grading (under the inspection's
    facts), apply its caps, then any adjustment."""
    if criterion.grading is None:
        cause = Cause("no_grading", f"criterion {criterion.id} names no grading", criterion.span)
        return _descriptive(criterion, None, cause=cause)
    compiled = evaluator.gradings[criterion.grading]
    items = rate_items(compiled, criterion.items, ratings, measures, evaluator.ruleset)
    # An adjustment recorded for a criterion that cannot be graded is kept, not applied, so
    # every output still shows it and says why.
    unapplied, _ = adjust(criterion, None, compiled.ladder, adjustments)
    unrated = [item for item in items if item.cause is not None]
    if unrated:
        words = "; ".join(f"item {item.id} {item.reason}" for item in unrated)
        cause = unrated[0].cause.restated(words, "items_not_rated")  # type: ignore[union-attr]
        return _descriptive(criterion, compiled, items=items, cause=cause, adjustment=unapplied)
    if not any(item.counted for item in items):
        # The ratings are the evidence's; the criterion's line lists the items rated.
        cause = Cause("all_items_not_applicable", "every item is rated not applicable", criterion.span)
        return _descriptive(criterion, compiled, items=items, cause=cause, adjustment=unapplied)
    graded = grade_items(compiled, items, facts)
    caps, capped = apply_caps(criterion.caps, graded.grade, compiled.ladder, facts)
    if graded.grade is None:
        words = f"no rule of grading {compiled.grading.name} holds, and it has no otherwise rule"
        cause = Cause("no_rule_holds", words, compiled.grading.span)
        return _descriptive(
            criterion, compiled, items=items, trace=graded, cause=cause, adjustment=unapplied, caps=caps
        )
    adjustment, grade = adjust(criterion, capped, compiled.ladder, adjustments)
    return _descriptive(
        criterion,
        compiled,
        items=items,
        trace=graded,
        computed_grade=capped,
        adjustment=adjustment,
        grade=grade,
        caps=caps,
        uncapped_grade=uncapped(graded.grade, caps),
    )


def _descriptive(
    criterion: m.Criterion,
    compiled: CompiledGrading | None,
    *,
    items: tuple[ItemResult, ...] = (),
    trace: GradingTrace | None = None,
    cause: Cause | None = None,
    computed_grade: str | None = None,
    adjustment: AdjustmentResult | None = None,
    grade: str | None = None,
    caps: tuple[CapResult, ...] = (),
    uncapped_grade: str | None = None,
) -> CriterionResult:
    return CriterionResult(
        criterion.id,
        criterion.title,
        "descriptive",
        criterion.section,
        criterion.weight,
        criterion.weight_class,
        None,
        grade if grade is not None else NOT_COMPUTABLE,
        cause,
        items=items,
        items_weight=sum((item.weight for item in items if item.counted), Fraction(0)),
        trace=trace,
        ladder=None if compiled is None else compiled.ladder.name,
        computed_grade=computed_grade,
        adjustment=adjustment,
        grade=grade,
        span=criterion.span,
        caps=caps,
        uncapped_grade=uncapped_grade,
    )


def grade_items(
    compiled: CompiledGrading, items: Sequence[ItemResult], facts: InspectionFacts = NO_FACTS
) -> GradingTrace:
    """Apply a grading to the counted items (every one must have a rating on its item scale)."""
    counted = [item for item in items if item.counted]
    ranks = [compiled.item_scale.rank(item.rating) for item in counted if item.rating is not None]
    return trace(
        compiled, [item.id for item in counted], ranks, [item.weight for item in counted], [i.group for i in counted],
        facts,
    )


def rate_items(
    compiled: CompiledGrading,
    items: Sequence[m.Item],
    ratings: Mapping[str, str],
    measures: Mapping[str, MeasureFigures],
    ruleset: m.Ruleset,
) -> tuple[ItemResult, ...]:
    """Each item with its rating: from the evidence, or from target data by the measure bands."""
    scale = compiled.item_scale
    rated = []
    for item in items:
        if item.measure is not None:
            rated.append(_rate_from_measure(compiled, item, measures.get(item.measure), ruleset))
            continue
        rating = ratings.get(item.id)
        if rating is None:
            rated.append(_unrated(item, Cause("not_rated", "is not rated", item.span)))
        elif rating != scale.not_applicable and rating not in scale.values:
            words = f"is rated `{rating}`, which is not on scale {scale.name}"
            rated.append(_unrated(item, Cause("rating_not_on_scale", words, item.span)))
        else:
            rated.append(
                ItemResult(
                    item.id, item.text, item.weight, rating, rating != scale.not_applicable,
                    group=item.group, span=item.span,
                )
            )
    return tuple(rated)


def _rate_from_measure(
    compiled: CompiledGrading, item: m.Item, figures: MeasureFigures | None, ruleset: m.Ruleset
) -> ItemResult:
    assert item.measure is not None
    if figures is None:
        return _unrated(item, Cause("no_target_data", f"has no target data for measure {item.measure}", item.span))
    measure = ruleset.measure(item.measure)
    performance = _performance(figures, measure.lower_is_better)
    shown = "not computable" if performance is None else display_percent(performance, ruleset.rounding)
    result = MeasureResult(
        measure.name,
        measure.label,
        measure.unit,
        measure.lower_is_better,
        figures.actual,
        figures.target,
        figures.national_average,
        performance,
        shown,
    )
    if performance is None:
        divisor = "actual" if measure.lower_is_better else "target"
        words = f"has no performance figure for {measure.name}: its {divisor} is 0"
        cause = Cause("no_performance_figure", words, measure.span, figures.location)
        return _unrated(item, cause, measure=result)
    bands = compiled.measure_bands
    if bands is None:
        words = f"is rated from a measure, but grading {compiled.grading.name} names no bands for measures"
        return _unrated(item, Cause("no_measure_bands", words, compiled.grading.span), measure=result)
    band = band_target_data(bands, performance, figures, measure, ruleset.rounding)
    if band.value is None:
        cause = Cause("no_band_fits", f"fits no band of {bands.name}", bands.span, figures.location)
        return _unrated(item, cause, measure=result)
    counted = band.value != compiled.item_scale.not_applicable
    return ItemResult(
        item.id, item.text, item.weight, band.value, counted, measure=result, band=band, group=item.group,
        span=item.span,
    )


def band_target_data(
    bands: m.Bands, performance: Fraction, figures: MeasureFigures, measure: m.Measure, rounding: m.Rounding
) -> BandResult:
    """A measure's target data banded: performance, actual, target and national average, in the
    measure's better direction."""
    values = {
        "performance": performance,
        "actual": figures.actual,
        "target": figures.target,
        "national average": figures.national_average,
    }
    return apply_bands(bands, values, rounding, lower_is_better=measure.lower_is_better)


def performance(figures: MeasureFigures, measure: m.Measure) -> Fraction | None:
    """The area's figure as a share of the target (the target's of the area's, when lower is
    better); None when the divisor is 0."""
    return _performance(figures, measure.lower_is_better)


def _performance(figures: MeasureFigures, lower_is_better: bool) -> Fraction | None:
    numerator, denominator = (
        (figures.target, figures.actual) if lower_is_better else (figures.actual, figures.target)
    )
    return None if denominator == 0 else numerator / denominator


def _unrated(item: m.Item, cause: Cause, *, measure: MeasureResult | None = None) -> ItemResult:
    return ItemResult(
        item.id, item.text, item.weight, None, False, measure=measure, cause=cause, group=item.group, span=item.span
    )


def adjust(
    criterion: m.Criterion, computed: str | None, ladder: m.Scale | None, adjustments: Sequence[Adjustment]
) -> tuple[AdjustmentResult | None, str | None]:
    """The final grade: the lead inspector's adjustment when there is one and it can apply."""
    found = next((a for a in adjustments if a.criterion == criterion.id), None)
    if found is None:
        return None, computed
    note = None
    if not criterion.allows_adjustment:
        words = f"criterion {criterion.id} does not allow adjustment"
        note = Cause("adjustment_not_allowed", words, criterion.span, found.location)
    elif computed is None or ladder is None:
        note = Cause("no_grade_to_adjust", "there is no computed grade to adjust", criterion.span, found.location)
    elif found.grade not in ladder.values:
        words = f"`{found.grade}` is not a grade on ladder {ladder.name}"
        note = Cause("adjustment_not_on_ladder", words, ladder.span, found.location)
    if note is not None:
        return AdjustmentResult(found.grade, found.by, found.reason, False, note), computed
    return AdjustmentResult(found.grade, found.by, found.reason, True), found.grade
