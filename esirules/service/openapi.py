"""The OpenAPI 3.1 document: the operations table and the API types in, the document served at /openapi.json out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from esirules import __version__
from esirules.service.messages import Problem
from esirules.service.operation import JSON_MEDIA_TYPE, Operation
from esirules.service.problems import KINDS
from esirules.service.problems import MEDIA_TYPE as PROBLEM_MEDIA_TYPE
from esirules.service.schema import Components, query_parameters

# What any operation may answer besides its own answers.
_ALWAYS = (400, 405, 500, 503)
_STRING = {"schema": {"type": "string"}}
# The headers of every response, and of some statuses whatever the operation (app.py).
_EVERY = {"X-Request-ID": {"description": "the request's id: the one sent, if 1 to 64 letters, digits, `.`, `_`, "
                                          "`:` or `-`, else a new one (the access log has it too)", **_STRING}}
_BY_STATUS = {
    401: {"WWW-Authenticate": {"description": "`Bearer realm=\"esirules\"`", **_STRING}},
    405: {"Allow": {"description": "the methods the path answers", **_STRING}},
    503: {"Retry-After": {"description": "seconds to wait before asking again", **_STRING}},
}
_WITH_TOKEN = (401, 403)
_WITH_BODY = (413, 415, 422)


def document(operations: Sequence[Operation]) -> dict[str, Any]:
    components = Components()
    problem = components.ref(Problem)
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation, components, problem)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "esirules",
            "version": __version__,
            "summary": "Score inspections by written rules, and explain every grade and percentage.",
            "description": "Published rulesets, evidence, immutable runs and explanations, over the same library "
                           "as the `esirules` command line. See docs/api.md.",
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.schemas.items())),
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "a token from `esirules token create --role ROLE`"}},
        },
        "security": [{"token": []}],
    }


def _operation(operation: Operation, components: Components, problem: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "operationId": operation.name,
        "summary": operation.summary,
        "tags": [operation.tag],
    }
    description = operation.description
    if operation.role is not None:
        description = (description + "\n\n" if description else "") + f"Needs a token of role `{operation.role}` or above."
    else:
        out["security"] = []
    if description:
        out["description"] = description
    parameters = []
    for name in re.findall(r"{(\w+)}", operation.path):
        schema = dict(operation.path_schemas.get(name, {"type": "string"}))
        form = schema.pop("form", "")
        parameters.append({"name": name, "in": "path", "required": True,
                           "schema": {"type": "string", **schema}, "description": form})
    if operation.query is not None:
        parameters.extend(query_parameters(operation.query, components))
    if operation.conditional:
        parameters.append({"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                           "description": "the `ETag` of a copy the client holds (or `*`): if it is current, "
                                          "the answer is 304 with no body"})
    if parameters:
        out["parameters"] = parameters
    if operation.body is not None:
        out["requestBody"] = {"required": True,
                              "content": {JSON_MEDIA_TYPE: {"schema": components.schema(operation.body)}}}
    responses: dict[str, Any] = {}
    for answer in operation.answers:
        if answer.type is not None:
            content = {JSON_MEDIA_TYPE: {"schema": components.schema(answer.type)}}
        else:
            content = {media: {"schema": schema if isinstance(schema, dict) else components.schema(schema)}
                       for media, schema in answer.media.items()}
        responses[str(answer.status)] = {"description": answer.description, "content": content}
        if operation.conditional and answer.status == 200:
            responses["200"]["headers"] = {"ETag": {"description": "the SHA-256 of the body, quoted",
                                                    "schema": {"type": "string"}}}
        if operation.located and answer.status in (200, 201):
            responses[str(answer.status)]["headers"] = {"Location": {"description": "the address of what was stored "
                                                                                    "(or found stored already)", **_STRING}}
    if operation.conditional:
        responses["304"] = {"description": "Not Modified: the `If-None-Match` names the current `ETag`; no body",
                            "headers": {"ETag": {"schema": {"type": "string"}}}}
    statuses = set(_ALWAYS) | set(operation.problems)
    if operation.role is not None:
        statuses |= set(_WITH_TOKEN)
    if operation.body is not None:
        statuses |= set(_WITH_BODY)
    if operation.path_schemas:
        statuses.add(404)
    for status in sorted(statuses):
        if str(status) in responses:
            continue
        kinds = [kind for kind, (code, _) in KINDS.items() if code == status]
        responses[str(status)] = {
            "description": "; ".join(KINDS[k][1] for k in kinds) + " (a problem document, RFC 9457)",
            "content": {PROBLEM_MEDIA_TYPE: {"schema": problem}},
        }
    for code, response in responses.items():
        response["headers"] = {**response.get("headers", {}), **_BY_STATUS.get(int(code), {}), **_EVERY}
    out["responses"] = responses
    return out
