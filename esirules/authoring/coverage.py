"""What a ruleset's tests exercise: a run of its tests in, its grading rules, caps, band rows,
questions and items each exercised or not (with where they are written) out.

An element is exercised when an expectation of a test reads a result it produced:

- a grading rule gave the grade (it was the first rule that held); a cap lowered the grade;
- a band row gave the value;
- a question had an answer that counted (it applied, and was not excluded or not applicable);
- an item was rated, by hand or from target data, and counted;
- an outcome rule gave the outcome's value.

What an expectation reads: a criterion's expectation, the criterion (its questions, items,
grading and bands); an item's, the item and the band that rated it; a section's, the members
its score and grade combine and its own grade rules; the overall's, its sections likewise; a
bands expectation, the row that gave the value; an outcome's, the levels its rules read, up to
the rule that gave the value. Only elements written in the ruleset's own file
are counted: those it takes from the ruleset it extends are that ruleset's to exercise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

from esirules.authoring.testing import RulesetRun, RulesetTestResult
from esirules.language import model as m
from esirules.scoring.result import AggregateResult, BandResult, ColumnResult, CriterionResult, GradingTrace
from esirules.span import Span

ElementKind = Literal["grading rule", "cap", "band row", "question", "item", "outcome rule"]
KINDS: tuple[ElementKind, ...] = ("grading rule", "cap", "band row", "question", "item", "outcome rule")
Key = tuple[str, ...]


@attrs.frozen
class Element:
    """A grading rule, cap, band row, question or item, and whether a test exercised it."""

    kind: ElementKind
    owner: str  # the grading or bands it belongs to; the criterion of a question or item
    name: str  # the grade or value it gives; the question's or item's id
    exercised: bool
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Coverage:
    """One ruleset's elements, in the order written, each exercised or not."""

    path: str
    elements: tuple[Element, ...]
    inherited: int  # elements it takes from the ruleset it extends (counted there)

    @property
    def exercised(self) -> int:
        return sum(e.exercised for e in self.elements)

    @property
    def percent(self) -> int | None:
        """Whole percent exercised, rounded down (so 100 means every one); None with nothing to exercise."""
        return None if not self.elements else 100 * self.exercised // len(self.elements)

    def count(self, kind: ElementKind) -> tuple[int, int]:
        """How many of one kind are exercised, of how many."""
        of_kind = [e for e in self.elements if e.kind == kind]
        return sum(e.exercised for e in of_kind), len(of_kind)

    def not_exercised(self) -> tuple[Element, ...]:
        return tuple(e for e in self.elements if not e.exercised)


def coverage(run: RulesetRun) -> Coverage:
    """Which of the ruleset's own elements its tests exercise."""
    keys: set[Key] = set()
    for result in run.results:
        keys |= exercised(result, run.ruleset)
    every = list(_elements(run.ruleset))
    own = [(key, kind, owner, name, span) for key, kind, owner, name, span in every if span.file == run.path]
    elements = tuple(Element(kind, owner, name, key in keys, span) for key, kind, owner, name, span in own)
    return Coverage(run.path, elements, len(every) - len(own))


def _elements(ruleset: m.Ruleset) -> Iterable[tuple[Key, ElementKind, str, str, Span]]:
    for grading in ruleset.gradings:
        for number, rule in enumerate(grading.rules):
            yield ("rule", grading.name, str(number)), "grading rule", grading.name, rule.grade, rule.span
        for number, cap in enumerate(grading.caps):
            yield ("cap", grading.name, str(number)), "cap", grading.name, cap.grade, cap.span
    for bands in ruleset.bands:
        for number, band in enumerate(bands.bands):
            yield ("band", bands.name, str(number)), "band row", bands.name, band.value, band.span
    for criterion in ruleset.criteria():
        for question in criterion.questions:
            yield ("question", question.id), "question", criterion.id, question.id, question.span
        for item in criterion.items:
            yield ("item", item.id), "item", criterion.id, item.id, item.span
    for outcome in ruleset.outcomes:
        for number, given in enumerate(outcome.rules):
            yield ("outcome rule", outcome.name, str(number)), "outcome rule", outcome.name, given.value, given.span


# ---------------------------------------------------------------------------------------------
# What one test exercised


def exercised(result: RulesetTestResult, ruleset: m.Ruleset) -> set[Key]:
    """The elements the expectations of one test read results of."""
    keys: set[Key] = set()
    column = result.column
    if column is None:
        return keys
    for outcome in result.expectations:
        e = outcome.expectation
        if e.target == "criterion":
            _criterion(column.criteria[e.id], keys)
        elif e.target == "item":
            criterion = next(c for c in ruleset.criteria() if any(i.id == e.id for i in c.items))
            for item in column.criteria[criterion.id].items:
                if item.id == e.id and item.counted:
                    keys.add(("item", item.id))
                    _band(item.band, keys)
        elif e.target == "bands":
            _band(outcome.found.band, keys)
        elif e.target == "section":
            _section(column, e.id, keys)
        elif e.target == "outcome":
            _outcome(column, ruleset.outcome(e.id), keys)
        else:
            _overall(column, keys)
    return keys


def _overall(column: ColumnResult, keys: set[Key]) -> None:
    if column.overall is not None:
        for aggregate in (column.overall.score, column.overall.grading):
            _aggregate(column, aggregate, keys)


def _outcome(column: ColumnResult, outcome: m.Outcome, keys: set[Key]) -> None:
    """The rule that gave the value, and what the rules read up to it."""
    result = column.outcomes[outcome.name]
    for tried in result.tried:
        if tried.chosen:
            written = next(n for n, rule in enumerate(outcome.rules) if rule.span == tried.span)
            keys.add(("outcome rule", outcome.name, str(written)))
        for test in tried.tests:
            if test.level == "criterion":
                _criterion(column.criteria[test.id], keys)
            elif test.level == "section":
                _section(column, test.id, keys)
            elif test.level == "overall":
                _overall(column, keys)


def _criterion(result: CriterionResult, keys: set[Key]) -> None:
    for question in result.questions:
        if question.exclusion is None and question.applicable > 0:
            keys.add(("question", question.id))
    for item in result.items:
        if item.counted:
            keys.add(("item", item.id))
            _band(item.band, keys)
    _band(result.bands, keys)
    _trace(result.trace, keys)


def _section(column: ColumnResult, section_id: str, keys: set[Key]) -> None:
    section = column.sections[section_id]
    for aggregate in (section.score, section.grading):
        _aggregate(column, aggregate, keys)


def _aggregate(column: ColumnResult, aggregate: AggregateResult | None, keys: set[Key]) -> None:
    if aggregate is None:
        return
    for term in aggregate.terms:
        if aggregate.members_kind == "criteria":
            _criterion(column.criteria[term.member], keys)
        else:
            _section(column, term.member, keys)
    _band(aggregate.band, keys)
    _trace(aggregate.trace, keys)


def _band(band: BandResult | None, keys: set[Key]) -> None:
    if band is not None and band.value is not None:
        keys.add(("band", band.bands, str(len(band.tried) - 1)))  # INVARIANT: the last band tried gave the value


def _trace(trace: GradingTrace | None, keys: set[Key]) -> None:
    if trace is None:
        return
    for number, rule in enumerate(trace.rules):
        if rule.chosen:
            keys.add(("rule", trace.grading, str(number)))
    for number, cap in enumerate(trace.caps):
        if cap.applied:
            keys.add(("cap", trace.grading, str(number)))
