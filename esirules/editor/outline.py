"""The outline of a document: its syntax tree (or its text) in, symbols and folding ranges out.

Symbols nest as a ruleset reads: sections hold criteria, criteria hold questions and items;
scales and ladders hold their values. Folding ranges come from the text itself (blocks,
runs of comment lines, text over several lines), so they stay right while the text is half
typed.
"""

from __future__ import annotations

import attrs

from esirules.editor.positions import Lines
from esirules.editor.salvage import Braces
from esirules.language import syntax as s
from esirules.span import Span


@attrs.frozen
class Symbol:
    """A named part of the document: its whole span, the span of its name, and its parts."""

    name: str
    detail: str
    kind: str
    span: Span
    selection: Span
    children: tuple[Symbol, ...] = ()


@attrs.frozen
class Fold:
    start_line: int  # from 0
    end_line: int
    kind: str | None = None  # "comment", or None for a block or a long text


def symbols(tree: s.RulesetFile | None) -> list[Symbol]:
    """The document's own declarations as nested symbols, in the order written."""
    if tree is None:
        return []
    out: list[Symbol] = []
    for d in tree.declarations:
        symbol = _symbol(d)
        if symbol is not None:
            out.append(symbol)
    return out


def _text(text: s.Text | None) -> str:
    return "" if text is None else " ".join(text.text.split())


def _symbol(d: s.Declaration) -> Symbol | None:
    if isinstance(d, s.RulesetHeader):
        return Symbol(d.name.text, _text(d.version), "ruleset", d.span, d.name.span)
    if isinstance(d, s.SectionDecl):
        return Symbol(d.id.text, _text(d.title), "section", d.span, d.id.span, tuple(_criterion(c) for c in d.criteria))
    if isinstance(d, s.ReplaceCriterion):
        return attrs.evolve(_criterion(d.criterion), span=d.span)
    if isinstance(d, s.ScaleDecl):
        values = tuple(Symbol(v.text, "", "value", v.span, v.span) for v in d.values)
        kind = "ladder" if d.is_ladder else "scale"
        return Symbol(d.name.text, kind, kind, d.span, d.name.span, values)
    if isinstance(d, (s.AttributeDecl, s.FactDecl)):  # a fact is outlined as an attribute of the inspection
        values = tuple(Symbol(v.text, "", "attribute value", v.span, v.span) for v in d.values)
        return Symbol(d.name.text, _text(d.label), "attribute", d.span, d.name.span, values)
    if isinstance(d, s.OverallDecl):
        return Symbol("overall", _text(d.title), "overall", d.span, d.title.span)
    if isinstance(d, s.TestDecl):
        return Symbol(_text(d.name), d.criterion.text if d.criterion else "", "test", d.span, d.name.span)
    if isinstance(d, s.OutcomeDecl):  # issue 11, point 5: its values, in precedence order
        values = tuple(Symbol(v.text, "", "value", v.span, v.span) for line in d.values[:1] for v in line.values)
        return Symbol(d.name.text, _text(d.label), "outcome", d.span, d.name.span, values)
    named = {
        s.SourceDecl: "source", s.WeightClass: "class", s.MeasureDecl: "measure", s.SampleDecl: "sample",
        s.GradingDecl: "grading", s.BandsDecl: "bands", s.PointsDecl: "points",
    }
    found = named.get(type(d))
    if found is None:
        return None
    name: s.Name = d.name  # type: ignore[union-attr]
    label = getattr(d, "label", None)
    return Symbol(name.text, _text(label) if isinstance(label, s.Text) else "", found, d.span, name.span)


def _criterion(c: s.CriterionDecl) -> Symbol:
    parts = [Symbol(q.id.text, _text(q.text), "question", q.span, q.id.span) for q in c.questions]
    parts += [Symbol(i.id.text, _text(i.text), "item", i.span, i.id.span) for i in c.items]
    parts.sort(key=lambda p: p.span.start)
    return Symbol(c.id.text, _text(c.title), "criterion", c.span, c.id.span, tuple(parts))


def folds(lines: Lines, braces: Braces) -> list[Fold]:
    """Blocks, runs of two or more comment lines, and quoted text over several lines."""
    out: list[Fold] = []
    for open_, close in braces.pairs:
        first, last = lines.position(open_).line, lines.position(close).line
        if last > first:
            out.append(Fold(first, last - 1 if last - 1 > first else last))
    run: list[int] = []
    for start, _ in braces.comments:
        position = lines.position(start)
        if lines.line_text(position.line)[: position.character].strip():
            continue  # a comment after code on its line
        if run and position.line != run[-1] + 1:
            if len(run) > 1:
                out.append(Fold(run[0], run[-1], "comment"))
            run = []
        run.append(position.line)
    if len(run) > 1:
        out.append(Fold(run[0], run[-1], "comment"))
    for start, end in braces.strings:
        first, last = lines.position(start).line, lines.position(end).line
        if last > first:
            out.append(Fold(first, last))
    return sorted(set(out), key=lambda f: (f.start_line, f.end_line))
