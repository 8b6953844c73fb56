"""The cache of checked rulesets (language/cache.py): an entry answers only for the texts it was
checked from, is kept only in a folder of the user's own, and never changes what is found."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from esirules.language import cache
from esirules.language.check import check_file

REPO = Path(__file__).resolve().parent.parent

PARENT = """ruleset "parent"
scale answer: yes > no
answers on answer, met when yes
section B "Assessment" {
  criterion B1 "Risk" {
    question B1.q "Was the risk assessed?" on answer
    question B1.r "Was it reviewed?" on answer
  }
}
"""

CHILD = """ruleset "child"
extends "parent.esi"
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own."""
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENVIRONMENT, str(where))
    return where


@pytest.fixture
def rulesets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    here = tmp_path / "rulesets"
    here.mkdir()
    (here / "parent.esi").write_text(PARENT)
    (here / "child.esi").write_text(CHILD)
    monkeypatch.chdir(here)
    return here


def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the checker is run on from now on (a cache hit runs it on none)."""
    import esirules.language.check as check

    ran: list[str] = []
    real = check.check_file

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        ran.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(check, "check_file", counting)
    return ran


def test_a_second_check_is_read_from_the_cache_and_equal(folder, rulesets, monkeypatch):
    first = cache.cached_check("child.esi")
    assert first.ruleset is not None
    ran = checks(monkeypatch)
    second = cache.cached_check("child.esi")
    assert ran == []
    assert second == first  # the model, every diagnostic and the texts read
    assert second.ruleset == check_file("child.esi").ruleset
    assert len(list(folder.iterdir())) == 1


def test_the_folder_is_made_for_the_user_alone(folder, rulesets):
    cache.cached_check("child.esi")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (entry,) = folder.iterdir()
    assert stat.S_IMODE(entry.stat().st_mode) & 0o077 == 0


@pytest.mark.parametrize("edited", ["child.esi", "parent.esi"])
def test_editing_any_file_of_the_chain_checks_again(folder, rulesets, monkeypatch, edited):
    before = cache.cached_check("child.esi")
    text = (rulesets / edited).read_text()
    (rulesets / edited).write_text(
        text.replace("Was it reviewed?", "Was it reviewed in time?") + "\n// edited\n"
    )
    ran = checks(monkeypatch)
    after = cache.cached_check("child.esi")
    assert ran == ["child.esi"]
    assert after.sources[edited].endswith("// edited\n")
    if edited == "parent.esi":
        assert after.ruleset != before.ruleset


def test_a_parent_found_elsewhere_checks_again(folder, rulesets, monkeypatch, tmp_path):
    """The same `extends` line naming another file (a link moved) is not answered by the entry."""
    cache.cached_check("child.esi")
    moved = tmp_path / "elsewhere.esi"
    moved.write_text(PARENT.replace('"parent"', '"moved"'))
    (rulesets / "parent.esi").unlink()
    (rulesets / "parent.esi").symlink_to(moved)
    monkeypatch.setenv("ESIRULES_RULESET_PATH", str(tmp_path))
    ran = checks(monkeypatch)
    assert cache.cached_check("child.esi").ruleset is not None
    assert ran == ["child.esi"]


def test_a_ruleset_with_errors_is_not_kept(folder, rulesets):
    (rulesets / "child.esi").write_text(CHILD + "criterion\n")
    checked = cache.cached_check("child.esi")
    assert checked.ruleset is None
    assert any(d.severity == "error" for d in checked.diagnostics)
    assert list(folder.iterdir()) == []


def test_a_damaged_entry_is_checked_again_and_written_over(folder, rulesets, monkeypatch):
    cache.cached_check("child.esi")
    (entry,) = folder.iterdir()
    entry.write_bytes(b"not a pickle")
    ran = checks(monkeypatch)
    assert cache.cached_check("child.esi").ruleset is not None
    assert ran == ["child.esi"]
    assert entry.read_bytes() != b"not a pickle"


@pytest.mark.parametrize("mode", [0o755, 0o777])
def test_a_folder_others_may_write_to_or_read_is_not_used(folder, rulesets, monkeypatch, mode):
    folder.mkdir()
    os.chmod(folder, mode)
    ran = checks(monkeypatch)
    cache.cached_check("child.esi")
    cache.cached_check("child.esi")
    assert ran == ["child.esi", "child.esi"]
    assert list(folder.iterdir()) == []


def test_off_turns_the_cache_off(rulesets, monkeypatch, tmp_path):
    monkeypatch.setenv(cache.ENVIRONMENT, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    ran = checks(monkeypatch)
    cache.cached_check("child.esi")
    cache.cached_check("child.esi")
    assert ran == ["child.esi", "child.esi"]
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_the_users_cache_folder_by_default(rulesets, monkeypatch, tmp_path):
    monkeypatch.delenv(cache.ENVIRONMENT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache.cached_check("child.esi")
    assert len(list((tmp_path / "xdg" / "esirules").iterdir())) == 1


def test_the_code_digest_follows_every_file_of_the_package(tmp_path, monkeypatch):
    package = tmp_path / "esirules"
    shutil.copytree(REPO / "esirules", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "_PACKAGE", str(package))
    monkeypatch.setattr(cache, "_code_digest", None)
    before = cache.code_digest()
    monkeypatch.setattr(cache, "_code_digest", None)
    assert cache.code_digest() == before
    scoring = package / "scoring" / "grading.py"
    scoring.write_text(scoring.read_text() + "\n")
    monkeypatch.setattr(cache, "_code_digest", None)
    assert cache.code_digest() != before


def test_scoring_from_the_cache_gives_the_same_sheet(folder, monkeypatch, tmp_path):
    """The bundled follow-up scored twice by the command line: the second run reads its
    ruleset from the cache and prints the same JSON sheet."""
    import subprocess
    import sys

    command = [
        sys.executable,
        "-m",
        "esirules.cli.main",
        "score",
        "examples/hertfordshire/followup.yaml",
        "--format",
        "json",
    ]
    env = {**os.environ, cache.ENVIRONMENT: str(folder)}
    first = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert len(list(folder.iterdir())) == 1
    second = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert second.stdout == first.stdout and second.stderr == first.stderr
    off = subprocess.run(
        command, cwd=REPO, env={**env, cache.ENVIRONMENT: "off"}, capture_output=True, text=True, check=True
    )
    assert off.stdout == first.stdout


def test_the_folder_keeps_the_entries_used_last(folder, rulesets, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    cache.cached_check("child.esi")  # the entry used again below
    (child,) = folder.iterdir()
    for n in range(4):
        (rulesets / f"other{n}.esi").write_text(PARENT.replace('"parent"', f'"other{n}"'))
        os.utime(child, ns=(1, 1))  # (as if long unused: then used again by the check below)
        assert cache.cached_check("child.esi").ruleset is not None
        cache.cached_check(f"other{n}.esi")
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 3 and child.name in kept
