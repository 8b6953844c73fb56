"""Comparing syntax trees whole: every field, spans included (a node's `==` leaves spans out)."""

from __future__ import annotations

from typing import Any

import attrs

from esirules.language.parse import _direct, lark_parse_condition, lark_parse_text


def difference(a: Any, b: Any) -> str | None:
    """Where two syntax trees (or parse results) first differ, field by field; None if nowhere.
    (Walked with a stack of its own: a condition may nest thousands deep.)"""
    pending: list[tuple[Any, Any, str]] = [(a, b, "top")]
    while pending:
        x, y, where = pending.pop()
        if type(x) is not type(y):
            return f"{where}: {type(x).__name__} against {type(y).__name__}"
        if attrs.has(type(x)):
            pending.extend((getattr(x, f.name), getattr(y, f.name), f"{where}.{f.name}") for f in attrs.fields(type(x)))
        elif isinstance(x, (tuple, list)):
            if len(x) != len(y):
                return f"{where}: {len(x)} items against {len(y)}"
            pending.extend((p, q, f"{where}[{i}]") for i, (p, q) in enumerate(zip(x, y)))
        elif isinstance(x, dict):
            if x.keys() != y.keys():
                return f"{where}: keys {sorted(x)} against {sorted(y)}"
            pending.extend((x[k], y[k], f"{where}[{k!r}]") for k in x)
        elif x != y:
            return f"{where}: {x!r} against {y!r}"
    return None


_COMPARED: set[tuple[str, str, str]] = set()


def compared(text: str, path: str, start: str) -> Any:
    """`parse._direct`, checked against Lark's parse of the same text wherever it gives a result
    (once per text: the tests parse the bundled rulesets hundreds of times)."""
    built = _direct(text, path, start)
    if built is not None and (text, path, start) not in _COMPARED:
        _COMPARED.add((text, path, start))
        by_lark = lark_parse_text(text, path) if start == "start" else lark_parse_condition(text, path)
        found = difference(built, by_lark)
        assert found is None, f"the direct parse of {path} differs from Lark's at {found}"
    return built
