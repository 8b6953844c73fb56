"""`esirules check FILE...`: ruleset files in, a summary per ruleset or diagnostics out."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="ruleset files (.esi)")
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="how to print the problems found: text with each line underlined (the default), or JSON",
    )
    parser.add_argument(
        "--analysis",
        action="store_true",
        help="also show what the analysis found: how many rating profiles each grading rule grades "
        "(and what falls through to `otherwise`), and what figures each band takes",
    )


def run(args: argparse.Namespace) -> int:
    from esirules.cli import output
    from esirules.diagnostics import Diagnostic
    from esirules.language.check import check_files
    from esirules.render.diagnostics import render_json, tally_line

    all_diagnostics: list[Diagnostic] = []
    with_problems = 0
    summaries: list[dict[str, object]] = []
    failed = False
    for path, checked in zip(args.files, check_files(args.files)):
        all_diagnostics.extend(checked.diagnostics)
        with_problems += bool(checked.diagnostics)
        errors = [d for d in checked.diagnostics if d.severity == "error"]
        if errors or checked.ruleset is None:
            failed = True
        if args.format == "text" and checked.diagnostics:
            # The count comes once, for every file, at the end.
            if with_problems > 1:
                sys.stderr.write("\n")
            output.diagnostics(checked.diagnostics, checked.sources, tally=False)
        if not errors and checked.ruleset is not None:
            ruleset = checked.ruleset
            if args.format == "text":
                output.write(f"{path}: ok — {ruleset.summary()}; {_tests(len(ruleset.tests))}\n")
                if args.analysis and checked.analysis is not None:
                    from esirules.render.analysis import analysis_text

                    output.write(analysis_text(checked.analysis))
            summary: dict[str, object] = {"file": path, "ruleset": ruleset.name, "version": ruleset.version,
                                          "hash": ruleset.content_hash, "summary": ruleset.summary(),
                                          "tests": len(ruleset.tests)}
            if args.analysis and checked.analysis is not None:
                from esirules.render.analysis import analysis_json

                summary["analysis"] = analysis_json(checked.analysis)
            summaries.append(summary)
    if args.format == "text" and all_diagnostics:
        files = len(args.files)
        where = f" in {with_problems} of {files} files" if files > 1 else ""
        sys.stderr.write(f"\n{tally_line(all_diagnostics)}{where}\n")
    if args.format == "json":
        import json

        payload = json.loads(render_json(all_diagnostics))
        payload["rulesets"] = summaries
        payload["ok"] = not failed
        output.write_json(json.dumps(payload, indent=2, ensure_ascii=False))
    return 1 if failed else 0


def _tests(count: int) -> str:
    """How many tests the ruleset holds (its own: a derived ruleset does not take its parent's)."""
    if count == 0:
        return "no tests"
    return f"{count} test{'' if count == 1 else 's'} (run {'it' if count == 1 else 'them'} with esirules test)"
