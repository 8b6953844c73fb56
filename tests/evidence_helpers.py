"""Shared helpers for the evidence tests: a small ruleset beside small evidence files, and the command run in-process."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path

from esirules.diagnostics import DiagnosticError
from esirules.evidence.cases import Evidence
from esirules.evidence.load import load_evidence
from esirules.language.check import load_ruleset
from esirules.language.model import Ruleset

FIXTURES = Path(__file__).parent / "fixtures" / "evidence"
EXAMPLES = FIXTURES / "examples.esi"  # the ruleset of docs/evidence-diagnostics.md

HEADER = "id,sample,risk_of_harm,order_type,sex_offender,age,B1.start,B1.review\n"
HIGH = "F01,february,high,cro,no,34,yes,partly\n"
LOW = "F02,february,low,licence,yes,51,,no\n"


def examples_ruleset() -> Ruleset:
    return load_ruleset(str(EXAMPLES))


def folder_with_ruleset(folder: Path) -> Path:
    """`folder`, holding a copy of the examples' ruleset as `ruleset.esi`."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(EXAMPLES, folder / "ruleset.esi")
    return folder


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def load(path: Path | str, ruleset: Ruleset | None = None) -> Evidence:
    return load_evidence(str(path), ruleset or examples_ruleset())


def problems(path: Path | str, ruleset: Ruleset | None = None) -> list:  # type: ignore[type-arg]
    """Every diagnostic loading `path` gives (it must give some)."""
    try:
        load(path, ruleset)
    except DiagnosticError as error:
        return list(error.diagnostics)
    raise AssertionError(f"{path} loaded without a problem")


def run(*args: str, cwd: Path | str | None = None) -> tuple[int, str, str]:
    """`esirules ARGS` in this process, from `cwd`: the exit code, standard output and error."""
    from esirules.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()
