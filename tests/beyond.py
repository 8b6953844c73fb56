"""Helpers for the tests of the language beyond ESI: ruleset text and evidence in, results and
every explanation rendered out (text, Markdown, JSON, HTML), with nothing rendered as `None`."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import yaml
from rich.console import Console

from esirules.evidence.cases import Evidence
from esirules.evidence.load import load_evidence
from esirules.explain.scope import Explanation, explain, resolve_target, targets
from esirules.language.check import check_text
from esirules.language.model import Ruleset
from esirules.render.explain_json import explanation_data
from esirules.render.explain_markdown import explanation_markdown
from esirules.render.explain_text import explanation_tree
from esirules.render.html.explanation import explanation_page
from esirules.render.result_json import column_json
from esirules.scoring.compile import Evaluator, compile_ruleset
from esirules.scoring.evaluate import score
from esirules.scoring.result import ColumnResult

F = Fraction

ANSWER = 'scale answer: yes > partly > no, not applicable "n/a"'
PERFORMANCE = 'scale performance: "very strong" > strong > good > satisfactory > weak, not applicable "n/a"'
LADDER = 'ladder grade: "Very well met" > "Well met" > "Satisfactorily met" > "Partly met" > "Not met" > "Poor"'


def header(name: str = "beyond") -> str:
    return f'ruleset "{name}" version "1"\nrounding: whole percent, halves up\n'


@attrs.frozen
class Scored:
    """A ruleset scored on evidence, with what explanations need."""

    ruleset: Ruleset
    evaluator: Evaluator
    evidence: Evidence
    column: ColumnResult
    sources: dict[str, str]

    def explain(self, text: str) -> Explanation:
        target = resolve_target(self.ruleset, text)
        return explain(self.column, self.evaluator, self.sources, target, evidence=[self.evidence])

    def rendered(self, text: str) -> dict[str, Any]:
        """One target explained in every format; none of them shows Python's `None`."""
        return render_all(self.explain(text))

    def every_target(self) -> dict[str, dict[str, Any]]:
        return {f"{t.kind} {t.id}": self.rendered(t.id) for t in targets(self.ruleset)}


def checked(tmp_path: Path, text: str, name: str = "r.esi"):  # type: ignore[no-untyped-def]
    """Check ruleset text as `esirules check` would (the Checked record: model and diagnostics)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_text(text.encode("utf-8"), str(path), {})


def ruleset_of(tmp_path: Path, text: str, name: str = "r.esi") -> Ruleset:
    found = checked(tmp_path, text, name)
    assert found.ruleset is not None and not [d for d in found.diagnostics if d.severity == "error"], [
        (d.code, d.message, d.span.line) for d in found.diagnostics
    ]
    return found.ruleset  # type: ignore[no-any-return]


def codes(tmp_path: Path, text: str) -> list[str]:
    return [d.code for d in checked(tmp_path, text).diagnostics]


def score_text(tmp_path: Path, text: str, data: dict[str, Any], sample: str | None = None) -> Scored:
    path = tmp_path / "r.esi"
    found = checked(tmp_path, text)
    assert found.ruleset is not None, [(d.code, d.message, d.span.line) for d in found.diagnostics]
    data = {"ruleset": path.name, **data}
    evidence_path = tmp_path / "evidence.yaml"
    evidence_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    evidence = load_evidence(str(evidence_path), found.ruleset)
    evaluator = compile_ruleset(found.ruleset)
    column = score(evaluator, evidence, sample=sample)
    column_json(column)  # every result serialises
    return Scored(found.ruleset, evaluator, evidence, column, dict(found.sources))


def render_all(explanation: Explanation) -> dict[str, Any]:
    console = Console(file=io.StringIO(), width=120)
    console.print(explanation_tree(explanation))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    markdown = explanation_markdown(explanation)
    data = explanation_data(explanation)
    page = explanation_page(explanation)
    as_json = json.dumps(data)
    for name, shown in (("text", text), ("markdown", markdown), ("html", page)):
        assert "None" not in shown, f"{name} shows None:\n{shown}"
    return {"text": text, "markdown": markdown, "json": json.loads(as_json), "html": page}
