"""Hover text: a name (and what it names) in, its declaration in words out, as Markdown.

A question shows its text, its source and when it applies; a scale its values, best first; a
grading its rules as the report words them; a band its row; a criterion its class and weight.
The words come from the resolved model where the document checks cleanly (a condition read as
`explain` reads it) and from the syntax tree otherwise, so hover works on half-typed text.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from esirules.editor.index import KIND_WORDS, Index, Occurrence
from esirules.explain.objects import condition_phrase
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.scoring.grading import clause_text
from esirules.span import Span
from esirules.words import number_text, percent_text, plural, value_text

TextOf = Callable[[str], "str | None"]


def hover_text(
    occurrence: Occurrence, index: Index, model: m.Ruleset | None, text_of: TextOf
) -> str | None:
    """Markdown for a name: what it is, then what the rule around it says."""
    declaration = index.declaration(occurrence)
    describe = _Describer(index, model, text_of)
    if occurrence.kind == "ruleset":
        return f"extends the ruleset `{occurrence.name}`"
    if declaration is None:
        return f"no {KIND_WORDS[occurrence.kind]} `{occurrence.name}` is declared"
    parts = [describe.declaration(declaration)]
    if occurrence.context is not None and not occurrence.declares:
        row = describe.row(occurrence.context, index)
        if row:
            parts.append(row)
    return "\n\n".join(p for p in parts if p)


class _Describer:
    def __init__(self, index: Index, model: m.Ruleset | None, text_of: TextOf):
        self.index = index
        self.model = model
        self.text_of = text_of

    def written(self, span: Span) -> str:
        text = self.text_of(span.file) or ""
        return " ".join(text[span.start : span.end].split())

    def declaration(self, d: Occurrence) -> str:
        node = d.node
        method = getattr(self, "_" + d.kind.replace(" ", "_"))
        return str(method(d, node))

    # --- vocabularies --------------------------------------------------------------------

    def _scale(self, d: Occurrence, node: s.ScaleDecl) -> str:
        values = " > ".join(f"`{v.text}`" for v in node.values)
        if node.is_ladder:
            return f"**ladder `{d.name}`**: grades, best first\n\n{values}"
        out = f"**scale `{d.name}`**: values, best first\n\n{values}"
        if node.has_not_applicable:
            na = node.not_applicable.text if node.not_applicable else "not applicable"
            out += f"\n\nnot applicable is answered `{na}`"
        return out

    def _value(self, d: Occurrence, node: object) -> str:
        scale = d.owner
        assert isinstance(scale, s.ScaleDecl)
        values = [v.text for v in scale.values]
        kind = "ladder" if scale.is_ladder else "scale"
        if d.name not in values:
            return f"**`{d.name}`**: the not-applicable answer of the {kind} `{scale.name.text}`"
        place = values.index(d.name) + 1
        shown = " > ".join(f"**{v}**" if v == d.name else v for v in values)
        what = "grade" if scale.is_ladder else "value"
        return f"**`{d.name}`**: {what} {place} of {len(values)} of the {kind} `{scale.name.text}` (best first)\n\n{shown}"

    def _attribute(self, d: Occurrence, node: s.AttributeDecl | s.FactDecl) -> str:
        label = f" ({node.label.text})" if node.label else ""
        what = "fact" if isinstance(node, s.FactDecl) else "attribute"
        return f"**{what} `{d.name}`**{label}: {_attribute_kind(node)}"

    def _attribute_value(self, d: Occurrence, node: object) -> str:
        attribute = d.owner
        assert isinstance(attribute, (s.AttributeDecl, s.FactDecl))
        label = f" ({attribute.label.text})" if attribute.label else ""
        return f"**`{d.name}`**: a value of the attribute `{attribute.name.text}`{label}\n\n{_attribute_kind(attribute)}"

    def _source(self, d: Occurrence, node: s.SourceDecl) -> str:
        label = node.label.text if node.label else d.name
        return f"**source `{d.name}`**: {label}"

    def _class(self, d: Occurrence, node: s.WeightClass) -> str:
        members = [o.node for o in self.index.declared("criterion")
                   if isinstance(o.node, s.CriterionDecl) and o.node.weight_class is not None
                   and o.node.weight_class.text == d.name]
        out = f"**weight class `{d.name}`**: weight {node.weight.text}"
        if members:
            out += "\n\ncriteria: " + ", ".join(c.id.text for c in members)  # type: ignore[union-attr]
        return out

    def _measure(self, d: Occurrence, node: s.MeasureDecl) -> str:
        unit = node.unit.text if node.unit else "percent"
        better = "lower is better" if node.lower_is_better else "higher is better"
        return f"**measure `{d.name}`**: {node.label.text}\n\nin {unit}, {better}"

    def _sample(self, d: Occurrence, node: s.SampleDecl) -> str:
        out = f"**sample `{d.name}`**" + (f": {node.label.text}" if node.label else "")
        sections = "all sections" if node.sections is None else "sections " + ", ".join(n.text for n in node.sections)
        out += f"\n\n{sections}"
        if node.without_questions:
            out += "; without questions " + ", ".join(n.text for n in node.without_questions)
        if node.description:
            out += f"\n\n{_short(node.description.text)}"
        return out

    # --- structure -----------------------------------------------------------------------

    def _section(self, d: Occurrence, node: s.SectionDecl) -> str:
        out = f"**section {d.name}**: {node.title.text}"
        facts = []
        if node.weight is not None:
            facts.append(f"weight {node.weight.text}")
        facts.append(plural(len(node.criteria), "criterion", "criteria") + ": " + ", ".join(c.id.text for c in node.criteria))
        out += "\n\n" + "; ".join(facts)
        for aggregate in node.aggregates:
            out += f"\n\n`{self.written(aggregate.span)}`"
        return out

    def _criterion(self, d: Occurrence, node: s.CriterionDecl) -> str:
        section = d.owner
        where = f" in section {section.id.text}" if isinstance(section, s.SectionDecl) else ""
        out = f"**criterion {d.name}**: {node.title.text}"
        facts = []
        if node.items:
            grading = f", graded by `{node.graded_by.text}`" if node.graded_by else ""
            facts.append(f"descriptive{where}: {plural(len(node.items), 'item')}{grading}")
        else:
            pooling = node.pooling.text if node.pooling else "pooled"
            counted = plural(len(node.questions), "question")
            resolved = next((c for c in self.model.criteria() if c.id == node.id.text), None) if self.model else None
            if resolved is not None:  # (a derived ruleset may leave some out)
                left = [q for q in resolved.questions if self._left_out(q.id, q.source) is not None]
                if left:
                    counted = f"{plural(len(resolved.questions) - len(left), 'question')} ({len(left)} left out here)"
            facts.append(f"numerical{where}: {counted}, {pooling}")
        facts.append(self._weight(node))
        if node.allows_adjustment:
            facts.append("allows adjustment")
        out += "\n\n" + "; ".join(facts)
        if node.description:
            out += f"\n\n{_short(node.description.text)}"
        return out

    def _weight(self, node: s.CriterionDecl) -> str:
        resolved = None
        if self.model is not None:
            resolved = next((c.weight for c in self.model.criteria() if c.id == node.id.text), None)
        if node.weight_class is not None:
            declared = self.index.node("class", node.weight_class.text)
            weight = declared.weight.text if isinstance(declared, s.WeightClass) else "unknown"
            shown = number_text(resolved) if resolved is not None else weight
            return f"class `{node.weight_class.text}`, weight {shown}"
        if node.weight is not None:
            return f"weight {node.weight.text}"
        return f"weight {number_text(resolved) if resolved is not None else '1'}"

    def _question(self, d: Occurrence, node: s.QuestionDecl) -> str:
        criterion = d.owner
        out = f"**question {d.name}**: {node.text.text}"
        facts = []
        if isinstance(criterion, s.CriterionDecl):
            facts.append(f"criterion {criterion.id.text}")
        scale = self.index.scale_of_question(d.name)
        met = node.met
        if met is None:
            default = next((x for x in reversed(self.index.declarations) if isinstance(x, s.AnswersDefault)), None)
            met = default.met if default is not None else None
        if scale is not None:
            rule = ""
            if met is not None:
                rule = (" at least " if met.at_least else " ") + " or ".join(f"`{v.text}`" for v in met.values)
                rule = f", met when{rule}"
            facts.append(f"answered on `{scale}`{rule}")
        if node.source is not None:
            source = self.index.node("source", node.source.text)
            label = source.label.text if isinstance(source, s.SourceDecl) and source.label else node.source.text
            facts.append(f"source: {label}")
        if node.weight is not None:
            facts.append(f"weight {node.weight.text}")
        out += "\n\n" + "; ".join(facts)
        left_out = self._left_out(d.name, node.source.text if node.source is not None else None)
        if left_out is not None:
            out += f"\n\nleft out of this ruleset's scoring by `{left_out}`"
        elif node.applies is not None:
            out += f"\n\napplies when {self._condition(d.name, node.applies)}"
        else:
            out += "\n\napplies to every case"
        return out

    def _left_out(self, question: str, source: str | None) -> str | None:
        """The `exclude` line of the ruleset in force that leaves a question out, if one does."""
        if self.model is None:
            return None
        exclusions = self.model.exclusions
        if question in exclusions.questions:
            return f"exclude question {question}"
        if source is not None and source in exclusions.sources:
            return f"exclude source {source}"
        return None

    def _condition(self, question_id: str, written: s.ConditionNode) -> str:
        """A question's condition in words (from the model), or as written if the model is not to hand."""
        if self.model is not None:
            question = next((q for q in self.model.questions() if q.id == question_id), None)
            if question is not None and question.applies is not None:
                return condition_phrase(question.applies, self.model)
        return f"`{self.written(written.span)}`"

    def _item(self, d: Occurrence, node: s.ItemDecl) -> str:
        criterion = d.owner
        text = node.text.text if node.text else ""
        out = f"**item {d.name}**" + (f": {text}" if text else "")
        facts = []
        if isinstance(criterion, s.CriterionDecl):
            facts.append(f"criterion {criterion.id.text}")
        if node.measure is not None:
            measure = self.index.node("measure", node.measure.text)
            label = measure.label.text if isinstance(measure, s.MeasureDecl) else node.measure.text
            facts.append(f"rated from the measure `{node.measure.text}` ({label})")
        if node.weight is not None:
            facts.append(f"weight {node.weight.text}")
        return out + ("\n\n" + "; ".join(facts) if facts else "")

    # --- gradings, bands, points, tests --------------------------------------------------

    def _grading(self, d: Occurrence, node: s.GradingDecl) -> str:
        out = f"**grading `{d.name}`**" + (f": {node.label.text}" if node.label else "")
        facts = []
        if node.item_scale:
            facts.append(f"items rated on `{node.item_scale.text}`")
        if node.ladder:
            facts.append(f"grades from `{node.ladder.text}`")
        if node.measure_bands:
            facts.append(f"measures rated by `{node.measure_bands.text}`")
        if node.cumulative:
            facts.append("cumulative")
        if facts:
            out += "\n\n" + "; ".join(facts)
        out += "\n\nThe first rule that holds gives the grade:\n\n" + "\n".join(f"- {rule_words(r)}" for r in node.rules)
        if node.caps:
            out += "\n\nthen:\n\n" + "\n".join(f"- {rule_words(c)}" for c in node.caps)
        return out

    def _bands(self, d: Occurrence, node: s.BandsDecl) -> str:
        out = f"**bands `{d.name}`** on `{node.scale.text}`: the first row that holds gives the value"
        out += "\n\n" + "\n".join(f"- {band_words(b)}" for b in node.bands)
        if node.ties:
            out += f"\n\nties: {node.ties}"
        return out

    def _points(self, d: Occurrence, node: s.PointsDecl) -> str:
        rows = "\n".join(
            f"- {grade.text}: "
            + (plural(points.number, "point") if points.number is not None else f"{points.text} points")
            for grade, points in node.points
        )
        return f"**points `{d.name}`** on `{node.ladder.text}`\n\n{rows}"

    def _test(self, d: Occurrence, node: s.TestDecl) -> str:
        out = f"**test** \"{d.name}\""
        if node.criterion is not None:
            out += f" of criterion {node.criterion.text}"
        for expect in node.expectations:
            about = " ".join(part for part in (expect.subject, expect.name.text if expect.name else "") if part)
            value = expect.value.text if expect.what == "score" else f"`{expect.value.text}`"
            out += f"\n\nexpects {about + ' ' if about else ''}{expect.what} {value}"
        return out

    def row(self, context: object, index: Index) -> str | None:
        """The rule, band or other row a reference stands in, in words."""
        if isinstance(context, (s.GradeRuleNode, s.CapRuleNode)):
            return "rule: " + rule_words(context)
        if isinstance(context, s.BandNode):
            return "band: " + band_words(context)
        if isinstance(context, s.MetRule):
            values = " or ".join(f"`{v.text}`" for v in context.values)
            return f"an answer meets the question when it is {'at least ' if context.at_least else ''}{values}"
        return None


