"""Run the tests written in a ruleset: a checked ruleset in, each expectation's verdict out.

Each test's evidence (`testing_cases`) is scored by the compiled ruleset exactly as `esirules
score` scores an inspection (`scoring.evaluate.score`); each expectation then reads its target
from that column of results. A failed expectation carries the explanation `esirules explain`
gives of the same target (`explain.scope.explain`; for bands, `Explainer.bands`), so a report
can show which rule fired and which counts produced the value.

A percentage is compared rounded to the decimal places it is written with (halves as the
ruleset rounds them): `expect score 56%` holds for 55.7%. A fraction is compared exactly.

Adding a kind of target (outcomes, say) is one reader in `READERS`, which finds the target's
value in the column, and one case in `coverage.exercised`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

import attrs

from esirules.evidence.cases import Evidence
from esirules.explain.explainer import Explainer, Sources
from esirules.explain.objects import BandsExplanation
from esirules.explain.scope import Explanation, explain, targets
from esirules.language import model as m
from esirules.scoring.causes import Cause
from esirules.scoring.compile import Evaluator, compile_ruleset
from esirules.scoring.descriptive import band_target_data, performance
from esirules.scoring.evaluate import score
from esirules.scoring.grading import apply_bands
from esirules.scoring.result import NOT_COMPUTABLE, AggregateResult, BandResult, ColumnResult
from esirules.span import Span
from esirules.words import display_percent, fraction_text, number_text, round_percent


@attrs.frozen
class Found:
    """What a target came to: the value as shown and as compared, or why there is none."""

    shown: str
    value: str | Fraction | None  # a grade, rating or band value; a score; None: not computable
    cause: Cause | None = None
    band: BandResult | None = None  # for bands: the figure banded

    @property
    def exact(self) -> str | None:
        """A score exactly, as a fraction (`7/10`)."""
        return fraction_text(self.value) if isinstance(self.value, Fraction) else None


@attrs.frozen
class ExpectationResult:
    """One expectation's verdict; when it failed, the explanation of what was found."""

    expectation: m.Expectation
    passed: bool
    found: Found
    explanation: Explanation | BandsExplanation | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Problem:
    """Why a test could not be run at all, and the ruleset text behind it."""

    words: str
    span: Span


@attrs.frozen
class RulesetTestResult:
    """A test's expectations, each with its verdict; or why it could not be run."""

    test: m.RulesetTest
    expectations: tuple[ExpectationResult, ...] = ()
    problem: Problem | None = None
    column: ColumnResult | None = attrs.field(default=None, eq=False, repr=False)  # what its evidence scored

    @property
    def passed(self) -> bool:
        return self.problem is None and all(e.passed for e in self.expectations)


@attrs.frozen
class RulesetRun:
    """Every test of one ruleset, run."""

    path: str
    ruleset: m.Ruleset
    results: tuple[RulesetTestResult, ...]
    sources: Sources = attrs.field(eq=False, repr=False)

    @property
    def failed(self) -> tuple[RulesetTestResult, ...]:
        return tuple(r for r in self.results if not r.passed)


def run_tests(ruleset: m.Ruleset, sources: Mapping[str, str], *, explain_all: bool = False) -> RulesetRun:
    """Run every test written in `ruleset` (checked, with the texts the checker read).

    Args:
        ruleset: the checked ruleset; its tests are those written in its own file.
        sources: the ruleset texts by path, for the explanations' rule references.
        explain_all: explain every expectation, not only those that failed.
    """
    evaluator = compile_ruleset(ruleset)
    results = tuple(_run(evaluator, test, sources, explain_all) for test in ruleset.tests)
    return RulesetRun(ruleset.path, ruleset, results, Sources(sources))


def _run(
    evaluator: Evaluator, test: m.RulesetTest, sources: Mapping[str, str], explain_all: bool
) -> RulesetTestResult:
    from esirules.authoring.testing_cases import CasesError, evidence_of

    try:
        evidence = evidence_of(evaluator, test)
    except CasesError as error:
        return RulesetTestResult(test, problem=Problem(error.words, error.span))
    column = score(evaluator, evidence, label=f'test "{test.name}"')
    reading = Reading(evaluator, column, evidence)
    results = []
    for expectation in test.expectations:
        found = READERS[expectation.target](reading, expectation)
        passed = _holds(expectation, found, evaluator.ruleset.rounding)
        explanation = None
        if explain_all or not passed:
            explanation = _explanation(reading, expectation, found, sources)
        results.append(ExpectationResult(expectation, passed, found, explanation))
    return RulesetTestResult(test, tuple(results), column=column)


def _holds(e: m.Expectation, found: Found, rounding: m.Rounding) -> bool:
    if e.what in ("total", "mean", "rated"):  # compared exactly
        return isinstance(found.value, Fraction) and found.value == e.score
    if e.what != "score":
        return found.value is not None and found.value == e.value
    if not isinstance(found.value, Fraction) or e.score is None:
        return False
    if e.places is None:
        return found.value == e.score
    return round_percent(found.value, m.Rounding(e.places, rounding.ties)) == e.score * 100


