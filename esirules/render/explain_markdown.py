"""Render an explanation as report-ready Markdown: explanation objects in, findings in the report's style out.

Findings are written from the ruleset's own words: a question's text is a positive statement
("Risk of harm assessment at the start of supervision was satisfactory"), so a finding reads
"In 30% of the cases commencing February 2004 (9 of 30), risk of harm assessment at the start of
supervision was satisfactory." Samples are named by their label in the ruleset, subsets by the
condition in words ("where risk of harm is high or very high").
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from esirules.evidence.cases import Location
from esirules.explain.objects import (
    AggregateExplanation,
    Body,
    CapExplanation,
    CarriedExplanation,
    DescriptiveExplanation,
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
    lower_first,
    shown_cases,
    visit,
)
from esirules.explain.scope import CaseExplanation, Explanation
from esirules.render.carried_words import CARRIED, carried_allowed, carried_source
from esirules.render.wording import (
    POOLING_HOW,
    figure_lines,
    graded_one_by_one,
    measure_comparison,
    measure_figure,
    shown_path,
)
from esirules.scoring.result import ItemResult, OverallResult, SectionResult
from esirules.words import TO_TWO_PLACES, approx_percent, number_text, plural, rounding_text


def explanation_markdown(explanation: Explanation) -> str:
    """The explanation as Markdown findings, then the figures behind them."""
    return "\n".join(_Markdown(explanation).render()).rstrip() + "\n"


def cite(rule: RuleRef) -> str:
    return f"`{shown_path(rule.file)}` line {rule.line}"


def cite_recorded(location: Location | None) -> str:
    """`followup.yaml` line 23: where the evidence records a rating or target data."""
    if location is None:
        return ""
    if location.sheet is not None:  # (a row of a workbook's sheet)
        return f"`{shown_path(location.file)}`, sheet `{location.sheet}` row {location.line}"
    return f"`{shown_path(location.file)}`" + ("" if location.line is None else f" line {location.line}")


class _Markdown(Visitor[list[str]]):
    def __init__(self, explanation: Explanation):
        self.x = explanation
        self.subset = False  # rendering the subset's figures (`--where`), not the whole column's
        self.population = (
            "the cases" if explanation.sample_label is None else f"the {lower_first(explanation.sample_label)}"
        )
        self.where = None if explanation.where is None else explanation.where.phrase

    def render(self) -> list[str]:
        x = self.x
        out = [f"## {self.heading()}", ""]
        if x.case is not None:
            return out + self.case(x.case)
        for group in x.excluded:
            cases, complete = shown_cases(group.group.cases, x.all_cases)
            listed = ", ".join(cases) + ("" if complete else f" and {len(group.group.cases) - len(cases)} more")
            rule = "" if group.rule is None else f"; {cite(group.rule)}"
            out += [f"The ruleset leaves {plural(len(group.group.cases), 'case')} out of this column "
                    f"({group.group.reason}{rule}): {listed}.", ""]
        if x.where is not None:
            out += self.body(x.where.body, subset=True)
            out += ["", f"For comparison, all {self.population[4:]} in the column:", ""]
            out += self.body(x.body, subset=False)
        else:
            out += self.body(x.body, subset=False)
        return out

    def heading(self) -> str:
        t = self.x.target
        label = f"{t.id} {t.title}" if t.kind in ("criterion", "question", "item") else (
            f"Section {t.id}: {t.title}" if t.kind == "section" else t.title
        )
        suffix = f" ({self.x.column.label})"
        return label + suffix

    def among(self, subset: bool, extra: str | None = None, applicable: bool = False) -> str:
        """`the cases commencing February 2004 where risk of harm is high or very high`."""
        words = self.population
        if applicable:
            words = words.replace("the ", "the applicable ", 1)
        conditions = [c for c in ((self.where if subset else None), extra) if c]
        conditions = list(dict.fromkeys(conditions))
        if len(conditions) > 1:
            conditions = [f"({c})" if " or " in c else c for c in conditions]
        if conditions:
            words += " where " + " and ".join(conditions)
        return words

    # --- bodies -------------------------------------------------------------------------------

    def body(self, body: Body, subset: bool) -> list[str]:
        self.subset = subset
        return visit(body, self)

    def question_target(self, body: QuestionTargetExplanation) -> list[str]:
        criterion = body.criterion
        if criterion.carried is not None:
            q = body.question.result
            name = f"Criterion {criterion.criterion.id}, {lower_first(criterion.criterion.title)},"
            return [f"- {q.text} ({q.id}) was not asked this time.", "", *self.carried(name, criterion.carried)]
        return [self.finding(body.question, self.subset), "", *self.numerical_summary(body.criterion, self.subset)]

    def item_target(self, body: ItemTargetExplanation) -> list[str]:
        return [self.item_finding(body.item), "", *self.descriptive(body.criterion)]

    def section(self, body: SectionExplanation) -> list[str]:
        return self.aggregate_target(body, self.subset)

    def overall(self, body: OverallExplanation) -> list[str]:
        return self.aggregate_target(body, self.subset)

    def outcome(self, body: OutcomeExplanation) -> list[str]:
        r = body.outcome
        out = [f"Values, in precedence order: {' > '.join(r.values)}.", ""]
        if r.value is None:
            out.append(f"The {lower_first(r.label)} could not be given: {r.reason or 'no reason given'}.")
        else:
            chosen = next(rule for rule in body.tried if rule.result.chosen)
            why = "no rule above it held" if chosen.result.otherwise else "each test of its rule held"
            out.append(f"The {lower_first(r.label)} was **{r.value}**: {why} ({cite(chosen.rule)}).")
        out += ["", "| rule | test | found | holds |", "|---|---|---|---|"]
        marks = {True: "yes", False: "no", None: "unknown"}
        for rule in body.tried:
            head = f"{rule.result.value} {'otherwise' if rule.result.otherwise else 'when'} ({cite(rule.rule)})"
            if not rule.tests:
                out.append(f"| {head} | | | {marks[rule.result.holds]} |")
            for number, test in enumerate(rule.tests):
                t = test.result
                found = t.found + (f" — {t.cause.words}" if t.cause is not None else "")
                out.append(f"| {head if number == 0 else ''} | {t.text} | {found} | {marks[t.holds]} |")
        return out

    def finding(self, q: QuestionExplanation, subset: bool) -> str:
        r = q.result
        statement = lower_first(r.text).rstrip(".")
        condition = q.applies_phrase
        applicable = any(g.group.cause.kind in ("answered_not_applicable", "not_answered") for g in q.not_applicable)
        who = self.among(subset, condition, applicable)
        if r.excluded is not None:
            rule = self.x.sources.cite(r.exclusion)
            return f"- {r.text} ({r.id}) was not scored: {r.excluded}" + (f" ({cite(rule)})." if rule else ".")
        if r.value is None:
            return f"- None of {who} could be assessed on this: {r.text.lower()} ({r.id}; {r.reason or 'no reason given'})."
        share = "none" if r.met == 0 else "all" if r.met == r.applicable else r.display
        rated = ""
        if q.ratings:  # a judgement: how many cases each rating, from the case's prompts
            counts = ", ".join(f"{rating.value} {plural(len(rating.cases), 'case')}" for rating in q.ratings)
            rated = f" Each case was rated from its prompts: {counts}."
        if subset:
            return f"- Of {who}, {statement} in {r.display} ({r.met} of {r.applicable}).{rated}"
        return f"- In {share} of {who} ({r.met} of {r.applicable}), {statement}.{rated}"

    def carried(self, name: str, k: CarriedExplanation) -> list[str]:
        """A level whose grade is carried forward from an earlier inspection: never shown as computed."""
        recorded = cite_recorded(k.recorded)
        return [
            f"{name} was **{k.result.grade}** ({CARRIED}), {carried_source(k.result)}"
            + (f" ({recorded})" if recorded else "") + ".",
            "",
            f"Not inspected this time; {carried_allowed(k.result)} ({cite(k.rule)}).",
        ]

    def numerical(self, body: NumericalExplanation) -> list[str]:
        subset = self.subset
        if body.carried is not None:
            return self.carried(f"Criterion {body.criterion.id}, {lower_first(body.criterion.title)},", body.carried)
        return self.numerical_summary(body, subset) + self.caps(body.caps) + [""] + [
            self.finding(q, subset) for q in body.questions
        ] + [""] + self.question_table(body)

    def numerical_summary(self, body: NumericalExplanation, subset: bool) -> list[str]:
        c = body.criterion
        who = self.among(subset)
        if c.value is None:
            return [f"Criterion {c.id}, {lower_first(c.title)}, could not be scored for {who}: {c.reason or 'no reason given'}."]
        counted = [q for q in body.questions if q.result.excluded is None]
        how = POOLING_HOW.get(body.pooling, body.pooling)
        if body.pooling == "mean of questions":  # (its answers are not pooled: their count is not its figure)
            shown = [q.result for q in counted if q.result.applicable and q.result.value is not None]
            figures = ", ".join(f"{q.id} {q.display}" for q in shown)
            mean = "the mean by weight" if any(q.result.weight != 1 for q in body.questions) else "the mean"
            said = f"{mean} of its {plural(len(shown), 'question')}' figures, {figures}"
        else:
            said = (f"{number_text(c.met)} of the {number_text(c.applicable)} applicable answers to its "
                    f"{plural(len(counted), 'question')} met the standard")
        text = f"For {who}, criterion {c.id}, {lower_first(c.title)}, scored **{c.display}**: {said} ({how}; {cite(body.pooling_rule)})."
        contribution = body.contribution
        if contribution.share is not None and contribution.weight is not None:
            points = approx_percent(contribution.share).removesuffix("%")
            text += (
                f" With weight {number_text(contribution.weight)}"
                + (f" ({c.weight_class})" if c.weight_class else "")
                + (f" (set at {cite(body.weight_rule)})" if body.weight_rule else "")
                + f" it accounts for {points} percentage points"
            )
            if contribution.subset is None:
                text += f" of the {contribution.parent} score of {contribution.parent_display}."
            else:
                text += (
                    f" of these cases' {contribution.parent} score of {contribution.parent_display}"
                    f" (for all of them, the sheet's {contribution.parent} score is {contribution.whole_display})."
                )
        return [text]

    def question_table(self, body: NumericalExplanation) -> list[str]:
        rows = ["| Question | Met | Applicable | Score | Rule |", "|---|---:|---:|---:|---|"]
        for q in body.questions:
            r = q.result
            if r.excluded is not None:
                rule = self.x.sources.cite(r.exclusion)
                rows.append(f"| {r.id} {r.text} | | | not scored: {r.excluded} | {cite(rule) if rule else ''} |")
            else:
                rows.append(f"| {r.id} {r.text} | {r.met} | {r.applicable} | {r.display} | {cite(q.rule)} |")
        c = body.criterion
        if c.value is not None:
            rows.append(
                f"| **{c.id}** ({body.pooling}) | {number_text(c.met)} | {number_text(c.applicable)} | **{c.display}** "
                f"| {cite(body.pooling_rule)} |"
            )
        return rows

    # --- descriptive ----------------------------------------------------------------------------

    def descriptive(self, body: DescriptiveExplanation) -> list[str]:
        c = body.criterion
        if body.carried is not None:
            return self.carried(f"Criterion {c.id}, {lower_first(c.title)},", body.carried)
        if c.grade is None:
            return [f"Criterion {c.id}, {lower_first(c.title)}, could not be graded: {c.reason or 'no reason given'}."]
        head = f"Criterion {c.id}, {lower_first(c.title)}, was graded **{c.grade}**"
        adjustment = body.adjustment
        if adjustment is not None and adjustment.applied:
            head += (
                f": the grading's rules gave {c.computed_grade}, and it was adjusted to {adjustment.grade}"
                f" by {adjustment.by} ({adjustment.reason.rstrip('.')})."
            )
        else:
            head += "."
            if adjustment is not None:
                note = adjustment.note or "no reason given"
                head += f" An adjustment to {adjustment.grade} by {adjustment.by} was not applied: {note}."
        out = [head, *self.caps(body.caps), "", self.ratings(body)]
        grading = body.grading
        if grading is not None:
            chosen = next((r for r in grading.rules if r.result.chosen), None)
            if chosen is not None:
                held = "; ".join([*(cl.sentence for cl in chosen.clauses), *(f.sentence for f in chosen.facts)])
                held = held or "otherwise"
                out += ["", f"The grading's rules gave {chosen.result.grade} ({cite(chosen.rule)}): {held}."]
        if body.higher:
            nearest, *others = body.higher
            given = c.adjustment is not None and c.adjustment.applied and c.grade == nearest.grade
            subject = f"The rules did not give {nearest.grade} (the adjustment did)" if given else (
                f"{nearest.grade} was not reached")
            line = f"{subject} because {'; '.join(nearest.why_not)}."
            if nearest.options:
                changes = ", ".join(
                    f"{self.item_name(body, ch.item)} from {ch.rating} to {ch.to}" for ch in nearest.options[0]
                )
                line += f" The smallest change in the ratings that would reach it: {changes}."
            elif nearest.changes.reason:
                line += f" No change in the ratings reaches it: {nearest.changes.reason}."
            out += ["", line]
            if others:
                sizes = "; ".join(
                    f"{h.grade}, {plural(len(h.options[0]), 'item')} ({plural(sum(ch.steps for ch in h.options[0]), 'step')})"
                    if h.options
                    else f"{h.grade}, none ({h.changes.reason})"
                    for h in others
                )
                out += ["", f"Smallest changes for the grades above: {sizes}."]
        return [*out, "", *self.items_table(body)]

    def caps(self, caps: Sequence[CapExplanation]) -> list[str]:
        """Each cap that lowered the grade: computed → capped, its line, the facts and where recorded."""
        out = []
        for cap in caps:
            facts = "; ".join(
                f.sentence + "".join(f", recorded at {cite_recorded(r.location)}" for r in f.result.facts if r.location)
                for f in cap.conditions
            )
            out.append(
                f"The rules gave {cap.before}, capped to **{cap.result.grade}**: no better than {cap.result.grade} "
                f"({cite(cap.rule)}) because {facts}."
            )
        return out

    def items_table(self, body: DescriptiveExplanation) -> list[str]:
        """Every item's rating and where it comes from: the evidence, or target data and the bands."""
        rows = ["| Item | Weight | Rating | From |", "|---|---:|---|---|"]
        for item in body.items:
            r = item.result
            recorded = cite_recorded(item.recorded)
            if r.rating is None:
                rating, source = "not rated", r.reason or ""
            elif item.bands is not None:
                chosen = item.bands.tried[-1]
                rating = r.rating
                source = f"bands {item.bands.result.bands} ({cite(chosen.rule)}), target data {recorded}".rstrip(", ")
            else:
                rating, source = r.rating, recorded
            rows.append(f"| {r.id} {r.text} | {number_text(r.weight)} | {rating} | {source} |")
        return rows

    def item_name(self, body: DescriptiveExplanation, item_id: str) -> str:
        item = next((i for i in body.items if i.result.id == item_id), None)
        if item is None:
            return item_id
        if item.result.measure is not None:
            return lower_first(item.result.measure.label)
        return f"“{item.result.text}”"

    def ratings(self, body: DescriptiveExplanation) -> str:
        scale = list(body.grading.item_scale) if body.grading is not None else []
        groups: dict[str, list[str]] = {rating: [] for rating in scale}
        for item in body.items:
            r = item.result
            name = (
                f"{lower_first(r.measure.label)} ({self.comparison(r)})" if r.measure is not None else lower_first(r.text)
            )
            groups.setdefault(r.rating or "not rated", []).append(name)
        parts = [
            f"{rating} on {plural(len(names), 'item')} ({'; '.join(names)})" for rating, names in groups.items() if names
        ]
        return "Performance was " + ", ".join(parts) + "."

    def item_finding(self, item: ItemExplanation) -> str:
        r = item.result
        if r.rating is None:
            return f"Item {r.id} ({r.text}) has no rating: {r.reason}."
        text = f"Performance on “{r.text}” ({r.id}) was rated {r.rating}"
        if r.measure is not None and item.bands is not None:
            chosen = item.bands.tried[-1]
            text += (
                f" ({self.comparison(r)}; performance {r.measure.performance_display}, national average"
                f" {measure_figure(r.measure.national_average, r.measure.unit)}): bands {item.bands.result.bands}"
                f" give {chosen.value} ({cite(chosen.rule)})"
            )
        elif item.recorded is not None:
            text += f" ({cite_recorded(item.recorded)})"
        return text + "."

    def comparison(self, item: ItemResult) -> str:
        """`10.7 days against a target of 9: 16% worse than target`, as the terminal says it."""
        m = item.measure
        assert m is not None
        return measure_comparison(m.actual, m.target, m.unit, m.performance, self.x.column.rounding)

    # --- sections and the overall -------------------------------------------------------------------

    def aggregate_target(self, body: SectionExplanation | OverallExplanation, subset: bool) -> list[str]:
        who = self.among(subset)
        result: SectionResult | OverallResult
        if isinstance(body, SectionExplanation):
            result = body.section
            if body.carried is not None:
                return self.carried(f"Section {result.id}, {lower_first(result.title)},", body.carried)
            name = f"The score for section {result.id}, {lower_first(result.title)},"
        else:
            result = body.overall
            name = f"The {lower_first(result.title)}"
        if graded_one_by_one(result):  # (by design: not a figure that could not be given)
            subject = f"Section {result.id}, {lower_first(result.title)}," if isinstance(result, SectionResult) else name
            return [f"{subject} has {result.reason}."]
        if result.value is None and result.grade is None:
            return [f"{name} could not be given for {who}: {result.reason or 'no reason given'}."]
        out = []
        if body.score is not None and result.value is not None:
            out.append(f"{name} was **{result.display}** for {who}: {self.terms_sentence(body.score)}.")
        adjustment = body.adjustment
        if adjustment is not None and adjustment.applied:
            out.append(
                f"Its grade was **{result.grade}**: {body.grading.method if body.grading else 'the grade line'} gave "
                f"{result.computed_grade}, and it was adjusted to {adjustment.grade} by {adjustment.by} "
                f"({adjustment.reason.rstrip('.')})."
            )
        elif result.grade is not None:
            out.append(f"Its grade was **{result.grade}** ({body.grading.method if body.grading else 'graded'}).")
        grading = body.grading.result if body.grading is not None else None
        if grading is not None and grading.kind in ("sum_banded", "mean_banded"):
            members = ", ".join(f"{t.member} {t.grade} = {number_text(t.points)}" for t in grading.terms if t.points is not None)
            out.append(f"Members: {members or 'none rated'}; " + "; ".join(figure_lines(grading)) + ".")
        out += self.caps(body.caps)
        out += self.carried_members(body)
        if adjustment is not None and not adjustment.applied:
            out.append(f"An adjustment to {adjustment.grade} by {adjustment.by} was not applied: {adjustment.note}.")
        if body.score is not None:
            out += ["", *self.terms_table(body.score)]
        return out

    def carried_members(self, body: SectionExplanation | OverallExplanation) -> list[str]:
        """Members whose grades are carried forward, each with where it comes from."""
        terms = [t for a in (body.score, body.grading) if a is not None for t in a.terms if t.carried is not None]
        return [
            f"The grade of {t.term.member}, {t.term.grade}, is {CARRIED}: {carried_source(t.carried)}."
            for t in {t.term.member: t for t in terms}.values() if t.carried is not None
        ]

    def terms_sentence(self, a: AggregateExplanation) -> str:
        terms = ", ".join(
            f"{t.term.member} {t.term.display} (weight {number_text(t.term.weight or Fraction(0))}"
            + (f", set at {cite(t.weight_rule)})" if t.weight_rule else ")")
            for t in a.terms
        )
        left = "; ".join(f"{e.member} is left out ({e.reason})" for e in a.result.excluded)
        return f"the {a.method} {terms}" + (f"; {left}" if left else "")

    def terms_table(self, a: AggregateExplanation) -> list[str]:
        rows = ["| Member | Weight | Score | Weight × score | Rule |", "|---|---:|---:|---:|---|"]
        for t in a.terms:
            product = "" if t.product is None else approx_percent(t.product)
            value = t.term.display if t.term.value is None else approx_percent(t.term.value)
            rule = "" if t.rule is None else cite(t.rule)
            rows.append(f"| {t.term.member} | {number_text(t.term.weight or Fraction(0))} | {value} | {product} | {rule} |")
        if a.result.value is not None and a.total is not None and a.total_weight is not None:
            rows.append(
                f"| **Total** | {number_text(a.total_weight)} | **{a.result.display}** "
                f"({approx_percent(a.total)} ÷ {number_text(a.total_weight)}) | {approx_percent(a.total)} | {cite(a.rule)} |"
            )
            rows += ["", f"The total is shown rounded ({rounding_text(self.x.column.rounding)}); {TO_TWO_PLACES}."]
        return rows

    # --- one case -----------------------------------------------------------------------------------

    def case(self, c: CaseExplanation) -> list[str]:
        where = "" if c.recorded is None else f" (recorded at {cite_recorded(c.recorded)})"
        out = [f"Case **{c.id}**{where}" + ("." if c.in_column else f" is not in {c.outside}: {c.why_not_in_column}."), ""]
        out.append("Attributes: " + "; ".join(f"{lower_first(label)}: {value}" for _, label, value in c.attributes) + ".")
        out += ["", "| Criterion | Question | Answer | Counted as |", "|---|---|---|---|"]
        judged = []
        for a in c.answers:
            status = a.status + (f" ({a.reason})" if a.reason else "")
            unanswered = "not rated" if a.judged is not None else "not answered"
            out.append(f"| {a.criterion} | {a.question} {a.text} | {a.answer or unanswered} | {status} |")
            if a.judged is not None:
                judged.append((a.question, a.judged))
        for question, j in judged:
            out += ["", f"{question} was rated from its prompts:", "", "| Prompt | Answer | Counted as |", "|---|---|---|"]
            for p in j.prompts:
                status = p.status + (f" ({p.reason})" if p.reason else "")
                out.append(f"| {p.question} {p.text} | {p.answer or 'not answered'} | {status} |")
            rule = f"rated **{j.rating}** by `{j.rule.text}` ({cite(j.rule)})" if j.rule else f"not rated: {j.reason}"
            out += ["", rule[0].upper() + rule[1:] + "."]
        if c.graded_from_items:
            out += ["", "Graded from items, not from cases: " + ", ".join(c.graded_from_items) + "."]
        return out

