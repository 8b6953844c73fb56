"""Property: any mutation of a real ruleset gives a model or located diagnostics, never a crash."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esirules.diagnostics import Diagnostic
from esirules.language.check import check_text
from esirules.render.diagnostics import render_json, render_text

BUNDLED = sorted((REPO / "esirules" / "rulesets").glob("*.esi"))
SOURCES = {path.name: path.read_bytes() for path in BUNDLED}
IDENTIFIER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copies of the bundled rulesets, so that a mutant's `extends` is read from here."""
    here = tmp_path_factory.mktemp("mutants")
    for path in BUNDLED:
        shutil.copy(path, here / path.name)
    return here


def _pick(items: list, index: int):  # type: ignore[no-untyped-def,type-arg]
    return items[index % len(items)] if items else None


def delete_line(data: bytes, n: int, _: bytes) -> bytes:
    lines = data.split(b"\n")
    del lines[n % len(lines)]
    return b"\n".join(lines)


def duplicate_line(data: bytes, n: int, _: bytes) -> bytes:
    lines = data.split(b"\n")
    i = n % len(lines)
    return b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])


def _tokens(data: bytes) -> tuple[list[bytes], list[int]]:
    """The text split on whitespace, keeping the whitespace; and the indexes of the words."""
    parts = re.split(rb"(\s+)", data)
    return parts, [i for i, part in enumerate(parts) if part and not part.isspace()]


def swap_tokens(data: bytes, n: int, extra: bytes) -> bytes:
    parts, words = _tokens(data)
    a, b = _pick(words, n), _pick(words, n + 1 + len(extra) * 7)
    if a is None or b is None:
        return data
    parts[a], parts[b] = parts[b], parts[a]
    return b"".join(parts)


def delete_token(data: bytes, n: int, _: bytes) -> bytes:
    parts, words = _tokens(data)
    i = _pick(words, n)
    if i is not None:
        parts[i] = b""
    return b"".join(parts)


def rename_reference(data: bytes, n: int, extra: bytes) -> bytes:
    """Replace one identifier with a near miss: a letter dropped, doubled, swapped or changed."""
    match = _pick(list(IDENTIFIER.finditer(data)), n)
    if match is None:
        return data
    name = bytearray(match.group())
    at = (extra[0] if extra else n) % len(name)
    how = n % 4
    if how == 0 and len(name) > 1:
        del name[at]
    elif how == 1:
        name.insert(at, name[at])
    elif how == 2 and at + 1 < len(name):
        name[at], name[at + 1] = name[at + 1], name[at]
    else:
        name[at] = ord("x") if name[at] != ord("x") else ord("y")
    return data[: match.start()] + bytes(name) + data[match.end() :]


def insert_bytes(data: bytes, n: int, extra: bytes) -> bytes:
    at = n % (len(data) + 1)
    return data[:at] + extra + data[at:]


MUTATIONS = [delete_line, duplicate_line, swap_tokens, delete_token, rename_reference, insert_bytes]

mutation = st.tuples(
    st.sampled_from(MUTATIONS), st.integers(min_value=0, max_value=2**20), st.binary(min_size=1, max_size=6)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(SOURCES)), mutations=st.lists(mutation, min_size=1, max_size=3))
def test_mutants_give_a_model_or_located_diagnostics(folder, name, mutations):
    data = SOURCES[name]
    for mutate, n, extra in mutations:
        data = mutate(data, n, extra)
    path = folder / f"mutant-{name}"
    path.write_bytes(data)
    checked = check_text(data, str(path), {})
    errors = [d for d in checked.diagnostics if d.severity == "error"]
    assert (checked.ruleset is None) == bool(errors)
    for diagnostic in checked.diagnostics:
        assert diagnostic.message
        assert Path(diagnostic.span.file).parent == folder
        assert_inside(diagnostic, checked.sources.get(diagnostic.span.file), data)
    render_text(checked.diagnostics, checked.sources)
    render_json(checked.diagnostics)


def assert_inside(diagnostic: Diagnostic, text: str | None, data: bytes) -> None:
    """The span starts and ends inside the file: on one of its lines, at most one column past
    the end of that line (a point at the end of a line or of the file)."""
    span = diagnostic.span
    if text is None:  # not decoded (S001, S002): the span points at a byte, columns count bytes
        lines = [len(line) for line in data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")]
    else:
        lines = [len(line) for line in text.split("\n")]
    assert 1 <= span.line <= span.end_line <= len(lines), diagnostic
    assert 1 <= span.column <= lines[span.line - 1] + 1, diagnostic
    assert 1 <= span.end_column <= lines[span.end_line - 1] + 2, diagnostic
    assert span.end_line > span.line or span.end_column >= span.column, diagnostic


def test_the_unmutated_rulesets_check(folder):
    for name, data in SOURCES.items():
        checked = check_text(data, str(folder / name), {})
        assert checked.ruleset is not None, [str(d.span) + " " + d.message for d in checked.diagnostics]
