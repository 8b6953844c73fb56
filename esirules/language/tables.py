"""Parse tables shipped in the package: the grammar in, Lark's built LALR tables (as JSON) out.

Building the LALR tables from the grammar takes about 0.3 s, longer than the rest of
`esirules check`. Lark can cache them (`cache=True`), but keeps them as a pickle under a
predictable name in the shared temporary folder and unpickles it on every run: another local
user could plant one and run code as the next user (finding F14). So the tables are built once,
when the grammar changes, and shipped inside the package as JSON, which cannot run code. The file
records the SHA-256 of the grammar and Lark's version it was built from; when either differs
(a grammar being edited, another Lark), the tables are built in memory from the grammar instead,
and nothing is written anywhere.

Rebuild the shipped file after changing the grammar or upgrading Lark (a test fails until it
is):

    .venv/bin/python -m esirules.language.tables
"""

from __future__ import annotations

import hashlib
import json
import sys
from importlib import resources
from typing import Any

import lark

GRAMMAR = "grammar/esirules.lark"
SHIPPED = "grammar/esirules.tables.json"
FORMAT = "esirules.parse-tables/1"
# The parsers the language uses, by name: their Lark options besides the grammar.
PARSERS: dict[str, dict[str, Any]] = {
    "ruleset": {"start": "start"},
    "condition": {"start": "condition"},
}
OPTIONS: dict[str, Any] = {"parser": "lalr", "propagate_positions": True, "maybe_placeholders": False}

# JSON has no tuples and only text keys; Lark's tables use both. Such values are written as an
# object with one of these keys, which no key Lark writes can be (they are not names).
_TUPLE = "()"
_KEYED = "{}"


def grammar_text() -> str:
    return resources.files("esirules.language").joinpath(GRAMMAR).read_text("utf-8")


def build_parser(grammar: str, name: str) -> lark.Lark:
    """Build one parser from the grammar text (slow: the LALR analysis runs)."""
    return lark.Lark(grammar, **OPTIONS, **PARSERS[name])


def build(grammar: str) -> dict[str, Any]:
    """The tables of every parser, as Lark serialises them, with what they were built from."""
    tables = {}
    for name in PARSERS:
        data, memo = build_parser(grammar, name).memo_serialize([lark.lexer.TerminalDef, lark.grammar.Rule])
        tables[name] = {"data": data, "memo": memo}
    return {"format": FORMAT, "grammar": _digest(grammar), "lark": lark.__version__, "parsers": tables}


def read_shipped(grammar: str | None = None) -> dict[str, Any] | None:
    """The shipped tables if they were built from this grammar by this Lark, else None."""
    grammar = grammar_text() if grammar is None else grammar
    try:
        text = resources.files("esirules.language").joinpath(SHIPPED).read_text("utf-8")
    except FileNotFoundError:
        return None
    shipped = decode(text)
    wanted = {"format": FORMAT, "grammar": _digest(grammar), "lark": lark.__version__}
    if not isinstance(shipped, dict) or any(shipped.get(key) != value for key, value in wanted.items()):
        return None
    return shipped


def load_parser(name: str) -> lark.Lark:
    """A parser from the shipped tables, or built from the grammar when they do not match it."""
    grammar = grammar_text()
    shipped = read_shipped(grammar)
    if shipped is None:
        return build_parser(grammar, name)
    return lark.Lark.load(shipped["parsers"][name])  # type: ignore[arg-type]  # Lark takes a dict too


def encode(value: Any) -> str:
    return json.dumps(_plain(value), separators=(",", ":"), ensure_ascii=True)


def decode(text: str) -> Any:
    return json.loads(text, object_hook=_restore)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return {_TUPLE: [_plain(v) for v in value]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value):
            return {key: _plain(v) for key, v in value.items()}
        return {_KEYED: [[key, _plain(v)] for key, v in value.items()]}
    return value


def _restore(obj: dict[str, Any]) -> Any:
    if _TUPLE in obj:
        return tuple(obj[_TUPLE])
    if _KEYED in obj:
        return {(tuple(key) if isinstance(key, list) else key): v for key, v in obj[_KEYED]}
    return obj


def _digest(grammar: str) -> str:
    return hashlib.sha256(grammar.encode("utf-8")).hexdigest()


def main(argv: list[str]) -> int:
    """Rebuild the shipped tables if the grammar or Lark changed (`--check`: only say whether
    they are current). Lark numbers states in an order that differs from run to run, so tables
    that are current are left as they are."""
    target = resources.files("esirules.language").joinpath(SHIPPED)
    with resources.as_file(target) as path:
        if read_shipped() is not None and "--force" not in argv:
            print(f"{path} is current")
            return 0
        if "--check" in argv:
            print(f"{path} is out of date: run python -m esirules.language.tables")
            return 1
        path.write_text(encode(build(grammar_text())) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
