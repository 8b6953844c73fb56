"""Cases in JSON evidence: the msgspec fast path (json_cases) and the exact YAML-node path give the same evidence, or the same diagnostics.

The exact path is forced by making `read_json_cases` give None. Every difference in the files
below (an unknown field, a field given twice, a number, a control character, a bad answer, a
pretty-printed file) must either be read identically by both or be refused with identical
diagnostics, and a plain file must really take the fast path.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esirules.diagnostics import DiagnosticError
from esirules.evidence import json_cases, load
from esirules.evidence.cases import Evidence
from esirules.evidence.load import load_evidence
from esirules.language.check import load_ruleset

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from generate import RULESET, generate  # noqa: E402

RULES = load_ruleset(RULESET)


class Spy:
    """Counts the files fast readers read (by default the JSON scanner; each given as its module
    and function, replaced where it is called from); `exact()` turns them off."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *readers: tuple[Any, str]):
        self.fast = 0
        self.monkeypatch = monkeypatch
        self.readers = readers or ((json_cases, "read_json_cases"),)
        for module, name in self.readers:
            monkeypatch.setattr(module, name, self._spy(getattr(module, name)))

    def _spy(self, real: Any) -> Any:
        def spy(*args: Any, **options: Any) -> Any:
            found = real(*args, **options)
            self.fast += found is not None
            return found

        return spy

    def exact(self) -> None:
        for module, name in self.readers:
            self.monkeypatch.setattr(module, name, lambda *args, **options: None)


def outcome(path: Path, rules: Any = RULES) -> Evidence | list[tuple[str, str, str, int, int, str | None]]:
    """The evidence a file gives, or its diagnostics."""
    try:
        return load_evidence(str(path), rules)
    except DiagnosticError as error:
        return [(d.code, d.severity, d.message, d.span.line, d.span.column, d.help) for d in error.diagnostics]


def assert_same(fast: Any, exact: Any) -> None:
    if isinstance(exact, list):
        assert fast == exact
        return
    assert isinstance(fast, Evidence) and isinstance(exact, Evidence)
    assert fast.cases.same_as(exact.cases)
    assert list(fast.cases.locations) == list(exact.cases.locations)
    for field in attrs.fields(Evidence):
        if field.name != "cases":
            assert getattr(fast, field.name) == getattr(exact, field.name), field.name
    assert [w.diagnostic() for w in fast.warnings] == [w.diagnostic() for w in exact.warnings]


def both(
    path: Path, monkeypatch: pytest.MonkeyPatch, *readers: tuple[Any, str], rules: Any = RULES
) -> tuple[Any, Any, int]:
    """The outcome read with the fast readers allowed, how many files they read, and read exactly."""
    with monkeypatch.context() as patched:
        spy = Spy(patched, *readers)
        fast = outcome(path, rules)
        taken = spy.fast
        spy.exact()
        return fast, outcome(path, rules), taken


