"""Rules in the resolved model: gradings and their clauses, bands, points tables.

Part of the model (esirules.language.model re-exports these); frozen, spans out of equality.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import attrs

from esirules.language.model_conditions import Condition
from esirules.span import Span, span_field
from esirules.words import number_text, percent_text


@attrs.frozen
class Rounding:
    """How figures are shown: `places` decimal places of a percentage; `ties` for halves."""

    places: int = 0
    ties: Literal["up", "even", "down"] = "up"
    span: Span = span_field()

NotApplyingChoice = Literal["ignored", "warned", "refused"]


@attrs.frozen
class AnswersNotApplying:
    """What becomes of an answer recorded for a case a question's `applies when` leaves out
    (`answers to questions that do not apply: ...`, issue 15 point 6): it is never counted;
    `ignored` says nothing of it, `warned` (ignored with a warning, the default) warns (E122),
    `refused` makes it an error of the evidence (E126)."""

    choice: NotApplyingChoice = "warned"
    span: Span = span_field()

    def words(self) -> str:
        """The choice as the ruleset writes it."""
        return {"ignored": "ignored", "warned": "ignored with a warning", "refused": "refused"}[self.choice]


# ---------------------------------------------------------------------------------------------
# Threshold rules over items (gradings)

QuantifierKind = Literal[
    "each", "majority", "some", "none", "at_least_count", "at_least_share", "others",
    "at_most_count", "fewer_than_count", "exactly_count", "at_most_share", "named", "figure",
]
# Quantifiers with a number of members (`count`) and with a share of their weight (`share`).
COUNTED = frozenset({"at_least_count", "at_most_count", "fewer_than_count", "exactly_count"})
SHARED = frozenset({"at_least_share", "at_most_share"})


@attrs.frozen
class Quantifier:
    kind: QuantifierKind
    count: int | None = None
    share: Fraction | None = None
    # What the rule counts, as written ("items", "criteria" or "sections"): wording only, so two
    # quantifiers that differ only in it are equal (the word does not change the meaning).
    noun: str = attrs.field(default="items", eq=False)
    other: bool = False  # `other criteria`: leaves out the members named in the same rule
    group: str | None = None  # `each item of group "level 3"`: only the items of that group


FigureKind = Literal["sum", "mean", "count", "min", "max"]
FigureComparison = Literal["at_least", "above", "below", "at_most", "is"]


@attrs.frozen
class FigureSpec:
    """A figure over the members' numbers compared with a bound (issue 11, point 1):
    `sum of items at most 15`, `mean of criteria at least 75% of possible`."""

    kind: FigureKind
    comparison: FigureComparison
    operand: Fraction  # a number, or with `of_possible` the share of what was possible
    of_possible: bool = False
    members: tuple[str, ...] = ()  # `max of criteria A1, A2`: only these members (none: all)
    rated: bool = False  # `count of items rated at least good`: the clause's comparison picks them


@attrs.frozen
class Clause:
    """`at least strong on the majority of items`: a comparison on the scale and a quantifier.

    A figure clause (`sum of items at most 15`) has `figure`, its quantifier is "figure", and its
    comparison and value pick the members counted: those `rated` so, else every rated member
    (`at least` the worst value)."""

    comparison: Literal["at_least", "at_best", "exactly"]
    value: str
    quantifier: Quantifier
    member: str | None = None  # for a named clause (`leadership is ...`): the member named
    span: Span = span_field()
    figure: FigureSpec | None = None
    # A judgement's `each prompt is met` (issue 11, point 8a): the comparison is the prompts' `met
    # when` (at least, or exactly, a value); wording only, the meaning is in comparison and value.
    met: bool = attrs.field(default=False, eq=False)


def figure_members(clauses: tuple[Clause, ...]) -> tuple[str, ...]:
    """The members figure clauses name (`max of criteria A1, A2`), in the order written."""
    return tuple(dict.fromkeys(name for c in clauses if c.figure is not None for name in c.figure.members))


def named_members(clauses: tuple[Clause, ...]) -> tuple[str, ...]:
    """The members a rule names (`leadership is ...`), in the order written."""
    return tuple(dict.fromkeys(c.member for c in clauses if c.member is not None))


@attrs.frozen
class GradeRule:
    """A grade and the clauses (all must hold) that award it; no clauses for `otherwise`.

    `facts`: its fact conditions (`fact breach`), conditions over the inspection's facts that
    must hold as well (issue 11, point 4).
    """

    grade: str
    clauses: tuple[Clause, ...]
    otherwise: bool = False
    span: Span = span_field()
    facts: tuple[Condition, ...] = attrs.field(default=(), kw_only=True)


@attrs.frozen
class CapRule:
    """`no better than X when ...`: caps the grade after the ladder is applied. In a grading its
    clauses and fact conditions must all hold; in a criterion, section or overall (a level's
    cap) it has fact conditions only."""

    grade: str
    clauses: tuple[Clause, ...]
    span: Span = span_field()
    facts: tuple[Condition, ...] = attrs.field(default=(), kw_only=True)


@attrs.frozen
class Grading:
    """An ordered list of threshold rules that grade a set of rated items."""

    name: str
    label: str
    item_scale: str
    ladder: str
    rules: tuple[GradeRule, ...]
    caps: tuple[CapRule, ...] = ()
    cumulative: bool = False
    measure_bands: str | None = None
    span: Span = span_field()
    # `means: 2 decimal places, halves up`: the rounding of a mean before it is compared; None: exact
    means: Rounding | None = None


# ---------------------------------------------------------------------------------------------
# Banded thresholds and points

Figure = Literal["score", "total", "performance", "actual", "mean", "rated"]


@attrs.frozen
class FigureTest:
    """`score at least 75%`, `actual at least national average`."""

    figure: Figure
    comparison: Literal["at_least", "above", "below", "at_most", "is"]
    operand: Fraction | Literal["target", "national average"]
    percent: bool = False
    span: Span = span_field()
    of_possible: bool = False  # `total at least 75% of possible`: the operand is a share of `possible`



def figure_test_text(test: FigureTest) -> str:
    """A band's test as written: `performance at least 110%`, `actual at least national average`."""
    return f"{test.figure} {test.comparison.replace('_', ' ')} {operand_text(test)}"


