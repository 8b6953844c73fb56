"""An operation of the API, declared once: its path, role, body, query and answers; and what a handler gets and gives.

The dispatcher (`app.py`) enforces these declarations and `openapi.py` describes them, so the
document and the behaviour cannot drift apart.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from esirules.service.database import Database
from esirules.service.library import Library
from esirules.service.store import Actor, Store

JSON_MEDIA_TYPE = "application/json"
MB = 1 << 20


@attrs.frozen
class Settings:
    """How the service runs; `from_environment` reads the ESIRULES_* variables that `serve` sets."""

    database: str
    max_body_bytes: int = 64 * MB
    cache_rulesets: int = 16
    cache_evidence: int = 8
    cache_explanations: int = 256
    check_schema: bool = True

    @classmethod
    def from_environment(cls) -> Settings:
        """Raises SettingError for a variable that is not a whole number of 0 or more."""
        return cls(
            database=os.environ.get("ESIRULES_DB", ""),
            max_body_bytes=_whole("ESIRULES_MAX_BODY_BYTES", 64 * MB),
            cache_rulesets=_whole("ESIRULES_CACHE_RULESETS", 16),
            cache_evidence=_whole("ESIRULES_CACHE_EVIDENCE", 8),
            cache_explanations=_whole("ESIRULES_CACHE_EXPLANATIONS", 256),
        )


class SettingError(Exception):
    """An ESIRULES_* variable the service cannot use (the message says which, and why)."""


def _whole(name: str, default: int) -> int:
    given = os.environ.get(name, "").strip()
    if not given:
        return default
    if not given.isdigit():
        raise SettingError(f"{name} must be a whole number of 0 or more (0 keeps nothing), not `{given}`")
    return int(given)


@attrs.frozen
class Context:
    """What every handler may use: the store, the library and the settings."""

    settings: Settings
    database: Database
    store: Store
    library: Library
    operations: tuple[Operation, ...] = ()


@attrs.frozen
class Call:
    """One request, decoded: who asks, the body and query as their types, the path's parameters."""

    actor: Actor | None
    request_id: str
    body: Any
    query: Any
    path: Mapping[str, str]


@attrs.frozen
class Reply:
    """What a handler answers: an API object (encoded as JSON), or bytes with their media type."""

    status: int
    content: Any
    media_type: str = JSON_MEDIA_TYPE
    headers: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class Answer:
    """One documented response of an operation: its status, description and content."""

    status: int
    description: str
    type: Any = None  # an API type (JSON), or None with `media` for other content
    media: Mapping[str, Any] = attrs.field(factory=dict)  # media type -> a schema, or an API type (JSON)


@attrs.frozen
class Operation:
    """One operation of the API, declared once: what the dispatcher enforces and the OpenAPI document says."""

    method: str
    path: str
    name: str
    summary: str
    tag: str
    role: str | None  # None: open (health only)
    handler: Callable[[Context, Call], Reply]
    answers: tuple[Answer, ...]
    body: type | None = None
    query: type | None = None
    path_schemas: Mapping[str, dict[str, Any]] = attrs.field(factory=dict)
    problems: tuple[int, ...] = ()  # statuses beyond the ones every operation may give
    located: bool = False  # its 200 and 201 carry `Location`, the address of what it stored
    description: str = ""
    # Its 200 carries an `ETag`; a request whose `If-None-Match` names it gets 304 and no body.
    conditional: bool = False
