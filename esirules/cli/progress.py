"""Progress bars for the command line: tasks reported by the core in, a bar on stderr out.

The loader and the scorer are given a `TerminalProgress` (unless `--quiet`) and open tasks on
it; nothing is shown unless stderr is a terminal, and then only for a task still running after
about a second, so short runs print nothing. The bar goes to stderr, never stdout, and is
removed when the task ends. rich is imported only when a bar is shown.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType
from typing import Any, TextIO

DELAY_SECONDS = 1.0  # a task that ends sooner shows nothing
BAR = 20  # the bar's width, in columns, where the terminal is wide enough

_lock = threading.Lock()


class TerminalProgress:
    """Bars on `stream` (stderr by default), only if it is a terminal; see `esirules.progress`."""

    def __init__(self, stream: TextIO | None = None):
        stream = stream if stream is not None else sys.stderr
        self.stream = stream if _is_terminal(stream) else None

    def task(self, description: str, total: int | None = None) -> Task:
        return Task(description, total, self.stream)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Task:
    """A piece of work with an optional number of steps; a bar appears if it runs long enough."""

    def __init__(self, description: str, total: int | None, stream: TextIO | None):
        self.description = description
        self.total = total
        self.done = 0
        self._stream = stream
        self._display: Any = None
        self._task_id: Any = None
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Task:
        if self._stream is not None:
            self._timer = threading.Timer(DELAY_SECONDS, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def advance(self, steps: int = 1) -> None:
        self.done += steps
        if self._display is not None:
            self._display.update(self._task_id, completed=self.done)

    def _show(self) -> None:
        with _lock:
            if self._stream is None:
                return
            from rich.cells import cell_len
            from rich.console import Console
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
            from rich.table import Column

            from esirules.render.wording import visible

            description = visible(self.description)
            figures = f"{self.total}/{self.total}" if self.total else ""
            console = Console(file=self._stream)
            # The figures and the time are never cut; the name and the bar share what is left, the
            # name cut short with "…" on a narrow terminal (at 40 columns the figures were cut).
            console.width = min(console.width, cell_len(description) + BAR + len(figures) + 14)
            display = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}", markup=False,  # a file's name is shown as written
                           table_column=Column(no_wrap=True, overflow="ellipsis", ratio=cell_len(description))),
                BarColumn(bar_width=None, table_column=Column(ratio=BAR, min_width=4)),
                TextColumn("{task.completed}/{task.total}" if self.total else "", table_column=Column(no_wrap=True)),
                TimeElapsedColumn(),
                console=console,
                transient=True,
                expand=True,
            )
            self._task_id = display.add_task(description, total=self.total, completed=self.done)
            display.start()
            self._display = display

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with _lock:
            self._stream = None  # INVARIANT: a timer that fires late shows nothing
            if self._display is not None:
                self._display.stop()
                self._display = None
