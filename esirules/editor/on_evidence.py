"""A criterion on evidence: an open ruleset, a criterion id and an evidence file in, its figure,
grade and explanation out.

Scored exactly as `esirules explain` scores (the same `Scorer` and column spec), except that
the ruleset is read as the editor has it, open parents included. One scoring serves every
criterion of a document until the document, a file it extends, or the evidence changes.
"""

from __future__ import annotations

import os

import attrs

from esirules.diagnostics import DiagnosticError
from esirules.editor.workspace import Document, Workspace
from esirules.evidence.sheet import ColumnSpec
from esirules.explain.request import one_sample
from esirules.explain.scope import explain, resolve_target
from esirules.render.diagnostics import render_text
from esirules.render.explain_markdown import explanation_markdown
from esirules.scoring.columns import Scorer
from esirules.scoring.result import ColumnResult
from esirules.span import Span


@attrs.frozen
class EvidenceSetting:
    """The evidence file (and sample) to score open rulesets on, as the editor configures it."""

    evidence: str
    sample: str | None = None

    def resolved(self, document_path: str, roots: list[str]) -> str:
        """The evidence path: as given if absolute, else under the first workspace folder (or
        beside the ruleset when there is none)."""
        if os.path.isabs(self.evidence):
            return self.evidence
        base = roots[0] if roots else os.path.dirname(document_path)
        return os.path.normpath(os.path.join(base, self.evidence))


@attrs.frozen
class CriterionOnEvidence:
    """A criterion's figure and grade on the evidence (or a section's, or the overall's), with
    its explanation as Markdown; or, when the evidence could not be scored, the problems as
    `esirules` prints them."""

    criterion: str  # the target's id, as `explain` takes it
    evidence: str
    figure: str | None = None
    grade: str | None = None
    explanation: str = ""
    problems: str | None = None
    name: str = ""  # how the target is called, if not by its id alone (`section B`)

    def summary(self) -> str:
        """One line: `B1 on followup.yaml: 33%`, or why there is no figure."""
        where = f"{self.name or self.criterion} on {os.path.basename(self.evidence)}"
        if self.problems is not None:  # (the first problem says why: evidence, sample or criterion)
            first = next((line for line in self.problems.splitlines() if line.strip()), "")
            return f"{where}: {first.strip()}" if first else f"{where}: the evidence could not be scored"
        shown = self.figure if self.grade is None or self.grade == self.figure else f"{self.grade} ({self.figure})"
        return f"{where}: {shown}"

    def to_json(self) -> dict[str, object]:
        return {
            "criterion": self.criterion, "evidence": self.evidence, "figure": self.figure, "grade": self.grade,
            "explanation": self.explanation, "problems": self.problems, "summary": self.summary(),
        }


@attrs.frozen
class _Scored:
    column: ColumnResult | None
    scorer: Scorer
    problems: str | None


class EvidenceScores:
    """Scores open rulesets on evidence, once per version of the ruleset and the evidence."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self._cache: dict[tuple[object, ...], _Scored] = {}

    def _scored(self, document: Document, evidence: str, sample: str | None) -> _Scored:
        analysis = self.workspace.analysis(document)
        try:
            stat = os.stat(evidence)
            stamp: tuple[float, int] | None = (stat.st_mtime, stat.st_size)
        except OSError:
            stamp = None
        key = (document.path, id(analysis), evidence, sample, stamp)
        if key not in self._cache:
            if len(self._cache) > 16:
                self._cache.clear()
            scorer = Scorer(rulesets=self.workspace.sources(document.path))
            spec = ColumnSpec(sample or os.path.basename(evidence), (evidence,), document.path, sample)
            try:
                one_sample(spec, scorer, Span.point(evidence, 1, 1), lambda samples: "set `sample` in the editor's "
                           "esirules settings: " + " or ".join(f"`{s}`" for s in samples))
                (column,) = scorer.score([spec])
                self._cache[key] = _Scored(column, scorer, None)
            except DiagnosticError as error:
                self._cache[key] = _Scored(None, scorer, render_text(error.diagnostics, error.sources))
        return self._cache[key]

    def figures(self, document: Document, setting: EvidenceSetting) -> tuple[dict[str, CriterionOnEvidence], str | None]:
        """Every criterion's, section's and the overall figure and grade (no explanation), by
        target id (`B1`, `B`, `overall`, as `explain` takes them), or the problems found."""
        evidence = setting.resolved(document.path, self.workspace.roots)
        scored = self._scored(document, evidence, setting.sample)
        if scored.column is None:
            return {}, scored.problems
        column = scored.column
        found = {cid: CriterionOnEvidence(cid, evidence, r.display, r.grade) for cid, r in column.criteria.items()}
        for sid, section in column.sections.items():
            if section.score is None and section.grading is None and section.carried_forward is None:
                continue  # (no figure of its own, so none on the sheet either)
            found.setdefault(sid, CriterionOnEvidence(sid, evidence, section.display, section.grade, name=f"section {sid}"))
        if column.overall is not None:
            found.setdefault("overall", CriterionOnEvidence("overall", evidence, column.overall.display, column.overall.grade))
        return found, None

    def explain(self, document: Document, criterion: str, setting: EvidenceSetting) -> CriterionOnEvidence:
        """One criterion on the evidence, explained as `esirules explain --format markdown` does."""
        evidence = setting.resolved(document.path, self.workspace.roots)
        scored = self._scored(document, evidence, setting.sample)
        if scored.column is None:
            return CriterionOnEvidence(criterion, evidence, problems=scored.problems)
        evaluator = scored.scorer.evaluators[document.path]
        try:
            target = resolve_target(evaluator.ruleset, criterion)
        except DiagnosticError as error:
            return CriterionOnEvidence(criterion, evidence, problems=render_text(error.diagnostics, error.sources))
        found = [e for e in (scored.scorer.evidence.get((evidence, document.path)),) if e is not None]
        explanation = explain(scored.column, evaluator, scored.scorer.sources, target, evidence=found)
        column = scored.column
        result = (
            column.criteria.get(target.id) if target.kind == "criterion"
            else column.sections.get(target.id) if target.kind == "section"
            else column.overall if target.kind == "overall" else None
        )
        return CriterionOnEvidence(
            target.id,
            evidence,
            result.display if result else None,
            result.grade if result else None,
            explanation_markdown(explanation),
            name=f"section {target.id}" if target.kind == "section" else "",
        )

