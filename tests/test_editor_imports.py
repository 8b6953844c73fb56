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


def _framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_a_message_the_server_cannot_read_is_said_in_one_line_without_a_traceback() -> None:
    """pygls printed its tracebacks (30 lines for a hover without a document) to the editor's log."""
    messages = [b"{bad}", b'{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"x":1}}', b"[1,2]"]
    done = subprocess.run([sys.executable, "-m", "esirules.cli.main", "lsp"], input=b"".join(map(_framed, messages)),
                          capture_output=True, cwd=REPO, timeout=60)
    said = done.stderr.decode().splitlines()
    assert done.returncode == 0 and "Traceback" not in done.stderr.decode()
    # (one line for each message; the reasons after the colon are pygls's and Python's words)
    assert [line.partition(": ")[0] for line in said] == ["esirules lsp"] * 3
    assert all(line.startswith("esirules lsp: ignored a message from the editor that could not be read: ") for line in said)
    assert said[0].endswith("Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")
