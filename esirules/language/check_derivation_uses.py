"""What still names a declaration a derived ruleset removes: the resolved declarations in, what
uses it (in words, with where it is written) out."""

from __future__ import annotations

import os
from collections.abc import Iterator

import attrs

from esirules.language import syntax as s
from esirules.span import Span


@attrs.frozen
class Removed:
    """The names a removal takes out: of its kind, and the criteria, questions and items in it."""

    kind: str
    names: frozenset[str]
    criteria: frozenset[str] = frozenset()
    questions: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()

    @classmethod
    def of(cls, kind: str, node: object) -> Removed:
        criteria: tuple[s.CriterionDecl, ...] = ()
        if isinstance(node, s.SectionDecl):
            criteria = node.criteria
        elif isinstance(node, s.CriterionDecl):
            criteria = (node,)
        name = name_of(node).text
        return cls(
            kind,
            frozenset({name}),
            frozenset(c.id.text for c in criteria),
            frozenset(q.id.text for c in criteria for q in c.questions) | ({name} if kind == "question" else set()),
            frozenset(i.id.text for c in criteria for i in c.items) | ({name} if kind == "item" else set()),
        )


def users(declarations: list[s.Declaration], path: str, kind: str, node: object) -> Iterator[str]:
    """What in the declarations still names the removed `node` (of `kind`), or what is in it, in words."""
    gone = Removed.of(kind, node)
    for d in declarations:
        where = _where(d.span, path)
        if isinstance(d, s.SectionDecl):
            for criterion in d.criteria:
                if criterion.graded_by is not None and criterion.graded_by.text in gone.names and (
                    (kind == "grading" and criterion.items) or (kind == "bands" and not criterion.items)
                ):
                    yield f"criterion {criterion.id.text} ({_where(criterion.span, path)})"
            yield from _aggregate_users(d.aggregates, gone, f"section {d.id.text}", path)
        elif isinstance(d, s.OverallDecl):
            yield from _aggregate_users(d.aggregates, gone, "the overall", path)
        elif isinstance(d, s.GradingDecl) and kind == "bands" and d.measure_bands is not None:
            if d.measure_bands.text in gone.names:
                yield f"the grading `{d.name.text}` ({where})"
        elif isinstance(d, s.SampleDecl) and (
            any(n.text in gone.questions for n in d.without_questions)
            or (kind == "section" and any(n.text in gone.names for n in d.sections or ()))
        ):
            yield f"the sample `{d.name.text}` ({where})"
        elif isinstance(d, s.ExcludeQuestion) and d.question.text in gone.questions:
            yield f"`exclude question {d.question.text}` ({where})"
        elif isinstance(d, s.TestDecl) and d.span.file == path:
            used = (
                (d.criterion is not None and d.criterion.text in gone.criteria)
                or any(q.text in gone.questions for q, _, _ in d.answers)
                or any(i.text in gone.items for i, _ in d.ratings)
            )
            if used:
                yield f'the test "{d.name.text}" ({where})'


def grouped(users: list[str]) -> list[str]:
    """Several criteria named together (`criteria A1, A2 and D3`), without their lines."""
    criteria = [u for u in users if u.startswith("criterion ")]
    if len(criteria) < 2:
        return users
    ids = [u.split()[1] for u in criteria]
    return [f"criteria {listing(ids)}", *(u for u in users if u not in criteria)]


# Aggregates that band a figure (a score, points, a total or mean of grades) by named bands.
BANDED = frozenset({"score_banded", "points_total", "sum_banded", "mean_banded"})


def _aggregate_users(aggregates: tuple[s.AggregateDecl, ...], gone: Removed, owner: str, path: str) -> Iterator[str]:
    """A section's or the overall's `score:` and `grade:` lines that name what is removed."""
    for aggregate in aggregates:
        members = {n.text for n in aggregate.members.members} if aggregate.members is not None else set()
        named = {aggregate.using.text} if aggregate.using is not None else set()
        if aggregate.bands is not None:
            named.add(aggregate.bands.text)
        uses = (
            bool(members & (gone.criteria if aggregate.members and aggregate.members.kind == "criteria" else set()))
            or (gone.kind == "section" and bool(members & gone.names) and aggregate.members is not None
                and aggregate.members.kind == "sections")
            or (gone.kind == "bands" and aggregate.kind in BANDED and bool(named & gone.names))
            or (gone.kind == "grading" and aggregate.kind == "graded_over" and bool(named & gone.names))
        )
        if uses:
            yield f"the {aggregate.target} of {owner} ({_where(aggregate.span, path)})"


def name_of(node: object) -> s.Name:
    """The id or name a declaration (or a criterion, question or item) is declared by."""
    for field in ("id", "name"):
        found = getattr(node, field, None)
        if isinstance(found, s.Name):
            return found
    raise TypeError(f"{type(node).__name__} has no name")


def _where(span: Span, path: str) -> str:
    return f"line {span.line}" if span.file == path else f"{os.path.basename(span.file)}:{span.line}"


def listing(words: list[str], last: str = "and") -> str:
    """`a, b and c`."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]
