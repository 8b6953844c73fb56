"""A crash: `esirules serve --workers 2` killed with SIGKILL in the middle of a burst of writes, then restarted.

Every run acknowledged before the kill must be there, with the result it was acknowledged with,
and score again to byte-identical JSON in the new processes; nothing half-written may be visible
(every record complete, every file's bytes matching its hash, each run audited once).
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import httpx
import pytest
from service_helpers import Server
from service_traffic import Traffic, assert_log_clean, check_store, prepare, publish, run_clients

WRITERS = 6


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_killed_server_keeps_every_acknowledged_run(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if kind == "sqlite" else "postgres_url")
    tokens = prepare(url)
    log = tmp_path / "server.log"
    server = Server(url, workers=2, log=log)
    ruleset = publish(server.base, tokens)
    traffic = Traffic()
    stop = threading.Event()
    threads = run_clients(server.base, tokens["inspector"], ruleset, WRITERS, 60, traffic, stop, explain=False)
    deadline = time.monotonic() + 30
    while len(traffic.acknowledged) < 12 and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    server.kill()  # while the writers are still sending
    for thread in threads:
        thread.join(30)
    acknowledged = dict(traffic.acknowledged)
    assert len(acknowledged) >= 12 and traffic.failures == []
    check_store(url, acknowledged)

    again = Server(url, workers=2, log=log)
    try:
        with httpx.Client(base_url=again.base, headers={"Authorization": f"Bearer {tokens['viewer']}"}, timeout=60) as http:
            for run_id, digest in acknowledged.items():
                stored = http.get(f"/v1/runs/{run_id}/result")
                assert stored.status_code == 200
                assert hashlib.sha256(stored.content).hexdigest() == digest
                verified = http.get(f"/v1/runs/{run_id}/verification").json()
                assert verified["identical"] is True, run_id
            listed = http.get("/v1/runs?limit=500").json()
            assert set(acknowledged) <= {r["id"] for r in listed["runs"]}
    finally:
        again.stop()
    assert_log_clean(log.read_text(), tokens)
