"""`esirules serve`: a database URL and an address in, the HTTP service running until stopped (exit 0).

The server and the database layer are imported only here, in run(): the rest of the command
line never loads them. docs/deploy.md describes running it for real.
"""

from __future__ import annotations

import argparse
import os


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        default=os.environ.get("ESIRULES_DB"),
        help="the store: a SQLite file (default: esirules.db in the working folder) or postgresql://USER@HOST/NAME; "
        "or set ESIRULES_DB",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_database_argument(parser)
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="the port to listen on (default 8080)")
    parser.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default 1)")
    parser.add_argument(
        "--max-body-bytes", type=int, default=64 << 20, metavar="N", help="the largest request body (default 64 MiB)"
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        metavar="IPS",
        help="proxies trusted to set X-Forwarded-For/-Proto (comma-separated; default 127.0.0.1)",
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        default="info",
        help="how much the server logs on standard error (default info)",
    )


def open_database(url: str | None, *, create: bool = False):  # type: ignore[no-untyped-def]
    """The database for `--db`, or None after saying why it cannot be used (on standard error).
    A SQLite file that is not there is made only by `db upgrade` (`create`): any other command
    would leave an empty file behind a mistyped name."""
    from esirules.cli import output
    from esirules.service.database import Database, UnsupportedDatabase, database_url, shown_url

    try:
        address = database_url(url or "")
    except UnsupportedDatabase as error:
        output.error(str(error))
        return None
    if address.startswith("sqlite:///") and not create and not os.path.exists(address[len("sqlite:///"):]):
        where = shown_url(address)
        output.error(f"there is no database at {where}; make one with `esirules db upgrade --db {where}`, "
                     "or name the one the service uses with --db (or ESIRULES_DB)")
        return None
    try:
        return Database(address)
    except UnsupportedDatabase as error:
        output.error(str(error))
        return None


def _cannot_listen(host: str, port: int) -> str | None:
    """Why the service could not listen at the address, if it could not (a port in use, a host
    that is not this machine's): said before the server starts, which would exit with code 3 and a
    line of its log alone."""
    import socket

    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        return f"the host is not known ({(error.strerror or str(error)).lower()})"
    family, kind, protocol, _, address = found[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return (error.strerror or str(error)).lower()
    return None


def run(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    import uvicorn

    from esirules.cli import output
    from esirules.service import migrate, observe
    from esirules.service.database import DatabaseUnavailable, shown_url

    bounds = (("--workers", args.workers, None), ("--port", args.port, 65535), ("--max-body-bytes", args.max_body_bytes, None))
    wrong = [f"{option} must be {'1 or more' if most is None else f'1 to {most}'}, not {value}"
             for option, value, most in bounds if value < 1 or (most is not None and value > most)]
    if wrong:
        output.error("; ".join(wrong))
        return 2
    from esirules.service.operation import SettingError, Settings

    try:
        Settings.from_environment()  # (each worker reads them again: a mistake is said once, here)
    except SettingError as error:
        output.error(str(error))
        return 2
    database = open_database(args.db)
    if database is None:
        return 2
    try:
        migrate.check_current(database)
    except migrate.SchemaNotCurrent as error:
        output.error(str(error))
        return 1
    except DatabaseUnavailable as error:
        output.error(f"cannot reach the database {shown_url(database.url)}: {error}")
        return 1
    finally:
        database.dispose()
    taken = _cannot_listen(args.host, args.port)
    if taken is not None:
        output.error(f"cannot listen on {args.host} port {args.port}: {taken}; choose another with --port (or --host)")
        return 2
    os.environ["ESIRULES_DB"] = database.url
    os.environ["ESIRULES_MAX_BODY_BYTES"] = str(args.max_body_bytes)
    os.environ["ESIRULES_LOG_LEVEL"] = args.log_level
    metrics_folder = None
    if args.workers > 1:
        metrics_folder = tempfile.mkdtemp(prefix="esirules-metrics-")
        os.environ[observe.MULTIPROCESS] = metrics_folder
    try:
        uvicorn.run(
            "esirules.service.app:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_config=observe.log_config(args.log_level),
            access_log=False,
            forwarded_allow_ips=args.forwarded_allow_ips,
            server_header=False,
            timeout_graceful_shutdown=10,
        )
    finally:
        if metrics_folder is not None:
            shutil.rmtree(metrics_folder, ignore_errors=True)
    return 0
