"""Inspection evidence in columnar form: what the loader produces and the evaluator reads.

Case data are held per column, not per case: one array per attribute and per question,
aligned with `case_ids`. Codes:

- enumerated and ordered attributes: the index of the value in `Attribute.values`
  (ordered values run lowest first, so a larger code is a higher value); MISSING if absent;
- yes-or-no attributes: 1 for yes, 0 for no, MISSING if absent;
- numeric attributes: float64, NaN if absent;
- answers: the index of the answer in `Scale.values` (0 is the best answer),
  NOT_APPLICABLE for the scale's not-applicable answer, UNANSWERED for a blank.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Literal, overload

import attrs
import numpy as np
import numpy.typing as npt

from esirules.diagnostics import Diagnostic
from esirules.span import Span

MISSING = -1
UNANSWERED = -1
NOT_APPLICABLE = -2
# INVARIANT: answer codes run from NOT_APPLICABLE upwards, so code + ANSWER_OFFSET is an index from 0:
# not applicable at 0, blank at 1, the scale's answers from ANSWER_OFFSET on (the best first).
ANSWER_OFFSET = -NOT_APPLICABLE

Codes = npt.NDArray[np.int16]


@attrs.frozen
class Location:
    """Where a piece of evidence was read: a file and a line (YAML/JSON) or row (CSV), or a row
    of a workbook's sheet (`sheet`: its name; the cases sheet's rows have none)."""

    file: str
    line: int | None = None
    field: str | None = None
    case: str | None = None
    sheet: str | None = None

    def place(self) -> str:
        """Where in its file, in words: `line 3`, or `row 3 of sheet cases`."""
        return f"line {self.line}" if self.sheet is None else f"row {self.line} of sheet {self.sheet}"

    def __str__(self) -> str:
        if self.sheet is not None:
            return f"{self.file}, {self.sheet} row {self.line}"
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
        return out


class CaseLocations(Sequence[Location]):
    """Where each case of one table was read, made only when asked for (a file has many cases)."""

    __slots__ = ("file", "ids", "lines", "sheet")

    def __init__(self, file: str, lines: Sequence[int], ids: Sequence[str], sheet: str | None = None):
        self.file, self.lines, self.ids, self.sheet = file, lines, ids, sheet

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Location: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Location]: ...
    def __getitem__(self, index: int | slice) -> Location | Sequence[Location]:
        if isinstance(index, slice):
            return tuple(self)[index]
        return Location(self.file, self.lines[index], None, self.ids[index], self.sheet)

    def __iter__(self) -> Iterator[Location]:
        file, sheet = self.file, self.sheet
        return (Location(file, line, None, case, sheet) for line, case in zip(self.lines, self.ids))

    def take(self, index: npt.NDArray[np.intp]) -> CaseLocations:
        """The locations at `index`, still made only when asked for."""
        positions = index.tolist()
        return CaseLocations(
            self.file, [self.lines[i] for i in positions], [self.ids[i] for i in positions], self.sheet
        )


@attrs.frozen
class MeasureFigures:
    """Target data for one measure: the area's actual figure, the target, the national average."""

    actual: Fraction
    target: Fraction
    national_average: Fraction
    location: Location | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Adjustment:
    """A lead inspector's discretionary adjustment of a descriptive criterion's grade."""

    criterion: str  # "" when a section or the overall is adjusted
    grade: str
    by: str
    reason: str
    location: Location | None = attrs.field(default=None, eq=False)
    section: str | None = None  # the section adjusted (`section: B`)
    overall: bool = False  # the overall adjusted (`overall: yes`)

    @property
    def target(self) -> str:
        """What it adjusts: a criterion id, `section B` or `overall`."""
        return "overall" if self.overall else f"section {self.section}" if self.section else self.criterion


@attrs.frozen
class RecordedFact:
    """A fact about the inspection (issue 11, point 4): its value as recorded (with where), or its
    declared default (`defaulted`). Values: a value's name, a number (Fraction), or yes/no (bool)."""

    name: str
    value: str | Fraction | bool
    defaulted: bool = False
    location: Location | None = attrs.field(default=None, eq=False)


