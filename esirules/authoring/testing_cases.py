"""The evidence a ruleset test gives: a checked test and the compiled ruleset in, columnar evidence out.

The test's answers become cases, as in an inspection: the answers of each `given answers` line
go to cases c1, c2, c3, ... in the order written, so the answers to different questions share
cases. A case is given attribute values under which every question it answers applies and no
`exclude cases` rule leaves it out: the first combination of values, in the attributes'
declared order with "not recorded" first, for which all those conditions hold. An answer whose
question cannot apply to a case together with the questions the case already answers goes to
the next case it can. Ratings, target data, adjustments and facts are taken as given (a fact is
the same for every case, so a question whose `applies when` reads one applies as the facts say).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from esirules.authoring.plain import fact_value_text
from esirules.evidence.cases import (
    MISSING,
    NOT_APPLICABLE,
    Adjustment,
    CarriedForward,
    Cases,
    Evidence,
    MeasureFigures,
    RecordedFact,
)
from esirules.language import model as m
from esirules.language.facts import facts_missing
from esirules.scoring.compile import CompiledCondition, Evaluator
from esirules.scoring.facts import with_fact_columns
from esirules.span import Span

# More combinations of attribute values than this and the answers are not placed (no ruleset
# comes near: the ESI's conditions read 6 attributes, 4,860 combinations).
MOST_COMBINATIONS = 1 << 20

Mask = npt.NDArray[np.bool_]


class CasesError(ValueError):
    """The answers a test gives cannot be given to cases the questions apply to: the words, and
    the ruleset text that stops them."""

    def __init__(self, words: str, span: Span):
        super().__init__(words)
        self.words, self.span = words, span


def evidence_of(evaluator: Evaluator, test: m.RulesetTest) -> Evidence:
    """The evidence `test` gives, ready to score with `evaluator`.

    Raises:
        CasesError: a question's `applies when` cannot hold for a case the ruleset keeps.
    """
    ruleset = evaluator.ruleset
    # The facts the test gives, and the ruleset's defaults of the others (issue 11, point 4);
    # a fact a rule reads that has neither cannot be decided, as in evidence (E232).
    given = dict(test.facts)
    missing = facts_missing(ruleset, given)
    if missing:
        words = (
            f"the test does not give the fact `{missing[0]}`, which the rules read and which has no default: "
            f"add `given facts {missing[0]} ...`"
        )
        raise CasesError(words, test.span)
    facts = {name: RecordedFact(name, value) for name, value in given.items()}
    for fact in ruleset.facts:
        if fact.name not in given and fact.default is not None:
            facts[fact.name] = RecordedFact(fact.name, fact.default, defaulted=True)
    cases = _Placer(evaluator, test, facts).cases()
    measures = {name: MeasureFigures(actual, target, national) for name, actual, target, national in test.measures}
    adjustments = tuple(Adjustment(a.criterion, a.grade, a.by, a.reason) for a in test.adjustments)
    carried = tuple(CarriedForward(c.level, c.id, c.grade, c.inspection, None) for c in test.carried)
    # The test's evidence is what its ruleset's bytes say at its line.
    digest = hashlib.sha256(f"{ruleset.content_hash}\n{test.span.line}\n{test.name}".encode()).hexdigest()
    return Evidence(
        f"{test.span.file}:{test.span.line}", digest, None, cases, dict(test.ratings), measures, adjustments,
        title=test.name, facts=facts, carried_forward=carried,
    )


@attrs.define
class _Case:
    answers: dict[str, int]
    fits: Mask  # the combinations of attribute values this case may still take


class _Placer:
    """Places answers on cases, each case with attribute values its questions apply under."""

    def __init__(self, evaluator: Evaluator, test: m.RulesetTest, facts: Mapping[str, RecordedFact]):
        self.evaluator, self.test = evaluator, test
        answered = dict.fromkeys(question for question, _, _ in test.answers)
        conditions = [evaluator.answered(q).applies for q in answered]
        used = [c for c in conditions if c is not None] + list(evaluator.case_exclusions)
        # Facts are the inspection's, as the test gives them: the same for every case, not placed.
        read = _attributes_read(used)
        self.attributes = [a for a in read if not isinstance(a, m.Fact)]
        self.table = _combinations(self.attributes, used)
        self.table = with_fact_columns(self.table, facts, [a for a in read if isinstance(a, m.Fact)])
        self.masks: dict[str, Mask] = {}
        self.kept = np.ones(len(self.table), dtype=np.bool_)
        for exclusion in evaluator.case_exclusions:
            self.kept &= ~exclusion.mask(self.table)

    def cases(self) -> Cases:
        rows: list[_Case] = []
        next_row: dict[str, int] = {}
        for question_id, answer, count in self.test.answers:
            compiled = self.evaluator.answered(question_id)
            code = _answer_code(compiled.scale, answer)
            fits = None if compiled.applies is None else self._mask(compiled.applies)
            for _ in range(count):
                row = next_row.get(question_id, 0)
                while True:
                    if row == len(rows):
                        rows.append(_Case({}, self.kept.copy()))
                    case = rows[row]
                    narrowed = case.fits if fits is None else case.fits & fits
                    if narrowed.any():
                        case.answers[question_id] = code
                        case.fits = narrowed
                        break
                    if not case.answers:
                        raise self._cannot_apply(compiled.question, compiled.applies)
                    row += 1
                next_row[question_id] = row + 1
        return self._columns(rows)

    def _mask(self, condition: CompiledCondition) -> Mask:
        if condition.text not in self.masks:
            self.masks[condition.text] = condition.mask(self.table)
        return self.masks[condition.text]

    def _cannot_apply(self, question: m.Question, applies: CompiledCondition | None) -> CasesError:
        facts = {a.name for a in _attributes_read([applies]) if isinstance(a, m.Fact)} if applies is not None else set()
        given = [f"{name} {fact_value_text(value)}" for name, value in self.test.facts if name in facts]
        if given:  # (the test's own facts rule it out: that is where to look, not the ruleset)
            words = (f"with the facts the test gives ({', '.join(given)}), question {question.id} applies to no case, "
                     "so the test cannot answer it: give facts under which it applies, or leave its answers out")
            return CasesError(words, self.test.span)
        words = f"question {question.id} cannot apply to any case the ruleset keeps, so the test cannot answer it"
        return CasesError(words, question.span if question.applies is None else question.applies.span)

    def _columns(self, rows: list[_Case]) -> Cases:
        chosen = np.array([int(np.argmax(case.fits)) for case in rows], dtype=np.intp)
        attributes = {a.name: self.table.attributes[a.name][chosen] for a in self.attributes}
        answers = {}
        for question_id in dict.fromkeys(q for q, _, _ in self.test.answers):
            column = np.full(len(rows), -1, dtype=np.int16)  # UNANSWERED
            for number, case in enumerate(rows):
                if question_id in case.answers:
                    column[number] = case.answers[question_id]
            answers[question_id] = column
        ids = tuple(f"c{number}" for number in range(1, len(rows) + 1))
        return Cases(ids=ids, samples=np.full(len(rows), None, dtype=object), attributes=attributes, answers=answers)


def _answer_code(scale: m.Scale | None, answer: str) -> int:
    assert scale is not None  # INVARIANT: the checker found the answer on its question's scale
    return NOT_APPLICABLE if answer == scale.not_applicable else scale.values.index(answer)


def _attributes_read(conditions: list[CompiledCondition]) -> list[m.Attribute]:
    found: dict[str, m.Attribute] = {}
    for condition in conditions:
        for attribute in condition.attributes:
            found.setdefault(attribute.name, attribute)
    return list(found.values())


def _combinations(attributes: list[m.Attribute], conditions: list[CompiledCondition]) -> Cases:
    """A table with one case per combination of the attributes' values ("not recorded" first)."""
    choices = [_choices(a, conditions) for a in attributes]
    size = 1
    for values in choices:
        size *= len(values)
    if size > MOST_COMBINATIONS:
        words = f"the questions' conditions read {len(attributes)} case attributes, too many to place the answers"
        raise CasesError(words, conditions[0].condition.span)
    columns: dict[str, npt.NDArray] = {}  # type: ignore[type-arg]
    product = list(itertools.product(*choices)) if attributes else [()]
    for position, attribute in enumerate(attributes):
        dtype = np.float64 if attribute.kind == "numeric" else np.int16
        columns[attribute.name] = np.array([combination[position] for combination in product], dtype=dtype)
    return Cases(ids=("",) * len(product), samples=np.full(len(product), None, dtype=object),
                 attributes=columns, answers={})


