"""The service's requests and responses: attrs classes, from which the OpenAPI document is generated.

Handlers receive these objects decoded from the request (schema.decode) and return them (or
documents the library renders, described by the opaque schemas below). See docs/api.md.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from esirules.service.schema import api_field, opaque, response

HASH: dict[str, Any] = {"pattern": "^[0-9a-f]{64}$",
                        "form": "an address the API gave (a record's `hash`, a run's `id`): 64 lowercase hexadecimal digits"}
_PLAIN_NAME = r"[^/\\\u0000-\u001f\u007f-\u009f\u2028\u2029.][^/\\\u0000-\u001f\u007f-\u009f\u2028\u2029]{0,199}"
FILE_NAME: dict[str, Any] = {"pattern": f"^{_PLAIN_NAME}$", "maxLength": 200,
                             "form": "a plain file name (no folder, not starting with a dot, no control characters)"}
RULESET_NAME: dict[str, Any] = {"pattern": f"^{_PLAIN_NAME}\\.esi$", "maxLength": 200,
                "form": "a plain file name ending in `.esi` (no folder, not starting with a dot, no control characters)"}
EVIDENCE_NAME: dict[str, Any] = {"pattern": f"^{_PLAIN_NAME}\\.(yaml|yml|json|csv)$", "maxLength": 200,
                 "form": "a plain file name ending in `.yaml`, `.yml`, `.json` or `.csv` (no folder, not starting with a "
                         "dot, no control characters)",
                 "mistaken": ((r"(?i)\.(xlsx|ods)$", "a workbook is read by the command line only: save its cases "
                               "sheet as CSV (UTF-8) and upload that, with an evidence file for its other sheets"),)}
# Control characters: C0, DEL and C1 (U+0085 is a line break to many programs), and the line and
# paragraph separators.
_NO_CONTROL = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]+$"
# (a heading or title of spaces alone, or of invisible characters, would show as nothing)
_SHOWN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*[^\\s\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u200b-\\u200d\\u2060\\ufeff][^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"
LABEL: dict[str, Any] = {"minLength": 1, "maxLength": 200, "pattern": _SHOWN,
                         "form": "text with something besides spaces, and no control characters"}
Role = Literal["viewer", "inspector", "author", "admin"]
ROLES: tuple[str, ...] = ("viewer", "inspector", "author", "admin")  # INVARIANT: each includes those before it

_DIAGNOSTIC: dict[str, Any] = {
    "type": "object",
    "description": "A problem found by the library, as `esirules check --format json` prints it.",
    "required": ["code", "severity", "message", "help", "location"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "description": "stable code: docs/diagnostics.md, docs/evidence-diagnostics.md"},
        "severity": {"type": "string", "enum": ["error", "warning"]},
        "message": {"type": "string"},
        "help": {"type": ["string", "null"]},
        "location": {
            "type": "object",
            "required": ["file", "line", "column", "end_line", "end_column"],
            "additionalProperties": False,
            "properties": {
                "file": {"type": "string"},
                "line": {"type": "integer"},
                "column": {"type": "integer"},
                "end_line": {"type": "integer"},
                "end_column": {"type": "integer"},
            },
        },
        "pointer": {"type": "string", "description": "in a batch's answer only: the item whose files it is "
                                                    "found in, as a JSON pointer into the request (`/items/1`)"},
    },
}


@opaque(_DIAGNOSTIC)
class Diagnostic(dict[str, Any]):
    """A diagnostic as the command line writes it in JSON."""


_CHECK_REPORT: dict[str, Any] = {
    "type": "object",
    "description": "What `esirules check --format json` prints: every diagnostic, a summary of each ruleset that checked, and `ok`.",
    "required": ["diagnostics", "rulesets", "ok"],
    "additionalProperties": False,
    "properties": {
        "diagnostics": {"type": "array", "items": {"$ref": "#/components/schemas/Diagnostic"}},
        "rulesets": {"type": "array", "items": {
            "type": "object",
            "required": ["file", "ruleset", "version", "hash", "summary", "tests"],
            "properties": {**{k: {"type": "string"} for k in ("file", "ruleset", "version", "hash", "summary")},
                           "tests": {"type": "integer", "description": "how many tests the ruleset holds (`esirules test` runs them)"}},
        }},
        "ok": {"type": "boolean"},
    },
}


@opaque(_CHECK_REPORT)
class CheckReport(dict[str, Any]):
    """What `esirules check --format json` prints."""


_RESULT: dict[str, Any] = {
    "type": "object",
    "description": "The result tree exactly as `esirules score --format json` prints it (docs/result-schema.md).",
    "required": ["schema", "title", "columns"],
    "additionalProperties": False,
    "properties": {
        "schema": {"const": "esirules.result/1"},
        "title": {"type": "string"},
        "columns": {"type": "array", "items": {
            "type": "object",
            "required": ["label", "ruleset", "evidence", "sample", "rounding", "criteria", "sections", "overall"],
            "properties": {
                "label": {"type": "string"},
                "ruleset": {"type": "object"},
                "evidence": {"type": "object"},
                "sample": {"type": ["string", "null"]},
                "rounding": {"type": "object"},
                "criteria": {"type": "object"},
                "sections": {"type": "object"},
                "overall": {"type": ["object", "null"]},
            },
        }},
    },
}


@opaque(_RESULT)
class Result(dict[str, Any]):
    """The result tree as `esirules score --format json` prints it."""


_EXPLANATION: dict[str, Any] = {
    "type": "object",
    "description": "An explanation exactly as `esirules explain --format json` prints it (docs/explanation-schema.md).",
    "required": ["schema", "target", "column", "ruleset", "evidence", "explanation", "where", "case"],
    "properties": {"schema": {"const": "esirules.explanation/1"}},
}


@opaque(_EXPLANATION)
class Explanation(dict[str, Any]):
    """An explanation as `esirules explain --format json` prints it."""


_DETAILS: dict[str, Any] = {"type": "object", "description": "What the write changed: names and content hashes."}


@opaque(_DETAILS)
class Details(dict[str, Any]):
    """What a write changed, in the audit."""


# ---------------------------------------------------------------------------------------------
# Requests


@attrs.frozen
class SourceFile:
    """One file of an upload: its name, and its content as text or in base64."""

    name: str = api_field("the file's name, as other files of the upload refer to it", **FILE_NAME)
    content: str = api_field("the file's text (UTF-8), or its bytes in base64 when `encoding` is `base64`")
    encoding: Literal["text", "base64"] = api_field("how `content` is written", default="text")


@attrs.frozen
class RulesetBundle:
    """A ruleset to check or publish, with every ruleset its `extends` lines name (and nothing else)."""

    main: str = api_field("the ruleset's file name; the other files are its parents", **RULESET_NAME)
    files: tuple[SourceFile, ...] = api_field("the ruleset and its parents", minItems=1, maxItems=32)


@attrs.frozen
class EvidenceUpload:
    """Inspection evidence to check under a published ruleset and store: a file, and the CSV files it names."""

    ruleset: str = api_field("the published ruleset to check the evidence against", **HASH)
    main: str = api_field("the evidence file's name (YAML, JSON or CSV)", **EVIDENCE_NAME)
    files: tuple[SourceFile, ...] = api_field("the evidence file and the case files (CSV) it names", minItems=1, maxItems=64)


@attrs.frozen
class ColumnRequest:
    """One column of a run: the cases of one sample (or all cases), under a label."""

    sample: str | None = api_field("score this sample (cohort) only; none: all cases", default=None, maxLength=200)
    label: str | None = api_field(
        "the column's heading; by default the sample's name, else the evidence file's name", default=None, **LABEL
    )


@attrs.frozen
class RunRequest:
    """Score published evidence under a published ruleset: one column per sample asked for."""

    ruleset: str = api_field("the ruleset to score under", **HASH)
    evidence: str = api_field("the evidence to score", **HASH)
    columns: tuple[ColumnRequest, ...] = api_field(
        "the columns (by default one, of all cases)", default=(ColumnRequest(),), minItems=1, maxItems=32
    )
    title: str | None = api_field("the sheet's title; by default the inspection's", default=None, **LABEL)


@attrs.frozen
class AdjustmentRequest:
    """A lead inspector's adjustment of a criterion's grade; who made it is the token's holder."""

    criterion: str = api_field("the criterion to adjust, e.g. `A1`", minLength=1, maxLength=100)
    grade: str = api_field("the grade it is given, one of its ladder", minLength=1, maxLength=200)
    reason: str = api_field("why, in the lead inspector's words", minLength=1, maxLength=10000)


