"""Combine criterion results into section results, and section results into the overall result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

import attrs

from esirules.language import model as m
from esirules.scoring.compile import Evaluator
from esirules.scoring.descriptive import grade_items
from esirules.scoring.grading import apply_bands
from esirules.scoring.result import (
    NOT_COMPUTABLE,
    AggregateResult,
    CriterionResult,
    ExcludedMember,
    ItemResult,
    OverallResult,
    SectionResult,
    Term,
)
from esirules.words import display_number, display_percent

GRADED_NOT_SCORED = "graded, not scored"


@attrs.frozen
class Member:
    """A criterion or section as an aggregate sees it."""

    id: str
    noun: Literal["criterion", "section"]
    title: str
    weight: Fraction
    value: Fraction | None
    display: str
    reason: str | None
    grade: str | None
    ladder: str | None
    scored: bool
    graded: bool


def outside_sample(section: m.Section, sample: m.Sample | None) -> str | None:
    """Why a section does not apply to the sample, if it does not."""
    if sample is None or sample.sections is None or section.id in sample.sections:
        return None
    return f"section {section.id} does not apply to sample {sample.name}"


def section_results(
    evaluator: Evaluator, criteria: Mapping[str, CriterionResult], sample: m.Sample | None
) -> dict[str, SectionResult]:
    """Each section's score and grade from its criteria, in ruleset order."""
    members = {cid: _criterion_member(c) for cid, c in criteria.items()}
    out = {}
    for section in evaluator.ruleset.sections:
        outside = outside_sample(section, sample)
        if outside is not None:
            out[section.id] = SectionResult(
                section.id,
                section.title,
                section.weight,
                False,
                None,
                NOT_COMPUTABLE,
                outside,
                None,
                None,
                None,
                span=section.span,
            )
            continue
        own = [members[c.id] for c in section.criteria]
        score, grading = _aggregates(evaluator, section.score, section.grade, own, members, section.missing)
        value, display, reason, grade = _headline(score, grading)
        out[section.id] = SectionResult(
            section.id,
            section.title,
            section.weight,
            True,
            value,
            display,
            reason,
            grade,
            score,
            grading,
            span=section.span,
        )
    return out


def overall_result(evaluator: Evaluator, sections: Mapping[str, SectionResult]) -> OverallResult | None:
    """The overall score and grade from the sections, if the ruleset has an overall."""
    overall = evaluator.ruleset.overall
    if overall is None:
        return None
    members = {s.id: _section_member(s, sections[s.id]) for s in evaluator.ruleset.sections}
    score, grading = _aggregates(
        evaluator, overall.score, overall.grade, list(members.values()), members, overall.missing
    )
    value, display, reason, grade = _headline(score, grading)
    return OverallResult(overall.title, value, display, reason, grade, score, grading, span=overall.span)


def _criterion_member(result: CriterionResult) -> Member:
    return Member(
        result.id,
        "criterion",
        result.title,
        result.weight,
        result.value,
        result.display,
        result.reason,
        result.grade,
        result.ladder,
        result.kind == "numerical",
        result.ladder is not None,
    )


def _section_member(section: m.Section, result: SectionResult) -> Member:
    # INVARIANT: a section without a weight counts with weight 1 in the overall.
    return Member(
        result.id,
        "section",
        result.title,
        Fraction(1) if result.weight is None else result.weight,
        result.value,
        result.display,
        result.reason,
        result.grade,
        None if result.grading is None else result.grading.ladder,
        section.score is not None,
        section.grade is not None,
    )


def _aggregates(
    evaluator: Evaluator,
    score_rule: m.Aggregate | None,
    grade_rule: m.Aggregate | None,
    own: Sequence[Member],
    every: Mapping[str, Member],
    missing: m.MissingRule,
) -> tuple[AggregateResult | None, AggregateResult | None]:
    rounding = evaluator.ruleset.rounding
    score = None if score_rule is None else _weighted_mean(score_rule, own, every, missing, rounding)
    grading = None if grade_rule is None else _grade(evaluator, grade_rule, own, every, missing, score)
    return score, grading


