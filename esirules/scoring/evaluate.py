"""Score evidence with a compiled ruleset: evidence in, a column of the result tree out.

Scoring is columnar: each question is evaluated over all cases at once. A batch of cases
gives a Partial (per-question counts and each case's status); partials merge exactly, and `finish`
turns one into the ColumnResult, so `score` = finish(score_batch(...)). A Partial is data only
(the ruleset model, counts, numpy arrays), so it can be pickled and sent between processes.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from esirules import collector
from esirules.evidence.cases import (
    ANSWER_OFFSET,
    NOT_APPLICABLE,
    UNANSWERED,
    Adjustment,
    CarriedForward,
    Cases,
    Evidence,
    MeasureFigures,
    RecordedFact,
)
from esirules.evidence.facts import merged_facts
from esirules.evidence.natural import natural_order
from esirules.language import model as m
from esirules.progress import SILENT, Progress
from esirules.scoring.aggregate import outside_sample, overall_result, section_results
from esirules.scoring.batches import Joined, lists_not_kept
from esirules.scoring.carried import carried_criterion, not_inspected
from esirules.scoring.causes import Cause
from esirules.scoring.compile import CompiledCondition, CompiledQuestion, Evaluator, compile_ruleset
from esirules.scoring.descriptive import adjust, grade_descriptive
from esirules.scoring.facts import InspectionFacts, apply_caps, uncapped, with_fact_columns
from esirules.scoring.grading import apply_bands
from esirules.scoring.outcomes import outcome_results
from esirules.scoring.result import (
    NOT_COMPUTABLE,
    CaseGroup,
    CaseList,
    ColumnResult,
    CriterionResult,
    EvidenceRef,
    QuestionResult,
    RatingCases,
    RulesetRef,
)
from esirules.scoring.tally import (
    Codes,
    Groups,
    Index,
    Mask,
    QuestionTally,
    Selection,
    add_up,
    answer_in,
    join_groups,
)
from esirules.span import Span
from esirules.words import display_percent, plural

NO_APPLICABLE_CASES = "no applicable cases in this sample"
ANSWERED_NOT_APPLICABLE = "answered not applicable"
NOT_ANSWERED = "not answered"

NO_CODES = (NOT_APPLICABLE - 1,)  # a code no answer has: selects no case

@attrs.frozen(eq=False)
class Partial:
    """What a batch of cases contributes to a column; see `merge` and `finish`. Data only: it pickles."""

    ruleset: m.Ruleset
    sample: str | None
    evidence: tuple[EvidenceRef, ...]
    cases: int  # in scope
    case_ids: npt.NDArray[np.object_]  # every case of the batch, in scope or not
    case_order: Index | None  # the natural order of case_ids; None when they are in it
    excluded_cases: Groups
    questions: dict[str, QuestionTally]
    ratings: dict[str, str]
    measures: dict[str, MeasureFigures]
    adjustments: tuple[Adjustment, ...]
    facts: dict[str, RecordedFact] = attrs.field(factory=dict)  # the inspection's (issue 11, point 4)
    carried: tuple[CarriedForward, ...] = ()  # earlier judgements carried forward (issue 11, point 6)
    inspection_date: datetime.date | None = None
    lists: bool = attrs.field(default=True, kw_only=True)  # False: counts alone (scoring/stream.py)


def score(
    evaluator: Evaluator, evidence: Evidence, sample: str | None = None, label: str | None = None
) -> ColumnResult:
    """Score evidence under a compiled ruleset.

    Args:
        evaluator: from esirules.scoring.compile.compile_ruleset.
        evidence: the inspection's evidence (esirules.evidence.cases).
        sample: score only the cases of this sample, and only the sections it covers.
        label: the column's label; defaults to the sample's name, else the ruleset's.

    Returns:
        The column of results; values that cannot be computed are None with a reason.
    """
    return finish(score_batch(evaluator, evidence, sample), label, evaluator=evaluator)


def score_batch(
    evaluator: Evaluator, evidence: Evidence, sample: str | None = None, *, progress: Progress = SILENT
) -> Partial:
    """Count one batch of cases (all questions, all cases at once per question)."""
    chosen = _sample(evaluator.ruleset, sample)
    cases = with_fact_columns(evidence.cases, evidence.facts, evaluator.facts_read_by_cases)
    keep = np.ones(len(cases), dtype=np.bool_) if chosen is None else cases.samples == chosen.name
    excluded = []
    for condition in evaluator.case_exclusions:
        hit = keep & condition.mask(cases)
        count = int(np.count_nonzero(hit))
        if count:
            cause = Cause("case_excluded", f"excluded by the ruleset: {condition.text}", condition.condition.span)
            excluded.append((cause, Selection(count, hit)))
        keep &= ~hit
    scope = _Scope(cases, keep)
    tallies = {}
    with progress.task(f"scoring {plural(len(cases), 'case')}", total=len(evaluator.questions)) as step:
        for qid, question in evaluator.questions.items():
            judgement = evaluator.judgements.get(qid)
            if judgement is None:
                tallies[qid] = _tally(question, cases, scope, chosen)
            else:  # each case's rating computed from its answers to the prompts, then counted alike
                ratings, _ = judgement.judge(cases, _left_out(chosen))
                causes = (judgement.no_prompt_cause, judgement.blank_prompt_cause)
                tallies[qid] = _tally(question, cases, scope, chosen, ratings, causes)
            step.advance()
    return Partial(
        evaluator.ruleset,
        sample,
        (EvidenceRef(evidence.path, evidence.content_hash),),
        scope.count,
        cases.id_array(),
        cases.natural_order(),
        tuple(excluded),
        tallies,
        dict(evidence.ratings),
        dict(evidence.measures),
        tuple(evidence.adjustments),
        dict(evidence.facts),
        tuple(evidence.carried_forward),
        evidence.date,
    )


class _Scope:
    """The cases in scope, and for each condition the cases in scope it holds for and the others."""

    def __init__(self, cases: Cases, keep: Mask):
        self.cases, self.keep = cases, keep
        self.count = int(np.count_nonzero(keep))
        # The few cases out of scope, when there are few: counts over all cases less theirs.
        self.dropped = np.flatnonzero(~keep) if len(keep) - self.count <= len(keep) // 8 else None
        self.conditions: dict[str, tuple[Mask, int, tuple[tuple[str, Selection], ...]]] = {}

    def applying(self, condition: CompiledCondition) -> tuple[Mask, int, Groups]:
        """The cases in scope that `condition` holds for, how many, and the others in groups.

        Questions with the same condition share its work; each group's cause cites the
        question's own `applies when`."""
        if condition.text not in self.conditions:
            holds = condition.mask(self.cases)
            considered = self.keep & holds
            found = tuple(
                (f"the question applies when {condition.text}; {words}", Selection(count, self.keep, key, (number,)))
                for words, key, number, count in condition.group_cases(self.cases, self.keep, holds)
            )
            self.conditions[condition.text] = (considered, int(np.count_nonzero(considered)), found)
        considered, count, groups = self.conditions[condition.text]
        span = condition.condition.span
        return considered, count, tuple((Cause("does_not_apply", words, span), cases) for words, cases in groups)


