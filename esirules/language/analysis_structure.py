"""Analyse how a ruleset's parts fit together: the checked ruleset in, warnings out.

Section weights that do not add up to 100% (W009), declarations nothing uses (W010), questions
no sample answers (W011), and grades combined by a rule that reads another ladder (W012).
"""

from __future__ import annotations

from fractions import Fraction

from esirules.language import model as m
from esirules.language.context import CheckContext
from esirules.span import Span
from esirules.words import display_percent, percent_text

_SHARES = m.Rounding(places=1)


def section_weights(ctx: CheckContext, ruleset: m.Ruleset) -> None:
    """W009: the sections' weights are the shares they count for only when they add up to 100%;
    the overall's weighted mean divides by the total of the weights it averages, so say what
    each then counts for. An overall that averages some of the sections, whose weights (all of
    them) add up to 100%, leaves the others out on purpose: no warning."""
    overall = ruleset.overall
    weighted = [s for s in ruleset.sections if s.weight is not None]
    if (overall is not None and overall.score is None and overall.grade is not None and weighted
            and overall.grade.kind in ("mean_banded", "sum_banded", "points_total")):
        # (`grade: mean of sections banded by ...` with weights written counted each section once;
        # a `lowest of sections` is weighed by nothing, and is no such mistake)
        ctx.warn(
            "W009",
            f"the sections' weights ({_and([f'{s.id} {percent_text(s.weight)}' for s in weighted if s.weight])}) are "
            "not used: the overall has no score, and its grade counts each section's grade once",
            overall.grade.span,
            "to weigh the sections, give them scores and the overall `score: weighted mean of sections`, then "
            "`grade: score banded by BANDS`; or leave the weights out",
        )
        return
    if overall is None or overall.score is None or overall.score.kind != "weighted_mean":
        return
    if _weighted_without_score(ctx, ruleset, overall.score):
        return
    total = sum((s.weight for s in weighted if s.weight is not None), Fraction(0))
    if not weighted or total in (0, 1):
        return
    named = overall.score.members
    members = [s for s in weighted if s.id in named] if named else weighted
    averaged = sum((s.weight for s in members if s.weight is not None), Fraction(0))
    if not members or averaged == 0:
        return
    listed = _and([f"{s.id} {percent_text(s.weight)}" for s in weighted if s.weight is not None])
    shares = [f"{s.id} for {display_percent(s.weight / averaged, _SHARES)}" for s in members if s.weight is not None]
    shares[0] = shares[0].replace(" for ", " counts for ", 1) + " of it"
    divides = (
        "their total" if len(members) == len(weighted)
        else f"the total of the weights of sections {_and([s.id for s in members])} ({percent_text(averaged)})"
    )
    ctx.warn(
        "W009",
        f"the weights of the sections add up to {percent_text(total)}, not 100% ({listed}): the overall "
        f"score divides by {divides}, so {_and(shares)}",
        overall.score.span,
        "give the sections weights that add up to 100%, so that each weight is the share it counts for",
    )


def _weighted_without_score(ctx: CheckContext, ruleset: m.Ruleset, score: m.Aggregate) -> bool:
    """W009 too: a section the overall's weighted mean averages, given a weight, with no score
    of its own (graded criterion by criterion, or by a grade alone) is left out of it, and the
    others' weights count for more than is written; said nowhere but in the handbook."""
    members = [s for s in ruleset.sections if s.weight is not None and (not score.members or s.id in score.members)]
    unscored = [s for s in members if s.score is None]
    counted = [s for s in members if s.score is not None and s.weight]
    if not unscored or not counted:
        return False
    averaged = sum((s.weight for s in counted if s.weight is not None), Fraction(0))
    shares = [f"{s.id} for {display_percent(s.weight / averaged, _SHARES)}" for s in counted if s.weight is not None]
    shares[0] = shares[0].replace(" for ", " counts for ", 1) + " of it"
    named = _and([f"{s.id} (weight {percent_text(s.weight)})" for s in unscored if s.weight is not None])
    one = len(unscored) == 1
    ctx.warn(
        "W009",
        f"section{'' if one else 's'} {named} {'has' if one else 'have'} no score, so the overall score, a weighted "
        f"mean of scores, leaves {'it' if one else 'them'} out: {_and(shares)}",
        score.span,
        "give the section a score (`score: ...`), or leave its weight out: grades are not weighted",
    )
    return True


