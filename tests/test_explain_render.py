"""Explanations render in every format for every target, and the parts they are built from behave."""

from __future__ import annotations

import contextlib
import io
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import REPO
from rich.console import Console

from esirules.cli.main import main
from esirules.diagnostics import DiagnosticError
from esirules.evidence.sheet import read_sheet_file
from esirules.explain.objects import condition_phrase, lower_first, shown_cases
from esirules.explain.scope import explain, resolve_target, targets
from esirules.language import model as m
from esirules.language.check import load_ruleset
from esirules.language.parse import parse_condition
from esirules.render.explain_markdown import explanation_markdown
from esirules.render.explain_text import explanation_tree
from esirules.scoring.columns import Scorer
from esirules.scoring.subset import read_condition, score_where

SUMMARY = REPO / "examples" / "hertfordshire" / "summary.yaml"
FOLLOWUP_RULES = REPO / "rulesets" / "esi-2004-followup.esi"


@pytest.fixture(scope="module")
def ruleset() -> m.Ruleset:
    return load_ruleset(str(FOLLOWUP_RULES))


def test_every_target_renders_as_text_and_markdown() -> None:
    sheet = read_sheet_file(str(SUMMARY))
    assert sheet is not None
    scorer = Scorer()
    columns = scorer.score(sheet.columns)
    rendered = 0
    for spec, column in zip(sheet.columns, columns):
        ruleset_path = scorer.ruleset_path_for(spec)
        assert ruleset_path is not None
        evaluator = scorer.evaluators[ruleset_path]
        evidence = [scorer.evidence[(p, ruleset_path)] for p in spec.evidence]
        for target in targets(evaluator.ruleset):
            explanation = explain(column, evaluator, scorer.sources, target, evidence=evidence)  # type: ignore[arg-type]
            console = Console(file=io.StringIO(), width=110)
            console.print(explanation_tree(explanation))
            text = console.file.getvalue()  # type: ignore[attr-defined]
            assert text.startswith(target.id if target.kind != "section" else f"Section {target.id}") or (
                target.kind == "overall"
            ), text[:80]
            markdown = explanation_markdown(explanation)
            assert markdown.startswith("## ") and len(markdown) > 40
            rendered += 1
    assert rendered > 400


def test_condition_phrases(ruleset: m.Ruleset) -> None:
    def phrase(text: str) -> str:
        return condition_phrase(read_condition(text, ruleset), ruleset)

    assert phrase("risk_of_harm >= high") == "risk of harm is high or very high"
    assert phrase("risk_of_harm < medium") == "risk of harm is low"
    assert phrase("order_type in {cro, dtto}") == "order or licence is cro or dtto"
    assert phrase("mappa and not sex_offender") == "mappa is yes and not (sex offender is yes)"
    assert phrase("risk_of_harm = high or (mappa and child_protection)") == (
        "risk of harm is high or (mappa is yes and child protection is yes)"
    )


def test_read_condition_reports_with_the_rulesets_own_checks(ruleset: m.Ruleset) -> None:
    with pytest.raises(DiagnosticError) as caught:
        read_condition("risk_of_harm >= hgh and mapa", ruleset)
    codes = [d.code for d in caught.value.diagnostics]
    assert codes == ["R033", "R030"]  # every problem, as in a ruleset
    assert caught.value.sources == {"--where": "risk_of_harm >= hgh and mapa"}
    node, problems = parse_condition("(" * 70 + "mappa" + ")" * 70)
    assert node is not None and not problems
    with pytest.raises(DiagnosticError) as deep:
        read_condition("not " * 70 + "mappa", ruleset)
    assert [d.code for d in deep.value.diagnostics] == ["R041"]


def test_a_subset_with_no_cases_is_not_computable_not_zero() -> None:
    sheet = read_sheet_file(str(SUMMARY))
    assert sheet is not None
    spec = next(c for c in sheet.columns if c.label == "Feb")
    scorer = Scorer()
    scorer.score([spec])
    path = scorer.ruleset_path_for(spec)
    assert path is not None
    evaluator = scorer.evaluators[path]
    evidence = [scorer.evidence[(p, path)] for p in spec.evidence]
    condition = read_condition("order_type = cpo", evaluator.ruleset)
    subset = score_where(evaluator, evidence, condition, "february", "Feb")  # type: ignore[arg-type]
    assert subset.cases == 0
    assert subset.criteria["B1"].value is None and subset.criteria["B1"].reason == "no applicable cases in this sample"


def test_targets_and_names(ruleset: m.Ruleset) -> None:
    kinds = {t.kind for t in targets(ruleset)}
    assert kinds == {"section", "criterion", "question", "item", "overall"}
    assert resolve_target(ruleset, "overall").kind == "overall"
    assert resolve_target(ruleset, "c").id == "C"
    assert lower_first("Risk of harm") == "risk of harm" and lower_first("OASys is used") == "OASys is used"
    ids = tuple(f"c{i}" for i in range(100))
    assert shown_cases(ids, False) == (ids[:10], False)
    assert shown_cases(ids, True) == (ids, True)
    assert shown_cases(ids[:50], False) == (ids[:50], True)


