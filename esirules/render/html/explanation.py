"""An explanation in HTML: explanation objects in, a tree of expandable parts (`<details>`) out.

It says what the terminal tree says, part for part (the figure and its rule, the questions with
their counts, the cases not met and why, the grading's rules tried in order, the adjustment with
who and why, each higher grade with the smallest change that reaches it, the contribution to the
parent's score), with each rule cited by its file and line, linked to that line when the page has
somewhere to send it. Dispatch on the kind of body is `explain.objects.visit`, as in every renderer;
each kind has its template under `templates/explain/`.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from esirules.explain.objects import (
    Body,
    DescriptiveExplanation,
    GroupExplanation,
    ItemTargetExplanation,
    NumericalExplanation,
    OutcomeExplanation,
    OverallExplanation,
    QuestionTargetExplanation,
    RuleRef,
    SectionExplanation,
    Visitor,
    shown_cases,
    visit,
)
from esirules.explain.scope import Explanation, Target
from esirules.render.carried_words import CARRIED, carried_allowed, carried_source, carried_term
from esirules.render.headline import Headline
from esirules.render.html.environment import NOWHERE, Links, environment, standalone
from esirules.render.wording import (
    POOLING_FORMULAS,
    aggregate_display,
    column_parts,
    figure_lines,
    graded_one_by_one,
    higher_than,
    pooled_into,
    recorded_place,
    shown_path,
    uncounted,
)
from esirules.scoring.causes import Cause
from esirules.scoring.result import ColumnResult
from esirules.words import (
    TO_TWO_PLACES,
    approx_percent,
    exact_percent_text,
    fraction_text,
    number_text,
    plural,
    rounding_text,
)

HOLDS, FAILS = "✓", "✗"


class Helpers:
    """What the templates call to cite a rule, list cases, link a target and write a figure."""

    def __init__(self, explanation: Explanation, links: Links):
        self.x = explanation
        self.links = links
        self.number = number_text
        self.fraction = fraction_text
        self.approx = approx_percent
        self.pooled_into = pooled_into
        self.aggregate_display = aggregate_display
        self.graded_one_by_one = graded_one_by_one
        self.higher_than = higher_than
        self.uncounted = uncounted
        self.plural = plural
        self.path = shown_path
        self.recorded = recorded_place
        self.figure_lines = figure_lines
        self.carried_words = CARRIED
        self.carried_source = carried_source
        self.carried_allowed = carried_allowed
        self.carried_term = carried_term

    def cite(self, rule: RuleRef | None, line: bool = True) -> Markup:
        """`esi-2003.esi:387` (a link to the line, where there is one) and the line's text."""
        if rule is None:
            return Markup("")
        where = f"{shown_path(rule.file)}:{rule.line}"
        href = self.links.rule(rule)
        place = (Markup('<a href="{}"><code>{}</code></a>').format(href, where) if href
                 else Markup("<code>{}</code>").format(where))
        text = Markup(' <code class="line">{}</code>').format(rule.text) if line and rule.text else Markup("")
        return Markup('<span class="rule-ref">{}{}</span>').format(place, text)

    def because(self, cause: Cause | None, line: bool = True) -> Markup:
        """The rule a cause comes from, if it comes from the ruleset."""
        return self.cite(self.x.sources.cite(cause), line)

    def cases(self, ids: Sequence[str]) -> Markup:
        shown, complete = shown_cases(ids, self.x.all_cases)
        parts = [self.case(case) for case in shown]
        more = "" if complete else f", … and {len(ids) - len(shown)} more"
        return Markup('<span class="cases">{}{}</span>').format(Markup(", ").join(parts), more)

    def case(self, case: str) -> Markup:
        href = self.links.case(case)
        return Markup('<a href="{}">{}</a>').format(href, case) if href else escape(case)

    def target(self, target: str, words: str | None = None) -> Markup:
        href = self.links.target(target)
        text = target if words is None else words
        return Markup('<a href="{}">{}</a>').format(href, text) if href else escape(text)

    @staticmethod
    def count(groups: Sequence[GroupExplanation]) -> int:
        """The cases in groups of cases (not applicable, or left out), for one cause each."""
        return sum(len(g.group.cases) for g in groups)

    def mark(self, holds: bool | None) -> Markup:
        """✓ or ✗ (and ? for an outcome's test whose level is not computable), with words for assistive technology."""
        sign, word, style = (
            ("?", "cannot be told", "unknown") if holds is None
            else (HOLDS, "holds", "holds") if holds else (FAILS, "does not hold", "fails")
        )
        return Markup('<span class="{}" aria-hidden="true">{}</span><span class="visually-hidden">{}</span>').format(
            style, sign, word)

    def formula(self, pooling: str) -> str:
        return POOLING_FORMULAS.get(pooling, pooling)

    exact = staticmethod(exact_percent_text)
    to_two_places = TO_TWO_PLACES
    rounding = staticmethod(rounding_text)

    def column_line(self, column: ColumnResult) -> str:
        return " · ".join(column_parts(column, self.x.sample_label))


