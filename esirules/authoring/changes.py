"""The edit script of a diff: small frozen records of what changed, and how lists are matched.

A `Change` says what happened (`added`, `removed`, `changed`, `reordered`) to what (`Subject`:
a question, a band row, a grading rule...), which aspect changed, the words before and after,
and where each side is written. Like sqlglot's `diff.py`, a diff is a flat tuple of these;
`compare_*` modules produce them, `diff` puts them in ruleset order.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Literal, TypeVar

import attrs

from esirules.span import Span

Action = Literal["added", "removed", "changed", "reordered"]

# The parts of a report, in the order they are shown, and the kinds of subject in each.
AREAS: dict[str, tuple[str, ...]] = {
    "ruleset": ("ruleset", "rounding"),
    "structure": ("section", "criterion", "question", "item", "overall"),
    "gradings": ("grading", "rule", "cap"),
    "bands": ("bands", "band"),
    "points": ("points table",),
    "outcomes": ("outcome", "outcome rule"),
    "samples": ("sample",),
    "exclusions": ("exclusion",),
    "vocabulary": ("weight class", "scale", "ladder", "attribute", "fact", "source", "measure"),
}
AREA_TITLES = {
    "ruleset": "The ruleset",
    "structure": "Sections, criteria, questions and items",
    "gradings": "Gradings",
    "bands": "Bands",
    "points": "Points",
    "outcomes": "Outcomes",
    "samples": "Samples",
    "exclusions": "Exclusions",
    "vocabulary": "Weight classes, scales, attributes, facts, sources and measures",
}
_AREA_OF = {kind: area for area, kinds in AREAS.items() for kind in kinds}


@attrs.frozen
class Subject:
    """What a change is about: a kind of thing, its name or id, and what it belongs to."""

    kind: str
    name: str = ""
    within: Subject | None = None

    def words(self) -> str:
        """`question B1.start`, `band `satisfactory` of `npd_rating``, `the rule for "Well met" ...`."""
        kind, name, within = self.kind, self.name, self.within
        if kind in ("section", "criterion", "question", "item"):
            return f"{kind} {name}"
        if kind in ("ruleset", "rounding"):
            return "the ruleset" if kind == "ruleset" else "rounding"
        if kind == "overall":
            return "the overall"
        if kind == "rule":
            return f"the rule for {name} in {within.words() if within else 'the grading'}"
        if kind == "outcome rule":
            return f"the rule for {name} in {within.words() if within else 'the outcome'}"
        if kind == "cap":
            return f"the cap at {name} in {within.words() if within else 'the grading'}"
        if kind == "band":
            return f"band `{name}` of `{within.name}`" if within else f"band `{name}`"
        if kind == "exclusion":
            return f"the exclusion of {name}"
        return f"{kind} `{name}`"

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "name": self.name, "within": None if self.within is None else self.within.to_json()}


@attrs.frozen
class Change:
    """One difference between an old and a new ruleset, with where each side is written."""

    action: Action
    subject: Subject
    aspect: str | None = None  # what changed: "weight", "applies when", "order of rules"...
    old: str | None = None  # the aspect (or, when removed, the thing) in words, as before
    new: str | None = None  # ... and as now
    note: str | None = None  # what the change means, when that is not plain from the words
    old_at: Span | None = attrs.field(default=None, eq=False, kw_only=True)
    new_at: Span | None = attrs.field(default=None, eq=False, kw_only=True)

    @property
    def area(self) -> str:
        return _AREA_OF.get(self.subject.kind, "vocabulary")

    def headline(self) -> str:
        """The change in one line, without its old and new words when they are long."""
        subject = self.subject.words()
        within = self.subject.within
        if self.action == "added":
            where = f" to {within.words()}" if within and self.subject.kind in ("question", "item", "criterion") else ""
            return f"{subject} added{where}"
        if self.action == "removed":
            where = f" from {within.words()}" if within and self.subject.kind in ("question", "item", "criterion") else ""
            return f"{subject} removed{where}"
        if self.aspect == "when":  # a rule or band whose test is written anew
            return f"{subject} reworded"
        return f"{subject}: {self.aspect}"

    def words(self) -> str:
        """The whole change in one sentence: `section C: weight 40% → 45%`."""
        headline = self.headline()
        if self.action == "added":
            return headline + (f": {self.new}" if self.new else "")
        if self.action == "removed":
            return headline + (f": {self.old}" if self.old else "")
        joiner = ": " if self.aspect == "when" else " "
        return f"{headline}{joiner}{self.old} → {self.new}"


def changed(subject: Subject, aspect: str, old: str, new: str, old_at: Span | None, new_at: Span | None,
            note: str | None = None) -> list[Change]:
    """A `changed` record when the words differ; none when they are the same."""
    if old == new:
        return []
    return [Change("changed", subject, aspect, old, new, note, old_at=old_at, new_at=new_at)]


def reordered(subject: Subject, aspect: str, old: Sequence[str], new: Sequence[str],
              old_at: Span | None, new_at: Span | None) -> list[Change]:
    """A `reordered` record when the names both lists hold stand in another order."""
    common = set(old) & set(new)
    before = [name for name in old if name in common]
    after = [name for name in new if name in common]
    if before == after:
        return []
    return [Change("reordered", subject, aspect, ", ".join(before), ", ".join(after), old_at=old_at, new_at=new_at)]


# ---------------------------------------------------------------------------------------------
# Matching two lists

T = TypeVar("T")


@attrs.frozen
class Matching:
    """Two lists matched: index pairs (in the new list's order), and the indexes left over."""

    pairs: tuple[tuple[int, int], ...]
    removed: tuple[int, ...]
    added: tuple[int, ...]

    @property
    def reordered(self) -> bool:
        """The matched elements stand in a different order in the new list."""
        olds = [old for old, _ in self.pairs]
        return olds != sorted(olds)


def match(old: Sequence[T], new: Sequence[T], identity: Callable[[T], Hashable]) -> Matching:
    """Pair equal elements first, then elements of the same identity in order; the rest are new or gone.

    Equal first, so that of two rules for one grade the unchanged one pairs with itself and a
    moved rule shows as moved, not as two rewordings.
    """
    free = list(range(len(old)))
    pairs: dict[int, int] = {}
    for j, element in enumerate(new):
        for i in free:
            if old[i] == element:
                pairs[j] = i
                free.remove(i)
                break
    for j, element in enumerate(new):
        if j in pairs:
            continue
        for i in free:
            if identity(old[i]) == identity(element):
                pairs[j] = i
                free.remove(i)
                break
    return Matching(
        tuple((pairs[j], j) for j in sorted(pairs)),
        tuple(free),
        tuple(j for j in range(len(new)) if j not in pairs),
    )
