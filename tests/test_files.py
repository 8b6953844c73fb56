"""Reading inputs: regular files only, bounded, confined where asked; rulesets and evidence in memory."""

from __future__ import annotations

import os
import pathlib
import threading

import pytest

from esirules.diagnostics import DiagnosticError
from esirules.evidence.load import load_evidence
from esirules.evidence.sheet import ColumnSpec
from esirules.files import FileProblem, InputFiles, read_limited
from esirules.language.check import check_file, load_ruleset
from esirules.language.sources import FileSources, MemorySources, SourceError
from esirules.scoring.columns import Scorer

ROOT = pathlib.Path(__file__).resolve().parent.parent
RULESETS = {name: (ROOT / "rulesets" / name).read_bytes() for name in ("esi-2003.esi", "esi-2004-followup.esi")}


def _in_thread(work) -> object:  # type: ignore[no-untyped-def]
    """Run `work` in a thread and fail (instead of hanging the suite) if it blocks."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = work()
        except Exception as error:
            out["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "reading blocked"
    return out.get("error", out.get("value"))


def test_a_fifo_is_refused_without_blocking(tmp_path: pathlib.Path) -> None:
    fifo = tmp_path / "pipe.esi"
    os.mkfifo(fifo)
    error = _in_thread(lambda: read_limited(str(fifo), 10))
    assert isinstance(error, FileProblem) and "not a regular file" in error.reason
    checked = _in_thread(lambda: check_file(str(fifo)))
    assert [d.code for d in checked.diagnostics] == ["R003"]  # type: ignore[attr-defined]


def test_a_device_and_a_folder_are_refused(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileProblem, match="not a regular file"):
        read_limited("/dev/zero", 10)
    with pytest.raises(FileProblem, match="folder"):
        read_limited(str(tmp_path), 10)


def test_reads_stop_at_the_limit(tmp_path: pathlib.Path) -> None:
    big = tmp_path / "big.esi"
    big.write_bytes(b"#" * 5000)
    assert len(read_limited(str(big), 100)) == 100
    assert len(read_limited(str(big))) == 5000


def test_extends_outside_the_rulesets_folders_is_refused_and_never_read(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret" / "notes.esi"
    secret.parent.mkdir()
    secret.write_text("top secret first line\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "child.esi").write_text('ruleset "c"\nextends "../secret/notes.esi"\n')
    monkeypatch.chdir(work)
    checked = check_file("child.esi")
    assert [d.code for d in checked.diagnostics] == ["R004"]
    assert "outside the folders" in checked.diagnostics[0].message
    assert all("top secret" not in text for text in checked.sources.values())
    monkeypatch.setenv("ESIRULES_RULESET_PATH", str(secret.parent))
    # Now it is read, and found not to be a ruleset: said once, without its content.
    allowed = check_file("child.esi")
    assert [d.message for d in allowed.diagnostics] == ["`../secret/notes.esi`, which this ruleset extends, is not a ruleset"]
    assert all("top secret" not in text for text in allowed.sources.values())


def test_a_ruleset_path_on_disk_follows_symbolic_links(tmp_path: pathlib.Path) -> None:
    outside = tmp_path / "outside.esi"
    outside.write_text('ruleset "o"\n')
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "link.esi").symlink_to(outside)
    with pytest.raises(SourceError, match="outside"):
        FileSources([str(folder)]).locate("link.esi", str(folder / "child.esi"))


def test_rulesets_held_in_memory_extend_each_other_only() -> None:
    sources = MemorySources(RULESETS)
    ruleset = load_ruleset("esi-2004-followup.esi", sources=sources)
    assert ruleset.parent is not None and ruleset.parent.name == "esi-2003"
    lonely = MemorySources({"child.esi": b'ruleset "c"\nextends "../../etc/passwd"\n'})
    with pytest.raises(DiagnosticError) as raised:
        load_ruleset("child.esi", sources=lonely)
    assert [d.code for d in raised.value.diagnostics] == ["R004"]


def test_evidence_held_in_memory_reaches_only_the_files_given() -> None:
    evidence = (ROOT / "examples/hertfordshire/followup.yaml").read_bytes()
    cases = (ROOT / "examples/hertfordshire/followup-cases.csv").read_bytes()
    ruleset = load_ruleset("esi-2004-followup.esi", sources=MemorySources(RULESETS))
    both = InputFiles({"followup.yaml": evidence, "followup-cases.csv": cases}, folders=())
    loaded = load_evidence("followup.yaml", ruleset, files=both)
    assert len(loaded.cases) == 60 and loaded.path == "followup.yaml"
    alone = InputFiles({"followup.yaml": evidence}, folders=())
    with pytest.raises(DiagnosticError) as raised:
        load_evidence("followup.yaml", ruleset, files=alone)
    assert [d.code for d in raised.value.diagnostics] == ["E101"]
    assert "outside the files this run may read" in raised.value.diagnostics[0].message


def test_a_scorer_in_memory_gives_the_same_column_as_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT / "examples/hertfordshire")
    files = InputFiles(
        {name: pathlib.Path(name).read_bytes() for name in ("followup.yaml", "followup-cases.csv")}, folders=()
    )
    spec = ColumnSpec("Feb", ("followup.yaml",), "esi-2004-followup.esi", "february")
    (in_memory,) = Scorer(files=files, rulesets=MemorySources(RULESETS)).score([spec])
    on_disk_spec = ColumnSpec("Feb", ("followup.yaml",), "../../rulesets/esi-2004-followup.esi", "february")
    (on_disk,) = Scorer().score([on_disk_spec])
    assert in_memory.criteria == on_disk.criteria and in_memory.sections == on_disk.sections
