"""The service's own operations: health, start-up on an old schema, problems, request ids, metrics, audit, migrations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from service_helpers import Service

from esirules.service import migrate, tables
from esirules.service.app import create_app
from esirules.service.database import Database
from esirules.service.operation import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_the_migrations_make_exactly_the_tables_the_queries_use(database_url: str) -> None:
    database = Database(database_url)
    try:
        assert migrate.upgrade(database) == (None, migrate.head())
        assert migrate.upgrade(database) == (migrate.head(), migrate.head())
        with database.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), tables.metadata)
        assert differences == []
    finally:
        database.dispose()


def test_the_audit_and_the_records_cannot_be_changed(service: Service) -> None:
    service.publish_bundled()
    for statement in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit",
                      "UPDATE rulesets SET name = 'other'", "UPDATE blobs SET size = 0"):
        with pytest.raises(sa.exc.DBAPIError, match="written once and never changed"):
            service.database.write(lambda connection, s=statement: connection.execute(sa.text(s)))
    entries = service.get("/v1/audit", role="admin").json()["entries"]
    assert [e["action"] for e in entries][-2:] == ["ruleset.publish", "ruleset.publish"]
    assert entries[-1]["actor_name"] == "author holder" and entries[-1]["role"] == "author"
    assert set(entries[-1]["details"]["files"]) == {"esi-2003.esi", "esi-2004-followup.esi"}
    page = service.get(f"/v1/audit?after={entries[0]['id']}&limit=1", role="admin").json()
    assert [e["id"] for e in page["entries"]] == [entries[1]["id"]] and page["next_after"] == entries[1]["id"]


def test_the_server_refuses_to_start_on_an_old_schema(sqlite_url: str) -> None:
    empty = Database(sqlite_url)
    with pytest.raises(migrate.SchemaNotCurrent, match="esirules db upgrade"):
        create_app(Settings(database=sqlite_url), database=empty)
    run = subprocess.run([sys.executable, "-m", "esirules.cli.main", "serve", "--db", sqlite_url, "--port", "9"],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 1
    assert run.stderr == (f"esirules: error: the database {sqlite_url} has no esirules tables yet; "
                          f"create them with `esirules db upgrade --db {sqlite_url}`\n")
    app = create_app(Settings(database=sqlite_url, check_schema=False), database=empty)
    from starlette.testclient import TestClient

    with TestClient(app) as client:
        ready = client.get("/health/ready")
        assert ready.status_code == 503 and ready.json()["schema_revision"] is None
        assert "esirules db upgrade" in ready.json()["detail"]
        assert client.get("/health/live").json() == {"status": "ok"}
    empty.dispose()


def test_an_unreachable_database_is_a_503_not_a_500(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Its cause goes to the operator's log; a client, who may not have signed in (readiness is
    open), is not shown the database's address or the driver's words."""
    url = str(tmp_path / "no-such-folder" / "store.db")
    database = Database(url)
    app = create_app(Settings(database=url, check_schema=False), database=database)
    from starlette.testclient import TestClient

    with TestClient(app) as client, caplog.at_level("WARNING", logger="esirules.service"):
        response = client.get("/v1/status", headers={"Authorization": "Bearer esirules_t0123456789abcdef_x"})
        assert response.status_code == 503 and response.headers["retry-after"] == "5"
        assert response.json()["type"] == "urn:esirules:problem:unavailable"
        answer = client.get("/health/ready")
        ready = answer.json()
        assert ready["database"] == "unreachable" and answer.headers["retry-after"] == "5"
        for said in (response.text, json.dumps(ready)):
            assert "no-such-folder" not in said and "unable to open" not in said
    warned = [r.getMessage() for r in caplog.records if r.name == "esirules.service"]
    assert len(warned) == 2 and all(m.startswith("the database cannot answer: unable to open") for m in warned)


