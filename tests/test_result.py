"""The result tree: exact display rounding, exact JSON values, case order."""

from __future__ import annotations

from builders import (
    F,
    cases,
    descriptive,
    evidence,
    grading,
    items,
    mean_of,
    numerical,
    question,
    ruleset,
    section,
)

from esirules.evidence.cases import Adjustment
from esirules.evidence.natural import natural_key
from esirules.language import model as m
from esirules.render.result_json import column_json
from esirules.scoring.causes import Cause
from esirules.scoring.compile import compile_ruleset
from esirules.scoring.evaluate import score
from esirules.scoring.result import CaseGroup, QuestionResult


def test_natural_order_of_case_ids() -> None:
    assert sorted(["c10", "c2", "b1", "c1"], key=natural_key) == ["b1", "c1", "c2", "c10"]


def test_not_applicable_reasons_per_case() -> None:
    result = QuestionResult(
        "Q",
        "q",
        F(1),
        None,
        0,
        0,
        (),
        (),
        (
            CaseGroup(Cause("not_answered", "not answered"), ("a", "b")),
            CaseGroup(Cause("answered_not_applicable", "answered not applicable"), ("c",)),
        ),
        None,
        "not computable",
    )
    assert result.not_applicable_reasons() == {
        "a": "not answered",
        "b": "not answered",
        "c": "answered not applicable",
    }


def test_column_to_json() -> None:
    # B1: 1 of 3 cases met -> 1/3, shown 33%. A1: one item rated strong -> "Well met" (by the
    # report's ladder), adjusted to "Partly met".
    rules = ruleset(
        [
            section("A", [descriptive("A1", items("A1", 1), allows_adjustment=True)]),
            section("B", [numerical("B1", [question("B1.1")])], weight=F(3, 10), score=mean_of()),
        ],
        gradings=[grading()],
        overall=m.Overall("Overall", score=mean_of(kind="sections")),
    )
    data = evidence(
        cases(["c1", "c2", "c3"], {"B1.1": ["yes", "no", "no"]}),
        ratings={"A1.1": "strong"},
        adjustments=[Adjustment("A1", "Partly met", "Lead inspector", "new manager")],
    )
    out = column_json(score(compile_ruleset(rules), data, label="original"))
    assert out == {
        "label": "original",
        "ruleset": {"name": "test", "version": "1", "hash": "hash-test", "path": "test.esi"},
        "evidence": {"path": "evidence.yaml", "hash": "hash-of-evidence.yaml"},
        "sample": None,
        "rounding": {"places": 0, "ties": "up"},
        "criteria": {
            "A1": {
                "title": "criterion A1",
                "kind": "descriptive",
                "section": "A",
                "weight": "1",
                "weight_class": None,
                "value": None,
                "display": "Partly met",
                "grade": "Partly met",
                "computed_grade": "Well met",
                "adjustment": {
                    "grade": "Partly met",
                    "by": "Lead inspector",
                    "reason": "new manager",
                    "applied": True,
                    "note": None,
                    "note_cause": None,
                },
            },
            "B1": {
                "title": "criterion B1",
                "kind": "numerical",
                "section": "B",
                "weight": "1",
                "weight_class": None,
                "value": "1/3",
                "display": "33%",
            },
        },
        "sections": {
            "A": {
                "title": "section A",
                "value": None,
                "display": "not computable",
                "reason": "no score or grade of its own; its criteria are graded one by one",
                "cause": {"kind": "no_aggregate", "rule": None, "evidence": None},  # a built ruleset has no spans
                "weight": None,
            },
            "B": {"title": "section B", "value": "1/3", "display": "33%", "weight": "3/10"},
        },
        "overall": {"title": "Overall", "value": "1/3", "display": "33%"},
    }
