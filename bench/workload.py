"""The scoring workload the reference implementations and peer engines do, and its answer.

The workload is what `esirules score` does with the follow-up ruleset, for one column of all
cases: leave out the cases the ruleset excludes (community punishment orders); for each of the
questions it counts, decide per case whether the question applies (`applies when`) and is
answered, and whether the answer meets it; pool each numerical criterion's counts; take the
weighted mean of each section's criteria (critical twice important) and of sections B-D; and
grade section A's (and D3's) criteria on the ladder from their item ratings.

`Workload` is that, read from the esirules model once, in plain terms every implementation
can use: each condition as a set of allowed text values per attribute, each question's met
answers. The per-case work (applicability, met, answered) is what each implementation does
its own way; the per-inspection steps after the counts (pooling, sections, the ladder over
a handful of items) are `summarise`, shared, except that each peer engine grades the ladder
with its own rule language (see peers.py).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from esirules.language import model as m

# A condition in plain terms: ("in", attribute, allowed values) | ("not", c) | ("all", [c]) | ("any", [c])
Plain = tuple[Any, ...]


@dataclass
class Question:
    id: str
    key: str  # a name every engine accepts: q0, q1, ...
    criterion: str
    values: tuple[str, ...]  # the scale's answers, best first (n/a and blank are not among them)
    met: frozenset[str]
    weight: Fraction
    applies: Plain | None
    judgement: Judged | None = None  # a case-level judgement: its answer is worked out per case


@dataclass
class Judged:
    """A case-level judgement in plain terms: its prompts (as questions) and its rules, each a
    rating and `each`, `majority` or `otherwise` over the prompts met. A case's prompts that apply
    and are answered on the scale count; one that applies and is blank leaves the case unrated,
    as does none counting."""

    prompts: list[Question]
    rules: list[tuple[str, str]]

    def rating(self, case: dict[str, str], applies: Sequence[bool]) -> str | None:
        """The rating of one case, given whether each prompt applies to it (pure Python)."""
        met = counted = 0
        for prompt, applying in zip(self.prompts, applies):
            if not applying:
                continue
            answer = case.get(prompt.key, "")
            if answer == "":
                return None
            if answer in prompt.values:
                counted += 1
                met += answer in prompt.met
        if counted == 0:
            return None
        for rating, kind in self.rules:
            if kind == "otherwise" or (kind == "each" and met == counted) or (kind == "majority" and 2 * met > counted):
                return rating
        return None


@dataclass
class Workload:
    ruleset: m.Ruleset
    attributes: list[str]
    exclusion: Plain | None  # cases the ruleset leaves out
    questions: list[Question]  # the counted questions (not those the ruleset excludes)
    numerical: dict[str, tuple[str, Fraction, list[int]]]  # criterion: (section, weight, question indexes)
    sections: dict[str, Fraction]  # scored sections and their weights in the overall
    overall: tuple[str, ...]
    descriptive: dict[str, list[tuple[str, Fraction, str | None]]]  # criterion: (item, weight, measure)
    ladder_scale: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)  # CSV heading -> engine key


def plain(condition: m.Condition, ruleset: m.Ruleset) -> Plain:
    """A condition as sets of allowed texts (every attribute here is coded, none numeric)."""
    if isinstance(condition, m.Not):
        return ("not", plain(condition.operand, ruleset))
    if isinstance(condition, (m.AllOf, m.AnyOf)):
        kind = "all" if isinstance(condition, m.AllOf) else "any"
        return (kind, [plain(c, ruleset) for c in condition.operands])
    attribute = ruleset.attribute(condition.attribute)
    if attribute.kind == "numeric":
        raise ValueError(f"the benchmark workload handles coded attributes only; `{attribute.name}` is numeric")
    values = ("yes", "no") if attribute.kind == "boolean" else attribute.values
    rank = {v: i for i, v in enumerate(values)}

    def text(value: object) -> str:
        return ("yes" if value else "no") if isinstance(value, bool) else str(value)

    if isinstance(condition, m.Flag):
        allowed = {"yes"}
    elif isinstance(condition, m.Membership):
        allowed = {text(v) for v in condition.values}
    else:
        wanted = text(condition.value)
        if condition.op in ("=", "!="):
            allowed = {wanted} if condition.op == "=" else set(values) - {wanted}
        else:  # ordered: higher values come later in the declaration
            ops: dict[str, Callable[[int, int], bool]] = {
                "<": lambda a, b: a < b,
                "<=": lambda a, b: a <= b,
                ">": lambda a, b: a > b,
                ">=": lambda a, b: a >= b,
            }
            allowed = {v for v in values if ops[condition.op](rank[v], rank[wanted])}
    return ("in", condition.attribute, sorted(allowed, key=lambda v: rank.get(v, 0)))


def _question(q: m.Question, key: str, ruleset: m.Ruleset) -> Question:
    scale = ruleset.scale(q.scale)
    applies = None if q.applies is None else plain(q.applies, ruleset)
    return Question(q.id, key, q.criterion, tuple(scale.values), frozenset(q.met), q.weight, applies)


def _judgement_rule(rule: m.GradeRule) -> tuple[str, str]:
    """A judgement's rule as (rating, each | majority | otherwise): the shapes this workload uses."""
    if rule.otherwise:
        return rule.grade, "otherwise"
    (clause,) = rule.clauses
    if clause.met and clause.member is None and clause.quantifier.kind in ("each", "majority"):
        return rule.grade, clause.quantifier.kind
    raise ValueError(f"the benchmark workload handles `each` and `majority` of prompts met, not {rule}")


