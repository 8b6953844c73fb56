"""Rulesets and evidence: uploads in, checked by the library and stored by content hash; stored records out."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

from esirules.diagnostics import DiagnosticError
from esirules.files import held_name
from esirules.service import messages as api
from esirules.service.library import CompiledRuleset
from esirules.service.operation import Answer, Call, Context, Operation, Reply
from esirules.service.problems import Refusal, found_problems, not_found, unprocessable
from esirules.service.schema import FieldError

TEXT_MEDIA_TYPE = "text/plain; charset=utf-8"
BYTES_MEDIA_TYPE = "application/octet-stream"
NAME = {"pattern": "^[^/]{1,200}$", "form": "a file name"}


def files_of(files: Sequence[api.SourceFile], main: str, pointer: str = "") -> tuple[str, dict[str, bytes]]:
    """The main file's name and the bytes of each uploaded file by name, every name in one Unicode
    form (`held_name`); 400 for a repeated name, bad base64, or a main file not given."""
    held: dict[str, bytes] = {}
    errors = []
    main = held_name(main)  # (names in one Unicode form: `é` may come as `e` and an accent, from macOS)
    for index, upload in enumerate(files):
        where = f"{pointer}/files/{index}"
        name = held_name(upload.name)
        if name in held:
            errors.append(FieldError(f"{where}/name", f"`{upload.name}` is given twice", "give each file once"))
            continue
        if upload.encoding == "base64":
            try:
                held[name] = base64.b64decode(upload.content, validate=True)
            except (binascii.Error, ValueError):
                errors.append(FieldError(f"{where}/content", "is not valid base64",
                                         "send the text itself with `encoding: text`, or its bytes in standard base64"))
        else:
            held[name] = upload.content.encode("utf-8", "surrogatepass")
    if main not in held and not errors:
        listing = ", ".join(f"`{name}`" for name in held)
        errors.append(FieldError(f"{pointer}/main", f"`{main}` is not one of the files given ({listing})"))
    if errors:
        raise unprocessable(errors)
    return main, held


def unread(files: Mapping[str, bytes], read: set[str], pointer: str, what: str) -> None:
    """400 for files of an upload that nothing reads: an address covers exactly what is used."""
    errors = [FieldError(f"{pointer}/files/{index}/name", f"`{name}` is not read by {what}",
                         "leave it out: upload only the files that are read")
              for index, name in enumerate(files) if name not in read]
    if errors:
        raise unprocessable(errors)


def file_infos(files: Mapping[str, Any]) -> tuple[api.FileInfo, ...]:
    return tuple(api.FileInfo(f["name"], int(f["size"]), f["sha256"]) for f in files.values())


def ruleset_info(context: Context, row: Mapping[str, Any]) -> api.RulesetInfo:
    files = context.store.ruleset_files(row["hash"], data=False)
    return api.RulesetInfo(row["hash"], row["name"], row["version"], row["main"], row["content_hash"],
                           row["summary"], file_infos(files), row["created_at"], row["created_by"])


def evidence_info(context: Context, row: Mapping[str, Any]) -> api.EvidenceInfo:
    files = context.store.evidence_files(row["hash"], data=False)
    return api.EvidenceInfo(row["hash"], row["main"], row["title"], int(row["cases"]), file_infos(files),
                            row["created_at"], row["created_by"])


def no_ruleset(context: Context, address: str, pointer: str) -> Refusal:
    """The 404 of a ruleset address the store does not have; where it is a ruleset's content hash
    (which results, checks and diffs call its `hash`), it says whose, and its address."""
    refusal = not_found("published ruleset", address, pointer)
    row = context.store.ruleset_of_content(address) if len(address) == 64 else None
    if row is None:
        return refusal
    why = (f"this is the content hash of ruleset `{row['name']}` {row['version']} (what a result or a check calls "
           f"its `hash`); the API's address for it is `{row['hash']}`")
    return Refusal("not-found", refusal.detail, errors=[FieldError(pointer, refusal.detail, why)])


def compiled_ruleset(context: Context, address: str, pointer: str) -> CompiledRuleset:
    """A published ruleset, ready to score under; 404 if there is none at that address."""
    cached = context.library.rulesets.get(address)
    if cached is not None:
        return cached
    row = context.store.ruleset(address)
    if row is None:
        raise no_ruleset(context, address, pointer)
    return context.library.compiled(address, lambda: (row["main"], context.store.ruleset_files(address)))


def _file_reply(files: Mapping[str, bytes], name: str, what: str) -> Reply:
    name = held_name(name)  # (asked for as it was sent: a name may come decomposed, as macOS sends it)
    if name not in files:
        raise not_found(f"file of this {what} called", name, "{name}")
    data = files[name]
    try:
        data.decode("utf-8")
        media = TEXT_MEDIA_TYPE
    except UnicodeDecodeError:
        media = BYTES_MEDIA_TYPE
    return Reply(200, data, media)


# --- rulesets ---------------------------------------------------------------------------------


def check_ruleset(context: Context, call: Call) -> Reply:
    bundle: api.RulesetBundle = call.body
    main, files = files_of(bundle.files, bundle.main)
    return Reply(200, api.CheckReport(context.library.check_report(main, context.library.check(main, files))))


def publish_ruleset(context: Context, call: Call) -> Reply:
    bundle: api.RulesetBundle = call.body
    main, files = files_of(bundle.files, bundle.main)
    checked = context.library.check(main, files)
    if checked.ruleset is None or any(d.severity == "error" for d in checked.diagnostics):
        raise found_problems(checked.diagnostics)
    unread(files, set(checked.sources), "", f"`{main}` (nor a parent its `extends` lines name)")
    ruleset = checked.ruleset
    meta = {"name": ruleset.name, "version": ruleset.version, "content_hash": ruleset.content_hash,
            "summary": ruleset.summary()}
    assert call.actor is not None
    address, created = context.store.write(call.actor, call.request_id,
                                           lambda writer: writer.put_ruleset(main, files, meta))
    row = context.store.ruleset(address)
    assert row is not None
    warnings = tuple(api.Diagnostic(d.to_json()) for d in checked.diagnostics)
    return Reply(201 if created else 200, api.RulesetPublished(created, ruleset_info(context, row), warnings),
                 headers={"Location": f"/v1/rulesets/{address}"})


def list_rulesets(context: Context, call: Call) -> Reply:
    query: api.RulesetQuery = call.query
    rows, total = context.store.rulesets(query.name, query.limit, query.offset)
    return Reply(200, api.RulesetList(tuple(ruleset_info(context, r) for r in rows), total))


def get_ruleset(context: Context, call: Call) -> Reply:
    row = context.store.ruleset(call.path["hash"])
    if row is None:
        raise no_ruleset(context, call.path["hash"], "{hash}")
    return Reply(200, ruleset_info(context, row))


def ruleset_source(context: Context, call: Call) -> Reply:
    if context.store.ruleset(call.path["hash"]) is None:
        raise no_ruleset(context, call.path["hash"], "{hash}")
    return _file_reply(context.store.ruleset_files(call.path["hash"]), call.path["name"], "ruleset")


def recheck_ruleset(context: Context, call: Call) -> Reply:
    row = context.store.ruleset(call.path["hash"])
    if row is None:
        raise no_ruleset(context, call.path["hash"], "{hash}")
    files = context.store.ruleset_files(row["hash"])
    return Reply(200, api.CheckReport(context.library.check_report(row["main"], context.library.check(row["main"], files))))


# --- evidence ---------------------------------------------------------------------------------


def upload_evidence(context: Context, call: Call) -> Reply:
    upload: api.EvidenceUpload = call.body
    main, files = files_of(upload.files, upload.main)
    compiled = compiled_ruleset(context, upload.ruleset, "/ruleset")
    try:
        evidence, read = context.library.read_evidence(compiled, main, files)
    except DiagnosticError as error:
        raise found_problems(error.diagnostics) from None
    unread(files, read, "", f"`{main}`")
    assert call.actor is not None
    address, created = context.store.write(call.actor, call.request_id, lambda writer: writer.put_evidence(
        main, files, evidence.title, len(evidence.cases), compiled.address))
    context.library.remember(compiled, address, evidence)
    row = context.store.evidence(address)
    assert row is not None
    return Reply(201 if created else 200, api.EvidenceStored(created, compiled.address, evidence_info(context, row)),
                 headers={"Location": f"/v1/evidence/{address}"})


def list_evidence(context: Context, call: Call) -> Reply:
    query: api.Page = call.query
    rows, total = context.store.evidence_list(query.limit, query.offset)
    return Reply(200, api.EvidenceList(tuple(evidence_info(context, r) for r in rows), total))


def get_evidence(context: Context, call: Call) -> Reply:
    row = context.store.evidence(call.path["hash"])
    if row is None:
        raise not_found("stored evidence", call.path["hash"], "{hash}")
    return Reply(200, evidence_info(context, row))


def evidence_file(context: Context, call: Call) -> Reply:
    if context.store.evidence(call.path["hash"]) is None:
        raise not_found("stored evidence", call.path["hash"], "{hash}")
    return _file_reply(context.store.evidence_files(call.path["hash"]), call.path["name"], "evidence")


def _source_answer(what: str) -> Answer:
    return Answer(200, f"the {what} exactly as uploaded", None,
                  {TEXT_MEDIA_TYPE: {"type": "string"}, BYTES_MEDIA_TYPE: {"type": "string", "format": "binary"}})


HASH_PATH = {"hash": {"pattern": api.HASH["pattern"], "form": api.HASH["form"]}}


def operations() -> list[Operation]:
    published = (Answer(201, "published", api.RulesetPublished), Answer(200, "already published", api.RulesetPublished))
    stored = (Answer(201, "stored", api.EvidenceStored), Answer(200, "already stored", api.EvidenceStored))
    return [
        Operation("POST", "/v1/rulesets/check", "checkRuleset", "Check a ruleset without publishing it", "rulesets",
                  "viewer", check_ruleset, (Answer(200, "what `esirules check --format json` prints", api.CheckReport),),
                  body=api.RulesetBundle),
        Operation("POST", "/v1/rulesets", "publishRuleset", "Publish a ruleset with its parents", "rulesets",
                  "author", publish_ruleset, published, body=api.RulesetBundle, problems=(422,),
                  description="The ruleset is checked among the files given with it: an `extends` line reaches only "
                              "those. Errors refuse publication (422, with the diagnostics); files it does not read "
                              "are refused (400). Publishing the same files again changes nothing.", located=True),
        Operation("GET", "/v1/rulesets", "listRulesets", "List published rulesets", "rulesets", "viewer",
                  list_rulesets, (Answer(200, "published rulesets", api.RulesetList),), query=api.RulesetQuery),
        Operation("GET", "/v1/rulesets/{hash}", "getRuleset", "A published ruleset", "rulesets", "viewer",
                  get_ruleset, (Answer(200, "the ruleset", api.RulesetInfo),), path_schemas=HASH_PATH, problems=(404,)),
        Operation("GET", "/v1/rulesets/{hash}/files/{name}", "getRulesetFile", "A published ruleset's source file",
                  "rulesets", "viewer", ruleset_source, (_source_answer("file"),),
                  path_schemas={**HASH_PATH, "name": NAME}, problems=(404,)),
        Operation("GET", "/v1/rulesets/{hash}/check", "recheckRuleset", "Check a published ruleset again",
                  "rulesets", "viewer", recheck_ruleset,
                  (Answer(200, "what `esirules check --format json` prints", api.CheckReport),),
                  path_schemas=HASH_PATH, problems=(404,)),
        Operation("POST", "/v1/evidence", "uploadEvidence", "Check and store inspection evidence", "evidence",
                  "inspector", upload_evidence, stored, body=api.EvidenceUpload, problems=(404, 422),
                  description="The evidence is checked against a published ruleset with the command line's "
                              "diagnostics (422 lists them all); a `cases: x.csv` line reaches only the files "
                              "uploaded with it.", located=True),
        Operation("GET", "/v1/evidence", "listEvidence", "List stored evidence", "evidence", "viewer",
                  list_evidence, (Answer(200, "stored evidence", api.EvidenceList),), query=api.Page),
        Operation("GET", "/v1/evidence/{hash}", "getEvidence", "Stored evidence", "evidence", "viewer",
                  get_evidence, (Answer(200, "the evidence", api.EvidenceInfo),), path_schemas=HASH_PATH,
                  problems=(404,)),
        Operation("GET", "/v1/evidence/{hash}/files/{name}", "getEvidenceFile", "A stored evidence file",
                  "evidence", "inspector", evidence_file, (_source_answer("file"),),
                  path_schemas={**HASH_PATH, "name": NAME}, problems=(404,)),
    ]
