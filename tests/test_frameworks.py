"""The frameworks under examples/frameworks/, as a fresh clone has them: each ruleset checks,
passes its own tests and is laid out as `esirules fmt` lays it out; each example evidence
scores; and each framework's published rules hold on cases worked by hand from the published
text (never from the program's output)."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO

from esirules.evidence.load import load_evidence
from esirules.language.check import check_file
from esirules.scoring.compile import Evaluator, compile_ruleset
from esirules.scoring.evaluate import score
from esirules.scoring.result import ColumnResult

FRAMEWORKS = REPO / "examples" / "frameworks"

# Each framework: its folder, its rulesets, and its summary sheet of example evidence.
BUILT = {
    "cqc": (["cqc.esi"], "summary.yaml"),
}


def tracked(folder: Path) -> list[str]:
    """The files of `folder` that git tracks: what a fresh clone has."""
    listed = subprocess.run(
        ["git", "ls-files", "--", str(folder.relative_to(REPO))],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    return listed.stdout.splitlines()


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tracked files of examples/frameworks (a file left untracked is missing)."""
    root = tmp_path_factory.mktemp("clone")
    for name in tracked(FRAMEWORKS):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, root / name)
    return root


def esirules(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "esirules.cli.main", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )


def test_the_index_names_every_framework() -> None:
    index = (FRAMEWORKS / "README.md").read_text("utf-8")
    for name in BUILT:
        assert f"({name}/README.md)" in index, name


@pytest.mark.parametrize("name", sorted(BUILT))
def test_each_framework_is_tracked_with_its_readme_source_and_synthetic_evidence(name: str) -> None:
    files = tracked(FRAMEWORKS / name)
    rulesets, summary = BUILT[name]
    prefix = f"examples/frameworks/{name}/"
    for needed in ["README.md", summary, *rulesets]:
        assert prefix + needed in files, needed
    readme = (FRAMEWORKS / name / "README.md").read_text("utf-8")
    assert "SYNTHETIC" in readme
    for ruleset in rulesets:
        header = (FRAMEWORKS / name / ruleset).read_text("utf-8").split("\nruleset ")[0]
        assert "Source:" in header and "https://" in header, ruleset
        url = next(word for word in header.split() if word.startswith("https://"))
        assert url in readme, f"{ruleset}'s source is not cited in the README"


@pytest.mark.parametrize("name", sorted(BUILT))
def test_each_framework_checks_tests_and_is_formatted(clone: Path, name: str) -> None:
    rulesets = [f"examples/frameworks/{name}/{r}" for r in BUILT[name][0]]
    checked = esirules("check", *rulesets, cwd=clone)
    assert checked.returncode == 0 and "warning" not in checked.stdout + checked.stderr, checked.stdout + checked.stderr
    tested = esirules("test", *rulesets, cwd=clone)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.splitlines()[-1].endswith(" tests passed") and "failed" not in tested.stdout
    formatted = esirules("fmt", "--check", *rulesets, cwd=clone)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def scored_sheet(clone: Path, name: str) -> dict[str, Any]:
    summary = f"examples/frameworks/{name}/{BUILT[name][1]}"
    result = esirules("score", "--strict", "--quiet", "--format", "json", summary, cwd=clone)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def grades(column: dict[str, Any]) -> dict[str, str]:
    """Every grade of a scored column: criteria, sections and the overall."""
    found = {c: v["grade"] for c, v in column["criteria"].items()}
    found.update({f"section {s}": v["grade"] for s, v in column["sections"].items()})
    found["overall"] = column["overall"]["grade"]
    return found


# --- CQC: the ratings aggregation principles for adult social care ----------------------------

KEY_QUESTIONS = ["safe", "effective", "caring", "responsive", "well_led"]
OUT, G, RI, INAD = "Outstanding", "Good", "Requires improvement", "Inadequate"


def cqc_published(ratings: list[str]) -> str:
    """The overall rating by the principles as CQC publishes them (README.md quotes them), in
    the order the README decides: 6 (two or more Inadequate), 5 (two or more Requires
    improvement), 3 (at least two Outstanding, the rest Good), 4 (no Inadequate and at most one
    Requires improvement); where they are silent, Requires improvement."""
    count = {r: ratings.count(r) for r in (OUT, G, RI, INAD)}
    if count[INAD] >= 2:
        return INAD
    if count[RI] >= 2:
        return RI
    if count[OUT] >= 2 and count[OUT] + count[G] == 5:
        return OUT
    if count[INAD] == 0 and count[RI] <= 1:
        return G
    return RI


