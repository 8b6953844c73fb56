"""Warnings when scoring: a column's result, its ruleset and evidence in, what the evidence lacks out.

A result can be complete and still not say what the inspector meant: questions no case answers,
a criterion with no data at all, cases of several samples scored as one. Each is a warning
(docs/evidence-diagnostics.md, E21x): it changes no figure, it says why a figure is missing or
what a figure mixes. Questions and criteria are located at their ruleset lines; samples scored
together at the first case of the second sample in the evidence. Each column's result keeps
its own warnings; `sheet_warnings` gives them once for a whole sheet, the same finding in
several columns as one warning naming them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import attrs

from esirules.evidence.cases import Evidence, EvidenceWarning, Location
from esirules.evidence.read_workbook import is_workbook
from esirules.language import model as m
from esirules.scoring.result import ColumnResult, CriterionResult, QuestionResult
from esirules.span import Span
from esirules.words import plural

SHOWN = 5  # the names a warning lists before "and N more"

# A descriptive criterion not computable because an item has no rating (or no target data).
UNRATED = ("not_rated", "no_target_data")

Locate = Callable[[Location, str], Span]


@attrs.frozen
class Unanswered:
    """E210: questions that apply to cases of the column, every one of which leaves them blank."""

    questions: tuple[str, ...]
    places: tuple[Span, ...] = attrs.field(eq=False)

    def warning(self, labels: Sequence[str]) -> EvidenceWarning:
        n = len(self.questions)
        if n == 1:
            message = f"question `{self.questions[0]}` is answered by no case of {_columns(labels)}"
        else:
            message = f"{n} questions are answered by no case of {_columns(labels)}: {_listed(self.questions)}"
        them = "it" if n == 1 else "them"
        help_ = (
            f"every case {'it applies' if n == 1 else 'they apply'} to leaves {them} blank: add the answers to the"
            f" evidence (a column of the cases for each question); if the inspection did not ask {them}, leave {them} out of"
            f" the ruleset (`exclude question {self.questions[0]}`, or `without questions` in the sample)"
        )
        return EvidenceWarning("E210", message, help_, n, self.places[:SHOWN])


@attrs.frozen
class WithoutData:
    """E211: a criterion not computable because the evidence holds nothing for it."""

    criterion: str
    what: str  # what is missing, e.g. "`A4.accommodation` is not rated"
    grade: bool  # a descriptive criterion (no grade) rather than a numerical one (no score)
    help: str
    count: int
    place: Span = attrs.field(eq=False)

    def warning(self, labels: Sequence[str]) -> EvidenceWarning:
        message = f"criterion `{self.criterion}` has no {'grade' if self.grade else 'score'} in {_columns(labels)}: {self.what}"
        return EvidenceWarning("E211", message, self.help, self.count, (self.place,))


@attrs.frozen
class Together:
    """E212: a column of no sample holding cases of two or more samples (or of a sample and of none)."""

    label: str
    counts: tuple[tuple[str | None, int], ...]
    help: str
    place: Span = attrs.field(eq=False)

    def warning(self, labels: Sequence[str]) -> EvidenceWarning:
        parts = [f"{plural(n, 'case')} {'of no sample' if s is None else f'of sample `{s}`'}" for s, n in self.counts]
        together = ", ".join(parts[:-1]) + f" and {parts[-1]}"
        message = f"{_columns(labels)} scores {together} together"
        return EvidenceWarning("E212", message, self.help, sum(n for _, n in self.counts), (self.place,))


Finding = Unanswered | WithoutData | Together


def on_the_command_line(samples: Sequence[str]) -> str:
    """How to score one sample at a time, in the command line's words (E212's help)."""
    others = " or ".join(f"`{n}`" for n in samples[1:])
    return f"score one sample at a time: `--sample {samples[0]}`{f' (or {others})' if others else ''}, or `sample:` in a summary sheet"


OneSample = Callable[[Sequence[str]], str]


def findings(
    result: ColumnResult, ruleset: m.Ruleset, evidence: Sequence[Evidence], locate: Locate,
    one_sample: OneSample = on_the_command_line,
) -> list[Finding]:
    """What one scored column lacks or mixes (a criterion without data is not also reported
    question by question); `one_sample` says how to score one sample at a time, in the caller's words."""
    found: list[Finding] = []
    unanswered: list[QuestionResult] = []
    workbook = any(is_workbook(e.path) for e in evidence)  # (its ratings and figures are on sheets)
    for criterion in result.criteria.values():
        without = _criterion_without_data(criterion, result.cases, workbook, ruleset)
        if without is not None:
            found.append(without)
        else:
            unanswered.extend(q for q in criterion.questions if _is_unanswered(q))
    if unanswered:
        found.insert(0, Unanswered(tuple(q.id for q in unanswered), tuple(q.span for q in unanswered)))
    together = _samples_together(result, ruleset, evidence, locate, one_sample)
    if together is not None:
        found.append(together)
    return found


