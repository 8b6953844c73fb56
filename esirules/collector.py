"""Pausing Python's cycle collector around bulk work that makes millions of objects, none in cycles.

Loading a large CSV and finishing a large column make millions of small objects that the collector
would scan again and again. `paused()` turns it off for the duration. The collector is one per
process, so pauses are counted: it is turned back on when the last pause running in any thread
ends, and only if it was on when the first began.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off while the block runs (and while any other pause runs)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