class Scorer:
    """The CQC ruleset compiled once, scoring five key question ratings."""

    def __init__(self, tmp_path: Path) -> None:
        checked = check_file(str(FRAMEWORKS / "cqc" / "cqc.esi"))
        assert checked.ruleset is not None and not checked.diagnostics
        self.ruleset = checked.ruleset
        self.evaluator: Evaluator = compile_ruleset(checked.ruleset)
        self.path = tmp_path / "evidence.yaml"

    def __call__(self, ratings: list[str], **more: Any) -> ColumnResult:
        data = {"ratings": {f"{kq}.rating": r for kq, r in zip(KEY_QUESTIONS, ratings)}, **more}
        self.path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return score(self.evaluator, load_evidence(str(self.path), self.ruleset))


# Worked by hand from the published principles: (safe, effective, caring, responsive, well-led).
CQC_CASES = [
    ([OUT, OUT, G, G, G], OUT, "principle 3: two Outstanding and three Good"),
    ([G, OUT, G, OUT, OUT], OUT, "principle 3: three Outstanding, the rest Good"),
    ([OUT, G, G, G, G], G, "principle 3 needs two Outstanding; principle 4 gives Good"),
    ([OUT, OUT, OUT, OUT, RI], G, "principle 3 needs the rest Good; one Requires improvement is Good by 4"),
    ([G, G, G, G, RI], G, "principle 4: no more than one Requires improvement"),
    ([RI, G, G, G, RI], RI, "principle 5: two Requires improvement"),
    ([RI, OUT, OUT, RI, G], RI, "principle 5 before principle 3"),
    ([G, G, INAD, G, G], RI, "silent: one Inadequate, decided Requires improvement"),
    ([INAD, OUT, OUT, G, G], RI, "silent: one Inadequate beside two Outstanding"),
    ([INAD, RI, G, G, G], RI, "silent: one Inadequate and one Requires improvement"),
    ([INAD, G, G, G, INAD], INAD, "principle 6: two Inadequate"),
    ([INAD, RI, RI, INAD, G], INAD, "principles 5 and 6 both hold: Inadequate first"),
]


@pytest.mark.parametrize(("ratings", "overall", "why"), CQC_CASES, ids=[c[2] for c in CQC_CASES])
def test_cqc_hand_worked_cases(tmp_path: Path, ratings: list[str], overall: str, why: str) -> None:
    assert cqc_published(ratings) == overall, "the case disagrees with the principles as written"
    column = Scorer(tmp_path)(ratings)
    assert column.sections["location"].grade == overall
    assert column.overall.grade == overall
    for kq, rating in zip(KEY_QUESTIONS, ratings):
        assert column.criteria[kq].grade == rating


def test_cqc_every_combination_of_five_ratings_follows_the_principles(tmp_path: Path) -> None:
    scorer = Scorer(tmp_path)
    profiles = list(itertools.product([OUT, G, RI, INAD], repeat=5))
    assert len(profiles) == 4**5
    wrong = [(p, scorer(list(p)).overall.grade) for p in profiles]
    wrong = [(p, got) for p, got in wrong if got != cqc_published(list(p))]
    assert wrong == []


def test_cqc_a_key_question_not_rated_leaves_the_overall_not_computable(tmp_path: Path) -> None:
    column = Scorer(tmp_path)([G, G, G, G])
    assert column.criteria["well_led"].grade is None
    assert column.overall.grade is None


def test_cqc_example_evidence_scores_as_the_principles_say(clone: Path) -> None:
    sheet = scored_sheet(clone, "cqc")
    columns = {c["label"]: grades(c) for c in sheet["columns"]}
    assert columns["Meadow View"]["overall"] == RI  # two Requires improvement: principle 5
    assert columns["Larch House"]["overall"] == OUT  # two Outstanding, three Good: principle 3
    assert columns["Harbour Lane"]["overall"] == RI  # one Inadequate: the silent case
    # The team departs from the principles: computed by them, then adjusted, with who and why.
    (quayside,) = [c for c in sheet["columns"] if c["label"] == "Quayside"]
    location = quayside["sections"]["location"]
    assert location["computed_grade"] == RI  # one Inadequate: the silent case again
    assert location["adjustment"]["grade"] == INAD and location["adjustment"]["by"] == "Inspection team"
    assert columns["Quayside"]["overall"] == INAD
    for column in sheet["columns"]:
        evidence = yaml.safe_load((clone / column["evidence"]["path"]).read_text("utf-8"))
        ratings = [evidence["ratings"][f"{kq}.rating"] for kq in KEY_QUESTIONS]
        computed = column["sections"]["location"].get("computed_grade") or grades(column)["section location"]
        assert computed == cqc_published(ratings), column["label"]
