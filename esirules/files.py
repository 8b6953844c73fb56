"""Reading input files safely: a path and a size limit in, the file's bytes out.

Every stage that reads a file named by a user (rulesets, evidence, case tables, summary sheets)
reads it here. Only regular files are read (a FIFO, a device or a folder is refused without
blocking: the file is opened non-blocking and checked before anything is read), and never more
than `limit` bytes, so a file named by mistake cannot hang or exhaust a run.
"""

from __future__ import annotations

import os
import stat


class FileProblem(Exception):
    """A file cannot be read; `reason` says why in plain words (lowercase, no full stop)."""

    def __init__(self, reason: str, *, missing: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


def read_limited(path: str, limit: int) -> bytes:
    """At most `limit` bytes of a regular file (read `limit + 1` to learn a file is too large)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError as error:
        raise FileProblem((error.strerror or "no such file or directory").lower(), missing=True) from None
    except IsADirectoryError:
        raise FileProblem("it is a folder, not a file") from None
    except OSError as error:
        raise FileProblem((error.strerror or str(error)).lower()) from None
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise FileProblem("it is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise FileProblem("it is not a regular file (a device, a pipe or a socket)")
        return handle.read(limit)
