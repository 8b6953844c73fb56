"""Schemathesis over the whole OpenAPI document, in process, on SQLite and PostgreSQL: no 5xx, every response as documented.

For every operation of /openapi.json, schemathesis generates requests (valid ones, and invalid
ones for its negative checks) and validates every response against the document: status and
media type documented, body conforming to its schema, no server error, unknown input refused.
Half of the generated hashes, run ids and targets are replaced by ones that exist (the
Hertfordshire inspection, published and scored), so operations are exercised past "not found".
Examples are derandomized: the same requests on every run, so CI cannot flake.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from service_helpers import Service
from service_support import postgres_database

from esirules.service.routes import operations

OPERATIONS = [f"{o.method} {o.path}" for o in operations()]
EXAMPLES = 6


def config(token: str) -> Any:
    """Schemathesis' configuration: the admin token for the `token` security scheme, so negative
    cases may leave it out on purpose; and a request that matches the document may still be refused
    for what it says: 422 when the library finds problems in a ruleset or evidence (or a main file
    is not among the files, and so on). 400 is not in that list: it means "does not match the
    document", which valid data never is. 304 answers a conditional GET whose `If-None-Match`
    names the current copy (or is `*`): a valid request, answered."""
    return schemathesis.Config.from_dict({
        "auth": {"openapi": {"token": {"bearer": token}}},
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "304", "401", "403", "404", "422"]}},
    })


@pytest.fixture
def known(service: Service) -> dict[str, Any]:
    hashes = service.hertfordshire()
    run = service.run(hashes["esi-2004-followup.esi"], hashes["followup.yaml"],
                      {"sample": "february", "label": "Feb"}, {"sample": "september", "label": "Sept"})
    return {**hashes, "run": run["run"]["id"]}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, dict[str, Any]]]:
    """One store per database for the whole module (the operations' tests add to it), with the
    Hertfordshire inspection published, stored and scored."""
    if request.param == "sqlite":
        urls: Iterator[str] = iter([str(tmp_path_factory.mktemp("schemathesis") / "store.db")])
    else:
        urls = postgres_database()
    url = next(urls)
    service = Service.start(url)
    try:
        hashes = service.hertfordshire()
        run = service.run(hashes["esi-2004-followup.esi"], hashes["followup.yaml"],
                          {"sample": "february", "label": "Feb"}, {"sample": "september", "label": "Sept"})
        yield service, {**hashes, "run": run["run"]["id"]}
    finally:
        service.close()
        for _ in urls:  # drop the PostgreSQL database
            pass


def _real(case: Any, known: dict[str, Any]) -> None:
    """Point about half of the cases at resources that exist (chosen from the generated case, so reproducibly)."""
    path = case.path_parameters if isinstance(case.path_parameters, dict) else {}
    chooser = random.Random(repr(sorted(path.items())) + repr(case.query) + case.operation.path)
    if chooser.random() < 0.5:
        return
    route = case.operation.path
    if "id" in path and route.startswith("/v1/runs"):
        path["id"] = known["run"]
    if "hash" in path:
        path["hash"] = known["esi-2004-followup.esi"] if "rulesets" in route else known["followup.yaml"]
    if "name" in path:
        path["name"] = "esi-2003.esi" if "rulesets" in route else "followup.yaml"
    if "target" in path:
        path["target"] = chooser.choice(["A1", "B1", "overall", "B", "B1.start"])
    if isinstance(case.query, dict):
        if "column" in case.query:
            case.query["column"] = chooser.choice(["Feb", "Sept"])
        if "run" in case.query:
            case.query["run"] = [known["run"]]
    if isinstance(case.body, dict):
        if "ruleset" in case.body:
            case.body["ruleset"] = known["esi-2004-followup.esi"]
        if "evidence" in case.body:
            case.body["evidence"] = known["followup.yaml"]


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_response_is_documented_and_no_request_fails_the_server(
    label: str, store: tuple[Service, dict[str, Any]]
) -> None:
    service, known = store
    schema = schemathesis.openapi.from_asgi("/openapi.json", service.app, headers=service.headers("admin"),
                                            config=config(service.tokens["admin"]))
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in /openapi.json"
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        try:
            _checks(operation, mode, known)()
        except Unsatisfiable:
            # Nothing can be invalid in a request that has no parameters and no body.
            assert mode is GenerationMode.NEGATIVE and not any(operation.iter_parameters()) and not operation.body


def _checks(operation: Any, mode: GenerationMode, known: dict[str, Any]) -> Any:
    """The hypothesis test of one operation in one mode: call it, validate the response."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              derandomize=True)
    def check(case: Any) -> None:
        if mode is GenerationMode.POSITIVE:
            _real(case, known)
        case.call_and_validate()

    return check
