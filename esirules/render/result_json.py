"""Serialise the result tree: result records in, JSON-ready data out.

The one serializer of results: the sheet's document (`esirules.result/1`, docs/result-schema.md)
is `column_json` of each column, and the explanation's (`esirules.explanation/1`) writes the
result records it holds with the functions here. Exact values are fractions as text ("1/3"). A
cause is written as its kind and where it comes from; a span is written by `cite`, which the
sheet leaves at `span_json` and an explanation replaces by a reference with the line's text.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from esirules.evidence.cases import Location
from esirules.language import model as m
from esirules.language.model import Rounding
from esirules.scoring.causes import Cause
from esirules.scoring.result import (
    AdjustmentResult,
    AggregateResult,
    CarriedForwardResult,
    ColumnResult,
    CriterionResult,
    EvidenceRef,
    ExcludedMember,
    FactConditionResult,
    FactReading,
    FigureResult,
    LevelTestResult,
    MeasureResult,
    OutcomeResult,
    OverallResult,
    QuestionResult,
    RulesetRef,
    SectionResult,
    Term,
)
from esirules.span import Span
from esirules.words import fraction_text

Data = dict[str, Any]
Cite = Callable[[Span], Data]

RESULT_SCHEMA = "esirules.result/1"


def fraction(value: Fraction | None) -> str | None:
    """An exact value: "33/100", "3", or None."""
    return None if value is None else fraction_text(value)


def span_json(span: Span) -> Data:
    return span.to_json()


def location_json(location: Location | None) -> Data | None:
    """Where evidence records something: its file and line (and, in a workbook, the sheet of the row)."""
    if location is None:
        return None
    found: Data = {"file": location.file, "line": location.line}
    if location.sheet is not None:
        found["sheet"] = location.sheet
    return found


def cause_json(cause: Cause | None, cite: Cite = span_json) -> Data | None:
    """A cause's kind and where it comes from: the rule (ruleset span) and the evidence location."""
    if cause is None:
        return None
    return {
        "kind": cause.kind,
        "rule": None if cause.span is None else cite(cause.span),
        "evidence": location_json(cause.evidence),
    }


def ruleset_json(ruleset: RulesetRef) -> Data:
    return {"name": ruleset.name, "version": ruleset.version, "hash": ruleset.content_hash, "path": ruleset.path}


def evidence_json(evidence: EvidenceRef) -> Data:
    return {"path": evidence.path, "hash": evidence.content_hash}


def rounding_json(rounding: Rounding) -> Data:
    return {"places": rounding.places, "ties": rounding.ties}


def adjustment_json(adjustment: AdjustmentResult, cite: Cite = span_json) -> Data:
    return {
        "grade": adjustment.grade,
        "by": adjustment.by,
        "reason": adjustment.reason,
        "applied": adjustment.applied,
        "note": adjustment.note,
        "note_cause": cause_json(adjustment.cause, cite),
    }


def carried_json(carried: CarriedForwardResult, cite: Cite = span_json) -> Data:
    """An earlier judgement a criterion or section keeps: its grade, where it comes from, how long it may stand."""
    return {
        "grade": carried.grade,
        "inspection": carried.inspection,
        "date": None if carried.date is None else carried.date.isoformat(),
        "reference": carried.reference,
        "allowed": carried.allowed,
        "allowed_months": carried.months,
        "until": None if carried.until is None else carried.until.isoformat(),
        "rule": cite(carried.span),
        "evidence": location_json(carried.location),
    }


def measure_json(measure: MeasureResult) -> Data:
    return {
        "name": measure.measure,
        "label": measure.label,
        "unit": measure.unit,
        "lower_is_better": measure.lower_is_better,
        "actual": fraction(measure.actual),
        "target": fraction(measure.target),
        "national_average": fraction(measure.national_average),
        "performance": fraction(measure.performance),
        "performance_display": measure.performance_display,
    }


