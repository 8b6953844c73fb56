"""The service's resources against the command line: the same checks, results, sheets and explanations.

Each service answer is compared with what `esirules` prints for the same files. The only
difference allowed is where a file is: the command line writes the paths it was given, the
service the names files were uploaded under (`same_but_paths`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from service_helpers import HERTFORDSHIRE, RULESETS, Service, upload

from esirules.cli.main import main as cli_main
from esirules.service.library import ADJUSTMENTS_FILE

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, cwd: Path = ROOT) -> str:
    """What `esirules ARGS` prints on standard output (run in process, in `cwd`)."""
    out = io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            cli_main(list(args))
    finally:
        os.chdir(previous)
    return out.getvalue()


def same_but_paths(data: Any) -> Any:
    """`data` with every file path cut to its file name (`path` and `file` fields, and `a; b` lists)."""
    if isinstance(data, dict):
        return {k: ("; ".join(os.path.basename(p) for p in v.split("; ")) if k in ("path", "file") and isinstance(v, str)
                    else same_but_paths(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [same_but_paths(v) for v in data]
    return data


def test_a_ruleset_checks_as_the_command_line_checks_it(service: Service, tmp_path: Path) -> None:
    bad = b'ruleset "x" version "1"\nscale answer: yes > no\nanswers on answer, met when yes\nsection B "b" {\n' \
          b'  criterion B1 "c" weight -1 { question B1.1 "q" }\n  criterion B1 "d" { question B1.2 "q" }\n}\n'
    (tmp_path / "bad.esi").write_bytes(bad)
    expected = json.loads(cli("check", "bad.esi", "--format", "json", cwd=tmp_path))
    checked = service.post("/v1/rulesets/check", {"main": "bad.esi", "files": [upload("bad.esi", bad)]}, role="viewer")
    assert checked.status_code == 200
    assert checked.json() == expected and expected["ok"] is False and len(expected["diagnostics"]) >= 2
    published = service.post("/v1/rulesets", {"main": "bad.esi", "files": [upload("bad.esi", bad)]}, role="author")
    assert published.status_code == 422
    problem = published.json()
    assert problem["type"] == "urn:esirules:problem:diagnostics"
    assert problem["diagnostics"] == expected["diagnostics"]
    assert service.get("/v1/rulesets").json()["total"] == 0

    good = {"main": "esi-2004-followup.esi",
            "files": [upload(n, RULESETS[n]) for n in ("esi-2003.esi", "esi-2004-followup.esi")]}
    report = service.post("/v1/rulesets/check", good, role="viewer").json()
    assert report == json.loads(cli("check", "esi-2004-followup.esi", "--format", "json", cwd=ROOT / "rulesets"))


def test_a_ruleset_is_stored_by_the_hash_of_its_sources_once(service: Service) -> None:
    hashes = service.publish_bundled()
    again = service.post("/v1/rulesets", {"main": "esi-2003.esi", "files": [upload("esi-2003.esi", RULESETS["esi-2003.esi"])]},
                         role="author")
    assert again.status_code == 200 and again.json()["created"] is False
    info = again.json()["ruleset"]
    assert info["hash"] == hashes["esi-2003.esi"] and info["name"] == "esi-2003" and info["version"] == "2003"
    listing = service.get("/v1/rulesets").json()
    assert listing["total"] == 2 and {r["hash"] for r in listing["rulesets"]} == set(hashes.values())
    source = service.get(f"/v1/rulesets/{hashes['esi-2004-followup.esi']}/files/esi-2003.esi")
    assert source.content == RULESETS["esi-2003.esi"] and source.headers["content-type"].startswith("text/plain")
    follow = service.get(f"/v1/rulesets/{hashes['esi-2004-followup.esi']}").json()
    assert [f["name"] for f in follow["files"]] == ["esi-2003.esi", "esi-2004-followup.esi"]
    actions = [e["action"] for e in service.get("/v1/audit", role="admin").json()["entries"]]
    assert actions.count("ruleset.publish") == 3  # the repeat is audited too


def test_extends_reaches_only_the_files_published_with_it(service: Service, tmp_path: Path) -> None:
    secret = tmp_path / "secret.esi"
    secret.write_text('ruleset "secret"\n# top secret\n')
    for target in ("../../etc/passwd", str(secret), "../secret.esi", "gone.esi"):
        child = f'ruleset "c"\nextends "{target}"\n'.encode()
        response = service.post("/v1/rulesets", {"main": "child.esi", "files": [upload("child.esi", child)]},
                                role="author")
        assert response.status_code == 422, target
        assert [d["code"] for d in response.json()["diagnostics"]] == ["R004"], response.text
        assert "top secret" not in response.text and "root:" not in response.text
    unused = service.post("/v1/rulesets", {"main": "esi-2003.esi", "files": [
        upload("esi-2003.esi", RULESETS["esi-2003.esi"]), upload("esi-2004-followup.esi", RULESETS["esi-2004-followup.esi"])]},
        role="author")
    assert unused.status_code == 422 and unused.json()["errors"][0]["pointer"] == "/files/1/name"


def test_evidence_reaches_only_the_files_uploaded_with_it(service: Service, tmp_path: Path) -> None:
    hashes = service.publish_bundled()
    outside = tmp_path / "outside-cases.csv"
    outside.write_text((HERTFORDSHIRE / "followup-cases.csv").read_text())
    text = (HERTFORDSHIRE / "followup.yaml").read_text()
    for reference in (str(outside), "../outside-cases.csv", "followup-cases.csv"):
        evidence = text.replace("cases: followup-cases.csv", f"cases: {reference}").encode()
        body = {"ruleset": hashes["esi-2004-followup.esi"], "main": "followup.yaml",
                "files": [upload("followup.yaml", evidence)]}
        response = service.post("/v1/evidence", body, role="inspector")
        assert response.status_code == 422, reference
        codes = [d["code"] for d in response.json()["diagnostics"]]
        assert codes == ["E108"], response.text  # a file outside those uploaded with it
    assert service.get("/v1/evidence").json()["total"] == 0
    dotted = text.replace("cases: followup-cases.csv", "cases: ./followup-cases.csv").encode()
    body = {"ruleset": hashes["esi-2004-followup.esi"], "main": "followup.yaml",
            "files": [upload("followup.yaml", dotted), upload("followup-cases.csv")]}
    assert service.post("/v1/evidence", body, role="inspector").status_code == 201


def test_evidence_names_its_files_alike_whatever_folder_the_service_runs_in(service: Service) -> None:
    """A name inside an upload means the same to every worker: not the working folder's file, nor `~`'s."""
    hashes = service.publish_bundled()
    text = (HERTFORDSHIRE / "followup.yaml").read_text()
    home = os.path.expanduser("~")
    for reference in (os.path.join(os.getcwd(), "followup-cases.csv"), "~/followup-cases.csv"):
        evidence = text.replace("cases: followup-cases.csv", f"cases: {reference}").encode()
        body = {"ruleset": hashes["esi-2004-followup.esi"], "main": "followup.yaml",
                "files": [upload("followup.yaml", evidence), upload("followup-cases.csv")]}
        response = service.post("/v1/evidence", body, role="inspector")
        assert response.status_code == 422, reference
        (diagnostic,) = response.json()["diagnostics"]
        assert diagnostic["code"] == "E108" and f"`{reference}`" in diagnostic["message"], diagnostic
        assert reference.startswith(os.getcwd()) or home not in response.text
    assert service.get("/v1/evidence").json()["total"] == 0


def test_evidence_problems_are_the_loaders_own(service: Service, tmp_path: Path) -> None:
    hashes = service.publish_bundled()
    text = (HERTFORDSHIRE / "followup.yaml").read_text().replace("A1.visibility: strong", "A1.visibility: stronk")
    text = text.replace("inspection:", "inspecton:")
    body = {"ruleset": hashes["esi-2004-followup.esi"], "main": "followup.yaml",
            "files": [upload("followup.yaml", text.encode()), upload("followup-cases.csv")]}
    problem = service.post("/v1/evidence", body, role="inspector").json()
    from esirules.diagnostics import DiagnosticError
    from esirules.evidence.load import load_evidence
    from esirules.files import InputFiles
    from esirules.language.check import load_ruleset
    from esirules.language.sources import MemorySources

    ruleset = load_ruleset("esi-2004-followup.esi", sources=MemorySources(RULESETS))
    files = InputFiles({"followup.yaml": text.encode(), "followup-cases.csv": (HERTFORDSHIRE / "followup-cases.csv").read_bytes()},
                       folders=())
    with pytest.raises(DiagnosticError) as raised:
        load_evidence("followup.yaml", ruleset, files=files)
    assert problem["diagnostics"] == [d.to_json() for d in raised.value.diagnostics]
    assert [(d["code"], d["location"]["line"]) for d in problem["diagnostics"]] == [("E104", 6), ("E131", 12)]


def test_a_run_is_the_command_lines_result_and_verifies(service: Service) -> None:
    hashes = service.hertfordshire()
    made = service.run(hashes["esi-2004-followup.esi"], hashes["followup.yaml"], {"sample": "february"},
                       {"sample": "september"})
    assert made["created"] is True
    expected = json.loads(cli("score", "followup.yaml", "--sample", "february", "--sample", "september",
                              "--format", "json", "--quiet", "--ruleset", "../../rulesets/esi-2004-followup.esi",
                              cwd=HERTFORDSHIRE))
    assert same_but_paths(made["result"]) == same_but_paths(expected)
    run_id = made["run"]["id"]
    raw = service.get(f"/v1/runs/{run_id}/result")
    assert json.loads(raw.content) == made["result"] and raw.content.endswith(b"}\n")
    import hashlib

    assert hashlib.sha256(raw.content).hexdigest() == made["run"]["result_sha256"]
    assert raw.headers["etag"] == f'"{made["run"]["result_sha256"]}"'
    kept = service.client.get(f"/v1/runs/{run_id}/result",
                              headers={**service.headers("viewer"), "If-None-Match": f'"x", {raw.headers["etag"]}'})
    assert (kept.status_code, kept.content, kept.headers["etag"]) == (304, b"", raw.headers["etag"])
    anything = service.client.get(f"/v1/runs/{run_id}/result", headers={**service.headers("viewer"), "If-None-Match": "*"})
    assert anything.status_code == 304  # (`*` matches any current representation: RFC 9110)
    stale = service.client.get(f"/v1/runs/{run_id}/result", headers={**service.headers("viewer"), "If-None-Match": '"x"'})
    assert stale.status_code == 200 and stale.content == raw.content
    verified = service.get(f"/v1/runs/{run_id}/verification").json()
    assert verified["identical"] is True and verified["rescored_sha256"] == verified["result_sha256"]
    again = service.run(hashes["esi-2004-followup.esi"], hashes["followup.yaml"], {"sample": "february"},
                        {"sample": "september"})
    assert again["created"] is False and again["run"]["id"] == run_id
    listed = service.get(f"/v1/runs?evidence={hashes['followup.yaml']}").json()
    assert listed["total"] == 1 and listed["runs"][0]["columns"] == [{"label": "february", "sample": "february"},
                                                                     {"label": "september", "sample": "september"}]
    bad = service.post("/v1/runs", {"ruleset": hashes["esi-2004-followup.esi"], "evidence": hashes["followup.yaml"],
                                    "columns": [{"sample": "febuary"}]}, role="inspector")
    assert bad.status_code == 422  # where the client wrote it (the command line's E203 underlines `--sample`)
    (error,) = bad.json()["errors"]
    assert error == {"pointer": "/columns/0/sample", "help": "did you mean `february`?",
                     "message": "the ruleset `esi-2004-followup` declares no sample called `febuary`"}
    missing = service.post("/v1/runs", {"ruleset": "0" * 64, "evidence": hashes["followup.yaml"]}, role="inspector")
    assert missing.status_code == 404 and missing.json()["errors"][0]["pointer"] == "/ruleset"
    pair = {"ruleset": hashes["esi-2004-followup.esi"], "evidence": hashes["followup.yaml"]}
    clash = service.post("/v1/runs", {**pair, "columns": [{"label": "X", "sample": "february"},
                                                          {"label": "X", "sample": "september"},
                                                          {"sample": "february"}, {"sample": "february"}]},
                         role="inspector")
    assert clash.status_code == 422  # a column that could never be explained (it is asked for by its label)
    assert [e["pointer"] for e in clash.json()["errors"]] == ["/columns/1/label", "/columns/3/sample"]
    controlled = service.post("/v1/runs", {**pair, "title": "T\u001b[2J", "columns": [{"label": "a\u0000b"}]},
                              role="inspector")
    assert controlled.status_code == 400  # stored for good and written into every sheet: no control characters
    assert {e["pointer"] for e in controlled.json()["errors"]} == {"/title", "/columns/0/label"}
    # C1 (U+0085 breaks a line in many programs, a CSV sheet's row among them) and the line separators too
    breaking = service.post("/v1/runs", {**pair, "title": "T\u2028U", "columns": [{"label": "Feb\u0085x"}]},
                            role="inspector")
    assert breaking.status_code == 400 and {e["pointer"] for e in breaking.json()["errors"]} == {"/title", "/columns/0/label"}
    assert service.get(f"/v1/runs?evidence={hashes['followup.yaml']}").json()["total"] == 1


def test_explanations_are_the_command_lines(service: Service) -> None:
    hashes = service.hertfordshire()
    run = service.run(hashes["esi-2004-followup.esi"], hashes["followup.yaml"], {"sample": "february", "label": "Feb"},
                      {"sample": "september", "label": "Sept"})["run"]["id"]
    asks = [("B1", "Feb", []), ("B1", "Sept", ["where=risk_of_harm >= high"]), ("overall", "Feb", []),
            ("B1.start", "Feb", ["case=F07"])]
    for target, column, extra in asks:
        query = "&".join([f"column={column}", *extra])
        response = service.get(f"/v1/runs/{run}/explanations/{target}?{query}")
        assert response.status_code == 200, response.text
        sample = "february" if column == "Feb" else "september"
        options = [o for e in extra for o in (f"--{e.split('=')[0]}", e.split("=", 1)[1])]
        printed = cli("explain", "followup.yaml", target, "--sample", sample, "--format", "json", *options,
                      cwd=HERTFORDSHIRE)
        expected = json.loads(printed)
        expected["column"]["label"] = column  # the command line labels a column by its sample
        if expected["where"] is not None:
            expected["where"]["column"]["label"] = column
        assert same_but_paths(response.json()) == same_but_paths(expected), (target, column)
    markdown = service.get(f"/v1/runs/{run}/explanations/B1?column=Feb&format=markdown")
    assert markdown.headers["content-type"].startswith("text/markdown") and "B1" in markdown.text
    several = service.get(f"/v1/runs/{run}/explanations/B1")
    assert several.status_code == 422 and "`Feb`, `Sept`" in several.json()["errors"][0]["help"]
    unknown = service.get(f"/v1/runs/{run}/explanations/B9?column=Feb&where=risk >= high&case=F99")
    assert unknown.status_code == 422  # each placed where the client wrote it, not in the command line's names
    assert [(d["code"], d["location"]["file"]) for d in unknown.json()["diagnostics"]] == [
        ("E301", "{target}"), ("R030", "?where"), ("E303", "?case")]


def test_an_adjustment_makes_a_new_run_citing_the_one_adjusted(service: Service) -> None:
    hashes = service.hertfordshire()
    first = service.run(hashes["esi-2004-followup.esi"], hashes["followup.yaml"], {"sample": "february", "label": "Feb"})
    run = first["run"]["id"]
    body = {"criterion": "A2", "grade": "Well met", "reason": "the lead inspector's judgement"}
    adjusted = service.post(f"/v1/runs/{run}/adjustments", body, role="inspector")
    assert adjusted.status_code == 201, adjusted.text
    new = adjusted.json()
    assert new["run"]["adjusts"] == run and new["run"]["id"] != run
    assert new["run"]["adjustments"] == [{**body, "by": "inspector holder"}]
    # Written in other capitals, it is the same adjustment: the same run, the grade as the ladder writes it
    again = service.post(f"/v1/runs/{run}/adjustments", {**body, "criterion": "a2", "grade": "well met"}, role="inspector")
    assert again.status_code == 200 and again.json()["run"]["id"] == new["run"]["id"]
    assert again.json()["run"]["adjustments"] == new["run"]["adjustments"]
    a2 = new["result"]["columns"][0]["criteria"]["A2"]
    assert a2["grade"] == "Well met" and a2["computed_grade"] == first["result"]["columns"][0]["criteria"]["A2"]["grade"]
    assert {k: a2["adjustment"][k] for k in ("grade", "by", "reason", "applied")} == {
        "grade": "Well met", "by": "inspector holder", "reason": body["reason"], "applied": True}
    assert service.get(f"/v1/runs/{run}").json()["result"] == first["result"]  # the adjusted run is unchanged
    assert service.get(f"/v1/runs/{new['run']['id']}/verification").json()["identical"] is True
    explained = service.get(f"/v1/runs/{new['run']['id']}/explanations/A2").json()
    assert "the lead inspector's judgement" in json.dumps(explained)
    # A second adjustment builds on the first; the evidence's own (A1) is kept where not replaced.
    second = service.post(f"/v1/runs/{new['run']['id']}/adjustments",
                          {"criterion": "A3", "grade": "Not met", "reason": "second look"}, role="admin").json()
    criteria = second["result"]["columns"][0]["criteria"]
    assert criteria["A2"]["grade"] == "Well met" and criteria["A3"]["grade"] == "Not met"
    assert criteria["A1"]["adjustment"]["by"] == "Lead inspector"
    # Replacing the evidence's own adjustment of A1: the explanation cites the one applied, not
    # the evidence file's line of the one replaced.
    replaced = service.post(f"/v1/runs/{run}/adjustments",
                            {"criterion": "A1", "grade": "Well met", "reason": "seen again"}, role="inspector").json()
    assert replaced["result"]["columns"][0]["criteria"]["A1"]["grade"] == "Well met"
    a1 = service.get(f"/v1/runs/{replaced['run']['id']}/explanations/A1").json()["explanation"]["adjustment"]
    assert (a1["grade"], a1["reason"], a1["recorded"]["file"]) == ("Well met", "seen again", ADJUSTMENTS_FILE)
    bad = service.post(f"/v1/runs/{run}/adjustments", {"criterion": "A2", "grade": "Wel met", "reason": "x"},
                       role="inspector")
    # (placed at the request's fields, in the evidence loader's words: not in a file the client never sent)
    assert bad.status_code == 422 and "sources" not in bad.json()
    (error,) = bad.json()["errors"]
    assert error["pointer"] == "/grade" and error["help"].startswith("grades are `Very well met`, `Well met`")
    numerical = service.post(f"/v1/runs/{run}/adjustments", {"criterion": "B1", "grade": "Well met", "reason": "x"},
                             role="inspector")
    assert numerical.status_code == 422 and [e["pointer"] for e in numerical.json()["errors"]] == ["/criterion"]
    unknown = service.post(f"/v1/runs/{run}/adjustments", {"criterion": "A9", "grade": "Well met", "reason": "x"},
                           role="inspector")
    assert unknown.status_code == 422 and [e["pointer"] for e in unknown.json()["errors"]] == ["/criterion"]


def test_a_batch_gives_one_run_per_item_or_stores_nothing(service: Service) -> None:
    hashes = service.publish_bundled()
    followup = (HERTFORDSHIRE / "followup.yaml").read_text()
    items = [{"main": "followup.yaml", "files": [upload("followup.yaml"), upload("followup-cases.csv")]},
             {"main": "area-2.yaml", "files": [upload("area-2.yaml", followup.replace("Hertfordshire", "Area 2").encode()),
                                               upload("followup-cases.csv")]}]
    body = {"ruleset": hashes["esi-2004-followup.esi"], "items": items, "columns": [{"sample": "february"}]}
    made = service.post("/v1/batches", body, role="inspector")
    assert made.status_code == 201, made.text
    runs = made.json()["runs"]
    assert [r["index"] for r in runs] == [0, 1] and len({r["run"] for r in runs}) == 2
    for item in runs:
        run = service.get(f"/v1/runs/{item['run']}").json()
        assert run["run"]["batch"] == made.json()["batch"] and run["run"]["evidence"] == item["evidence"]
        single = service.run(hashes["esi-2004-followup.esi"], item["evidence"], {"sample": "february"})
        assert single["run"]["id"] == item["run"] and single["created"] is False
    broken = [items[0], {"main": "bad.yaml", "files": [upload("bad.yaml", b"inspection: [\n")]},
              {"main": "worse.yaml", "files": [upload("worse.yaml", followup.replace("strong", "stronk").encode()),
                                               upload("followup-cases.csv")]}]
    before = service.get("/v1/evidence").json()["total"]
    refused = service.post("/v1/batches", {**body, "items": broken}, role="inspector")
    assert refused.status_code == 422
    files = {d["location"]["file"] for d in refused.json()["diagnostics"]}
    assert files == {"bad.yaml", "worse.yaml"}
    assert service.get("/v1/evidence").json()["total"] == before
    # Items' files usually share a name (each area's `inspection.yaml`): each problem names its item.
    alike = [{"main": "inspection.yaml", "files": [upload("inspection.yaml", followup.replace("A1.visibility", name)
                                                          .encode()), upload("followup-cases.csv")]}
             for name in ("A1.visibilty", "A1.visibility", "A1.vsibility")]
    refused = service.post("/v1/batches", {**body, "items": alike}, role="inspector").json()
    assert [(d["code"], d["pointer"]) for d in refused["diagnostics"]] == [("E130", "/items/0"), ("E130", "/items/2")]
    assert refused["detail"] == "2 problems found in inspection.yaml (/items/0, /items/2)"
    # Every item's mistakes in the request come in one answer, with the problems in the others' files.
    mixed = [{"main": "a.yaml", "files": [upload("b.yaml", b"x: 1\n")]}, alike[0],
             {"main": "c.yaml", "files": [upload("d.yaml", b"x: 1\n")]}]
    refused = service.post("/v1/batches", {**body, "items": mixed}, role="inspector").json()
    assert [e["pointer"] for e in refused["errors"]] == ["/items/0/main", "/items/2/main"]
    assert [d["pointer"] for d in refused["diagnostics"]] == ["/items/1"]
    assert service.get("/v1/evidence").json()["total"] == before


def test_the_sheet_of_four_runs_is_the_command_lines_sheet(service: Service) -> None:
    hashes = service.hertfordshire()
    original, followup = hashes["original.yaml"], hashes["followup.yaml"]
    runs = [
        service.run(hashes["esi-2003.esi"], original, {"label": "Original"}),
        service.run(hashes["esi-2004-followup.esi"], original, {"label": "Adjusted"}),
        service.run(hashes["esi-2004-followup.esi"], followup, {"sample": "february", "label": "Feb"}),
        service.run(hashes["esi-2004-followup.esi"], followup, {"sample": "september", "label": "Sept"}),
    ]
    title = "Scoring summary sheet: Hertfordshire follow-up (synthetic cases reproducing the published figures)"
    query = [("run", r["run"]["id"]) for r in runs] + [("title", title)]
    for fmt in ("csv", "markdown"):
        sheet = service.get("/v1/sheet", params=[*query, ("format", fmt)])
        assert sheet.text == cli("score", "summary.yaml", "--format", fmt, cwd=HERTFORDSHIRE)
    sheet = service.get("/v1/sheet", params=query).json()
    assert same_but_paths(sheet) == same_but_paths(json.loads(cli("score", "summary.yaml", "--format", "json",
                                                                  cwd=HERTFORDSHIRE)))
    missing = service.get(f"/v1/sheet?run={'0' * 64}")
    assert missing.status_code == 404 and missing.json()["errors"][0]["pointer"] == "?run/0"
    # No two columns of a sheet share a label, as on the command line (E201): runs labelled
    # alike are headed apart, and a run given twice is refused.
    other = service.run(hashes["esi-2004-followup.esi"], original, {"label": "Original"})["run"]["id"]
    alike = service.get("/v1/sheet", params=[("run", runs[0]["run"]["id"]), ("run", other)]).json()
    assert [c["label"] for c in alike["columns"]] == [f"Original (run {runs[0]['run']['id'][:6]})",
                                                     f"Original (run {other[:6]})"]
    twice = service.get("/v1/sheet", params=[("run", other), ("run", runs[0]["run"]["id"]), ("run", other)])
    assert twice.status_code == 422 and [e["pointer"] for e in twice.json()["errors"]] == ["?run/2"]
    # A run's own title is its sheet's (it was the inspection's whatever the run was given)
    titled = service.run(hashes["esi-2004-followup.esi"], followup, {"sample": "february"}, title="Board report")
    one = service.get("/v1/sheet", params=[("run", titled["run"]["id"])])
    assert one.json()["title"] == titled["result"]["title"] == "Board report"
    assert one.text == service.get(f"/v1/runs/{titled['run']['id']}/result").text


def test_a_workbook_uploaded_is_told_the_way_round(service: Service) -> None:
    """api.md says a workbook is read by the command line only; the refusal did not."""
    hashes = service.publish_bundled()
    body = {"ruleset": hashes["esi-2004-followup.esi"], "main": "cases.xlsx",
            "files": [{"name": "cases.xlsx", "content": "UEsDBA==", "encoding": "base64"}]}
    refused = service.post("/v1/evidence", body, role="inspector")
    assert refused.status_code == 400
    main = next(e for e in refused.json()["errors"] if e["pointer"] == "/main")
    assert main["message"].endswith("; a workbook is read by the command line only: save its cases sheet as CSV "
                                    "(UTF-8) and upload that, with an evidence file for its other sheets")


def test_a_rulesets_content_hash_given_as_its_address_is_told_the_address(service: Service) -> None:
    """Results, checks and diffs call a ruleset's content hash its `hash`; sent back, it got a bare 404."""
    hashes = service.publish_bundled()
    content = service.get(f"/v1/rulesets/{hashes['esi-2003.esi']}").json()["content_hash"]
    assert content != hashes["esi-2003.esi"]
    missing = service.get(f"/v1/rulesets/{content}")
    assert missing.status_code == 404
    (error,) = missing.json()["errors"]
    assert error["pointer"] == "{hash}" and error["help"] == (
        "this is the content hash of ruleset `esi-2003` 2003 (what a result or a check calls its `hash`); "
        f"the API's address for it is `{hashes['esi-2003.esi']}`")
    evidence = service.get(f"/v1/evidence/{'0' * 64}").json()["errors"][0]
    assert evidence["help"].endswith("a result's `evidence.hash` is the hash of what was read, not this address")


