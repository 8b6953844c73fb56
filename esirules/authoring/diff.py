"""Diff two rulesets: two resolved models (and what their files say beyond them) in, an edit script out.

The models are compared after `extends` is resolved, so a derived ruleset diffs against its
parent (or any other ruleset) by what it means, not by how its file is written. Tests are not
compared: they change no figure (`esirules test` runs them).
"""

from __future__ import annotations

import attrs

from esirules.authoring.changes import AREAS, Change
from esirules.authoring.compare_rules import compare_rules
from esirules.authoring.compare_scope import (
    compare_exclusions,
    compare_header,
    compare_samples,
    compare_vocabulary,
)
from esirules.authoring.compare_structure import compare_structure
from esirules.authoring.written import Loaded
from esirules.language import model as m
from esirules.span import NOWHERE, Span


@attrs.frozen
class RulesetDiff:
    """What changed from one ruleset to another, in the order a report shows it."""

    old: m.Ruleset
    new: m.Ruleset
    changes: tuple[Change, ...]

    @property
    def identical(self) -> bool:
        return not self.changes

    def in_area(self, area: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.area == area)


def diff_rulesets(old: Loaded, new: Loaded) -> RulesetDiff:
    """Every change from `old` to `new`, grouped by area (see `changes.AREAS`) in ruleset order."""
    found = [
        *compare_header(old, new),
        *compare_structure(old, new),
        *compare_rules(old, new),
        *compare_samples(old, new),
        *compare_exclusions(old, new),
        *compare_vocabulary(old, new),
    ]
    order = {area: index for index, area in enumerate(AREAS)}
    located = [_located(c, old.ruleset.span, new.ruleset.span) for c in found]
    return RulesetDiff(old.ruleset, new.ruleset, tuple(sorted(located, key=lambda c: order[c.area])))


def _located(change: Change, old_default: Span, new_default: Span) -> Change:
    """A default that no line declares (rounding without a `rounding` line) is located at the ruleset."""
    if change.old_at is not None and change.old_at.file == NOWHERE.file:
        change = attrs.evolve(change, old_at=old_default)
    if change.new_at is not None and change.new_at.file == NOWHERE.file:
        change = attrs.evolve(change, new_at=new_default)
    return change


def diff_with_parent(loaded: Loaded) -> RulesetDiff | None:
    """What a derived ruleset changes from the ruleset it extends (None when it extends none)."""
    if loaded.parent is None:
        return None
    return diff_rulesets(loaded.parent, loaded)
