"""Published rulesets through the authoring tools: stored rulesets (and evidence) in, the handbook and the diff out.

The API (`routes_authoring`) and the pages (`pages/rulesets`) both answer from here, and both
with the command line's own documents: `handbook_document` for `esirules handbook`,
`diff_rulesets` and `compare_columns` for `esirules diff --evidence`. Rulesets are read from the
store as the command line reads them from disk; evidence is scored by the library's scorer, as
a run scores it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from esirules.diagnostics import DiagnosticError
from esirules.language.sources import MemorySources
from esirules.service.operation import Context
from esirules.service.problems import found_problems, not_found
from esirules.span import Span

SAMPLE = "?sample"


def published(context: Context, address: str, pointer: str = "{hash}") -> Mapping[str, Any]:
    """The stored row of a published ruleset; 404 when there is none."""
    row = context.store.ruleset(address) if len(address) == 64 else None
    if row is None:
        from esirules.service.routes_store import no_ruleset

        raise no_ruleset(context, address, pointer)
    return row  # type: ignore[no-any-return]


def loaded_ruleset(context: Context, address: str, pointer: str = "{hash}") -> Any:
    """A published ruleset read as `esirules handbook` and `esirules diff` read a file (authoring.written)."""
    from esirules.authoring.written import read_rulesets

    row = published(context, address, pointer)
    (loaded,), _, _ = read_rulesets([row["main"]], MemorySources(context.store.ruleset_files(address)))
    return loaded


def impacts(context: Context, old: str, new: str, evidence: str, samples: Sequence[str | None]) -> list[Any]:
    """The evidence scored under both rulesets, for each sample, compared (what `esirules diff --evidence` does)."""
    from esirules.authoring.impact import compare_columns
    from esirules.evidence.sheet import ColumnSpec
    from esirules.service.routes_store import compiled_ruleset

    stored = context.store.evidence(evidence) if len(evidence) == 64 else None
    if stored is None:
        raise not_found("stored evidence", evidence, "?evidence")
    compiled = [compiled_ruleset(context, address, "?old" if address == old else "?new") for address in (old, new)]
    ladders = [s.values for c in reversed(compiled) for s in c.ruleset.scales if s.is_ladder]
    found = []
    for sample in samples:
        columns = []
        # (a sample the ruleset does not declare is reported where the client wrote it: `?sample`)
        typed = None if sample is None else Span(SAMPLE, 1, 1, 1, len(sample) + 1)
        for one in compiled:
            try:
                main, held = context.library.loaded(
                    one, evidence, lambda: (stored["main"], context.store.evidence_files(evidence)))
                scorer = context.library.scorer(one, main, held, None)
                (column,) = scorer.score([ColumnSpec(stored["title"] or main, (main,), one.main, sample, typed)])
            except DiagnosticError as error:
                at_sample = any(d.span.file == SAMPLE for d in error.diagnostics)
                raise found_problems(error.diagnostics, {SAMPLE: sample} if at_sample and sample else None) from None
            columns.append(column)
        found.append(compare_columns(stored["main"], sample, columns[0], columns[1], ladders))
    return found
