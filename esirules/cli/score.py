"""`esirules score`: evidence files or a summary sheet file in, the scoring summary sheet out."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "evidence",
        nargs="+",
        metavar="EVIDENCE",
        help="inspection evidence files (YAML, JSON or CSV), or one summary sheet file naming columns",
    )
    parser.add_argument("--ruleset", metavar="FILE", help="score under this ruleset instead of the evidence's own")
    parser.add_argument(
        "--sample",
        action="append",
        metavar="NAME",
        help="score one sample (cohort) only; repeat for one column per sample",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="merge several evidence files into one column (e.g. one CSV per area) instead of one column each",
    )
    parser.add_argument("--format", choices=["table", "json", "csv", "markdown", "html"], default="table")
    parser.add_argument("--title", help="the title printed above the sheet")
    parser.add_argument("--quiet", action="store_true", help="no progress display")


COMMAND_LINE = "<command line>"


def columns_from_arguments(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Column specs for plain evidence arguments (one per file, or merged, times one per sample),
    and the command line as a source text, so a bad `--sample` is underlined where it was typed."""
    import os

    from esirules.evidence.sheet import ColumnSpec
    from esirules.span import Span

    ruleset = os.path.abspath(args.ruleset) if args.ruleset else None
    groups = [tuple(args.evidence)] if args.merge else [(path,) for path in args.evidence]
    command = "esirules score " + " ".join(args.evidence)
    where: dict[str | None, Span | None] = {None: None}
    for sample in args.sample or []:
        command += " --sample "
        start = len(command)
        command += sample
        where[sample] = Span(COMMAND_LINE, 1, start + 1, 1, start + 1 + len(sample))
    columns = []
    for group in groups:
        for sample in args.sample or [None]:
            name = " + ".join(os.path.basename(p) for p in group)
            label = name if sample is None else (sample if len(groups) == 1 else f"{name} ({sample})")
            paths = tuple(os.path.abspath(p) for p in group)
            columns.append(ColumnSpec(label, paths, ruleset, sample, where[sample]))
    return columns, {COMMAND_LINE: command}


def progress_display(quiet: bool):  # type: ignore[no-untyped-def]
    """A bar on stderr for long loads and scorings, if it is a terminal and not `--quiet`."""
    from esirules.progress import SILENT

    if quiet:
        return SILENT
    from esirules.cli.progress import TerminalProgress

    return TerminalProgress(sys.stderr)


def run(args: argparse.Namespace) -> int:
    from esirules.diagnostics import DiagnosticError
    from esirules.evidence.sheet import read_sheet_file
    from esirules.render.diagnostics import render_text
    from esirules.render.sheet import build_sheet, sheet_csv, sheet_json, sheet_markdown, sheet_table
    from esirules.scoring.columns import Scorer

    title = args.title
    scorer = Scorer(progress_display(args.quiet))
    try:
        sheet = read_sheet_file(args.evidence[0]) if len(args.evidence) == 1 else None
        if sheet is not None:
            if args.ruleset or args.sample or args.merge:
                sys.stderr.write("esirules: error: a summary sheet file names its own rulesets and samples\n")
                return 2
            columns = list(sheet.columns)
            title = title or sheet.title
        else:
            columns, command_line = columns_from_arguments(args)
            scorer.sources.update(command_line)
        results = scorer.score(columns)
    except DiagnosticError as error:
        sys.stderr.write(render_text(error.diagnostics, error.sources))
        return 1
    # Without a title of its own, a sheet of one inspection is headed by that inspection's title.
    inspections = {e.title for e in scorer.evidence.values() if e is not None and e.title}
    title = title or (inspections.pop() if len(inspections) == 1 else "Scoring summary sheet")
    if args.format == "json":
        print(sheet_json(title, results))
        return 0
    if args.format == "html":
        from esirules.render.html.sheet import sheet_page

        sys.stdout.write(sheet_page(title, results, rulesets=scorer.rulesets.values()))
        return 0
    built = build_sheet(title, results)
    if args.format == "csv":
        sys.stdout.write(sheet_csv(built))
    elif args.format == "markdown":
        sys.stdout.write(sheet_markdown(built))
    else:
        from rich.console import Console

        console = Console()
        console.print(sheet_table(built))
        for number, note in enumerate(built.notes, start=1):
            console.print(f"[{number}] {note}", highlight=False)
    return 0
