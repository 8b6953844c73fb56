"""The workload in three peer rule engines, each evaluating one case at a time.

Each engine gets the ruleset compiled into its own language once: one rule that, for a case,
gives every question's status (2 met, 1 applicable and not met, 0 otherwise; cases the ruleset
excludes are 0 throughout), and one ladder rule that grades a criterion's items. The host adds
up the statuses (with numpy, to be kind to the engines) and `workload.summarise` does the rest.

- zen-engine (GoRules): a decision graph (input -> expression node -> output) served by a
  `ZenEngine` loader and evaluated with `ZenEngine.evaluate(key, context)`.
- datalogic-py: JSONLogic, compiled once with `Engine.compile`, evaluated per case.
- rule-engine: one `Rule` whose expression is an array of the statuses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from workload import Plain, Question, Workload


def _statuses(rows: Sequence[Sequence[Any]], count: int) -> tuple[list[int], list[int]]:
    if not rows:
        return [0] * count, [0] * count
    status = np.asarray(rows, dtype=np.int64).reshape(len(rows), count)
    return (status == 2).sum(axis=0).tolist(), (status >= 1).sum(axis=0).tolist()


# ---------------------------------------------------------------------------------------------
# zen-engine


def zen_condition(condition: Plain) -> str:
    kind = condition[0]
    if kind == "in":
        return f"({condition[1]} in {json.dumps(list(condition[2]))})"
    if kind == "not":
        return f"(not {zen_condition(condition[1])})"
    joiner = " and " if kind == "all" else " or "
    return "(" + joiner.join(zen_condition(c) for c in condition[1]) + ")"


def _considered(work: Workload, q: Question, render: Any, negate: Any, conjoin: Any) -> Any:
    parts = []
    if work.exclusion is not None:
        parts.append(negate(render(work.exclusion)))
    if q.applies is not None:
        parts.append(render(q.applies))
    return conjoin(parts)


def _status(work: Workload, q: Question, render: Callable[[Any], str]) -> str:
    """A question's status for one case, in the expression syntax zen-engine and rule-engine share:
    2 met, 1 answered but not met, 0 not considered or not answered."""
    scope = _considered(work, q, render, lambda c: f"(not {c})", lambda ps: " and ".join(ps) or "true")
    met, answered = json.dumps(sorted(q.met)), json.dumps(list(q.values))
    if q.judgement is not None:
        return f"({scope}) ? {_judged_status(q, render)} : 0"
    return f"({scope}) ? (({q.key} in {met}) ? 2 : (({q.key} in {answered}) ? 1 : 0)) : 0"


def _judged_status(q: Question, render: Callable[[Any], str]) -> str:
    """A judgement's status for one case (zen-engine and rule-engine syntax): the case's rating
    from its prompts by the judgement's rules, then 2 if the rating meets it, 1 if not, 0 if the
    case is not rated (a prompt that applies is blank, or none counts)."""
    assert q.judgement is not None
    applies = [("true" if p.applies is None else render(p.applies)) for p in q.judgement.prompts]

    def total(test: Callable[[Question], str]) -> str:
        return "(" + " + ".join(f"(({a} and {test(p)}) ? 1 : 0)" for p, a in zip(q.judgement.prompts, applies)) + ")"  # type: ignore[union-attr]

    met = total(lambda p: f"({p.key} in {json.dumps(sorted(p.met))})")
    counted = total(lambda p: f"({p.key} in {json.dumps(list(p.values))})")
    blank = total(lambda p: f'({p.key} == "")')
    status = "0"
    for rating, kind in reversed(q.judgement.rules):
        value = "2" if rating in q.met else "1"
        holds = {"each": f"{met} == {counted}", "majority": f"{met} * 2 > {counted}", "otherwise": "true"}[kind]
        status = value if kind == "otherwise" else f"(({holds}) ? {value} : {status})"
    return f"(({blank} > 0 or {counted} == 0) ? 0 : {status})"


class Zen:
    name = "zen-engine"

    def __init__(self, work: Workload):
        import zen

        self.work = work
        expressions = []
        for q in work.questions:
            expressions.append({"id": q.key, "key": q.key, "value": _status(work, q, zen_condition)})
        top = len(work.ladder_scale) - 1
        strong, good, satisfactory = top - 1, top - 2, top - 3
        ladder = (
            f"all(items, #.r >= {top}) ? {json.dumps(work.grades[0])} : "
            f"all(items, #.r >= {strong}) ? {json.dumps(work.grades[1])} : "
            f"(sum(map(filter(items, #.r >= {strong}), #.w)) * 2 > sum(map(items, #.w)) "
            f"and all(items, #.r >= {satisfactory})) ? {json.dumps(work.grades[2])} : "
            f"(some(items, #.r >= {good}) and all(items, #.r >= {satisfactory})) ? {json.dumps(work.grades[3])} : "
            f"some(items, #.r >= {satisfactory}) ? {json.dumps(work.grades[4])} : {json.dumps(work.grades[5])}"
        )
        self.graphs = {
            "questions": _graph(expressions),
            "ladder": _graph([{"id": "grade", "key": "grade", "value": ladder}]),
        }
        self.engine = zen.ZenEngine({"loader": lambda key: self.graphs[key]})

    def counts(self, cases: Sequence[dict[str, str]]) -> tuple[list[int], list[int]]:
        keys = [q.key for q in self.work.questions]
        rows = []
        for case in cases:
            result = self.engine.evaluate("questions", case)["result"]
            rows.append([result[k] for k in keys])
        return _statuses(rows, len(keys))

    def grade(self, items: list[dict[str, int]]) -> str:
        return str(self.engine.evaluate("ladder", {"items": items})["result"]["grade"])


def _graph(expressions: list[dict[str, str]]) -> str:
    return json.dumps(
        {
            "nodes": [
                {"id": "in", "type": "inputNode", "name": "case", "position": {"x": 0, "y": 0}},
                {
                    "id": "rules",
                    "type": "expressionNode",
                    "name": "rules",
                    "position": {"x": 200, "y": 0},
                    "content": {"expressions": expressions},
                },
                {"id": "out", "type": "outputNode", "name": "result", "position": {"x": 400, "y": 0}},
            ],
            "edges": [
                {"id": "e1", "sourceId": "in", "targetId": "rules", "type": "edge"},
                {"id": "e2", "sourceId": "rules", "targetId": "out", "type": "edge"},
            ],
        }
    )


# ---------------------------------------------------------------------------------------------
# datalogic-py (JSONLogic)


def jsonlogic_condition(condition: Plain) -> Any:
    kind = condition[0]
    if kind == "in":
        return {"in": [{"var": condition[1]}, list(condition[2])]}
    if kind == "not":
        return {"!": jsonlogic_condition(condition[1])}
    return {("and" if kind == "all" else "or"): [jsonlogic_condition(c) for c in condition[1]]}


def _jsonlogic_judged(q: Question) -> Any:
    """A judgement's status for one case in JSONLogic (as `_judged_status`)."""
    assert q.judgement is not None

    def total(test: Callable[[Question, Any], Any]) -> Any:
        terms = []
        for p in q.judgement.prompts:  # type: ignore[union-attr]
            answer = {"var": [p.key, ""]}
            holds = test(p, answer) if p.applies is None else {"and": [jsonlogic_condition(p.applies), test(p, answer)]}
            terms.append({"if": [holds, 1, 0]})
        return {"+": terms}

    met = total(lambda p, a: {"in": [a, sorted(p.met)]})
    counted = total(lambda p, a: {"in": [a, list(p.values)]})
    blank = total(lambda p, a: {"==": [a, ""]})
    status: Any = 0
    for rating, kind in reversed(q.judgement.rules):
        value = 2 if rating in q.met else 1
        if kind == "otherwise":
            status = value
        else:
            holds = {"==": [met, counted]} if kind == "each" else {">": [{"*": [met, 2]}, counted]}
            status = {"if": [holds, value, status]}
    return {"if": [{"or": [{">": [blank, 0]}, {"==": [counted, 0]}]}, 0, status]}


