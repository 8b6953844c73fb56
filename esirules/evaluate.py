"""Score evidence with a compiled ruleset: evidence in, a column of the result tree out.

Scoring is columnar: each question is evaluated over all cases at once. A batch of cases
gives a Partial (per-question counts and case lists); partials merge exactly, and `finish`
turns one into the ColumnResult, so `score` = finish(score_batch(...)).
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from esirules import model as m
from esirules.aggregate import outside_sample, overall_result, section_results
from esirules.compile import CompiledQuestion, Evaluator
from esirules.descriptive import adjust, grade_descriptive
from esirules.evidence import NOT_APPLICABLE, Adjustment, Cases, Evidence, MeasureFigures
from esirules.grading import apply_bands
from esirules.result import (
    NOT_COMPUTABLE,
    CaseGroup,
    ColumnResult,
    CriterionResult,
    EvidenceRef,
    QuestionResult,
    RulesetRef,
    display_percent,
    natural_key,
)

NO_APPLICABLE_CASES = "no applicable cases in this sample"
ANSWERED_NOT_APPLICABLE = "answered not applicable"
NOT_ANSWERED = "not answered"

CaseIds = tuple[str, ...]


@attrs.frozen
class QuestionTally:
    """A question's counts over a batch of cases; tallies of separate batches add up exactly."""

    met: int = 0
    applicable: int = 0
    met_cases: CaseIds = ()
    not_met_cases: CaseIds = ()
    not_applicable: tuple[tuple[str, CaseIds], ...] = ()  # (reason, cases)


def _add_up(tallies: Sequence[QuestionTally]) -> QuestionTally:
    return QuestionTally(
        sum(t.met for t in tallies),
        sum(t.applicable for t in tallies),
        tuple(itertools.chain.from_iterable(t.met_cases for t in tallies)),
        tuple(itertools.chain.from_iterable(t.not_met_cases for t in tallies)),
        _merge_groups(t.not_applicable for t in tallies),
    )


@attrs.frozen(eq=False)
class Partial:
    """What a batch of cases contributes to a column; see `merge` and `finish`."""

    evaluator: Evaluator
    sample: str | None
    evidence: tuple[EvidenceRef, ...]
    cases: int  # in scope
    excluded_cases: tuple[tuple[str, CaseIds], ...]  # (reason, cases)
    questions: dict[str, QuestionTally]
    ratings: dict[str, str]
    measures: dict[str, MeasureFigures]
    adjustments: tuple[Adjustment, ...]


def score(
    evaluator: Evaluator, evidence: Evidence, sample: str | None = None, label: str | None = None
) -> ColumnResult:
    """Score evidence under a compiled ruleset.

    Args:
        evaluator: from esirules.compile.compile_ruleset.
        evidence: the inspection's evidence (esirules.evidence).
        sample: score only the cases of this sample, and only the sections it covers.
        label: the column's label; defaults to the sample's name, else the ruleset's.

    Returns:
        The column of results; values that cannot be computed are None with a reason.
    """
    return finish(score_batch(evaluator, evidence, sample), label)


def score_batch(evaluator: Evaluator, evidence: Evidence, sample: str | None = None) -> Partial:
    """Count one batch of cases (all questions, all cases at once per question)."""
    chosen = _sample(evaluator.ruleset, sample)
    cases = evidence.cases
    ids = np.array(cases.ids, dtype=object)
    keep = np.ones(len(cases), dtype=np.bool_) if chosen is None else cases.samples == chosen.name
    excluded = []
    for condition in evaluator.case_exclusions:
        hit = keep & condition.mask(cases)
        if hit.any():
            excluded.append((f"excluded by the ruleset: {condition.text}", tuple(ids[hit])))
        keep &= ~hit
    if not keep.all():
        cases, ids = cases.take(keep), ids[keep]
    tallies = {qid: _tally(question, cases, ids, chosen) for qid, question in evaluator.questions.items()}
    return Partial(
        evaluator,
        sample,
        (EvidenceRef(evidence.path, evidence.content_hash),),
        len(cases),
        tuple(excluded),
        tallies,
        dict(evidence.ratings),
        dict(evidence.measures),
        tuple(evidence.adjustments),
    )


def _sample(ruleset: m.Ruleset, name: str | None) -> m.Sample | None:
    if name is None:
        return None
    try:
        return ruleset.sample(name)
    except KeyError:
        known = ", ".join(s.name for s in ruleset.samples) or "none"
        raise ValueError(f"ruleset {ruleset.name} has no sample `{name}` (its samples: {known})") from None


