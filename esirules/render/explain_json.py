"""Render an explanation as JSON: explanation objects in, the documented `esirules.explanation/1` data out.

The schema is in docs/explanation-schema.md. Exact values are fractions as text ("1/3");
every rule reference has the ruleset file, line and column and the line's text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from esirules.explain.objects import (
    AdjustmentExplanation,
    AggregateExplanation,
    BandExplanation,
    BandsExplanation,
    Body,
    Contribution,
    DescriptiveExplanation,
    GradingExplanation,
    GroupExplanation,
    ItemExplanation,
    ItemTargetExplanation,
    MemberSummary,
    NumericalExplanation,
    OverallExplanation,
    QuestionExplanation,
    QuestionTargetExplanation,
    RuleExplanation,
    RuleRef,
    SectionExplanation,
    shown_cases,
)
from esirules.explain.scope import CaseExplanation, Explanation
from esirules.scoring.result import ColumnResult
from esirules.words import fraction_text

POOLING_FORMULAS = {
    "pooled": "Σ (weight × met) ÷ Σ (weight × applicable)",
    "mean of questions": "Σ (weight × met ÷ applicable) ÷ Σ weight, over questions with applicable cases",
}


def explanation_json(explanation: Explanation) -> str:
    return json.dumps(explanation_data(explanation), indent=2, ensure_ascii=False)


def explanation_data(explanation: Explanation) -> dict[str, Any]:
    """The explanation as JSON-ready data."""
    render = _Renderer(explanation.all_cases)
    column = explanation.column
    target = explanation.target
    where = explanation.where
    return {
        "schema": explanation.schema,
        "target": {
            "kind": target.kind,
            "id": target.id,
            "title": target.title,
            "criterion": target.criterion,
            "section": target.section,
        },
        "column": render.column(column, explanation.sample_label, explanation.excluded),
        "ruleset": {
            "name": column.ruleset.name,
            "version": column.ruleset.version,
            "hash": column.ruleset.content_hash,
            "path": column.ruleset.path,
        },
        "evidence": {"path": column.evidence.path, "hash": column.evidence.content_hash},
        "explanation": render.body(explanation.body),
        "where": None
        if where is None
        else {
            "condition": where.condition,
            "phrase": where.phrase,
            "column": render.column(where.column, explanation.sample_label, where.excluded),
            "explanation": render.body(where.body),
        },
        "case": None if explanation.case is None else render.case(explanation.case),
    }


def _fraction(value: Fraction | None) -> str | None:
    return None if value is None else fraction_text(value)


def ref(rule: RuleRef | None) -> dict[str, Any] | None:
    if rule is None:
        return None
    return {
        "file": rule.file,
        "line": rule.line,
        "column": rule.column,
        "end_line": rule.end_line,
        "end_column": rule.end_column,
        "text": rule.text,
    }


class _Renderer:
    def __init__(self, all_cases: bool):
        self.all_cases = all_cases

    def cases(self, ids: Sequence[str]) -> dict[str, Any]:
        shown, complete = shown_cases(ids, self.all_cases)
        return {"count": len(ids), "cases": list(shown), "complete": complete}

    def group(self, group: GroupExplanation) -> dict[str, Any]:
        return {"reason": group.group.reason, "rule": ref(group.rule), **self.cases(group.group.cases)}

    def column(self, column: ColumnResult, sample_label: str | None, excluded: Sequence[GroupExplanation]) -> dict[str, Any]:
        return {
            "label": column.label,
            "sample": column.sample,
            "sample_label": sample_label,
            "cases": column.cases,
            "rounding": {"places": column.rounding.places, "ties": column.rounding.ties},
            "excluded_cases": [self.group(g) for g in excluded],
        }

    def body(self, body: Body) -> dict[str, Any]:
        if isinstance(body, NumericalExplanation):
            return self.numerical(body)
        if isinstance(body, DescriptiveExplanation):
            return self.descriptive(body)
        if isinstance(body, SectionExplanation):
            return self.section(body)
        if isinstance(body, OverallExplanation):
            return self.overall(body)
        if isinstance(body, QuestionTargetExplanation):
            return {"kind": "question", "question": self.question(body.question), "criterion": self.numerical(body.criterion)}
        assert isinstance(body, ItemTargetExplanation)
        return {"kind": "item", "item": self.item(body.item), "criterion": self.descriptive(body.criterion)}

    # --- criteria ---------------------------------------------------------------------------

    def _criterion_head(self, body: NumericalExplanation | DescriptiveExplanation) -> dict[str, Any]:
        c = body.criterion
        return {
            "kind": body.kind,
            "id": c.id,
            "title": c.title,
            "section": c.section,
            "value": _fraction(c.value),
            "display": c.display,
            "reason": c.reason,
            "rule": ref(body.rule),
            "weight": _fraction(c.weight),
            "weight_class": c.weight_class,
            "grade": c.grade,
            "computed_grade": c.computed_grade,
        }

    def numerical(self, body: NumericalExplanation) -> dict[str, Any]:
        c = body.criterion
        return {
            **self._criterion_head(body),
            "pooling": {
                "method": body.pooling,
                "written": body.pooling_written,
                "rule": ref(body.pooling_rule),
                "formula": POOLING_FORMULAS.get(body.pooling, body.pooling),
            },
            "met": _fraction(c.met),
            "applicable": _fraction(c.applicable),
            "questions": [self.question(q) for q in body.questions],
            "contribution": self.contribution(body.contribution),
            "bands": self.bands(body.bands),
            "adjustment": self.adjustment(body.adjustment),
        }

    def question(self, q: QuestionExplanation) -> dict[str, Any]:
        r = q.result
        return {
            "id": r.id,
            "text": r.text,
            "weight": _fraction(r.weight),
            "source": r.source,
            "met": r.met,
            "applicable": r.applicable,
            "value": _fraction(r.value),
            "display": r.display,
            "reason": r.reason,
            "excluded": r.excluded,
            "rule": ref(q.rule),
            "applies_when": None if q.applies is None else {"condition": q.applies, "rule": ref(q.applies_rule)},
            "met_cases": self.cases(r.met_cases),
            "not_met_cases": self.cases(r.not_met_cases),
            "not_applicable": [self.group(g) for g in q.not_applicable],
        }

    def contribution(self, c: Contribution | None) -> dict[str, Any] | None:
        if c is None:
            return None
        return {
            "to": c.parent,
            "to_display": c.parent_display,
            "weight": _fraction(c.weight),
            "value": _fraction(c.value),
            "total_weight": _fraction(c.total_weight),
            "share": _fraction(c.share),
            "reason": c.reason,
        }

    def adjustment(self, a: AdjustmentExplanation | None) -> dict[str, Any] | None:
        if a is None:
            return None
        recorded = None if a.recorded is None else {"file": a.recorded.file, "line": a.recorded.line}
        return {
            "computed_grade": a.computed_grade,
            "grade": a.grade,
            "by": a.by,
            "reason": a.reason,
            "applied": a.applied,
            "note": a.note,
            "recorded": recorded,
        }

    def band(self, b: BandExplanation) -> dict[str, Any]:
        return {
            "value": b.value,
            "otherwise": b.otherwise,
            "holds": b.holds,
            "rule": ref(b.rule),
            "tests": [{"text": t.text, "found": t.found, "holds": t.holds, "rule": ref(t.rule)} for t in b.tests],
        }

    def bands(self, b: BandsExplanation | None) -> dict[str, Any] | None:
        if b is None:
            return None
        return {
            "name": b.result.bands,
            "figure": b.result.figure,
            "value": b.result.value,
            "ties": b.result.ties,
            "reason": b.result.reason,
            "rule": ref(b.rule),
            "tried": [self.band(t) for t in b.tried],
        }

    def item(self, i: ItemExplanation) -> dict[str, Any]:
        r = i.result
        measure = None
        if r.measure is not None:
            mr = r.measure
            measure = {
                "name": mr.measure,
                "label": mr.label,
                "unit": mr.unit,
                "lower_is_better": mr.lower_is_better,
                "actual": _fraction(mr.actual),
                "target": _fraction(mr.target),
                "national_average": _fraction(mr.national_average),
                "performance": _fraction(mr.performance),
                "performance_display": mr.performance_display,
            }
        return {
            "id": r.id,
            "text": r.text,
            "weight": _fraction(r.weight),
            "rating": r.rating,
            "counted": r.counted,
            "reason": r.reason,
            "rule": ref(i.rule),
            "measure": measure,
            "bands": self.bands(i.bands),
        }

    def rule(self, r: RuleExplanation) -> dict[str, Any]:
        res = r.result
        return {
            "grade": res.grade,
            "otherwise": res.otherwise,
            "clauses_hold": res.clauses_hold,
            "gated_by": list(res.gated_by),
            "holds": res.holds,
            "chosen": res.chosen,
            "rule": ref(r.rule),
            "clauses": [
                {
                    "text": c.result.text,
                    "comparison": c.clause.comparison,
                    "value": c.clause.value,
                    "quantifier": {
                        "kind": c.clause.quantifier.kind,
                        "count": c.clause.quantifier.count,
                        "share": _fraction(c.clause.quantifier.share),
                    },
                    "domain": list(c.result.domain),
                    "satisfying": list(c.result.satisfying),
                    "domain_weight": _fraction(c.result.domain_weight),
                    "satisfying_weight": _fraction(c.result.satisfying_weight),
                    "needed": c.result.needed,
                    "found": c.result.found,
                    "holds": c.result.holds,
                    "sentence": c.sentence,
                    "rule": ref(c.rule),
                }
                for c in r.clauses
            ],
        }

    def grading(self, g: GradingExplanation | None) -> dict[str, Any] | None:
        if g is None:
            return None
        return {
            "name": g.name,
            "rule": ref(g.rule),
            "ladder": list(g.ladder),
            "item_scale": list(g.item_scale),
            "cumulative": g.cumulative,
            "monotone": g.monotone,
            "rules": [self.rule(r) for r in g.rules],
            "caps": [self.rule(r) for r in g.caps],
            "rule_grade": g.rule_grade,
            "grade": g.grade,
        }

    def descriptive(self, body: DescriptiveExplanation) -> dict[str, Any]:
        return {
            **self._criterion_head(body),
            "items": [self.item(i) for i in body.items],
            "grading": self.grading(body.grading),
            "higher_grades": [
                {
                    "grade": h.grade,
                    "why_not": list(h.why_not),
                    "rules": [ref(r) for r in h.rules],
                    "smallest_changes": {
                        "options": [
                            [
                                {
                                    "item": c.item,
                                    "rating": c.rating,
                                    "to": c.to,
                                    "steps": c.steps,
                                    "measure": c.measure,
                                    "band": None if c.band is None else self.band(c.band),
                                }
                                for c in option
                            ]
                            for option in h.options
                        ],
                        "grades": list(h.changes.grades),
                        "reason": h.changes.reason,
                    },
                }
                for h in body.higher
            ],
            "adjustment": self.adjustment(body.adjustment),
            "contribution": self.contribution(body.contribution),
        }

    # --- sections and overall ---------------------------------------------------------------

    def member(self, s: MemberSummary) -> dict[str, Any]:
        return {
            "id": s.id,
            "title": s.title,
            "kind": s.kind,
            "value": _fraction(s.value),
            "display": s.display,
            "grade": s.grade,
            "reason": s.reason,
            "rule": ref(s.rule),
        }

    def aggregate(self, a: AggregateExplanation | None) -> dict[str, Any] | None:
        if a is None:
            return None
        r = a.result
        return {
            "kind": r.kind,
            "method": a.method,
            "members_kind": r.members_kind,
            "rule": ref(a.rule),
            "value": _fraction(r.value),
            "display": r.display,
            "grade": r.grade,
            "reason": r.reason,
            "renormalised": r.renormalised,
            "terms": [
                {
                    "member": t.term.member,
                    "weight": _fraction(t.term.weight),
                    "value": _fraction(t.term.value),
                    "display": t.term.display,
                    "product": _fraction(t.product),
                    "grade": t.term.grade,
                    "points": _fraction(t.term.points),
                }
                for t in a.terms
            ],
            "excluded": [{"member": e.member, "reason": e.reason} for e in r.excluded],
            "total_weight": _fraction(a.total_weight),
            "total": _fraction(a.total),
            "bands": self.bands(a.bands),
            "grading": self.grading(a.grading),
        }

    def section(self, body: SectionExplanation) -> dict[str, Any]:
        s = body.section
        return {
            "kind": "section",
            "id": s.id,
            "title": s.title,
            "applies": s.applies,
            "weight": _fraction(s.weight),
            "value": _fraction(s.value),
            "display": s.display,
            "reason": s.reason,
            "grade": s.grade,
            "rule": ref(body.rule),
            "members": [self.member(m) for m in body.members],
            "score": self.aggregate(body.score),
            "grading": self.aggregate(body.grading),
            "contribution": self.contribution(body.contribution),
        }

    def overall(self, body: OverallExplanation) -> dict[str, Any]:
        o = body.overall
        return {
            "kind": "overall",
            "id": "overall",
            "title": o.title,
            "value": _fraction(o.value),
            "display": o.display,
            "reason": o.reason,
            "grade": o.grade,
            "rule": ref(body.rule),
            "members": [self.member(m) for m in body.members],
            "score": self.aggregate(body.score),
            "grading": self.aggregate(body.grading),
        }

    # --- one case ---------------------------------------------------------------------------

    def case(self, c: CaseExplanation) -> dict[str, Any]:
        return {
            "id": c.id,
            "sample": c.sample,
            "in_column": c.in_column,
            "why_not_in_column": c.why_not_in_column,
            "recorded": None if c.recorded is None else {"file": c.recorded.file, "line": c.recorded.line},
            "attributes": [{"name": n, "label": label, "value": v} for n, label, v in c.attributes],
            "criteria": list(c.criteria),
            "graded_from_items": list(c.graded_from_items),
            "answers": [
                {
                    "criterion": a.criterion,
                    "question": a.question,
                    "text": a.text,
                    "answer": a.answer,
                    "status": a.status,
                    "reason": a.reason,
                }
                for a in c.answers
            ],
        }