class _Headline(Headline):
    """The figure, and a numerical criterion's grade beside its score."""

    def numerical(self, body: NumericalExplanation) -> str:
        c = body.criterion
        return c.display + (f" {c.grade}" if c.grade is not None and c.value is not None else "")


class _Body(Visitor[Markup]):
    def __init__(self, helpers: Helpers, whole: Body | None = None):
        self.h = helpers
        # With `--where`, each question's figure is followed by the whole column's.
        self.whole_questions = {}
        if whole is not None:
            for criterion in helpers.x.column.criteria.values():
                self.whole_questions.update({q.id: q for q in criterion.questions})

    def _render(self, name: str, body: Body) -> Markup:
        template = environment().get_template(f"explain/{name}.html.j2")
        return Markup(template.render(body=body, h=self.h, whole=self.whole_questions))

    def _carried(self, name: str, body: NumericalExplanation | DescriptiveExplanation | SectionExplanation) -> Markup:
        template = environment().get_template("explain/carried.html.j2")
        return Markup(template.render(body=body, h=self.h, name=name))

    def numerical(self, body: NumericalExplanation) -> Markup:
        if body.carried is not None:
            return self._carried(f"{body.criterion.id} {body.criterion.title}", body)
        return self._render("numerical", body)

    def descriptive(self, body: DescriptiveExplanation) -> Markup:
        if body.carried is not None:
            return self._carried(f"{body.criterion.id} {body.criterion.title}", body)
        return self._render("descriptive", body)

    def section(self, body: SectionExplanation) -> Markup:
        if body.carried is not None:
            return self._carried(f"Section {body.section.id} {body.section.title}", body)
        return self._render("aggregate", body)

    def overall(self, body: OverallExplanation) -> Markup:
        return self._render("aggregate", body)

    def question_target(self, body: QuestionTargetExplanation) -> Markup:
        return self._render("question", body)

    def item_target(self, body: ItemTargetExplanation) -> Markup:
        return self._render("item", body)

    def outcome(self, body: OutcomeExplanation) -> Markup:
        return self._render("outcome", body)


def heading(explanation: Explanation) -> str:
    """`B1 Assessment of risk of harm (Feb)`: what is explained, in which column."""
    return target_heading(explanation.target, explanation.column.label)


def target_heading(t: Target, column: str) -> str:
    name = (f"Section {t.id}: {t.title}" if t.kind == "section" else t.title if t.kind in ("overall", "outcome")
            else f"{t.id} {t.title}")
    return f"{name} ({column})"


def explanation_fragment(explanation: Explanation, links: Links = NOWHERE) -> Markup:
    """The explanation's parts, to place in a page under its `h1`."""
    helpers = Helpers(explanation, links)
    x = explanation
    where = x.where
    body = visit(x.body, _Body(helpers))
    subset = None if where is None else visit(where.body, _Body(helpers, x.body))
    template = environment().get_template("explanation.html.j2")
    return Markup(template.render(
        x=x, h=helpers, body=body, subset=subset,
        figure=visit(x.body, _Headline()),
        subset_figure=None if where is None else visit(where.body, _Headline()),
    ))


def explanation_page(explanation: Explanation) -> str:
    """The explanation as one self-contained page (`esirules explain --format html`)."""
    return standalone(heading(explanation), explanation_fragment(explanation),
                      subtitle=f"Why it scored as it did · {explanation.column.label}")
