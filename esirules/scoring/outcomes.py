"""Decide the outcomes (issue 11, point 5): a ruleset's outcomes and a column's grades and scores in, outcome results out.

Each test reads what the result tree already holds (a criterion's, section's or the overall's
final grade or score, an earlier outcome's value) and is decided by the language's semantics
(`semantics.level_test`, `decide_outcome`), as the checker's analysis decides it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from esirules.language import model as m
from esirules.language import semantics
from esirules.scoring.causes import Cause
from esirules.scoring.result import (
    NOT_COMPUTABLE,
    CriterionResult,
    LevelTestResult,
    OutcomeResult,
    OutcomeRuleResult,
    OverallResult,
    SectionResult,
)
from esirules.words import display_percent


def outcome_results(
    ruleset: m.Ruleset,
    criteria: Mapping[str, CriterionResult],
    sections: Mapping[str, SectionResult],
    overall: OverallResult | None,
) -> dict[str, OutcomeResult]:
    """Every outcome of the ruleset, in the order declared (each may read those before it)."""
    levels = _Levels(ruleset, criteria, sections, overall)
    for outcome in ruleset.outcomes:
        levels.outcomes[outcome.name] = _outcome(outcome, levels)
    return levels.outcomes


class _Levels:
    def __init__(
        self,
        ruleset: m.Ruleset,
        criteria: Mapping[str, CriterionResult],
        sections: Mapping[str, SectionResult],
        overall: OverallResult | None,
    ):
        self.ruleset, self.criteria, self.sections, self.overall = ruleset, criteria, sections, overall
        self.outcomes: dict[str, OutcomeResult] = {}

    def read(self, test: m.LevelTest) -> tuple[semantics.Reading, str, Cause | None]:
        """What the test's level gives it, how that is shown, and why it gives nothing."""
        if test.level == "outcome":
            outcome = self.outcomes[test.id]
            return outcome.value, outcome.display, outcome.cause
        result: CriterionResult | SectionResult | OverallResult | None = (
            self.overall if test.level == "overall"
            else self.sections.get(test.id) if test.level == "section" else self.criteria.get(test.id)
        )
        if result is None:
            return None, NOT_COMPUTABLE, None
        if test.figure == "grade":
            cause = result.cause
            if not isinstance(result, CriterionResult) and result.grading is not None:
                cause = result.grading.cause or cause
            return result.grade, result.grade or NOT_COMPUTABLE, None if result.grade else cause
        if isinstance(result, CriterionResult):
            return result.value, result.display, result.cause
        score = result.score
        if score is None:
            return None, NOT_COMPUTABLE, result.cause
        return score.value, score.display, score.cause


def _outcome(outcome: m.Outcome, levels: _Levels) -> OutcomeResult:
    rules = outcome.tried()
    tested = [tuple(_test(test, levels) for test in rule.tests) for rule in rules]
    truths = [None if rule.otherwise else semantics.rule_truth([t.holds for t in tests])
              for rule, tests in zip(rules, tested, strict=True)]
    verdict = semantics.decide_outcome(outcome, [True if r.otherwise else t for r, t in zip(rules, truths, strict=True)])
    tried = tuple(
        OutcomeRuleResult(rule.value, rule.otherwise, tests, True if rule.otherwise else truth,
                          number == verdict.rule, span=rule.span)
        for number, (rule, tests, truth) in enumerate(zip(rules, tested, truths, strict=True))
        if number < verdict.tried
    )
    cause = None
    if verdict.value is None:
        cause = _why_not(outcome, tried, verdict)
    return OutcomeResult(
        outcome.name, outcome.label, outcome.values, verdict.value, verdict.value or NOT_COMPUTABLE, cause, tried,
        span=outcome.span,
    )


def _test(test: m.LevelTest, levels: _Levels) -> LevelTestResult:
    found, shown, cause = levels.read(test)
    ladder = levels.ruleset.scale(test.ladder) if test.ladder else None
    holds = semantics.level_test(test, found, ladder)
    value = found if isinstance(found, Fraction) else None
    if value is not None:
        shown = display_percent(value, levels.ruleset.rounding)
    return LevelTestResult(
        test.written, test.level, test.id, test.figure, shown, holds, value, test.threshold,
        cause if holds is None else None, span=test.span,
    )


def _why_not(outcome: m.Outcome, tried: tuple[OutcomeRuleResult, ...], verdict: semantics.OutcomeVerdict) -> Cause:
    if verdict.unknown is not None:
        rule = tried[verdict.unknown]
        test = next(t for t in rule.tests if t.holds is None)
        reading = "score" if test.figure == "score" else "grade" if test.figure == "grade" else "value"
        level = "the overall" if test.level == "overall" else f"{test.level} {test.id}"
        words = f"the rule for `{rule.value}` reads the {reading} of {level}, which is not computable"
        if test.cause is not None:
            words += f" ({test.cause.words})"
        return Cause("level_not_computable", words, test.span)
    return Cause("no_rule_holds", f"no rule of outcome {outcome.name} holds, and it has no `otherwise`", outcome.span)
