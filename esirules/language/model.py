"""The resolved model: a checked ruleset, names resolved and `extends` applied, for compiling.

Every object is frozen. Weights, shares and numeric thresholds are exact Fractions. Each
object keeps the span of the ruleset text it came from (spans take no part in equality).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Literal

import attrs

# The model is written in three modules (conditions and rules beside this one); it is read from this one.
from esirules.language.model_conditions import (  # noqa: F401 (re-exported)
    AllOf,
    AnyOf,
    Comparator,
    Comparison,
    Condition,
    Flag,
    Membership,
    Not,
)
from esirules.language.model_rules import (  # noqa: F401 (re-exported)
    COUNTED,
    SHARED,
    AnswersNotApplying,
    Band,
    Bands,
    CapRule,
    Clause,
    Figure,
    FigureSpec,
    FigureTest,
    GradeRule,
    Grading,
    LevelKind,
    LevelTest,
    NotApplyingChoice,
    Outcome,
    OutcomeRule,
    Points,
    Quantifier,
    QuantifierKind,
    Rounding,
    figure_members,
    named_members,
)
from esirules.span import Span, span_field
from esirules.words import plural

# Where a derived ruleset's `change` statements set an object's parts: (part, span) pairs, such
# as ("weight", the line `change section C weight 45%`). Empty for what no `change` touched.
ChangedAt = tuple[tuple[str, Span], ...]


class _Written:
    """Where the parts of a section, criterion, question or item are finally written."""

    __slots__ = ()
    span: Span
    changed_at: ChangedAt

    def written_at(self, part: str) -> Span:
        """The `change` line that set `part` (weight, title, description, class, text, source,
        on, applies when, met when), else the declaration itself."""
        return dict(self.changed_at).get(part, self.span)

    def changed_by_derivation(self, part: str) -> Span | None:
        """The `change` line that set `part`, if a derived ruleset set it."""
        return dict(self.changed_at).get(part)


# ---------------------------------------------------------------------------------------------
# Vocabularies


@attrs.frozen
class Scale:
    """An ordered set of values, best first: an answer scale, a rating scale or a grade ladder."""

    name: str
    values: tuple[str, ...]
    not_applicable: str | None = None
    is_ladder: bool = False
    span: Span = span_field()
    # Each level's number, in the order of `values` (issue 11, point 1); () when the levels have none.
    numbers: tuple[Fraction, ...] = ()

    def number(self, value: str) -> Fraction | None:
        """The number of a level, or None (a scale without numbers, or not one of its levels)."""
        if not self.numbers or value not in self.values:
            return None
        return self.numbers[self.values.index(value)]

    @property
    def largest(self) -> Fraction | None:
        """The largest number a level has (whatever its place in the order); None without numbers."""
        return max(self.numbers) if self.numbers else None

    def rank(self, value: str) -> int:
        """Higher is better: the best value has rank len(values) - 1, the worst 0."""
        return len(self.values) - 1 - self.values.index(value)

    def value_at(self, rank: int) -> str:
        return self.values[len(self.values) - 1 - rank]

    def __contains__(self, value: object) -> bool:
        return value in self.values


AttributeKind = Literal["enumerated", "ordered", "boolean", "numeric"]


@attrs.frozen
class Attribute:
    """A case attribute; ordered values run from lowest to highest."""

    name: str
    label: str
    kind: AttributeKind
    values: tuple[str, ...] = ()
    minimum: Fraction | None = None
    maximum: Fraction | None = None
    span: Span = span_field()


FactValue = str | Fraction | bool  # a value's name (enumerated, ordered), a number, or yes (True) / no (False)


@attrs.frozen
class Fact(Attribute):
    """A fact about the inspection, not a case (issue 11, point 4): kinds as an attribute's, and
    the value taken when the evidence does not record it (`default`; None: it must be recorded)."""

    default: FactValue | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class Source:
    name: str
    label: str
    span: Span = span_field()


@attrs.frozen
class Measure:
    """A published performance measure (target data): actual against target and national average."""

    name: str
    label: str
    unit: str = "percent"
    lower_is_better: bool = False
    span: Span = span_field()


# ---------------------------------------------------------------------------------------------
# Evidence definitions


@attrs.frozen
class Question(_Written):
    """A case-level question; a case meets it when its answer is in `met`."""

    id: str
    text: str
    criterion: str
    scale: str
    met: frozenset[str]
    source: str | None = None
    applies: Condition | None = None
    weight: Fraction = Fraction(1)
    span: Span = span_field()
    # Where its `met when` is written: on the question, or the `answers on ... met when` default.
    met_span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    changed_at: ChangedAt = attrs.field(default=(), eq=False, repr=False, kw_only=True)
    # A case-level judgement (issue 11, point 8a): not answered, but computed from its prompts.
    judgement: Judgement | None = attrs.field(default=None, kw_only=True)

    def answered_as(self) -> tuple[str, ...]:
        """What the evidence answers for it: itself, or a judgement's prompts."""
        return (self.id,) if self.judgement is None else tuple(p.id for p in self.judgement.prompts)


