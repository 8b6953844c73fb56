"""Parse straight into syntax nodes: Lark's LALR tables and lexers, run without a parse tree.

Lark parses a ruleset into a tree of `Tree` objects with position metadata, and `ToSyntax` then
walks that tree into syntax nodes. This module runs the same tables and the same contextual
lexers, and calls the `ToSyntax` method of each rule as the rule is reduced, with the metadata
Lark would have given it: the grammar stays the one reference and the nodes come out the same
(tests compare them, spans included, over the bundled rulesets and every ruleset the tests
write), in about half the time.

At a mistake in the text (a character no terminal matches, a token the table does not expect)
it stops with `Mistake`, which holds the parser's states and tokens as they were after the last
token that fitted; `resume` hands them to Lark, which goes on from there with its own error
recovery, so Lark's messages stay the only ones and what comes before the mistake is not parsed
twice. At a shape of tree this driver does not rebuild it stops with `Unparsed`, and the caller
parses the whole text with Lark.

The shaping follows Lark's `parse_tree_builder` (with `propagate_positions=True` and
`maybe_placeholders=False`): anonymous tokens are dropped, `_rule` children are spliced into
their parent, `?rule` with one child is that child, and a node's position runs from its first
to its last child that has one, where a child spliced or passed up stands for the whole text of
the rule that held it (Lark's "container").

The lexing follows Lark's contextual lexers: at each position, of the terminals the parser's
state accepts, in Lark's order, the first that matches, with a fixed word that a regular
terminal spells whole (`items` as a NAME) renamed after the match, as Lark's `_create_unless`
does. Lark compiles each lexer's terminals into one alternation (about a third of a millisecond each; a
ruleset meets about a hundred lexers); here the terminals are filed under the characters they
can begin with (worked out from their regular expressions), so only the few that can match are
tried, each compiled once. White space and comments are stepped over before the match where no
other terminal of the lexer begins with a character they can begin with.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from types import SimpleNamespace
from typing import Any

import attrs
import lark
from lark import Token, Tree
from lark.lexer import LexerState, LexerThread, LineCounter, TextSlice
from lark.parsers.lalr_analysis import Shift
from lark.parsers.lalr_parser import LALR_Parser
from lark.parsers.lalr_parser_state import ParseConf, ParserState

# A place in the text: line, column, offset of the start; line, column, offset of the end; and
# what is there: a token's terminal (a name), or the `Reduction` that built the node (the tree
# Lark would have there, for its error recovery to read: `resume`). A token passed up keeps its
# own place.
Place = tuple[Any, ...]
# Lark's Token without the check for a deprecated keyword that `Token(...)` makes each time.
_token = getattr(Token, "_future_new", Token)


class Unparsed(Exception):
    """The text is not one this driver parses: parse it with Lark (which says what is wrong)."""


class Mistake(Unparsed):
    """The text has a mistake where the parse stopped: Lark can go on from there (`resume`)
    instead of parsing everything before it again."""

    def __init__(self, text: str, states: list[int], places: list[Place | None], after: tuple[int, int, int],
                 last: Place | None) -> None:
        super().__init__(after[0])
        self.text = text
        self.states = states  # the parser's states after the last token was shifted
        self.places = places  # and what the stack held then (a token's place names its terminal)
        self.after = after  # the offset after that token, its line, and the offset its line starts at
        self.last = last  # that token's place


class Meta:
    """What a `ToSyntax` method reads of a rule's position, as Lark's `Meta` gives it."""

    __slots__ = ("column", "empty", "end_column", "end_line", "end_pos", "line", "start_pos")

    def __init__(self, first: Place | None, last: Place | None) -> None:
        if first is None or last is None:
            self.empty = True
            self.line = None
            return
        self.empty = False
        self.line, self.column, self.start_pos = first[0], first[1], first[2]
        self.end_line, self.end_column, self.end_pos = last[3], last[4], last[5]


@attrs.frozen
class Reduction:
    """What reducing by one grammar rule does."""

    size: int  # how many symbols the rule takes off the stack
    origin: str  # the rule's name, for the table's goto
    keep: tuple[tuple[int, bool], ...] | None  # (index, splice) of the children kept; None: all
    single: bool  # `?rule`: one child kept is the result
    build: Callable[..., Any] | None  # the ToSyntax method; None: a `_rule` to splice
    unit: bool  # `?a: b`: b is the result, with its own place
    name: str  # the tree's name in Lark's parse tree (the rule's alias, or its name)
    token: str | None  # the terminal, where the rule is one token and keeps it (`text: STRING`)


# A terminal as the lexer tries it: its name, and the fixed word it is or its compiled pattern.
Candidate = tuple[str, "str | None", "re.Pattern[str] | None"]


@attrs.frozen
class Lexer:
    """One of Lark's contextual lexers, as this driver runs it: the terminals Lark's alternation
    holds, in its order, filed under each character they can begin with. The first of them that
    matches is the one the alternation would match."""

    by_first: dict[str, list[Candidate]]
    ignore: frozenset[str]
    words: dict[str, dict[str, str]]  # terminal -> {fixed word it may be -> that word's terminal}
    skip: re.Pattern[str] | None  # white space and comments, where no other terminal begins so


class Direct:
    """A parser over one Lark parser's tables that builds with `builder`'s class (a `ToSyntax`).

    Like Lark's own, the table's rows and the lexers are made ready when first needed, so a
    short text does not pay for the whole grammar."""

    def __init__(self, parser: lark.Lark, start: str, builder: type) -> None:
        frontend = parser.parser
        table = frontend.parser.parser.parse_table
        if frontend.lexer_conf.callbacks or parser.options.postlex is not None:
            raise Unparsed("lexer callbacks are not run by this driver")
        if frontend.lexer_conf.g_regex_flags:
            raise Unparsed("flags for every terminal are not run by this driver")
        self.start = table.start_states[start]
        self.end = table.end_states[start]
        self._table = table.states
        self._rules = {rule: _reduction(rule, builder) for rule in parser.rules}
        self._rows: dict[int, dict[str, tuple[bool, Any]]] = {}
        # Tokens no rule keeps are not made (their place is all that counts).
        kept = {
            sym.name
            for rule in parser.rules
            for sym in rule.expansion
            if sym.is_term and (rule.options.keep_all_tokens or not sym.filter_out)  # type: ignore[attr-defined]
        }
        self.dropped = frozenset(t.name for t in parser.terminals) - kept
        ignored = [t for t in parser.terminals if t.name in frontend.lexer_conf.ignore]
        self._skip = re.compile("(?:" + "|".join(t.pattern.to_regexp() for t in ignored) + ")+") if ignored else None
        self._strings = [t for t in parser.terminals if t.pattern.type == "str"]
        self._spelt: dict[str, frozenset[str]] = {}  # regular terminal -> fixed words it spells whole
        self._firsts: dict[str, set[int] | None] = {}  # by terminal
        self._candidates: dict[str, Candidate] = {}  # by terminal
        firsts = [_first(t) for t in ignored]
        self._skip_starts: set[int] = set() if None in firsts else set().union(*firsts)  # type: ignore[arg-type]
        self._skip_chars = "".join(chr(c) for c in self._skip_starts)
        self._basic = frontend.lexer.lexers  # state -> Lark's lexer, several states sharing one
        self._made: dict[int, Lexer] = {}  # by id of Lark's lexer
        self._lexers: dict[int, Lexer] = {}  # by state
        self.lexer(self.start)  # now: a Lark whose lexers differ is found here, not during a parse

    def row(self, state: int) -> dict[str, tuple[bool, Any]]:
        """What the table says to do in `state` on each terminal: (shift?, state or rule)."""
        row = self._rows[state] = {
            symbol: (True, arg) if action is Shift else (False, self._rules[arg])
            for symbol, (action, arg) in self._table[state].items()
        }
        return row

    def lexer(self, state: int) -> Lexer:
        basic = self._basic[state]
        made = self._made.get(id(basic))
        if made is None:
            made = self._made[id(basic)] = self._lexer(basic)
        self._lexers[state] = made
        return made

    def _lexer(self, basic: Any) -> Lexer:
        """Lark's lexer without its compiled alternation. Lark reads a fixed word that a regular
        terminal spells whole (`items`, spelt as a NAME) as that terminal, renamed after the match
        (`lexer._create_unless`): the same is done here with a dictionary."""
        flags = basic.g_regex_flags
        words: dict[str, dict[str, str]] = {}
        embedded = set()
        strings = [t for t in basic.terminals if t.pattern.type == "str"]
        for regular in (t for t in basic.terminals if t.pattern.type == "re"):
            spells = self._spelt.get(regular.name)
            if spells is None:
                spells = self._spelt[regular.name] = _spelt_whole(regular, self._strings, flags)
            spelt: dict[str, str] = {}
            for fixed in strings:
                if fixed.name in spells:
                    spelt.setdefault(fixed.pattern.value, fixed.name)
                    embedded.add(fixed.name)
            if spelt:
                words[regular.name] = spelt
        by_first: dict[str, list[Candidate]] = {}
        ignore = frozenset(basic.ignore_types)
        safe = True
        for terminal in basic.terminals:
            if terminal.name in embedded:
                continue
            first = self._firsts.get(terminal.name) or self._first_of(terminal)
            if first is None:
                raise Unparsed(f"what {terminal.name} begins with is not worked out")
            if terminal.name not in ignore and not first.isdisjoint(self._skip_starts):
                safe = False
            candidate = self._candidate(terminal, flags)
            for char in first:
                by_first.setdefault(chr(char), []).append(candidate)
        return Lexer(
            by_first,
            ignore,
            words,
            self._skip if safe and self._skip_starts else None,
        )

    def _first_of(self, terminal: Any) -> set[int] | None:
        first = self._firsts[terminal.name] = _first(terminal)
        return first

    def _candidate(self, terminal: Any, flags: int) -> Candidate:
        candidate = self._candidates.get(terminal.name)
        if candidate is None:
            if terminal.pattern.type == "str" and not terminal.pattern.flags and not flags:
                candidate = (terminal.name, terminal.pattern.value, None)
            else:
                candidate = (terminal.name, None, re.compile(terminal.pattern.to_regexp(), flags))
            self._candidates[terminal.name] = candidate
        return candidate

    def parse(self, text: str, builder: Any) -> Any:
        """The syntax node of `text`, or `Unparsed`."""
        rows, lexers, dropped, end, skips = self._rows, self._lexers, self.dropped, self.end, self._skip_chars
        states: list[int] = [self.start]
        values: list[Any] = []
        places: list[Place | None] = []
        size = len(text)
        pos, line, line_start = 0, 1, 0
        after, shifted = (0, 1, 0), None  # where the last token shifted ends, and its place
        while True:
            # The next token, by the lexer of the state the parser is in.
            snapshot = None  # the stacks before this token's reductions, were it not to fit
            kind = "$END"
            while pos < size:
                lexer = lexers.get(states[-1]) or self.lexer(states[-1])
                if lexer.skip is not None and text[pos] in skips:
                    if text[pos] == " " and (pos + 1 == size or text[pos + 1] not in skips):
                        pos += 1  # one space, as between most words: no need to match
                        if pos >= size:
                            break
                    elif skipped := lexer.skip.match(text, pos):
                        start, pos = pos, skipped.end()
                        breaks = text.count("\n", start, pos)
                        if breaks:
                            line += breaks
                            line_start = text.rindex("\n", start, pos) + 1
                        if pos >= size:
                            break
                for candidate in lexer.by_first.get(text[pos], ()):
                    word = candidate[1]
                    if word is not None:
                        if text.startswith(word, pos):
                            stop = pos + len(word)
                            break
                    elif found := candidate[2].match(text, pos):  # type: ignore[union-attr]
                        stop = found.end()
                        break
                else:
                    raise Mistake(text, states, places, after, shifted)
                kind = candidate[0]
                start, pos = pos, stop
                first_line, first_column = line, start - line_start + 1
                breaks = text.count("\n", start, pos)
                if breaks:
                    line += breaks
                    line_start = text.rindex("\n", start, pos) + 1
                if kind not in lexer.ignore:
                    break
                kind = "$END"
            if kind == "$END":
                column = pos - line_start + 1
                place: Place = (line, column, pos, line, column, pos)
            else:
                value = text[start:pos]
                if kind in lexer.words:
                    kind = lexer.words[kind].get(value, kind)
                place = (first_line, first_column, start, line, pos - line_start + 1, pos, kind)
            # Feed it: reduce as the table says, then shift.
            while True:
                action = (rows.get(states[-1]) or self.row(states[-1])).get(kind)
                if action is None:
                    raise Mistake(text, *(snapshot or (states, places)), after, shifted)
                shift, rule = action
                if shift:
                    if kind == "$END":
                        raise Unparsed(pos)
                    states.append(rule)
                    values.append(None if kind in dropped else _token(kind, value, start, *place[:2], *place[3:6]))
                    places.append(place)
                    after, shifted = (pos, line, line_start), place
                    break
                if snapshot is None:
                    snapshot = (states[:], places[:])
                n = rule.size
                if rule.unit:  # `?a: b` passing b up: only the state changes
                    states[-1] = (rows.get(states[-2]) or self.row(states[-2]))[rule.origin][1]
                    if kind == "$END" and states[-1] == end:
                        return values[-1]
                    continue
                # Reduce: take the rule's children off the stacks.
                if n:
                    children, held = values[-n:], places[-n:]
                    del states[-n:], values[-n:], places[-n:]
                else:
                    children, held = [], []
                first = last = None
                for here in held:
                    if here is not None:
                        first = here
                        break
                for here in reversed(held):
                    if here is not None:
                        last = here
                        break
                extent = None if first is None else (first[0], first[1], first[2], last[3], last[4], last[5], rule)  # type: ignore[index]
                kept = children
                if rule.keep is not None:
                    kept = []
                    for i, splice in rule.keep:
                        if not splice:
                            kept.append(children[i])
                        elif kept:
                            kept.extend(children[i])
                        else:  # a list growing on the left: spliced in place, as Lark does
                            kept = children[i]
                if rule.single and len(kept) == 1:
                    value_, extent = _passed_up(rule, kept[0], held, extent)
                elif rule.build is None:
                    if rule.single:
                        raise Unparsed(f"{rule.origin} has no way to build more than one child")
                    value_ = kept
                else:
                    value_ = rule.build(builder, Meta(first, last), kept)
                states.append((rows.get(states[-1]) or self.row(states[-1]))[rule.origin][1])
                values.append(value_)
                places.append(extent)
                if kind == "$END" and states[-1] == end:
                    return value_


def resume(parser: lark.Lark, start: str, mistake: Mistake, on_error: Callable[[Any], bool]) -> Any:
    """What `parser.parse(text, on_error=on_error)` does (Lark's parse, going on after mistakes),
    started where the direct parse stopped: the same states, every token still on the stack as
    Lark's token (error recovery reads them), and the lexer after the last token shifted."""
    frontend = parser.parser
    inner = frontend.parser.parser
    text = mistake.text
    offset, line, line_start = mistake.after
    counter = LineCounter("\n")
    counter.char_pos, counter.line, counter.line_start_pos = offset, line, line_start
    counter.column = offset - line_start + 1
    last = None if mistake.last is None else _token_at(text, mistake.last)
    lexer = LexerThread(frontend.lexer, LexerState(TextSlice(text, 0, len(text)), counter, last))
    values = [_value_at(text, place) for place in mistake.places]
    state = ParserState(ParseConf(inner.parse_table, inner.callbacks, start), lexer, list(mistake.states), values)
    # Lark's own loop of recovery (`LALR_Parser.parse`), its first parse being this state's.
    first = SimpleNamespace(parse=lambda _lexer, _start: inner.parse_from_state(state, last_token=last))
    return LALR_Parser.parse(SimpleNamespace(parser=first), lexer, start, on_error)  # type: ignore[arg-type]


def _token_at(text: str, place: Place, terminal: str | None = None) -> Token:
    return _token(terminal or place[6], text[place[2] : place[5]], place[2], place[0], place[1], place[3], place[4],
                  place[5])


def _value_at(text: str, place: Place | None) -> Any:
    """What Lark's value stack would hold at a place: a token, or a tree with the rule's name (its
    token too, where the rule is one token; Lark's recovery names a block by its `text`)."""
    if place is None:
        return Tree("_", [])  # a rule that matched no text
    what = place[6]
    if isinstance(what, str):
        return _token_at(text, place)
    return Tree(what.name, [_token_at(text, place, what.token)] if what.token else [])


def _spelt_whole(regular: Any, strings: list[Any], flags: int) -> frozenset[str]:
    """The fixed words (of the same priority) that a regular terminal matches whole: Lark reads
    them as the regular terminal, renamed (`lexer._create_unless`)."""
    spelt = set()
    for fixed in strings:
        value = fixed.pattern.value
        found = fixed.priority == regular.priority and re.match(regular.pattern.to_regexp(), value, flags)
        if found and found.group(0) == value:
            if fixed.pattern.flags:  # Lark would keep it in the alternation too: not rebuilt here
                raise Unparsed(f"the fixed word {fixed.name} has flags")
            spelt.add(fixed.name)
    return frozenset(spelt)


def _passed_up(rule: Reduction, child: Any, held: list[Place | None], extent: Place | None) -> tuple[Any, Place | None]:
    """A `?rule`'s one kept child, with the place its parent sees (Lark's container)."""
    if rule.keep is None:
        index = 0
    elif len(rule.keep) == 1 and not rule.keep[0][1]:
        index = rule.keep[0][0]
    else:
        raise Unparsed("a child passed up out of a spliced rule")
    own = held[index]
    if own is None:
        if extent is not None:
            raise Unparsed("a rule without text passed up")  # Lark would give it a place of its own
        return child, None
    if isinstance(own[6], str):
        return child, own  # Lark leaves a token's own place
    return child, (*extent[:6], own[6])  # type: ignore[index]  # the child's tree, in its container


def _reduction(rule: Any, builder: type) -> Reduction:
    options = rule.options
    keep: tuple[tuple[int, bool], ...] | None = None
    kept = tuple(
        (i, not sym.is_term and sym.name.startswith("_"))
        for i, sym in enumerate(rule.expansion)
        if options.keep_all_tokens or not (sym.is_term and sym.filter_out)
    )
    if len(kept) < len(rule.expansion) or any(splice for _, splice in kept):
        keep = kept
    name = rule.alias or options.template_source or rule.origin.name
    single = bool(options.expand1 and not rule.alias)
    build = getattr(builder, name, None)
    if build is None and not name.startswith("_") and hasattr(builder, "__default__"):
        build = functools.partial(_by_default, name)
    if build is None and not name.startswith("_") and not single:
        raise Unparsed(f"no way to build {name}")
    unit = single and keep is None and len(rule.expansion) == 1
    one = rule.expansion[0] if len(rule.expansion) == 1 else None
    token = one.name if one is not None and one.is_term and keep is None else None
    return Reduction(len(rule.expansion), rule.origin.name, keep, single, build, unit, name, token)


def _by_default(name: str, builder: Any, meta: Meta, children: list[Any]) -> Any:
    """A rule the builder has no method for, built by its `__default__` (as a Lark transformer's)."""
    return builder.__default__(name, meta, children)


def direct(parser: lark.Lark, start: str, builder: type) -> Direct | None:
    """A direct parser, or None if the grammar uses something it does not run, or Lark's internals
    it runs on are not as it knows them (then Lark parses everything, as correctly; a test fails,
    so that it is noticed)."""
    try:
        return Direct(parser, start, builder)
    except (Unparsed, AttributeError, KeyError, TypeError):
        return None


def _first(terminal: Any) -> set[int] | None:
    """The characters a terminal's match can begin with, or None where that is not worked out."""
    if terminal.pattern.type == "str" and not terminal.pattern.flags:
        return {ord(terminal.pattern.value[0])}
    parsed = sre_parse.parse(terminal.pattern.to_regexp())
    if parsed.state.flags & re.IGNORECASE:
        return None  # (the characters would be worked out in one case only)
    found, _ = _first_of(list(parsed))
    return found


def _first_of(items: list[Any]) -> tuple[set[int] | None, bool]:
    """(first characters, can match empty) of a sequence of parsed regular-expression items."""
    first: set[int] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            return first | {arg}, False
        if op is sre.IN:
            chars: set[int] = set()
            for kind, value in arg:
                if kind is sre.LITERAL:
                    chars.add(value)
                elif kind is sre.RANGE:
                    chars.update(range(value[0], value[1] + 1))
                else:
                    return None, False
            return first | chars, False
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # zero width: what follows begins the match
        if op is sre.SUBPATTERN:
            if arg[1] & re.IGNORECASE:  # (?i:...)
                return None, False
            inner, empty = _first_of(list(arg[-1]))
        elif op is sre.BRANCH:
            inner, empty = set(), False
            for branch in arg[1]:
                part, part_empty = _first_of(list(branch))
                if part is None:
                    return None, False
                inner |= part
                empty = empty or part_empty
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            inner, empty = _first_of(list(arg[2]))
            empty = empty or arg[0] == 0
        else:
            return None, False
        if inner is None:
            return None, False
        first |= inner
        if not empty:
            return first, False
    return first, True
