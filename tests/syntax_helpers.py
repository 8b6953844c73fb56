"""Comparing syntax trees whole: every field, spans included (a node's `==` leaves spans out)."""

from __future__ import annotations

from typing import Any

import attrs

from esirules.language.parse import _direct, lark_parse_condition, lark_parse_text


def difference(a: Any, b: Any, where: str = "") -> str | None:
    """Where two syntax trees (or parse results) first differ, field by field; None if nowhere."""
    if type(a) is not type(b):
        return f"{where or 'top'}: {type(a).__name__} against {type(b).__name__}"
    if attrs.has(type(a)):
        for field in attrs.fields(type(a)):
            found = difference(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
            if found:
                return found
        return None
    if isinstance(a, (tuple, list)):
        if len(a) != len(b):
            return f"{where}: {len(a)} items against {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{where}: keys {sorted(a)} against {sorted(b)}"
        for key in a:
            found = difference(a[key], b[key], f"{where}[{key!r}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {a!r} against {b!r}"


def compared(text: str, path: str, start: str) -> Any:
    """`parse._direct`, checked against Lark's parse of the same text wherever it gives a result."""
    built = _direct(text, path, start)
    if built is not None:
        by_lark = lark_parse_text(text, path) if start == "start" else lark_parse_condition(text, path)
        found = difference(built, by_lark)
        assert found is None, f"the direct parse of {path} differs from Lark's at {found}"
    return built
