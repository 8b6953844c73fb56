"""Explain a scored column: a ColumnResult (and the evaluator that scored it) in, explanation objects out.

Every figure here is read from the result tree that `score` produced; nothing is scored again
(the one exception is `counterfactual.smallest_changes`, which tries other ratings on purpose).
Rule references carry the ruleset file, line and column from the result tree's spans, with the
line's text taken from the ruleset sources the checker read. Case lists are the result tree's
own lists; renderers summarise long ones (`explain_objects.shown_cases`), so nothing here grows
with the number of cases. The objects are in explain_objects.py; targets, single cases and
subsets of cases in explain_scope.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from esirules.evidence.cases import Location
from esirules.explain.explain_levels import (
    caps_explained,
    carried_explained,
    facts_explained,
    outcome_explanation,
)
from esirules.explain.higher_grades import higher_grades
from esirules.explain.objects import (
    AdjustmentExplanation,
    AggregateExplanation,
    BandExplanation,
    BandsExplanation,
    Body,
    CapExplanation,
    CarriedExplanation,
    ClauseExplanation,
    Contribution,
    DescriptiveExplanation,
    FactConditionExplanation,
    FigureTestExplanation,
    GradingExplanation,
    GroupExplanation,
    HigherGrade,
    ItemExplanation,
    ItemTargetExplanation,
    MemberSummary,
    NumericalExplanation,
    OutcomeExplanation,
    OverallExplanation,
    QuestionExplanation,
    QuestionTargetExplanation,
    RatingExplanation,
    RuleExplanation,
    RuleRef,
    SectionExplanation,
    TargetKind,
    TermExplanation,
    condition_phrase,
)
from esirules.language import model as m
from esirules.scoring.causes import Cause
from esirules.scoring.compile import Evaluator
from esirules.scoring.facts import InspectionFacts
from esirules.scoring.result import (
    NOT_COMPUTABLE,
    AggregateResult,
    BandResult,
    CarriedForwardResult,
    CaseGroup,
    ClauseResult,
    ColumnResult,
    CriterionResult,
    FactConditionResult,
    ItemResult,
    OverallResult,
    QuestionResult,
    RuleResult,
    SectionResult,
)
from esirules.span import Span


@attrs.frozen
class Recorded:
    """Where the evidence records each item's rating and each measure's figures."""

    ratings: Mapping[str, Location] = attrs.field(factory=dict)
    measures: Mapping[str, Location | None] = attrs.field(factory=dict)

    def item(self, item: m.Item) -> Location | None:
        if item.measure is not None:
            return self.measures.get(item.measure)
        return self.ratings.get(item.id)


class Sources:
    """The ruleset texts the checker read, split into lines once, for rule references."""

    def __init__(self, texts: Mapping[str, str]):
        self._texts = texts
        self._lines: dict[str, list[str]] = {}

    def text(self, file: str) -> str | None:
        """A ruleset's whole text, as the checker read it (None if it did not)."""
        return self._texts.get(file)

    def cite(self, cause: Cause | None) -> RuleRef | None:
        """The ruleset text a cause comes from, if it comes from the ruleset."""
        return None if cause is None or cause.span is None else self.ref(cause.span)

    def ref(self, span: Span) -> RuleRef:
        if span.file not in self._lines:
            self._lines[span.file] = self._texts.get(span.file, "").splitlines()
        lines = self._lines[span.file]
        text = lines[span.line - 1].strip() if 1 <= span.line <= len(lines) else ""
        return RuleRef(span.file, span.line, span.column, span.end_line, span.end_column, text)


# ---------------------------------------------------------------------------------------------
# Building


