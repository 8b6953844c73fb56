"""The diff as JSON (`esirules.diff/1`): a ruleset diff and its impact in, JSON-ready data out.

docs/diff-schema.md describes every field; tests check the two agree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from fractions import Fraction

from esirules.authoring.changes import Change
from esirules.authoring.diff import RulesetDiff
from esirules.authoring.impact import Figure, Impact, Movement, QuestionImpact
from esirules.language import model as m
from esirules.render.wording import shown_path
from esirules.span import Span
from esirules.words import fraction_text

SCHEMA = "esirules.diff/1"
LONG_LIST = 50  # a case list longer than this is cut to its first CUT_TO ids unless all are asked for
CUT_TO = 10


def diff_data(diff: RulesetDiff, impacts: Sequence[Impact] = (), *, all_cases: bool = False) -> dict[str, object]:
    return {
        "schema": SCHEMA,
        "old": _ruleset(diff.old),
        "new": _ruleset(diff.new),
        "identical": diff.identical,
        "changes": [change_data(c) for c in diff.changes],
        "impact": [_impact(i, all_cases) for i in impacts],
    }


def diff_json(diff: RulesetDiff, impacts: Sequence[Impact] = (), *, all_cases: bool = False) -> str:
    return json.dumps(diff_data(diff, impacts, all_cases=all_cases), indent=2, ensure_ascii=False)


def _ruleset(ruleset: m.Ruleset) -> dict[str, object]:
    return {
        "name": ruleset.name,
        "version": ruleset.version,
        "path": shown_path(ruleset.path),
        "hash": ruleset.content_hash,
        "extends": None if ruleset.parent is None else shown_path(ruleset.parent.path),
    }


def change_data(change: Change) -> dict[str, object]:
    return {
        "action": change.action,
        "area": change.area,
        "subject": change.subject.to_json(),
        "aspect": change.aspect,
        "old": change.old,
        "new": change.new,
        "note": change.note,
        "words": change.words(),
        "old_location": _location(change.old_at),
        "new_location": _location(change.new_at),
    }


def _location(span: Span | None) -> dict[str, object] | None:
    if span is None:
        return None
    return {**span.to_json(), "file": shown_path(span.file)}


def _impact(impact: Impact, all_cases: bool) -> dict[str, object]:
    return {
        "evidence": shown_path(impact.evidence),
        "sample": impact.sample,
        "old_cases": impact.old.cases,
        "new_cases": impact.new.cases,
        "figures": [_movement(m) for m in impact.movements],
        "grade_transitions": [
            {"old": t.old, "new": t.new, "count": len(t.criteria), "criteria": list(t.criteria)}
            for t in impact.transitions
        ],
        "questions": [_question(q, all_cases) for q in impact.questions],
    }


def _movement(movement: Movement) -> dict[str, object]:
    return {
        "kind": movement.kind,
        "id": movement.id,
        "title": movement.title,
        "old": _figure(movement.old),
        "new": _figure(movement.new),
        "changed": movement.changed,
    }


def _figure(figure: Figure | None) -> dict[str, object] | None:
    if figure is None:
        return None
    return {
        "value": _exact(figure.value),
        "display": figure.display,
        "grade": figure.grade,
        "reason": figure.reason,
    }


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else fraction_text(value)


def _question(question: QuestionImpact, all_cases: bool) -> dict[str, object]:
    return {
        "id": question.id,
        "text": question.text,
        "counted_old": question.counted_old,
        "counted_new": question.counted_new,
        "shifts": [
            {
                "shift": s.shift,
                "reason": s.reason,
                "count": len(s.cases),
                "cases": list(s.cases if all_cases or len(s.cases) <= LONG_LIST else s.cases[:CUT_TO]),
            }
            for s in question.shifts
        ],
    }