def _tally(
    question: CompiledQuestion, cases: Cases, ids: npt.NDArray[np.object_], sample: m.Sample | None
) -> QuestionTally:
    excluded = _exclusion(question, sample)
    if excluded is not None:
        return QuestionTally(not_applicable=((excluded, tuple(ids)),) if len(ids) else ())
    codes = question.answers(cases)
    applies = (
        np.ones(len(cases), dtype=np.bool_) if question.applies is None else question.applies.mask(cases)
    )
    answered = codes >= 0
    applicable = applies & answered
    met = applicable & question.met(codes)
    groups: list[tuple[str, CaseIds]] = []
    if question.applies is not None:
        for found, index in question.applies.describe_cases(cases, np.flatnonzero(~applies)):
            groups.append((f"the question applies when {question.applies.text}; {found}", tuple(ids[index])))
    answered_na = applies & (codes == NOT_APPLICABLE)
    blank = applies & ~answered & ~answered_na
    for reason, mask in ((ANSWERED_NOT_APPLICABLE, answered_na), (NOT_ANSWERED, blank)):
        if mask.any():
            groups.append((reason, tuple(ids[mask])))
    return QuestionTally(
        int(met.sum()),
        int(applicable.sum()),
        tuple(ids[met]),
        tuple(ids[applicable & ~met]),
        tuple(groups),
    )


def _exclusion(question: CompiledQuestion, sample: m.Sample | None) -> str | None:
    """Why a question contributes nothing to this column, if it does not."""
    if question.excluded is None and sample is not None and question.question.id in sample.without_questions:
        return f"sample {sample.name} is without this question"
    return question.excluded


def merge(partials: Iterable[Partial]) -> Partial:
    """Add up partials of the same evaluator and sample (batches of disjoint cases)."""
    parts = list(partials)
    if not parts:
        raise ValueError("nothing to merge")
    first = parts[0]
    for part in parts[1:]:
        if part.evaluator is not first.evaluator and part.evaluator.ruleset != first.evaluator.ruleset:
            raise ValueError("partials scored under different rulesets cannot be merged")
        if part.sample != first.sample:
            raise ValueError(f"partials of samples {first.sample} and {part.sample} cannot be merged")
    questions = {qid: _add_up([p.questions[qid] for p in parts]) for qid in first.questions}
    return Partial(
        first.evaluator,
        first.sample,
        tuple(dict.fromkeys(ref for p in parts for ref in p.evidence)),
        sum(p.cases for p in parts),
        _merge_groups(p.excluded_cases for p in parts),
        questions,
        _union((p.ratings for p in parts), "rating of item"),
        _union((p.measures for p in parts), "target data of measure"),
        tuple(dict.fromkeys(a for p in parts for a in p.adjustments)),
    )


def _merge_groups(groups: Iterable[tuple[tuple[str, CaseIds], ...]]) -> tuple[tuple[str, CaseIds], ...]:
    merged: dict[str, list[CaseIds]] = {}
    for part in groups:
        for reason, cases in part:
            merged.setdefault(reason, []).append(cases)
    return tuple((reason, tuple(itertools.chain.from_iterable(parts))) for reason, parts in merged.items())


def _union(mappings: Iterable[Mapping[str, object]], what: str) -> dict:  # type: ignore[type-arg]
    out: dict[str, object] = {}
    for mapping in mappings:
        for key, value in mapping.items():
            if key in out and out[key] != value:
                raise ValueError(f"batches disagree on the {what} {key}")
            out[key] = value
    return out


def finish(partial: Partial, label: str | None = None) -> ColumnResult:
    """Turn counts into the column of results: criteria, sections, overall."""
    evaluator = partial.evaluator
    ruleset = evaluator.ruleset
    sample = _sample(ruleset, partial.sample)
    order = _case_order(partial)
    criteria: dict[str, CriterionResult] = {}
    for section in ruleset.sections:
        outside = outside_sample(section, sample)
        for criterion in section.criteria:
            if outside is not None:
                criteria[criterion.id] = _not_computable(evaluator, criterion, outside)
            elif criterion.kind == "numerical":
                criteria[criterion.id] = _numerical(evaluator, criterion, partial, sample, order)
            else:
                criteria[criterion.id] = grade_descriptive(
                    evaluator, criterion, partial.ratings, partial.measures, partial.adjustments
                )
    sections = section_results(evaluator, criteria, sample)
    return ColumnResult(
        label or partial.sample or ruleset.name,
        RulesetRef(ruleset.name, ruleset.version, ruleset.content_hash, ruleset.path),
        _evidence_ref(partial.evidence),
        partial.sample,
        ruleset.rounding,
        partial.cases,
        tuple(CaseGroup(reason, order(cases)) for reason, cases in sorted(partial.excluded_cases)),
        criteria,
        sections,
        overall_result(evaluator, sections),
    )


