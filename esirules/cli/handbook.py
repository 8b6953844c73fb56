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
    if args.output is None:
        output.write(written)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
            output.write(written, handle)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        output.error(f"cannot write `{args.output}`: {reason}")
        return 2
    return 0
