"""The impact of a ruleset change: evidence scored under an old and a new ruleset in, what moved out.

Both rulesets score the evidence through the same `Scorer` the command line uses, so every
figure is the one `esirules score` would print. From the two result trees this module reads:
old → new for every criterion, section and the overall; how many criteria moved from each
grade to each other grade; and, per question, the cases whose answers now count differently
(newly excluded, newly not applicable, newly counted, now met, no longer met).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from typing import Literal

import attrs

from esirules.evidence.natural import natural_key
from esirules.evidence.sheet import ColumnSpec
from esirules.language import model as m
from esirules.scoring.columns import Scorer
from esirules.scoring.result import (
    ColumnResult,
    CriterionResult,
    OutcomeResult,
    OverallResult,
    QuestionResult,
    SectionResult,
)
from esirules.span import Span

# ---------------------------------------------------------------------------------------------
# Records


@attrs.frozen
class Figure:
    """One score or grade under one ruleset, as the score sheet shows it."""

    value: Fraction | None
    display: str
    grade: str | None = None
    reason: str | None = None

    def words(self) -> str:
        if self.value is None and self.grade is None:
            return "not computable"
        return " ".join(part for part in (self.display if self.value is not None else "", self.grade or "") if part)


@attrs.frozen
class Movement:
    """A criterion, section, the overall or an outcome: its figure under the old and the new ruleset."""

    kind: Literal["criterion", "section", "overall", "outcome"]
    id: str
    title: str
    old: Figure | None  # None: the old ruleset has no such criterion or section
    new: Figure | None

    @property
    def changed(self) -> bool:
        """The exact value, the grade or the reason differs (the rounding shown may differ alone)."""
        return _exact(self.old) != _exact(self.new)


def _exact(figure: Figure | None) -> tuple[object, ...] | None:
    return None if figure is None else (figure.value, figure.grade, figure.reason)


@attrs.frozen
class GradeTransition:
    """How many criteria went from one grade to another (the same grade too), and which."""

    old: str
    new: str
    criteria: tuple[str, ...]


Shift = Literal["newly excluded", "newly not applicable", "newly counted", "now met", "no longer met"]
SHIFTS: tuple[Shift, ...] = ("newly excluded", "newly not applicable", "newly counted", "now met", "no longer met")


@attrs.frozen
class CaseShift:
    """Cases whose answer to one question counts differently, for one reason."""

    shift: Shift
    reason: str | None
    cases: tuple[str, ...]  # in natural order


@attrs.frozen
class QuestionImpact:
    """One question: the answers counted under each ruleset, and the cases that moved."""

    id: str
    text: str
    counted_old: int
    counted_new: int
    shifts: tuple[CaseShift, ...]

    def count(self, shift: Shift) -> int:
        return sum(len(s.cases) for s in self.shifts if s.shift == shift)

    def cases(self, shift: Shift) -> tuple[str, ...]:
        found = [case for s in self.shifts if s.shift == shift for case in s.cases]
        return tuple(sorted(found, key=natural_key))


@attrs.frozen
class Impact:
    """One evidence file (and sample) scored under both rulesets."""

    evidence: str
    sample: str | None
    old: ColumnResult
    new: ColumnResult
    movements: tuple[Movement, ...]
    transitions: tuple[GradeTransition, ...]
    questions: tuple[QuestionImpact, ...]  # only the questions whose cases moved

    @property
    def changed(self) -> tuple[Movement, ...]:
        return tuple(m for m in self.movements if m.changed)


# ---------------------------------------------------------------------------------------------
# Scoring

_NO_RULESET = m.Ruleset("", "", "", "", "")


def score_impacts(
    old_ruleset: str,
    new_ruleset: str,
    evidence: Sequence[str],
    samples: Sequence[tuple[str | None, Span | None]] = ((None, None),),
    *,
    scorer: Scorer | None = None,
) -> list[Impact]:
    """Score each evidence file (for each sample) under both rulesets and compare.

    `samples` pairs each sample name (None: every case) with where it was typed, so that an
    unknown sample is reported there.

    Raises:
        DiagnosticError: every problem in the rulesets, the evidence or the samples, each once.
    """
    from esirules.diagnostics import Diagnostic, DiagnosticError

    scorer = scorer or Scorer()
    sides: dict[str, list[ColumnSpec]] = {"old": [], "new": []}
    for path in evidence:
        for sample, span in samples:
            for side, ruleset in (("old", old_ruleset), ("new", new_ruleset)):
                # The label names the column in warnings: the file, the sample and which ruleset.
                label = f"{path}{f', sample {sample}' if sample else ''}, {side} ruleset"
                sides[side].append(ColumnSpec(label, (path,), ruleset, sample, span))
    scored: dict[str, list[ColumnResult]] = {}
    under: dict[Diagnostic, list[str]] = {}  # each problem, and the rulesets it is found under
    sources: dict[str, str] = {}
    for side, side_columns in sides.items():
        try:
            scored[side] = scorer.score(side_columns)
        except DiagnosticError as error:
            sources.update(error.sources)
            for found in error.diagnostics:
                under.setdefault(found, []).append(side)
            scorer.diagnostics.clear()  # (a scorer keeps what it found: the other side's are its own)
    if under:
        # A problem under one of two rulesets of one name (two years' versions) says which: "not a
        # question of ruleset `yji`" did not.
        named = {"old": old_ruleset, "new": new_ruleset}
        rulesets = [scorer.rulesets.get(path) for path in (old_ruleset, new_ruleset)]
        alike = None not in rulesets and len({r.name for r in rulesets if r is not None}) == 1
        raise DiagnosticError([found if len(found_under) == 2 or not alike else attrs.evolve(
            found, message=f"{found.message} (under the {found_under[0]} ruleset, `{named[found_under[0]]}`)")
            for found, found_under in under.items()], sources) from None
    columns = [column for pair in zip(sides["old"], sides["new"]) for column in pair]
    results = [result for pair in zip(scored["old"], scored["new"]) for result in pair]
    ladders = [
        scale.values
        for path in (new_ruleset, old_ruleset)
        for scale in (scorer.rulesets[path] or _NO_RULESET).scales
        if scale.is_ladder
    ]
    impacts = []
    for index in range(0, len(results), 2):
        spec = columns[index]
        impacts.append(compare_columns(spec.evidence[0], spec.sample, results[index], results[index + 1], ladders))
    return impacts


# ---------------------------------------------------------------------------------------------
# Comparing two result trees


def compare_columns(
    evidence: str, sample: str | None, old: ColumnResult, new: ColumnResult, ladders: Sequence[tuple[str, ...]] = ()
) -> Impact:
    """What moved between two columns of the same evidence scored under two rulesets.

    `ladders` (best grade first) order the grade transitions; grades on none come last.
    """
    return Impact(
        evidence,
        sample,
        old,
        new,
        tuple(_movements(old, new)),
        tuple(_transitions(old, new, ladders)),
        tuple(q for q in _questions(old, new) if q.shifts),
    )


def _movements(old: ColumnResult, new: ColumnResult) -> list[Movement]:
    out = []
    for cid in _union(new.criteria, old.criteria):
        before, after = old.criteria.get(cid), new.criteria.get(cid)
        title = (after or before).title  # type: ignore[union-attr]
        out.append(Movement("criterion", cid, title, _criterion_figure(before), _criterion_figure(after)))
    for sid in _union(new.sections, old.sections):
        was, now = old.sections.get(sid), new.sections.get(sid)
        title = (now or was).title  # type: ignore[union-attr]
        out.append(Movement("section", sid, title, _figure(was), _figure(now)))
    if old.overall is not None or new.overall is not None:
        title = (new.overall or old.overall).title  # type: ignore[union-attr]
        out.append(Movement("overall", "overall", title, _figure(old.overall), _figure(new.overall)))
    for name in _union(new.outcomes, old.outcomes):
        was_given, now_given = old.outcomes.get(name), new.outcomes.get(name)
        label = (now_given or was_given).label  # type: ignore[union-attr]
        out.append(Movement("outcome", name, label, _outcome_figure(was_given), _outcome_figure(now_given)))
    return out


def _outcome_figure(result: OutcomeResult | None) -> Figure | None:
    """An outcome's value, as a grade is (an outcome has no score)."""
    return None if result is None else Figure(None, result.display, result.value, result.reason)