@attrs.frozen
class Judgement:
    """How a judgement rates a case from the case's answers to its prompts (issue 11, point 8a).

    The prompts are questions answered per case, all on the scale `prompt_scale` with one `met
    when`; they are not pooled themselves. The rules are a grading's over the prompts (rated on
    `prompt_scale`) giving a value of the judgement's own scale; the last is `otherwise`.
    """

    prompts: tuple[Question, ...]
    rules: tuple[GradeRule, ...]
    prompt_scale: str
    span: Span = span_field()

    def grading(self, question: Question) -> Grading:
        """The rules as a grading of the prompts (its meaning is a grading's: language.semantics)."""
        return Grading(question.id, question.text, self.prompt_scale, question.scale, self.rules, span=self.span)


@attrs.frozen
class Item(_Written):
    """An evidence item of a descriptive criterion, rated on the grading's scale."""

    id: str
    text: str
    criterion: str
    weight: Fraction = Fraction(1)
    measure: str | None = None
    group: str | None = None  # `group "level 3"`: a named group of the criterion's items
    span: Span = span_field()
    changed_at: ChangedAt = attrs.field(default=(), eq=False, repr=False, kw_only=True)



# ---------------------------------------------------------------------------------------------
# Structure

AggregateKind = Literal[
    "weighted_mean", "lowest_of", "points_total", "graded_over", "score_banded", "sum_banded", "mean_banded"
]


@attrs.frozen
class Aggregate:
    """How a section or the overall combines its members into a score or a grade."""

    kind: AggregateKind
    members: tuple[str, ...] = ()
    members_kind: Literal["criteria", "sections"] = "criteria"
    using: str | None = None  # the points, grading or bands named
    bands: str | None = None  # for points_total: the bands on the total
    span: Span = span_field()
    # sum_banded, mean_banded: how the mean is rounded (the block's `means:` part); None: exact
    means: Rounding | None = None


MissingRule = Literal["not computable", "renormalise"]


@attrs.frozen
class CarryForward:
    """How long an earlier grade of a criterion or section may be carried forward (issue 11, point 6).

    `months` is the period in calendar months (`3 years` is 36); `written` is the period as written."""

    months: int
    written: str  # `36 months`, `3 years`
    span: Span = span_field()


@attrs.frozen
class Criterion(_Written):
    """A criterion: numerical (questions pooled) or descriptive (items graded)."""

    id: str
    title: str
    section: str
    kind: Literal["numerical", "descriptive"]
    weight: Fraction
    weight_class: str | None = None
    description: str = ""
    questions: tuple[Question, ...] = ()
    items: tuple[Item, ...] = ()
    pooling: Literal["pooled", "mean of questions"] = "pooled"
    grading: str | None = None  # descriptive: the grading; numerical: optional bands
    allows_adjustment: bool = False
    carry_forward: CarryForward | None = None  # the evidence may carry an earlier grade forward
    span: Span = span_field()
    caps: tuple[CapRule, ...] = attrs.field(default=(), kw_only=True)  # `no better than X when fact ...`
    # Where `pooling:` is written (None when the default applies); explanations cite it.
    pooling_span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    changed_at: ChangedAt = attrs.field(default=(), eq=False, repr=False, kw_only=True)

    def answered(self) -> tuple[Question, ...]:
        """The questions the evidence answers case by case: judgements' prompts in their place."""
        out: list[Question] = []
        for question in self.questions:
            out.extend((question,) if question.judgement is None else question.judgement.prompts)
        return tuple(out)


@attrs.frozen
class Section(_Written):
    id: str
    title: str
    criteria: tuple[Criterion, ...]
    weight: Fraction | None = None
    description: str = ""
    score: Aggregate | None = None
    grade: Aggregate | None = None
    missing: MissingRule = "not computable"
    allows_adjustment: bool = False  # a lead inspector may adjust its grade (evidence `adjustments`)
    carry_forward: CarryForward | None = None  # the evidence may carry an earlier grade forward
    span: Span = span_field()
    caps: tuple[CapRule, ...] = attrs.field(default=(), kw_only=True)  # `no better than X when fact ...`
    changed_at: ChangedAt = attrs.field(default=(), eq=False, repr=False, kw_only=True)