def column_warnings(
    result: ColumnResult, ruleset: m.Ruleset, evidence: Sequence[Evidence], locate: Locate,
    one_sample: OneSample = on_the_command_line,
) -> tuple[list[Finding], tuple[EvidenceWarning, ...]]:
    """The findings of one scored column, and its warnings as its result keeps them."""
    found = findings(result, ruleset, evidence, locate, one_sample)
    return found, tuple(f.warning((result.label,)) for f in found)


def sheet_warnings(found: Sequence[tuple[str, Finding]]) -> list[EvidenceWarning]:
    """The warnings of a sheet, each finding once with every column (label) it was found in."""
    labels: dict[Finding, list[str]] = {}
    for label, finding in found:
        labels.setdefault(finding, []).append(label)
    return [finding.warning(columns) for finding, columns in labels.items()]


def samples_present(ruleset: m.Ruleset, evidence: Sequence[Evidence]) -> list[str | None]:
    """The samples the cases belong to, in the ruleset's order (None, last: cases of no sample)."""
    present: set[str | None] = set()
    for e in evidence:
        present.update(_samples_of(e))
    return [s.name for s in ruleset.samples if s.name in present] + ([None] if None in present else [])


def _samples_of(evidence: Evidence) -> Counter[str | None]:
    """How many cases of each sample the evidence has (None: of no sample)."""
    if evidence.summary is not None:
        return Counter(evidence.summary.samples)
    return Counter(evidence.cases.samples.tolist())


def _counts(question: QuestionResult) -> tuple[int, int]:
    """How many cases answer the question (n/a included), and how many leave it blank."""
    blank = sum(len(g.cases) for g in question.not_applicable if g.cause.kind == "not_answered")
    marked = sum(len(g.cases) for g in question.not_applicable if g.cause.kind == "answered_not_applicable")
    return question.applicable + marked, blank


def _is_unanswered(question: QuestionResult) -> bool:
    """The question counts in the column, applies to some of its cases, and each leaves it blank."""
    answered, blank = _counts(question)
    return question.exclusion is None and not answered and blank > 0