def _headline(
    score: AggregateResult | None, grading: AggregateResult | None
) -> tuple[Fraction | None, str, str | None, str | None]:
    """value, display, reason, grade of a section or the overall."""
    grade = None if grading is None else grading.grade
    if score is not None:
        return score.value, score.display, score.reason, grade
    if grade is not None:
        return None, grade, GRADED_NOT_SCORED, grade
    return None, NOT_COMPUTABLE, "no score or grade of its own; its criteria are graded one by one" if grading is None else grading.reason, None


def _select(
    rule: m.Aggregate, own: Sequence[Member], every: Mapping[str, Member], wanted: Literal["scored", "graded"]
) -> tuple[list[Member], list[ExcludedMember]]:
    """The aggregate's members (named, or by default the section's own) and those it leaves out."""
    chosen, excluded = [], []
    candidates: list[Member | str] = (
        list(own) if not rule.members else [every.get(i, i) for i in rule.members]
    )
    for member in candidates:
        if isinstance(member, str):
            excluded.append(ExcludedMember(member, f"there is no {rule.members_kind} {member}"))
        elif wanted == "scored" and not member.scored:
            excluded.append(ExcludedMember(member.id, GRADED_NOT_SCORED))
        elif wanted == "graded" and not member.graded:
            excluded.append(ExcludedMember(member.id, "scored, not graded"))
        else:
            chosen.append(member)
    return chosen, excluded


def _gaps(
    members: list[Member],
    has: Literal["value", "grade"],
    missing: m.MissingRule,
    excluded: list[ExcludedMember],
) -> tuple[list[Member], str | None]:
    """Apply the missing-data rule: the members to use, or why the aggregate is not computable."""
    absent = [mem for mem in members if getattr(mem, has) is None]
    if absent and missing == "not computable":
        first = absent[0]
        what = "is not computable" if has == "value" else "has no grade"
        return members, f"{first.noun} {first.id} {what}: {first.reason or 'no reason given'}"
    for mem in absent:
        excluded.append(ExcludedMember(mem.id, f"not computable: {mem.reason or 'no reason given'}"))
    present = [mem for mem in members if getattr(mem, has) is not None]
    if not present:
        return members, f"no member is computable (members: {', '.join(m.id for m in members) or 'none'})"
    return present, None


def _weighted_mean(
    rule: m.Aggregate,
    own: Sequence[Member],
    every: Mapping[str, Member],
    missing: m.MissingRule,
    rounding: m.Rounding,
) -> AggregateResult:
    chosen, excluded = _select(rule, own, every, "scored")
    used, reason = _gaps(chosen, "value", missing, excluded)
    terms = tuple(Term(mem.id, mem.weight, mem.value, mem.display) for mem in used)
    renormalised = len(used) < len(chosen)
    total_weight = sum((mem.weight for mem in used), Fraction(0))
    if reason is None and total_weight == 0:
        reason = "the members' weights add up to 0"
    value = None
    if reason is None:
        value = (
            sum((mem.weight * mem.value for mem in used if mem.value is not None), Fraction(0)) / total_weight
        )
    return AggregateResult(
        rule.kind,
        rule.members_kind,
        value,
        NOT_COMPUTABLE if value is None else display_percent(value, rounding),
        None,
        reason,
        terms,
        tuple(excluded),
        renormalised and reason is None,
        span=rule.span,
    )


