"""The handbook and the diff over the API are the command line's: `esirules handbook` and `esirules diff`.

Compared byte for byte with what the command prints for the same files, except where a file is
(the command line writes the paths it was given, the service the names files were published under).
"""

from __future__ import annotations

import json
import os

import pytest
from service_helpers import HERTFORDSHIRE, Service
from test_service_api import ROOT, cli
from test_service_api import same_but_paths as _same_but_paths


def same_but_paths(data: dict) -> dict:  # type: ignore[type-arg]
    """As for runs, and a derived ruleset's `extends` is also a path."""
    for side in ("old", "new"):
        if data[side].get("extends"):
            data[side]["extends"] = os.path.basename(data[side]["extends"])
    return _same_but_paths(data)  # type: ignore[no-any-return]


def test_the_handbook_is_the_command_lines(sqlite_service: Service) -> None:
    hashes = sqlite_service.publish_bundled()
    for name, address in hashes.items():
        markdown = sqlite_service.get(f"/v1/rulesets/{address}/handbook")
        assert markdown.status_code == 200, markdown.text
        assert markdown.headers["content-type"].startswith("text/markdown")
        assert markdown.text == cli("handbook", name, cwd=ROOT / "rulesets")
        page = sqlite_service.get(f"/v1/rulesets/{address}/handbook?format=html")
        assert page.headers["content-type"].startswith("text/html")
        assert page.text == cli("handbook", name, "--format", "html", cwd=ROOT / "rulesets")
    missing = sqlite_service.get(f"/v1/rulesets/{'0' * 64}/handbook")
    assert missing.status_code == 404 and missing.json()["errors"][0]["pointer"] == "{hash}"


def test_the_diff_and_its_impact_are_the_command_lines(sqlite_service: Service) -> None:
    hashes = sqlite_service.hertfordshire()
    old, new = hashes["esi-2003.esi"], hashes["esi-2004-followup.esi"]
    plain = sqlite_service.get(f"/v1/rulesets/{old}/diff/{new}")
    assert plain.status_code == 200, plain.text
    expected = json.loads(cli("diff", "rulesets/esi-2003.esi", "rulesets/esi-2004-followup.esi", "--format", "json"))
    assert same_but_paths(plain.json()) == same_but_paths(expected)
    assert plain.json()["changes"] and plain.json()["impact"] == []

    scored = sqlite_service.get(f"/v1/rulesets/{old}/diff/{new}?evidence={hashes['original.yaml']}")
    assert scored.status_code == 200, scored.text
    rulesets = os.path.relpath(ROOT / "rulesets", HERTFORDSHIRE)
    expected = json.loads(cli("diff", f"{rulesets}/esi-2003.esi", f"{rulesets}/esi-2004-followup.esi",
                              "--evidence", "original.yaml", "--format", "json", cwd=HERTFORDSHIRE))
    assert same_but_paths(scored.json()) == same_but_paths(expected)
    (impact,) = scored.json()["impact"]
    assert any(figure["changed"] for figure in impact["figures"])

    markdown = sqlite_service.get(f"/v1/rulesets/{old}/diff/{new}?format=markdown")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text == cli("diff", "esi-2003.esi", "esi-2004-followup.esi", "--format", "markdown", cwd=ROOT / "rulesets")


@pytest.mark.parametrize(
    ("query", "status", "pointer"),
    [("sample=february", 422, "?sample"), (f"evidence={'0' * 64}", 404, "?evidence"),
     ("all_cases=true&format=markdown", 422, "?all_cases")],
)
def test_a_diff_asked_wrongly_says_which_part(sqlite_service: Service, query: str, status: int, pointer: str) -> None:
    hashes = sqlite_service.publish_bundled()
    response = sqlite_service.get(f"/v1/rulesets/{hashes['esi-2003.esi']}/diff/{hashes['esi-2004-followup.esi']}?{query}")
    assert response.status_code == status and response.json()["errors"][0]["pointer"] == pointer
    other = sqlite_service.get(f"/v1/rulesets/{hashes['esi-2003.esi']}/diff/{'0' * 64}")
    assert other.status_code == 404 and other.json()["errors"][0]["pointer"] == "{other}"


def test_a_sample_the_rulesets_lack_is_placed_where_the_client_wrote_it(sqlite_service: Service) -> None:
    hashes = sqlite_service.hertfordshire()
    old, new = hashes["esi-2003.esi"], hashes["esi-2004-followup.esi"]
    response = sqlite_service.get(f"/v1/rulesets/{old}/diff/{new}?evidence={hashes['original.yaml']}&sample=febuary")
    assert response.status_code == 422
    problem = response.json()
    unknown = [d for d in problem["diagnostics"] if d["code"] == "E203"]
    assert unknown and all(d["location"]["file"] == "?sample" for d in unknown), problem  # not line 1 of a ruleset
    assert problem["sources"] == {"?sample": "febuary"}
