"""One case's judgement explained (issue 11, point 8a): the case's answers to the prompts in, how it was rated out.

The case is judged again, alone, by the same compiled judgement that scored the column (so what
is shown is what was counted): each prompt's answer and whether it is met, not met, drops out
(and why) or is blank; then the rule that gave the rating, or why there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import attrs
import numpy as np

from esirules.evidence.cases import NOT_APPLICABLE, UNANSWERED, Cases
from esirules.explain.objects import RuleRef
from esirules.language import model as m
from esirules.scoring.compile import Evaluator
from esirules.scoring.judgements import NO_PROMPT_APPLIES, NO_RULE, PROMPT_NOT_ANSWERED
from esirules.span import Span

PromptStatus = Literal["met", "not met", "drops out", "not answered"]


@attrs.frozen
class PromptAnswer:
    """A prompt as the case answered it, and how the judgement's rules count it."""

    question: str
    text: str
    answer: str | None  # None: not answered
    status: PromptStatus
    reason: str | None = None  # why it drops out


@attrs.frozen
class JudgedCase:
    """How a judgement rated one case: its prompts, the rating and the rule that gave it."""

    prompts: tuple[PromptAnswer, ...]
    rating: str | None  # None: not rated (`reason` says why)
    rule: RuleRef | None
    reason: str | None = None


def judge_case(
    evaluator: Evaluator, question: m.Question, cases: Cases, index: int, sample: m.Sample | None,
    ref: Callable[[Span], RuleRef],
) -> JudgedCase:
    """The judgement `question` of the case at `index` of `cases`; `ref` turns a span into a RuleRef."""
    compiled = evaluator.judgements[question.id]
    left_out = frozenset() if sample is None else sample.without_questions
    one = cases.take(np.arange(len(cases)) == index)
    ratings, rules = compiled.judge(one, left_out)
    code, rule = int(ratings[0]), int(rules[0])
    prompts = []
    for prompt in compiled.prompts:
        model = prompt.question
        answers = prompt.answers(one)
        answer = _answer(compiled.prompt_scale, int(answers[0]))
        reason = None
        if model.id in left_out:
            reason = f"sample {sample.name if sample else ''} is without this prompt"
        elif prompt.exclusion is not None:
            reason = prompt.exclusion.words
        elif prompt.applies is not None and not bool(prompt.applies.mask(one)[0]):
            reason = f"it applies when {prompt.applies.text}"
        elif int(answers[0]) == NOT_APPLICABLE:
            reason = "answered not applicable"
        status: PromptStatus
        if reason is not None:
            status = "drops out"
        elif int(answers[0]) == UNANSWERED:
            status = "not answered"
        else:
            status = "met" if bool(prompt.met(answers)[0]) else "not met"
        prompts.append(PromptAnswer(model.id, model.text, answer, status, reason))
    rating = compiled.scale.values[code] if code >= 0 else None
    why = None if code >= 0 else NO_PROMPT_APPLIES if code == NOT_APPLICABLE else PROMPT_NOT_ANSWERED
    span = None if rule == NO_RULE else compiled.judgement.rules[rule].span
    return JudgedCase(tuple(prompts), rating, None if span is None else ref(span), why)


def _answer(scale: m.Scale, code: int) -> str | None:
    if code == NOT_APPLICABLE:
        return scale.not_applicable or "not applicable"
    return None if code < 0 else scale.values[code]
