"""Traffic for the load and crash tests: clients on loopback that upload evidence and make runs, and what they were told.

Each request makes something new (a distinct inspection title, so a distinct evidence hash and
run), so every acknowledged run must be in the store exactly once afterwards. The store is then
checked whole: every record complete, every file's bytes matching its hash, every run's result
matching its recorded hash and audited.
"""

from __future__ import annotations

import hashlib
import threading
import time

import attrs
import httpx
import sqlalchemy as sa
from service_helpers import HERTFORDSHIRE, SETUP, upload

from esirules.service import tables as t
from esirules.service.database import Database
from esirules.service.store import Store

FOLLOWUP = (HERTFORDSHIRE / "followup.yaml").read_text()
TITLE = 'inspection: "Hertfordshire Probation Area: ESI follow-up inspection, November 2004 (synthetic cases)"'


def prepare(url: str) -> dict[str, str]:
    """A migrated store with a token per role, made in the store directly as `esirules token create` does."""
    from esirules.service import migrate

    database = Database(url)
    migrate.upgrade(database)
    store = Store(database)
    tokens = {role: store.write(SETUP, "setup", lambda w, r=role: w.create_token(r, f"load {r}"))[0]
              for role in ("viewer", "inspector", "author")}
    database.dispose()
    return tokens


def publish(base: str, tokens: dict[str, str]) -> str:
    """Publish the follow-up ruleset (with its parent) over HTTP; its hash."""
    from service_helpers import RULESETS

    body = {"main": "esi-2004-followup.esi", "files": [upload(n, RULESETS[n]) for n in RULESETS]}
    response = httpx.post(f"{base}/v1/rulesets", json=body, headers=_auth(tokens["author"]), timeout=60)
    assert response.status_code in (200, 201), response.text
    return str(response.json()["ruleset"]["hash"])


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@attrs.define
class Traffic:
    """What the clients sent and were told."""

    acknowledged: dict[str, str] = attrs.field(factory=dict)  # run id -> result SHA-256, as answered
    evidence: set[str] = attrs.field(factory=set)
    failures: list[str] = attrs.field(factory=list)
    requests: int = 0
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


def client(base: str, token: str, ruleset: str, name: str, until: float, traffic: Traffic,
           stop: threading.Event, *, explain: bool = True) -> None:
    """One client: upload a new inspection, score it, now and then read it back and explain it."""
    number = 0
    with httpx.Client(base_url=base, headers=_auth(token), timeout=120) as http:
        while time.monotonic() < until and not stop.is_set():
            number += 1
            text = FOLLOWUP.replace(TITLE, f'inspection: "Load test {name}, upload {number}"')
            body = {"ruleset": ruleset, "main": "followup.yaml",
                    "files": [upload("followup.yaml", text.encode()), upload("followup-cases.csv")]}
            try:
                stored = http.post("/v1/evidence", json=body)
                if stored.status_code != 201:
                    traffic.fail(f"evidence: {stored.status_code} {stored.text[:300]}")
                    continue
                evidence = stored.json()["evidence"]["hash"]
                with traffic.lock:
                    traffic.evidence.add(evidence)
                made = http.post("/v1/runs", json={"ruleset": ruleset, "evidence": evidence,
                                                   "columns": [{"sample": "february", "label": "Feb"}]})
                if made.status_code != 201:
                    traffic.fail(f"run: {made.status_code} {made.text[:300]}")
                    continue
                run = made.json()["run"]
                with traffic.lock:
                    traffic.acknowledged[run["id"]] = run["result_sha256"]
                    traffic.requests += 2
                if explain and number % 3 == 0:
                    for path in (f"/v1/runs/{run['id']}", f"/v1/runs/{run['id']}/explanations/B1"):
                        read = http.get(path)
                        with traffic.lock:
                            traffic.requests += 1
                        if read.status_code != 200:
                            traffic.fail(f"read: {read.status_code} {read.text[:300]}")
            except httpx.HTTPError as error:
                if not stop.is_set():
                    traffic.fail(f"transport: {error!r}")
                return


def run_clients(base: str, token: str, ruleset: str, count: int, seconds: float, traffic: Traffic,
                stop: threading.Event | None = None, *, explain: bool = True) -> list[threading.Thread]:
    stop = stop or threading.Event()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(base, token, ruleset, f"client {i}", until, traffic, stop),
                                kwargs={"explain": explain}, daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads


def check_store(url: str, acknowledged: dict[str, str]) -> dict[str, int]:
    """The store is whole and holds every acknowledged run once, as acknowledged; counts of what it holds."""
    database = Database(url)
    try:
        with database.read() as c:
            runs = {r.id: r for r in c.execute(sa.select(t.runs))}
            evidence = {r.hash for r in c.execute(sa.select(t.evidence.c.hash))}
            rulesets = {r.hash for r in c.execute(sa.select(t.rulesets.c.hash))}
            blobs = {r.sha256: (r.size, hashlib.sha256(bytes(r.data)).hexdigest()) for r in c.execute(sa.select(t.blobs))}
            evidence_files = c.execute(sa.select(t.evidence_files)).all()
            ruleset_files = c.execute(sa.select(t.ruleset_files)).all()
            created = [r.subject for r in c.execute(sa.select(t.audit.c.subject, t.audit.c.details)
                                                    .where(t.audit.c.action == "run.create"))
                       if '"created":true' in r.details]
            if database.kind == "sqlite":
                assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        database.dispose()
    for run_id, digest in acknowledged.items():
        assert run_id in runs, f"acknowledged run {run_id} is missing"
        assert runs[run_id].result_sha256 == digest
    for run in runs.values():
        assert hashlib.sha256(run.result.encode()).hexdigest() == run.result_sha256
        assert run.ruleset in rulesets and run.evidence in evidence
    assert sorted(created) == sorted(runs), "each run is recorded as created exactly once in the audit"
    for row in [*evidence_files, *ruleset_files]:
        assert row.sha256 in blobs
    for digest, (_, actual) in blobs.items():
        assert actual == digest
    assert {row.evidence for row in evidence_files} == evidence  # no evidence without its files
    assert {row.ruleset for row in ruleset_files} == rulesets
    return {"runs": len(runs), "evidence": len(evidence)}


def assert_log_clean(log: str, tokens: dict[str, str]) -> None:
    """The server's log: no lock reached a request, nothing failed, no token's secret."""
    assert "database is locked" not in log
    assert '"level": "error"' not in log, log[-3000:]
    for secret in tokens.values():
        assert secret.split("_", 2)[2] not in log

