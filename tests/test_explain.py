"""`esirules explain` agrees with `esirules score`: every figure recomputed from the JSON explanation alone.

For every target of the bundled example (each criterion, question, section and the overall, in
each column of examples/hertfordshire/summary.yaml), the JSON explanation is read back and its
value worked out again with Fraction arithmetic on its own fields (met and applicable counts,
question weights, terms, clause weights and ratings). The result must equal, exactly, the value
`esirules score --format json` prints. Every rule reference must point at a ruleset line that
holds that rule.
"""

from __future__ import annotations

import contextlib
import io
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from esirules.cli.main import main
from esirules.evidence.sheet import read_sheet_file
from esirules.explain.scope import explain, targets
from esirules.render.explain_json import explanation_data
from esirules.scoring.columns import Scorer

SUMMARY = REPO / "examples" / "hertfordshire" / "summary.yaml"
COLUMNS = ("Original", "Adjusted", "Feb", "Sept")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def scored() -> dict[str, Any]:
    """`esirules score` JSON by column label."""
    code, out, err = run("score", str(SUMMARY), "--format", "json")
    assert code == 0, err
    return {column["label"]: column for column in json.loads(out)["columns"]}


@pytest.fixture(scope="module")
def explanations(bundled_explanations: dict[tuple[str, str], dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The JSON explanation of every target in every column, built as the command builds them."""
    return bundled_explanations


def F(text: str | None) -> Fraction | None:
    return None if text is None else Fraction(text)


# ---------------------------------------------------------------------------------------------
# Recomputing from the JSON alone


def recompute_numerical(body: dict[str, Any]) -> Fraction | None:
    counted = [q for q in body["questions"] if q["excluded"] is None]
    for q in counted:  # each question's own figure
        expected = None if q["applicable"] == 0 else Fraction(q["met"], q["applicable"])
        assert F(q["value"]) == expected, q["id"]
    if not counted:
        return None
    met = sum((F(q["weight"]) * q["met"] for q in counted), Fraction(0))
    applicable = sum((F(q["weight"]) * q["applicable"] for q in counted), Fraction(0))
    assert F(body["met"]) == met and F(body["applicable"]) == applicable
    if applicable == 0:
        return None
    if body["pooling"]["method"] == "pooled":
        return met / applicable
    answered = [q for q in counted if q["applicable"] > 0]
    total = sum((F(q["weight"]) * Fraction(q["met"], q["applicable"]) for q in answered), Fraction(0))
    return total / sum((F(q["weight"]) for q in answered), Fraction(0))


def quantifier_holds(quantifier: dict[str, Any], satisfying: Fraction, domain: Fraction) -> bool:
    kind = quantifier["kind"]
    if kind in ("each", "others"):
        return satisfying == domain
    if kind == "majority":
        return satisfying * 2 > domain
    if kind == "some":
        return satisfying > 0
    if kind == "none":
        return satisfying == 0
    if kind == "at_least_count":
        return satisfying >= quantifier["count"]
    return domain > 0 and satisfying >= F(quantifier["share"]) * domain


def recompute_grade(body: dict[str, Any]) -> str | None:
    """The grade worked out from the items' ratings and weights and the rules' clauses as printed."""
    grading = body["grading"]
    if grading is None:
        return None
    scale = grading["item_scale"]  # best first
    items = {i["id"]: i for i in body["items"] if i["counted"]}
    weight = {i: F(item["weight"]) for i, item in items.items()}
    rank = {i: len(scale) - scale.index(item["rating"]) for i, item in items.items()}
    chosen = None
    for rule in grading["rules"]:
        previous: tuple[list[str], list[str]] | None = None
        holds = True
        for clause in rule["clauses"]:
            if clause["quantifier"]["kind"] == "others":
                assert previous is not None
                domain = [i for i in previous[0] if i not in previous[1]]
            else:
                domain = list(items)
            threshold = len(scale) - scale.index(clause["value"])
            compare = {"at_least": rank.__getitem__, "at_best": rank.__getitem__, "exactly": rank.__getitem__}
            assert clause["comparison"] in compare
            satisfying = [
                i for i in domain
                if (clause["comparison"] == "at_least" and rank[i] >= threshold)
                or (clause["comparison"] == "at_best" and rank[i] <= threshold)
                or (clause["comparison"] == "exactly" and rank[i] == threshold)
            ]
            assert clause["domain"] == domain and clause["satisfying"] == satisfying, clause["text"]
            domain_weight = sum((weight[i] for i in domain), Fraction(0))
            satisfying_weight = sum((weight[i] for i in satisfying), Fraction(0))
            assert F(clause["domain_weight"]) == domain_weight
            assert F(clause["satisfying_weight"]) == satisfying_weight
            ok = quantifier_holds(clause["quantifier"], satisfying_weight, domain_weight)
            assert clause["holds"] == ok, clause["sentence"]
            holds = holds and ok
            previous = (domain, satisfying)
        assert rule["clauses_hold"] == holds
        if holds and chosen is None and not grading["cumulative"]:
            chosen = rule["grade"]
            assert rule["chosen"]
    assert not grading["caps"], "the bundled gradings have no caps"
    return chosen


def recompute_weighted_mean(aggregate: dict[str, Any]) -> Fraction | None:
    terms = aggregate["terms"]
    if aggregate["reason"] is not None:
        return None
    for term in terms:
        assert F(term["product"]) == F(term["weight"]) * F(term["value"])
    total_weight = sum((F(t["weight"]) for t in terms), Fraction(0))
    total = sum((F(t["weight"]) * F(t["value"]) for t in terms), Fraction(0))
    assert F(aggregate["total_weight"]) == total_weight and F(aggregate["total"]) == total
    return total / total_weight


@pytest.mark.parametrize("label", COLUMNS)
def test_every_target_recomputes_to_the_scored_value(label: str, scored: dict[str, Any], explanations: dict) -> None:
    column = scored[label]
    checked = 0
    for (where, target), data in explanations.items():
        if where != label:
            continue
        assert data["schema"] == "esirules.explanation/1"
        body = data["explanation"]
        kind = body["kind"]
        if kind == "numerical criterion":
            expected = F(column["criteria"][target]["value"])
            assert recompute_numerical(body) == expected == F(body["value"]), (label, target)
            share = body["contribution"]["share"]
            if share is not None:
                c = body["contribution"]
                assert F(share) == F(c["weight"]) * F(c["value"]) / F(c["total_weight"])
        elif kind == "descriptive criterion":
            scored_criterion = column["criteria"][target]
            assert body["value"] is None and scored_criterion["value"] is None
            assert body["grade"] == scored_criterion.get("grade")
            computed = recompute_grade(body)
            assert computed == body["computed_grade"], (label, target)
            adjustment = body["adjustment"]
            final = adjustment["grade"] if adjustment and adjustment["applied"] else computed
            assert final == scored_criterion.get("grade"), (label, target)
        elif kind == "section":
            expected = F(column["sections"][target]["value"])
            assert F(body["value"]) == expected
            if body["score"] is not None:
                assert recompute_weighted_mean(body["score"]) == expected, (label, target)
        elif kind == "overall":
            expected = F(column["overall"]["value"])
            assert recompute_weighted_mean(body["score"]) == expected == F(body["value"]), label
        elif kind == "question":
            question = body["question"]
            expected = None if question["applicable"] == 0 else Fraction(question["met"], question["applicable"])
            assert F(question["value"]) == expected
            assert recompute_numerical(body["criterion"]) == F(column["criteria"][target.split(".")[0]]["value"])
        else:
            assert kind == "item"
        checked += 1
    assert checked > 100


# ---------------------------------------------------------------------------------------------
# Rule references


def references(node: Any, parent: Any = None, key: str = "") -> list[tuple[str, dict[str, Any], Any]]:
    """(key, reference, the object holding it) for every rule reference in the JSON."""
    found = []
    if isinstance(node, dict):
        if {"file", "line", "column", "end_line", "end_column", "text"} <= node.keys():
            return [(key, node, parent)]
        for k, v in node.items():
            found += references(v, node, k)
    elif isinstance(node, list):
        for v in node:
            found += references(v, parent, key)
    return found


# What the line a cause cites must contain, by the cause's kind (kinds that cite various
# lines, such as a member's own cause restated by its aggregate, are not listed).
CAUSE_WORDS = {
    "case_excluded": ["exclude cases"],
    "does_not_apply": ["applies when"],
    "answered_not_applicable": ["scale", "not applicable"],
    "not_answered": ["question"],
    "source_excluded": ["exclude source"],
    "question_excluded": ["exclude question"],
    "not_in_sample": ["without questions"],
    "other_sample": ["sample"],
    "section_not_in_sample": ["sections"],
    "not_rated": ["item"],
    "no_aggregate": [],
    "graded_not_scored": [],
    "no_rule_holds": ["grading"],
    "no_band_fits": ["bands"],
}


def expected_words(key: str, owner: dict[str, Any]) -> list[str]:
    """What the referenced line must contain, by what the reference belongs to."""
    if key == "rule" and "method" in owner and "formula" in owner:  # pooling
        return ["pooling"] if owner["written"] else []
    if key == "rule" and "members_kind" in owner:  # a section's or the overall's score
        return ["score:"]
    if key == "rule" and "clauses" in owner and "chosen" in owner:  # a grade rule or cap
        return [owner["grade"]]
    if key == "rule" and "sentence" in owner:  # a clause
        return [owner["value"], "others" if owner["quantifier"]["kind"] == "others" else ""]
    if key == "rule" and "tests" in owner:  # a band
        return [owner["value"]]
    if key == "rule" and "found" in owner and "holds" in owner:  # a band's test
        return [owner["text"].split()[0]]
    if key == "rule" and "applies_when" in owner:  # a question
        return [owner["id"]]
    if key == "rule" and owner.get("kind") in ("numerical criterion", "descriptive criterion"):
        return [f"criterion {owner['id']}"]
    if key == "rule" and owner.get("kind") == "section":
        return [f"section {owner['id']}"]
    if key == "rule" and owner.get("kind") == "overall":
        return ["overall"]
    if key == "rule" and "counted" in owner:  # an item
        return [owner["id"]]
    if key == "rule" and "item_scale" in owner:  # a grading
        return [f"grading {owner['name']}"]
    if key == "rule" and "ties" in owner:  # a set of bands
        return [f"bands {owner['name']}"]
    if key == "rule" and "condition" in owner:  # applies when
        return ["applies when"]
    if key == "rule" and set(owner) == {"kind", "rule", "evidence"}:  # a cause: the rule it comes from
        return CAUSE_WORDS.get(owner["kind"], [])
    if key == "rule" and "count" in owner and "reason" not in owner:  # cases met or not met
        return ["met when"]
    if key == "rule" and "reason" in owner and "count" in owner:  # cases left out, and why
        if owner["reason"].startswith("sample ") and owner["reason"].endswith("without this question"):
            return ["without questions"]  # the sample's line that leaves the question out
        if owner["reason"].startswith("sample "):
            return [" ".join(owner["reason"].split()[:2])]  # the sample's declaration
        return CAUSE_WORDS[owner["cause"]["kind"]]
    if key == "rule" and "kind" in owner:  # a member of a section or the overall
        return [owner["id"]]
    if key == "rule" and "to_display" in owner:  # a contribution: the parent's weighted mean
        return ["score:"]
    if key == "rule" and "member" in owner and "product" in owner:  # a term: its member's declaration
        return [owner["member"]]
    if key == "rules":  # the rules behind a higher grade not reached
        return []
    raise AssertionError(f"unexpected rule reference under {key!r}: {owner}")


def test_every_rule_reference_points_at_its_rule(explanations: dict) -> None:
    lines: dict[str, list[str]] = {}
    checked = 0
    for data in explanations.values():
        for key, ref, owner in references(data):
            if ref["file"] not in lines:
                lines[ref["file"]] = Path(ref["file"]).read_text(encoding="utf-8").splitlines()
            line = lines[ref["file"]][ref["line"] - 1]
            assert ref["text"] == line.strip()
            assert 1 <= ref["column"] <= len(line) + 1
            for word in expected_words(key, owner):
                assert word.strip('"') in line, (word, ref)
            checked += 1
    assert checked > 1000


def test_pooling_and_score_lines_are_cited(explanations: dict) -> None:
    b1 = explanations[("Feb", "B1")]["explanation"]
    assert b1["pooling"]["written"] and b1["pooling"]["rule"]["text"] == "pooling: pooled"
    section = explanations[("Feb", "B")]["explanation"]
    assert section["score"]["rule"]["text"] == "score: weighted mean of criteria"


# ---------------------------------------------------------------------------------------------
# Every reason carries its cause, and every cause cites a rule or the evidence

# A reason's field, and the field of its cause beside it.
CAUSE_OF = {"reason": "cause", "excluded": "exclusion", "note": "note_cause", "why_not_in_column": "why_not_cause"}


def reasons(node: Any, path: str = "") -> list[tuple[str, str, dict[str, Any], Any]]:
    """(path, reason field, owner, cause) for every reason given in an explanation."""
    found = []
    if isinstance(node, dict):
        for field, cause_field in CAUSE_OF.items():
            if node.get(field) is None or isinstance(node[field], list):
                continue  # (an aggregate's `excluded` is its list of members left out, each with a reason)
            if field == "reason" and ("by" in node or "options" in node):
                continue  # an adjustment's reason is the inspector's; a search's is not a cause
            found.append((path, field, node, node.get(cause_field, "missing")))
        for key, value in node.items():
            found += reasons(value, f"{path}.{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            found += reasons(value, f"{path}[{number}]")
    return found


def case_explanations() -> list[dict[str, Any]]:
    """`--case` explanations of a case left out by the ruleset and of a case of the other sample."""
    sheet = read_sheet_file(str(SUMMARY))
    assert sheet is not None
    scorer = Scorer()
    out = []
    for spec, column in zip(sheet.columns, scorer.score(sheet.columns)):
        if spec.label not in ("Adjusted", "Sept"):
            continue
        path = scorer.ruleset_path_for(spec)
        assert path is not None
        evaluator = scorer.evaluators[path]
        evidence = [scorer.evidence[(p, path)] for p in spec.evidence]
        if spec.label == "Adjusted":
            case = column.excluded_cases[0].cases[0]  # a community punishment order, left out
        else:
            cases = evidence[0].cases  # type: ignore[union-attr]
            case = next(i for i, s in zip(cases.ids, cases.samples) if s == "february")
        target = next(t for t in targets(evaluator.ruleset) if t.id == "B")
        out.append(explanation_data(explain(column, evaluator, scorer.sources, target, evidence=evidence, case=case)))  # type: ignore[arg-type]
    return out


def test_every_reason_carries_a_cause_that_cites_a_rule_or_the_evidence(
    explanations: dict[tuple[str, str], dict[str, Any]],
) -> None:
    """Every case not applicable or not met, every case, question or member left out, every
    value not computable and every adjustment not applied, in every explanation of the bundled
    example, says why with a cause that points at a ruleset line or at the evidence."""
    kinds: set[str] = set()
    documents = [*explanations.values(), *case_explanations()]
    for document in documents:
        for path, field, owner, cause in reasons(document):
            assert isinstance(cause, dict), (path, field, owner[field])
            assert cause["rule"] is not None or cause["evidence"] is not None, (path, field, owner[field], cause)
            if "count" in owner:  # a group of cases cites the same rule as its cause
                assert owner["rule"] == cause["rule"], path
            kinds.add(cause["kind"])
        for path, lists in questions_case_lists(document):
            for name, cases in lists:
                assert cases["rule"] is not None and "met when" in cases["rule"]["text"], (path, name)
    # The example has each of these reasons somewhere, so each is checked above.
    assert kinds >= {
        "case_excluded", "other_sample", "does_not_apply", "answered_not_applicable", "not_answered",
        "source_excluded", "not_in_sample", "section_not_in_sample", "no_applicable_cases",
        "member_not_computable", "graded_not_scored", "no_aggregate", "no_parent_score", "not_a_member",
    }, kinds


def questions_case_lists(node: Any, path: str = "") -> list[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """The met and not met case lists of every question in a document."""
    found = []
    if isinstance(node, dict):
        if "met_cases" in node:
            found.append((path, [("met", node["met_cases"]), ("not met", node["not_met_cases"])]))
        for key, value in node.items():
            found += questions_case_lists(value, f"{path}.{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            found += questions_case_lists(value, f"{path}[{number}]")
    return found
