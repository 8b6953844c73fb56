"""Check case-level judgements (issue 11, point 8a): a `judgement` block's syntax in, a model question out.

A judgement is a question whose answer for a case is computed from the case's answers to the
judgement's prompts by rules worded as a grading's (`sufficient when each prompt is met`). Its
own options are a question's; its prompts are questions not pooled themselves. Codes R150–R159.
"""

from __future__ import annotations

from collections.abc import Callable

from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check_gradings import check_clauses
from esirules.language.context import CheckContext

QuestionChecker = Callable[[CheckContext, s.QuestionDecl, str], "m.Question | None"]


def check_judgement(
    ctx: CheckContext, d: s.JudgementDecl, criterion: str, options: QuestionChecker, prompt: QuestionChecker
) -> m.Question | None:
    """The judgement as a question of `criterion` (with its prompts and rules), or None if wrong.

    `options` checks the judgement's own options as a question's, `prompt` a prompt declaration
    (the structure checker's question checks, the second with its id's uniqueness)."""
    own = options(ctx, d.question, criterion)
    prompts = tuple(p for p in (prompt(ctx, p, criterion) for p in d.prompts) if p is not None)
    if own is None or len(prompts) != len(d.prompts):
        fail_judgement(ctx, d)
        return None
    if not prompts:
        ctx.error(
            "R150",
            f"judgement {own.id} has no prompts, so there is nothing to judge a case by",
            d.id.span,
            f'add the prompts it is judged by, e.g. `prompt {criterion}.risk "Was the risk of harm assessed?"`',
        )
        fail_judgement(ctx, d)
        return None
    scale_name = prompts[0].scale
    for other in prompts[1:]:
        if other.scale != scale_name or other.met != prompts[0].met:
            first = prompts[0]
            differs = (
                f"{first.id} is answered on `{scale_name}`, {other.id} on `{other.scale}`"
                if other.scale != scale_name
                else f"{first.id} and {other.id} are met by different answers"
            )
            ctx.error(
                "R151",
                f"the prompts of a judgement are answered on one scale and met alike, but {differs}",
                other.span,
                f"answer {other.id} `on {scale_name}` with the `met when` of {first.id}, or make it a prompt "
                "of another judgement",
            )
            fail_judgement(ctx, d)
            return None
    scale = ctx.scale_ref(s.Name(scale_name, span=d.prompts[0].span))
    if scale is None:
        fail_judgement(ctx, d)
        return None
    met = _met_as_comparison(ctx, prompts[0], scale)
    if met is None:
        fail_judgement(ctx, d)
        return None
    judged_on = ctx.scale_ref(s.Name(own.scale, span=d.question.span))
    if judged_on is None:
        fail_judgement(ctx, d)
        return None
    rules = _rules(ctx, d, judged_on, scale, met, {p.id for p in prompts})
    if rules is None:
        fail_judgement(ctx, d)
        return None
    judgement = m.Judgement(prompts, rules, scale.name, span=d.span)
    return m.Question(
        own.id, own.text, own.criterion, own.scale, own.met, own.source, own.applies, own.weight,
        span=own.span, met_span=own.met_span, changed_at=own.changed_at, judgement=judgement,
    )


def fail_judgement(ctx: CheckContext, d: s.JudgementDecl) -> None:
    """Record a judgement (and its prompts) as failed, so what names them is not reported again."""
    ctx.fail("question", d.id.text)
    for prompt in d.prompts:
        ctx.fail("question", prompt.id.text)


