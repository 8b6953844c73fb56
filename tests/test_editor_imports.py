"""The language server's libraries load only for `esirules lsp`: the other commands start as fast as before."""

from __future__ import annotations

import subprocess
import sys

from editor_helpers import PARENT, REPO

PROBE = """
import sys
from esirules.cli.main import main
try:
    main({argv!r})
except SystemExit:
    pass
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & {{"pygls", "lsprotocol", "pygments", "esirules"}})
print(" ".join(loaded), "editor" if any(m.startswith("esirules.editor") for m in sys.modules) else "")
"""


def _loaded(argv: list[str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)], cwd=REPO, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def test_check_fmt_and_help_load_no_editor_library() -> None:
    assert _loaded(["check", str(PARENT)]) == "esirules"
    assert _loaded(["fmt", "--check", str(PARENT)]) == "esirules"
    assert _loaded(["--help"]) == "esirules"


def test_the_lsp_command_is_listed() -> None:
    done = subprocess.run([sys.executable, "-m", "esirules.cli.main", "--help"], capture_output=True, text=True, cwd=REPO)
    assert "lsp" in done.stdout and "language server" in done.stdout
