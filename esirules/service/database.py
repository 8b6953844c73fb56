"""The database: a URL in, an engine set up for SQLite or PostgreSQL out, with read and write transactions.

SQLite (the default: a file in the working folder) runs in WAL mode, so readers never wait for
the writer; every connection waits up to `busy_timeout` for a lock instead of failing, and every
write transaction starts with `BEGIN IMMEDIATE`, taking the write lock up front so two writers
cannot deadlock half-way. `synchronous=FULL`: a write acknowledged is on disk. PostgreSQL is
reached through psycopg 3. Both are driven by the same SQLAlchemy Core statements; the only
difference the rest of the service sees is `insert_new`, which says "insert unless present" in
each dialect.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event

DEFAULT_FILE = "esirules.db"
BUSY_TIMEOUT_MS = 30_000
T = TypeVar("T")


class DatabaseUnavailable(Exception):
    """The database cannot be reached, or stayed busy too long; the request may be tried again."""


class UnsupportedDatabase(ValueError):
    """A database URL of a kind the service does not use."""


def database_url(given: str | None) -> str:
    """The SQLAlchemy URL for `--db`: nothing (a SQLite file in the working folder), a file path,
    `sqlite:///path`, or `postgresql://...` (driven by psycopg 3)."""
    if not given:
        return "sqlite:///" + os.path.abspath(DEFAULT_FILE)
    if given.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        url = "postgresql+psycopg://" + given.split("://", 1)[1]
        try:
            parsed = sa.make_url(url)
        except ValueError:
            parsed = None
        # (a password holding `@` unencoded puts the rest of it in the host, which a message would show)
        if parsed is None or "@" in (parsed.host or ""):
            raise UnsupportedDatabase(
                "the database URL cannot be read: its port (after the host's `:`) must be a number; a password "
                "holding `@`, `:`, `/` or `#` must be written percent-encoded (`@` as `%40`)")
        return url
    if given.startswith("sqlite:///"):
        path = given[len("sqlite:///"):]
        if not path or path == ":memory:" or path.startswith("file:"):
            raise UnsupportedDatabase("the store must be a SQLite file that several connections share, not `:memory:`")
        return "sqlite:///" + os.path.abspath(path)
    if "://" in given:
        raise UnsupportedDatabase(
            f"`{given.split('://', 1)[0]}` databases are not supported; use a SQLite file or postgresql://"
        )
    return "sqlite:///" + os.path.abspath(given)


def shown_url(url: str) -> str:
    """The database as `--db` takes it, without its password, for messages and logs."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ""
    return parsed.set(drivername="postgresql").render_as_string(hide_password=True)


WRITE_LOCK = 0x6573_6972_756C_6573  # PostgreSQL's advisory lock that writes take ("esirules")


class Database:
    """One engine (a pool of connections) for the process."""

    def __init__(self, url: str, *, pool_size: int = 8):
        self.url = database_url(url)
        parsed = sa.make_url(self.url)
        self.kind = "postgresql" if parsed.get_backend_name() == "postgresql" else "sqlite"
        if self.kind == "sqlite":
            self.engine = sa.create_engine(
                self.url,
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
                pool_size=pool_size,
                max_overflow=2 * pool_size,
                pool_timeout=60,
            )
            _sqlite_setup(self.engine)
        else:
            self.engine = sa.create_engine(
                self.url, pool_size=pool_size, max_overflow=2 * pool_size, pool_timeout=60, pool_pre_ping=True
            )

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A read transaction (a consistent snapshot on both databases)."""
        try:
            with self.engine.connect() as connection, connection.begin():
                yield connection
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            raise DatabaseUnavailable(_reason(error)) from None

    def write(self, work: Callable[[sa.Connection], T], *, patience: float = 60.0) -> T:
        """Run `work` in one write transaction: all of it is committed, or none of it.

        A lock that does not come within SQLite's busy timeout, a PostgreSQL deadlock or
        serialization failure, is retried with a fresh transaction until `patience` seconds have
        passed; then DatabaseUnavailable. "Database is locked" never reaches a client.
        """
        deadline = time.monotonic() + patience
        attempt = 0
        while True:
            try:
                with self.engine.connect() as connection:
                    connection.execution_options(esirules_write=True)
                    with connection.begin():
                        if self.kind == "postgresql":
                            # One write at a time, as SQLite's BEGIN IMMEDIATE makes it there: the
                            # audit's ids are then committed in their order, and a reader following
                            # it with `?after=` cannot pass an entry still to be committed.
                            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
                        return work(connection)
            except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
                if not _transient(error) or time.monotonic() > deadline:
                    raise DatabaseUnavailable(_reason(error)) from None
            attempt += 1
            time.sleep(min(0.5, 0.01 * 2 ** min(attempt, 6)) * (0.5 + random.random()))

    def insert_new(self, connection: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> int:
        """Insert the rows whose key is not present yet; how many were inserted."""
        if self.kind == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        key = next(iter(table.primary_key.columns))
        inserted = 0
        for row in rows:
            # RETURNING says whether the row went in (rowcount is not reliable across drivers here).
            statement = insert(table).values(**row).on_conflict_do_nothing().returning(key)
            inserted += len(connection.execute(statement).all())
        return inserted

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_setup(engine: sa.Engine) -> None:
    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is off; the "begin" hook below says BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: sa.Connection) -> None:
        write = connection.get_execution_options().get("esirules_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _transient(error: sa.exc.DBAPIError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in ("40001", "40P01"):  # serialization failure, deadlock
        return True
    text = str(error.orig).lower()
    return "database is locked" in text or "database table is locked" in text or "busy" in text


def _reason(error: sa.exc.DBAPIError) -> str:
    first = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
    return first.lower().rstrip(".")
