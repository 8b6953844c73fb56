"""The ASGI application: HTTP requests in, the operations of `routes_*.py` carried out, JSON (or problems) out.

Each operation is declared once (`Operation`): its path, the role it needs, the types of its body,
query and responses. The dispatcher does the same for all of them, in this order: authenticate
(401, 403), check the media type (415) and size (413) of the body, decode the body and the query
against their types (400, with a pointer to every problem), then run the handler in a worker
thread. A request id is given to every request (or taken from a well-formed `X-Request-ID`),
echoed in the response header, written in every problem and in the access log.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from esirules.service import observe
from esirules.service.database import Database, DatabaseUnavailable
from esirules.service.library import Library
from esirules.service.messages import role_at_least
from esirules.service.operation import JSON_MEDIA_TYPE, Call, Context, Operation, Settings
from esirules.service.problems import MEDIA_TYPE as PROBLEM_MEDIA_TYPE
from esirules.service.problems import Refusal, invalid, problem_json
from esirules.service.routes import operations
from esirules.service.schema import (
    FieldError,
    RequestInvalid,
    check_constraints,
    decode,
    decode_query,
    encode,
)
from esirules.service.store import Actor, Store

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
CLIENT_GONE = 499  # the status logged and counted for a request its client left before it was whole


@attrs.frozen
class _NoQuery:
    """An operation without query parameters: any parameter is refused."""


def _json_body(content: Any) -> bytes:
    return (json.dumps(encode(content), indent=2, ensure_ascii=False) + "\n").encode()


def _problem_response(refusal: Refusal, path: str, request_id: str) -> Response:
    body = json.dumps(problem_json(refusal.problem(path, request_id)), indent=2, ensure_ascii=False) + "\n"
    return Response(body.encode(), status_code=refusal.status, media_type=PROBLEM_MEDIA_TYPE,
                    headers={**refusal.headers})


def _request_id(scope: Scope) -> str:
    return str(scope.get("state", {}).get("request_id", ""))


def authenticate(context: Context, request: Request, role: str) -> Actor:
    """The token's holder, if the request carries a valid token of `role` or above; else 401 or 403."""
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    challenge = {"WWW-Authenticate": 'Bearer realm="esirules"'}
    if not header:
        raise Refusal("unauthorized", "send a token: `Authorization: Bearer TOKEN`", headers=challenge)
    if scheme.lower() != "bearer" or not presented.strip():
        raise Refusal("unauthorized", "the Authorization header must be `Bearer TOKEN`", headers=challenge)
    row = context.store.token(presented.strip())
    if row is None:
        raise Refusal("unauthorized", "the token is not valid (unknown, mistyped or revoked)", headers=challenge)
    if not role_at_least(row["role"], role):
        raise Refusal("forbidden", f"this needs the role `{role}` or above; the token's role is `{row['role']}`")
    return Actor(row["id"], row["name"], row["role"])


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    too_large = Refusal("too-large", f"the body may be at most {limit} bytes")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


class _NotJson(ValueError):
    """What JSON (RFC 8259) does not allow but Python's reader takes: `NaN`, `Infinity`, a key twice."""


def _no_constant(word: str) -> Any:
    raise _NotJson(f"`{word}` is not a JSON number")


def _keys_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) < len(pairs):
        twice = next(key for i, (key, _) in enumerate(pairs) if any(key == k for k, _ in pairs[:i]))
        raise _NotJson(f"the key `{twice}` is given twice in one object")
    return found


def _decode_json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant, object_pairs_hook=_keys_once)
    except _NotJson as error:
        raise invalid([FieldError("", f"the body is not JSON: {error}")]) from None
    except UnicodeDecodeError:
        raise invalid([FieldError("", "the body is not UTF-8 text")]) from None
    except json.JSONDecodeError as error:
        raise invalid([FieldError("", f"the body is not JSON: {error.msg.lower()} at line {error.lineno}, "
                                      f"column {error.colno}")]) from None
    except ValueError:  # (Python reads no whole number of more than 4,300 digits)
        raise invalid([FieldError("", "the body holds a number too long to read; no field takes one so long")]) from None
    except RecursionError:
        raise invalid([FieldError("", "the body is nested too deeply")]) from None


