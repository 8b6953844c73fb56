"""Compiling the model: condition masks (three-valued over missing attributes), met tables, exclusions."""

from __future__ import annotations

import numpy as np
import pytest
from builders import F, cases, numerical, question, ruleset, section

from esirules.evidence.cases import NOT_APPLICABLE, UNANSWERED
from esirules.language import model as m
from esirules.scoring.causes import Cause
from esirules.scoring.compile import CompileError, compile_condition, compile_ruleset

# c1..c6; None is "not recorded".
CASES = cases(
    ["c1", "c2", "c3", "c4", "c5", "c6"],
    attributes={
        "risk_of_harm": ["low", "medium", "high", "very high", None, "high"],
        "order_type": ["cro", "cpo", "licence", "cro", "cpo", None],
        "sex_offender": [True, False, None, False, True, False],
        "age": [20, 35.5, None, 60, 17, 40],
    },
)
RULESET = ruleset([])
T, X = True, False


def holds(condition: m.Condition) -> list[bool]:
    return compile_condition(condition, RULESET).mask(CASES).tolist()


def test_ordered_attributes_compare_by_declared_order() -> None:
    assert holds(m.Comparison("risk_of_harm", ">=", "high")) == [X, X, T, T, X, T]
    assert holds(m.Comparison("risk_of_harm", "<", "medium")) == [T, X, X, X, X, X]
    assert holds(m.Comparison("risk_of_harm", "=", "very high")) == [X, X, X, T, X, X]


def test_enumerated_attributes_by_equality_and_membership() -> None:
    assert holds(m.Comparison("order_type", "=", "cpo")) == [X, T, X, X, T, X]
    # c6 has no order type: `!=` is unknown there, so it does not hold.
    assert holds(m.Comparison("order_type", "!=", "cpo")) == [T, X, T, T, X, X]
    assert holds(m.Membership("order_type", ("licence", "cro"))) == [T, X, T, T, X, X]


def test_boolean_attributes() -> None:
    assert holds(m.Flag("sex_offender")) == [T, X, X, X, T, X]
    assert holds(m.Comparison("sex_offender", "=", False)) == [X, T, X, T, X, T]
    # not of a missing flag is still unknown (c3): the condition does not hold.
    assert holds(m.Not(m.Flag("sex_offender"))) == [X, T, X, T, X, T]


def test_numeric_attributes_compare_exactly() -> None:
    assert holds(m.Comparison("age", ">=", F(71, 2))) == [X, T, X, T, X, T]
    assert holds(m.Comparison("age", "<", F(18))) == [X, X, X, X, T, X]
    assert holds(m.Membership("age", (F(20), F(40)))) == [T, X, X, X, X, T]
    assert holds(m.Not(m.Comparison("age", "<", F(18)))) == [T, T, X, T, X, T]


def test_nested_conditions_use_three_valued_logic() -> None:
    # risk >= high and (order in {licence, cro} or not sex_offender)
    #   c3: high, licence (sex_offender unknown, but the `or` already holds) -> true
    #   c5: risk unknown, but cpo and a sex offender, so the `and` is false anyway -> false
    #   c6: high, order unknown, not a sex offender -> true
    condition = m.AllOf(
        (
            m.Comparison("risk_of_harm", ">=", "high"),
            m.AnyOf((m.Membership("order_type", ("licence", "cro")), m.Not(m.Flag("sex_offender")))),
        )
    )
    assert holds(condition) == [X, X, T, T, X, T]
    # c5's risk is unknown but it is a sex offender, so the `or` holds.
    assert holds(m.AnyOf((m.Comparison("risk_of_harm", ">=", "high"), m.Flag("sex_offender")))) == [
        T,
        X,
        T,
        T,
        T,
        T,
    ]
    # not (risk >= high): unknown for c5, so false there.
    assert holds(m.Not(m.Comparison("risk_of_harm", ">=", "high"))) == [T, T, X, X, X, X]


