"""Half-typed ruleset text in, the best syntax tree that can be had for it out.

The parser gives a tree only for text without syntax errors, yet an editor asks for symbols,
hover and completion while the text is half typed. Here the lines with syntax errors (or, if
that is not enough, the whole declarations around them) are blanked out, keeping every other
character where it was, and the text is parsed again; a block left open at the end of the
file is closed. Every span of the tree so obtained is a span of the real text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import attrs

from esirules.diagnostics import Diagnostic
from esirules.language import syntax as s
from esirules.language.grammar import fixed_words, starts
from esirules.language.parse import parse_text

MAX_ROUNDS = 6
# A top-level declaration starts at the beginning of a line with one of these words.
DECLARATION_START = re.compile(
    r"^(ruleset|title|description|extends|rounding|answers|scale|ladder|attribute|source|class|measure"
    r"|sample|section|overall|grading|bands|points|outcome|exclude|replace|test)\b",
    re.MULTILINE,
)


@attrs.frozen
class Salvaged:
    """A syntax tree of the text (None if none could be had) and the stretches left out of it."""

    tree: s.RulesetFile | None
    left_out: tuple[tuple[int, int], ...] = ()


@attrs.frozen
class Braces:
    """The braces of a text outside comments and quoted text: matched pairs and those left open."""

    pairs: tuple[tuple[int, int], ...]
    unclosed: tuple[int, ...]
    comments: tuple[tuple[int, int], ...]
    strings: tuple[tuple[int, int], ...]


# (a line ends at a line feed, a carriage return or both, as the parser reads it)
_LEXICAL = re.compile(r'"""(?:.|\n)*?(?:"""|\Z)|"(?:[^"\\\r\n]|\\[^\r\n])*(?:"|(?=[\r\n])|\Z)|#[^\r\n]*|[{}]')


def braces(text: str) -> Braces:
    """Scan the text once for braces, comments and quoted text (unclosed quotes run to their line's end)."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    comments: list[tuple[int, int]] = []
    strings: list[tuple[int, int]] = []
    for match in _LEXICAL.finditer(text):
        token = match.group()
        if token == "{":
            stack.append(match.start())
        elif token == "}":
            if stack:
                pairs.append((stack.pop(), match.start()))
        elif token.startswith("#"):
            comments.append(match.span())
        else:
            strings.append(match.span())
    pairs.sort()
    return Braces(tuple(pairs), tuple(stack), tuple(comments), tuple(strings))


def salvage(text: str, path: str, problems: Sequence[Diagnostic] | None = None) -> Salvaged:
    """The syntax tree of `text`, parts with syntax errors left out; `problems`, if given, are
    the syntax diagnostics already found for this very text (saving one parse)."""
    if problems is None or not any(d.code.startswith("S") for d in problems):
        tree, problems = parse_text(text, path)
        if tree is not None:
            return Salvaged(tree)
    chars = list(text)
    left_out: list[tuple[int, int]] = []
    closing = ""
    for round_ in range(MAX_ROUNDS):
        for problem in problems:
            if problem.code == "S011" and problem.span.start < len(text):
                # A block left open before a later part (`criterion B3` inside B2): its `}` goes
                # where that part's line is indented, so the rest of the file is read as written.
                at = _indent_before(chars, problem.span.start)
                if at is not None:
                    chars[at] = "}"
                    continue
            if problem.code == "S011" or problem.span.start >= len(text):
                closing = _close_blocks("".join(chars), closing) if problem.code == "S011" else closing
                if problem.code != "S011":
                    left_out.append(_blank(chars, *_last_line(chars)))
                continue
            if round_ < MAX_ROUNDS // 2:
                start, end = _line_around(chars, problem.span.start)
                start, end = _unfinished_before(chars, start, end, problem.span.start) or (start, end)
            else:
                start, end = _declaration_around("".join(chars), problem.span.start)
            left_out.append(_blank(chars, start, end))
        tree, problems = parse_text("".join(chars) + closing, path)
        if tree is not None:
            return Salvaged(tree, tuple(sorted(set(left_out))))
    return Salvaged(None, tuple(sorted(set(left_out))))


def _indent_before(chars: list[str], offset: int, lines: int = 50) -> int | None:
    """The first character of the nearest line, at or before the one holding `offset`, that is
    indented (a space or tab there can take a `}` and keep every offset, line and column)."""
    end = offset
    for _ in range(lines):
        start = end
        while start > 0 and chars[start - 1] != "\n":
            start -= 1
        if start < len(chars) and chars[start] in " \t":
            return start
        if start == 0:
            return None
        end = start - 1
    return None


def _close_blocks(text: str, closing: str) -> str:
    return "\n" + "}" * len(braces(text).unclosed) if braces(text).unclosed else closing


def _blank(chars: list[str], start: int, end: int) -> tuple[int, int]:
    """Blank chars[start:end] (line breaks kept) and, if that opens a block, the block with it."""
    stretch = "".join(chars[start:end])
    if "{" in stretch or "}" in stretch:
        text = "".join(chars)
        for open_, close in braces(text).pairs:
            if start <= open_ < end:
                end = max(end, close + 1)
            if start <= close < end:
                start = min(start, open_)
        for open_ in braces(text).unclosed:
            if start <= open_ < end:
                end = len(chars)
    for index in range(start, end):
        if chars[index] != "\n":
            chars[index] = " "
    return start, end


def _line_around(chars: list[str], offset: int) -> tuple[int, int]:
    offset = min(max(offset, 0), max(len(chars) - 1, 0))
    start = offset
    while start > 0 and chars[start - 1] != "\n":
        start -= 1
    end = offset
    while end < len(chars) and chars[end] != "\n":
        end += 1
    return start, end


def _unfinished_before(chars: list[str], start: int, end: int, offset: int) -> tuple[int, int] | None:
    """The line above, when the mistake is further along a line whose first word starts a part or
    a declaration: that word was read as the end of the line above, left unfinished (`answers on`
    with the name still to type, then `attribute risk ...`), so the line above is the one to leave out."""
    line = "".join(chars[start:end])
    first = line.split(maxsplit=1)[0] if line.strip() else ""
    if first not in _starting_words() or offset <= start + len(line) - len(line.lstrip()):
        return None
    above = start - 1
    while above > 0:
        line_start, line_end = _line_around(chars, above - 1)
        code = "".join(chars[line_start:line_end]).split("#", 1)[0].strip()
        if code:
            return None if code.endswith(("{", "}")) else (line_start, line_end)
        above = line_start - 1
    return None


@functools.cache
def _starting_words() -> frozenset[str]:
    """The words that start a declaration or a part of a block, as the grammar spells them."""
    words = starts()
    fixed = fixed_words()
    return frozenset(fixed[t] for t in words.declarations | words.parts if t in fixed)


def _last_line(chars: list[str]) -> tuple[int, int]:
    """The last line with anything but space on it."""
    end = len(chars)
    while end > 0 and chars[end - 1].isspace():
        end -= 1
    return _line_around(chars, max(end - 1, 0))


def _declaration_around(text: str, offset: int) -> tuple[int, int]:
    """The top-level declaration holding `offset`: from its first line to the next one's."""
    starts = [m.start() for m in DECLARATION_START.finditer(text)]
    start = max((p for p in starts if p <= offset), default=0)
    end = min((p for p in starts if p > offset), default=len(text))
    return start, end