def _sample(ruleset: m.Ruleset, name: str | None) -> m.Sample | None:
    if name is None:
        return None
    try:
        return ruleset.sample(name)
    except KeyError:
        known = ", ".join(s.name for s in ruleset.samples) or "none"
        raise ValueError(f"ruleset {ruleset.name} has no sample `{name}` (its samples: {known})") from None


def _left_out(sample: m.Sample | None) -> frozenset[str]:
    """The prompts of a judgement the column's sample is without (they drop out for every case)."""
    return frozenset() if sample is None else sample.without_questions


def _tally(
    question: CompiledQuestion,
    cases: Cases,
    scope: _Scope,
    sample: m.Sample | None,
    ratings: Codes | None = None,
    causes: tuple[Cause, Cause] | None = None,
) -> QuestionTally:
    """A question's counts over the batch; a judgement's from its computed `ratings`, with the
    `causes` of its not-applicable and blank ratings (no prompt applies, a prompt is blank)."""
    exclusion = _exclusion(question, sample)
    if exclusion is not None:
        excluded = ((exclusion, Selection(scope.count, scope.keep)),) if scope.count else ()
        nobody = Selection(0, np.zeros(len(cases), dtype=np.bool_))
        return QuestionTally(not_applicable=excluded, ratings=_no_ratings(question, ratings, nobody))
    groups: Groups = ()
    if question.applies is None:
        considered, considered_count = scope.keep, scope.count
    else:
        considered, considered_count, groups = scope.applying(question.applies)
    codes = question.answers(cases) if ratings is None else ratings
    met_codes, not_met_codes = question.met_codes, question.not_met_codes
    if ratings is None and question.applies is None and scope.dropped is not None and question.question.id in cases.answers:
        # Every case in scope counts: the counts of the answer codes give it all, no pass over cases.
        counts = cases.answer_counts(question.question.id)
        if len(scope.dropped):
            dropped = codes[scope.dropped].astype(np.intp) + ANSWER_OFFSET
            counts = counts - np.bincount(dropped, minlength=len(counts))
        tally = counts.tolist()
        met = sum(tally[c + ANSWER_OFFSET] for c in met_codes if c + ANSWER_OFFSET < len(tally))
        applicable = sum(tally[ANSWER_OFFSET:])
        answered_na, blank = tally[NOT_APPLICABLE + ANSWER_OFFSET], tally[UNANSWERED + ANSWER_OFFSET]
    else:
        met = int(np.count_nonzero(considered & answer_in(codes, met_codes))) if met_codes else 0
        applicable = int(np.count_nonzero(considered & (codes >= 0)))
        unanswered = considered_count - applicable  # blank or not applicable
        answered_na = int(np.count_nonzero(considered & (codes == NOT_APPLICABLE))) if unanswered else 0
        blank = unanswered - answered_na  # INVARIANT: every code below 0 but NOT_APPLICABLE is UNANSWERED
    not_applicable = list(groups)
    if answered_na:
        # The scale's declaration says which answer means not applicable.
        cause = Cause("answered_not_applicable", ANSWERED_NOT_APPLICABLE, _scale_span(question))
        if causes is not None:
            cause = causes[0]
        not_applicable.append((cause, Selection(answered_na, considered, codes, (NOT_APPLICABLE,))))
    if blank:
        cause = Cause("not_answered", NOT_ANSWERED, question.question.span) if causes is None else causes[1]
        not_applicable.append((cause, Selection(blank, considered, codes, (UNANSWERED,))))
    rated: tuple[Selection, ...] = ()
    if ratings is not None:  # how many cases each rating, and which (listed only when read)
        counts = np.bincount(ratings[considered & (ratings >= 0)], minlength=len(question.met_table) - ANSWER_OFFSET)
        rated = tuple(Selection(int(count), considered, ratings, (code,)) for code, count in enumerate(counts.tolist()))
    return QuestionTally(
        met,
        applicable,
        Selection(met, considered, codes, met_codes or NO_CODES),
        Selection(applicable - met, considered, codes, not_met_codes or NO_CODES),
        tuple(not_applicable),
        rated,
    )


