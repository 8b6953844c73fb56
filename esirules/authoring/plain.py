"""Model values in words: conditions, answers, weights, rules and bands in, text for readers out.

Two registers: *as written* (the ruleset's own syntax, for methodology staff reading a diff)
and *plain* (sentences for inspectors reading a handbook: "risk of harm is high or very high").
Clause and value wording is the scorer's own (`esirules.scoring.grading.clause_text`), so a
handbook says a rule exactly as an explanation does.
"""

from __future__ import annotations

import re
from fractions import Fraction

from esirules.evidence.conditions import describe
from esirules.language import model as m
from esirules.language.model_rules import figure_test_text
from esirules.scoring.grading import clause_text
from esirules.words import number_text, percent_text, value_text

# ---------------------------------------------------------------------------------------------
# As written


def condition_text(condition: m.Condition | None) -> str:
    """An `applies when` condition as written, or "every case" when there is none."""
    return "every case" if condition is None else describe(condition)


def met_text(question: m.Question, ruleset: m.Ruleset) -> str:
    """The answers that meet a question, best first: "yes", or "yes or partly"."""
    values = _scale_order(question.met, question.scale, ruleset)
    return " or ".join(value_text(v) for v in values) or "no answer"


def clauses_text(clauses: tuple[m.Clause, ...], facts: tuple[m.Condition, ...] = ()) -> str:
    """A rule's clauses as written, then its fact conditions (`fact breach`)."""
    return " and ".join([*(clause_text(c) for c in clauses), *(fact_text(f) for f in facts)])


def fact_text(condition: m.Condition) -> str:
    """A fact condition as written: `fact breach`, `fact (breach or enforcement = formal)`."""
    text = describe(condition)
    return f"fact ({text})" if isinstance(condition, (m.AllOf, m.AnyOf)) else f"fact {text}"


def fact_value_text(value: m.FactValue) -> str:
    """A fact's value as written: `yes`, `formal`, `12.5`."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return number_text(value) if isinstance(value, Fraction) else value_text(value)


def caps_text(caps: tuple[m.CapRule, ...]) -> str:
    """A level's caps as written, in order: `no better than Good when fact breach`, or "none"."""
    return "; ".join(f"no better than {value_text(c.grade)} when {clauses_text(c.clauses, c.facts)}" for c in caps) or "none"


def rule_condition(rule: m.GradeRule) -> str:
    """What a grade rule needs, in the report's words; `otherwise` is "in every other case"."""
    return "in every other case" if rule.otherwise else clauses_text(rule.clauses, rule.facts)


def band_condition(band: m.Band) -> str:
    return "in every other case" if band.otherwise else " and ".join(figure_test_text(t) for t in band.tests)


def criterion_weight_text(criterion: m.Criterion) -> str:
    """`critical (2)`, or the bare weight when no class is named."""
    weight = number_text(criterion.weight)
    return f"{criterion.weight_class} ({weight})" if criterion.weight_class else weight


def section_weight_text(weight: Fraction | None) -> str:
    return "none" if weight is None else percent_text(weight)


def aggregate_text(aggregate: m.Aggregate | None) -> str:
    """A `score:` or `grade:` line's right-hand side, as written."""
    if aggregate is None:
        return "none"
    members = aggregate.members_kind + (" " + ", ".join(aggregate.members) if aggregate.members else "")
    if aggregate.kind == "weighted_mean":
        return f"weighted mean of {members}"
    if aggregate.kind == "lowest_of":
        return f"lowest of {members}"
    if aggregate.kind == "points_total":
        banded = f", banded by {aggregate.bands}" if aggregate.bands else ""
        return f"points {aggregate.using} of {members}{banded}"
    if aggregate.kind == "graded_over":
        return f"{aggregate.using} over {members}"
    if aggregate.kind in ("sum_banded", "mean_banded"):
        return f"{aggregate.kind.removesuffix('_banded')} of {members} banded by {aggregate.using}"
    return f"score banded by {aggregate.using}"


def prose(text: str) -> str:
    """A description as one paragraph: the line breaks and indents of a triple-quoted text dropped."""
    return " ".join(text.split())


def quoted(text: str) -> str:
    """A title or description in quotes, as one paragraph; "none" when there is none."""
    text = prose(text)
    return f"“{text}”" if text else "none"


def curly(words: str) -> str:
    """Straight quotes as a reader expects them: `at least "very strong"` → `at least “very strong”`."""
    return re.sub(r'"([^"]*)"', "“\\1”", words)


def values_text(values: tuple[str, ...], separator: str = " > ") -> str:
    return separator.join(value_text(v) for v in values)


def names_text(names: tuple[str, ...] | frozenset[str] | list[str]) -> str:
    return ", ".join(names) if names else "none"


