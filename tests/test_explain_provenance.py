"""Every value in an explanation shows where it came from: a ruleset line, or a line of the evidence.

Every explanation of the bundled example (every target in every column, and a `--where` and a
`--case` explanation) is walked as JSON, object by object. Each object that holds a value (a
figure, a rating, a grade, a count of cases, a share) must cite the rule that gives it, or the
place in the evidence that records it; an object of a kind this test does not know fails, so a
new kind of value cannot arrive without its source. The text and Markdown renderings are checked
for the two places issue 9 named: where a rating is recorded, and the `exclude source` line that
removes a question.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from esirules.cli.main import main
from esirules.evidence.sheet import read_sheet_file
from esirules.explain.request import explain_spec
from esirules.render.explain_json import explanation_data
from esirules.scoring.columns import Scorer

SUMMARY = REPO / "examples" / "hertfordshire" / "summary.yaml"
FOLLOWUP_EVIDENCE = REPO / "examples" / "hertfordshire" / "followup.yaml"
FOLLOWUP_RULESET = REPO / "rulesets" / "esi-2004-followup.esi"

Data = dict[str, Any]


def cited(reference: Any) -> bool:
    """A rule reference, an evidence location, or a cause that carries either."""
    if not isinstance(reference, dict):
        return False
    if "kind" in reference and "evidence" in reference:  # a cause
        return cited(reference["rule"]) or cited(reference["evidence"])
    return bool(reference.get("file")) and reference.get("line") is not None


def _question(o: Data) -> str | None:
    if not cited(o["rule"]):
        return "a question without its line"
    if o["excluded"] is not None:
        return None if cited(o["exclusion"]) else "an excluded question without the rule that excludes it"
    if o["value"] is None:
        return None if cited(o["cause"]) else "a question that is not computable, without why"
    if not (cited(o["met_cases"]["rule"]) and cited(o["not_met_cases"]["rule"])):
        return "met and not-met cases without the `met when` rule"
    return None


def _criterion(o: Data) -> str | None:
    if not cited(o["rule"]):
        return "a criterion without its line"
    if o["value"] is None and o["grade"] is None and not cited(o["cause"]):
        return "a criterion that is not computable, without why"
    return None


def _item(o: Data) -> str | None:
    if not cited(o["rule"]):
        return "an item without its line"
    if o["rating"] is None:
        return None if cited(o["cause"]) else "an item without a rating, without why"
    if not cited(o["recorded"]):
        return f"item {o['id']} rated {o['rating']} without where the evidence records it"
    if o["measure"] is not None and o["bands"] is None:
        return f"item {o['id']} rated from target data without its bands"
    return None


def _contribution(o: Data) -> str | None:
    if o["share"] is not None:
        return None if cited(o["rule"]) else "a share of a score without the score's rule"
    return None if cited(o["cause"]) else "no share, without why"


def _aggregate(o: Data) -> str | None:
    if not cited(o["rule"]):
        return "a score or grade without its rule"
    if any(not cited(t["rule"]) for t in o["terms"]):
        return "a term without its member's line"
    if o["value"] is None and o["grade"] is None and not cited(o["cause"]):
        return "a score that is not computable, without why"
    return None


def _rule_only(what: str) -> Callable[[Data], str | None]:
    return lambda o: None if cited(o["rule"]) else f"{what} without its line"


def _higher(o: Data) -> str | None:
    if o["rules"] and all(cited(r) for r in o["rules"]):
        return None
    return None if any(w.startswith("no rule of grading") for w in o["why_not"]) else "a grade not reached, without its rule"


def _group(o: Data) -> str | None:
    return None if cited(o["rule"]) or cited(o["cause"]) else f"cases left out ({o['reason']}) without the rule"


def _case(o: Data) -> str | None:
    if not cited(o["recorded"]):
        return "a case without where the evidence records it"
    if not o["in_column"] and not cited(o["why_not_cause"]):
        return "a case not in the column, without why"
    return None


def _answer(o: Data) -> str | None:
    # The answer itself is on the case's row (cited by the case); a reason cites its rule.
    if o["status"] in ("met", "not met") or cited(o["cause"]) or o["status"] == "not scored":
        return None
    return f"answer to {o['question']} {o['status']} without why"


# (how to recognise an object, what it must cite)
KINDS: list[tuple[Callable[[Data], bool], Callable[[Data], str | None]]] = [
    (lambda o: "applies_when" in o, _question),
    (lambda o: o.get("kind") in ("numerical criterion", "descriptive criterion"), _criterion),
    (lambda o: "counted" in o and "rating" in o, _item),
    (lambda o: "to_display" in o, _contribution),
    (lambda o: "note_cause" in o, lambda o: None if cited(o["recorded"]) else "an adjustment without where it is recorded"),
    (lambda o: "members_kind" in o, _aggregate),
    (lambda o: o.get("kind") in ("section", "overall") and "members" in o, _rule_only("a section or the overall")),
    (lambda o: {"id", "title", "kind", "display", "rule"} <= o.keys(), _rule_only("a member")),
    (lambda o: "tried" in o, _rule_only("bands")),
    (lambda o: "tests" in o and "otherwise" in o, _rule_only("a band")),
    (lambda o: {"text", "found", "holds", "rule"} == o.keys(), _rule_only("a band's test")),
    (lambda o: "item_scale" in o, _rule_only("a grading")),
    (lambda o: "clauses" in o and "chosen" in o, _rule_only("a grade rule")),
    (lambda o: "sentence" in o, _rule_only("a clause")),
    (lambda o: "level_rule" in o, _rule_only("an outcome's test")),
    (lambda o: "why_not" in o, _higher),
    (lambda o: "reason" in o and "count" in o and "cases" in o, _group),
    (lambda o: "in_column" in o, _case),
    (lambda o: "status" in o and "question" in o, _answer),
    # Facts (issue 11, point 4): a cap cites its line; a fact's value, where the evidence records
    # it, unless it is the ruleset's default (its condition cites the rule that reads it).
    (lambda o: "conditions" in o and "applied" in o, _rule_only("a cap")),
    (lambda o: o.keys() == {"value", "defaulted", "evidence"},
     lambda o: None if cited(o["evidence"]) or o["defaulted"] else "a fact without where it is recorded"),
    # a grade carried forward (issue 11, point 6): the rule that allows it, the evidence that records it
    (lambda o: "allowed_months" in o,
     lambda o: None if cited(o["rule"]) and cited(o["evidence"]) else "a carried-forward grade without its rule or record"),
]

# Objects that hold values but are part of an object above, which cites them: a clause's
# quantifier, an item's target figures, the explanation's column, a term (checked with its
# aggregate), a smallest change (checked against the criterion's items below), the met and
# not-met cases of a question (checked with it), a condition, a pooling rule.
PARTS: list[Callable[[Data], bool]] = [
    lambda o: {"kind", "count", "share"} <= set(o) <= {"kind", "count", "share", "noun", "other", "group"},
    lambda o: "performance_display" in o,
    lambda o: "excluded_cases" in o and "rounding" in o,
    lambda o: "member" in o and "product" in o,
    lambda o: "steps" in o and "to" in o,
    lambda o: {"count", "cases", "complete", "rule"} == o.keys(),
    lambda o: set(o) == {"condition", "rule"},
    lambda o: "formula" in o,
]
VALUES = {"value", "display", "rating", "grade", "met", "share", "count"}


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Data]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}[{index}]")


def unsourced(document: Data) -> list[str]:
    """Every value of an explanation document that does not say where it came from."""
    problems = []
    for path, node in walk(document["explanation"]) if document.get("where") is None else walk(document):
        kind = next((check for recognise, check in KINDS if recognise(node)), None)
        if kind is not None:
            missing = kind(node)
            if missing:
                problems.append(f"{path}: {missing}")
        elif VALUES & node.keys() and not any(part(node) for part in PARTS):
            problems.append(f"{path}: a value of a kind this test does not know: {sorted(node)}")
        if "higher_grades" in node:  # a smallest change raises items the criterion cites
            sourced = {i["id"] for i in node["items"] if cited(i["recorded"])}
            for higher in node["higher_grades"]:
                for option in higher["smallest_changes"]["options"]:
                    problems += [f"{path}: change of {c['item']}, which has no source" for c in option
                                 if c["item"] not in sourced]
    return problems


@pytest.fixture(scope="module")
def documents(bundled_explanations: dict[tuple[str, str], Data]) -> dict[str, Data]:
    """Every explanation of the bundled sheet, and a subset and a single case, as JSON data."""
    sheet = read_sheet_file(str(SUMMARY))
    assert sheet is not None
    out = {f"{label} {target}": data for (label, target), data in bundled_explanations.items()}
    scorer = Scorer()
    feb = next(c for c in sheet.columns if c.label == "Feb")
    for target in ("B1", "B", "overall", "B1.start"):
        where = explain_spec(feb, target, where="risk_of_harm >= high", scorer=scorer)
        out[f"Feb {target} where"] = explanation_data(where)
    out["Feb overall case F01"] = explanation_data(explain_spec(feb, "overall", case="F01", scorer=scorer))
    return out


def test_every_value_of_every_explanation_cites_its_rule_or_its_evidence(documents: dict[str, Data]) -> None:
    problems = [f"{name} {p}" for name, document in documents.items() for p in unsourced(document)]
    assert problems == []
    assert len(documents) >= 4 * 90  # every target of every column was walked


def test_the_walk_fails_on_a_value_without_a_source(documents: dict[str, Data]) -> None:
    """The check itself can fail: remove one source, or add an unknown value, and it is reported."""
    document = documents["Feb A1"]
    item = document["explanation"]["items"][0]
    bare = {**document, "explanation": {**document["explanation"], "items": [{**item, "recorded": None}]}}
    assert any("without where the evidence records it" in p for p in unsourced(bare))
    odd = {**document, "explanation": {**document["explanation"], "extra": {"value": "1", "display": "100%"}}}
    assert any("a kind this test does not know" in p for p in unsourced(odd))


def _run(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(list(argv)) == 0
    return out.getvalue()


def _line_of(path: Path, *words: str) -> int:
    """The line of a file that holds all the words (worked out from the file, not from esirules)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, start=1) if all(w in line for w in words)]
    assert len(found) == 1, (words, found)
    return found[0]


