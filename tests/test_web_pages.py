"""The web pages in a real browser: `esirules serve` over a store holding the Hertfordshire inspection, driven by Chromium.

What a person sees is checked against the report: the sheet's figures are the published ones
(transcribed in tests/test_golden.py, never the program's own output), B1's question counts on
its explanation page recompute to the published 33%, A1's page shows the lead inspector's
adjustment (the reason as the evidence file records it) and the smallest change. Broken evidence
is shown with every problem at the line the test broke; an author publishes while a viewer is not
offered to and is refused; an adjustment made on a page is in the audit. Every page passes
axe-core with no serious or critical violation, and can be used from the keyboard.

Screenshots of the main pages are written to ESIRULES_SCREENSHOTS (a folder, relative to the
repository) when it is set: `ESIRULES_SCREENSHOTS=docs/images .venv/bin/pytest tests/test_web_pages.py`
regenerates the ones in docs/inspectors-guide.md; otherwise to a temporary folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from browser_support import axe_violations, browser  # noqa: F401  (the session's Chromium)
from service_helpers import HERTFORDSHIRE, RULESETS, Server, Service
from test_golden import COLUMNS, CRITERIA, D3, OVERALL, SECTION_A, SECTIONS

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1200, "height": 900}
RUNS = (  # label, ruleset, evidence, sample: the report's four columns
    ("Original", "esi-2003.esi", "original.yaml", None),
    ("Adjusted", "esi-2004-followup.esi", "original.yaml", None),
    ("Feb", "esi-2004-followup.esi", "followup.yaml", "february"),
    ("Sept", "esi-2004-followup.esi", "followup.yaml", "september"),
)


@attrs.frozen
class Site:
    base: str
    tokens: dict[str, str]
    hashes: dict[str, str]
    runs: dict[str, str]
    shots: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A real server over a SQLite store holding both rulesets, both inspections and the report's four runs."""
    folder = tmp_path_factory.mktemp("web")
    url = str(folder / "store.db")
    seeding = Service.start(url)
    try:
        hashes = seeding.hertfordshire()
        runs = {}
        for label, ruleset, evidence, sample in RUNS:
            column = {"label": label, **({"sample": sample} if sample else {})}
            runs[label] = seeding.run(hashes[ruleset], hashes[evidence], column)["run"]["id"]
        tokens = dict(seeding.tokens)
    finally:
        seeding.close()
    given = os.environ.get("ESIRULES_SCREENSHOTS")
    shots = ROOT / given if given else folder / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    server = Server(url, log=folder / "server.log")
    try:
        yield Site(server.base, tokens, hashes, runs, shots)
    finally:
        server.stop()


def signed_in(browser: Any, site: Site, role: str, **options: Any) -> Any:  # noqa: F811
    """A page in a browser context of its own, signed in through the sign-in page with a token of `role`."""
    context = browser.new_context(base_url=site.base, **{"viewport": VIEWPORT, **options})
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Token").fill(site.tokens[role])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/inspections$"))
    return page


