"""Check applicability conditions: syntax conditions in, typed model conditions out."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from esirules.diagnostics import Diagnostic
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.context import CheckContext
from esirules.language.facts import BOOLEAN_WORDS
from esirules.language.limits import MAX_CONDITION_DEPTH


def condition_depth(node: s.ConditionNode) -> int:
    """How deeply a condition nests, found without recursion (conditions may be very deep)."""
    deepest = 0
    stack: list[tuple[s.ConditionNode, int]] = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(current, s.Negation):
            stack.append((current.operand, depth + 1))
        elif isinstance(current, (s.AllOf, s.AnyOf)):
            stack.extend((operand, depth + 1) for operand in current.operands)
    return deepest


def check_condition_node(
    ctx: CheckContext, node: s.ConditionNode, names: Mapping[str, m.Attribute] | None = None, kind: str = "case attribute"
) -> m.Condition | None:
    """Check a condition: not nested too deeply (R041), then each test against the attributes
    (or against `names`, called `kind` in messages: the facts, for a fact condition)."""
    depth = condition_depth(node)
    if depth > MAX_CONDITION_DEPTH:
        ctx.error(
            "R041",
            f"this condition is nested {depth} levels deep; the most a ruleset may use is "
            f"{MAX_CONDITION_DEPTH}",
            node.span,
            "split it into simpler conditions; a condition this deep cannot be read by a person",
        )
        return None
    return _ConditionChecker(ctx, ctx.attributes if names is None else names, kind).check(node)


class _ConditionChecker:
    """Resolves attribute names and values in a condition and checks each test makes sense."""

    def __init__(self, ctx: CheckContext, names: Mapping[str, m.Attribute], kind: str):
        self.ctx, self.names, self.kind = ctx, names, kind

    def check(self, node: s.ConditionNode) -> m.Condition | None:
        if isinstance(node, s.Negation):
            operand = self.check(node.operand)
            return m.Not(operand, span=node.span) if operand is not None else None
        if isinstance(node, (s.AllOf, s.AnyOf)):
            operands = [self.check(o) for o in node.operands]
            if any(o is None for o in operands):
                return None
            kind = m.AllOf if isinstance(node, s.AllOf) else m.AnyOf
            return kind(tuple(o for o in operands if o is not None), span=node.span)
        attribute = self._attribute(node.attribute)
        if attribute is None:
            return None
        if isinstance(node, s.FlagTest):
            if attribute.kind != "boolean":
                self.ctx.error(
                    "R040",
                    f"`{attribute.name}` is not a yes-or-no {_word(attribute)}, so it cannot stand alone as a test",
                    node.span,
                    f"compare it with a value, for example `{attribute.name} = {_example(attribute)}`",
                )
                return None
            return m.Flag(attribute.name, span=node.span)
        if isinstance(node, s.MembershipTest):
            values = [self._value(attribute, v) for v in node.values]
            if any(v is None for v in values):
                return None
            return m.Membership(attribute.name, tuple(v for v in values if v is not None), span=node.span)
        assert isinstance(node, s.ComparisonTest)
        value = self._value(attribute, node.value)
        if value is None:
            return None
        if node.op in ("<", "<=", ">", ">=") and attribute.kind not in ("ordered", "numeric"):
            self.ctx.error(
                "R040",
                f"`{attribute.name}` has no order, so `{node.op}` cannot compare it",
                node.span,
                "use `=`, `!=` or `in {...}`, or declare it `ordered` if its values run low to high",
            )
            return None
        return m.Comparison(attribute.name, node.op, value, span=node.span)  # type: ignore[arg-type]

    def _attribute(self, name: s.Name) -> m.Attribute | None:
        attribute = self.names.get(name.text)
        if attribute is None:
            keyword = "fact" if self.kind == "fact" else "attribute"
            self.ctx.unknown(self.kind, name, self.names, f"declare it with `{keyword} ...` (anywhere in the ruleset)")
        return attribute

    def _value(self, attribute: m.Attribute, value: s.Value) -> str | Fraction | bool | None:
        if attribute.kind == "numeric":
            if value.number is None:
                self.ctx.error(
                    "R033",
                    f"`{attribute.name}` is a number, but `{value.text}` is not",
                    value.span,
                    "write a number such as 18 or 2.5",
                )
            return value.number
        if attribute.kind == "boolean":
            if value.text.lower() in BOOLEAN_WORDS:
                return BOOLEAN_WORDS[value.text.lower()]
            self.ctx.error(
                "R033",
                f"`{attribute.name}` is yes or no, but the condition compares it with `{value.text}`",
                value.span,
                f"write `{attribute.name} = yes`, `{attribute.name} = no`, or just `{attribute.name}`",
            )
            return None
        return self.ctx.value_of(value, attribute.values, f"{_word(attribute)} `{attribute.name}`")


def _word(attribute: m.Attribute) -> str:
    return "fact" if isinstance(attribute, m.Fact) else "attribute"


def _example(attribute: m.Attribute) -> str:
    if attribute.values:
        return attribute.values[0]
    return "1"


def check_condition(
    node: s.ConditionNode, attributes: dict[str, m.Attribute]
) -> tuple[m.Condition | None, list[Diagnostic]]:
    """Check one condition on its own (typed on the command line) exactly as a ruleset's are."""
    ctx = CheckContext(node.span.file)
    ctx.attributes.update(attributes)
    condition = check_condition_node(ctx, node)
    found = ctx.found()
    return (None if found else condition), found
