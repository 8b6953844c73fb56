"""Reading input files safely, writing files whole: a path and a size limit in, the file's bytes out.

Every stage that reads a file named by a user (rulesets, evidence, case tables, summary sheets)
reads it here. Only regular files are read (a FIFO, a device or a folder is refused without
blocking: the file is opened non-blocking and checked before anything is read), and never more
than `limit` bytes, so a file named by mistake cannot hang or exhaust a run.

`InputFiles` says which files a run may read. On the command line (`for_command_line`) that is
the files named on it, and the evidence and case files they name (a summary sheet's `evidence:`,
an evidence file's `cases:`) when these lie, symbolic links resolved, under the working folder,
under the folder of a file named on the command line, or under a folder listed in
ESIRULES_EVIDENCE_PATH (separated like PATH). A file elsewhere is never opened, so no line of it
can reach a diagnostic. A ruleset they name (`ruleset:`) may lie anywhere, but only a file whose
real name (symbolic links followed) ends in `.esi` is read as one (`allows_ruleset`), so only a
ruleset's text can be shown; its own `extends` keep the rule of `language.sources`. The service
allows none but the files uploaded. The rule is in docs/evidence-format.md.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence

EVIDENCE_PATH_VARIABLE = "ESIRULES_EVIDENCE_PATH"
RULESET_SUFFIX = ".esi"
# The endings of the files of evidence (docs/evidence-format.md), which a ruleset's name never has.
WORKBOOK_SUFFIXES = (".xlsx", ".ods")
EVIDENCE_SUFFIXES = (".yaml", ".yml", ".json", ".csv", *WORKBOOK_SUFFIXES)


class FileProblem(Exception):
    """A file cannot be read; `reason` says why in plain words (lowercase, no full stop)."""

    def __init__(self, reason: str, *, missing: bool = False, outside: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.missing = missing
        self.outside = outside


# The real paths of the files this process has read from disk, so that a command's `--output`
# does not write over one (`cli.output.written_to`): a cases file, a parent ruleset or the
# evidence a summary sheet names is read, though not named on the command line.
_read_paths: set[str] = set()


def was_read(path: str) -> bool:
    """Whether this process has read the file `path` (under any of its names)."""
    return os.path.realpath(path) in _read_paths


def read_limited(path: str, limit: int = -1) -> bytes:
    """At most `limit` bytes of a regular file, all of it if -1 (read `limit + 1` to learn that a
    file is too large)."""
    _read_paths.add(os.path.realpath(path))
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError as error:
        raise FileProblem((error.strerror or "no such file or directory").lower(), missing=True) from None
    except IsADirectoryError:
        raise FileProblem("it is a folder, not a file") from None
    except OSError as error:
        raise FileProblem((error.strerror or str(error)).lower()) from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise FileProblem("it is a folder, not a file")
        raise FileProblem("it is not a regular file (a device, a pipe or a socket)")
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read(limit)


class InputFiles:
    """The files one run may read: some held in memory by name, others on disk under `folders`.

    The command line reads any file it is pointed at (`folders` None). The service holds the
    uploaded files in memory and allows no folder (`folders=()`), so a name inside an upload
    (`cases: ../../secret.csv`) can reach nothing but the other files of the same upload.
    """

    def __init__(
        self,
        held: Mapping[str, bytes] | None = None,
        folders: Sequence[str] | None = None,
        *,
        rulesets_anywhere: bool = False,
    ):
        self.held = {held_name(name): data for name, data in (held or {}).items()}
        self.folders = None if folders is None else [os.path.realpath(f) for f in folders]
        self.rulesets_anywhere = rulesets_anywhere
        # A file read to learn what it is (a summary sheet or evidence), kept for the one read
        # that follows, so a large file is read from disk once (`read(..., keep=True)`); and
        # what was learnt of those bytes (`learn`, `recall`), so it is not worked out again.
        self.kept: dict[tuple[str, int], bytes] = {}
        self.learnt: dict[str, tuple[bytes, object]] = {}

    @property
    def on_disk(self) -> bool:
        """Whether files on disk may be read (the command line), not only the files held (an upload)."""
        return self.folders is None or bool(self.folders)

    @property
    def refusal_help(self) -> str:
        """What to do about a file this run may not read (a help line)."""
        if not self.folders:
            return "upload it with the file that names it, or name only the files uploaded"
        return (
            "keep it under the working folder or the folder of a file named on the command line,"
            f" or list its folder in {EVIDENCE_PATH_VARIABLE}"
        )

    @classmethod
    def for_command_line(cls, named: Iterable[str | None]) -> InputFiles:
        """The files a command may read: those `named` on its command line, and the files they
        name under the working folder, a named file's folder or a configured folder (see the module)."""
        folders = [os.getcwd()]
        for path in named:
            if path:
                folders += [os.path.dirname(os.path.abspath(path)), os.path.dirname(os.path.realpath(path))]
        folders += [folder for folder in os.environ.get(EVIDENCE_PATH_VARIABLE, "").split(os.pathsep) if folder]
        return cls(folders=folders, rulesets_anywhere=True)

    def read(self, path: str, limit: int = -1, *, keep: bool = False) -> bytes:
        """The bytes of a file (at most `limit` if it is not -1); raises FileProblem.

        `keep`: keep the bytes for the next read of the same file with the same limit, which
        takes them (one read of a large file where two stages must look at it)."""
        data = self.held.get(held_name(path))
        if data is not None:
            return data if limit < 0 else data[:limit]
        key = (os.path.normpath(path), limit)
        kept = self.kept.pop(key, None)
        if kept is not None:
            if keep:
                self.kept = {key: kept}
            return kept
        if not self.allows(path):
            raise FileProblem("it lies outside the files this run may read", outside=True)
        data = read_limited(path, limit)
        if keep:
            self.kept = {key: data}
        return data

    def learn(self, what: str, data: bytes, value: object) -> None:
        """Note `value` as `what` of the bytes `data` (one value of each kind at a time)."""
        self.learnt[what] = (data, value)

    def recall(self, what: str, data: bytes, *, take: bool = True) -> object | None:
        """What was learnt as `what` of these very bytes (the same object), or None; `take` lets
        go of it, as the read after a kept one takes the bytes."""
        found = self.learnt.get(what)
        if found is None or found[0] is not data:
            return None
        if take:
            del self.learnt[what]
        return found[1]

    def forget(self) -> None:
        """Let go of the bytes kept and what was learnt of them (the file is read otherwise)."""
        self.kept.clear()
        self.learnt.clear()

    def pieces(self, path: str, size: int) -> Iterator[bytes]:
        """The bytes of a file in pieces of `size` bytes (the last may be shorter), read as they
        are wanted, so a file of any size passes through a few pieces of memory; raises FileProblem."""
        data = self.held.get(held_name(path))
        if data is not None:
            yield from (data[at : at + size] for at in range(0, len(data), size))
            return
        if not self.allows(path):
            raise FileProblem("it lies outside the files this run may read", outside=True)
        _read_paths.add(os.path.realpath(path))
        with open(path, "rb") as handle:
            while piece := handle.read(size):
                yield piece

    def allows(self, path: str) -> bool:
        """Whether `path` is held or lies under an allowed folder."""
        if held_name(path) in self.held or self.folders is None:
            return True
        real = os.path.realpath(path)
        return any(real == folder or real.startswith(folder.rstrip(os.sep) + os.sep) for folder in self.folders)

    def allows_ruleset(self, path: str) -> bool:
        """Whether `path` may be read as a ruleset: held or under an allowed folder, or (on the
        command line) anywhere if its real name ends in `.esi`."""
        if self.allows(path):
            return True
        return self.rulesets_anywhere and os.path.realpath(path).lower().endswith(RULESET_SUFFIX)

    def is_file(self, path: str) -> bool:
        """Whether `path` names a file this run may read."""
        if held_name(path) in self.held:
            return True
        return self.allows(path) and os.path.isfile(path)

    def size(self, path: str) -> int:
        """The size of a file this run may read (0 if it cannot)."""
        data = self.held.get(held_name(path))
        if data is not None:
            return len(data)
        return os.path.getsize(path) if self.is_file(path) else 0


