"""Check outcomes that are categories (issue 11, point 5): `outcome` declarations in, model outcomes out.

An outcome's values are its own, in precedence order (R131 when the `values` line is missing or
given twice, R011 when a value repeats); each rule gives one of them (R130) from tests over the
grades and scores of levels the ruleset has (R132), that have what the test reads (R133), on the
level's ladder (R033; R136 when the ladder cannot be told); an outcome reads only outcomes
declared before it (R132). At most one `otherwise` (R134); an outcome's name is not also a
section's, criterion's, question's or item's (R135), since `esirules explain` takes it as a target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from esirules.diagnostics import did_you_mean
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check_facts import check_fact_clauses, criterion_ladder
from esirules.language.check_tests import aggregate_ladder
from esirules.language.context import CheckContext
from esirules.language.model_conditions import grouped
from esirules.span import Span

_SCORE_WORDS = {"at_least": "at least", "above": "above", "below": "below", "at_most": "at most"}
_GRADE_WORDS = {"at_least": "at least ", "at_best": "at best ", "exactly": ""}


def check_outcomes(
    ctx: CheckContext,
    declarations: Sequence[s.Declaration],
    sections: tuple[m.Section, ...],
    overall: m.Overall | None,
) -> tuple[m.Outcome, ...]:
    """Every outcome declared, in order; one whose checking failed is left out (and recorded)."""
    levels = _Levels(ctx, sections, overall)
    outcomes: dict[str, m.Outcome] = {}
    declared = [d for d in declarations if isinstance(d, s.OutcomeDecl)]
    names = {d.name.text for d in declared}
    for d in declared:
        if not ctx.unique("outcome", d.name):
            continue
        outcome = _outcome(ctx, d, levels, outcomes, names)
        if outcome is None:
            ctx.fail("outcome", d.name.text)
        else:
            outcomes[outcome.name] = outcome
    return tuple(outcomes.values())


class _Levels:
    """The levels a test may read, and the ladder each one's grade is on."""

    def __init__(self, ctx: CheckContext, sections: tuple[m.Section, ...], overall: m.Overall | None):
        self.ctx = ctx
        self.sections = {section.id: section for section in sections}
        self.criteria = {c.id: c for section in sections for c in section.criteria}
        self.overall = overall

    def ids(self) -> set[str]:
        """Every id a target of `esirules explain` may be: sections, criteria, questions, items."""
        ids = set(self.sections) | set(self.criteria)
        for criterion in self.criteria.values():
            ids |= {q.id for q in criterion.questions} | {i.id for i in criterion.items}
        return ids

    def ladder(self, kind: str, level_id: str) -> m.Scale | None:
        if kind == "criterion":
            return criterion_ladder(self.ctx, self.criteria[level_id])
        if kind == "section":
            section = self.sections[level_id]
            assert section.grade is not None
            return aggregate_ladder(self.ctx, section.grade, section.criteria)
        assert self.overall is not None and self.overall.grade is not None
        grade = self.overall.grade
        if grade.kind != "lowest_of":
            return aggregate_ladder(self.ctx, grade, self.criteria.values())
        # `lowest of sections`: the grade of a section, on the sections' ladder when they share one.
        ladders = {
            ladder.name: ladder
            for section_id in grade.members or tuple(self.sections)
            if section_id in self.sections and self.sections[section_id].grade is not None
            and (ladder := self.ladder("section", section_id)) is not None
        }
        return next(iter(ladders.values())) if len(ladders) == 1 else None


