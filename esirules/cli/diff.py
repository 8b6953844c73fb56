"""`esirules diff OLD NEW`: two rulesets (and optionally evidence) in, what changed and what it does out.

Exit 0 whether or not the rulesets differ (the diff is a report, not a finding); 1 when a
ruleset, an evidence file or a sample has problems (each printed with its location, nothing on
standard output); 2 when the options do not go together.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the ruleset before the change (.esi)")
    parser.add_argument("new", metavar="NEW", help="the ruleset after the change (.esi)")
    parser.add_argument(
        "--evidence",
        nargs="+",
        action="extend",
        metavar="FILE",
        help="inspection evidence to score under both rulesets, to show what the change does to it",
    )
    parser.add_argument(
        "--sample",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="with --evidence: score these samples (cohorts) one by one; both rulesets must declare them",
    )
    parser.add_argument(
        "--format",
        choices=["text", "markdown", "json"],
        default="text",
        help="how to print the changes: text for the terminal (the default), Markdown, or JSON (docs/diff-schema.md)",
    )
    parser.add_argument(
        "--all-cases", action="store_true", help="with --format json: list every case id (long lists are cut)"
    )


def _samples(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Each sample with the span that underlines it where it was typed, and the command line as typed."""
    from esirules.cli.command_line import CommandLine

    line = CommandLine(getattr(args, "words", None) or ["diff", args.old, args.new, "--evidence", *args.evidence])
    if not args.sample:
        return [(None, None)], {}
    return [(name, _sample_span(line, name)) for name in args.sample], line.sources


def _sample_span(line, name: str):  # type: ignore[no-untyped-def]
    """`--sample a b` takes several names: the first word equal to the name after a `--sample`."""
    start = next((i for i, word in enumerate(line.words) if word.startswith("--sam")), 0)
    return line.word(name, after=start)


def run(args: argparse.Namespace) -> int:
    from esirules.authoring.diff import diff_rulesets
    from esirules.authoring.impact import Impact, score_impacts
    from esirules.authoring.written import read_rulesets
    from esirules.cli import output
    from esirules.diagnostics import DiagnosticError

    if args.sample and not args.evidence:
        output.error("--sample chooses the cases of --evidence to score; give --evidence too")
        return 2
    if args.all_cases and args.format != "json":
        output.error("--all-cases is for --format json; text and Markdown show the first few")
        return 2
    try:
        (old, new), warnings, sources = read_rulesets([args.old, args.new])
    except DiagnosticError as error:
        output.diagnostics(error.diagnostics, error.sources)
        return 1
    if warnings:
        output.diagnostics(warnings, sources)
    diff = diff_rulesets(old, new)
    impacts: list[Impact] = []
    if args.evidence:
        from esirules.scoring.columns import Scorer

        samples, command_line = _samples(args)
        scorer = Scorer()
        try:
            impacts = score_impacts(args.old, args.new, args.evidence, samples, scorer=scorer)
        except DiagnosticError as error:
            output.diagnostics(error.diagnostics, {**error.sources, **command_line})
            return 1
        scoring_warnings = scorer.warnings()
        if scoring_warnings:
            output.diagnostics(scoring_warnings, scorer.sources)
    if args.format == "json":
        from esirules.authoring.diff_json import diff_json

        output.write_json(diff_json(diff, impacts, all_cases=args.all_cases))
        return 0
    from esirules.authoring.diff_report import diff_document

    document = diff_document(diff, impacts)
    if args.format == "markdown":
        from esirules.authoring.document_markdown import document_markdown

        output.write(document_markdown(document))
    else:
        from esirules.authoring.document_text import document_text

        output.write(document_text(document))
    return 0