def operand_text(test: FigureTest) -> str:
    """What a band's test compares with: `110%`, `23`, `23 of possible`, `national average`."""
    if isinstance(test.operand, Fraction):
        shown = percent_text(test.operand) if test.percent else number_text(test.operand)
        return f"{shown} of possible" if test.of_possible else shown
    return test.operand


@attrs.frozen
class Band:
    value: str
    tests: tuple[FigureTest, ...]
    otherwise: bool = False
    span: Span = span_field()


@attrs.frozen
class Bands:
    """Ordered thresholds that turn a figure into a value of `scale`; first match wins."""

    name: str
    scale: str
    bands: tuple[Band, ...]
    ties: Literal["exact", "rounded"] = "exact"
    span: Span = span_field()


@attrs.frozen
class Points:
    name: str
    ladder: str
    points: tuple[tuple[str, Fraction], ...]
    span: Span = span_field()

    def for_grade(self, grade: str) -> Fraction | None:
        return dict(self.points).get(grade)


# ---------------------------------------------------------------------------------------------
# Outcomes that are categories, not grades (issue 11, point 5)

LevelKind = Literal["overall", "section", "criterion", "outcome", "fact"]


@attrs.frozen
class LevelTest:
    """One test of an outcome rule over what scoring gives a level.

    `figure` grade: the level's final grade compared on `ladder` (`at_least`, `at_best`,
    `exactly` `value`); score: the level's score compared with `threshold` (`at_least`,
    `above`, `below`, `at_most`); value: an earlier outcome's value is `value`. `id` is the
    section, criterion or outcome, "overall" for the overall; `written` is the test as written.
    """

    level: LevelKind
    id: str
    figure: Literal["grade", "score", "value", "fact"]
    comparison: Literal["at_least", "at_best", "exactly", "above", "below", "at_most"]
    written: str
    value: str | None = None
    threshold: Fraction | None = None
    ladder: str | None = None
    span: Span = span_field()
    # `fact breach` (level and figure "fact", `id` the condition as written): the inspection's facts
    condition: Condition | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class OutcomeRule:
    """`"serious weaknesses" when overall is Inadequate`: a value and the tests (all must hold)
    that give it; no tests for `otherwise`."""

    value: str
    tests: tuple[LevelTest, ...]
    otherwise: bool = False
    span: Span = span_field()


@attrs.frozen
class Outcome:
    """A category computed from grades, scores (and earlier outcomes): values in precedence
    order, the first first; rules as written."""

    name: str
    label: str
    values: tuple[str, ...]
    rules: tuple[OutcomeRule, ...]
    description: str = ""
    span: Span = span_field()
    # Where each value is written in the `values` line, and the outcome's name (for diagnostics).
    value_spans: tuple[Span, ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)
    name_span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)

    def tried(self) -> tuple[OutcomeRule, ...]:
        """The rules in the order they are tried: by their value's precedence (rules of one
        value as written), then the `otherwise` rule."""
        order = {value: number for number, value in enumerate(self.values)}
        ruled = sorted((r for r in self.rules if not r.otherwise), key=lambda r: order.get(r.value, len(order)))
        return tuple(ruled) + tuple(r for r in self.rules if r.otherwise)