def rule_words(rule: s.GradeRuleNode | s.CapRuleNode) -> str:
    """A grading rule as the report words it: **Partly met** when at least good on some items and ..."""
    clauses = " and ".join([*(clause_text(_clause(c)) for c in rule.clauses), *(_fact(f) for f in rule.facts)])
    if isinstance(rule, s.CapRuleNode):
        return f"no better than **{rule.grade.text}** when {clauses}"
    if rule.otherwise:
        return f"**{rule.grade.text}** otherwise"
    return f"**{rule.grade.text}** when {clauses}"


def _clause(clause: s.ClauseNode) -> m.Clause:
    share = clause.quantifier.share.number if clause.quantifier.share is not None else None
    q = clause.quantifier
    group = q.group.text if q.group is not None else None
    quantifier = m.Quantifier(q.kind, q.count, share, q.noun, q.other, group)  # type: ignore[arg-type]
    member = clause.member.text if clause.member is not None else None
    figure = clause.figure
    spec = None
    if figure is not None:
        operand = figure.operand.number if figure.operand.number is not None else Fraction(0)
        members = tuple(n.text for n in figure.members)
        spec = m.FigureSpec(figure.figure, figure.comparison, operand, figure.of_possible, members, figure.rated)  # type: ignore[arg-type]
    value = clause.value.text if clause.value is not None else ""
    return m.Clause(clause.comparison, value, quantifier, member, figure=spec)  # type: ignore[arg-type]


