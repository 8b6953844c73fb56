"""The pages' routes, all in one list: paths in, the handlers of `runs`, `rulesets`, `evidence` and `audit` out.

Signing in and out and the style sheets need no session; every other page does (`frame.page_route`).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from esirules.service.operation import Context
from esirules.service.pages import audit, evidence, rulesets, runs, session
from esirules.service.pages.frame import (
    HEADERS,
    Page,
    TooLarge,
    assets,
    limited,
    page_route,
    redirect,
    render,
)

SMALL_FORM = 16 * 1024  # the sign-in and sign-out forms: a token and a few fields


def sign_in_page(request: Request, *, problem: str = "", status: int = 200, going: str | None = None,
                 of_token: bool = False) -> Response:
    """The sign-in form; `problem` said above it, and with `of_token` tied to the token's field
    (marked invalid and described by it, so a screen reader says it there)."""
    nonce = session.sign_in_nonce(request)
    target = going if going is not None else request.query_params.get("next")
    page = Page("sign_in.html.j2", "Sign in", {"nonce": nonce, "problem": problem, "of_token": of_token,
                                              "next": session.safe_next(target)}, status)
    response = render(page, None, request)
    session.keep_nonce(response, request, nonce)
    return response


def routes(context: Context) -> list[BaseRoute]:
    from starlette.concurrency import run_in_threadpool

    async def sign_in(request: Request) -> Response:
        request.state.route = "/sign-in"
        if request.method == "GET":
            ended = request.query_params.get("ended") == "yes"
            return sign_in_page(request, problem="Your token is no longer valid (it was revoked or replaced): sign in "
                                "with the one you have been given now." if ended else "", of_token=ended)
        try:
            form = await limited(request, SMALL_FORM).form(max_files=0, max_fields=10, max_part_size=SMALL_FORM)
        except TooLarge:
            return sign_in_page(request, problem="The form was too large.", status=413)
        nonce, token, target = form.get("nonce"), form.get("token"), form.get("next")
        going = target if isinstance(target, str) else None
        if not session.sign_in_is_genuine(request, nonce if isinstance(nonce, str) else None):
            return sign_in_page(request, problem="The sign-in form had expired; please try again.", status=403,
                                going=going)
        token = token.strip() if isinstance(token, str) else ""
        if not token or await run_in_threadpool(context.store.token, token) is None:
            return sign_in_page(request, problem="That token is not valid: it is unknown, mistyped or revoked.",
                                status=401, going=going, of_token=True)
        response = redirect(session.safe_next(going))
        session.start(response, request, token)
        return response

    async def sign_out(request: Request) -> Response:
        request.state.route = "/sign-out"
        try:
            form = await limited(request, SMALL_FORM).form(max_files=0, max_fields=10, max_part_size=SMALL_FORM)
        except TooLarge:
            form = None
        csrf = None if form is None else form.get("csrf")
        if not session.form_is_genuine(request, csrf if isinstance(csrf, str) else None):
            return render(Page("expired.html.j2", "The form could not be accepted", status=403), None, request)
        response = redirect("/sign-in")
        session.end(response)
        return response

    async def static(request: Request) -> Response:
        request.state.route = "/static/{name}"
        found = assets().get(request.path_params["name"])
        if found is None:
            return render(Page("missing.html.j2", "Not found", status=404), None, request)
        data, media = found
        return Response(data, media_type=media, headers={"Cache-Control": "public, max-age=31536000, immutable"})

    async def home(request: Request) -> Response:
        request.state.route = "/"
        return redirect("/inspections")

    return [
        Route("/", home, methods=["GET"], include_in_schema=False),
        Route("/sign-in", sign_in, methods=["GET", "POST"], include_in_schema=False),
        Route("/sign-out", sign_out, methods=["POST"], include_in_schema=False),
        Route("/static/{name}", static, methods=["GET"], include_in_schema=False),
        *runs.routes(context),
        *rulesets.routes(context),
        *evidence.routes(context),
        *audit.routes(context),
    ]


def not_found(request: Request) -> Response:
    """The page for a path that is neither a page nor part of the API, for a browser."""
    response = render(Page("missing.html.j2", "Not found", status=404), None, request)
    response.headers.update(HEADERS)
    return response


def not_allowed(request: Request, allowed: str) -> Response:
    """The page for a page's path asked for the wrong way (`GET /sign-out`, typed or bookmarked), for a browser."""
    words = "with the button of its page" if "GET" not in allowed else "by following a link to it"
    response = render(Page("missing.html.j2", "Not this way", {"wrong_way": words}, status=405), None, request)
    response.headers.update({**HEADERS, "Allow": allowed})
    return response


__all__ = ["not_allowed", "not_found", "page_route", "routes"]
