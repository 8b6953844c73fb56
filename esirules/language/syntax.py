"""Syntax tree: typed, frozen nodes for what a ruleset file says, each with its source span.

Nothing here is resolved: names are plain strings and numbers are as written. The checker
turns this tree into the resolved model (esirules.language.model).
"""

from __future__ import annotations

import attrs

from esirules.language.syntax_rules import (  # noqa: F401 (re-exported)
    AllOf,
    AnyOf,
    BandNode,
    BandsDecl,
    CapRuleNode,
    ClauseNode,
    ComparisonTest,
    ConditionNode,
    FactClauseNode,
    FigureNode,
    FigureTestNode,
    FlagTest,
    GradeRuleNode,
    GradingDecl,
    LevelRefNode,
    MeansRoundingNode,
    MembershipTest,
    Negation,
    OutcomeDecl,
    OutcomeRuleNode,
    OutcomeTestNode,
    OutcomeValuesNode,
    PointsDecl,
    QuantifierNode,
)
from esirules.language.syntax_words import Name, Text, Value
from esirules.span import Span, span_field

# --- header ---------------------------------------------------------------------------------


@attrs.frozen
class RulesetHeader:
    name: Text
    version: Text | None
    span: Span = span_field()


@attrs.frozen
class Title:
    text: Text
    span: Span = span_field()


@attrs.frozen
class Description:
    text: Text
    span: Span = span_field()


@attrs.frozen
class Extends:
    target: Text
    span: Span = span_field()


@attrs.frozen
class Rounding:
    places: int
    ties: str
    span: Span = span_field()


@attrs.frozen
class AnswersDefault:
    scale: Name
    met: MetRule | None
    span: Span = span_field()


@attrs.frozen
class AnswersNotApplying:
    """`answers to questions that do not apply: ignored` (issue 15, point 6)."""

    choice: str  # "ignored", "warned" (ignored with a warning) or "refused"
    span: Span = span_field()


# --- vocabularies ---------------------------------------------------------------------------


@attrs.frozen
class ScaleDecl:
    name: Name
    values: tuple[Value, ...]
    is_ladder: bool = False
    not_applicable: Text | None = None
    has_not_applicable: bool = False
    # `good = 3`: each level's number written after `=`, None where none is (issue 11, point 1)
    numbers: tuple[Value | None, ...] = ()
    span: Span = span_field()
    # where `not applicable` is written: with no spelling of its own, those words are its value
    not_applicable_at: Span | None = attrs.field(default=None, eq=False, kw_only=True)


@attrs.frozen
class AttributeDecl:
    name: Name
    label: Text | None
    kind: str  # enumerated | ordered | boolean | numeric
    values: tuple[Value, ...] = ()
    minimum: Value | None = None
    maximum: Value | None = None
    span: Span = span_field()


@attrs.frozen
class FactDecl:
    """`fact breach "A breach was found": yes or no, default no` (issue 11, point 4)."""

    name: Name
    label: Text | None
    kind: str  # enumerated | ordered | boolean | numeric
    values: tuple[Value, ...] = ()
    minimum: Value | None = None
    maximum: Value | None = None
    default: Value | None = None
    span: Span = span_field()


@attrs.frozen
class SourceDecl:
    name: Name
    label: Text | None
    span: Span = span_field()


@attrs.frozen
class WeightClass:
    name: Name
    weight: Value
    span: Span = span_field()


@attrs.frozen
class MeasureDecl:
    name: Name
    label: Text
    unit: Name | None
    lower_is_better: bool
    span: Span = span_field()


@attrs.frozen
class SampleDecl:
    name: Name
    label: Text | None
    sections: tuple[Name, ...] | None = None
    without_questions: tuple[Name, ...] = ()
    description: Text | None = None
    span: Span = span_field()



# --- structure ------------------------------------------------------------------------------


@attrs.frozen
class MetRule:
    values: tuple[Value, ...]
    at_least: bool = False
    span: Span = span_field()


@attrs.frozen
class QuestionDecl:
    id: Name
    text: Text
    scale: Name | None = None
    met: MetRule | None = None
    source: Name | None = None
    applies: ConditionNode | None = None
    weight: Value | None = None
    span: Span = span_field()


@attrs.frozen
class ItemDecl:
    id: Name
    text: Text | None
    measure: Name | None = None
    weight: Value | None = None
    group: Text | None = None  # `group "level 3"`
    span: Span = span_field()


