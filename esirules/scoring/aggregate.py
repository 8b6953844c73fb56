"""Combine criterion results into section results, and section results into the overall result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

import attrs

from esirules.evidence.cases import Adjustment, CarriedForward
from esirules.language import model as m
from esirules.scoring.carried import carried_section
from esirules.scoring.causes import Cause, about
from esirules.scoring.compile import Evaluator
from esirules.scoring.descriptive import grade_items
from esirules.scoring.facts import NO_FACTS, InspectionFacts, apply_caps, uncapped
from esirules.scoring.grading import apply_bands
from esirules.scoring.result import (
    NOT_COMPUTABLE,
    AdjustmentResult,
    AggregateResult,
    CapResult,
    CriterionResult,
    ExcludedMember,
    ItemResult,
    OverallResult,
    SectionResult,
    Term,
)
from esirules.span import Span
from esirules.words import display_number, display_percent, round_number

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
    cause: Cause | None
    grade: str | None
    ladder: str | None
    scored: bool
    graded: bool
    span: Span


def outside_sample(section: m.Section, sample: m.Sample | None) -> Cause | None:
    """Why a section does not apply to the sample, if it does not."""
    if sample is None or sample.sections is None or section.id in sample.sections:
        return None
    words = f"section {section.id} does not apply to sample {sample.name}"
    return Cause("section_not_in_sample", words, sample.sections_span or sample.span)


def section_results(
    evaluator: Evaluator,
    criteria: Mapping[str, CriterionResult],
    sample: m.Sample | None,
    adjustments: Sequence[Adjustment] = (),
    facts: InspectionFacts = NO_FACTS,
    carried: Sequence[CarriedForward] = (),
) -> dict[str, SectionResult]:
    """Each section's score and grade from its criteria (then its caps, and its adjustment, if
    any), in ruleset order; a section carried forward keeps its earlier grade."""
    members = {cid: _criterion_member(c) for cid, c in criteria.items()}
    kept = {c.id: c for c in carried if c.level == "section"}
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
        if section.id in kept:
            out[section.id] = carried_section(evaluator, section, kept[section.id])
            continue
        own = [members[c.id] for c in section.criteria]
        score, grading = _aggregates(evaluator, section.score, section.grade, own, members, section.missing, facts)
        value, display, cause, rules_grade = _headline(score, grading, section.span)
        caps, computed = _capped(evaluator, section.caps, grading, rules_grade, facts)
        if computed != rules_grade and value is None:
            display = computed or display
        found = next((a for a in adjustments if a.section == section.id), None)
        adjustment, grade = adjust_aggregate(
            evaluator, f"section {section.id}", section.allows_adjustment, section.span, grading, computed, found
        )
        if adjustment is not None and adjustment.applied and value is None:
            display = grade or display
        out[section.id] = SectionResult(
            section.id,
            section.title,
            section.weight,
            True,
            value,
            display,
            cause,
            grade,
            score,
            grading,
            span=section.span,
            computed_grade=computed if found is not None else None,
            adjustment=adjustment,
            caps=caps,
            uncapped_grade=uncapped(rules_grade, caps),
        )
    return out


def overall_result(
    evaluator: Evaluator,
    sections: Mapping[str, SectionResult],
    adjustments: Sequence[Adjustment] = (),
    facts: InspectionFacts = NO_FACTS,
) -> OverallResult | None:
    """The overall score and grade from the sections (then its caps, and its adjustment), if the
    ruleset has an overall."""
    overall = evaluator.ruleset.overall
    if overall is None:
        return None
    members = {s.id: _section_member(s, sections[s.id]) for s in evaluator.ruleset.sections}
    score, grading = _aggregates(
        evaluator, overall.score, overall.grade, list(members.values()), members, overall.missing, facts
    )
    value, display, cause, rules_grade = _headline(score, grading, overall.span)
    caps, computed = _capped(evaluator, overall.caps, grading, rules_grade, facts)
    if computed != rules_grade and value is None:
        display = computed or display
    found = next((a for a in adjustments if a.overall), None)
    adjustment, grade = adjust_aggregate(
        evaluator, "the overall", overall.allows_adjustment, overall.span, grading, computed, found
    )
    if adjustment is not None and adjustment.applied and value is None:
        display = grade or display
    return OverallResult(
        overall.title, value, display, cause, grade, score, grading, span=overall.span,
        computed_grade=computed if found is not None else None, adjustment=adjustment,
        caps=caps, uncapped_grade=uncapped(rules_grade, caps),
    )


def _capped(
    evaluator: Evaluator,
    caps: tuple[m.CapRule, ...],
    grading: AggregateResult | None,
    grade: str | None,
    facts: InspectionFacts,
) -> tuple[tuple[CapResult, ...], str | None]:
    """A section's or the overall's caps applied to the grade its rules computed."""
    ladder = None if grading is None or grading.ladder is None else evaluator.ruleset.scale(grading.ladder)
    return apply_caps(caps, grade, ladder, facts)


def adjust_aggregate(
    evaluator: Evaluator,
    what: str,
    allows: bool,
    span: Span,
    grading: AggregateResult | None,
    computed: str | None,
    found: Adjustment | None,
) -> tuple[AdjustmentResult | None, str | None]:
    """A section's or the overall's final grade: the adjustment when there is one and it can apply."""
    if found is None:
        return None, computed
    note = None
    if not allows:
        note = Cause("adjustment_not_allowed", f"{what} does not allow adjustment", span, found.location)
    elif computed is None or grading is None or grading.ladder is None:
        note = Cause("no_grade_to_adjust", "there is no computed grade to adjust", span, found.location)
    elif found.grade not in evaluator.ruleset.scale(grading.ladder).values:
        words = f"`{found.grade}` is not a grade on ladder {grading.ladder}"
        note = Cause("adjustment_not_on_ladder", words, span, found.location)
    if note is not None:
        return AdjustmentResult(found.grade, found.by, found.reason, False, note), computed
    return AdjustmentResult(found.grade, found.by, found.reason, True), found.grade


def _criterion_member(result: CriterionResult) -> Member:
    return Member(
        result.id,
        "criterion",
        result.title,
        result.weight,
        result.value,
        result.display,
        result.cause,
        result.grade,
        result.ladder,
        result.kind == "numerical",
        result.ladder is not None,
        result.span,
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
        result.cause,
        result.grade,
        _section_ladder(result),
        section.score is not None,
        section.grade is not None,
        result.span,
    )


def _section_ladder(result: SectionResult) -> str | None:
    if result.carried_forward is not None:
        return result.carried_forward.ladder
    return None if result.grading is None else result.grading.ladder


def _aggregates(
    evaluator: Evaluator,
    score_rule: m.Aggregate | None,
    grade_rule: m.Aggregate | None,
    own: Sequence[Member],
    every: Mapping[str, Member],
    missing: m.MissingRule,
    facts: InspectionFacts,
) -> tuple[AggregateResult | None, AggregateResult | None]:
    rounding = evaluator.ruleset.rounding
    score = None if score_rule is None else _weighted_mean(score_rule, own, every, missing, rounding)
    grading = None if grade_rule is None else _grade(evaluator, grade_rule, own, every, missing, score, facts)
    return score, grading


def _headline(
    score: AggregateResult | None, grading: AggregateResult | None, span: Span
) -> tuple[Fraction | None, str, Cause | None, str | None]:
    """value, display, cause, grade of a section or the overall (`span`: its declaration)."""
    grade = None if grading is None else grading.grade
    if score is not None:
        return score.value, score.display, score.cause, grade
    if grading is not None and grade is not None:
        return None, grade, Cause("graded_not_scored", GRADED_NOT_SCORED, grading.span), grade
    if grading is not None:
        return None, NOT_COMPUTABLE, grading.cause, None
    words = "no score or grade of its own; its criteria are graded one by one"
    return None, NOT_COMPUTABLE, Cause("no_aggregate", words, span), None


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
            cause = Cause("no_such_member", f"there is no {rule.members_kind} {member}", rule.span)
            excluded.append(ExcludedMember(member, cause))
        elif wanted == "scored" and not member.scored:
            excluded.append(ExcludedMember(member.id, Cause("graded_not_scored", GRADED_NOT_SCORED, member.span)))
        elif wanted == "graded" and not member.graded:
            excluded.append(ExcludedMember(member.id, Cause("scored_not_graded", "scored, not graded", member.span)))
        else:
            chosen.append(member)
    return chosen, excluded


def _gaps(
    rule: m.Aggregate,
    members: list[Member],
    has: Literal["value", "grade"],
    missing: m.MissingRule,
    excluded: list[ExcludedMember],
) -> tuple[list[Member], Cause | None]:
    """Apply the missing-data rule: the members to use, or why the aggregate is not computable."""
    absent = [mem for mem in members if getattr(mem, has) is None]
    if absent and missing == "not computable":
        first = absent[0]
        what = "is not computable" if has == "value" else "has no grade"
        return members, _member_cause(first, f"{first.noun} {first.id}", what)
    for mem in absent:
        excluded.append(ExcludedMember(mem.id, _member_cause(mem, None, "not computable")))
    present = [mem for mem in members if getattr(mem, has) is not None]
    if not present:
        words = f"no member is computable (members: {', '.join(m.id for m in members) or 'none'})"
        return members, Cause("no_member_computable", words, rule.span)
    return present, None


def _member_cause(member: Member, subject: str | None, what: str) -> Cause:
    """A member's own cause, restated by its aggregate (it cites what the member's cause cites)."""
    inner = member.cause or Cause("member_not_computable", "no reason given", member.span)
    words = f"{what}: {inner.words}" if subject is None else about(subject, what, inner)
    return inner.restated(words, "member_not_computable")


def _weighted_mean(
    rule: m.Aggregate,
    own: Sequence[Member],
    every: Mapping[str, Member],
    missing: m.MissingRule,
    rounding: m.Rounding,
) -> AggregateResult:
    chosen, excluded = _select(rule, own, every, "scored")
    used, cause = _gaps(rule, chosen, "value", missing, excluded)
    renormalised = len(used) < len(chosen)
    total_weight = sum((mem.weight for mem in used), Fraction(0))
    products = [None if mem.value is None else mem.weight * mem.value for mem in used]
    total = sum((p for p in products if p is not None), Fraction(0))
    if cause is None and total_weight == 0:
        cause = Cause("zero_weight", "the members' weights add up to 0", rule.span)
    value = None if cause is not None else total / total_weight
    terms = tuple(
        Term(
            mem.id, mem.weight, mem.value, mem.display, product=product,
            share=None if value is None or product is None else product / total_weight,
        )
        for mem, product in zip(used, products)
    )
    return AggregateResult(
        rule.kind,
        rule.members_kind,
        value,
        NOT_COMPUTABLE if value is None else display_percent(value, rounding),
        None,
        cause,
        terms,
        tuple(excluded),
        renormalised and cause is None,
        total_weight=total_weight,
        total=total,
        span=rule.span,
    )


def _grade(
    evaluator: Evaluator,
    rule: m.Aggregate,
    own: Sequence[Member],
    every: Mapping[str, Member],
    missing: m.MissingRule,
    score: AggregateResult | None,
    facts: InspectionFacts,
) -> AggregateResult:
    ruleset = evaluator.ruleset
    result = AggregateResult(
        rule.kind, rule.members_kind, None, NOT_COMPUTABLE, None, None, (), using=rule.using, span=rule.span
    )
    if rule.kind == "score_banded":
        bands = ruleset.band_set(rule.using or "")
        result = attrs.evolve(result, ladder=bands.scale)
        if score is None or score.value is None:
            words = "no score to band" + ("" if score is None else f": {score.reason}")
            inner = None if score is None else score.cause
            span = rule.span if inner is None else inner.span
            return attrs.evolve(result, cause=Cause("no_score_to_band", words, span))
        band = apply_bands(bands, {"score": score.value}, ruleset.rounding)
        return attrs.evolve(
            result, value=score.value, display=score.display, grade=band.value, band=band, cause=band.cause
        )
    chosen, excluded = _select(rule, own, every, "graded")
    if rule.kind in ("sum_banded", "mean_banded"):
        return _figure_banded(ruleset, rule, result, chosen, excluded)
    used, cause = _gaps(rule, chosen, "grade", missing, excluded)
    terms = tuple(Term(mem.id, mem.weight, grade=mem.grade) for mem in used)
    result = attrs.evolve(
        result, terms=terms, excluded=tuple(excluded), renormalised=len(used) < len(chosen) and cause is None
    )
    if rule.kind == "lowest_of":
        return _lowest(ruleset, rule, result, used, cause)
    if rule.kind == "points_total":
        return _points(ruleset, rule, result, used, cause)
    return _graded_over(evaluator, rule, result, used, cause, facts)


def _lowest(
    ruleset: m.Ruleset, rule: m.Aggregate, result: AggregateResult, used: list[Member], cause: Cause | None
) -> AggregateResult:
    ladder = next((mem.ladder for mem in used if mem.ladder is not None), None)
    result = attrs.evolve(result, ladder=ladder)
    if cause is not None or ladder is None:
        return attrs.evolve(result, cause=cause or Cause("no_member_grade", "no member has a grade", rule.span))
    scale = ruleset.scale(ladder)
    off = [mem for mem in used if mem.grade not in scale.values]
    if off:
        words = f"the grade of {off[0].id}, `{off[0].grade}`, is not on ladder {ladder}"
        return attrs.evolve(result, cause=Cause("grade_not_on_ladder", words, rule.span))
    lowest = min((mem.grade for mem in used if mem.grade is not None), key=scale.rank)
    return attrs.evolve(result, grade=lowest, display=lowest)


def _points(
    ruleset: m.Ruleset, rule: m.Aggregate, result: AggregateResult, used: list[Member], cause: Cause | None
) -> AggregateResult:
    table = ruleset.points_table(rule.using or "")
    bands = ruleset.band_set(rule.bands or "")
    result = attrs.evolve(result, ladder=bands.scale)
    if cause is not None:
        return attrs.evolve(result, cause=cause)
    points = [table.for_grade(mem.grade or "") for mem in used]
    unpointed = [mem for mem, p in zip(used, points) if p is None]
    if unpointed:
        first = unpointed[0]
        words = f"the grade of {first.id}, `{first.grade}`, has no points in {table.name}"
        return attrs.evolve(result, cause=Cause("grade_has_no_points", words, table.span))
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
        cause=band.cause,
    )


def _figure_banded(
    ruleset: m.Ruleset, rule: m.Aggregate, result: AggregateResult, chosen: list[Member], excluded: list[ExcludedMember]
) -> AggregateResult:
    """`grade: sum of criteria banded by B` (or `mean of ...`): each member with a grade counts
    once with its grade's number; a member without a grade drops out of the total, the count
    `rated` and `possible` (Σ of the largest number on each rated member's ladder)."""
    bands = ruleset.band_set(rule.using or "")
    result = attrs.evolve(result, ladder=bands.scale)
    rated: list[tuple[Member, Fraction, Fraction]] = []  # member, its number, the largest on its ladder
    for mem in chosen:
        scale = ruleset.scale(mem.ladder) if mem.grade is not None and mem.ladder is not None else None
        number = None if scale is None else scale.number(mem.grade or "")
        if number is None or scale is None or scale.largest is None:
            words = "has no grade" if mem.grade is None else f"its grade `{mem.grade}` has no number"
            excluded.append(ExcludedMember(mem.id, _member_cause(mem, None, words)))
            continue
        rated.append((mem, number, scale.largest))
    total = sum((n for _, n, _ in rated), Fraction(0))
    possible = sum((largest for _, _, largest in rated), Fraction(0))
    count = len(rated)
    mean = total / count if count else None
    means = rule.means
    banded = mean if mean is None or means is None else round_number(mean, means)
    figures: dict[str, Fraction] = {"total": total, "rated": Fraction(count), "possible": possible}
    if banded is not None:
        figures["mean"] = banded
        figures["largest"] = max(largest for _, _, largest in rated)
    band = apply_bands(bands, figures, ruleset.rounding)
    shown = total if rule.kind == "sum_banded" else mean
    display = NOT_COMPUTABLE if shown is None else display_number(shown, means or ruleset.rounding)
    return attrs.evolve(
        result,
        terms=tuple(Term(mem.id, Fraction(1), grade=mem.grade, points=n) for mem, n, _ in rated),
        excluded=tuple(excluded),
        value=shown,
        display=display,
        grade=band.value,
        band=band,
        cause=band.cause,
        total=total,
        rated=count,
        possible=possible,
        mean=mean,
        banded_mean=banded,
        means=None if means is None else (means.places, means.ties),
    )


def _graded_over(
    evaluator: Evaluator,
    rule: m.Aggregate,
    result: AggregateResult,
    used: list[Member],
    cause: Cause | None,
    facts: InspectionFacts,
) -> AggregateResult:
    compiled = evaluator.gradings[rule.using or ""]
    result = attrs.evolve(result, ladder=compiled.ladder.name)
    if cause is not None:
        return attrs.evolve(result, cause=cause)
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
        words = f"the grade of {off[0].id}, `{off[0].rating}`, is not on scale {scale.name}"
        return attrs.evolve(result, items=items, cause=Cause("grade_not_on_scale", words, rule.span))
    if not any(item.counted for item in items):
        cause = Cause("all_items_not_applicable", "every member is not applicable", rule.span)
        return attrs.evolve(result, items=items, cause=cause)
    graded = grade_items(compiled, items, facts)
    why = None
    if graded.grade is None:
        why = Cause("no_rule_holds", f"no rule of grading {compiled.grading.name} holds", compiled.grading.span)
    return attrs.evolve(
        result,
        items=items,
        trace=graded,
        grade=graded.grade,
        display=graded.grade or NOT_COMPUTABLE,
        cause=why,
    )