def test_an_attribute_absent_from_the_evidence_is_unknown_for_every_case() -> None:
    bare = cases(["a", "b"])
    compiled = compile_condition(m.Not(m.Flag("sex_offender")), RULESET)
    assert compiled.mask(bare).tolist() == [X, X]


def test_deeply_nested_conditions() -> None:
    condition: m.Condition = m.Flag("sex_offender")
    for depth in range(64):
        condition = m.Not(condition) if depth % 2 else m.AllOf((condition, m.Comparison("age", ">", F(0))))
    # 32 negations cancel out; the conjunctions with age > 0 drop c3 (no age, and no flag).
    assert holds(condition) == holds(m.Flag("sex_offender"))


def test_condition_text_and_case_descriptions() -> None:
    condition = m.AllOf(
        (
            m.Comparison("risk_of_harm", ">=", "very high"),
            m.AnyOf((m.Membership("order_type", ("licence", "cro")), m.Not(m.Flag("sex_offender")))),
        )
    )
    compiled = compile_condition(condition, RULESET)
    assert (
        compiled.text == 'risk_of_harm >= "very high" and (order_type in {licence, cro} or not sex_offender)'
    )
    assert [a.name for a in compiled.attributes] == ["risk_of_harm", "order_type", "sex_offender"]
    simple = compile_condition(m.Comparison("risk_of_harm", ">=", "high"), RULESET)
    failing = np.flatnonzero(~simple.mask(CASES))
    groups = {text: [CASES.ids[i] for i in index] for text, index in simple.describe_cases(CASES, failing)}
    assert groups == {
        "risk_of_harm is low": ["c1"],
        "risk_of_harm is medium": ["c2"],
        "risk_of_harm is not recorded": ["c5"],
    }
    ages = compile_condition(m.Comparison("age", ">", F(50)), RULESET)
    described = dict(ages.describe_cases(CASES, np.array([1, 2])))
    assert set(described) == {"age is 35.5", "age is not recorded"}


def test_met_table_never_counts_blank_or_not_applicable_answers() -> None:
    evaluator = compile_ruleset(
        ruleset([section("B", [numerical("B1", [question("B1.1", ("yes", "partly"))])])])
    )
    compiled = evaluator.questions["B1.1"]
    codes = np.array([0, 1, 2, UNANSWERED, NOT_APPLICABLE], dtype=np.int16)
    assert compiled.met(codes).tolist() == [T, T, X, X, X]
    assert compiled.answers(cases(["a", "b"])).tolist() == [UNANSWERED, UNANSWERED]


def test_ruleset_exclusions_are_compiled() -> None:
    questions = [question("B1.1", source="offender_interview"), question("B1.2"), question("B1.3")]
    evaluator = compile_ruleset(
        ruleset(
            [section("B", [numerical("B1", questions)])],
            exclusions=m.Exclusions(
                cases=(m.Comparison("order_type", "=", "cpo"),),
                sources=frozenset({"offender_interview"}),
                questions=frozenset({"B1.3"}),
            ),
        )
    )
    assert evaluator.questions["B1.1"].exclusion == Cause(
        "source_excluded", "excluded by the ruleset: source offender_interview"
    )
    assert evaluator.questions["B1.2"].exclusion is None
    assert evaluator.questions["B1.3"].exclusion == Cause("question_excluded", "excluded by the ruleset: question B1.3")
    assert [c.text for c in evaluator.case_exclusions] == ["order_type = cpo"]


def test_inconsistent_models_are_compile_errors() -> None:
    with pytest.raises(CompileError, match="unknown attribute"):
        compile_condition(m.Flag("shoe_size"), RULESET)
    bad = ruleset([section("B", [numerical("B1", [question("B1.1", ("maybe",))])])])
    with pytest.raises(CompileError, match="not on scale"):
        compile_ruleset(bad)