def test_a_rating_says_where_it_is_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.chdir(REPO)
    line = _line_of(FOLLOWUP_EVIDENCE, "A1.visibility:")
    text = _run("explain", "examples/hertfordshire/summary.yaml", "A1.visibility", "--column", "Feb")
    assert f"strong  recorded at examples/hertfordshire/followup.yaml:{line}" in text
    whole = _run("explain", "examples/hertfordshire/summary.yaml", "A1", "--column", "Feb", "--format", "markdown")
    assert f"| A1.visibility The Board, CO and directors are visible to staff and support managers | 1 | strong | " \
           f"`examples/hertfordshire/followup.yaml` line {line} |" in whole
    figures = _line_of(FOLLOWUP_EVIDENCE, "sickness_absence:")
    measure = _run("explain", "examples/hertfordshire/summary.yaml", "A1.sickness_absence", "--column", "Feb")
    assert f"recorded at examples/hertfordshire/followup.yaml:{figures}" in measure


def test_an_excluded_question_cites_the_exclude_source_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    monkeypatch.chdir(REPO)
    line = _line_of(FOLLOWUP_RULESET, "exclude source offender_interview")
    for fmt, cite in (("text", f"rulesets/esi-2004-followup.esi:{line}"),
                      ("markdown", f"`rulesets/esi-2004-followup.esi` line {line}")):
        for target in ("C2.offender_view", "C2"):
            out = _run("explain", "examples/hertfordshire/summary.yaml", target, "--column", "Feb", "--format", fmt)
            assert cite in out, (target, fmt)
