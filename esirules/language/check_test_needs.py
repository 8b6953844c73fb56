"""Find what a test expects but cannot compute: an expectation and the evidence given in, gaps (R081) out.

A target is computed as scoring computes it: a criterion from its answers or its items' ratings
and target data; a section or the overall by its `score:` and `grade:` rules over its members,
which follow its `if a ... has no data` rule. A criterion the test gives no evidence for has no
data, as it would in an inspection's evidence, so a section that is `not computable` without it
cannot be computed; one that may `renormalise` needs only one member with data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

from esirules.language import model as m
from esirules.language.context import CheckContext

GapKind = Literal[
    "no answers", "answers not counted", "not rated", "all not applicable", "no target data", "carried forward"
]


class RulesetParts(NamedTuple):
    """What a test may be about: the ruleset's checked structure and rules."""

    sections: tuple[m.Section, ...]
    overall: m.Overall | None
    gradings: tuple[m.Grading, ...]
    bands: tuple[m.Bands, ...]
    exclusions: m.Exclusions
    outcomes: tuple[m.Outcome, ...] = ()


class Given(NamedTuple):
    """What a test gives: items rated (and those rated other than not applicable), questions
    answered (and those with answers that count), measures with target data."""

    rated: frozenset[str]
    rated_counted: frozenset[str]
    answered: frozenset[str]
    counted: frozenset[str]
    measures: frozenset[str]
    carried: frozenset[str] = frozenset()  # levels carried forward: `criterion A1`, `section safe`


class Gap(NamedTuple):
    """Evidence a target needs and the test does not give, for one criterion (None: for bands)."""

    criterion: str | None
    kind: GapKind
    names: tuple[str, ...] = ()


def gaps_of(e: m.Expectation, parts: RulesetParts, given: Given) -> list[Gap]:
    """What the expectation's target needs that the evidence given lacks (nothing: it can be computed)."""
    criteria = {c.id: c for section in parts.sections for c in section.criteria}
    if e.target == "outcome":
        # Which levels an outcome needs depends on which rule decides it, so nothing is asked
        # here: a test whose evidence leaves it not computable fails, saying which level lacked.
        return []
    if e.target == "criterion":
        return _criterion(criteria[e.id], parts, given, e.what)
    if e.target == "item":
        item = next(i for c in criteria.values() for i in c.items if i.id == e.id)
        if item.measure is not None:
            return [] if item.measure in given.measures else [Gap(item.criterion, "no target data", (item.measure,))]
        return [] if item.id in given.rated else [Gap(item.criterion, "not rated", (item.id,))]
    if e.target == "bands":
        if e.measure is not None and e.measure not in given.measures:
            return [Gap(None, "no target data", (e.measure,))]
        return []
    if e.target == "section":
        section = next(s for s in parts.sections if s.id == e.id)
        return _section(section, e.what, criteria, parts, given)
    return _overall(e.what, criteria, parts, given)


def _criterion(c: m.Criterion, parts: RulesetParts, given: Given, what: str = "grade") -> list[Gap]:
    if f"criterion {c.id}" in given.carried or f"section {c.section}" in given.carried:
        # Carried forward (or in a section carried forward): a grade, no score (issue 11, point 6).
        carried = f"criterion {c.id}" if f"criterion {c.id}" in given.carried else f"section {c.section}"
        return [] if what == "grade" and carried.startswith("criterion") else [Gap(c.id, "carried forward", (carried,))]
    if c.kind == "numerical":
        live = [q for q in c.questions if not _excluded(q, parts.exclusions)]
        if any(q.id in given.counted for q in live):
            return []
        answered = tuple(q.id for q in c.questions if q.id in given.answered)
        return [Gap(c.id, "answers not counted", answered)] if answered else [Gap(c.id, "no answers")]
    gaps = []
    unrated = tuple(i.id for i in c.items if i.measure is None and i.id not in given.rated)
    no_data = tuple(dict.fromkeys(i.measure for i in c.items if i.measure is not None and i.measure not in given.measures))
    if unrated:
        gaps.append(Gap(c.id, "not rated", unrated))
    if no_data:
        gaps.append(Gap(c.id, "no target data", no_data))  # type: ignore[arg-type]
    if not gaps and not any(i.measure is not None or i.id in given.rated_counted for i in c.items):
        gaps.append(Gap(c.id, "all not applicable"))
    return gaps


def _excluded(question: m.Question, exclusions: m.Exclusions) -> bool:
    return question.id in exclusions.questions or (question.source is not None and question.source in exclusions.sources)


