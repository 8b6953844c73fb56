"""Explanations of the parts issue 11 added to a level: caps with their facts, grades carried
forward, and outcomes (result records in, explanation objects out; `ref` cites a span)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from esirules.explain.objects import (
    CapExplanation,
    CarriedExplanation,
    FactConditionExplanation,
    LevelTestExplanation,
    OutcomeExplanation,
    OutcomeRuleExplanation,
    RuleRef,
)
from esirules.scoring.result import (
    ColumnResult,
    CriterionResult,
    FactConditionResult,
    LevelTestResult,
    OutcomeResult,
    OverallResult,
    SectionResult,
)
from esirules.span import Span

Ref = Callable[[Span], RuleRef]


def caps_explained(result: CriterionResult | SectionResult | OverallResult, ref: Ref) -> tuple[CapExplanation, ...]:
    """A level's caps that lowered its grade, in the order applied, each with the grade before it."""
    out = []
    grade = result.uncapped_grade
    for cap in result.caps:
        if cap.applied:
            out.append(CapExplanation(cap, ref(cap.span), facts_explained(cap.facts, ref), grade))
            grade = cap.grade
    return tuple(out)

def facts_explained(facts: Sequence[FactConditionResult], ref: Ref) -> tuple[FactConditionExplanation, ...]:
    """Each fact condition with where it is written."""
    return tuple(FactConditionExplanation(f, ref(f.span)) for f in facts)


def carried_explained(result: CriterionResult | SectionResult, ref: Ref) -> CarriedExplanation | None:
    """A grade carried forward: its source, the rule that allows it, where the evidence records it."""
    found = result.carried_forward
    if found is None:
        return None
    return CarriedExplanation(found, ref(found.span), found.location)


def outcome_explanation(column: ColumnResult, name: str, ref: Ref) -> OutcomeExplanation:
    """An outcome: every rule tried, each test with the level it read."""
    result = column.outcomes[name]
    tried = tuple(
        OutcomeRuleExplanation(rule, ref(rule.span), tuple(
            LevelTestExplanation(test, _level_ref(column, test, ref)) for test in rule.tests
        ))
        for rule in result.tried
    )
    return OutcomeExplanation(result, ref(result.span), tried)

def _level_ref(column: ColumnResult, test: LevelTestResult, ref: Ref) -> RuleRef | None:
    """Where the level a test read is written."""
    found: CriterionResult | SectionResult | OverallResult | OutcomeResult | None = (
        column.overall if test.level == "overall"
        else column.sections.get(test.id) if test.level == "section"
        else column.criteria.get(test.id) if test.level == "criterion"
        else column.outcomes.get(test.id) if test.level == "outcome"
        else None  # a fact test: its facts are shown with their values
    )
    return None if found is None else ref(found.span)
