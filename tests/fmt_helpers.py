"""Shared helpers for the formatter tests: the rulesets it is tried on, and hypothesis strategies
that lay them out anew (whitespace, blank lines, indentation, comments moved) or write small
rulesets from the grammar."""

from __future__ import annotations

import functools
import random
import re

import lark
from conftest import REPO
from hypothesis import strategies as st

from esirules.authoring.fmt_layout import layout_parser, parse_layout, place

BUNDLED = sorted((REPO / "esirules" / "rulesets").glob("*.esi"))
DOC_EXAMPLES = sorted((REPO / "docs" / "examples").glob("*/*.esi"))
FIXTURES = REPO / "tests" / "fixtures" / "fmt"


def doc_blocks() -> list[tuple[str, str]]:
    """Every ```esi block of the docs, as (where, text)."""
    blocks = []
    for page in sorted((REPO / "docs").glob("*.md")):
        for number, block in enumerate(re.findall(r"```esi[^\n]*\n(.*?)```", page.read_text("utf-8"), re.S), 1):
            blocks.append((f"{page.name} block {number}", block))
    return blocks


# ---------------------------------------------------------------------------------------------
# Laying real rulesets out anew


def tokens_and_gaps(text: str) -> tuple[list[str], list[str]]:
    """The tokens of text that parses, as written, and the n + 1 gaps around them."""
    placed = place(parse_layout(text))
    tokens = [text[t.start : t.end] for t in placed]
    bounds = [0] + [p for t in placed for p in (t.start, t.end)] + [len(text)]
    gaps = [text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    return tokens, gaps


_COMMENT = re.compile(r"#[^\n]*")
_SPACES = ["", " ", "  ", "\t", "    ", " \t "]
_INDENTS = ["", " ", "  ", "    ", "\t", "          "]


def relaid(text: str) -> st.SearchStrategy[str]:
    """`text` laid out anew at random (see `relay`)."""
    return st.randoms(use_true_random=True).map(lambda chance: relay(text, chance))


def respaced(text: str) -> st.SearchStrategy[str]:
    """`text` spaced anew at random (see `respace`)."""
    return st.randoms(use_true_random=True).map(lambda chance: respace(text, chance))


def relay(text: str, chance: random.Random) -> str:
    """`text` with every gap between tokens drawn anew: spaces, tabs, line breaks, blank lines and
    indentation at random, and comments kept in order but moved to a later gap at times (a
    comment at the end of a line may come on a line of its own, and the other way round)."""
    tokens, gaps = tokens_and_gaps(text)
    out: list[str] = []
    carried: list[str] = []
    for i, gap in enumerate(gaps):
        comments = carried + _COMMENT.findall(gap)
        carried = []
        if comments and i < len(gaps) - 1 and chance.randint(0, 4) == 0:
            carried, comments = comments, []
        piece = ""
        for comment in comments:
            if i > 0 and "\n" not in piece and chance.random() < 0.5:
                piece += " " + chance.choice(_SPACES) + comment + "\n"  # at the end of the token's line
            else:
                piece += "\n" * chance.randint(0 if i == 0 or piece else 1, 3) + chance.choice(_INDENTS) + comment + "\n"
        piece += "\n" * chance.randint(0, 3) + chance.choice(_INDENTS)
        out.append(" " if not piece and 0 < i < len(gaps) - 1 else piece)
        if i < len(tokens):
            out.append(tokens[i])
    return "".join(out)


def respace(text: str, chance: random.Random) -> str:
    """`text` with its layout kept but its spacing drawn anew: where a gap has a line break it
    keeps one (a blank line stays a blank line, of one or more), comments stay where they were
    (at a line's end or on their own line); only spaces, tabs, indentation and the number of
    blank lines change."""
    tokens, gaps = tokens_and_gaps(text)
    out: list[str] = []
    for i, gap in enumerate(gaps):
        lines = gap.split("\n")
        piece = chance.choice(_SPACES) if lines[0].strip() == "" else chance.choice(_SPACES) + " " + lines[0].strip()
        if i not in (0, len(gaps) - 1) and len(lines) == 1 and not piece:
            piece = " "
        blank = False
        for line in lines[1:-1]:
            if line.strip():
                piece += "\n" * (chance.randint(2, 4) if blank else 1) + chance.choice(_INDENTS) + line.strip()
                blank = False
            else:
                blank = True
        if len(lines) > 1:
            piece += "\n" * (chance.randint(2, 4) if blank else 1) + chance.choice(_INDENTS)
        out.append(piece)
        if i < len(tokens):
            out.append(tokens[i])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Small rulesets written from the grammar

_SAMPLES = {
    "NAME": ["b", "B1", "A1.q", "risk_of_harm", "x_2"],
    "STRING": ['"t"', '"two words"', '"with \\"quotes\\" # and a hash"', '""'],
    "LONG_STRING": ['"""long\n  text"""', '"""# not a comment\n"""'],
    "INT": ["0", "3", "12"],
    "SIGNED_NUMBER": ["1", "-2", "2.5", "10"],
}
_SEPARATORS = [" ", " ", " ", "\n", "  ", "\n\n", "\t", "  # note\n", "\n    # own line\n  "]
MAX_DEPTH = 9


@functools.cache
def _grammar() -> tuple[dict[str, list[tuple[lark.grammar.Symbol, ...]]], dict[str, int], dict[str, object]]:
    parser = layout_parser()
    rules: dict[str, list[tuple[lark.grammar.Symbol, ...]]] = {}
    for rule in parser.rules:
        rules.setdefault(rule.origin.name, []).append(tuple(rule.expansion))
    # The height of the shortest derivation of each rule (terminals have height 0).
    height: dict[str, int] = {}
    changed = True
    while changed:
        changed = False
        for name, expansions in rules.items():
            for expansion in expansions:
                if all(s.is_term or s.name in height for s in expansion):
                    found = 1 + max((height[s.name] for s in expansion if not s.is_term), default=0)
                    if found < height.get(name, 1 << 30):
                        height[name] = found
                        changed = True
    terminals = {t.name: t.pattern for t in parser.terminals}
    return rules, height, terminals


def _terminal(draw: st.DrawFn, name: str) -> str:
    pattern = _grammar()[2][name]
    if isinstance(pattern, lark.lexer.PatternStr):
        return str(pattern.value)
    if name in _SAMPLES:
        return draw(st.sampled_from(_SAMPLES[name]))
    return draw(st.from_regex(pattern.to_regexp(), fullmatch=True).filter(lambda s: "#" not in s and '"' not in s))


@st.composite
def grammar_rulesets(draw: st.DrawFn) -> str:
    """A small ruleset drawn from the grammar's rules (it may not check, and may not even parse:
    a name drawn where a keyword could also stand is read as the keyword)."""
    rules, height, _ = _grammar()
    pieces: list[str] = []
    stack: list[tuple[lark.grammar.Symbol | str, int]] = [("start", 0)]
    while stack:
        symbol, depth = stack.pop()
        if isinstance(symbol, lark.grammar.Symbol) and symbol.is_term:
            if pieces:
                pieces.append(draw(st.sampled_from(_SEPARATORS)))
            pieces.append(_terminal(draw, symbol.name))
            continue
        name = symbol if isinstance(symbol, str) else symbol.name
        expansions = rules[name]
        if depth >= MAX_DEPTH:
            expansions = [min(expansions, key=lambda e: max((height[s.name] for s in e if not s.is_term), default=0))]
        expansion = draw(st.sampled_from(expansions))
        stack.extend((s, depth + 1) for s in reversed(expansion))
    return "".join(pieces) + "\n"