def _section(
    section: m.Section, what: str, criteria: dict[str, m.Criterion], parts: RulesetParts, given: Given
) -> list[Gap]:
    rule = section.score if what == "score" else section.grade
    if rule is None:
        return []
    if f"section {section.id}" in given.carried:
        return [] if what == "grade" else [Gap(None, "carried forward", (f"section {section.id}",))]
    if rule.kind == "score_banded":
        return _section(section, "score", criteria, parts, given)
    members = [criteria[i] for i in rule.members if i in criteria] if rule.members else list(section.criteria)
    if rule.kind == "weighted_mean":
        chosen = [c for c in members if c.kind == "numerical"]
    else:
        chosen = [c for c in members if c.grading is not None]
    member_what = "score" if rule.kind == "weighted_mean" else "grade"
    return _missing(_drops_out(rule, section.missing), [_criterion(c, parts, given, member_what) for c in chosen])


def _drops_out(rule: m.Aggregate, missing: m.MissingRule) -> m.MissingRule:
    """A total or mean of grades leaves out a member without a grade, whatever the block says."""
    return "renormalise" if rule.kind in ("sum_banded", "mean_banded") else missing


def _overall(what: str, criteria: dict[str, m.Criterion], parts: RulesetParts, given: Given) -> list[Gap]:
    overall = parts.overall
    rule = None if overall is None else overall.score if what == "score" else overall.grade
    if overall is None or rule is None:
        return []
    if rule.kind == "score_banded":
        return _overall("score", criteria, parts, given)
    sections = [s for s in parts.sections if not rule.members or s.id in rule.members]
    member_what = "score" if rule.kind == "weighted_mean" else "grade"
    chosen = [s for s in sections if (s.score if member_what == "score" else s.grade) is not None]
    return _missing(_drops_out(rule, overall.missing), [_section(s, member_what, criteria, parts, given) for s in chosen])


def _missing(rule: m.MissingRule, per_member: Sequence[list[Gap]]) -> list[Gap]:
    """Apply the `if a ... has no data` rule: the gaps that stop the aggregate, if any do."""
    blocked = [gaps for gaps in per_member if gaps]
    if rule == "not computable" or len(blocked) == len(per_member):
        return list(dict.fromkeys(gap for gaps in blocked for gap in gaps))
    return []


# ---------------------------------------------------------------------------------------------
# The diagnostic


def report_gaps(ctx: CheckContext, e: m.Expectation, gaps: Sequence[Gap], parts: RulesetParts) -> None:
    phrases = [_phrase(kind, [g for g in gaps if g.kind == kind]) for kind in dict.fromkeys(g.kind for g in gaps)]
    help_line = "add the missing `given` lines, or expect a figure the evidence given computes"
    rule = _missing_rule(e, parts)
    if rule == "not computable":
        member = "criterion" if e.target == "section" else "section"
        help_line = (f"{_owner(e)} is not computable when a {member} has no data (`if a {member} has no data: "
                     "not computable`); give evidence for every one, or expect a criterion's figure instead")
    ctx.error(
        "R081",
        f"the test cannot compute {_target_words(e)}: " + "; ".join(phrases),
        e.span,
        help_line,
        about=[("criterion", g.criterion) for g in gaps if g.criterion is not None],
    )


def _missing_rule(e: m.Expectation, parts: RulesetParts) -> m.MissingRule | None:
    if e.target == "section":
        return next(s.missing for s in parts.sections if s.id == e.id)
    if e.target == "overall" and parts.overall is not None:
        return parts.overall.missing
    return None


def _owner(e: m.Expectation) -> str:
    return f"section {e.id}" if e.target == "section" else "the overall"


def _target_words(e: m.Expectation) -> str:
    if e.target == "overall":
        return f"the overall {e.what}"
    if e.target == "bands":
        return f"the value bands {e.id} give"
    return f"{e.target} {e.id}'s {e.what}"


def _phrase(kind: GapKind, gaps: list[Gap]) -> str:
    criteria = [g.criterion for g in gaps if g.criterion is not None]
    names = list(dict.fromkeys(n for g in gaps for n in g.names))
    if kind == "no answers":
        return f"it gives no answers for {_many('criterion', 'criteria', criteria)}"
    if kind == "answers not counted":
        return (f"no answer it gives for {_many('criterion', 'criteria', criteria)} counts "
                "(each is not applicable, or its question is excluded)")
    if kind == "not rated":
        return f"it does not rate {_many('item', 'items', names)}"
    if kind == "all not applicable":
        return f"it rates every item of {_many('criterion', 'criteria', criteria)} not applicable"
    if kind == "carried forward":
        return f"it carries {' and '.join(names)} forward: a grade, not computed, with no score of its own or of its criteria"
    return f"it gives no target data for {_many('measure', 'measures', names)}"


def _many(one: str, many: str, names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"{one} {names[0]}"
    return f"{many} " + ", ".join(names[:-1]) + " and " + names[-1]
