"""Parts of declarations: the typed nodes a grammar rule's option becomes before its declaration
is assembled (`graded by management` -> GradedBy), so no part is told apart by a tag string."""

from __future__ import annotations

import attrs

from esirules.language import syntax as s


@attrs.frozen
class ClassWeight:
    name: s.Name


@attrs.frozen
class ExplicitWeight:
    value: s.Value


@attrs.frozen
class Pooling:
    name: s.Name


@attrs.frozen
class GradedBy:
    name: s.Name


@attrs.frozen
class AllowsAdjustment:
    pass


@attrs.frozen
class AnsweredOn:
    scale: s.Name


@attrs.frozen
class MetWhen:
    rule: s.MetRule


@attrs.frozen
class QuestionSource:
    source: s.Name


@attrs.frozen
class AppliesWhen:
    condition: s.ConditionNode


@attrs.frozen
class QuestionWeight:
    value: s.Value


@attrs.frozen
class ItemsRatedOn:
    scale: s.Name


@attrs.frozen
class GradesFrom:
    ladder: s.Name


@attrs.frozen
class Cumulative:
    pass


@attrs.frozen
class MeasuresRatedBy:
    bands: s.Name


@attrs.frozen
class Ties:
    rule: str


@attrs.frozen
class SampleSections:
    names: tuple[s.Name, ...]


@attrs.frozen
class SampleWithout:
    names: tuple[s.Name, ...]


@attrs.frozen
class AttributeKind:
    kind: str  # enumerated | ordered | boolean | numeric
    values: tuple[s.Value, ...] = ()
    minimum: s.Value | None = None
    maximum: s.Value | None = None


@attrs.frozen
class Comparison:
    kind: str  # at_least | at_best | exactly
    value: s.Value
    written: bool  # False for a bare value, which means exactly


@attrs.frozen
class TestTarget:
    criterion: s.Name

    __test__ = False  # not a pytest test class


@attrs.frozen
class GivenRatings:
    ratings: tuple[tuple[s.Name, s.Value], ...]


@attrs.frozen
class AnswerCount:
    value: s.Value
    count: int


@attrs.frozen
class GivenAnswers:
    answers: tuple[tuple[s.Name, s.Value, int], ...]


@attrs.frozen
class GivenMeasure:
    measure: tuple[s.Name, s.Value, s.Value, s.Value]


@attrs.frozen
class GivenAdjustment:
    adjustment: tuple[s.Value, s.Text, s.Text]


@attrs.frozen
class ExpectGrade:
    grade: s.Value


@attrs.frozen
class ExpectScore:
    score: s.Value