@attrs.frozen
class BatchItem:
    """One evidence upload of a batch."""

    main: str = api_field("the evidence file's name", **EVIDENCE_NAME)
    files: tuple[SourceFile, ...] = api_field("the evidence file and the case files it names", minItems=1, maxItems=64)


@attrs.frozen
class BatchRequest:
    """Several evidence uploads scored alike in one request: one evidence hash and one run each, or nothing."""

    ruleset: str = api_field("the ruleset to check and score every item under", **HASH)
    items: tuple[BatchItem, ...] = api_field("the evidence uploads", minItems=1, maxItems=100)
    columns: tuple[ColumnRequest, ...] = api_field(
        "the columns of each run (by default one, of all cases)", default=(ColumnRequest(),), minItems=1, maxItems=32
    )
    title: str | None = api_field("each sheet's title; by default its inspection's", default=None, **LABEL)


@attrs.frozen
class TokenRequest:
    """A new API token for a person or a system."""

    role: Role = api_field("what the token may do: viewer < inspector < author < admin")
    name: str = api_field("who holds it; recorded in the audit and as `by` of adjustments", minLength=1, maxLength=200,
                          pattern=_NO_CONTROL, form="a name without control characters")


# ---------------------------------------------------------------------------------------------
# Query strings


@attrs.frozen
class Page:
    """Which part of a list to return, newest first."""

    limit: int = api_field("how many to return", default=50, minimum=1, maximum=500)
    offset: int = api_field("how many to skip", default=0, minimum=0, maximum=1_000_000_000)


