"""Judge cases (issue 11, point 8a): a judgement's prompts' answer columns in, its rating column out.

A judgement rates every case of a batch at once: each clause of its rules counts, per case and by
prompt weight, the prompts it counts and those that satisfy it (numpy over the prompts' coded
answer columns, a few passes per prompt and none per case), then tests the counts as the clause's
quantifier says (`language.semantics`, the one meaning of a quantifier, shared with gradings).
The first rule that holds gives the case's rating, coded as an answer on the judgement's scale, so
the judgement is then pooled over cases exactly like an answered question.

A prompt drops out for a case (it is in no count) where its `applies when` does not hold, where
it is answered not applicable, and for every case when the ruleset or the column's sample leaves
it out. Where every prompt drops out the case's judgement is not applicable; where a prompt that
applies is blank it is not answered (no rating is made on part of the answers).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Protocol

import attrs
import numpy as np
import numpy.typing as npt

from esirules.evidence.cases import ANSWER_OFFSET, NOT_APPLICABLE, UNANSWERED, Cases
from esirules.language import model as m
from esirules.language.semantics import ClauseMeaning, GradingMeaning, class_of
from esirules.scoring.causes import Cause


class _Applies(Protocol):
    @property
    def text(self) -> str: ...
    def mask(self, cases: Cases) -> Mask: ...


class Prompt(Protocol):
    """What judging reads of a prompt: a compiled question (esirules.scoring.compile)."""

    @property
    def question(self) -> m.Question: ...
    @property
    def applies(self) -> _Applies | None: ...
    @property
    def exclusion(self) -> Cause | None: ...
    def answers(self, cases: Cases) -> Codes: ...
    def met(self, codes: Codes) -> Mask: ...

Mask = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int16]

NO_PROMPT_APPLIES = "no prompt applies to the case"
PROMPT_NOT_ANSWERED = "a prompt that applies to the case is not answered"
NO_RULE = -1  # the rule column's entry for a case no rule rated


@attrs.frozen(eq=False)
class CompiledJudgement:
    """A judgement ready to rate cases: its prompts (compiled as questions) and its rules as ranks.

    `tables[p][k]` says, for prompt p and answer code k + ANSWER_OFFSET, whether clause k of
    the flattened rules counts (`domain`) or is satisfied by (`satisfying`) that answer.
    """

    question: m.Question
    judgement: m.Judgement
    prompts: tuple[Prompt, ...]
    meaning: GradingMeaning
    scale: m.Scale  # the judgement's own scale
    prompt_scale: m.Scale
    weights: tuple[int, ...]  # each prompt's weight in whole units
    unit: int  # units in a weight of 1
    domain: tuple[tuple[npt.NDArray[np.bool_], ...], ...]  # [clause][prompt]: lookup by code + offset
    satisfying: tuple[tuple[npt.NDArray[np.bool_], ...], ...]

    @property
    def no_prompt_cause(self) -> Cause:
        return Cause("no_prompt_applies", NO_PROMPT_APPLIES, self.judgement.span)

    @property
    def blank_prompt_cause(self) -> Cause:
        return Cause("prompt_not_answered", PROMPT_NOT_ANSWERED, self.judgement.span)

    def judge(self, cases: Cases, left_out: Collection[str] = ()) -> tuple[Codes, npt.NDArray[np.int16]]:
        """Each case's rating (a code on the judgement's scale, or NOT_APPLICABLE or UNANSWERED)
        and the index of the rule that gave it (NO_RULE where none did).

        Args:
            cases: the batch.
            left_out: prompts the column leaves out (its sample is `without` them, or the
                ruleset excludes them): they drop out for every case.
        """
        n = len(cases)
        codes = []
        counted = np.zeros(n, dtype=np.bool_)
        blank = np.zeros(n, dtype=np.bool_)
        for prompt in self.prompts:
            answers = prompt.answers(cases)
            if prompt.question.id in left_out or prompt.exclusion is not None:
                answers = np.full(n, NOT_APPLICABLE, dtype=np.int16)
            elif prompt.applies is not None:
                answers = np.where(prompt.applies.mask(cases), answers, NOT_APPLICABLE).astype(np.int16)
            index = answers.astype(np.intp) + ANSWER_OFFSET
            codes.append(index)
            counted |= answers >= 0
            blank |= answers == UNANSWERED
        # Each clause's counts: S and D in whole weight units, per case.
        truths: list[Mask] = []
        for clause_number, clause in enumerate(self._clauses()):
            satisfying = np.zeros(n, dtype=np.int64)
            domain = np.zeros(n, dtype=np.int64)
            for p, index in enumerate(codes):
                weight = self.weights[p]
                satisfying += weight * self.satisfying[clause_number][p][index]
                domain += weight * self.domain[clause_number][p][index]
            holds = np.ones(n, dtype=np.bool_)
            for test in clause.tests:
                figure = test.satisfying * satisfying + test.domain * domain + test.items * self.unit
                holds &= figure > 0 if test.strict else figure >= 0
            truths.append(holds)
        rule_index = np.full(n, NO_RULE, dtype=np.int16)
        ratings = np.full(n, UNANSWERED, dtype=np.int16)
        undecided = np.ones(n, dtype=np.bool_)
        at = 0
        for number, (rule, meaning) in enumerate(zip(self.judgement.rules, self.meaning.rules)):
            if meaning.otherwise:
                holds = undecided.copy()
            else:
                holds = undecided.copy()
                for truth in truths[at : at + len(meaning.clauses)]:
                    holds &= truth
            at += len(meaning.clauses)
            rule_index[holds] = number
            ratings[holds] = self.scale.values.index(rule.grade)
            undecided &= ~holds
        ratings[~counted] = NOT_APPLICABLE
        ratings[blank] = UNANSWERED
        rule_index[~counted | blank] = NO_RULE
        return ratings, rule_index

    def _clauses(self) -> list[ClauseMeaning]:
        return [clause for rule in self.meaning.rules for clause in rule.clauses]


def compile_judgement(question: m.Question, prompts: tuple[Prompt, ...], ruleset: m.Ruleset) -> CompiledJudgement:
    """Work out, once, what each answer to each prompt counts for in each clause of the rules."""
    judgement = question.judgement
    assert judgement is not None  # INVARIANT: called for judgements only
    prompt_scale = ruleset.scale(judgement.prompt_scale)
    scale = ruleset.scale(question.scale)
    meaning = GradingMeaning.of(judgement.grading(question), prompt_scale, scale)
    unit = math.lcm(*(p.weight.denominator for p in judgement.prompts))
    weights = tuple(int(p.weight * unit) for p in judgement.prompts)
    size = len(prompt_scale.values)
    domain: list[tuple[npt.NDArray[np.bool_], ...]] = []
    satisfying: list[tuple[npt.NDArray[np.bool_], ...]] = []
    for clause in (c for rule in meaning.rules for c in rule.clauses):
        in_domain, in_satisfying = [], []
        for prompt in judgement.prompts:
            base = class_of(meaning.classes, prompt.id, None) * size
            d = np.zeros(size + ANSWER_OFFSET, dtype=np.bool_)  # negative codes: never counted
            sat = np.zeros(size + ANSWER_OFFSET, dtype=np.bool_)
            for code in range(size):
                column = base + prompt_scale.rank(prompt_scale.values[code])
                d[code + ANSWER_OFFSET] = column in clause.domain
                sat[code + ANSWER_OFFSET] = column in clause.satisfying
            in_domain.append(d)
            in_satisfying.append(sat)
        domain.append(tuple(in_domain))
        satisfying.append(tuple(in_satisfying))
    return CompiledJudgement(
        question, judgement, prompts, meaning, scale, prompt_scale, weights, unit, tuple(domain), tuple(satisfying)
    )
