"""The `esirules` command: argument words in, an exit code out (0 ok, 1 findings, 2 could not run)."""

from __future__ import annotations

import argparse
import errno
import io
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

COMMANDS = {
    "check": ("esirules.cli.check", "check rulesets and report every problem with its location"),
    "test": ("esirules.cli.test", "run the tests written in rulesets, explain each failure, and report coverage"),
    "score": ("esirules.cli.score", "score inspection evidence and print the scoring summary sheet"),
    "explain": ("esirules.cli.explain", "explain why a criterion, section or the overall scored as it did"),
    "diff": ("esirules.cli.diff", "show what changed between two rulesets, and what it does to inspection evidence"),
    "template": ("esirules.cli.template", "write a template workbook (.xlsx) for recording a ruleset's evidence"),
    "handbook": ("esirules.cli.handbook", "write the inspection handbook of a ruleset as Markdown or HTML"),
    "fmt": ("esirules.cli.fmt", "rewrite rulesets in the canonical layout, or check that they are"),
    "lsp": ("esirules.cli.lsp", "run the language server for editors (over standard input and output)"),
    "serve": ("esirules.cli.serve", "run the HTTP service over a SQLite file or PostgreSQL"),
    "db": ("esirules.cli.db", "create or migrate the service's database"),
    "token": ("esirules.cli.token", "create, list or revoke the service's API tokens"),
}


# The commands whose libraries are an optional extra of the package (pyproject.toml), so that
# the plain command line installs and starts without them.
EXTRAS = {"serve": "service", "db": "service", "token": "service", "lsp": "editor"}


class _Parser(argparse.ArgumentParser):
    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # (argparse drops a failed write: `--help > /dev/full` then ended 0 with nothing written)
        if message:
            (file or sys.stderr).write(message)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"esirules: error: {message}{_meant_command(message)}\n")
        raise SystemExit(2)


def _meant_command(message: str) -> str:
    """`; did you mean `score`?` after argparse's "invalid choice: 'scroe'" for a command."""
    import re

    from esirules.diagnostics import did_you_mean

    typed = re.match(r"argument COMMAND: invalid choice: '([^']*)'", message)
    meant = did_you_mean(typed[1], list(COMMANDS)) if typed else None
    return f"; {meant}" if meant else ""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="esirules",
        description="Score inspections by written rules, and explain every grade and percentage.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    import importlib

    for name, (module, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        # Each command module declares its own arguments; importing it is cheap (its heavy
        # imports happen inside run()).
        importlib.import_module(module).add_arguments(sub)
    parser.set_defaults(parsers=commands.choices)  # (a word a command does not take is its own error)
    return parser


# Standard output that cannot take what is written: a full disk, `> /dev/full`, a closed file.
UNWRITABLE = (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EBADF)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    _open_closed_streams()
    try:
        return _run(words)
    except BrokenPipeError:
        # The reader stopped early (`esirules score ... | head`): that is not a failure.
        from esirules.cli.output import silence

        silence(sys.stdout)
        return 0
    except KeyboardInterrupt:
        return 130
    except UnicodeEncodeError as error:
        return _cannot_write(f"its encoding, {sys.stdout.encoding}, cannot show the character "
                             f"U+{ord(error.object[error.start]):04X}; use a UTF-8 locale (for example "
                             "LANG=C.UTF-8), or write to a file with --output")
    except OSError as error:
        if error.errno not in UNWRITABLE:
            raise
        return _cannot_write((error.strerror or str(error)).lower())


def _cannot_write(why: str) -> int:
    """Standard output failed part way: say so in one line, and keep the exit's flush from failing again."""
    from esirules.cli.output import silence

    silence(sys.stdout)
    sys.stderr.write(f"esirules: error: cannot write standard output: {why}\n")
    return 2


class _ClosedOutput(io.TextIOBase):
    """Standard output the caller closed: a command that writes to it fails as on a full disk
    (one line, exit 2); one that writes a file instead (`--output`) never touches it."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "it is closed")


def _open_closed_streams() -> None:
    """A stream closed by the caller (`esirules score ... --output F >&-`, a service wrapper):
    standard input reads as empty, standard error writes nowhere, and standard output refuses
    what is written to it (so a sheet that cannot be printed is not a silent success)."""
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (kept open until exit)
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (kept open until exit)


def _run(words: list[str]) -> int:
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(words)
        if unknown:  # said with the command's own usage, which lists what it takes
            command = args.parsers.get(args.command) if args.command else None
            (command or parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as done:  # --help, or a usage error: flush here, where a closed pipe is caught
        _flush()
        return done.code if isinstance(done.code, int) else 2
    args.words = words  # what was typed, for diagnostics that underline it
    if args.version:
        from esirules import __version__

        print(f"esirules {__version__}")
        _flush()
        return 0
    if not args.command:
        parser.print_help()
        _flush()
        return 2
    if args.command != "fmt" and _names_standard_input(args):
        sys.stderr.write(f"esirules: error: `-` (standard input) is read only by `esirules fmt`; give `esirules "
                         f"{args.command}` the file's name (save what you would pipe in to a file first)\n")
        return 2
    import importlib

    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        code = int(module.run(args))
    except ModuleNotFoundError as missing:
        extra = EXTRAS.get(args.command)
        if extra is None:
            raise
        sys.stderr.write(f"esirules: error: `esirules {args.command}` needs what the `{extra}` extra installs "
                         f"(`{missing.name}` is missing): pip install 'esirules[{extra}]'\n")
        return 2
    _flush()
    return code


# The arguments that name files a command reads (each command's own `add_arguments`).
READ_FILES = ("files", "evidence", "ruleset", "old", "new")


def _names_standard_input(args: argparse.Namespace) -> bool:
    for name in READ_FILES:
        value = getattr(args, name, None)
        if value == "-" or (isinstance(value, list) and "-" in value):
            return True
    return False


def _flush() -> None:
    """Write out what is buffered now, where a reader that has gone is caught (not at exit)."""
    for stream in (sys.stdout, sys.stderr):
        if not stream.closed:  # the language server closes its streams when the editor ends it
            stream.flush()


if __name__ == "__main__":
    sys.exit(main())