def _union(first: dict, second: dict) -> list[str]:  # type: ignore[type-arg]
    return list(dict.fromkeys([*first, *second]))


def _criterion_figure(result: CriterionResult | None) -> Figure | None:
    if result is None:
        return None
    return Figure(result.value, result.display, result.grade, result.reason)


def _figure(result: SectionResult | OverallResult | None) -> Figure | None:
    if result is None:
        return None
    return Figure(result.value, result.display, result.grade, result.reason)


def _transitions(old: ColumnResult, new: ColumnResult, ladders: Sequence[tuple[str, ...]]) -> list[GradeTransition]:
    moved: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cid, after in new.criteria.items():
        before = old.criteria.get(cid)
        if before is None or before.grade is None or after.grade is None:
            continue
        moved[(before.grade, after.grade)].append(cid)
    rank: dict[str, int] = {}
    for ladder in ladders:
        for position, grade in enumerate(ladder):
            rank.setdefault(grade, position)
    return [
        GradeTransition(a, b, tuple(ids))
        for (a, b), ids in sorted(moved.items(), key=lambda item: (rank.get(item[0][0], 99), rank.get(item[0][1], 99)))
    ]


# ---------------------------------------------------------------------------------------------
# Cases that count differently


def _questions(old: ColumnResult, new: ColumnResult) -> list[QuestionImpact]:
    before = {q.id: q for c in old.criteria.values() for q in c.questions}
    after = {q.id: q for c in new.criteria.values() for q in c.questions}
    old_excluded = _excluded_cases(old)
    new_excluded = _excluded_cases(new)
    out = []
    for qid in _union(after, before):
        was, now = before.get(qid), after.get(qid)
        text = (now or was).text  # type: ignore[union-attr]
        out.append(
            QuestionImpact(
                qid,
                text,
                _counted(was),
                _counted(now),
                tuple(_shifts(was, now, old_excluded, new_excluded, new.ruleset.name, old.ruleset.name)),
            )
        )
    return out


