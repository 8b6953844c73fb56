"""The inspection's facts at scoring (issue 11, point 4): recorded facts in, fact conditions
decided and caps applied out.

A fact condition (`fact breach`, `fact enforcement >= formal`) is one truth for the whole
inspection, decided by `evidence.conditions` as an applicability condition is for one case: a
fact not recorded (and without a default) makes it unknown, and an unknown condition does not
hold. A level's caps (`no better than X when fact ...` in a criterion, section or overall) are
applied in the order written to the grade computed by the level's rules: each whose conditions
hold lowers a better grade to its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from esirules.evidence import conditions
from esirules.evidence.cases import MISSING, Cases, RecordedFact
from esirules.evidence.facts import fact_text
from esirules.language import model as m
from esirules.language.facts import fact_value
from esirules.language.model_conditions import grouped
from esirules.scoring.compile import CompiledGrading
from esirules.scoring.result import CapResult, FactConditionResult, FactReading

NOT_RECORDED = "not recorded"


@attrs.frozen(eq=False)
class InspectionFacts:
    """The facts of one inspection (recorded, or defaulted), and the ruleset's declarations."""

    recorded: Mapping[str, RecordedFact]
    declared: Mapping[str, m.Fact]

    @classmethod
    def of(cls, ruleset: m.Ruleset, recorded: Mapping[str, RecordedFact]) -> InspectionFacts:
        return cls(dict(recorded), {fact.name: fact for fact in ruleset.facts})

    @classmethod
    def of_readings(cls, ruleset: m.Ruleset, readings: Sequence[FactReading]) -> InspectionFacts:
        """The facts a scored column records (`ColumnResult.facts`), read back into values."""
        declared = {fact.name: fact for fact in ruleset.facts}
        recorded = {}
        for reading in readings:
            fact = declared.get(reading.name)
            if fact is None or reading.value == NOT_RECORDED:
                continue
            number = Fraction(reading.value) if fact.kind == "numeric" else None
            value = fact_value(fact, reading.value, number)
            if value is not None:
                recorded[reading.name] = RecordedFact(reading.name, value, reading.defaulted, reading.location)
        return cls(recorded, declared)

    def holds(self, condition: m.Condition) -> bool:
        """Whether a fact condition holds for the inspection (unknown: it does not)."""
        values = {name: fact.value for name, fact in self.recorded.items()}
        return conditions.holds(condition, values, self.declared)

    def reading(self, name: str) -> FactReading:
        fact = self.recorded.get(name)
        if fact is None:
            return FactReading(name, NOT_RECORDED)
        return FactReading(name, fact_text(fact.value), fact.defaulted, fact.location)

    def readings(self) -> tuple[FactReading, ...]:
        """Every fact of the ruleset, in the order declared."""
        return tuple(self.reading(name) for name in self.declared)

    def results(self, facts: Sequence[m.Condition]) -> tuple[FactConditionResult, ...]:
        """Each fact condition decided, with the facts it read."""
        return tuple(
            FactConditionResult(
                condition_text(condition),
                self.holds(condition),
                tuple(self.reading(name) for name in sorted(conditions.reads(condition))),
                span=condition.span,
            )
            for condition in facts
        )

    def bind(self, compiled: CompiledGrading) -> CompiledGrading:
        """The grading decided under these facts (itself, if it tests none)."""
        if not compiled.meaning.tests_facts:
            return compiled
        return attrs.evolve(compiled, facts=self.holds)


NO_FACTS = InspectionFacts({}, {})


def condition_text(condition: m.Condition) -> str:
    """A fact condition as written after `fact`: `breach`, `not breach`, `(breach or rate > 10)`."""
    return grouped(condition)


def apply_caps(
    caps: Sequence[m.CapRule], grade: str | None, ladder: m.Scale | None, facts: InspectionFacts
) -> tuple[tuple[CapResult, ...], str | None]:
    """A level's caps tried in order on its computed grade: each result, and the capped grade."""
    if not caps:
        return (), grade
    results = []
    for cap in caps:
        tested = facts.results(cap.facts)
        holds = all(t.holds for t in tested)
        applied = (
            holds and grade is not None and ladder is not None and cap.grade in ladder.values
            and grade in ladder.values and ladder.rank(grade) > ladder.rank(cap.grade)
        )
        if applied:
            grade = cap.grade
        results.append(CapResult(cap.grade, (), holds, applied, span=cap.span, facts=tested))
    return tuple(results), grade


def uncapped(computed: str | None, caps: Sequence[CapResult]) -> str | None:
    """The grade before the caps, when one lowered it (None when none did)."""
    return computed if any(cap.applied for cap in caps) else None


def with_fact_columns(cases: Cases, recorded: Mapping[str, RecordedFact], facts: Sequence[m.Fact]) -> Cases:
    """The cases with a column for each fact a question's `applies when` reads: the fact's value,
    the same for every case, coded as an attribute's (missing where the fact is not recorded)."""
    if not facts:
        return cases
    size = len(cases)
    columns: dict[str, npt.NDArray] = {}  # type: ignore[type-arg]
    for fact in facts:
        found = recorded.get(fact.name)
        value = None if found is None else found.value
        if fact.kind == "numeric":
            columns[fact.name] = np.full(size, np.nan if value is None else float(value))
        else:
            code = MISSING if value is None else int(value) if isinstance(value, bool) else fact.values.index(str(value))
            columns[fact.name] = np.full(size, code, dtype=np.int16)
    return attrs.evolve(cases, attributes={**cases.attributes, **columns})