def check_path(schema: Mapping[str, Any], value: str) -> str | None:
    """What is wrong with a path parameter by its schema (`form` is the pattern in words)."""
    constraints = {k: v for k, v in schema.items() if k != "form"}
    return check_constraints({"schema": constraints, "form": schema.get("form", "")}, value)


def endpoint(context: Context, operation: Operation) -> Callable[[Request], Any]:
    async def answer(request: Request) -> Response:
        request.state.route = operation.path
        request_id = request.state.request_id
        try:
            actor = None
            if operation.role is not None:
                actor = await run_in_threadpool(authenticate, context, request, operation.role)
            body = None
            if operation.body is not None:
                media = request.headers.get("content-type", "").split(";")[0].strip().lower()
                if media != JSON_MEDIA_TYPE:
                    raise Refusal("unsupported-media-type",
                                  f"send the body as `{JSON_MEDIA_TYPE}`, not `{media or 'no Content-Type'}`")
                coding = request.headers.get("content-encoding", "").strip().lower()
                if coding not in ("", "identity"):  # (a compressed body was refused as "not UTF-8 text")
                    raise Refusal("unsupported-media-type",
                                  f"`Content-Encoding: {coding}` is not accepted; send the JSON uncompressed",
                                  headers={"Accept-Encoding": "identity"})  # (RFC 9110, 15.5.16)
                data = await _read_body(request, context.settings.max_body_bytes)
                body = decode(operation.body, _decode_json(data))
            query = decode_query(operation.query or _NoQuery, request.query_params.multi_items())
            path = dict(request.path_params)
            errors = [FieldError(f"{{{name}}}", problem) for name, schema in operation.path_schemas.items()
                      if (problem := check_path(schema, path.get(name, "")))]
            if errors:
                raise invalid(errors)
            call = Call(actor, request_id, body, query, path)
            reply = await run_in_threadpool(operation.handler, context, call)
        except RequestInvalid as error:
            return _problem_response(invalid(error.errors), request.url.path, request_id)
        except Refusal as refusal:
            return _problem_response(refusal, request.url.path, request_id)
        except DatabaseUnavailable as error:
            observe.database_unavailable(error, request_id)
            busy = Refusal("unavailable", "the database cannot answer now; try again shortly",
                           headers={"Retry-After": "5"})
            return _problem_response(busy, request.url.path, request_id)
        etag = reply.headers.get("ETag")
        tags = _entity_tags(request.headers.get("if-none-match", ""))
        if etag is not None and reply.status == 200 and (etag in tags or "*" in tags):
            return Response(status_code=304, headers={"ETag": etag})  # (the client's copy is this one: RFC 9110)
        content = reply.content
        if reply.media_type == JSON_MEDIA_TYPE and not isinstance(content, (bytes, str)):
            content = _json_body(content)
        elif isinstance(content, str):
            content = content.encode()
        return Response(content, status_code=reply.status, media_type=reply.media_type, headers=dict(reply.headers))

    return answer


