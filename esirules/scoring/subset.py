"""Score a subset of cases: a condition typed by a user in, the subset's column of the result tree out.

The condition is parsed with the ruleset grammar (`parse.parse_condition`), checked against the
ruleset's attributes by the checker rulesets use (`check_conditions.check_condition`), and the
cases it selects are scored by the same evaluator as every other column (`Cases.take`, then
`score_batch`, `merge`, `finish`), so a subset's figures are computed exactly as a sample's are.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from esirules.diagnostics import DiagnosticError
from esirules.evidence.cases import Evidence
from esirules.language import model as m
from esirules.scoring.compile import Evaluator, compile_condition
from esirules.scoring.evaluate import finish, merge, score_batch
from esirules.scoring.result import ColumnResult

WHERE = "--where"


def read_condition(text: str, ruleset: m.Ruleset, origin: str = WHERE) -> m.Condition:
    """A condition over the ruleset's case attributes, or a DiagnosticError pointing into `text`."""
    # (imported here: `esirules explain` without `--where` loads neither the parser nor the checker)
    from esirules.language.check_conditions import check_condition
    from esirules.language.parse import parse_condition

    node, problems = parse_condition(text, origin)
    condition = None
    if node is not None:
        condition, problems = check_condition(node, {a.name: a for a in ruleset.attributes})
    if condition is None:
        raise DiagnosticError(problems, {origin: text})
    return condition


def score_where(
    evaluator: Evaluator,
    evidence: Sequence[Evidence],
    condition: m.Condition,
    sample: str | None = None,
    label: str | None = None,
) -> ColumnResult:
    """Score only the cases for which `condition` holds (within `sample`, if one is given)."""
    compiled = compile_condition(condition, evaluator.ruleset)
    partials = []
    for part in evidence:
        chosen = part.cases.take(compiled.mask(part.cases))
        partials.append(score_batch(evaluator, attrs.evolve(part, cases=chosen), sample))
    return finish(merge(partials), label, evaluator=evaluator)
