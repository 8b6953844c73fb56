"""Nothing esirules writes depends on where a copy of the files is kept (issue 9, point 11a).

The same inspection scored in two clones gives the same bytes: paths are written as the command
named them (relative to where it ran), and the content hashes say what was scored. The docs show
no path of a development machine either.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from evidence_helpers import run

COMMANDS = [
    ("score", "examples/hertfordshire/summary.yaml", "--format", "json"),
    ("score", "examples/hertfordshire/followup.yaml", "--sample", "february", "--format", "json"),
    ("explain", "examples/hertfordshire/summary.yaml", "B1", "--column", "Feb", "--format", "json"),
    ("score", "examples/hertfordshire/original-cases.csv", "--ruleset", "rulesets/esi-2003.esi", "--format", "json"),
]


@pytest.fixture(scope="module")
def clones(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    made = []
    for name in ("first", "second-clone"):
        root = tmp_path_factory.mktemp(name)
        for part in ("examples", "rulesets"):
            shutil.copytree(REPO / part, root / part)  # (the rulesets folder is a link: its files are copied)
        made.append(root)
    return made[0], made[1]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_the_same_run_in_two_folders_gives_the_same_bytes(clones: tuple[Path, Path], command: tuple[str, ...]) -> None:
    outputs = []
    for root in clones:
        code, out, err = run(*command, cwd=root)
        assert code == 0, err
        outputs.append(out)
        assert str(root) not in out
    assert outputs[0] == outputs[1]
    assert not re.search(r'"(/|[A-Za-z]:\\)', outputs[0]), "an absolute path in the output"


MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|home|root|tmp|Users|private/var|var/folders)/")


def test_no_doc_shows_a_path_of_a_development_machine() -> None:
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    found = [
        f"{page.relative_to(REPO)}:{number}: {line.strip()}"
        for page in pages
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
        if MACHINE_PATH.search(line)
    ]
    assert found == []


@pytest.mark.parametrize(
    "line", ["  --> /work/main/docs/x.csv:3:14", '"path": "/home/ann/esi.esi"', "cd /tmp/x", "/Users/bob/rules"]
)
def test_the_pattern_finds_machine_paths(line: str) -> None:
    assert MACHINE_PATH.search(line)


@pytest.mark.parametrize("line", ["bench/workload.py", "see docs/tmp/notes", "~/home/x", "https://example.org/home/"])
def test_the_pattern_leaves_other_paths(line: str) -> None:
    assert not MACHINE_PATH.search(line)
