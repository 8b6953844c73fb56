"""The JSON result has exactly the structure docs/result-schema.md describes.

Runs the real command, `esirules score examples/hertfordshire/summary.yaml --format json`, and
checks the shape of what it prints: the keys of every object (required and optional, and no
others), their types, how exact values are written, how `display` follows from `value`, and
when `reason`, `grade`, `computed_grade` and `adjustment` appear. Structure only: the figures
themselves are checked against the published report in test_golden.py.

A field added to the output must be added to docs/result-schema.md and to the key sets below.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = "examples/hertfordshire/summary.yaml"

SCHEMA = "esirules.result/1"
NOT_COMPUTABLE = "not computable"

TOP_KEYS = {"schema", "title", "columns"}
COLUMN_KEYS = {"label", "ruleset", "evidence", "sample", "rounding", "criteria", "sections", "overall"}
COLUMN_OPTIONAL = {"warnings", "facts", "inspection_date", "outcomes"}  # warnings: tests/test_evidence_warnings.py; facts: tests/test_facts.py; with a `date`; outcomes: tests/test_outcomes.py
RULESET_KEYS = {"name", "version", "hash", "path"}
EVIDENCE_KEYS = {"path", "hash"}
CRITERION_REQUIRED = {"title", "kind", "section", "weight", "weight_class", "value", "display"}
# A level's caps and its grade before them (issue 11, point 4; their content: tests/test_facts.py).
CAPS_OPTIONAL = {"caps", "uncapped_grade"}
# `carried_forward`: a grade kept from an earlier inspection (tests/test_carried_forward.py)
CRITERION_OPTIONAL = {"reason", "cause", "grade", "computed_grade", "adjustment", "carried_forward", *CAPS_OPTIONAL}
ADJUSTMENT_KEYS = {"grade", "by", "reason", "applied", "note", "note_cause"}
HEADLINE_REQUIRED = {"title", "value", "display"}
HEADLINE_OPTIONAL = {"reason", "cause", "grade"}
HEADLINE_OBJECTS = {"carried_forward"}  # a section's grade kept from an earlier inspection (tests/test_carried_forward.py)
CAUSE_KEYS = {"kind", "rule", "evidence"}
SPAN_KEYS = {"file", "line", "column", "end_line", "end_column"}

# "1", "0", "23/70": a whole number alone, otherwise numerator/denominator; no sign, no spaces.
EXACT = re.compile(r"(0|[1-9][0-9]*)(/[1-9][0-9]*)?")
SHA256 = re.compile(r"[0-9a-f]{64}")


def _run() -> str:
    run = subprocess.run(
        [sys.executable, "-m", "esirules.cli.main", "score", SUMMARY, "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
    )
    assert run.returncode == 0, f"esirules score failed ({run.returncode}):\n{run.stderr}"
    assert run.stderr == ""
    return run.stdout


@pytest.fixture(scope="module")
def printed() -> str:
    return _run()


@pytest.fixture(scope="module")
def result(printed: str) -> dict:
    return json.loads(printed)


def _columns(result: dict) -> list[dict]:
    return result["columns"]


def _criteria(result: dict) -> list[tuple[str, str, dict]]:
    return [(c["label"], cid, entry) for c in _columns(result) for cid, entry in c["criteria"].items()]


def _headlines(result: dict) -> list[tuple[str, str, dict]]:
    out = [
        (c["label"], f"section {sid}", entry)
        for c in _columns(result)
        for sid, entry in c["sections"].items()
    ]
    out += [(c["label"], "overall", c["overall"]) for c in _columns(result) if c["overall"] is not None]
    return out


def exact(text: object) -> Fraction:
    """An exact value as documented: matches the pattern, parses, and is in lowest terms."""
    assert isinstance(text, str), f"value {text!r} is not a string"
    assert EXACT.fullmatch(text), f"value {text!r} is not an exact fraction as documented"
    value = Fraction(text)
    written = str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    assert written == text, f"value {text!r} is not in lowest terms (expected {written!r})"
    return value


def whole_percent_half_up(value: Fraction) -> str:
    """Both bundled rulesets say `rounding: whole percent, halves up`."""
    scaled = value * 100 + Fraction(1, 2)
    return f"{scaled.numerator // scaled.denominator}%"


def _is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


# ---------------------------------------------------------------------------------------------
# The document and its columns


def test_top_level(result):
    assert set(result) == TOP_KEYS
    assert result["schema"] == SCHEMA
    assert _is_text(result["title"])
    assert isinstance(result["columns"], list) and result["columns"]


def test_output_is_plain_json_with_two_space_indent(printed):
    assert printed.startswith('{\n  "schema": "esirules.result/1",\n')
    assert "–" in printed, "non-ASCII characters are written as they are, not escaped"


def test_columns(result):
    for column in _columns(result):
        assert COLUMN_KEYS <= set(column) <= COLUMN_KEYS | COLUMN_OPTIONAL, column.get("label")
        assert _is_text(column["label"])
        assert column["sample"] is None or _is_text(column["sample"])
        assert isinstance(column["criteria"], dict) and column["criteria"]
        assert isinstance(column["sections"], dict) and column["sections"]
        assert column["overall"] is None or isinstance(column["overall"], dict)
        assert "warnings" not in column  # the example's evidence has nothing to warn of


def test_provenance(result):
    for column in _columns(result):
        ruleset, evidence = column["ruleset"], column["evidence"]
        assert set(ruleset) == RULESET_KEYS
        assert set(evidence) == EVIDENCE_KEYS
        for key in RULESET_KEYS:
            assert _is_text(ruleset[key]), (column["label"], "ruleset", key)
        for key in EVIDENCE_KEYS:
            assert _is_text(evidence[key]), (column["label"], "evidence", key)
        assert SHA256.fullmatch(ruleset["hash"])
        assert SHA256.fullmatch(evidence["hash"])


def test_same_inputs_same_hashes(result):
    """Columns that share a ruleset (or evidence) file carry the same hash for it."""
    by_path: dict[tuple[str, str], set[str]] = {}
    for column in _columns(result):
        for part in ("ruleset", "evidence"):
            by_path.setdefault((part, column[part]["path"]), set()).add(column[part]["hash"])
    assert all(len(hashes) == 1 for hashes in by_path.values()), by_path


def test_every_criterion_and_section_keyed_by_id_in_ruleset_order(result):
    from esirules.language.check import check_file

    for column in _columns(result):
        ruleset = check_file(column["ruleset"]["path"]).ruleset
        assert ruleset is not None
        assert (ruleset.name, ruleset.version) == (column["ruleset"]["name"], column["ruleset"]["version"])
        assert list(column["sections"]) == [s.id for s in ruleset.sections]
        assert list(column["criteria"]) == [c.id for s in ruleset.sections for c in s.criteria]
        assert (column["overall"] is None) == (ruleset.overall is None)


# ---------------------------------------------------------------------------------------------
# Criteria


def test_criterion_keys_and_types(result):
    for label, cid, entry in _criteria(result):
        where = f"{label} {cid}"
        assert set(entry) >= CRITERION_REQUIRED, where
        assert set(entry) <= CRITERION_REQUIRED | CRITERION_OPTIONAL, f"{where}: {set(entry)}"
        assert _is_text(entry["title"]), where
        assert entry["kind"] in ("numerical", "descriptive"), where
        assert entry["value"] is None or isinstance(entry["value"], str), where
        assert _is_text(entry["display"]), where
        for key in ("reason", "grade"):
            if key in entry:
                assert _is_text(entry[key]), f"{where}: {key}"
        assert ("cause" in entry) == ("reason" in entry), where


def test_criterion_values_are_exact_proportions(result):
    for label, cid, entry in _criteria(result):
        if entry["value"] is not None:
            assert entry["kind"] == "numerical", f"{label} {cid}: a descriptive criterion has no value"
            assert 0 <= exact(entry["value"]) <= 1, f"{label} {cid}"


def test_criterion_display(result):
    for label, cid, entry in _criteria(result):
        where = f"{label} {cid}"
        if entry["value"] is not None:
            assert entry["display"] == whole_percent_half_up(exact(entry["value"])), where
        elif "grade" in entry:
            assert entry["display"] == entry["grade"], where
        else:
            assert entry["display"] == NOT_COMPUTABLE, where


def test_not_computable_criteria_have_a_reason_and_only_they(result):
    for label, cid, entry in _criteria(result):
        not_computable = entry["value"] is None and "grade" not in entry
        assert ("reason" in entry) == not_computable, f"{label} {cid}"
        if not_computable:
            assert entry["display"] == NOT_COMPUTABLE
            assert _is_text(entry["reason"])


def test_descriptive_criteria_have_no_value(result):
    for label, cid, entry in _criteria(result):
        if entry["kind"] == "descriptive":
            assert entry["value"] is None, f"{label} {cid}"


def test_adjustments(result):
    for label, cid, entry in _criteria(result):
        where = f"{label} {cid}"
        assert ("computed_grade" in entry) == ("adjustment" in entry), where
        if "adjustment" not in entry:
            continue
        adjustment = entry["adjustment"]
        assert set(adjustment) == ADJUSTMENT_KEYS, where
        for key in ("grade", "by", "reason"):
            assert _is_text(adjustment[key]), f"{where}: adjustment {key}"
        assert isinstance(adjustment["applied"], bool), where
        assert (adjustment["note"] is None) == adjustment["applied"] == (adjustment["note_cause"] is None), where
        assert entry["computed_grade"] is None or _is_text(entry["computed_grade"]), where
        if adjustment["applied"]:
            assert entry["grade"] == adjustment["grade"], where
            assert _is_text(entry["computed_grade"]), where
        else:
            assert entry.get("grade") == entry["computed_grade"], where


# ---------------------------------------------------------------------------------------------
# Sections and the overall


def test_headline_keys_and_types(result):
    for label, what, entry in _headlines(result):
        where = f"{label} {what}"
        required = HEADLINE_REQUIRED | ({"weight"} if what != "overall" else set())
        assert set(entry) >= required, where
        assert set(entry) <= required | HEADLINE_OPTIONAL | HEADLINE_OBJECTS | CAPS_OPTIONAL, f"{where}: {set(entry)}"
        if "weight" in entry:
            assert entry["weight"] is None or EXACT.fullmatch(entry["weight"]), where
        assert _is_text(entry["title"]), where
        assert entry["value"] is None or isinstance(entry["value"], str), where
        assert _is_text(entry["display"]), where
        for key in HEADLINE_OPTIONAL - {"cause"}:
            if key in entry:
                assert _is_text(entry[key]), f"{where}: {key}"
        assert ("cause" in entry) == ("reason" in entry), where


def test_headline_values_and_display(result):
    for label, what, entry in _headlines(result):
        where = f"{label} {what}"
        if entry["value"] is not None:
            assert 0 <= exact(entry["value"]) <= 1, where
            assert entry["display"] == whole_percent_half_up(exact(entry["value"])), where
            assert "reason" not in entry, where
        else:
            assert _is_text(entry.get("reason")), f"{where}: no value, so a reason"
            assert entry["display"] in (NOT_COMPUTABLE, entry.get("grade")), where
            if "grade" not in entry:
                assert entry["display"] == NOT_COMPUTABLE, where


def test_causes(result):
    """Every reason has its cause beside it: a kind, and the ruleset text it comes from."""
    entries = [(f"{label} {cid}", e) for label, cid, e in _criteria(result)]
    entries += [(f"{label} {what}", e) for label, what, e in _headlines(result)]
    causes = [(where, e["cause"]) for where, e in entries if "cause" in e]
    assert causes
    for where, cause in causes:
        assert set(cause) == CAUSE_KEYS, where
        assert isinstance(cause["kind"], str) and re.fullmatch(r"[a-z_]+", cause["kind"]), where
        assert cause["evidence"] is None or set(cause["evidence"]) == {"file", "line"}, where
        assert cause["rule"] is not None and set(cause["rule"]) == SPAN_KEYS, where  # the example's all cite a rule
        lines = Path(ROOT / cause["rule"]["file"]).read_text(encoding="utf-8").splitlines()
        assert 1 <= cause["rule"]["line"] <= cause["rule"]["end_line"] <= len(lines), where
    kinds = {cause["kind"] for _, cause in causes}
    assert kinds == {"section_not_in_sample", "no_aggregate", "member_not_computable"}, kinds


# ---------------------------------------------------------------------------------------------
# The example exercises every documented shape (otherwise the checks above prove little)


def test_the_example_has_every_shape(result):
    criteria = [entry for _, _, entry in _criteria(result)]
    headlines = [entry for _, _, entry in _headlines(result)]
    columns = _columns(result)
    assert any(c["sample"] is None for c in columns) and any(c["sample"] is not None for c in columns)
    assert any(e["kind"] == "numerical" and e["value"] is not None for e in criteria)
    assert any(e["value"] is not None and "/" not in e["value"] for e in criteria), "a whole-number value"
    assert any(e["kind"] == "descriptive" and "grade" in e for e in criteria)
    assert any(e["kind"] == "numerical" and "reason" in e for e in criteria)
    assert any(e["kind"] == "descriptive" and "reason" in e for e in criteria)
    assert any(e.get("adjustment", {}).get("applied") for e in criteria)
    assert any(e["value"] is not None for e in headlines)
    assert any(e["value"] is None for e in headlines)
    assert any(c["overall"] is not None and c["overall"]["value"] is None for c in columns)


def test_a_section_recomputes_from_the_json_alone(result):
    """Integrators need no ruleset: criterion weights and sections are in the JSON."""
    from fractions import Fraction

    for column in _columns(result):
        assert column["rounding"] == {"places": 0, "ties": "up"}
        for sid, section in column["sections"].items():
            members = [
                c for c in column["criteria"].values() if c["section"] == sid and c["kind"] == "numerical"
            ]
            if section["value"] is None or not members:
                continue
            total = sum(Fraction(c["weight"]) for c in members)
            mean = sum(Fraction(c["weight"]) * Fraction(c["value"]) for c in members) / total
            assert mean == Fraction(section["value"]), (column["label"], sid)
        overall = column["overall"]
        if overall is not None and overall["value"] is not None:
            weighted = [s for s in column["sections"].values() if s["weight"] is not None]
            total = sum(Fraction(s["weight"]) for s in weighted)
            mean = sum(Fraction(s["weight"]) * Fraction(s["value"]) for s in weighted) / total
            assert mean == Fraction(overall["value"]), column["label"]


# ---------------------------------------------------------------------------------------------
# The page's example (a snapshot of the real output, abridged)


def test_the_documented_example_is_the_real_output_abridged(printed):
    """Every line of the page's example is a line of the output, in order; a line `...` stands for
    any number of lines left out (and nothing else may be left out)."""

    page = (ROOT / "docs" / "result-schema.md").read_text(encoding="utf-8")
    block = page.split("esirules score examples/hertfordshire/summary.yaml --format json\n```\n\n```text\n", 1)[1]
    shown = block.split("\n```", 1)[0].splitlines()
    lines = printed.splitlines()

    @functools.cache
    def matches(i: int, k: int) -> bool:  # shown[i:] is an abridgement of lines[k:]
        if i == len(shown):
            return k == len(lines)
        if shown[i].strip() == "...":
            return any(matches(i + 1, j) for j in range(k, len(lines) + 1))
        return k < len(lines) and shown[i] == lines[k] and matches(i + 1, k + 1)

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * (len(shown) + len(lines))))
    try:
        assert matches(0, 0), "the example is not the output of the command with lines left out at `...`"
    finally:
        sys.setrecursionlimit(limit)