@attrs.frozen
class Overall:
    title: str
    score: Aggregate | None = None
    grade: Aggregate | None = None
    missing: MissingRule = "not computable"
    description: str = ""
    allows_adjustment: bool = False  # a lead inspector may adjust its grade (evidence `adjustments`)
    span: Span = span_field()
    caps: tuple[CapRule, ...] = attrs.field(default=(), kw_only=True)  # `no better than X when fact ...`


@attrs.frozen
class Sample:
    """A cohort of cases and the sections (None: all) and questions that apply to it."""

    name: str
    label: str
    sections: tuple[str, ...] | None = None
    without_questions: frozenset[str] = frozenset()
    span: Span = span_field()
    # Where its `sections` line and each question of its `without questions` line are written,
    # so that what they leave out is cited at the line that says so, not at `sample … {`.
    sections_span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)
    without_spans: tuple[tuple[str, Span], ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)

    def without_span(self, question: str) -> Span:
        return dict(self.without_spans).get(question, self.span)


@attrs.frozen
class Exclusions:
    """What a derived ruleset leaves out of its parent's scope."""

    cases: tuple[Condition, ...] = ()
    sources: frozenset[str] = frozenset()
    questions: frozenset[str] = frozenset()
    # Where each `exclude source` / `exclude question` line is written, by the name it excludes.
    source_spans: tuple[tuple[str, Span], ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)
    question_spans: tuple[tuple[str, Span], ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)

    def source_span(self, source: str) -> Span | None:
        return dict(self.source_spans).get(source)

    def question_span(self, question: str) -> Span | None:
        return dict(self.question_spans).get(question)


# ---------------------------------------------------------------------------------------------
# Derivation

DerivedAction = Literal["replaced", "removed", "changed", "added"]


@attrs.frozen
class Derived:
    """What one statement of a derived ruleset did, and where it is written: `replaced` bands
    `npd_rating`, `removed` question `C2.review_16wk`, `changed` the `weight` of section `C`,
    `added` question `B1.victim` (kind: section, criterion, question, item, grading, bands or
    class)."""

    action: DerivedAction
    kind: str
    name: str
    part: str | None = None
    span: Span = span_field()


# ---------------------------------------------------------------------------------------------
# Tests written in the language


TargetKind = Literal["criterion", "item", "bands", "section", "overall", "outcome", "judgement"]


@attrs.frozen
class Expectation:
    """One `expect` line of a test: something the ruleset computes, and what it must be.

    `target` and `id` say what (`id` is "overall" for the overall); `what` is a score (an exact
    Fraction; a percentage is compared rounded to the `places` it is written with, a fraction
    exactly, `places` None) or a grade, rating or value (`value`). Bands are given a figure:
    `figure` is score or total (`number`), or measure (`measure`, whose target data the test gives).
    """

    target: TargetKind
    id: str
    what: Literal["score", "grade", "rating", "value", "total", "mean", "rated"]
    written: str  # the expected value as written: `70%`, `3/4`, `Partly met`
    score: Fraction | None = None
    places: int | None = None
    value: str | None = None
    figure: Literal["score", "total", "measure"] | None = None
    number: Fraction | None = None
    measure: str | None = None
    span: Span = span_field()


@attrs.frozen
class TestAdjustment:
    """A lead inspector's adjustment a test gives: the criterion, the grade, by whom and why."""

    criterion: str
    grade: str
    by: str
    reason: str
    span: Span = span_field()

    __test__ = False  # not a pytest test class


@attrs.frozen
class TestCarried:
    """An earlier grade a test carries forward: `criterion` or `section`, its id, the grade, the source."""

    level: Literal["criterion", "section"]
    id: str
    grade: str
    inspection: str = ""
    span: Span = span_field()

    __test__ = False  # not a pytest test class


