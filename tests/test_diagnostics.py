"""Data-driven diagnostics: each bad ruleset in fixtures/diagnostics names what it must produce.

A fixture starts with comment lines `# expect: CODE LINE:COL` (the exact set of diagnostics)
and optionally `# help: CODE text` (some diagnostic with that code has that text in its help).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

import pytest
from conftest import REPO, found

from esirules.language.check import MAX_RULESET_BYTES, Checked, check_file
from esirules.language.sources import FileSources
from esirules.render.diagnostics import render_text, shown_path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "diagnostics"
EXPECT = re.compile(rb"^# expect: ([SRW]\d{3}) (\d+):(\d+)\s*$")
HELP = re.compile(rb"^# help: ([SRW]\d{3}) (.+?)\s*$")
# Lark's names for terminals (NAME, LONG_STRING, __ANON_0) must never reach a user.
TERMINAL_NAME = re.compile(r"__ANON\w*|\b[A-Z]{2,}_?[A-Z]*\b")
CODE = re.compile(r'"([SRW]\d{3})"')


def fixture_paths() -> list[Path]:
    return sorted(FIXTURES.glob("*.esi"))


def expectations(path: Path) -> tuple[set[tuple[str, int, int]], list[tuple[str, str]]]:
    expected: set[tuple[str, int, int]] = set()
    helps: list[tuple[str, str]] = []
    for line in path.read_bytes().splitlines():
        if match := EXPECT.match(line):
            expected.add((match[1].decode(), int(match[2]), int(match[3])))
        elif match := HELP.match(line):
            helps.append((match[1].decode(), match[2].decode()))
    return expected, helps


def assert_well_formed(checked: Checked, source: bytes) -> None:
    """Every diagnostic reads in the user's words and says where it is."""
    allowed = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", source.decode("utf-8", "replace")))
    allowed |= {"UTF", "MB"}
    rendered = render_text(checked.diagnostics, checked.sources)
    for diagnostic in checked.diagnostics:
        for words in (diagnostic.message, diagnostic.help or ""):
            leaked = [w for w in TERMINAL_NAME.findall(words) if w not in allowed]
            assert not leaked, f"{diagnostic.code}: {words!r} names {leaked}"
        assert diagnostic.message[:1].islower() or diagnostic.message[:1] == "`", diagnostic.message
        span = diagnostic.span
        assert span.line >= 1 and span.column >= 1
        assert f"  --> {shown_path(span.file)}:{span.line}:{span.column}\n" in rendered


@pytest.mark.parametrize("path", fixture_paths(), ids=lambda p: p.stem)
def test_fixture(path: Path):
    expected, helps = expectations(path)
    assert expected, f"{path.name} has no `# expect:` line"
    checked = check_file(str(path))
    assert found(checked) == expected
    for code, text in helps:
        assert any(d.code == code and text in (d.help or "") for d in checked.diagnostics), (code, text)
    assert_well_formed(checked, path.read_bytes())
    assert checked.ruleset is None or all(d.severity == "warning" for d in checked.diagnostics)


def test_s001_binary_data(tmp_path):
    path = tmp_path / "binary.esi"
    path.write_bytes(b'ruleset "x"\ntitle "a\x00b"\n\x89PNG')
    checked = check_file(str(path))
    assert found(checked) == {("S001", 2, 9)}
    assert_well_formed(checked, b"")


def test_s002_is_reported_at_the_bad_byte(tmp_path):
    path = tmp_path / "latin1.esi"
    path.write_bytes('ruleset "x"\n# café\n'.encode("latin-1"))
    checked = check_file(str(path))
    assert found(checked) == {("S002", 2, 6)}
    assert "0xe9" in checked.diagnostics[0].message


