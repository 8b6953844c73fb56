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
        help="also list the grading rules, caps, band rows, questions, items and outcome rules no test exercises",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="how to print the results: text with each failure explained (the default), or JSON "
        "(docs/authoring-tools.md)",
    )


def run(args: argparse.Namespace) -> int:
    from esirules.authoring.coverage import coverage
    from esirules.authoring.testing import run_tests
    from esirules.cli import output
    from esirules.diagnostics import Diagnostic
    from esirules.language.check import check_files

    runs: list[RulesetRun] = []
    coverages: dict[str, Coverage] = {}
    problems: list[Diagnostic] = []
    for checked in check_files(args.files):
        errors = [d for d in checked.diagnostics if d.severity == "error"]
        if errors or checked.ruleset is None:
            problems += errors
            output.diagnostics(errors, checked.sources)
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
        output.write_json(json.dumps(runs_data(runs, coverages, diagnostics), indent=2, ensure_ascii=False))
    else:
        _print_text(runs, coverages, unchecked=len(args.files) - len(runs))
    failed = any(r.failed for r in runs)
    return 1 if failed or problems else 0


def _print_text(runs: list[RulesetRun], coverages: dict[str, Coverage], unchecked: int) -> None:
    from esirules.authoring.testing_report import coverage_text, failure_text, ruleset_line, total_line
    from esirules.cli import output
    from esirules.explain.objects import BandsExplanation
    from esirules.render.explain_text import explanation_tree
    from esirules.render.explain_text_parts import bands_tree

    console = output.console()
    for found in runs:
        for result in found.failed:
            if result.problem is not None:
                output.write(failure_text(found, result, None) + "\n")
                continue
            for outcome in result.expectations:
                if outcome.passed:
                    continue
                output.write(failure_text(found, result, outcome))
                sys.stdout.flush()
                explanation = outcome.explanation
                if isinstance(explanation, BandsExplanation):
                    console.print(bands_tree(explanation))
                elif explanation is not None:
                    console.print(explanation_tree(explanation))
                output.write("\n")
        output.write(ruleset_line(found) + "\n")
        if found.path in coverages:
            output.write(coverage_text(coverages[found.path]))
    output.write(("\n" if runs else "") + total_line(runs, unchecked) + "\n")