@attrs.frozen
class RulesetTest:
    """A test written in the ruleset: evidence given, expectations of what the rules compute.

    `criterion` is the criterion the test is about, if it names one (its short `expect grade`
    and `expect score` lines are about it). Answers are (question, answer, how many cases).
    """

    name: str
    criterion: str | None = None
    ratings: tuple[tuple[str, str], ...] = ()
    answers: tuple[tuple[str, str, int], ...] = ()
    measures: tuple[tuple[str, Fraction, Fraction, Fraction], ...] = ()
    adjustments: tuple[TestAdjustment, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    carried: tuple[TestCarried, ...] = ()
    span: Span = span_field()
    facts: tuple[tuple[str, FactValue], ...] = attrs.field(default=(), kw_only=True)  # `given facts ...`


# ---------------------------------------------------------------------------------------------
# The ruleset


@attrs.frozen
class Ruleset:
    """A checked ruleset with its parent's declarations merged in."""

    name: str
    version: str
    title: str
    path: str
    content_hash: str
    description: str = ""
    parent: Ruleset | None = None
    rounding: Rounding = Rounding()  # noqa: RUF009 (frozen, so one shared default is safe)
    # `answers to questions that do not apply: ...` (the evidence's encoder reads it)
    answers_not_applying: AnswersNotApplying = AnswersNotApplying()  # noqa: RUF009 (as `rounding`)
    scales: tuple[Scale, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    facts: tuple[Fact, ...] = ()
    sources: tuple[Source, ...] = ()
    measures: tuple[Measure, ...] = ()
    weight_classes: tuple[tuple[str, Fraction], ...] = ()
    samples: tuple[Sample, ...] = ()
    sections: tuple[Section, ...] = ()
    overall: Overall | None = None
    gradings: tuple[Grading, ...] = ()
    bands: tuple[Bands, ...] = ()
    points: tuple[Points, ...] = ()
    outcomes: tuple[Outcome, ...] = ()  # in the order declared: a rule reads only earlier ones
    exclusions: Exclusions = Exclusions()
    tests: tuple[RulesetTest, ...] = ()
    span: Span = span_field()
    # What the `replace`, `remove`, `change` and `add to` statements of this ruleset and the
    # rulesets it extends did, in the order applied (a removed element is found only here).
    derived: tuple[Derived, ...] = ()

    def derivation(self, action: DerivedAction, kind: str, name: str) -> Derived | None:
        """The last statement that did `action` to the `kind` called `name`, if any did."""
        return next(
            (d for d in reversed(self.derived) if (d.action, d.kind, d.name) == (action, kind, name)), None
        )

    # Look-ups by name. The tuples above keep declaration order; these are conveniences.
    def scale(self, name: str) -> Scale:
        return _by_name(self.scales, name)

    def attribute(self, name: str) -> Attribute:
        """The case attribute called `name`, else the fact (a condition may name either)."""
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return _by_name(self.facts, name)

    def fact(self, name: str) -> Fact:
        return _by_name(self.facts, name)

    def measure(self, name: str) -> Measure:
        return _by_name(self.measures, name)

    def grading(self, name: str) -> Grading:
        return _by_name(self.gradings, name)

    def band_set(self, name: str) -> Bands:
        return _by_name(self.bands, name)

    def points_table(self, name: str) -> Points:
        return _by_name(self.points, name)

    def outcome(self, name: str) -> Outcome:
        return _by_name(self.outcomes, name)

    def sample(self, name: str) -> Sample:
        return _by_name(self.samples, name)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def criteria(self) -> Iterator[Criterion]:
        for section in self.sections:
            yield from section.criteria

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria():
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def questions(self) -> Iterator[Question]:
        for criterion in self.criteria():
            yield from criterion.questions

    def items(self) -> Iterator[Item]:
        for criterion in self.criteria():
            yield from criterion.items

    def question(self, question_id: str) -> Question:
        for question in self.questions():
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def prompts(self) -> Iterator[Question]:
        """The prompts of every judgement (questions answered per case, not pooled themselves)."""
        for question in self.questions():
            if question.judgement is not None:
                yield from question.judgement.prompts

    def answered(self) -> Iterator[Question]:
        """The questions the evidence answers, case by case: every question but the judgements
        (computed), and the judgements' prompts in their place."""
        for criterion in self.criteria():
            yield from criterion.answered()

    def summary(self) -> str:
        """One line: what the ruleset holds."""
        criteria = list(self.criteria())
        counts = (
            plural(len(self.sections), "section"),
            plural(len(criteria), "criterion", "criteria"),
            plural(sum(len(c.questions) for c in criteria), "question"),
            plural(sum(len(c.items) for c in criteria), "item"),
        )
        return f"{' '.join(p for p in (self.name, self.version) if p)}: {', '.join(counts)}"


def _by_name(objects: tuple, name: str):  # type: ignore[no-untyped-def,type-arg]
    for obj in objects:
        if obj.name == name:
            return obj
    raise KeyError(name)
