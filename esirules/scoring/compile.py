"""Compile a resolved ruleset (esirules.language.model) into evaluator objects that score evidence.

Everything that does not depend on the evidence is worked out here once: each question's
table of met answers, each condition as a vectorised test over the columns of case
attributes, the scales, ladders and bands each grading uses.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from esirules.evidence import conditions
from esirules.evidence.cases import ANSWER_OFFSET, MISSING, UNANSWERED, Cases
from esirules.language import model as m
from esirules.language.semantics import FactTruth, GradingMeaning
from esirules.scoring.causes import Cause
from esirules.words import value_text

Mask = npt.NDArray[np.bool_]
Truth = tuple[Mask, Mask]  # (known true, known false); neither means unknown


class CompileError(ValueError):
    """The model is inconsistent in a way the checker should have reported (a bug, not user error)."""


# ---------------------------------------------------------------------------------------------
# Conditions


@attrs.frozen(eq=False)
class CompiledCondition:
    """A condition over case attributes, tested on all cases at once.

    A comparison on an attribute the case lacks is unknown, not false; and/or/not follow
    three-valued logic (`x or unknown` is true when x is), and a condition whose outcome is
    unknown does not hold. So a case lacking an attribute fails the condition exactly when
    the attribute's value could have mattered. Data only (no closures), so it can be pickled.
    """

    condition: m.Condition
    text: str
    attributes: tuple[m.Attribute, ...]  # those it reads, in order of first use
    _combinations: list[tuple[bool, str]] | None = attrs.field(default=None, init=False)

    def truth(self, cases: Cases) -> Truth:
        """Where the condition is known true, and where known false (see `conditions.truth`)."""
        columns = {a.name: _column(cases, a) for a in self.attributes}
        return conditions.truth(self.condition, columns, {a.name: a for a in self.attributes}, len(cases))

    def mask(self, cases: Cases) -> Mask:
        """True where the condition holds."""
        return self.truth(cases)[0]

    def describe_cases(
        self, cases: Cases, index: npt.NDArray[np.intp]
    ) -> list[tuple[str, npt.NDArray[np.intp]]]:
        """The cases at `index` grouped by their values of the attributes the condition reads."""
        if len(index) == 0:
            return []
        keys = np.stack([_key_column(cases, a)[index] for a in self.attributes], axis=1)
        combos, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        groups = []
        for number, combo in enumerate(combos):
            found = ", ".join(f"{a.name} is {_describe_key(a, k)}" for a, k in zip(self.attributes, combo))
            groups.append((found, index[inverse == number]))
        return groups

    def group_cases(
        self, cases: Cases, keep: Mask, holds: Mask
    ) -> list[tuple[str, npt.NDArray[np.integer], int, int]]:  # type: ignore[type-arg]
        """The cases in `keep` the condition does not hold for, grouped as by `describe_cases`.

        Each group is (found, key, number, count): the cases in `keep` whose `key` is `number`.
        For coded attributes every combination of values is known in advance, so the
        condition is tested once per combination (when compiled), and the cases of each
        combination it fails are only counted here.
        """
        combinations = self._coded_combinations()
        if combinations is None:  # a numeric attribute: group the cases by their values
            index = np.flatnonzero(keep & ~holds)
            numbers = np.full(len(keep), -1, dtype=np.int64)
            groups: list[tuple[str, npt.NDArray[np.integer], int, int]] = []  # type: ignore[type-arg]
            for number, (found, members) in enumerate(self.describe_cases(cases, index)):
                numbers[members] = number
                groups.append((found, numbers, number, len(members)))
            return groups
        key, offset = self._key(cases)
        everything = bool(keep.all())
        groups = []
        for number, (holds_here, found) in enumerate(combinations):
            if holds_here:
                continue
            hit = key == number + offset
            count = int(np.count_nonzero(hit if everything else hit & keep))
            if count:
                groups.append((found, key, number + offset, count))
        return groups

    def _key(self, cases: Cases) -> tuple[npt.NDArray[np.integer], int]:  # type: ignore[type-arg]
        """Each case's combination of values, numbered in mixed radix (first attribute most
        significant), and what to add to a combination's number to get its key."""
        if len(self.attributes) == 1:  # the codes themselves, which run from MISSING
            return _column(cases, self.attributes[0]), MISSING
        small = int(np.prod([_radix(a) for a in self.attributes])) < np.iinfo(np.int16).max
        key: npt.NDArray[np.integer] = np.zeros(len(cases), dtype=np.int16 if small else np.int32)  # type: ignore[type-arg]
        for attribute in self.attributes:
            key = key * _radix(attribute) + (_column(cases, attribute) - MISSING)
        return key, 0

    def _coded_combinations(self) -> list[tuple[bool, str]] | None:
        """For each combination of the attributes' codes (MISSING first): does it hold, and its words."""
        if self._combinations is None:
            if any(a.kind == "numeric" for a in self.attributes):
                return None
            radixes = [_radix(a) for a in self.attributes]
            size = int(np.prod(radixes))
            if size > 4096:
                return None
            number = np.arange(size)
            columns: dict[str, npt.NDArray[np.int16]] = {}
            for attribute, radix in reversed(list(zip(self.attributes, radixes))):
                number, digit = np.divmod(number, radix)
                columns[attribute.name] = (digit + MISSING).astype(np.int16)
            table = Cases(
                ids=("",) * size,
                samples=np.full(size, None, dtype=object),
                attributes=columns,
                answers={},
            )
            holds = self.mask(table).tolist()
            words = [
                ", ".join(f"{a.name} is {_describe_key(a, columns[a.name][i])}" for a in self.attributes)
                for i in range(size)
            ]
            object.__setattr__(self, "_combinations", list(zip(holds, words)))
        return self._combinations


