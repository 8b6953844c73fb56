"""Analyse outcomes (issue 11, point 5): the checked outcomes in, W125 and W126 out.

Every combination of what an outcome's rules read is tried: each grade tested, at each value of
its ladder; each score tested, at every percentage it is compared with and between them; and
the levels read by the earlier outcomes it reads, so those are decided in the same combination.
Each combination is decided by the semantics scoring uses (`semantics.level_test`,
`decide_outcome`). Grades are tried independently of one another, which a real inspection may
not allow (the overall is often the lowest of its sections), so the findings are of the kind
"no grades at all give this value", and an example combination is named for a gap.
An outcome that reads more than MAX_COMBINATIONS combinations is not analysed.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs

from esirules.language import model as m
from esirules.language import semantics
from esirules.language.check_outcomes import quoted
from esirules.language.context import CheckContext

MAX_COMBINATIONS = 4096

Key = tuple[str, str, str]  # (level, id, figure): what a test reads
Combination = Mapping[Key, semantics.Reading]


@attrs.frozen
class OutcomeSummary:
    """What the analysis found for one outcome (`esirules check --analysis`)."""

    name: str
    line: int
    combinations: int  # of what its rules read (0: too many to try)
    rules: tuple[tuple[str, bool, int, int, str | None], ...]  # value, otherwise, line, taken, first example
    undecided: int  # combinations no rule decides


def report(ctx: CheckContext, ruleset: m.Ruleset) -> tuple[OutcomeSummary, ...]:
    """W125 for a value no combination gives, W126 for a combination no rule decides (no `otherwise`);
    and what each rule takes."""
    out = []
    for outcome in ruleset.outcomes:
        if ctx.failed("outcome", outcome.name) or ctx.errors_within(outcome.span):
            continue
        keys = _keys(outcome, ruleset)
        domains = [_domain(key, outcome, ruleset) for key in keys]
        count = 1
        for domain in domains:
            count *= len(domain)
        if count > MAX_COMBINATIONS:
            out.append(OutcomeSummary(outcome.name, outcome.span.line, 0, (), 0))
            continue
        given: dict[str, Combination] = {}
        undecided: Combination | None = None
        holding: dict[str, Combination] = {}  # a value: a combination where one of its rules holds
        tried = outcome.tried()
        taken = [0] * len(tried)
        first: list[Combination | None] = [None] * len(tried)
        undecided_count = 0
        for values in itertools.product(*domains):
            combination = dict(zip(keys, values, strict=True))
            verdict, truths = _decide(outcome, ruleset, combination)
            if verdict.value is not None:
                given.setdefault(verdict.value, combination)
            else:
                undecided_count += 1
                undecided = undecided or combination
            if verdict.rule is not None:
                taken[verdict.rule] += 1
                first[verdict.rule] = first[verdict.rule] or combination
            for rule, truth in zip(tried, truths, strict=True):
                if truth is True and not rule.otherwise:
                    holding.setdefault(rule.value, combination)
        out.append(OutcomeSummary(
            outcome.name, outcome.span.line, count,
            tuple((rule.value, rule.otherwise, rule.span.line, n, None if c is None else _describe(c, keys))
                  for rule, n, c in zip(tried, taken, first, strict=True)),
            undecided_count,
        ))
        for value in outcome.values:
            if value not in given:
                _never(ctx, outcome, value, holding.get(value), keys)
        if undecided is not None and not any(r.otherwise for r in outcome.rules):
            ctx.warn(
                "W126",
                f"no rule of the outcome `{outcome.name}` holds when {_describe(undecided, keys)}, and it has no "
                "`otherwise`, so the outcome would not be computable",
                outcome.name_span or outcome.span,
                f"add a rule for it, or end the rules with a line such as `{quoted(outcome.values[-1])} otherwise`",
            )
    return tuple(out)


def _never(ctx: CheckContext, outcome: m.Outcome, value: str, holds_at: Combination | None, keys: Sequence[Key]) -> None:
    rules = [r for r in outcome.rules if r.value == value]
    span = rules[0].span if rules else outcome.value_spans[outcome.values.index(value)]
    if not rules:
        why, help_line = "no rule gives it", f"add a rule such as `{quoted(value)} when ...`, or remove it from the values"
    elif holds_at is None:
        why = "its rules never hold, whatever the grades and scores they read"
        help_line = "a rule's tests contradict each other; correct them"
    else:
        why = (f"whenever one of its rules holds, a value before it in the `values` line is given first "
               f"(for example when {_describe(holds_at, keys)})")
        help_line = "move it earlier in the `values` line, or make the rules before it narrower"
    ctx.warn("W125", f"the outcome `{outcome.name}` can never be `{value}`: {why}", span, help_line)


def _decide(
    outcome: m.Outcome, ruleset: m.Ruleset, combination: Combination
) -> tuple[semantics.OutcomeVerdict, list[semantics.Truth]]:
    """The outcome in one combination, and the truth of each rule (in `tried()` order)."""
    truths: list[semantics.Truth] = []
    for rule in outcome.tried():
        if rule.otherwise:
            truths.append(True)
            continue
        tested = [semantics.level_test(t, _reading(t, ruleset, combination), _ladder(t, ruleset)) for t in rule.tests]
        truths.append(semantics.rule_truth(tested))
    return semantics.decide_outcome(outcome, truths), truths


def _reading(test: m.LevelTest, ruleset: m.Ruleset, combination: Combination) -> semantics.Reading:
    if test.level == "outcome":
        return _decide(ruleset.outcome(test.id), ruleset, combination)[0].value
    return combination[(test.level, test.id, test.figure)]


def _ladder(test: m.LevelTest, ruleset: m.Ruleset) -> m.Scale | None:
    return ruleset.scale(test.ladder) if test.ladder else None


def _tests(outcome: m.Outcome, ruleset: m.Ruleset) -> list[m.LevelTest]:
    """Every test the outcome's rules read, and those of the earlier outcomes they read."""
    out: list[m.LevelTest] = []
    for rule in outcome.rules:
        for test in rule.tests:
            if test.level == "outcome":
                out += _tests(ruleset.outcome(test.id), ruleset)
            else:
                out.append(test)
    return out


