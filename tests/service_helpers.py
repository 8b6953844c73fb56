"""Helpers for the service tests: the app in process over a store, and a real server in a subprocess."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import httpx

from esirules.service import migrate
from esirules.service.app import create_app
from esirules.service.database import Database
from esirules.service.messages import ROLES
from esirules.service.operation import Settings
from esirules.service.store import Actor, Store

with warnings.catch_warnings():
    # Starlette's test client says httpx is deprecated in favour of httpx2; it still works with httpx.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
HERTFORDSHIRE = ROOT / "examples" / "hertfordshire"
RULESETS = {name: (ROOT / "rulesets" / name).read_bytes() for name in ("esi-2003.esi", "esi-2004-followup.esi")}
SETUP = Actor("test-setup", "test setup", "admin")


def upload(name: str, data: bytes | None = None) -> dict[str, str]:
    """One file of an upload body, read from the Hertfordshire example unless `data` is given."""
    content = data if data is not None else (HERTFORDSHIRE / name).read_bytes()
    return {"name": name, "content": content.decode("utf-8")}


def make_tokens(store: Store) -> dict[str, str]:
    """A token of every role, and an admin token revoked at once (under "revoked")."""
    tokens = {role: store.write(SETUP, "setup", lambda w, r=role: w.create_token(r, f"{r} holder"))[0] for role in ROLES}
    revoked, row = store.write(SETUP, "setup", lambda w: w.create_token("admin", "former admin"))
    store.write(SETUP, "setup", lambda w: w.revoke_token(row["id"]))
    tokens["revoked"] = revoked
    return tokens


class Service:
    """The app in process (Starlette's test client) over a migrated store, with a token of each role."""

    def __init__(self, url: str, settings: Settings | None = None):
        self.url = url
        self.database = Database(url)
        migrate.upgrade(self.database)
        self.store = Store(self.database)
        self.tokens = make_tokens(self.store)
        self.settings = settings or Settings(database=url)
        self.app = create_app(self.settings, database=self.database)
        self.client = TestClient(self.app, raise_server_exceptions=False)

    @classmethod
    def start(cls, url: str, settings: Settings | None = None) -> Service:
        return cls(url, settings)

    def close(self) -> None:
        self.client.close()
        self.database.dispose()

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, path: str, role: str = "viewer", **kwargs: Any) -> httpx.Response:
        return self.client.get(path, headers=self.headers(role), **kwargs)

    def post(self, path: str, body: Any, role: str = "admin", **kwargs: Any) -> httpx.Response:
        return self.client.post(path, json=body, headers=self.headers(role), **kwargs)

    def publish_bundled(self) -> dict[str, str]:
        """Publish both bundled rulesets; their hashes by file name."""
        hashes = {}
        for main, names in (("esi-2003.esi", ["esi-2003.esi"]),
                            ("esi-2004-followup.esi", ["esi-2003.esi", "esi-2004-followup.esi"])):
            body = {"main": main, "files": [upload(n, RULESETS[n]) for n in names]}
            response = self.post("/v1/rulesets", body, role="author")
            assert response.status_code in (200, 201), response.text
            hashes[main] = response.json()["ruleset"]["hash"]
        return hashes

    def upload_evidence(self, ruleset: str, main: str, *others: str, role: str = "inspector") -> str:
        body = {"ruleset": ruleset, "main": main, "files": [upload(n) for n in (main, *others)]}
        response = self.post("/v1/evidence", body, role=role)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["evidence"]["hash"])

    def hertfordshire(self) -> dict[str, str]:
        """Both rulesets published and both inspections' evidence stored: every hash by name."""
        hashes = self.publish_bundled()
        hashes["followup.yaml"] = self.upload_evidence(hashes["esi-2004-followup.esi"], "followup.yaml",
                                                       "followup-cases.csv")
        hashes["original.yaml"] = self.upload_evidence(hashes["esi-2003.esi"], "original.yaml", "original-cases.csv")
        return hashes

    def run(self, ruleset: str, evidence: str, *columns: dict[str, str], title: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"ruleset": ruleset, "evidence": evidence}
        if columns:
            body["columns"] = list(columns)
        if title is not None:
            body["title"] = title
        response = self.post("/v1/runs", body, role="inspector")
        assert response.status_code in (200, 201), response.text
        return response.json()  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`esirules serve` in a subprocess (its own process group), on loopback and a free port."""

    def __init__(self, url: str, *, workers: int = 1, log: Path | None = None, extra: tuple[str, ...] = ()):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        out = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "esirules.cli.main", "serve", "--db", url, "--port", str(self.port),
             "--workers", str(workers), *extra],
            stdout=out, stderr=out, start_new_session=True, cwd=ROOT,
            # Its temporary folders (the metrics of its workers) go beside its log, so a server
            # killed with SIGKILL leaves nothing in the machine's /tmp.
            env={**os.environ, "PYTHONUNBUFFERED": "1", **({"TMPDIR": str(log.parent)} if log is not None else {})},
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not become ready")

    def kill(self) -> None:
        """SIGKILL the server and its workers (its process group, which it alone is in)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