# ---------------------------------------------------------------------------------------------
# Plain words, for readers who do not write rulesets


def applies_words(condition: m.Condition | None, ruleset: m.Ruleset) -> str:
    """When a question is asked: "every case", or "only cases where risk of harm is high or very high"."""
    if condition is None:
        return "every case"
    return "only cases where " + condition_words(condition, ruleset)


def condition_words(condition: m.Condition, ruleset: m.Ruleset, *, nested: bool = False) -> str:
    """A condition as a sentence over the attributes' labels."""
    if isinstance(condition, m.Comparison):
        return _comparison_words(condition, ruleset)
    if isinstance(condition, m.Membership):
        attribute = _attribute(ruleset, condition.attribute)
        return f"{_label(attribute, condition.attribute)} is {_either(condition.values)}"
    if isinstance(condition, m.Flag):
        return f"“{_label_as_written(ruleset, condition.attribute)}” is yes"
    if isinstance(condition, m.Not):
        operand = condition.operand
        if isinstance(operand, m.Flag):
            return f"“{_label_as_written(ruleset, operand.attribute)}” is no"
        if isinstance(operand, m.Comparison) and operand.op in ("=", "!="):
            flipped = m.Comparison(operand.attribute, "!=" if operand.op == "=" else "=", operand.value)
            return _comparison_words(flipped, ruleset)
        if isinstance(operand, m.Membership):
            attribute = _attribute(ruleset, operand.attribute)
            return f"{_label(attribute, operand.attribute)} is neither {_either(operand.values, 'nor')}"
        return f"not ({condition_words(operand, ruleset)})"
    joiner = " and " if isinstance(condition, m.AllOf) else " or "
    text = joiner.join(condition_words(c, ruleset, nested=True) for c in condition.operands)
    return f"({text})" if nested else text


def met_words(question: m.Question, ruleset: m.Ruleset) -> str:
    """The answers that count as met, in quotes: “yes”, or “yes” or “partly”."""
    values = _scale_order(question.met, question.scale, ruleset)
    return " or ".join(f"“{v}”" for v in values) or "none"


def percent_words(share: Fraction) -> str:
    """A share as a percentage to one decimal place where it is not whole: 2/7 → "28.6%"."""
    tenths = share * 1000
    rounded = (tenths.numerator * 2 + tenths.denominator) // (tenths.denominator * 2)  # halves up
    whole, tenth = divmod(rounded, 10)
    exact = share * 100 == Fraction(rounded, 10)
    text = f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"
    return text if exact else "about " + text


# ---------------------------------------------------------------------------------------------


def _scale_order(values: frozenset[str], scale_name: str, ruleset: m.Ruleset) -> list[str]:
    try:
        order = ruleset.scale(scale_name).values
    except KeyError:
        return sorted(values)
    return [v for v in order if v in values] + sorted(v for v in values if v not in order)


def _attribute(ruleset: m.Ruleset, name: str) -> m.Attribute | None:
    try:
        return ruleset.attribute(name)
    except KeyError:
        return None


def _label(attribute: m.Attribute | None, name: str) -> str:
    """An attribute's label to begin a clause: "risk of harm" (an initialism keeps its capitals)."""
    label = attribute.label if attribute is not None else name.replace("_", " ")
    first = label.split(" ", 1)[0]
    return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]


def _label_as_written(ruleset: m.Ruleset, name: str) -> str:
    attribute = _attribute(ruleset, name)
    return attribute.label if attribute is not None else name.replace("_", " ")


def _either(values: tuple[str | Fraction | bool, ...], joiner: str = "or") -> str:
    words = [_value_words(v) for v in values]
    if len(words) <= 2:
        return f" {joiner} ".join(words)
    return ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def _value_words(value: str | Fraction | bool) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction):
        return number_text(value)
    return value


_NUMBER_WORDS = {"<": "under", "<=": "at most", ">": "over", ">=": "at least"}


def _comparison_words(comparison: m.Comparison, ruleset: m.Ruleset) -> str:
    attribute = _attribute(ruleset, comparison.attribute)
    label = _label(attribute, comparison.attribute)
    value = comparison.value
    if comparison.op == "=":
        return f"{label} is {_value_words(value)}"
    if comparison.op == "!=":
        return f"{label} is not {_value_words(value)}"
    if attribute is not None and attribute.kind == "ordered" and isinstance(value, str) and value in attribute.values:
        index = attribute.values.index(value)
        chosen = {
            "<": attribute.values[:index],
            "<=": attribute.values[: index + 1],
            ">": attribute.values[index + 1 :],
            ">=": attribute.values[index:],
        }[comparison.op]
        return f"{label} is {_either(chosen)}" if chosen else f"{label} is never {comparison.op} {value}"
    return f"{label} is {_NUMBER_WORDS[comparison.op]} {_value_words(value)}"