def _outcome(
    ctx: CheckContext, d: s.OutcomeDecl, levels: _Levels, earlier: Mapping[str, m.Outcome], names: set[str]
) -> m.Outcome | None:
    name = d.name.text
    ok = True
    if name in levels.ids():
        ctx.error(
            "R135", f"the outcome `{name}` has the name of a section, criterion, question or item",
            d.name.span, "give the outcome a name of its own, so `esirules explain` can tell which is meant",
        )
        ok = False
    if not d.values:
        ctx.error(
            "R131", f"the outcome `{name}` does not say its values", d.name.span,
            'add a line such as `values "special measures" > "serious weaknesses" > "none"`, most serious first',
        )
        return None
    for again in d.values[1:]:
        ctx.error("R131", f"the outcome `{name}` gives its values more than once", again.span,
                  "keep one `values` line")
        ok = False
    values: list[str] = []
    spans = []
    for value in d.values[0].values:
        if value.text in values:
            ctx.error("R011", f"the value `{value.text}` appears twice in the outcome `{name}`", value.span,
                      "each value of an outcome must be different; remove one")
            ok = False
        else:
            values.append(value.text)
            spans.append(value.span)
    otherwise = [r for r in d.rules if r.otherwise]
    for extra in otherwise[1:]:
        ctx.error("R134", f"the outcome `{name}` has more than one `otherwise` rule", extra.span,
                  "keep one: it gives the value when no other rule holds")
        ok = False
    rules = []
    for node in d.rules:
        given = _own_value(ctx, node.value, values, name)
        tests = [
            _test(ctx, t, levels, earlier, names, name) if isinstance(t, s.OutcomeTestNode) else _fact_test(ctx, t)
            for t in node.tests
        ]
        if given is None or any(t is None for t in tests):
            ok = False
            continue
        rules.append(m.OutcomeRule(given, tuple(t for t in tests if t is not None), node.otherwise, span=node.span))
    if not ok:
        return None
    label = d.label.line if d.label else name
    description = d.description.text if d.description else ""
    return m.Outcome(name, label, tuple(values), tuple(rules), description, span=d.span,
                     value_spans=tuple(spans), name_span=d.name.span)


def _fact_test(ctx: CheckContext, node: s.FactClauseNode) -> m.LevelTest | None:
    """`fact breach`: a test of the inspection's facts, checked as any fact condition is."""
    found = check_fact_clauses(ctx, [node])
    if not found:
        return None
    (condition,) = found
    written = grouped(condition)
    return m.LevelTest("fact", written, "fact", "exactly", f"fact {written}", span=node.span, condition=condition)


def _own_value(ctx: CheckContext, value: s.Value, values: Sequence[str], name: str) -> str | None:
    """The value if it is one of the outcome's (R130 if not)."""
    if value.text in values:
        return value.text
    ctx.error(
        "R130", f"`{value.text}` is not a value of the outcome `{name}`", value.span,
        did_you_mean(value.text, values, listing=False) or "its values are " + ", ".join(f"`{v}`" for v in values),
        about=[("outcome", name)],
    )
    return None


def _test(
    ctx: CheckContext,
    node: s.OutcomeTestNode,
    levels: _Levels,
    earlier: Mapping[str, m.Outcome],
    names: set[str],
    owner: str,
) -> m.LevelTest | None:
    ref = node.level
    if ref.kind == "outcome":
        return _outcome_test(ctx, node, earlier, names, owner)
    level_id, what = _level(ctx, ref, levels)
    if level_id is None:
        return None
    kind: m.LevelKind = ref.kind  # type: ignore[assignment]
    if node.figure == "score":
        if not _has_score(levels, kind, level_id):
            ctx.error(
                "R133", f"{what} has no score, so an outcome cannot test it", node.span,
                "test its grade instead (`is ...`)" if _has_grade(levels, kind, level_id)
                else "give it a `score:` line, or test another level",
                about=[(kind, level_id)],
            )
            return None
        written = f"{_written_level(kind, level_id)} score {_SCORE_WORDS[node.comparison]} {node.value.text}"
        return m.LevelTest(kind, level_id, "score", node.comparison, written,  # type: ignore[arg-type]
                           threshold=node.value.number, span=node.span)
    if not _has_grade(levels, kind, level_id):
        ctx.error(
            "R133", f"{what} has no grade, so an outcome cannot test its grade", node.span,
            "test its score instead (`score at least ...`)" if _has_score(levels, kind, level_id)
            else "give it a grade, or test another level",
            about=[(kind, level_id)],
        )
        return None
    ladder = levels.ladder(kind, level_id)
    if ladder is None:
        if ctx.failed(kind, level_id) or ctx.errors_within(_span_of(levels, kind, level_id)):
            return None
        ctx.error(
            "R136", f"the grade of {what} is not on one ladder, so an outcome cannot compare it", node.span,
            "grade its members on one ladder, or test the grade of a member",
        )
        return None
    if ctx.on_scale(node.value, ladder) is None:
        return None
    written = f"{_written_level(kind, level_id)} is {_GRADE_WORDS[node.comparison]}{quoted(node.value.text)}"
    return m.LevelTest(kind, level_id, "grade", node.comparison, written,  # type: ignore[arg-type]
                       value=node.value.text, ladder=ladder.name, span=node.span)


