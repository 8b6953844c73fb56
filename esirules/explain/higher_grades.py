"""The grades above a descriptive criterion's computed one: why each was not reached and the
smallest changes of ratings that would reach it (result records in, explanation objects out)."""

from __future__ import annotations

from esirules.explain.counterfactual import SmallestChanges, smallest_changes
from esirules.explain.explain_levels import Ref, facts_explained
from esirules.explain.objects import (
    BandExplanation,
    ChangeExplanation,
    FigureTestExplanation,
    GradingExplanation,
    HigherGrade,
    RuleRef,
)
from esirules.language.model_rules import figure_test_text
from esirules.scoring.compile import Evaluator
from esirules.scoring.facts import InspectionFacts
from esirules.scoring.result import CriterionResult


def higher_grades(
    result: CriterionResult, grading: GradingExplanation, evaluator: Evaluator, facts: InspectionFacts, ref: Ref
) -> tuple[HigherGrade, ...]:
    """Each grade above the computed one, nearest first."""
    assert result.trace is not None and result.computed_grade is not None
    ladder = list(grading.ladder)
    above = ladder[: ladder.index(result.computed_grade)]
    trace_rules = result.trace.rules
    chosen = next((r for r in trace_rules if r.chosen), None)
    out = []
    for grade in reversed(above):
        why: list[str] = []
        refs: list[RuleRef] = []
        rules = [r for r in trace_rules if r.grade == grade and not r.otherwise]
        if not rules:
            why.append(f"no rule of grading {grading.name} gives {grade}")
        for rule in rules:
            refs.append(ref(rule.span))
            failed = [c for c in rule.clauses if not c.holds]
            for clause in failed:
                why.append(f"{clause.text}: needs {clause.needed}; found {clause.found}")
            failed_facts = [f for f in facts_explained(rule.facts, ref) if not f.result.holds]
            why.extend(f.sentence for f in failed_facts)
            if rule.gated_by:
                why.append("the grading is cumulative, and these lower grades were not reached: "
                           + ", ".join(rule.gated_by))
            if not failed and not failed_facts and not rule.gated_by and chosen is not None and chosen is not rule:
                why.append(f"its rule holds, but the rule for {chosen.grade} comes first")
        for cap in result.trace.caps:
            if cap.applied:
                refs.append(ref(cap.span))
                tests = [c.text for c in cap.clauses] + [f"fact {f.text}" for f in cap.facts]
                why.append(f"capped: no better than {cap.grade} when " + " and ".join(tests))
        for level_cap in result.caps:
            if level_cap.holds and grading.ladder.index(level_cap.grade) > grading.ladder.index(grade):
                refs.append(ref(level_cap.span))
                held = "; ".join(f.sentence for f in facts_explained(level_cap.facts, ref))
                why.append(f"capped: criterion {result.id} is no better than {level_cap.grade} when {held}")
        capped_to = any(cap.grade == grade for cap in result.trace.caps) or any(c.grade == grade for c in result.caps)
        if not rules and not capped_to:
            # (ratings raised far enough to leave the computed grade reach a grade a rule gives: not this one)
            given = [g for g in reversed(above) if ladder.index(g) < ladder.index(grade)
                     and any(r.grade == g and not r.otherwise for r in trace_rules)]
            reaches = f", so raised ratings reach {given[0]} or better, not {grade}" if given else ""
            changes = SmallestChanges(result.id, grade, result.computed_grade, (), (),
                                      f"no rule gives {grade}{reaches}")
        else:
            changes = smallest_changes(evaluator, result, grade, facts=facts)
        out.append(HigherGrade(grade, tuple(why), tuple(refs), changes, _options(result, changes, evaluator, ref)))
    return tuple(out)

def _options(
    result: CriterionResult, changes: SmallestChanges, evaluator: Evaluator, ref: Ref
) -> tuple[tuple[ChangeExplanation, ...], ...]:
    band_for: dict[str, BandExplanation] = {}
    model = evaluator.ruleset.criterion(result.id)
    compiled = None if model.grading is None else evaluator.gradings[model.grading]
    if compiled is not None and compiled.measure_bands is not None:
        for band in compiled.measure_bands.bands:
            band_for.setdefault(
                band.value,
                BandExplanation(
                    band.value, band.otherwise, True, ref(band.span),
                    tuple(FigureTestExplanation(figure_test_text(t), "", True, ref(t.span)) for t in band.tests),
                ),
            )
    return tuple(
        tuple(
            ChangeExplanation(
                c.item, c.rating, c.to, c.steps, c.measure, band_for.get(c.to) if c.measure else None
            )
            for c in option
        )
        for option in changes.options
    )
