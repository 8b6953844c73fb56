"""What an explanation is about: a target name, one case or a subset of cases in, explanation parts out.

`resolve_target` turns what an inspector typed (`B1`, `b`, `overall`, `B1.start`) into a
target of the ruleset; `explain` assembles the whole explanation of a scored column; a case's
part (`--case`) reads the case's own attributes and answers from the evidence and where it
stood from the result tree's case lists.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

import attrs
import numpy as np

from esirules.diagnostics import Diagnostic, DiagnosticError, did_you_mean
from esirules.evidence.cases import MISSING, NOT_APPLICABLE, Evidence, Location
from esirules.evidence.natural import natural_key
from esirules.explain.explainer import Explainer, Recorded, Sources
from esirules.explain.judged import JudgedCase, judge_case
from esirules.explain.objects import SCHEMA, Body, GroupExplanation, TargetKind, condition_phrase
from esirules.language import model as m
from esirules.scoring.causes import Cause, words
from esirules.scoring.compile import Evaluator, compile_condition
from esirules.scoring.result import ColumnResult, CriterionResult
from esirules.span import Span
from esirules.words import plural, value_text

TARGET = "TARGET"
CASE = "--case"


@attrs.frozen
class Target:
    kind: TargetKind
    id: str
    title: str
    criterion: str | None = None  # a question's or item's criterion
    section: str | None = None


def targets(ruleset: m.Ruleset) -> list[Target]:
    """Everything `explain` can explain, in ruleset order."""
    out = []
    for section in ruleset.sections:
        out.append(Target("section", section.id, section.title, section=section.id))
        for criterion in section.criteria:
            out.append(Target("criterion", criterion.id, criterion.title, criterion.id, section.id))
            out += [Target("question", q.id, q.text, criterion.id, section.id) for q in criterion.questions]
            out += [Target("item", i.id, i.text, criterion.id, section.id) for i in criterion.items]
    if ruleset.overall is not None:
        out.append(Target("overall", "overall", ruleset.overall.title))
    out += [Target("outcome", outcome.name, outcome.label) for outcome in ruleset.outcomes]
    return out


def resolve_target(ruleset: m.Ruleset, text: str) -> Target:
    """The target called `text` (ids match regardless of case), or a DiagnosticError saying what is known."""
    known = targets(ruleset)
    by_id = {t.id: t for t in known}
    if text in by_id:
        return by_id[text]
    folded = [t for t in known if t.id.lower() == text.lower()]
    if len(folded) == 1:
        return folded[0]
    examples = [t.id for t in known if t.kind in ("section", "criterion")][:6]
    close = difflib.get_close_matches(text, list(by_id), n=6, cutoff=0.5)
    if len(close) > 1:
        help_line = "did you mean one of " + ", ".join(f"`{c}`" for c in sorted(close, key=natural_key)) + "?"
    else:
        help_line = did_you_mean(text, by_id, listing=False) or (
            "a target is a criterion, a section, `overall`, or a question or item id, such as "
            + ", ".join(f"`{e}`" for e in examples)
        )
    span = Span(TARGET, 1, 1, 1, max(len(text), 1) + 1)
    raise DiagnosticError(
        [Diagnostic("E301", f"the ruleset `{ruleset.name}` has no criterion, section, question or item `{text}`",
                    span, help_line)],
        {TARGET: text},
    )


def criteria_in_scope(target: Target, ruleset: m.Ruleset) -> tuple[str, ...]:
    """The criteria whose case-level answers a target covers."""
    if target.kind in ("overall", "outcome"):
        return tuple(c.id for c in ruleset.criteria())
    if target.kind == "section":
        return tuple(c.id for c in ruleset.section(target.id).criteria)
    return (target.criterion or target.id,)


# ---------------------------------------------------------------------------------------------
# One case


@attrs.frozen
class CaseAnswer:
    criterion: str
    question: str
    text: str
    answer: str | None  # None: not answered
    status: Literal["met", "not met", "not applicable", "not scored"]
    cause: Cause | None = None  # why not applicable, or not scored
    # For a judgement (issue 11, point 8a): the case's answers to its prompts and the rule that rated it.
    judged: JudgedCase | None = attrs.field(default=None, kw_only=True)

    @property
    def reason(self) -> str | None:
        return words(self.cause)


@attrs.frozen
class CaseExplanation:
    """Everything one case contributed to the criteria in scope."""

    id: str
    sample: str | None
    in_column: bool
    why_not: Cause | None  # why the case is not in the column
    attributes: tuple[tuple[str, str, str], ...]  # name, label, value as written
    answers: tuple[CaseAnswer, ...]
    criteria: tuple[str, ...]
    graded_from_items: tuple[str, ...]  # criteria in scope that no case answers
    recorded: Location | None

    @property
    def why_not_in_column(self) -> str | None:
        return words(self.why_not)

    @property
    def outside(self) -> str:
        """What a case not counted is outside: `this column`, or `the cases explained` (`--where`)."""
        return "the cases explained" if self.why_not is not None and self.why_not.kind == "not_selected" else "this column"


def find_case(evidence: Sequence[Evidence], case_id: str) -> tuple[Evidence, int]:
    """The evidence holding a case, and its position; or a DiagnosticError with close ids."""
    for part in evidence:
        try:
            return part, part.cases.ids.index(case_id)
        except ValueError:
            continue
    ids = [i for part in evidence for i in part.cases.ids]
    close = did_you_mean(case_id, ids[:5000], listing=False) if len(ids) <= 5000 else None
    total = len(ids)
    help_line = close or (
        f"the evidence has {plural(total, 'case')}" + (f", from `{ids[0]}` to `{ids[-1]}`" if ids else "")
    )
    raise DiagnosticError(
        [Diagnostic("E303", f"there is no case `{case_id}` in the evidence",
                    Span(CASE, 1, 1, 1, max(len(case_id), 1) + 1), help_line)],
        {CASE: case_id},
    )


def explain_case(
    column: ColumnResult,
    evaluator: Evaluator,
    evidence: Sequence[Evidence],
    case_id: str,
    target: Target,
    sources: Sources | None = None,
    where: tuple[m.Condition, str] | None = None,
) -> CaseExplanation:
    """A case's attributes and answers from the evidence; met, not met or why not, from the result tree.
    `where`: the condition of an explanation of some of the cases, and how it is written; a case
    it does not select is not among the cases explained."""
    ruleset = evaluator.ruleset
    part, index = find_case(evidence, case_id)
    cases = part.cases
    sample = cases.samples[index]
    sample = None if sample is None else str(sample)
    record = cases.locations[index] if cases.locations else None
    why_not = None
    for group in column.excluded_cases:
        if _holds_case(group.cases, case_id):
            why_not = group.cause
    if why_not is None and column.sample is not None and sample != column.sample:
        words = f"the case belongs to sample {sample or '(none)'}, and this column is sample {column.sample}"
        why_not = Cause("other_sample", words, ruleset.sample(column.sample).span, record)
    if why_not is None and where is not None:
        condition, written = where
        if not compile_condition(condition, ruleset).mask(cases)[index]:
            why_not = Cause("not_selected", f"the case is not one of the cases where {written}", None, record)
    attributes = tuple(
        (a.name, a.label, _attribute_text(a, cases.attributes.get(a.name), index)) for a in ruleset.attributes
    )
    in_scope = criteria_in_scope(target, ruleset)
    answers = []
    graded = []
    for criterion_id in in_scope:
        model = ruleset.criterion(criterion_id)
        if model.kind == "descriptive":
            graded.append(criterion_id)
            continue
        result = column.criteria[criterion_id]
        by_id = {q.id: q for q in result.questions}
        for question in model.questions:
            if target.kind == "question" and question.id != target.id:
                continue
            judged = None
            if question.judgement is not None:
                chosen = None if column.sample is None else ruleset.sample(column.sample)
                ref = (sources or Sources({})).ref
                judged = judge_case(evaluator, question, cases, index, chosen, ref)
                answer = judged.rating
            else:
                answer = _answer_text(ruleset, question, cases.answers.get(question.id), index)
            status = _status(result, by_id.get(question.id), question, answer, case_id, why_not)
            answers.append(status if judged is None else attrs.evolve(status, judged=judged))
    recorded = cases.locations[index] if cases.locations else None
    return CaseExplanation(
        case_id, sample, why_not is None, why_not, attributes, tuple(answers), in_scope, tuple(graded), recorded
    )


def _holds_case(ordered: Sequence[str], case_id: str) -> bool:
    """Whether a case list (in natural order, as the result tree keeps them) holds a case."""
    key = natural_key(case_id)
    at = bisect.bisect_left(ordered, key, key=natural_key)
    return at < len(ordered) and ordered[at] == case_id


def _status(
    criterion: CriterionResult,
    result: object,
    question: m.Question,
    answer: str | None,
    case_id: str,
    why_not: Cause | None,
) -> CaseAnswer:
    from esirules.scoring.result import QuestionResult

    base = CaseAnswer(criterion.id, question.id, question.text, answer, "not scored")
    if why_not is not None:  # said once, for the case as a whole
        return base
    if not isinstance(result, QuestionResult):
        inner = criterion.cause or Cause("member_not_computable", "no reason given", criterion.span)
        return attrs.evolve(base, cause=inner.restated(f"{criterion.id} is not computable: {inner.words}"))
    if _holds_case(result.met_cases, case_id):
        return attrs.evolve(base, status="met")
    if _holds_case(result.not_met_cases, case_id):
        return attrs.evolve(base, status="not met")
    for group in result.not_applicable:
        if _holds_case(group.cases, case_id):
            return attrs.evolve(base, status="not applicable", cause=group.cause)
    # INVARIANT: a case in the column is met, not met or not applicable for every scored question.
    raise AssertionError(f"case {case_id} is in none of question {question.id}'s case lists")


def _attribute_text(attribute: m.Attribute, column: object, index: int) -> str:
    if column is None:
        return "not recorded"
    value = np.asarray(column)[index]
    if attribute.kind == "numeric":
        return "not recorded" if np.isnan(value) else f"{Fraction(float(value)).limit_denominator(10**6)}"
    if int(value) == MISSING:
        return "not recorded"
    if attribute.kind == "boolean":
        return "yes" if int(value) == 1 else "no"
    return value_text(attribute.values[int(value)])


def _answer_text(ruleset: m.Ruleset, question: m.Question, column: object, index: int) -> str | None:
    if column is None:
        return None
    code = int(np.asarray(column)[index])
    scale = ruleset.scale(question.scale)
    if code == NOT_APPLICABLE:
        return scale.not_applicable or "not applicable"
    if code < 0:
        return None
    return scale.values[code]


# ---------------------------------------------------------------------------------------------
# The whole explanation


@attrs.frozen
class WhereExplanation:
    """The same breakdown for the cases a condition selects, scored by the same evaluator."""

    condition: str  # as written in ruleset syntax
    phrase: str
    column: ColumnResult
    excluded: tuple[GroupExplanation, ...]
    body: Body


@attrs.frozen
class Explanation:
    target: Target
    column: ColumnResult
    sample_label: str | None
    excluded: tuple[GroupExplanation, ...]
    body: Body
    where: WhereExplanation | None = None
    case: CaseExplanation | None = None
    all_cases: bool = False
    schema: str = SCHEMA
    # The ruleset texts, for citing the rule a cause comes from (`sources.cite(cause)`).
    sources: Sources = attrs.field(factory=lambda: Sources({}), eq=False, repr=False, kw_only=True)


def explain(
    column: ColumnResult,
    evaluator: Evaluator,
    sources: Mapping[str, str],
    target: Target,
    *,
    where: tuple[m.Condition, ColumnResult] | None = None,
    evidence: Sequence[Evidence] = (),
    case: str | None = None,
    all_cases: bool = False,
) -> Explanation:
    """Explain a target of a scored column.

    Args:
        column: the column as `score` produced it.
        evaluator: the evaluator that scored it (for rule texts and smallest changes).
        sources: the ruleset texts by path, as the checker read them.
        target: from `resolve_target`.
        where: a condition and the column of the cases it selects (`subset.score_where`).
        evidence: the evidence scored (needed for `case` and to say where adjustments are recorded).
        case: explain what this case contributed.
        all_cases: renderers list every case id instead of summarising long lists.
    """
    from esirules.evidence.conditions import describe

    lines = Sources(sources)
    locations: dict[str, Location | None] = {}
    for part in evidence:  # the first file to adjust a target is the one applied (scoring.evaluate.merge)
        for adjustment in part.adjustments:
            locations.setdefault(adjustment.target, adjustment.location)
    recorded = Recorded(
        {item: location for part in evidence for item, location in part.rating_locations.items()},
        {name: figures.location for part in evidence for name, figures in part.measures.items()},
    )
    explainer = Explainer(column, evaluator, lines, locations, recorded=recorded)
    body = explainer.body(target.kind, target.id)
    where_part = None
    if where is not None:
        condition, subset = where
        written = describe(condition)
        sub = Explainer(subset, evaluator, lines, locations, recorded=recorded, whole=(written, column))
        where_part = WhereExplanation(
            written, condition_phrase(condition, evaluator.ruleset), subset, sub.excluded_cases(),
            sub.body(target.kind, target.id),
        )
    chosen = None if where is None else (where[0], describe(where[0]))
    case_part = None if case is None else explain_case(column, evaluator, evidence, case, target, lines, chosen)
    sample_label = None if column.sample is None else evaluator.ruleset.sample(column.sample).label
    return Explanation(
        target, column, sample_label, explainer.excluded_cases(), body, where_part, case_part, all_cases,
        sources=lines,
    )
