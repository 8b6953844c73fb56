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

from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

MISSING = -1
UNANSWERED = -1
NOT_APPLICABLE = -2

Codes = npt.NDArray[np.int16]


@attrs.frozen
class Location:
    """Where a piece of evidence was read: a file and a line (YAML/JSON) or row (CSV)."""

    file: str
    line: int | None = None
    field: str | None = None
    case: str | None = None

    def __str__(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
        return out


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

    criterion: str
    grade: str
    by: str
    reason: str
    location: Location | None = attrs.field(default=None, eq=False)


@attrs.frozen(eq=False)
class Cases:
    """The case sample, columnar. All arrays have one entry per case, in `ids` order."""

    ids: tuple[str, ...]
    samples: npt.NDArray[np.object_]  # the sample name of each case, or None
    attributes: dict[str, npt.NDArray]  # type: ignore[type-arg]
    answers: dict[str, Codes]
    locations: tuple[Location, ...] = ()

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, mask: npt.NDArray[np.bool_]) -> Cases:
        """The cases where mask is true, in the same order."""
        index = np.flatnonzero(mask)
        return Cases(
            ids=tuple(self.ids[i] for i in index),
            samples=self.samples[index],
            attributes={k: v[index] for k, v in self.attributes.items()},
            answers={k: v[index] for k, v in self.answers.items()},
            locations=tuple(self.locations[i] for i in index) if self.locations else (),
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


@attrs.frozen(eq=False)
class Evidence:
    """One inspection's evidence, validated against a ruleset."""

    path: str
    content_hash: str
    ruleset_ref: str | None
    cases: Cases
    ratings: dict[str, str] = attrs.field(factory=dict)
    measures: dict[str, MeasureFigures] = attrs.field(factory=dict)
    adjustments: tuple[Adjustment, ...] = ()
    title: str = ""
