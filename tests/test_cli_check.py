"""`esirules check` as a user runs it: a process, its exit code, stdout and stderr."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

LOCATION = re.compile(r"  --> (?P<file>.+?):(?P<line>\d+):(?P<column>\d+)$", re.MULTILINE)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "esirules.cli.main", "check", *args],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


PRELUDE = 'ruleset "x" version "1"\nscale answer: yes > no\nanswers on answer, met when yes\n'
FLAG = 'ruleset "x"\nattribute a: yes or no\n'
DUPLICATES = PRELUDE + 'section B "b" {\n  criterion B1 "c" { question B1.1 "q" }\n  criterion B1 "d" { question B1.2 "q" }\n}\n'


def _cycle(tmp_path: Path) -> list[str]:
    write(tmp_path, "cycle_b.esi", 'ruleset "b"\nextends "cycle_a.esi"\n')
    return [write(tmp_path, "cycle_a.esi", 'ruleset "a"\nextends "cycle_b.esi"\n')]


# Each bad input: the code it must produce, and how to write the files to check.
BAD = {
    "empty file": ("R001", lambda d: [write(d, "empty.esi", "")]),
    "binary bytes": ("S001", lambda d: [write(d, "binary.esi", bytes(range(256)) * 4)]),
    "invalid UTF-8": ("S002", lambda d: [write(d, "latin1.esi", 'ruleset "caf\xe9"\n'.encode("latin-1"))]),
    "10 MB": ("S005", lambda d: [write(d, "big.esi", 'ruleset "x"\n' + ("# " + "x" * 1021 + "\n") * 10_240)]),
    "deep not": ("R041", lambda d: [write(d, "not.esi", FLAG + "exclude cases where " + "not " * 10_000 + "a\n")]),
    "deep and": ("R041", lambda d: [write(d, "and.esi", FLAG + "exclude cases where " + "a and (" * 10_000 + "a"
                                          + ")" * 10_000 + "\n")]),
    "unterminated string": ("S004", lambda d: [write(d, "quote.esi", 'ruleset "x"\ntitle "Effective\n')]),
    "unterminated long text": ("S004", lambda d: [write(d, "long.esi", 'ruleset "x"\ndescription """Two\nlines\n')]),
    "extends cycle": ("R005", _cycle),
    "missing extends target": ("R004", lambda d: [write(d, "orphan.esi", 'ruleset "x"\nextends "gone.esi"\n')]),
    "duplicate ids": ("R010", lambda d: [write(d, "dup.esi", DUPLICATES)]),
    "negative weights": ("R020", lambda d: [write(d, "negative.esi", PRELUDE + 'section B "b" {\n'
                                                  '  criterion B1 "c" weight -1 { question B1.1 "q" }\n}\n')]),
    "all-zero weights": ("R021", lambda d: [write(d, "zero.esi", PRELUDE + 'section B "b" {\n'
                                                  '  criterion B1 "c" weight 0 { question B1.1 "q" }\n'
                                                  '  criterion B2 "d" weight 0 { question B2.1 "q" }\n}\n')]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_a_located_diagnostic(tmp_path, case):
    code, make = BAD[case]
    files = make(tmp_path)
    result = run(*files)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert f"error[{code}]: " in result.stderr
    location = LOCATION.search(result.stderr)
    assert location is not None, result.stderr
    assert int(location["line"]) >= 1 and int(location["column"]) >= 1
    assert Path(location["file"]).suffix == ".esi"
    assert result.stdout == ""


def test_no_arguments_is_bad_usage():
    result = run()
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_bad_usage(tmp_path):
    result = run("--format", "xml", write(tmp_path, "x.esi", 'ruleset "x"\n'))
    assert result.returncode == 2


def test_missing_file(tmp_path):
    missing = str(tmp_path / "nowhere.esi")
    result = run(missing)
    assert result.returncode == 1
    assert "error[R003]: cannot read the ruleset file" in result.stderr
    assert f"  --> {missing}:1:1" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_diagnostic_shows_its_line_underlined_and_its_help(tmp_path):
    path = write(tmp_path, "r.esi", PRELUDE + 'attribute risk_of_harm: ordered low < high\n'
                 'section B "b" { criterion B1 "c" { question B1.1 "q" applies when risk_harm >= high } }\n')
    result = run(path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:6] == [
        "error[R030]: there is no case attribute called `risk_harm`",
        f"  --> {path}:5:67",
        "   |",
        ' 5 | section B "b" { criterion B1 "c" { question B1.1 "q" applies when risk_harm >= high } }',
        "   | " + " " * 66 + "^" * len("risk_harm"),
        "  = help: did you mean `risk_of_harm`?",
    ]
    assert result.stderr.rstrip().endswith("1 error found")


def test_json_format(tmp_path):
    path = write(tmp_path, "dup.esi", DUPLICATES)
    result = run("--format", "json", path)
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    (diagnostic,) = payload["diagnostics"]
    assert diagnostic["code"] == "R010" and diagnostic["severity"] == "error"
    assert diagnostic["location"]["file"] == path
    assert (diagnostic["location"]["line"], diagnostic["location"]["column"]) == (6, 13)
    assert diagnostic["help"].startswith("it was first declared at line 5")


def test_json_format_for_a_good_ruleset(tmp_path):
    path = write(tmp_path, "ok.esi", PRELUDE + 'section B "b" { criterion B1 "c" { question B1.1 "q" } }\n')
    result = run("--format", "json", path)
    assert result.returncode == 0
    payload = json.loads(result.stdout)
    assert payload["ok"] is True and payload["diagnostics"] == []
    assert payload["rulesets"][0]["ruleset"] == "x"


def test_every_problem_of_a_file_in_one_run(tmp_path):
    path = write(tmp_path, "three.esi", PRELUDE + 'section B "b" {\n'
                 '  criterion B1 "c" weight -1 { question B1.1 "q" source nowhere }\n'
                 '  criterion B2 "d" { }\n'
                 "}\n")
    result = run("--format", "json", path)
    assert result.returncode == 1
    found = {(d["code"], d["location"]["line"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert found == {("R020", 5), ("R030", 5), ("R032", 6)}


def test_every_syntax_error_of_a_file_in_one_run(tmp_path):
    path = write(tmp_path, "three.esi", PRELUDE + 'section B "b" {\n'
                 '  criterion B1 "c" weight { question B1.1 "q" }\n'
                 '  criterion B2 "d" { question B2.1 "q" met yes }\n'
                 "  score weighted mean of criteria\n"
                 "}\n")
    result = run(path)
    assert result.returncode == 1
    assert [int(m["line"]) for m in LOCATION.finditer(result.stderr)] == [5, 6, 7]
    assert result.stderr.rstrip().endswith("3 errors found")


def test_several_files_each_reported(tmp_path):
    good = write(tmp_path, "good.esi", 'ruleset "good"\n')
    bad = write(tmp_path, "bad.esi", "")
    result = run(good, bad)
    assert result.returncode == 1
    assert f"{good}: ok" in result.stdout
    assert f"  --> {bad}:1:1" in result.stderr


def test_a_warning_alone_passes(tmp_path):
    path = write(tmp_path, "w.esi", PRELUDE + 'section B "b" { criterion B1 "c" { allows adjustment '
                 'question B1.1 "q" } }\n')
    result = run(path)
    assert result.returncode == 0
    assert "warning[W001]" in result.stderr
    assert f"{path}: ok" in result.stdout


def test_the_bundled_rulesets_check_cleanly():
    rulesets = sorted((REPO / "esirules" / "rulesets").glob("*.esi"))
    assert {"esi-2003.esi", "esi-2004-followup.esi"} <= {p.name for p in rulesets}
    result = run(*(str(p.relative_to(REPO)) for p in rulesets))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok — ") == len(rulesets)


def test_a_number_too_long_is_a_diagnostic_in_json_too(tmp_path):
    """F06: over 4,300 digits `check --format json` printed a traceback and no JSON."""
    path = write(tmp_path, "n.esi", 'ruleset "x" version "1"\nclass critical weight ' + "9" * 4301 + "\n")
    result = run("--format", "json", path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    (diagnostic,) = json.loads(result.stdout)["diagnostics"]
    assert (diagnostic["code"], diagnostic["location"]["line"], diagnostic["location"]["column"]) == ("S006", 2, 23)


def test_a_fifo_is_refused_without_waiting(tmp_path):
    """F12: a FIFO as a ruleset or as the parent it extends blocked `check` forever."""
    fifo = tmp_path / "pipe.esi"
    os.mkfifo(fifo)
    child = write(tmp_path, "child.esi", 'ruleset "c" version "1"\nextends "pipe.esi"\n')
    result = run(str(fifo), child)
    assert result.returncode == 1
    assert "error[R003]" in result.stderr and "error[R004]" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_summary_speaks_of_one_section_and_one_criterion(tmp_path):
    path = write(tmp_path, "one.esi", PRELUDE + 'section B "b" { criterion B1 "c" { question B1.1 "q" } }\n')
    result = run(path)
    assert result.returncode == 0
    assert result.stdout == f"{path}: ok — x 1: 1 section, 1 criterion, 1 question, 0 items; no tests\n"


def test_analysis_in_json_counts_the_profiles_each_rule_grades():
    """`--analysis --format json`: the management grading's rules share out every rating profile
    of its items (no profile graded twice, none left), and each band row takes figures."""
    result = run("--analysis", "--format", "json", "rulesets/esi-2003.esi")
    assert result.returncode == 0, result.stderr
    (ruleset,) = json.loads(result.stdout)["rulesets"]
    (grading,) = ruleset["analysis"]["gradings"]
    assert grading["name"] == "management" and grading["monotone"] == "by form"
    # D3's four items on five ratings: C(8, 4) = 70 profiles; A1's 16 items, eight of weight 2:
    # 24 units of weight at five ratings, C(28, 4) = 20,475.
    sizes = {s["items_of"]: s["profiles"] for s in grading["item_sets"]}
    assert sizes["D3"] == 70 and sizes["A1"] == 20475
    assert grading["profiles"] == sum(sizes.values())
    assert sum(r["taken"] for r in grading["rules"]) == grading["profiles"] and grading["no_grade"] == 0
    assert grading["rules"][0] == {
        "value": "Very well met", "otherwise": False, "line": 157, "taken": 5,
        "first": "4 items (D3) rated all `very strong`",
    }
    (bands,) = ruleset["analysis"]["bands"]
    assert bands["no_band"] == 0 and all(row["taken"] > 0 for row in bands["rows"])


def test_analysis_is_shown_only_when_asked():
    plain = run("rulesets/esi-2003.esi")
    assert "rating profiles" not in plain.stdout
    shown = run("--analysis", "rulesets/esi-2003.esi")
    assert "grading `management` (line 151): 21,211 rating profiles" in shown.stdout


def test_the_summary_says_how_many_tests_there_are_and_what_runs_them(tmp_path):
    body = PRELUDE + 'section B "b" { criterion B1 "c" { question B1.1 "q" } }\n'
    one = 'test "t1" { criterion B1 given answers B1.1: yes expect score 100% }\n'
    two = 'test "t2" { criterion B1 given answers B1.1: no expect score 0% }\n'
    single, double = write(tmp_path, "one.esi", body + one), write(tmp_path, "two.esi", body + one + two)
    result = run(single, double)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"{single}: ok — x 1: 1 section, 1 criterion, 1 question, 0 items; 1 test (run it with esirules test)",
        f"{double}: ok — x 1: 1 section, 1 criterion, 1 question, 0 items; 2 tests (run them with esirules test)",
    ]
    summaries = json.loads(run("--format", "json", single, double).stdout)["rulesets"]
    assert [s["tests"] for s in summaries] == [1, 2]