@attrs.frozen
class RulesetQuery:
    limit: int = api_field("how many to return", default=50, minimum=1, maximum=500)
    offset: int = api_field("how many to skip", default=0, minimum=0, maximum=1_000_000_000)
    name: str | None = api_field("only rulesets of this name", default=None, maxLength=200)


@attrs.frozen
class RunQuery:
    limit: int = api_field("how many to return", default=50, minimum=1, maximum=500)
    offset: int = api_field("how many to skip", default=0, minimum=0, maximum=1_000_000_000)
    ruleset: str | None = api_field("only runs under this ruleset", default=None, **HASH)
    evidence: str | None = api_field("only runs of this evidence", default=None, **HASH)


@attrs.frozen
class ExplainQuery:
    column: str | None = api_field("the column to explain, by its label; needed when the run has several", default=None, maxLength=200)
    case: str | None = api_field("show everything this one case contributed", default=None, maxLength=200)
    where: str | None = api_field("the same breakdown for the cases where this condition holds", default=None, maxLength=2000)
    all_cases: bool = api_field("list every case id (long lists are otherwise summarised)", default=False)
    format: Literal["json", "markdown"] = api_field("JSON as `esirules explain --format json`, or Markdown findings", default="json")


@attrs.frozen
class SheetQuery:
    run: tuple[str, ...] = api_field("the runs whose columns make the sheet, in order", minItems=1, maxItems=50, **HASH)
    title: str | None = api_field(
        "the sheet's title; by default the runs' own (each run's title, or its inspection's), where they share one",
        default=None, **LABEL)
    format: Literal["json", "markdown", "csv"] = api_field("the result JSON, or the sheet as Markdown or CSV", default="json")


@attrs.frozen
class AuditQuery:
    after: int = api_field("entries after this id (0: from the first)", default=0, minimum=0, maximum=2**62)
    limit: int = api_field("how many to return", default=100, minimum=1, maximum=1000)


# ---------------------------------------------------------------------------------------------
# Responses


@response
@attrs.frozen
class FileInfo:
    """A stored file: its name in the upload, its size and the SHA-256 of its bytes."""

    name: str = api_field("the file's name")
    size: int = api_field("its size in bytes")
    sha256: str = api_field("the SHA-256 of its bytes")


@response
@attrs.frozen
class RulesetInfo:
    """A published ruleset: immutable, addressed by the hash of its sources."""

    hash: str = api_field("the ruleset's address: the SHA-256 of its files' names and bytes")
    name: str = api_field("the name its `ruleset` line gives")
    version: str = api_field("the version its `version` line gives")
    main: str = api_field("the ruleset's file; the others are its parents")
    content_hash: str = api_field("the hash the result tree cites (its bytes and its parents' hashes)")
    summary: str = api_field("what it declares, in one line")
    files: tuple[FileInfo, ...] = api_field("its sources")
    created_at: str = api_field("when it was first published (UTC)")
    created_by: str = api_field("the token that first published it")


@response
@attrs.frozen
class RulesetPublished:
    """A ruleset published (or found already published), with the warnings its check gave."""

    created: bool = api_field("false when the same sources were published before")
    ruleset: RulesetInfo = api_field("the published ruleset")
    warnings: tuple[Diagnostic, ...] = api_field("warnings the check gave (errors refuse publication)")


