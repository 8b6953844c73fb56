"""The API's operations, all in one list: the dispatcher serves it and the OpenAPI document describes it."""

from __future__ import annotations

from esirules.service import routes_admin, routes_authoring, routes_runs, routes_store
from esirules.service.operation import Operation


def operations() -> list[Operation]:
    return [*routes_admin.operations(), *routes_store.operations(), *routes_authoring.operations(),
            *routes_runs.operations()]
