"""Analyse case-level judgements (issue 11, point 8a): a checked judgement in, warnings about its rules out.

A judgement's rules are a grading's over its prompts (`language.semantics`), so every way a case
can answer the prompts (each prompt at any answer, or dropping out, but not all of them) is
decided as a grading's rating profiles are (`analysis_gradings.findings`), and a rule that no
answer profile reaches is reported (W150). Rules that name a prompt tell prompts apart, which the
profiles do not: such judgements are not analysed (their `otherwise` is required anyway, R155).
"""

from __future__ import annotations

import math

from esirules.language import model as m
from esirules.language.analysis_gradings import GradingFindings, ProfileWords, _subsets, findings
from esirules.language.analysis_profiles import Group, ItemSet
from esirules.language.context import CheckContext
from esirules.language.semantics import GradingMeaning
from esirules.words import plural


def analyse_judgements(ctx: CheckContext, ruleset: m.Ruleset) -> None:
    """W150 for each rule of a judgement that can never rate a case."""
    for question in ruleset.questions():
        judgement = question.judgement
        if judgement is None or ctx.errors_within(judgement.span):
            continue
        scale, rated_on = ruleset.scale(judgement.prompt_scale), ruleset.scale(question.scale)
        grading = judgement.grading(question)
        meaning = GradingMeaning.of(grading, scale, rated_on)
        if meaning.tells_items_apart:
            continue
        every = tuple(range(len(scale.values)))
        prompts = [(p.weight, every, True) for p in judgement.prompts]
        unit = math.lcm(*(w.denominator for w, _, _ in prompts))
        sets = tuple(
            sorted((ItemSet(groups, (question.id,)) for groups, _ in _subsets(prompts, unit)),
                   key=lambda s: (s.items, s.groups))
        )
        found = findings(meaning, sets, unit, grading.rules)
        _report(ctx, judgement, found, _PromptWords(found.pack, scale, unit))


def _report(ctx: CheckContext, judgement: m.Judgement, found: GradingFindings, words: ProfileWords) -> None:
    rules = judgement.rules
    for dead in found.unreachable:
        rule = rules[dead.rule]
        if dead.example is None:
            continue  # fits no way of answering at all: its clauses contradict each other (rare; not said)
        takers = [rules[j] for j in dead.takers]
        lines = " and ".join(str(r.span.line) for r in takers)
        ctx.warn(
            "W150",
            f"the rule `a case is {rule.grade}` can never rate a case: every way of answering the prompts it fits "
            f"is rated first by the rule{'s' if len(takers) > 1 else ''} at line {lines}, "
            f"for example {words.profile(dead.example)}",
            rule.span,
            f"move it above line {lines}, or change its clauses (for instance `at least 50% of prompts` "
            "where `the majority of prompts` cannot hold without `each prompt`)",
        )


class _PromptWords(ProfileWords):
    """Answer profiles in a judgement's words: `3 prompts counting, answered 2 `yes`, 1 `no``."""

    def _items(self, item_set: ItemSet, counts: tuple[tuple[Group, tuple[int, ...]], ...]) -> str:
        return f"{plural(item_set.items, 'prompt')} counting, answered {self._ratings(item_set, counts)}"