def _grade(
    evaluator: Evaluator,
    rule: m.Aggregate,
    own: Sequence[Member],
    every: Mapping[str, Member],
    missing: m.MissingRule,
    score: AggregateResult | None,
) -> AggregateResult:
    ruleset = evaluator.ruleset
    result = AggregateResult(
        rule.kind, rule.members_kind, None, NOT_COMPUTABLE, None, None, (), using=rule.using, span=rule.span
    )
    if rule.kind == "score_banded":
        bands = ruleset.band_set(rule.using or "")
        result = attrs.evolve(result, ladder=bands.scale)
        if score is None or score.value is None:
            return attrs.evolve(
                result, reason="no score to band" + ("" if score is None else f": {score.reason}")
            )
        band = apply_bands(bands, {"score": score.value}, ruleset.rounding)
        return attrs.evolve(
            result, value=score.value, display=score.display, grade=band.value, band=band, reason=band.reason
        )
    chosen, excluded = _select(rule, own, every, "graded")
    used, reason = _gaps(chosen, "grade", missing, excluded)
    terms = tuple(Term(mem.id, mem.weight, grade=mem.grade) for mem in used)
    result = attrs.evolve(
        result, terms=terms, excluded=tuple(excluded), renormalised=len(used) < len(chosen) and reason is None
    )
    if rule.kind == "lowest_of":
        return _lowest(ruleset, result, used, reason)
    if rule.kind == "points_total":
        return _points(ruleset, rule, result, used, reason)
    return _graded_over(evaluator, rule, result, used, reason)


def _lowest(
    ruleset: m.Ruleset, result: AggregateResult, used: list[Member], reason: str | None
) -> AggregateResult:
    ladder = next((mem.ladder for mem in used if mem.ladder is not None), None)
    result = attrs.evolve(result, ladder=ladder)
    if reason is not None or ladder is None:
        return attrs.evolve(result, reason=reason or "no member has a grade")
    scale = ruleset.scale(ladder)
    off = [mem for mem in used if mem.grade not in scale.values]
    if off:
        return attrs.evolve(
            result, reason=f"the grade of {off[0].id}, `{off[0].grade}`, is not on ladder {ladder}"
        )
    lowest = min((mem.grade for mem in used if mem.grade is not None), key=scale.rank)
    return attrs.evolve(result, grade=lowest, display=lowest)


def _points(
    ruleset: m.Ruleset, rule: m.Aggregate, result: AggregateResult, used: list[Member], reason: str | None
) -> AggregateResult:
    table = ruleset.points_table(rule.using or "")
    bands = ruleset.band_set(rule.bands or "")
    result = attrs.evolve(result, ladder=bands.scale)
    if reason is not None:
        return attrs.evolve(result, reason=reason)
    points = [table.for_grade(mem.grade or "") for mem in used]
    unpointed = [mem for mem, p in zip(used, points) if p is None]
    if unpointed:
        first = unpointed[0]
        return attrs.evolve(
            result, reason=f"the grade of {first.id}, `{first.grade}`, has no points in {table.name}"
        )
    terms = tuple(attrs.evolve(term, points=p) for term, p in zip(result.terms, points))
    total = sum((p for p in points if p is not None), Fraction(0))
    band = apply_bands(bands, {"total": total}, ruleset.rounding)
    return attrs.evolve(
        result,
        terms=terms,
        value=total,
        display=display_number(total, ruleset.rounding),
        grade=band.value,
        band=band,
        reason=band.reason,
    )


def _graded_over(
    evaluator: Evaluator, rule: m.Aggregate, result: AggregateResult, used: list[Member], reason: str | None
) -> AggregateResult:
    compiled = evaluator.gradings[rule.using or ""]
    result = attrs.evolve(result, ladder=compiled.ladder.name)
    if reason is not None:
        return attrs.evolve(result, reason=reason)
    scale = compiled.item_scale
    # INVARIANT: each member counts once (weight 1) as an item of the grading.
    items = tuple(
        ItemResult(
            mem.id, mem.title, Fraction(1), mem.grade, mem.grade != scale.not_applicable, span=rule.span
        )
        for mem in used
    )
    off = [item for item in items if item.counted and item.rating not in scale.values]
    if off:
        return attrs.evolve(
            result,
            items=items,
            reason=f"the grade of {off[0].id}, `{off[0].rating}`, is not on scale {scale.name}",
        )
    if not any(item.counted for item in items):
        return attrs.evolve(result, items=items, reason="every member is not applicable")
    graded = grade_items(compiled, items)
    why = None if graded.grade is not None else f"no rule of grading {compiled.grading.name} holds"
    return attrs.evolve(
        result,
        items=items,
        trace=graded,
        grade=graded.grade,
        display=graded.grade or NOT_COMPUTABLE,
        reason=why,
    )