def term_json(term: Term) -> Data:
    return {
        "member": term.member,
        "weight": fraction(term.weight),
        "value": fraction(term.value),
        "display": term.display,
        "product": fraction(term.product),
        "share": fraction(term.share),
        "grade": term.grade,
        "points": fraction(term.points),
    }


def excluded_member_json(excluded: ExcludedMember, cite: Cite = span_json) -> Data:
    return {"member": excluded.member, "reason": excluded.reason, "cause": cause_json(excluded.cause, cite)}


# ---------------------------------------------------------------------------------------------
# The sheet's document: a column of results


def result_data(title: str, columns: list[ColumnResult]) -> Data:
    """The `esirules.result/1` document of a sheet's columns."""
    return {"schema": RESULT_SCHEMA, "title": title, "columns": [column_json(c) for c in columns]}


def column_json(column: ColumnResult) -> Data:
    """One column: its provenance, then every criterion, section and the overall."""
    return {
        "label": column.label,
        "ruleset": ruleset_json(column.ruleset),
        "evidence": evidence_json(column.evidence),
        "sample": column.sample,
        "rounding": rounding_json(column.rounding),
        "criteria": {cid: criterion_json(c) for cid, c in column.criteria.items()},
        "sections": {sid: section_json(s) for sid, s in column.sections.items()},
        "overall": None if column.overall is None else headline_json(column.overall),
        # (only when there are some: the document of evidence without warnings keeps its bytes)
        **({"warnings": [warning.to_json() for warning in column.warnings]} if column.warnings else {}),
        # (only for a ruleset that declares facts, likewise)
        **({"facts": {f.name: fact_json(f) for f in column.facts}} if column.facts else {}),
        **({"inspection_date": column.inspection_date.isoformat()} if column.inspection_date is not None else {}),
        **({"outcomes": {n: outcome_json(o) for n, o in column.outcomes.items()}} if column.outcomes else {}),
    }


def fact_json(fact: FactReading) -> Data:
    """A fact's value for the inspection: as recorded (and where), or the ruleset's default."""
    return {"value": fact.value, "defaulted": fact.defaulted, "evidence": location_json(fact.location)}


def fact_condition_json(condition: FactConditionResult, cite: Cite = span_json) -> Data:
    """A fact condition of a rule or cap: as written, whether it held, the facts it read."""
    return {
        "condition": condition.text,
        "holds": condition.holds,
        "facts": {f.name: fact_json(f) for f in condition.facts},
        "rule": cite(condition.span),
    }


def caps_json(result: CriterionResult | SectionResult | OverallResult, cite: Cite = span_json) -> Data:
    """A level's caps (`no better than X when fact ...`), each tried, and the grade before the one
    that bound; nothing for a level without caps."""
    if not result.caps:
        return {}
    out: Data = {
        "caps": [
            {
                "grade": cap.grade,
                "holds": cap.holds,
                "applied": cap.applied,
                "conditions": [fact_condition_json(c, cite) for c in cap.facts],
                "rule": cite(cap.span),
            }
            for cap in result.caps
        ]
    }
    if result.uncapped_grade is not None:
        out["uncapped_grade"] = result.uncapped_grade
    return out


def criterion_json(criterion: CriterionResult) -> Data:
    out: Data = {
        "title": criterion.title,
        "kind": criterion.kind,
        "section": criterion.section,
        "weight": fraction(criterion.weight),
        "weight_class": criterion.weight_class,
        "value": fraction(criterion.value),
        "display": criterion.display,
    }
    if criterion.cause is not None:
        out["reason"] = criterion.reason
        out["cause"] = cause_json(criterion.cause)
    if criterion.grade is not None:
        out["grade"] = criterion.grade
    if criterion.adjustment is not None:
        out["computed_grade"] = criterion.computed_grade
        out["adjustment"] = adjustment_json(criterion.adjustment)
    out.update(caps_json(criterion))
    if criterion.carried_forward is not None:
        out["carried_forward"] = carried_json(criterion.carried_forward)
    judgements = [q for q in criterion.questions if q.is_judgement]
    if judgements:  # (only then: a criterion without judgements keeps its bytes)
        out["judgements"] = {q.id: judgement_json(q) for q in judgements}
    return out


