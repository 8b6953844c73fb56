"""Build the syntax nodes of outcomes (issue 11, point 5): parse-tree children in, OutcomeDecl out."""

from __future__ import annotations

from typing import Any

from lark import Token

from esirules.language import parts as p
from esirules.language import syntax as s
from esirules.language.tosyntax_rules import RuleNodes


class OutcomeNodes(RuleNodes):
    """The methods for outcomes' grammar rules (`outcome`, its parts and tests, `expect outcome`)."""

    def outcome(self, meta: Any, children: list[Any]) -> s.OutcomeDecl:
        return s.OutcomeDecl(
            self._name(children[0]),
            self._first(children[1:2], s.Text),
            tuple(self._all(children, s.OutcomeValuesNode)),
            tuple(self._all(children, s.OutcomeRuleNode)),
            self._description(children),
            span=self._span(meta),
        )

    def outcome_values(self, meta: Any, children: list[Any]) -> s.OutcomeValuesNode:
        return s.OutcomeValuesNode(tuple(children), span=self._span(meta))

    def outcome_rule(self, meta: Any, children: list[Any]) -> s.OutcomeRuleNode:
        return s.OutcomeRuleNode(children[0], tuple(children[1:]), span=self._span(meta))

    def outcome_otherwise(self, meta: Any, children: list[Any]) -> s.OutcomeRuleNode:
        return s.OutcomeRuleNode(children[0], (), otherwise=True, span=self._span(meta))

    def level_grade_test(self, meta: Any, children: list[Any]) -> s.OutcomeTestNode:
        level, comparison = children[0], children[1]
        return s.OutcomeTestNode(level, "grade", comparison.kind, comparison.value, span=self._span(meta))

    def level_score_test(self, meta: Any, children: list[Any]) -> s.OutcomeTestNode:
        level, comparison, percent = children
        return s.OutcomeTestNode(level, "score", comparison, percent, span=self._span(meta))

    def outcome_value_test(self, meta: Any, children: list[Any]) -> s.OutcomeTestNode:
        return s.OutcomeTestNode(children[0], "value", "exactly", children[1], span=self._span(meta))

    def overall_level(self, meta: Any, children: list[Any]) -> s.LevelRefNode:
        return s.LevelRefNode("overall", None, span=self._span(meta))

    def section_level(self, meta: Any, children: list[Token]) -> s.LevelRefNode:
        return s.LevelRefNode("section", self._name(children[0]), span=self._span(meta))

    def criterion_level(self, meta: Any, children: list[Token]) -> s.LevelRefNode:
        return s.LevelRefNode("criterion", self._name(children[0]), span=self._span(meta))

    def outcome_ref(self, meta: Any, children: list[Token]) -> s.LevelRefNode:
        return s.LevelRefNode("outcome", self._name(children[0]), span=self._span(meta))

    def expect_outcome(self, meta: Any, children: list[Any]) -> s.Expect:
        ref: s.LevelRefNode = children[0]
        return self._expect(meta, "value", [p.Subject("outcome", ref.name), children[1]])