def _no_ratings(question: CompiledQuestion, ratings: Codes | None, nobody: Selection) -> tuple[Selection, ...]:
    """A judgement left out of the column: no case given any rating."""
    return () if ratings is None else (nobody,) * (len(question.met_table) - ANSWER_OFFSET)


def _scale_span(question: CompiledQuestion) -> Span | None:
    return None if question.scale is None else question.scale.span


def _exclusion(question: CompiledQuestion, sample: m.Sample | None) -> Cause | None:
    """Why a question contributes nothing to this column, if it does not."""
    if question.exclusion is None and sample is not None and question.question.id in sample.without_questions:
        return Cause("not_in_sample", f"sample {sample.name} is without this question",
                     sample.without_span(question.question.id))
    return question.exclusion


def merge(partials: Iterable[Partial]) -> Partial:
    """Add up partials of the same ruleset and sample (batches of disjoint cases)."""
    parts = list(partials)
    if not parts:
        raise ValueError("nothing to merge")
    first = parts[0]
    for part in parts[1:]:
        if part.ruleset is not first.ruleset and part.ruleset != first.ruleset:
            raise ValueError("partials scored under different rulesets cannot be merged")
        if part.sample != first.sample:
            raise ValueError(f"partials of samples {first.sample} and {part.sample} cannot be merged")
        if part.lists != first.lists:
            raise ValueError("partials with case lists and partials of counts alone cannot be merged")
    if len(parts) == 1:
        return first
    sizes = [len(p.case_ids) for p in parts]
    joined = Joined()
    questions = {qid: add_up([p.questions[qid] for p in parts], sizes, joined) for qid in first.questions}
    case_ids = np.concatenate([p.case_ids for p in parts])
    order = natural_order(case_ids)
    return Partial(
        first.ruleset,
        first.sample,
        tuple(dict.fromkeys(ref for p in parts for ref in p.evidence)),
        sum(p.cases for p in parts),
        case_ids,
        None if (order == np.arange(len(order))).all() else order,
        join_groups([p.excluded_cases for p in parts], sizes, joined),
        questions,
        _union((p.ratings for p in parts), "rating of item"),
        _union((p.measures for p in parts), "target data of measure"),
        tuple(dict.fromkeys(a for p in parts for a in p.adjustments)),
        merged_facts([p.facts for p in parts]),
        tuple(_union(({c.target: c for c in p.carried} for p in parts), "judgement carried forward of").values()),
        _one_date(parts),
        lists=first.lists,
    )