@attrs.frozen
class JudgementDecl:
    """`judgement B1.sufficient "..." on sufficiency { prompt ... rules }` (issue 11, point 8a):
    a case's rating from its answers to the prompts, pooled like a question (`question` holds its
    id, text and options; its prompts are questions that are not pooled themselves)."""

    question: QuestionDecl
    prompts: tuple[QuestionDecl, ...] = ()
    rules: tuple[GradeRuleNode, ...] = ()
    description: Text | None = None
    span: Span = span_field()

    @property
    def id(self) -> Name:
        return self.question.id


@attrs.frozen
class CarryForward:
    """`may carry forward for 36 months` (issue 11, point 6): how long an earlier grade may stand."""

    count: Value
    unit: str  # months | years (as written: `month`, `year` are read as their plurals)
    span: Span = span_field()


@attrs.frozen
class CriterionDecl:
    id: Name
    title: Text
    weight_class: Name | None = None
    weight: Value | None = None
    description: Text | None = None
    questions: tuple[QuestionDecl, ...] = ()
    items: tuple[ItemDecl, ...] = ()
    pooling: Name | None = None
    graded_by: Name | None = None
    allows_adjustment: bool = False
    carry_forward: tuple[CarryForward, ...] = ()  # more than one is reported by the checker
    span: Span = span_field()
    judgements: tuple[JudgementDecl, ...] = attrs.field(default=(), kw_only=True)
    caps: tuple[CapRuleNode, ...] = attrs.field(default=(), kw_only=True)  # `no better than X when fact ...`


@attrs.frozen
class MemberSet:
    kind: str  # criteria | sections
    members: tuple[Name, ...] = ()
    span: Span = span_field()


@attrs.frozen
class AggregateDecl:
    kind: str  # weighted_mean | lowest_of | points_total | graded_over | score_banded | sum_banded | mean_banded
    target: str  # score | grade
    members: MemberSet | None = None
    using: Name | None = None
    bands: Name | None = None
    span: Span = span_field()


MeansRounding = MeansRoundingNode


@attrs.frozen
class MissingRule:
    kind: str  # criterion | section
    action: str  # not computable | renormalise
    span: Span = span_field()


@attrs.frozen
class SectionDecl:
    id: Name
    title: Text
    weight: Value | None = None
    description: Text | None = None
    criteria: tuple[CriterionDecl, ...] = ()
    aggregates: tuple[AggregateDecl, ...] = ()
    missing: tuple[MissingRule, ...] = ()
    allows_adjustment: bool = False
    means: MeansRounding | None = None
    carry_forward: tuple[CarryForward, ...] = ()  # more than one is reported by the checker
    span: Span = span_field()
    caps: tuple[CapRuleNode, ...] = attrs.field(default=(), kw_only=True)  # `no better than X when fact ...`


@attrs.frozen
class OverallDecl:
    title: Text
    description: Text | None = None
    aggregates: tuple[AggregateDecl, ...] = ()
    missing: tuple[MissingRule, ...] = ()
    allows_adjustment: bool = False
    means: MeansRounding | None = None
    span: Span = span_field()
    caps: tuple[CapRuleNode, ...] = attrs.field(default=(), kw_only=True)  # `no better than X when fact ...`


# --- derivation -----------------------------------------------------------------------------


@attrs.frozen
class ExcludeCases:
    condition: ConditionNode
    span: Span = span_field()


@attrs.frozen
class ExcludeSource:
    source: Name
    span: Span = span_field()


@attrs.frozen
class ExcludeQuestion:
    question: Name
    span: Span = span_field()


@attrs.frozen
class ReplaceCriterion:
    criterion: CriterionDecl
    span: Span = span_field()


@attrs.frozen
class ReplaceGrading:
    grading: GradingDecl
    span: Span = span_field()


@attrs.frozen
class ReplaceBands:
    bands: BandsDecl
    span: Span = span_field()


@attrs.frozen
class Remove:
    """`remove question C2.review_16wk`: what is removed (criterion, question, item, grading,
    bands: checked by the checker) and its name."""

    kind: Name
    name: Name
    span: Span = span_field()


ChangeValue = Text | Value | Name | ConditionNode | MetRule


