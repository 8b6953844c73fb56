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
    assert [d.code for d in raised.value.diagnostics] == ["E108"]
    # (an upload's files are all it may read: the missing one was not uploaded, said so)
    assert raised.value.diagnostics[0].message == "`followup-cases.csv` is not among the files uploaded with it"
    assert raised.value.diagnostics[0].help == "upload it with the file that names it, or name only the files uploaded"


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


# ---------------------------------------------------------------------------------------------
# Evidence on the command line (issue 9, F12 and F13): what a file may name, and special files


def _score(folder: pathlib.Path, *args: str) -> tuple[int, str, str]:
    """`esirules score ARGS` from `folder`, failing (instead of hanging the suite) if it blocks."""
    from evidence_helpers import run

    outcome = _in_thread(lambda: run("score", *args, cwd=folder))
    assert isinstance(outcome, tuple), outcome
    return outcome  # type: ignore[return-value]


def _work(tmp_path: pathlib.Path) -> pathlib.Path:
    from evidence_helpers import HEADER, HIGH, folder_with_ruleset

    work = folder_with_ruleset(tmp_path / "work")
    (work / "cases.csv").write_text(HEADER + HIGH)
    return work


def test_files_named_by_evidence_outside_its_folders_are_refused_unread(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "private" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text("top secret first line,x\n")
    work = _work(tmp_path)
    (work / "linked.csv").symlink_to(secret)
    (work / "linked.esi").symlink_to(secret)  # a ruleset's name, but not a ruleset's real name
    names = {
        "cases: ../private/secret.csv": "private/secret.csv",
        "cases: linked.csv": "linked.csv",
        f"cases: {secret}": "private/secret.csv",
        "ruleset: linked.esi": "linked.esi",
    }
    for line, shown in names.items():
        text = line if line.startswith("ruleset") else "ruleset: ruleset.esi\n" + line
        (work / "e.yaml").write_text(f"inspection: x\n{text}\n")
        code, out, err = _score(work, "e.yaml")
        assert (code, out) == (1, ""), line
        assert "error[E108]" in err and shown in err and "top secret" not in err, (line, err)
        assert "ESIRULES_EVIDENCE_PATH" in err
    monkeypatch.setenv("ESIRULES_EVIDENCE_PATH", str(secret.parent))
    (work / "e.yaml").write_text("inspection: x\nruleset: ruleset.esi\ncases: ../private/secret.csv\n")
    code, _, err = _score(work, "e.yaml")
    assert "E108" not in err and "error[E107]" in err  # read now: it has no `id` column


def test_a_ruleset_named_by_evidence_must_be_a_ruleset_file(tmp_path: pathlib.Path) -> None:
    work = _work(tmp_path)
    (work / "notes.txt").write_text("top secret first line\n")
    for named in ("notes.txt", "../../../../../../etc/passwd"):
        (work / "e.yaml").write_text(f"inspection: x\nruleset: {named}\ncases: cases.csv\n")
        code, _, err = _score(work, "e.yaml")
        assert code == 1 and "error[E105]" in err and "not a ruleset" in err, err
        assert "top secret" not in err and "root:" not in err


def test_a_ruleset_named_by_evidence_may_lie_anywhere(tmp_path: pathlib.Path) -> None:
    """As the example keeps them: `../../rulesets/x.esi` from the evidence, run in its folder."""
    from evidence_helpers import EXAMPLES

    rules = tmp_path / "rulesets"
    rules.mkdir()
    (rules / "x.esi").write_text(EXAMPLES.read_text())
    work = _work(tmp_path / "inspections")
    (work / "e.yaml").write_text("inspection: x\nruleset: ../../rulesets/x.esi\ncases: cases.csv\n")
    code, out, err = _score(work, "e.yaml", "--format", "json")
    assert code == 0, err
    assert '"path": "../../rulesets/x.esi"' in out


def test_files_named_on_the_command_line_are_read_wherever_they_are(tmp_path: pathlib.Path) -> None:
    work = _work(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "e.yaml").write_text(f"inspection: x\nruleset: {work / 'ruleset.esi'}\ncases: c.csv\n")
    (elsewhere / "c.csv").write_text((work / "cases.csv").read_text())
    code, _, err = _score(work, str(elsewhere / "e.yaml"), "--sample", "february", "--format", "json")
    assert code == 0, err  # its folder may be read, and the ruleset lies under the working folder


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_special_files_are_refused_by_every_route_without_blocking(tmp_path: pathlib.Path, kind: str) -> None:
    work = _work(tmp_path)

    def special(name: str) -> str:
        path = work / name
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to("/dev/zero")
        return name

    ruleset, evidence, table, sheet = special("r.esi"), special("s.yaml"), special("t.csv"), special("u.json")
    (work / "e.yaml").write_text(f"ruleset: ruleset.esi\ncases: {table}\n")
    (work / "named.yaml").write_text(f"columns:\n  - {{label: x, evidence: {evidence}}}\n")
    routes = {
        ("cases.csv", "--ruleset", ruleset): "R003",  # --ruleset
        (evidence,): "E101",  # evidence (or a summary sheet) on the command line
        (table, "--ruleset", "ruleset.esi"): "E101",  # a CSV file on the command line
        (sheet,): "E101",  # a JSON evidence file or sheet
        ("e.yaml",): "E101" if kind == "fifo" else "E108",  # a CSV file named by evidence
        ("named.yaml",): "E101" if kind == "fifo" else "E108",  # evidence named by a summary sheet
    }
    for args, code in routes.items():
        status, out, err = _score(work, *args)
        assert (status, out) == (1, ""), (args, err)
        assert f"error[{code}]" in err, (args, err)
        assert "not a regular file" in err or code in ("E108",), (args, err)


# ---------------------------------------------------------------------------------------------
# Writing a file whole (esirules fmt)


def test_a_file_written_atomically_is_replaced_whole_and_keeps_its_permissions(tmp_path):
    from esirules.files import write_atomically

    path = tmp_path / "r.esi"
    path.write_text("before\n")
    path.chmod(0o640)
    write_atomically(str(path), b"after\n")
    assert path.read_bytes() == b"after\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.esi"]  # no temporary file left


