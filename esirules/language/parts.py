"""Parts of declarations: the typed nodes a grammar rule's option becomes before its declaration
is assembled (`graded by management` -> GradedBy), so no part is told apart by a tag string.

They are NamedTuples rather than attrs classes: they live only while ToSyntax assembles a
declaration, and creating two dozen attrs classes would add some 15 ms to every start of
`esirules`.
"""

from __future__ import annotations

from typing import NamedTuple

from esirules.language import syntax as s


class ClassWeight(NamedTuple):
    name: s.Name


class ExplicitWeight(NamedTuple):
    value: s.Value


class Pooling(NamedTuple):
    name: s.Name


class GradedBy(NamedTuple):
    name: s.Name


class AllowsAdjustment(NamedTuple):
    pass


class AnsweredOn(NamedTuple):
    scale: s.Name


class MetWhen(NamedTuple):
    rule: s.MetRule


class QuestionSource(NamedTuple):
    source: s.Name


class AppliesWhen(NamedTuple):
    condition: s.ConditionNode


class QuestionWeight(NamedTuple):
    value: s.Value


class ItemsRatedOn(NamedTuple):
    scale: s.Name


class GradesFrom(NamedTuple):
    ladder: s.Name


class Cumulative(NamedTuple):
    pass


class MeasuresRatedBy(NamedTuple):
    bands: s.Name


class Ties(NamedTuple):
    rule: str


class Setting(NamedTuple):
    """`weight 45%` after `change section C`: the part named and its new value."""

    part: s.Name
    value: s.ChangeValue


class SampleSections(NamedTuple):
    names: tuple[s.Name, ...]


class SampleWithout(NamedTuple):
    names: tuple[s.Name, ...]


class AttributeKind(NamedTuple):
    kind: str  # enumerated | ordered | boolean | numeric
    values: tuple[s.Value, ...] = ()
    minimum: s.Value | None = None
    maximum: s.Value | None = None


class Group(NamedTuple):
    """`group "level 3"` on an item, or `of group "level 3"` in a quantifier."""

    text: s.Text


class ValuedLevel(NamedTuple):
    """`good = 3`: a level of a scale with a number of its own (issue 11, point 1)."""

    value: s.Value
    number: s.Value


class FigureMembers(NamedTuple):
    """`items of group "level 3"`, `criteria A1, A2`, `items rated at least good`: what a figure is of."""

    noun: str
    group: s.Text | None
    members: tuple[s.Name, ...]
    rated: Comparison | None


class SharePossible(NamedTuple):
    """`75% of possible`."""

    share: s.Value


class Comparison(NamedTuple):
    kind: str  # at_least | at_best | exactly
    value: s.Value
    written: bool  # False for a bare value, which means exactly


class TestTarget(NamedTuple):
    criterion: s.Name


class GivenRatings(NamedTuple):
    ratings: tuple[tuple[s.Name, s.Value], ...]


class GivenFacts(NamedTuple):
    """`given facts breach yes, enforcement formal` (issue 11, point 4)."""

    facts: tuple[tuple[s.Name, s.Value], ...]


class FactDefault(NamedTuple):
    """`, default no` after a fact's kind."""

    value: s.Value


class AnswerCount(NamedTuple):
    value: s.Value
    times: int  # `x 3`: how many cases gave the answer


class GivenAnswers(NamedTuple):
    answers: tuple[tuple[s.Name, s.Value, int], ...]


class GivenMeasure(NamedTuple):
    measure: tuple[s.Name, s.Value, s.Value, s.Value]


class Subject(NamedTuple):
    """What an `expect` is about: `criterion B1`, `section B`, `overall`."""

    kind: str
    name: s.Name | None
