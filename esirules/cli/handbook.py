"""`esirules handbook RULESET`: a ruleset in, its inspection handbook as Markdown or HTML out.

Exit 0 when the handbook is written; 1 when the ruleset has problems (each printed with its
location; no file is written); 2 when the options are wrong.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="the ruleset (.esi)")
    parser.add_argument(
        "--format", choices=["markdown", "html"], default="markdown", help="Markdown (the default) or a web page (HTML)"
    )
    parser.add_argument("--output", metavar="FILE", help="write the handbook to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    from esirules.authoring.handbook import handbook_document
    from esirules.authoring.written import read_rulesets
    from esirules.cli import output
    from esirules.diagnostics import DiagnosticError
    from esirules.files import FileProblem

    if output.writes_over_input(args.output, [args.ruleset]):
        return 2
    try:
        (loaded,), warnings, sources = read_rulesets([args.ruleset])
    except DiagnosticError as error:
        output.diagnostics(error.diagnostics, error.sources)
        return 1
    if warnings:
        output.diagnostics(warnings, sources)
    document = handbook_document(loaded)
    if args.format == "html":
        from esirules.authoring.document_html import document_html

        written = document_html(document)
    else:
        from esirules.authoring.document_markdown import document_markdown

        written = document_markdown(document)
    try:
        with output.written_to(args.output):
            output.write(written)
    except FileProblem as problem:
        output.error(f"cannot write `{args.output}`: {problem.reason}")
        return 2
    return 0
