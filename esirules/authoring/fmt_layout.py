"""Where each token of a ruleset goes: the concrete parse tree in, tokens placed on lines out.

The formatter has no printer per construct. It walks Lark's parse tree with every token kept
and decides each token's place from the token's kind and a few layout hints per grammar rule:

- A declaration, and each part of a block (the trees between a rule's `{` and `}`), starts a
  line of its own; the parts are one level deeper than the line that opened the block, and `}`
  closes the block on a line of its own at the level of that line.
- Inside a declaration or a part, tokens are separated by one space, except that `,` `:` `%`
  `)` and `/` follow the token before them directly and `(` `/` lead into the next.
- A line break the author made inside a declaration is kept where it falls between phrases and
  joined elsewhere; the continuation is one level deeper. A phrase is a run of fixed words and
  the name, text or value they lead to: a break may come before a fixed word (`and`, `source`,
  `in`) or before a name, text or value, but never after a fixed word (`at least`, `weighted
  mean of`) nor before a closing mark. Nodes listed in ATOMS are never broken inside.

So a construct added to the grammar is laid out by these defaults; it needs a hint only if
braces in it enclose a list of values rather than parts (INLINE_BRACES), if it must never be
broken inside (ATOMS), or if a fixed word in it runs into the next token (GLUED_AFTER).
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import lark
from lark import Token, Tree

from esirules.language import tables
from esirules.language.direct import Direct, Unparsed, direct

# ---------------------------------------------------------------------------------------------
# Layout hints (grammar rule or alias names)

# Braces that enclose values written on one line (`order_type in {cro, licence}`), not a block.
INLINE_BRACES = frozenset({"membership_test"})
# Never broken inside, even where the author broke the line: small phrases read as one.
ATOMS = frozenset({
    "clause", "rating", "answer_count", "point", "percent", "fraction", "comparison_test", "flag_test",
    "figure_test", "missing_rule", "whole_percent", "decimal_places", "rounding_ties", "numeric_kind",
    "boolean_kind", "carry_forward",
})
# Fixed words written against the token after them: `yes x3` (but `3 x 5`: where the two would
# read back as one word, `x5`, a name, the formatter puts the space back).
GLUED_AFTER = frozenset({("answer_count", "x")})

# Fixed marks (by their text) written against the token before them, or against the one after.
GLUE_LEFT = frozenset({",", ":", "%", ")", "/"})
GLUE_RIGHT = frozenset({"(", "/"})

# Where a token goes.
START = 0  # first token of a declaration or of a part: a new line at `depth`
CLOSE = 1  # `}` of a block: a new line at `depth`, the block's own level
OPEN = 2  # `{` of a block: at the end of the line before it
SOFT = 3  # may follow a line break the author made (the continuation is at depth + 1)
JOIN = 4  # joined to the token before it (unless a comment ends the line between them)


class Placed(NamedTuple):
    """One token (its terminal's name, `type`) and its place: `kind` (above), the `depth` of its
    declaration or part (or of the block, for `{` and `}`), whether a space separates it from the
    token before, and whether it is written against that token only by a GLUED_AFTER hint (so a
    space may be put back)."""

    start: int
    end: int
    text: str
    type: str
    kind: int
    depth: int
    space: bool
    hinted: bool = False


class _Terminal(NamedTuple):
    fixed: bool  # a fixed word or mark of the grammar (a literal), not a name, text or number
    spaced: bool  # its pattern allows any run of white space inside (`lower is better`)


@functools.cache
def layout_parser() -> lark.Lark:
    """The ruleset grammar with every token kept in the tree (for layout only; made once).

    Keeping every token changes what the tree builder keeps, not the parse tables, so the parser
    is loaded from the tables shipped with the language (esirules.language.tables), its rules
    told to keep their tokens; when those tables do not match the grammar (it is being edited),
    it is built from the grammar in memory. Lark's own cache is never used: it keeps a pickle in
    the shared temporary folder.
    """
    shipped = tables.read_shipped()
    if shipped is None:
        return lark.Lark(tables.grammar_text(), **{**tables.OPTIONS, "propagate_positions": False},
                         start="start", keep_all_tokens=True)
    serialised = shipped["parsers"]["ruleset"]
    for entry in serialised["memo"].values():
        if entry.get("__type__") == "Rule":
            entry["options"]["keep_all_tokens"] = True
            for symbol in entry["expansion"]:
                if symbol.get("__type__") == "Terminal":
                    symbol["filter_out"] = False
    # Tokens carry their positions; the trees need none.
    serialised["data"]["options"].update(keep_all_tokens=True, propagate_positions=False)
    return lark.Lark.load(serialised)  # type: ignore[arg-type]  # Lark takes a dict too


@functools.cache
def _terminals() -> dict[str, _Terminal]:
    return {
        t.name: _Terminal(
            isinstance(t.pattern, lark.lexer.PatternStr),
            isinstance(t.pattern, lark.lexer.PatternRE) and r"\s" in t.pattern.value and '"' not in t.pattern.value,
        )
        for t in layout_parser().terminals
    }


class _Trees:
    """Builds Lark's trees in the direct parse (`language/direct.py`), as Lark's tree builder does."""

    @staticmethod
    def __default__(name: str, meta: object, children: list[Tree[Token] | Token]) -> Tree[Token]:
        return Tree(name, children)


@functools.cache
def _direct_layout() -> Direct | None:
    return direct(layout_parser(), "start", _Trees)


def parse_layout(text: str) -> Tree[Token]:
    """The concrete parse tree of text that parses (raises Lark's errors otherwise). The text is
    parsed directly, without Lark's tree builder; where that stops, by Lark."""
    parser = _direct_layout()
    if parser is not None:
        try:
            return parser.parse(text, _Trees)  # type: ignore[no-any-return]
        except Unparsed:
            pass
    return layout_parser().parse(text)


class _Visit(NamedTuple):
    item: Tree[Token] | Token | None  # a tree, a token, or None: the end of an atom
    parent: str  # the rule the item belongs to
    depth: int  # the depth of the declaration or part it belongs to
    kind: int  # START/OPEN/CLOSE for tokens so placed; SOFT for the rest (decided later)


def place(tree: Tree[Token]) -> list[Placed]:
    """Every token of the tree in order, each with its place."""
    terminals = _terminals()
    placed: list[Placed] = []
    # Per token: may a line break follow it, may one come before it (kept if the author made one).
    breaks_after: list[bool] = []
    breaks_before: list[bool] = []
    glue_after: list[bool] = []
    hinted_after: list[bool] = []
    atom_starts: list[int] = []
    pending_start: int | None = None
    # INVARIANT: an explicit stack, not recursion: a condition nested thousands deep is fine.
    stack: list[_Visit] = [_Visit(child, "start", 0, START) for child in reversed(tree.children)]
    while stack:
        item, parent, depth, kind = stack.pop()
        if item is None:  # the end of an atom: its tokens after the first are joined
            first = atom_starts.pop()
            for i in range(first + 1, len(placed)):
                if placed[i].kind == SOFT:
                    placed[i] = placed[i]._replace(kind=JOIN)
            continue
        if isinstance(item, Tree):
            if kind == START:
                pending_start = depth
            if item.data in ATOMS:
                stack.append(_Visit(None, parent, depth, SOFT))
                atom_starts.append(len(placed))
            stack.extend(reversed(_children(item, depth)))
            continue
        terminal = terminals.get(item.type, _Terminal(False, False))
        text = " ".join(str(item).split()) if terminal.spaced else str(item)
        if pending_start is not None:
            kind, depth, pending_start = START, pending_start, None
        inline = parent in INLINE_BRACES
        closing = terminal.fixed and (text in GLUE_LEFT or (inline and text == "}"))
        opening = terminal.fixed and (text in GLUE_RIGHT or (inline and text == "{"))
        space = bool(placed) and not (closing or glue_after[-1])
        hinted = bool(placed) and not space and not closing and hinted_after[-1]
        placed.append(Placed(item.start_pos or 0, item.end_pos or 0, text, item.type, kind, depth, space, hinted))
        breaks_before.append(not closing and kind != OPEN)
        breaks_after.append(not (terminal.fixed and text not in GLUE_LEFT and text != "}"))
        hinted_after.append(not opening and (parent, text) in GLUED_AFTER)
        glue_after.append(opening or hinted_after[-1])
    for i in range(1, len(placed)):
        if placed[i].kind == SOFT and not (breaks_after[i - 1] and breaks_before[i]):
            placed[i] = placed[i]._replace(kind=JOIN)
    return placed


def _children(node: Tree[Token], depth: int) -> list[_Visit]:
    """The children of a node to visit, blocks' braces and parts marked."""
    children = node.children
    name = str(node.data)
    braces = [i for i, c in enumerate(children) if isinstance(c, Token) and str(c) in "{}" and len(c) == 1]
    if name in INLINE_BRACES or len(braces) < 2 or str(children[braces[0]]) != "{":
        return [_Visit(c, name, depth, SOFT) for c in children]
    opened, closed = braces[0], braces[-1]
    visits = [_Visit(c, name, depth, SOFT) for c in children[:opened]]
    visits.append(_Visit(children[opened], name, depth, OPEN))
    for c in children[opened + 1 : closed]:
        visits.append(_Visit(c, name, depth + 1, START if isinstance(c, Tree) else SOFT))
    visits.append(_Visit(children[closed], name, depth, CLOSE))
    visits.extend(_Visit(c, name, depth, SOFT) for c in children[closed + 1 :])
    return visits