def _radix(attribute: m.Attribute) -> int:
    return (2 if attribute.kind == "boolean" else len(attribute.values)) + 1


def compile_condition(condition: m.Condition, ruleset: m.Ruleset) -> CompiledCondition:
    used = tuple(_attribute(ruleset, name) for name in _attributes_read(condition))
    return CompiledCondition(condition, conditions.describe(condition), used)


def _attribute(ruleset: m.Ruleset, name: str) -> m.Attribute:
    try:
        return ruleset.attribute(name)
    except KeyError:
        raise CompileError(f"unknown attribute `{name}`") from None


def _attributes_read(condition: m.Condition) -> list[str]:
    """The attributes a condition reads, in order of first use."""
    if isinstance(condition, m.Not):
        return _attributes_read(condition.operand)
    if isinstance(condition, (m.AllOf, m.AnyOf)):
        return list(dict.fromkeys(name for c in condition.operands for name in _attributes_read(c)))
    return [condition.attribute]


def _column(cases: Cases, attribute: m.Attribute) -> npt.NDArray:  # type: ignore[type-arg]
    column = cases.attributes.get(attribute.name)
    if column is not None:
        return column
    if attribute.kind == "numeric":
        return np.full(len(cases), np.nan)
    return np.full(len(cases), MISSING, dtype=np.int16)


def _key_column(cases: Cases, attribute: m.Attribute) -> npt.NDArray[np.float64]:
    column = _column(cases, attribute).astype(np.float64)
    return np.where(np.isnan(column), np.inf, column)  # np.unique keeps every NaN apart


def _describe_key(attribute: m.Attribute, key: float) -> str:
    if attribute.kind == "numeric":
        return "not recorded" if key == np.inf else f"{key:g}"
    if key == MISSING:
        return "not recorded"
    if attribute.kind == "boolean":
        return "yes" if key == 1 else "no"
    return value_text(attribute.values[int(key)])


# ---------------------------------------------------------------------------------------------
# Questions


@attrs.frozen(eq=False)
class CompiledQuestion:
    """A question ready to score: its met table and applicability test."""

    question: m.Question
    met_table: npt.NDArray[np.bool_]  # indexed by answer code + ANSWER_OFFSET
    applies: CompiledCondition | None
    exclusion: Cause | None  # why the ruleset leaves it out, if it does
    met_codes: tuple[int, ...] = ()  # the answer codes that meet it
    not_met_codes: tuple[int, ...] = ()  # the other answers on the scale
    scale: m.Scale | None = attrs.field(default=None, kw_only=True)  # its answers' scale

    def answers(self, cases: Cases) -> npt.NDArray[np.int16]:
        codes = cases.answers.get(self.question.id)
        return np.full(len(cases), UNANSWERED, dtype=np.int16) if codes is None else codes

    def met(self, codes: npt.NDArray[np.int16]) -> Mask:
        """True where the answer counts as met (blank and not-applicable answers never do)."""
        return self.met_table[codes.astype(np.intp) + ANSWER_OFFSET]


