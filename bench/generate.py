"""Generate synthetic inspections for bench/followup-judged.esi at any size (seeded).

The ruleset is the bundled follow-up (rulesets/esi-2004-followup.esi) with one case-level
judgement added to B2, whose three prompts are answered like the questions.

Writes, into a directory:

- `<name>-cases.csv`: one row per case (id, sample, attributes, one column per question);
- `<name>.yaml`: the evidence file: `ruleset:` (the bundled follow-up ruleset, by a path
  relative to the directory, as evidence files name rulesets), `cases: <name>-cases.csv`,
  ratings of every evidence item rated by hand, the target data (measures) and no adjustments;
- `<name>.json`: the same evidence with the cases inline (for the JSON loader's figure).

The cases are realistic enough for timing: risk of harm mostly low or medium, a mix of orders
and licences (a few community punishment orders, which the ruleset leaves out), yes-or-no
flags that are mostly no (MAPPA referrals commoner at high risk), half the cases in each
sample, and answers that depend on a per-case quality of practice. An answer is blank where
the sample does not ask the question (`without questions`) and for section D in the September
sample (no section D there); a few answers are `n/a` or left blank. Case ids run `C1`, `C2`,
... (unpadded, so natural order matters).

Where a question's `applies when` leaves a case out, a share of the cases (`STRAY_SHARE`, a
quarter) answer it all the same, as exports from case-management systems do (issue 15, point
6): the system's form shows every question, the practitioner fills some in whatever the case's
attributes, and an attribute changed after the answer was recorded (a risk level lowered at
review) leaves the answer behind. A quarter is a guess, not a measurement; it is large enough
that the encoder's handling of such answers is part of the work timed. The ruleset declares
`answers to questions that do not apply: ignored`, so they count for nothing and are not
reported, as each peer engine and reference skips them (they test `applies when` before they
read the answer). They are drawn from a random stream of their own, so every other answer, and
every figure, is what generator version 2 wrote.

    python bench/generate.py DIR N [--seed S] [--name NAME]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from fractions import Fraction
from typing import Any

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The bundled follow-up ruleset with one case-level judgement added (bench/followup-judged.esi).
RULESET = os.path.join(ROOT, "bench", "followup-judged.esi")
EXAMPLE = os.path.join(ROOT, "examples", "hertfordshire", "followup.yaml")
DATA = os.path.join(ROOT, "bench", "data")

# Share of cases with each value (the rest of a yes-or-no attribute is `no`).
RISK = {"low": 0.35, "medium": 0.40, "high": 0.20, "very high": 0.05}
ORDER = {"cro": 0.40, "cpo": 0.03, "cpro": 0.15, "dtto": 0.07, "licence": 0.35}
FLAGS = {
    "child_protection": 0.15,
    "sex_offender": 0.08,
    "domestic_violence": 0.25,
    "significant_incident": 0.10,
    "mappa": 0.10,  # plus more at high risk, below
}
NOT_APPLICABLE_SHARE = 0.03
BLANK_SHARE = 0.02
STRAY_SHARE = 0.25  # of the cases a question's `applies when` leaves out: answered all the same (see above)


def _ruleset() -> Any:
    from esirules.language.check import load_ruleset

    return load_ruleset(RULESET)


def _choice(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    values = list(shares)
    p = np.array([shares[v] for v in values])
    return rng.choice(len(values), size=n, p=p / p.sum())


def generate_columns(ruleset: Any, n_cases: int, seed: int = 0) -> dict[str, list[str]]:
    """The cases as columns of cell texts ('' for a blank), headed as in the CSV file."""
    from esirules.evidence import conditions

    rng = np.random.default_rng(seed)
    n = n_cases
    attributes = {a.name: a for a in ruleset.attributes}
    codes: dict[str, np.ndarray] = {}
    texts: dict[str, list[str]] = {}
    risk_values = list(attributes["risk_of_harm"].values)
    risk = _choice(rng, RISK, n)
    codes["risk_of_harm"] = np.array([risk_values.index(v) for v in RISK], dtype=np.int16)[risk]
    order_values = list(attributes["order_type"].values)
    order = _choice(rng, ORDER, n)
    codes["order_type"] = np.array([order_values.index(v) for v in ORDER], dtype=np.int16)[order]
    high = codes["risk_of_harm"] >= risk_values.index("high")
    for name, share in FLAGS.items():
        p = np.full(n, share)
        if name == "mappa":
            p[high] = 0.55
        codes[name] = (rng.random(n) < p).astype(np.int16)
    for a in ruleset.attributes:
        column = codes.get(a.name)
        if column is None:  # an attribute this generator does not know: left blank
            texts[a.name] = [""] * n
        elif a.kind == "boolean":
            texts[a.name] = np.array(["no", "yes"], dtype=object)[column].tolist()
        else:
            texts[a.name] = np.array(a.values, dtype=object)[column].tolist()

    samples = ruleset.samples
    sample_code = rng.integers(0, len(samples), size=n) if samples else np.full(n, -1)
    columns: dict[str, list[str]] = {"id": [f"C{i}" for i in range(1, n + 1)]}
    columns["sample"] = [samples[s].name for s in sample_code] if samples else [""] * n
    for a in ruleset.attributes:
        columns[a.name] = texts[a.name]

    strays = np.random.default_rng([seed, 2])  # (a stream of its own: the other answers are as before)
    quality = rng.beta(4, 2.5, size=n)  # how good the case's supervision was, 0..1
    # Questions, then the judgements' prompts (answered as questions are; a judgement itself is
    # worked out, not recorded), so the questions' answers are drawn as before prompts existed.
    answered = [q for q in ruleset.questions() if q.judgement is None] + list(ruleset.prompts())
    for question in answered:
        scale = ruleset.scale(question.scale)
        condition = (
            np.ones(n, dtype=bool)
            if question.applies is None
            else conditions.mask(question.applies, codes, attributes, n)
        )
        asked = np.ones(n, dtype=bool)
        section = question.criterion.split(".")[0][:1]
        for index, sample in enumerate(samples):
            in_sample = sample_code == index
            if question.id in sample.without_questions:
                asked &= ~in_sample
            if sample.sections is not None and section not in sample.sections:
                asked &= ~in_sample
        applies = condition & asked
        # the answer's rank: the case's quality plus noise, cut into len(values) bands
        score = quality + rng.normal(0, 0.25, size=n)
        k = len(scale.values)
        rank = np.clip(((1 - score) * k).astype(np.int64), 0, k - 1)
        values = np.array([*scale.values, scale.not_applicable or "", ""], dtype=object)
        roll = rng.random(n)
        rank[roll < NOT_APPLICABLE_SHARE + BLANK_SHARE] = k + 1
        if scale.not_applicable:
            rank[roll < NOT_APPLICABLE_SHARE] = k
        rank[~applies] = k + 1
        if question.applies is not None:  # answered where the condition leaves the case out (see above)
            stray = asked & ~condition & (strays.random(n) < STRAY_SHARE)
            rank[stray] = strays.integers(0, k, size=n)[stray]
        columns[question.id] = values[rank].tolist()
    return columns


def _ratings(ruleset: Any, rng: np.random.Generator) -> dict[str, str]:
    ratings = {}
    for item in ruleset.items():
        grading = ruleset.criterion(item.criterion).grading
        if not grading:
            continue
        values = ruleset.scale(ruleset.grading(grading).item_scale).values
        weights = np.array([1, 3, 4, 3, 1][: len(values)], dtype=float)
        if len(weights) < len(values):
            weights = np.ones(len(values))
        rating = str(values[rng.choice(len(values), p=weights / weights.sum())])
        if item.measure is None:  # (drawn all the same, so the other items keep their ratings)
            ratings[item.id] = rating  # an item rated from target data takes none (E132)
    return ratings


def _measures() -> dict[str, dict[str, float]]:
    import yaml

    with open(EXAMPLE, encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle)["measures"])


def write_csv(path: str, columns: dict[str, list[str]], quote_all: bool = False) -> None:
    """Write columns of cell texts as a CSV file (header row first)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        writer.writerows(zip(*columns.values()))


