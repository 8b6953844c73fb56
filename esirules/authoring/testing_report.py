"""Report test runs: runs (and their coverage) in, the text `esirules test` prints and its JSON out.

The explanation under a failure is not written here: the command line prints it with the
explanation renderers, as `esirules explain` does (the core imports no terminal library).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from esirules.authoring.coverage import KINDS, Coverage
from esirules.authoring.testing import ExpectationResult, RulesetRun, RulesetTestResult
from esirules.explain.objects import BandsExplanation
from esirules.render.diagnostics import located
from esirules.render.wording import shown_path
from esirules.span import Span
from esirules.words import plural

SCHEMA = "esirules.test/1"
KIND_WORDS = {"grading rule": "grading rules", "cap": "caps", "band row": "band rows", "question": "questions",
              "item": "items", "outcome rule": "outcome rules"}


# ---------------------------------------------------------------------------------------------
# Text


def failure_text(run: RulesetRun, result: RulesetTestResult, outcome: ExpectationResult | None) -> str:
    """One failed expectation (or a test that could not run): where, expected and got."""
    test = result.test
    head = f'FAILED test "{test.name}" ({shown_path(test.span.file)}:{test.span.line})'
    if outcome is None:
        assert result.problem is not None
        problem = result.problem
        lines = [head, f"  could not run: {problem.words}", *located(problem.span, _source(run, problem.span))]
        return "\n".join(lines) + "\n"
    e, found = outcome.expectation, outcome.found
    lines = [head, *located(e.span, _source(run, e.span)), f"  expected: {e.written}"]
    got = found.shown
    if found.exact is not None and found.exact != e.written:
        got += f" (exactly {found.exact})"
    if found.cause is not None:
        got += f" — {found.cause.words}"
    lines.append(f"       got: {got}")
    if outcome.explanation is not None:
        lines.append(f"  how {found.shown} was found:" if found.value is not None else "  why:")
    return "\n".join(lines) + "\n"


def ruleset_line(run: RulesetRun) -> str:
    """`rulesets/esi-2003.esi: 14 tests passed`, or how many failed."""
    total, failed = len(run.results), len(run.failed)
    where = shown_path(run.path)
    if not total:
        return f"{where}: no tests"
    if not failed:
        return f"{where}: {plural(total, 'test')} passed"
    return f"{where}: {failed} of {plural(total, 'test')} failed"


def total_line(runs: Sequence[RulesetRun], unchecked: int) -> str:
    total = sum(len(r.results) for r in runs)
    failed = sum(len(r.failed) for r in runs)
    line = f"{failed} of {plural(total, 'test')} failed" if failed else f"{plural(total, 'test')} passed"
    if unchecked:
        line += f"; {plural(unchecked, 'ruleset')} could not be checked, so {'its' if unchecked == 1 else 'their'} tests did not run"
    return line


def coverage_text(cov: Coverage) -> str:
    """Which grading rules, caps, band rows, questions and items no test exercises, with their lines."""
    where = shown_path(cov.path)
    if cov.percent is None:
        head = f"coverage of {where}: no grading rules, band rows, caps, questions or items of its own"
    else:
        head = f"coverage of {where}: {cov.exercised} of {len(cov.elements)} exercised ({cov.percent}%)"
    lines = [head]
    counts = [(KIND_WORDS[kind], *cov.count(kind)) for kind in KINDS]
    if cov.elements:
        lines.append("  " + ", ".join(f"{words} {done} of {total}" for words, done, total in counts if total))
    if cov.inherited:
        lines.append(f"  ({cov.inherited} more are taken from the ruleset it extends, and counted there)")
    missing = cov.not_exercised()
    if missing:
        lines.append("  not exercised:")
        width = max(len(f"{shown_path(e.span.file)}:{e.span.line}") for e in missing)
        for e in missing:
            at = f"{shown_path(e.span.file)}:{e.span.line}"
            lines.append(f"    {at.ljust(width)}  {_element_words(e.kind, e.owner, e.name)}")
    return "\n".join(lines) + "\n"


def _element_words(kind: str, owner: str, name: str) -> str:
    if kind == "grading rule":
        return f"grading {owner}: the rule for {name}"
    if kind == "cap":
        return f"grading {owner}: the cap at {name}"
    if kind == "band row":
        return f"bands {owner}: the row for {name}"
    if kind == "outcome rule":
        return f"outcome {owner}: a rule for {name}"
    return f"{kind} {name} (criterion {owner})"


def _source(run: RulesetRun, span: Span) -> str | None:
    return run.sources.text(span.file)


# ---------------------------------------------------------------------------------------------
# JSON


def runs_data(runs: Sequence[RulesetRun], coverages: dict[str, Coverage], diagnostics: list[Any]) -> dict[str, Any]:
    """Every run as JSON-ready data (`esirules.test/1`); see docs/authoring-tools.md."""
    total = sum(len(r.results) for r in runs)
    failed = sum(len(r.failed) for r in runs)
    return {
        "schema": SCHEMA,
        "ok": not failed and not diagnostics,
        "tests": total,
        "passed": total - failed,
        "failed": failed,
        "rulesets": [_run_data(run, coverages.get(run.path)) for run in runs],
        "diagnostics": diagnostics,
    }


def _run_data(run: RulesetRun, cov: Coverage | None) -> dict[str, Any]:
    return {
        "file": run.path,
        "ruleset": run.ruleset.name,
        "version": run.ruleset.version,
        "tests": [_test_data(run, result) for result in run.results],
        "passed": len(run.results) - len(run.failed),
        "failed": len(run.failed),
        "coverage": None if cov is None else _coverage_data(cov),
    }


def _test_data(run: RulesetRun, result: RulesetTestResult) -> dict[str, Any]:
    problem = result.problem
    return {
        "name": result.test.name,
        "location": result.test.span.to_json(),
        "passed": result.passed,
        "problem": None if problem is None else {"message": problem.words, "location": problem.span.to_json()},
        "expectations": [_expectation_data(run, outcome) for outcome in result.expectations],
    }


def _expectation_data(run: RulesetRun, outcome: ExpectationResult) -> dict[str, Any]:
    from esirules.render.explain_json import bands_data, explanation_data
    from esirules.render.result_json import cause_json

    e, found = outcome.expectation, outcome.found
    explanation = outcome.explanation
    shown: dict[str, Any] | None = None
    if isinstance(explanation, BandsExplanation):
        shown = bands_data(explanation, run.sources)
    elif explanation is not None:
        shown = explanation_data(explanation)
    return {
        "location": e.span.to_json(),
        "target": {"kind": e.target, "id": e.id},
        "what": e.what,
        "expected": e.written,
        "passed": outcome.passed,
        "found": found.shown,
        "exact": found.exact,
        "cause": cause_json(found.cause),
        "explanation": shown,
    }


def _coverage_data(cov: Coverage) -> dict[str, Any]:
    return {
        "exercised": cov.exercised,
        "total": len(cov.elements),
        "percent": cov.percent,
        "inherited": cov.inherited,
        "counts": {KIND_WORDS[kind]: dict(zip(("exercised", "total"), cov.count(kind))) for kind in KINDS},
        "not_exercised": [
            {"kind": e.kind, "owner": e.owner, "name": e.name, "location": e.span.to_json()}
            for e in cov.not_exercised()
        ],
    }
