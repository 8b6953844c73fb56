"""`esirules test` as a user runs it: exit codes, the failure report, coverage and JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO

BUNDLED = ["rulesets/esi-2003.esi", "rulesets/esi-2004-followup.esi"]
B4_EXPECT = "  expect score 70%"


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "esirules.cli.main", "test", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )


def copy_bundled(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of esi-2003.esi with one line changed, and the number of that line."""
    text = (REPO / "rulesets" / "esi-2003.esi").read_text(encoding="utf-8")
    lines = text.splitlines()
    (number,) = [n for n, line in enumerate(lines, 1) if line == old]
    lines[number - 1] = new
    path = tmp_path / "esi-2003.esi"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, number


def test_the_bundled_rulesets_pass():
    result = run(*BUNDLED)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rulesets/esi-2003.esi: ") and lines[0].endswith(" tests passed")
    assert lines[1].startswith("rulesets/esi-2004-followup.esi: ") and lines[1].endswith(" tests passed")
    assert lines[-1].endswith(" tests passed") and "failed" not in result.stdout


def test_one_expectation_changed_fails_with_its_location_expected_got_and_how(tmp_path):
    path, line = copy_bundled(tmp_path, B4_EXPECT, "  expect score 99%")
    result = run(str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    out = result.stdout
    test_line = line - 5  # the `test "B4: ..." {` line
    assert f'FAILED test "B4: February 2004 documentation scores 70%" ({path}:{test_line})' in out
    assert f"  --> {path}:{line}:3\n" in out
    assert f" {line} |   expect score 99%\n" in out
    assert "|   ^^^^^^^^^^^^^^^^\n" in out  # the whole `expect` line underlined
    assert "  expected: 99%\n       got: 70% (exactly 7/10)\n" in out
    # The explanation path, as `esirules explain` gives it: the rule and the counts.
    assert "B4 Documentation: 70%" in out
    assert "22 met of 30 applicable" in out and "42 ÷ 60" in out
    assert "pooled" in out
    assert out.rstrip().endswith("1 of 13 tests failed")


def test_the_failure_in_json(tmp_path):
    path, line = copy_bundled(tmp_path, B4_EXPECT, "  expect score 99%")
    result = run(str(path), "--format", "json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert (document["schema"], document["ok"], document["failed"]) == ("esirules.test/1", False, 1)
    (ruleset,) = document["rulesets"]
    (failed,) = [t for t in ruleset["tests"] if not t["passed"]]
    (expectation,) = failed["expectations"]
    assert expectation["location"]["line"] == line
    assert (expectation["expected"], expectation["found"], expectation["exact"]) == ("99%", "70%", "7/10")
    assert expectation["target"] == {"kind": "criterion", "id": "B4"}
    explanation = expectation["explanation"]
    assert explanation["schema"] == "esirules.explanation/1"
    assert explanation["target"]["id"] == "B4"
    assert all(e["explanation"] is None for t in ruleset["tests"] if t["passed"] for e in t["expectations"])


def test_every_grading_rule_and_band_row_of_the_bundled_rulesets_is_exercised():
    result = run("--coverage", "--format", "json", *BUNDLED)
    assert result.returncode == 0
    original, followup = json.loads(result.stdout)["rulesets"]
    counts = original["coverage"]["counts"]
    assert counts["grading rules"] == {"exercised": 6, "total": 6}
    assert counts["band rows"] == {"exercised": 5, "total": 5}
    assert original["coverage"]["not_exercised"] == []
    # The follow-up writes no rules of its own: what it takes from esi-2003.esi is counted there.
    assert followup["coverage"]["total"] == 0 and followup["coverage"]["percent"] is None
    assert followup["coverage"]["inherited"] == original["coverage"]["total"]


def test_coverage_names_the_rule_a_deleted_test_exercised(tmp_path):
    text = (REPO / "rulesets" / "esi-2003.esi").read_text(encoding="utf-8")
    start = text.index('test "A5: very strong on every item is Very well met" {')
    end = text.index("}\n", start) + 2
    path = tmp_path / "esi-2003.esi"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    rule_line = next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith('  "Very well met" when'))
    result = run("--coverage", str(path))
    assert result.returncode == 0, result.stdout
    assert "grading rules 5 of 6" in result.stdout
    assert f"{path}:{rule_line}  grading management: the rule for Very well met" in result.stdout


def test_a_ruleset_with_errors_is_reported_and_its_tests_not_run(tmp_path):
    bad = tmp_path / "bad.esi"
    bad.write_text('ruleset "bad"\nscale answer: yes > no\nanswers on answr\n', encoding="utf-8")
    good = REPO / "docs" / "examples" / "language" / "tour.esi"
    result = run(str(bad), str(good))
    assert result.returncode == 1
    assert "error[R030]" in result.stderr and f"{bad}:3:" in result.stderr
    assert "Traceback" not in result.stderr
    assert "docs/examples/language/tour.esi: 2 tests passed" in result.stdout  # shown as typed from here
    assert result.stdout.rstrip().endswith("2 tests passed; 1 ruleset could not be checked, so its tests did not run")
    document = json.loads(run(str(bad), str(good), "--format", "json").stdout)
    assert document["ok"] is False and [d["code"] for d in document["diagnostics"]] == ["R030"]
    assert [r["ruleset"] for r in document["rulesets"]] == ["tour"]


def test_no_ruleset_is_a_usage_error():
    result = run()
    assert result.returncode == 2
    assert "the following arguments are required: FILE" in result.stderr


RULESET = """\
ruleset "t" version "1"
scale answer: yes > no, not applicable "n/a"
scale performance: strong > good > weak
ladder grade: "Well met" > "Not met"
answers on answer, met when yes
attribute sex_offender "A sex offender": yes or no
measure psr "PSR timeliness"
bands rating on performance { strong when performance at least 100%  weak otherwise }
grading g { items rated on performance  grades from grade  measures rated by rating
  "Well met" when at least strong on each item  "Not met" otherwise }
exclude cases where sex_offender
section A "a" { criterion A1 "c" { graded by g  item A1.psr from measure psr } }
section B "b" { criterion B1 "d" { question B1.sex "q" applies when sex_offender  question B1.all "r" } }
"""


def test_a_test_that_cannot_run_and_a_value_not_computable_are_failures(tmp_path):
    path = tmp_path / "t.esi"
    path.write_text(
        RULESET
        + 'test "sex offenders" { given answers B1.sex: yes  expect criterion B1 score 100% }\n'
        + 'test "a target of 0" { given measure psr: actual 5, target 0, national average 1\n'
        + "  expect item A1.psr rating weak }\n",
        encoding="utf-8",
    )
    result = run(str(path))
    assert result.returncode == 1
    out = result.stdout
    assert 'FAILED test "sex offenders"' in out
    assert "could not run: question B1.sex cannot apply to any case the ruleset keeps" in out
    assert f"  --> {path}:13:" in out  # the `applies when` of B1.sex
    assert "  expected: weak\n       got: not computable — item A1.psr has no performance figure for psr" in out
    assert out.rstrip().endswith("2 of 2 tests failed")


def test_a_copy_of_the_follow_up_beside_its_parent_runs_its_own_tests(tmp_path):
    for name in ("esi-2003.esi", "esi-2004-followup.esi"):
        shutil.copy(REPO / "rulesets" / name, tmp_path / name)
    result = run("esi-2004-followup.esi", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("esi-2004-followup.esi: 2 tests passed\n")


def test_a_band_failed_by_a_figure_shown_rounded_up_to_it_shows_the_exact_figure(tmp_path: Path) -> None:
    """84 of 130 is 64.62%, shown as 65%: "Good when score at least 65% (found 65% ✗)" read as a bug."""
    ruleset = tmp_path / "f9.esi"
    ruleset.write_text(
        'ruleset "f9" version "1"\nscale answer: yes > no, not applicable "n/a"\n'
        'ladder rating: Outstanding > Good > "Requires improvement" > Inadequate\nanswers on answer, met when yes\n'
        'bands case_rating on rating {\n  Outstanding when score at least 80%\n  Good when score at least 65%\n'
        '  "Requires improvement" when score at least 50%\n  Inadequate otherwise\n}\n'
        'section D2 "Court disposals" {\n  criterion D2.1 "Assessment" {\n    graded by case_rating\n'
        '    question D2.1.a "a"\n  }\n}\n'
        'test "64.6% is not Good" {\n  criterion D2.1\n  given answers D2.1.a: yes x84, no x46\n  expect grade Good\n}\n',
        encoding="utf-8")
    done = run("test", str(ruleset))
    said = " ".join(done.stdout.split())
    assert done.returncode == 1
    assert "Good when score at least 65% (found 64.62%, shown as 65% ✗)" in said
    # where the rounded figure tells no lie, it is shown alone
    assert "Outstanding when score at least 80% (found 65% ✗)" in said and "(found 65% ✓)" in said
