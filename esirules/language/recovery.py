"""Recover from a syntax error: Lark's parser state at a mistake in, the state to go on from out.

After a mistake the parser resumes in the innermost open construct that can take the next brace
or fixed word (panic mode), so that one run reports every independent mistake of a file. The
words it may resume at come from the grammar (`grammar.starts`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import attrs
import lark
from lark import Token

from esirules.language.grammar import fixed_words, starts

_WORD = re.compile(r"[A-Za-z0-9_]")
_WORD_END = re.compile(r"[A-Za-z0-9_.]*")
QUOTED = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"')


def whole_word(text: str, token: Token) -> Token:
    """The token as the word the writer wrote: a fixed word matched at the start of a longer word
    (`at` of `atribute`, where only fixed words could come) is that whole word, read as a name."""
    end = token.end_pos
    if token.type not in fixed_words() or end is None or end >= len(text) or not _WORD.match(text[end]):
        return token
    stop = _WORD_END.match(text, end)
    assert stop is not None  # INVARIANT: at least the character just checked
    word = text[token.start_pos or 0 : stop.end()]
    return Token("NAME", word, token.start_pos, token.line, token.column, token.line,
                 (token.column or 1) + len(word), stop.end())


@attrs.frozen
class OpenBlock:
    """A `{` not yet closed: what opened it (`criterion B1`; None for a list of values), the brace,
    and the value-stack indexes of the brace and of the start of its construct."""

    opener: str | None
    brace: Token
    brace_index: int
    start: int


def open_blocks(state: Any) -> list[OpenBlock]:
    """The blocks open in a parser state, outermost first. A block whose `}` is on the stack is
    closed: the parser reduces it only when the word after the `}` fits, so a mistake just after
    a block is not inside it."""
    values = state.value_stack
    words = starts()
    found: list[OpenBlock] = []
    boundary = 0
    for index, value in enumerate(values):
        if isinstance(value, Token) and value.type == words.open_brace:
            opener, start = _opener(values, boundary, index)
            found.append(OpenBlock(opener, value, index, start))
            boundary = index + 1
        elif isinstance(value, Token) and value.type == words.close_brace and found:
            found.pop()
            boundary = index + 1
    return found


def keyword_read_as_value(state: Any) -> tuple[Token, str] | None:
    """The word just read as a value (a grading's grade, a band) if it is a declaration's keyword
    at the start of a line inside an open block, with the keyword's terminal: `bands x on r {`
    after a grading left open is read as the rule for a grade `bands`, and fails at `x`."""
    read = state.value_stack[-1] if state is not None and state.value_stack else None
    if not isinstance(read, Token) or read.type != "NAME" or read.column != 1 or not open_blocks(state):
        return None
    words = fixed_words()
    keyword = next((t for t in starts().declarations | starts().both if words.get(t) == str(read)), None)
    return None if keyword is None else (read, keyword)


def closes_to_accept(state: Any, terminal: str) -> bool:
    """Whether `terminal` would fit once the innermost open block (at least) were closed."""
    blocks = open_blocks(state)
    if not blocks:
        return False
    table = state.parse_conf.states
    stack = state.state_stack
    return any(terminal in table[stack[i]] for i in range(blocks[-1].start, -1, -1))


def _opener(values: list[Any], boundary: int, brace: int) -> tuple[str | None, int]:
    """What opens the block whose `{` is at `brace` (`criterion B1`, `test "A2"`) and where it
    starts; a `{` straight after a fixed word (`in {`) opens a list of values, not a block."""
    words = starts()
    openers = words.declarations | words.parts
    before = values[brace - 1] if brace else None
    if isinstance(before, Token) and before.type in fixed_words():
        return None, brace
    tokens = [(i, v) for i, v in enumerate(values[boundary:brace], boundary) if isinstance(v, Token)]
    for position, (index, token) in enumerate(tokens):
        if token.type not in openers:
            continue
        rest = [v for _, v in tokens[position + 1 :]]
        if rest and rest[0].type in openers:  # `replace criterion A2`: the criterion is the block
            continue
        following = values[index + 1] if index + 1 < brace else None
        if isinstance(following, Token) and following.type == "NAME":
            return f"{token} {following}", index
        if isinstance(following, lark.Tree) and following.data == "text":
            return f"{token} {following.children[0]}", index
        return str(token), index
    return None, brace


class Recovery:
    """Panic-mode recovery: after a mistake, resume in the innermost open construct that can take
    the next brace or keyword.

    Without it Lark drops the bad token and stays where it was, so every later token fails too
    and one mistake is reported twenty times. Errors that follow an error with no token read in
    between are such echoes and are not reported. The tree is discarded when there were errors,
    so the stacks may be cut freely.
    """

    def __init__(self, text: str):
        self.text = text
        self.attempts = 0
        self.last_end: int | None = None

    @staticmethod
    def where(error: lark.exceptions.UnexpectedInput) -> tuple[int, int]:
        token = getattr(error, "token", None)
        if isinstance(error, lark.exceptions.UnexpectedToken) and token is not None and token.type != "$END":
            start = token.start_pos or 0
            return start, max(token.end_pos or start, start)
        start = max(getattr(error, "pos_in_stream", None) or 0, 0)
        return start, start + 1

    def is_cascade(self, error: lark.exceptions.UnexpectedInput) -> bool:
        """True if nothing but space and comments lies between the last error and this one."""
        if self.last_end is None:
            return False
        start, _ = self.where(error)
        between = self.text[self.last_end : start]
        return not "".join(line.split("#", 1)[0] for line in between.split("\n")).strip()

    def recover(self, error: lark.exceptions.UnexpectedInput) -> None:
        self.attempts += 1
        self.last_end = self.where(error)[1]
        token = getattr(error, "token", None)
        parser_ = getattr(error, "interactive_parser", None)
        if isinstance(error, lark.exceptions.UnexpectedCharacters) and parser_ is not None:
            self._close_quote(error, parser_)
            return
        if not isinstance(error, lark.exceptions.UnexpectedToken) or parser_ is None:
            return
        if token is None or token.type == "$END":
            return
        if self._close_before_declaration(token, parser_):
            return
        if self._skip_line(token, parser_):
            return
        words = starts()
        if token.type in words.parts or token.type in words.braces:
            closes_blocks = False
        elif token.type in words.declarations:
            # Words that only start a declaration may close the blocks left open to resume.
            closes_blocks = True
        else:
            self._skip_rest_of_line(token, parser_)
            return  # skip ahead to a brace or a word that starts a declaration or a part
        state = parser_.parser_state
        table = state.parse_conf.states
        stack = state.state_stack
        floor, ceiling = 0, len(stack) - 1
        blocks = open_blocks(state)
        if not closes_blocks and token.type != words.close_brace:
            # stay inside the innermost open block (the state just after its `{`), and after a
            # block whose `}` is read (a `criterion` after its section's `}` is not in the section)
            floor = blocks[-1].brace_index + 1 if blocks else 0
            closed = [i for i, v in enumerate(state.value_stack) if isinstance(v, Token) and v.type == words.close_brace]
            floor = max([floor, *(i + 1 for i in closed[-1:])])
        elif closes_blocks and blocks:
            # resume outside the innermost open block, even where its parts name the word
            # (`expect section B ...` in a test): the word starts a declaration after it
            ceiling = blocks[-1].start
        depth = next((i for i in range(ceiling, floor - 1, -1) if token.type in table[stack[i]]), None)
        if depth is None:
            return  # no open construct takes this token: drop it
        del stack[depth + 1 :]
        del state.value_stack[depth:]
        with contextlib.suppress(lark.exceptions.UnexpectedInput):  # did not fit after all: dropped
            state.feed_token(token)

    def _close_before_declaration(self, token: Token, parser_: Any) -> bool:
        """Where a declaration's keyword was read as a value (`keyword_read_as_value`), close the
        block left open before it and read its line as the declaration: the rest of the file is
        then read as written, with no mistakes that are not there."""
        state = parser_.parser_state
        found = keyword_read_as_value(state)
        if found is None:
            return False
        read, keyword = found
        saved = (list(state.state_stack), list(state.value_stack))
        del state.state_stack[-1], state.value_stack[-1]  # (the word read as a value: not reduced yet)
        try:
            state.feed_token(Token.new_borrow_pos(starts().close_brace, "}", read))
            state.feed_token(Token.new_borrow_pos(keyword, str(read), read))
            state.feed_token(token)
        except lark.exceptions.UnexpectedInput:
            state.state_stack[:], state.value_stack[:] = saved
            return False
        return True

    def _skip_line(self, token: Token, parser_: Any) -> bool:
        """Skip a line whose first word is not one the language knows there (a keyword misspelt:
        `critrion B2 "Care" {`), with the block it opens: read word by word, the rest of it would
        only give mistakes that are not there (its `{` left over, its `}` closing the block around it)."""
        word = whole_word(self.text, token)
        start = word.start_pos or 0
        line_start = self.text.rfind("\n", 0, start) + 1
        counter = parser_.lexer_thread.state.line_ctr
        if word.type != "NAME" or self.text[line_start:start].strip() or counter.char_pos != token.end_pos:
            return False
        line_end = self.text.find("\n", start)
        line_end = len(self.text) if line_end < 0 else line_end
        code = QUOTED.sub(lambda m: " " * len(m.group()), self.text[start:line_end]).split("#", 1)[0].rstrip()
        stop = _block_end(self.text, start + len(code) - 1) if code.endswith("{") else line_end
        counter.feed(self.text[counter.char_pos : stop])
        self.last_end = None  # (what follows the skipped line is read afresh: a mistake there is its own)
        return True

    def _skip_rest_of_line(self, token: Token, parser_: Any) -> None:
        """After a mistake further along a line inside a block, go on from the next line as from the
        start of a part of that block: the rest of the line, read word by word where the parser
        stopped, could fit some rule by chance (`Weak otherwise` after `... and fact roll > 500`
        in bands read as part of the broken rule) and give a mistake that is not there."""
        start = token.start_pos or 0
        line_start = self.text.rfind("\n", 0, start) + 1
        counter = parser_.lexer_thread.state.line_ctr
        state = parser_.parser_state
        blocks = open_blocks(state)
        if not blocks or not self.text[line_start:start].strip() or counter.char_pos != token.end_pos:
            return
        line_end = self.text.find("\n", start)
        line_end = len(self.text) if line_end < 0 else line_end
        code_end = start + len(QUOTED.sub(lambda m: " " * len(m.group()), self.text[start:line_end]).split("#", 1)[0].rstrip())
        if "{" in self.text[start:code_end] or "}" in self.text[start:code_end]:
            return  # (a brace on the rest of the line: the blocks it opens or closes are read as they are)
        counter.feed(self.text[counter.char_pos : line_end])
        floor = blocks[-1].brace_index + 1
        del state.state_stack[floor + 1 :]
        del state.value_stack[floor:]
        self.last_end = line_end

    def _close_quote(self, error: lark.exceptions.UnexpectedCharacters, parser_: Any) -> None:
        """Read an unclosed quote as text running to the end of its line (or to a final `{`)."""
        start = error.pos_in_stream
        if start is None or not self.text.startswith('"', start):
            return
        end = self.text.find("\n", start)
        body = self.text[start : len(self.text) if end < 0 else end]
        if body.rstrip().endswith("{") and len(body.rstrip()) > 1:
            body = body.rstrip()[:-1].rstrip()
        lexer = parser_.lexer_thread.state
        if lexer.line_ctr.char_pos != start:
            return
        lexer.line_ctr.feed(body)
        self.last_end = start + len(body)
        line, column = error.line, error.column
        text = Token("STRING", body + '"', start, line, column, line, column + len(body), start + len(body))
        with contextlib.suppress(lark.exceptions.UnexpectedInput):  # no text expected here: skipped
            parser_.feed_token(text)


def _block_end(text: str, brace: int) -> int:
    """The offset after the `}` that closes the `{` at `brace`, or the end of the text."""
    depth = 0
    for offset, char in braces(text, brace):
        depth += 1 if char == "{" else -1
        if depth == 0:
            return offset + 1
    return len(text)


def braces(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """The offset of each `{` and `}` from `start` on, but for those in comments and quoted text."""
    i, n = start, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if char == '"':
            closing = '"""' if text.startswith('"""', i) else '"'
            end = text.find(closing, i + len(closing))
            i = n if end < 0 else end + len(closing)
            continue
        if char in "{}":
            yield i, char
        i += 1
