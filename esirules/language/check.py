"""Check a ruleset: syntax tree (with its `extends` chain) in, resolved model or diagnostics out."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from fractions import Fraction

import attrs

from esirules.diagnostics import Diagnostic, DiagnosticError, did_you_mean, errors_only
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check_conditions import ConditionChecker, condition_depth
from esirules.language.check_gradings import check_bands, check_grading, check_points
from esirules.language.check_structure import (
    check_exclusions,
    check_overall,
    check_sample,
    check_section,
    check_test,
    check_weights,
)
from esirules.language.parse import decode, parse_text
from esirules.language.sources import MAX_RULESET_BYTES, FileSources, RulesetSources, SourceError
from esirules.span import Span

MAX_CONDITION_DEPTH = 64


@attrs.define
class Checked:
    """What checking one file gave: the model (None on errors), every diagnostic, the texts read."""

    ruleset: m.Ruleset | None
    diagnostics: list[Diagnostic]
    sources: dict[str, str]
    # The declarations the model was built from, its parents' merged in: what a child extends.
    declarations: tuple[s.Declaration, ...] = ()


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
        return Checked(None, problems, texts)
    texts[path] = text
    tree, problems = parse_text(text, path)
    if tree is None:
        return Checked(None, problems, texts)
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
        if parent is not None:
            parent_declarations = parent_checked.declarations
    digest = hashlib.sha256(data)
    if parent is not None:
        digest.update(parent.content_hash.encode())
    builder = _Builder(path, digest.hexdigest(), parent)
    ruleset = builder.build(tree, parent_declarations)
    diagnostics.extend(sorted(builder.diagnostics, key=_position))
    if errors_only(diagnostics):
        return Checked(None, diagnostics, texts)
    return Checked(ruleset, diagnostics, texts, _merge(parent_declarations, tree.declarations))


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
    return check_text(data, target, {**chain, here: extends.span}, memo, sources)


_HEADER_KINDS = (s.RulesetHeader, s.Title, s.Description, s.Extends)


def _merge(parent: tuple[s.Declaration, ...], child: tuple[s.Declaration, ...]) -> tuple[s.Declaration, ...]:
    """The parent's declarations (less its header) followed by the child's own."""
    inherited = tuple(d for d in parent if not isinstance(d, _HEADER_KINDS))
    return inherited + tuple(child)


class _Builder:
    """Resolves one (merged) list of declarations into the model, collecting diagnostics."""

    def __init__(self, path: str, content_hash: str, parent: m.Ruleset | None):
        self.path = path
        self.content_hash = content_hash
        self.parent = parent
        self.diagnostics: list[Diagnostic] = []
        self.scales: dict[str, m.Scale] = {}
        self.attributes: dict[str, m.Attribute] = {}
        self.sources: dict[str, m.Source] = {}
        self.measures: dict[str, m.Measure] = {}
        self.classes: dict[str, Fraction] = {}
        self.gradings: dict[str, s.GradingDecl] = {}
        self.bands: dict[str, s.BandsDecl] = {}
        self.points: dict[str, s.PointsDecl] = {}
        self.seen: dict[tuple[str, str], Span] = {}
        self.default_scale: s.Name | None = None
        self.default_met: s.MetRule | None = None
        self.conditions = ConditionChecker(self.attributes, self.error)

    # --- diagnostics ---
    def error(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help))

    def warn(self, code: str, message: str, span: Span, help: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help, severity="warning"))

    def unique(self, kind: str, name: s.Name) -> bool:
        """Record a declared name; report a duplicate of the same kind."""
        key = (kind, name.text)
        if key in self.seen:
            first = self.seen[key]
            where = f"line {first.line}" if first.file == name.span.file else f"{first.file}:{first.line}"
            self.error(
                "R010",
                f"the {kind} `{name.text}` is declared twice",
                name.span,
                f"it was first declared at {where}; give this one another name or remove it",
            )
            return False
        self.seen[key] = name.span
        return True

    def unknown(self, kind: str, name: s.Name, known: Iterable[str], help: str | None = None) -> None:
        self.error(
            "R030",
            f"there is no {kind} called `{name.text}`",
            name.span,
            did_you_mean(name.text, known) or help or f"declare the {kind} before using it",
        )

    # --- the whole ruleset ---
    def build(self, tree: s.RulesetFile, inherited: tuple[s.Declaration, ...]) -> m.Ruleset | None:
        own = tree.declarations
        declarations = self._apply_replacements(_merge(inherited, own))
        headers = [d for d in own if isinstance(d, s.RulesetHeader)]
        if not headers:
            self.error(
                "R001",
                "the file does not say which ruleset it is",
                Span(self.path, 1, 1, 1, 1),
                'start the file with a line such as `ruleset "esi-2003" version "2003"`',
            )
        for extra in headers[1:]:
            self.error("R002", "the `ruleset` line appears more than once", extra.span, "keep only the first")
        for kind in (s.Title, s.Rounding, s.AnswersDefault):
            found = [d for d in own if isinstance(d, kind)]
            if not found and self.parent is None:
                continue
            for repeated in found[1:]:
                self.error("R002", f"`{_keyword(kind)}` is given more than once", repeated.span, "keep only one")
        header = headers[0] if headers else None
        name = header.name.text if header else os.path.basename(self.path)
        version = header.version.text if header and header.version else ""
        titles = [d for d in own if isinstance(d, s.Title)]
        descriptions = [d for d in own if isinstance(d, s.Description)]
        parent = self.parent
        title = titles[0].text.text if titles else (parent.title if parent else name)
        description = descriptions[0].text.text if descriptions else (parent.description if parent else "")

        rounding = m.Rounding()
        for declaration in declarations:
            self._vocabulary(declaration)
            if isinstance(declaration, s.Rounding):
                rounding = self._rounding(declaration)
        for declaration in declarations:
            if isinstance(declaration, s.AnswersDefault):
                self.default_scale = declaration.scale
                self.default_met = declaration.met
                self._scale_ref(declaration.scale)
        gradings = tuple(g for g in (self._grading(d) for d in self.gradings.values()) if g)
        bands = tuple(b for b in (self._bands(d) for d in self.bands.values()) if b)
        points = tuple(p for p in (self._points(d) for d in self.points.values()) if p)
        sections = tuple(
            section
            for section in (self._section(d) for d in declarations if isinstance(d, s.SectionDecl))
            if section is not None
        )
        overalls = [d for d in declarations if isinstance(d, s.OverallDecl)]
        for again in overalls[1:]:
            if again.span.file == overalls[0].span.file:
                self.error("R002", "`overall` is given more than once", again.span, "keep only one")
        overall = self._overall(overalls[-1], sections) if overalls else None
        samples = tuple(self._sample(d, sections) for d in declarations if isinstance(d, s.SampleDecl))
        exclusions = self._exclusions(declarations, sections)
        tests = tuple(t for t in (self._test(d, sections) for d in own if isinstance(d, s.TestDecl)) if t)
        self._check_weights(sections)
        return m.Ruleset(
            name=name,
            version=version,
            title=title,
            path=self.path,
            content_hash=self.content_hash,
            description=description,
            parent=parent,
            rounding=rounding,
            scales=tuple(self.scales.values()),
            attributes=tuple(self.attributes.values()),
            sources=tuple(self.sources.values()),
            measures=tuple(self.measures.values()),
            weight_classes=tuple(self.classes.items()),
            samples=samples,
            sections=sections,
            overall=overall,
            gradings=gradings,
            bands=bands,
            points=points,
            exclusions=exclusions,
            tests=tests,
            span=tree.span,
        )

    def _apply_replacements(self, declarations: tuple[s.Declaration, ...]) -> tuple[s.Declaration, ...]:
        replacements = [d for d in declarations if isinstance(d, s.ReplaceCriterion)]
        if not replacements:
            return declarations
        pending = {r.criterion.id.text: r for r in replacements}
        out: list[s.Declaration] = []
        for declaration in declarations:
            if isinstance(declaration, s.SectionDecl):
                criteria = []
                for criterion in declaration.criteria:
                    replacement = pending.pop(criterion.id.text, None)
                    criteria.append(replacement.criterion if replacement else criterion)
                declaration = attrs.evolve(declaration, criteria=tuple(criteria))
            if not isinstance(declaration, s.ReplaceCriterion):
                out.append(declaration)
        for replacement in pending.values():
            self.error(
                "R070",
                f"`replace criterion {replacement.criterion.id.text}` replaces nothing: "
                "no criterion has that id",
                replacement.criterion.id.span,
                "`replace` changes a criterion of the ruleset this one extends; check the id",
            )
        return tuple(out)

    # --- vocabularies ---
    def _vocabulary(self, declaration: s.Declaration) -> None:
        if isinstance(declaration, s.ScaleDecl):
            self._scale(declaration)
        elif isinstance(declaration, s.AttributeDecl):
            self._attribute(declaration)
        elif isinstance(declaration, s.SourceDecl):
            if self.unique("source", declaration.name):
                label = declaration.label.text if declaration.label else declaration.name.text
                self.sources[declaration.name.text] = m.Source(declaration.name.text, label, span=declaration.span)
        elif isinstance(declaration, s.WeightClass):
            if self.unique("weight class", declaration.name):
                weight = declaration.weight.number or Fraction(0)
                if weight < 0:
                    self.error(
                        "R020",
                        f"the weight of class `{declaration.name.text}` is negative ({declaration.weight.text})",
                        declaration.weight.span,
                        "weights must be zero or more; critical criteria usually weigh 2, important 1",
                    )
                self.classes[declaration.name.text] = weight
        elif isinstance(declaration, s.MeasureDecl):
            if self.unique("measure", declaration.name):
                self.measures[declaration.name.text] = m.Measure(
                    declaration.name.text,
                    declaration.label.text,
                    declaration.unit.text if declaration.unit else "percent",
                    declaration.lower_is_better,
                    span=declaration.span,
                )
        elif isinstance(declaration, s.GradingDecl):
            if self.unique("grading", declaration.name):
                self.gradings[declaration.name.text] = declaration
        elif isinstance(declaration, s.BandsDecl):
            if self.unique("bands", declaration.name):
                self.bands[declaration.name.text] = declaration
        elif isinstance(declaration, s.PointsDecl) and self.unique("points table", declaration.name):
            self.points[declaration.name.text] = declaration

    def _rounding(self, declaration: s.Rounding) -> m.Rounding:
        if declaration.places > 6:
            self.error(
                "R090",
                f"rounding to {declaration.places} decimal places is more than a report can show",
                declaration.span,
                "use `whole percent` or up to 6 decimal places",
            )
        ties = declaration.ties if declaration.ties in ("up", "even", "down") else "up"
        return m.Rounding(declaration.places, ties, span=declaration.span)  # type: ignore[arg-type]

    def _scale(self, declaration: s.ScaleDecl) -> None:
        kind = "ladder" if declaration.is_ladder else "scale"
        if not self.unique("scale or ladder", declaration.name):
            return
        values = self._distinct_values(declaration.values, kind, declaration.name.text)
        na = None
        if declaration.has_not_applicable:
            na = declaration.not_applicable.text if declaration.not_applicable else "not applicable"
            if na in values:
                self.error(
                    "R011",
                    f"`{na}` is both a value of the scale and its not-applicable answer",
                    declaration.not_applicable.span if declaration.not_applicable else declaration.span,
                    "give not applicable a spelling of its own, such as \"n/a\"",
                )
        self.scales[declaration.name.text] = m.Scale(
            declaration.name.text, tuple(values), na, declaration.is_ladder, span=declaration.span
        )

    def _distinct_values(self, values: tuple[s.Value, ...], kind: str, owner: str) -> list[str]:
        out: list[str] = []
        for value in values:
            if value.text in out:
                self.error(
                    "R011",
                    f"the value `{value.text}` appears twice in the {kind} `{owner}`",
                    value.span,
                    "each value of a scale, ladder or attribute must be different; remove one",
                )
            else:
                out.append(value.text)
        return out

    def _attribute(self, declaration: s.AttributeDecl) -> None:
        if not self.unique("attribute", declaration.name):
            return
        name = declaration.name.text
        label = declaration.label.text if declaration.label else name.replace("_", " ")
        values = tuple(self._distinct_values(declaration.values, "attribute", name))
        low = declaration.minimum.number if declaration.minimum else None
        high = declaration.maximum.number if declaration.maximum else None
        if low is not None and high is not None and low > high and declaration.maximum:
            self.error(
                "R012",
                f"the attribute `{name}` runs from {declaration.minimum.text if declaration.minimum else ''} "
                f"to {declaration.maximum.text}, which is backwards",
                declaration.maximum.span,
                "write the smaller number after `from` and the larger after `to`",
            )
        self.attributes[name] = m.Attribute(
            name, label, declaration.kind, values, low, high, span=declaration.span  # type: ignore[arg-type]
        )

    # --- references ---
    def _scale_ref(self, name: s.Name, ladder: bool | None = None) -> m.Scale | None:
        scale = self.scales.get(name.text)
        if scale is None:
            kind = "ladder" if ladder else "scale"
            self.unknown(kind, name, self.scales)
            return None
        if ladder is True and not scale.is_ladder:
            self.error(
                "R033",
                f"`{name.text}` is a scale of answers or ratings, not a grade ladder",
                name.span,
                "name a ladder declared with `ladder ...`",
            )
        return scale

    def _on_scale(self, value: s.Value, scale: m.Scale, allow_na: bool = False) -> str | None:
        if value.text in scale.values or (allow_na and value.text == scale.not_applicable):
            return value.text
        kind = "ladder" if scale.is_ladder else "scale"
        self.error(
            "R033",
            f"`{value.text}` is not a value of the {kind} `{scale.name}`",
            value.span,
            did_you_mean(value.text, scale.values, listing=False)
            or "its values are " + ", ".join(f"`{v}`" for v in scale.values),
        )
        return None

    # --- gradings, bands, points ---
    def _grading(self, declaration: s.GradingDecl) -> m.Grading | None:

        return check_grading(self, declaration)

    def _bands(self, declaration: s.BandsDecl) -> m.Bands | None:

        return check_bands(self, declaration)

    def _points(self, declaration: s.PointsDecl) -> m.Points | None:

        return check_points(self, declaration)

    # --- structure ---
    def _section(self, declaration: s.SectionDecl) -> m.Section | None:

        return check_section(self, declaration)

    def _overall(self, declaration: s.OverallDecl, sections: tuple[m.Section, ...]) -> m.Overall:

        return check_overall(self, declaration, sections)

    def _sample(self, declaration: s.SampleDecl, sections: tuple[m.Section, ...]) -> m.Sample:

        return check_sample(self, declaration, sections)

    def _exclusions(self, declarations: tuple[s.Declaration, ...], sections: tuple[m.Section, ...]) -> m.Exclusions:

        return check_exclusions(self, declarations, sections)

    def _test(self, declaration: s.TestDecl, sections: tuple[m.Section, ...]) -> m.RulesetTest | None:

        return check_test(self, declaration, sections)

    def _check_weights(self, sections: tuple[m.Section, ...]) -> None:

        check_weights(self, sections)

    def condition(self, node: s.ConditionNode) -> m.Condition | None:
        depth = condition_depth(node)
        if depth > MAX_CONDITION_DEPTH:
            self.error(
                "R041",
                f"this condition is nested {depth} levels deep; the most a ruleset may use is "
                f"{MAX_CONDITION_DEPTH}",
                node.span,
                "split it into simpler conditions; a condition this deep cannot be read by a person",
            )
            return None
        return self.conditions.check(node)


def _keyword(kind: type) -> str:
    return {s.Title: "title", s.Rounding: "rounding", s.AnswersDefault: "answers on"}.get(kind, kind.__name__)


def _position(diagnostic: Diagnostic) -> tuple[str, int, int]:
    return (diagnostic.span.file, diagnostic.span.line, diagnostic.span.column)
