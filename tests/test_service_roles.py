"""Every operation with every role: no token, a wrong, malformed or revoked token, an under-privileged one
are refused; the role it needs and every role above it are served. Tokens never reach a log or the store."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from service_helpers import RULESETS, SETUP, Service, upload
from service_support import postgres_database

from esirules.service import tables
from esirules.service.messages import ROLES, role_at_least
from esirules.service.observe import JsonLines
from esirules.service.routes import operations

OPERATIONS = {f"{o.method} {o.path}": o for o in operations()}
Request = tuple[str, str, Any]  # method, path with query, JSON body


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, dict[str, str]]]:
    urls: Iterator[str] = (iter([str(tmp_path_factory.mktemp("roles") / "store.db")]) if request.param == "sqlite"
                           else postgres_database())
    service = Service.start(next(urls))
    try:
        known = service.hertfordshire()
        run = service.run(known["esi-2004-followup.esi"], known["followup.yaml"],
                          {"sample": "february", "label": "Feb"})
        yield service, {**known, "run": run["run"]["id"]}
    finally:
        service.close()
        for _ in urls:
            pass


def _requests(service: Service, known: dict[str, str]) -> dict[str, Callable[[], Request]]:
    """A request each operation carries out successfully, by operation."""
    r2003, r2004 = known["esi-2003.esi"], known["esi-2004-followup.esi"]
    followup, run = known["followup.yaml"], known["run"]
    bundle = {"main": "esi-2003.esi", "files": [upload("esi-2003.esi", RULESETS["esi-2003.esi"])]}
    evidence = {"ruleset": r2004, "main": "followup.yaml",
                "files": [upload("followup.yaml"), upload("followup-cases.csv")]}

    def throwaway_token() -> Request:
        _, row = service.store.write(SETUP, "test", lambda w: w.create_token("viewer", "throwaway"))
        return "DELETE", f"/v1/tokens/{row['id']}", None

    return {
        "GET /health/live": lambda: ("GET", "/health/live", None),
        "GET /health/ready": lambda: ("GET", "/health/ready", None),
        "GET /v1/status": lambda: ("GET", "/v1/status", None),
        "GET /metrics": lambda: ("GET", "/metrics", None),
        "GET /openapi.json": lambda: ("GET", "/openapi.json", None),
        "GET /v1/audit": lambda: ("GET", "/v1/audit?limit=5", None),
        "GET /v1/tokens": lambda: ("GET", "/v1/tokens", None),
        "POST /v1/tokens": lambda: ("POST", "/v1/tokens", {"role": "viewer", "name": "made in a test"}),
        "DELETE /v1/tokens/{id}": throwaway_token,
        "POST /v1/rulesets/check": lambda: ("POST", "/v1/rulesets/check", bundle),
        "POST /v1/rulesets": lambda: ("POST", "/v1/rulesets", bundle),
        "GET /v1/rulesets": lambda: ("GET", "/v1/rulesets", None),
        "GET /v1/rulesets/{hash}": lambda: ("GET", f"/v1/rulesets/{r2003}", None),
        "GET /v1/rulesets/{hash}/files/{name}": lambda: ("GET", f"/v1/rulesets/{r2003}/files/esi-2003.esi", None),
        "GET /v1/rulesets/{hash}/check": lambda: ("GET", f"/v1/rulesets/{r2003}/check", None),
        "GET /v1/rulesets/{hash}/handbook": lambda: ("GET", f"/v1/rulesets/{r2003}/handbook", None),
        "GET /v1/rulesets/{hash}/diff/{other}": lambda: ("GET", f"/v1/rulesets/{r2003}/diff/{r2004}", None),
        "POST /v1/evidence": lambda: ("POST", "/v1/evidence", evidence),
        "GET /v1/evidence": lambda: ("GET", "/v1/evidence", None),
        "GET /v1/evidence/{hash}": lambda: ("GET", f"/v1/evidence/{followup}", None),
        "GET /v1/evidence/{hash}/files/{name}": lambda: ("GET", f"/v1/evidence/{followup}/files/followup.yaml", None),
        "POST /v1/runs": lambda: ("POST", "/v1/runs", {"ruleset": r2004, "evidence": followup,
                                                       "columns": [{"sample": "september", "label": "Sept"}]}),
        "GET /v1/runs": lambda: ("GET", "/v1/runs", None),
        "GET /v1/runs/{id}": lambda: ("GET", f"/v1/runs/{run}", None),
        "GET /v1/runs/{id}/result": lambda: ("GET", f"/v1/runs/{run}/result", None),
        "GET /v1/runs/{id}/verification": lambda: ("GET", f"/v1/runs/{run}/verification", None),
        "GET /v1/runs/{id}/explanations/{target}": lambda: ("GET", f"/v1/runs/{run}/explanations/B1", None),
        "POST /v1/runs/{id}/adjustments": lambda: ("POST", f"/v1/runs/{run}/adjustments",
                                                   {"criterion": "A2", "grade": "Well met", "reason": "a test"}),
        "POST /v1/batches": lambda: ("POST", "/v1/batches", {"ruleset": r2004, "items": [
            {"main": "followup.yaml", "files": evidence["files"]}]}),
        "GET /v1/sheet": lambda: ("GET", f"/v1/sheet?run={run}&format=csv", None),
    }


def _send(service: Service, request: Request, headers: dict[str, str]) -> Any:
    method, path, body = request
    return service.client.request(method, path, json=body, headers=headers)


def test_every_operation_has_a_request_here(shared: tuple[Service, dict[str, str]]) -> None:
    assert set(_requests(*shared)) == set(OPERATIONS)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_each_role_is_served_or_refused_by_its_rank(label: str, shared: tuple[Service, dict[str, str]]) -> None:
    service, known = shared
    operation = OPERATIONS[label]
    make = _requests(service, known)[label]
    if operation.role is None:
        assert _send(service, make(), {}).status_code == 200
        return
    refusals = {
        "no token": {},
        "an empty bearer": {"Authorization": "Bearer "},
        "another scheme": {"Authorization": f"Basic {service.tokens['admin']}"},
        "a wrong token": {"Authorization": "Bearer esirules_t0123456789abcdef_not-the-secret"},
        "a mistyped token": {"Authorization": f"Bearer {service.tokens['admin'][:-1]}x"},
        "a revoked token": service.headers("revoked"),
    }
    for why, headers in refusals.items():
        response = _send(service, make(), headers)
        assert response.status_code == 401, (why, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["request_id"] == response.headers["x-request-id"]
    for role in ROLES:
        response = _send(service, make(), service.headers(role))
        if role_at_least(role, operation.role):
            assert 200 <= response.status_code < 300, (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert f"needs the role `{operation.role}`" in response.json()["detail"]


def test_tokens_are_never_logged_nor_stored_in_clear(shared: tuple[Service, dict[str, str]]) -> None:
    service, known = shared
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    logger = logging.getLogger("esirules")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        made = service.post("/v1/tokens", {"role": "inspector", "name": "logged?"}, role="admin").json()["token"]
        for label, make in _requests(service, known).items():
            if label != "DELETE /v1/tokens/{id}":
                for role in ("viewer", "admin", "revoked"):
                    _send(service, make(), service.headers(role))
        _send(service, ("GET", "/v1/status", None), {"Authorization": f"Bearer {made}"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
    logged = stream.getvalue()
    assert logged.count('"logger": "esirules.access"') > 50
    with service.database.read() as connection:
        stored = "\n".join(
            str(value) for table in tables.metadata.sorted_tables if table.name != "blobs"
            for row in connection.execute(sa.select(table)) for value in row
        )
    for secret in [*service.tokens.values(), made]:
        hidden = secret.split("_", 2)[2]
        assert hidden not in logged
        assert hidden not in stored
    assert made.split("_", 2)[1] in stored  # the token's public id is stored, with its hash