def _keys(outcome: m.Outcome, ruleset: m.Ruleset) -> list[Key]:
    return list(dict.fromkeys((t.level, t.id, t.figure) for t in _tests(outcome, ruleset)))


def _domain(key: Key, outcome: m.Outcome, ruleset: m.Ruleset) -> Sequence[semantics.Reading]:
    tests = [t for t in _tests(outcome, ruleset) if (t.level, t.id, t.figure) == key]
    if key[2] == "grade":
        return list(ruleset.scale(tests[0].ladder).values) if tests[0].ladder else []
    # A score is a share from 0 to 1: try each threshold, and a point between each two.
    marks = sorted({Fraction(0), Fraction(1), *(t.threshold for t in tests if t.threshold is not None)})
    marks = [p for p in marks if 0 <= p <= 1]
    between = [(a + b) / 2 for a, b in itertools.pairwise(marks)]
    return sorted({*marks, *between})


def _describe(combination: Combination, keys: Sequence[Key]) -> str:
    parts = []
    for key in keys:
        level, level_id, figure = key
        name = "overall" if level == "overall" else f"{level} {level_id}"
        found = combination[key]
        if figure == "score" and isinstance(found, Fraction):
            parts.append(f"{name} score is {_percent(found)}")
        else:
            parts.append(f"{name} is {quoted(str(found))}")
    return " and ".join(parts)


def _percent(value: Fraction) -> str:
    shown = value * 100
    return f"{shown.numerator}%" if shown.denominator == 1 else f"{float(shown):g}%"
