"""Errors as RFC 9457 problem details: what went wrong in, an `application/problem+json` document out.

Every refusal carries the request id (also in the `X-Request-ID` header), and problems the library
found carry its diagnostics exactly as the command line prints them in JSON (same codes, same
locations). The kinds of problem are listed, with their statuses, in docs/api.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from esirules.diagnostics import Diagnostic as Found
from esirules.service.messages import Diagnostic, Problem, ProblemError
from esirules.service.schema import FieldError

MEDIA_TYPE = "application/problem+json"

KINDS: dict[str, tuple[int, str]] = {
    "invalid-request": (400, "The request does not match the API"),
    "unauthorized": (401, "A valid token is needed"),
    "forbidden": (403, "The token's role may not do this"),
    "not-found": (404, "No such resource"),
    "method-not-allowed": (405, "The resource does not answer this method"),
    "too-large": (413, "The request body is too large"),
    "unsupported-media-type": (415, "The request body must be JSON, uncompressed"),
    "unprocessable": (422, "The request cannot be carried out as it stands"),
    "diagnostics": (422, "The input has problems"),
    "internal": (500, "The service failed"),
    "unavailable": (503, "The service cannot answer now"),
}


def kind_uri(kind: str) -> str:
    return f"urn:esirules:problem:{kind}"


class Refusal(Exception):
    """A request the service will not carry out; becomes a problem document."""

    def __init__(
        self,
        kind: str,
        detail: str,
        *,
        diagnostics: Sequence[Found] | None = None,
        errors: Iterable[FieldError] | None = None,
        sources: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        pointers: Sequence[str] | None = None,
    ):
        super().__init__(detail)
        self.kind = kind
        self.status = KINDS[kind][0]
        self.detail = detail
        self.diagnostics = None if diagnostics is None else tuple(diagnostics)
        self.errors = None if errors is None else tuple(errors)
        self.sources = None if sources is None else dict(sources)
        self.headers = dict(headers or {})
        self.pointers = None if pointers is None else tuple(pointers)  # one per diagnostic: where it belongs

    def problem(self, instance: str, request_id: str) -> Problem:
        return Problem(
            type=kind_uri(self.kind),
            title=KINDS[self.kind][1],
            status=self.status,
            detail=self.detail,
            instance=instance,
            request_id=request_id,
            diagnostics=None if self.diagnostics is None else tuple(
                Diagnostic(d.to_json() if self.pointers is None else {**d.to_json(), "pointer": p})
                for d, p in zip(self.diagnostics, self.pointers or [""] * len(self.diagnostics))),
            errors=None if self.errors is None else tuple(ProblemError(e.pointer, e.message, e.help) for e in self.errors),
            sources=self.sources,
        )


def invalid(errors: Iterable[FieldError]) -> Refusal:
    errors = tuple(errors)
    count = len(errors)
    detail = errors[0].message if count == 1 else f"{count} problems in the request"
    if count == 1 and errors[0].pointer:
        detail = f"{errors[0].pointer}: {detail}"
    return Refusal("invalid-request", detail, errors=errors)


def unprocessable(errors: Iterable[FieldError]) -> Refusal:
    """Problems in a request that matches the API's types but cannot be carried out (a main file
    not among the files, a name given twice, a file nothing reads, a column the run lacks)."""
    refusal = invalid(errors)
    return Refusal("unprocessable", refusal.detail, errors=refusal.errors)


def found_problems(
    diagnostics: Sequence[Found], sources: Mapping[str, str] | None = None, pointers: Sequence[str] | None = None
) -> Refusal:
    """The library's diagnostics, as the problem document of a 422; `pointers`: the part of the
    request each is found in (a batch's item), where files of different parts may share a name."""
    detail = problems_found(diagnostics, sorted({d.span.file for d in diagnostics}))
    if pointers:
        detail += f" ({', '.join(dict.fromkeys(pointers))})"
    return Refusal("diagnostics", detail, diagnostics=diagnostics, sources=sources, pointers=pointers)


def problems_found(diagnostics: Sequence[Found], places: Sequence[str]) -> str:
    """`2 problems found in a.yaml, b.csv`: the errors counted (or, with none, every problem),
    and where they are, as the caller names the places (files, or a form's fields)."""
    count = sum(1 for d in diagnostics if d.severity == "error") or len(diagnostics)
    where = f" in {', '.join(places)}" if places else ""
    return f"{count} problem{'s' if count != 1 else ''} found{where}"

def not_found(what: str, value: str, pointer: str) -> Refusal:
    return Refusal("not-found", f"there is no {what} `{value}`",
                   errors=[FieldError(pointer, f"there is no {what} `{value}`", _WHERE_FROM.get(what))])


# Where the address of a record comes from, for a 404 given another 64-digit hash in its place.
_WHERE_FROM = {
    "stored evidence": "evidence is addressed as the upload's answer gave it (`evidence.hash`), and a run's record "
                       "names it (`GET /v1/runs/{id}`); a result's `evidence.hash` is the hash of what was read, not "
                       "this address",
}


def problem_json(problem: Problem) -> dict[str, Any]:
    from esirules.service.schema import encode

    return encode(problem)  # type: ignore[no-any-return]