def workload(ruleset: m.Ruleset) -> Workload:
    """The workload of a ruleset (this benchmark's: the follow-up)."""
    exclusions = [plain(c, ruleset) for c in ruleset.exclusions.cases]
    excluded_sources = ruleset.exclusions.sources
    questions = []
    for q in ruleset.questions():
        if (q.source is not None and q.source in excluded_sources) or q.id in ruleset.exclusions.questions:
            continue
        questions.append(_question(q, f"q{len(questions)}", ruleset))
        if q.judgement is not None:
            prompts = [_question(p, f"{questions[-1].key}p{k}", ruleset) for k, p in enumerate(q.judgement.prompts)]
            questions[-1].judgement = Judged(prompts, [_judgement_rule(r) for r in q.judgement.rules])
    index = {q.id: i for i, q in enumerate(questions)}
    numerical: dict[str, tuple[str, Fraction, list[int]]] = {}
    descriptive: dict[str, list[tuple[str, Fraction, str | None]]] = {}
    sections: dict[str, Fraction] = {}
    for section in ruleset.sections:
        if section.weight is not None:
            sections[section.id] = section.weight
        for c in section.criteria:
            if c.kind == "numerical":
                numerical[c.id] = (section.id, c.weight, [index[q.id] for q in c.questions if q.id in index])
            else:
                descriptive[c.id] = [(i.id, i.weight, i.measure) for i in c.items]
    grading = ruleset.gradings[0]
    score = ruleset.overall.score if ruleset.overall is not None else None
    overall = tuple(score.members) if score is not None else ()
    keys = {q.id: q.key for q in questions if q.judgement is None}
    keys.update({p.id: p.key for q in questions if q.judgement is not None for p in q.judgement.prompts})
    keys.update({a.name: a.name for a in ruleset.attributes})
    return Workload(
        ruleset,
        [a.name for a in ruleset.attributes],
        ("any", exclusions) if exclusions else None,
        questions,
        numerical,
        sections,
        overall,
        descriptive,
        tuple(ruleset.scale(grading.item_scale).values),
        tuple(ruleset.scale(grading.ladder).values),
        keys,
    )


# ---------------------------------------------------------------------------------------------
# Reading the case file the plain way (what a per-case engine is given)


