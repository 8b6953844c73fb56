"""Fixtures for the service tests: a store on SQLite and on PostgreSQL, tokens of every role, the app.

PostgreSQL tests use a fresh database made on the server named by ESIRULES_TEST_POSTGRES (e.g.
`.ci/postgres start` prints one); without it they are skipped, unless ESIRULES_REQUIRE_POSTGRES=1,
when they fail: CI sets both, so the PostgreSQL tests cannot silently not run there.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from service_helpers import Service

POSTGRES = os.environ.get("ESIRULES_TEST_POSTGRES", "")
REQUIRE_POSTGRES = os.environ.get("ESIRULES_REQUIRE_POSTGRES") == "1"


def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server (dropped afterwards)."""
    if not POSTGRES:
        if REQUIRE_POSTGRES:
            pytest.fail("ESIRULES_REQUIRE_POSTGRES=1 but ESIRULES_TEST_POSTGRES names no server (see .ci/postgres)")
        pytest.skip("PostgreSQL tests need ESIRULES_TEST_POSTGRES (start one with .ci/postgres start)")
    import psycopg
    import sqlalchemy as sa

    name = "esirules_test_" + secrets.token_hex(6)
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty store: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
    else:
        yield from postgres_database()


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return str(tmp_path / "store.db")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from postgres_database()


@pytest.fixture
def service(database_url: str) -> Iterator[Service]:
    """The app over a migrated store, with a token of each role."""
    service = Service.start(database_url)
    try:
        yield service
    finally:
        service.close()


@pytest.fixture
def sqlite_service(sqlite_url: str) -> Iterator[Service]:
    service = Service.start(sqlite_url)
    try:
        yield service
    finally:
        service.close()
