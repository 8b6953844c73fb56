"""The JSON explanation has exactly the fields docs/explanation-schema.md documents, for every object.

Each object of the page is a table headed by `<!-- object: NAME -->`; its first column lists the
fields (`pooling.method` for a field of a nested object, `terms[].member` for a field of the
objects in a list). Every explanation of the bundled example (every target, every column, plus
a `--where` and a `--case` explanation) is walked, and every object of each kind must have
exactly the documented fields, no more and no fewer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pytest
from conftest import REPO

from esirules.evidence.sheet import ColumnSpec, read_sheet_file
from esirules.explain.scope import explain, resolve_target, targets
from esirules.render.explain_json import explanation_data
from esirules.scoring.columns import Scorer
from esirules.scoring.subset import read_condition, score_where

DOC = REPO / "docs" / "explanation-schema.md"
SUMMARY = REPO / "examples" / "hertfordshire" / "summary.yaml"
OUTCOMES = REPO / "tests" / "fixtures" / "outcomes"
OBJECT = re.compile(r"<!-- object: (?P<name>[a-z ]+) -->\n(?P<table>(?:\|.*\n)+)")
OPTIONAL = re.compile(r"<!-- optional fields -->\n(?P<table>(?:\|.*\n)+)")
OPTIONAL_ROW = re.compile(r"^\| (?P<name>[a-z ]+) \| `(?P<field>[^`]+)` \|", re.MULTILINE)
FIELD = re.compile(r"^\| `(?P<field>[^`]+)` \|", re.MULTILINE)


def documented() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8")
    return {m["name"]: set(FIELD.findall(m["table"])) for m in OBJECT.finditer(text)}


def optional() -> dict[str, set[str]]:
    """The fields an object has only for some rulesets (facts and caps), by object."""
    found: dict[str, set[str]] = defaultdict(set)
    for table in OPTIONAL.finditer(DOC.read_text(encoding="utf-8")):
        for row in OPTIONAL_ROW.finditer(table["table"]):
            found[row["name"]].add(row["field"])
    return found


def fields(value: Any, documented_fields: set[str], prefix: str = "") -> set[str]:
    """The object's field paths in the page's notation, as deep as the page describes nesting."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out.add(path)
            if any(f.startswith((path + ".", path + "[]")) for f in documented_fields):
                out |= fields(inner, documented_fields, path)
    elif isinstance(value, list):
        for inner in value:
            out |= fields(inner, documented_fields, prefix + "[]")
    return out


