"""Checked rulesets kept between runs: a ruleset file in, its checked model out (from the cache, or checked and kept).

Checking a ruleset is a pure function of three things: the code of esirules, the bytes it reads,
and where each `extends` line's parent is found. An entry is named by the first and the path
checked; it records every file read with the digest of its bytes and every parent located, and
it is used only when each read gives the same bytes and each `extends` the same file again. So
an entry can never answer for a ruleset that has changed, whichever file of its chain changed.
Only rulesets without errors are kept (a ruleset with errors is being edited: its check must
show every problem).

Where: `$ESIRULES_CACHE` if set (`off` turns the cache off), else `$XDG_CACHE_HOME/esirules`,
else `~/.cache/esirules`. Entries are pickles, so, as Jinja does for its bytecode cache, a
folder is used only if it belongs to this user and no one else may write to it (mode 0700,
made so when it is created); entries are written whole (a temporary file renamed) and readable
by this user alone. A folder that is not so, or cannot be made, is not used: checking is then
as without a cache. A damaged or unreadable entry is checked again and written over.

The code's digest is taken from the size and modification time of every file of the package
(some 220 files, a few milliseconds), so an edited or reinstalled esirules never reads an entry
written by other code. The folder keeps the `MAX_ENTRIES` entries used last (a hit marks its
entry used); writing one more removes the oldest, so the folder does not grow with every
edit of a ruleset or of esirules.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys

import attrs

from esirules.diagnostics import Diagnostic
from esirules.files import FileProblem, write_atomically
from esirules.language import model as m
from esirules.language.sources import FileSources, RulesetSources

ENVIRONMENT = "ESIRULES_CACHE"
FORMAT = b"esirules checked-ruleset cache 1"
MAX_ENTRIES = 64
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_code_digest: str | None = None


@attrs.frozen
class CheckedRuleset:
    """What scoring needs of a check: the model (None on errors), every diagnostic, the texts read."""

    ruleset: m.Ruleset | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str]


def cached_check(path: str, sources: RulesetSources | None = None) -> CheckedRuleset:
    """A ruleset checked: a file on disk (`sources` None) from the cache when a valid entry is
    kept there (so neither the parser nor the checker is loaded); rulesets from other sources
    (the service's, in memory) are checked each time."""
    folder = cache_folder() if sources is None else None
    sources = sources or FileSources.for_file(path)
    entry = None if folder is None else os.path.join(folder, _entry_name(path))
    found = None if entry is None else _read_entry(entry, sources)
    if found is not None:
        return found
    from esirules.language.check import check_file

    recording = _Recording(sources)
    checked = check_file(path, sources=recording)
    kept = CheckedRuleset(checked.ruleset, tuple(checked.diagnostics), checked.sources)
    if entry is not None and checked.ruleset is not None and recording.complete:
        _write_entry(entry, recording, kept)
    return kept


def cache_folder() -> str | None:
    """The cache's folder, made if need be, or None if the cache is off or the folder is not
    this user's alone."""
    configured = os.environ.get(ENVIRONMENT)
    if configured is not None and configured.strip().lower() in {"off", "0", "no", "false", ""}:
        return None
    if configured:
        folder = configured
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "esirules")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        found = os.stat(folder, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISDIR(found.st_mode) or found.st_mode & 0o077:
        return None
    if hasattr(os, "getuid") and found.st_uid != os.getuid():
        return None
    return folder


def code_digest() -> str:
    """A digest of the esirules package's files (names, sizes, modification times) and of Python's version."""
    global _code_digest
    if _code_digest is None:
        digest = hashlib.sha256(FORMAT)
        digest.update(sys.version.encode())
        for folder, folders, files in os.walk(_PACKAGE):
            folders[:] = sorted(f for f in folders if f != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json", ".lark", ".toml")):
                    found = os.stat(os.path.join(folder, name))
                    where = os.path.relpath(os.path.join(folder, name), _PACKAGE)
                    digest.update(f"{where}\0{found.st_size}\0{found.st_mtime_ns}\n".encode())
        _code_digest = digest.hexdigest()
    return _code_digest


def _entry_name(path: str) -> str:
    """The entry's file name: the code's digest, the path as given and the working folder (a
    relative path, and the spans that show it, mean what they mean from there)."""
    digest = hashlib.sha256(code_digest().encode())
    for part in (path, os.getcwd(), os.environ.get("ESIRULES_RULESET_PATH", "")):
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:40] + ".pickle"


class _Recording:
    """Ruleset sources that note every read (with its bytes' digest) and every parent located."""

    def __init__(self, inner: RulesetSources) -> None:
        self.inner = inner
        self.reads: list[tuple[str, str]] = []
        self.located: list[tuple[str, str, str]] = []
        self.complete = True  # False once a read or a look-up failed: such a check is not kept

    def read(self, path: str) -> bytes:
        try:
            data = self.inner.read(path)
        except Exception:
            self.complete = False
            raise
        self.reads.append((path, hashlib.sha256(data).hexdigest()))
        return data

    def locate(self, target: str, extended_from: str) -> str:
        try:
            found = self.inner.locate(target, extended_from)
        except Exception:
            self.complete = False
            raise
        self.located.append((target, extended_from, found))
        return found


def _read_entry(entry: str, sources: RulesetSources) -> CheckedRuleset | None:
    """The check an entry keeps if every file it read reads the same again, else None."""
    try:
        with open(entry, "rb") as handle:
            kept = pickle.load(handle)
        if kept.get("format") != FORMAT:
            return None
        for target, extended_from, found in kept["located"]:
            if sources.locate(target, extended_from) != found:
                return None
        for path, digest in kept["reads"]:
            if hashlib.sha256(sources.read(path)).hexdigest() != digest:
                return None
        checked = kept["checked"]
        if not isinstance(checked, CheckedRuleset):
            return None
        os.utime(entry)  # (used now: kept the longer)
        return checked
    except Exception:  # (a missing, damaged or stale entry, or a file of the chain gone: check again)
        return None


def _write_entry(entry: str, recording: _Recording, checked: CheckedRuleset) -> None:
    kept = {"format": FORMAT, "reads": recording.reads, "located": recording.located, "checked": checked}
    # (a full disk or a read-only folder: the check stands without its entry)
    with contextlib.suppress(FileProblem, OSError, pickle.PicklingError, RecursionError):
        write_atomically(entry, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(os.path.dirname(entry))


def _prune(folder: str) -> None:
    """Remove all but the `MAX_ENTRIES` entries used last."""
    entries = [e for e in os.scandir(folder) if e.name.endswith(".pickle") and e.is_file(follow_symlinks=False)]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            os.unlink(old.path)