def judgement_json(question: QuestionResult) -> Data:
    """A judgement pooled over the cases: how many cases each rating (best first), met of applicable."""
    return {
        "ratings": {rating.value: len(rating.cases) for rating in question.ratings},
        "met": question.met,
        "applicable": question.applicable,
        "value": fraction(question.value),
        "display": question.display,
    }


def section_json(section: SectionResult) -> Data:
    return {"title": section.title, "weight": fraction(section.weight), **headline_json(section)}


def headline_json(result: SectionResult | OverallResult) -> Data:
    """A section's or the overall's figure (and grade), or why there is none."""
    out: Data = {"title": result.title, "value": fraction(result.value), "display": result.display}
    if result.cause is not None:
        out["reason"] = result.reason
        out["cause"] = cause_json(result.cause)
    if result.grade is not None:
        out["grade"] = result.grade
    if result.adjustment is not None:
        out["computed_grade"] = result.computed_grade
        out["adjustment"] = adjustment_json(result.adjustment)
    figures = figures_json(result.grading)
    if figures is not None:
        out["figures"] = figures
    out.update(caps_json(result))
    if isinstance(result, SectionResult) and result.carried_forward is not None:
        out["carried_forward"] = carried_json(result.carried_forward)
    return out


def figures_json(aggregate: AggregateResult | None) -> Data | None:
    """A total or mean of grades banded (issue 11, point 1): every member's number and the
    figures the bands read, so the grade can be recomputed. None for other aggregates."""
    if aggregate is None or aggregate.kind not in ("sum_banded", "mean_banded"):
        return None
    means = aggregate.means
    return {
        "kind": "sum" if aggregate.kind == "sum_banded" else "mean",
        "members": {term.member: fraction(term.points) for term in aggregate.terms},
        "total": fraction(aggregate.total),
        "rated": aggregate.rated,
        "possible": fraction(aggregate.possible),
        "mean": fraction(aggregate.mean),
        "banded_mean": fraction(aggregate.banded_mean),
        "means": None if means is None else {"places": means[0], "ties": means[1]},
    }


def outcome_json(outcome: OutcomeResult, cite: Cite = span_json) -> Data:
    """An outcome's value (or why there is none), its values in precedence order and the rule that gave it."""
    chosen = outcome.chosen
    out: Data = {
        "label": outcome.label,
        "values": list(outcome.values),
        "value": outcome.value,
        "display": outcome.display,
        "rule": None if chosen is None else cite(chosen.span),
    }
    if outcome.cause is not None:
        out["reason"] = outcome.reason
        out["cause"] = cause_json(outcome.cause, cite)
    return out


def level_test_json(test: LevelTestResult, cite: Cite = span_json) -> Data:
    return {
        "text": test.text,
        "level": test.level,
        "id": test.id,
        "figure": test.figure,
        "found": test.found,
        "value": fraction(test.value),
        "threshold": fraction(test.threshold),
        "holds": test.holds,
        "cause": cause_json(test.cause, cite),
        "rule": cite(test.span),
    }


def figure_clause_json(clause: m.Clause, figure: FigureResult) -> Data:
    """A figure clause (issue 11, point 1): what it compares, and every member's number and
    weight, so the figure and whether it held can be recomputed from the JSON alone."""
    spec = clause.figure
    assert spec is not None
    return {
        "kind": figure.kind,
        "comparison": spec.comparison,
        "operand": fraction(spec.operand),
        "of_possible": spec.of_possible,
        "members": [
            {"member": member, "number": fraction(number), "weight": fraction(weight)}
            for member, number, weight in zip(figure.members, figure.numbers, figure.weights)
        ],
        "value": fraction(figure.value),
        "compared": fraction(figure.compared),
        "possible": fraction(figure.possible),
        "bound": fraction(figure.bound),
        "rounding": None if figure.rounding is None else {"places": figure.rounding[0], "ties": figure.rounding[1]},
    }
