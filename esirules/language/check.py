"""Check a ruleset: syntax tree (with its `extends` chain) in, resolved model or diagnostics out."""

from __future__ import annotations

import hashlib
import os
import re

import attrs

from esirules.diagnostics import Diagnostic, DiagnosticError, errors_only
from esirules.files import EVIDENCE_SUFFIXES
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.analysis import Analysis
from esirules.language.check_ruleset import check_ruleset, merge
from esirules.language.context import CheckContext
from esirules.language.decode import decode, saved_as_utf16
from esirules.language.limits import MAX_CONDITION_DEPTH, MAX_RULESET_BYTES
from esirules.language.parse import parse_text
from esirules.language.sources import FileSources, RulesetSources, SourceError
from esirules.span import Span

__all__ = [
    "MAX_CONDITION_DEPTH",
    "MAX_RULESET_BYTES",
    "Checked",
    "check_file",
    "check_files",
    "check_text",
    "load_ruleset",
    "load_ruleset_text",
]


@attrs.define
class Checked:
    """What checking one file gave: the model (None on errors), every diagnostic, the texts read."""

    ruleset: m.Ruleset | None
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    # The declarations as written, its parents' before its own: what a child extends (and applies
    # the statements of again). Empty when the text did not parse.
    declarations: tuple[s.Declaration, ...] = ()
    # The declarations the model was (or, on errors, would have been) built from: the above with
    # every `replace`, `remove`, `change` and `add to` applied.
    resolved: tuple[s.Declaration, ...] = ()
    # What the analysis found for each grading and set of bands (None when not checked that far).
    analysis: Analysis | None = None


# One check run's results by absolute path, so a parent shared by several files is read once.
Memo = dict[str, Checked]


def load_ruleset(path: str, sources: RulesetSources | None = None) -> m.Ruleset:
    """Read, parse and check a ruleset file.

    Args:
        path: the ruleset file (`.esi`); an `extends` inside it is read relative to it.
        sources: where rulesets are read from; files on disk by default (see `sources`).

    Returns:
        The resolved model.

    Raises:
        DiagnosticError: carrying every problem found, each with its location.
    """
    checked = check_file(path, sources=sources)
    if checked.ruleset is None or errors_only(checked.diagnostics):
        raise DiagnosticError(errors_only(checked.diagnostics), checked.sources)
    return checked.ruleset


def load_ruleset_text(text: str, path: str = "<text>", sources: RulesetSources | None = None) -> m.Ruleset:
    """Check ruleset text held in memory (an `extends` is read relative to `path`)."""
    checked = check_text(text.encode("utf-8"), path, {}, sources=sources)
    if checked.ruleset is None or errors_only(checked.diagnostics):
        raise DiagnosticError(errors_only(checked.diagnostics), checked.sources)
    return checked.ruleset


def check_file(path: str, memo: Memo | None = None, sources: RulesetSources | None = None) -> Checked:
    """Check a ruleset file, collecting every diagnostic instead of raising."""
    sources = sources or FileSources.for_file(path)
    try:
        data = sources.read(path)
    except SourceError as error:
        return Checked(None, [_cannot_read(path, error.reason)], {})
    return check_text(data, path, {}, memo, sources)


def check_files(paths: list[str], sources: RulesetSources | None = None) -> list[Checked]:
    """Check several rulesets in one run; a parent they share is read and checked once."""
    memo: Memo = {}
    return [check_file(path, memo, sources) for path in paths]


def _cannot_read(path: str, reason: str, span: Span | None = None) -> Diagnostic:
    return Diagnostic(
        "R003",
        f"cannot read the ruleset file `{path}`: {reason.lower()}",
        span or Span(path, 1, 1, 1, 1),
        "check the file name and that the file exists",
    )


def check_text(
    data: bytes,
    path: str,
    chain: dict[str, Span],
    memo: Memo | None = None,
    sources: RulesetSources | None = None,
) -> Checked:
    """Check ruleset bytes; `chain` holds the files already being read (for cycles)."""
    key = os.path.normpath(os.path.abspath(path))
    if memo is not None and key in memo:
        return memo[key]
    checked = _check_text(data, path, chain, {} if memo is None else memo, sources or FileSources.for_file(path))
    if memo is not None:
        memo[key] = checked
    return checked


