"""`esirules explain EVIDENCE TARGET`: evidence (or a summary sheet column) and a target in, why it scored so out."""

from __future__ import annotations

import argparse
import os
import shlex
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from esirules.evidence.sheet import ColumnSpec
    from esirules.files import InputFiles
    from esirules.scoring.columns import Scorer
    from esirules.span import Span

COLUMN = "--column"


class UsageError(Exception):
    """Options that do not go together: the command could not run (exit 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "evidence",
        metavar="EVIDENCE",
        help="an inspection evidence file (YAML, JSON, CSV, or an .xlsx or .ods workbook), or a summary sheet file with --column",
    )
    parser.add_argument(
        "target",
        metavar="TARGET",
        help="what to explain: a criterion (B1), a section (B), `overall`, a question or item id (B1.start), or an outcome (its name)",
    )
    parser.add_argument("--ruleset", metavar="FILE", help="score under this ruleset instead of the evidence's own")
    parser.add_argument("--sample", metavar="NAME", help="explain the score of one sample (cohort) only")
    parser.add_argument(
        "--pool-samples", action="store_true",
        help="explain the score of every sample's cases together (as `score --pool-samples`)",
    )
    parser.add_argument("--column", metavar="LABEL", help="with a summary sheet file: the column to explain")
    parser.add_argument("--case", metavar="ID", help="show everything this one case contributed")
    parser.add_argument(
        "--where",
        metavar="CONDITION",
        help="the same breakdown for the cases where CONDITION holds, e.g. \"risk_of_harm >= high\"",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json", "markdown", "html"],
        default="text",
        help="how to print the explanation: a tree for the terminal (the default), JSON with every figure "
        "exact and every rule located, Markdown findings in the style of an inspection report, or HTML "
        "(one self-contained page)",
    )
    parser.add_argument(
        "--output", metavar="FILE",
        help="write the explanation to FILE instead of standard output: whole, and only if it can be made",
    )
    parser.add_argument(
        "--all-cases", action="store_true", help="list every case id (long lists are otherwise summarised)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings about the evidence as errors (nothing is explained)"
    )


def column_spec(
    args: argparse.Namespace, sample_typed: Span | None = None, files: InputFiles | None = None,
    scorer: Scorer | None = None,
) -> ColumnSpec:
    """The column to explain: one column of a summary sheet, or the evidence file (and sample) itself.

    Evidence whose cases belong to several samples is, on its sheet, a column for each (`score`):
    without `--sample` (or `--pool-samples`) there is no one column to explain (`scorer` finds
    the samples).

    Raises:
        DiagnosticError: the sheet cannot be read, or has no such column, or the evidence several samples.
        UsageError: options that do not go together.
    """
    from esirules.diagnostics import Diagnostic, DiagnosticError, did_you_mean
    from esirules.evidence.sheet import ColumnSpec, read_sheet_file
    from esirules.explain.request import one_sample
    from esirules.span import Span
    from esirules.words import plural

    sheet = read_sheet_file(args.evidence, files or input_files(args))
    if sheet is None:
        if args.column is not None:
            raise UsageError("--column picks a column of a summary sheet file, and this is an evidence file"
                             + ("" if args.sample else "; to explain one sample's column, give --sample and its name"
                                f" (--sample {shlex.quote(args.column)}, if `{args.column}` is a sample)"))
        if args.sample and args.pool_samples:
            raise UsageError("--pool-samples explains every sample together, and --sample one sample: "
                             "give one or the other")
        label = args.sample or os.path.basename(args.evidence)
        spec = ColumnSpec(label, (os.path.normpath(args.evidence),), args.ruleset or None, args.sample, sample_typed)
        if not args.pool_samples and scorer is not None:
            typed = Span(COLUMN, 1, 1, 1, max(len(args.evidence), 1) + 1)
            one_sample(spec, scorer, typed, lambda samples: "add " + " or ".join(f"`--sample {s}`" for s in samples)
                       + "; `--pool-samples` explains all its cases together, as `esirules score --pool-samples` "
                       "scores them", {COLUMN: args.evidence})
        return spec
    if args.ruleset or args.sample or args.pool_samples:
        raise UsageError("a summary sheet file names its own rulesets and samples; choose a column with --column")
    labels = [c.label for c in sheet.columns]
    if args.column is None and len(sheet.columns) == 1:
        return sheet.columns[0]
    chosen = [c for c in sheet.columns if c.label == args.column] or [
        c for c in sheet.columns if args.column is not None and c.label.lower() == args.column.lower()
    ]
    if len(chosen) == 1:
        return chosen[0]
    listing = ", ".join(f"`{label}`" for label in labels)
    if args.column is None:
        message = f"the summary sheet has {plural(len(labels), 'column')}; say which one to explain"
        help_line = f"add `--column LABEL`; its columns are {listing}"
        text = args.evidence  # underlined where the summary sheet file was typed
    else:
        message = f"the summary sheet has no column `{args.column}`"
        given = args.column.lower()
        prefix = [label for label in labels if label.lower().startswith(given) or given.startswith(label.lower())]
        help_line = (
            (f"did you mean `{prefix[0]}`?" if len(prefix) == 1 else did_you_mean(args.column, labels, listing=False))
            or f"its columns are {listing}"
        )
        text = args.column
    raise DiagnosticError(
        [Diagnostic("E304", message, Span(COLUMN, 1, 1, 1, max(len(text), 1) + 1), help_line)],
        {COLUMN: text} if text else {},
    )


def input_files(args: argparse.Namespace) -> InputFiles:
    """The files the command may read: those named on its command line, and those they name."""
    from esirules.files import InputFiles

    return InputFiles.for_command_line([args.evidence, args.ruleset])


def run(args: argparse.Namespace) -> int:
    from esirules.cli import output
    from esirules.cli.command_line import COMMAND_LINE, CommandLine, moved
    from esirules.diagnostics import DiagnosticError
    from esirules.explain.request import explain_spec
    from esirules.explain.scope import CASE, TARGET
    from esirules.files import FileProblem
    from esirules.scoring.columns import Scorer
    from esirules.scoring.subset import WHERE

    if output.writes_over_input(args.output, [args.evidence, args.ruleset]):
        return 2
    files = input_files(args)
    scorer = Scorer(files=files, strict=args.strict)
    line = CommandLine(getattr(args, "words", None) or ["explain", args.evidence, args.target])
    evidence_typed = line.word(args.evidence)
    typed = {
        TARGET: line.word(args.target, after=line.words.index(args.evidence) + 1 if evidence_typed else 0),
        CASE: line.option("--case"),
        WHERE: line.option("--where"),
        COLUMN: line.option("--column") if args.column is not None else evidence_typed,
    }
    try:
        spec = column_spec(args, line.option("--sample"), files, scorer)
        explanation = explain_spec(
            spec, args.target, where=args.where, case=args.case, all_cases=args.all_cases, scorer=scorer
        )
    except UsageError as error:
        output.error(str(error))
        return 2
    except DiagnosticError as error:
        for origin, span in typed.items():
            error = moved(error, origin, span, line)
        if any(d.span.file == COMMAND_LINE for d in error.diagnostics):
            error = DiagnosticError(error.diagnostics, {**error.sources, **line.sources})
        output.diagnostics(error.diagnostics, error.sources)
        return 1
    warnings = scorer.warnings()
    if warnings:
        output.diagnostics(warnings, scorer.sources)
    try:
        with output.written_to(args.output):
            _print(args.format, explanation)
    except FileProblem as problem:
        output.error(f"cannot write `{args.output}`: {problem.reason}")
        return 2
    return 0


def _print(form: str, explanation) -> None:  # type: ignore[no-untyped-def]
    from esirules.cli import output

    if form == "json":
        from esirules.render.explain_json import explanation_json

        output.write_json(explanation_json(explanation))
    elif form == "html":
        from esirules.render.html.explanation import explanation_page

        output.write(explanation_page(explanation))
    elif form == "markdown":
        from esirules.render.explain_markdown import explanation_markdown

        output.write(explanation_markdown(explanation))
    else:
        from esirules.render.explain_text import explanation_tree

        output.console().print(explanation_tree(explanation))
