"""Describe a syntax error: Lark's exception in, a located diagnostic in plain words out.

The wording is data beside the grammar (`grammar/syntax-errors.toml`); what may come next is
read from the parser's own state and terminals.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

import lark
from lark import Token

from esirules.diagnostics import Diagnostic, did_you_mean
from esirules.language.grammar import fixed_words, parser, starts
from esirules.language.recovery import (
    QUOTED,
    braces,
    closes_to_accept,
    keyword_read_as_value,
    open_blocks,
    whole_word,
)
from esirules.span import Span

WORDING = "grammar/syntax-errors.toml"


@functools.cache
def wording() -> dict[str, Any]:
    import tomllib  # only when there is something to say: not on every start

    return tomllib.loads(resources.files("esirules.language").joinpath(WORDING).read_text("utf-8"))


@functools.cache
def _mistakes() -> dict[Situation, str]:
    """Where a mistake leaves the parser -> help, from the example mistakes (parsed once).

    As Lark's `match_examples` with `use_accepts`: the same parser state, the same kind of token,
    and the same words acceptable there (a state after a value is shared by every kind of value).
    Lark's also compares the depth of the stack, which differs with what comes before, and
    parses every example again for each mistake; this index is built once."""
    index: dict[Situation, str] = {}
    for mistake in wording()["mistake"]:
        for example in mistake["examples"]:
            try:
                parser().parse(example)
            except lark.exceptions.UnexpectedToken as error:
                index.setdefault(_situation(error, _acceptable(error)), mistake["help"])
                continue
            raise AssertionError(f"the example mistake parses without error: {example!r}")
    return index


Situation = tuple[int, str, frozenset[str]]


def _situation(error: lark.exceptions.UnexpectedToken, acceptable: set[str]) -> Situation:
    """The parser state a mistake stopped in (the top of its stack), the kind of token found,
    and what could have come instead."""
    return int(error.state.position), error.token.type, frozenset(acceptable)


def _say(key: str, part: str = "message", /, **fields: object) -> str:
    return str(wording()[key][part]).format(**fields)


class Describer:
    """Turns Lark's exceptions into diagnostics that name what was expected in plain words.

    The example mistakes are matched by the ruleset parser's states; a mistake made with another
    parser (the condition parser of `--where`) is described without them (`examples=False`)."""

    def __init__(self, text: str, path: str, *, examples: bool = True):
        self.text = text
        self.path = path
        self.examples = examples

    def __call__(self, error: lark.exceptions.UnexpectedInput) -> Diagnostic:
        if isinstance(error, lark.exceptions.UnexpectedCharacters):
            return self._character(error)
        if isinstance(error, lark.exceptions.UnexpectedEOF) or (
            isinstance(error, lark.exceptions.UnexpectedToken) and error.token.type == "$END"
        ):
            return self._end_of_file(error)
        assert isinstance(error, lark.exceptions.UnexpectedToken)
        token = whole_word(self.text, error.token)
        span = Span.from_meta(self.path, token)
        acceptable = _acceptable(error)
        unclosed = self._unclosed_before(error, acceptable) or self._declaration_taken_as_a_value(error)
        if unclosed is not None:
            return unclosed
        state = getattr(error.interactive_parser, "parser_state", None)
        blocks = open_blocks(state) if state is not None else []
        expected = _expected(acceptable, blocks[-1].opener if blocks else None)
        unfinished = self._unfinished_line(token, acceptable)
        if unfinished is not None:
            span, found = unfinished
        else:
            found = _found(token)
        example = _mistakes().get(_situation(error, acceptable)) if self.examples else None
        help_line = _comma_left_out(token, acceptable) or example or _value_of_words(self.text, token) or (
            _meant(token, acceptable, blocks)
        ) or (
            _keyword_meant(token, acceptable)
        ) or (
            None if unfinished else self._hint(token, acceptable, named_block=expected != _expected(acceptable))
        )
        return Diagnostic("S010", _say("S010", expected=expected, found=found), span, help_line)

    def _unfinished_line(self, token: Token, acceptable: set[str]) -> tuple[Span, str] | None:
        """Where a line ends unfinished, and those words, when the word found starts a later line
        and nothing that could come next begins a line of its own (a part, a declaration, a brace)."""
        words = starts()
        if acceptable & (words.declarations | words.parts | words.braces) or not acceptable:
            return None
        start = token.start_pos or 0
        end = _end_of_code(self.text, start)
        line = self.text.count("\n", 0, end) + 1
        if line >= (token.line or line):
            return None
        column = end - (self.text.rfind("\n", 0, end) + 1) + 1
        return Span.point(self.path, line, column, end), str(wording()["found"]["line-end"]).format(line=line)

    def _unclosed_before(self, error: lark.exceptions.UnexpectedToken, acceptable: set[str]) -> Diagnostic | None:
        """S011 when the word found would fit once the block before it were closed."""
        token = error.token
        words = starts()
        state = getattr(error.interactive_parser, "parser_state", None)
        if state is None or words.close_brace not in acceptable:
            return None
        # A word that may also go on what came before (`source`, `description`) proves nothing.
        opens = (words.declarations | words.parts) - words.both
        if token.type not in opens or not closes_to_accept(state, token.type):
            return None
        block = open_blocks(state)[-1]
        fields: dict[str, object] = {"block": block.opener, "line": block.brace.line, "found": _found(token)}
        if block.opener is None:
            message, help_line = _say("S011-before", "unnamed", **fields), _say("S011-before", "unnamed-help")
        else:
            message, help_line = _say("S011-before", **fields), _say("S011-before", "help", **fields)
        return Diagnostic("S011", message, Span.from_meta(self.path, token), help_line)

    def _declaration_taken_as_a_value(self, error: lark.exceptions.UnexpectedToken) -> Diagnostic | None:
        """S011 when the word just read as a value (a grade of a grading, a band of bands) is a
        declaration's keyword at the start of a line: `bands x on rating {` after a grading left
        open was read as a rule for the grade `bands`, and the mistake was said at `x`."""
        state = getattr(error.interactive_parser, "parser_state", None)
        found = keyword_read_as_value(state)
        if found is None:
            return None
        read, _ = found
        block = open_blocks(state)[-1]
        fields: dict[str, object] = {"block": block.opener, "line": block.brace.line, "found": f"`{read}`"}
        if block.opener is None:
            return Diagnostic("S011", _say("S011-before", "unnamed", **fields), Span.from_meta(self.path, read),
                              _say("S011-before", "unnamed-help"))
        return Diagnostic("S011", _say("S011-before", **fields), Span.from_meta(self.path, read),
                          _say("S011-before", "help", **fields))

    def _character(self, error: lark.exceptions.UnexpectedCharacters) -> Diagnostic:
        offset = max(error.pos_in_stream or 0, 0)
        char = self.text[offset] if offset < len(self.text) else ""
        span = Span.point(self.path, max(error.line, 1), max(error.column, 1), offset)
        if char == '"':
            return Diagnostic("S004", _say("S004"), span, _say("S004", "help"))
        shown = repr(char)[1:-1] if not char.isprintable() else char
        expected = _expected(error.allowed or set())
        help_line = wording()["S003-characters"].get(char) or _say("S003", "help")
        return Diagnostic("S003", _say("S003", char=shown, expected=expected), span, help_line)

    def _end_of_file(self, error: lark.exceptions.UnexpectedInput) -> Diagnostic:
        end = len(self.text)
        line = self.text.count("\n") + 1
        column = end - (self.text.rfind("\n") + 1) + 1
        span = Span.point(self.path, line, column, end)
        opened = unclosed_block(self.text)
        if opened is not None:
            open_line, _ = opened
            lines = self.text.split("\n")
            snippet = lines[open_line - 1].strip() if open_line - 1 < len(lines) else ""
            return Diagnostic("S011", _say("S011"), span, _say("S011", "help", line=open_line, snippet=snippet))
        return Diagnostic("S012", _say("S012", expected=_expected(_acceptable(error))), span, None)

    def _hint(self, token: Token, expected: set[str], named_block: bool) -> str | None:
        words = starts()
        if token.type == words.close_brace:
            return _say("hints", "close-brace")
        if words.close_brace in expected and not named_block:  # else the message names the block
            opened = unclosed_block(self.text[: token.start_pos or 0])
            if opened is not None:
                return _say("hints", "missing-close-brace", line=opened[0])
        if token.type == "NAME" and "STRING" in expected:
            return _say("hints", "name-for-text")
        return None


def _comma_left_out(token: Token, acceptable: set[str]) -> str | None:
    """`given ratings A1.a good A1.b strong`: the next id of a list where its comma could come."""
    if token.type == "NAME" and "." in str(token) and "COMMA" in acceptable:
        return _say("hints", "missing-comma", word=str(token))
    return None


_COMPARED_WORD = re.compile(r"([A-Za-z_][\w.]*)\s*(=|!=|<=|>=|<|>)\s*([A-Za-z_]\w*)\s+$")
_REST_OF_VALUE = re.compile(r"[A-Za-z_][\w ]*?(?=[ \t]*(?:[,}#\n]|$))")
# A value where a test gives one (`expect grade`, `gives`) or in a list (`in {referral order, ...}`).
_GIVEN_WORD = re.compile(r"(\bgrade|\bgives|[{,])\s*([A-Za-z_]\w*)\s+$")


def _value_of_words(text: str, token: Token) -> str | None:
    """`risk_of_harm = very high`: a value of two words compared without its quotes, told by
    the word found straight after a comparison's value on the same line."""
    if token.type != "NAME" or token.start_pos is None:
        return None
    line_start = text.rfind("\n", 0, token.start_pos) + 1
    compared = _COMPARED_WORD.search(text, line_start, token.start_pos)
    if compared is not None:
        attribute, comparator, first = compared.groups()
        return _say("hints", "value-of-words", written=f'{attribute} {comparator} "{first} {token}"')
    given = _GIVEN_WORD.search(text, line_start, token.start_pos)  # (`expect grade Requires improvement`)
    if given is not None:
        before, first = given.groups()
        lead = f"{before} " if before[-1].isalpha() else ""  # (in a list, the value alone)
        rest = _REST_OF_VALUE.match(text, token.start_pos)  # (every word of it: `youth rehabilitation order`)
        words = " ".join(rest.group().split()) if rest is not None else str(token)
        return _say("hints", "value-of-words", written=f'{lead}"{first} {words}"')
    return None