def unused(ctx: CheckContext, ruleset: m.Ruleset) -> None:
    """W010: scales, ladders, gradings, bands and points tables nothing uses, in a ruleset that
    scores something (one with no sections declares words for others to extend). Weight classes
    are a framework's scheme, declared whole; attributes, sources and measures describe the
    evidence and may be recorded for the report alone."""
    if not ruleset.sections:
        return
    used_scales = {q.scale for q in ruleset.questions()}
    used_scales |= {g.item_scale for g in ruleset.gradings} | {g.ladder for g in ruleset.gradings}
    used_scales |= {b.scale for b in ruleset.bands} | {p.ladder for p in ruleset.points}
    if ctx.default_scale is not None:
        used_scales.add(ctx.default_scale.text)
    aggregates = _aggregates(ruleset)
    used_gradings = {c.grading for c in ruleset.criteria() if c.kind == "descriptive"}
    used_gradings |= {a.using for a in aggregates if a.kind == "graded_over"}
    used_bands = {c.grading for c in ruleset.criteria() if c.kind == "numerical"}
    used_bands |= {g.measure_bands for g in ruleset.gradings}
    used_bands |= {a.using for a in aggregates if a.kind in ("score_banded", "sum_banded", "mean_banded")}
    used_bands |= {a.bands for a in aggregates if a.kind == "points_total"}
    used_points = {a.using for a in aggregates if a.kind == "points_total"}
    for scale in ruleset.scales:
        if scale.name not in used_scales:
            kind = "ladder" if scale.is_ladder else "scale"
            what = "no grading, bands or points table" if scale.is_ladder else "no question, grading or bands"
            _unused(ctx, "scale or ladder", scale.name, scale.span, f"the {kind} `{scale.name}` is not used: {what} reads it",
                    "remove it, or use it where it was meant to be used")
    for grading in ruleset.gradings:
        if grading.name not in used_gradings:
            _unused(ctx, "grading", grading.name, grading.span,
                    f"the grading `{grading.name}` is not used: nothing is graded by it",
                    f"grade a criterion with it (`graded by {grading.name}`), or remove it")
    for bands in ruleset.bands:
        if bands.name not in used_bands:
            _unused(ctx, "bands", bands.name, bands.span, f"the bands `{bands.name}` are not used: nothing is banded by them",
                    f"use them (for example `graded by {bands.name}` on a scored criterion), or remove them")
    for table in ruleset.points:
        if table.name not in used_points:
            _unused(ctx, "points table", table.name, table.span,
                    f"the points table `{table.name}` is not used: no grade adds up its points",
                    f"use it (`grade: points {table.name} of criteria, banded by ...`), or remove it")


def _unused(ctx: CheckContext, kind: str, name: str, span: Span, message: str, help_line: str) -> None:
    """Only what the file checked declares: a derived ruleset that stops using what it extends
    (a thematic inspection leaving out the graded section) cannot take it out of its parent."""
    if span.file != ctx.path:
        return
    ctx.warn("W010", message, ctx.declared_at(kind, name) or span, help_line)


def sample_questions(ctx: CheckContext, ruleset: m.Ruleset) -> None:
    """W011: with samples declared, a question that every sample leaves out is never answered."""
    if not ruleset.samples:
        return
    for section in ruleset.sections:
        for criterion in section.criteria:
            for question in criterion.questions:
                reasons = []
                for sample in ruleset.samples:
                    if sample.sections is not None and section.id not in sample.sections:
                        reasons.append(f"sample `{sample.name}` leaves out section {section.id}")
                    elif question.id in sample.without_questions:
                        reasons.append(f"sample `{sample.name}` lists it under `without questions`")
                    else:
                        break
                else:
                    ctx.warn(
                        "W011",
                        f"no sample answers question {question.id}: {_and(reasons)}",
                        question.span,
                        "add its section to a sample (or take it out of a sample's `without questions`), "
                        "or remove the question",
                    )