def read_rows(path: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a CSV file, by the csv module."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def case_dicts(work: Workload, header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[dict[str, str]]:
    """One dict per case: its attributes and answers, under the engines' keys."""
    wanted = [(j, work.keys[h]) for j, h in enumerate(header) if h in work.keys]
    return [{key: row[j] for j, key in wanted} for row in rows]


# ---------------------------------------------------------------------------------------------
# After the counts: pooling, sections, overall and the ladder (per inspection, not per case)


@dataclass
class Summary:
    """What every implementation must agree on."""

    questions: dict[str, tuple[int, int]]  # met, applicable
    criteria: dict[str, Fraction | None]
    sections: dict[str, Fraction | None]
    overall: Fraction | None
    grades: dict[str, str | None]

    def differences(self, other: Summary) -> list[str]:
        out = []
        for name in ("questions", "criteria", "sections", "grades"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for key in sorted(set(mine) | set(theirs)):
                if mine.get(key) != theirs.get(key):
                    out.append(f"{name} {key}: {mine.get(key)} != {theirs.get(key)}")
        if self.overall != other.overall:
            out.append(f"overall: {self.overall} != {other.overall}")
        return out


def summarise(
    work: Workload,
    met: Sequence[int],
    applicable: Sequence[int],
    grades: Mapping[str, str | None],
) -> Summary:
    """The summary from each question's counts and each descriptive criterion's grade."""
    criteria: dict[str, Fraction | None] = {}
    for cid, (_, _, members) in work.numerical.items():
        top = sum((work.questions[i].weight * met[i] for i in members), Fraction(0))
        bottom = sum((work.questions[i].weight * applicable[i] for i in members), Fraction(0))
        criteria[cid] = top / bottom if bottom else None
    sections: dict[str, Fraction | None] = {}
    for sid in work.sections:
        members = [(w, criteria[c]) for c, (s, w, _) in work.numerical.items() if s == sid]
        if not members or any(v is None for _, v in members):
            sections[sid] = None
        else:
            sections[sid] = sum((w * v for w, v in members if v is not None), Fraction(0)) / sum(
                w for w, _ in members
            )
    chosen = [(work.sections[s], sections.get(s)) for s in work.overall]
    overall = (
        None
        if not chosen or any(v is None for _, v in chosen)
        else sum((w * v for w, v in chosen if v is not None), Fraction(0)) / sum(w for w, _ in chosen)
    )
    return Summary(
        {q.id: (int(met[i]), int(applicable[i])) for i, q in enumerate(work.questions)},
        criteria,
        sections,
        overall,
        dict(grades),
    )


def ladder_items(
    work: Workload, criterion: str, ratings: Mapping[str, str], measures: Mapping[str, Any]
) -> list[dict[str, int]]:
    """A descriptive criterion's items as {r: rank (0 weakest), w: weight}, measures rated by band."""
    scale = work.ladder_scale  # best first
    items = []
    for item, weight, measure in work.descriptive[criterion]:
        rating = ratings.get(item) if measure is None else npd_rating(work, measure, measures[measure])
        if rating is None:
            raise ValueError(f"item {item} is not rated")
        items.append({"r": len(scale) - 1 - scale.index(rating), "w": int(weight)})
    return items


def npd_rating(work: Workload, name: str, figures: Any) -> str:
    """The band a measure's figures fall in (the follow-up's `npd_rating`)."""
    measure = work.ruleset.measure(name)
    actual, target, average = (Fraction(str(_number(figures, k))) for k in ("actual", "target", "national_average"))
    if measure.lower_is_better:
        performance, beats_average = target / actual, actual <= average
    else:
        performance, beats_average = actual / target, actual >= average
    if performance >= Fraction(110, 100) and beats_average:
        return "very strong"
    if performance >= 1 and beats_average:
        return "strong"
    if performance >= 1:
        return "good"
    if performance >= Fraction(90, 100):
        return "satisfactory"
    return "weak"


def _number(figures: Any, key: str) -> object:
    return figures[key] if isinstance(figures, Mapping) else getattr(figures, key)


def ladder_python(work: Workload, items: Sequence[Mapping[str, int]]) -> str:
    """The grade of the items by the grading's rules, in Python."""
    top = len(work.ladder_scale) - 1  # very strong
    strong, good, satisfactory = top - 1, top - 2, top - 3
    ranks = [i["r"] for i in items]
    total = sum(i["w"] for i in items)
    if all(r >= top for r in ranks):
        return work.grades[0]
    if all(r >= strong for r in ranks):
        return work.grades[1]
    if sum(i["w"] for i in items if i["r"] >= strong) * 2 > total and all(r >= satisfactory for r in ranks):
        return work.grades[2]
    if any(r >= good for r in ranks) and all(r >= satisfactory for r in ranks):
        return work.grades[3]
    if any(r >= satisfactory for r in ranks):
        return work.grades[4]
    return work.grades[5]


def esirules_summary(work: Workload, column: Any) -> Summary:
    """The summary of an esirules result column."""
    questions: dict[str, tuple[int, int]] = {}
    criteria: dict[str, Fraction | None] = {}
    grades: dict[str, str | None] = {}
    for cid, result in column.criteria.items():
        if result.kind == "numerical":
            criteria[cid] = result.value
            for q in result.questions:
                if q.excluded is None:
                    questions[q.id] = (q.met, q.applicable)
        else:
            grades[cid] = result.grade
    sections = {sid: column.sections[sid].value for sid in work.sections}
    overall = column.overall.value if column.overall is not None else None
    return Summary(questions, criteria, sections, overall, grades)