def _outcome_test(
    ctx: CheckContext, node: s.OutcomeTestNode, earlier: Mapping[str, m.Outcome], names: set[str], owner: str
) -> m.LevelTest | None:
    assert node.level.name is not None
    name = node.level.name
    read = earlier.get(name.text)
    if read is None:
        if ctx.failed("outcome", name.text):
            return None
        if name.text == owner:
            message, help_line = f"the outcome `{owner}` reads its own value", "an outcome can read only outcomes declared before it"
        elif name.text in names:
            message = f"the outcome `{owner}` reads the outcome `{name.text}`, which is declared after it"
            help_line = f"move the outcome `{name.text}` before `{owner}`: an outcome reads only those declared before it"
        else:
            message = f"there is no outcome called `{name.text}` declared before `{owner}`"
            help_line = did_you_mean(name.text, earlier) or "declare the outcome before the one that reads it"
        ctx.error("R132", message, name.span, help_line)
        return None
    value = _own_value(ctx, node.value, read.values, read.name)
    if value is None:
        return None
    return m.LevelTest("outcome", read.name, "value", "exactly", f"outcome {read.name} is {quoted(value)}",
                       value=value, span=node.span)


def _level(ctx: CheckContext, ref: s.LevelRefNode, levels: _Levels) -> tuple[str | None, str]:
    """The level's id ("overall" for the overall) and how a message names it; None if it is unknown (R132)."""
    if ref.kind == "overall":
        if levels.overall is None:
            ctx.error("R132", "the ruleset has no overall, so an outcome cannot test it", ref.span,
                      "add an `overall` block, or test a section or criterion")
            return None, "the overall"
        return "overall", "the overall"
    assert ref.name is not None
    known: Mapping[str, object] = levels.sections if ref.kind == "section" else levels.criteria
    if ref.name.text not in known:
        ctx.error(
            "R132", f"there is no {ref.kind} called `{ref.name.text}`", ref.name.span,
            did_you_mean(ref.name.text, known) or f"test a {ref.kind} the ruleset declares",
            about=[(ref.kind, ref.name.text)],
        )
        return None, ""
    return ref.name.text, f"{ref.kind} {ref.name.text}"


def _has_score(levels: _Levels, kind: str, level_id: str) -> bool:
    if kind == "criterion":
        return levels.criteria[level_id].kind == "numerical"
    if kind == "section":
        return levels.sections[level_id].score is not None
    return levels.overall is not None and levels.overall.score is not None


def _has_grade(levels: _Levels, kind: str, level_id: str) -> bool:
    if kind == "criterion":
        return levels.criteria[level_id].grading is not None
    if kind == "section":
        return levels.sections[level_id].grade is not None
    return levels.overall is not None and levels.overall.grade is not None


def _span_of(levels: _Levels, kind: str, level_id: str) -> Span:
    if kind == "criterion":
        return levels.criteria[level_id].span
    if kind == "section":
        return levels.sections[level_id].span
    assert levels.overall is not None
    return levels.overall.span


def _written_level(kind: str, level_id: str) -> str:
    return "overall" if kind == "overall" else f"{kind} {level_id}"


def quoted(value: str) -> str:
    """A value as it may be written: bare when it is one word, else in quotes."""
    return value if value.replace("_", "").isalnum() and not value[:1].isdigit() else f'"{value}"'
