"""`esirules db upgrade|current`: a database URL in, its schema migrated (or its revision reported) out."""

from __future__ import annotations

import argparse

from esirules.cli.serve import add_database_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="create or migrate the store's tables to this version's schema")
    add_database_argument(upgrade)
    current = actions.add_parser("current", help="print the store's schema revision; exit 1 if it is not current")
    add_database_argument(current)


def run(args: argparse.Namespace) -> int:
    from esirules.cli import output
    from esirules.cli.serve import open_database
    from esirules.service import migrate
    from esirules.service.database import DatabaseUnavailable, shown_url

    database = open_database(args.db, create=args.action == "upgrade")
    if database is None:
        return 2
    where = shown_url(database.url)
    try:
        if args.action == "upgrade":
            before, after = migrate.upgrade(database)
            if before == after:
                output.write(f"{where}: schema already at revision {after}\n")
            else:
                output.write(f"{where}: schema upgraded from revision {before or 'none'} to {after}\n")
            return 0
        found = migrate.current(database)
        newer = ", newer than it knows: upgrade esirules" if migrate.is_newer(found) else ""
        output.write(f"{where}: schema revision {found or 'none'} (this esirules needs {migrate.head()}{newer})\n")
        return 0 if found == migrate.head() else 1
    except DatabaseUnavailable as error:
        output.error(f"cannot reach the database {where}: {error}")
        return 1
    except migrate.SchemaNotCurrent as error:
        output.error(str(error))
        return 1
    finally:
        database.dispose()
