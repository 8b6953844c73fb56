"""An inspection written by bench/generate.py in, blocks of its cases out: a CSV file and an evidence file per block.

Distributed engines read a large CSV file in blocks of bytes (Dask's `blocksize`, Spark's
partitions): each block starts after a line end and holds whole rows. `write_blocks` cuts the
cases file the same way, gives each block the header row, and writes beside it an evidence file
like the inspection's own (same ruleset, ratings and target data) whose `cases:` names the
block. Each block is then evidence of its own, to be loaded and counted on a worker.

Rows must not span lines (bench/generate.py never writes a line break inside a cell).
"""

from __future__ import annotations

import os
import re

_CASES_LINE = re.compile(r"^cases: .*$", re.MULTILINE)


def write_blocks(evidence_path: str, cases_path: str, blocks: int, directory: str | None = None) -> list[str]:
    """Cut the cases of `evidence_path` (its CSV file `cases_path`) into `blocks` blocks of about equal size.

    Returns:
        The evidence files of the blocks, in the order of their cases; each names its CSV file
        `<evidence name>-block-<k>.csv`, written in `directory` (by default the evidence's own,
        which the evidence file's relative ruleset path needs).
    """
    directory = directory or os.path.dirname(os.path.abspath(evidence_path))
    with open(cases_path, "rb") as handle:
        data = handle.read()
    with open(evidence_path, encoding="utf-8") as handle:
        evidence = handle.read()
    start = data.index(b"\n") + 1
    header, size = data[:start], len(data) - start
    stem = os.path.splitext(os.path.basename(evidence_path))[0]
    paths = []
    for k in range(blocks):
        end = len(data) if k == blocks - 1 else _line_end(data, start + size // blocks)
        name = f"{stem}-block-{k}"
        with open(os.path.join(directory, f"{name}.csv"), "wb") as handle:
            handle.write(header)
            handle.write(data[start:end])
        path = os.path.join(directory, f"{name}.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(_CASES_LINE.sub(f'cases: "{name}.csv"', evidence, count=1))
        paths.append(path)
        start = end
    return paths


def _line_end(data: bytes, at: int) -> int:
    """The position just after the first line end at or after `at` (or the end of the data)."""
    found = data.find(b"\n", min(at, len(data)))
    return len(data) if found < 0 else found + 1