def test_requests_and_problems_carry_a_request_id(service: Service) -> None:
    given = service.client.get("/v1/status", headers={**service.headers("viewer"), "X-Request-ID": "proxy-42.a"})
    assert given.headers["x-request-id"] == "proxy-42.a"
    refused = service.client.get("/v1/status", headers={"X-Request-ID": "bad id with spaces"})
    assert refused.status_code == 401
    assert refused.headers["x-request-id"] != "bad id with spaces"
    assert refused.json()["request_id"] == refused.headers["x-request-id"]
    nowhere = service.get("/v1/nowhere")
    assert nowhere.status_code == 404 and nowhere.headers["content-type"] == "application/problem+json"
    wrong = service.client.put("/v1/runs", headers=service.headers("admin"))
    assert wrong.status_code == 405 and "GET" in wrong.headers["allow"] and "POST" in wrong.headers["allow"]
    slashed = service.client.get("/v1/runs/", headers=service.headers("viewer"), follow_redirects=False)
    assert slashed.status_code == 404 and slashed.headers["content-type"] == "application/problem+json"
    assert slashed.json()["detail"] == "there is nothing at `/v1/runs/`; without the trailing `/`: `/v1/runs`"
    # (the path without its `/` is suggested only where something is there)
    nothing = service.client.get(f"/v1/runs/{'0' * 64}/explanations/", headers=service.headers("viewer"))
    assert nothing.status_code == 404 and "without the trailing" not in nothing.json()["detail"]
    assert nothing.json()["detail"].endswith("the API is described at /openapi.json")


def test_bad_bodies_are_refused_with_the_right_status(service: Service) -> None:
    small = Service.start(service.url.replace("store.db", "small.db") if service.url.endswith(".db") else service.url,
                          Settings(database=service.url, max_body_bytes=1000))
    try:
        big = {"main": "x.esi", "files": [{"name": "x.esi", "content": "#" * 2000}]}
        assert small.post("/v1/rulesets/check", big).status_code == 413
        sneaky = small.client.post("/v1/rulesets/check", content=b"{" + b" " * 5000 + b"}",
                                   headers={**small.headers("admin"), "content-type": "application/json",
                                            "content-length": "10"})
        assert sneaky.status_code in (400, 413)
    finally:
        small.close()
    text = service.client.post("/v1/runs", content=b"{}", headers={**service.headers("admin"), "content-type": "text/plain"})
    assert text.status_code == 415
    import gzip

    packed = service.client.post("/v1/rulesets/check", content=gzip.compress(b'{"main": "x.esi", "files": []}'),
                                 headers={**service.headers("admin"), "content-type": "application/json",
                                          "content-encoding": "gzip"})
    assert packed.status_code == 415  # (it was 400, "the body is not UTF-8 text")
    assert packed.json()["detail"] == "`Content-Encoding: gzip` is not accepted; send the JSON uncompressed"
    assert packed.headers["accept-encoding"] == "identity"
    unknown = service.post("/v1/runs", {"ruleset": "0" * 64, "evidence": "0" * 64, "colums": [], "columns": [{"sampel": 1}]})
    assert unknown.status_code == 400
    errors = {e["pointer"]: e for e in unknown.json()["errors"]}
    assert set(errors) == {"/colums", "/columns/0/sampel"}
    assert errors["/colums"]["help"] == "did you mean `columns`?"
    typed = service.post("/v1/runs", {"ruleset": "x", "evidence": 7})
    assert typed.status_code == 400
    assert [e["pointer"] for e in typed.json()["errors"]] == ["/ruleset", "/evidence"]
    query = service.get("/v1/runs?limit=0&colour=red")
    assert query.status_code == 400 and {e["pointer"] for e in query.json()["errors"]} == {"?limit", "?colour"}
    blank = service.post("/v1/runs", {"ruleset": "0" * 64, "evidence": "0" * 64, "title": "  ",
                                      "columns": [{"label": "\u200b", "sample": "february"}]})
    assert blank.status_code == 400 and {e["pointer"] for e in blank.json()["errors"]} == {"/title", "/columns/0/label"}
    # What Python's reader takes but JSON does not (and a number too long for it to read): refused, not a 500
    for body, said in [(b'{"ruleset": ' + b"9" * 5000 + b"}", "a number too long to read"),
                       (b'{"ruleset": NaN}', "`NaN` is not a JSON number"),
                       (b'{"ruleset": "a", "ruleset": "b"}', "the key `ruleset` is given twice")]:
        refused = service.client.post("/v1/runs", content=body,
                                      headers={**service.headers("admin"), "content-type": "application/json"})
        assert refused.status_code == 400 and said in refused.json()["errors"][0]["message"], body[:40]


