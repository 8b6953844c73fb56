"""The result tree: what scoring evidence under a ruleset gives, with the provenance of every value.

The single source for every output (score sheet, explanation, JSON, the service). Every value
is an exact Fraction, or None with a `cause` when it is not computable (a record: a stable kind,
the words shown as `reason`, the ruleset span or evidence location behind it; see `causes`); its
`display` string is rounded per the ruleset's Rounding; its `span` is the ruleset text of the
rule that produced it. Derived figures later stages show (an aggregate's total weight, a term's
product and share) are worked out here, so explanations and renderers only read them. Case lists are sequences of case ids in natural order (c2 before c10), so results do not
depend on the order of cases in the evidence or on how scoring was split into batches; a
`CaseList` equals the tuple of its ids and becomes one only when read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, overload

import attrs

from esirules.evidence.cases import EvidenceWarning, Location
from esirules.language.model import AggregateKind, Rounding
from esirules.scoring.causes import Cause, words
from esirules.scoring.result_outcomes import LevelTestResult as LevelTestResult  # (re-exported)
from esirules.scoring.result_outcomes import OutcomeResult
from esirules.scoring.result_outcomes import OutcomeRuleResult as OutcomeRuleResult  # (re-exported)
from esirules.span import Span, span_field

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

NOT_COMPUTABLE = "not computable"

# ---------------------------------------------------------------------------------------------
# Where the inputs came from


@attrs.frozen
class RulesetRef:
    name: str
    version: str
    content_hash: str
    path: str


@attrs.frozen
class EvidenceRef:
    path: str
    content_hash: str


class CaseList(Sequence[str]):
    """Case ids in natural order, made into a tuple only when first read.

    A large inspection has millions of (case, question) entries and most outputs read none of
    them, so scoring keeps, per list, the batch's ids in natural order and a function giving
    the mask of the ids in the list. It equals (and hashes like) the tuple of its ids, so a
    result tree compares the same whether its lists were read or not.
    """

    __slots__ = ("_cases", "_count", "_ids", "_select")

    def __init__(self, ids: npt.NDArray[np.object_], select: Callable[[], npt.NDArray[np.bool_]], count: int):
        self._ids: npt.NDArray[np.object_] | None = ids
        self._select: Callable[[], npt.NDArray[np.bool_]] | None = select
        self._count = count
        self._cases: tuple[str, ...] | None = None

    @property
    def cases(self) -> tuple[str, ...]:
        """The ids as a tuple."""
        if self._cases is None:
            assert self._ids is not None and self._select is not None
            self._cases = tuple(self._ids[self._select()].tolist()) if self._count else ()
            self._ids = self._select = None  # INVARIANT: read once; what they refer to may be large
        return self._cases

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self.cases[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self.cases)

    def __contains__(self, case: object) -> bool:
        return case in self.cases

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CaseList):
            return len(self) == len(other) and self.cases == other.cases
        if isinstance(other, tuple):
            return len(self) == len(other) and self.cases == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.cases)

    def __repr__(self) -> str:
        return repr(self.cases)

    def __reduce__(self) -> tuple[object, ...]:
        return (tuple, (self.cases,))


CaseIds = Sequence[str]  # a tuple, or a CaseList


@attrs.frozen
class CaseGroup:
    """Cases that share one cause (for not being applicable, or for being excluded)."""

    cause: Cause
    cases: CaseIds

    @property
    def reason(self) -> str:
        return self.cause.words


# ---------------------------------------------------------------------------------------------
# Numerical criteria: questions over cases


@attrs.frozen
class RatingCases:
    """The cases a judgement gave one rating (issue 11, point 8a)."""

    value: str
    cases: CaseIds


@attrs.frozen
class QuestionResult:
    """One question over the cases in scope: who met it, who did not, who it did not apply to."""

    id: str
    text: str
    weight: Fraction
    source: str | None
    met: int
    applicable: int
    met_cases: CaseIds
    not_met_cases: CaseIds
    not_applicable: tuple[CaseGroup, ...]
    value: Fraction | None
    display: str
    cause: Cause | None = None  # why value is None
    exclusion: Cause | None = None  # why the question contributes nothing
    span: Span = span_field()
    met_span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)  # `met when`
    # A judgement's cases by the rating each was given, for every value of its scale, best first
    # (empty for a question that is answered).
    ratings: tuple[RatingCases, ...] = attrs.field(default=(), kw_only=True)

    @property
    def is_judgement(self) -> bool:
        return bool(self.ratings)

    @property
    def reason(self) -> str | None:
        return words(self.cause)

    @property
    def excluded(self) -> str | None:
        return words(self.exclusion)

    def not_applicable_reasons(self) -> dict[str, str]:
        """Each not-applicable case with its reason."""
        return {case: group.reason for group in self.not_applicable for case in group.cases}


# ---------------------------------------------------------------------------------------------
# Descriptive criteria: items, bands and grading rules


@attrs.frozen
class FigureTestResult:
    """One test of a band, e.g. `performance at least 110%`: the figure found and whether it held."""

    text: str
    figure: str
    value: Fraction | None  # the figure exactly
    compared: Fraction | None  # the figure compared (rounded first when ties are `rounded`)
    operand: Fraction | None
    found: str
    holds: bool
    span: Span = span_field()


@attrs.frozen
class BandTrace:
    value: str
    tests: tuple[FigureTestResult, ...]
    otherwise: bool
    holds: bool
    span: Span = span_field()


@attrs.frozen
class BandResult:
    """A figure turned into a value by a Bands object: the first band whose tests all hold."""

    bands: str
    figure: str
    value: str | None
    ties: Literal["exact", "rounded"]
    tried: tuple[BandTrace, ...]  # the bands up to and including the one that gave the value
    cause: Cause | None = None
    span: Span = span_field()

    @property
    def reason(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class MeasureResult:
    """Target data for a measure-rated item, and the performance worked out from it."""

    measure: str
    label: str
    unit: str
    lower_is_better: bool
    actual: Fraction
    target: Fraction
    national_average: Fraction
    performance: Fraction | None  # actual / target (target / actual when lower is better)
    performance_display: str


@attrs.frozen
class ItemResult:
    """An item and its rating; `counted` is False for a not-applicable rating."""

    id: str
    text: str
    weight: Fraction
    rating: str | None
    counted: bool
    measure: MeasureResult | None = None
    band: BandResult | None = None
    cause: Cause | None = None  # why there is no rating
    group: str | None = None  # the item's group in its criterion (`group "level 3"`)
    span: Span = span_field()

    @property
    def reason(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class FigureResult:
    """A figure clause worked out (issue 11, point 1): every member with its number and weight,
    so the figure can be recomputed by hand; the figure exactly, as compared (a mean rounded by
    `rounding`), what was possible, and the number it was compared with."""

    kind: str  # sum | mean | count | min | max
    members: tuple[str, ...]  # the rated members it is over, in order
    numbers: tuple[Fraction, ...]  # each member's number (for count: 1 if counted, else 0)
    weights: tuple[Fraction, ...]
    value: Fraction | None  # exact; None for a mean, min or max of no member
    compared: Fraction | None  # the mean rounded by `rounding`; otherwise `value`
    possible: Fraction
    bound: Fraction
    rounding: tuple[int, str] | None = None  # a mean's (places, ties), when `means:` rounds it


@attrs.frozen
class ClauseResult:
    """One clause of a rule: what it needed, what it found, whether it held."""

    text: str
    domain: tuple[str, ...]  # item ids the quantifier ranges over
    satisfying: tuple[str, ...]  # those whose rating satisfies the comparison
    domain_weight: Fraction
    satisfying_weight: Fraction
    needed: str
    found: str
    holds: bool
    span: Span = span_field()
    figure: FigureResult | None = None  # a figure clause's members, numbers and figures


@attrs.frozen
class RuleResult:
    """A grade rule tried in order; `holds` needs its clauses and (cumulative) every lower grade."""

    grade: str
    otherwise: bool
    clauses: tuple[ClauseResult, ...]
    clauses_hold: bool
    gated_by: tuple[str, ...]  # cumulative gradings: lower grades whose rules did not hold
    holds: bool
    chosen: bool
    span: Span = span_field()
    facts: tuple[FactConditionResult, ...] = attrs.field(default=(), kw_only=True)  # `clauses_hold` includes them


@attrs.frozen
class FactReading:
    """A fact a condition read: its value for the inspection (recorded, or the declared default)."""

    name: str
    value: str  # as an inspector writes it: yes, formal, 12.5; "not recorded" when it is not
    defaulted: bool = False
    location: Location | None = attrs.field(default=None, eq=False)


@attrs.frozen
class FactConditionResult:
    """A fact condition of a rule or cap (`fact breach`): whether it held, and the facts it read."""

    text: str  # as written, without `fact`: `breach`, `enforcement >= formal`
    holds: bool
    facts: tuple[FactReading, ...]
    span: Span = span_field()


@attrs.frozen
class CapResult:
    """A cap tried: in a grading, or in a criterion, section or overall (a level's cap, whose
    clauses are fact conditions only). `holds`: every clause and fact condition holds;
    `applied`: it lowered the grade."""

    grade: str
    clauses: tuple[ClauseResult, ...]
    holds: bool
    applied: bool  # it lowered the grade
    span: Span = span_field()
    facts: tuple[FactConditionResult, ...] = attrs.field(default=(), kw_only=True)


@attrs.frozen
class GradingTrace:
    """How a grading turned rated items into a grade: every rule in order, then the caps."""

    grading: str
    ladder: str
    item_scale: str
    cumulative: bool
    rules: tuple[RuleResult, ...]
    caps: tuple[CapResult, ...]
    rule_grade: str | None  # the grade the rules gave
    grade: str | None  # after the caps
    span: Span = span_field()

    @property
    def grade_span(self) -> Span | None:
        """The rule or cap that gave the grade."""
        for cap in reversed(self.caps):
            if cap.applied and cap.grade == self.grade:
                return cap.span
        for rule in self.rules:
            if rule.chosen:
                return rule.span
        return None


@attrs.frozen
class AdjustmentResult:
    """A lead inspector's adjustment; `applied` is False (with a cause, its `note`) when it could not be."""

    grade: str
    by: str
    reason: str  # the inspector's
    applied: bool
    cause: Cause | None = None  # why it was not applied

    @property
    def note(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class CarriedForwardResult:
    """An earlier judgement a criterion or section keeps (issue 11, point 6): not computed this time.

    `allowed` is the ruleset's period as written (`36 months`), `until` the last date it could be
    carried forward to; `span` is the ruleset's `may carry forward` line, `location` the evidence's entry."""

    grade: str
    inspection: str  # "" when a ruleset's test names none
    date: datetime.date | None  # None only in a ruleset's test, which gives no dates
    reference: str | None
    allowed: str
    months: int
    until: datetime.date | None
    ladder: str | None = None  # the ladder of the grade (None when no one ladder is the level's)
    location: Location | None = attrs.field(default=None, eq=False)
    span: Span = span_field()


# ---------------------------------------------------------------------------------------------
# Criteria, sections, overall


@attrs.frozen
class CriterionResult:
    """A criterion: a score from questions (numerical) or a grade from items (descriptive)."""

    id: str
    title: str
    kind: Literal["numerical", "descriptive"]
    section: str
    weight: Fraction
    weight_class: str | None
    value: Fraction | None
    display: str
    cause: Cause | None = None  # why value (or grade) is None
    # numerical
    pooling: Literal["pooled", "mean of questions"] | None = None
    questions: tuple[QuestionResult, ...] = ()
    met: Fraction = Fraction(0)  # Σ weight × met over the questions
    applicable: Fraction = Fraction(0)  # Σ weight × applicable
    questions_weight: Fraction | None = None  # mean of questions: Σ weight of those averaged
    bands: BandResult | None = None  # numerical criteria graded by bands
    # descriptive
    items: tuple[ItemResult, ...] = ()
    items_weight: Fraction = Fraction(0)  # Σ weight of the items counted (rated, not n/a)
    trace: GradingTrace | None = None
    # grades
    ladder: str | None = None
    computed_grade: str | None = None
    adjustment: AdjustmentResult | None = None
    grade: str | None = None  # final: the adjusted grade when adjusted
    span: Span = span_field()
    # Its caps (`no better than X when fact ...`), each tried; the grade before the one that bound.
    caps: tuple[CapResult, ...] = attrs.field(default=(), kw_only=True)
    uncapped_grade: str | None = attrs.field(default=None, kw_only=True)
    pooling_span: Span | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)  # as written
    carried_forward: CarriedForwardResult | None = attrs.field(default=None, kw_only=True)  # not computed

    @property
    def reason(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class Term:
    """A member of an aggregate: its weight and value (their product, its share of the mean), or its grade (and points)."""

    member: str
    weight: Fraction | None = None
    value: Fraction | None = None
    display: str = ""
    grade: str | None = None
    points: Fraction | None = None
    product: Fraction | None = None  # weight × value
    share: Fraction | None = None  # weight × value ÷ Σ weights: its part of the weighted mean


@attrs.frozen
class ExcludedMember:
    member: str
    cause: Cause

    @property
    def reason(self) -> str:
        return self.cause.words


@attrs.frozen
class AggregateResult:
    """How a section or the overall combined its members (a weighted mean, or a grade)."""

    kind: AggregateKind
    members_kind: Literal["criteria", "sections"]
    value: Fraction | None  # the weighted mean, or the points total
    display: str
    grade: str | None
    cause: Cause | None
    terms: tuple[Term, ...]
    excluded: tuple[ExcludedMember, ...] = ()
    renormalised: bool = False
    total_weight: Fraction | None = None  # weighted mean: Σ weight of the terms
    total: Fraction | None = None  # weighted mean: Σ weight × value of the terms
    using: str | None = None
    ladder: str | None = None
    band: BandResult | None = None
    items: tuple[ItemResult, ...] = ()  # graded_over: the members as rated items
    trace: GradingTrace | None = None  # graded_over: the grading applied
    span: Span = span_field()
    # sum_banded, mean_banded (issue 11, point 1): how many members were rated, the largest total
    # they could have had, their exact mean, the mean as banded (rounded by `means:`), its rounding
    rated: int | None = None
    possible: Fraction | None = None
    mean: Fraction | None = None
    banded_mean: Fraction | None = None
    means: tuple[int, str] | None = None

    @property
    def reason(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class SectionResult:
    id: str
    title: str
    weight: Fraction | None
    applies: bool
    value: Fraction | None
    display: str
    cause: Cause | None
    grade: str | None
    score: AggregateResult | None
    grading: AggregateResult | None
    span: Span = span_field()
    computed_grade: str | None = None  # the grade before an adjustment (set when one was recorded)
    adjustment: AdjustmentResult | None = None
    # Its caps (`no better than X when fact ...`), each tried; the grade before the one that bound.
    caps: tuple[CapResult, ...] = attrs.field(default=(), kw_only=True)
    uncapped_grade: str | None = attrs.field(default=None, kw_only=True)
    carried_forward: CarriedForwardResult | None = None  # an earlier grade kept, not computed

    @property
    def reason(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class OverallResult:
    title: str
    value: Fraction | None
    display: str
    cause: Cause | None
    grade: str | None
    score: AggregateResult | None
    grading: AggregateResult | None
    span: Span = span_field()
    computed_grade: str | None = None  # the grade before an adjustment (set when one was recorded)
    adjustment: AdjustmentResult | None = None
    # Its caps (`no better than X when fact ...`), each tried; the grade before the one that bound.
    caps: tuple[CapResult, ...] = attrs.field(default=(), kw_only=True)
    uncapped_grade: str | None = attrs.field(default=None, kw_only=True)

    @property
    def reason(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class ColumnResult:
    """One column of a score sheet: a ruleset applied to evidence, optionally one sample only."""

    label: str
    ruleset: RulesetRef
    evidence: EvidenceRef
    sample: str | None
    rounding: Rounding
    cases: int  # cases in scope
    excluded_cases: tuple[CaseGroup, ...]
    criteria: dict[str, CriterionResult]  # in ruleset order
    sections: dict[str, SectionResult]
    overall: OverallResult | None
    warnings: tuple[EvidenceWarning, ...] = ()  # problems in the evidence that change no figure
    facts: tuple[FactReading, ...] = attrs.field(default=(), kw_only=True)  # the inspection's facts
    inspection_date: datetime.date | None = None  # the evidence's own `date`
    outcomes: dict[str, OutcomeResult] = attrs.field(factory=dict)  # in the order declared
