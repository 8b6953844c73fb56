"""What every page shares: a handler and the role it needs in, a Starlette route that signs in, checks and renders out.

A page's handler runs in a worker thread, like an API handler, and returns a `Page` (a template
and its values) or a redirect. The route around it does the rest, the same way for every page:
no session sends the browser to sign in; a role too low gets the 403 page (and the navigation
never offers what the role may not do); a POST must carry the session's CSRF token and, if the
browser sends `Origin`, come from this service; a form is read with the service's body limit; an
API refusal becomes a page with the problem in words (and the library's diagnostics at their
lines). Every page is sent with a Content-Security-Policy that allows nothing from elsewhere and
no script at all.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import attrs
import jinja2
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Message

from esirules.render.html.environment import make_environment, stylesheet
from esirules.service import observe
from esirules.service.database import DatabaseUnavailable
from esirules.service.messages import role_at_least
from esirules.service.operation import Context
from esirules.service.pages import session
from esirules.service.problems import Refusal, problems_found
from esirules.service.store import Actor
from esirules.words import plural

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
ROLE_WORDS = {"viewer": "a viewer", "inspector": "an inspector", "author": "an author", "admin": "an administrator"}


@attrs.frozen
class Page:
    """A page to render: its template, title and values, and its status."""

    template: str
    title: str
    values: Mapping[str, Any] = attrs.field(factory=dict)
    status: int = 200


@attrs.frozen
class PageCall:
    """One request from a browser, signed in: who, the path's parameters, the query, the form."""

    request: Request
    actor: Actor
    path: Mapping[str, str]
    query: Mapping[str, list[str]]
    form: FormData | None
    uploads: Mapping[str, list[tuple[str, bytes]]]  # field -> (file name, bytes), for file fields
    csrf: str

    def first(self, name: str, default: str | None = None) -> str | None:
        """A query parameter (its first value), or a form field for a POST."""
        if self.form is not None and name in self.form:
            value = self.form.get(name)
            return value if isinstance(value, str) else default
        return self.query.get(name, [default])[0]

    def may(self, role: str) -> bool:
        return role_at_least(self.actor.role, role)


Handler = Callable[[Context, PageCall], "Page | Response"]


class TooLarge(Exception):
    """A form larger than the service accepts."""


# ---------------------------------------------------------------------------------------------
# Rendering


@functools.cache
def environment() -> jinja2.Environment:
    return make_environment([jinja2.PackageLoader("esirules.service.pages", "templates")])


@functools.cache
def assets() -> dict[str, tuple[bytes, str]]:
    """The files the pages use, by name (all of them here: nothing is fetched from elsewhere)."""
    from importlib import resources

    from pygments.formatters import HtmlFormatter

    pages = resources.files("esirules.service.pages").joinpath("static/pages.css").read_text(encoding="utf-8")
    highlighting = HtmlFormatter(style="default").get_style_defs(".source")
    css = "text/css; charset=utf-8"
    return {
        "esirules.css": (stylesheet().encode(), css),
        "pages.css": ((pages + "\n/* Ruleset highlighting (Pygments, style `default`) */\n" + highlighting).encode(), css),
    }


@functools.cache
def asset_url(name: str) -> str:
    """An asset's address with its content hash, so a browser may keep it as long as it likes."""
    return f"/static/{name}?v={hashlib.sha256(assets()[name][0]).hexdigest()[:12]}"


def render(page: Page, call: PageCall | None, request: Request) -> HTMLResponse:
    actor = None if call is None else call.actor
    values = {
        "title": page.title,
        "actor": actor,
        "csrf": "" if call is None else call.csrf,
        "may": (lambda role: actor is not None and role_at_least(actor.role, role)),
        "asset": asset_url,
        "here": request.url.path,
        **page.values,
    }
    html = environment().get_template(page.template).render(values)
    return HTMLResponse(html, status_code=page.status, headers=HEADERS)


