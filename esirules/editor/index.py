"""Names in a ruleset: syntax trees (a ruleset and the rulesets it extends) in, every name out.

Each place a name is written is an occurrence: a declaration (`scale answer`, `criterion B1`,
the value `strong` of a scale) or a reference to one (`on answer`, `graded by management`,
`at least strong`). References are resolved the way the checker resolves them: a value after
`at least` in a grading is a value of the grading's item scale, a grade before `when` a value
of its ladder, a value after `=` in a condition a value of the attribute compared. Nothing
here reports problems (the checker does); a name that resolves to nothing simply has no
declaration.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

import attrs

from esirules.language import syntax as s
from esirules.span import Span

Kind = Literal[
    "scale", "value", "attribute", "attribute value", "source", "class", "measure", "sample",
    "section", "criterion", "question", "item", "grading", "bands", "points", "test", "ruleset",
]

# How each kind is called in hover text and completion details.
KIND_WORDS: dict[str, str] = {
    "scale": "scale", "value": "value", "attribute": "attribute", "attribute value": "attribute value",
    "source": "source of evidence", "class": "weight class", "measure": "measure", "sample": "sample",
    "section": "section", "criterion": "criterion", "question": "question", "item": "item",
    "grading": "grading", "bands": "bands", "points": "points table", "test": "test", "ruleset": "ruleset",
}


@attrs.define(eq=False)
class Occurrence:
    """One place a name is written: its kind, its key (the name; a scale's or attribute's name
    and the value for values), where, and whether it declares the name."""

    kind: Kind
    key: tuple[str, ...]
    span: Span
    declares: bool = False
    node: object = None  # a declaration: its syntax node
    owner: object = None  # the node it belongs to: a question's criterion, a value's scale, a rule's grading
    context: object = None  # a reference inside a rule, band or points row: that row
    replaces: Occurrence | None = None  # `replace criterion X`: the criterion it replaces

    @property
    def name(self) -> str:
        return self.key[-1]


class Index:
    """Every occurrence of a name in a ruleset and its parents, and each name's declaration."""

    def __init__(self, declarations: Sequence[s.Declaration]):
        self.declarations = tuple(declarations)
        self.definitions: dict[tuple[str, tuple[str, ...]], Occurrence] = {}
        self.occurrences: list[Occurrence] = []
        self.default_scale: str | None = None
        self._criteria: dict[str, s.CriterionDecl] = {}
        self._gradings: dict[str, s.GradingDecl] = {}
        self._bands: dict[str, s.BandsDecl] = {}
        self._questions: dict[str, str | None] = {}  # question id -> its scale
        # Case attributes and facts (issue 11, point 4): conditions name both, from one namespace.
        self._attributes: dict[str, s.AttributeDecl | s.FactDecl] = {}
        for declaration in self.declarations:
            self._declare(declaration)
        for declaration in self.declarations:
            self._refer(declaration)
        self._by_file: dict[str, list[Occurrence]] = {}
        for occurrence in self.occurrences:
            self._by_file.setdefault(occurrence.span.file, []).append(occurrence)
        for found in self._by_file.values():
            found.sort(key=lambda o: (o.span.start, not o.declares))
        self._starts = {file: [o.span.start for o in found] for file, found in self._by_file.items()}

    # --- look-ups ------------------------------------------------------------------------

    def at(self, file: str, offset: int) -> Occurrence | None:
        """The occurrence whose text holds `offset` (or ends just before it) in `file`."""
        found = self._by_file.get(file, [])
        index = bisect.bisect_right(self._starts.get(file, []), offset)
        matches = [o for o in found[max(index - 4, 0) : index] if o.span.start <= offset <= o.span.end]
        # Names do not nest; of two occurrences at one place (a replacement), take the declaration.
        return min(matches, key=lambda o: (not o.declares, -o.span.start), default=None)

    def in_file(self, file: str) -> list[Occurrence]:
        return list(self._by_file.get(file, []))

    def declaration(self, occurrence: Occurrence) -> Occurrence | None:
        """What an occurrence names: itself for a declaration, else the declaration it refers to."""
        if occurrence.declares:
            return occurrence
        return self.definitions.get((occurrence.kind, occurrence.key))

    def refers_to(self, occurrence: Occurrence, declaration: Occurrence) -> bool:
        """Whether an occurrence names `declaration` (compared by where it is written)."""
        own = self.declaration(occurrence)
        return any(
            found is not None and same_place(found.span, declaration.span)
            for found in (own, occurrence.replaces)
        )

    def declared(self, kind: Kind, scope: str | None = None) -> list[Occurrence]:
        """The declarations of one kind in order; for values, those of scale (or attribute) `scope`."""
        return [
            o for (k, key), o in self.definitions.items()
            if k == kind and (scope is None or key[0] == scope)
        ]

    def scale_of_question(self, question_id: str) -> str | None:
        return self._questions.get(question_id, self.default_scale)

    def criterion(self, criterion_id: str) -> s.CriterionDecl | None:
        return self._criteria.get(criterion_id)

    def grading(self, name: str) -> s.GradingDecl | None:
        return self._gradings.get(name)

    def bands(self, name: str) -> s.BandsDecl | None:
        return self._bands.get(name)

    def attribute(self, name: str) -> s.AttributeDecl | s.FactDecl | None:
        return self._attributes.get(name)

    def node(self, kind: Kind, *key: str) -> object:
        found = self.definitions.get((kind, key))
        return None if found is None else found.node

    def grades_of(self, criterion_id: str) -> str | None:
        """The ladder (or, for bands, scale) a criterion's grade is a value of."""
        criterion = self._criteria.get(criterion_id)
        if criterion is None or criterion.graded_by is None:
            return None
        if criterion.items:
            grading = self._gradings.get(criterion.graded_by.text)
            return grading.ladder.text if grading and grading.ladder else None
        bands = self._bands.get(criterion.graded_by.text)
        return bands.scale.text if bands else None

    def only_ladder(self) -> str | None:
        """The ruleset's ladder, when it has one only (a section's or the overall's grade is on it)."""
        ladders = [o.key[0] for o in self.declared("scale") if isinstance(o.node, s.ScaleDecl) and o.node.is_ladder]
        return ladders[0] if len(ladders) == 1 else None

    def item_scale(self, item_id: str) -> str | None:
        """The scale an item is rated on (its criterion's grading's)."""
        criterion = self._criterion_of_item(item_id)
        return None if criterion is None else self.ratings_of(criterion)

    def ratings_of(self, criterion_id: str) -> str | None:
        """The scale a descriptive criterion's items are rated on."""
        criterion = self._criteria.get(criterion_id)
        if criterion is None or criterion.graded_by is None:
            return None
        grading = self._gradings.get(criterion.graded_by.text)
        return grading.item_scale.text if grading and grading.item_scale else None

    # --- declarations --------------------------------------------------------------------

    def _add(self, kind: Kind, key: tuple[str, ...], span: Span, **more: object) -> Occurrence:
        occurrence = Occurrence(kind, key, span, **more)  # type: ignore[arg-type]
        self.occurrences.append(occurrence)
        if occurrence.declares:
            self.definitions.setdefault((kind, key), occurrence)
        return occurrence

    def _declare(self, d: s.Declaration) -> None:
        if isinstance(d, s.ScaleDecl):
            self._add("scale", (d.name.text,), d.name.span, declares=True, node=d)
            for value in d.values:
                self._add("value", (d.name.text, value.text), value.span, declares=True, node=value, owner=d)
            if d.not_applicable is not None:
                self._add("value", (d.name.text, d.not_applicable.text), d.not_applicable.span,
                          declares=True, node=d.not_applicable, owner=d)
            elif d.not_applicable_at is not None:  # no spelling of its own: the words are the value
                self._add("value", (d.name.text, "not applicable"), d.not_applicable_at, declares=True, owner=d)
        elif isinstance(d, (s.AttributeDecl, s.FactDecl)):
            self._attributes.setdefault(d.name.text, d)
            self._add("attribute", (d.name.text,), d.name.span, declares=True, node=d)
            for value in d.values:
                self._add("attribute value", (d.name.text, value.text), value.span, declares=True, node=value, owner=d)
        elif isinstance(d, s.AnswersDefault):
            self.default_scale = d.scale.text
        elif isinstance(d, s.SectionDecl):
            self._add("section", (d.id.text,), d.id.span, declares=True, node=d)
            for criterion in d.criteria:
                self._declare_criterion(criterion, d)
        elif isinstance(d, s.ReplaceCriterion):
            original = self.definitions.get(("criterion", (d.criterion.id.text,)))
            owner = original.owner if original is not None else None
            self._declare_criterion(d.criterion, owner, replaces=original)
        elif isinstance(d, (s.ReplaceGrading, s.ReplaceBands)):
            self._declare_replacement(d.grading if isinstance(d, s.ReplaceGrading) else d.bands)
        elif isinstance(d, s.AddTo):
            added_to = self._criteria.get(d.target.text) if d.kind.text == "criterion" else None
            for question in d.questions:
                self._add("question", (question.id.text,), question.id.span, declares=True, node=question,
                          owner=added_to)
            for item in d.items:
                self._add("item", (item.id.text,), item.id.span, declares=True, node=item, owner=added_to)
            section = self.node("section", d.target.text) if d.kind.text == "section" else None
            for criterion in d.criteria:
                self._declare_criterion(criterion, section)
        elif isinstance(d, s.ReplaceIn):
            # Each replacement is the question or item from here on; its id also names the one replaced.
            within = self._criteria.get(d.target.text)
            elements: list[tuple[Kind, s.QuestionDecl | s.ItemDecl]] = [
                *(("question", q) for q in d.questions), *(("item", i) for i in d.items)
            ]
            for element_kind, element in elements:
                key = (element.id.text,)
                self._add(element_kind, key, element.id.span, declares=True, node=element, owner=within,
                          replaces=self.definitions.get((element_kind, key)))
        elif isinstance(d, s.TestDecl):
            self._add("test", (d.name.text,), d.name.span, declares=True, node=d)
        else:
            named = {
                s.SourceDecl: "source", s.WeightClass: "class", s.MeasureDecl: "measure",
                s.SampleDecl: "sample", s.GradingDecl: "grading", s.BandsDecl: "bands", s.PointsDecl: "points",
            }
            kind = named.get(type(d))
            if kind is not None:
                name = d.name  # type: ignore[union-attr]
                self._add(kind, (name.text,), name.span, declares=True, node=d)  # type: ignore[arg-type]
            if isinstance(d, s.GradingDecl):
                self._gradings.setdefault(d.name.text, d)
            elif isinstance(d, s.BandsDecl):
                self._bands.setdefault(d.name.text, d)

    def _declare_replacement(self, d: s.GradingDecl | s.BandsDecl) -> None:
        """`replace grading X { ... }`: the new declaration is X from here on, and names the old."""
        kind: Kind = "grading" if isinstance(d, s.GradingDecl) else "bands"
        original = self.definitions.get((kind, (d.name.text,)))
        self.occurrences.append(Occurrence(kind, (d.name.text,), d.name.span, True, d, replaces=original))
        self.definitions[(kind, (d.name.text,))] = self.occurrences[-1]
        if isinstance(d, s.GradingDecl):
            self._gradings[d.name.text] = d
        else:
            self._bands[d.name.text] = d

    def _declare_criterion(self, d: s.CriterionDecl, section: object, replaces: Occurrence | None = None) -> None:
        if replaces is None:
            self._add("criterion", (d.id.text,), d.id.span, declares=True, node=d, owner=section)
        else:
            # The replacement is the criterion from here on; its id also names the one replaced.
            self.occurrences.append(
                Occurrence("criterion", (d.id.text,), d.id.span, True, d, section, replaces=replaces)
            )
            self.definitions[("criterion", (d.id.text,))] = self.occurrences[-1]
        self._criteria[d.id.text] = d
        for question in d.questions:
            self._add("question", (question.id.text,), question.id.span, declares=True, node=question, owner=d)
        for judgement in d.judgements:  # a judgement and its prompts are questions (issue 11, point 8a)
            for question in (judgement.question, *judgement.prompts):
                self._add("question", (question.id.text,), question.id.span, declares=True, node=question, owner=d)
        for item in d.items:
            self._add("item", (item.id.text,), item.id.span, declares=True, node=item, owner=d)

    # --- references ----------------------------------------------------------------------

    def _ref(self, kind: Kind, name: s.Name | s.Value | s.Text | None, scope: str | None = None,
             context: object = None) -> None:
        if name is None:
            return
        key = (scope, name.text) if scope is not None else (name.text,)
        self._add(kind, key, name.span, context=context)  # type: ignore[arg-type]

    def _values(self, scale: str | None, values: Iterable[s.Value], context: object = None) -> None:
        if scale is None:
            return
        for value in values:
            self._ref("value", value, scale, context)

    def _refer(self, d: s.Declaration) -> None:
        if isinstance(d, s.Extends):
            self._ref("ruleset", d.target)
        elif isinstance(d, s.AnswersDefault):
            self._ref("scale", d.scale)
            if d.met is not None:
                self._values(d.scale.text, d.met.values, d.met)
        elif isinstance(d, s.SectionDecl):
            for criterion in d.criteria:
                self._refer_criterion(criterion)
            self._aggregates(d.aggregates)
            self._caps(d.caps)
        elif isinstance(d, s.ReplaceCriterion):
            self._refer_criterion(d.criterion)
        elif isinstance(d, s.ReplaceGrading):
            self._grading(d.grading)
        elif isinstance(d, s.ReplaceBands):
            self._bands_refs(d.bands)
        elif isinstance(d, (s.Remove, s.Change, s.AddTo, s.ReplaceIn)):
            self._derivation(d)
        elif isinstance(d, s.OverallDecl):
            self._aggregates(d.aggregates)
            self._caps(d.caps)
        elif isinstance(d, s.SampleDecl):
            for section in d.sections or ():
                self._ref("section", section)
            for question in d.without_questions:
                self._ref("question", question)
        elif isinstance(d, s.GradingDecl):
            self._grading(d)
        elif isinstance(d, s.BandsDecl):
            self._bands_refs(d)
        elif isinstance(d, s.PointsDecl):
            self._ref("scale", d.ladder)
            for grade, _ in d.points:
                self._values(d.ladder.text, [grade], d)
        elif isinstance(d, s.ExcludeCases):
            self._condition(d.condition)
        elif isinstance(d, s.ExcludeSource):
            self._ref("source", d.source)
        elif isinstance(d, s.ExcludeQuestion):
            self._ref("question", d.question)
        elif isinstance(d, s.TestDecl):
            self._test(d)

    def _bands_refs(self, d: s.BandsDecl) -> None:
        self._ref("scale", d.scale)
        for band in d.bands:
            self._values(d.scale.text, [band.value], band)

    def _derivation(self, d: s.Remove | s.Change | s.AddTo | s.ReplaceIn) -> None:
        """`remove question X`, `change class critical ...`, `add to criterion B1 { ... }`: the
        thing named, and the names a change's value or the additions refer to."""
        kinds: dict[str, Kind] = {
            "criterion": "criterion", "question": "question", "item": "item", "grading": "grading",
            "bands": "bands", "section": "section", "class": "class",
        }
        kind = kinds.get(d.kind.text)
        if kind is not None:
            self._ref(kind, d.target if isinstance(d, (s.AddTo, s.ReplaceIn)) else d.name)
        if isinstance(d, (s.AddTo, s.ReplaceIn)):
            self._refer_elements(d.questions, d.items)
            for criterion in d.criteria:
                self._refer_criterion(criterion)
        elif isinstance(d, s.Change):
            value = d.value
            part = d.part.text
            if isinstance(value, s.Name) and part in ("class", "source", "on"):
                self._ref({"class": "class", "source": "source", "on": "scale"}[part], value)  # type: ignore[arg-type]
            elif part == "applies when" and not isinstance(value, (s.Text, s.Value, s.Name, s.MetRule)):
                self._condition(value)
            elif part == "met when" and isinstance(value, s.MetRule):
                self._values(self.scale_of_question(d.name.text), value.values, value)

    def _refer_criterion(self, d: s.CriterionDecl) -> None:
        self._ref("class", d.weight_class)
        if d.graded_by is not None:
            self._ref("grading" if d.items else "bands", d.graded_by)
        self._refer_elements(d.questions, d.items)
        self._caps(d.caps)
        for judgement in d.judgements:
            self._refer_elements((judgement.question, *judgement.prompts), ())
            scale = self._questions.get(judgement.question.id.text)
            prompts = self._questions.get(judgement.prompts[0].id.text) if judgement.prompts else None
            for rule in judgement.rules:
                self._values(scale, [rule.grade], rule)
                for clause in rule.clauses:
                    self._ref("question", clause.member)
                    value = clause.value
                    if value is not None and clause.comparison != "met" and not (
                        clause.member is not None and value.text == "met"
                    ):
                        self._values(prompts, [value], rule)

    def _caps(self, caps: Iterable[s.CapRuleNode]) -> None:
        """A level's caps: the facts they test (their grades are on a ladder known only when checked)."""
        for cap in caps:
            for fact in cap.facts:
                self._condition(fact.condition)

    def _refer_elements(self, questions: Iterable[s.QuestionDecl], items: Iterable[s.ItemDecl]) -> None:
        for question in questions:
            scale = question.scale.text if question.scale is not None else self.default_scale
            self._questions[question.id.text] = scale
            self._ref("scale", question.scale)
            if question.met is not None:
                self._values(scale, question.met.values, question.met)
            self._ref("source", question.source)
            if question.applies is not None:
                self._condition(question.applies)
        for item in items:
            self._ref("measure", item.measure)

    def _aggregates(self, aggregates: Iterable[s.AggregateDecl]) -> None:
        for aggregate in aggregates:
            if aggregate.members is not None:
                kind: Kind = "section" if aggregate.members.kind == "sections" else "criterion"
                for member in aggregate.members.members:
                    self._ref(kind, member)
            using: dict[str, Kind] = {
                "points_total": "points", "graded_over": "grading", "score_banded": "bands",
                "sum_banded": "bands", "mean_banded": "bands",
            }
            if aggregate.kind in using:
                self._ref(using[aggregate.kind], aggregate.using)
            self._ref("bands", aggregate.bands)

    def _grading(self, d: s.GradingDecl) -> None:
        self._ref("scale", d.item_scale)
        self._ref("scale", d.ladder)
        self._ref("bands", d.measure_bands)
        ladder = d.ladder.text if d.ladder else None
        scale = d.item_scale.text if d.item_scale else None
        rules: list[s.GradeRuleNode | s.CapRuleNode] = [*d.rules, *d.caps]
        for rule in rules:
            self._values(ladder, [rule.grade], rule)
            self._values(scale, [clause.value for clause in rule.clauses if clause.value is not None], rule)
            for fact in rule.facts:
                self._condition(fact.condition)

    def _condition(self, node: s.ConditionNode) -> None:
        stack: list[s.ConditionNode] = [node]
        while stack:  # INVARIANT: no recursion, for conditions nested deep
            current = stack.pop()
            if isinstance(current, (s.AllOf, s.AnyOf)):
                stack.extend(reversed(current.operands))
            elif isinstance(current, s.Negation):
                stack.append(current.operand)
            elif isinstance(current, s.FlagTest):
                self._ref("attribute", current.attribute)
            elif isinstance(current, (s.ComparisonTest, s.MembershipTest)):
                self._ref("attribute", current.attribute)
                values = (current.value,) if isinstance(current, s.ComparisonTest) else current.values
                attribute = self._attributes.get(current.attribute.text)
                if attribute is None or attribute.kind in ("enumerated", "ordered"):
                    for value in values:
                        self._ref("attribute value", value, current.attribute.text, current)

    def _test(self, d: s.TestDecl) -> None:
        self._ref("criterion", d.criterion)
        tested = d.criterion.text if d.criterion else ""
        for item, value in d.ratings:
            self._ref("item", item)
            self._values(self.ratings_of(self._criterion_of_item(item.text) or tested), [value], d)
        for question, value, _ in d.answers:
            self._ref("question", question)
            self._values(self._questions.get(question.text, self.default_scale), [value], d)
        for measure, *_ in d.measures:
            self._ref("measure", measure)
        for adjustment in d.adjustments:
            self._ref("criterion", adjustment.criterion)
            criterion = adjustment.criterion.text if adjustment.criterion else tested
            self._values(self.grades_of(criterion), [adjustment.grade], d)
        for expect in d.expectations:
            if expect.subject in ("", "criterion"):
                self._ref("criterion", expect.name)
                if expect.what == "grade":
                    criterion = expect.name.text if expect.name else tested
                    self._values(self.grades_of(criterion), [expect.value], d)
            elif expect.subject in ("section", "item", "bands"):
                self._ref(expect.subject, expect.name)  # type: ignore[arg-type]
                if expect.subject == "item" and expect.name is not None:
                    self._values(self.ratings_of(self._criterion_of_item(expect.name.text) or ""), [expect.value], d)
                elif expect.subject == "bands" and expect.name is not None:
                    bands = self._bands.get(expect.name.text)
                    self._values(bands.scale.text if bands else None, [expect.value], d)
            elif expect.subject == "judgement":
                self._ref("question", expect.name)
                judged = self._questions.get(expect.name.text) if expect.name else None
                self._values(judged, [value for value, _ in expect.counts], d)
            if expect.figure is not None:
                self._ref("measure", expect.figure.measure)

    def _criterion_of_item(self, item_id: str) -> str | None:
        return next((c.id.text for c in self._criteria.values() if any(i.id.text == item_id for i in c.items)), None)


def same_place(a: Span, b: Span) -> bool:
    return a.file == b.file and a.start == b.start and a.end == b.end


def walk_criteria(declarations: Iterable[s.Declaration]) -> Iterator[tuple[s.SectionDecl | None, s.CriterionDecl]]:
    """Every criterion written in these declarations, with its section (None for a replacement)."""
    for declaration in declarations:
        if isinstance(declaration, s.SectionDecl):
            for criterion in declaration.criteria:
                yield declaration, criterion
        elif isinstance(declaration, s.ReplaceCriterion):
            yield None, declaration.criterion
