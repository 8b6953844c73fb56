"""The parse tables shipped with the package: built from the grammar, never unpickled (F14)."""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
from pathlib import Path

import lark
import pytest
from conftest import REPO

from esirules.language import tables


def test_the_shipped_tables_are_those_of_the_grammar():
    """If this fails, the grammar changed: run `.venv/bin/python -m esirules.language.tables`."""
    assert tables.read_shipped() is not None, "the shipped tables were built from another grammar or Lark"


@pytest.mark.parametrize(
    "path",
    [*sorted((REPO / "esirules" / "rulesets").glob("*.esi")), *sorted((REPO / "docs" / "examples" / "language").glob("*.esi"))],
    ids=lambda p: p.name,
)
def test_the_shipped_tables_parse_as_the_grammar_does(path):
    text = path.read_text(encoding="utf-8")
    assert tables.load_parser("ruleset").parse(text) == built_parser().parse(text)


@functools.cache
def built_parser() -> lark.Lark:
    return tables.build_parser(tables.grammar_text(), "ruleset")


def test_tables_round_trip_exactly():
    built = tables.build(tables.grammar_text())
    assert tables.decode(tables.encode(built)) == built


def test_tables_of_another_grammar_are_not_used():
    assert tables.read_shipped("scale: NAME\n") is None


def test_no_parse_tables_are_written_to_or_read_from_the_temporary_folder():
    """F14: Lark(cache=True) kept a pickle in the shared temporary folder and loaded it on every run;
    another local user could plant one there and run code as the next user."""
    script = (
        "import pickle\n"
        "def refuse(*args, **kwargs): raise AssertionError('a pickle was loaded')\n"
        "pickle.load = pickle.loads = refuse\n"
        "from esirules.language.parse import parse_condition, parse_text\n"
        "tree, errors = parse_text('ruleset \"x\"\\nscale a: b > c\\n', 'x.esi')\n"
        "assert tree is not None and errors == [], errors\n"
        "assert parse_condition('a and not b')[1] == []\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(2):  # the second run would find what the first left behind
            result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env={"TMPDIR": folder},
                                    capture_output=True, text=True, timeout=60, check=False)
            assert result.returncode == 0, result.stderr
        assert list(Path(folder).iterdir()) == []
