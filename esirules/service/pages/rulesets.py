"""Rulesets as pages: published sources in, their text highlighted, their problems, handbook, versions and diffs out.

A source is shown with an anchor on every line and each diagnostic under its line (`source`);
the handbook and a diff are the authoring tools' own documents (`handbook_document`,
`diff_rulesets` and `compare_columns`, rendered by `document_html`), read from the stored files
as the command line reads them from disk. Checking is the library's `check`; publishing is the
API's handler, so it is refused, stored and audited exactly as over HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import BaseRoute

from esirules.diagnostics import Diagnostic
from esirules.service import authoring
from esirules.service import messages as api
from esirules.service.authoring import loaded_ruleset, published
from esirules.service.operation import Call, Context
from esirules.service.pages.frame import (
    Page,
    PageCall,
    in_form_words,
    page_route,
    redirect,
    texts_of,
    uploaded_file,
)
from esirules.service.pages.source import around_problems, source_lines
from esirules.service.problems import Refusal, not_found
from esirules.service.routes_store import publish_ruleset
from esirules.service.schema import RequestInvalid, decode


def _ruleset(context: Context, address: str) -> Mapping[str, Any]:
    return published(context, address)


def list_rulesets(context: Context, call: PageCall) -> Page:
    rows, total = context.store.rulesets(None, 500, 0)
    by_name: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_name.setdefault(row["name"], []).append(row)
    return Page("rulesets.html.j2", "Rulesets", {"by_name": by_name, "total": total})


def ruleset_page(context: Context, call: PageCall) -> Page:
    row = _ruleset(context, call.path["hash"])
    return _source_page(context, call, row, row["main"])


def file_page(context: Context, call: PageCall) -> Page:
    row = _ruleset(context, call.path["hash"])
    return _source_page(context, call, row, call.path["name"])


def _source_page(context: Context, call: PageCall, row: Mapping[str, Any], name: str) -> Page:
    files = context.store.ruleset_files(row["hash"])
    if name not in files:
        raise not_found("file of this ruleset called", name, "{name}")
    checked = context.library.check(row["main"], files)
    versions, _ = context.store.rulesets(row["name"], 100, 0)
    others, _ = context.store.rulesets(None, 500, 0)
    evidence, _ = context.store.evidence_list(200, 0)
    lines = source_lines(name, texts_of(files)[name], checked.diagnostics)
    return Page("ruleset.html.j2", f"{row['name']} {row['version']}".strip(), {
        "ruleset": row, "files": sorted(files), "shown": name, "lines": lines,
        "diagnostics": [d for d in checked.diagnostics if d.span.file == name],
        "versions": versions, "others": others, "evidence": evidence,
        "published": call.first("published") == "yes",
    })


def handbook(context: Context, call: PageCall) -> Page:
    from esirules.authoring.document_html import document_body
    from esirules.authoring.handbook import handbook_document

    row = _ruleset(context, call.path["hash"])
    document = handbook_document(loaded_ruleset(context, row["hash"]))
    return Page("document.html.j2", document.title, {"subtitle": document.subtitle, "ruleset": row,
                                                     "body": Markup(document_body(document)), "kind": "handbook"})


def diff(context: Context, call: PageCall) -> Page:
    from esirules.authoring.diff import diff_rulesets
    from esirules.authoring.diff_report import diff_document
    from esirules.authoring.document_html import document_body

    old, new = call.first("old") or "", call.first("new") or ""
    unchosen = [what for what, given in (("the older ruleset", old), ("the newer ruleset", new)) if not given]
    if unchosen:  # (the form sent without a choice: say so, not "no published ruleset ``")
        raise Refusal("unprocessable", f"choose {' and '.join(unchosen)} to compare, from the rulesets' pages")
    old_row, new_row = _ruleset(context, old), _ruleset(context, new)
    changes = diff_rulesets(loaded_ruleset(context, old), loaded_ruleset(context, new))
    evidence = call.first("evidence") or ""
    samples: list[str | None] = [s.strip() for s in call.query.get("sample", []) if s.strip()] or [None]
    impacts = authoring.impacts(context, old, new, evidence, samples) if evidence else []
    document = diff_document(changes, impacts)
    return Page("document.html.j2", document.title, {"subtitle": document.subtitle, "ruleset": new_row,
                                                     "old": old_row, "body": Markup(document_body(document)),
                                                     "kind": "diff"})


# ---------------------------------------------------------------------------------------------
# Checking and publishing


def publish_form(context: Context, call: PageCall) -> Page:
    return Page("publish.html.j2", "Check or publish a ruleset" if call.may("author") else "Check a ruleset",
                {"result": None})


def _bundle(call: PageCall) -> tuple[str, dict[str, bytes], Any]:
    """The uploaded ruleset and its parents, as the API's body (and checked as the API checks it)."""
    main_files = call.uploads.get("ruleset", [])
    if len(main_files) != 1:
        raise Refusal("unprocessable", "choose the ruleset file (.esi) to check")
    main = main_files[0][0]
    uploads = [*main_files, *call.uploads.get("parents", [])]
    body = {"main": main, "files": [uploaded_file(name, data) for name, data in uploads]}
    try:
        bundle = decode(api.RulesetBundle, body)
    except RequestInvalid as error:
        raise Refusal("unprocessable", in_form_words(error.errors, uploads)) from None
    return main, {name: data for name, data in uploads}, bundle


