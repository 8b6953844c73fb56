"""`esirules check FILE...`: ruleset files in, a summary per ruleset or diagnostics out."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="ruleset files (.esi)")
    parser.add_argument("--format", choices=["text", "json"], default="text", help="how to print problems")


def run(args: argparse.Namespace) -> int:
    from esirules.diagnostics import Diagnostic
    from esirules.language.check import check_files
    from esirules.render.diagnostics import render_json, render_text

    all_diagnostics: list[Diagnostic] = []
    summaries: list[dict[str, object]] = []
    failed = False
    for path, checked in zip(args.files, check_files(args.files)):
        all_diagnostics.extend(checked.diagnostics)
        errors = [d for d in checked.diagnostics if d.severity == "error"]
        if errors or checked.ruleset is None:
            failed = True
            if args.format == "text":
                sys.stderr.write(render_text(checked.diagnostics, checked.sources))
        else:
            ruleset = checked.ruleset
            if args.format == "text":
                if checked.diagnostics:
                    sys.stderr.write(render_text(checked.diagnostics, checked.sources))
                print(f"{path}: ok — {ruleset.summary()}; {_tests(len(ruleset.tests))}")
            summaries.append({"file": path, "ruleset": ruleset.name, "version": ruleset.version,
                              "hash": ruleset.content_hash, "summary": ruleset.summary(),
                              "tests": len(ruleset.tests)})
    if args.format == "json":
        import json

        payload = json.loads(render_json(all_diagnostics))
        payload["rulesets"] = summaries
        payload["ok"] = not failed
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    return 1 if failed else 0


def _tests(count: int) -> str:
    """How many tests the ruleset holds (its own: a derived ruleset does not take its parent's)."""
    if count == 0:
        return "no tests"
    return f"{count} test{'' if count == 1 else 's'} (run {'it' if count == 1 else 'them'} with esirules test)"