# ---------------------------------------------------------------------------------------------
# Every kind of rule: the language guide's example rulesets, with evidence made up to fit them

LANGUAGE = REPO / "docs" / "examples" / "language"


def made_up_evidence(ruleset: m.Ruleset, folder: Path) -> Path:
    """Six cases answering every question that applies to them, every item rated, every measure given."""
    from esirules.evidence import conditions

    attributes = {a.name: a for a in ruleset.attributes}
    cases = []
    for number in range(6):
        values: dict[str, object] = {}
        for attribute in ruleset.attributes:
            if attribute.kind == "boolean":
                values[attribute.name] = number % 2 == 0
            elif attribute.kind == "numeric":
                values[attribute.name] = attribute.minimum or 0
            else:
                values[attribute.name] = attribute.values[number % len(attribute.values)]
        sample = ruleset.samples[number % len(ruleset.samples)] if ruleset.samples else None
        answers = {}
        for question in ruleset.questions():
            if question.applies is not None and not conditions.holds(question.applies, values, attributes):
                continue
            if sample is not None and question.id in sample.without_questions:
                continue
            section = ruleset.criterion(question.criterion).section
            if sample is not None and sample.sections is not None and section not in sample.sections:
                continue  # the sample does not ask the questions of a section it leaves out
            scale = ruleset.scale(question.scale)
            choices = [*scale.values, *([scale.not_applicable] if scale.not_applicable else [])]
            answers[question.id] = choices[(number + len(question.id)) % len(choices)]
        case: dict[str, object] = {"id": f"c{number + 1}", "answers": answers}
        if sample is not None:
            case["sample"] = sample.name
        for name, value in values.items():
            case[name] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        cases.append(case)
    ratings, measures = {}, {}
    for criterion in ruleset.criteria():
        for number, item in enumerate(criterion.items):
            if item.measure is not None:
                measures[item.measure] = {"actual": 90 + 10 * number, "target": 100, "national_average": 95}
            elif criterion.grading is not None:
                scale = ruleset.scale(ruleset.grading(criterion.grading).item_scale)
                ratings[item.id] = scale.values[(number + len(criterion.id)) % len(scale.values)]
    adjustable = [c for c in ruleset.criteria() if c.allows_adjustment and c.grading is not None]
    adjustments = [
        {"criterion": c.id, "grade": ruleset.scale(ruleset.grading(c.grading).ladder).values[1],  # type: ignore[arg-type]
         "by": "Lead inspector", "reason": "made up for the test"}
        for c in adjustable[:1]
    ]
    evidence = {"ruleset": str(Path(ruleset.path).resolve()), "cases": cases, "ratings": ratings,
                "measures": measures, "adjustments": adjustments}
    path = folder / f"{ruleset.name}.json"
    path.write_text(json.dumps(evidence), encoding="utf-8")
    return path


# Python's None in a sentence (the English "None of the cases" is fine), or a count of one with a plural.
UNWRITTEN = re.compile(
    r"\bNone\b(?! of)|(?<![\d.])1 (points|items|cases|questions|steps|sections|criteria|answers|errors|columns)\b"
)


@pytest.mark.parametrize("name", ["bands-and-points.esi", "gradings.esi", "scores-and-samples.esi"])
def test_every_kind_of_rule_explains_in_every_format(name: str, tmp_path: Path) -> None:
    ruleset = load_ruleset(str(LANGUAGE / name))
    evidence = made_up_evidence(ruleset, tmp_path)
    samples = [None, *(s.name for s in ruleset.samples)]
    explained = 0
    for target in targets(ruleset):
        for sample in samples:
            # (without a sample, the cases of every sample together: `--pool-samples`, where there are samples)
            extra = ["--sample", sample] if sample else ["--pool-samples"] if ruleset.samples else []
            for form in ("text", "json", "markdown"):
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = main(["explain", str(evidence), target.id, *extra, "--format", form, "--case", "c1"]
                                if form == "markdown" and target.kind == "section" else
                                ["explain", str(evidence), target.id, *extra, "--format", form])
                assert code == 0, err.getvalue()
                assert out.getvalue().strip()
                if form != "json":  # words for people: never Python's None, never "1 points" (issue 9, point 9)
                    assert not UNWRITTEN.search(out.getvalue()), UNWRITTEN.search(out.getvalue())
                if form == "json":
                    body = json.loads(out.getvalue())["explanation"]
                    if body["kind"] in ("section", "overall") and body["score"] and body["value"] is not None:
                        terms = body["score"]["terms"]
                        total = sum(Fraction(t["weight"]) * Fraction(t["value"]) for t in terms)
                        assert total / sum(Fraction(t["weight"]) for t in terms) == Fraction(body["value"])
                explained += 1
    assert explained >= 30
