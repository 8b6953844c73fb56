"""Carried-forward judgements (issue 11, point 6): an earlier grade from the evidence in, the level's result out.

A criterion or section carried forward is not computed: its grade is the earlier one, it has no
score (`value` None, with the cause `carried_forward`), and a section's criteria are not
inspected (each not computable, `section_carried_forward`). Aggregates above it take its grade
like any other; one that needs its score finds none, and its missing-data rule decides
(docs/scoring-semantics.md, "Carried-forward judgements").
"""

from __future__ import annotations

from esirules.evidence.carried import ladder_of
from esirules.evidence.cases import CarriedForward, months_after
from esirules.language import model as m
from esirules.scoring.causes import Cause
from esirules.scoring.compile import Evaluator
from esirules.scoring.result import CarriedForwardResult, CriterionResult, SectionResult
from esirules.words import display_date


def source_words(carried: CarriedForwardResult) -> str:
    """`inspection INS-2019-114 of 14 May 2019`: where a carried-forward grade comes from."""
    name = f"inspection {carried.inspection}" if carried.inspection else "an earlier inspection"
    return name if carried.date is None else f"{name} of {display_date(carried.date)}"


def carried_result(
    level: m.Criterion | m.Section, carried: CarriedForward, ladder: str | None
) -> CarriedForwardResult:
    period = level.carry_forward
    assert period is not None  # INVARIANT: the loader keeps only judgements of levels that may carry forward
    return CarriedForwardResult(
        carried.grade,
        carried.inspection,
        carried.date,
        carried.reference,
        period.written,
        period.months,
        None if carried.date is None else months_after(carried.date, period.months),
        ladder,
        location=carried.location,
        span=period.span,
    )


def _cause(what: str, result: CarriedForwardResult, carried: CarriedForward) -> Cause:
    words = f"{what} is carried forward from {source_words(result)}: a grade, not computed, with no score"
    return Cause("carried_forward", words, result.span, carried.location)


def carried_criterion(evaluator: Evaluator, criterion: m.Criterion, carried: CarriedForward) -> CriterionResult:
    """A criterion not inspected this time: the earlier grade, no score."""
    ladder = evaluator.criterion_ladder(criterion)
    result = carried_result(criterion, carried, None if ladder is None else ladder.name)
    return CriterionResult(
        criterion.id,
        criterion.title,
        criterion.kind,
        criterion.section,
        criterion.weight,
        criterion.weight_class,
        None,
        result.grade,
        _cause(f"criterion {criterion.id}", result, carried),
        pooling=criterion.pooling if criterion.kind == "numerical" else None,
        ladder=result.ladder,
        grade=result.grade,
        span=criterion.span,
        pooling_span=criterion.pooling_span,
        carried_forward=result,
    )


def not_inspected(section: m.Section, carried: CarriedForward) -> Cause:
    """Why a criterion of a section carried forward has no figure: it was not inspected."""
    period = section.carry_forward
    source = f"inspection {carried.inspection}" if carried.inspection else "an earlier inspection"
    words = f"section {section.id} is carried forward from {source}; its criteria are not inspected"
    return Cause("section_carried_forward", words, None if period is None else period.span, carried.location)


def carried_section(evaluator: Evaluator, section: m.Section, carried: CarriedForward) -> SectionResult:
    """A section not inspected this time: the earlier grade, no score, no aggregate."""
    result = carried_result(section, carried, ladder_of(evaluator.ruleset, section))
    return SectionResult(
        section.id,
        section.title,
        section.weight,
        True,
        None,
        result.grade,
        _cause(f"section {section.id}", result, carried),
        result.grade,
        None,
        None,
        span=section.span,
        carried_forward=result,
    )
