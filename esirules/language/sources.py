"""Where ruleset text comes from: a path in, bytes out, and the rule for what `extends` may name.

The checker never opens files itself. It asks a `RulesetSources` for the ruleset it was given
and for each parent an `extends` line names, so the same checker reads files on disk (the
command line), rulesets published to a store (the service), or documents open in an editor.

The rule for files on disk (`FileSources`): a parent must lie under the folder of the ruleset
being checked, under the working folder, or under one of the folders named in the environment
variable `ESIRULES_RULESET_PATH` (separated like PATH), symbolic links resolved. A file elsewhere is
never opened, so no file outside the rulesets' folders can reach a diagnostic. Only regular
files are read, and never more than the size limit, so a FIFO or a device named by mistake
cannot block or exhaust a run.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping, Sequence
from typing import Protocol

from esirules.files import FileProblem, read_limited
from esirules.language.limits import MAX_RULESET_BYTES

PATH_VARIABLE = "ESIRULES_RULESET_PATH"


class SourceError(Exception):
    """A ruleset cannot be read or may not be named; `reason` says why in plain words."""

    def __init__(self, reason: str, help: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.help = help


class RulesetSources(Protocol):
    """Reads rulesets and resolves the parents their `extends` lines name."""

    def read(self, path: str) -> bytes:
        """The bytes of a ruleset, at most MAX_RULESET_BYTES + 1 of them; raises SourceError."""
        ...

    def locate(self, target: str, extended_from: str) -> str:
        """The path of the ruleset that `extends "target"` in `extended_from` names; raises SourceError."""
        ...


class FileSources:
    """Rulesets on disk; parents only under `roots` (by default the first file's folder)."""

    def __init__(self, roots: Sequence[str] = ()):
        self.roots = [_real(r) for r in roots]

    @classmethod
    def for_file(cls, path: str) -> FileSources:
        """Sources for checking `path`: parents under its folder, the working folder, or the
        configured ruleset path."""
        configured = [p for p in os.environ.get(PATH_VARIABLE, "").split(os.pathsep) if p]
        return cls([os.path.dirname(os.path.abspath(path)), os.getcwd(), *configured])

    def read(self, path: str) -> bytes:
        try:
            return read_limited(path, MAX_RULESET_BYTES + 1)
        except FileProblem as problem:
            raise SourceError(problem.reason) from None

    def locate(self, target: str, extended_from: str) -> str:
        # Named as the child is (relative stays relative), so no output depends on where the files are kept.
        located = os.path.normpath(os.path.join(os.path.dirname(extended_from), target))
        real = _real(located)
        if self.roots and not any(real == root or real.startswith(root + os.sep) for root in self.roots):
            # (from the working folder, so that no output depends on where the files are kept)
            common = os.path.relpath(os.path.commonpath([_real(os.path.dirname(os.path.abspath(extended_from))),
                                                         os.path.dirname(real)]))
            raise SourceError(
                "it lies outside the folders rulesets are read from",
                f"run the command from `{common}` (a folder holding both), keep parent rulesets under this ruleset's "
                f"folder, or list their folder in the {PATH_VARIABLE} environment variable",
            )
        if not os.path.lexists(located):
            raise SourceError("no such file or directory", _nearest(target, located, extended_from))
        return located


class MemorySources:
    """Rulesets held in memory by name: a store's published sources, an editor's open documents.

    `extends "x.esi"` in `folder/child.esi` names `folder/x.esi`; a name not held here is
    looked up in `fallback` if one is given (an editor falls back to the files on disk), and
    is otherwise not found.
    """

    def __init__(self, texts: Mapping[str, bytes], fallback: RulesetSources | None = None):
        self.texts = {os.path.normpath(name): data for name, data in texts.items()}
        self.fallback = fallback

    def read(self, path: str) -> bytes:
        data = self.texts.get(os.path.normpath(path))
        if data is not None:
            return data[: MAX_RULESET_BYTES + 1]
        if self.fallback is not None:
            return self.fallback.read(path)
        raise SourceError("no ruleset of that name was given")

    def locate(self, target: str, extended_from: str) -> str:
        located = os.path.normpath(os.path.join(os.path.dirname(extended_from), target))
        if located in self.texts:
            return located
        if self.fallback is not None:
            return self.fallback.locate(target, extended_from)
        if located.startswith("..") or os.path.isabs(located):
            raise SourceError("it lies outside the rulesets given", "name a ruleset given with this one")
        return located


def _nearest(target: str, located: str, extended_from: str) -> str | None:
    """`did you mean ...?` naming a ruleset beside the missing one whose name is close, if any."""
    folder = os.path.dirname(located) or os.curdir
    try:
        names = [n for n in os.listdir(folder) if n.endswith(".esi") and os.path.isfile(os.path.join(folder, n))]
    except OSError:
        return None
    names = [n for n in names if _real(os.path.join(folder, n)) != _real(extended_from)]
    close = difflib.get_close_matches(os.path.basename(located), sorted(names), n=1, cutoff=0.6)
    if not close:
        return None
    return f"did you mean `{os.path.join(os.path.dirname(target), close[0])}`?"


def _real(path: str) -> str:
    return os.path.realpath(os.path.abspath(path))