def band_words(band: s.BandNode) -> str:
    """A band row: **Good** when score at least 75%."""
    if band.otherwise:
        return f"**{band.value.text}** otherwise"
    tests = []
    for test in band.tests:
        operand = test.operand
        if isinstance(operand, s.Value):
            number = operand.number if operand.number is not None else Fraction(0)
            shown = percent_text(number) if test.percent else number_text(number)
        else:
            shown = operand
        tests.append(f"{test.figure} {test.comparison.replace('_', ' ')} {shown}")
    return f"**{band.value.text}** when " + " and ".join(tests)


def _attribute_kind(node: s.AttributeDecl | s.FactDecl) -> str:
    if node.kind == "ordered":
        return "ordered: " + " < ".join(f"`{v.text}`" for v in node.values)
    if node.kind == "enumerated":
        return "one of " + ", ".join(f"`{v.text}`" for v in node.values)
    if node.kind == "boolean":
        return "yes or no"
    if node.minimum is not None and node.maximum is not None:
        return f"a number from {node.minimum.text} to {node.maximum.text}"
    return "a number"


def _short(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + " …"


__all__ = ["band_words", "hover_text", "rule_words", "value_text"]


def _fact(clause: s.FactClauseNode) -> str:
    """A fact condition as written: `fact breach`, `fact enforcement >= formal`."""
    return f"fact {_condition(clause.condition, top=True)}"


def _condition(node: s.ConditionNode, top: bool = False) -> str:
    if isinstance(node, s.FlagTest):
        return node.attribute.text
    if isinstance(node, s.ComparisonTest):
        return f"{node.attribute.text} {node.op} {node.value.text}"
    if isinstance(node, s.MembershipTest):
        return f"{node.attribute.text} in {{{', '.join(v.text for v in node.values)}}}"
    if isinstance(node, s.Negation):
        return f"not {_condition(node.operand)}"
    joiner = " and " if isinstance(node, s.AllOf) else " or "
    return "(" + joiner.join(_condition(o) for o in node.operands) + ")"