class Walk:
    """Collects every object of the explanation by the page's name for it."""

    def __init__(self) -> None:
        self.found: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, name: str, value: dict[str, Any] | None) -> None:
        if value is not None:
            self.found[name].append(value)

    def document(self, doc: dict[str, Any]) -> None:
        self.add("document", doc)
        self.column(doc["column"])
        self.body(doc["explanation"])
        if doc["where"] is not None:
            self.add("where", doc["where"])
            self.column(doc["where"]["column"])
            self.body(doc["where"]["explanation"])
        self.add("case", doc["case"])
        self.refs(doc)
        self.causes(doc)

    def refs(self, node: Any) -> None:
        if isinstance(node, dict):
            if {"file", "line", "column", "text"} <= node.keys():
                self.add("rule reference", node)
                return
            for value in node.values():
                self.refs(value)
        elif isinstance(node, list):
            for value in node:
                self.refs(value)

    def causes(self, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("cause", "exclusion", "note_cause", "why_not_cause") and value is not None:
                    self.add("cause", value)
                else:
                    self.causes(value)
        elif isinstance(node, list):
            for value in node:
                self.causes(value)

    def column(self, column: dict[str, Any]) -> None:
        self.add("column", column)
        for fact in column.get("facts", {}).values():
            self.add("fact", fact)
        for group in column["excluded_cases"]:
            self.add("group of cases", group)

    def body(self, body: dict[str, Any]) -> None:
        kind = body["kind"]
        if kind == "numerical criterion":
            self.numerical(body)
        elif kind == "descriptive criterion":
            self.descriptive(body)
        elif kind in ("section", "overall"):
            self.add(kind, body)
            self.caps(body)
            if kind == "section":
                self.add("contribution", body["contribution"])
                self.add("carried forward", body["carried_forward"])
            for member in body["members"]:
                self.add("member", member)
            for aggregate in (body["score"], body["grading"]):
                if aggregate is not None:
                    self.add("aggregate", aggregate)
                    self.bands(aggregate["bands"])
                    self.grading(aggregate["grading"])
        elif kind == "outcome":
            self.add("outcome", body)
            for rule in body["tried"]:
                self.add("outcome rule", rule)
                for test in rule["tests"]:
                    self.add("outcome test", test)
        elif kind == "question":
            self.add("question target", body)
            self.question(body["question"])
            self.numerical(body["criterion"])
        else:
            self.add("item target", body)
            self.item(body["item"])
            self.descriptive(body["criterion"])

    def caps(self, body: dict[str, Any]) -> None:
        for cap in body.get("caps", []):
            self.add("cap", cap)
            for condition in cap["conditions"]:
                self.fact_condition(condition)

    def fact_condition(self, condition: dict[str, Any]) -> None:
        self.add("fact condition", condition)
        for fact in condition["facts"].values():
            self.add("fact", fact)

    def numerical(self, body: dict[str, Any]) -> None:
        self.add("numerical criterion", body)
        self.caps(body)
        for question in body["questions"]:
            self.question(question)
        self.add("contribution", body["contribution"])
        self.bands(body["bands"])
        self.add("adjustment", body["adjustment"])
        self.add("carried forward", body["carried_forward"])

    def question(self, question: dict[str, Any]) -> None:
        self.add("question", question)
        self.add("case list", question["met_cases"])
        self.add("case list", question["not_met_cases"])
        for group in question["not_applicable"]:
            self.add("group of cases", group)

    def descriptive(self, body: dict[str, Any]) -> None:
        self.add("descriptive criterion", body)
        self.caps(body)
        for item in body["items"]:
            self.item(item)
        self.grading(body["grading"])
        for higher in body["higher_grades"]:
            self.add("higher grade", higher)
            for option in higher["smallest_changes"]["options"]:
                for change in option:
                    if change["band"] is not None:
                        self.add("band", change["band"])
        self.add("adjustment", body["adjustment"])
        self.add("contribution", body["contribution"])
        self.add("carried forward", body["carried_forward"])

    def item(self, item: dict[str, Any]) -> None:
        self.add("item", item)
        self.bands(item["bands"])

    def bands(self, bands: dict[str, Any] | None) -> None:
        if bands is not None:
            self.add("bands", bands)
            for band in bands["tried"]:
                self.add("band", band)

    def grading(self, grading: dict[str, Any] | None) -> None:
        if grading is None:
            return
        self.add("grading", grading)
        for rule in [*grading["rules"], *grading["caps"]]:
            self.add("rule", rule)
            for clause in rule["clauses"]:
                self.add("clause", clause)
            for condition in rule.get("facts", []):
                self.fact_condition(condition)


@pytest.fixture(scope="module")
def walked() -> dict[str, list[dict[str, Any]]]:
    sheet = read_sheet_file(str(SUMMARY))
    assert sheet is not None
    scorer = Scorer()
    walk = Walk()
    for spec, column in zip(sheet.columns, scorer.score(sheet.columns)):
        path = scorer.ruleset_path_for(spec)
        assert path is not None
        evaluator = scorer.evaluators[path]
        evidence = [scorer.evidence[(p, path)] for p in spec.evidence]
        for target in targets(evaluator.ruleset):
            if target.kind == "criterion" and evaluator.ruleset.criterion(target.id).kind == "descriptive":
                continue  # their higher grades are searched in test_explain_counterfactual.py
            walk.document(explanation_data(explain(column, evaluator, scorer.sources, target, evidence=evidence)))  # type: ignore[arg-type]
        if spec.label == "Feb":
            condition = read_condition("risk_of_harm >= high", evaluator.ruleset)
            subset = (condition, score_where(evaluator, evidence, condition, spec.sample))  # type: ignore[arg-type]
            for name in ("B1", "A1"):
                target = resolve_target(evaluator.ruleset, name)
                walk.document(
                    explanation_data(
                        explain(column, evaluator, scorer.sources, target, where=subset, evidence=evidence, case="F01")  # type: ignore[arg-type]
                    )
                )
    walk_facts(walk)
    # The example inspection kept as a workbook: what it records is cited by sheet and row.
    book = Scorer()
    spec = ColumnSpec("book", (str(REPO / "docs" / "examples" / "inspector" / "inspection.xlsx"),), None, "february")
    (column,) = book.score([spec])
    evaluator = next(iter(book.evaluators.values()))
    for name, case in (("A1", None), ("A2", None), ("B1", "F01")):  # rated items; an adjustment; a case
        target = resolve_target(evaluator.ruleset, name)
        walk.document(explanation_data(
            explain(column, evaluator, book.sources, target, evidence=list(book.evidence.values()), case=case)  # type: ignore[arg-type]
        ))
    # Grades carried forward from an earlier inspection (issue 11, point 6): the language page's example.
    carried = REPO / "docs" / "examples" / "language" / "carried.yaml"
    (column,) = scorer.score([ColumnSpec("carried", (str(carried),))])
    path = scorer.ruleset_path_for(ColumnSpec("carried", (str(carried),)))
    assert path is not None
    evaluator = scorer.evaluators[path]
    for target in targets(evaluator.ruleset):
        evidence = [scorer.evidence[(str(carried), path)]]
        walk.document(explanation_data(explain(column, evaluator, scorer.sources, target, evidence=evidence)))  # type: ignore[arg-type]
    # Outcomes (issue 11, point 5): the bundled example has none; a made-up school's, one with a
    # value and one not computable.
    for name in ("school.yaml", "unrated.yaml"):
        outcomes = Scorer()
        (column,) = outcomes.score([ColumnSpec(name, (str(OUTCOMES / name),))])
        evaluator = next(iter(outcomes.evaluators.values()))
        for target in targets(evaluator.ruleset):
            if target.kind == "outcome":
                walk.document(explanation_data(explain(column, evaluator, outcomes.sources, target)))
    return walk.found


FACTS_EVIDENCE = """ruleset: facts.esi
facts: {safeguarding: ineffective, breach: yes, vacancy_rate: 25}
ratings: {Q1.plans: Outstanding, L1.vision: Good, L1.oversight: Outstanding}
cases:
  - {id: c1, risk: high, answers: {Q2.cover: yes, Q2.trained: yes}}
  - {id: c2, risk: low, answers: {Q2.cover: yes}}
"""


def walk_facts(walk: Walk) -> None:
    """Every target of the facts example (docs/examples/language/facts.esi), whose rules test
    facts and whose levels have caps, so that their objects are walked too."""
    import shutil
    import tempfile
    from pathlib import Path

    from esirules.evidence.load import load_evidence
    from esirules.language.check import check_file
    from esirules.scoring.compile import compile_ruleset
    from esirules.scoring.evaluate import score

    with tempfile.TemporaryDirectory() as folder:
        ruleset_path = Path(folder) / "facts.esi"
        shutil.copy(REPO / "docs" / "examples" / "language" / "facts.esi", ruleset_path)
        (Path(folder) / "inspection.yaml").write_text(FACTS_EVIDENCE, encoding="utf-8")
        checked = check_file(str(ruleset_path))
        assert checked.ruleset is not None
        evaluator = compile_ruleset(checked.ruleset)
        evidence = load_evidence(str(Path(folder) / "inspection.yaml"), checked.ruleset)
        column = score(evaluator, evidence)
        for target in targets(evaluator.ruleset):
            document = explanation_data(explain(column, evaluator, checked.sources, target, evidence=[evidence]))
            walk.document(document)


def test_every_object_has_exactly_the_documented_fields(walked: dict[str, list[dict[str, Any]]]) -> None:
    objects = documented()
    extra = optional()
    assert set(walked) == set(objects), "an object kind is documented but never produced, or the reverse"
    assert set(extra) <= set(objects)
    for name, instances in walked.items():
        expected = objects[name]
        seen: set[str] = set()
        for value in instances:
            every = fields(value, expected | extra[name])
            found = every - extra[name]
            top = {f for f in expected if "." not in f and "[" not in f}
            assert set(value) - extra[name] == top, (name, set(value) ^ top)
            assert found <= expected, (name, found - expected)
            seen |= found | (every & extra[name]) | (set(value) & extra[name])
        assert seen == expected | extra[name], (name, "documented but never seen", (expected | extra[name]) - seen)
