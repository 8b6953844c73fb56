"""Render a document as Markdown: a `document.Document` in, GitHub-flavoured Markdown text out."""

from __future__ import annotations

import re

from esirules.authoring.document import Block, Document, Entries, Heading, Paragraph, Table, Text

_SPECIAL = re.compile(r"([\\`*<>\[\]|])")
_LONE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def document_markdown(document: Document) -> str:
    out = [f"# {_escape(document.title)}", ""]
    if document.subtitle:
        out += [_escape(document.subtitle), ""]
    for block in document.blocks:
        out += _block(block)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def inline(value: Text) -> str:
    """Inline text as Markdown: code in backticks, strong in `**`, emphasis in `*`."""
    parts = []
    for run in value:
        if run.style == "code":
            fence = "``" if "`" in run.text else "`"
            pad = " " if fence == "``" else ""
            parts.append(f"{fence}{pad}{run.text}{pad}{fence}")
        elif run.style == "strong":
            parts.append(f"**{_escape(run.text)}**")
        elif run.style == "emphasis":
            parts.append(f"*{_escape(run.text)}*")
        else:
            parts.append(_escape(run.text))
    return "".join(parts)


def _escape(words: str) -> str:
    escaped = _SPECIAL.sub(r"\\\1", words)
    escaped = _LONE_UNDERSCORE.sub(r"\\_", escaped)
    return escaped.replace("\n", " ")


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"{'#' * block.level} {inline(block.text)}"]
    if isinstance(block, Paragraph):
        return [inline(block.text)]
    if isinstance(block, Entries):
        lines = []
        for entry in block.entries:
            lines.append(f"- {inline(entry.text)}")
            lines += [f"  - {inline(detail)}" for detail in entry.details]
        return lines
    return _table(block)


def _table(table: Table) -> list[str]:
    lines = []
    if table.caption:
        lines += [f"**{inline(table.caption)}**", ""]
    lines.append("| " + " | ".join(_cell(h) for h in table.header) + " |")
    lines.append("|" + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.header))) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return lines


def _cell(value: Text) -> str:
    rendered = inline(value)
    # Inside a table a `|` ends the cell even within code; GitHub reads `\|` as the character.
    return re.sub(r"(?<!\\)\|", r"\\|", rendered) if rendered else " "
