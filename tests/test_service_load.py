"""A bounded load on loopback: 8 clients uploading evidence and making runs against `esirules serve --workers 2`.

On PostgreSQL for 20 seconds, on SQLite for 6. Every request must be answered with success (no
"database is locked" or any other error reaches a client); afterwards every acknowledged run is
in the store exactly once, with the result it was acknowledged with, and the store is whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from service_helpers import Server
from service_traffic import Traffic, assert_log_clean, check_store, prepare, publish, run_clients

CLIENTS = 8


@pytest.mark.parametrize(("kind", "seconds"), [("sqlite", 6.0), ("postgresql", 20.0)])
def test_every_acknowledged_run_is_stored_once_under_load(kind: str, seconds: float, tmp_path: Path,
                                                          request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if kind == "sqlite" else "postgres_url")
    tokens = prepare(url)
    log = tmp_path / "server.log"
    server = Server(url, workers=2, log=log)
    try:
        ruleset = publish(server.base, tokens)
        traffic = Traffic()
        for thread in run_clients(server.base, tokens["inspector"], ruleset, CLIENTS, seconds, traffic):
            thread.join(seconds + 120)
    finally:
        server.stop()
    assert traffic.failures == []
    assert len(traffic.acknowledged) >= CLIENTS  # every client got through at least once
    held = check_store(url, traffic.acknowledged)
    assert held == {"runs": len(traffic.acknowledged), "evidence": len(traffic.evidence)}
    assert_log_clean(log.read_text(), tokens)