def _evidence_given(path: str) -> list[Diagnostic]:
    """S013 for a file of evidence given where a ruleset goes (`--ruleset cases.csv`): one
    problem, not a syntax error on each of its lines."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in EVIDENCE_SUFFIXES:
        return []
    return [Diagnostic(
        "S013", f"`{os.path.basename(path)}` is a file of evidence (its name ends in `{suffix}`), not a ruleset",
        Span(path, 1, 1, 1, 2),
        "give the ruleset's file here, whose name ends in `.esi`; evidence is what `esirules score` scores with it",
    )]


def _check_text(data: bytes, path: str, chain: dict[str, Span], memo: Memo, sources: RulesetSources) -> Checked:
    if len(data) > MAX_RULESET_BYTES:
        # Only the limit and one byte more were read; a file on disk tells its whole size.
        whole = os.path.getsize(path) if os.path.isfile(path) else len(data)
        # Just over the limit, "2.0 MB" would read as within it: give the bytes instead.
        size = f"{whole / 1_000_000:.1f} MB" if whole >= 1.05 * MAX_RULESET_BYTES else f"{whole:,} bytes"
        return Checked(None, [Diagnostic(
            "S005",
            f"this file is {size}; a ruleset may be at most "
            f"{MAX_RULESET_BYTES // 1_000_000} MB",
            Span(path, 1, 1, 1, 2),
            "a ruleset is a few hundred lines of text; check that the right file was given",
        )], {})
    text, problems = decode(data, path)
    texts: dict[str, str] = {}
    if text is None:
        return Checked(None, _evidence_given(path) or problems, texts)
    texts[path] = text
    tree, problems = parse_text(text, path)
    if tree is None:
        return Checked(None, _evidence_given(path) or problems, texts)
    parent: m.Ruleset | None = None
    parent_declarations: tuple[s.Declaration, ...] = ()
    diagnostics: list[Diagnostic] = []
    extends = [d for d in tree.declarations if isinstance(d, s.Extends)]
    for extra in extends[1:]:
        diagnostics.append(
            Diagnostic("R002", "a ruleset can extend only one other ruleset", extra.span, "keep one `extends` line")
        )
    if extends:
        parent_checked = _check_parent(extends[0], path, chain, memo, sources)
        diagnostics.extend(parent_checked.diagnostics)
        texts.update(parent_checked.sources)
        parent = parent_checked.ruleset
        parent_declarations = parent_checked.declarations
        if parent is None and not parent_declarations:
            # The parent cannot be read, is not a ruleset or has syntax errors: what this ruleset
            # says about names, weights or defaults depends on it, and checked without it every
            # such thing would be reported wrongly. Only the parent's problem is reported.
            return Checked(None, diagnostics, texts)
    digest = hashlib.sha256(data)
    if parent is not None:
        digest.update(parent.content_hash.encode())
    ctx = CheckContext(path)
    ruleset = check_ruleset(ctx, tree, parent_declarations, parent, digest.hexdigest())
    found = ctx.found()
    if parent is None:
        # The parent's declarations were checked again with these; its own mistakes were
        # reported by its own check (and, once a declaration failed, nothing depends on it here).
        found = [d for d in found if d.span.file == path]
    # A parent's warnings come back from checking its declarations again: report each once.
    diagnostics = list(dict.fromkeys([*diagnostics, *found]))
    declarations = merge(parent_declarations, tree.declarations)
    analysis = ctx.analysis if isinstance(ctx.analysis, Analysis) else None
    if errors_only(diagnostics):
        return Checked(None, diagnostics, texts, declarations, ctx.resolved, analysis)
    return Checked(ruleset, diagnostics, texts, declarations, ctx.resolved, analysis)


def _check_parent(
    extends: s.Extends, path: str, chain: dict[str, Span], memo: Memo, sources: RulesetSources
) -> Checked:
    here = os.path.normpath(os.path.abspath(path))
    try:
        target = sources.locate(extends.target.text, path)
        key = os.path.normpath(os.path.abspath(target))  # (the chain is keyed by absolute paths)
        seen = key in chain or key == here
        data = b"" if seen else sources.read(target)
    except SourceError as error:
        return Checked(
            None,
            [
                Diagnostic(
                    "R004",
                    f"the ruleset `{extends.target.text}` that this one extends cannot be read: {error.reason}",
                    extends.target.span,
                    error.help or "the path is read relative to this file; check its spelling",
                )
            ],
            {},
        )
    if seen:
        cycle = " → ".join([os.path.basename(p) for p in [*chain, here, target]])
        return Checked(
            None,
            [
                Diagnostic(
                    "R005",
                    f"`extends` makes a cycle: {cycle}",
                    extends.target.span,
                    "a ruleset cannot extend itself, directly or through others; remove one `extends`",
                )
            ],
            {},
        )
    checked = check_text(data, target, {**chain, here: extends.span}, memo, sources)
    if checked.ruleset is None and saved_as_utf16(data):
        # (a parent saved as Notepad's "Unicode": said so, as the file itself checked alone says it)
        return Checked(None, [Diagnostic(
            "R004", f"`{extends.target.text}`, which this ruleset extends, is UTF-16 text (saved as \"Unicode\"), "
            "not UTF-8", extends.target.span, "save it again, choosing the UTF-8 encoding")], {})
    if checked.ruleset is None and _not_a_ruleset(checked, target):
        # INVARIANT: nothing of a file that is not a ruleset reaches a diagnostic (it may be any
        # file the parent's name reaches, and the diagnostics may be shown to someone else).
        return Checked(
            None,
            [
                Diagnostic(
                    "R004",
                    f"`{extends.target.text}`, which this ruleset extends, is not a ruleset",
                    extends.target.span,
                    "`extends` names the ruleset file this one builds on, which starts with a "
                    "`ruleset` line; check the name",
                )
            ],
            {},
        )
    return checked


_RULESET_START = re.compile(r"(?:\s|#[^\n]*)*ruleset\b")


def _not_a_ruleset(checked: Checked, path: str) -> bool:
    """A parent with errors is taken for a ruleset only if it is text that starts (after comments)
    with its `ruleset` line; a parent that is too large says so (S005) without its content."""
    if any(d.code == "S005" for d in checked.diagnostics):
        return False
    text = checked.sources.get(path)
    return text is None or _RULESET_START.match(text) is None
