"""The grammar's parsers and what they know: shipped tables in, Lark parsers and word sets out.

Everything the parser's error handling needs to know about the language is read from the
grammar itself, not copied into Python: which terminal is which fixed word, which words start
a declaration, and which start a part of a block (rules named `*_part` or `*_option`; rules
named `*_ref` refer to a declaration by its keyword, which still only starts declarations).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import attrs
import lark

from esirules.language.tables import load_parser


@functools.cache
def parser() -> lark.Lark:
    """The LALR parser for rulesets (built once per process; it holds no state)."""
    return load_parser("ruleset")


@functools.cache
def condition_parser() -> lark.Lark:
    """The same grammar started at `condition`: for conditions typed on the command line."""
    return load_parser("condition")


@functools.cache
def fixed_words() -> dict[str, str]:
    """Terminal name -> the fixed word it stands for (`CRITERION` -> `criterion`, `LBRACE` -> `{`)."""
    return {
        terminal.name: terminal.pattern.value
        for terminal in parser().terminals
        if isinstance(terminal.pattern, lark.lexer.PatternStr)
    }


@attrs.frozen
class Starts:
    """Fixed words, as terminal names: those that start a declaration and appear nowhere inside a
    block (after a mistake, they may close the blocks left open); those that start a part of a
    block or of a declaration, or start a declaration but appear inside blocks too (`measure`,
    `source`: after a mistake, the parser resumes at them inside the innermost block); and the
    two braces."""

    declarations: frozenset[str]
    parts: frozenset[str]
    open_brace: str
    close_brace: str
    both: frozenset[str]  # start a declaration, and appear inside blocks too

    @property
    def braces(self) -> frozenset[str]:
        return frozenset((self.open_brace, self.close_brace))


@functools.cache
def starts() -> Starts:
    rules = parser().rules
    first = _first_sets(rules)
    part_rules = {rule.origin.name for rule in rules if rule.origin.name.endswith(("_part", "_option"))}
    parts = set().union(*(first[name] for name in part_rules))
    words = fixed_words()
    by_word = {word: name for name, word in words.items()}
    inside = _terminals_under(rules, part_rules)
    declarations = {t for t in first["declaration"] if t in words}
    return Starts(
        frozenset(declarations - inside),
        frozenset(t for t in parts | (declarations & inside) if t in words),
        by_word["{"],
        by_word["}"],
        frozenset(declarations & inside),
    )


def _terminals_under(rules: Iterable[lark.grammar.Rule], names: set[str]) -> set[str]:
    """Every terminal the rules `names`, and the rules they use, are written with; not those of
    rules named `*_ref`, which name a declaration by its keyword (`expect section B ...`)."""
    by_origin: dict[str, list[lark.grammar.Rule]] = {}
    for rule in rules:
        by_origin.setdefault(rule.origin.name, []).append(rule)
    seen, pending, terminals = set(names), list(names), set()
    while pending:
        for rule in by_origin.get(pending.pop(), []):
            for symbol in rule.expansion:
                if symbol.is_term:
                    terminals.add(symbol.name)
                elif symbol.name not in seen and not symbol.name.endswith("_ref"):
                    seen.add(symbol.name)
                    pending.append(symbol.name)
    return terminals


def _first_sets(rules: Iterable[lark.grammar.Rule]) -> dict[str, set[str]]:
    """FIRST(rule name): the terminals any of its expansions can begin with (a fixed point)."""
    rules = list(rules)
    first: dict[str, set[str]] = {rule.origin.name: set() for rule in rules}
    nullable: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in rules:
            found = first[rule.origin.name]
            before = (len(found), rule.origin.name in nullable)
            for symbol in rule.expansion:
                if symbol.is_term:
                    found.add(symbol.name)
                    break
                found |= first[symbol.name]
                if symbol.name not in nullable:
                    break
            else:
                nullable.add(rule.origin.name)
            changed |= before != (len(found), rule.origin.name in nullable)
    return first