def _a_rating(ruleset: m.Ruleset, criterion: str) -> str:
    """A rating of the scale a criterion's items are rated on, for an example (`good` was given
    whatever the scale): the middle one, or the better of the two middle ones, quoted if it has spaces."""
    grading = ruleset.criterion(criterion).grading
    values = ruleset.scale(ruleset.grading(grading).item_scale).values if grading else ()
    rating = values[(len(values) - 1) // 2] if values else "good"
    return f'"{rating}"' if " " in rating else rating


def _criterion_without_data(criterion: CriterionResult, cases: int, workbook: bool,
                            ruleset: m.Ruleset) -> WithoutData | None:
    """E211, as opposed to a criterion that does not apply (a section outside the sample, questions
    that apply to no case, items rated not applicable)."""
    if criterion.value is not None or criterion.grade is not None or criterion.cause is None:
        return None
    if criterion.kind == "descriptive":
        unrated = [i for i in criterion.items if i.rating is None and i.cause is not None and i.cause.kind in UNRATED]
        if criterion.cause.kind != "items_not_rated" or not unrated:
            return None
        if len(unrated) == len(criterion.items) and len(unrated) > 1:
            what = f"none of its {len(unrated)} items is rated"
        else:
            what = f"{_listed([i.id for i in unrated])} {'is' if len(unrated) == 1 else 'are'} not rated"
        by_hand = [i for i in unrated if i.cause is not None and i.cause.kind != "no_target_data"]
        ratings, measures = ("on the `ratings` sheet", "on the `measures` sheet") if workbook else (
            "under `ratings:` in the evidence", "under `measures:`")
        rating = _a_rating(ruleset, criterion.id)
        helps = [f"rate each item {ratings} (e.g. `{by_hand[0].id}`: `{rating}`)" if workbook
                 else f"rate each item {ratings} (e.g. `{by_hand[0].id}: {rating}`)"] if by_hand else []
        if len(by_hand) < len(unrated):
            helps.append(f"an item rated from a measure needs the measure's figures {measures}")
        return WithoutData(criterion.id, what, True, "; ".join(helps), len(unrated), criterion.span)
    if criterion.cause.kind != "no_applicable_cases":
        return None
    counted = [q for q in criterion.questions if q.exclusion is None]
    tallies = [_counts(q) for q in counted]
    if not counted or any(answered for answered, _ in tallies):
        return None
    if cases and not any(blank for _, blank in tallies):
        return None  # its questions apply to no case: not applicable, not missing
    ids = [q.id for q in counted]
    if cases:
        what = f"no case answers {'its question' if len(ids) == 1 else f'any of its {len(ids)} questions'}"
        help_ = f"add the answers to {_listed(ids)} to the evidence"
    else:
        what = "the column has no cases"
        help_ = "check that the evidence holds the column's cases (their `sample`, and the ruleset's `exclude cases`)"
    return WithoutData(criterion.id, what, False, help_, len(ids), criterion.span)


def _samples_together(
    result: ColumnResult, ruleset: m.Ruleset, evidence: Sequence[Evidence], locate: Locate, one_sample: OneSample
) -> Together | None:
    if result.sample is not None or not ruleset.samples:
        return None
    present = samples_present(ruleset, evidence)
    if len(present) < 2:
        return None
    counts = dict.fromkeys(present, 0)
    second: Location | None = None
    for e in evidence:
        for name, n in _samples_of(e).items():
            counts[name] += n
        if second is None and e.summary is not None:
            second = e.summary.first.get(present[1])
        elif second is None and e.cases.locations:
            samples = e.cases.samples.tolist()
            at = next((i for i, name in enumerate(samples) if name == present[1]), None)
            if at is not None:
                second = e.cases.locations[at]
    declared = {s.name: s for s in ruleset.samples}
    differ = []
    for name in present:
        sample = declared[name] if name is not None else None
        if sample is None:
            continue
        left = []
        if sample.sections is not None:
            out = [s.id for s in ruleset.sections if s.id not in sample.sections]
            if out:
                left.append(f"{'section' if len(out) == 1 else 'sections'} {', '.join(out)}")
        if sample.without_questions:
            asked = sorted(sample.without_questions)
            left.append(f"{'question' if len(asked) == 1 else 'questions'} {_listed(asked)}")
        if left:
            differ.append(f"sample `{name}` leaves out {' and '.join(left)}, scored here from the other cases")
    help_ = "; ".join([*differ, one_sample([n for n in present if n is not None])])
    where = evidence[0].path if evidence else result.evidence.path
    place = locate(second, present[1] or "") if second is not None else Span(where, 1, 1, 1, 2)
    return Together(result.label, tuple(counts.items()), help_, place)


def _columns(labels: Sequence[str]) -> str:
    return f"column `{labels[0]}`" if len(labels) == 1 else f"columns {_listed(labels)}"


def _listed(names: Sequence[str]) -> str:
    shown = [f"`{n}`" for n in names[:SHOWN]]
    more = len(names) - len(shown)
    if len(shown) == 1:
        return shown[0]
    if more:
        return ", ".join(shown) + f" and {more} more"
    return ", ".join(shown[:-1]) + f" and {shown[-1]}"