def _meant(token: Token, acceptable: set[str], blocks: list[Any]) -> str | None:
    """Help for mistakes told by what was found and what could come: a part of a block outside
    every block (`criterion` after its section's `}`), a percentage without its `%`."""
    word = str(token)
    inside = wording()["hints"]["part-outside-inside"].get(word)
    if inside is not None and not blocks and token.type not in acceptable:
        return _say("hints", "part-outside", word=word, inside=inside)
    percent = _percent()
    if acceptable and acceptable <= {percent, "SLASH"} and percent in acceptable:
        return _say("hints", "percent-or-fraction" if "SLASH" in acceptable else "percent")
    return None


@functools.cache
def _percent() -> str:
    """The terminal of `%` (worked out when a mistake is described: not on every start)."""
    return next(name for name, word in fixed_words().items() if word == "%")


def _expected(names: set[str], block: str | None = None) -> str:
    """What could come next, in words: fixed words as written, other terminals described; when
    that is many things, in the words of where the parser is (`block`: `criterion B1`)."""
    described = wording()["terminals"]
    fixed = fixed_words()
    words = sorted({described.get(n) or (f"`{fixed[n]}`" if n in fixed else n.lower().replace("_", " ")) for n in names})
    if not words:
        return str(wording()["expected"]["nothing"])
    if len(words) > 8 and block is None and names & starts().declarations:
        return str(wording()["expected"]["declaration"])
    if len(words) > 8 and block is not None:
        ending = "part-or-end" if starts().close_brace in names else "part"
        return _say("expected", ending, block=block)
    if len(words) > 8:
        return _say("expected", "many", first=", ".join(words[:8]))
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _acceptable(error: lark.exceptions.UnexpectedInput) -> set[str]:
    """What could really come next: Lark's `expected` is the set of a merged parser state, so
    after a value it lists everything that may follow a value anywhere; trying each is exact."""
    expected = set(getattr(error, "expected", None) or ())
    interactive = getattr(error, "interactive_parser", None)
    if interactive is not None and isinstance(error, lark.exceptions.UnexpectedToken):
        try:
            return set(interactive.accepts()) or expected
        except lark.exceptions.LarkError:
            return expected
    return expected


