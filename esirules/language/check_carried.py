"""Check `may carry forward for …` (issue 11, point 6): a level's syntax parts in, its model period out.

A criterion or section may carry an earlier grade forward only if it has a grade of its own to
carry (a `grade:` line; a criterion graded by a grading or bands), so the evidence's grade can
be checked against a ladder. A carried-forward level has a grade and no score, so a weighted
mean that may not leave out a member with no data is warned of (W140).
"""

from __future__ import annotations

from collections.abc import Iterable

from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.context import CheckContext
from esirules.span import Span
from esirules.words import plural


def carry_forward(
    ctx: CheckContext, parts: tuple[s.CarryForward, ...], what: str, graded: bool, name_span: Span
) -> m.CarryForward | None:
    """The period `what` (`criterion A1`, `section safe`) may carry forward, or None.

    `graded`: whether the level has a grade to carry (R142 otherwise)."""
    if not parts:
        return None
    first = parts[0]
    for extra in parts[1:]:
        ctx.error(
            "R141",
            f"{what} says `may carry forward` twice",
            extra.span,
            f"keep one: the first is `{_written(first)}`",
        )
    count = first.count.number
    if count is None:  # too many digits: reported by the parser (S006)
        return None
    if count == 0:
        ctx.error(
            "R140",
            f"{what} may carry forward for 0 {first.unit}, so never",
            first.count.span,
            "give a period above 0, such as `may carry forward for 36 months`, or remove the line",
        )
        return None
    if not graded:
        ctx.error(
            "R142",
            f"{what} may carry forward, but it has no grade of its own to carry",
            name_span,
            "give it a grade (a `grade:` line for a section, `graded by` for a criterion), "
            "or remove `may carry forward`",
        )
        return None
    months = int(count) * (12 if first.unit == "years" else 1)
    return m.CarryForward(months, _written(first), span=first.span)


def _written(part: s.CarryForward) -> str:
    count = part.count.number
    number = int(count) if count is not None else 0
    return plural(number, part.unit[:-1])


def warn_no_score(
    ctx: CheckContext,
    score: m.Aggregate | None,
    missing: m.MissingRule,
    members: Iterable[tuple[str, m.CarryForward | None]],
    noun: str,
    owner: str,
    span: Span,
) -> None:
    """W140: a member that may carry forward has no score then, and `owner`'s weighted mean
    may not leave a member out (`if a … has no data: not computable`, the default)."""
    if score is None or score.kind != "weighted_mean" or missing != "not computable":
        return
    wanted = set(score.members)
    for member, period in members:
        if period is not None and (not wanted or member in wanted):
            ctx.warn(
                "W140",
                f"{noun} {member} may carry forward, but a carried-forward {noun} has no score, "
                f"so {owner}'s score would not be computable",
                span,
                f"add `if a {noun} has no data: renormalise` to {owner} to leave it out of the score, "
                f"or grade {owner} from grades (such as `grade: lowest of {_plural(noun)}`)",
            )


def _plural(noun: str) -> str:
    return "criteria" if noun == "criterion" else noun + "s"
