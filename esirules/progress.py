"""Progress of long work: an optional reporter that loading and scoring are given, never a global.

The core only calls `progress.task(description, total)` and `step.advance()`; what is shown, and
where, is the caller's business (the command line shows a bar on a terminal, see
`esirules.cli.progress`; the service shows nothing). `SILENT`, the default, does nothing, so two
scorings running at once in one process share no state.

    with progress.task("scoring", total=len(questions)) as step:
        for question in questions:
            ...
            step.advance()
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import TracebackType
from typing import Protocol


class Step(Protocol):
    """A task under way."""

    def advance(self, steps: int = 1) -> None: ...


class Progress(Protocol):
    """Something that can show tasks under way."""

    def task(self, description: str, total: int | None = None) -> AbstractContextManager[Step]: ...


class _SilentTask:
    def __enter__(self) -> _SilentTask:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None

    def advance(self, steps: int = 1) -> None:
        return None


class _Silent:
    _task = _SilentTask()

    def task(self, description: str, total: int | None = None) -> AbstractContextManager[Step]:
        return self._task


SILENT: Progress = _Silent()
