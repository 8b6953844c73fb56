"""The plain command line never loads the service's dependencies: `--help`, `check`, `score` and `explain`
start as fast as before the service existed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("starlette", "uvicorn", "sqlalchemy", "alembic", "psycopg", "prometheus_client", "anyio", "esirules.service")

PROGRAM = f"HEAVY = {HEAVY!r}\n" + """
import contextlib, io, json, sys
from esirules.cli import main as cli
import esirules.cli.check, esirules.cli.score, esirules.cli.explain
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
    try:
        cli.main(["--help"])
    except SystemExit:
        pass
    codes = [
        cli.main(["check", "rulesets/esi-2003.esi"]),
        cli.main(["score", "examples/hertfordshire/followup.yaml", "--format", "json", "--quiet"]),
        cli.main(["explain", "examples/hertfordshire/followup.yaml", "B1", "--sample", "february", "--format", "json"]),
    ]
heavy = HEAVY
print(json.dumps({"codes": codes, "loaded": sorted(m for m in sys.modules if m.split(".")[0] in heavy or m in heavy)}))
"""


def test_help_check_score_and_explain_load_no_server_database_or_driver() -> None:
    run = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["codes"] == [0, 0, 0]
    assert report["loaded"] == []


def test_the_service_commands_are_listed_without_loading_the_service() -> None:
    program = ("import sys; from esirules.cli.main import build_parser; build_parser(); "
               "print(sorted(m for m in sys.modules if m.startswith(('starlette', 'sqlalchemy', 'uvicorn', "
               "'psycopg', 'alembic', 'esirules.service'))))")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
    help_text = subprocess.run([sys.executable, "-m", "esirules.cli.main", "--help"], capture_output=True, text=True,
                               cwd=ROOT, timeout=60).stdout
    for command in ("serve", "db", "token"):
        assert f"    {command} " in help_text


def test_score_and_explain_of_a_ruleset_kept_checked_load_neither_the_parser_nor_the_checker() -> None:
    """With the ruleset kept in the cache, only `--where` (a condition typed in) needs Lark and the checker."""
    program = """
import contextlib, io, json, sys
from esirules.cli.main import main
evidence = "examples/hertfordshire/followup.yaml"
with contextlib.redirect_stdout(io.StringIO()):
    codes = [main(["score", evidence, "--format", "json", "--quiet"]),
             main(["explain", evidence, "A1", "--sample", "february"])]
loaded = sorted(m for m in ("lark", "esirules.language.parse", "esirules.language.check") if m in sys.modules)
with contextlib.redirect_stdout(io.StringIO()):
    codes.append(main(["explain", evidence, "B1", "--sample", "february", "--where", "sex_offender"]))
print(json.dumps({"codes": codes, "loaded": loaded, "after": "lark" in sys.modules}))
"""
    warm = [sys.executable, "-m", "esirules.cli.main", "score", "examples/hertfordshire/followup.yaml", "--quiet"]
    subprocess.run(warm, capture_output=True, cwd=ROOT, timeout=120, check=True)  # (the ruleset checked and kept)
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {"codes": [0, 0, 0], "loaded": [], "after": True}
