"""Explain one column: a column spec and a target (with `--where`, `--case` options) in, explanation objects out.

The command line (`esirules explain`) and the service both call `explain_spec`, so an
explanation is computed the same way whoever asks for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from esirules.evidence.sheet import ColumnSpec
    from esirules.explain.scope import Explanation
    from esirules.scoring.columns import Scorer
    from esirules.span import Span


def one_sample(spec: ColumnSpec, scorer: Scorer, at: Span, choose: Callable[[list[str]], str],
               sources: dict[str, str] | None = None) -> None:
    """Raise E305 when the evidence of `spec` (a column of every case) holds the cases of several
    samples: its sheet has a column for each, so there is no one figure to explain. `choose` says,
    from the samples, how to pick one (`add --sample february or …`); `at` is where the evidence was named."""
    from esirules.diagnostics import Diagnostic, DiagnosticError
    from esirules.words import plural

    samples = None if spec.sample is not None else scorer.samples_in(spec)
    if samples is None or len(samples) < 2:
        return
    raise DiagnosticError([Diagnostic(
        "E305", f"the cases of `{spec.evidence[0]}` belong to {plural(len(samples), 'sample')}, each a column of its "
        "sheet; say which one to explain", at, choose(samples),
    )], sources or {})


def explain_spec(
    spec: ColumnSpec,
    target: str,
    *,
    where: str | None = None,
    case: str | None = None,
    all_cases: bool = False,
    scorer: Scorer | None = None,
) -> Explanation:
    """Score one column as `score` does, then explain `target` from that very result.

    Raises:
        DiagnosticError: every problem found in the inputs, the target, the condition and the case.
    """
    from esirules.diagnostics import Diagnostic, DiagnosticError
    from esirules.explain.scope import explain, find_case, resolve_target
    from esirules.scoring.columns import Scorer
    from esirules.scoring.subset import read_condition, score_where

    scorer = scorer or Scorer()
    (column,) = scorer.score([spec])
    ruleset_path = scorer.ruleset_path_for(spec)
    assert ruleset_path is not None
    evaluator = scorer.evaluators[ruleset_path]
    evidence = [e for e in (scorer.evidence.get((path, ruleset_path)) for path in spec.evidence) if e is not None]
    problems: list[Diagnostic] = []
    sources: dict[str, str] = {}

    def collect(work: Callable[[], Any]) -> Any:
        try:
            return work()
        except DiagnosticError as error:
            problems.extend(error.diagnostics)
            sources.update(error.sources)
            return None

    resolved = collect(lambda: resolve_target(evaluator.ruleset, target))
    condition = None if where is None else collect(lambda: read_condition(where, evaluator.ruleset))
    if case is not None:
        collect(lambda: find_case(evidence, case))
    if problems:
        raise DiagnosticError(problems, sources)
    assert resolved is not None
    subset = None
    if condition is not None:
        subset = (condition, score_where(evaluator, evidence, condition, spec.sample, spec.label))
    return explain(
        column,
        evaluator,
        scorer.sources,
        resolved,
        where=subset,
        evidence=evidence,
        case=case,
        all_cases=all_cases,
    )
