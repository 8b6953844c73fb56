"""Compare rules: two rulesets' gradings, bands and points in, change records out.

Order matters here: the first grading rule (or band) that holds gives the grade, so a rule
moved up is a change of meaning. Rules are matched equal-first, then by grade, so a moved rule
shows as `reordered` and a rule whose clauses changed as reworded (`changed`, aspect `when`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from esirules.authoring import plain
from esirules.authoring.changes import Change, Subject, changed, match
from esirules.authoring.written import Loaded, removed_at
from esirules.language import model as m
from esirules.language.model_rules import operand_text
from esirules.words import number_text, value_text


def compare_rules(old: Loaded, new: Loaded) -> list[Change]:
    out: list[Change] = []
    out += _named(old.ruleset.gradings, new.ruleset.gradings, "grading", _grading_summary,
                  lambda a, b: _grading(a, b, old, new), new.ruleset)
    out += _named(old.ruleset.bands, new.ruleset.bands, "bands", _bands_summary,
                  lambda a, b: _bands(a, b, old, new), new.ruleset)
    out += _named(old.ruleset.points, new.ruleset.points, "points table", _points_summary, _points, new.ruleset)
    out += _named(old.ruleset.outcomes, new.ruleset.outcomes, "outcome", _outcome_summary, _outcome, new.ruleset)
    return out


def _named(old: Sequence, new: Sequence, kind: str, summary: Callable, compare: Callable,  # type: ignore[type-arg]
           ruleset: m.Ruleset) -> list[Change]:
    """Declarations matched by name: added, removed (where a derived ruleset's `remove` took it
    out, that line is its new location), or compared."""
    out: list[Change] = []
    before = {x.name: x for x in old}
    after = {x.name: x for x in new}
    for name, declared in after.items():
        if name in before:
            out += compare(before[name], declared)
        else:
            out.append(Change("added", Subject(kind, name), new=summary(declared), new_at=declared.span))
    for name, declared in before.items():
        if name not in after:
            out.append(Change("removed", Subject(kind, name), old=summary(declared), old_at=declared.span,
                              new_at=removed_at(ruleset, kind, name)))
    return out


# ---------------------------------------------------------------------------------------------
# Gradings


def _grading_summary(grading: m.Grading) -> str:
    rules = "; ".join(f"{value_text(r.grade)} {plain.rule_condition(r)}" for r in grading.rules)
    return f"items rated on {grading.item_scale}, grades from {grading.ladder}: {rules}"


def _grading(old: m.Grading, new: m.Grading, old_loaded: Loaded, new_loaded: Loaded) -> list[Change]:
    subject = Subject("grading", new.name)
    at = (old.span, new.span)
    out = changed(subject, "title", plain.quoted(old.label), plain.quoted(new.label), *at)
    out += changed(subject, "description", plain.quoted(old_loaded.written.grading_descriptions.get(old.name, '')),
                   plain.quoted(new_loaded.written.grading_descriptions.get(new.name, '')), *at)
    out += changed(subject, "items rated on", old.item_scale, new.item_scale, *at)
    out += changed(subject, "grades from", old.ladder, new.ladder, *at)
    out += changed(subject, "measures rated by", old.measure_bands or "nothing", new.measure_bands or "nothing", *at)
    out += changed(subject, "grades are cumulative", _yes(old.cumulative), _yes(new.cumulative), *at)
    out += _ordered_rules(subject, "rule", old.rules, new.rules, plain.rule_condition, "order of rules", at)
    out += _ordered_rules(subject, "cap", old.caps, new.caps, lambda c: plain.clauses_text(c.clauses, c.facts),
                          "order of caps", at)
    return out


def _ordered_rules(subject: Subject, kind: str, old: Sequence, new: Sequence, condition: Callable,  # type: ignore[type-arg]
                   aspect: str, at: tuple) -> list[Change]:  # type: ignore[type-arg]
    """Rules (or caps) of one grading: added, removed, reworded, and their order."""
    out: list[Change] = []
    matching = match(old, new, lambda rule: rule.grade)
    for i, j in matching.pairs:
        before, after = old[i], new[j]
        out += changed(Subject(kind, value_text(after.grade), subject), "when", condition(before), condition(after),
                       before.span, after.span)
    for j in matching.added:
        rule = new[j]
        out.append(Change("added", Subject(kind, value_text(rule.grade), subject),
                          new=_placed(condition(rule), j, new), new_at=rule.span))
    for i in matching.removed:
        rule = old[i]
        out.append(Change("removed", Subject(kind, value_text(rule.grade), subject),
                          old=_placed(condition(rule), i, old), old_at=rule.span))
    if matching.reordered:
        kept_old = [value_text(old[i].grade) for i in sorted(i for i, _ in matching.pairs)]
        kept_new = [value_text(new[j].grade) for _, j in matching.pairs]
        out.append(Change("reordered", subject, aspect, ", ".join(kept_old), ", ".join(kept_new),
                          "the first that holds gives the grade" if kind == "rule" else None,
                          old_at=at[0], new_at=at[1]))
    return out


def _placed(condition: str, index: int, rules: Sequence) -> str:  # type: ignore[type-arg]
    """A rule's words and its place: `when ... (3rd of 6)`."""
    return f"when {condition} ({_ordinal(index + 1)} of {len(rules)})"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


