"""A small document model: what a report or handbook says, built once, rendered as text, Markdown or HTML.

Blocks are headings, paragraphs, lists (entries with detail lines) and tables; inline text is a
tuple of runs, each plain, code, strong or emphasis. Building a report is separate from
writing it out, so the three formats cannot say different things.
"""

from __future__ import annotations

import re
from typing import Literal

import attrs

Style = Literal["plain", "code", "strong", "emphasis"]


@attrs.frozen
class Run:
    text: str
    style: Style = "plain"


Text = tuple[Run, ...]


def text(*parts: str | Run | Text) -> Text:
    """Inline text from strings (plain), runs, and other texts."""
    out: list[Run] = []
    for part in parts:
        if isinstance(part, str):
            if part:
                out.append(Run(part))
        elif isinstance(part, Run):
            out.append(part)
        else:
            out.extend(part)
    return tuple(out)


def code(value: str) -> Run:
    return Run(value, "code")


def strong(value: str) -> Run:
    return Run(value, "strong")


def emphasis(value: str) -> Run:
    return Run(value, "emphasis")


_BACKTICKED = re.compile(r"`([^`]+)`")


def marked(words: str) -> Text:
    """Words in which `backticked` names are code (the wording diagnostics and diffs use)."""
    out: list[Run] = []
    position = 0
    for found in _BACKTICKED.finditer(words):
        if found.start() > position:
            out.append(Run(words[position : found.start()]))
        out.append(code(found.group(1)))
        position = found.end()
    if position < len(words):
        out.append(Run(words[position:]))
    return tuple(out)


def plain_text(value: Text) -> str:
    return "".join(run.text for run in value)


# ---------------------------------------------------------------------------------------------
# Blocks


@attrs.frozen
class Heading:
    level: int  # 1 the document's title; 2 a part (a new page when printed); 3 and 4 within
    text: Text
    anchor: str = ""


@attrs.frozen
class Paragraph:
    text: Text
    muted: bool = False  # a note or a source line, shown quieter


@attrs.frozen
class Entry:
    """One list entry: its text, and detail lines under it (locations, before and after)."""

    text: Text
    details: tuple[Text, ...] = ()


@attrs.frozen
class Entries:
    entries: tuple[Entry, ...]


@attrs.frozen
class Table:
    """A table with a header row; with `row_headers`, each row's first cell names the row."""

    header: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]
    caption: Text = ()
    row_headers: bool = False
    numeric: tuple[int, ...] = ()  # columns of figures, aligned right


Block = Heading | Paragraph | Entries | Table


@attrs.frozen
class Document:
    title: str
    blocks: tuple[Block, ...]
    subtitle: str = ""


def anchor_of(words: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, spaces to hyphens, punctuation dropped."""
    lowered = words.strip().lower()
    kept = re.sub(r"[^\w\- ]", "", lowered)
    return kept.replace(" ", "-")
