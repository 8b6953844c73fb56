"""Causes: why a value is not computable, a case not counted, a member left out — as records, not sentences.

A `Cause` has a stable `kind` (listed below and in docs/result-schema.md), the words every output
shows, and where it comes from: the span of the ruleset text behind it, or the place in the
evidence that records it (or both). Explanations cite the span; nothing looks a rule up by its
words. Two causes are equal when their kind and words are (spans and locations take no part, as
everywhere in the result tree), so causes of the same kind and words from two batches merge.
"""

from __future__ import annotations

from typing import Literal

import attrs

from esirules.evidence.cases import Location
from esirules.span import NOWHERE, Span

CauseKind = Literal[
    # cases not counted, and questions that count no case
    "case_excluded",  # `exclude cases where ...` holds for the case
    "does_not_apply",  # the question's `applies when` does not hold for the case
    "answered_not_applicable",  # answered with the scale's not-applicable answer
    "not_answered",  # the answer is blank
    "no_prompt_applies",  # a judgement: every prompt drops out for the case (issue 11, point 8a)
    "prompt_not_answered",  # a judgement: a prompt that applies to the case is blank
    "source_excluded",  # `exclude source ...`: every question the source answers contributes nothing
    "question_excluded",  # `exclude question ...`
    "not_in_sample",  # the column's sample is `without` the question
    "other_sample",  # the case belongs to another sample than the column's
    "not_selected",  # an explanation of the cases where a condition holds: it does not for the case
    # values that are not computable
    "no_applicable_cases",  # a question or criterion with no applicable answer
    "all_questions_excluded",
    "section_not_in_sample",  # the column's sample does not cover the section
    "no_grading",
    "items_not_rated",  # a criterion with an item without a rating
    "not_rated",  # an item the evidence gives no rating
    "rating_not_on_scale",
    "no_target_data",  # a measure-rated item without the measure's figures
    "no_performance_figure",  # the measure's divisor is 0
    "no_measure_bands",
    "no_band_fits",
    "all_items_not_applicable",
    "no_rule_holds",
    "no_aggregate",  # a section or overall with neither a score nor a grade rule
    "graded_not_scored",
    "scored_not_graded",
    "no_such_member",
    "member_not_computable",  # a member's own cause, restated by its aggregate
    "no_member_computable",
    "zero_weight",
    "no_score_to_band",
    "no_member_grade",
    "grade_not_on_ladder",
    "grade_not_on_scale",
    "grade_has_no_points",
    # carried-forward judgements (issue 11, point 6): a grade kept from an earlier inspection
    "carried_forward",  # a criterion or section carried forward: graded, not computed, no score
    "section_carried_forward",  # a criterion of a section carried forward: not inspected
    "level_not_computable",  # an outcome's rule reads a level with no grade or score
    # adjustments that could not be applied
    "adjustment_not_allowed",
    "no_grade_to_adjust",
    "adjustment_not_on_ladder",
    # explanations: a member's part in its parent's score
    "no_parent_score",
    "not_a_member",
]


@attrs.frozen
class Cause:
    """Why: a stable kind, the words to show, the ruleset span and the evidence location behind it."""

    kind: CauseKind
    words: str
    span: Span | None = attrs.field(default=None, eq=False, repr=False, converter=lambda s: None if s == NOWHERE else s)
    evidence: Location | None = attrs.field(default=None, eq=False, repr=False)

    def __str__(self) -> str:
        return self.words

    def restated(self, words: str, kind: CauseKind | None = None) -> Cause:
        """The same cause, from the same place, in other words (and of another kind if given):
        an aggregate saying why its member is not computable cites the member's own cause."""
        return attrs.evolve(self, words=words, kind=kind or self.kind)


def about(subject: str, what: str, cause: Cause) -> str:
    """`criterion B2 is not computable: no applicable cases in this sample`, or the cause's words
    alone when they already say it of the subject (`section D does not apply to sample september`)."""
    if cause.words.startswith(subject + " "):
        return cause.words
    return f"{subject} {what}: {cause.words}"


def words(cause: Cause | None) -> str | None:
    """A cause's words, or None."""
    return None if cause is None else cause.words