@response
@attrs.frozen
class RulesetList:
    rulesets: tuple[RulesetInfo, ...] = api_field("published rulesets, newest first")
    total: int = api_field("how many match, in all")


@response
@attrs.frozen
class EvidenceInfo:
    """Stored evidence: immutable, addressed by the hash of its files."""

    hash: str = api_field("the evidence's address: the SHA-256 of its main file's name and its files' names and bytes")
    main: str = api_field("the evidence file; the others are the case files it names")
    title: str = api_field("the inspection's title, from its `inspection` line")
    cases: int = api_field("how many cases it holds")
    files: tuple[FileInfo, ...] = api_field("its files")
    created_at: str = api_field("when it was first stored (UTC)")
    created_by: str = api_field("the token that first stored it")


@response
@attrs.frozen
class EvidenceStored:
    created: bool = api_field("false when the same files were stored before")
    checked_with: str = api_field("the ruleset the evidence was checked against")
    evidence: EvidenceInfo = api_field("the stored evidence")


@response
@attrs.frozen
class EvidenceList:
    evidence: tuple[EvidenceInfo, ...] = api_field("stored evidence, newest first")
    total: int = api_field("how many, in all")


@response
@attrs.frozen
class ColumnInfo:
    label: str = api_field("the column's heading")
    sample: str | None = api_field("its sample, or null for all cases")


@response
@attrs.frozen
class AdjustmentInfo:
    """A lead inspector's adjustment a run applies on top of its evidence."""

    criterion: str = api_field("the criterion adjusted")
    grade: str = api_field("the grade given")
    by: str = api_field("who made it (the name of the token that recorded it)")
    reason: str = api_field("why")


@response
@attrs.frozen
class RunInfo:
    """A run: a ruleset, evidence and columns scored once; immutable, and the same inputs give the same run."""

    id: str = api_field("the run's address: the SHA-256 of its inputs")
    ruleset: str = api_field("the ruleset scored under")
    evidence: str = api_field("the evidence scored")
    columns: tuple[ColumnInfo, ...] = api_field("its columns")
    title: str = api_field("the sheet's title")
    adjusts: str | None = api_field("the run this one adjusts, if it records an adjustment")
    adjustments: tuple[AdjustmentInfo, ...] = api_field("adjustments applied on top of the evidence's own")
    batch: str | None = api_field("the batch that created it, if any")
    result_sha256: str = api_field("the SHA-256 of its result JSON")
    created_at: str = api_field("when it was scored (UTC)")
    created_by: str = api_field("the token that asked for it")


@response
@attrs.frozen
class RunDetail:
    """A run and its result."""

    run: RunInfo = api_field("the run")
    result: Result = api_field("its result, as `esirules score --format json` prints it")


@response
@attrs.frozen
class RunCreated:
    """A run made (or found: the same inputs make the same run), and its result."""

    created: bool = api_field("false when the same run (same inputs) was made before")
    run: RunInfo = api_field("the run")
    result: Result = api_field("its result, as `esirules score --format json` prints it")


@response
@attrs.frozen
class RunList:
    runs: tuple[RunInfo, ...] = api_field("runs, newest first")
    total: int = api_field("how many match, in all")


@response
@attrs.frozen
class Verification:
    """A run scored again from its stored inputs and compared byte for byte with its stored result."""

    run: str = api_field("the run verified")
    identical: bool = api_field("whether scoring again gave byte-identical JSON")
    result_sha256: str = api_field("the SHA-256 of the stored result")
    rescored_sha256: str = api_field("the SHA-256 of the result scored again")


@response
@attrs.frozen
class BatchRun:
    index: int = api_field("the item's position in the request, from 0")
    evidence: str = api_field("the item's evidence hash")
    run: str = api_field("the item's run id")
    created: bool = api_field("false when that run existed before")


@response
@attrs.frozen
class BatchResult:
    batch: str = api_field("the batch's id: the SHA-256 of its items' runs")
    runs: tuple[BatchRun, ...] = api_field("one run per item, in the request's order")


@response
@attrs.frozen
class Counts:
    rulesets: int = api_field("published rulesets")
    evidence: int = api_field("stored evidence")
    runs: int = api_field("runs")
    tokens: int = api_field("tokens not revoked")
    audit: int = api_field("audit entries")


@response
@attrs.frozen
class Status:
    version: str = api_field("the esirules version serving")
    database: Literal["sqlite", "postgresql"] = api_field("the kind of database")
    schema_revision: str = api_field("the database schema's migration revision")
    counts: Counts = api_field("what the store holds")