def case_records(columns: dict[str, list[str]], attribute_names: set[str]) -> list[dict[str, Any]]:
    """The cases as evidence-file case records (blank answers left out)."""
    fields = list(columns)
    cases = []
    for row in zip(*columns.values()):
        case: dict[str, Any] = {}
        answers: dict[str, str] = {}
        for field, value in zip(fields, row):
            if field in ("id", "sample") or field in attribute_names:
                if value != "":
                    case[field] = value
            elif value != "":
                answers[field] = value
        case["answers"] = answers
        cases.append(case)
    return cases


# of the generator's output: files written by another version are written again (4: no rating for
# an item rated from a measure's target data, which the loader refuses, E132)
VERSION = 4


def generate(
    directory: str, n_cases: int, seed: int = 0, name: str | None = None, json_cases: bool = True
) -> dict[str, str]:
    """Write a synthetic inspection of `n_cases` cases; returns the paths written.

    Files already written by this version with the same size and seed are kept, not rewritten.
    `json_cases=False` leaves out the JSON variant.

    Returns:
        {"csv": <name>-cases.csv, "yaml": <name>.yaml, "json": <name>.json (if written),
        "ruleset": the ruleset}
    """
    os.makedirs(directory, exist_ok=True)
    name = name or f"followup-{n_cases}"
    paths = {
        "csv": os.path.join(directory, f"{name}-cases.csv"),
        "yaml": os.path.join(directory, f"{name}.yaml"),
        "json": os.path.join(directory, f"{name}.json"),
        "ruleset": RULESET,
    }
    if not json_cases:
        del paths["json"]
    title = f"Synthetic follow-up inspection, {n_cases} cases (seed {seed}, generator {VERSION})"
    if _written(paths, title):
        return paths
    ruleset = _ruleset()
    columns = generate_columns(ruleset, n_cases, seed)
    rng = np.random.default_rng([seed, 1])
    ratings = _ratings(ruleset, rng)
    measures = _measures()
    write_csv(paths["csv"], columns)
    reference = os.path.relpath(RULESET, os.path.abspath(directory))
    with open(paths["yaml"], "w", encoding="utf-8") as handle:
        handle.write("# SYNTHETIC evidence written by bench/generate.py; regenerate rather than edit.\n")
        handle.write(f"inspection: {json.dumps(title)}\n")
        handle.write(f"ruleset: {json.dumps(reference)}\n")
        handle.write(f"cases: {json.dumps(os.path.basename(paths['csv']))}\n")
        handle.write("ratings:\n")
        for item, rating in ratings.items():
            handle.write(f"  {item}: {json.dumps(rating)}\n")
        handle.write("measures:\n")
        for measure, figures in measures.items():
            handle.write(f"  {measure}: {json.dumps(figures)}\n")
    if not json_cases:
        return paths
    document = {
        "inspection": title,
        "ruleset": reference,
        "cases": case_records(columns, {a.name for a in ruleset.attributes}),
        "ratings": ratings,
        "measures": {k: {f: _plain(v) for f, v in m.items()} for k, m in measures.items()},
    }
    with open(paths["json"], "w", encoding="utf-8") as handle:
        json.dump(document, handle, separators=(",", ":"))
    return paths


def write_yaml_cases(paths: dict[str, str]) -> str:
    """The JSON evidence file's document written again as YAML (block style, cases inline), beside it."""
    import yaml

    path = paths["json"][: -len(".json")] + "-inline.yaml"
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(paths["json"]):
        return path
    with open(paths["json"], encoding="utf-8") as handle:
        document = json.load(handle)
    with open(path, "w", encoding="utf-8") as handle:
        yaml.dump(document, handle, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False,
                  allow_unicode=True, width=1000)
    return path


def _written(paths: dict[str, str], title: str) -> bool:
    """Whether these files exist, written with this title (size, seed and generator version)."""
    if not all(os.path.exists(p) for p in paths.values()):
        return False
    with open(paths["yaml"], encoding="utf-8") as handle:
        return json.dumps(title) in handle.read(4096)


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Fraction) else value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("n_cases", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name")
    parser.add_argument("--no-json", action="store_true", help="write no JSON variant")
    args = parser.parse_args(argv)
    for kind, path in generate(args.directory, args.n_cases, args.seed, args.name, not args.no_json).items():
        print(f"{kind}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