def _one_date(parts: Sequence[Partial]) -> datetime.date | None:
    dates = {p.inspection_date for p in parts if p.inspection_date is not None}
    if len(dates) > 1:
        raise ValueError("batches disagree on the inspection's date")
    return next(iter(dates), None)


def _union(mappings: Iterable[Mapping[str, object]], what: str) -> dict:  # type: ignore[type-arg]
    out: dict[str, object] = {}
    for mapping in mappings:
        for key, value in mapping.items():
            if key in out and out[key] != value:
                raise ValueError(f"batches disagree on the {what} {key}")
            out[key] = value
    return out


def finish(partial: Partial, label: str | None = None, *, evaluator: Evaluator | None = None) -> ColumnResult:
    """Turn counts into the column of results: criteria, sections, overall.

    Args:
        partial: from `score_batch` or `merge` (in this process or unpickled from another).
        label: the column's label; defaults to the sample's name, else the ruleset's.
        evaluator: the evaluator of the partial's ruleset, if the caller has it; otherwise the
            ruleset is compiled again (about a millisecond).
    """
    if evaluator is None:
        evaluator = compile_ruleset(partial.ruleset)
    elif evaluator.ruleset is not partial.ruleset and evaluator.ruleset != partial.ruleset:
        raise ValueError("the evaluator is not of the ruleset the partial was scored under")
    # Case lists of a large inspection are millions of references in a few hundred tuples, none
    # in cycles; the collector would scan them again and again while they are being made.
    with collector.paused():
        return _finish(partial, evaluator, label)


