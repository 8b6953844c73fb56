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
FIELD = re.compile(r"^\| `(?P<field>[^`]+)` \|", re.MULTILINE)


def documented() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8")
    return {m["name"]: set(FIELD.findall(m["table"])) for m in OBJECT.finditer(text)}


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
            if kind == "section":
                self.add("contribution", body["contribution"])
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

    def numerical(self, body: dict[str, Any]) -> None:
        self.add("numerical criterion", body)
        for question in body["questions"]:
            self.question(question)
        self.add("contribution", body["contribution"])
        self.bands(body["bands"])
        self.add("adjustment", body["adjustment"])

    def question(self, question: dict[str, Any]) -> None:
        self.add("question", question)
        self.add("case list", question["met_cases"])
        self.add("case list", question["not_met_cases"])
        for group in question["not_applicable"]:
            self.add("group of cases", group)

    def descriptive(self, body: dict[str, Any]) -> None:
        self.add("descriptive criterion", body)
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


def test_every_object_has_exactly_the_documented_fields(walked: dict[str, list[dict[str, Any]]]) -> None:
    objects = documented()
    assert set(walked) == set(objects), "an object kind is documented but never produced, or the reverse"
    for name, instances in walked.items():
        expected = objects[name]
        seen: set[str] = set()
        for value in instances:
            found = fields(value, expected)
            top = {f for f in expected if "." not in f and "[" not in f}
            assert set(value) == top, (name, set(value) ^ top)
            assert found <= expected, (name, found - expected)
            seen |= found
        assert seen == expected, (name, "documented but never seen", expected - seen)
