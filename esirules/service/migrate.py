"""Schema migrations: a database in, its schema brought to (or checked against) the revision this esirules needs.

The migrations are alembic scripts shipped inside the package (`migrations/`); `esirules db
upgrade` runs them, and the server refuses to start on a database whose revision is not the head.
"""

from __future__ import annotations

import os

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from esirules.service.database import Database, shown_url

MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")


class SchemaNotCurrent(Exception):
    """The database's schema is not the one this esirules needs; the message says what to run."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def head() -> str:
    """The revision this esirules needs."""
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(database: Database) -> str | None:
    """The database's revision (None: no esirules tables yet)."""
    with database.read() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(database: Database) -> tuple[str | None, str]:
    """Run every migration not yet applied, in one transaction; (revision before, revision after)."""
    before = current(database)
    if before is not None and is_newer(before):
        raise SchemaNotCurrent(_newer(shown_url(database.url), before, head()))
    config = _config()

    def run(connection):  # type: ignore[no-untyped-def]
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    database.write(run)
    return before, head()


def is_newer(revision: str | None) -> bool:
    """Whether a database's revision is one this esirules does not know: a newer release's."""
    return revision is not None and revision not in {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def _newer(where: str, found: str, needed: str) -> str:
    return (f"the database {where} is at schema revision {found}, newer than this esirules knows ({needed}); "
            "upgrade esirules instead")


def check_current(database: Database) -> str:
    """The database's revision if it is the head; otherwise SchemaNotCurrent saying what to do."""
    found = current(database)
    needed = head()
    if found == needed:
        return found
    where = shown_url(database.url)
    if found is None:
        raise SchemaNotCurrent(
            f"the database {where} has no esirules tables yet; create them with `esirules db upgrade --db {where}`"
        )
    if found is not None and is_newer(found):
        raise SchemaNotCurrent(_newer(where, found, needed))
    raise SchemaNotCurrent(
        f"the database {where} is at schema revision {found} and this esirules needs {needed}; "
        f"back it up, then run `esirules db upgrade --db {where}`"
    )