@response
@attrs.frozen
class Liveness:
    status: Literal["ok"] = api_field("the process answers")


@response
@attrs.frozen
class Readiness:
    status: Literal["ready", "unavailable"] = api_field("whether requests can be served")
    database: Literal["reachable", "unreachable"] = api_field("whether the database answered")
    schema_revision: str | None = api_field("the database's schema revision (null if unknown)")
    required_revision: str = api_field("the revision this esirules needs")
    detail: str = api_field("what is wrong, if anything, in words")


@response
@attrs.frozen
class AuditEntry:
    """One write: who, what, when, with the content hashes it touched. The audit is append-only."""

    id: int = api_field("its place in the audit, increasing")
    at: str = api_field("when (UTC)")
    actor: str = api_field("the token id, or `command-line` for `esirules token` commands")
    actor_name: str = api_field("the token holder's name")
    role: str = api_field("the token's role")
    action: str = api_field("what was written, e.g. `run.create`")
    subject: str = api_field("the hash or id written")
    details: Details = api_field("names and content hashes")
    request_id: str = api_field("the request's id (as in the access log)")


@response
@attrs.frozen
class AuditPage:
    entries: tuple[AuditEntry, ...] = api_field("entries in order")
    next_after: int = api_field("pass as `after` for the next page")


@response
@attrs.frozen
class TokenInfo:
    id: str = api_field("the token's public id (the secret is never shown again)")
    name: str = api_field("who holds it")
    role: Role = api_field("what it may do")
    created_at: str = api_field("when it was made (UTC)")
    revoked_at: str | None = api_field("when it was revoked, or null")


@response
@attrs.frozen
class TokenCreated:
    """A new token: `token` is its secret, shown this once; only its hash is stored."""

    token: str = api_field("the secret to send as `Authorization: Bearer ...`; shown once")
    info: TokenInfo = api_field("the token")


@response
@attrs.frozen
class TokenList:
    tokens: tuple[TokenInfo, ...] = api_field("every token, newest first")


@response
@attrs.frozen
class ProblemError:
    """One problem in the request: where (a JSON pointer into the body, or `?name` for a query parameter)."""

    pointer: str = api_field("where: `/files/0/name`, `?limit`, or `` for the whole body")
    message: str = api_field("what is wrong")
    help: str | None = api_field("how to put it right", omit_none=True)


@response
@attrs.frozen
class Problem:
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    type: str = api_field("what kind of problem: a URN listed in docs/api.md")
    title: str = api_field("the kind of problem in words")
    status: int = api_field("the HTTP status")
    detail: str = api_field("this occurrence in words")
    instance: str = api_field("the request's path")
    request_id: str = api_field("the request's id, also in the `X-Request-ID` header and the access log")
    diagnostics: tuple[Diagnostic, ...] | None = api_field(
        "problems the library found, with codes and locations as the command line gives them", default=None, omit_none=True
    )
    errors: tuple[ProblemError, ...] | None = api_field("problems in the request itself", default=None, omit_none=True)
    sources: dict[str, str] | None = api_field(
        "texts the service wrote itself that the diagnostics point into", default=None, omit_none=True
    )


def role_at_least(role: str, needed: str) -> bool:
    """Whether `role` may do what `needed` may (viewer < inspector < author < admin)."""
    return ROLES.index(role) >= ROLES.index(needed)



@attrs.frozen
class HandbookQuery:
    format: Literal["markdown", "html"] = api_field(
        "Markdown as `esirules handbook` writes it, or the self-contained page of `--format html`", default="markdown")


@attrs.frozen
class DiffQuery:
    evidence: str | None = api_field("stored evidence to score under both rulesets, to show the change's impact",
                                     default=None, **HASH)
    sample: tuple[str, ...] = api_field("the samples of the evidence to score, each as its own impact "
                                        "(none: all the cases together)", default=(), maxItems=20, maxLength=200)
    all_cases: bool = api_field("list every case whose answers count differently (long lists are otherwise cut)",
                                default=False)
    format: Literal["json", "markdown"] = api_field(
        "JSON as `esirules diff --format json` prints it (docs/diff-schema.md), or Markdown", default="json")


DIFF: dict[str, Any] = {
    "type": "object",
    "description": "What `esirules diff --format json` prints (docs/diff-schema.md).",
    "required": ["schema", "old", "new", "identical", "changes", "impact"],
    "properties": {"schema": {"const": "esirules.diff/1"}},
}

