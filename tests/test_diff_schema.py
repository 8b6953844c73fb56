"""The JSON diff has exactly the fields docs/diff-schema.md documents, for every object.

Each object of the page is a table headed by `<!-- object: NAME -->`; its first column lists the
fields (`subject.kind` for a field of a nested object, `shifts[].count` for a field of the
objects in a list). Diffs of the bundled rulesets (with the original inspection's evidence, both
ways round) and of a small derived ruleset against its parent are walked; every object of each
kind must have exactly the documented fields, and every kind must be met at least once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from test_authoring_changes import BASE, CHILD

from esirules.authoring.diff import diff_rulesets
from esirules.authoring.diff_json import diff_data
from esirules.authoring.impact import score_impacts
from esirules.authoring.written import read_rulesets

DOC = REPO / "docs" / "diff-schema.md"
OBJECT = re.compile(r"<!-- object: (?P<name>[a-z ]+) -->\n(?P<table>(?:\|.*\n)+)")
FIELD = re.compile(r"^\| `(?P<field>[^`]+)` \|", re.MULTILINE)
OLD = str(REPO / "rulesets" / "esi-2003.esi")
NEW = str(REPO / "rulesets" / "esi-2004-followup.esi")
EVIDENCE = str(REPO / "examples" / "hertfordshire" / "original.yaml")


def documented() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8")
    return {m["name"]: set(FIELD.findall(m["table"])) for m in OBJECT.finditer(text)}


def fields(value: dict[str, Any], documented_fields: set[str], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, inner in value.items():
        path = f"{prefix}.{key}" if prefix else key
        out.add(path)
        if isinstance(inner, dict) and any(f.startswith(path + ".") for f in documented_fields):
            out |= fields(inner, documented_fields, path)
        elif isinstance(inner, list) and any(f.startswith(path + "[].") for f in documented_fields):
            for element in inner:
                out |= fields(element, documented_fields, path + "[]")
    return out


def walk(document: dict[str, Any], found: dict[str, list[dict[str, Any]]]) -> None:
    found["document"].append(document)
    found["ruleset"] += [document["old"], document["new"]]
    for change in document["changes"]:
        found["change"].append(change)
        found["location"] += [x for x in (change["old_location"], change["new_location"]) if x is not None]
    for impact in document["impact"]:
        found["impact"].append(impact)
        for figure in impact["figures"]:
            found["figure"].append(figure)
            found["value"] += [x for x in (figure["old"], figure["new"]) if x is not None]
        found["grade transition"] += impact["grade_transitions"]
        found["question"] += impact["questions"]


@pytest.fixture(scope="module")
def objects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    (old, new), _, _ = read_rulesets([OLD, NEW])
    forward = score_impacts(OLD, NEW, [EVIDENCE])
    backward = score_impacts(NEW, OLD, [EVIDENCE])
    walk(diff_data(diff_rulesets(old, new), forward), found)
    walk(diff_data(diff_rulesets(new, old), backward), found)
    folder: Path = tmp_path_factory.mktemp("schema")
    (folder / "old.esi").write_text(BASE, encoding="utf-8")
    (folder / "new.esi").write_text(CHILD, encoding="utf-8")
    (base, child), _, _ = read_rulesets([str(folder / "old.esi"), str(folder / "new.esi")])
    walk(diff_data(diff_rulesets(base, child)), found)
    walk(diff_data(diff_rulesets(child, base)), found)
    return found


def test_every_documented_object_is_met(objects):
    assert set(documented()) == set(objects)


@pytest.mark.parametrize("name", sorted(documented()))
def test_objects_have_exactly_the_documented_fields(objects, name):
    expected = documented()[name]
    for value in objects[name]:
        assert fields(value, expected) == expected, name


def test_nulls_and_lists_are_as_documented(objects):
    actions = {c["action"] for c in objects["change"]}
    assert actions == {"added", "removed", "changed"}
    for change in objects["change"]:
        assert (change["old_location"] is None) == (change["action"] == "added")
        assert (change["new_location"] is None) == (change["action"] == "removed")
        assert (change["aspect"] is None) == (change["action"] in ("added", "removed"))
    shifts = [s for q in objects["question"] for s in q["shifts"]]
    assert {s["shift"] for s in shifts} == {"newly excluded", "newly counted"}
    assert all(s["count"] == len(s["cases"]) for s in shifts)  # none is longer than 50 here