def test_s005_too_big(tmp_path):
    path = tmp_path / "huge.esi"
    path.write_bytes(b'ruleset "x"\n' + b"# padding\n" * (MAX_RULESET_BYTES // 10))
    checked = check_file(str(path))
    assert found(checked) == {("S005", 1, 1)}
    assert "2,000,012 bytes" in checked.diagnostics[0].message
    assert_well_formed(checked, b"")


def test_r003_missing_file(tmp_path):
    path = tmp_path / "nowhere.esi"
    checked = check_file(str(path))
    assert found(checked) == {("R003", 1, 1)}
    assert str(path) in checked.diagnostics[0].message
    assert_well_formed(checked, str(path).encode())


def test_r005_cycle_through_two_files(tmp_path):
    (tmp_path / "a.esi").write_text('ruleset "a"\nextends "b.esi"\n')
    (tmp_path / "b.esi").write_text('ruleset "b"\nextends "a.esi"\n')
    checked = check_file(str(tmp_path / "a.esi"))
    assert found(checked) == {("R005", 2, 9)}
    assert checked.diagnostics[0].span.file.endswith("b.esi")
    assert "a.esi → b.esi → a.esi" in checked.diagnostics[0].message


def test_parent_diagnostics_point_into_the_parent(tmp_path):
    (tmp_path / "base.esi").write_text('ruleset "base"\nscale s: a > a\n')
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "base.esi"\n')
    checked = check_file(str(tmp_path / "child.esi"))
    assert [(d.code, Path(d.span.file).name, d.span.line) for d in checked.diagnostics] == [
        ("R011", "base.esi", 2)
    ]
    assert str(tmp_path / "base.esi") in checked.sources


def test_every_code_has_a_fixture():
    """Each diagnostic code the checker can produce is exercised by a fixture or a test above."""
    codes = set()
    for source in (REPO / "esirules").rglob("*.py"):
        codes |= set(CODE.findall(source.read_text(encoding="utf-8")))
    covered = {code for path in fixture_paths() for code, _, _ in expectations(path)[0]}
    covered |= {"S001", "S005", "R003", "S013"}  # generated by the tests above (S013: below)
    assert codes - covered == set()


@pytest.mark.parametrize("name", ["cases.csv", "inspection.yaml", "inspection.JSON", "evidence.xlsx"])
def test_evidence_given_as_a_ruleset_is_one_problem(tmp_path, name):
    """S013: a file of evidence where a ruleset goes is said to be one, not read line by line."""
    (tmp_path / name).write_bytes(b"id,sample,B1.start\nF01,february,yes\nF02,february,no\n")
    checked = check_file(str(tmp_path / name))
    assert found(checked) == {("S013", 1, 1)}


# --- what `extends` may read (F12, F13) ---------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"secret password line\nmore\n", b"source /etc/profile\n", b"\x00\x01binary", b"caf\xe9\n", b""],
    ids=["text", "shell script", "binary", "latin-1", "empty"],
)
def test_a_parent_that_is_not_a_ruleset_is_one_error_without_its_content(tmp_path, content):
    """F13: the first line of whatever `extends` named was echoed in a syntax error."""
    (tmp_path / "notes.txt").write_bytes(content)
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "notes.txt"\n')
    checked = check_file(str(tmp_path / "child.esi"))
    assert found(checked) == {("R004", 2, 9)}
    (diagnostic,) = checked.diagnostics
    assert diagnostic.message == "`notes.txt`, which this ruleset extends, is not a ruleset"
    assert Path(diagnostic.span.file).name == "child.esi"
    assert str(tmp_path / "notes.txt") not in checked.sources
    shown = render_text(checked.diagnostics, checked.sources)
    assert "secret" not in shown and "profile" not in shown
    assert_well_formed(checked, (tmp_path / "child.esi").read_bytes())


def test_a_misspelt_parent_is_one_error_that_names_the_ruleset_beside_it(tmp_path):
    (tmp_path / "esi-2003.esi").write_text('ruleset "base"\n')
    (tmp_path / "notes.txt").write_text("not a ruleset\n")
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "esi2003.esi"\nremove section B\n')
    checked = check_file(str(tmp_path / "child.esi"))
    assert found(checked) == {("R004", 2, 9)}
    assert checked.diagnostics[0].help == "did you mean `esi-2003.esi`?"
    with contextlib.chdir(tmp_path):  # named relative to the working folder, as on the command line
        assert check_file("child.esi").diagnostics[0].help == "did you mean `esi-2003.esi`?"
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "child2.esi"\n')
    checked = check_file(str(tmp_path / "child.esi"))
    assert checked.diagnostics[0].help == "the path is read relative to this file; check its spelling"


def test_a_parent_that_is_a_ruleset_shows_its_own_mistakes(tmp_path):
    (tmp_path / "base.esi").write_text('# the original\nruleset "base"\nscale s: a > b\nscale s c\n')
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "base.esi"\n')
    checked = check_file(str(tmp_path / "child.esi"))
    assert [(d.code, Path(d.span.file).name, d.span.line) for d in checked.diagnostics] == [
        ("S010", "base.esi", 4)
    ]


def test_a_parent_outside_the_rulesets_folders_is_not_read(tmp_path, monkeypatch):
    (tmp_path / "outside.esi").write_text('ruleset "outside"\n')
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "child.esi").write_text('ruleset "child"\nextends "../outside.esi"\n')
    checked = check_file(str(tmp_path / "here" / "child.esi"), sources=FileSources([str(tmp_path / "here")]))
    assert found(checked) == {("R004", 2, 9)}
    assert "outside the folders rulesets are read from" in checked.diagnostics[0].message
    # The help names the folder to run the command from, as the working folder sees it
    monkeypatch.chdir(tmp_path / "here")
    help_ = check_file("child.esi", sources=FileSources([str(tmp_path / "here")])).diagnostics[0].help
    assert help_ is not None and help_.startswith("run the command from `..` (a folder holding both), keep parent")