def _choices(attribute: m.Attribute, conditions: list[CompiledCondition]) -> list[float]:
    """The values worth trying for an attribute: every code; for a number, each number the
    conditions compare it with, and the numbers either side of it, within its range."""
    if attribute.kind != "numeric":
        count = 2 if attribute.kind == "boolean" else len(attribute.values)
        return [MISSING, *range(count)]
    numbers: set[Fraction] = set()
    for condition in conditions:
        numbers |= set(_numbers_compared(condition.condition, attribute.name))
    tried = {n + step for n in numbers for step in (-1, 0, 1)}
    tried |= {bound for bound in (attribute.minimum, attribute.maximum) if bound is not None}
    low = attribute.minimum if attribute.minimum is not None else min(tried, default=Fraction(0))
    high = attribute.maximum if attribute.maximum is not None else max(tried, default=Fraction(0))
    return [float("nan"), *sorted(float(n) for n in tried if low <= n <= high)]


def _numbers_compared(condition: m.Condition, name: str) -> list[Fraction]:
    if isinstance(condition, m.Not):
        return _numbers_compared(condition.operand, name)
    if isinstance(condition, (m.AllOf, m.AnyOf)):
        return [n for operand in condition.operands for n in _numbers_compared(operand, name)]
    if condition.attribute != name:
        return []
    if isinstance(condition, m.Comparison):
        values: tuple[object, ...] = (condition.value,)
    elif isinstance(condition, m.Membership):
        values = condition.values
    else:
        values = ()
    return [v for v in values if isinstance(v, Fraction)]