def _keyword_meant(token: Token, acceptable: set[str]) -> str | None:
    """`did you mean `criterion`?` for a word misspelling a fixed word that could come here."""
    if token.type != "NAME":
        return None
    fixed = fixed_words()
    word = str(token)
    # (a misspelling keeps its first letter: `critrion`, `secton`; `really` is not `overall`)
    keywords = [fixed[n] for n in acceptable if n in fixed and fixed[n].isalpha() and fixed[n][0] == word[:1].lower()]
    return did_you_mean(word, keywords, listing=False) if keywords else None


def _end_of_code(text: str, before: int) -> int:
    """The offset just after the last character of ruleset text (not space, not a comment)
    before `before`."""
    end = before
    while end > 0:
        line_start = text.rfind("\n", 0, end - 1) + 1
        code = QUOTED.sub(lambda m: "x" * len(m.group()), text[line_start:end]).split("#", 1)[0].rstrip()
        if code:
            return line_start + len(code)
        end = max(line_start - 1, 0)
    return 0


def _found(token: Token) -> str:
    found = wording()["found"]
    return str(found.get(token.type) or found["other"].format(token=token))


def unclosed_block(text: str) -> tuple[int, int] | None:
    """The line and column of the innermost `{` left open, skipping comments and quoted text."""
    stack: list[int] = []
    for offset, brace in braces(text):
        if brace == "{":
            stack.append(offset)
        elif stack:
            stack.pop()
    if not stack:
        return None
    line_start = text.rfind("\n", 0, stack[-1]) + 1
    return text.count("\n", 0, stack[-1]) + 1, stack[-1] - line_start + 1