@attrs.frozen
class CarriedForward:
    """An earlier judgement carried forward (issue 11, point 6): a criterion or section not
    inspected this time keeps the grade an earlier inspection gave it."""

    level: Literal["criterion", "section"]
    id: str
    grade: str
    inspection: str  # the earlier inspection, as the evidence names it ("" in a test that names none)
    date: datetime.date | None  # the earlier inspection's date (None only in a ruleset's test)
    reference: str | None = None  # where its report is (a URL, a file, a reference number)
    location: Location | None = attrs.field(default=None, eq=False)

    @property
    def target(self) -> str:
        """What it carries forward: `criterion A1`, `section safe`."""
        return f"{self.level} {self.id}"


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (the month's last day when it has fewer days):
    the last day an earlier judgement may be carried forward to."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@attrs.frozen(eq=False)
class Cases:
    """The case sample, columnar. All arrays have one entry per case, in `ids` order."""

    ids: tuple[str, ...]
    samples: npt.NDArray[np.object_]  # the sample name of each case, or None
    attributes: dict[str, npt.NDArray]  # type: ignore[type-arg]
    answers: dict[str, Codes]
    locations: Sequence[Location] = ()  # a tuple, or CaseLocations
    _memo: dict[str, object] = attrs.field(factory=dict, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def id_array(self) -> npt.NDArray[np.object_]:
        """The case ids as a numpy array (made once)."""
        if "ids" not in self._memo:
            array = np.empty(len(self.ids), dtype=object)
            array[:] = self.ids
            self._memo["ids"] = array
        return self._memo["ids"]  # type: ignore[return-value]

    def answer_counts(self, question: str) -> npt.NDArray[np.int64]:
        """How many cases give each answer code to a question, at entry code + ANSWER_OFFSET (made once).

        So the not-applicable answers are counted first, then the blanks, then each answer k at
        k + ANSWER_OFFSET.
        """
        key = "counts:" + question
        if key not in self._memo:
            codes = self.answers[question].astype(np.intp) + ANSWER_OFFSET
            self._memo[key] = np.bincount(codes, minlength=ANSWER_OFFSET).astype(np.int64)
        return self._memo[key]  # type: ignore[return-value]

    def note_answer_counts(self, counts: dict[str, npt.NDArray[np.int64]]) -> None:
        """Keep the answer counts a loader found while coding the answers (as `answer_counts` gives)."""
        # INVARIANT: the counts are those of `answers`, which never change
        self._memo.update({"counts:" + question: c for question, c in counts.items()})

    def natural_order(self) -> npt.NDArray[np.intp] | None:
        """The indexes of the cases in natural order of their ids, None if they are in it (made once)."""
        if "order" not in self._memo:
            from esirules.evidence.natural import natural_order

            order = natural_order(self.id_array())
            identity = bool((order == np.arange(len(order))).all())
            self._memo["order"] = None if identity else order
        return self._memo["order"]  # type: ignore[return-value]

    def take(self, mask: npt.NDArray[np.bool_]) -> Cases:
        """The cases where mask is true, in the same order."""
        index = np.flatnonzero(mask)
        return Cases(
            ids=tuple(self.ids[i] for i in index),
            samples=self.samples[index],
            attributes={k: v[index] for k, v in self.attributes.items()},
            answers={k: v[index] for k, v in self.answers.items()},
            locations=_take_locations(self.locations, index),
        )

    def same_as(self, other: Cases) -> bool:
        """Identical case data (ignoring where it was read from)."""
        return (
            self.ids == other.ids
            and list(self.samples) == list(other.samples)
            and self.attributes.keys() == other.attributes.keys()
            and self.answers.keys() == other.answers.keys()
            and all(np.array_equal(self.attributes[k], other.attributes[k], equal_nan=True) for k in self.attributes)
            and all(np.array_equal(self.answers[k], other.answers[k]) for k in self.answers)
        )


def _take_locations(locations: Sequence[Location], index: npt.NDArray[np.intp]) -> Sequence[Location]:
    if isinstance(locations, CaseLocations):
        return locations.take(index)
    return tuple(locations[i] for i in index.tolist()) if locations else ()


FIRST_PLACES = 5  # the places a warning lists (its count says how many there are)


@attrs.frozen
class EvidenceWarning:
    """A problem in the evidence that changes no figure (docs/evidence-diagnostics.md lists which),
    found `count` times: the message says so, `places` keeps the first few."""

    code: str
    message: str
    help: str | None
    count: int
    places: tuple[Span, ...]

    def diagnostic(self, severity: str = "warning") -> Diagnostic:
        """The warning shown at its first place (as an error with `--strict`)."""
        return Diagnostic(self.code, self.message, self.places[0], self.help, severity)

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "help": self.help,
            "count": self.count,
            "locations": [place.to_json() for place in self.places],
        }


@attrs.frozen
class CaseSummary:
    """What is kept of cases read in batches and not held (evidence/stream.py): how many cases
    each sample has (None: cases of no sample), and where its first case is."""

    samples: dict[str | None, int]
    first: dict[str | None, Location]


@attrs.frozen(eq=False)
class Evidence:
    """One inspection's evidence, validated against a ruleset.

    `warnings` are the problems found that change no figure; `sources` holds the text of the
    files they are in, up to the last line they cite, so they can be shown.
    """

    path: str
    content_hash: str
    ruleset_ref: str | None
    cases: Cases
    ratings: dict[str, str] = attrs.field(factory=dict)
    measures: dict[str, MeasureFigures] = attrs.field(factory=dict)
    adjustments: tuple[Adjustment, ...] = ()
    title: str = ""
    warnings: tuple[EvidenceWarning, ...] = ()
    sources: dict[str, str] = attrs.field(factory=dict, repr=False)
    # Where each rating is recorded, so an explanation can cite it.
    rating_locations: dict[str, Location] = attrs.field(factory=dict, kw_only=True)
    # The inspection's facts: those recorded, and the declared defaults of the others.
    facts: dict[str, RecordedFact] = attrs.field(factory=dict, kw_only=True)
    date: datetime.date | None = attrs.field(default=None, kw_only=True)  # the inspection's own date
    carried_forward: tuple[CarriedForward, ...] = attrs.field(default=(), kw_only=True)
    # Cases read in batches and counted as they were read: `cases` is then empty, and this says
    # which samples they were of.
    summary: CaseSummary | None = attrs.field(default=None, kw_only=True)
