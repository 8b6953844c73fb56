"""How explanations word what they show: a subset's figures as the subset's, target data in words, nothing said twice.

Published figures come from tests/test_golden.py (transcribed by hand from the report); target
data and ratings are read from the example's evidence file in the test, and the distance from a
target is worked out here by hand.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from test_golden import SECTIONS

from esirules.cli.main import main

EXAMPLE = REPO / "examples" / "hertfordshire"
SUMMARY = "examples/hertfordshire/summary.yaml"
HIGH = "risk_of_harm >= high"


def run(*argv: str, cwd: Path = REPO) -> str:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        patch.setenv("COLUMNS", "300")  # one line per node: the phrases are checked whole
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["explain", *argv])
    assert code == 0, err.getvalue()
    return out.getvalue()


def explained(*argv: str) -> dict[str, Any]:
    return json.loads(run(*argv, "--format", "json"))  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# A subset's figures are the subset's (point 6)


def test_a_subsets_contribution_is_labelled_as_the_subsets_in_every_format() -> None:
    sheet_b = SECTIONS["B"][2]  # the published section B score of the February sample: 56%
    data = explained(SUMMARY, "B1", "--column", "Feb", "--where", HIGH)
    subset_b = explained(SUMMARY, "B", "--column", "Feb", "--where", HIGH)["where"]["explanation"]["display"]
    assert subset_b != sheet_b  # the high risk of harm cases score otherwise than all of them
    contribution = data["where"]["explanation"]["contribution"]
    assert (contribution["to_display"], contribution["where"], contribution["whole_display"]) == (subset_b, HIGH, sheet_b)
    whole = data["explanation"]["contribution"]
    assert (whole["to_display"], whole["where"], whole["whole_display"]) == (sheet_b, None, None)

    text = run(SUMMARY, "B1", "--column", "Feb", "--where", HIGH)
    assert f"Contribution to the section B score of the cases where {HIGH} ({subset_b}; all cases: {sheet_b})" in text
    assert f"section B score ({subset_b})" not in text
    markdown = run(SUMMARY, "B1", "--column", "Feb", "--where", HIGH, "--format", "markdown")
    assert (f"of these cases' section B score of {subset_b} (for all of them, the sheet's section B score is "
            f"{sheet_b})") in markdown
    assert f"of the section B score of {subset_b}" not in markdown
    assert f"of the section B score of {sheet_b}." in markdown  # the whole column's, for comparison


def test_a_subsets_question_names_the_criterion_figure_as_the_subsets() -> None:
    data = explained(SUMMARY, "B1.start", "--column", "Feb", "--where", HIGH)
    subset_b1 = data["where"]["explanation"]["criterion"]["display"]
    text = run(SUMMARY, "B1.start", "--column", "Feb", "--where", HIGH)
    assert f"Pooled into B1 Assessment of risk of harm ({subset_b1} where {HIGH})" in text


# ---------------------------------------------------------------------------------------------
# Target data in words, the same in text and Markdown (point 7)


def figures(measure: str) -> tuple[Fraction, Fraction]:
    """The measure's actual and target figures, as the evidence file records them."""
    text = (EXAMPLE / "followup.yaml").read_text(encoding="utf-8")
    found = re.search(rf"{measure}: {{actual: ([\d.]+), target: ([\d.]+)", text)
    assert found is not None
    return Fraction(found[1]), Fraction(found[2])


def test_a_lower_is_better_measure_says_how_far_it_is_from_its_target() -> None:
    actual, target = figures("sickness_absence")
    assert (actual, target) == (Fraction("10.7"), 9)
    # Lower is better: performance is target ÷ actual = 9 ÷ 10.7 = 84.1%, shown 84%: 16% worse than target.
    assert round(target / actual * 100) == 84
    phrase = "10.7 days against a target of 9: 16% worse than target"
    markdown = run(SUMMARY, "A1", "--column", "Feb", "--format", "markdown")
    assert f"sickness absence: average days absence ({phrase})" in markdown
    assert "of target)" not in markdown  # not "(84% of target)"
    assert phrase in run(SUMMARY, "A1", "--column", "Feb")
    assert phrase in run(SUMMARY, "A1.sickness_absence", "--column", "Feb", "--format", "markdown")
    # Higher is better: 153 against 100 is 153%, 53% better.
    actual, target = figures("programme_completions")
    assert actual / target == Fraction(153, 100)
    assert "153% against a target of 100%: 53% better than target" in markdown


# ---------------------------------------------------------------------------------------------
# Nothing said twice, nothing said badly (point 9)


def test_a_criterion_with_no_item_rated_says_so_not_weighing_0(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "examples" / "hertfordshire")
    shutil.copytree(REPO / "rulesets", tmp_path / "rulesets")
    evidence = tmp_path / "examples" / "hertfordshire" / "followup.yaml"
    lines = evidence.read_text(encoding="utf-8").splitlines(keepends=True)
    evidence.write_text("".join(line for line in lines if not line.lstrip().startswith("A5.")), encoding="utf-8")
    text = run(str(evidence), "A5", "--sample", "february")
    assert "Items (5, none counted)" in text
    assert "weighing 0" not in text


def test_an_overall_that_is_not_computable_names_the_reason_once() -> None:
    data = explained(SUMMARY, "overall", "--column", "Sept")
    assert data["explanation"]["reason"] == "section D does not apply to sample september"
    text = run(SUMMARY, "overall", "--column", "Sept")
    assert "section D is not computable: section D" not in text
