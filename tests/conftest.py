"""Shared helpers for the language tests: check text in memory, list what was found."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from esirules.language.check import Checked, check_text

REPO = Path(__file__).resolve().parent.parent

# Checked rulesets are kept in a folder of this run's own (made 0700, as the cache requires), not
# in the user's cache, so a run neither reads nor leaves entries there; the commands the tests
# start inherit it.
if "ESIRULES_CACHE" not in os.environ:
    os.environ["ESIRULES_CACHE"] = os.path.join(tempfile.mkdtemp(prefix="esirules-test-cache-"), "cache")



@pytest.fixture(autouse=True, scope="session")
def _direct_parse_matches_lark() -> Any:
    """Every ruleset and condition a test parses in this process is parsed by Lark as well, and
    the direct parse must give the same nodes, spans included (language/direct.py)."""
    from syntax_helpers import compared

    from esirules.language import parse

    original = parse._direct
    parse._direct = compared  # type: ignore[assignment]
    yield
    parse._direct = original


# The service tests' fixtures (a store on SQLite and on PostgreSQL, the app with a token per role).
pytest_plugins = ["service_support"]


def check_source(text: str, path: str = "t.esi") -> Checked:
    """Check ruleset text as if read from `path`, collecting diagnostics instead of raising."""
    return check_text(text.encode("utf-8"), path, {})


def found(checked: Checked) -> set[tuple[str, int, int]]:
    """The (code, line, column) of every diagnostic."""
    return {(d.code, d.span.line, d.span.column) for d in checked.diagnostics}


@pytest.fixture(scope="session")
def bundled_explanations() -> dict[tuple[str, str], dict[str, Any]]:
    """The JSON explanation of every target in every column of the bundled sheet
    (examples/hertfordshire/summary.yaml), built as `esirules explain` builds them, once per run."""
    from esirules.evidence.sheet import read_sheet_file
    from esirules.explain.scope import explain, targets
    from esirules.render.explain_json import explanation_data
    from esirules.scoring.columns import Scorer

    sheet = read_sheet_file(str(REPO / "examples" / "hertfordshire" / "summary.yaml"))
    assert sheet is not None
    scorer = Scorer()
    columns = scorer.score(sheet.columns)
    out = {}
    for spec, column in zip(sheet.columns, columns):
        ruleset_path = scorer.ruleset_path_for(spec)
        assert ruleset_path is not None
        evaluator = scorer.evaluators[ruleset_path]
        evidence = [scorer.evidence[(path, ruleset_path)] for path in spec.evidence]
        for target in targets(evaluator.ruleset):
            explanation = explain(column, evaluator, scorer.sources, target, evidence=evidence)  # type: ignore[arg-type]
            out[(spec.label, target.id)] = explanation_data(explanation)
    return out
