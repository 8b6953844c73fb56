"""The checking context: what the per-concern checkers share while checking one ruleset.

It holds the names declared so far and the diagnostics found, and writes once the rules that
several checkers apply: names declared twice (R010) or unknown (R030), values that do not belong
to a scale or attribute (R033), and weights out of range (R020).

Follow-on diagnostics. A declaration whose own checking failed is recorded (`fail`); later
diagnostics that depend on it are not reported, because they would say something that stops
being true, or give advice that becomes wrong, once the first error is fixed. A reference to
such a name is not "unknown", and a diagnostic raised `about` it is dropped.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from fractions import Fraction

from esirules.diagnostics import Diagnostic, did_you_mean
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.span import Span

# What a reference is called in a message -> the kind its declaration is recorded under.
_DECLARED_AS = {
    "scale": "scale or ladder",
    "ladder": "scale or ladder",
    "set of bands": "bands",
    "evidence source": "source",
    "case attribute": "attribute",
}

Declared = tuple[str, str]  # (kind, name): what `unique` records and `fail` marks

# How a derived ruleset changes what its parent declares, by the kind `unique` is given.
_CHANGED_BY = {
    "section": "`change section {name} ...` (its title, description or weight) or `add to section {name} {{ ... }}`",
    "criterion": "`replace criterion {name} ...`, `change criterion {name} ...` or `add to criterion {name} {{ ... }}`",
    "question": "`change question {name} ...`, or `remove question {name}` and add the new one",
    "item": "`change item {name} ...`, or `remove item {name}` and add the new one",
    "grading": "`replace grading {name} {{ ... }}`",
    "bands": "`replace bands {name} on ... {{ ... }}`",
    "weight class": "`change class {name} weight ...`",
}


class CheckContext:
    """Names declared so far, diagnostics found, and the checks several checkers share."""

    def __init__(self, path: str):
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.scales: dict[str, m.Scale] = {}
        self.attributes: dict[str, m.Attribute] = {}
        self.facts: dict[str, m.Fact] = {}  # facts about the inspection (issue 11, point 4)
        self.sources: dict[str, m.Source] = {}
        self.measures: dict[str, m.Measure] = {}
        self.classes: dict[str, Fraction] = {}
        self.gradings: dict[str, s.GradingDecl] = {}
        self.bands: dict[str, s.BandsDecl] = {}
        self.points: dict[str, s.PointsDecl] = {}
        self.default_scale: s.Name | None = None
        self.default_met: s.MetRule | None = None
        self._declared: dict[Declared, Span] = {}
        self.analysis: object = None  # the analysis's summary (`analysis.Analysis`), once the model is built
        self._failed: set[Declared] = set()
        # A derived ruleset's statements, as applied (check_derivation): what each did, and where
        # `change` lines set the parts of a section, criterion, question, item or class.
        self.derived: list[m.Derived] = []
        self.changes: dict[Declared, dict[str, Span]] = {}
        # The declarations the model is built from: every derivation statement applied.
        self.resolved: tuple[s.Declaration, ...] = ()

    # --- diagnostics ---
    def error(
        self, code: str, message: str, span: Span, help: str | None = None, *, about: Iterable[Declared] = ()
    ) -> None:
        """Report an error, unless it is `about` a declaration whose checking already failed."""
        if not any(self.failed(*declared) for declared in about):
            self.diagnostics.append(Diagnostic(code, message, span, help))

    def warn(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help, severity="warning"))

    def found(self) -> list[Diagnostic]:
        """Every diagnostic once (a reference shared by many, like a default scale, is checked
        each time it is used), in the order of the text."""
        unique = list(dict.fromkeys(self.diagnostics))
        return sorted(unique, key=lambda d: (d.span.file, d.span.line, d.span.column))

    # --- declarations ---
    def fail(self, kind: str, name: str) -> None:
        """Record that the declaration `name` (of `kind`) could not be checked: an error was
        reported for it, and what depends on it is not reported again."""
        self._failed.add((kind, name))

    def failed(self, kind: str, name: str) -> bool:
        return (kind, name) in self._failed

    def changed_at(self, kind: str, name: str) -> m.ChangedAt:
        """Where `change` lines set parts of the `kind` called `name`: (part, span) pairs."""
        return tuple(self.changes.get((kind, name), {}).items())

    def unique(self, kind: str, name: s.Name) -> bool:
        """Record a declared name; report a duplicate of the same kind."""
        key = (kind, name.text)
        if key in self._declared:
            first = self._declared[key]
            noun = "set of bands" if kind == "bands" else kind
            if first.file == name.span.file:
                self.error(
                    "R010",
                    f"the {noun} `{name.text}` is declared twice",
                    name.span,
                    f"it was first declared at line {first.line}; give this one another name or remove it",
                )
            else:
                where = f"{os.path.basename(first.file)}:{first.line}"
                change = _CHANGED_BY.get(kind)
                self.error(
                    "R010",
                    f"the {noun} `{name.text}` is declared again: the ruleset this one extends declares it",
                    name.span,
                    f"it is declared at {where}; "
                    + (f"to change it here, write {change.format(name=name.text)}" if change
                       else "give this one another name, or use the one declared there"),
                )
            return False
        self._declared[key] = name.span
        return True

    def declared_at(self, kind: str, name: str) -> Span | None:
        """Where the name of a declaration of `kind` is written, as `unique` recorded it."""
        return self._declared.get((kind, name))

    def errors_within(self, span: Span) -> bool:
        """Whether an error was reported inside `span` (a declaration's text)."""
        return any(
            d.severity == "error" and d.span.file == span.file and span.line <= d.span.line <= span.end_line
            for d in self.diagnostics
        )

    def unknown(
        self, kind: str, name: s.Name, known: Iterable[str], help: str | None = None, *, declared_as: str | None = None
    ) -> None:
        """Report a reference to a name that is not declared (R030), unless its declaration failed."""
        self.error(
            "R030",
            f"there is no {kind} called `{name.text}`",
            name.span,
            did_you_mean(name.text, known) or help or f"declare the {kind} (anywhere in the ruleset: declarations may come in any order)",
            about=[(declared_as or _DECLARED_AS.get(kind, kind), name.text)],
        )

    # --- scales and values ---
    def scale_ref(self, name: s.Name, ladder: bool | None = None) -> m.Scale | None:
        """The scale (or, with `ladder`, the grade ladder) a name refers to."""
        scale = self.scales.get(name.text)
        if scale is None:
            self.unknown("ladder" if ladder else "scale", name, self.scales)
            return None
        if ladder is True and not scale.is_ladder:
            self.error(
                "R033",
                f"`{name.text}` is a scale of answers or ratings, not a grade ladder",
                name.span,
                "name a ladder declared with `ladder ...`",
            )
        return scale

    def on_scale(self, value: s.Value, scale: m.Scale, allow_na: bool = False) -> str | None:
        """The value if it is one of the scale's (or its not-applicable answer, if allowed)."""
        if allow_na and value.text == scale.not_applicable:
            return value.text
        kind = "ladder" if scale.is_ladder else "scale"
        return self.value_of(value, scale.values, f"{kind} `{scale.name}`")

    def value_of(self, value: s.Value, values: Collection[str], owner: str) -> str | None:
        """The value if it is one of `values`; else R033 (`owner` says whose: "scale `answer`")."""
        if value.text in values:
            return value.text
        self.error(
            "R033",
            f"`{value.text}` is not a value of the {owner}",
            value.span,
            did_you_mean(value.text, values, listing=False) or "its values are " + ", ".join(f"`{v}`" for v in values),
        )
        return None

    # --- numbers ---
    def weight(self, value: s.Value, owner: str, help: str | None = None, *, above_zero: bool = False) -> Fraction:
        """A weight as written, reported (R020) when negative, or not above 0 where it must be."""
        weight = value.number if value.number is not None else Fraction(0)
        if above_zero and weight <= 0:
            self.error("R020", f"{owner} must weigh more than 0, not {value.text}", value.span,
                       help or "give it a weight above 0, or leave it out")
        elif weight < 0:
            self.error("R020", f"{owner} has a negative weight ({value.text})", value.span,
                       help or "weights must be zero or more")
        return weight