def test_an_unforeseen_failure_is_a_500_problem_without_a_traceback(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> object:
        raise RuntimeError("boom: a secret internal detail")

    monkeypatch.setattr(service.app.state.context.store, "counts", broken)
    response = service.get("/v1/status")
    assert response.status_code == 500 and response.headers["content-type"] == "application/problem+json"
    assert "boom" not in response.text and "Traceback" not in response.text
    assert response.json()["request_id"] == response.headers["x-request-id"]


def test_status_and_metrics_count_what_happened(service: Service) -> None:
    hashes = service.hertfordshire()
    run = service.run(hashes["esi-2004-followup.esi"], hashes["followup.yaml"], {"sample": "february"})["run"]["id"]
    for _ in range(2):
        assert service.get(f"/v1/runs/{run}/explanations/B1").status_code == 200
    status = service.get("/v1/status").json()
    assert status["counts"] == {"rulesets": 2, "evidence": 2, "runs": 1, "tokens": 4, "audit": status["counts"]["audit"]}
    assert status["database"] == ("postgresql" if service.url.startswith("postgresql") else "sqlite")
    assert status["schema_revision"] == migrate.head()
    metrics = service.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'esirules_http_requests_total{method="GET",route="/v1/runs/{id}/explanations/{target}",status="200"}' in text
    assert 'esirules_http_request_duration_seconds_bucket{le="0.05",method="POST",route="/v1/runs"}' in text
    assert 'esirules_runs_scored_total{kind="run.create"}' in text
    assert 'esirules_explanations_served_total{source="cache"}' in text


def test_the_openapi_document_is_3_1_and_describes_every_operation(service: Service) -> None:
    from esirules.service.routes import operations

    document = service.get("/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    described = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert described == {(o.method, o.path) for o in operations()}
    assert document["paths"]["/health/live"]["get"]["security"] == []
    assert "RunRequest" in document["components"]["schemas"]
    assert document["components"]["schemas"]["RunRequest"]["additionalProperties"] is False
    # What the service sends is what the document says: statuses, and the headers a client reads
    runs = document["paths"]["/v1/runs"]["post"]["responses"]
    assert {"Location", "X-Request-ID"} <= set(runs["201"]["headers"]) and "Location" in runs["200"]["headers"]
    assert "Retry-After" in runs["503"]["headers"] and "WWW-Authenticate" in runs["401"]["headers"]
    assert all("Allow" in item[method]["responses"]["405"]["headers"]
               for item in document["paths"].values() for method in item)
    assert "422" in document["paths"]["/v1/sheet"]["get"]["responses"]  # (a run given twice)
    created = service.post("/v1/runs", {"ruleset": "0" * 64, "evidence": "0" * 64}, role="inspector")
    assert created.status_code == 404 and "x-request-id" in created.headers
    # The conditional GET of a run's result, as api.md describes it and the service does it
    result = document["paths"]["/v1/runs/{id}/result"]["get"]
    assert any(p["name"] == "If-None-Match" and p["in"] == "header" for p in result["parameters"])
    assert "ETag" in result["responses"]["200"]["headers"] and "304" in result["responses"]

    def refs(node: object) -> set[str]:
        if isinstance(node, dict):
            found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
            return found.union(*(refs(v) for v in node.values()))
        return set().union(*(refs(v) for v in node)) if isinstance(node, list) else set()

    # Every reference resolves (a generator of clients refuses the whole document otherwise).
    assert {r.removeprefix("#/components/schemas/") for r in refs(document)} <= set(document["components"]["schemas"])
    assert "Explanation" in document["components"]["schemas"]


def test_the_token_commands(sqlite_url: str) -> None:
    def esirules(*args: str) -> subprocess.CompletedProcess[str]:
        """`esirules ARGS --db URL`, run in process: its exit code, standard output and error."""
        import contextlib
        import io

        from esirules.cli.main import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*args, "--db", sqlite_url])
        return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())

    # No database there yet: nothing but `db upgrade` makes one (a mistyped name left an empty file)
    for command in (("db", "current"), ("token", "list")):
        missing = esirules(*command)
        assert missing.returncode == 2 and missing.stderr.startswith(f"esirules: error: there is no database at {sqlite_url};")
    assert not Path(sqlite_url).exists()
    assert esirules("db", "upgrade").stdout == f"{sqlite_url}: schema upgraded from revision none to {migrate.head()}\n"
    assert esirules("db", "current").returncode == 0
    made = esirules("token", "create", "--role", "author", "--name", "Methodology")
    assert made.returncode == 0 and made.stdout.startswith("esirules_t")
    secret = made.stdout.strip()
    listed = esirules("token", "list").stdout
    token_id = secret.split("_")[1]
    assert f"{token_id}\tauthor\tMethodology\t" in listed and secret.split("_", 2)[2] not in listed
    assert esirules("token", "revoke", token_id).returncode == 0
    assert "revoked" in esirules("token", "list").stdout
    assert esirules("token", "revoke", "t0000000000000000").returncode == 1


