"""`esirules handbook RULESET`: a ruleset in, its inspection handbook as Markdown or HTML out.

Exit 0 when the handbook is written; 1 when the ruleset has problems (each printed with its
location; no file is written); 2 when the options are wrong.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="the ruleset (.esi)")
    parser.add_argument("--format", choices=["markdown", "html"], default="markdown")
    parser.add_argument("--output", metavar="FILE", help="write the handbook to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    from esirules.authoring.handbook import handbook_document
    from esirules.authoring.written import read_rulesets
    from esirules.diagnostics import DiagnosticError
    from esirules.render.diagnostics import render_text

    try:
        (loaded,), warnings, sources = read_rulesets([args.ruleset])
    except DiagnosticError as error:
        sys.stderr.write(render_text(error.diagnostics, error.sources))
        return 1
    if warnings:
        sys.stderr.write(render_text(warnings, sources))
    document = handbook_document(loaded)
    if args.format == "html":
        from esirules.authoring.document_html import document_html

        written = document_html(document)
    else:
        from esirules.authoring.document_markdown import document_markdown

        written = document_markdown(document)
    if args.output is None:
        sys.stdout.write(written)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(written)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        sys.stderr.write(f"esirules: error: cannot write `{args.output}`: {reason}\n")
        return 2
    return 0