def member_ladders(ctx: CheckContext, ruleset: m.Ruleset) -> None:
    """W012: a grade made from members' grades (`graded over`, `points`) reads them on a scale
    their grades are not on."""
    criteria = {c.id: c for c in ruleset.criteria()}
    sections = {s.id: s for s in ruleset.sections}
    holders: list[tuple[m.Aggregate, list[str]]] = [
        (s.grade, [c.id for c in s.criteria]) for s in ruleset.sections if s.grade is not None
    ]
    if ruleset.overall is not None and ruleset.overall.grade is not None:
        holders.append((ruleset.overall.grade, list(sections)))
    for aggregate, own in holders:
        reads = _reads(ruleset, aggregate)
        if reads is None:
            continue
        scale = ruleset.scale(reads)
        off: dict[str, list[str]] = {}
        for member in aggregate.members or tuple(own):
            ladder = ladder_of(ruleset, criteria.get(member), sections.get(member), criteria)
            if ladder is not None and ladder != reads and any(v not in scale.values for v in ruleset.scale(ladder).values):
                off.setdefault(ladder, []).append(member)
        for ladder, members in off.items():
            missing = next(v for v in ruleset.scale(ladder).values if v not in scale.values)
            noun = "criteria" if members[0] in criteria else "sections"
            if len(members) == 1:
                noun = noun.removesuffix("s").replace("criteri", "criterion")
            verb = "is" if len(members) == 1 else "are"
            reader = (
                f"the grading `{aggregate.using}`" if aggregate.kind == "graded_over" else f"the points table `{aggregate.using}`"
            )
            fix = (
                f"rate the items of {reader} on `{ladder}` (`items rated on {ladder}`)"
                if aggregate.kind == "graded_over" else f"declare {reader} `on {ladder}`"
            )
            ctx.warn(
                "W012",
                f"{noun} {_and(members)} {verb} graded on `{ladder}`, but {reader} reads their grades on "
                f"`{reads}`, which has no `{missing}`",
                aggregate.span,
                f"{fix}, or grade {_and(members)} on `{reads}`",
            )


def _reads(ruleset: m.Ruleset, aggregate: m.Aggregate) -> str | None:
    """The scale or ladder an aggregate reads its members' grades on."""
    if aggregate.kind == "graded_over" and aggregate.using is not None:
        return ruleset.grading(aggregate.using).item_scale
    if aggregate.kind == "points_total" and aggregate.using is not None:
        return ruleset.points_table(aggregate.using).ladder
    return None


def ladder_of(
    ruleset: m.Ruleset,
    criterion: m.Criterion | None,
    section: m.Section | None,
    criteria: dict[str, m.Criterion],
    depth: int = 0,
) -> str | None:
    """The ladder a criterion's or section's grade is on, if it has one."""
    if criterion is not None:
        if criterion.grading is None:
            return None
        if criterion.kind == "descriptive":
            return ruleset.grading(criterion.grading).ladder
        return ruleset.band_set(criterion.grading).scale
    if section is None or section.grade is None or depth > 1:
        return None
    grade = section.grade
    if grade.kind == "graded_over" and grade.using is not None:
        return ruleset.grading(grade.using).ladder
    if grade.kind in ("score_banded", "sum_banded", "mean_banded") and grade.using is not None:
        return ruleset.band_set(grade.using).scale
    if grade.kind == "points_total" and grade.bands is not None:
        return ruleset.band_set(grade.bands).scale
    ladders = {
        ladder_of(ruleset, criteria.get(mid), None, criteria, depth + 1)
        for mid in (grade.members or tuple(c.id for c in section.criteria))
    } - {None}
    return ladders.pop() if len(ladders) == 1 else None


def _aggregates(ruleset: m.Ruleset) -> list[m.Aggregate]:
    found = [a for s in ruleset.sections for a in (s.score, s.grade) if a is not None]
    if ruleset.overall is not None:
        found += [a for a in (ruleset.overall.score, ruleset.overall.grade) if a is not None]
    return found


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
