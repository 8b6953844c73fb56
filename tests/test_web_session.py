"""The pages' guards, without a browser: CSRF on every form, the session cookie, roles, limits and the 403/404 pages.

Each write refused here is checked by what the store holds afterwards: nothing was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from service_helpers import Service

from esirules.service.pages import session


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, dict[str, str]]]:
    service = Service.start(str(tmp_path_factory.mktemp("pages") / "store.db"))
    try:
        known = service.hertfordshire()
        run = service.run(known["esi-2004-followup.esi"], known["followup.yaml"], {"sample": "february", "label": "Feb"})
        yield service, {**known, "run": run["run"]["id"]}
    finally:
        service.close()


def sign_in(service: Service, role: str) -> Any:
    """A fresh client signed in through the sign-in form (so its cookies are its own)."""
    from starlette.testclient import TestClient

    client = TestClient(service.app, raise_server_exceptions=False, base_url="http://testserver")
    form = client.get("/sign-in")
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.text)
    assert nonce is not None
    answer = client.post("/sign-in", data={"nonce": nonce[1], "token": service.tokens[role], "next": "/rulesets"},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/rulesets"
    return client


def csrf(client: Any, path: str = "/rulesets") -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None
    return found[1]


def audit_size(service: Service) -> int:
    return service.store.counts()["audit"]


def test_the_session_cookie_is_httponly_strict_and_holds_what_the_store_checks(web: tuple[Service, dict[str, str]]) -> None:
    service, _ = web
    client = sign_in(service, "viewer")
    cookie = next(c for c in client.cookies.jar if c.name == session.SESSION)
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "strict"
    page = client.get("/inspections")
    assert page.status_code == 200
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["cache-control"] == "no-store"
    assert "Signed in as <strong>viewer holder</strong> (viewer)" in page.text


def test_the_api_never_takes_the_cookie_for_a_token(web: tuple[Service, dict[str, str]]) -> None:
    service, _ = web
    client = sign_in(service, "admin")
    assert client.get("/v1/status").status_code == 401  # only `Authorization: Bearer` opens the API


def test_a_form_without_the_sessions_csrf_token_or_from_another_origin_does_nothing(web: tuple[Service, dict[str, str]]) -> None:
    service, known = web
    client = sign_in(service, "inspector")
    before = audit_size(service)
    adjustment = {"criterion": "A2", "grade": "Well met", "reason": "a forged request"}
    for extra, headers in (({}, {}), ({"csrf": "0" * 40}, {}),
                           ({"csrf": csrf(client)}, {"origin": "https://elsewhere.example"})):
        answer = client.post(f"/runs/{known['run']}/adjust", data={**adjustment, **extra}, headers=headers,
                             follow_redirects=False)
        assert answer.status_code == 403 and "nothing was done" in answer.text
    assert audit_size(service) == before
    made = client.post(f"/runs/{known['run']}/adjust", data={**adjustment, "csrf": csrf(client)},
                       headers={"origin": "http://testserver"}, follow_redirects=False)
    assert made.status_code == 303 and "/explain/A2?column=Feb" in made.headers["location"]
    assert audit_size(service) == before + 1


def test_a_role_too_low_gets_the_403_page_and_nothing_is_written(web: tuple[Service, dict[str, str]]) -> None:
    service, known = web
    client = sign_in(service, "viewer")
    before = audit_size(service)
    answer = client.post(f"/runs/{known['run']}/adjust",
                         data={"criterion": "A2", "grade": "Not met", "reason": "?", "csrf": csrf(client)})
    assert answer.status_code == 403
    assert "This needs the role\n<strong>inspector</strong> or above" in answer.text
    assert audit_size(service) == before
    page = client.get(f"/runs/{known['run']}/explain/A1?column=Feb")
    assert page.status_code == 200 and "Record the adjustment" not in page.text
    assert "Upload evidence" not in page.text and "Audit" not in page.text  # not offered
    assert client.get("/evidence/upload").status_code == 403


def test_signing_in_needs_the_forms_own_nonce_and_goes_only_to_this_site(web: tuple[Service, dict[str, str]]) -> None:
    service, _ = web
    from starlette.testclient import TestClient

    client = TestClient(service.app, raise_server_exceptions=False)
    client.get("/sign-in")
    forged = client.post("/sign-in", data={"nonce": "guessed", "token": service.tokens["admin"]})
    assert forged.status_code == 403 and session.SESSION not in client.cookies
    assert 'aria-invalid' not in forged.text  # (an expired form is not the token's fault)
    page = client.get("/sign-in")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None
    wrong = client.post("/sign-in", data={"nonce": nonce[1], "token": "esirules_mistyped"})
    assert wrong.status_code == 401 and '<p class="problem" role="alert" id="sign-in-problem">That token' in wrong.text
    assert 'size="60" aria-invalid="true" aria-describedby="sign-in-problem">' in wrong.text  # (the field says why)
    for target, expected in (("//elsewhere.example/x", "/inspections"), ("https://elsewhere.example", "/inspections"),
                             ("/runs", "/runs"), ("/\\elsewhere.example", "/inspections")):
        assert session.safe_next(target) == expected


def test_signing_out_forgets_the_token(web: tuple[Service, dict[str, str]]) -> None:
    service, _ = web
    client = sign_in(service, "viewer")
    out = client.post("/sign-out", data={"csrf": csrf(client)}, follow_redirects=False)
    assert out.status_code == 303 and session.SESSION not in client.cookies
    assert client.get("/inspections", follow_redirects=False).headers["location"] == "/sign-in?next=/inspections"


def test_a_revoked_token_stops_working_at_once(web: tuple[Service, dict[str, str]]) -> None:
    service, _ = web
    client = sign_in(service, "viewer")
    client.cookies.set(session.SESSION, service.tokens["revoked"])
    ended = client.get("/inspections", follow_redirects=False)
    assert ended.status_code == 303
    assert "Your token is no longer valid" in client.get(ended.headers["location"]).text  # said, not silent
    fresh = client.get("/sign-in?next=/inspections")
    assert "no longer valid" not in fresh.text


def test_a_browser_gets_pages_for_missing_things_and_an_api_client_problem_documents(web: tuple[Service, dict[str, str]]) -> None:
    service, _ = web
    client = sign_in(service, "viewer")
    page = client.get("/no-such-page", headers={"accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    problem = client.get("/no-such-page")
    assert problem.headers["content-type"] == "application/problem+json"
    missing = client.get("/runs/" + "0" * 64)
    assert missing.status_code == 404 and "There is no run" in missing.text
    assert client.get("/sheet").status_code == 422


def test_the_style_sheets_are_served_here_and_kept(web: tuple[Service, dict[str, str]]) -> None:
    service, _ = web
    client = sign_in(service, "viewer")
    page = client.get("/inspections").text
    links = re.findall(r'<link rel="stylesheet" href="(/static/[^"]+)">', page)
    assert [link.split("?")[0] for link in links] == ["/static/esirules.css", "/static/pages.css"]
    for link in links:
        sheet = client.get(link)
        assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
        assert "immutable" in sheet.headers["cache-control"]
    assert ".source .k " in client.get(links[1]).text  # the ruleset highlighting's colours
    assert client.get("/static/elsewhere.js").status_code == 404


def test_a_form_larger_than_the_service_takes_is_refused(tmp_path: Any) -> None:
    from esirules.service.operation import Settings

    url = str(tmp_path / "store.db")
    service = Service(url, Settings(database=url, max_body_bytes=2048))
    try:
        client = sign_in(service, "admin")
        token = csrf(client, "/rulesets/publish")
        big = client.post("/rulesets/check", data={"csrf": token},
                          files={"ruleset": ("big.esi", b"# x\n" * 4000, "text/plain")})
        assert big.status_code == 413 and "at most 2048 bytes" in big.text
    finally:
        service.close()


def test_an_inspector_uploads_evidence_and_scores_it_from_the_pages(web: tuple[Service, dict[str, str]]) -> None:
    from service_helpers import HERTFORDSHIRE

    service, known = web
    client = sign_in(service, "inspector")
    token = csrf(client, "/evidence/upload")
    yaml = (HERTFORDSHIRE / "followup.yaml").read_bytes().replace(b"A1.visibility: strong", b"A1.visibility: good")
    stored = client.post("/evidence/upload", data={"csrf": token, "ruleset": known["esi-2004-followup.esi"]},
                         files=[("evidence", ("followup.yaml", yaml, "application/yaml")),
                                ("cases", ("followup-cases.csv", (HERTFORDSHIRE / "followup-cases.csv").read_bytes(),
                                           "text/csv"))],
                         follow_redirects=False)
    assert stored.status_code == 303, stored.text
    evidence = stored.headers["location"].split("/evidence/")[1].split("?")[0]
    page = client.get(stored.headers["location"])
    assert "Stored: the evidence had no problems" in page.text and 'value="february"' in page.text
    labelled = client.post("/runs", data={"csrf": token, "evidence": evidence, "ruleset": known["esi-2004-followup.esi"],
                                          "sample": ["february", "september"], "label": "MyLabel"})
    assert labelled.status_code == 422 and "label `MyLabel` names one column, but 2 samples are ticked" in labelled.text
    assert service.get(f"/v1/runs?evidence={evidence}").json()["runs"] == []  # (nothing made, the label not dropped)
    scored = client.post("/runs", data={"csrf": token, "evidence": evidence, "ruleset": known["esi-2004-followup.esi"],
                                        "sample": ["february", "september"]}, follow_redirects=False)
    assert scored.status_code == 303
    run = client.get(scored.headers["location"])
    assert run.status_code == 200
    assert re.findall(r'<th scope="col" class="figure">(\w+)<span', run.text)[:2] == ["february", "september"]
    listed = service.get(f"/v1/runs?evidence={evidence}").json()["runs"]
    assert [c["sample"] for c in listed[0]["columns"]] == ["february", "september"]
    assert "<title>Run february, september of " in run.text  # (runs of one inspection told apart)
    again = client.post("/evidence/upload", data={"csrf": token, "ruleset": known["esi-2004-followup.esi"]},
                        files=[("evidence", ("followup.yaml", yaml, "application/yaml")),
                               ("cases", ("followup-cases.csv", (HERTFORDSHIRE / "followup-cases.csv").read_bytes(),
                                          "text/csv"))])
    assert "Already stored: the same files were uploaded before" in again.text


def test_the_diff_page_shows_the_reports_adjusted_column_as_the_impact_of_the_follow_up_ruleset(
    web: tuple[Service, dict[str, str]],
) -> None:
    from test_golden import CRITERIA, SECTIONS

    service, known = web
    client = sign_in(service, "viewer")
    page = client.get(f"/rulesets/diff?old={known['esi-2003.esi']}&new={known['esi-2004-followup.esi']}"
                      f"&evidence={known['original.yaml']}")
    assert page.status_code == 200
    assert "<h1>Changes from esi-2003 to esi-2004-followup</h1>" in page.text
    found = re.findall(r'<tr><th scope="row">(?:section )?([A-D][0-9]?)</th><td>[^<]*</td>'
                       r'<td class="figure">([^<]*)</td><td class="figure">([^<]*)</td>', page.text)
    figures = {target: (old, new) for target, old, new in found}
    rows = {**CRITERIA, **SECTIONS}
    assert {target: (original, adjusted) for target, (original, adjusted, _, _) in rows.items()} == {
        target: figures[target] for target in rows}  # the report's original and adjusted columns
    handbook = client.get(f"/rulesets/{known['esi-2004-followup.esi']}/handbook")
    assert handbook.status_code == 200 and "What the lead inspector may adjust" in handbook.text


def test_a_run_and_the_run_adjusting_it_are_headed_apart_on_one_sheet(web: tuple[Service, dict[str, str]]) -> None:
    service, known = web
    body = {"criterion": "A2", "grade": "Well met", "reason": "the lead inspector's judgement"}
    adjusted = service.post(f"/v1/runs/{known['run']}/adjustments", body, role="inspector").json()["run"]["id"]
    client = sign_in(service, "viewer")
    page = client.get(f"/sheet?run={known['run']}&run={adjusted}")
    assert page.status_code == 200
    heads = re.findall(r'<th scope="col" class="figure">([^<]+)<span', page.text)
    assert heads[:2] == ["Feb", "Feb (adjusted)"]  # (both runs call their column `Feb`)
    assert f"/runs/{adjusted}/explain/A2?column=Feb" in page.text  # the link still asks for the run's own label


def test_comparing_rulesets_without_choosing_one_says_what_to_choose(web: tuple[Service, dict[str, str]]) -> None:
    service, known = web
    client = sign_in(service, "viewer")
    answer = client.get(f"/rulesets/diff?new={known['esi-2004-followup.esi']}")
    assert answer.status_code == 422 and "Choose the older ruleset to compare" in answer.text
    assert "<title>The rulesets were not compared · esirules</title>" in answer.text  # (not "Problems found")
    assert "no published ruleset" not in answer.text


def test_a_file_uploaded_that_nothing_reads_is_named_in_the_forms_words(web: tuple[Service, dict[str, str]]) -> None:
    from service_helpers import HERTFORDSHIRE

    service, known = web
    client = sign_in(service, "inspector")
    token = csrf(client, "/evidence/upload")
    cases = (HERTFORDSHIRE / "followup-cases.csv").read_bytes()
    answer = client.post("/evidence/upload", data={"csrf": token, "ruleset": known["esi-2004-followup.esi"]},
                         files=[("evidence", ("followup.yaml", (HERTFORDSHIRE / "followup.yaml").read_bytes(), "application/yaml")),
                                ("cases", ("followup-cases.csv", cases, "text/csv")),
                                ("cases", ("original-cases.csv", cases, "text/csv"))])
    assert answer.status_code == 422 and "`original-cases.csv` is not read by `followup.yaml`" in answer.text
    assert "<h1>The evidence was not stored</h1>" in answer.text
    assert "/files/2" not in answer.text


def test_evidence_not_yet_scored_is_offered_the_ruleset_its_file_names_not_the_newest(
    web: tuple[Service, dict[str, str]],
) -> None:
    from service_helpers import HERTFORDSHIRE

    service, known = web
    client = sign_in(service, "inspector")
    token = csrf(client, "/evidence/upload")
    original = b"# stored again, so that it has no run yet\n" + (HERTFORDSHIRE / "original.yaml").read_bytes()
    cases = ("cases", ("original-cases.csv", (HERTFORDSHIRE / "original-cases.csv").read_bytes(), "text/csv"))
    stored = client.post("/evidence/upload", data={"csrf": token, "ruleset": known["esi-2003.esi"]},
                         files=[("evidence", ("original.yaml", original, "application/yaml")), cases],
                         follow_redirects=False)
    assert stored.status_code == 303, stored.text
    page = client.get(stored.headers["location"].split("?")[0])  # (as from the list: no ruleset in the address)
    chosen = re.search(r'<option value="(\w+)" selected>', page.text)
    assert chosen is not None and chosen[1] == known["esi-2003.esi"] != service.get("/v1/rulesets").json()["rulesets"][0]["hash"]
    # The follow-up's evidence under esi-2003: its problems come with the likely cause.
    followup = client.post("/evidence/upload", data={"csrf": token, "ruleset": known["esi-2003.esi"]},
                           files=[("evidence", ("followup.yaml", (HERTFORDSHIRE / "followup.yaml").read_bytes(),
                                                "application/yaml")),
                                  ("cases", ("followup-cases.csv", (HERTFORDSHIRE / "followup-cases.csv").read_bytes(),
                                             "text/csv"))])
    assert followup.status_code == 422
    assert ("<code>followup.yaml</code> names the ruleset <code>esi-2004-followup.esi</code>,\nbut "
            "<strong>esi-2003 2003</strong> was chosen") in followup.text


def test_the_adjustment_form_says_the_grade_is_given_in_every_column(web: tuple[Service, dict[str, str]]) -> None:
    service, known = web
    run = service.run(known["esi-2004-followup.esi"], known["followup.yaml"], {"sample": "february"},
                      {"sample": "september"})["run"]["id"]
    page = sign_in(service, "inspector").get(f"/runs/{run}/explain/A1?column=february")
    assert page.status_code == 200
    assert ("the grade is given in <strong>every column</strong> of the new run\n(february, september), "
            "not only in february.") in page.text
    assert "This run stays as it is. An adjustment is the inspection's" in page.text


def test_a_mistake_typed_in_the_explain_form_is_named_by_the_forms_words_and_marks_its_field(
    web: tuple[Service, dict[str, str]],
) -> None:
    service, known = web
    client = sign_in(service, "viewer")
    page = client.get(f"/runs/{known['run']}/explain/B1", params={"column": "Feb", "case": "ZZ99"})
    assert page.status_code == 422
    assert "in <em>A case</em>, at character 1" in page.text and "<code>--case" not in page.text
    assert 'id="case" name="case" type="text" value="ZZ99" size="20" aria-invalid="true" aria-describedby="explain-problems explain-problem-list"' in page.text
    page = client.get(f"/runs/{known['run']}/explain/B1", params={"column": "Feb", "where": "risk_of_harm >= hgh"})
    assert "in <em>the condition</em>, at character 17" in page.text and "<code>--where" not in page.text
    assert 'value="risk_of_harm &gt;= hgh" size="50" aria-invalid="true"' in page.text


def test_the_compare_form_refused_names_its_field_and_links_back(web: tuple[Service, dict[str, str]]) -> None:
    service, known = web
    client = sign_in(service, "viewer")
    form = f"/rulesets/{known['esi-2004-followup.esi']}"
    answer = client.get("/rulesets/diff", params={"old": known["esi-2003.esi"], "new": known["esi-2004-followup.esi"],
                                                  "evidence": known["original.yaml"], "sample": "febuary"},
                        headers={"referer": f"http://testserver{form}"})
    assert answer.status_code == 422
    assert "found in Sample." in answer.text and "in <em>Sample</em>" in answer.text and "<code>?sample" not in answer.text
    assert f'<a href="{form}">Back to the form</a>' in answer.text


def test_a_mistyped_column_in_a_link_is_said_in_the_pages_words(web: tuple[Service, dict[str, str]]) -> None:
    """The page began "?column: the run has no column `Fbe`", the API's name for the part of the address."""
    service, known = web
    client = sign_in(service, "viewer")
    page = client.get(f"/runs/{known['run']}/explain/B1", params={"column": "Fbe"})
    assert page.status_code == 422 and "?column" not in page.text
    assert '<p class="problem" role="alert">1 problem found in the page&#39;s address.</p>' in page.text
    assert "the run has no column `Fbe` <span class=\"help\">(did you mean `Feb`?)</span>" in page.text