def _met_as_comparison(ctx: CheckContext, prompt: m.Question, scale: m.Scale) -> tuple[str, str] | None:
    """The prompts' `met when` as a comparison on their scale: (`at_least` or `exactly`, value)."""
    ranks = sorted(scale.rank(v) for v in prompt.met)
    if not ranks:
        return "at_least", scale.values[0]  # INVARIANT: a met rule names at least one value
    lowest = scale.value_at(ranks[0])
    if ranks == list(range(ranks[0], len(scale.values))):
        return "at_least", lowest
    if len(ranks) == 1:
        return "exactly", lowest
    listed = " or ".join(f"`{v}`" for v in scale.values if v in prompt.met)
    ctx.error(
        "R152",
        f"the prompts of a judgement are met when answered {listed}, which is not one answer or "
        "an answer and those better than it",
        prompt.met_span or prompt.span,
        f"write `met when` one answer (`met when {scale.values[0]}`), or an answer and those better than it "
        f"(`met when at least {scale.values[min(1, len(scale.values) - 1)]}`)",
    )
    return None


def _rules(
    ctx: CheckContext,
    d: s.JudgementDecl,
    judged_on: m.Scale,
    scale: m.Scale,
    met: tuple[str, str],
    prompts: set[str],
) -> tuple[m.GradeRule, ...] | None:
    out: list[m.GradeRule] = []
    ok = True
    for node in d.rules:
        value = ctx.on_scale(node.grade, judged_on)
        clauses = _clauses(ctx, node, scale, met, prompts)
        if value is None or clauses is None:
            ok = False
            continue
        out.append(m.GradeRule(value, clauses, node.otherwise, span=node.span))
    if not d.rules or not d.rules[-1].otherwise:
        at = d.rules[-1].span if d.rules else d.id.span
        ctx.error(
            "R155",
            f"judgement {d.id.text} has no `otherwise` rule last, so some cases would get no rating",
            at,
            f"end its rules with one such as `a case is {judged_on.values[-1]} otherwise`",
        )
        ok = False
    for node in d.rules[:-1]:
        if node.otherwise:
            ctx.error(
                "R051",
                "`otherwise` must be the last rule: the rules after it could never apply",
                node.span,
                "move the `otherwise` rule to the end",
            )
            ok = False
    return tuple(out) if ok else None


def _clauses(
    ctx: CheckContext, node: s.GradeRuleNode, scale: m.Scale, met: tuple[str, str], prompts: set[str]
) -> tuple[m.Clause, ...] | None:
    ok = True
    written: list[s.ClauseNode] = []
    is_met: list[bool] = []
    for clause in node.clauses:
        if clause.value is None:  # a figure clause (`sum of items ...`): gradings' only
            ctx.error(
                "R153",
                "a judgement's rules count its prompts met or their answers, not figures",
                clause.span,
                "write a clause such as `the majority of prompts are met` or `at least partly on each prompt`",
            )
            ok = False
            continue
        if clause.quantifier.kind != "named" and clause.quantifier.noun != "prompts":
            ctx.error(
                "R153",
                f"a judgement's rules count its prompts, not {clause.quantifier.noun}",
                clause.quantifier.span,
                f"write `prompts` (as in `the majority of prompts`) in place of `{clause.quantifier.noun}`",
            )
            ok = False
        if clause.member is not None and clause.member.text not in prompts:
            listed = ", ".join(f"`{p}`" for p in sorted(prompts))
            ctx.error(
                "R154",
                f"`{clause.member.text}` is not a prompt of this judgement",
                clause.member.span,
                f"name one of its prompts: {listed}",
            )
            ok = False
        meets = clause.comparison == "met" or (clause.member is not None and _says_met(clause.value, scale))
        is_met.append(meets)
        if meets:
            clause = s.ClauseNode(met[0], s.Value(met[1], span=clause.value.span), clause.quantifier, True,
                                  clause.member, span=clause.span)
        written.append(clause)
    checked = check_clauses(ctx, tuple(written), scale)
    if checked is None or not ok:
        return None
    return tuple(
        m.Clause(c.comparison, c.value, c.quantifier, c.member, span=c.span, met=meets)
        for c, meets in zip(checked, is_met)
    )


def _says_met(value: s.Value, scale: m.Scale) -> bool:
    """`B1.risk is met`: the word `met`, bare, where the prompts' scale has no answer `met`."""
    return value.text == "met" and not value.quoted and "met" not in scale.values

