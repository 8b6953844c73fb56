"""The frameworks under examples/frameworks/, as a fresh clone has them: each ruleset checks,
passes its own tests and is laid out as `esirules fmt` lays it out; each example evidence
scores; and each framework's published rules hold on cases worked by hand from the published
text (never from the program's output)."""

from __future__ import annotations

import datetime
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
    "fhrs": (["fhrs.esi"], "summary.yaml"),
    "ofsted": (["ofsted.esi"], "summary.yaml"),
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


def cqc_published(ratings: list[str], breach: bool = False, limited: bool = False) -> str:
    """The overall rating by the principles as CQC publishes them (README.md quotes them), in
    the order the README decides: 6 (two or more Inadequate), 5 (two or more Requires
    improvement), 3 (at least two Outstanding, the rest Good), 4 (no Inadequate and at most one
    Requires improvement); where they are silent, Requires improvement. A well-led limiter
    (`limited`) makes well-led no better than Requires improvement first; principle 1 (a
    `breach`) makes the overall no better than Requires improvement last."""
    order = [OUT, G, RI, INAD]

    def no_better_than(rating: str, cap: str) -> str:
        return max(rating, cap, key=order.index)

    ratings = [*ratings[:4], no_better_than(ratings[4], RI) if limited else ratings[4]]
    count = {r: ratings.count(r) for r in order}
    if count[INAD] >= 2:
        rating = INAD
    elif count[RI] >= 2:
        rating = RI
    elif count[OUT] >= 2 and count[OUT] + count[G] == 5:
        rating = OUT
    elif count[INAD] == 0 and count[RI] <= 1:
        rating = G
    else:
        rating = RI
    return no_better_than(rating, RI) if breach else rating


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


def cqc_profiles() -> list[list[str]]:
    """Every rating of well-led beside every combination of the other four: the principles
    weigh the key questions equally, so the order of the other four does not matter."""
    others = itertools.combinations_with_replacement([OUT, G, RI, INAD], 4)
    return [[*four, well_led] for four in others for well_led in [OUT, G, RI, INAD]]


def test_cqc_every_combination_of_five_ratings_follows_the_principles(tmp_path: Path) -> None:
    scorer = Scorer(tmp_path)
    profiles = cqc_profiles()
    assert len(profiles) == 35 * 4
    wrong = [(p, scorer(p).overall.grade) for p in profiles]
    assert [(p, got) for p, got in wrong if got != cqc_published(p)] == []


LIMITERS = ["no_registered_manager", "condition_not_met", "notifications_not_submitted", "pir_not_returned"]


@pytest.mark.parametrize(
    ("breach", "limiter"),
    [(False, limiter) for limiter in LIMITERS] + [(True, None), (True, "no_registered_manager")],
)
def test_cqc_the_breach_and_the_well_led_limiters_follow_the_principles(
    tmp_path: Path, breach: bool, limiter: str | None
) -> None:
    scorer = Scorer(tmp_path)
    facts = {"breach": breach, **({limiter: True} if limiter else {})}
    wrong = []
    for profile in cqc_profiles():
        column = scorer(profile, facts=facts)
        if column.overall.grade != cqc_published(profile, breach=breach, limited=limiter is not None):
            wrong.append((profile, column.overall.grade))
    assert wrong == []


def test_cqc_a_focused_inspection_aggregates_ratings_carried_forward(tmp_path: Path) -> None:
    carried = [
        {"criterion": kq, "grade": g, "inspection": "INS-2021-031", "date": datetime.date(2021, 6, 2)}
        for kq, g in (("effective", G), ("caring", G), ("responsive", OUT))
    ]
    scorer = Scorer(tmp_path)
    scorer.path.write_text(yaml.safe_dump({
        "date": datetime.date(2024, 3, 12),
        "ratings": {"safe.rating": RI, "well_led.rating": G},
        "carried_forward": carried,
    }), encoding="utf-8")
    column = score(scorer.evaluator, load_evidence(str(scorer.path), scorer.ruleset))
    assert column.criteria["responsive"].grade == OUT
    assert column.overall.grade == G  # RI, G, G, OUT, G: one Requires improvement, principle 4


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
    assert columns["Willow Court"]["overall"] == G  # principle 4 over three ratings carried forward
    assert columns["Willow Court"]["effective"] == G
    assert columns["Elm Lodge"]["well_led"] == RI  # no registered manager: the well-led limiter
    assert columns["Elm Lodge"]["section location"] == G  # O, G, O, G, RI: principle 4
    assert columns["Elm Lodge"]["overall"] == RI  # a breach: principle 1
    for column in sheet["columns"]:
        evidence = yaml.safe_load((clone / column["evidence"]["path"]).read_text("utf-8"))
        given = {**evidence["ratings"], **{f"{c['criterion']}.rating": c["grade"] for c in evidence.get("carried_forward", [])}}
        facts = evidence.get("facts", {})
        limited = any(facts.get(limiter) for limiter in LIMITERS)
        published = cqc_published([given[f"{kq}.rating"] for kq in KEY_QUESTIONS], facts.get("breach", False), limited)
        location = column["sections"]["location"]
        if location.get("adjustment"):  # the team departed from the principles: compare what they give
            assert location["computed_grade"] == published, column["label"]
        else:
            assert grades(column)["overall"] == published, column["label"]


