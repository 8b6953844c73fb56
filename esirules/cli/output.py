"""What a command prints: text, JSON, rich renderables and diagnostics in, standard output and error out.

Every command writes through here, so that three rules hold for all of them:
- user text is plain text: rich never reads markup or emoji codes in it (`console`), and the
  renderers build rich `Text` from it, never markup strings;
- control characters are shown, not obeyed (`visible_lines`; in JSON the ones JSON itself
  leaves raw are escaped);
- a reader that stops early (`| head`) ends the command quietly with exit code 0
  (`main` catches the BrokenPipeError this module lets through, and `silence`s the stream).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from esirules.render.wording import visible, visible_lines

if TYPE_CHECKING:
    from rich.console import Console

    from esirules.diagnostics import Diagnostic

# json.dumps escapes C0 controls itself; with ensure_ascii=False it leaves these raw.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@contextlib.contextmanager
def written_to(path: str | None) -> Iterator[None]:
    """What the block writes to standard output goes to the file `path` instead (`--output`),
    written whole when the block ends without an exception, and not at all otherwise, so a sheet
    kept from an earlier run is not lost to a mistake in the evidence (as with `> FILE`).

    Raises FileProblem when the file cannot be written, or is one the command read (a cases file
    or a ruleset named inside the evidence: the sheet would take the evidence's place)."""
    if path is None:
        yield
        return
    from esirules.files import FileProblem, ordinary_mode, was_read, write_atomically

    if not path.strip():
        raise FileProblem("no file is named; give --output the name of the file to write")
    if was_read(path):
        raise FileProblem("this command read it, as evidence or rules; name another file with `--output`")

    buffer = _File()
    previous, sys.stdout = sys.stdout, buffer
    try:
        yield
    finally:
        sys.stdout = previous
    write_atomically(path, buffer.getvalue().encode("utf-8"), new_mode=ordinary_mode())


class _File(io.StringIO):
    """What a command writes to a file (`--output`): never coloured, whatever FORCE_COLOR says."""


# The narrowest width a sheet is laid out in; a COLUMNS below it (`COLUMNS=0`, set where no
# terminal is) is not a width, and rich would lay the sheet out in nothing.
NARROWEST = 20


def writes_over_input(path: str | None, inputs: Sequence[str | None]) -> bool:
    """Whether `--output` names one of the command's own input files; if so, says so (exit 2)."""
    if path is None:
        return False
    target = os.path.realpath(path)
    for given in inputs:
        if given and os.path.realpath(given) == target:
            error(f"`{path}` is an input of this command: name another file with `--output`")
            return True
    return False


def write(text: str, stream: TextIO | None = None) -> None:
    """Text (a sheet, Markdown, CSV, a report) with its control characters shown."""
    (stream or sys.stdout).write(visible_lines(text))


def write_json(text: str) -> None:
    """A JSON document, with the characters a terminal would obey written as JSON escapes (ESC as \\u001b)."""
    sys.stdout.write(_RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def error(message: str) -> None:
    """`esirules: error: ...` on standard error, for a command that could not run (exit 2)."""
    sys.stderr.write(f"esirules: error: {visible(message)}\n")


def diagnostics(found: Sequence[Diagnostic], sources: Mapping[str, str], *, tally: bool = True) -> None:
    """Diagnostics as text on standard error (render.diagnostics shows their text safely)."""
    from esirules.render.diagnostics import render_text

    sys.stderr.write(render_text(found, sources, tally=tally))


def console(stream: TextIO | None = None) -> Console:
    """A rich console that takes every string as plain text and lets a closed pipe end the command."""
    from rich.console import Console

    class _Console(Console):
        def render_str(self, text: str, **options: Any):  # type: ignore[no-untyped-def]
            options.update(markup=False, emoji=False, highlight=False)
            return super().render_str(visible(text), **options)

        def on_broken_pipe(self) -> None:
            # rich's own answer is exit code 1; a reader that stopped early is not a failure.
            self.quiet = True
            raise BrokenPipeError

    to_file = isinstance(stream or sys.stdout, _File)
    columns = os.environ.get("COLUMNS", "")
    width = 80 if columns.isdigit() and int(columns) < NARROWEST else None
    if to_file:
        return _Console(file=stream, markup=False, emoji=False, highlight=False, width=width, color_system=None,
                        force_terminal=False)
    return _Console(file=stream, markup=False, emoji=False, highlight=False, width=width)


def silence(stream: TextIO) -> None:
    """Point a stream whose reader has gone at /dev/null, so flushing it at exit cannot fail."""
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a file (a test's StringIO): nothing will flush it at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