def _case_order(partial: Partial) -> Callable[[CaseIds], CaseIds]:
    """Sorts case lists in natural order (c2 before c10), ranking every case id only once."""
    # INVARIANT: each question's tally lists every case in scope exactly once.
    tally = next(iter(partial.questions.values()), QuestionTally())
    universe = [*tally.met_cases, *tally.not_met_cases]
    for _, cases in (*tally.not_applicable, *partial.excluded_cases):
        universe.extend(cases)
    rank = {case: number for number, case in enumerate(sorted(universe, key=natural_key))}
    return lambda cases: tuple(sorted(cases, key=rank.__getitem__))


def _evidence_ref(refs: tuple[EvidenceRef, ...]) -> EvidenceRef:
    if len(refs) == 1:
        return refs[0]
    digest = hashlib.sha256("\n".join(r.content_hash for r in refs).encode()).hexdigest()
    return EvidenceRef("; ".join(dict.fromkeys(r.path for r in refs)), digest)


def _question_result(
    question: m.Question,
    tally: QuestionTally,
    order: Callable[[CaseIds], CaseIds],
    rounding: m.Rounding,
    excluded: str | None,
) -> QuestionResult:
    value = None if tally.applicable == 0 else Fraction(tally.met, tally.applicable)
    reason = excluded if excluded is not None else (NO_APPLICABLE_CASES if value is None else None)
    return QuestionResult(
        question.id,
        question.text,
        question.weight,
        question.source,
        tally.met,
        tally.applicable,
        order(tally.met_cases),
        order(tally.not_met_cases),
        tuple(CaseGroup(r, order(cases)) for r, cases in sorted(tally.not_applicable)),
        value,
        NOT_COMPUTABLE if value is None else display_percent(value, rounding),
        reason,
        excluded,
        span=question.span,
    )


def _numerical(
    evaluator: Evaluator,
    criterion: m.Criterion,
    partial: Partial,
    sample: m.Sample | None,
    order: Callable[[CaseIds], CaseIds],
) -> CriterionResult:
    rounding = evaluator.ruleset.rounding
    results = []
    for question in criterion.questions:
        excluded = _exclusion(evaluator.questions[question.id], sample)
        results.append(_question_result(question, partial.questions[question.id], order, rounding, excluded))
    counted = [r for r in results if r.excluded is None]
    met = sum((r.weight * r.met for r in counted), Fraction(0))
    applicable = sum((r.weight * r.applicable for r in counted), Fraction(0))
    value, reason = _pool(criterion, counted, met, applicable)
    bands = grade = None
    if criterion.grading is not None and value is not None:
        bands = apply_bands(evaluator.ruleset.band_set(criterion.grading), {"score": value}, rounding)
        grade = bands.value
    ladder = evaluator.criterion_ladder(criterion)
    adjustment, final = adjust(criterion, grade, ladder, partial.adjustments)
    return CriterionResult(
        criterion.id,
        criterion.title,
        "numerical",
        criterion.section,
        criterion.weight,
        criterion.weight_class,
        value,
        NOT_COMPUTABLE if value is None else display_percent(value, rounding),
        reason,
        pooling=criterion.pooling,
        questions=tuple(results),
        met=met,
        applicable=applicable,
        bands=bands,
        ladder=_name(ladder),
        computed_grade=grade,
        adjustment=adjustment,
        grade=final,
        span=criterion.span,
    )


def _pool(
    criterion: m.Criterion, counted: list[QuestionResult], met: Fraction, applicable: Fraction
) -> tuple[Fraction | None, str | None]:
    if not counted:
        return None, f"every question of {criterion.id} is excluded"
    if applicable == 0:
        return None, NO_APPLICABLE_CASES
    if criterion.pooling == "pooled":
        return met / applicable, None
    # INVARIANT: question weights are above 0 (the checker refuses others), so this is no 0 / 0.
    answered = [r for r in counted if r.value is not None]
    total = sum((r.weight * r.value for r in answered if r.value is not None), Fraction(0))
    return total / sum(r.weight for r in answered), None


def _not_computable(evaluator: Evaluator, criterion: m.Criterion, reason: str) -> CriterionResult:
    return CriterionResult(
        criterion.id,
        criterion.title,
        criterion.kind,
        criterion.section,
        criterion.weight,
        criterion.weight_class,
        None,
        NOT_COMPUTABLE,
        reason,
        pooling=criterion.pooling if criterion.kind == "numerical" else None,
        ladder=_name(evaluator.criterion_ladder(criterion)),
        span=criterion.span,
    )


def _name(scale: m.Scale | None) -> str | None:
    return None if scale is None else scale.name
