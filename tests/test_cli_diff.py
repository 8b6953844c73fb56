"""`esirules diff` on the command line: exit codes, formats, and located diagnostics for bad input."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

OLD = "rulesets/esi-2003.esi"
NEW = "rulesets/esi-2004-followup.esi"
EVIDENCE = "examples/hertfordshire/original.yaml"
FOLLOWUP = "examples/hertfordshire/followup.yaml"


def run(*args: str) -> tuple[int, str, str]:
    from esirules.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["diff", *args])
            except SystemExit as stop:  # argparse's own errors
                code = int(stop.code or 0)
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


def test_identical_rulesets_say_no_changes_and_exit_0():
    code, out, err = run(OLD, OLD)
    assert code == 0 and err == ""
    assert "No changes." in out


def test_different_rulesets_are_a_report_not_a_failure():
    code, out, err = run(OLD, NEW)
    assert code == 0 and err == ""
    assert "The exclusion of source `offender_interview` added" in out
    assert f"at `{NEW}:" in out


def test_markdown():
    code, out, _ = run(OLD, NEW, "--evidence", EVIDENCE, "--format", "markdown")
    assert code == 0
    assert out.startswith("# Changes from esi-2003 to esi-2004-followup\n")
    assert "## Impact on examples/hertfordshire/original.yaml" in out
    assert "| B1 | Assessment of risk of harm | 33% | 30% | down " in out


def test_json_without_evidence_has_no_impact():
    code, out, _ = run(OLD, NEW, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["schema"] == "esirules.diff/1"
    assert data["identical"] is False
    assert data["impact"] == []
    assert data["new"]["extends"] == OLD


def test_samples_are_scored_one_by_one():
    code, out, err = run(NEW, NEW, "--evidence", FOLLOWUP, "--sample", "february", "september", "--format", "json")
    assert code == 0, err
    impacts = json.loads(out)["impact"]
    assert [i["sample"] for i in impacts] == ["february", "september"]
    assert all(not f["changed"] for i in impacts for f in i["figures"])
    assert [i["old_cases"] for i in impacts] == [30, 30]


def test_a_ruleset_with_mistakes_is_located_and_exits_1():
    bad = "docs/examples/language/mistakes/unknown-weight-class.bad"
    code, out, err = run(OLD, bad)
    assert code == 1 and out == ""
    assert f"error[R030]: there is no weight class called `critcal`\n  --> {bad}:10:45" in err
    assert "^^^^^^^" in err


def test_both_rulesets_problems_are_all_reported():
    code, out, err = run("docs/examples/language/mistakes/unknown-source.bad",
                         "docs/examples/language/mistakes/unknown-weight-class.bad")
    assert code == 1 and out == ""
    assert "unknown-source.bad:" in err and "unknown-weight-class.bad:" in err
    assert "2 errors found" in err


def test_a_missing_ruleset():
    code, out, err = run(OLD, "rulesets/nothing.esi")
    assert code == 1 and out == ""
    assert "error[R003]: cannot read the ruleset file `rulesets/nothing.esi`" in err


def test_an_unknown_sample_is_underlined_where_it_was_typed():
    code, out, err = run(OLD, NEW, "--evidence", EVIDENCE, "--sample", "februray")
    assert code == 1 and out == ""
    assert "error[E203]: the ruleset `esi-2003` declares no sample called `februray`" in err
    line = next(line for line in err.splitlines() if line.startswith(" 1 | esirules diff"))
    marks = err.splitlines()[err.splitlines().index(line) + 1]
    column = line.index("februray")
    assert marks[column : column + len("februray")] == "^" * len("februray")
    # each ruleset that lacks the sample says so, once
    assert "error[E203]: the ruleset `esi-2004-followup` declares no sample called `februray`" in err
    assert "help: its samples are: `february`, `september`" in err
    assert err.count("error[E203]") == 2


def test_evidence_problems_are_reported_once():
    code, out, err = run(OLD, NEW, "--evidence", "examples/hertfordshire/nothing.yaml")
    assert code == 1 and out == ""
    assert err.count("error[E101]") == 1


@pytest.mark.parametrize(
    "args",
    [
        (OLD, NEW, "--sample", "february"),
        (OLD, NEW, "--all-cases"),
        (OLD,),
        (OLD, NEW, "--format", "html"),
    ],
)
def test_options_that_do_not_go_together_exit_2(args):
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert "error" in err


def test_a_real_process_exits_as_documented():
    done = subprocess.run(
        [sys.executable, "-m", "esirules.cli.main", "diff", OLD, NEW],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert done.returncode == 0
    assert "Changes from esi-2003 to esi-2004-followup" in done.stdout


def test_two_versions_of_one_ruleset_are_told_apart_by_their_versions_in_the_impact(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = (REPO / OLD).read_text("utf-8")
    later = tmp_path / "esi-2003-later.esi"
    later.write_text(text.replace('ruleset "esi-2003" version "2003"', 'ruleset "esi-2003" version "2005"', 1)
                     .replace("class critical weight 2", "class critical weight 3", 1), "utf-8")
    code, out, err = run(OLD, str(later), "--evidence", EVIDENCE, "--format", "markdown")
    assert code == 0, err
    assert "| figure | title | esi-2003 2003 | esi-2003 2005 | change |" in out


def test_evidence_one_of_the_two_rulesets_refuses_is_said_to_be_refused_by_that_one(tmp_path) -> None:
    """Two versions of one ruleset share its name: "not a question of ruleset `yji`" did not say
    which of them refused last year's evidence."""
    renamed = tmp_path / "renamed.esi"
    renamed.write_text((REPO / OLD).read_text(encoding="utf-8").replace("B1.start", "B1.begin")
                       .replace('version "2003"', 'version "2003b"'), encoding="utf-8")
    code, out, err = run(OLD, str(renamed), "--evidence", EVIDENCE)
    assert (code, out) == (1, "")
    assert f"error[E120]: `B1.start` is not a question of ruleset `esi-2003` (under the new ruleset, `{renamed}`)" in err
    code, _, err = run(str(renamed), OLD, "--evidence", EVIDENCE)  # (the old one alone refusing it, as well)
    assert code == 1 and f"(under the old ruleset, `{renamed}`)" in err and "under the new" not in err
    code, _, err = run(OLD, NEW, "--evidence", "examples/frameworks/fhrs/evidence/copper-kettle.yaml")
    assert code == 1 and "(under the" not in err  # (refused under both: said once, as it is)
