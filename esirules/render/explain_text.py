"""Render an explanation for the terminal: explanation objects in, a rich Tree out (rich is imported here and in explain_text_parts only)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from esirules.explain.judged import JudgedCase
from esirules.explain.objects import (
    AdjustmentExplanation,
    AggregateExplanation,
    BandExplanation,
    BandsExplanation,
    CarriedExplanation,
    Contribution,
    DescriptiveExplanation,
    GradingExplanation,
    GroupExplanation,
    ItemExplanation,
    ItemTargetExplanation,
    NumericalExplanation,
    OutcomeExplanation,
    OverallExplanation,
    QuestionExplanation,
    QuestionTargetExplanation,
    RuleRef,
    SectionExplanation,
    Visitor,
    shown_cases,
    visit,
)
from esirules.explain.scope import CaseExplanation, Explanation
from esirules.render.carried_words import CARRIED, carried_allowed, carried_source, carried_term
from esirules.render.explain_text_parts import (
    FAILS,
    HOLDS,
    add_band,
    add_bands,
    add_caps,
    add_changes,
    add_fact_condition,
    capped,
    outcome_tree,
    recorded_text,
    weight_set_at,
    where_text,
)
from esirules.render.headline import Headline
from esirules.render.terminal import Plain
from esirules.render.wording import (
    POOLING_FORMULAS,
    aggregate_display,
    column_parts,
    figure_lines,
    graded_one_by_one,
    higher_than,
    measure_comparison,
    measure_figure,
    pooled_into,
    uncounted,
)
from esirules.scoring.causes import Cause
from esirules.scoring.result import ColumnResult, QuestionResult
from esirules.words import (
    TO_TWO_PLACES,
    approx_percent,
    exact_percent_text,
    fraction_text,
    number_text,
    plural,
    rounding_text,
)


def explanation_tree(explanation: Explanation) -> RenderableType:
    """The whole explanation as one renderable: a tree per part."""
    return _Text(explanation).render()


def _items_count(count: int, weight: Fraction) -> str:
    """`8`, `16, weighing 24` (target items weigh more), or `1, none counted`."""
    if weight == 0:
        return f"{count}, none counted"
    return str(count) if weight == count else f"{count}, weighing {number_text(weight)}"


class _Text(Visitor[Tree]):
    def __init__(self, explanation: Explanation):
        self.x = explanation
        self.all_cases = explanation.all_cases
        self.whole_questions: dict[str, QuestionResult] = {}
        if explanation.where is not None:
            for criterion in explanation.column.criteria.values():
                self.whole_questions.update({q.id: q for q in criterion.questions})

    def render(self) -> RenderableType:
        x = self.x
        body = x.body if x.where is None else x.where.body
        column = x.column if x.where is None else x.where.column
        tree = visit(body, self)
        head = Group(tree.label, self.column_line(column)) if tree.label is not None else tree.label
        tree.label = head
        if x.case is not None:
            tree.children = []
            self.case(tree, x.case)
        elif x.excluded:  # (first: the cases behind every count below leave them out)
            self.groups(tree, "Cases the ruleset leaves out of this column", x.excluded)
            tree.children.insert(0, tree.children.pop())
        return tree

    # --- shared -----------------------------------------------------------------------------

    def column_line(self, column: ColumnResult) -> Text:
        x = self.x
        parts = column_parts(column, x.sample_label)
        if x.where is not None:
            parts.append(
                f"where {x.where.condition} (for all {x.column.cases} cases, {x.target.id} is {visit(x.body, Headline())})"
            )
        return Plain(" · ".join(parts), style="dim")

    def because(self, text: str, cause: Cause | None, style: str = "") -> Text:
        """A line saying why, then the rule its cause comes from (if it comes from the ruleset)."""
        out = Plain(text, style=style)
        rule = self.x.sources.cite(cause)
        return out if rule is None else out.append_text(where_text(rule))

    def case_list(self, parent: Tree, label: str, ids: Sequence[str], rule: RuleRef | None = None) -> None:
        shown, complete = shown_cases(ids, self.all_cases)
        text = Plain(f"{label} ({len(ids)})")
        if ids:
            text.append(": " + ", ".join(shown) + ("" if complete else f", … and {len(ids) - len(shown)} more"))
        if rule is not None:
            text.append_text(where_text(rule))
        parent.add(text)

    def groups(self, parent: Tree, label: str, groups: Sequence[GroupExplanation]) -> None:
        total = sum(len(g.group.cases) for g in groups)
        node = parent.add(Plain(f"{label} ({total})"))
        for group in groups:
            self.case_list(node, group.group.reason, group.group.cases, group.rule)

    def contribution(self, parent: Tree, c: Contribution | None, weight_rule: RuleRef | None = None) -> None:
        if c is None:
            return
        score = f"the {c.parent} score" + (f" of the cases where {c.subset}" if c.subset else "")
        if c.share is None or c.weight is None or c.value is None or c.total_weight is None:
            parent.add(self.because(f"Contribution to {score}: none — {c.reason or 'no reason given'}", c.cause))
            return
        figure = c.parent_display if c.subset is None else f"{c.parent_display}; all cases: {c.whole_display or 'none'}"
        text = Plain(
            f"Contribution to {score} ({figure}): weight × value ÷ Σ weights = "
            f"{number_text(c.weight)} × {fraction_text(c.value)} ÷ {number_text(c.total_weight)} = "
            f"{fraction_text(c.share)} ({approx_percent(c.share).removesuffix('%')} percentage points)"
        )
        if c.rule is not None:
            text.append_text(where_text(c.rule, line=False))
        parent.add(text if weight_rule is None else text.append_text(weight_set_at(weight_rule)))

    def adjustment(self, parent: Tree, a: AdjustmentExplanation | None) -> None:
        if a is None:
            return
        text = Plain("Adjustment: ", style="bold")
        if a.applied:
            text.append(f"computed {a.computed_grade} → final {a.grade}, by {a.by}")
        else:
            text.append(f"{a.grade} by {a.by} was NOT applied: {a.note or 'no reason given'}")
            rule = self.x.sources.cite(a.note_cause)
            if rule is not None:
                text.append_text(where_text(rule))
        node = parent.add(text.append_text(recorded_text(a.recorded)))
        node.add(Plain(f"why: {a.reason}", style="italic"))

    def bands(self, parent: Tree, b: BandsExplanation, title: str) -> None:
        add_bands(parent, b, title)

    def band(self, parent: Tree, band: BandExplanation, mark: bool = True) -> None:
        add_band(parent, band, mark)

    def carried(self, name: str, rule: RuleRef, k: CarriedExplanation) -> Tree:
        """A level carried forward: its earlier grade, where it comes from, the rule that allows it."""
        head = Plain(f"{name}: ", style="bold").append(k.result.grade, style="bold cyan").append(f" — {CARRIED}")
        tree = Tree(head.append_text(where_text(rule, line=False)))
        tree.add(Plain(f"Carried forward {carried_source(k.result)}").append_text(recorded_text(k.recorded)))
        tree.add(Plain(f"Allowed: {carried_allowed(k.result)}").append_text(where_text(k.rule)))
        return tree

    # --- bodies -----------------------------------------------------------------------------

    def section(self, body: SectionExplanation) -> Tree:
        return self.aggregate_target(body)

    def overall(self, body: OverallExplanation) -> Tree:
        return self.aggregate_target(body)

    def outcome(self, body: OutcomeExplanation) -> Tree:
        return outcome_tree(body, self.x.sources)

    def question_target(self, body: QuestionTargetExplanation) -> Tree:
        q, criterion = body.question, body.criterion
        r, c = q.result, criterion.criterion
        tree = Tree(Plain(r.id, style="bold").append(f" {r.text}: ").append(r.display, style="bold cyan")
                    .append_text(where_text(q.rule, line=False)))
        self.question_details(tree, q)
        figure = c.display if self.x.where is None else f"{c.display} where {self.x.where.condition}"
        part = Plain(f"Pooled into {c.id} {c.title} ({figure}): ", style="bold")
        if c.value is not None and r.excluded is None:
            part.append(pooled_into(c, r, [x.result for x in criterion.questions], criterion.pooling))
        else:
            part.append(r.excluded or c.reason or "")
        node = tree.add(part)
        node.add(self.pooling(criterion))
        return tree

    def pooling(self, body: NumericalExplanation) -> Text:
        """`Rule: pooled — Σ (weight × met) ÷ Σ (weight × applicable)` and where the rule is written."""
        formula = POOLING_FORMULAS.get(body.pooling, body.pooling)
        rule = Plain(f"Rule: {body.pooling} — {formula}")
        if not body.pooling_written:
            rule.append(" (the default: no `pooling:` line)", style="dim")
        # The `pooling:` line says no more than the rule above it: cite its place only.
        return rule.append_text(where_text(body.pooling_rule, line=not body.pooling_written))

    def item_target(self, body: ItemTargetExplanation) -> Tree:
        i, criterion = body.item, body.criterion
        tree = Tree(self.item_label(i))
        self.item_details(tree, i, full=True)
        c = criterion.criterion
        head = Plain(f"Graded in {c.id} {c.title}: ", style="bold").append(c.display, style="bold cyan")
        if criterion.adjustment is not None and criterion.adjustment.applied:
            head.append(f" (adjusted; computed {c.computed_grade})", style="cyan")
        node = tree.add(head.append_text(where_text(criterion.rule, line=False)))
        if criterion.grading is not None:
            self.grading(node, criterion.grading, i.result.id)
        return tree

    def numerical(self, body: NumericalExplanation) -> Tree:
        c = body.criterion
        if body.carried is not None:
            tree = self.carried(f"{c.id} {c.title}", body.rule, body.carried)
            self.contribution(tree, body.contribution)
            return tree
        head = Plain(f"{c.id} {c.title}: ", style="bold").append(c.display, style="bold cyan")
        if c.grade is not None:
            head.append(f" {c.grade}", style="bold cyan")
        tree = Tree(capped(head, c.uncapped_grade).append_text(where_text(body.rule, line=False)))
        if c.value is None:
            tree.add(self.because(f"not computable: {c.reason}", c.cause, "red"))
        tree.add(self.pooling(body))
        # Which answers are met is usually one rule for every question (`answers on ..., met
        # when ...`): cite it once here, and under a question only where it has its own.
        met_rules = {q.met_rule for q in body.questions if q.result.excluded is None}
        shared = met_rules.pop() if len(met_rules) == 1 else None
        header = Plain(f"Questions ({len(body.questions)})", style="bold")
        if shared is not None:
            header.append_text(where_text(shared))
        node = tree.add(header)
        for question in body.questions:
            self.question(node, question, shared)
        if c.questions:
            tree.add(self.pooled_sum(body))
        weight = f"Weight: {number_text(c.weight)}" + (f" ({c.weight_class})" if c.weight_class else "")
        tree.add(Plain(weight).append_text(where_text(body.weight_rule or body.rule)))
        self.contribution(tree, body.contribution)
        if body.bands is not None:
            self.bands(tree, body.bands, "Graded by bands")
        add_caps(tree, body.caps)
        self.adjustment(tree, body.adjustment)
        return tree

    def question(self, parent: Tree, q: QuestionExplanation, shared_met_rule: RuleRef | None = None) -> None:
        r = q.result
        weight = "" if r.weight == 1 else f" (weight {number_text(r.weight)})"
        text = Plain(r.id, style="bold").append(f" {r.text}{weight}").append_text(where_text(q.rule, line=False))
        if q.weight_rule is not None:
            text.append_text(weight_set_at(q.weight_rule))
        self.question_details(parent.add(text), q, shared_met_rule)

    def question_details(self, node: Tree, q: QuestionExplanation, shared_met_rule: RuleRef | None = None) -> None:
        r = q.result
        if r.excluded is not None:
            node.add(self.because(f"contributes nothing: {r.excluded}", r.exclusion, "yellow"))
        else:
            figure = Plain(f"{r.met} met of {r.applicable} applicable = ")
            figure.append(r.display, style="bold")
            whole = self.whole_questions.get(r.id)
            if whole is not None:
                figure.append(f"   (all cases in the column: {whole.met} of {whole.applicable} = {whole.display})", style="dim")
            node.add(figure)
        if q.applies is not None and q.applies_rule is not None:
            node.add(Plain(f"applies when {q.applies}").append_text(where_text(q.applies_rule, line=False)))
        if r.excluded is None:
            self.case_list(node, "not met", r.not_met_cases, None if q.met_rule == shared_met_rule else q.met_rule)
        if q.ratings and r.excluded is None:  # a judgement: its cases by rating, each with its rules
            rated = node.add(Plain("rated case by case from its prompts"))
            for rating in q.ratings:
                self.case_list(rated, rating.value, rating.cases)
                for rule in rating.rules:
                    rated.children[-1].add(Plain(rule.text, style="dim").append_text(where_text(rule, line=False)))
        if q.not_applicable:
            # The `applies when` line is cited once, above; other reasons cite their own rule.
            groups = [g if g.rule != q.applies_rule else GroupExplanation(g.group, None) for g in q.not_applicable]
            self.groups(node, uncounted(groups), groups)

    def pooled_sum(self, body: NumericalExplanation) -> Text:
        c = body.criterion
        counted = [q.result for q in body.questions if q.result.excluded is None]
        if body.pooling == "pooled":
            weighted = any(q.weight != 1 for q in counted)
            met = " + ".join((f"{number_text(q.weight)}×" if weighted else "") + str(q.met) for q in counted)
            app = " + ".join((f"{number_text(q.weight)}×" if weighted else "") + str(q.applicable) for q in counted)
            text = f"Score: ({met}) ÷ ({app}) = {fraction_text(c.met)} ÷ {fraction_text(c.applicable)}"
        else:
            answered = [q for q in counted if q.value is not None]
            terms = " + ".join(f"{number_text(q.weight)} × {q.met}/{q.applicable}" for q in answered)
            text = f"Score: ({terms}) ÷ {number_text(c.questions_weight or Fraction(0))}"
        out = Plain(text, style="bold")
        if c.value is not None:
            rounding = self.x.column.rounding
            out.append(f" = {exact_percent_text(c.value, rounding)}, shown as ")
            out.append(c.display, style="bold cyan")
            out.append(f" ({rounding_text(rounding)})")
        else:
            out.append(f": not computable — {c.reason}")
        return out

    # --- descriptive criteria -----------------------------------------------------------------

    def descriptive(self, body: DescriptiveExplanation) -> Tree:
        c = body.criterion
        if body.carried is not None:
            return self.carried(f"{c.id} {c.title}", body.rule, body.carried)
        head = Plain(f"{c.id} {c.title}: ", style="bold").append(c.display, style="bold cyan")
        if body.adjustment is not None and body.adjustment.applied:
            head.append(f" (adjusted; computed {c.computed_grade})", style="cyan")
        tree = Tree(capped(head, c.uncapped_grade).append_text(where_text(body.rule, line=False)))
        if c.grade is None:
            tree.add(self.because(f"not computable: {c.reason}", c.cause, "red"))
        node = tree.add(Plain(f"Items ({_items_count(len(body.items), c.items_weight)})", style="bold"))
        for item in body.items:
            self.item(node, item)
        if body.grading is not None:
            self.grading(tree, body.grading)
        add_caps(tree, body.caps)
        self.adjustment(tree, body.adjustment)
        if body.higher:
            higher = tree.add(Plain(f"Higher grades ({higher_than(c)})", style="bold"))
            for h in body.higher:
                grade = Plain(f"{h.grade}", style="bold")
                if c.adjustment is not None and c.adjustment.applied and c.grade == h.grade:
                    grade.append(" — the final grade, given by the adjustment, not by the rules", style="cyan")
                node = higher.add(grade)
                for why in h.why_not:
                    node.add(Plain(f"not reached: {why}"))
                add_changes(node, h.options, h.changes.reason)
        self.contribution(tree, body.contribution)
        return tree

    def item(self, parent: Tree, i: ItemExplanation) -> None:
        self.item_details(parent.add(self.item_label(i)), i)

    def item_label(self, i: ItemExplanation) -> Text:
        r = i.result
        weight = "" if r.weight == 1 else f" (weight {number_text(r.weight)})"
        text = Plain(r.id, style="bold").append(f" {r.text}{weight}: ")
        if r.rating is None:
            text.append(f"no rating — {r.reason}", style="red")
            rule = self.x.sources.cite(r.cause)
            if rule is not None and rule != i.rule:
                text.append_text(where_text(rule, line=False))
        else:
            text.append(r.rating, style="bold")
            if not r.counted:
                text.append(" (not counted)", style="dim")
            if r.measure is None:
                text.append_text(recorded_text(i.recorded))
        text.append_text(where_text(i.rule, line=False))
        return text if i.weight_rule is None else text.append_text(weight_set_at(i.weight_rule))

    def item_details(self, node: Tree, i: ItemExplanation, full: bool = False) -> None:
        r = i.result
        if r.measure is not None:
            mr = r.measure
            direction = " (lower is better)" if mr.lower_is_better else ""
            comparison = measure_comparison(mr.actual, mr.target, mr.unit, mr.performance, self.x.column.rounding)
            node.add(
                Plain(
                    f"from measure {mr.measure}{direction}: {comparison}; performance {mr.performance_display}"
                    + ("" if mr.performance is None else f" ({fraction_text(mr.performance)})")
                    + f"; national average {measure_figure(mr.national_average, mr.unit)}"
                ).append_text(recorded_text(i.recorded))
            )
        if i.bands is None:
            return
        if full:
            self.bands(node, i.bands, "rated by bands")
            return
        # In a criterion's list of items: the band that gave the rating, and why none above it did.
        chosen = i.bands.tried[-1]
        label = f"rated {i.bands.result.value} by bands {i.bands.result.bands}: {chosen.value}"
        if chosen.otherwise:
            label += " otherwise"
        else:
            label += " when " + " and ".join(f"{t.text} (found {t.found})" for t in chosen.tests)
        band_node = node.add(Plain(label).append_text(where_text(chosen.rule, line=False)))
        higher = [
            f"{b.value}: " + ", ".join(f"{t.text} (found {t.found})" for t in b.tests if not t.holds)
            for b in i.bands.tried[:-1]
        ]
        if higher:
            band_node.add(Plain("not higher: " + "; ".join(higher), style="dim"))

    def grading(self, parent: Tree, g: GradingExplanation, only: str | None = None) -> None:
        text = Plain(f"Grading {g.name}: rules tried in order, the first that holds gives the grade", style="bold")
        if g.cumulative:
            text.append(" (cumulative)")
        node = parent.add(text.append_text(where_text(g.rule, line=False)))
        for rule in g.rules:
            r = rule.result
            sign = HOLDS if r.holds else FAILS
            label = Plain(f"{sign} {r.grade}", style="bold" if r.chosen else "")
            if r.otherwise:
                label.append(" otherwise")
            if r.chosen:
                label.append(f"  ← gives {r.grade}", style="bold cyan")
            rule_node = node.add(label.append_text(where_text(rule.rule, line=False)))
            for clause in rule.clauses:
                mark = HOLDS if clause.result.holds else FAILS
                text = Plain(f"{mark} {clause.sentence}")
                if only is not None:
                    counted = only in clause.result.satisfying
                    inside = only in clause.result.domain
                    text.append(
                        f"  [{only}: {'counted' if counted else 'not counted' if inside else 'not in this clause'}]",
                        style="cyan",
                    )
                rule_node.add(text.append_text(where_text(clause.rule, line=False)))
            for f in rule.facts:
                add_fact_condition(rule_node, f)
            if r.gated_by:
                rule_node.add(Plain(f"lower grades not reached (cumulative): {', '.join(r.gated_by)}"))
        for cap in g.caps:
            r = cap.result
            label = Plain(f"{HOLDS if r.holds else FAILS} cap: no better than {r.grade}")
            if r.chosen:
                label.append("  ← lowered the grade", style="bold cyan")
            cap_node = node.add(label.append_text(where_text(cap.rule, line=False)))
            for clause in cap.clauses:
                cap_node.add(Plain(f"{HOLDS if clause.result.holds else FAILS} {clause.sentence}"))
            for f in cap.facts:
                add_fact_condition(cap_node, f)

    # --- sections and the overall -------------------------------------------------------------

    def aggregate_target(self, body: SectionExplanation | OverallExplanation) -> Tree:
        result = body.section if isinstance(body, SectionExplanation) else body.overall
        name = f"Section {body.section.id} {body.section.title}" if isinstance(body, SectionExplanation) else result.title
        if isinstance(body, SectionExplanation) and body.carried is not None:
            tree = self.carried(name, body.rule, body.carried)
            self.contribution(tree, body.contribution, body.weight_rule)
            return tree
        head = Plain(f"{name}: ", style="bold").append(aggregate_display(result), style="bold cyan")
        if result.grade is not None and result.value is not None:
            head.append(f" {result.grade}", style="bold cyan")
        if body.adjustment is not None and body.adjustment.applied:
            head.append(f" (adjusted; computed {result.computed_grade})", style="cyan")
        tree = Tree(capped(head, result.uncapped_grade).append_text(where_text(body.rule, line=False)))
        add_caps(tree, body.caps)
        self.adjustment(tree, body.adjustment)
        if graded_one_by_one(result):
            tree.add(self.because(str(result.reason), result.cause))
        elif result.value is None and result.grade is None:
            tree.add(self.because(f"not computable: {result.reason}", result.cause, "red"))
        if body.score is not None:
            self.aggregate(tree, body.score, "Score")
        if body.grading is not None:
            self.aggregate(tree, body.grading, "Grade")
        members = tree.add(Plain("Members", style="bold"))
        for member in body.members:
            text = Plain(f"{member.id} {member.title}: {member.display}")
            if member.reason and member.value is None:
                text.append(f" — {member.reason}", style="dim")
            members.add(text.append_text(where_text(member.rule, line=False)))
        if isinstance(body, SectionExplanation):
            self.contribution(tree, body.contribution, body.weight_rule)
        return tree

    def aggregate(self, parent: Tree, a: AggregateExplanation, what: str) -> None:
        r = a.result
        node = parent.add(Plain(f"{what}: {a.method}", style="bold").append_text(where_text(a.rule)))
        if r.kind == "weighted_mean":
            for t in a.terms:
                term = t.term
                weight = number_text(term.weight or Fraction(0))
                if term.value is None or t.product is None:
                    line = Plain(f"{term.member}: weight {weight} × — ({term.display})")
                    node.add(line if t.weight_rule is None else line.append_text(weight_set_at(t.weight_rule)))
                    continue
                line = Plain(f"{term.member}: weight {weight} × {approx_percent(term.value)} = {approx_percent(t.product)}")
                line.append(f"   exact: {weight} × {fraction_text(term.value)} = {fraction_text(t.product)}", style="dim")
                node.add(line if t.weight_rule is None else line.append_text(weight_set_at(t.weight_rule)))
            for e in r.excluded:
                node.add(self.because(f"{e.member}: left out — {e.reason}", e.cause, "dim"))
            if r.value is not None and a.total is not None and a.total_weight is not None:
                weights = " + ".join(number_text(t.term.weight or Fraction(0)) for t in a.terms)
                products = " + ".join(approx_percent(t.product) for t in a.terms if t.product is not None)
                value = approx_percent(r.value, self.x.column.rounding)
                total = Plain(f"Σ (weight × value) ÷ Σ weight = ({products}) ÷ ({weights}) = "
                              f"{approx_percent(a.total)} ÷ {number_text(a.total_weight)} = {value}, shown as ", style="bold")
                total.append(r.display, style="bold cyan").append(f" ({rounding_text(self.x.column.rounding)})")
                total_node = node.add(total)
                total_node.add(
                    Plain(
                        f"exact: {fraction_text(a.total)} ÷ {number_text(a.total_weight)} = {fraction_text(r.value)} "
                        f"({TO_TWO_PLACES})",
                        style="dim",
                    )
                )
                if r.renormalised:
                    node.add(Plain("renormalised: members without a figure are left out (the ruleset says so)", style="yellow"))
            else:
                node.add(self.because(f"not computable: {r.reason}", r.cause, "red"))
            return
        figures = r.kind in ("sum_banded", "mean_banded")
        for t in a.terms:
            points = "" if t.term.points is None else f" = {plural(t.term.points, 'point')}"
            if figures and t.term.points is not None:
                points = f" = {number_text(t.term.points)}"
            carried = "" if t.carried is None else carried_term(t.carried)
            node.add(Plain(f"{t.term.member}: {t.term.grade or 'no grade'}{carried}{points}"))
        for e in r.excluded:
            node.add(self.because(f"{e.member}: left out — {e.reason}", e.cause, "dim"))
        if r.kind == "points_total" and r.value is not None:
            node.add(Plain(f"total: {plural(r.value, 'point')}"))
        if figures:
            for shown in figure_lines(r):
                node.add(Plain(shown))
        if a.bands is not None:
            self.bands(node, a.bands, "banded by")
        if a.grading is not None:
            self.grading(node, a.grading)
        node.add(Plain(f"grade: {r.grade}" if r.grade else f"not computable: {r.reason}", style="bold"))

    # --- one case -------------------------------------------------------------------------------

    def judged(self, node: Tree, j: JudgedCase) -> None:
        """How a judgement rated the case: each prompt's answer, then the rule that gave the rating."""
        for prompt in j.prompts:
            text = Plain(f"{prompt.question}: ").append(prompt.answer or "(not answered)", style="bold")
            text.append(f" — {prompt.status}" + (f": {prompt.reason}" if prompt.reason else ""))
            node.add(text)
        if j.rule is not None:
            node.add(Plain(f"rated {j.rating} by: {j.rule.text}").append_text(where_text(j.rule, line=False)))
        else:
            node.add(Plain(f"not rated: {j.reason}", style="yellow"))

    def case(self, tree: Tree, c: CaseExplanation) -> None:
        head = Plain(f"Case {c.id}", style="bold")
        if c.sample:
            head.append(f" (sample {c.sample})")
        head.append(": in this column" if c.in_column else f": NOT in {c.outside} — {c.why_not_in_column}")
        node = tree.add(head.append_text(recorded_text(c.recorded)))
        node.add(Plain("Attributes: " + "; ".join(f"{name} {value}" for name, _, value in c.attributes)))
        by_criterion: dict[str, Tree] = {}
        for answer in c.answers:
            parent = by_criterion.get(answer.criterion)
            if parent is None:
                parent = by_criterion[answer.criterion] = node.add(Plain(answer.criterion, style="bold"))
            unanswered = "(not rated)" if answer.judged is not None else "(not answered)"
            text = Plain(f"{answer.question}: ").append(answer.answer or unanswered, style="bold")
            style = {"met": "green", "not met": "red"}.get(answer.status, "yellow")
            text.append(f" — {answer.status}", style=style)
            if answer.reason:
                text.append(f": {answer.reason}")
            added = parent.add(text)
            if answer.judged is not None:
                self.judged(added, answer.judged)
        if c.graded_from_items:
            node.add(Plain(f"graded from items, not from cases: {', '.join(c.graded_from_items)}", style="dim"))

