"""Render an explanation as JSON: explanation objects in, the documented `esirules.explanation/1` data out.

The schema is in docs/explanation-schema.md. Exact values are fractions as text ("1/3");
every rule reference has the ruleset file, line and column and the line's text. The result
records an explanation holds are written by the result serializer (`result_json`); next to each
reason is its cause: its kind and the rule or evidence it comes from.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from esirules.explain.explainer import Sources
from esirules.explain.judged import JudgedCase
from esirules.explain.objects import (
    AdjustmentExplanation,
    AggregateExplanation,
    BandExplanation,
    BandsExplanation,
    CarriedExplanation,
    Contribution,
    DescriptiveExplanation,
    FactConditionExplanation,
    GradingExplanation,
    GroupExplanation,
    ItemExplanation,
    ItemTargetExplanation,
    MemberSummary,
    NumericalExplanation,
    OutcomeExplanation,
    OverallExplanation,
    QuestionExplanation,
    QuestionTargetExplanation,
    RatingExplanation,
    RuleExplanation,
    RuleRef,
    SectionExplanation,
    Visitor,
    shown_cases,
    visit,
)
from esirules.explain.scope import CaseExplanation, Explanation
from esirules.render.result_json import (
    Data,
    carried_json,
    cause_json,
    evidence_json,
    excluded_member_json,
    fact_condition_json,
    fact_json,
    figure_clause_json,
    figures_json,
    fraction,
    level_test_json,
    location_json,
    measure_json,
    rounding_json,
    ruleset_json,
    term_json,
)
from esirules.render.wording import POOLING_FORMULAS
from esirules.scoring.causes import Cause
from esirules.scoring.result import ColumnResult
from esirules.span import Span


def explanation_json(explanation: Explanation) -> str:
    return json.dumps(explanation_data(explanation), indent=2, ensure_ascii=False)


def explanation_data(explanation: Explanation) -> dict[str, Any]:
    """The explanation as JSON-ready data."""
    render = _Renderer(explanation.all_cases, explanation.sources)
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
        "ruleset": ruleset_json(column.ruleset),
        "evidence": evidence_json(column.evidence),
        "explanation": visit(explanation.body, render),
        "where": None
        if where is None
        else {
            "condition": where.condition,
            "phrase": where.phrase,
            "column": render.column(where.column, explanation.sample_label, where.excluded),
            "explanation": visit(where.body, render),
        },
        "case": None if explanation.case is None else render.case(explanation.case),
    }


def bands_data(bands: BandsExplanation, sources: Sources) -> dict[str, Any]:
    """A figure banded (every band tried, down to the one that gave the value) as JSON-ready data."""
    return _Renderer(False, sources).bands(bands)  # type: ignore[return-value]


_fraction = fraction


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


class _Renderer(Visitor[Data]):
    def __init__(self, all_cases: bool, sources: Sources):
        self.all_cases = all_cases
        self.sources = sources

    def cite(self, span: Span) -> Data:
        """A rule reference with its line's text, for a cause's span."""
        return ref(self.sources.ref(span))  # type: ignore[return-value]

    def cause(self, cause: Cause | None) -> Data | None:
        return cause_json(cause, self.cite)

    def cases(self, ids: Sequence[str]) -> dict[str, Any]:
        shown, complete = shown_cases(ids, self.all_cases)
        return {"count": len(ids), "cases": list(shown), "complete": complete}

    def group(self, group: GroupExplanation) -> dict[str, Any]:
        return {
            "reason": group.group.reason,
            "cause": self.cause(group.group.cause),
            "rule": ref(group.rule),
            **self.cases(group.group.cases),
        }

    def column(self, column: ColumnResult, sample_label: str | None, excluded: Sequence[GroupExplanation]) -> dict[str, Any]:
        return {
            "label": column.label,
            "sample": column.sample,
            "sample_label": sample_label,
            "cases": column.cases,
            "rounding": rounding_json(column.rounding),
            "excluded_cases": [self.group(g) for g in excluded],
            # (only for a ruleset that declares facts: the explanations of others keep their bytes)
            **({"facts": {f.name: fact_json(f) for f in column.facts}} if column.facts else {}),
        }

    def question_target(self, body: QuestionTargetExplanation) -> Data:
        return {"kind": "question", "question": self.question(body.question), "criterion": self.numerical(body.criterion)}

    def item_target(self, body: ItemTargetExplanation) -> Data:
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
            "cause": self.cause(c.cause),
            "rule": ref(body.rule),
            "weight": _fraction(c.weight),
            "weight_class": c.weight_class,
            "weight_rule": ref(body.weight_rule),
            "grade": c.grade,
            "computed_grade": c.computed_grade,
        }

    def numerical(self, body: NumericalExplanation) -> Data:
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
            **self.caps(body),
            "carried_forward": self.carried(body.carried),
        }

    def question(self, q: QuestionExplanation) -> dict[str, Any]:
        r = q.result
        return {
            "id": r.id,
            "text": r.text,
            "weight": _fraction(r.weight),
            "weight_rule": ref(q.weight_rule),
            "source": r.source,
            "met": r.met,
            "applicable": r.applicable,
            "value": _fraction(r.value),
            "display": r.display,
            "reason": r.reason,
            "cause": self.cause(r.cause),
            "excluded": r.excluded,
            "exclusion": self.cause(r.exclusion),
            "rule": ref(q.rule),
            "applies_when": None if q.applies is None else {"condition": q.applies, "rule": ref(q.applies_rule)},
            "met_cases": {**self.cases(r.met_cases), "rule": ref(q.met_rule)},
            "not_met_cases": {**self.cases(r.not_met_cases), "rule": ref(q.met_rule)},
            "not_applicable": [self.group(g) for g in q.not_applicable],
            "ratings": [self.rating(rating) for rating in q.ratings],
        }

    def rating(self, rating: RatingExplanation) -> dict[str, Any]:
        return {"value": rating.value, **self.cases(rating.cases), "rules": [ref(rule) for rule in rating.rules]}

    def judged(self, j: JudgedCase | None) -> dict[str, Any] | None:
        if j is None:
            return None
        return {
            "rating": j.rating,
            "reason": j.reason,
            "rule": ref(j.rule),
            "prompts": [
                {"question": p.question, "text": p.text, "answer": p.answer, "status": p.status, "reason": p.reason}
                for p in j.prompts
            ],
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
            "cause": self.cause(c.cause),
            "rule": ref(c.rule),
            "where": c.subset,
            "whole_display": c.whole_display,
        }

    def adjustment(self, a: AdjustmentExplanation | None) -> dict[str, Any] | None:
        if a is None:
            return None
        return {
            "computed_grade": a.computed_grade,
            "grade": a.grade,
            "by": a.by,
            "reason": a.reason,
            "applied": a.applied,
            "note": a.note,
            "note_cause": self.cause(a.note_cause),
            "recorded": location_json(a.recorded),
        }

    def carried(self, k: CarriedExplanation | None) -> dict[str, Any] | None:
        """A grade carried forward, not computed: the result's record, its rule with the line's text."""
        return None if k is None else {**carried_json(k.result, self.cite), "rule": ref(k.rule)}

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
            "cause": self.cause(b.result.cause),
            "rule": ref(b.rule),
            "tried": [self.band(t) for t in b.tried],
        }

    def item(self, i: ItemExplanation) -> dict[str, Any]:
        r = i.result
        return {
            "id": r.id,
            "text": r.text,
            "weight": _fraction(r.weight),
            "weight_rule": ref(i.weight_rule),
            "rating": r.rating,
            "counted": r.counted,
            "group": r.group,
            "reason": r.reason,
            "cause": self.cause(r.cause),
            "rule": ref(i.rule),
            "recorded": location_json(i.recorded),
            "measure": None if r.measure is None else measure_json(r.measure),
            "bands": self.bands(i.bands),
        }

    def fact_condition(self, f: FactConditionExplanation) -> dict[str, Any]:
        return {**fact_condition_json(f.result, self.cite), "sentence": f.sentence}

    def caps(self, body: NumericalExplanation | DescriptiveExplanation | SectionExplanation | OverallExplanation) -> Data:
        """A level's caps (issue 11, point 4): every one tried, as in the result, with the grade each
        lowered (`before`), and the grade before them; nothing for a level without caps, so the
        explanations of other rulesets keep their bytes."""
        result = body.criterion if isinstance(body, (NumericalExplanation, DescriptiveExplanation)) else (
            body.section if isinstance(body, SectionExplanation) else body.overall
        )
        if not result.caps:
            return {}
        befores = iter([cap.before for cap in body.caps])
        return {
            "uncapped_grade": result.uncapped_grade,
            "caps": [
                {
                    "grade": cap.grade,
                    "holds": cap.holds,
                    "applied": cap.applied,
                    "before": next(befores) if cap.applied else None,
                    "conditions": [
                        self.fact_condition(FactConditionExplanation(f, self.sources.ref(f.span))) for f in cap.facts
                    ],
                    "rule": self.cite(cap.span),
                }
                for cap in result.caps
            ],
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
                        "noun": c.clause.quantifier.noun,
                        "other": c.clause.quantifier.other,
                        "group": c.clause.quantifier.group,
                    },
                    "member": c.clause.member,
                    "domain": list(c.result.domain),
                    "satisfying": list(c.result.satisfying),
                    "domain_weight": _fraction(c.result.domain_weight),
                    "satisfying_weight": _fraction(c.result.satisfying_weight),
                    "needed": c.result.needed,
                    "found": c.result.found,
                    "holds": c.result.holds,
                    "figure": None if c.result.figure is None else figure_clause_json(c.clause, c.result.figure),
                    "sentence": c.sentence,
                    "rule": ref(c.rule),
                }
                for c in r.clauses
            ],
            # (only for a rule with fact conditions: other explanations keep their bytes)
            **({"facts": [self.fact_condition(f) for f in r.facts]} if r.facts else {}),
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
            **self.caps(body),
            "carried_forward": self.carried(body.carried),
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
            "cause": self.cause(s.cause),
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
            "cause": self.cause(r.cause),
            "renormalised": r.renormalised,
            "terms": [{**term_json(t.term), "rule": ref(t.rule), "weight_rule": ref(t.weight_rule)} for t in a.terms],
            "excluded": [excluded_member_json(e, self.cite) for e in r.excluded],
            "total_weight": _fraction(a.total_weight),
            "total": _fraction(a.total),
            "bands": self.bands(a.bands),
            "grading": self.grading(a.grading),
            "figures": figures_json(r),
        }

    def section(self, body: SectionExplanation) -> dict[str, Any]:
        s = body.section
        return {
            "kind": "section",
            "id": s.id,
            "title": s.title,
            "applies": s.applies,
            "weight": _fraction(s.weight),
            "weight_rule": ref(body.weight_rule),
            "value": _fraction(s.value),
            "display": s.display,
            "reason": s.reason,
            "cause": self.cause(s.cause),
            "grade": s.grade,
            "rule": ref(body.rule),
            "members": [self.member(m) for m in body.members],
            "score": self.aggregate(body.score),
            "grading": self.aggregate(body.grading),
            "contribution": self.contribution(body.contribution),
            "computed_grade": s.computed_grade,
            "adjustment": self.adjustment(body.adjustment),
            **self.caps(body),
            "carried_forward": self.carried(body.carried),
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
            "cause": self.cause(o.cause),
            "grade": o.grade,
            "rule": ref(body.rule),
            "members": [self.member(m) for m in body.members],
            "score": self.aggregate(body.score),
            "grading": self.aggregate(body.grading),
            "computed_grade": o.computed_grade,
            "adjustment": self.adjustment(body.adjustment),
            **self.caps(body),
        }

    def outcome(self, body: OutcomeExplanation) -> dict[str, Any]:
        o = body.outcome
        return {
            "kind": "outcome",
            "id": o.name,
            "title": o.label,
            "values": list(o.values),
            "value": o.value,
            "display": o.display,
            "reason": o.reason,
            "cause": self.cause(o.cause),
            "rule": ref(body.rule),
            "tried": [
                {
                    "value": r.result.value,
                    "otherwise": r.result.otherwise,
                    "holds": r.result.holds,
                    "chosen": r.result.chosen,
                    "rule": ref(r.rule),
                    "tests": [
                        {**level_test_json(t.result, self.cite), "level_rule": ref(t.level)} for t in r.tests
                    ],
                }
                for r in body.tried
            ],
        }

    # --- one case ---------------------------------------------------------------------------

    def case(self, c: CaseExplanation) -> dict[str, Any]:
        return {
            "id": c.id,
            "sample": c.sample,
            "in_column": c.in_column,
            "why_not_in_column": c.why_not_in_column,
            "why_not_cause": self.cause(c.why_not),
            "recorded": location_json(c.recorded),
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
                    "cause": self.cause(a.cause),
                    "judged": self.judged(a.judged),
                }
                for a in c.answers
            ],
        }
