"""`esirules template RULESET`: a ruleset in, a template workbook for its evidence written to a file.

Exit 0 when the workbook is written; 1 when the ruleset has problems (each printed with its
location); 2 when the options are wrong or the file cannot be written. The file is written
whole or not at all (a temporary file beside it, renamed into place), and an existing file is
replaced only with `--force`.
"""

from __future__ import annotations

import argparse
import os


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ruleset", metavar="RULESET", help="the ruleset (.esi)")
    parser.add_argument("--format", choices=["xlsx"], default="xlsx", help="an Excel workbook (the only format)")
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="where to write the workbook (default: the ruleset's name, .xlsx, here)"
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def run(args: argparse.Namespace) -> int:
    from esirules.authoring.template import template_workbook
    from esirules.cli import output
    from esirules.files import FileProblem, ordinary_mode, write_atomically
    from esirules.language.cache import cached_check

    if args.output and not args.output.lower().endswith(".xlsx"):
        output.error(f"a template is an Excel workbook, so its name ends in `.xlsx`: `{args.output}` would be "
                     "taken for another kind of file, by spreadsheets and by `esirules score`")
        return 2
    checked = cached_check(args.ruleset)  # (the model is all a template needs: kept checked, as `score` keeps it)
    if checked.ruleset is None:
        output.diagnostics([d for d in checked.diagnostics if d.severity == "error"], checked.sources)
        return 1
    ruleset = checked.ruleset
    warnings = [d for d in checked.diagnostics if d.severity != "error"]
    if warnings:
        output.diagnostics(warnings, checked.sources)
    target = args.output or f"{ruleset.name}.{args.format}"
    if os.path.lexists(target) and not args.force:
        output.error(f"`{target}` already exists; add `--force` to replace it, or name another file with `--output`")
        return 2
    # The workbook names its ruleset as a path from its own folder, so it can be scored as it is.
    reference = os.path.relpath(os.path.abspath(args.ruleset), os.path.dirname(os.path.abspath(target)))
    data = template_workbook(ruleset, reference.replace(os.sep, "/"))
    try:
        write_atomically(target, data, new_mode=ordinary_mode())
    except FileProblem as problem:
        output.error(f"cannot write `{target}`: {problem.reason}")
        return 2
    output.write(f"wrote {target}: a template for evidence under ruleset `{ruleset.name}`\n")
    return 0
