"""Signing in from a browser: a token in, a cookie out; a cookie in, the token's holder and a CSRF token out.

The cookie holds the token itself (as the API's `Authorization` header would), HttpOnly (no
script can read it), SameSite=Strict (no other site's page can make the browser send it) and
Secure when the request came over HTTPS; it lasts until the browser closes or the holder signs
out, and a revoked token stops working at once because every request checks it in the store.
Every form carries a CSRF token derived from the session's token, checked on every POST (with
the `Origin` header, when the browser sends one); the sign-in form, before there is a session,
carries a random one matched against a cookie of its own.
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from esirules.service.operation import Context
from esirules.service.store import Actor

SESSION = "esirules_session"
SIGN_IN = "esirules_sign_in"


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION) or None


def actor_of(context: Context, request: Request) -> Actor | None:
    """The signed-in holder of a valid token, or None (no cookie, or a token not valid any more)."""
    token = session_token(request)
    if token is None:
        return None
    row = context.store.token(token)
    return None if row is None else Actor(row["id"], row["name"], row["role"])


def csrf_token(token: str) -> str:
    """The CSRF token of a session: only a page that can read the session's cookie can know it."""
    return hashlib.sha256(f"esirules-csrf:{token}".encode()).hexdigest()[:40]


def same_origin(request: Request) -> bool:
    """Whether a browser's `Origin` (if it sent one) is this service's own."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def form_is_genuine(request: Request, submitted: str | None) -> bool:
    """Whether a POST comes from one of this service's own pages in the signed-in browser."""
    token = session_token(request)
    if token is None or submitted is None or not same_origin(request):
        return False
    return secrets.compare_digest(csrf_token(token), submitted)


def sign_in_nonce(request: Request) -> str:
    """The sign-in form's CSRF token: the one its cookie already holds, or a new one."""
    return request.cookies.get(SIGN_IN) or secrets.token_urlsafe(24)


def sign_in_is_genuine(request: Request, submitted: str | None) -> bool:
    held = request.cookies.get(SIGN_IN)
    return bool(held and submitted and same_origin(request) and secrets.compare_digest(held, submitted))


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def keep_nonce(response: Response, request: Request, nonce: str) -> None:
    response.set_cookie(SIGN_IN, nonce, httponly=True, samesite="strict", secure=_secure(request), path="/sign-in")


def start(response: Response, request: Request, token: str) -> None:
    """Keep the token in the session cookie (and forget the sign-in form's)."""
    response.set_cookie(SESSION, token, httponly=True, samesite="strict", secure=_secure(request), path="/")
    response.delete_cookie(SIGN_IN, path="/sign-in")


def end(response: Response) -> None:
    response.delete_cookie(SESSION, path="/")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this service only (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/inspections"
    return target
