"""An explanation's body in, the figure it is about out, as the sheet shows it (text, Markdown and HTML).

Its own module, not `wording`: `wording` serves the diagnostics of every command, and this needs
the explanation objects, which a plain `esirules check` should not import.
"""

from __future__ import annotations

from esirules.explain.objects import (
    DescriptiveExplanation,
    ItemTargetExplanation,
    NumericalExplanation,
    OutcomeExplanation,
    OverallExplanation,
    QuestionTargetExplanation,
    SectionExplanation,
    Visitor,
)


class Headline(Visitor[str]):
    """The figure an explanation is about, as the sheet shows it (text, Markdown and HTML alike)."""

    def numerical(self, body: NumericalExplanation) -> str:
        return body.criterion.display

    def descriptive(self, body: DescriptiveExplanation) -> str:
        return body.criterion.display

    def section(self, body: SectionExplanation) -> str:
        return body.section.display

    def overall(self, body: OverallExplanation) -> str:
        return body.overall.display

    def question_target(self, body: QuestionTargetExplanation) -> str:
        return body.question.result.display

    def item_target(self, body: ItemTargetExplanation) -> str:
        return body.item.result.rating or "no rating"

    def outcome(self, body: OutcomeExplanation) -> str:
        return body.outcome.display
