"""Source spans: where in which ruleset file a piece of text lies."""

from __future__ import annotations

import attrs


@attrs.frozen
class Span:
    """A half-open stretch of a source file; lines and columns count from 1."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0
    # A workbook cell (`cases!F12`): then `line` is its row and `column` its column, counted from 1.
    cell: str = attrs.field(default="", kw_only=True)

    @classmethod
    def from_meta(cls, file: str, meta: object) -> Span:
        """The one place that turns Lark's position metadata into a span: a rule's `meta` or a
        token (both carry line, column, end_line, end_column, start_pos and end_pos)."""
        if getattr(meta, "empty", False) or getattr(meta, "line", None) is None:
            return cls(file, 1, 1, 1, 1)
        return cls(
            file,
            meta.line,  # type: ignore[attr-defined]
            meta.column,  # type: ignore[attr-defined]
            meta.end_line,  # type: ignore[attr-defined]
            meta.end_column,  # type: ignore[attr-defined]
            meta.start_pos,  # type: ignore[attr-defined]
            meta.end_pos,  # type: ignore[attr-defined]
        )

    @classmethod
    def point(cls, file: str, line: int, column: int, offset: int = 0) -> Span:
        """A span one character wide."""
        return cls(file, line, column, line, column + 1, offset, offset + 1)

    def __str__(self) -> str:
        return f"{self.file}, {self.cell}" if self.cell else f"{self.file}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, object]:
        found: dict[str, object] = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }
        if self.cell:
            found["cell"] = self.cell
        return found


NOWHERE = Span("<unknown>", 1, 1, 1, 1)


# INVARIANT: spans never take part in equality of the nodes that carry them.
def span_field() -> Span:
    """An attrs field for a node's span, excluded from equality and hashing."""
    return attrs.field(default=NOWHERE, eq=False, repr=False, kw_only=True)  # type: ignore[no-any-return]