def refusal_page(refusal: Refusal, title: str | None = None, back: str | None = None) -> Page:
    """An API refusal as a page: the problem in words, with the diagnostics at their lines, and
    a way `back` to the page whose form was sent (this service's own path, or none)."""
    from esirules.render.html.diagnostics import diagnostics_fragment

    diagnostics = Markup("")
    detail = refusal.detail
    if refusal.diagnostics:
        diagnostics = diagnostics_fragment(refusal.diagnostics, refusal.sources or {}, FORM_INPUTS)
        files = {d.span.file for d in refusal.diagnostics}
        if files <= FORM_INPUTS.keys():  # (problems in a form's fields alone: named as the form names them)
            detail = problems_found(refusal.diagnostics, sorted({FORM_INPUTS[f] for f in files}))
    elif refusal.errors and {e.pointer for e in refusal.errors} <= FORM_INPUTS.keys():
        # (`?column: the run has no column …` above the same words listed: the list says it, in the page's words)
        places = sorted({FORM_INPUTS[e.pointer] for e in refusal.errors})
        detail = f"{plural(len(refusal.errors), 'problem')} found in {', '.join(places)}"
    return Page("problem.html.j2", title or _TITLES.get(refusal.status, "The request could not be carried out"),
                {"detail": detail, "errors": refusal.errors or (), "diagnostics": diagnostics, "back": back},
                refusal.status)


# The inputs of the pages' forms, by the name the library's problems give them (the command
# line's options, the API's query parameters): what each form calls them.
FORM_INPUTS = {
    "--case": "A case", "?case": "A case",
    "--where": "the condition", "?where": "the condition",
    "--sample": "Sample", "?sample": "Sample",
    "TARGET": "the page's address", "{target}": "the page's address", "?column": "the page's address",
}


def _form_page(request: Request) -> str | None:
    """The path of the page that sent a form (its Referer), if it is a page of this service."""
    if request.method != "POST" and not request.url.query:  # (a form sent by GET has a query)
        return None
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or referer.scheme not in ("http", "https"):
        return None
    if not referer.path.startswith("/") or referer.path.startswith("//"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


_TITLES = {403: "Not for your role", 404: "Not found", 413: "Too large", 422: "Problems found",
           503: "The service cannot answer now"}


def forbidden_page(actor: Actor, needed: str) -> Page:
    return Page("forbidden.html.j2", "Not for your role", {"needed": needed, "role_words": ROLE_WORDS}, 403)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=HEADERS)


# ---------------------------------------------------------------------------------------------
# Routes


def limited(request: Request, limit: int) -> Request:
    """The request with a body that may be at most `limit` bytes (TooLarge past it)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise TooLarge
        return message

    return Request(request.scope, receive)


async def read_form(request: Request, limit: int) -> tuple[FormData, dict[str, list[tuple[str, bytes]]]]:
    form = await limited(request, limit).form(max_files=64, max_fields=200, max_part_size=limit)
    uploads: dict[str, list[tuple[str, bytes]]] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            if value.filename:
                uploads.setdefault(name, []).append((value.filename, data))
    return form, uploads


def in_form_words(errors: Sequence[Any], uploads: Sequence[tuple[str, bytes]] = (), *, helps: bool = False) -> str:
    """Problems in a request a form made, each named by what the form calls it (the API's pointers
    mean nothing there): `/files/2/name` is the file `original-cases.csv` the form sent third,
    `/columns/0/label` the label; `helps`: with the help of each that has one (the library's
    problems have help for a person; a field's help in the API's schema describes the field)."""
    said = []
    for error in errors:
        parts = error.pointer.split("/")
        named = len(parts) >= 3 and parts[1] == "files" and parts[2].isdigit() and int(parts[2]) < len(uploads)
        field = _FORM_FIELDS.get(parts[-1])
        if named and f"`{uploads[int(parts[2])][0]}`" not in error.message:
            words = f"the file `{uploads[int(parts[2])][0]}`: {error.message}"
        elif field is not None and not named:
            words = f"{field} {error.message}"
        else:
            words = error.message
        said.append(words + (f" ({error.help})" if helps and getattr(error, "help", None) else ""))
    return "; ".join(said)


# The parts of a request the pages' forms make, in the forms' words.
_FORM_FIELDS = {"criterion": "the criterion", "grade": "the grade", "reason": "the reason", "label": "the label",
                "sample": "the sample", "ruleset": "the ruleset", "evidence": "the evidence", "title": "the title"}


def uploaded_file(name: str, data: bytes) -> dict[str, str]:
    """An uploaded file as the API's body carries it: its text, or its bytes in base64 when not UTF-8."""
    try:
        return {"name": name, "content": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"name": name, "content": base64.b64encode(data).decode(), "encoding": "base64"}


