"""The explanation objects: what explain.py builds from the result tree, and what the renderers print.

Each object holds the result-tree records it explains (QuestionResult, ClauseResult, ...) with
what an explanation adds to them: rule references with their line's text, contributions,
higher grades and their smallest changes. Also here: the words explanations are phrased in
(conditions as report text), shared by the builder and the Markdown renderer.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from fractions import Fraction
from typing import Generic, Literal, TypeVar

import attrs

from esirules.evidence.cases import Location
from esirules.explain.counterfactual import SmallestChanges
from esirules.language import model as m
from esirules.scoring.causes import Cause, words
from esirules.scoring.result import (
    AggregateResult,
    BandResult,
    CapResult,
    CarriedForwardResult,
    CaseGroup,
    CaseIds,
    ClauseResult,
    CriterionResult,
    FactConditionResult,
    FactReading,
    ItemResult,
    LevelTestResult,
    OutcomeResult,
    OutcomeRuleResult,
    OverallResult,
    QuestionResult,
    RuleResult,
    SectionResult,
    Term,
)
from esirules.words import value_text

SCHEMA = "esirules.explanation/1"
CASE_LIST_LIMIT = 50  # a longer case list is summarised (count and first ids) unless all cases are asked for
CASES_SHOWN = 10

TargetKind = Literal["criterion", "section", "overall", "question", "item", "outcome"]


def shown_cases(cases: Sequence[str], all_cases: bool) -> tuple[Sequence[str], bool]:
    """The ids to show and whether that is all of them (long lists: the first CASES_SHOWN)."""
    if all_cases or len(cases) <= CASE_LIST_LIMIT:
        return cases, True
    return cases[:CASES_SHOWN], False


# ---------------------------------------------------------------------------------------------
# Rule references


@attrs.frozen
class RuleRef:
    """Where a rule is written: the span in the ruleset, and the text of its first line."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str


# ---------------------------------------------------------------------------------------------
# Explanation objects