def shot(page: Any, site: Site, name: str, *, full: bool = False, height: int | None = None) -> None:
    clip = None if height is None else {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
    page.screenshot(path=str(site.shots / f"web-{name}.png"), full_page=full, clip=clip)


def shown(page: Any, target: str, column: str) -> str:
    return str(page.locator(f'tr[data-target="{target}"] td[data-column="{column}"] .shown').inner_text()).strip()


def percent(fraction: Fraction) -> str:
    """A proportion as the report prints it: whole percent, halves up (worked out here, not by esirules)."""
    scaled = fraction * 100
    return f"{int(scaled + Fraction(1, 2))}%"


# ---------------------------------------------------------------------------------------------
# The sheet and explanations


def test_the_sheet_page_shows_the_published_hertfordshire_figures(browser: Any, site: Site) -> None:  # noqa: F811
    page = signed_in(browser, site, "viewer")
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
    for label in COLUMNS:
        page.locator(f'input[name="run"][value="{site.runs[label]}"]').check()
    page.get_by_role("button", name="Show the runs chosen on one sheet").click()
    page.wait_for_url(re.compile(r".*/sheet\?.*"))
    for criterion, (original, follow_up) in SECTION_A.items():
        assert shown(page, criterion, "Original") == original
        assert shown(page, criterion, "Feb") == follow_up
        assert shown(page, criterion, "Sept") == follow_up
    for criterion, figures in CRITERIA.items():
        for column, figure in zip(COLUMNS, figures):
            assert shown(page, criterion, column) == (figure or "n/c"), (criterion, column)
    for section, figures in SECTIONS.items():
        for column, figure in zip(COLUMNS, figures):
            assert shown(page, section, column) == (figure or "n/c"), (section, column)
    for column, figure in zip(COLUMNS, OVERALL):
        assert shown(page, "overall", column) == (figure or "n/c")
    assert shown(page, "D3", "Original") == D3[0]
    assert shown(page, "D3", "Feb") == D3[1]
    # A1 in the follow-up is the lead inspector's grade: its footnote says so.
    note = page.locator('tr[data-target="A1"] td[data-column="Feb"] sup a').get_attribute("href")
    assert "adjusted to Partly met by Lead inspector" in page.locator(str(note)).inner_text()
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() == 4  # one per section
    described = str(page.locator("#chart-B-desc").text_content()).split("; ")
    b1 = next(part for part in described if part.startswith("B1 Assessment of risk of harm: "))
    assert sorted(b1.removeprefix("B1 Assessment of risk of harm: ").split(", ")) == sorted(
        f"{column} {figure}" for column, figure in zip(COLUMNS, CRITERIA["B1"]))
    # The style sheets came from the service itself, and its Content-Security-Policy refused nothing.
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).display") == "flex"
    assert complaints == []
    page.context.close()


def test_clicking_b1_for_february_opens_its_explanation_whose_counts_recompute_to_33(browser: Any, site: Site) -> None:  # noqa: F811
    page = signed_in(browser, site, "viewer")
    page.goto("/sheet?" + "&".join(f"run={site.runs[label]}" for label in COLUMNS))
    shot(page, site, "sheet", full=True, height=1760)
    page.locator('tr[data-target="B1"] td[data-column="Feb"] a').first.click()
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f]{64}/explain/B1\?column=Feb$"))
    assert "B1 Assessment of risk of harm (Feb)" in page.locator("h1").inner_text()
    met = applicable = 0
    rows = page.locator("table.questions tbody tr:not([data-excluded])")
    assert rows.count() == 8
    for index in range(rows.count()):
        met += int(rows.nth(index).locator("td.met").inner_text())
        applicable += int(rows.nth(index).locator("td.applicable").inner_text())
    assert percent(Fraction(met, applicable)) == CRITERIA["B1"][COLUMNS.index("Feb")] == "33%"
    # A question opens on its cases: the ones not met, with the rule that says what is met.
    page.locator('tr[data-question="B1.start"] summary').click()
    opened = page.locator('tr[data-question="B1.start"] details')
    assert "Not met (21)" in opened.inner_text()
    rule = opened.locator(".rule-ref a").last
    assert re.search(r"/rulesets/[0-9a-f]{64}/files/esi-2003\.esi#L\d+$", str(rule.get_attribute("href")))
    shot(page, site, "explanation-b1")
    rule.click()
    page.wait_for_url(re.compile(r".*/files/esi-2003\.esi#L\d+$"))  # (the count does not wait for the page)
    page.wait_for_selector(".line:target")
    assert page.locator(".line:target").count() == 1  # the ruleset's line, anchored and marked
    page.context.close()


def test_a1_shows_the_lead_inspectors_adjustment_and_the_smallest_change(browser: Any, site: Site) -> None:  # noqa: F811
    page = signed_in(browser, site, "viewer")
    page.goto(f"/runs/{site.runs['Feb']}/explain/A1?column=Feb")
    adjustment = page.locator("section.adjustment")
    assert "Computed Not met → final Partly met, by Lead inspector." in adjustment.inner_text()
    recorded = (HERTFORDSHIRE / "followup.yaml").read_text(encoding="utf-8")
    reason = adjustment.locator("q.adjustment-reason").inner_text()
    assert reason.startswith("Four targets fall short of the national target") and reason[-20:] in recorded
    nearest = page.locator("details.higher-grade").first
    assert "Partly met" in nearest.locator("summary").inner_text()
    changes = nearest.locator("ul.smallest-change li")
    assert changes.count() >= 1
    assert all(text.startswith("Improve A1.") for text in changes.all_inner_texts())
    assert page.get_by_role("button", name="Record the adjustment").count() == 0  # a viewer is not offered it
    page.locator("details.higher").scroll_into_view_if_needed()
    page.mouse.wheel(0, -120)
    shot(page, site, "explanation-a1")
    page.context.close()