# --- FHRS: the Food Hygiene Rating Scheme's table -------------------------------------------

HYGIENE = [0, 5, 10, 15, 20, 25]  # "How hygienically the food is handled", and structure
MANAGEMENT = [0, 5, 10, 20, 30]  # "How you manage and document food safety"
# The table: (total score up to, highest permitted individual score, rating).
FHRS_TABLE = [(15, 5, "5"), (20, 10, "4"), (30, 10, "3"), (40, 15, "2"), (50, 20, "1")]


def fhrs_published(hygiene: int, structure: int, management: int) -> str:
    """The rating by the scheme's table (README.md quotes it): the best column whose total and
    highest permitted individual score both hold; over 50, or a higher score, 0."""
    total, highest = hygiene + structure + management, max(hygiene, structure, management)
    for upper, permitted, rating in FHRS_TABLE:
        if total <= upper and highest <= permitted:
            return rating
    return "0"


class FhrsScorer:
    def __init__(self, tmp_path: Path) -> None:
        checked = check_file(str(FRAMEWORKS / "fhrs" / "fhrs.esi"))
        assert checked.ruleset is not None and not checked.diagnostics
        self.ruleset = checked.ruleset
        self.evaluator = compile_ruleset(checked.ruleset)
        self.path = tmp_path / "evidence.yaml"

    def __call__(self, hygiene: int, structure: int, management: int) -> str | None:
        data = {"ratings": {"hygiene": hygiene, "structure": structure, "management": management}}
        self.path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return score(self.evaluator, load_evidence(str(self.path), self.ruleset)).criteria["rating"].grade


# Worked by hand from the table: (hygiene, structure, management) → rating.
FHRS_CASES = [
    ((0, 0, 0), "5", "nothing to improve"),
    ((5, 5, 5), "5", "no more than 5 in each of the three areas"),
    ((10, 5, 0), "4", "a total of 15, but one score of 10 is permitted only up to 4"),
    ((10, 5, 5), "4", "a total of 20, highest 10"),
    ((10, 10, 10), "3", "a total of 30, highest 10"),
    ((15, 5, 0), "2", "a total of 20, but one score of 15 is permitted only up to 2"),
    ((15, 15, 10), "2", "a total of 40, highest 15"),
    ((20, 10, 20), "1", "a total of 50, highest 20"),
    ((20, 10, 10), "1", "a total of 40, but one score of 20 is permitted only up to 1"),
    ((20, 20, 20), "0", "a total over 50"),
    ((25, 0, 0), "0", "a score of 25 is above every permitted highest score"),
    ((0, 0, 30), "0", "management scored 30"),
]


@pytest.mark.parametrize(("scores", "rating", "why"), FHRS_CASES, ids=[c[2] for c in FHRS_CASES])
def test_fhrs_hand_worked_cases(tmp_path: Path, scores: tuple[int, int, int], rating: str, why: str) -> None:
    assert fhrs_published(*scores) == rating, "the case disagrees with the table as written"
    assert FhrsScorer(tmp_path)(*scores) == rating


def test_fhrs_every_combination_of_the_schemes_scores_follows_the_table(tmp_path: Path) -> None:
    scorer = FhrsScorer(tmp_path)
    combinations = list(itertools.product(HYGIENE, HYGIENE, MANAGEMENT))
    assert len(combinations) == 6 * 6 * 5
    assert [(c, scorer(*c)) for c in combinations if scorer(*c) != fhrs_published(*c)] == []


def test_fhrs_an_element_not_scored_leaves_the_rating_not_computable(tmp_path: Path) -> None:
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump({"ratings": {"hygiene": 5, "structure": 5}}), encoding="utf-8")
    scorer = FhrsScorer(tmp_path)
    assert score(scorer.evaluator, load_evidence(str(path), scorer.ruleset)).criteria["rating"].grade is None


def test_fhrs_example_evidence_scores_as_the_table_says(clone: Path) -> None:
    sheet = scored_sheet(clone, "fhrs")
    ratings = {c["label"]: c["criteria"]["rating"]["grade"] for c in sheet["columns"]}
    assert ratings == {"Copper Kettle": "5", "Station Road": "4", "Harbour Fish Bar": "2", "Mill Lane": "0"}
    for column in sheet["columns"]:
        evidence = yaml.safe_load((clone / column["evidence"]["path"]).read_text("utf-8"))["ratings"]
        published = fhrs_published(evidence["hygiene"], evidence["structure"], evidence["management"])
        assert ratings[column["label"]] == published, column["label"]


