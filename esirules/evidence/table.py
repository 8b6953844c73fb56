"""The case table: cases as read from any format, before checking — each column an array of numbers of cell texts.

Every reader (`read_csv`, `read_arrow`, `yaml_cases`) makes one; `encode` checks and codes it.
A table numbers each distinct cell text once, in one pass over the cells in the order they were
read, so the encoder looks at a column's few distinct texts and the work per cell stays in numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs
import numpy as np
import numpy.typing as npt

from esirules.span import Span

Cells = Sequence[str | None]
Index = npt.NDArray[np.int32]


class Interner(dict[str | None, int]):
    """Numbers each distinct text in the order first seen."""

    def __missing__(self, text: str | None) -> int:
        number = self[text] = len(self)
        return number


@attrs.define
class CaseTable:
    """Cases as read, before checking: each column an array of numbers of distinct cell texts.

    Fields are `id`, `sample`, `attribute:<name>` and `answer:<question id>`, names as declared.
    """

    file: str
    lines: Sequence[int]
    strings: list[str | None] = attrs.Factory(lambda: [None])
    columns: dict[str, Index] = attrs.Factory(dict)
    header_line: int | None = None  # a CSV file: where missing columns are reported
    positions: dict[tuple[str, int], tuple[int, int]] = attrs.Factory(dict)
    reported: set[tuple[str, int]] = attrs.Factory(set)  # cells whose problem is already reported
    cell_column: Callable[[str, int], int] | None = None

    @classmethod
    def from_cells(cls, file: str, lines: Sequence[int], cells: dict[str, list[str | None]]) -> CaseTable:
        """A table from lists of cell texts (None for a blank), one list per field."""
        interner = Interner({None: 0})  # INVARIANT: number 0 is a blank cell
        columns = {
            field: np.fromiter(map(interner.__getitem__, texts), dtype=np.int32, count=len(texts))
            for field, texts in cells.items()
        }
        return cls(file, lines, list(interner), columns)

    def __len__(self) -> int:
        return len(self.lines)

    def text(self, field: str, index: int) -> str:
        """The text of one cell, without surrounding spaces."""
        return (self.strings[self.columns[field][index]] or "").strip()

    def span(self, field: str, index: int) -> Span:
        """Where the cell of `field` for case `index` is (its case's line if not known)."""
        if (field, index) in self.positions:
            return Span.point(self.file, *self.positions[field, index])
        column = self.cell_column(field, index) if self.cell_column and field in self.columns else 1
        return Span.point(self.file, self.lines[index], column)