def _entity_tags(header: str) -> set[str]:
    """The entity tags of an `If-None-Match` header (weak ones compared as strong, as RFC 9110 does for it)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class Observed:
    """ASGI middleware: a request id for every request, the access log, metrics, and a problem (not a
    traceback) for anything unforeseen."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if REQUEST_ID.fullmatch(given) else secrets.token_hex(12)
        scope.setdefault("state", {})["request_id"] = request_id
        status = {"code": 500, "bytes": 0, "sent": False}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body":
                status["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except ClientDisconnect:
            # The client went before its request was whole (a timeout, a closed laptop): no fault of
            # the service, and nobody to answer. Logged and counted as 499, as nginx does.
            if not status["sent"]:
                status["code"] = CLIENT_GONE
        except Exception:
            observe.ERRORS.exception("request failed", extra={"fields": {"request_id": request_id}})
            if not status["sent"]:
                refusal = Refusal("internal", "the service failed; the request id identifies it in the server's log")
                await _problem_response(refusal, scope.get("path", ""), request_id)(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("state", {}).get("route", "unmatched")
            observe.observe(scope.get("method", ""), route, int(status["code"]), seconds)
            client = scope.get("client")
            observe.access({
                "request_id": request_id,
                "method": scope.get("method", ""),
                "path": scope.get("path", ""),
                "route": route,
                "status": int(status["code"]),
                "ms": round(seconds * 1000, 2),
                "bytes": status["bytes"],
                "client": client[0] if client else None,
            })


async def _http_exception(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    request_id = _request_id(request.scope)
    if error.status_code == 405 and _wants_a_page(request):
        from esirules.service.pages.routes import not_allowed

        return not_allowed(request, (error.headers or {}).get("Allow", ""))
    if error.status_code == 405:
        refusal = Refusal("method-not-allowed", f"`{request.method}` is not answered here", headers=error.headers or {})
    elif error.status_code == 404 and _wants_a_page(request):
        from esirules.service.pages.routes import not_found

        return not_found(request)
    elif error.status_code == 404:
        path = request.url.path
        bare = path.rstrip("/")
        where = (f"; without the trailing `/`: `{bare}`" if bare and bare != path and _answered(request, bare)
                 else "; the API is described at /openapi.json")
        refusal = Refusal("not-found", f"there is nothing at `{path}`{where}")
    else:
        refusal = Refusal("invalid-request", str(error.detail).lower())
    return _problem_response(refusal, request.url.path, request_id)


def _answered(request: Request, path: str) -> bool:
    """Whether some route answers `path` (by any method)."""
    from starlette.routing import Match

    scope = {**request.scope, "path": path, "method": "GET"}
    return any(route.matches(scope)[0] != Match.NONE for route in request.app.routes)


def _wants_a_page(request: Request) -> bool:
    """A browser asking for a page (not a client of the API) gets the pages' 404, not a problem document."""
    api = request.url.path.startswith(("/v1/", "/health/", "/metrics", "/openapi.json"))
    return not api and "text/html" in request.headers.get("accept", "")


def create_app(settings: Settings, *, database: Database | None = None) -> Starlette:
    """The service over one database (whose schema must be current, unless `check_schema` is off)."""
    from esirules.service import migrate

    database = database or Database(settings.database)
    if settings.check_schema:
        migrate.check_current(database)
    library = Library(rulesets=settings.cache_rulesets, evidence=settings.cache_evidence,
                      explanations=settings.cache_explanations)
    table = tuple(operations())
    context = Context(settings, database, Store(database), library, table)
    by_path: dict[str, list[Operation]] = {}
    for operation in table:
        by_path.setdefault(operation.path, []).append(operation)
    routes: list[BaseRoute] = []
    for path, group in by_path.items():
        # One route per path, so a method it does not answer gets a 405 naming every one it does.
        answers = {operation.method: endpoint(context, operation) for operation in group}
        if "GET" in answers:
            answers["HEAD"] = answers["GET"]

        async def by_method(request: Request, answers: Mapping[str, Callable[[Request], Any]] = answers) -> Response:
            return await answers[request.method](request)  # type: ignore[no-any-return]

        routes.append(Route(path, by_method, methods=list(answers), include_in_schema=False))
    from esirules.service.pages.routes import routes as pages

    routes += pages(context)  # the web pages (esirules/service/pages/): a browser's surface of the same service
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_exception})
    app.router.redirect_slashes = False  # (a client of the API gets a problem document, not an empty 307)
    app.state.context = context
    app.state.operations = table
    app.add_middleware(Observed)
    return app


def app_from_environment() -> Starlette:
    """The factory uvicorn's workers call (`esirules serve` sets the environment)."""
    observe.configure(os.environ.get("ESIRULES_LOG_LEVEL", "info"))
    return create_app(Settings.from_environment())