def test_the_command_lines_roles_are_the_services() -> None:
    from esirules.cli.token import ROLES as COMMAND_LINE
    from esirules.service.messages import ROLES

    assert COMMAND_LINE == ROLES


def test_the_api_page_lists_every_operation_with_its_role() -> None:
    import re

    from esirules.service.routes import operations

    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    table = page[page.index("## Operations"): page.index("## Problems")]
    listed = {(m[1], m[2], m[3]) for m in re.finditer(r"^\| `(\w+) ([^`]+)` \| (\w+) \|", table, re.MULTILINE)}
    assert listed == {(o.method, o.path, o.role or "none") for o in operations()}


def test_writes_are_one_at_a_time_so_the_audit_is_committed_in_order(database_url: str) -> None:
    """A write that has begun holds back the next one until it commits: on PostgreSQL, ids are
    given out before commit, and without this a reader following the audit with `?after=` passed
    entries committed late (9 to 20 of 200, under 20 writers)."""
    import threading

    database = Database(database_url)
    first_inside, release, second_inside = threading.Event(), threading.Event(), threading.Event()

    def first(connection: sa.Connection) -> None:
        first_inside.set()
        assert release.wait(10)

    def second(connection: sa.Connection) -> None:
        second_inside.set()

    try:
        holder = threading.Thread(target=database.write, args=(first,))
        holder.start()
        assert first_inside.wait(10)
        follower = threading.Thread(target=database.write, args=(second,))
        follower.start()
        assert not second_inside.wait(0.5)  # held back while the first is uncommitted
        release.set()
        holder.join(10)
        follower.join(10)
        assert second_inside.is_set()
    finally:
        release.set()
        database.dispose()


def test_a_command_of_an_extra_not_installed_says_which_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from esirules.cli.main import main

    for module in [name for name in sys.modules if name == "alembic" or name.startswith(("alembic.", "esirules.service"))]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setitem(sys.modules, "alembic", None)  # as if `pip install esirules` alone
    assert main(["db", "current", "--db", str(tmp_path / "store.db")]) == 2
    assert capsys.readouterr().err == (
        "esirules: error: `esirules db` needs what the `service` extra installs (`alembic` is missing): "
        "pip install 'esirules[service]'\n")


