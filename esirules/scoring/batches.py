"""What partials of batches share: runs of arrays in, each joined once out (`merge`); case lists not kept (`counts_only`)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


class Joined:
    """Arrays of consecutive batches joined, each run of the same arrays once (see `Selection.concatenate`)."""

    def __init__(self) -> None:
        # The arrays are kept as well as their ids, so no id is reused while this lives.
        self.runs: dict[tuple[int, ...], tuple[list[npt.NDArray], npt.NDArray]] = {}  # type: ignore[type-arg]

    def join(self, arrays: list[npt.NDArray]) -> npt.NDArray:  # type: ignore[type-arg]
        key = tuple(map(id, arrays))
        if key not in self.runs:
            self.runs[key] = (arrays, np.concatenate(arrays))
        return self.runs[key][1]


LISTS_NOT_KEPT = (
    "the case lists of cases scored in batches for their counts alone are not kept"
    " (a large CSV file is; `esirules explain` reads the file again)"
)


def lists_not_kept() -> npt.NDArray[np.bool_]:
    """The selection of a case list that was not kept (scoring/stream.py): reading it is an error."""
    raise ValueError(LISTS_NOT_KEPT)