# ---------------------------------------------------------------------------------------------
# Writes and roles


def test_uploading_broken_evidence_shows_every_problem_at_its_line(browser: Any, site: Site) -> None:  # noqa: F811
    yaml = (HERTFORDSHIRE / "followup.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    rating = next(i for i, line in enumerate(yaml) if line.startswith("  A1.visibility:"))
    yaml[rating] = "  A1.visibility: excellent\n"
    rows = (HERTFORDSHIRE / "followup-cases.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header = rows[0].rstrip("\n").split(",")
    cells = rows[5].rstrip("\n").split(",")
    cells[header.index("B1.start")] = "maybe"
    rows[5] = ",".join(cells) + "\n"
    page = signed_in(browser, site, "inspector", bypass_csp=True)  # for axe, below
    page.get_by_role("link", name="Upload evidence").click()
    page.get_by_label("Ruleset").select_option(site.hashes["esi-2004-followup.esi"])
    page.get_by_label("Evidence file").set_input_files(
        {"name": "followup.yaml", "mimeType": "application/yaml", "buffer": "".join(yaml).encode()})
    page.get_by_label("Case files (CSV) it names").set_input_files(
        {"name": "followup-cases.csv", "mimeType": "text/csv", "buffer": "".join(rows).encode()})
    page.get_by_role("button", name="Check and store").click()
    problems = page.locator("ul.diagnostics > li")
    located = {(p.get_attribute("data-file"), int(str(p.get_attribute("data-line"))))
               for p in problems.all()}
    assert located == {("followup.yaml", rating + 1), ("followup-cases.csv", 6)}
    yaml_problem = problems.filter(has_text="excellent")
    assert "A1.visibility: excellent" in yaml_problem.locator("pre.excerpt").inner_text()
    assert "Nothing was stored" in page.locator("h2").first.inner_text()
    assert axe_violations(page) == []
    shot(page, site, "upload-problems")
    page.context.close()


def _ruleset_upload(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "text/plain", "buffer": text.encode()}


def test_an_author_publishes_a_ruleset_and_a_viewer_cannot(browser: Any, site: Site) -> None:  # noqa: F811
    original = RULESETS["esi-2003.esi"].decode()
    renamed = original.replace('ruleset "esi-2003" version "2003"', 'ruleset "esi-2003-web" version "2005"', 1)
    assert renamed != original
    viewer = signed_in(browser, site, "viewer")
    viewer.get_by_role("link", name="Check a ruleset").click()
    assert viewer.get_by_role("button", name="Publish").count() == 0
    viewer.get_by_label("The ruleset (.esi)").set_input_files(_ruleset_upload("esi-2003-web.esi", renamed))
    viewer.get_by_role("button", name="Check").click()
    assert "has no errors" in viewer.locator("p.notice").inner_text()
    # Sent anyway (the page offers no such button), the form is refused with the 403 page.
    csrf = viewer.locator('input[name="csrf"]').first.get_attribute("value")
    refused = viewer.request.post("/rulesets/publish", multipart={
        "csrf": csrf, "ruleset": _ruleset_upload("esi-2003-web.esi", renamed)})
    assert refused.status == 403 and "Not for your role" in refused.text()
    viewer.goto("/audit")
    assert viewer.locator("h1").inner_text() == "Not for your role"
    shot(viewer, site, "forbidden", height=240)
    viewer.context.close()

    author = signed_in(browser, site, "author", bypass_csp=True)  # for axe, below
    author.get_by_role("link", name="Check or publish a ruleset").click()
    broken = renamed.replace('section A "Quality of management" {', 'section A "Quality of management" {{', 1)
    author.get_by_label("The ruleset (.esi)").set_input_files(_ruleset_upload("esi-2003-web.esi", broken))
    author.get_by_role("button", name="Publish").click()
    assert "nothing was published" in author.locator("p.problem").inner_text()
    assert author.locator("pre.source .problem-note").count() >= 1
    # The carets start where the line's text does (column 1 under column 1), and the line and
    # column are said in words, for a screen reader, which hears neither the numbers nor the carets.
    starts = author.evaluate("""() => {
        const line = document.querySelector('pre.source .line.has-problem');
        const column1 = (element) => {
            const walk = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walk.nextNode(); node; node = walk.nextNode()) {
                if (node.parentElement.closest('.ln, .visually-hidden') || !node.textContent.length) continue;
                const range = document.createRange();
                range.setStart(node, 0); range.setEnd(node, 1);
                return range.getBoundingClientRect().left;
            }
        };
        return [column1(line), column1(line.nextElementSibling)];
    }""")
    assert abs(starts[0] - starts[1]) < 1, starts
    assert "At line 186, column 36: error[S010]" in author.locator("pre.source .problem-note").first.text_content()
    assert axe_violations(author) == []
    shot(author, site, "publish-problems")
    author.get_by_label("The ruleset (.esi)").set_input_files(_ruleset_upload("esi-2003-web.esi", renamed))
    author.get_by_role("button", name="Publish").click()
    author.wait_for_url(re.compile(r".*/rulesets/[0-9a-f]{64}\?published=yes$"))
    assert author.locator("h1").inner_text().startswith("esi-2003-web")
    assert author.locator("pre.source .line").count() == original.count("\n")
    author.goto("/rulesets")
    assert author.get_by_role("heading", name="esi-2003-web").count() == 1
    author.context.close()


def test_a_lead_inspectors_adjustment_is_recorded_with_its_reason_and_audited(browser: Any, site: Site) -> None:  # noqa: F811
    inspector = signed_in(browser, site, "inspector")
    inspector.goto(f"/runs/{site.runs['Feb']}/explain/A2?column=Feb")
    reason = "Resourcing was reviewed after the fieldwork (recorded in a browser test)."
    inspector.get_by_label("Grade for A2").select_option("Well met")
    inspector.get_by_label("Reason").fill(reason)
    inspector.get_by_role("button", name="Record the adjustment").click()
    inspector.wait_for_url(re.compile(r".*/runs/[0-9a-f]{64}/explain/A2\?column=Feb$"))
    assert site.runs["Feb"] not in inspector.url  # a new run, citing the one adjusted
    adjustment = inspector.locator("section.adjustment")
    assert "Computed Partly met → final Well met, by inspector holder." in adjustment.inner_text()
    assert adjustment.locator("q").inner_text() == reason
    inspector.context.close()

    admin = signed_in(browser, site, "admin")
    admin.get_by_role("link", name="Audit").click()
    entry = admin.locator('tr[data-action="run.adjust"]').last
    assert "inspector holder (inspector)" in entry.inner_text()
    assert entry.locator("q.audit-reason").inner_text() == reason
    entry.scroll_into_view_if_needed()
    shot(admin, site, "audit")
    admin.context.close()


# ---------------------------------------------------------------------------------------------
# Accessibility


def _pages(site: Site) -> list[tuple[str, str]]:
    feb, r2004, r2003 = site.runs["Feb"], site.hashes["esi-2004-followup.esi"], site.hashes["esi-2003.esi"]
    sheet = "/sheet?" + "&".join(f"run={site.runs[label]}" for label in COLUMNS)
    return [
        ("admin", "/inspections"),
        ("admin", sheet),
        ("admin", f"/runs/{feb}"),
        ("admin", f"/runs/{feb}/explain/B1?column=Feb"),
        ("admin", f"/runs/{feb}/explain/A1?column=Feb"),
        ("admin", f"/runs/{feb}/explain/B?column=Feb"),
        ("admin", f"/runs/{feb}/explain/overall?column=Feb"),
        ("admin", f"/runs/{feb}/explain/B1.start?column=Feb&where=risk_of_harm%20%3E%3D%20high"),
        ("admin", f"/runs/{feb}/explain/A1.dtto_starts?column=Feb"),
        ("admin", f"/runs/{feb}/explain/B1?column=Feb&case=F01"),
        ("admin", f"/runs/{feb}/explain/B1?column=Feb&where=risk_of_harm%20%3E%3D%20hihg"),
        ("admin", "/rulesets"),
        ("admin", f"/rulesets/{r2004}"),
        # (its parent, esi-2003.esi, is the same page 30 times longer: not checked again)
        ("admin", f"/rulesets/{r2004}/handbook"),
        ("admin", f"/rulesets/diff?old={r2003}&new={r2004}&evidence={site.hashes['original.yaml']}"),
        ("admin", "/rulesets/publish"),
        ("admin", "/evidence/upload"),
        ("admin", f"/evidence/{site.hashes['followup.yaml']}"),
        ("admin", "/audit"),
        ("viewer", "/audit"),
        ("viewer", "/no-such-page"),
    ]


def test_every_page_passes_axe_with_no_serious_or_critical_violation(browser: Any, site: Site) -> None:  # noqa: F811
    found = {}
    # On a laptop, and on a phone (where wide tables and charts scroll within themselves, which
    # the keyboard must reach too); 640 px is a laptop's page at 200% zoom.
    for viewport in (VIEWPORT, PHONE, {"width": 640, "height": 800}):
        for role in ("admin", "viewer"):
            # axe is injected as a script, which the pages' Content-Security-Policy (rightly) forbids.
            page = signed_in(browser, site, role, bypass_csp=True, viewport=viewport)
            width = "" if viewport == VIEWPORT else f" at {viewport['width']} px"
            if role == "admin":
                found[f"/inspections (signed in){width}"] = axe_violations(page)
            for who, path in _pages(site):
                if who == role:
                    page.goto(path)
                    # Open every expandable level, so what they hide is checked too.
                    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
                    found[f"{role} {path}{width}"] = axe_violations(page)
            page.context.close()
    context = browser.new_context(base_url=site.base, viewport=VIEWPORT, bypass_csp=True)
    page = context.new_page()
    page.goto("/sign-in")
    found["/sign-in"] = axe_violations(page)
    shot(page, site, "sign-in", height=420)
    context.close()
    assert {path: v for path, v in found.items() if v} == {}
    assert len(found) == 3 * (len(_pages(site)) + 1) + 1  # and the pages of problems: in the upload and publish tests


def test_the_pages_can_be_used_from_the_keyboard_with_the_focus_visible(browser: Any, site: Site) -> None:  # noqa: F811
    page = signed_in(browser, site, "viewer")
    page.goto(f"/runs/{site.runs['Feb']}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert outline != "0px"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused  # past the navigation, into the page's own content
    # The figures are links: tab to B1's February figure and open it with Enter.
    link = page.locator('tr[data-target="B1"] td[data-column="Feb"] a')
    link.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/explain/B1\?column=Feb$"))
    summary = page.locator('tr[data-question="B1.start"] summary')
    summary.focus()
    page.keyboard.press("Enter")  # a level opens from the keyboard too
    assert page.locator('tr[data-question="B1.start"] details').get_attribute("open") is not None
    page.context.close()


def test_signing_in_needs_a_valid_token_and_signing_out_forgets_it(browser: Any, site: Site) -> None:  # noqa: F811
    context = browser.new_context(base_url=site.base, viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"/runs/{site.runs['Feb']}")
    assert page.url.endswith(f"/sign-in?next=/runs/{site.runs['Feb']}")
    page.get_by_label("Token").fill(site.tokens["revoked"])
    page.get_by_role("button", name="Sign in").click()
    assert "not valid" in page.locator("p.problem").inner_text()
    page.get_by_label("Token").fill(site.tokens["viewer"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf".*/runs/{site.runs['Feb']}$"))  # back where it was going
    cookie = next(c for c in context.cookies() if c["name"] == "esirules_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""  # no script can read the token
    assert page.get_by_role("link", name="Upload evidence").count() == 0  # not offered to a viewer
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/sign-in$"))
    page.goto("/inspections")
    assert "/sign-in" in page.url
    context.close()


# ---------------------------------------------------------------------------------------------
# What a review of the pages, as an inspector uses them, tripped over: the ruleset a run is scored
# under is the one the page shows, a run has a column per sample unless one asks otherwise and
# warns when it pools them, a refused form offers the way back to it, an adjustment's grade is
# chosen (never taken from the top of the list), a page's address opened the wrong way is a page,
# and every page fits a phone without scrolling sideways.

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 900, "height": 1100}


def test_a_run_is_scored_under_the_ruleset_shown_with_a_column_per_sample(browser: Any, site: Site) -> None:  # noqa: F811
    page = signed_in(browser, site, "inspector")
    page.goto(f"/evidence/{site.hashes['followup.yaml']}")
    form = page.locator("form[action='/runs']")
    assert "Scored under esi-2004-followup 2004" in form.inner_text()  # the ruleset of its runs, said where one scores
    boxes = form.locator("input[name=sample]")
    assert boxes.count() == 2 and all(boxes.nth(i).is_checked() for i in range(2))  # as the report's sheet, by default
    form.get_by_role("button", name="Score").click()
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f]{64}$"))
    columns = page.locator("dl.facts").inner_text()
    assert "february (sample february); september (sample september)" in columns
    assert page.locator("section.warnings").count() == 0
    # Every case in one column, asked for: the run says what it mixes, as `score --pool-samples` does.
    page.goto(f"/evidence/{site.hashes['followup.yaml']}")
    for box in ("february", "september"):
        page.locator(f"#sample-{box}").uncheck()
    page.locator("form[action='/runs']").get_by_role("button", name="Score").click()
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f]{64}$"))
    warning = page.locator("section.warnings").inner_text()
    assert "scores 30 cases of sample `february` and 30 cases of sample `september` together" in warning
    assert "(E212)" in warning
    page.context.close()


def test_a_refused_form_offers_the_way_back_and_the_grade_is_chosen_not_assumed(browser: Any, site: Site) -> None:  # noqa: F811
    page = signed_in(browser, site, "inspector")
    explained = f"/runs/{site.runs['Feb']}/explain/A2?column=Feb"
    page.goto(explained)
    grade = page.get_by_label("Grade for A2")
    assert grade.input_value() == ""  # "choose the grade…", not the best grade of the ladder
    grade.select_option("Well met")
    page.get_by_label("Reason").fill("   ")  # passes the browser's `required`, but says nothing
    page.get_by_role("button", name="Record the adjustment").click()
    assert page.locator("p.problem").inner_text() == "The reason must not be empty."
    page.get_by_role("link", name="Back to the form").click()
    assert page.url.endswith(explained)
    page.context.close()


def test_a_page_opened_the_wrong_way_is_a_page_saying_how_to_reach_it(browser: Any, site: Site) -> None:  # noqa: F811
    page = signed_in(browser, site, "viewer")
    answer = page.goto("/sign-out")  # typed, or bookmarked
    assert answer is not None and answer.status == 405 and "text/html" in answer.headers["content-type"]
    assert "Sign out, at the top of every page" in page.locator("p.problem").inner_text()
    page.context.close()


def test_every_page_fits_a_phone_or_a_tablet_without_scrolling_sideways(browser: Any, site: Site) -> None:  # noqa: F811
    wide = {}
    for viewport in (PHONE, TABLET):  # (a sheet of four columns is wider than a tablet: it scrolls within itself)
        for role in ("admin", "viewer"):
            page = signed_in(browser, site, role, viewport=viewport)
            for who, path in _pages(site):
                if who == role:
                    page.goto(path)
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > viewport["width"]:
                        wide[f"{path} at {viewport['width']} px"] = width
            page.context.close()
    # A sheet of more than four columns is wider than a laptop's page: it scrolls within itself there too
    page = signed_in(browser, site, "viewer", viewport={"width": 1280, "height": 900})
    more = []
    for label, sample in (("Feb again", "february"), ("Sept again", "september")):
        made = page.request.post("/v1/runs", headers={"Authorization": f"Bearer {site.tokens['inspector']}"}, data={
            "ruleset": site.hashes["esi-2004-followup.esi"], "evidence": site.hashes["followup.yaml"],
            "columns": [{"label": label, "sample": sample}]})
        assert made.status in (200, 201), made.text()
        more.append(made.json()["run"]["id"])
    page.goto("/sheet?" + "&".join(f"run={run}" for run in (*(site.runs[label] for label in COLUMNS), *more)))
    assert page.locator("table.sheet.wide").count() > 0
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 1280:
        wide["six columns at 1280 px"] = width
    page.context.close()
    assert wide == {}

