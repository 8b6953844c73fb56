"""Large CSV files named by an evidence file (`cases: big.csv`, or a list of them) are scored in
batches too, and give what reading the evidence file whole gives: the sheet, its content hash,
every warning and every error, case ids used in two files included (evidence/load.py
`load_or_defer`, scoring/stream.py `score_named_in_batches`).

As in test_stream.py, each test runs the command line on the same files read whole and read in
batches of a few rows (the size from which files are read in batches set to 0).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_stream import BAD_FILES, RULESET, both_ways, generated, write

import esirules.evidence.stream as stream
from esirules.diagnostics import DiagnosticError
from esirules.evidence.load import Deferred, load_or_defer
from esirules.evidence.sheet import ColumnSpec
from esirules.language.check import load_ruleset
from esirules.scoring.columns import Scorer

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "hertfordshire"
FOLLOWUP = yaml.safe_load((EXAMPLES / "followup.yaml").read_text(encoding="utf-8"))


def evidence_file(folder: Path, cases: object, **more: object) -> str:
    """An evidence file of the benchmark's ruleset with the follow-up example's ratings, target
    data and adjustments, naming `cases`."""
    data = {"inspection": "Generated", "ruleset": RULESET, "cases": cases, "ratings": FOLLOWUP["ratings"],
            "measures": FOLLOWUP["measures"], "adjustments": FOLLOWUP["adjustments"], **more}
    path = folder / "inspection.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def batched_by_scorer(path: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Which files a scorer for figures reads in batches, when every file may be."""
    monkeypatch.setattr(stream, "STREAM_BYTES", 0)
    scorer = Scorer(batches=True)
    scorer.score([ColumnSpec("all", (path,), None)])
    return list(scorer.batched)


