"""Benchmark the HTTP service: requests/s and p50/p99 latency of its main operations, and memory under load.

Starts `esirules serve --workers 2` on loopback over a fresh store (a SQLite file, or the
PostgreSQL database given with --db), publishes the bundled rulesets, uploads the Hertfordshire
evidence, and times, over HTTP from this process:

- scoring the bundled inspection: `POST /v1/runs` of the follow-up evidence, February sample,
  each request a new run (a distinct title), so every one is scored and stored;
- explaining B1 and A1 of a stored run, computed (a server started with its explanation cache
  off) and repeated (the cache on: the same explanation asked again);
- fetching a stored run's result (`GET /v1/runs/{id}/result`);

each first one request at a time (latency: p50, p99) and then from 4 clients at once
(requests/s). Then the load test's traffic (8 clients uploading evidence and making runs for
20 s) while the workers' resident memory is sampled. Not a test: figures go to the terminal and
to bench/results/service.json; docs/performance.md has the latest.

    .venv/bin/python bench/service.py [--db postgresql://...] [--requests N] [--load-seconds S]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
HERTFORDSHIRE = ROOT / "examples" / "hertfordshire"
RULESETS = {n: (ROOT / "rulesets" / n).read_text() for n in ("esi-2003.esi", "esi-2004-followup.esi")}
RESULTS = ROOT / "bench" / "results" / "service.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def esirules(*args: str) -> str:
    run = subprocess.run([sys.executable, "-m", "esirules.cli.main", *args], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return run.stdout.strip()


class Server:
    def __init__(self, db: str, *, explanation_cache: bool):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ESIRULES_CACHE_EXPLANATIONS": "256" if explanation_cache else "0"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "esirules.cli.main", "serve", "--db", db, "--port", str(self.port), "--workers", "2",
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def workers(self) -> list[int]:
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.getpgid(int(entry)) == self.process.pid and int(entry) != self.process.pid:
                        found.append(int(entry))
                except (ProcessLookupError, PermissionError):
                    pass
        return found

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(30)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def upload(name: str, text: str) -> dict[str, str]:
    return {"name": name, "content": text}


def setup(base: str, tokens: dict[str, str]) -> dict[str, str]:
    def post(path: str, body: Any, role: str) -> Any:
        response = httpx.post(f"{base}{path}", json=body, headers={"Authorization": f"Bearer {tokens[role]}"},
                              timeout=120)
        response.raise_for_status()
        return response.json()

    ruleset = post("/v1/rulesets", {"main": "esi-2004-followup.esi",
                                    "files": [upload(n, t) for n, t in RULESETS.items()]}, "author")["ruleset"]["hash"]
    files = [upload(n, (HERTFORDSHIRE / n).read_text()) for n in ("followup.yaml", "followup-cases.csv")]
    evidence = post("/v1/evidence", {"ruleset": ruleset, "main": "followup.yaml", "files": files},
                    "inspector")["evidence"]["hash"]
    run = post("/v1/runs", {"ruleset": ruleset, "evidence": evidence,
                            "columns": [{"sample": "february", "label": "Feb"}]}, "inspector")["run"]["id"]
    return {"ruleset": ruleset, "evidence": evidence, "run": run}


def measure(send: Callable[[httpx.Client, int], httpx.Response], token: str, base: str, count: int,
            clients: int = 1) -> dict[str, float]:
    """Latency of `count` requests (one at a time), then requests/s with `clients` at once."""
    headers = {"Authorization": f"Bearer {token}"}
    times: list[float] = []
    with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
        for number in range(count):
            started = time.perf_counter()
            response = send(http, number)
            times.append(time.perf_counter() - started)
            assert response.status_code in (200, 201), response.text
    times.sort()
    out = {"p50_ms": 1000 * statistics.median(times), "p99_ms": 1000 * times[min(len(times) - 1, int(0.99 * len(times)))],
           "mean_ms": 1000 * statistics.fmean(times)}
    if clients > 1:
        done = [0]
        lock = threading.Lock()
        offset = count

        def work(index: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
                for number in range(count // clients):
                    send(http, offset + index * count + number).raise_for_status()
                    with lock:
                        done[0] += 1

        started = time.perf_counter()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        out["requests_per_s"] = done[0] / (time.perf_counter() - started)
        out["clients"] = clients
    return out


def load(base: str, token: str, ruleset: str, seconds: float, server: Server) -> dict[str, float]:
    """The load test's traffic (8 clients uploading evidence and making runs), with the workers' memory sampled."""
    followup = (HERTFORDSHIRE / "followup.yaml").read_text()
    cases = (HERTFORDSHIRE / "followup-cases.csv").read_text()
    until = time.monotonic() + seconds
    count = [0]
    lock = threading.Lock()

    def client(index: int) -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            number = 0
            while time.monotonic() < until:
                number += 1
                text = followup.replace('inspection: "', f'inspection: "Load {index}.{number}: ', 1)
                evidence = http.post("/v1/evidence", json={"ruleset": ruleset, "main": "followup.yaml", "files": [
                    upload("followup.yaml", text), upload("followup-cases.csv", cases)]}).json()["evidence"]["hash"]
                http.post("/v1/runs", json={"ruleset": ruleset, "evidence": evidence,
                                            "columns": [{"sample": "february"}]}).raise_for_status()
                with lock:
                    count[0] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    peak = 0.0
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, sum(rss_mb(pid) for pid in server.workers()))
        time.sleep(0.25)
    elapsed = time.perf_counter() - started
    return {"uploads_and_runs_per_s": count[0] / elapsed, "pairs": count[0],
            "workers_peak_rss_mb": peak, "workers_rss_after_mb": sum(rss_mb(pid) for pid in server.workers())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="a PostgreSQL URL (an empty database); default: a SQLite file in a temporary folder")
    parser.add_argument("--requests", type=int, default=60, help="requests per figure (default 60)")
    parser.add_argument("--load-seconds", type=float, default=20.0)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="esirules-bench-")
    try:
        run_benchmark(args, scratch)
    finally:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


def run_benchmark(args: argparse.Namespace, scratch: str) -> None:
    db = args.db or str(Path(scratch) / "bench.db")
    esirules("db", "upgrade", "--db", db)
    tokens = {role: esirules("token", "create", "--role", role, "--db", db) for role in ("viewer", "inspector", "author")}
    figures: dict[str, Any] = {"database": "postgresql" if db.startswith("postgres") else "sqlite",
                               "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
                               "load_average_at_start": os.getloadavg()[0], "requests": args.requests}
    n = args.requests
    for cache in (False, True):
        server = Server(db, explanation_cache=cache)
        try:
            known = setup(server.base, tokens)
            run = known["run"]
            if not cache:
                body = {"ruleset": known["ruleset"], "evidence": known["evidence"], "columns": [{"sample": "february"}]}
                figures["score the bundled inspection (POST /v1/runs, a new run each)"] = measure(
                    lambda http, i, body=body: http.post("/v1/runs", json={**body, "title": f"bench {time.time_ns()} {i}"}),
                    tokens["inspector"], server.base, n, clients=4)
                figures["fetch a stored run (GET /v1/runs/{id}/result)"] = measure(
                    lambda http, i, run=run: http.get(f"/v1/runs/{run}/result"), tokens["viewer"], server.base, n,
                    clients=4)
            for target in ("B1", "A1"):
                key = f"explain {target} of a stored run, {'repeated (cache on)' if cache else 'computed (cache off)'}"
                figures[key] = measure(lambda http, i, t=target, run=run: http.get(f"/v1/runs/{run}/explanations/{t}"),
                                       tokens["viewer"], server.base, n if target == "B1" or cache else max(n // 3, 10),
                                       clients=4)
            if cache:
                figures["load: 8 clients uploading evidence and making runs"] = load(
                    server.base, tokens["inspector"], known["ruleset"], args.load_seconds, server)
        finally:
            server.stop()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    for name, value in figures.items():
        if isinstance(value, dict):
            shown = ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in value.items())
            print(f"{name}: {shown}")
        else:
            print(f"{name}: {value}")


if __name__ == "__main__":
    main()
