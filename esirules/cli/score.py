"""`esirules score`: evidence files or a summary sheet file in, the scoring summary sheet out."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "evidence",
        nargs="+",
        metavar="EVIDENCE",
        help="inspection evidence files (YAML, JSON, CSV, or an .xlsx or .ods workbook), or one summary sheet file naming columns",
    )
    parser.add_argument("--ruleset", metavar="FILE", help="score under this ruleset instead of the evidence's own")
    parser.add_argument(
        "--sample",
        action="append",
        metavar="NAME",
        help="score one sample (cohort) only; repeat for one column per sample (without it, each sample"
        " the cases belong to is a column of its own)",
    )
    parser.add_argument(
        "--pool-samples",
        action="store_true",
        help="score the cases of every sample together in one column (a warning says what is mixed)",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="merge several evidence files into one column (e.g. one CSV per area) instead of one column each",
    )
    parser.add_argument(
        "--format",
        choices=["table", "json", "csv", "markdown", "html"],
        default="table",
        help="how to print the sheet: a table for the terminal (the default), JSON with every figure exact, "
        "CSV with one row per figure for spreadsheets, Markdown, or HTML (one self-contained page)",
    )
    parser.add_argument("--title", help="the title printed above the sheet")
    parser.add_argument(
        "--output", metavar="FILE",
        help="write the sheet to FILE instead of standard output: whole, and only if the evidence scores",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings about the evidence and its scoring as errors (nothing is scored)",
    )


def columns_from_arguments(args: argparse.Namespace, scorer):  # type: ignore[no-untyped-def]
    """Column specs for plain evidence arguments (one per file, or merged, times one per sample),
    and the command line as typed, so a bad `--sample` is underlined where it was typed.

    Without `--sample` (and `--pool-samples`), a file whose cases belong to samples the ruleset
    declares gives one column per sample, in the ruleset's order, as the report's sheet does."""
    import os

    from esirules.cli.command_line import CommandLine
    from esirules.evidence.sheet import ColumnSpec
    from esirules.span import Span

    ruleset = args.ruleset or None
    groups = [tuple(args.evidence)] if args.merge else [(path,) for path in args.evidence]
    line = CommandLine(getattr(args, "words", None) or ["score", *args.evidence])
    where: dict[str | None, Span | None] = {None: None}
    for occurrence, sample in enumerate(args.sample or []):
        where.setdefault(sample, line.option("--sample", occurrence))
    columns = []
    for group in groups:
        name = " + ".join(os.path.basename(p) for p in group)
        paths = tuple(os.path.normpath(p) for p in group)
        samples: list[str | None] = list(args.sample or [None])
        if not args.sample and not args.pool_samples:
            samples = list(scorer.samples_in(ColumnSpec(name, paths, ruleset)) or [None])
        for sample in samples:
            label = name if sample is None else (sample if len(groups) == 1 else f"{name} ({sample})")
            columns.append(ColumnSpec(label, paths, ruleset, sample, where.get(sample)))
    return columns, line.sources


def progress_display(quiet: bool):  # type: ignore[no-untyped-def]
    """A bar on stderr for long loads and scorings, if it is a terminal and not `--quiet`."""
    from esirules.progress import SILENT

    if quiet:
        return SILENT
    from esirules.cli.progress import TerminalProgress

    return TerminalProgress(sys.stderr)


def run(args: argparse.Namespace) -> int:
    from esirules.cli import output
    from esirules.diagnostics import DiagnosticError
    from esirules.evidence.sheet import read_sheet_file
    from esirules.files import FileProblem, InputFiles
    from esirules.scoring.columns import Scorer

    title = args.title
    if output.writes_over_input(args.output, [*args.evidence, args.ruleset]):
        return 2
    files = InputFiles.for_command_line([*args.evidence, args.ruleset])
    scorer = Scorer(progress_display(args.quiet), files=files, strict=args.strict, batches=True)
    try:
        sheet = read_sheet_file(args.evidence[0], files) if len(args.evidence) == 1 else None
        if sheet is not None:
            if args.ruleset or args.sample or args.merge or args.pool_samples:
                output.error("a summary sheet file names its own rulesets and samples")
                return 2
            columns = list(sheet.columns)
            title = title or sheet.title
        else:
            if args.sample and args.pool_samples:
                output.error("--pool-samples scores every sample together, and --sample one sample: give one or the other")
                return 2
            columns, command_line = columns_from_arguments(args, scorer)
            scorer.sources.update(command_line)
        results = scorer.score(columns)
    except DiagnosticError as error:
        output.diagnostics(error.diagnostics, error.sources)
        return 1
    warnings = scorer.warnings()
    if warnings:
        output.diagnostics(warnings, scorer.sources)
    # Without a title of its own, a sheet of one inspection is headed by that inspection's title.
    inspections = {e.title for e in scorer.evidence.values() if e is not None and e.title}
    title = title or (inspections.pop() if len(inspections) == 1 else "Scoring summary sheet")
    try:
        with output.written_to(args.output):
            _print(args.format, title, results, scorer)
    except FileProblem as problem:
        output.error(f"cannot write `{args.output}`: {problem.reason}")
        return 2
    return 0


def _print(form: str, title: str, results, scorer) -> None:  # type: ignore[no-untyped-def]
    from esirules.cli import output
    from esirules.render.sheet import build_sheet, sheet_csv, sheet_json, sheet_markdown

    if form == "json":
        output.write_json(sheet_json(title, results))
        return
    if form == "html":
        from esirules.render.html.sheet import sheet_page

        output.write(sheet_page(title, results, rulesets=scorer.rulesets.values()))
        return
    built = build_sheet(title, results)
    if form == "csv":
        output.write(sheet_csv(built))
    elif form == "markdown":
        output.write(sheet_markdown(built))
    else:
        from esirules.render.sheet_table import sheet_table

        console = output.console()
        console.print(sheet_table(built, console.width))