def _finish(partial: Partial, evaluator: Evaluator, label: str | None) -> ColumnResult:
    ruleset = evaluator.ruleset
    sample = _sample(ruleset, partial.sample)
    order = CaseOrder(partial)
    facts = InspectionFacts.of(ruleset, partial.facts)
    criteria: dict[str, CriterionResult] = {}
    carried = {c.target: c for c in partial.carried}
    for section in ruleset.sections:
        outside = outside_sample(section, sample)
        section_carried = carried.get(f"section {section.id}")
        if outside is None and section_carried is not None:
            outside = not_inspected(section, section_carried)
        for criterion in section.criteria:
            if outside is not None:
                criteria[criterion.id] = _not_computable(evaluator, criterion, outside)
            elif f"criterion {criterion.id}" in carried:
                criteria[criterion.id] = carried_criterion(evaluator, criterion, carried[f"criterion {criterion.id}"])
            elif criterion.kind == "numerical":
                criteria[criterion.id] = _numerical(evaluator, criterion, partial, sample, order, facts)
            else:
                criteria[criterion.id] = grade_descriptive(
                    evaluator, criterion, partial.ratings, partial.measures, partial.adjustments, facts
                )
    sections = section_results(evaluator, criteria, sample, partial.adjustments, facts, partial.carried)
    overall = overall_result(evaluator, sections, partial.adjustments, facts)
    return ColumnResult(
        label or partial.sample or ruleset.name,
        RulesetRef(ruleset.name, ruleset.version, ruleset.content_hash, ruleset.path),
        _evidence_ref(partial.evidence),
        partial.sample,
        ruleset.rounding,
        partial.cases,
        order.groups(partial.excluded_cases),
        criteria,
        sections,
        overall,
        outcomes=outcome_results(ruleset, criteria, sections, overall, facts),
        facts=facts.readings(),
        inspection_date=partial.inspection_date,
    )


def _words(group: tuple[Cause, object]) -> str:
    return group[0].words


class CaseOrder:
    """Case lists of one batch in natural order (c2 before c10), each made only when read."""

    def __init__(self, partial: Partial):
        self.order = partial.case_order
        self.sorted_ids = partial.case_ids if self.order is None else partial.case_ids[self.order]
        self.lists = partial.lists

    def cases(self, selection: Selection | None) -> CaseList:
        if not self.lists:
            return CaseList(self.sorted_ids, lists_not_kept, 0 if selection is None else selection.count)
        if selection is None:
            return CaseList(self.sorted_ids, lambda: np.zeros(len(self.sorted_ids), dtype=np.bool_), 0)
        order = self.order
        if order is None:
            return CaseList(self.sorted_ids, selection.mask, selection.count)
        return CaseList(self.sorted_ids, lambda: selection.mask()[order], selection.count)

    def groups(self, groups: Groups) -> tuple[CaseGroup, ...]:
        return tuple(CaseGroup(cause, self.cases(cases)) for cause, cases in sorted(groups, key=_words))


def _evidence_ref(refs: tuple[EvidenceRef, ...]) -> EvidenceRef:
    if len(refs) == 1:
        return refs[0]
    digest = hashlib.sha256("\n".join(r.content_hash for r in refs).encode()).hexdigest()
    return EvidenceRef("; ".join(dict.fromkeys(r.path for r in refs)), digest)


def _question_result(
    question: m.Question,
    tally: QuestionTally,
    order: CaseOrder,
    rounding: m.Rounding,
    exclusion: Cause | None,
    scale_values: tuple[str, ...] = (),
) -> QuestionResult:
    value = None if tally.applicable == 0 else Fraction(tally.met, tally.applicable)
    cause = exclusion
    if cause is None and value is None:  # the rule that decides which cases are applicable
        span = question.span if question.applies is None else question.applies.span
        cause = Cause("no_applicable_cases", NO_APPLICABLE_CASES, span)
    return QuestionResult(
        question.id,
        question.text,
        question.weight,
        question.source,
        tally.met,
        tally.applicable,
        order.cases(tally.met_cases),
        order.cases(tally.not_met_cases),
        order.groups(tally.not_applicable),
        value,
        NOT_COMPUTABLE if value is None else display_percent(value, rounding),
        cause,
        exclusion,
        span=question.span,
        met_span=question.met_span,
        ratings=tuple(
            RatingCases(value, order.cases(selection)) for value, selection in zip(scale_values, tally.ratings)
        ),
    )


