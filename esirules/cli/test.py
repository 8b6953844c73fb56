"""`esirules test FILE...`: rulesets in, each of their tests run, failures explained, and coverage out.

Exit 0 when every test of every ruleset passed; 1 when a test failed or a ruleset has errors
(printed with their locations on standard error, as `check` prints them); 2 when the command
line is wrong.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from esirules.authoring.coverage import Coverage
    from esirules.authoring.testing import RulesetRun


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="ruleset files (.esi)")
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="also list the grading rules, caps, band rows, questions and items no test exercises",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace) -> int:
    from esirules.authoring.coverage import coverage
    from esirules.authoring.testing import run_tests
    from esirules.diagnostics import Diagnostic
    from esirules.language.check import check_files
    from esirules.render.diagnostics import render_text

    runs: list[RulesetRun] = []
    coverages: dict[str, Coverage] = {}
    problems: list[Diagnostic] = []
    for checked in check_files(args.files):
        errors = [d for d in checked.diagnostics if d.severity == "error"]
        if errors or checked.ruleset is None:
            problems += errors
            sys.stderr.write(render_text(errors, checked.sources))
            continue
        found = run_tests(checked.ruleset, checked.sources)
        runs.append(found)
        if args.coverage:
            coverages[found.path] = coverage(found)
    if args.format == "json":
        import json

        from esirules.authoring.testing_report import runs_data
        from esirules.render.diagnostics import render_json

        diagnostics = json.loads(render_json(problems))["diagnostics"]
        print(json.dumps(runs_data(runs, coverages, diagnostics), indent=2, ensure_ascii=False))
    else:
        _print_text(runs, coverages, unchecked=len(args.files) - len(runs))
    failed = any(r.failed for r in runs)
    return 1 if failed or problems else 0


def _print_text(runs: list[RulesetRun], coverages: dict[str, Coverage], unchecked: int) -> None:
    from rich.console import Console

    from esirules.authoring.testing_report import coverage_text, failure_text, ruleset_line, total_line
    from esirules.explain.objects import BandsExplanation
    from esirules.render.explain_text import bands_tree, explanation_tree

    console = Console(highlight=False)
    for found in runs:
        for result in found.failed:
            if result.problem is not None:
                sys.stdout.write(failure_text(found, result, None) + "\n")
                continue
            for outcome in result.expectations:
                if outcome.passed:
                    continue
                sys.stdout.write(failure_text(found, result, outcome))
                sys.stdout.flush()
                explanation = outcome.explanation
                if isinstance(explanation, BandsExplanation):
                    console.print(bands_tree(explanation))
                elif explanation is not None:
                    console.print(explanation_tree(explanation))
                sys.stdout.write("\n")
        sys.stdout.write(ruleset_line(found) + "\n")
        if found.path in coverages:
            sys.stdout.write(coverage_text(coverages[found.path]))
    sys.stdout.write(("\n" if runs else "") + total_line(runs, unchecked) + "\n")