# ---------------------------------------------------------------------------------------------
# Reading a target from the column of results


@attrs.frozen
class Reading:
    """What a test's evidence came to: the column of results, and what was scored."""

    evaluator: Evaluator
    column: ColumnResult
    evidence: Evidence


def _score(value: Fraction | None, cause: Cause | None, e: m.Expectation, rounding: m.Rounding) -> Found:
    if value is None:
        return Found(NOT_COMPUTABLE, None, cause)
    shown = rounding if e.places is None else m.Rounding(e.places, rounding.ties)
    return Found(display_percent(value, shown), value)


def _value(value: str | None, cause: Cause | None) -> Found:
    return Found(NOT_COMPUTABLE if value is None else value, value, None if value is not None else cause)


def _criterion(r: Reading, e: m.Expectation) -> Found:
    result = r.column.criteria[e.id]
    if e.what == "score":
        return _score(result.value, result.cause, e, r.column.rounding)
    return _value(result.grade, result.cause)


def _item(r: Reading, e: m.Expectation) -> Found:
    criterion = next(c for c in r.evaluator.ruleset.criteria() if any(i.id == e.id for i in c.items))
    result = r.column.criteria[criterion.id]
    item = next((i for i in result.items if i.id == e.id), None)
    if item is None:  # the criterion could not rate its items (it names no grading)
        return Found(NOT_COMPUTABLE, None, result.cause)
    # An item's causes are worded to follow its name (`item A1.psr has no target data ...`).
    return _value(item.rating, None if item.cause is None else item.cause.restated(f"item {item.id} {item.cause}"))


def _figure(aggregate: AggregateResult | None, cause: Cause | None, e: m.Expectation) -> Found:
    """`expect section B total 9`: a total or mean of grades' figure (the mean as banded)."""
    if aggregate is None:
        return Found(NOT_COMPUTABLE, None, cause)
    value = {
        "total": aggregate.total,
        "mean": aggregate.banded_mean,
        "rated": None if aggregate.rated is None else Fraction(aggregate.rated),
    }[e.what]
    if value is None:
        return Found(NOT_COMPUTABLE, None, aggregate.cause or cause)
    return Found(number_text(value), value)


def _section(r: Reading, e: m.Expectation) -> Found:
    result = r.column.sections[e.id]
    if e.what in ("total", "mean", "rated"):
        return _figure(result.grading, result.cause, e)
    if e.what == "score":
        aggregate = result.score
        return _score(aggregate.value if aggregate else None, aggregate.cause if aggregate else result.cause,
                      e, r.column.rounding)
    return _value(result.grade, result.grading.cause if result.grading else result.cause)


def _overall(r: Reading, e: m.Expectation) -> Found:
    result = r.column.overall
    assert result is not None  # INVARIANT: the checker let the test expect the overall only if there is one
    if e.what in ("total", "mean", "rated"):
        return _figure(result.grading, result.cause, e)
    if e.what == "score":
        aggregate = result.score
        return _score(aggregate.value if aggregate else None, aggregate.cause if aggregate else result.cause,
                      e, r.column.rounding)
    return _value(result.grade, result.grading.cause if result.grading else result.cause)


def _bands(r: Reading, e: m.Expectation) -> Found:
    ruleset = r.evaluator.ruleset
    bands = ruleset.band_set(e.id)
    if e.figure == "measure":
        assert e.measure is not None
        measure = ruleset.measure(e.measure)
        figures = r.evidence.measures[e.measure]
        shared = performance(figures, measure)
        if shared is None:
            divisor = "actual" if measure.lower_is_better else "target"
            words = f"measure {measure.name} has no performance figure: its {divisor} is 0"
            return Found(NOT_COMPUTABLE, None, Cause("no_performance_figure", words, measure.span))
        band = band_target_data(bands, shared, figures, measure, ruleset.rounding)
    else:
        assert e.figure is not None and e.number is not None
        band = apply_bands(bands, {e.figure: e.number}, ruleset.rounding)
    found = _value(band.value, band.cause)
    return attrs.evolve(found, band=band)


def _outcome(r: Reading, e: m.Expectation) -> Found:
    result = r.column.outcomes[e.id]
    return _value(result.value, result.cause)


READERS: dict[m.TargetKind, Callable[[Reading, m.Expectation], Found]] = {
    "criterion": _criterion,
    "item": _item,
    "bands": _bands,
    "section": _section,
    "overall": _overall,
    "outcome": _outcome,
}


def _explanation(
    r: Reading, e: m.Expectation, found: Found, sources: Mapping[str, str]
) -> Explanation | BandsExplanation | None:
    """How the value found was worked out: what `esirules explain` shows for the target."""
    if e.target == "bands":
        return None if found.band is None else Explainer(r.column, r.evaluator, sources).bands(found.band)
    kind = "overall" if e.target == "overall" else e.target
    target = next(t for t in targets(r.evaluator.ruleset) if t.kind == kind and t.id == e.id)
    return explain(r.column, r.evaluator, sources, target, evidence=[r.evidence])