# ---------------------------------------------------------------------------------------------
# Bands


def _bands_summary(bands: m.Bands) -> str:
    rows = "; ".join(f"{value_text(b.value)} {plain.band_condition(b)}" for b in bands.bands)
    return f"on {bands.scale}: {rows}"


def _bands(old: m.Bands, new: m.Bands, old_loaded: Loaded, new_loaded: Loaded) -> list[Change]:
    subject = Subject("bands", new.name)
    at = (old.span, new.span)
    out = changed(subject, "scale", old.scale, new.scale, *at)
    out += changed(subject, "ties", old.ties, new.ties, *at)
    out += changed(subject, "description", plain.quoted(old_loaded.written.bands_descriptions.get(old.name, '')),
                   plain.quoted(new_loaded.written.bands_descriptions.get(new.name, '')), *at)
    matching = match(old.bands, new.bands, lambda band: band.value)
    for i, j in matching.pairs:
        out += _band(old.bands[i], new.bands[j], subject)
    for j in matching.added:
        band = new.bands[j]
        out.append(Change("added", Subject("band", band.value, subject),
                          new=_placed(plain.band_condition(band), j, new.bands), new_at=band.span))
    for i in matching.removed:
        band = old.bands[i]
        out.append(Change("removed", Subject("band", band.value, subject),
                          old=_placed(plain.band_condition(band), i, old.bands), old_at=band.span))
    if matching.reordered:
        kept_old = [value_text(old.bands[i].value) for i in sorted(i for i, _ in matching.pairs)]
        kept_new = [value_text(new.bands[j].value) for _, j in matching.pairs]
        out.append(Change("reordered", subject, "order of bands", ", ".join(kept_old), ", ".join(kept_new),
                          "the first that holds gives the value", old_at=at[0], new_at=at[1]))
    return out


def _band(old: m.Band, new: m.Band, bands: Subject) -> list[Change]:
    """One band row: each threshold that moved (`performance at least 90% → 85%`), or its whole test."""
    subject = Subject("band", new.value, bands)
    same_shape = (
        old.otherwise == new.otherwise
        and len(old.tests) == len(new.tests)
        and all(_shape(a) == _shape(b) for a, b in zip(old.tests, new.tests))
    )
    if not same_shape:
        return changed(subject, "when", plain.band_condition(old), plain.band_condition(new), old.span, new.span)
    out: list[Change] = []
    for before, after in zip(old.tests, new.tests):
        aspect = f"{after.figure} {after.comparison.replace('_', ' ')}"
        out += changed(subject, aspect, operand_text(before), operand_text(after), before.span, after.span)
    return out


def _shape(test: m.FigureTest) -> tuple[str, str, str]:
    kind = "number" if isinstance(test.operand, Fraction) else test.operand
    return test.figure, test.comparison, kind


# ---------------------------------------------------------------------------------------------
# Points


def _points_summary(points: m.Points) -> str:
    return f"on {points.ladder}: " + ", ".join(f"{value_text(g)} {number_text(p)}" for g, p in points.points)


def _points(old: m.Points, new: m.Points) -> list[Change]:
    subject = Subject("points table", new.name)
    at = (old.span, new.span)
    out = changed(subject, "ladder", old.ladder, new.ladder, *at)
    before, after = dict(old.points), dict(new.points)
    for grade, points in new.points:
        out += changed(subject, f"points for {value_text(grade)}",
                       number_text(before[grade]) if grade in before else "none", number_text(points), *at)
    for grade, points in old.points:
        if grade not in after:
            out += changed(subject, f"points for {value_text(grade)}", number_text(points), "none", *at)
    return out


# ---------------------------------------------------------------------------------------------
# Outcomes (issue 11, point 5): the values' order decides, not the order rules are written in


def _outcome_condition(rule: m.OutcomeRule) -> str:
    return "in every other case" if rule.otherwise else " and ".join(t.written for t in rule.tests)


def _outcome_summary(outcome: m.Outcome) -> str:
    rules = "; ".join(f"{value_text(r.value)} {'otherwise' if r.otherwise else 'when ' + _outcome_condition(r)}"
                      for r in outcome.rules)
    return f"values {' > '.join(outcome.values)}: {rules}"


def _outcome(old: m.Outcome, new: m.Outcome) -> list[Change]:
    subject = Subject("outcome", new.name)
    at = (old.span, new.span)
    out = changed(subject, "title", plain.quoted(old.label), plain.quoted(new.label), *at)
    out += changed(subject, "values, in precedence order", " > ".join(old.values), " > ".join(new.values), *at)
    matching = match(old.rules, new.rules, lambda rule: (rule.value, rule.otherwise))
    for i, j in matching.pairs:
        before, after = old.rules[i], new.rules[j]
        out += changed(Subject("outcome rule", value_text(after.value), subject), "when",
                       _outcome_condition(before), _outcome_condition(after), before.span, after.span)
    for j in matching.added:
        rule = new.rules[j]
        out.append(Change("added", Subject("outcome rule", value_text(rule.value), subject),
                          new=f"when {_outcome_condition(rule)}", new_at=rule.span))
    for i in matching.removed:
        rule = old.rules[i]
        out.append(Change("removed", Subject("outcome rule", value_text(rule.value), subject),
                          old=f"when {_outcome_condition(rule)}", old_at=rule.span))
    return out
