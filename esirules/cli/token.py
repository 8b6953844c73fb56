"""`esirules token create|list|revoke`: API tokens in the store; a new token's secret is printed once, only its hash kept."""

from __future__ import annotations

import argparse
import sys

from esirules.cli.serve import add_database_argument

ROLES = ("viewer", "inspector", "author", "admin")  # as esirules.service.messages.ROLES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="make a token and print its secret (shown this once)")
    create.add_argument("--role", required=True, choices=ROLES, help="viewer < inspector < author < admin")
    create.add_argument("--name", default=None, help="who holds it (default: the role)")
    add_database_argument(create)
    listing = actions.add_parser("list", help="list tokens (never their secrets)")
    add_database_argument(listing)
    revoke = actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", metavar="ID", help="the token's id (`esirules token list` shows it)")
    add_database_argument(revoke)


def run(args: argparse.Namespace) -> int:
    import getpass

    from esirules.cli import output
    from esirules.cli.serve import open_database
    from esirules.service import migrate
    from esirules.service.database import DatabaseUnavailable, shown_url
    from esirules.service.store import Actor, Store

    database = open_database(args.db)
    if database is None:
        return 2
    store = Store(database)
    actor = Actor("command-line", getpass.getuser(), "admin")
    try:
        migrate.check_current(database)
        if args.action == "create":
            name = args.name or args.role
            if not name.isprintable():
                output.error("--name must be printable text, without control characters")
                return 2
            secret, row = store.write(actor, "command-line", lambda writer: writer.create_token(args.role, name))
            output.write(
                f"token {row['id']} ({row['role']}, {row['name']}); keep it secret: it is not shown again\n", sys.stderr
            )
            output.write(secret + "\n")
        elif args.action == "list":
            for row in store.tokens():
                state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
                output.write(f"{row['id']}\t{row['role']}\t{row['name']}\t{row['created_at']}\t{state}\n")
        else:
            revoked = store.write(actor, "command-line", lambda writer: writer.revoke_token(args.id))
            if revoked is None:
                output.error(f"there is no token `{args.id}`")
                return 1
            output.write(f"token {args.id} revoked\n")
        return 0
    except migrate.SchemaNotCurrent as error:
        output.error(str(error))
        return 1
    except DatabaseUnavailable as error:
        output.error(f"cannot reach the database {shown_url(database.url)}: {error}")
        return 1
    finally:
        database.dispose()