def test_a_database_of_a_newer_esirules_is_said_to_be_so_by_every_command(sqlite_url: str) -> None:
    """As after rolling the software back: `db upgrade` must not try, and the advice everywhere is
    to upgrade esirules, not the database."""
    from starlette.testclient import TestClient

    database = Database(sqlite_url)
    migrate.upgrade(database)
    database.write(lambda connection: connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'")))
    newer = (f"esirules: error: the database {sqlite_url} is at schema revision 9999, newer than this esirules "
             f"knows ({migrate.head()}); upgrade esirules instead\n")
    for command in (["db", "upgrade"], ["serve", "--port", "9"]):
        run = subprocess.run([sys.executable, "-m", "esirules.cli.main", *command, "--db", sqlite_url],
                             capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert (run.returncode, run.stderr) == (1, newer), command
    current = subprocess.run([sys.executable, "-m", "esirules.cli.main", "db", "current", "--db", sqlite_url],
                             capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert current.returncode == 1 and "newer than it knows: upgrade esirules" in current.stdout
    with TestClient(create_app(Settings(database=sqlite_url, check_schema=False), database=database)) as client:
        assert "upgrade this esirules" in client.get("/health/ready").json()["detail"]
    database.dispose()


def test_settings_the_service_cannot_use_are_one_line_each(tmp_path: Path) -> None:
    environment = {**__import__("os").environ, "ESIRULES_CACHE_EVIDENCE": "1k"}
    run = subprocess.run([sys.executable, "-m", "esirules.cli.main", "serve", "--db", str(tmp_path / "s.db")],
                         capture_output=True, text=True, cwd=ROOT, timeout=60, env=environment)
    assert (run.returncode, run.stderr) == (
        2, "esirules: error: ESIRULES_CACHE_EVIDENCE must be a whole number of 0 or more (0 keeps nothing), not `1k`\n")
    assert not (tmp_path / "s.db").exists()
    for url in ("postgresql://esirules@127.0.0.1:notaport/esirules", "postgresql://u:pass@Zebra@db.example:54 32/x",
                "postgresql://u:pass@Zebra@127.0.0.1:5432/x"):  # (the rest of the password was shown as the host)
        run = subprocess.run([sys.executable, "-m", "esirules.cli.main", "db", "current", "--db", url],
                             capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert run.returncode == 2 and run.stderr.startswith(
            "esirules: error: the database URL cannot be read: its port (after the host's `:`) must be a number"), url
        assert "Traceback" not in run.stderr and "Zebra" not in run.stderr


def test_serve_on_a_port_in_use_says_so_before_it_starts(sqlite_url: str) -> None:
    import socket

    migrate.upgrade(Database(sqlite_url))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "esirules.cli.main", "serve", "--db", sqlite_url, "--port", str(port)],
                             capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (run.returncode, run.stderr) == (
        2, f"esirules: error: cannot listen on 127.0.0.1 port {port}: address already in use; choose another with "
           "--port (or --host)\n")


def test_serve_names_each_option_given_a_value_it_cannot_take(capsys: pytest.CaptureFixture[str]) -> None:
    from esirules.cli.main import main

    assert main(["serve", "--port", "0", "--workers", "0"]) == 2
    assert capsys.readouterr().err == (
        "esirules: error: --workers must be 1 or more, not 0; --port must be 1 to 65535, not 0\n")


def test_a_client_that_leaves_part_way_through_its_body_is_no_fault_of_the_service(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    """It was logged as an error with a traceback and counted as a 500, which pages whoever
    watches for faults each time a client gives up on a large upload."""
    import asyncio

    token = service.tokens["inspector"].encode()
    messages = [{"type": "http.request", "body": b'{"ruleset": "00', "more_body": True}, {"type": "http.disconnect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/v1/evidence", "raw_path": b"/v1/evidence", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"authorization", b"Bearer " + token),
                         (b"content-type", b"application/json"), (b"content-length", b"1000")],
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    with caplog.at_level("INFO"):
        asyncio.run(service.app(scope, receive, send))
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert [r.fields["status"] for r in caplog.records if r.name == "esirules.access"] == [499]  # type: ignore[attr-defined]
    assert 'esirules_http_requests_total{method="POST",route="/v1/evidence",status="499"}' in service.get("/metrics").text
