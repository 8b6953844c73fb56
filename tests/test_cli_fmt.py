"""`esirules fmt` as a user runs it: files rewritten or left alone, what is printed, exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from esirules.authoring import fmt
from esirules.authoring.fmt import format_text
from esirules.cli.main import main
from esirules.files import FileProblem

MESSY = 'ruleset "x" version "1"\nscale answer : yes>no   # the answers\nsection B "b" { criterion B1 "c" { question B1.q "q" } }\n'
NEAT = format_text(MESSY).text
BROKEN = 'ruleset "x" version "1"\nsection B "b" {\n  criterion B1 "c" { question B1.q }\n}\n'


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        code = main(["fmt", *args])
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


def test_files_are_rewritten_in_place_and_files_already_formatted_are_not_touched(tmp_path, capsys):
    messy, neat = write(tmp_path, "messy.esi", MESSY), write(tmp_path, "neat.esi", NEAT)
    before = neat.stat()
    assert run(capsys, str(messy), str(neat)) == (0, f"reformatted {messy}\n", "")
    assert messy.read_text("utf-8") == NEAT
    after = neat.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert run(capsys, str(messy), str(neat)) == (0, "", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["messy.esi", "neat.esi"]


def test_check_lists_the_files_that_would_change_and_changes_nothing(tmp_path, capsys):
    messy, neat = write(tmp_path, "messy.esi", MESSY), write(tmp_path, "neat.esi", NEAT)
    assert run(capsys, "--check", str(messy), str(neat)) == (1, f"would reformat {messy}\n", "")
    assert messy.read_text("utf-8") == MESSY
    assert run(capsys, "--check", str(neat)) == (0, "", "")


def test_diff_shows_the_changes_and_changes_nothing(tmp_path, capsys):
    messy = write(tmp_path, "messy.esi", MESSY)
    code, out, err = run(capsys, "--diff", str(messy))
    assert (code, err) == (0, "")
    assert out.startswith(f"--- {messy}\n+++ {messy} (formatted)\n@@ ")
    assert "\n-scale answer : yes>no   # the answers\n" in out and "\n+scale answer: yes > no  # the answers\n" in out
    assert "+  criterion B1 \"c\" {\n" in out
    assert messy.read_text("utf-8") == MESSY
    assert run(capsys, "--diff", "--check", str(messy)) == (1, out, "")


def test_diff_says_a_change_of_line_ends_once_and_shows_only_the_other_changes(tmp_path, capsys):
    windows = tmp_path / "windows.esi"
    windows.write_bytes(NEAT.replace("\n", "\r\n").encode("utf-8"))
    code, out, err = run(capsys, "--diff", str(windows))
    assert (code, out, err) == (0, f"# {windows}: every line's end changes from CR LF to LF\n", "")
    windows.write_bytes(MESSY.replace("\n", "\r\n").encode("utf-8"))
    code, out, _ = run(capsys, "--diff", str(windows))
    assert out.startswith(f"# {windows}: every line's end changes from CR LF to LF\n--- {windows}\n")
    assert "\n-scale answer : yes>no   # the answers\n" in out and "\r" not in out
    messy = write(tmp_path, "messy.esi", MESSY)
    same = run(capsys, "--diff", str(messy))[1].replace(str(messy), str(windows))
    assert out == f"# {windows}: every line's end changes from CR LF to LF\n" + same  # (the same lines as with LF)


def test_a_file_with_syntax_errors_is_left_as_it_was_and_the_others_are_formatted(tmp_path, capsys):
    broken, messy = write(tmp_path, "broken.esi", BROKEN), write(tmp_path, "messy.esi", MESSY)
    code, out, err = run(capsys, str(broken), str(messy))
    assert code == 1 and out == f"reformatted {messy}\n"
    assert f"  --> {broken}:3:" in err and "error[S" in err and "help:" in err
    assert broken.read_text("utf-8") == BROKEN and messy.read_text("utf-8") == NEAT


def test_a_file_that_cannot_be_read_is_reported(tmp_path, capsys):
    code, out, err = run(capsys, str(tmp_path / "missing.esi"))
    assert (code, out) == (1, "")
    assert "error[R003]: cannot read the ruleset file" in err and "no such file" in err
    code, _, err = run(capsys, str(tmp_path))
    assert code == 1 and "it is a folder" in err


def test_standard_input_is_formatted_to_standard_output(capsys):
    assert run(capsys, "-", stdin=MESSY.encode()) == (0, NEAT, "")
    assert run(capsys, "-", stdin=NEAT.encode()) == (0, NEAT, "")
    assert run(capsys, "-", "--check", stdin=MESSY.encode()) == (1, "", "")
    assert run(capsys, "-", "--check", stdin=NEAT.encode()) == (0, "", "")
    code, out, _ = run(capsys, "-", "--diff", stdin=MESSY.encode())
    assert code == 0 and out.startswith("--- <stdin>\n+++ <stdin> (formatted)\n")
    code, out, err = run(capsys, "-", stdin=BROKEN.encode())
    assert (code, out) == (1, "") and "  --> <stdin>:3:" in err


def test_a_file_that_cannot_be_written_is_reported_and_left_as_it_was(tmp_path, capsys, monkeypatch):
    messy = write(tmp_path, "messy.esi", MESSY)

    def refused(path: str, data: bytes) -> None:
        raise FileProblem("permission denied")

    monkeypatch.setattr("esirules.files.write_atomically", refused)
    assert run(capsys, str(messy)) == (2, "", f"esirules: error: cannot write `{messy}`: permission denied\n")
    assert messy.read_text("utf-8") == MESSY


def test_a_fault_in_the_formatter_leaves_the_file_as_it_was(tmp_path, capsys, monkeypatch):
    messy = write(tmp_path, "messy.esi", MESSY)
    writer = fmt.write_lines
    monkeypatch.setattr(fmt, "write_lines", lambda text, placed, starts=None: writer(text, placed, starts).replace("# the", "# a"))
    code, out, err = run(capsys, str(messy))
    assert (code, out) == (2, "")
    assert f"`{messy}` was left as it was" in err and "a fault in esirules" in err
    assert messy.read_text("utf-8") == MESSY


def test_usage_errors_exit_2(tmp_path, capsys):
    assert run(capsys, "-", str(write(tmp_path, "a.esi", NEAT)))[0] == 2
    assert main(["fmt"]) == 2
    assert main(["fmt", "--write", "a.esi"]) == 2
    assert "usage: esirules fmt" in capsys.readouterr().err


def test_as_a_process_reading_a_pipe():
    done = subprocess.run(
        [sys.executable, "-m", "esirules.cli.main", "fmt", "-"],
        input=MESSY.encode(), capture_output=True, cwd=REPO, timeout=60, check=False,
    )
    assert (done.returncode, done.stdout.decode(), done.stderr) == (0, NEAT, b"")