@pytest.mark.parametrize("name", ["followup.yaml", "original.yaml", "summary.yaml"])
def test_the_bundled_inspections_in_batches(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The published figures, whole and in batches, their evidence files naming their cases."""
    for format_ in ("json", "table"):
        whole, batched = both_ways(monkeypatch, 2000, "score", str(EXAMPLES / name), "--format", format_, "--quiet")
        assert whole[0] == 0 and batched == whole
        assert '"hash"' in whole[1] or format_ == "table"


def test_the_scorer_reads_the_named_file_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(EXAMPLES / "followup.yaml")
    assert [evidence for evidence, _ in batched_by_scorer(path, monkeypatch)] == [path]
    found = load_or_defer(path, load_ruleset(str(REPO / "rulesets" / "esi-2004-followup.esi")))
    assert isinstance(found, Deferred) and [Path(p).resolve() for p in found.cases_paths] == [EXAMPLES / "followup-cases.csv"]
    assert len(found.evidence.cases) == 0 and found.evidence.ratings and found.evidence.adjustments


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=BAD_FILES, batch_bytes=st.integers(100, 3000), cuts=st.lists(st.integers(0, 60), max_size=3), listed=st.booleans())
def test_batches_of_named_files_give_what_the_whole_files_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], batch_bytes: int, cuts: list[int], listed: bool
) -> None:
    """Sheet, warnings and errors alike, whatever cells of the named files are wrong (a bad id is
    another case's id, in the same file or another) and however the cases are shared out."""
    header, body = rows[0], rows[1:]
    ends = sorted({min(cut, len(body)) for cut in cuts})
    pieces = [body[a:b] for a, b in zip([0, *ends], [*ends, len(body)])]
    names = [f"cases-{i}.csv" for i in range(len(pieces))]
    for name, piece in zip(names, pieces):
        write(tmp_path / name, [header, *piece])
    path = evidence_file(tmp_path, names if listed or len(names) > 1 else names[0])
    whole, batched = both_ways(monkeypatch, batch_bytes, "score", path, "--format", "json", "--quiet")
    assert batched == whole


def test_errors_in_the_named_file_are_all_reported_with_the_evidence_file_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = generated(300, 3)
    rows[290][rows[0].index("B1.start")] = "maybe"
    rows[299][0] = rows[3][0]  # a case id used at line 4 too
    write(tmp_path / "cases.csv", rows)
    path = evidence_file(tmp_path, "cases.csv")
    whole, batched = both_ways(monkeypatch, 2500, "score", path, "--quiet")
    assert batched == whole
    code, out, err = batched
    assert code == 1 and out == ""
    assert "cases.csv:291:" in err and "error[E121]" in err and "it is also at line 4;" in err


@pytest.mark.parametrize(
    "more",
    [
        {"carried_forward": []},  # whether a level carried forward was inspected this time needs the cases
        {"ratingz": {}},  # a problem in the evidence file: read whole, which reports every problem
    ],
)
def test_what_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, more: dict[str, object]) -> None:
    write(tmp_path / "cases.csv", generated(40, 1))
    path = evidence_file(tmp_path, "cases.csv", **more)
    monkeypatch.setattr(stream, "STREAM_BYTES", 0)
    assert not isinstance(_loaded(path), Deferred)
    whole, batched = both_ways(monkeypatch, 500, "score", path, "--format", "json", "--quiet")
    assert batched == whole


def _loaded(path: str) -> object:
    try:
        return load_or_defer(path, load_ruleset(RULESET))
    except Exception as error:  # (a problem in the evidence file is raised by the whole read)
        return error


def test_case_ids_used_in_two_files_are_reported_as_a_whole_read_reports_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = generated(60, 2)
    write(tmp_path / "a.csv", rows[:31])
    later = [rows[0], *rows[31:], rows[3], rows[5]]  # cases of a.csv again, at its lines 4 and 6
    write(tmp_path / "b.csv", later)
    path = evidence_file(tmp_path, ["a.csv", "b.csv", "a.csv"])  # and a.csv named twice
    assert [evidence for evidence, _ in batched_by_scorer_if_clean(path, monkeypatch)] == []
    whole, batched = both_ways(monkeypatch, 500, "score", path, "--quiet")
    assert batched == whole
    assert batched[0] == 1 and "32 errors found" in batched[2]  # two in b.csv; every case of a.csv again
    monkeypatch.setattr(stream, "STREAM_BYTES", 0)
    with pytest.raises(DiagnosticError) as raised:
        Scorer(batches=True).score([ColumnSpec("all", (path,), None)])
    helps = [(d.span.file, d.help) for d in raised.value.diagnostics if d.code == "E110"]
    first = str(tmp_path / "a.csv")
    assert [h for f, h in helps if f.endswith("b.csv")] == [
        f"it is also at line {line} of `{first}`; give each case its own id" for line in (4, 6)
    ]
    assert len([h for f, h in helps if f == first and "of `" not in (h or "")]) == 30
    write(tmp_path / "b.csv", [rows[0], *rows[31:]])
    path = evidence_file(tmp_path, ["a.csv", "b.csv"])
    assert [evidence for evidence, _ in batched_by_scorer(path, monkeypatch)] == [path]
    whole, batched = both_ways(monkeypatch, 500, "score", path, "--format", "json", "--quiet")
    assert batched == whole and whole[0] == 0


def batched_by_scorer_if_clean(path: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    try:
        return batched_by_scorer(path, monkeypatch)
    except Exception:  # (a file with problems: the scorer reports them, and keeps nothing)
        return []


def test_cases_written_in_the_evidence_file_are_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = generated(40, 2)
    write(tmp_path / "a.csv", rows[:20])
    inline = [
        {**{k: v for k, v in zip(rows[0], row) if "." not in k and v},
         "answers": {k: v for k, v in zip(rows[0], row) if "." in k and v}}
        for row in rows[20:]
    ]
    path = evidence_file(tmp_path, ["a.csv", *inline])
    assert batched_by_scorer(path, monkeypatch) == []
    whole, batched = both_ways(monkeypatch, 500, "score", path, "--format", "json", "--quiet")
    assert batched == whole


def test_a_small_named_file_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "cases.csv", generated(40, 4))
    path = evidence_file(tmp_path, "cases.csv")
    monkeypatch.setattr(stream, "STREAM_BYTES", (tmp_path / "cases.csv").stat().st_size + 1)
    assert not isinstance(load_or_defer(path, load_ruleset(RULESET)), Deferred)
    monkeypatch.setattr(stream, "STREAM_BYTES", (tmp_path / "cases.csv").stat().st_size)
    assert isinstance(load_or_defer(path, load_ruleset(RULESET)), Deferred)


def test_the_evidence_file_s_facts_reach_every_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A question that applies by a fact of the inspection (`applies when ... and not breach`) is
    counted in every batch with the fact the evidence file records."""
    from test_facts import CASES, FACTS, RATINGS

    (tmp_path / "r.esi").write_text(FACTS, encoding="utf-8")
    rows = [["id", "risk", "B1.a", "B1.b"], *([c["id"], c["risk"], c["answers"].get("B1.a", ""), c["answers"].get("B1.b", "")] for c in CASES)]
    write(tmp_path / "cases.csv", [*rows, *([f"d{i}", "high", "yes", "yes"] for i in range(40))])
    sheets = []
    for breach in ("yes", "no"):
        evidence = {"ruleset": "r.esi", "facts": {"breach": breach, "safeguarding": "effective"}, "ratings": RATINGS,
                    "cases": "cases.csv"}
        path = tmp_path / "inspection.yaml"
        path.write_text(yaml.safe_dump(evidence), encoding="utf-8")
        whole, batched = both_ways(monkeypatch, 60, "score", str(path), "--format", "json", "--quiet")
        assert batched == whole and whole[0] == 0
        sheets.append(whole[1])
    assert sheets[0] != sheets[1]  # (the fact changes a figure)