@pytest.fixture(scope="module")
def inspection(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A generated inspection of 300 cases, as its JSON document."""
    paths = generate(str(tmp_path_factory.mktemp("gen")), 300, seed=3)
    document: dict[str, Any] = json.loads(Path(paths["json"]).read_text(encoding="utf-8"))
    document["ruleset"] = RULESET
    return document


@pytest.mark.parametrize("indent", [None, 2])
def test_a_generated_inspection_takes_the_fast_path_and_reads_the_same(
    inspection: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indent: int | None
) -> None:
    path = tmp_path / "inspection.json"
    path.write_text(json.dumps(inspection, indent=indent), encoding="utf-8")
    fast, exact, taken = both(path, monkeypatch)
    assert taken == 1
    assert isinstance(exact, Evidence) and len(exact.cases) == 300
    assert_same(fast, exact)
    if indent:  # cases on lines of their own: each case's line is its own
        assert len({location.line for location in exact.cases.locations}) == 300


def test_the_examples_cases_read_the_same_inline_in_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled follow-up example's cases (its CSV file), written inline in a JSON file with its ratings."""
    example = load_evidence(str(REPO / "examples" / "hertfordshire" / "followup.yaml"), RULES)
    attributes = {a.name for a in RULES.attributes}
    with open(REPO / "examples" / "hertfordshire" / "followup-cases.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cases = []
    for row in rows:
        case: dict[str, Any] = {k: v for k, v in row.items() if (k in ("id", "sample") or k in attributes) and v}
        case["answers"] = {k: v for k, v in row.items() if k not in case and k not in attributes and v}
        cases.append(case)
    path = tmp_path / "followup.json"
    path.write_text(json.dumps({"ruleset": RULESET, "cases": cases, "ratings": example.ratings}), encoding="utf-8")
    fast, exact, taken = both(path, monkeypatch)
    assert taken == 1 and isinstance(exact, Evidence) and exact.cases.same_as(example.cases)
    assert_same(fast, exact)


FIELDS = ("id", "sample", "risk_of_harm", "order_type", "mappa", "answers", "Risk_Of_Harm", "unknown", "B1.start")
VALUES = ("C1", "C2", "february", "september", "low", "medium", "yes", "no", "partly", "n/a", "", None, 3,
          True, "a\u0007b", "caf\u00e9", "x\ty", "Feb", "maybe", "C 2")


@st.composite
def documents(draw: st.DrawFn, inspection: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Cases of the generated inspection with a few changes; and text edits to make after dumping."""
    cases = [dict(case, answers=dict(case["answers"])) for case in inspection["cases"][: draw(st.integers(0, 12))]]
    edits: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        if not cases:
            break
        case = draw(st.sampled_from(cases))
        change = draw(st.sampled_from(["set", "drop", "answer", "twice", "answers"]))
        if change == "set":
            case[draw(st.sampled_from(FIELDS))] = draw(st.sampled_from(VALUES))
        elif change == "drop" and len(case) > 1:
            del case[draw(st.sampled_from(sorted(case)))]
        elif change == "answer" and isinstance(case.get("answers"), dict) and case["answers"]:
            case["answers"][draw(st.sampled_from(sorted(case["answers"])))] = draw(st.sampled_from(VALUES))
        elif change == "twice":
            edits.append(case["id"] if isinstance(case.get("id"), str) else "")
        elif change == "answers":
            case["answers"] = draw(st.sampled_from([None, [], "yes", {}]))
    document = {key: value for key, value in inspection.items() if key != "cases"}
    document["cases"] = cases
    return document, edits


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), indent=st.sampled_from([None, 1]))
def test_changed_files_read_the_same_or_are_refused_the_same(
    inspection: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    data: st.DataObject,
    indent: int | None,
) -> None:
    document, edits = data.draw(documents(inspection))
    text = json.dumps(document, indent=indent)
    for case in edits:  # a field given twice: `"id":"C1"` becomes `"id":"C1","id":"C1"`
        written = json.dumps({"id": case})[1:-1]
        text = text.replace(written, f"{written},{written}", 1)
    path = tmp_path_factory.mktemp("json") / "evidence.json"
    path.write_text(text, encoding="utf-8")
    with monkeypatch.context() as patch:
        fast, exact, _ = both(path, patch)
    assert_same(fast, exact)


def _variant(inspection: dict[str, Any], change: str) -> str:
    """The generated inspection's first three cases, changed as the scanner must notice."""
    cases = [dict(case, answers=dict(case["answers"])) for case in inspection["cases"][:3]]
    document = {"inspection": "Inspección ünicode", **{k: v for k, v in inspection.items() if k != "cases"}}
    document["cases"] = cases
    if change == "answers empty at the end":
        cases[-1]["answers"] = {}
    elif change == "answers null at the end":
        cases[-1]["answers"] = None
    elif change == "answers first":
        cases[0] = {"answers": cases[0].pop("answers"), **cases[0]}
    elif change == "an empty case":
        cases.insert(1, {})
    elif change == "a file name in the list":
        return json.dumps({**document, "cases": ["cases.csv", *cases]})
    elif change == "a list as a value":
        cases[1]["sample"] = ["a"]  # type: ignore[assignment]
    elif change == "answers as text":
        cases[1]["answers"] = "yes"  # type: ignore[assignment]
    elif change == "non-ASCII values":
        cases[0]["id"], cases[2]["id"] = "Café-1", "Ωμέγα"
        return json.dumps(document, ensure_ascii=False, indent=1)
    elif change == "a line separator in a value":  # (a line break to YAML)
        cases[1]["sample"] = "févr\u2028ier"
        return json.dumps(document, ensure_ascii=False, indent=1)
    elif change == "a space before a colon":
        return json.dumps(document).replace('"sample":', '"sample" :', 1)
    elif change == "an attribute under answers":
        cases[1]["answers"]["risk_of_harm"] = "low"
    elif change == "a question as an attribute":
        cases[1]["B1.start"] = "yes"
    elif change == "cases last, on one line":
        document = {k: v for k, v in document.items() if k != "cases"} | {"cases": cases}
        return json.dumps(document, ensure_ascii=False)
    elif change == "braces in values":
        cases[0]["id"], cases[1]["id"] = "C{1}", "C},{2"
    elif change == "a rating misspelt after the cases":
        document["ratings"] = {**document.get("ratings", {}), "A1.visibilty": "good"}
    return json.dumps(document, ensure_ascii=False, indent=None if "one line" in change else 2)


CHANGES = (
    "none", "answers empty at the end", "answers null at the end", "answers first", "an empty case",
    "a file name in the list", "a list as a value", "answers as text", "non-ASCII values", "a line separator in a value", "a space before a colon",
    "an attribute under answers", "a question as an attribute", "cases last, on one line", "braces in values",
    "a rating misspelt after the cases",
)


@pytest.mark.parametrize("change", CHANGES)
def test_the_scanner_reads_the_same_or_leaves_the_file_to_the_exact_path(
    inspection: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    path = tmp_path / "evidence.json"
    path.write_text(_variant(inspection, change), encoding="utf-8")
    fast, exact, taken = both(path, monkeypatch)
    assert_same(fast, exact)
    if change in ("none", "answers empty at the end", "answers null at the end", "answers first",
                  "cases last, on one line", "braces in values", "non-ASCII values"):
        assert taken == 1 and isinstance(fast, Evidence)


def test_a_plain_file_over_the_evidence_file_limit_is_read_and_any_other_refused(
    inspection: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain JSON cases are read up to MAX_PLAIN_DOCUMENT_BYTES; a file over MAX_DOCUMENT_BYTES that
    is not plain is refused (E109) as before, since the exact path would keep a node per value."""
    from esirules.evidence import document

    plain, unknown = tmp_path / "plain.json", tmp_path / "unknown.json"
    plain.write_text(json.dumps(inspection), encoding="utf-8")
    changed = dict(inspection, cases=[dict(inspection["cases"][0], unknown="x"), *inspection["cases"][1:]])
    unknown.write_text(json.dumps(changed), encoding="utf-8")
    expected = load_evidence(str(plain), RULES)
    monkeypatch.setattr(document, "MAX_DOCUMENT_BYTES", 10_000)
    assert plain.stat().st_size > 10_000
    assert_same(load_evidence(str(plain), RULES), expected)
    refused = outcome(unknown)
    assert isinstance(refused, list) and [d[0] for d in refused] == ["E109"]
    assert "is larger than the 10000 bytes an evidence file may be" in refused[0][2]


@pytest.mark.parametrize("change", ["none", "answers empty at the end", "non-ASCII values", "an empty case"])
def test_pieces_numbered_by_pyarrow_read_the_same(
    inspection: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """Large files number their pieces with pyarrow, small ones in Python: here pyarrow for all."""
    from esirules.evidence import triples

    monkeypatch.setattr(triples, "SMALL_BYTES", 0)
    path = tmp_path / "evidence.json"
    path.write_text(_variant(inspection, change), encoding="utf-8")
    fast, exact, taken = both(path, monkeypatch)
    assert_same(fast, exact)
    assert taken == (change != "an empty case")


def test_both_ways_of_numbering_pieces_agree() -> None:
    import numpy as np

    from esirules.evidence import triples

    region = memoryview(b"abcab\xc3\xa9abab")
    offsets = np.array([0, 2, 3, 5, 7, 9, 11], dtype=np.int32)
    small = triples.number_pieces(region, offsets)
    triples.SMALL_BYTES, saved = 0, triples.SMALL_BYTES
    try:
        large = triples.number_pieces(region, offsets)
    finally:
        triples.SMALL_BYTES = saved
    assert small[0].tolist() == large[0].tolist()
    assert small[1] == large[1]
    assert [small[1][k] for k in small[0]] == [b"ab", b"c", b"ab", b"\xc3\xa9", b"ab", b"ab"]


@pytest.mark.parametrize("ruleset", ["named on the command line", "named in the file"])
def test_scoring_a_json_file_reads_and_decodes_it_once(
    inspection: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    ruleset: str,
) -> None:
    """`esirules score` first looks at a file's fields to tell a summary sheet from evidence, then
    (without `--ruleset`) reads the ruleset it names, then loads it: the bytes and the fields
    found the first time serve the others."""
    import msgspec

    from esirules import files
    from esirules.cli.main import main

    path = tmp_path / "inspection.json"
    path.write_text(json.dumps(inspection), encoding="utf-8")
    reads: list[str] = []
    real_read = files.read_limited

    def read(p: str, limit: int = -1) -> bytes:
        reads.append(p)
        return real_read(p, limit)

    monkeypatch.setattr(files, "read_limited", read)
    decodes: list[int] = []
    real_decode = msgspec.json.decode

    def decode(data: Any, **options: Any) -> Any:
        decodes.append(len(data))
        return real_decode(data, **options)

    monkeypatch.setattr(msgspec.json, "decode", decode)
    spy = Spy(monkeypatch)
    monkeypatch.setattr(load, "FAST_PATH_BYTES", 0)  # (as for a file of 1 MB or more)
    option = ["--ruleset", RULESET] if ruleset == "named on the command line" else []
    assert main(["score", str(path), *option, "--format", "json", "--quiet"]) == 0
    assert spy.fast == 1
    assert reads.count(str(path)) == 1
    assert decodes == [path.stat().st_size]
    assert json.loads(capsys.readouterr().out)["columns"]


def test_a_file_kept_is_taken_by_the_next_read_alone(tmp_path: Path) -> None:
    from esirules.files import InputFiles

    path = tmp_path / "a.json"
    path.write_bytes(b"one")
    reader = InputFiles()
    assert reader.read(str(path), 10, keep=True) == b"one"
    path.write_bytes(b"two")
    assert reader.read(str(path), 99) == b"two"  # (another limit: not the read kept for)
    assert reader.read(str(path), 10) == b"one"  # the kept bytes, taken
    assert reader.read(str(path), 10) == b"two"  # read again


@pytest.mark.parametrize("kind", ["json", "yaml"])
@pytest.mark.parametrize("named", ["the ruleset", "a missing file", "not a ruleset"])
def test_the_ruleset_a_large_file_names_is_read_beside_its_cases(
    inspection: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, named: str
) -> None:
    """A large JSON or YAML file's `ruleset:` is read from the file with its cases cut out (the
    exact reading composes every case); what it finds, problems included, is what the exact
    reading finds, and a file over the size of a document read whole (64 MB) is read too."""
    import yaml

    from esirules.evidence import document
    from esirules.evidence.load import read_ruleset_reference

    reference = {"the ruleset": RULESET, "a missing file": "missing.esi", "not a ruleset": "rules.txt"}[named]
    path = tmp_path / f"inspection.{kind}"
    written = inspection | {"ruleset": reference}
    path.write_text(json.dumps(written, indent=1) if kind == "json" else yaml.safe_dump(written), encoding="utf-8")
    monkeypatch.setattr(load, "FAST_PATH_BYTES", 0)  # (the cut is for files of 1 MB or more)

    def found() -> str | list[tuple[str, str, int, int, str | None]]:
        try:
            return os.path.realpath(str(read_ruleset_reference(str(path))))
        except DiagnosticError as error:
            return [(d.code, d.message, d.span.line, d.span.column, d.help) for d in error.diagnostics]

    composed: list[str] = []
    real = load.read_document

    def read_document(*args: Any, **options: Any) -> Any:
        composed.append(args[0])
        return real(*args, **options)

    monkeypatch.setattr(load, "read_document", read_document)
    beside = found()
    assert composed == ([] if named == "the ruleset" else [str(path)])  # (a problem: read again, whole)
    monkeypatch.setattr(load, "_plain_root", lambda *a: None)
    assert beside == found()
    if named == "the ruleset":
        assert beside == os.path.realpath(RULESET)
        monkeypatch.undo()
        monkeypatch.setattr(load, "FAST_PATH_BYTES", 0)
        monkeypatch.setattr(document, "MAX_DOCUMENT_BYTES", 1000)  # (the file is larger)
        assert found() == os.path.realpath(RULESET)
        monkeypatch.setattr(load, "_plain_root", lambda *a: None)
        assert found()[0][0] == "E109"  # (read whole, it is refused)
