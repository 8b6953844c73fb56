"""Completion: a document's text, a cursor and the names in scope in, what may be typed there out.

Keywords come from the parser itself: the text of the declaration around the cursor is fed to
Lark's interactive parser up to the word being typed, and every keyword the parser would
accept next is offered. Where it would accept a name, the words just before the cursor say
which kind (a scale after `on`, a grading after `graded by`, an attribute in a condition) and
the declared names of that kind are offered; where it would accept a value, the values of the
scale, ladder or attribute that the rule around the cursor is about.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence

import attrs
import lark
from lark import Token

from esirules.editor.index import KIND_WORDS, Index, Occurrence
from esirules.editor.salvage import DECLARATION_START, Braces
from esirules.language import syntax as s
from esirules.language.decode import lone_returns_as_feeds
from esirules.language.parse import parser
from esirules.words import value_text

MAX_RETRIES = 3
_WORD = re.compile(r"[A-Za-z0-9_.]*\Z")
_TOP_LEVEL = re.compile(r"^[ \t]*" + DECLARATION_START.pattern.removeprefix("^"), re.MULTILINE)
_CONDITION = {"NAME", "COMPARATOR", "AND", "OR", "NOT", "LPAR", "RPAR", "IN", "LBRACE", "RBRACE", "COMMA",
              "STRING", "SIGNED_NUMBER", "INT", "WHEN", "WHERE"}


@attrs.frozen
class Candidate:
    """One completion: the text shown and inserted, what it is, and a line about it."""

    label: str
    kind: str  # "keyword", or a kind of name from index.KIND_WORDS
    detail: str = ""
    insert: str = ""


@attrs.frozen
class Completions:
    candidates: tuple[Candidate, ...]
    start: int  # the offset where the word being typed begins (it is replaced)
    end: int | None = None  # where the text replaced ends, if not at the cursor (a closing quote)
    typed: str = ""  # what the editor compares the candidates with, before each one's label (a quote)


# What may follow an attribute in a condition comes before the words that would end the condition.
_FIRST = frozenset({"COMPARATOR", "IN"})


@functools.cache
def keyword_terminals() -> dict[str, tuple[str, ...]]:
    """Terminal name -> the keywords (words or phrases) it stands for, read from the grammar."""
    out: dict[str, tuple[str, ...]] = {}
    for definition in parser().terminals:
        pattern = definition.pattern
        if isinstance(pattern, lark.lexer.PatternStr):
            if pattern.value.isalpha():
                out[definition.name] = (pattern.value,)
            continue
        if definition.name == "COMPARATOR":  # (symbols, not words: after an attribute, what may follow it)
            out[definition.name] = (">=", "<=", ">", "<", "=", "!=")
            continue
        body = pattern.value.removeprefix("(?:").removesuffix(")")
        words = tuple(alternative.replace(r"\s+", " ") for alternative in body.split("|"))
        if all(re.fullmatch(r"[a-z]+( [a-z]+)*", w) for w in words):
            out[definition.name] = words
    return out


def complete(text: str, offset: int, index: Index, braces: Braces) -> Completions:
    """What may be typed at `offset` of `text`: nothing inside a comment, and inside quoted text
    only the values that fit where its opening quote is (`expect grade "Ve|`: the ladder's grades)."""
    offset = min(max(offset, 0), len(text))
    text = lone_returns_as_feeds(text)  # (the same length: offsets and `braces` hold)
    quoted = _quoted(text, offset, braces)
    if quoted is not None:
        opening, closing = quoted
        before = complete(text, opening, index, braces)
        values = tuple(c for c in before.candidates if c.kind in ("value", "attribute value"))
        return Completions(values, opening, closing, typed='"')
    word = _WORD.search(text, 0, offset)
    start = word.start() if word else offset
    if _inside(braces, offset):
        return Completions((), start)
    tokens, accepts = _parse_to(text, _declaration_start(text, start, braces), start, braces)
    if accepts is None:
        return Completions((), start)
    candidates: list[Candidate] = []
    if accepts & {"NAME", "STRING"}:
        candidates.extend(_names(tokens, index))
    seen = {c.label for c in candidates}
    for terminal in sorted(accepts, key=lambda name: (name not in _FIRST, name)):
        for keyword in keyword_terminals().get(terminal, ()):
            if keyword not in seen:
                seen.add(keyword)
                candidates.append(Candidate(keyword, "keyword", insert=keyword))
    return Completions(tuple(candidates), start)


def _quoted(text: str, offset: int, braces: Braces) -> tuple[int, int | None] | None:
    """Where the one-line quoted text the cursor is in begins, and where it ends (after its
    closing quote) if it is closed; None outside quoted text. A quote typed before other quoted
    text on the line pairs with that text's opening quote, which a word then follows: such a
    closing quote is not taken for this text's, and nothing past the cursor is replaced."""
    starts = [a for a, _ in braces.strings]
    i = bisect.bisect_left(starts, offset) - 1
    if i < 0:
        return None
    a, b = braces.strings[i]
    if text.startswith('"""', a):
        return None
    closed = b - a > 1 and text[b - 1] == '"'
    if a < offset < b or (offset == b and not closed):
        ends_here = closed and (b == len(text) or not (text[b].isalnum() or text[b] in '_"'))
        return a, b if ends_here else None
    return None


def _inside(braces: Braces, offset: int) -> bool:
    """Whether the cursor is in quoted text or a comment."""
    for spans, closed_end in ((braces.strings, False), (braces.comments, True)):
        starts = [a for a, _ in spans]
        i = bisect.bisect_left(starts, offset) - 1
        if i >= 0:
            a, b = spans[i]
            if a < offset < b or (closed_end and offset == b):
                return True
    return False


def _declaration_start(text: str, offset: int, braces: Braces) -> int:
    """Where the top-level declaration around `offset` begins (outside every block)."""
    events = sorted([(a, 1) for a, _ in braces.pairs] + [(b, -1) for _, b in braces.pairs] + [(a, 1) for a in braces.unclosed])
    positions = [p for p, _ in events]
    depth = [0]
    for _, step in events:
        depth.append(depth[-1] + step)
    best = 0
    for match in _TOP_LEVEL.finditer(text, 0, offset):
        at = match.start(1)
        if at < offset and depth[bisect.bisect_left(positions, at)] == 0:
            best = at
    return best


def _parse_to(text: str, start: int, end: int, braces: Braces) -> tuple[list[Token], set[str] | None]:
    """Feed the declaration up to the cursor to the parser; the tokens read and what it would
    accept next (None if the line being typed does not parse).

    The blocks around the cursor are entered through their opening lines only (a block's state
    after its `{` is the same whatever complete parts came before), so a long section costs no
    more than the criterion the cursor is in; if that does not parse, the whole declaration is
    read. A line above the cursor that does not parse (half typed) is blanked out."""
    opened = sorted([a for a, b in braces.pairs if start <= a < end < b + 1] + [a for a in braces.unclosed if start <= a < end])
    if len(opened) > 1:
        pieces = [text[text.rfind("\n", 0, a) + 1 : a + 1] + "\n" for a in opened[:-1]]
        inner = text.rfind("\n", 0, opened[-1]) + 1
        if pieces[0].lstrip().startswith(tuple(DECLARATION_WORDS)):
            found = _feed(_without_comments("".join(pieces), 0, ()) + _without_comments(text[inner:end], inner, braces.comments))
            if found[1] is not None:
                return found
    return _feed(_without_comments(text[start:end], start, braces.comments))


DECLARATION_WORDS = DECLARATION_START.pattern.removeprefix("^(").split(")")[0].split("|")


def _without_comments(piece: str, offset: int, comments: Sequence[tuple[int, int]]) -> list[str]:
    chars = list(piece)
    end = offset + len(piece)
    for a, b in comments:  # comments cost the lexer time and mean nothing here
        if b > offset and a < end:
            for i in range(max(a, offset), min(b, end)):
                chars[i - offset] = " "
    return chars


def _feed(chars: list[str]) -> tuple[list[Token], set[str] | None]:
    for _ in range(MAX_RETRIES):
        piece = "".join(chars)
        try:
            interactive = parser().parse_interactive(piece)
            tokens = list(interactive.exhaust_lexer())
            return tokens, set(interactive.accepts())
        except lark.exceptions.UnexpectedInput as error:
            at = max(getattr(error, "pos_in_stream", 0) or 0, 0)
            line_start = piece.rfind("\n", 0, at) + 1
            line_end = piece.find("\n", at)
            if line_end < 0:
                return [], None  # the line being typed itself does not parse
            for i in range(line_start, line_end):
                chars[i] = " "
    return [], None


# ---------------------------------------------------------------------------------------------
# Which names fit


def _names(tokens: Sequence[Token], index: Index) -> list[Candidate]:
    values = [str(t) for t in tokens]
    types = [t.type for t in tokens]
    kinds, scale = _expected(values, types, index)
    out: list[Candidate] = []
    for kind in kinds:
        if kind == "fact":  # (facts are filed with the attributes: the same namespace of conditions)
            out.extend(_candidate(o, index) for o in index.declared("attribute") if isinstance(o.node, s.FactDecl))
            continue
        out.extend(_candidate(o, index) for o in index.declared(kind))  # type: ignore[arg-type]
    if scale is not None:
        kind, name = scale
        out.extend(_candidate(o, index) for o in index.declared(kind, name))  # type: ignore[arg-type]
    return out


def _candidate(occurrence: Occurrence, index: Index) -> Candidate:
    node = occurrence.node
    detail = KIND_WORDS[occurrence.kind]
    for attribute in ("title", "text", "label"):
        found = getattr(node, attribute, None)
        if isinstance(found, s.Text):
            detail = f"{detail}: {found.text}"
            break
    insert = value_text(occurrence.name) if occurrence.kind in ("value", "attribute value") else occurrence.name
    return Candidate(occurrence.name, occurrence.kind, detail, insert)


def _expected(values: list[str], types: list[str], index: Index) -> tuple[tuple[str, ...], tuple[str, str] | None]:
    """The kinds of name, or the scale (or attribute) whose values, fit after these tokens."""
    last = values[-1] if values else ""
    before = values[-2] if len(values) > 1 else ""
    top = values[0] if values else ""
    if types and types[-1] == "COMPARATOR" and len(values) > 1:
        return (), ("attribute value", values[-2])
    membership = _membership(values, types)
    if membership is not None:
        return (), ("attribute value", membership)
    if _in_condition(values, types) and last in ("when", "where", "and", "or", "not", "("):
        return ("attribute",), None
    simple: dict[tuple[str, str], tuple[str, ...]] = {
        ("graded", "by"): ("grading", "bands"), ("rated", "by"): ("bands",), ("banded", "by"): ("bands",),
        ("grades", "from"): ("scale",), ("from", "measure"): ("measure",), ("given", "measure"): ("measure",),
        ("exclude", "source"): ("source",), ("exclude", "question"): ("question",),
        ("replace", "criterion"): ("criterion",), ("given", "ratings"): ("item",), ("given", "answers"): ("question",),
        ("without", "questions"): ("question",), ("grade", ":"): ("grading",),
        # A derived ruleset's statements: what they name is the ruleset extended's.
        ("to", "criterion"): ("criterion",), ("to", "section"): ("section",), ("in", "criterion"): ("criterion",),
        **{(verb, kind): (kind,) for verb in ("remove", "change") for kind in ("section", "criterion", "question", "item")},
        ("remove", "grading"): ("grading",), ("remove", "bands"): ("bands",), ("change", "class"): ("class",),
        # What a test's `expect` is about (`expect criterion` is below: a test's own `criterion` too).
        ("expect", "section"): ("section",), ("expect", "item"): ("item",), ("expect", "bands"): ("bands",),
        ("for", "measure"): ("measure",),
    }
    if (before, last) in simple:
        return simple[(before, last)], None
    if last == "fact" or (before, last) == ("fact", "("):
        return ("fact",), None  # `when fact |`: the facts about the inspection
    if last == "on" and (before == "rated" or top in ("answers", "bands", "points") or "question" in values):
        return ("scale",), None
    if last == "source" and len(values) > 1:
        return ("source",), None
    if last == "points" and values[-3:-1] == ["grade", ":"]:
        return ("points",), None
    if last == "criterion" and top == "test":
        return ("criterion",), None
    if len(values) >= 3 and types[-1] in ("STRING", "LONG_STRING") and values[-3] == "criterion":
        return ("class",), None
    if last == "," and top == "test" and _tail_from(values, "ratings") is not None:
        return ("item",), None  # `given ratings A1.a good, |`: the next item (`,` triggers completion)
    listed = _list_head(values, types)
    # (`of criteria |`, `of criteria A1, |`: a list of members; not `on at least 2 criteria` ending a rule)
    if listed in ("criteria", "sections") and (types[-1] == "COMMA" or before == "of"):
        return (("criterion",) if listed == "criteria" else ("section",)), None
    if listed == "questions":
        return ("question",), None
    scale = _value_scale(values, types, index)
    return (), None if scale is None else ("value", scale)


def _membership(values: list[str], types: list[str]) -> str | None:
    """In `NAME in { a, b, |`: the attribute NAME."""
    for i in range(len(values) - 1, 1, -1):
        if types[i] == "RBRACE":
            return None
        if types[i] == "LBRACE":
            return values[i - 2] if values[i - 1] == "in" and types[i - 2] == "NAME" else None
    return None


def _in_condition(values: list[str], types: list[str]) -> bool:
    """Whether the tokens end inside an `applies when` or `exclude cases where` condition."""
    for i in range(len(values) - 1, -1, -1):
        if values[i] in ("when", "where") and i > 0 and values[i - 1] in ("applies", "cases"):
            return True
        if types[i] not in _CONDITION:
            return False
    return False


def _list_head(values: list[str], types: list[str]) -> str:
    """The word before a comma-separated list of names that the tokens end in."""
    i = len(values) - 1
    if i >= 0 and types[i] == "COMMA":
        i -= 1
        while i >= 0 and types[i] == "NAME" and i > 0 and types[i - 1] == "COMMA":
            i -= 2
        i -= 1 if i >= 0 and types[i] == "NAME" else 0
    elif i >= 0 and values[i] == "of" and i > 0 and values[i - 1] in ("criteria", "sections"):
        return values[i - 1]
    return values[i] if 0 <= i < len(values) else ""


def _value_scale(values: list[str], types: list[str], index: Index) -> str | None:
    """The scale (or ladder) whose values fit next, from the declaration the tokens are in."""
    top = values[0] if values else ""
    last = values[-1] if values else ""
    before = values[-2] if len(values) > 1 else ""
    after_comparison = (before, last) in (("at", "least"), ("at", "best")) or last in ("exactly", "when", "and")
    if top == "grading" and len(values) > 1:
        item_scale = _after(values, ("items", "rated", "on"))
        ladder = _after(values, ("grades", "from"))
        grading = index.grading(values[1])
        if grading is not None:
            item_scale = item_scale or (grading.item_scale.text if grading.item_scale else None)
            ladder = ladder or (grading.ladder.text if grading.ladder else None)
        return item_scale if after_comparison else ladder
    if top == "bands" and len(values) > 3:
        return values[3]
    if top == "points" and len(values) > 3:
        return values[3]
    if top == "test":
        criterion = _after(values, ("criterion",)) or ""
        # The statement being written, from what it names: `expect section B grade |` -> ["section", "B", "grade"]
        about = next((t for w in ("overall", "section", "criterion", "item", "bands") if (t := _tail_from(values, w))), [])
        if last == "grade" and about[:1] in (["overall"], ["section"]):
            return index.only_ladder()  # (a section's or the overall's grade)
        if last == "grade" and about[:1] == ["criterion"] and len(about) > 1:
            return index.grades_of(about[1])
        if last == "rating" and about[:1] == ["item"] and len(about) > 1:
            return index.item_scale(about[1])
        if last == "gives" and about[:1] == ["bands"] and len(about) > 1:
            bands = index.bands(about[1])
            return bands.scale.text if bands is not None and bands.scale is not None else None
        if (before, last) in (("expect", "grade"), ("given", "adjustment")):
            return index.grades_of(criterion)
        ratings = _tail_from(values, "ratings")
        if ratings is not None and (last == ":" or types[-1] == "NAME") and last != "ratings":
            return index.ratings_of(criterion)
        answers = _tail_from(values, "answers")
        if answers is not None and len(answers) > 1 and last in (":", ","):
            return index.scale_of_question(answers[1])
        return None
    if (before, last) == ("better", "than"):  # a cap: `no better than |` a grade of the level's ladder
        capped = _after(values, ("criterion",))
        return (index.grades_of(capped) if capped else None) or index.only_ladder()
    met = (before, last) == ("met", "when") or ((before, last) == ("at", "least") and "met" in values[-4:]) or (
        last == "or" and "met" in values)
    if met:
        if top == "answers" and len(values) > 2:
            return values[2]
        question = len(values) - 1 - values[::-1].index("question") if "question" in values else None
        if question is not None:
            return _after(values[question:], ("on",)) or index.default_scale
        return index.default_scale
    return None


def _after(values: list[str], words: tuple[str, ...]) -> str | None:
    """The token after the last run of `words` in the tokens."""
    n = len(words)
    for i in range(len(values) - n - 1, -1, -1):
        if tuple(values[i : i + n]) == words:
            return values[i + n]
    return None


def _tail_from(values: list[str], word: str) -> list[str] | None:
    """The tokens from the last `given <word>` on, if no other `given` or `expect` follows it."""
    for i in range(len(values) - 1, 0, -1):
        if values[i] in ("given", "expect"):
            return values[i + 1 :] if values[i + 1 : i + 2] == [word] else None
    return None
