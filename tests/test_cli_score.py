"""`esirules score` end to end: invalid evidence gives located diagnostics, exit 1 and no output."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "evidence"
FOLLOWUP_RULESET = ROOT / "rulesets" / "esi-2004-followup.esi"


def esirules(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "esirules.cli.main", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _evidence(tmp_path: Path, cases_csv: str, extra: str = "") -> Path:
    """A follow-up inspection file with the given case table, beside a copy of the rulesets."""
    for name in ("esi-2003.esi", "esi-2004-followup.esi"):
        shutil.copy(ROOT / "rulesets" / name, tmp_path / name)
    (tmp_path / "cases.csv").write_text(cases_csv, encoding="utf-8")
    evidence = tmp_path / "inspection.yaml"
    evidence.write_text(
        "inspection: test\nruleset: esi-2004-followup.esi\ncases: cases.csv\n" + extra, encoding="utf-8"
    )
    return evidence


GOOD_ROW = "F01,february,low,cro,no,no,no,no,no,yes,yes\n"
HEADER = (
    "id,sample,risk_of_harm,order_type,mappa,child_protection,sex_offender,domestic_violence,"
    "significant_incident,B1.start,B2.instrument\n"
)

# Each kind of invalid evidence: the CSV rows or YAML extra, the code, a message fragment, the line.
INVALID = {
    "unknown question": (HEADER.replace("B2.instrument", "B2.instrumnet") + GOOD_ROW, "", "E120", "B2.instrumnet", 1),
    "answer not on the scale": (HEADER + GOOD_ROW.replace("yes,yes", "yes,perhaps"), "", "E121", "perhaps", 2),
    "invalid attribute": (HEADER + GOOD_ROW.replace("low", "lowish"), "", "E114", "lowish", 2),
    "missing attribute": (HEADER + GOOD_ROW.replace("low", ""), "", "E113", "risk_of_harm", 2),
    "duplicate case": (HEADER + GOOD_ROW + GOOD_ROW, "", "E110", "F01", 3),
    "unknown sample": (HEADER + GOOD_ROW.replace("february", "march"), "", "E111", "march", 2),
    "answer in a section the sample leaves out": (
        HEADER.replace("B2.instrument", "D2.reintegration") + GOOD_ROW.replace("february", "september"),
        "",
        "E123",
        "section D does not apply",
        2,
    ),
    "adjustment not allowed": (
        HEADER + GOOD_ROW,
        "adjustments:\n  - {criterion: B1, grade: Partly met, by: Lead inspector, reason: context}\n",
        "E151",
        "B1",
        5,
    ),
    "adjustment without a reason": (
        HEADER + GOOD_ROW,
        "adjustments:\n  - {criterion: A2, grade: Well met, by: Lead inspector}\n",
        "E153",
        "reason",
        5,
    ),
    "unknown item": (HEADER + GOOD_ROW, "ratings:\n  A2.yardstik: strong\n", "E130", "A2.yardstik", 5),
}


@pytest.mark.parametrize("kind", sorted(INVALID))
@pytest.mark.parametrize("output", ["table", "json"])
def test_invalid_evidence_is_located_and_nothing_is_written(tmp_path, kind, output):
    cases, extra, code, fragment, line = INVALID[kind]
    evidence = _evidence(tmp_path, cases, extra)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = esirules("score", str(evidence), "--format", output)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""  # no partial sheet, no partial JSON
    assert "Traceback" not in result.stderr
    assert set(re.findall(r"error\[(\w+)\]", result.stderr)) == {code}
    assert fragment in result.stderr
    assert f":{line}:" in result.stderr  # file:line:column of the problem
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no file was written


def test_the_valid_row_used_above_scores(tmp_path):
    result = esirules("score", str(_evidence(tmp_path, HEADER + GOOD_ROW)), "--sample", "february", "--format", "json")
    assert result.returncode == 0, result.stderr
    criteria = json.loads(result.stdout)["columns"][0]["criteria"]
    assert criteria["B2"]["display"] == "100%"  # the one B2 answer is yes


def test_every_problem_is_reported_in_one_run(tmp_path):
    rows = HEADER + GOOD_ROW.replace("low", "lowish") + GOOD_ROW.replace("F01", "F02").replace("yes,yes", "yes,maybe")
    evidence = _evidence(tmp_path, rows, "ratings:\n  A2.yardstik: strong\n")
    result = esirules("score", str(evidence))
    assert result.returncode == 1
    for code in ("E114", "E121", "E130"):
        assert f"[{code}]" in result.stderr


def test_ruleset_reference_that_does_not_resolve(tmp_path):
    evidence = tmp_path / "inspection.yaml"
    evidence.write_text("inspection: x\nruleset: nowhere.esi\ncases: []\n", encoding="utf-8")
    result = esirules("score", str(evidence))
    assert result.returncode == 1
    assert "[E105]" in result.stderr and "nowhere.esi" in result.stderr
    assert result.stdout == ""


def test_unknown_sample_on_the_command_line(tmp_path):
    evidence = _evidence(tmp_path, HEADER + GOOD_ROW)
    result = esirules("score", str(evidence), "--sample", "autumn")
    assert result.returncode == 1
    assert "autumn" in result.stderr and "february" in result.stderr
    # Located on the command line as typed, with the sample name underlined.
    line = f"esirules score {evidence} --sample autumn"
    column = line.index("autumn") + 1
    assert f"<command line>:1:{column}" in result.stderr
    assert " " * (column - 1) + "^^^^^^" in result.stderr


def test_a_sheet_of_one_inspection_is_headed_by_its_title(tmp_path):
    evidence = _evidence(tmp_path, HEADER + GOOD_ROW).read_text(encoding="utf-8")
    (tmp_path / "inspection.yaml").write_text(evidence.replace("inspection: test", "inspection: Anyshire 2004"))
    result = esirules("score", str(tmp_path / "inspection.yaml"), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Anyshire 2004\n")
    titled = esirules("score", str(tmp_path / "inspection.yaml"), "--format", "markdown", "--title", "Mine")
    assert titled.stdout.startswith("# Mine\n")


def test_bad_usage_exits_2():
    assert esirules("score").returncode == 2
    assert esirules("score", "x.yaml", "--format", "pdf").returncode == 2


def test_samples_side_by_side_and_merged_batches(tmp_path):
    """Two samples as two columns; two halves of a case table merged equal the whole table."""
    example = ROOT / "examples" / "hertfordshire"
    side_by_side = esirules(
        "score", str(example / "followup.yaml"), "--sample", "february", "--sample", "september", "--format", "json"
    )
    assert side_by_side.returncode == 0, side_by_side.stderr
    columns = json.loads(side_by_side.stdout)["columns"]
    assert [c["label"] for c in columns] == ["february", "september"]
    assert columns[0]["criteria"]["B1"]["display"] == "33%"  # published Feb figure
    assert columns[1]["criteria"]["B1"]["display"] == "79%"  # published Sept figure

    lines = (example / "followup-cases.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    (tmp_path / "a.csv").write_text(header + "".join(rows[::2]), encoding="utf-8")
    (tmp_path / "b.csv").write_text(header + "".join(rows[1::2]), encoding="utf-8")
    ruleset = str(FOLLOWUP_RULESET)
    whole = esirules("score", str(example / "followup-cases.csv"), "--ruleset", ruleset, "--format", "json")
    merged = esirules(
        "score", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "--merge", "--ruleset", ruleset, "--format", "json"
    )
    assert whole.returncode == 0 and merged.returncode == 0, merged.stderr
    whole_column = json.loads(whole.stdout)["columns"][0]
    merged_column = json.loads(merged.stdout)["columns"][0]
    for key in ("criteria", "sections", "overall"):
        assert merged_column[key] == whole_column[key]