class Explainer:
    """Builds explanations of one scored column (the evaluator is the one that scored it)."""

    def __init__(
        self,
        column: ColumnResult,
        evaluator: Evaluator,
        sources: Mapping[str, str] | Sources,
        adjustment_locations: Mapping[str, Location | None] | None = None,
        *,
        recorded: Recorded | None = None,
        whole: tuple[str, ColumnResult] | None = None,
    ):
        """`recorded`: where the evidence records ratings and target data; `whole`: for a subset of
        the column's cases, its condition and the whole column (a contribution names both figures)."""
        self.column = column
        self.evaluator = evaluator
        self.ruleset = evaluator.ruleset
        self.sources = sources if isinstance(sources, Sources) else Sources(sources)
        self.adjustment_locations = dict(adjustment_locations or {})
        self.recorded = recorded or Recorded()
        self.whole = whole
        self.facts = InspectionFacts.of_readings(self.ruleset, column.facts)

    def ref(self, span: Span) -> RuleRef:
        return self.sources.ref(span)

    # --- targets --------------------------------------------------------------------------

    def body(self, kind: TargetKind, target: str) -> Body:
        """The explanation of one target (ids as in the ruleset; "overall" for the overall)."""
        if kind == "criterion":
            return self.criterion(target)
        if kind == "section":
            return self.section(target)
        if kind == "overall":
            return self.overall()
        if kind == "outcome":
            return self.outcome(target)
        if kind == "question":
            criterion = self.ruleset_question(target).criterion
            numerical = self.criterion(criterion)
            assert isinstance(numerical, NumericalExplanation)
            question = next((q for q in numerical.questions if q.result.id == target), None)
            if question is None:  # the criterion is not computable here, so it has no question results
                question = self._placeholder_question(target, numerical.criterion)
            return QuestionTargetExplanation(question, numerical)
        item_model = next(i for i in self.ruleset.items() if i.id == target)
        # An item's explanation shows its part in the grade; the higher grades belong to the criterion's.
        descriptive = self.criterion(item_model.criterion, higher_grades=False)
        assert isinstance(descriptive, DescriptiveExplanation)
        item = next((i for i in descriptive.items if i.result.id == target), None)
        if item is None:
            blank = ItemResult(
                item_model.id, item_model.text, item_model.weight, None, False,
                cause=descriptive.criterion.cause, span=item_model.span,
            )
            item = ItemExplanation(blank, self.ref(item_model.span), None, weight_rule=self._weight_rule(item_model))
        return ItemTargetExplanation(item, descriptive)

    def ruleset_question(self, question_id: str) -> m.Question:
        return self.evaluator.questions[question_id].question

    def criterion(self, criterion_id: str, *, higher_grades: bool = True) -> NumericalExplanation | DescriptiveExplanation:
        result = self.column.criteria[criterion_id]
        if result.kind == "numerical":
            return self._numerical(result)
        return self._descriptive(result, higher_grades)

    # --- numerical criteria ---------------------------------------------------------------

    def _numerical(self, result: CriterionResult) -> NumericalExplanation:
        rule = self.ref(result.span)
        written = result.pooling_span is not None
        pooling_rule = self.ref(result.pooling_span) if result.pooling_span is not None else rule
        model = self.ruleset.criterion(result.id)
        questions = tuple(self._question(q) for q in result.questions)
        bands = None if result.bands is None else self.bands(result.bands)
        return NumericalExplanation(
            result,
            rule,
            result.pooling or model.pooling,
            written,
            pooling_rule,
            questions,
            self._criterion_contribution(result),
            bands,
            self._adjustment(result),
            weight_rule=self._weight_rule(model),
            caps=self._caps(result),
            carried=self._carried(result),
        )

    def _question(self, result: QuestionResult) -> QuestionExplanation:
        return self._question_explanation(result, tuple(self.group(g) for g in result.not_applicable))

    def _question_explanation(
        self, result: QuestionResult, groups: tuple[GroupExplanation, ...]
    ) -> QuestionExplanation:
        question = self.ruleset_question(result.id)
        applies = self.evaluator.questions[result.id].applies
        applies_rule = None if question.applies is None else self.ref(question.applies.span)
        phrase = None if question.applies is None else condition_phrase(question.applies, self.ruleset)
        met_span = result.met_span or question.met_span
        return QuestionExplanation(
            result,
            self.ref(result.span),
            None if applies is None else applies.text,
            applies_rule,
            groups,
            phrase,
            None if met_span is None else self.ref(met_span),
            self._weight_rule(question),
            self._ratings(question, result),
        )

    def _ratings(self, question: m.Question, result: QuestionResult) -> tuple[RatingExplanation, ...]:
        """A judgement's cases by rating, each with the rules that give that rating."""
        if question.judgement is None:
            return ()
        rules = question.judgement.rules
        return tuple(
            RatingExplanation(r.value, r.cases, tuple(self.ref(rule.span) for rule in rules if rule.grade == r.value))
            for r in result.ratings
        )

    def _weight_rule(self, element: m.Section | m.Criterion | m.Question | m.Item | None) -> RuleRef | None:
        """Where a derived ruleset's `change` set an element's weight (None if none did)."""
        if element is None:
            return None
        span = element.changed_by_derivation("weight") or element.changed_by_derivation("class")
        return None if span is None else self.ref(span)

    def group(self, group: CaseGroup) -> GroupExplanation:
        """Cases left out for one cause, with the rule it comes from (read from the cause)."""
        return GroupExplanation(group, self.sources.cite(group.cause))

    def _placeholder_question(self, question_id: str, criterion: CriterionResult) -> QuestionExplanation:
        question = self.ruleset_question(question_id)
        result = QuestionResult(
            question.id, question.text, question.weight, question.source, 0, 0, (), (), (), None,
            # (a criterion carried forward shows its earlier grade; its questions were not asked)
            NOT_COMPUTABLE if criterion.carried_forward is not None else criterion.display, criterion.cause, None,
            span=question.span, met_span=question.met_span,
        )
        return self._question_explanation(result, ())

    def excluded_cases(self) -> tuple[GroupExplanation, ...]:
        """Cases the ruleset left out of the column, by cause."""
        return tuple(self.group(g) for g in self.column.excluded_cases)

    # --- contributions --------------------------------------------------------------------

    def _criterion_contribution(self, result: CriterionResult) -> Contribution:
        section = self.column.sections.get(result.section)
        parent = f"section {result.section}"
        if section is None or section.score is None:
            span = result.span if section is None else section.span
            return Contribution(parent, "", cause=Cause("no_parent_score", f"section {result.section} has no score", span))
        whole = None if self.whole is None else self.whole[1].sections.get(result.section)
        return self._labelled(_contribution(parent, section.score, result.id), whole)

    def _section_contribution(self, result: SectionResult) -> Contribution | None:
        overall = self.column.overall
        if overall is None:
            return None
        if overall.score is None:
            return Contribution("overall", "", cause=Cause("no_parent_score", "the overall has no score", overall.span))
        whole = None if self.whole is None else self.whole[1].overall
        return self._labelled(_contribution("overall", overall.score, result.id), whole)

    def _labelled(self, contribution: Contribution, whole: SectionResult | OverallResult | None) -> Contribution:
        """The rule of the parent's score; for a subset, its condition and the parent's figure for all cases."""
        aggregate_span = self._parent_score_span(contribution.parent)
        rule = None if aggregate_span is None else self.ref(aggregate_span)
        if self.whole is None:
            return attrs.evolve(contribution, rule=rule)
        return attrs.evolve(
            contribution, rule=rule, subset=self.whole[0], whole_display=None if whole is None else whole.display
        )

    def _parent_score_span(self, parent: str) -> Span | None:
        if parent == "overall":
            overall = self.column.overall
            return None if overall is None or overall.score is None else overall.score.span
        section = self.column.sections.get(parent.removeprefix("section "))
        return None if section is None or section.score is None else section.score.span

    # --- bands and adjustments -------------------------------------------------------------

    def bands(self, result: BandResult) -> BandsExplanation:
        """A figure banded: every band tried, down to the one that gave the value."""
        tried = tuple(
            BandExplanation(
                band.value,
                band.otherwise,
                band.holds,
                self.ref(band.span),
                tuple(FigureTestExplanation(t.text, t.found, t.holds, self.ref(t.span)) for t in band.tests),
            )
            for band in result.tried
        )
        return BandsExplanation(result, self.ref(self.ruleset.band_set(result.bands).span), tried)

    def _adjustment(
        self, result: CriterionResult | SectionResult | OverallResult, key: str | None = None
    ) -> AdjustmentExplanation | None:
        found = result.adjustment
        if found is None:
            return None
        key = key if key is not None else getattr(result, "id", "overall")
        return AdjustmentExplanation(
            result.computed_grade,
            found.grade,
            found.by,
            found.reason,
            found.applied,
            found.note,
            self.adjustment_locations.get(key),
            found.cause,
        )

    # --- caps (issue 11, point 4) ---------------------------------------------------------

    def _caps(self, result: CriterionResult | SectionResult | OverallResult) -> tuple[CapExplanation, ...]:
        return caps_explained(result, self.ref)

    def _facts(self, facts: Sequence[FactConditionResult]) -> tuple[FactConditionExplanation, ...]:
        return facts_explained(facts, self.ref)

    def _carried(self, result: CriterionResult | SectionResult) -> CarriedExplanation | None:
        return carried_explained(result, self.ref)

    # --- descriptive criteria -------------------------------------------------------------

    def _descriptive(self, result: CriterionResult, higher_grades: bool = True) -> DescriptiveExplanation:
        model = self.ruleset.criterion(result.id)
        models = {i.id: i for i in model.items}
        items = tuple(
            ItemExplanation(
                item,
                self.ref(item.span),
                None if item.band is None else self.bands(item.band),
                self.recorded.item(models[item.id]) if item.id in models else None,
                self._weight_rule(models.get(item.id)),
            )
            for item in result.items
        )
        grading = None
        if result.trace is not None and model.grading is not None:
            grading = self._grading(model.grading, result.trace)
        higher: tuple[HigherGrade, ...] = ()
        if grading is not None and result.computed_grade is not None and higher_grades:
            higher = self._higher_grades(result, grading)
        return DescriptiveExplanation(
            result,
            self.ref(result.span),
            items,
            grading,
            higher,
            self._adjustment(result),
            Contribution(f"section {result.section}", "", cause=self._graded_not_scored(result)),
            weight_rule=self._weight_rule(model),
            caps=self._caps(result),
            carried=self._carried(result),
        )

    def _graded_not_scored(self, result: CriterionResult) -> Cause:
        """A descriptive criterion has no part in its section's score: cite the section's `score:` line."""
        section = self.column.sections.get(result.section)
        span = result.span
        if section is not None:
            span = section.span if section.score is None else section.score.span
        return Cause("graded_not_scored", "graded, not scored", span)

    def _grading(self, name: str, trace: object) -> GradingExplanation:
        from esirules.explain.counterfactual import is_monotone
        from esirules.scoring.result import GradingTrace

        assert isinstance(trace, GradingTrace)
        compiled = self.evaluator.gradings[name]
        grading = compiled.grading
        shown = []
        for rule, model_rule in zip(trace.rules, grading.rules):
            shown.append(self._rule(rule, rule.clauses, model_rule.clauses, rule.span))
            # A cumulative grading's choice depends on the lower grades' rules too: show them all.
            if rule.chosen and not trace.cumulative:
                break
        caps = tuple(
            self._rule(cap, cap.clauses, model_cap.clauses, cap.span)
            for cap, model_cap in zip(trace.caps, grading.caps)
        )
        return GradingExplanation(
            grading.name,
            self.ref(grading.span),
            compiled.ladder.values,
            compiled.item_scale.values,
            grading.cumulative,
            is_monotone(compiled),
            tuple(shown),
            caps,
            trace.rule_grade,
            trace.grade,
        )

    def _rule(
        self,
        result: object,
        clauses: Sequence[ClauseResult],
        models: Sequence[m.Clause],
        span: Span,
    ) -> RuleExplanation:
        from esirules.scoring.result import CapResult

        if isinstance(result, CapResult):  # a cap reads like a rule that gives its grade
            result = RuleResult(
                result.grade, False, result.clauses, result.holds, (), result.holds, result.applied,
                span=result.span, facts=result.facts,
            )
        assert isinstance(result, RuleResult)
        return RuleExplanation(
            result,
            self.ref(span),
            tuple(ClauseExplanation(c, mc, self.ref(c.span)) for c, mc in zip(clauses, models)),
            self._facts(result.facts),
        )

    def _higher_grades(self, result: CriterionResult, grading: GradingExplanation) -> tuple[HigherGrade, ...]:
        return higher_grades(result, grading, self.evaluator, self.facts, self.ref)

    # --- sections and the overall ---------------------------------------------------------

    def section(self, section_id: str) -> SectionExplanation:
        result = self.column.sections[section_id]
        members = tuple(
            self._criterion_summary(c) for c in self.column.criteria.values() if c.section == section_id
        )
        return SectionExplanation(
            result,
            self.ref(result.span),
            members,
            None if result.score is None else self._aggregate(result.score),
            None if result.grading is None else self._aggregate(result.grading),
            self._section_contribution(result),
            adjustment=self._adjustment(result, f"section {result.id}"),
            weight_rule=self._weight_rule(self.ruleset.section(result.id)),
            caps=self._caps(result),
            carried=self._carried(result),
        )

    def overall(self) -> OverallExplanation:
        overall = self.column.overall
        assert overall is not None
        named = {
            member
            for aggregate in (overall.score, overall.grading)
            if aggregate is not None
            for member in [*(t.member for t in aggregate.terms), *(e.member for e in aggregate.excluded)]
        }
        members = tuple(
            MemberSummary(s.id, s.title, "section", s.value, s.display, s.grade, s.cause, self.ref(s.span))
            for s in self.column.sections.values()
            if s.id in named or not named
        )
        return OverallExplanation(
            overall,
            self.ref(overall.span),
            members,
            None if overall.score is None else self._aggregate(overall.score),
            None if overall.grading is None else self._aggregate(overall.grading),
            adjustment=self._adjustment(overall, "overall"),
            caps=self._caps(overall),
        )

    # --- outcomes ---------------------------------------------------------------------------

    def outcome(self, name: str) -> OutcomeExplanation:
        return outcome_explanation(self.column, name, self.ref)

    def _criterion_summary(self, c: CriterionResult) -> MemberSummary:
        return MemberSummary(c.id, c.title, c.kind, c.value, c.display, c.grade, c.cause, self.ref(c.span))

    def _member_rule(self, result: AggregateResult, member: str) -> RuleRef | None:
        """Where a member of an aggregate is written: its criterion's or section's rule."""
        found: CriterionResult | SectionResult | None = (
            self.column.criteria.get(member) if result.members_kind == "criteria" else self.column.sections.get(member)
        )
        return None if found is None else self.ref(found.span)

    def _member_carried(self, result: AggregateResult, member: str) -> CarriedForwardResult | None:
        found: CriterionResult | SectionResult | None = (
            self.column.criteria.get(member) if result.members_kind == "criteria" else self.column.sections.get(member)
        )
        return None if found is None else found.carried_forward

    def _aggregate(self, result: AggregateResult) -> AggregateExplanation:
        members: dict[str, m.Section | m.Criterion] = (
            {s.id: s for s in self.ruleset.sections} if result.members_kind == "sections"
            else {c.id: c for c in self.ruleset.criteria()}
        )
        terms = tuple(
            TermExplanation(
                t, t.product, self._member_rule(result, t.member), self._weight_rule(members.get(t.member)),
                self._member_carried(result, t.member),
            )
            for t in result.terms
        )
        grading = None
        if result.trace is not None and result.using is not None:
            grading = self._grading(result.using, result.trace)
        return AggregateExplanation(
            result,
            self.ref(result.span),
            _method(result),
            terms,
            result.total_weight,
            result.total,
            None if result.band is None else self.bands(result.band),
            grading,
        )


