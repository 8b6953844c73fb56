"""What facts mean over the model: a fact and a recorded text in, its value out; a ruleset in, the facts it reads out.

Used by the checker (a fact's default, a test's given facts), by the evidence loader (a fact
recorded under `facts:`) and by scoring, without the parser or the checker.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from esirules.language import model as m

BOOLEAN_WORDS = {"yes": True, "no": False, "true": True, "false": False}


def fact_value(fact: m.Fact, text: str, number: Fraction | None) -> m.FactValue | None:
    """The value `text` (read as `number` if it is one) gives the fact, or None if it cannot take it."""
    if fact.kind == "boolean":
        return BOOLEAN_WORDS.get(text.lower())
    if fact.kind == "numeric":
        if number is None:
            return None
        if (fact.minimum is not None and number < fact.minimum) or (
            fact.maximum is not None and number > fact.maximum
        ):
            return None
        return number
    return text if text in fact.values else None


def allowed(fact: m.Attribute) -> str:
    """What values a fact (or attribute) can take, in words."""
    if fact.kind == "boolean":
        return "`yes` or `no`"
    if fact.kind == "numeric":
        if fact.minimum is not None and fact.maximum is not None:
            return f"a number from {_number(fact.minimum)} to {_number(fact.maximum)}"
        return "a number"
    return ", ".join(f"`{v}`" for v in fact.values)


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


def facts_read(ruleset: m.Ruleset) -> frozenset[str]:
    """The names of the facts the ruleset's rules, caps and applicability conditions read."""
    names = {f.name for f in ruleset.facts}
    conditions: list[m.Condition] = []
    for grading in ruleset.gradings:
        for rule in grading.rules:
            conditions.extend(rule.facts)
        for cap in grading.caps:
            conditions.extend(cap.facts)
    levels: list[tuple[m.CapRule, ...]] = [c.caps for c in ruleset.criteria()]
    levels.extend(section.caps for section in ruleset.sections)
    if ruleset.overall is not None:
        levels.append(ruleset.overall.caps)
    conditions.extend(f for caps in levels for cap in caps for f in cap.facts)
    conditions.extend(q.applies for q in ruleset.questions() if q.applies is not None)
    conditions.extend(
        t.condition for o in ruleset.outcomes for r in o.rules for t in r.tests if t.condition is not None
    )
    return frozenset(n for c in conditions for n in condition_names(c) if n in names)


def condition_names(condition: m.Condition) -> frozenset[str]:
    """The names (attributes or facts) a condition reads."""
    if isinstance(condition, (m.Comparison, m.Membership, m.Flag)):
        return frozenset({condition.attribute})
    if isinstance(condition, m.Not):
        return condition_names(condition.operand)
    return frozenset().union(*(condition_names(c) for c in condition.operands))


def facts_missing(ruleset: m.Ruleset, given: Iterable[str]) -> list[str]:
    """The facts the rules read that have no default and are not among `given`: without them the
    inspection's (or a test's) evidence cannot be scored."""
    read, named = facts_read(ruleset), set(given)
    return [f.name for f in ruleset.facts if f.name in read and f.default is None and f.name not in named]