def test_file_names_in_another_unicode_form_are_the_same_names(service: Service) -> None:
    """macOS sends `é` as `e` and an accent (NFD): "`cas-été.csv` is not among the files uploaded"."""
    import unicodedata

    hashes = service.publish_bundled()
    composed = "cas-été.csv"
    decomposed = unicodedata.normalize("NFD", composed)
    cases = (HERTFORDSHIRE / "followup-cases.csv").read_text()
    evidence = (HERTFORDSHIRE / "followup.yaml").read_text().replace("followup-cases.csv", composed)
    body = {"ruleset": hashes["esi-2004-followup.esi"], "main": "followup.yaml",
            "files": [{"name": "followup.yaml", "content": evidence}, {"name": decomposed, "content": cases}]}
    stored = service.post("/v1/evidence", body, role="inspector")
    assert stored.status_code == 201, stored.text
    address = stored.json()["evidence"]["hash"]
    fetched = service.get(f"/v1/evidence/{address}/files/{decomposed}", role="inspector")
    assert fetched.status_code == 200 and fetched.text == cases  # (by the name as it was sent)
    ruleset = RULESETS["esi-2003.esi"].decode()
    named = unicodedata.normalize("NFD", "année-2003.esi")
    published = service.post("/v1/rulesets", {"main": named, "files": [{"name": named, "content": ruleset}]},
                             role="author")
    assert published.status_code == 201, published.text  # (its main file named decomposed, as macOS sends it)
    both = {**body, "files": [*body["files"], {"name": composed, "content": cases}]}
    twice = service.post("/v1/evidence", both, role="inspector")
    assert twice.status_code == 422 and [e["pointer"] for e in twice.json()["errors"]] == ["/files/2/name"]