def test_a_fifo_as_parent_is_refused_without_waiting(tmp_path):
    """F12: a FIFO named by `extends` blocked the check forever."""
    os.mkfifo(tmp_path / "pipe.esi")
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "pipe.esi"\n')
    checked = check_file(str(tmp_path / "child.esi"))
    assert found(checked) == {("R004", 2, 9)}
    assert "not a regular file" in checked.diagnostics[0].message


def test_a_fifo_as_ruleset_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "pipe.esi")
    checked = check_file(str(tmp_path / "pipe.esi"))
    assert found(checked) == {("R003", 1, 1)}
    assert "not a regular file" in checked.diagnostics[0].message


def test_a_device_as_ruleset_is_refused():
    checked = check_file("/dev/zero")
    assert found(checked) == {("R003", 1, 1)}
    assert "not a regular file" in checked.diagnostics[0].message


def test_a_symbolic_link_to_a_device_as_parent_is_refused(tmp_path):
    (tmp_path / "zero.esi").symlink_to("/dev/zero")
    (tmp_path / "child.esi").write_text('ruleset "child"\nextends "zero.esi"\n')
    checked = check_file(str(tmp_path / "child.esi"))
    assert found(checked) == {("R004", 2, 9)}


# --- line ends (M03) ---------------------------------------------------------------------------


@pytest.mark.parametrize("ending", [b"\r", b"\r\n"])
def test_carriage_return_line_ends_give_the_right_lines(tmp_path, ending):
    """M03: with CR-only line ends the first comment hid the rest of the file (a misleading R001)."""
    path = tmp_path / "mac.esi"
    path.write_bytes(ending.join([b"# a ruleset", b'ruleset "x"', b"scale a: b > c", b"scale a: d > e", b""]))
    checked = check_file(str(path))
    assert found(checked) == {("R010", 4, 7)}
    assert "first declared at line 3" in (checked.diagnostics[0].help or "")
    assert " 4 | scale a: d > e\n" in render_text(checked.diagnostics, checked.sources)


def test_a_name_that_differs_from_a_known_one_only_by_a_character_that_cannot_be_seen_says_which() -> None:
    """Pasted text: "did you mean `very high`?" for `very high` read as a correction to nothing."""
    from esirules.diagnostics import did_you_mean

    assert did_you_mean("very\u00a0high", ["low", "high", "very high"]) == (
        "did you mean `very high`? this holds a non-breaking space (U+00A0), which looks like a space: "
        "type an ordinary space in its place")
    assert did_you_mean("yes\u200b", ["yes", "no"]) == (
        "did you mean `yes`? this holds a zero-width space (U+200B), which looks like nothing: delete it")
    assert did_you_mean("F07", ["F06", "F07\u200b"]) == (
        "did you mean `F07\u200b`? where it is written it holds a zero-width space (U+200B), which looks like "
        "nothing: delete it")
    assert did_you_mean("very\u00a0hihg", ["low", "high", "very high"]) == "did you mean `very high`?"
