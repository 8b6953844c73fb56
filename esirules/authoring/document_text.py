"""Render a document as plain text: a `document.Document` in, text for a terminal or a file out.

Paragraphs and list entries are wrapped to `width`; table cells wider than a column allows
are wrapped within the column. Names keep their backticks, as in diagnostics.
"""

from __future__ import annotations

import textwrap

from esirules.authoring.document import Block, Document, Entries, Heading, Paragraph, Table, Text

WIDTH = 100
_CELL = 44  # the widest a text column grows before its cells wrap


def document_text(document: Document, width: int = WIDTH) -> str:
    out = [document.title, "=" * min(len(document.title), width)]
    if document.subtitle:
        out += _wrap(document.subtitle, width)
    for block in document.blocks:
        out.append("")
        out += _block(block, width)
    return "\n".join(out).rstrip("\n") + "\n"


def inline(value: Text) -> str:
    return "".join(f"`{run.text}`" if run.style == "code" else run.text for run in value)


def _wrap(words: str, width: int, first: str = "", rest: str = "") -> list[str]:
    return textwrap.wrap(
        words, width, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False
    ) or [first.rstrip()]


def _block(block: Block, width: int) -> list[str]:
    if isinstance(block, Heading):
        words = inline(block.text)
        if block.level <= 2:
            return [words, "-" * min(len(words), width)]
        return [words]
    if isinstance(block, Paragraph):
        return _wrap(inline(block.text), width)
    if isinstance(block, Entries):
        lines = []
        for entry in block.entries:
            lines += _wrap(inline(entry.text), width, "  • ", "    ")
            for detail in entry.details:
                lines += _wrap(inline(detail), width, "      ", "        ")
        return lines
    return _table(block)


def _table(table: Table) -> list[str]:
    header = [inline(h) for h in table.header]
    rows = [[inline(c) for c in row] for row in table.rows]
    widths = []
    for column, title in enumerate(header):
        longest = max([len(title), *(len(row[column]) for row in rows)])
        widths.append(longest if column in table.numeric else min(longest, max(_CELL, len(title))))
    lines = []
    if table.caption:
        lines.append(inline(table.caption))
    lines += _row(header, widths, table.numeric)
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines += _row(row, widths, table.numeric)
    return lines


def _row(cells: list[str], widths: list[int], numeric: tuple[int, ...]) -> list[str]:
    wrapped = [
        textwrap.wrap(cell, width, break_long_words=False, break_on_hyphens=False) or [""]
        if column not in numeric
        else [cell]
        for column, (cell, width) in enumerate(zip(cells, widths))
    ]
    height = max(len(lines) for lines in wrapped)
    out = []
    for index in range(height):
        parts = []
        for column, lines in enumerate(wrapped):
            cell = lines[index] if index < len(lines) else ""
            parts.append(cell.rjust(widths[column]) if column in numeric else cell.ljust(widths[column]))
        out.append("  ".join(parts).rstrip())
    return out