def _numerical(
    evaluator: Evaluator,
    criterion: m.Criterion,
    partial: Partial,
    sample: m.Sample | None,
    order: CaseOrder,
    facts: InspectionFacts,
) -> CriterionResult:
    rounding = evaluator.ruleset.rounding
    results = []
    for question in criterion.questions:
        exclusion = _exclusion(evaluator.questions[question.id], sample)
        values = () if question.judgement is None else evaluator.ruleset.scale(question.scale).values
        results.append(_question_result(question, partial.questions[question.id], order, rounding, exclusion, values))
    counted = [r for r in results if r.exclusion is None]
    if all(r.weight == 1 for r in counted):  # the usual case: whole counts, added as integers
        met, applicable = Fraction(sum(r.met for r in counted)), Fraction(sum(r.applicable for r in counted))
    else:
        met = sum((r.weight * r.met for r in counted), Fraction(0))
        applicable = sum((r.weight * r.applicable for r in counted), Fraction(0))
    value, cause, questions_weight = _pool(criterion, results, met, applicable)
    bands = grade = None
    if criterion.grading is not None and value is not None:
        bands = apply_bands(evaluator.ruleset.band_set(criterion.grading), {"score": value}, rounding)
        grade = bands.value
    ladder = evaluator.criterion_ladder(criterion)
    caps, capped = apply_caps(criterion.caps, grade, ladder, facts)
    adjustment, final = adjust(criterion, capped, ladder, partial.adjustments)
    return CriterionResult(
        criterion.id,
        criterion.title,
        "numerical",
        criterion.section,
        criterion.weight,
        criterion.weight_class,
        value,
        NOT_COMPUTABLE if value is None else display_percent(value, rounding),
        cause,
        pooling=criterion.pooling,
        questions=tuple(results),
        met=met,
        applicable=applicable,
        questions_weight=questions_weight,
        bands=bands,
        ladder=_name(ladder),
        computed_grade=capped,
        adjustment=adjustment,
        grade=final,
        span=criterion.span,
        pooling_span=criterion.pooling_span,
        caps=caps,
        uncapped_grade=uncapped(grade, caps),
    )


def _pool(
    criterion: m.Criterion, results: list[QuestionResult], met: Fraction, applicable: Fraction
) -> tuple[Fraction | None, Cause | None, Fraction | None]:
    """The criterion's value (or why there is none) and, for a mean of questions, the weight it divides by."""
    counted = [r for r in results if r.exclusion is None]
    if not counted:
        # Cited: the rule that leaves out the first of its questions.
        first = next((r.exclusion for r in results if r.exclusion is not None), None)
        words = f"every question of {criterion.id} is excluded"
        return None, Cause("all_questions_excluded", words, criterion.span if first is None else first.span), None
    if applicable == 0:
        return None, Cause("no_applicable_cases", NO_APPLICABLE_CASES, criterion.span), None
    if criterion.pooling == "pooled":
        return met / applicable, None, None
    # INVARIANT: question weights are above 0 (the checker refuses others), so this is no 0 / 0.
    answered = [r for r in counted if r.value is not None]
    total = sum((r.weight * r.value for r in answered if r.value is not None), Fraction(0))
    weight = sum((r.weight for r in answered), Fraction(0))
    return total / weight, None, weight


def _not_computable(evaluator: Evaluator, criterion: m.Criterion, cause: Cause) -> CriterionResult:
    return CriterionResult(
        criterion.id,
        criterion.title,
        criterion.kind,
        criterion.section,
        criterion.weight,
        criterion.weight_class,
        None,
        NOT_COMPUTABLE,
        cause,
        pooling=criterion.pooling if criterion.kind == "numerical" else None,
        ladder=_name(evaluator.criterion_ladder(criterion)),
        span=criterion.span,
        pooling_span=criterion.pooling_span,
    )


def _name(scale: m.Scale | None) -> str | None:
    return None if scale is None else scale.name