# --- Ofsted: key judgements, the safeguarding limiter, categories of concern -----------------

JUDGEMENTS = ["education", "behaviour", "development", "leadership"]


def ofsted_published(grades: list[str], safeguarding: str, acceptable: bool, capacity: bool) -> tuple[str, str, str]:
    """Leadership and management, whether the school is placed in a category, and which, by
    the rules README.md quotes: ineffective safeguarding makes leadership and management
    Inadequate; any key judgement Inadequate or safeguarding ineffective places the school in a
    category; special measures when the education is not acceptable and capacity is not
    demonstrated, serious weaknesses otherwise."""
    leadership = INAD if safeguarding == "ineffective" else grades[3]
    placed = INAD in [*grades[:3], leadership] or safeguarding == "ineffective"
    if not placed:
        return leadership, "not placed", "no formal category"
    return leadership, "placed", "special measures" if not acceptable and not capacity else "serious weaknesses"


class OfstedScorer:
    def __init__(self, tmp_path: Path) -> None:
        checked = check_file(str(FRAMEWORKS / "ofsted" / "ofsted.esi"))
        assert checked.ruleset is not None and not checked.diagnostics
        self.ruleset = checked.ruleset
        self.evaluator = compile_ruleset(checked.ruleset)
        self.path = tmp_path / "evidence.yaml"

    def __call__(self, grades: list[str], safeguarding: str, acceptable: bool, capacity: bool) -> tuple[str, str, str]:
        data = {
            "facts": {"safeguarding": safeguarding, "acceptable_education": acceptable, "capacity": capacity},
            "ratings": {f"{j}.grade": g for j, g in zip(JUDGEMENTS, grades)},
        }
        self.path.write_text(yaml.safe_dump(data), encoding="utf-8")
        column = score(self.evaluator, load_evidence(str(self.path), self.ruleset))
        outcomes = {name: o.value for name, o in column.outcomes.items()}
        return column.criteria["leadership"].grade, outcomes["concern"], outcomes["category"]


OFSTED_CASES = [
    ([G, G, G, G], "effective", True, True, (G, "not placed", "no formal category"), "all Good"),
    ([RI, RI, RI, RI], "effective", True, True, (RI, "not placed", "no formal category"), "all Requires improvement"),
    ([G, INAD, G, G], "effective", True, True, (G, "placed", "serious weaknesses"), "one Inadequate, capacity"),
    ([INAD, G, G, RI], "effective", False, False, (RI, "placed", "special measures"), "failing on both counts"),
    ([INAD, G, G, G], "effective", False, True, (G, "placed", "serious weaknesses"), "capacity demonstrated"),
    ([G, G, G, OUT], "ineffective", True, True, (INAD, "placed", "serious weaknesses"), "safeguarding limits L&M"),
    ([G, G, G, G], "ineffective", False, False, (INAD, "placed", "special measures"), "safeguarding, both counts"),
]


@pytest.mark.parametrize(
    ("grades", "safeguarding", "acceptable", "capacity", "expected", "why"), OFSTED_CASES, ids=[c[-1] for c in OFSTED_CASES]
)
def test_ofsted_hand_worked_cases(
    tmp_path: Path, grades: list[str], safeguarding: str, acceptable: bool, capacity: bool, expected: tuple[str, str, str], why: str
) -> None:
    assert ofsted_published(grades, safeguarding, acceptable, capacity) == expected, "the case disagrees with the rules"
    assert OfstedScorer(tmp_path)(grades, safeguarding, acceptable, capacity) == expected


def test_ofsted_every_combination_follows_the_rules(tmp_path: Path) -> None:
    scorer = OfstedScorer(tmp_path)
    wrong = []
    for grades in itertools.product([OUT, G, RI, INAD], repeat=4):
        for safeguarding, acceptable, capacity in itertools.product(["effective", "ineffective"], [True, False], [True, False]):
            got = scorer(list(grades), safeguarding, acceptable, capacity)
            if got != ofsted_published(list(grades), safeguarding, acceptable, capacity):
                wrong.append((grades, safeguarding, acceptable, capacity, got))
    assert wrong == []


def test_ofsted_example_evidence_scores_as_the_rules_say(clone: Path) -> None:
    sheet = scored_sheet(clone, "ofsted")
    found = {c["label"]: {n: o["value"] for n, o in c["outcomes"].items()} for c in sheet["columns"]}
    assert found["Northfield"]["category"] == "no formal category"
    assert found["Riverside"]["category"] == "serious weaknesses"  # capacity demonstrated
    assert found["Hillcrest"]["category"] == "special measures"  # safeguarding; failing on both counts