@attrs.frozen
class Change:
    """`change section C weight 45%`: one part (`weight`; `applies when`, `met when`) set anew.

    What is changed (section, criterion, class, question, item) and the part are as written,
    checked by the checker. The value is as written: text, a number or percentage (Value), a
    name, a condition (`applies when`) or a met rule (`met when`).
    """

    kind: Name
    name: Name
    part: Name
    value: ChangeValue
    span: Span = span_field()


@attrs.frozen
class AddTo:
    """`add to criterion B1 { question ... }`, `add to section C { criterion ... }`: what is added
    to (criterion or section: checked by the checker), its id, and what is added."""

    kind: Name
    target: Name
    questions: tuple[QuestionDecl, ...] = ()
    items: tuple[ItemDecl, ...] = ()
    criteria: tuple[CriterionDecl, ...] = ()
    span: Span = span_field()
    judgements: tuple[JudgementDecl, ...] = attrs.field(default=(), kw_only=True)


@attrs.frozen
class ReplaceIn:
    """`replace in criterion B1 { question B1.understood ... }`: what the replacements are in
    (a criterion: checked by the checker), its id, and the questions and items that take the
    places of those of the same ids (criteria here are refused by the checker)."""

    kind: Name
    target: Name
    questions: tuple[QuestionDecl, ...] = ()
    items: tuple[ItemDecl, ...] = ()
    criteria: tuple[CriterionDecl, ...] = ()
    span: Span = span_field()
    judgements: tuple[JudgementDecl, ...] = attrs.field(default=(), kw_only=True)


# The statements by which a ruleset that extends another changes it.
Derivation = ReplaceCriterion | ReplaceGrading | ReplaceBands | ReplaceIn | Remove | Change | AddTo


# --- tests ----------------------------------------------------------------------------------


@attrs.frozen
class GivenAdjustment:
    """`given adjustment [A3:] "Partly met" by "..." because "..."`; no criterion: the test's."""

    criterion: Name | None
    grade: Value
    by: Text
    reason: Text
    span: Span = span_field()


@attrs.frozen
class GivenCarried:
    """`given carried forward section safe "Good" from "INS-2019-114"` (issue 11, point 6)."""

    subject: str  # criterion | section | overall (the checker refuses the overall)
    name: Name | None
    grade: Value
    source: Text | None = None
    span: Span = span_field()


@attrs.frozen
class BandFigure:
    """What `expect bands ... for` bands: `score 79.6%`, `total 12` or `measure enforcement`."""

    figure: str  # score | total | measure
    number: Value | None = None
    measure: Name | None = None
    span: Span = span_field()


@attrs.frozen
class Expect:
    """One `expect` line: what it is about (`subject`, `name`) and what it must be."""

    subject: str  # "" (the test's criterion), criterion, section, overall, item or bands
    name: Name | None
    what: str  # score | grade | rating | gives | ratings
    value: Value
    figure: BandFigure | None = None
    span: Span = span_field()
    # `expect judgement B1.x: sufficient x2, insufficient`: each value and how many cases.
    counts: tuple[tuple[Value, int], ...] = attrs.field(default=(), kw_only=True)


@attrs.frozen
class TestDecl:
    name: Text
    criterion: Name | None = None
    ratings: tuple[tuple[Name, Value], ...] = ()
    answers: tuple[tuple[Name, Value, int], ...] = ()
    measures: tuple[tuple[Name, Value, Value, Value], ...] = ()
    adjustments: tuple[GivenAdjustment, ...] = ()
    expectations: tuple[Expect, ...] = ()
    carried: tuple[GivenCarried, ...] = ()
    span: Span = span_field()
    facts: tuple[tuple[Name, Value], ...] = attrs.field(default=(), kw_only=True)  # `given facts breach yes`

    __test__ = False  # not a pytest test class


Declaration = RulesetHeader | Title | Description | Extends | Rounding | AnswersDefault | AnswersNotApplying | ScaleDecl | AttributeDecl | FactDecl | SourceDecl | WeightClass | MeasureDecl | SampleDecl | SectionDecl | OverallDecl | GradingDecl | BandsDecl | PointsDecl | OutcomeDecl | ExcludeCases | ExcludeSource | ExcludeQuestion | ReplaceCriterion | ReplaceGrading | ReplaceBands | ReplaceIn | Remove | Change | AddTo | TestDecl


@attrs.frozen
class RulesetFile:
    """A whole ruleset file as written."""

    path: str
    declarations: tuple[Declaration, ...]
    span: Span = span_field()
