"""Rulesets read for the authoring tools: ruleset files in, models with what the files say beyond them out.

The resolved model keeps what scoring needs. A diff and a handbook need a little more of what
the file says: where the title, the description, each weight class and each exclusion are
written, and the descriptions of samples, gradings and bands. `Written` takes those from the
checked declarations (the parent's merged in, every `replace`, `remove`, `change` and `add to`
applied), once, so nothing else reads syntax nodes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import attrs

from esirules.diagnostics import Diagnostic, DiagnosticError
from esirules.evidence.conditions import describe
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check import Checked, Memo, check_file
from esirules.language.sources import RulesetSources
from esirules.span import Span


@attrs.frozen
class Written:
    """What a ruleset file says that the model does not keep: descriptions and locations."""

    title_at: Span | None = None
    description_at: Span | None = None
    extends_at: Span | None = None
    sample_descriptions: Mapping[str, str] = attrs.field(factory=dict)
    grading_descriptions: Mapping[str, str] = attrs.field(factory=dict)
    bands_descriptions: Mapping[str, str] = attrs.field(factory=dict)
    class_at: Mapping[str, Span] = attrs.field(factory=dict)
    # ("source", name) / ("question", id) -> where the `exclude` line is (case conditions carry spans)
    exclusion_at: Mapping[tuple[str, str], Span] = attrs.field(factory=dict)


@attrs.frozen
class Loaded:
    """A checked ruleset, what its file says beyond the model, and the same for its parent."""

    ruleset: m.Ruleset
    written: Written
    parent: Loaded | None = None


def read_rulesets(
    paths: Sequence[str], read_from: RulesetSources | None = None
) -> tuple[list[Loaded], list[Diagnostic], dict[str, str]]:
    """Check each ruleset (a shared parent once) and read it for the authoring tools, from files on
    disk or from `read_from` (the service's published rulesets).

    Returns:
        The rulesets in the order given, the warnings checking gave (each once), and the texts
        read (for rendering diagnostics).

    Raises:
        DiagnosticError: every error found in any of them.
    """
    memo: Memo = {}
    checked = [check_file(path, memo, read_from) for path in paths]
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    sources: dict[str, str] = {}
    for one in checked:
        sources.update(one.sources)
        for diagnostic in one.diagnostics:
            found = errors if diagnostic.severity == "error" else warnings
            if diagnostic not in found:
                found.append(diagnostic)
    if errors or any(one.ruleset is None for one in checked):
        raise DiagnosticError(errors, sources)
    return [_loaded(one, memo) for one in checked], warnings, sources


def _loaded(checked: Checked, memo: Memo) -> Loaded:
    ruleset = checked.ruleset
    assert ruleset is not None
    parent = None
    if ruleset.parent is not None:
        parent_checked = memo.get(os.path.normpath(os.path.abspath(ruleset.parent.path)))
        if parent_checked is not None and parent_checked.ruleset is not None:
            parent = _loaded(parent_checked, memo)
        else:
            parent = Loaded(ruleset.parent, Written())
    return Loaded(ruleset, _written(checked.resolved, parent.written if parent else None), parent)


def _written(declarations: tuple[s.Declaration, ...], parent: Written | None) -> Written:
    title_at = parent.title_at if parent else None
    description_at = parent.description_at if parent else None
    extends_at = None
    samples: dict[str, str] = {}
    gradings: dict[str, str] = {}
    bands: dict[str, str] = {}
    classes: dict[str, Span] = {}
    exclusions: dict[tuple[str, str], Span] = {}
    for d in declarations:
        if isinstance(d, s.Title):
            title_at = d.span
        elif isinstance(d, s.Description):
            description_at = d.span
        elif isinstance(d, s.Extends):
            extends_at = d.span
        elif isinstance(d, s.SampleDecl) and d.description is not None:
            samples[d.name.text] = d.description.text
        elif isinstance(d, s.GradingDecl) and d.description is not None:
            gradings[d.name.text] = d.description.text
        elif isinstance(d, s.BandsDecl) and d.description is not None:
            bands[d.name.text] = d.description.text
        elif isinstance(d, s.WeightClass):
            classes.setdefault(d.name.text, d.span)
        elif isinstance(d, s.ExcludeSource):
            exclusions.setdefault(("source", d.source.text), d.span)
        elif isinstance(d, s.ExcludeQuestion):
            exclusions.setdefault(("question", d.question.text), d.span)
    return Written(title_at, description_at, extends_at, samples, gradings, bands, classes, exclusions)


def removed_at(ruleset: m.Ruleset, kind: str, name: str) -> Span | None:
    """The `remove` line of a derived ruleset that took the `kind` called `name` out, if one did."""
    found = ruleset.derivation("removed", kind, name)
    return None if found is None else found.span


def case_exclusion_text(condition: m.Condition) -> str:
    """A case exclusion's condition as written: what identifies it across two rulesets."""
    return describe(condition)
