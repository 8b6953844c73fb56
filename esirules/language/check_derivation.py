"""Apply a derived ruleset's statements: its parents' declarations and its own in, the
declarations its model is built from out.

`replace` (a criterion, grading or bands; `replace in criterion` its questions and items),
`remove`, `change` and `add to` change what a ruleset extended declares. They are
applied in the order written, the parents' statements first (a child's declarations list its
parents' before its own), and each is checked here:

- it must name something that the rulesets extended declare (R070, with the closest name);
- a ruleset must extend another to use them, and they change what that one declares, not what
  is written in the same file (R073);
- a `change` must set a part that the thing has, to a value of the right kind (R072), and
  `add to` may not give a criterion both questions and items (R031);
- what is removed must not be used by what remains (`check_derivation_uses`), nor leave a
  criterion or a section empty (R071).

A statement that cannot be applied is recorded as failed (`CheckContext.fail`), with what it
would have declared, so nothing that depends on it is reported again.

What each statement did is recorded in the context for the model (`CheckContext.derived`,
`CheckContext.changes`): a replaced or added element is simply the one written in the derived
file, so its spans point there; a changed part keeps the line of its `change`; a removed
element is found only in `Ruleset.derived`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from esirules.diagnostics import did_you_mean
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check_derivation_uses import grouped, listing, name_of, users
from esirules.language.context import CheckContext
from esirules.span import Span

# What a kind is called, and what names one (for "no question has that id").
_NOUNS = {
    "section": ("section", "id"),
    "criterion": ("criterion", "id"),
    "question": ("question", "id"),
    "item": ("item", "id"),
    "grading": ("grading", "name"),
    "bands": ("set of bands", "name"),
    "class": ("weight class", "name"),
}

# What each statement can be done to, and what to do instead with anything else.
_KINDS = {
    "remove": ("section", "criterion", "question", "item", "grading", "bands"),
    "change": ("section", "criterion", "class", "question", "item"),
    "add to": ("criterion", "section"),
}
_KIND_HELP = {
    "remove": "to leave cases, a source or a question out of the scores, write `exclude` instead",
    "change": "a grading or a set of bands is written anew with `replace`; other declarations cannot be changed",
    "add to": "questions and items are added to a criterion, criteria to a section; "
              "anything else new is simply declared",
}

# The parts a `change` may set, by kind, and the kind of value each takes.
_PARTS: dict[str, dict[str, str]] = {
    "section": {"title": "text", "description": "text", "weight": "percent"},
    "criterion": {"title": "text", "description": "text", "weight": "number", "class": "name"},
    "class": {"weight": "number"},
    "question": {
        "text": "text", "source": "name", "on": "name", "applies when": "condition", "met when": "met",
        "weight": "number",
    },
    "item": {"text": "text", "weight": "number"},
}
_VALUE_WORDS = {"text": "quoted text", "percent": "a percentage", "number": "a number", "name": "a name"}
_EXAMPLE_VALUES = {
    "text": '"..."', "percent": "45%", "number": "2", "name": "a_name",
    "class": "important", "source": "case_file", "on": "answer",
}

# Where a thing is declared: the declaration; the criterion in its section; and the question or
# item in its criterion, with the field that holds it ("questions" or "items").
Location = tuple[int, int | None, int | None, str]


def apply_derivations(
    ctx: CheckContext, declarations: tuple[s.Declaration, ...], extends: bool
) -> tuple[s.Declaration, ...]:
    """The declarations with every derivation statement applied (and taken out).

    Args:
        ctx: the checking context; `ctx.path` is the file being checked, whose own statements
            are checked here (its parents' were checked with them, and are only applied).
        declarations: the parents' declarations, then the file's own.
        extends: whether the file extends another ruleset.
    """
    applying = _Applying(ctx, list(declarations))
    told_no_parent = False
    for declaration in declarations:
        if not isinstance(declaration, s.Derivation):
            continue
        own = declaration.span.file == ctx.path
        if own and not extends:
            if not told_no_parent:
                applying.no_parent(declaration)
                told_no_parent = True
            applying.fail_contents(declaration)
            continue
        applying.apply(declaration, own)
    applying.still_used()
    return tuple(d for d in applying.out if not isinstance(d, s.Derivation))


class _Applying:
    """The declarations as changed so far, and the removals to check once all are applied."""

    def __init__(self, ctx: CheckContext, declarations: list[s.Declaration]):
        self.ctx = ctx
        self.out = declarations
        self.removed: list[tuple[s.Remove, s.Declaration | s.CriterionDecl | s.QuestionDecl | s.ItemDecl]] = []
        self.emptied: dict[tuple[str, str], s.Remove] = {}  # a criterion or section -> the removal that may empty it

    # --- dispatch ---
    def apply(self, d: s.Derivation, own: bool) -> None:
        if isinstance(d, s.ReplaceCriterion):
            self.replace(d, "criterion", d.criterion.id, d.criterion)
        elif isinstance(d, s.ReplaceGrading):
            self.replace(d, "grading", d.grading.name, d.grading)
        elif isinstance(d, s.ReplaceBands):
            self.replace(d, "bands", d.bands.name, d.bands)
        elif isinstance(d, s.ReplaceIn):
            self.replace_in(d)
        elif isinstance(d, s.Remove):
            if self.kind_fits(d, "remove", d.kind):
                self.remove(d, own)
        elif isinstance(d, s.Change):
            if self.kind_fits(d, "change", d.kind):
                self.change(d)
        elif not self.kind_fits(d, "add to", d.kind) or not self.contents_fit(d):
            self.fail_contents(d)
        elif d.kind.text == "criterion":
            self.add_to_criterion(d)
        else:
            self.add_to_section(d)

    def kind_fits(self, d: s.Derivation, verb: str, kind: s.Name) -> bool:
        """Whether `remove`, `change` or `add to` can be done to the kind of thing named (R072)."""
        kinds = _KINDS[verb]
        if kind.text in kinds:
            return True
        help = did_you_mean(kind.text, kinds, listing=False)
        if help is None and isinstance(d, s.Change) and kind.text in ("grading", "bands"):
            help = f"write the whole {_NOUNS[kind.text][0]} anew: `replace {kind.text} {d.name.text} ...`"
        self.ctx.error(
            "R072",
            f"a ruleset can {verb} {listing([_article(_NOUNS[k][0]) + ' ' + _NOUNS[k][0] for k in kinds], 'or')}, "
            f"not `{kind.text}`",
            kind.span,
            help or _KIND_HELP[verb],
        )
        return False

    def contents_fit(self, d: s.AddTo) -> bool:
        """Questions and items are added to a criterion, criteria to a section (R072)."""
        wrong: tuple[s.CriterionDecl | s.QuestionDecl | s.ItemDecl | s.JudgementDecl, ...] = (
            d.criteria if d.kind.text == "criterion" else (*d.questions, *d.items, *d.judgements)
        )
        if not wrong:
            return True
        what = "criteria are" if d.kind.text == "criterion" else "questions and items are"
        into = "section" if d.kind.text == "criterion" else "criterion"
        self.ctx.error(
            "R072",
            f"{what} added to a {into}, not to a {d.kind.text}",
            wrong[0].id.span,
            f"write `add to {into} ... {{ ... }}`",
        )
        return False

    # --- replace ---
    def replace(self, d: s.Derivation, kind: str, name: s.Name, node: s.Declaration | s.CriterionDecl) -> None:
        location = self.target(d, "replace", kind, name)
        if location is None:
            self.fail_contents(d)
            return
        self.forget_changes(kind, self.node(location))
        self.put(location, node)
        self.ctx.derived.append(m.Derived("replaced", kind, name.text, span=d.span))

    def replace_in(self, d: s.ReplaceIn) -> None:
        """Each question or item in the block takes the place of the one of its id in the criterion."""
        if d.judgements:
            self.ctx.error(
                "R072",
                "a judgement is not replaced inside a criterion",
                d.judgements[0].id.span,
                "replace the whole criterion (`replace criterion ID ...`), or remove the judgement's prompts "
                "and add another judgement with `add to criterion ID { judgement ... }`",
            )
            self.fail_contents(d)
            return
        if d.kind.text != "criterion" or d.criteria:
            at = d.kind if d.kind.text != "criterion" else d.criteria[0].id
            self.ctx.error(
                "R072",
                f"questions and items are replaced in a criterion, not in a {d.kind.text}"
                if d.kind.text != "criterion" else "a criterion cannot be replaced inside another criterion",
                at.span,
                "write `replace criterion ID ...` to replace a whole criterion, "
                "`replace in criterion ID { ... }` to replace its questions or items",
            )
            self.fail_contents(d)
            return
        location = self.target(d, "replace in", "criterion", d.target)
        if location is None:
            self.fail_contents(d)
            return
        criterion = self.node(location)
        assert isinstance(criterion, s.CriterionDecl)
        for kind, element in _elements(d.questions, d.items):
            field = "questions" if kind == "question" else "items"
            existing: tuple[s.QuestionDecl | s.ItemDecl, ...] = getattr(criterion, field)
            k = next((k for k, old in enumerate(existing) if old.id.text == element.id.text), None)
            if k is None or existing[k].span.file == d.span.file:
                self.ctx.error(
                    "R070" if k is None else "R073",
                    f"criterion {criterion.id.text} has no {kind} `{element.id.text}` to replace" if k is None
                    else f"{kind} `{element.id.text}` is written in this file, so `replace in` has nothing to change",
                    element.id.span,
                    (did_you_mean(element.id.text, [old.id.text for old in existing], listing=False)
                     or f"to add {_article(kind)} {kind}, write `add to criterion {criterion.id.text} {{ ... }}`") if k is None
                    else "change it where it is written",
                )
                self.ctx.fail(kind, element.id.text)
                continue
            self.forget_changes(kind, existing[k])
            criterion = attrs.evolve(criterion, **{field: (*existing[:k], element, *existing[k + 1:])})  # type: ignore[arg-type]
            self.ctx.derived.append(m.Derived("replaced", kind, element.id.text, span=element.span))
        self.put(location, criterion)

    # --- remove ---
    def remove(self, d: s.Remove, own: bool) -> None:
        kind = d.kind.text
        location = self.target(d, "remove", kind, d.name)
        if location is None:
            return
        node = self.node(location)
        emptied = self.criterion_of(location)
        self.forget_changes(kind, node)
        self.put(location, None)
        self.ctx.derived.append(m.Derived("removed", kind, d.name.text, span=d.span))
        criteria = node.criteria if isinstance(node, s.SectionDecl) else (node,) if isinstance(node, s.CriterionDecl) else ()
        for criterion in criteria:
            if criterion is not node:
                self.ctx.derived.append(m.Derived("removed", "criterion", criterion.id.text, span=d.span))
            for element_kind, element in _elements(criterion.questions, criterion.items):
                self.ctx.derived.append(m.Derived("removed", element_kind, element.id.text, span=d.span))
        if own:
            self.removed.append((d, node))
            if emptied is not None:
                self.emptied[emptied] = d

    # --- change ---
    def change(self, d: s.Change) -> None:
        kind = d.kind.text
        noun = _NOUNS[kind][0]
        parts = _PARTS[kind]
        wanted = parts.get(d.part.text)
        if wanted is None:
            listed = listing([f"`{part}`" for part in parts])
            self.ctx.error(
                "R072",
                f"{_article(noun)} {noun} has no `{d.part.text}` to change",
                d.part.span,
                did_you_mean(d.part.text, parts, listing=False)
                or f"the parts of {_article(noun)} {noun} that can be changed are {listed}",
            )
            return
        if _value_kind(d.value, wanted) != wanted:
            example = _EXAMPLE_VALUES.get(d.part.text, _EXAMPLE_VALUES[wanted])
            self.ctx.error(
                "R072",
                f"the {d.part.text} of {_article(noun)} {noun} is {_VALUE_WORDS[wanted]}",
                _value_span(d.value, d.span),
                f"write it as in `change {kind} {d.name.text} {d.part.text} {example}`",
            )
            return
        location = self.target(d, "change", kind, d.name)
        if location is None:
            return
        self.put(location, _changed(self.node(location), d))
        self.ctx.changes.setdefault((kind, d.name.text), {})[d.part.text] = d.span
        self.ctx.derived.append(m.Derived("changed", kind, d.name.text, d.part.text, span=d.span))

    # --- add to ---
    def add_to_criterion(self, d: s.AddTo) -> None:
        location = self.target(d, "add to", "criterion", d.target)
        if location is None:
            self.fail_contents(d)
            return
        criterion = self.node(location)
        assert isinstance(criterion, s.CriterionDecl)
        for ids, other, words in (
            (d.questions, criterion.items, "graded from items, so questions"),
            (d.judgements, criterion.items, "graded from items, so judgements"),
            (d.items, (*criterion.questions, *criterion.judgements), "scored from questions, so items"),
        ):
            if ids and other:
                self.ctx.error(
                    "R031",
                    f"criterion {criterion.id.text} is {words} cannot be added to it",
                    ids[0].id.span,
                    "a criterion is either numerical (scored from case questions) or descriptive (graded "
                    "from items); add a new criterion instead, with `add to section ... { criterion ... }`",
                )
                self.fail_contents(d)
                return
        added = attrs.evolve(
            criterion, questions=criterion.questions + d.questions, items=criterion.items + d.items,
            judgements=criterion.judgements + d.judgements,
        )
        self.put(location, added)
        for kind, element in _elements(d.questions, d.items):
            self.ctx.derived.append(m.Derived("added", kind, element.id.text, span=element.span))
        for judgement in d.judgements:
            self.ctx.derived.append(m.Derived("added", "question", judgement.id.text, span=judgement.span))

    def add_to_section(self, d: s.AddTo) -> None:
        location = self.target(d, "add to", "section", d.target)
        if location is None:
            self.fail_contents(d)
            return
        section = self.node(location)
        assert isinstance(section, s.SectionDecl)
        self.put(location, attrs.evolve(section, criteria=section.criteria + d.criteria))
        for criterion in d.criteria:
            self.ctx.derived.append(m.Derived("added", "criterion", criterion.id.text, span=criterion.span))

    # --- targets ---
    def target(self, d: s.Derivation, verb: str, kind: str, name: s.Name) -> Location | None:
        """Where the thing a statement names is declared; None (reported) if nowhere it may be."""
        location = self.find(kind, name.text)
        noun, id_word = _NOUNS[kind]
        if location is None:
            known = [found for found, at in self.names(kind) if at.file != d.span.file]
            self.ctx.error(
                "R070",
                f"`{verb} {kind} {name.text}` {_verbs(verb)} nothing: no {noun} has that {id_word}",
                name.span,
                did_you_mean(name.text, known)
                or f"`{verb}` changes {_article(noun)} {noun} of the ruleset this one extends; check the {id_word}",
            )
            self.ctx.fail(kind, name.text)  # what else names it shares the mistake: not reported again
            return None
        declared = name_of(self.node(location))
        if declared.span.file == d.span.file:
            self.ctx.error(
                "R073",
                f"{noun} `{name.text}` is written in this file (line {declared.span.line}), "
                f"so `{verb}` has nothing to change",
                name.span,
                "change it where it is written; `replace`, `remove`, `change` and `add to` are for what "
                "the ruleset this one extends declares",
            )
            return None
        return location

    def find(self, kind: str, name: str) -> Location | None:
        for index, d in enumerate(self.out):
            if kind in ("criterion", "question", "item"):
                if not isinstance(d, s.SectionDecl):
                    continue
                for j, criterion in enumerate(d.criteria):
                    if kind == "criterion" and criterion.id.text == name:
                        return index, j, None, ""
                    field = "questions" if kind == "question" else "items"
                    for k, element in enumerate(getattr(criterion, field) if kind != "criterion" else ()):
                        if element.id.text == name:
                            return index, j, k, field
            elif _top_name(d, kind) == name:
                return index, None, None, ""
        return None

    def names(self, kind: str) -> Iterator[tuple[str, Span]]:
        """Every name of `kind` declared so far, with where."""
        for d in self.out:
            if kind in ("criterion", "question", "item"):
                for _, criterion in _criteria([d]):
                    if kind == "criterion":
                        yield criterion.id.text, criterion.id.span
                    else:
                        for element in criterion.questions if kind == "question" else criterion.items:
                            yield element.id.text, element.id.span
            elif _top_name(d, kind) is not None:
                yield name_of(d).text, name_of(d).span

    def node(self, location: Location) -> s.Declaration | s.CriterionDecl | s.QuestionDecl | s.ItemDecl:
        index, j, k, field = location
        d = self.out[index]
        if j is None:
            return d
        assert isinstance(d, s.SectionDecl)
        criterion = d.criteria[j]
        return criterion if k is None else getattr(criterion, field)[k]  # type: ignore[no-any-return]

    def criterion_of(self, location: Location) -> tuple[str, str] | None:
        """What a removal at `location` may leave empty: ("criterion", id) for a question or an
        item, ("section", id) for a criterion, None for anything else."""
        index, j, k, _ = location
        d = self.out[index]
        if j is None or not isinstance(d, s.SectionDecl):
            return None
        return ("section", d.id.text) if k is None else ("criterion", d.criteria[j].id.text)

    def put(self, location: Location, node: Any) -> None:
        """Put `node` where `location` is (None: take what is there out)."""
        index, j, k, field = location
        if j is None:
            if node is None:
                del self.out[index]
            else:
                self.out[index] = node
            return
        section = self.out[index]
        assert isinstance(section, s.SectionDecl)
        criteria = list(section.criteria)
        if k is None:
            if node is None:
                del criteria[j]
            else:
                criteria[j] = node
        else:
            criterion = criteria[j]
            elements = list(getattr(criterion, field))
            if node is None:
                del elements[k]
            else:
                elements[k] = node
            criteria[j] = attrs.evolve(criterion, **{field: tuple(elements)})  # type: ignore[arg-type]
        self.out[index] = attrs.evolve(section, criteria=tuple(criteria))

    # --- failures ---
    def no_parent(self, d: s.Derivation) -> None:
        keyword = _keyword(d)
        span = d.span
        self.ctx.error(
            "R073",
            f"`{keyword}` changes the ruleset this one extends, but this ruleset extends none",
            Span(span.file, span.line, span.column, span.line, span.column + len(keyword), span.start,
                 span.start + len(keyword)),
            'add a line such as `extends "esi-2003.esi"` naming the ruleset to change, '
            "or change the declaration itself",
        )

    def fail_contents(self, d: s.Derivation) -> None:
        """What a statement that was not applied would have declared: not reported again."""
        if isinstance(d, s.ReplaceGrading):
            self.ctx.fail("grading", d.grading.name.text)
        elif isinstance(d, s.ReplaceBands):
            self.ctx.fail("bands", d.bands.name.text)
        elif isinstance(d, (s.ReplaceCriterion, s.AddTo, s.ReplaceIn)):
            if isinstance(d, (s.AddTo, s.ReplaceIn)):
                _fail_elements(self.ctx, d.questions, d.items)
                for judgement in d.judgements:
                    self.ctx.fail("question", judgement.id.text)
                    for prompt in judgement.prompts:
                        self.ctx.fail("question", prompt.id.text)
            for criterion in (d.criterion,) if isinstance(d, s.ReplaceCriterion) else d.criteria:
                self.ctx.fail("criterion", criterion.id.text)
                _fail_elements(self.ctx, criterion.questions, criterion.items)

    def forget_changes(self, kind: str, node: object) -> None:
        """A replaced or removed element takes the parts its `change` lines set with it."""
        self.ctx.changes.pop((kind, name_of(node).text), None)
        for criterion in node.criteria if isinstance(node, s.SectionDecl) else (node,):
            if isinstance(criterion, s.CriterionDecl):
                if criterion is not node:
                    self.ctx.changes.pop(("criterion", criterion.id.text), None)
                for element_kind, element in _elements(criterion.questions, criterion.items):
                    self.ctx.changes.pop((element_kind, element.id.text), None)

    # --- what is removed must not be used ---
    def still_used(self) -> None:
        for d, node in self.removed:
            kind = d.kind.text
            using = grouped(list(users(self.out, self.ctx.path, kind, node)))
            if using:
                self.ctx.error(
                    "R071",
                    f"the {_NOUNS[kind][0]} `{d.name.text}` cannot be removed: {listing(using)} still "
                    f"{'uses' if len(using) == 1 and not using[0].startswith('criteria ') else 'use'} it",
                    d.name.span,
                    _HELP_STILL_USED.get(kind, "remove or change what uses it first, or keep it"),
                )
                self.ctx.fail(kind, d.name.text)
                for criterion in node.criteria if isinstance(node, s.SectionDecl) else (node,):
                    if isinstance(criterion, s.CriterionDecl):
                        self.ctx.fail("criterion", criterion.id.text)
                        _fail_elements(self.ctx, criterion.questions, criterion.items)
        for (kind, name), d in self.emptied.items():
            location = self.find(kind, name)
            if location is None:
                continue
            node = self.node(location)
            left = (node.questions or node.items) if isinstance(node, s.CriterionDecl) else getattr(node, "criteria", ())
            if left:
                continue
            within, what = ("criterion", "questions or items") if kind == "criterion" else ("section", "criteria")
            self.ctx.error(
                "R071",
                f"removing {d.kind.text} `{d.name.text}` leaves {within} {name} with no {what}",
                d.name.span,
                f"remove the {within} as well (`remove {within} {name}`), or add to it "
                f"(`add to {within} {name} {{ ... }}`)",
            )
            self.ctx.fail(kind, name)


_HELP_STILL_USED = {
    "question": "to leave the question out of the scores but keep it known, write `exclude question` instead",
    "bands": "replace what uses it first, or keep it",
    "grading": "replace what is graded by it first, or keep it",
    "criterion": "change what names it first, or keep it",
    "section": "change what names it first, or keep it",
}


def _elements(
    questions: tuple[s.QuestionDecl, ...], items: tuple[s.ItemDecl, ...]
) -> Iterator[tuple[str, s.QuestionDecl | s.ItemDecl]]:
    """A criterion's questions and items, each with its kind."""
    for question in questions:
        yield "question", question
    for item in items:
        yield "item", item


def _fail_elements(ctx: CheckContext, questions: tuple[s.QuestionDecl, ...], items: tuple[s.ItemDecl, ...]) -> None:
    for kind, element in _elements(questions, items):
        ctx.fail(kind, element.id.text)


def _changed(node: object, d: s.Change) -> object:
    """The node with the part a `change` names set anew."""
    part, value = d.part.text, d.value
    if d.kind.text == "class":
        return attrs.evolve(node, weight=value, span=d.span)  # type: ignore[misc]
    if part == "weight" and d.kind.text == "criterion":
        return attrs.evolve(node, weight=value, weight_class=None)  # type: ignore[misc]
    if part == "class":
        return attrs.evolve(node, weight_class=value, weight=None)  # type: ignore[misc]
    field = {"applies when": "applies", "met when": "met", "on": "scale"}.get(part, part)
    return attrs.evolve(node, **{field: value})  # type: ignore[misc]


def _value_kind(value: s.ChangeValue, wanted: str) -> str:
    if isinstance(value, s.Text):
        return "text"
    if isinstance(value, s.Name):
        return "name"
    if isinstance(value, s.Value):
        return "percent" if value.text.endswith("%") else "number"
    return wanted  # a condition or a met rule: the grammar allows them only after their words


def _value_span(value: s.ChangeValue, fallback: Span) -> Span:
    return getattr(value, "span", fallback)


def _top_name(d: s.Declaration, kind: str) -> str | None:
    types = {"section": s.SectionDecl, "grading": s.GradingDecl, "bands": s.BandsDecl, "class": s.WeightClass}
    wanted = types.get(kind)
    return name_of(d).text if wanted is not None and isinstance(d, wanted) else None


def _criteria(declarations: list[s.Declaration]) -> Iterator[tuple[s.SectionDecl, s.CriterionDecl]]:
    for d in declarations:
        if isinstance(d, s.SectionDecl):
            for criterion in d.criteria:
                yield d, criterion


def _keyword(d: s.Derivation) -> str:
    if isinstance(d, (s.ReplaceCriterion, s.ReplaceGrading, s.ReplaceBands, s.ReplaceIn)):
        return "replace"
    if isinstance(d, s.Remove):
        return "remove"
    if isinstance(d, s.Change):
        return "change"
    return "add"


def _verbs(verb: str) -> str:
    return {"add to": "adds to", "change": "changes", "remove": "removes"}.get(verb, "replaces")


def _article(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"