def held_name(name: str) -> str:
    """A held file's name as it is looked up: normalised as a path, and to one Unicode form (NFC),
    since macOS and some browsers send `é` as `e` and an accent, and a file named in another form
    was "not among the files uploaded"."""
    return unicodedata.normalize("NFC", os.path.normpath(name))


DISK = InputFiles()  # every file on disk: what the command line may read


def write_atomically(path: str, data: bytes, *, new_mode: int | None = None) -> None:
    """Replace the file at `path` with `data` whole or not at all; raises FileProblem.

    The bytes go to a temporary file in the same folder, which then takes the file's place in
    one rename, so a reader (or a crash) never sees half a file. The file keeps its permissions;
    a symbolic link keeps pointing where it did, and the file it points to is replaced. A new
    file gets `new_mode` (`ordinary_mode()`: as `open` makes one), by default readable by this
    user alone (as the cache's entries must be).
    """
    try:
        found: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise FileProblem((error.strerror or str(error)).lower()) from None
    if found is not None and not stat.S_ISREG(found.st_mode) and not stat.S_ISDIR(found.st_mode):
        _write_through(path, data)  # a device, a pipe or a terminal: written to, never replaced
        return
    if found is not None and not os.access(path, os.W_OK):
        raise FileProblem("it is read-only; make it writable first, or write another file")
    target = os.path.realpath(path)
    folder, name = os.path.split(target)
    mode = new_mode if found is None else stat.S_IMODE(found.st_mode)
    if not os.path.isdir(folder):
        shown = os.path.dirname(path) or folder
        raise FileProblem(f"there is no folder `{shown}` to write it in; make the folder first, or name a file in one that exists",
                          missing=True)
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise FileProblem((error.strerror or str(error)).lower()) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise FileProblem((error.strerror or str(error)).lower()) from None


def _write_through(path: str, data: bytes) -> None:
    """Write to what is not a file (`/dev/null`, `/dev/stdout`, a named pipe, `>(wc -c)`) as
    the shell's `>` would: replacing it would put a file where a device or a pipe was."""
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as error:
        raise FileProblem((error.strerror or str(error)).lower()) from None


def ordinary_mode() -> int:
    """The permissions `open` gives a new file: read and write for all, less the process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