def test_writing_through_a_symbolic_link_replaces_the_file_it_points_to(tmp_path):
    from esirules.files import write_atomically

    target = tmp_path / "real.esi"
    target.write_text("before\n")
    link = tmp_path / "link.esi"
    link.symlink_to(target)
    write_atomically(str(link), b"after\n")
    assert link.is_symlink() and target.read_bytes() == b"after\n"


def test_a_write_that_fails_leaves_the_file_as_it_was_and_no_temporary_file(tmp_path, monkeypatch):
    from esirules.files import write_atomically

    path = tmp_path / "r.esi"
    path.write_text("before\n")

    def refused(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(FileProblem, match="permission denied"):
        write_atomically(str(path), b"after\n")
    assert path.read_text() == "before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.esi"]
    with pytest.raises(FileProblem):
        write_atomically(str(path / "inside-a-file.esi"), b"x")


def test_a_named_pipe_or_a_device_is_written_to_never_replaced(tmp_path):
    from esirules.files import write_atomically

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_atomically(str(pipe), b"the sheet\n")
    reader.join(timeout=10)
    assert received == [b"the sheet\n"] and pipe.is_fifo()
    write_atomically("/dev/null", b"the sheet\n")  # (as root, this once replaced the device)
    assert pathlib.Path("/dev/null").is_char_device()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary file beside it


def test_a_read_only_file_is_not_replaced(tmp_path, monkeypatch):
    from esirules.files import write_atomically

    path = tmp_path / "locked.esi"
    path.write_text("before\n")
    path.chmod(0o444)
    if os.geteuid() == 0:  # (root may write any file: ask as its owner would be answered)
        monkeypatch.setattr(os, "access", lambda p, mode: not (mode & os.W_OK and os.fspath(p) == str(path)))
    with pytest.raises(FileProblem, match="it is read-only"):
        write_atomically(str(path), b"after\n")
    assert path.read_text() == "before\n"


def test_a_cases_file_whose_name_is_not_utf8_is_scored(tmp_path):
    """A name in Latin-1 (copied from an old share): `c\\xe9.csv`, which Python holds with a surrogate."""
    import contextlib
    import io

    from esirules.cli.main import main

    root = pathlib.Path(__file__).resolve().parent.parent
    named = os.path.join(os.fsencode(tmp_path), b"c\xe9.csv")
    with open(named, "wb") as file:
        file.write((root / "docs/examples/inspector/cases.csv").read_bytes())
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["score", os.fsdecode(named), "--ruleset", str(root / "rulesets/esi-2004-followup.esi"),
                     "--sample", "february", "--format", "csv"])
    assert code == 0 and out.getvalue().startswith("target,kind,title,column")
