"""`esirules fmt FILE...`: ruleset files in, the same files in the canonical layout (or what would change) out.

Each file that changes is rewritten in place, atomically (a temporary file beside it, then
renamed). `--check` and `--diff` change nothing: they list the files that would change, or show
the changes as a unified diff. `-` reads standard input and writes standard output.

Exit 0 when every file is formatted (or, with `--check`, already was); 1 when a file cannot be
read or has syntax errors (it is left as it was, the errors printed with their locations) or,
with `--check`, would change; 2 when the command line is wrong or a file cannot be written.
"""

from __future__ import annotations

import argparse
import sys

STDIN = "<stdin>"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="ruleset files (.esi); `-` reads standard input and writes standard output"
    )
    parser.add_argument(
        "--check", action="store_true", help="change nothing; list the files that would change, and exit 1 if any would"
    )
    parser.add_argument("--diff", action="store_true", help="change nothing; show what would change as a unified diff")


def run(args: argparse.Namespace) -> int:
    from esirules.authoring.fmt import FormatterFault, format_bytes, read_ruleset
    from esirules.files import FileProblem, write_atomically
    from esirules.render.diagnostics import render_text

    if "-" in args.files and len(args.files) > 1:
        sys.stderr.write("esirules: error: `-` (standard input) is formatted on its own; give it without other files\n")
        return 2
    reading = args.files == ["-"]
    status = 0
    for path in [STDIN] if reading else args.files:
        data, problems = (sys.stdin.buffer.read(), []) if reading else read_ruleset(path)
        if data is None:
            sys.stderr.write(render_text(problems, {}))
            status = max(status, 1)
            continue
        try:
            formatted = format_bytes(data, path)
        except FormatterFault as fault:
            sys.stderr.write(
                f"esirules: error: `{path}` was left as it was: formatting it would have changed what it says "
                f"({fault}); this is a fault in esirules, please report it\n"
            )
            status = 2
            continue
        if formatted.text is None:
            sys.stderr.write(render_text(list(formatted.diagnostics), {path: _shown(data)}))
            status = max(status, 1)
            continue
        after = formatted.text.encode("utf-8")
        if args.diff and after != data:
            sys.stdout.write(_unified_diff(_shown(data), formatted.text, path))
        if reading and not (args.check or args.diff):
            sys.stdout.write(formatted.text)
        if after == data or reading:
            status = max(status, 1 if args.check and after != data else 0)
            continue
        if args.check:
            if not args.diff:
                print(f"would reformat {path}")
            status = max(status, 1)
        elif not args.diff:
            try:
                write_atomically(path, after)
            except FileProblem as problem:
                sys.stderr.write(f"esirules: error: cannot write `{path}`: {problem.reason}\n")
                status = 2
                continue
            print(f"reformatted {path}")
    return status


def _shown(data: bytes) -> str:
    """The file's text as shown in messages and diffs (bytes that are not UTF-8 replaced)."""
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def _unified_diff(before: str, after: str, path: str) -> str:
    """The changes as a unified diff; a change of line ends (Windows' CR LF to LF) is said once,
    before it, not shown as every line removed and added again the same."""
    import difflib

    from esirules.language.decode import line_feeds

    ends = "CR LF" if "\r\n" in before else "CR" if "\r" in before else None
    note = f"# {path}: every line's end changes from {ends} to LF\n" if ends else ""
    lines = difflib.unified_diff(
        line_feeds(before).splitlines(keepends=True), after.splitlines(keepends=True), path, f"{path} (formatted)"
    )
    return note + "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
