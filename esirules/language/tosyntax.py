"""Build the syntax tree: Lark's parse tree in, typed frozen syntax nodes (each with its span) out."""

from __future__ import annotations

from typing import Any

import lark
from lark import Token

from esirules.language import parts as p
from esirules.language import syntax as s
from esirules.language.tosyntax_outcomes import OutcomeNodes
from esirules.language.tosyntax_rules import unquote


class ToSyntax(OutcomeNodes):
    """Builds syntax nodes from Lark's parse tree; one method per grammar rule or alias.

    Each method takes the rule's position metadata and its children (already converted).
    `transform` walks the tree bottom-up without recursion, so a condition nested thousands
    deep cannot overflow the stack, and calls the methods directly (no per-call wrappers).
    A number too long to read is reported in `problems` (S006) and read as None.
    """

    def transform(self, tree: lark.Tree) -> Any:  # type: ignore[type-arg]
        done: dict[int, Any] = {}
        for subtree in tree.iter_subtrees():  # INVARIANT: children before their parent
            children = [done[id(c)] if isinstance(c, lark.Tree) else c for c in subtree.children]
            done[id(subtree)] = getattr(self, str(subtree.data))(subtree.meta, children)
        return done[id(tree)]

    # --- leaves ---
    def start(self, meta: Any, children: list[Any]) -> s.RulesetFile:
        return s.RulesetFile(self.path, tuple(children), span=self._span(meta))

    def text(self, meta: Any, children: list[Token]) -> s.Text:
        return s.Text(unquote(children[0]), span=self._span(meta))

    def number(self, meta: Any, children: list[Token]) -> s.Value:
        return s.Value(str(children[0]), number=self._number(children[0]), span=self._span(meta))

    def percent(self, meta: Any, children: list[s.Value]) -> s.Value:
        number = children[0].number
        share = number / 100 if number is not None else None
        return s.Value(children[0].text + "%", number=share, span=self._span(meta))

    def bare_value(self, meta: Any, children: list[Token]) -> s.Value:
        return s.Value(str(children[0]), span=self._span(meta))

    def quoted_value(self, meta: Any, children: list[Token]) -> s.Value:
        return s.Value(unquote(children[0]), quoted=True, span=self._span(meta))

    def number_value(self, meta: Any, children: list[s.Value]) -> s.Value:
        return children[0]

    def name_list(self, meta: Any, children: list[Token]) -> tuple[s.Name, ...]:
        return tuple(self._name(t) for t in children)

    def value_chain(self, meta: Any, children: list[s.Value | p.ValuedLevel]) -> tuple[s.Value | p.ValuedLevel, ...]:
        return tuple(children)

    def valued_level(self, meta: Any, children: list[s.Value]) -> p.ValuedLevel:
        return p.ValuedLevel(children[0], children[1])

    @staticmethod
    def _levels(chain: tuple[s.Value | p.ValuedLevel, ...]) -> tuple[tuple[s.Value, ...], tuple[s.Value | None, ...]]:
        """A chain's levels and the number written after each level's `=` (None where none is)."""
        values = tuple(c.value if isinstance(c, p.ValuedLevel) else c for c in chain)
        numbers = tuple(c.number if isinstance(c, p.ValuedLevel) else None for c in chain)
        return values, numbers if any(n is not None for n in numbers) else ()

    # --- header ---
    def ruleset_header(self, meta: Any, children: list[s.Text]) -> s.RulesetHeader:
        return s.RulesetHeader(children[0], children[1] if len(children) > 1 else None, span=self._span(meta))

    def title(self, meta: Any, children: list[s.Text]) -> s.Title:
        return s.Title(children[0], span=self._span(meta))

    def description(self, meta: Any, children: list[s.Text]) -> s.Description:
        return s.Description(children[0], span=self._span(meta))

    def extends(self, meta: Any, children: list[s.Text]) -> s.Extends:
        return s.Extends(children[0], span=self._span(meta))

    def whole_percent(self, meta: Any, children: list[Any]) -> int:
        return 0

    def decimal_places(self, meta: Any, children: list[Token]) -> int:
        places = self._number(children[0])
        return int(places) if places is not None else 0

    def rounding_ties(self, meta: Any, children: list[Token]) -> str:
        return str(children[0])

    def means_places(self, meta: Any, children: list[Token]) -> int:
        return self.decimal_places(meta, children)

    def means_rounding(self, meta: Any, children: list[Any]) -> s.MeansRoundingNode:
        ties = children[1] if len(children) > 1 else "up"
        return s.MeansRoundingNode(children[0], ties, span=self._span(meta))

    def rounding(self, meta: Any, children: list[Any]) -> s.Rounding:
        ties = children[1] if len(children) > 1 else "up"
        return s.Rounding(children[0], ties, span=self._span(meta))

    def answers_default(self, meta: Any, children: list[Any]) -> s.AnswersDefault:
        met = children[1] if len(children) > 1 else None
        return s.AnswersDefault(self._name(children[0]), met, span=self._span(meta))

    def answers_not_applying(self, meta: Any, children: list[str]) -> s.AnswersNotApplying:
        return s.AnswersNotApplying(children[0], span=self._span(meta))

    def ignored_with_warning(self, meta: Any, children: list[Any]) -> str:
        return "warned"

    def ignored(self, meta: Any, children: list[Any]) -> str:
        return "ignored"

    def refused(self, meta: Any, children: list[Any]) -> str:
        return "refused"

    def met_values(self, meta: Any, children: list[s.Value]) -> s.MetRule:
        return s.MetRule(tuple(children), span=self._span(meta))

    def met_at_least(self, meta: Any, children: list[s.Value]) -> s.MetRule:
        return s.MetRule(tuple(children), at_least=True, span=self._span(meta))

    # --- vocabularies ---
    def scale(self, meta: Any, children: list[Any]) -> s.ScaleDecl:
        na = next((c for c in children if isinstance(c, Token) and c.type == "NOT_APPLICABLE"), None)
        label = self._first(children, s.Text)
        values, numbers = self._levels(children[1])
        return s.ScaleDecl(
            self._name(children[0]), values, False, label, na is not None, numbers, span=self._span(meta),
            not_applicable_at=None if na is None else self._span(na),
        )

    def ladder(self, meta: Any, children: list[Any]) -> s.ScaleDecl:
        values, numbers = self._levels(children[1])
        return s.ScaleDecl(self._name(children[0]), values, True, numbers=numbers, span=self._span(meta))

    def attribute(self, meta: Any, children: list[Any]) -> s.AttributeDecl:
        kind: p.AttributeKind = children[-1]
        label = self._first(children[1:-1], s.Text)
        return s.AttributeDecl(
            self._name(children[0]), label, kind.kind, kind.values, kind.minimum, kind.maximum,
            span=self._span(meta),
        )

    def ordered_kind(self, meta: Any, children: list[s.Value]) -> p.AttributeKind:
        return p.AttributeKind("ordered", tuple(children))

    def enumerated_kind(self, meta: Any, children: list[s.Value]) -> p.AttributeKind:
        return p.AttributeKind("enumerated", tuple(children))

    def boolean_kind(self, meta: Any, children: list[Any]) -> p.AttributeKind:
        return p.AttributeKind("boolean")

    def numeric_kind(self, meta: Any, children: list[s.Value]) -> p.AttributeKind:
        low = children[0] if children else None
        high = children[1] if len(children) > 1 else None
        return p.AttributeKind("numeric", (), low, high)

    def fact(self, meta: Any, children: list[Any]) -> s.FactDecl:
        kind: p.AttributeKind = children[-1][0]
        default: p.FactDefault | None = children[-1][1]
        label = self._first(children[1:-1], s.Text)
        return s.FactDecl(
            self._name(children[0]), label, kind.kind, kind.values, kind.minimum, kind.maximum,
            default.value if default else None, span=self._span(meta),
        )

    # A fact's kind, and its default if written: (AttributeKind, FactDefault | None).
    def fact_ordered(self, meta: Any, children: list[Any]) -> tuple[p.AttributeKind, p.FactDefault | None]:
        values, default = _split_default(children)
        return p.AttributeKind("ordered", values), default

    def fact_enumerated(self, meta: Any, children: list[Any]) -> tuple[p.AttributeKind, p.FactDefault | None]:
        values, default = _split_default(children)
        return p.AttributeKind("enumerated", values), default

    def fact_boolean(self, meta: Any, children: list[Any]) -> tuple[p.AttributeKind, p.FactDefault | None]:
        return p.AttributeKind("boolean"), _split_default(children)[1]

    def fact_numeric(self, meta: Any, children: list[Any]) -> tuple[p.AttributeKind, p.FactDefault | None]:
        bounds, default = _split_default(children)
        low = bounds[0] if bounds else None
        high = bounds[1] if len(bounds) > 1 else None
        return p.AttributeKind("numeric", (), low, high), default

    def fact_default(self, meta: Any, children: list[s.Value]) -> p.FactDefault:
        return p.FactDefault(children[0])

    def source(self, meta: Any, children: list[Any]) -> s.SourceDecl:
        return s.SourceDecl(self._name(children[0]), self._first(children, s.Text), span=self._span(meta))

    def weight_class(self, meta: Any, children: list[Any]) -> s.WeightClass:
        return s.WeightClass(self._name(children[0]), children[1], span=self._span(meta))

    def measure(self, meta: Any, children: list[Any]) -> s.MeasureDecl:
        tokens = [c for c in children if isinstance(c, Token)]
        unit = next((self._name(t) for t in tokens[1:] if t.type == "NAME"), None)
        lower = any(t.type == "LOWER_IS_BETTER" for t in tokens)
        return s.MeasureDecl(self._name(tokens[0]), children[1], unit, lower, span=self._span(meta))

    def sample(self, meta: Any, children: list[Any]) -> s.SampleDecl:
        label = children[1] if len(children) > 1 and isinstance(children[1], s.Text) else None
        chosen = self._all(children, p.SampleSections)
        sections = tuple(n for part in chosen for n in part.names) if chosen else None
        without = tuple(n for part in self._all(children, p.SampleWithout) for n in part.names)
        description = self._last(children[1:], s.Description)
        return s.SampleDecl(
            self._name(children[0]), label, sections, without, description.text if description else None,
            span=self._span(meta),
        )

    def sample_sections(self, meta: Any, children: list[Any]) -> p.SampleSections:
        return p.SampleSections(children[0])

    def sample_without_questions(self, meta: Any, children: list[Any]) -> p.SampleWithout:
        return p.SampleWithout(children[0])

    # --- structure ---
    def section(self, meta: Any, children: list[Any]) -> s.SectionDecl:
        return s.SectionDecl(
            self._name(children[0]),
            children[1],
            self._first(children[2:], s.Value),
            self._description(children),
            tuple(self._all(children, s.CriterionDecl)),
            tuple(self._all(children, s.AggregateDecl)),
            tuple(self._all(children, s.MissingRule)),
            bool(self._all(children, p.AllowsAdjustment)),
            self._last(children, s.MeansRoundingNode),
            tuple(self._all(children, s.CarryForward)),
            span=self._span(meta),
            caps=tuple(self._all(children, s.CapRuleNode)),
        )

    def overall(self, meta: Any, children: list[Any]) -> s.OverallDecl:
        return s.OverallDecl(
            children[0],
            self._description(children),
            tuple(self._all(children, s.AggregateDecl)),
            tuple(self._all(children, s.MissingRule)),
            bool(self._all(children, p.AllowsAdjustment)),
            self._last(children, s.MeansRoundingNode),
            span=self._span(meta),
            caps=tuple(self._all(children, s.CapRuleNode)),
        )

    def member_set(self, meta: Any, children: list[Any]) -> s.MemberSet:
        members = children[1] if len(children) > 1 else ()
        return s.MemberSet(str(children[0]), members, span=self._span(meta))

    def points_members(self, meta: Any, children: list[Token]) -> s.MemberSet:
        members = tuple(self._name(t) for t in children[1:])
        return s.MemberSet(str(children[0]), members, span=self._span(meta))

    def weighted_mean(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl("weighted_mean", "score", children[0], span=self._span(meta))

    def lowest_of(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl("lowest_of", "grade", children[0], span=self._span(meta))

    def points_total(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl(
            "points_total", "grade", children[1], self._name(children[0]), self._name(children[2]),
            span=self._span(meta),
        )

    def graded_over(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl("graded_over", "grade", children[1], self._name(children[0]), span=self._span(meta))

    def score_banded(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl("score_banded", "grade", None, self._name(children[0]), span=self._span(meta))

    def figure_banded(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        kind = f"{children[0]}_banded"  # sum_banded | mean_banded
        return s.AggregateDecl(kind, "grade", children[1], self._name(children[2]), span=self._span(meta))

    def missing_rule(self, meta: Any, children: list[Token]) -> s.MissingRule:
        return s.MissingRule(str(children[0]), " ".join(str(children[1]).split()), span=self._span(meta))

    def criterion(self, meta: Any, children: list[Any]) -> s.CriterionDecl:
        weight_class = self._last(children[2:], p.ClassWeight)
        weight = self._last(children[2:], p.ExplicitWeight)
        pooling = self._first(children, p.Pooling)
        graded_by = self._first(children, p.GradedBy)
        return s.CriterionDecl(
            self._name(children[0]),
            children[1],
            weight_class.name if weight_class else None,
            weight.value if weight else None,
            self._description(children),
            tuple(self._all(children, s.QuestionDecl)),
            tuple(self._all(children, s.ItemDecl)),
            pooling.name if pooling else None,
            graded_by.name if graded_by else None,
            bool(self._all(children, p.AllowsAdjustment)),
            tuple(self._all(children, s.CarryForward)),
            span=self._span(meta),
            judgements=tuple(self._all(children, s.JudgementDecl)),
            caps=tuple(self._all(children, s.CapRuleNode)),
        )

    def class_weight(self, meta: Any, children: list[Token]) -> p.ClassWeight:
        return p.ClassWeight(self._name(children[0]))

    def explicit_weight(self, meta: Any, children: list[s.Value]) -> p.ExplicitWeight:
        return p.ExplicitWeight(children[0])

    def pooling(self, meta: Any, children: list[Token]) -> p.Pooling:
        return p.Pooling(s.Name(" ".join(str(children[0]).split()), span=self._span(children[0])))

    def graded_by(self, meta: Any, children: list[Token]) -> p.GradedBy:
        return p.GradedBy(self._name(children[0]))

    def allows_adjustment(self, meta: Any, children: list[Any]) -> p.AllowsAdjustment:
        return p.AllowsAdjustment()

    def carry_forward(self, meta: Any, children: list[Token]) -> s.CarryForward:
        count = s.Value(str(children[0]), number=self._number(children[0]), span=self._span(children[0]))
        unit = str(children[1])
        return s.CarryForward(count, unit if unit.endswith("s") else unit + "s", span=self._span(meta))

    def question(self, meta: Any, children: list[Any]) -> s.QuestionDecl:
        options = children[2:]
        scale = self._last(options, p.AnsweredOn)
        met = self._last(options, p.MetWhen)
        source = self._last(options, p.QuestionSource)
        applies = self._last(options, p.AppliesWhen)
        weight = self._last(options, p.QuestionWeight)
        return s.QuestionDecl(
            self._name(children[0]),
            children[1],
            scale.scale if scale else None,
            met.rule if met else None,
            source.source if source else None,
            applies.condition if applies else None,
            weight.value if weight else None,
            span=self._span(meta),
        )

    def judgement(self, meta: Any, children: list[Any]) -> s.JudgementDecl:
        header = [c for c in children if not isinstance(c, (s.QuestionDecl, s.GradeRuleNode, s.Description))]
        question = self.question(meta, header)
        return s.JudgementDecl(
            question,
            tuple(self._all(children, s.QuestionDecl)),
            tuple(self._all(children, s.GradeRuleNode)),
            self._description(children),
            span=self._span(meta),
        )

    def prompt(self, meta: Any, children: list[Any]) -> s.QuestionDecl:
        return self.question(meta, children)

    def answered_on(self, meta: Any, children: list[Token]) -> p.AnsweredOn:
        return p.AnsweredOn(self._name(children[0]))

    def met_when(self, meta: Any, children: list[s.MetRule]) -> p.MetWhen:
        return p.MetWhen(children[0])

    def question_source(self, meta: Any, children: list[Token]) -> p.QuestionSource:
        return p.QuestionSource(self._name(children[0]))

    def applies_when(self, meta: Any, children: list[Any]) -> p.AppliesWhen:
        return p.AppliesWhen(children[0])

    def question_weight(self, meta: Any, children: list[s.Value]) -> p.QuestionWeight:
        return p.QuestionWeight(children[0])

    def item(self, meta: Any, children: list[Any]) -> s.ItemDecl:
        tokens = [c for c in children if isinstance(c, Token)]
        measure = self._name(tokens[1]) if len(tokens) > 1 else None
        group = self._first(children, p.Group)
        return s.ItemDecl(
            self._name(tokens[0]), self._first(children, s.Text), measure, self._first(children, s.Value),
            group.text if group else None,
            span=self._span(meta),
        )

    def item_group(self, meta: Any, children: list[s.Text]) -> p.Group:
        return p.Group(children[0])


def _split_default(children: list[Any]) -> tuple[tuple[s.Value, ...], p.FactDefault | None]:
    """A fact kind's values (or bounds), and its `default` if written."""
    default = children[-1] if children and isinstance(children[-1], p.FactDefault) else None
    return tuple(c for c in children if isinstance(c, s.Value)), default
