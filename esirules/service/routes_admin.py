"""Health, status, metrics, the OpenAPI document, the audit and tokens: operations of the service itself."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from esirules import __version__
from esirules.service import messages as api
from esirules.service import migrate, observe
from esirules.service.database import DatabaseUnavailable
from esirules.service.operation import JSON_MEDIA_TYPE, Answer, Call, Context, Operation, Reply
from esirules.service.problems import not_found


def live(context: Context, call: Call) -> Reply:
    return Reply(200, api.Liveness("ok"))


def ready(context: Context, call: Call) -> Reply:
    needed = migrate.head()
    try:
        found = migrate.current(context.database)
    except DatabaseUnavailable as error:
        observe.database_unavailable(error, call.request_id)
        return Reply(503, api.Readiness("unavailable", "unreachable", None, needed,
                                        "the database cannot be reached (the service's log says why)"),
                     headers={"Retry-After": "5"})
    if found != needed:
        advice = "upgrade this esirules (the database's is newer)" if migrate.is_newer(found) else "run `esirules db upgrade`"
        detail = f"the database's schema is at revision {found or 'none'}; {advice}"
        return Reply(503, api.Readiness("unavailable", "reachable", found, needed, detail))
    return Reply(200, api.Readiness("ready", "reachable", found, needed, ""))


def status(context: Context, call: Call) -> Reply:
    counts = context.store.counts()
    revision = migrate.current(context.database) or ""
    kind: Literal["sqlite", "postgresql"] = "postgresql" if context.database.kind == "postgresql" else "sqlite"
    return Reply(200, api.Status(__version__, kind, revision, api.Counts(**counts)))


def metrics(context: Context, call: Call) -> Reply:
    return Reply(200, observe.exposition(), observe.METRICS_MEDIA_TYPE)


def openapi(context: Context, call: Call) -> Reply:
    from esirules.service.openapi import document

    return Reply(200, (json.dumps(document(context.operations), indent=2) + "\n").encode(), JSON_MEDIA_TYPE)


def audit(context: Context, call: Call) -> Reply:
    query: api.AuditQuery = call.query
    rows = context.store.audit(query.after, query.limit)
    entries = tuple(
        api.AuditEntry(int(r["id"]), r["at"], r["actor"], r["actor_name"], r["role"], r["action"], r["subject"],
                       api.Details(json.loads(r["details"])), r["request_id"])
        for r in rows
    )
    return Reply(200, api.AuditPage(entries, entries[-1].id if entries else query.after))


def token_info(row: Mapping[str, Any]) -> api.TokenInfo:
    return api.TokenInfo(row["id"], row["name"], row["role"], row["created_at"], row["revoked_at"])


def list_tokens(context: Context, call: Call) -> Reply:
    return Reply(200, api.TokenList(tuple(token_info(r) for r in context.store.tokens())))


def create_token(context: Context, call: Call) -> Reply:
    request: api.TokenRequest = call.body
    assert call.actor is not None
    secret, row = context.store.write(call.actor, call.request_id,
                                      lambda writer: writer.create_token(request.role, request.name))
    return Reply(201, api.TokenCreated(secret, token_info(row)), headers={"Cache-Control": "no-store"})


def revoke_token(context: Context, call: Call) -> Reply:
    assert call.actor is not None
    row = context.store.write(call.actor, call.request_id, lambda writer: writer.revoke_token(call.path["id"]))
    if row is None:
        raise not_found("token", call.path["id"], "{id}")
    return Reply(200, token_info(row))


def operations() -> list[Operation]:
    token_path = {"id": {"pattern": "^t[0-9a-f]{16}$", "form": "a token id: `t` and 16 hexadecimal digits"}}
    return [
        Operation("GET", "/health/live", "live", "Liveness: the process answers", "operations", None, live,
                  (Answer(200, "alive", api.Liveness),)),
        Operation("GET", "/health/ready", "ready", "Readiness: the database answers and its schema is current",
                  "operations", None, ready,
                  (Answer(200, "ready", api.Readiness), Answer(503, "not ready", api.Readiness))),
        Operation("GET", "/v1/status", "status", "Version and what the store holds", "operations", "viewer",
                  status, (Answer(200, "the status", api.Status),)),
        Operation("GET", "/metrics", "metrics", "Metrics in Prometheus' text format", "operations", "viewer",
                  metrics, (Answer(200, "the metrics", None, {observe.METRICS_MEDIA_TYPE: {"type": "string"}}),)),
        Operation("GET", "/openapi.json", "openapi", "This API, as an OpenAPI 3.1 document", "operations",
                  "viewer", openapi, (Answer(200, "the document", None, {JSON_MEDIA_TYPE: {"type": "object"}}),)),
        Operation("GET", "/v1/audit", "audit", "The audit: every write, in order", "admin", "admin", audit,
                  (Answer(200, "entries", api.AuditPage),), query=api.AuditQuery),
        Operation("GET", "/v1/tokens", "listTokens", "Every token (never their secrets)", "admin", "admin",
                  list_tokens, (Answer(200, "tokens", api.TokenList),)),
        Operation("POST", "/v1/tokens", "createToken", "Make a token; its secret is shown once", "admin", "admin",
                  create_token, (Answer(201, "made", api.TokenCreated),), body=api.TokenRequest),
        Operation("DELETE", "/v1/tokens/{id}", "revokeToken", "Revoke a token", "admin", "admin", revoke_token,
                  (Answer(200, "revoked", api.TokenInfo),), path_schemas=token_path, problems=(404,)),
    ]