@attrs.frozen
class Contribution:
    """A member's part in its parent's weighted mean: weight × value ÷ Σ weights, exactly.

    For a subset of cases (`--where`), `subset` is its condition and `parent_display` the subset's
    figure; `whole_display` is then the parent's figure for every case of the column, as on the sheet.
    """

    parent: str  # "section B" or "overall"
    parent_display: str
    weight: Fraction | None = None
    value: Fraction | None = None
    total_weight: Fraction | None = None
    share: Fraction | None = None
    cause: Cause | None = None  # why there is none
    rule: RuleRef | None = None  # the parent's score rule
    subset: str | None = None
    whole_display: str | None = None

    @property
    def reason(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class GroupExplanation:
    """Cases a question did not apply to (or the column left out), for one cause, and the rule it cites."""

    group: CaseGroup
    rule: RuleRef | None


@attrs.frozen
class RatingExplanation:
    """A judgement's cases given one rating (issue 11, point 8a), and the rules that give it."""

    value: str
    cases: CaseIds
    rules: tuple[RuleRef, ...]


@attrs.frozen
class QuestionExplanation:
    result: QuestionResult
    rule: RuleRef
    applies: str | None
    applies_rule: RuleRef | None
    not_applicable: tuple[GroupExplanation, ...]
    applies_phrase: str | None = None  # the condition in words, for report text
    met_rule: RuleRef | None = None  # `met when`: why the cases not met are not met
    weight_rule: RuleRef | None = None  # where a derived ruleset's `change` set its weight
    # A judgement's cases by rating, best first (empty for an answered question).
    ratings: tuple[RatingExplanation, ...] = ()


@attrs.frozen
class FigureTestExplanation:
    text: str
    found: str
    holds: bool
    rule: RuleRef


@attrs.frozen
class BandExplanation:
    value: str
    otherwise: bool
    holds: bool
    rule: RuleRef
    tests: tuple[FigureTestExplanation, ...]


@attrs.frozen
class BandsExplanation:
    """A figure banded into a value: every band tried, down to the one that gave it."""

    result: BandResult
    rule: RuleRef
    tried: tuple[BandExplanation, ...]


@attrs.frozen
class AdjustmentExplanation:
    computed_grade: str | None
    grade: str
    by: str
    reason: str
    applied: bool
    note: str | None
    recorded: Location | None  # where the evidence records it
    note_cause: Cause | None = None  # why it was not applied


@attrs.frozen
class CarriedExplanation:
    """A grade carried forward from an earlier inspection (issue 11, point 6): not computed this
    time; where it comes from, and the ruleset's `may carry forward` line that allows it."""

    result: CarriedForwardResult
    rule: RuleRef
    recorded: Location | None  # where the evidence records it


@attrs.frozen
class NumericalExplanation:
    criterion: CriterionResult
    rule: RuleRef
    pooling: str
    pooling_written: bool
    pooling_rule: RuleRef
    questions: tuple[QuestionExplanation, ...]
    contribution: Contribution
    bands: BandsExplanation | None
    adjustment: AdjustmentExplanation | None
    kind: Literal["numerical criterion"] = "numerical criterion"
    weight_rule: RuleRef | None = None  # where a derived ruleset's `change` set its weight
    caps: tuple[CapExplanation, ...] = ()  # its caps that lowered the grade
    carried: CarriedExplanation | None = None  # carried forward: not computed


@attrs.frozen
class ItemExplanation:
    result: ItemResult
    rule: RuleRef
    bands: BandsExplanation | None
    recorded: Location | None = None  # where the evidence records its rating, or its measure's figures
    weight_rule: RuleRef | None = None  # where a derived ruleset's `change` set its weight


@attrs.frozen
class ClauseExplanation:
    result: ClauseResult
    clause: m.Clause
    rule: RuleRef

    @property
    def sentence(self) -> str:
        """`at least strong on the majority of items: needs more than 8 of 16 (by weight); found 3`."""
        return f"{self.result.text}: needs {self.result.needed}; found {self.result.found}"


@attrs.frozen
class FactConditionExplanation:
    """A fact condition of a rule or cap (issue 11, point 4), with the facts it read and where
    each is recorded (or that it is the ruleset's default)."""

    result: FactConditionResult
    rule: RuleRef

    @property
    def sentence(self) -> str:
        """`fact breach: holds (breach is yes)`, `fact enforcement >= formal: does not hold (enforcement is none, the default)`."""
        return f"fact {self.result.text}: {'holds' if self.result.holds else 'does not hold'} ({readings_text(self.result.facts)})"


def readings_text(facts: Sequence[FactReading]) -> str:
    """`breach is yes`, `enforcement is none, the default`, `rate is not recorded`."""
    parts = []
    for fact in facts:
        if fact.location is None and not fact.defaulted and fact.value == "not recorded":
            parts.append(f"{fact.name} is not recorded")
        else:
            parts.append(f"{fact.name} is {fact.value}" + (", the default" if fact.defaulted else ""))
    return "; ".join(parts)


@attrs.frozen
class CapExplanation:
    """A cap of a criterion, section or overall (`no better than X when fact ...`) that lowered its
    grade: the grade before, the cap's line, its conditions and the facts they read."""

    result: CapResult
    rule: RuleRef
    conditions: tuple[FactConditionExplanation, ...]
    before: str | None  # the grade before this cap lowered it


@attrs.frozen
class RuleExplanation:
    result: RuleResult
    rule: RuleRef
    clauses: tuple[ClauseExplanation, ...]
    facts: tuple[FactConditionExplanation, ...] = ()  # its fact conditions


@attrs.frozen
class ChangeExplanation:
    """One item of a smallest change; for an item rated from target data, the band that gives `to`."""

    item: str
    rating: str
    to: str
    steps: int
    measure: str | None
    band: BandExplanation | None


@attrs.frozen
class HigherGrade:
    """A grade above the computed one: why it was not reached, and the smallest change that reaches it."""

    grade: str
    why_not: tuple[str, ...]
    rules: tuple[RuleRef, ...]
    changes: SmallestChanges
    options: tuple[tuple[ChangeExplanation, ...], ...]


@attrs.frozen
class GradingExplanation:
    name: str
    rule: RuleRef
    ladder: tuple[str, ...]  # best first
    item_scale: tuple[str, ...]  # best first
    cumulative: bool
    monotone: bool
    rules: tuple[RuleExplanation, ...]  # in order, down to the rule that gave the grade
    caps: tuple[RuleExplanation, ...]
    rule_grade: str | None
    grade: str | None


@attrs.frozen
class DescriptiveExplanation:
    criterion: CriterionResult
    rule: RuleRef
    items: tuple[ItemExplanation, ...]
    grading: GradingExplanation | None
    higher: tuple[HigherGrade, ...]
    adjustment: AdjustmentExplanation | None
    contribution: Contribution
    kind: Literal["descriptive criterion"] = "descriptive criterion"
    weight_rule: RuleRef | None = None  # where a derived ruleset's `change` set its weight
    caps: tuple[CapExplanation, ...] = ()  # its caps that lowered the grade
    carried: CarriedExplanation | None = None  # carried forward: not computed


@attrs.frozen
class TermExplanation:
    term: Term
    product: Fraction | None  # weight × value
    rule: RuleRef | None = None  # the member's own rule, where its figure comes from
    weight_rule: RuleRef | None = None  # where a derived ruleset's `change` set the member's weight
    carried: CarriedForwardResult | None = None  # the member's grade is carried forward, not computed


@attrs.frozen
class AggregateExplanation:
    """A section's or the overall's score or grade: every term, the total and the division."""

    result: AggregateResult
    rule: RuleRef
    method: str
    terms: tuple[TermExplanation, ...]
    total_weight: Fraction | None
    total: Fraction | None  # Σ weight × value
    bands: BandsExplanation | None
    grading: GradingExplanation | None


@attrs.frozen
class MemberSummary:
    id: str
    title: str
    kind: str
    value: Fraction | None
    display: str
    grade: str | None
    cause: Cause | None
    rule: RuleRef

    @property
    def reason(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class SectionExplanation:
    section: SectionResult
    rule: RuleRef
    members: tuple[MemberSummary, ...]
    score: AggregateExplanation | None
    grading: AggregateExplanation | None
    contribution: Contribution | None
    kind: Literal["section"] = "section"
    adjustment: AdjustmentExplanation | None = None
    weight_rule: RuleRef | None = None  # where a derived ruleset's `change` set its weight
    caps: tuple[CapExplanation, ...] = ()  # its caps that lowered the grade
    carried: CarriedExplanation | None = None  # carried forward: not computed


@attrs.frozen
class OverallExplanation:
    overall: OverallResult
    rule: RuleRef
    members: tuple[MemberSummary, ...]
    score: AggregateExplanation | None
    grading: AggregateExplanation | None
    kind: Literal["overall"] = "overall"
    adjustment: AdjustmentExplanation | None = None
    caps: tuple[CapExplanation, ...] = ()  # its caps that lowered the grade


@attrs.frozen
class QuestionTargetExplanation:
    """One question, inside the criterion it is pooled into."""

    question: QuestionExplanation
    criterion: NumericalExplanation
    kind: Literal["question"] = "question"


@attrs.frozen
class ItemTargetExplanation:
    """One item, inside the criterion it is graded in: its rating and the clauses that counted it."""

    item: ItemExplanation
    criterion: DescriptiveExplanation
    kind: Literal["item"] = "item"


@attrs.frozen
class LevelTestExplanation:
    """One test of an outcome rule, and where the level it read is written."""

    result: LevelTestResult
    level: RuleRef | None  # the criterion, section, overall or outcome read (None if not found)


@attrs.frozen
class OutcomeRuleExplanation:
    result: OutcomeRuleResult
    rule: RuleRef
    tests: tuple[LevelTestExplanation, ...]


@attrs.frozen
class OutcomeExplanation:
    """An outcome: its values in precedence order and every rule tried, down to the one that gave it."""

    outcome: OutcomeResult
    rule: RuleRef
    tried: tuple[OutcomeRuleExplanation, ...]
    kind: Literal["outcome"] = "outcome"


Body = (
    NumericalExplanation
    | DescriptiveExplanation
    | SectionExplanation
    | OverallExplanation
    | QuestionTargetExplanation
    | ItemTargetExplanation
    | OutcomeExplanation
)

T = TypeVar("T")


class Visitor(ABC, Generic[T]):
    """What a renderer does for each kind of explanation body; `visit` picks the method by type.
    Every renderer answers every kind (abstract: a renderer that misses one cannot be made)."""

    @abstractmethod
    def numerical(self, body: NumericalExplanation) -> T:
        """The rendering of this kind of body."""

    @abstractmethod
    def descriptive(self, body: DescriptiveExplanation) -> T:
        """The rendering of this kind of body."""

    @abstractmethod
    def section(self, body: SectionExplanation) -> T:
        """The rendering of this kind of body."""

    @abstractmethod
    def overall(self, body: OverallExplanation) -> T:
        """The rendering of this kind of body."""

    @abstractmethod
    def question_target(self, body: QuestionTargetExplanation) -> T:
        """The rendering of this kind of body."""

    @abstractmethod
    def item_target(self, body: ItemTargetExplanation) -> T:
        """The rendering of this kind of body."""

    @abstractmethod
    def outcome(self, body: OutcomeExplanation) -> T:
        """The rendering of this kind of body."""


_VISIT = {
    NumericalExplanation: Visitor.numerical,
    DescriptiveExplanation: Visitor.descriptive,
    SectionExplanation: Visitor.section,
    OverallExplanation: Visitor.overall,
    QuestionTargetExplanation: Visitor.question_target,
    ItemTargetExplanation: Visitor.item_target,
    OutcomeExplanation: Visitor.outcome,
}


def visit(body: Body, visitor: Visitor[T]) -> T:
    """Dispatch by type, in one place: the visitor's method for this kind of body."""
    method = _VISIT[type(body)]
    return getattr(visitor, method.__name__)(body)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# Conditions in words


def condition_phrase(condition: m.Condition, ruleset: m.Ruleset) -> str:
    """A condition as report text: `risk_of_harm >= high` → "risk of harm is high or very high"."""
    if isinstance(condition, m.Not):
        return f"not ({condition_phrase(condition.operand, ruleset)})"
    if isinstance(condition, (m.AllOf, m.AnyOf)):
        joiner = " and " if isinstance(condition, m.AllOf) else " or "
        parts = [
            f"({condition_phrase(c, ruleset)})" if isinstance(c, (m.AllOf, m.AnyOf)) else condition_phrase(c, ruleset)
            for c in condition.operands
        ]
        return joiner.join(parts)
    attribute = ruleset.attribute(condition.attribute)
    name = _attribute_words(attribute)
    if isinstance(condition, m.Flag):
        return f"{name} is yes"
    if isinstance(condition, m.Membership):
        return f"{name} is " + _either([_value_words(v) for v in condition.values])
    value = condition.value
    if attribute.kind == "ordered" and condition.op in ("<", "<=", ">", ">="):
        position = attribute.values.index(str(value))
        chosen = [
            v for i, v in enumerate(attribute.values)
            if {"<": i < position, "<=": i <= position, ">": i > position, ">=": i >= position}[condition.op]
        ]
        return f"{name} is " + (_either(chosen) if chosen else "none of its values")
    words = {"=": "is", "!=": "is not", "<": "is less than", "<=": "is at most", ">": "is more than",
             ">=": "is at least"}
    return f"{name} {words[condition.op]} {_value_words(value)}"


def _attribute_words(attribute: m.Attribute) -> str:
    if attribute.kind != "boolean" and attribute.label and len(attribute.label.split()) <= 4:
        return lower_first(attribute.label)
    return attribute.name.replace("_", " ")


def _value_words(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction):
        return value_text(value)
    return str(value)


def _either(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def lower_first(text: str) -> str:
    """`Risk of harm` → `risk of harm`; `OASys is used` stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]