def texts_of(files: Mapping[str, bytes]) -> dict[str, str]:
    """Uploaded files as text, to show the lines their problems point at."""
    return {name: data.decode("utf-8", "replace") for name, data in files.items()}


def page_route(context: Context, path: str, handler: Handler, *, role: str = "viewer",
               methods: Sequence[str] = ("GET",), refused: str | None = None) -> Route:
    """A signed-in page: `role` or above may see it; others get the 403 page. `refused`: the
    title of the page that says the input has problems (what was not done, "The ruleset was not
    published"), where every such page was titled "Problems found"."""

    async def endpoint(request: Request) -> Response:
        request.state.route = path
        try:
            actor = await run_in_threadpool(session.actor_of, context, request)
        except DatabaseUnavailable as error:
            observe.database_unavailable(error)
            return render(refusal_page(Refusal("unavailable", "the database cannot answer now; try again shortly")),
                          None, request)
        if actor is None:
            if request.method == "GET":
                here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                # (a session whose token is no longer valid is told so on the sign-in page)
                ended = "&ended=yes" if session.session_token(request) is not None else ""
                return redirect(f"/sign-in?next={quote(here, safe='/')}{ended}")
            # (a form sent after the session ended: signing in leads back to the page that sent it)
            back = _form_page(request)
            target = f"/sign-in?next={quote(back, safe='/')}" if back else "/sign-in"
            return render(Page("signed_out.html.j2", "Please sign in again", {"sign_in": target}, status=401),
                          None, request)
        token = session.session_token(request) or ""
        call = PageCall(request, actor, dict(request.path_params), _query(request), None, {}, session.csrf_token(token))
        if not role_at_least(actor.role, role):
            return render(forbidden_page(actor, role), call, request)
        if request.method == "POST":
            try:
                form, uploads = await read_form(request, context.settings.max_body_bytes)
            except TooLarge:
                limit = context.settings.max_body_bytes
                return render(refusal_page(Refusal("too-large", f"the files may be at most {limit} bytes in all")),
                              call, request)
            except HTTPException as error:  # a body that is not a form
                return render(refusal_page(Refusal("invalid-request", str(error.detail).lower())), call, request)
            csrf = form.get("csrf")
            if not session.form_is_genuine(request, csrf if isinstance(csrf, str) else None):
                return render(Page("expired.html.j2", "The form could not be accepted", status=403), call, request)
            call = attrs.evolve(call, form=form, uploads=uploads)
        try:
            reply = await run_in_threadpool(_answer, handler, context, call)
        except Refusal as refusal:
            title = refused if refusal.status in (400, 422) else None
            return render(refusal_page(refusal, title, back=_form_page(request)), call, request)
        except DatabaseUnavailable as error:
            observe.database_unavailable(error)
            busy = Refusal("unavailable", "the database cannot answer now; try again shortly")
            return render(refusal_page(busy), call, request)
        return reply if isinstance(reply, Response) else render(reply, call, request)

    return Route(path, endpoint, methods=list(methods), include_in_schema=False)


def _answer(handler: Handler, context: Context, call: PageCall) -> Page | Response:
    reply = handler(context, call)
    if isinstance(reply, Page):
        # Rendered here, in the worker thread, not in the event loop.
        return render(reply, call, call.request)
    return reply


def _query(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        out.setdefault(key, []).append(value)
    return out