def _contribution(parent: str, score: AggregateResult, member: str) -> Contribution:
    """A member's part in its parent's weighted mean, as the result tree records it (`Term.share`)."""
    display = score.display
    excluded = next((e for e in score.excluded if e.member == member), None)
    if excluded is not None:
        cause = excluded.cause.restated(f"left out of the {parent} score: {excluded.reason}")
        return Contribution(parent, display, cause=cause)
    term = next((t for t in score.terms if t.member == member), None)
    if term is None:
        return Contribution(
            parent, display, cause=Cause("not_a_member", f"not a member of the {parent} score", score.span)
        )
    if term.share is None:
        inner = score.cause or Cause("no_parent_score", "no reason given", score.span)
        cause = inner.restated(f"the {parent} score is not computable: {score.reason}")
        return Contribution(parent, display, term.weight, term.value, cause=cause)
    return Contribution(parent, display, term.weight, term.value, score.total_weight, term.share)


def _method(result: AggregateResult) -> str:
    if result.kind == "weighted_mean":
        return f"weighted mean of {result.members_kind}"
    if result.kind == "lowest_of":
        return f"lowest grade of the {result.members_kind}"
    if result.kind == "points_total":
        return f"points per grade ({result.using}), the total banded"
    if result.kind == "score_banded":
        return f"score banded by {result.using}"
    if result.kind == "sum_banded":
        return f"total of the numbers of the {result.members_kind}' grades, banded by {result.using}"
    if result.kind == "mean_banded":
        return f"mean of the numbers of the {result.members_kind}' grades, banded by {result.using}"
    return f"grading {result.using} over the {result.members_kind}"
