"""Evidence as pages: uploaded files in, every problem at its line and row, or the stored evidence and its runs, out.

The upload is the API's handler (`upload_evidence`): the loader checks the files against the
ruleset chosen and reports every problem with its file, line and column, shown here on the line
itself; nothing is stored unless there is none. Stored evidence is scored by the API's
`create_run` from the page of the evidence.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from esirules.service import messages as api
from esirules.service.library import ReadingFiles
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
from esirules.service.problems import Refusal, not_found
from esirules.service.routes_runs import run_info
from esirules.service.routes_store import compiled_ruleset, upload_evidence
from esirules.service.schema import RequestInvalid, decode


def _rulesets(context: Context) -> list[dict[str, Any]]:
    rows, _ = context.store.rulesets(None, 500, 0)
    return rows


def upload_form(context: Context, call: PageCall) -> Page:
    return Page("upload.html.j2", "Upload an inspection's evidence", {"rulesets": _rulesets(context), "problems": None,
                                                                      "chosen": call.first("ruleset") or ""})


def upload(context: Context, call: PageCall) -> Page | Response:
    from esirules.render.html.diagnostics import diagnostics_fragment

    ruleset = call.first("ruleset") or ""
    mains = call.uploads.get("evidence", [])
    if len(mains) != 1:
        raise Refusal("unprocessable", "choose the inspection's evidence file (YAML, JSON or CSV)")
    uploads = [*mains, *call.uploads.get("cases", [])]
    body = {"ruleset": ruleset, "main": mains[0][0], "files": [uploaded_file(name, data) for name, data in uploads]}
    try:
        request = decode(api.EvidenceUpload, body)
    except RequestInvalid as error:
        raise Refusal("unprocessable", in_form_words(error.errors, uploads)) from None
    try:
        reply = upload_evidence(context, Call(call.actor, call.request.state.request_id, request, None, {}))
    except Refusal as refusal:
        if refusal.errors and not refusal.diagnostics:
            raise Refusal("unprocessable", in_form_words(refusal.errors, uploads)) from None
        if not refusal.diagnostics:
            raise
        problems = diagnostics_fragment(refusal.diagnostics, texts_of(dict(uploads)))
        rulesets = _rulesets(context)
        return Page("upload.html.j2", "Upload an inspection's evidence", {
            "rulesets": rulesets, "problems": problems, "chosen": ruleset,
            "names_another": _names_another(mains[0][0], dict(uploads), ruleset, rulesets),
            "count": sum(1 for d in refusal.diagnostics if d.severity == "error"),
            "files": [name for name, _ in uploads]}, 422)
    stored: api.EvidenceStored = reply.content
    stored_now = "yes" if stored.created else "before"  # (the same files uploaded again are not stored twice)
    return redirect(f"/evidence/{stored.evidence.hash}?stored={stored_now}&ruleset={stored.checked_with}")


def _names_another(main: str, files: Mapping[str, bytes], chosen: str,
                   rulesets: Sequence[Mapping[str, Any]]) -> dict[str, str] | None:
    """When the evidence file names a ruleset other than the one chosen (a likely cause of its
    problems): the file, the name it gives, and the ruleset chosen."""
    from esirules.evidence.load import named_ruleset_file

    name = named_ruleset_file(main, ReadingFiles(files))
    row = next((r for r in rulesets if r["hash"] == chosen), None)
    if name is None or row is None or os.path.basename(row["main"]) == name:
        return None
    return {"file": main, "names": name, "chosen": f"{row['name']} {row['version']}".strip()}


def _named(context: Context, row: Mapping[str, Any], rulesets: Sequence[Mapping[str, Any]]) -> str:
    """The ruleset to score stored evidence under before it has a run: the newest published of
    the name its file names (`ruleset: ../esi-2003.esi`), else the newest published."""
    from esirules.evidence.load import named_ruleset_file

    files = context.store.evidence_files(row["hash"])
    name = named_ruleset_file(row["main"], ReadingFiles(files))
    named = [r for r in rulesets if os.path.basename(r["main"]) == name]
    return (named or rulesets or [{"hash": ""}])[0]["hash"]


def evidence_page(context: Context, call: PageCall) -> Page:
    address = call.path["hash"]
    row = context.store.evidence(address) if len(address) == 64 else None
    if row is None:
        raise not_found("stored evidence", address, "{hash}")
    files = context.store.evidence_files(address, data=False)
    runs, _ = context.store.runs(None, address, 200, 0)
    rulesets = _rulesets(context)
    chosen = call.first("ruleset") or (runs[0]["ruleset"] if runs else _named(context, row, rulesets))
    samples: list[Any] = []
    if chosen and any(r["hash"] == chosen for r in rulesets):
        samples = list(compiled_ruleset(context, chosen, "?ruleset").ruleset.samples)
    names = {r["hash"]: f"{r['name']} {r['version']}".strip() for r in rulesets}
    return Page("evidence.html.j2", row["title"] or row["main"], {
        "evidence": row, "files": list(files.values()), "runs": [run_info(r) for r in runs], "rulesets": rulesets,
        "chosen": chosen, "samples": samples, "names": names, "stored": call.first("stored") or "",
    })


def routes(context: Context) -> list[BaseRoute]:
    return [
        page_route(context, "/evidence/upload", upload_form, role="inspector"),
        page_route(context, "/evidence/upload", upload, role="inspector", methods=("POST",),
                   refused="The evidence was not stored"),
        page_route(context, "/evidence/{hash}", evidence_page),
    ]
