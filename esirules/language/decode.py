"""Decode a ruleset file: bytes in, text with `\\n` line ends (or S001/S002 diagnostics) out."""

from __future__ import annotations

import codecs
import re

from esirules.diagnostics import Diagnostic
from esirules.span import Span


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Turn file bytes into text, or explain why they are not ruleset text.

    Windows (CRLF) and classic Mac (CR) line ends are read as line ends: the text returned ends
    its lines with `\\n` only, so every later stage counts lines the same way.
    """
    if saved_as_utf16(data):
        return None, [
            Diagnostic(
                "S002",
                "this file is UTF-16 text (saved as \"Unicode\"), not UTF-8",
                Span.point(path, 1, 1),
                "save the ruleset again, choosing the UTF-8 encoding (in Notepad: Save as, then Encoding: UTF-8)",
            )
        ]
    if b"\x00" in data:
        offset = data.index(b"\x00")
        return None, [
            Diagnostic(
                "S001",
                "this file holds binary data, not ruleset text",
                _point(data, offset, path),
                "a ruleset is plain text saved as UTF-8; check that the right file was given",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
        return None, [
            Diagnostic(
                "S002",
                f"this file is not UTF-8 text (byte 0x{data[offset]:02x} cannot be read)",
                _point(data, offset, path),
                "save the ruleset as UTF-8 in your editor",
            )
        ]
    # Editors on Windows often start UTF-8 files with an invisible byte order mark.
    text = text.removeprefix("\ufeff")
    return line_feeds(text), []


def saved_as_utf16(data: bytes) -> bool:
    """Whether a file is UTF-16 text, by its byte order mark (Notepad's "Unicode", Word's "Unicode Text")."""
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def line_feeds(text: str) -> str:
    """Text with each CRLF, and each CR alone, read as one line feed: as a ruleset is parsed,
    and what the offsets of its spans count in."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def lone_returns_as_feeds(text: str) -> str:
    """Text with each carriage return that is not before a line feed made one: the same length
    (offsets hold), with every line ending at a line feed, as the parser counts lines."""
    return _LONE_RETURN.sub("\n", text) if "\r" in text else text


_LONE_RETURN = re.compile(r"\r(?!\n)")


def _point(data: bytes, offset: int, path: str) -> Span:
    """Where a bad byte is, counting CR-only line ends as line ends too."""
    before = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return Span.point(path, line, column, len(before))