def _result(main: str, files: Mapping[str, bytes], diagnostics: Sequence[Diagnostic], status: int, **more: Any) -> dict[str, Any]:
    texts = texts_of(files)
    shown = {name: around_problems(source_lines(name, text, diagnostics)) for name, text in texts.items()
             if any(d.span.file == name for d in diagnostics)}
    return {"main": main, "diagnostics": diagnostics, "files": shown,
            "errors": sum(1 for d in diagnostics if d.severity == "error"), **more}


def check(context: Context, call: PageCall) -> Page:
    main, files, _ = _bundle(call)
    checked = context.library.check(main, files)
    errors = [d for d in checked.diagnostics if d.severity == "error"]
    ok = checked.ruleset is not None and not errors
    summary = checked.ruleset.summary() if ok and checked.ruleset is not None else ""
    result = _result(main, files, checked.diagnostics, 200, ok=ok, summary=summary)
    title = "Check or publish a ruleset" if call.may("author") else "Check a ruleset"
    return Page("publish.html.j2", title, {"result": result}, 200 if ok else 422)


def publish(context: Context, call: PageCall) -> Page | Response:
    main, files, bundle = _bundle(call)
    try:
        reply = publish_ruleset(context, Call(call.actor, call.request.state.request_id, bundle, None, {}))
    except Refusal as refusal:
        if not refusal.diagnostics:
            raise
        result = _result(main, files, refusal.diagnostics, 422, ok=False, summary="")
        return Page("publish.html.j2", "Check or publish a ruleset", {"result": result}, 422)
    published: api.RulesetPublished = reply.content
    return redirect(f"/rulesets/{published.ruleset.hash}?published=yes")


def routes(context: Context) -> list[BaseRoute]:
    return [
        page_route(context, "/rulesets", list_rulesets),
        page_route(context, "/rulesets/publish", publish_form),
        page_route(context, "/rulesets/check", check, methods=("POST",), refused="The ruleset was not checked"),
        page_route(context, "/rulesets/publish", publish, role="author", methods=("POST",),
                   refused="The ruleset was not published"),
        page_route(context, "/rulesets/diff", diff, refused="The rulesets were not compared"),
        page_route(context, "/rulesets/{hash}", ruleset_page),
        page_route(context, "/rulesets/{hash}/handbook", handbook),
        page_route(context, "/rulesets/{hash}/files/{name}", file_page),
    ]