class DataLogic:
    name = "datalogic-py"

    def __init__(self, work: Workload):
        import datalogic_py

        self.work = work
        engine = datalogic_py.Engine()
        rules = []
        for q in work.questions:
            answer = {"var": [q.key, ""]}
            status = {
                "if": [
                    {"in": [answer, sorted(q.met)]},
                    2,
                    {"if": [{"in": [answer, list(q.values)]}, 1, 0]},
                ]
            }
            if q.judgement is not None:
                status = _jsonlogic_judged(q)
            scope = _considered(work, q, jsonlogic_condition, lambda c: {"!": c}, lambda ps: {"and": ps} if ps else True)
            rules.append({"if": [scope, status, 0]})
        self.questions = engine.compile(rules)
        top = len(work.ladder_scale) - 1
        strong, good, satisfactory = top - 1, top - 2, top - 3

        def every(rank: int) -> Any:
            return {"all": [{"var": "items"}, {">=": [{"var": "r"}, rank]}]}

        def some(rank: int) -> Any:
            return {"some": [{"var": "items"}, {">=": [{"var": "r"}, rank]}]}

        def weight(items: Any) -> Any:
            return {"reduce": [items, {"+": [{"var": "accumulator"}, {"var": "current.w"}]}, 0]}

        strong_items = {"filter": [{"var": "items"}, {">=": [{"var": "r"}, strong]}]}
        majority = {">": [{"*": [weight(strong_items), 2]}, weight({"var": "items"})]}
        self.ladder = engine.compile(
            {
                "if": [
                    every(top), work.grades[0],
                    every(strong), work.grades[1],
                    {"and": [majority, every(satisfactory)]}, work.grades[2],
                    {"and": [some(good), every(satisfactory)]}, work.grades[3],
                    some(satisfactory), work.grades[4],
                    work.grades[5],
                ]
            }
        )

    def counts(self, cases: Sequence[dict[str, str]]) -> tuple[list[int], list[int]]:
        rule = self.questions
        return _statuses([rule.evaluate(case) for case in cases], len(self.work.questions))

    def grade(self, items: list[dict[str, int]]) -> str:
        return str(self.ladder.evaluate({"items": items}))


