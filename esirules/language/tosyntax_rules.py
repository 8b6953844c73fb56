"""Build the syntax nodes of rules: gradings, bands, points, derivation, tests and conditions
(parse-tree children in, syntax nodes out), and the helpers every ToSyntax method shares."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, TypeVar

from lark import Token

from esirules.diagnostics import Diagnostic
from esirules.language import parts as p
from esirules.language import syntax as s
from esirules.language.describe import wording
from esirules.language.limits import MAX_NUMBER_DIGITS
from esirules.span import Span

T = TypeVar("T")


def unquote(token: str) -> str:
    """The text a quoted token spells: quotes removed, escapes read."""
    raw = str(token)
    if raw.startswith('"""'):
        return raw[3:-3]
    body = raw[1:-1]
    return body.replace('\\"', '"').replace("\\\\", "\\").replace("\\n", "\n")


class RuleNodes:
    """The methods for rules' grammar rules, and the helpers they share with ToSyntax."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Diagnostic] = []

    # --- helpers ---
    def _span(self, meta: Any) -> Span:
        """A node's span from Lark's metadata of a rule or a token."""
        return Span.from_meta(self.path, meta)

    def _name(self, token: Token) -> s.Name:
        return s.Name(str(token), span=self._span(token))

    def _number(self, token: Token) -> Fraction | None:
        """The number a token spells, or None (reported as S006) when it has too many digits."""
        digits = sum(c.isdigit() for c in token)
        if digits <= MAX_NUMBER_DIGITS:
            return Fraction(str(token))
        words = wording()["S006"]
        message = words["message"].format(digits=f"{digits:,}", most=MAX_NUMBER_DIGITS)
        self.problems.append(Diagnostic("S006", message, self._span(token), words["help"]))
        return None

    @staticmethod
    def _all(children: list[Any], kind: type[T]) -> list[T]:
        return [c for c in children if isinstance(c, kind)]

    def _first(self, children: list[Any], kind: type[T]) -> T | None:
        found = self._all(children, kind)
        return found[0] if found else None

    def _last(self, children: list[Any], kind: type[T]) -> T | None:
        found = self._all(children, kind)
        return found[-1] if found else None

    def _description(self, children: list[Any]) -> s.Text | None:
        description = self._first(children, s.Description)
        return description.text if description else None

    # --- gradings ---
    def grading(self, meta: Any, children: list[Any]) -> s.GradingDecl:
        scale = self._last(children, p.ItemsRatedOn)
        ladder = self._last(children, p.GradesFrom)
        bands = self._last(children, p.MeasuresRatedBy)
        return s.GradingDecl(
            self._name(children[0]),
            self._first(children[1:2], s.Text),
            scale.scale if scale else None,
            ladder.ladder if ladder else None,
            bands.bands if bands else None,
            bool(self._all(children, p.Cumulative)),
            tuple(self._all(children, s.GradeRuleNode)),
            tuple(self._all(children, s.CapRuleNode)),
            self._description(children),
            self._last(children, s.MeansRoundingNode),
            span=self._span(meta),
        )

    def items_rated_on(self, meta: Any, children: list[Token]) -> p.ItemsRatedOn:
        return p.ItemsRatedOn(self._name(children[0]))

    def grades_from(self, meta: Any, children: list[Token]) -> p.GradesFrom:
        return p.GradesFrom(self._name(children[0]))

    def cumulative(self, meta: Any, children: list[Any]) -> p.Cumulative:
        return p.Cumulative()

    def measures_rated_by(self, meta: Any, children: list[Token]) -> p.MeasuresRatedBy:
        return p.MeasuresRatedBy(self._name(children[0]))

    def grade_rule(self, meta: Any, children: list[Any]) -> s.GradeRuleNode:
        clauses, facts = _clauses_and_facts(children[1:])
        return s.GradeRuleNode(children[0], clauses, span=self._span(meta), facts=facts)

    def otherwise_rule(self, meta: Any, children: list[Any]) -> s.GradeRuleNode:
        return s.GradeRuleNode(children[0], (), otherwise=True, span=self._span(meta))

    def judgement_rule(self, meta: Any, children: list[Any]) -> s.GradeRuleNode:
        return self.grade_rule(meta, children)

    def judgement_otherwise(self, meta: Any, children: list[Any]) -> s.GradeRuleNode:
        return self.otherwise_rule(meta, children)

    def met_clause(self, meta: Any, children: list[Any]) -> s.ClauseNode:
        """`each prompt is met`: the prompts met as their `met when` says (issue 11, point 8a)."""
        quantifier: s.QuantifierNode = children[0]
        return s.ClauseNode("met", s.Value("met", span=quantifier.span), quantifier, span=self._span(meta))

    def cap_rule(self, meta: Any, children: list[Any]) -> s.CapRuleNode:
        clauses, facts = _clauses_and_facts(children[1:])
        return s.CapRuleNode(children[0], clauses, span=self._span(meta), facts=facts)

    def clause(self, meta: Any, children: list[Any]) -> s.ClauseNode | s.FactClauseNode:
        if isinstance(children[0], (s.ClauseNode, s.FactClauseNode)):
            return children[0]  # a named clause, or a fact condition
        comparison: p.Comparison = children[0]
        return s.ClauseNode(
            comparison.kind, comparison.value, children[1], comparison.written, span=self._span(meta)
        )

    def figure_clause(self, meta: Any, children: list[Any]) -> s.ClauseNode:
        kind, members, comparison, bound = children
        operand = bound.share if isinstance(bound, p.SharePossible) else bound
        figure = s.FigureNode(
            str(kind), comparison, operand, isinstance(bound, p.SharePossible), members.members,
            members.rated is not None, span=self._span(meta),
        )
        quantifier = s.QuantifierNode(
            "figure", noun=members.noun, group=members.group, span=self._span(meta)
        )
        rated = members.rated
        return s.ClauseNode(
            rated.kind if rated else "at_least", rated.value if rated else None, quantifier,
            rated.written if rated else True, figure=figure, span=self._span(meta),
        )

    def figure_members(self, meta: Any, children: list[Any]) -> p.FigureMembers:
        noun = {"criteri": "criteria", "section": "sections"}.get(str(children[0])[:7], "items")
        group = self._first(children[1:], p.Group)
        names = next((c for c in children[1:] if isinstance(c, tuple) and not isinstance(c, p.Comparison)
                      and not isinstance(c, p.Group)), ())
        rated = self._first(children[1:], p.Comparison)
        return p.FigureMembers(noun, group.text if group else None, tuple(names), rated)

    def figure_rated(self, meta: Any, children: list[p.Comparison]) -> p.Comparison:
        return children[0]

    def share_of_possible(self, meta: Any, children: list[s.Value]) -> p.SharePossible:
        return p.SharePossible(children[0])

    def figure_kind(self, meta: Any, children: list[Token]) -> str:
        return str(children[0])

    def figure_aggregate(self, meta: Any, children: list[Token]) -> str:
        return str(children[0])

    def fig_is(self, meta: Any, children: list[Any]) -> str:
        return "is"
    def fact_number(self, meta: Any, children: list[Token]) -> s.Value:
        return s.Value(str(children[0]), number=self._number(children[0]), span=self._span(meta))

    def fact_clause(self, meta: Any, children: list[Any]) -> s.FactClauseNode:
        return s.FactClauseNode(children[0], span=self._span(meta))

    def named_clause(self, meta: Any, children: list[Any]) -> s.ClauseNode:
        member, comparison = self._name(children[0]), children[1]
        return s.ClauseNode(
            comparison.kind,
            comparison.value,
            s.QuantifierNode("named", span=member.span),
            True,  # `leadership is "Good"` means exactly Good, plainly: no W002
            member,
            span=self._span(meta),
        )

    def at_least(self, meta: Any, children: list[s.Value]) -> p.Comparison:
        return p.Comparison("at_least", children[0], True)

    def at_best(self, meta: Any, children: list[s.Value]) -> p.Comparison:
        return p.Comparison("at_best", children[0], True)

    def exactly(self, meta: Any, children: list[Any]) -> p.Comparison:
        return p.Comparison("exactly", children[-1], len(children) > 1)  # written `exactly`, or a bare value

    def _quantifier(self, kind: str, meta: Any, children: list[Any], **kw: Any) -> s.QuantifierNode:
        nouns = [str(c) for c in children if isinstance(c, Token) and c.type == "NOUN"]
        nouns_by_stem = {"criteri": "criteria", "section": "sections", "prompt": "prompts"}
        noun = nouns_by_stem.get(nouns[0][:7].rstrip("s"), "items") if nouns else "items"
        other = any(isinstance(c, Token) and c.type == "OTHER" for c in children)
        group = self._first(children, p.Group)
        return s.QuantifierNode(
            kind, noun=noun, other=other, group=group.text if group else None, span=self._span(meta), **kw
        )

    def quantifier_group(self, meta: Any, children: list[s.Text]) -> p.Group:
        return p.Group(children[0])

    def each(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("each", meta, children)

    def majority(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("majority", meta, children)

    def some(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("some", meta, children)

    def none(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("none", meta, children)

    def _counted(self, kind: str, meta: Any, children: list[Any]) -> s.QuantifierNode:
        number = self._number(next(c for c in children if c.type in ("INT", "SIGNED_NUMBER")))
        # A count that is not a whole number of 0 or more is left None for the checker to report.
        count = int(number) if number is not None and number >= 0 and number.denominator == 1 else None
        return self._quantifier(kind, meta, children, count=count)

    def at_least_count(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._counted("at_least_count", meta, children)

    def at_most_count(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._counted("at_most_count", meta, children)

    def fewer_than_count(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._counted("fewer_than_count", meta, children)

    def exactly_count(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._counted("exactly_count", meta, children)

    def at_least_share(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("at_least_share", meta, children, share=self._first(children, s.Value))

    def at_most_share(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("at_most_share", meta, children, share=self._first(children, s.Value))

    def others(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return s.QuantifierNode("others", span=self._span(meta))

    # --- bands and points ---
    def bands(self, meta: Any, children: list[Any]) -> s.BandsDecl:
        ties = self._first(children, p.Ties)
        return s.BandsDecl(
            self._name(children[0]),
            self._name(children[1]),
            tuple(self._all(children, s.BandNode)),
            ties.rule if ties else None,
            self._description(children),
            span=self._span(meta),
        )

    def band(self, meta: Any, children: list[Any]) -> s.BandNode:
        return s.BandNode(children[0], tuple(children[1:]), span=self._span(meta))

    def band_otherwise(self, meta: Any, children: list[Any]) -> s.BandNode:
        return s.BandNode(children[0], (), otherwise=True, span=self._span(meta))

    def tie_rule(self, meta: Any, children: list[Token]) -> p.Ties:
        return p.Ties(str(children[0]))

    def figure_test(self, meta: Any, children: list[Any]) -> s.FigureTestNode:
        figure, comparison, operand = children
        if isinstance(operand, p.SharePossible):
            return s.FigureTestNode(str(figure), comparison, operand.share, True, True, span=self._span(meta))
        if isinstance(operand, Token):
            return s.FigureTestNode(str(figure), comparison, " ".join(str(operand).split()), span=self._span(meta))
        return s.FigureTestNode(
            str(figure), comparison, operand, operand.text.endswith("%"), span=self._span(meta)
        )

    def fig_at_least(self, meta: Any, children: list[Any]) -> str:
        return "at_least"

    def fig_above(self, meta: Any, children: list[Any]) -> str:
        return "above"

    def fig_below(self, meta: Any, children: list[Any]) -> str:
        return "below"

    def fig_at_most(self, meta: Any, children: list[Any]) -> str:
        return "at_most"

    def points(self, meta: Any, children: list[Any]) -> s.PointsDecl:
        return s.PointsDecl(
            self._name(children[0]), self._name(children[1]), tuple(children[2:]), span=self._span(meta)
        )

    def point(self, meta: Any, children: list[s.Value]) -> tuple[s.Value, s.Value]:
        return (children[0], children[1])

    # --- derivation ---
    def exclude_cases(self, meta: Any, children: list[Any]) -> s.ExcludeCases:
        return s.ExcludeCases(children[0], span=self._span(meta))

    def exclude_source(self, meta: Any, children: list[Token]) -> s.ExcludeSource:
        return s.ExcludeSource(self._name(children[0]), span=self._span(meta))

    def exclude_question(self, meta: Any, children: list[Token]) -> s.ExcludeQuestion:
        return s.ExcludeQuestion(self._name(children[0]), span=self._span(meta))

    def replace_criterion(self, meta: Any, children: list[s.CriterionDecl]) -> s.ReplaceCriterion:
        return s.ReplaceCriterion(children[0], span=self._span(meta))

    def replace_grading(self, meta: Any, children: list[s.GradingDecl]) -> s.ReplaceGrading:
        return s.ReplaceGrading(children[0], span=self._span(meta))

    def replace_bands(self, meta: Any, children: list[s.BandsDecl]) -> s.ReplaceBands:
        return s.ReplaceBands(children[0], span=self._span(meta))

    def remove(self, meta: Any, children: list[Token]) -> s.Remove:
        return s.Remove(self._name(children[0]), self._name(children[1]), span=self._span(meta))

    def change(self, meta: Any, children: list[Any]) -> s.Change:
        setting: p.Setting = children[2]
        return s.Change(
            self._name(children[0]), self._name(children[1]), setting.part, setting.value, span=self._span(meta)
        )

    def set_part(self, meta: Any, children: list[Any]) -> p.Setting:
        return p.Setting(self._name(children[0]), children[1])

    def set_applies(self, meta: Any, children: list[Any]) -> p.Setting:
        return p.Setting(s.Name("applies when", span=self._span(meta)), children[0])

    def set_met(self, meta: Any, children: list[s.MetRule]) -> p.Setting:
        return p.Setting(s.Name("met when", span=self._span(meta)), children[0])

    def name_value(self, meta: Any, children: list[Token]) -> s.Name:
        return self._name(children[0])

    def add_to(self, meta: Any, children: list[Any]) -> s.AddTo:
        return s.AddTo(
            self._name(children[0]),
            self._name(children[1]),
            tuple(self._all(children, s.QuestionDecl)),
            tuple(self._all(children, s.ItemDecl)),
            tuple(self._all(children, s.CriterionDecl)),
            span=self._span(meta),
            judgements=tuple(self._all(children, s.JudgementDecl)),
        )

    def replace_in(self, meta: Any, children: list[Any]) -> s.ReplaceIn:
        return s.ReplaceIn(
            self._name(children[0]),
            self._name(children[1]),
            tuple(self._all(children, s.QuestionDecl)),
            tuple(self._all(children, s.ItemDecl)),
            tuple(self._all(children, s.CriterionDecl)),
            span=self._span(meta),
            judgements=tuple(self._all(children, s.JudgementDecl)),
        )

    # --- tests ---
    def test(self, meta: Any, children: list[Any]) -> s.TestDecl:
        parts = children[1:]
        target = self._last(parts, p.TestTarget)
        return s.TestDecl(
            children[0],
            target.criterion if target else None,
            tuple(r for part in self._all(parts, p.GivenRatings) for r in part.ratings),
            tuple(a for part in self._all(parts, p.GivenAnswers) for a in part.answers),
            tuple(part.measure for part in self._all(parts, p.GivenMeasure)),
            tuple(self._all(parts, s.GivenAdjustment)),
            tuple(self._all(parts, s.Expect)),
            tuple(self._all(parts, s.GivenCarried)),
            span=self._span(meta),
            facts=tuple(f for part in self._all(parts, p.GivenFacts) for f in part.facts),
        )

    def test_target(self, meta: Any, children: list[Token]) -> p.TestTarget:
        return p.TestTarget(self._name(children[0]))

    def given_ratings(self, meta: Any, children: list[tuple[s.Name, s.Value]]) -> p.GivenRatings:
        return p.GivenRatings(tuple(children))

    def rating(self, meta: Any, children: list[Any]) -> tuple[s.Name, s.Value]:
        return (self._name(children[0]), children[1])

    def given_facts(self, meta: Any, children: list[tuple[s.Name, s.Value]]) -> p.GivenFacts:
        return p.GivenFacts(tuple(children))

    def fact_value(self, meta: Any, children: list[Any]) -> tuple[s.Name, s.Value]:
        return (self._name(children[0]), children[1])

    def given_answers(self, meta: Any, children: list[Any]) -> p.GivenAnswers:
        question = self._name(children[0])
        counts: list[p.AnswerCount] = children[1:]
        return p.GivenAnswers(tuple((question, c.value, c.times) for c in counts))

    def answer_count(self, meta: Any, children: list[Any]) -> p.AnswerCount:
        count = self._number(children[1]) if len(children) > 1 else 1
        return p.AnswerCount(children[0], int(count) if count is not None else 0)

    def given_measure(self, meta: Any, children: list[Any]) -> p.GivenMeasure:
        return p.GivenMeasure((self._name(children[0]), children[1], children[2], children[3]))

    def given_adjustment(self, meta: Any, children: list[Any]) -> s.GivenAdjustment:
        criterion = self._name(children[0]) if isinstance(children[0], Token) else None
        grade, by, reason = children[-3:]
        return s.GivenAdjustment(criterion, grade, by, reason, span=self._span(meta))

    def given_carried(self, meta: Any, children: list[Any]) -> s.GivenCarried:
        subject: p.Subject = children[0]
        source = children[2] if len(children) > 2 else None
        return s.GivenCarried(subject.kind, subject.name, children[1], source, span=self._span(meta))

    def _expect(self, meta: Any, what: str, children: list[Any], figure: s.BandFigure | None = None) -> s.Expect:
        subject = self._first(children, p.Subject)
        return s.Expect(
            subject.kind if subject else "",
            subject.name if subject else None,
            what,
            children[-1],
            figure,
            span=self._span(meta),
        )

    def expect_grade(self, meta: Any, children: list[Any]) -> s.Expect:
        return self._expect(meta, "grade", children)

    def expect_score(self, meta: Any, children: list[Any]) -> s.Expect:
        return self._expect(meta, "score", children)

    def expect_rating(self, meta: Any, children: list[Any]) -> s.Expect:
        return self._expect(meta, "rating", [p.Subject("item", self._name(children[0])), children[1]])

    def expect_band(self, meta: Any, children: list[Any]) -> s.Expect:
        return self._expect(meta, "gives", [children[0], children[2]], children[1])

    def expect_judgement(self, meta: Any, children: list[Any]) -> s.Expect:
        name = self._name(children[0])
        counts: list[p.AnswerCount] = children[1:]
        written = s.Value(", ".join(f"{c.value.text} x{c.times}" for c in counts), span=self._span(meta))
        return s.Expect(
            "judgement", name, "ratings", written, None, span=self._span(meta),
            counts=tuple((c.value, c.times) for c in counts),
        )

    def expect_figure(self, meta: Any, children: list[Any]) -> s.Expect:
        figure = next(c for c in children if isinstance(c, str))
        return self._expect(meta, figure, [c for c in children if not isinstance(c, str)])

    def expected_total(self, meta: Any, children: list[Any]) -> str:
        return "total"

    def expected_mean(self, meta: Any, children: list[Any]) -> str:
        return "mean"

    def expected_rated(self, meta: Any, children: list[Any]) -> str:
        return "rated"

    def bands_ref(self, meta: Any, children: list[Token]) -> p.Subject:
        return p.Subject("bands", self._name(children[0]))

    def criterion_subject(self, meta: Any, children: list[Token]) -> p.Subject:
        return p.Subject("criterion", self._name(children[0]))

    def section_subject(self, meta: Any, children: list[Token]) -> p.Subject:
        return p.Subject("section", self._name(children[0]))

    def overall_subject(self, meta: Any, children: list[Any]) -> p.Subject:
        return p.Subject("overall", None)

    def score_figure(self, meta: Any, children: list[s.Value]) -> s.BandFigure:
        return s.BandFigure("score", children[0], span=self._span(meta))

    def total_figure(self, meta: Any, children: list[s.Value]) -> s.BandFigure:
        return s.BandFigure("total", children[0], span=self._span(meta))

    def measure_figure(self, meta: Any, children: list[Token]) -> s.BandFigure:
        return s.BandFigure("measure", measure=self._name(children[0]), span=self._span(meta))

    def fraction(self, meta: Any, children: list[Token]) -> s.Value:
        numerator, denominator = self._number(children[0]), self._number(children[1])
        number = numerator / denominator if numerator is not None and denominator else None
        return s.Value(f"{children[0]}/{children[1]}", number=number, span=self._span(meta))

    # --- conditions ---
    def any_of(self, meta: Any, children: list[Any]) -> s.ConditionNode:
        return children[0] if len(children) == 1 else s.AnyOf(tuple(children), span=self._span(meta))

    def all_of(self, meta: Any, children: list[Any]) -> s.ConditionNode:
        return children[0] if len(children) == 1 else s.AllOf(tuple(children), span=self._span(meta))

    def negation(self, meta: Any, children: list[Any]) -> s.Negation:
        return s.Negation(children[0], span=self._span(meta))

    def comparison_test(self, meta: Any, children: list[Any]) -> s.ComparisonTest:
        return s.ComparisonTest(self._name(children[0]), str(children[1]), children[2], span=self._span(meta))

    def membership_test(self, meta: Any, children: list[Any]) -> s.MembershipTest:
        return s.MembershipTest(self._name(children[0]), tuple(children[1:]), span=self._span(meta))

    def flag_test(self, meta: Any, children: list[Token]) -> s.FlagTest:
        return s.FlagTest(self._name(children[0]), span=self._span(meta))


def _clauses_and_facts(children: list[Any]) -> tuple[tuple[s.ClauseNode, ...], tuple[s.FactClauseNode, ...]]:
    """A rule's clauses over members, and its fact conditions (kept apart: all must hold)."""
    return (
        tuple(c for c in children if isinstance(c, s.ClauseNode)),
        tuple(c for c in children if isinstance(c, s.FactClauseNode)),
    )