def compile_question(question: m.Question, ruleset: m.Ruleset) -> CompiledQuestion:
    try:
        scale = ruleset.scale(question.scale)
    except KeyError:
        raise CompileError(f"question {question.id}: unknown scale `{question.scale}`") from None
    unknown = question.met - set(scale.values)
    if unknown:
        raise CompileError(f"question {question.id}: {sorted(unknown)} not on scale `{scale.name}`")
    # INVARIANT: the two negative codes (not applicable, unanswered) map to False.
    table = np.zeros(len(scale.values) + ANSWER_OFFSET, dtype=np.bool_)
    for code, value in enumerate(scale.values):
        table[code + ANSWER_OFFSET] = value in question.met
    applies = None if question.applies is None else compile_condition(question.applies, ruleset)
    met_codes = tuple(code for code, value in enumerate(scale.values) if value in question.met)
    not_met_codes = tuple(code for code in range(len(scale.values)) if code not in met_codes)
    exclusion = _question_exclusion(question, ruleset.exclusions)
    return CompiledQuestion(question, table, applies, exclusion, met_codes, not_met_codes, scale=scale)


def _question_exclusion(question: m.Question, exclusions: m.Exclusions) -> Cause | None:
    if question.source is not None and question.source in exclusions.sources:
        return Cause(
            "source_excluded",
            f"excluded by the ruleset: source {question.source}",
            exclusions.source_span(question.source),
        )
    if question.id in exclusions.questions:
        return Cause(
            "question_excluded", f"excluded by the ruleset: question {question.id}", exclusions.question_span(question.id)
        )
    return None


# ---------------------------------------------------------------------------------------------
# Gradings and bands


@attrs.frozen(eq=False)
class CompiledGrading:
    """A grading with the scales it reads resolved, and what its rules mean over ranks."""

    grading: m.Grading
    item_scale: m.Scale
    ladder: m.Scale
    measure_bands: m.Bands | None
    # Whether a fact condition holds for the inspection graded: set for a grading that tests
    # facts (`scoring.facts.InspectionFacts.bind`); deciding such a grading needs it.
    facts: FactTruth | None = None
    meaning: GradingMeaning = attrs.field(init=False)

    @meaning.default
    def _meaning(self) -> GradingMeaning:
        return GradingMeaning.of(self.grading, self.item_scale, self.ladder)


@attrs.frozen(eq=False)
class Evaluator:
    """A compiled ruleset: call esirules.scoring.evaluate.score(evaluator, evidence) to score evidence."""

    ruleset: m.Ruleset
    questions: dict[str, CompiledQuestion]  # in ruleset order
    case_exclusions: tuple[CompiledCondition, ...]
    gradings: dict[str, CompiledGrading]

    @property
    def facts_read_by_cases(self) -> tuple[m.Fact, ...]:
        """The facts the questions' `applies when` conditions read (as constant case columns)."""
        found = {
            a.name: a
            for q in self.questions.values() if q.applies is not None
            for a in q.applies.attributes if isinstance(a, m.Fact)
        }
        return tuple(found.values())

    def criterion_ladder(self, criterion: m.Criterion) -> m.Scale | None:
        """The ladder (or scale) a criterion's grade is on, if it has one."""
        if criterion.grading is None:
            return None
        if criterion.kind == "descriptive":
            return self.gradings[criterion.grading].ladder
        return self.ruleset.scale(self.ruleset.band_set(criterion.grading).scale)


def compile_ruleset(ruleset: m.Ruleset) -> Evaluator:
    """Compile a checked ruleset once; the evaluator can then score any amount of evidence.

    Args:
        ruleset: the resolved model from the checker.

    Returns:
        The evaluator. Raises CompileError only if the model is inconsistent (a checker bug).
    """
    questions = {q.id: compile_question(q, ruleset) for q in ruleset.questions()}
    exclusions = tuple(compile_condition(c, ruleset) for c in ruleset.exclusions.cases)
    gradings = {}
    for grading in ruleset.gradings:
        try:
            gradings[grading.name] = CompiledGrading(
                grading,
                ruleset.scale(grading.item_scale),
                ruleset.scale(grading.ladder),
                None if grading.measure_bands is None else ruleset.band_set(grading.measure_bands),
            )
        except KeyError as error:
            raise CompileError(f"grading {grading.name}: unknown name {error}") from None
    for criterion in ruleset.criteria():
        if criterion.grading is not None:
            known = gradings if criterion.kind == "descriptive" else {b.name for b in ruleset.bands}
            if criterion.grading not in known:
                raise CompileError(f"criterion {criterion.id}: unknown grading `{criterion.grading}`")
    return Evaluator(ruleset, questions, exclusions, gradings)
