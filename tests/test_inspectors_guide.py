"""docs/inspectors-guide.md shows what the commands print: a SNAPSHOT TEST, and the guide's worked figures by hand.

`test_each_example_prints_what_the_guide_shows` is a snapshot test: each ```sh block of the guide
with an `esirules` command is run (in the repository folder, 110 columns wide) and what it prints
(standard output, then standard error) must be the ```text block after it, exactly; a ```text block
that is a transcript (`make example` shows each command it runs, as `.venv/bin/esirules ...`) is
run command by command. It guards against stale pages, not wrong ones: the figures the guide
works out in words are checked against a hand calculation from the example's own files below,
and the bundled example's figures against the published report in tests/test_golden.py. After a
change to the output, rewrite the blocks by running this file:
`.venv/bin/python tests/test_inspectors_guide.py`.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import io
import os
import re
import shlex
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from test_golden import CRITERIA, OVERALL, QUOTED, QUOTED_HIGH_RISK, SECTION_A, SECTIONS

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "inspectors-guide.md"
INSPECTOR = REPO / "docs" / "examples" / "inspector"
# A command and the text block after it, or a text block that is a transcript of commands.
EXAMPLE = re.compile(r"(?:```sh\n(?P<command>esirules [^\n]*)\n```\n\n)?```text\n(?P<output>.*?)\n```", re.DOTALL)
TRANSCRIPT = ".venv/bin/esirules "
WIDTH = "110"


def printed(command: str) -> str:
    """What `command` prints in the repository folder, standard output then standard error."""
    from esirules.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd(), os.environ.get("COLUMNS")
    os.chdir(REPO)
    os.environ["COLUMNS"] = WIDTH
    try:
        words = [w for word in shlex.split(command)[1:] for w in (sorted(glob.glob(word)) if "*" in word else [word])]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(words)
    finally:
        os.chdir(previous[0])
        if previous[1] is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous[1]
    return (out.getvalue() + err.getvalue()).rstrip("\n")


def shown(command: str | None, output: str) -> str:
    """What the guide should show after `command`: its output, or a transcript of the commands `make` runs."""
    if command is not None:
        return printed(command)
    commands = [line for line in output.splitlines() if line.startswith(TRANSCRIPT)]
    return "\n".join(f"{c}\n{printed('esirules ' + c.removeprefix(TRANSCRIPT))}" for c in commands)


def examples(text: str) -> list[re.Match[str]]:
    return [m for m in EXAMPLE.finditer(text) if m["command"] or m["output"].startswith(TRANSCRIPT)]


EXAMPLES = [(m["command"], m["output"]) for m in examples(GUIDE.read_text(encoding="utf-8"))]
IDS = [(c or "make example").removeprefix("esirules ") for c, _ in EXAMPLES]


def test_the_guide_has_the_required_examples() -> None:
    commands = [command for command, _ in EXAMPLES]
    assert None in commands  # the transcript of `make example`
    assert "esirules score docs/examples/inspector/inspection.yaml --sample february" in commands
    assert any(c is not None and c.endswith("--format csv") for c in commands)
    assert "esirules explain examples/hertfordshire/summary.yaml B1 --column Feb" in commands
    assert "esirules explain examples/hertfordshire/summary.yaml A1 --column Feb" in commands
    assert "esirules explain examples/hertfordshire/summary.yaml overall --column Feb" in commands


@pytest.mark.parametrize(("command", "output"), EXAMPLES, ids=IDS)
def test_each_example_prints_what_the_guide_shows(command: str | None, output: str) -> None:
    assert shown(command, output) == output


# ---------------------------------------------------------------------------------------------
# The figures the guide works out in words, worked out again here from its example's files


def test_the_worked_b1_figure_of_the_february_sample() -> None:
    """"B1 for the February sample is 50%: B1.start met in 2 of 3 cases, B1.rmp_5days in 0 of 1"."""
    with (INSPECTOR / "cases.csv").open(encoding="utf-8", newline="") as handle:
        february = [row for row in csv.DictReader(handle) if row["sample"] == "february"]
    start = [row["B1.start"] for row in february if row["B1.start"] not in ("", "n/a")]
    rmp = [row["B1.rmp_5days"] for row in february if row["B1.rmp_5days"] not in ("", "n/a")]
    assert (start.count("yes"), len(start), rmp.count("yes"), len(rmp)) == (2, 3, 0, 1)
    assert Fraction(2 + 0, 3 + 1) == Fraction(1, 2)  # pooled: 2 met of 4 answers
    sheet = printed("esirules score docs/examples/inspector/inspection.yaml --sample february --format csv")
    b1 = next(row for row in csv.DictReader(io.StringIO(sheet)) if row["target"] == "B1")
    assert (Fraction(b1["exact"]), b1["display"]) == (Fraction(1, 2), "50%")


def quoted(table: list[tuple[str, str, int, str]], column: str, question: str) -> int:
    return next(percent for c, q, percent, _ in table if (c, q) == (column, question))


def test_the_explanations_in_the_guide_show_the_published_figures() -> None:
    """The headline of each explanation the guide shows, against the report (tests/test_golden.py)."""
    heads = {command: output.splitlines()[0] for command, output in EXAMPLES if command and " explain " in command}
    summary = "esirules explain examples/hertfordshire/summary.yaml"
    assert heads[f"{summary} B1 --column Feb"].startswith(f"B1 Assessment of risk of harm: {CRITERIA['B1'][2]} ")
    assert heads[f"{summary} A1 --column Feb"].startswith(f"A1 Leadership and planning: {SECTION_A['A1'][1]} ")
    assert heads[f"{summary} overall --column Feb"].startswith(f"Overall score for sections B–D (excluding D3): {OVERALL[2]} ")
    where = f'{summary} B1.start --column Feb --where "risk_of_harm >= high"'
    assert f": {quoted(QUOTED_HIGH_RISK, 'Feb', 'B1.start')}% " in heads[where]
    assert f"(for all 30 cases, B1.start is {quoted(QUOTED, 'Feb', 'B1.start')}%)" in dict(EXAMPLES)[where]
    # The worked contribution: B1's exact 52/159 (shown 33%, as published) with weight 2 of 7 in
    # section B (56%, as published) gives 2 × 52/159 ÷ 7 = 104/1113 = 9.34 percentage points.
    b1 = dict(EXAMPLES)[f"{summary} B1 --column Feb"]
    assert round(Fraction(52, 159) * 100) == int(CRITERIA["B1"][2].rstrip("%"))
    share = Fraction(2) * Fraction(52, 159) / 7
    assert share == Fraction(104, 1113) and f"{float(share * 100):.2f}" == "9.34"
    assert f"section B score ({SECTIONS['B'][2]}): weight × value ÷ Σ weights = 2 × 52/159 ÷ 7 = 104/1113 (9.34" in b1


def test_what_the_guide_says_of_section_a_and_d3_in_two_samples() -> None:
    """Section A is graded from the inspection's ratings, so both samples show the same grades; D3 is
    in section D, which the September sample does not cover, so it is not computable there."""
    sheet = printed(
        "esirules score docs/examples/inspector/inspection.yaml --sample february --sample september --format csv"
    )
    rows = {(row["target"], row["column"]): row for row in csv.DictReader(io.StringIO(sheet))}
    for criterion in ("A1", "A2", "A3", "A5"):
        assert rows[(criterion, "february")]["grade"] == rows[(criterion, "september")]["grade"] != ""
    assert rows[("D3", "february")]["grade"] == "Partly met"
    assert rows[("D3", "september")]["grade"] == ""
    assert rows[("D3", "september")]["note"] == "section D does not apply to sample september"
    text = GUIDE.read_text(encoding="utf-8")
    assert "so both\ncolumns show the same grades" not in text and "and D3 are graded" not in text


if __name__ == "__main__":
    text = GUIDE.read_text(encoding="utf-8")
    for match in reversed(examples(text)):
        start, end = match.span("output")
        text = text[:start] + shown(match["command"], match["output"]) + text[end:]
    GUIDE.write_text(text, encoding="utf-8")
    sys.exit(0)