def _counted(result: QuestionResult | None) -> int:
    return 0 if result is None or result.excluded is not None else result.applicable


def _excluded_cases(column: ColumnResult) -> dict[str, str]:
    return {case: _reason(group.reason) for group in column.excluded_cases for case in group.cases}


def _reason(reason: object) -> str:
    """A case group's reason as words (the one place that reads a reason)."""
    return str(reason)


def _sets(result: QuestionResult | None) -> tuple[set[str], set[str]]:
    """The cases that met a question, and those that did not (both empty without the question)."""
    if result is None:
        return set(), set()
    return set(result.met_cases), set(result.not_met_cases)


def _standings(
    cases: set[str], result: QuestionResult | None, excluded: dict[str, str], missing: str
) -> dict[str, tuple[str, str | None]]:
    """Why each of these cases is not counted for a question: excluded or not applicable, and the reason."""
    out: dict[str, tuple[str, str | None]] = {}
    rest = set(cases)
    for case in rest & excluded.keys():
        out[case] = ("excluded", excluded[case])
    rest -= out.keys()
    if result is None:
        return out | dict.fromkeys(rest, ("absent", missing))
    standing = "excluded" if result.excluded is not None else "not applicable"
    for group in result.not_applicable:
        if not rest:
            break
        hit = rest.intersection(group.cases)
        reason = _reason(group.reason)
        out.update(dict.fromkeys(hit, (standing, reason)))
        rest -= hit
    return out | dict.fromkeys(rest, ("absent", None))


def _shifts(
    was: QuestionResult | None,
    now: QuestionResult | None,
    old_excluded: dict[str, str],
    new_excluded: dict[str, str],
    new_name: str,
    old_name: str,
) -> list[CaseShift]:
    """The cases that count differently for one question, grouped by how and why (set operations only,
    so a large inspection is compared in about the time it takes to score it)."""
    qid = (now or was).id  # type: ignore[union-attr]
    if (
        was is not None
        and now is not None
        and was.met_cases == now.met_cases
        and was.not_met_cases == now.not_met_cases
    ):
        return []  # the same cases met and not met: nothing moved (compared in C, no sets built)
    old_met, old_not = _sets(was)
    new_met, new_not = _sets(now)
    old_counted, new_counted = old_met | old_not, new_met | new_not
    grouped: dict[tuple[Shift, str | None], list[str]] = defaultdict(list)
    lost = _standings(old_counted - new_counted, now, new_excluded, f"{new_name} has no question {qid}")
    for case, (standing, reason) in lost.items():
        grouped[(shift_of("met", standing) or "newly excluded", reason)].append(case)
    gained = _standings(new_counted - old_counted, was, old_excluded, f"{old_name} has no question {qid}")
    for case, (standing, reason) in gained.items():
        grouped[(shift_of(standing, "met") or "newly counted", reason)].append(case)
    grouped[("now met", None)] += old_not & new_met
    grouped[("no longer met", None)] += old_met & new_not
    return [
        CaseShift(shift, reason, tuple(sorted(cases, key=natural_key)))
        for (shift, reason), cases in sorted(grouped.items(), key=lambda item: SHIFTS.index(item[0][0]))
        if cases
    ]


def shift_of(then: str, later: str) -> Shift | None:
    """How a case moved for a question, from its standing under the old ruleset to the new."""
    counted_then, counted_later = then in ("met", "not met"), later in ("met", "not met")
    if counted_then and not counted_later:
        return "newly excluded" if later in ("excluded", "absent") else "newly not applicable"
    if counted_later and not counted_then:
        return "newly counted"
    if then == "not met" and later == "met":
        return "now met"
    if then == "met" and later == "not met":
        return "no longer met"
    return None