def test_a_view_of_one_case_or_some_cases_says_so_in_its_title_and_the_run_boxes_are_told_apart(
    web: tuple[Service, dict[str, str]],
) -> None:
    service, known = web
    client = sign_in(service, "viewer")
    page = client.get(f"/runs/{known['run']}/explain/B1", params={"column": "Feb", "case": "F01"})
    assert "<h1>B1 Assessment of risk of harm (Feb), case F01</h1>" in page.text
    page = client.get(f"/runs/{known['run']}/explain/B1", params={"column": "Feb", "where": "mappa"})
    assert "<h1>B1 Assessment of risk of harm (Feb), where mappa</h1>" in page.text
    listed = client.get("/inspections").text
    names = re.findall(r'aria-label="(Put the run [^"]+)"', listed)
    assert names and len(names) == len(set(names))  # each run's box named apart (time, id, adjustments)
    assert all(f"{run[:12]}" in name for name, run in zip(names, re.findall(r'name="run" value="(\w+)"', listed)))


def test_the_adjustment_form_names_the_runs_that_adjust_this_one_since(web: tuple[Service, dict[str, str]]) -> None:
    """Each adjustment makes a run of its own: a second inspector adjusting the same run would
    make a sibling that lacks the first's, so the form says so, with a link to it."""
    service, known = web
    run = service.run(known["esi-2004-followup.esi"], known["followup.yaml"], {"sample": "february", "label": "Since"})
    run_id = run["run"]["id"]
    client = sign_in(service, "inspector")
    before = client.get(f"/runs/{run_id}/explain/A2", params={"column": "Since"}).text
    assert "has been adjusted since" not in before
    first = service.post(f"/v1/runs/{run_id}/adjustments", {"criterion": "A3", "grade": "Not met", "reason": "x"},
                         role="inspector").json()["run"]["id"]
    page = client.get(f"/runs/{run_id}/explain/A2", params={"column": "Since"}).text
    assert "This run has been adjusted since, in a run of\nits own:" in page
    assert f'<a href="/runs/{first}">A3 → Not met by inspector holder</a>' in page
    assert "has been adjusted since" in client.get(f"/runs/{run_id}").text


def test_a_form_sent_after_the_session_ended_offers_to_sign_in_and_come_back(web: tuple[Service, dict[str, str]]) -> None:
    from starlette.testclient import TestClient

    service, known = web
    client = TestClient(service.app, raise_server_exceptions=False, base_url="http://testserver")
    page = f"/runs/{known['run']}/explain/A2?column=Feb"
    answer = client.post(f"/runs/{known['run']}/adjust", data={"criterion": "A2", "grade": "Well met", "reason": "x"},
                         headers={"referer": f"http://testserver{page}"})
    assert answer.status_code == 401 and "nothing was done" in answer.text
    assert f'<a href="/sign-in?next={quote(page, safe="/")}">Sign in</a>, and you are taken back' in answer.text


def test_a_run_given_twice_for_the_sheet_page_is_one_set_of_columns(web: tuple[Service, dict[str, str]]) -> None:
    service, known = web
    page = sign_in(service, "viewer").get(f"/sheet?run={known['run']}&run={known['run']}")
    assert page.status_code == 200
    head = page.text.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert re.findall(r'<th scope="col" class="figure">([^<]+)<span', head) == ["Feb"]