# ---------------------------------------------------------------------------------------------
# rule-engine


def rule_engine_condition(condition: Plain) -> str:
    kind = condition[0]
    if kind == "in":
        return f"({condition[1]} in {json.dumps(list(condition[2]))})"
    if kind == "not":
        return f"(not {rule_engine_condition(condition[1])})"
    joiner = " and " if kind == "all" else " or "
    return "(" + joiner.join(rule_engine_condition(c) for c in condition[1]) + ")"


class RuleEngine:
    name = "rule-engine"

    def __init__(self, work: Workload):
        import rule_engine

        self.work = work
        statuses = []
        for q in work.questions:
            statuses.append(f"({_status(work, q, rule_engine_condition)})")
        context = rule_engine.Context(default_value="")
        self.questions = rule_engine.Rule("[" + ", ".join(statuses) + "]", context=context)
        top = len(work.ladder_scale) - 1
        strong, good, satisfactory = top - 1, top - 2, top - 3

        def every(rank: int) -> str:
            return f"([i for i in items if i['r'] < {rank}].length == 0)"

        def some(rank: int) -> str:
            return f"([i for i in items if i['r'] >= {rank}].length > 0)"

        majority = f"($sum([i['w'] for i in items if i['r'] >= {strong}]) * 2 > $sum([i['w'] for i in items]))"
        grades = [json.dumps(g) for g in work.grades]
        self.ladder = rule_engine.Rule(
            f"{every(top)} ? {grades[0]} : {every(strong)} ? {grades[1]} : "
            f"({majority} and {every(satisfactory)}) ? {grades[2]} : "
            f"({some(good)} and {every(satisfactory)}) ? {grades[3]} : "
            f"{some(satisfactory)} ? {grades[4]} : {grades[5]}"
        )

    def counts(self, cases: Sequence[dict[str, str]]) -> tuple[list[int], list[int]]:
        rule = self.questions
        rows = [[int(v) for v in rule.evaluate(case)] for case in cases]
        return _statuses(rows, len(self.work.questions))

    def grade(self, items: list[dict[str, int]]) -> str:
        return str(self.ladder.evaluate({"items": items}))


ENGINES = (Zen, DataLogic, RuleEngine)
