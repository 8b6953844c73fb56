"""Benchmark the checker's analysis of the bundled rulesets: rating profiles and figures tried, and what it costs.

The analysis runs inside every `esirules check` (and `load_ruleset`, the language server, the
service), so its cost is shown against the check it is part of, measured in the same run:

- `analysis_ms`: analysing one checked ruleset, its remembered findings cleared first (what the
  first check of a ruleset in a process pays);
- `analysis_remembered_ms`: the same with the findings remembered from an earlier check of the
  same gradings and bands (what a re-check pays, as the language server's after an edit);
- `check_ms`: the whole `check_file` of the ruleset (parse, check, resolve and the analysis,
  remembered), the baseline.

Cold start: `esirules check` on the bundled rulesets in a new process against a bare `python -c
pass`, and the analysis's share of it (its modules' own import time, then a first analysis of
each ruleset in a new process).

Run: `.venv/bin/python bench/analysis.py` (about ten seconds); `bench/run` includes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from language import ROOT, RULESETS, median_seconds

# In a new process: one first analysis of each bundled ruleset (its modules already imported).
_FIRST_RUN = """
import sys, time
from esirules.language import analysis, analysis_bands, analysis_gradings
from esirules.language.check import check_file
from esirules.language.context import CheckContext
first = 0.0
for path in sys.argv[1:]:
    ruleset = check_file(path).ruleset
    analysis_gradings.findings.cache_clear()
    analysis_bands.findings.cache_clear()
    start = time.perf_counter()
    analysis.analyse(CheckContext(path), ruleset)
    first += time.perf_counter() - start
print(first)
"""
# The modules the analysis added to what `esirules check` imports.
ANALYSIS_MODULES = {
    "esirules.language.analysis", "esirules.language.analysis_bands", "esirules.language.analysis_gradings",
    "esirules.language.analysis_profiles", "esirules.language.analysis_structure",
}


def _import_seconds() -> float:
    """The analysis modules' own import time (`python -X importtime`), in a new process."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", "import esirules.language.check"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    total = 0
    for line in run.stderr.splitlines():
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] in ANALYSIS_MODULES:
            total += int(parts[0])  # self time, microseconds
    return total / 1e6


def _clear() -> None:
    from esirules.language import analysis_bands, analysis_gradings

    analysis_gradings.findings.cache_clear()
    analysis_bands.findings.cache_clear()


def per_ruleset(repeat: int = 21) -> dict[str, Any]:
    """Profiles, figures and timings for each bundled ruleset, and for all of them together."""
    from esirules.language import analysis
    from esirules.language.check import check_file
    from esirules.language.context import CheckContext

    out: dict[str, Any] = {}
    models = {}
    for path in RULESETS:
        checked = check_file(path)
        assert checked.ruleset is not None and checked.analysis is not None, checked.diagnostics
        assert checked.diagnostics == [], checked.diagnostics
        models[path] = checked.ruleset
        found = checked.analysis

        def fresh(path: str = path) -> None:
            _clear()
            analysis.analyse(CheckContext(path), models[path])

        def remembered(path: str = path) -> None:
            analysis.analyse(CheckContext(path), models[path])

        analysis_s = median_seconds(fresh, repeat)
        remembered_s = median_seconds(remembered, repeat)
        check_s = median_seconds(lambda path=path: check_file(path), repeat)
        out[os.path.basename(path)] = {
            "gradings": {
                g.name: {
                    "rating_profiles": g.profiles,
                    "item_sets": {who: n for who, n in g.item_sets},
                    "monotone": g.monotone,
                }
                for g in found.gradings
            },
            "bands": {b.name: {"figures_tried": b.figures} for b in found.bands},
            "analysis_ms": analysis_s * 1000,
            "analysis_remembered_ms": remembered_s * 1000,
            "check_ms": check_s * 1000,
            "analysis_share_of_first_check": analysis_s / (check_s - remembered_s + analysis_s),
        }

    def every() -> None:
        _clear()
        for path, ruleset in models.items():
            analysis.analyse(CheckContext(path), ruleset)

    out["all_bundled_ms"] = median_seconds(every, repeat) * 1000
    return out


def cold_start(repeat: int = 7) -> dict[str, float]:
    """`esirules check` in a new process, and the analysis's part of it."""
    python = sys.executable
    bare = median_seconds(lambda: subprocess.run([python, "-c", "pass"], check=False), repeat)
    check = median_seconds(
        lambda: subprocess.run([python, "-m", "esirules.cli.main", "check", *RULESETS], cwd=ROOT,
                               capture_output=True, check=False),
        repeat,
    )
    imports = sorted(_import_seconds() for _ in range(repeat))
    firsts = sorted(
        float(subprocess.run([python, "-c", _FIRST_RUN, *RULESETS], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(repeat)
    )
    imported, first = imports[len(imports) // 2], firsts[len(firsts) // 2]
    return {
        "python_bare_s": bare,
        "check_s": check,
        "analysis_import_s": imported,
        "analysis_first_run_s": first,
        "analysis_share_of_check": (imported + first) / check,
    }


def figures(repeat: int = 21) -> dict[str, Any]:
    return {"rulesets": per_ruleset(repeat), "cold_start": cold_start()}


if __name__ == "__main__":
    print(json.dumps(figures(), indent=2))
