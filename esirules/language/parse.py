"""Parse ruleset text into the syntax tree, or into located, plain-English syntax diagnostics."""

from __future__ import annotations

import contextlib
import functools
from fractions import Fraction
from importlib import resources
from typing import Any

import attrs
import lark
from lark import Token

from esirules.diagnostics import Diagnostic
from esirules.language import syntax as s
from esirules.span import Span

MAX_ERRORS = 20
MAX_RECOVERIES = 2_000


@functools.cache
def parser() -> lark.Lark:
    """The LALR parser for esirules.lark (built once per process; it holds no state)."""
    grammar = resources.files("esirules.language").joinpath("grammar/esirules.lark").read_text("utf-8")
    # cache=True keeps the built parse tables in a file in the temporary folder, keyed by the
    # grammar's hash: a new process loads them instead of rebuilding them (cold start).
    return lark.Lark(
        grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False, cache=True
    )


@functools.cache
def condition_parser() -> lark.Lark:
    """The same grammar started at `condition`: for conditions typed on the command line."""
    grammar = resources.files("esirules.language").joinpath("grammar/esirules.lark").read_text("utf-8")
    return lark.Lark(
        grammar,
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        cache=True,
        start=["condition"],
    )


def parse_condition(text: str, path: str = "<condition>") -> tuple[s.ConditionNode | None, list[Diagnostic]]:
    """Parse one condition over case attributes (`risk_of_harm >= high and not mappa`).

    Written exactly as after `applies when` in a ruleset; `path` names where the text came
    from in diagnostics (e.g. `--where`).
    """
    try:
        tree = condition_parser().parse(text, start="condition")
    except lark.exceptions.UnexpectedInput as error:
        found = _Describer(text, path)(error)
        message = (
            found.message.replace("the file ends", "the condition ends")
            .replace("the end of the file", "the end of the condition")
            .replace("the ruleset language", "a condition")
        )
        help_line = found.help
        if found.code == "S003":
            help_line = "a condition is written as after `applies when`, e.g. `risk_of_harm >= high and not mappa`"
        return None, [attrs.evolve(found, message=message, help=help_line)]
    return ToSyntax(path).transform(tree), []


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Turn file bytes into text, or explain why they are not ruleset text."""
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        return None, [
            Diagnostic(
                "S001",
                "this file holds binary data, not ruleset text",
                Span.point(path, line, column, offset),
                "a ruleset is plain text saved as UTF-8; check that the right file was given",
            )
        ]
    try:
        # Editors on Windows often start UTF-8 files with an invisible byte order mark.
        return data.decode("utf-8").removeprefix("\ufeff"), []
    except UnicodeDecodeError as error:
        offset = error.start
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        return None, [
            Diagnostic(
                "S002",
                f"this file is not UTF-8 text (byte 0x{data[offset]:02x} cannot be read)",
                Span.point(path, line, column, offset),
                "save the ruleset as UTF-8 in your editor",
            )
        ]


def parse_text(text: str, path: str) -> tuple[s.RulesetFile | None, list[Diagnostic]]:
    """Parse ruleset text; on syntax errors return every error found and no tree."""
    errors: list[Diagnostic] = []
    describe = _Describer(text, path)
    recovery = _Recovery(text)

    def on_error(error: lark.exceptions.UnexpectedInput) -> bool:
        if not recovery.is_cascade(error):
            errors.append(describe(error))
        recovery.recover(error)
        return len(errors) < MAX_ERRORS and recovery.attempts < MAX_RECOVERIES

    try:
        tree = parser().parse(text, on_error=on_error)
    except lark.exceptions.UnexpectedInput as error:
        # Raised when recovery is impossible (end of input, or too many errors).
        diagnostic = describe(error)
        if not recovery.is_cascade(error) and not any(d.span.start == diagnostic.span.start for d in errors):
            errors.append(diagnostic)
        return None, _dedupe(errors)
    if errors:
        return None, _dedupe(errors)
    return ToSyntax(path).transform(tree), []


# Recovery resumes only at a brace or at a word that starts a declaration or a part of one;
# other tokens after a mistake are skipped (resuming at any name could reopen a declaration).
# Words that only start a declaration may close the blocks left open to resume; the others
# (`source`, `measure` and `description` start parts too) resume inside the innermost block.
_DECLARATION_STARTS = ["ruleset", "title", "extends", "rounding", "answers", "scale", "ladder", "attribute", "class", "sample", "section", "overall", "grading", "bands", "points", "exclude", "replace", "test"]
_PART_STARTS = ["{", "}", "description", "source", "measure", "sections", "without", "score", "grade", "if", "criterion", "pooling", "graded", "allows", "question", "item", "items", "grades", "measures", "ties", "given", "expect", "on", "met", "applies", "weight"]


@functools.cache
def _resume_words() -> dict[str, bool]:
    """Terminal name -> whether it may close open blocks to resume."""
    words = {word: True for word in _DECLARATION_STARTS} | {word: False for word in _PART_STARTS}
    return {
        definition.name: words[definition.pattern.value]
        for definition in parser().terminals
        if isinstance(definition.pattern, lark.lexer.PatternStr) and definition.pattern.value in words
    }


class _Recovery:
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
    def _where(error: lark.exceptions.UnexpectedInput) -> tuple[int, int]:
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
        start, _ = self._where(error)
        between = self.text[self.last_end : start]
        return not "".join(line.split("#", 1)[0] for line in between.split("\n")).strip()

    def recover(self, error: lark.exceptions.UnexpectedInput) -> None:
        self.attempts += 1
        self.last_end = self._where(error)[1]
        token = getattr(error, "token", None)
        parser_ = getattr(error, "interactive_parser", None)
        if isinstance(error, lark.exceptions.UnexpectedCharacters) and parser_ is not None:
            self._close_quote(error, parser_)
            return
        if not isinstance(error, lark.exceptions.UnexpectedToken) or parser_ is None:
            return
        if token is None or token.type == "$END":
            return
        closes_blocks = _resume_words().get(token.type)
        if closes_blocks is None:
            return  # skip ahead to a brace or a word that starts a declaration or a part
        state = parser_.parser_state
        table = state.parse_conf.states
        stack = state.state_stack
        floor = 0
        if not closes_blocks and token.type != "RBRACE":
            # stay inside the innermost open block: the state just after its `{`
            values = state.value_stack
            floor = next(
                (i + 1 for i in range(len(values) - 1, -1, -1)
                 if isinstance(values[i], Token) and values[i].type == "LBRACE"),
                0,
            )
        depth = next((i for i in range(len(stack) - 1, floor - 1, -1) if token.type in table[stack[i]]), None)
        if depth is None:
            return  # no open construct takes this token: drop it
        del stack[depth + 1 :]
        del state.value_stack[depth:]
        with contextlib.suppress(lark.exceptions.UnexpectedInput):  # did not fit after all: dropped
            state.feed_token(token)

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


def _dedupe(errors: list[Diagnostic]) -> list[Diagnostic]:
    """One error per position; after a bad character, the rest of its line is noise."""
    seen: set[tuple[int, int]] = set()
    noisy_lines: set[int] = set()
    out = []
    for error in errors:
        key = (error.span.line, error.span.column)
        if key in seen or error.span.line in noisy_lines:
            continue
        seen.add(key)
        out.append(error)
        if error.code in ("S003", "S004"):
            noisy_lines.add(error.span.line)
    return out


# ---------------------------------------------------------------------------------------------
# Syntax errors in the user's words

_TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": "quoted text",
    "LONG_STRING": "quoted text",
    "INT": "a whole number",
    "SIGNED_NUMBER": "a number",
    "COMPARATOR": "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`)",
    "TIE_DIRECTION": "`up`, `even` or `down`",
    "MEMBER_KIND": "`criteria` or `sections`",
    "MISSING_KIND": "`criterion` or `section`",
    "MISSING_ACTION": "`not computable` or `renormalise`",
    "POOLING": "`pooled` or `mean of questions`",
    "NOUN": "`items` or `criteria`",
    "TIE_RULE": "`exact` or `rounded`",
    "FIGURE": "`score`, `total`, `performance` or `actual`",
    "FIGURE_REFERENCE": "`target` or `national average`",
    "LOWER_IS_BETTER": "`lower is better`",
    "$END": "the end of the file",
}

_DECLARATION_WORDS = ("ruleset", "scale", "ladder", "attribute", "section", "criterion", "question")


class _Describer:
    """Turns Lark's exceptions into diagnostics that name what was expected in plain words."""

    def __init__(self, text: str, path: str):
        self.text = text
        self.path = path
        self.lines = text.splitlines()

    def __call__(self, error: lark.exceptions.UnexpectedInput) -> Diagnostic:
        line = max(getattr(error, "line", 1) or 1, 1)
        column = max(getattr(error, "column", 1) or 1, 1)
        offset = max(getattr(error, "pos_in_stream", 0) or 0, 0)
        if isinstance(error, lark.exceptions.UnexpectedCharacters):
            return self._character(error, line, column, offset)
        if isinstance(error, lark.exceptions.UnexpectedEOF) or (
            isinstance(error, lark.exceptions.UnexpectedToken) and error.token.type == "$END"
        ):
            return self._end_of_file(error)
        assert isinstance(error, lark.exceptions.UnexpectedToken)
        token = error.token
        width = max(len(str(token)), 1)
        span = Span(self.path, line, column, line, column + width, offset, offset + width)
        expected = self._expected(_acceptable(error))
        found = _found(token)
        help_line = self._help_for_token(token, error.expected)
        return Diagnostic("S010", f"expected {expected}, but found {found}", span, help_line)

    def _character(self, error: Any, line: int, column: int, offset: int) -> Diagnostic:
        char = self.text[offset] if offset < len(self.text) else ""
        span = Span(self.path, line, column, line, column + 1, offset, offset + 1)
        if char == '"':
            return Diagnostic(
                "S004",
                "this quoted text is not closed",
                span,
                'end the text with `"` on the same line; for text over several lines use `"""`',
            )
        shown = repr(char)[1:-1] if not char.isprintable() else char
        expected = self._expected(error.allowed or set())
        return Diagnostic(
            "S003",
            f"the character `{shown}` is not part of the ruleset language here; expected {expected}",
            span,
            "remove it, or put it inside quoted text; comments start with `#`",
        )

    def _end_of_file(self, error: Any) -> Diagnostic:
        end = len(self.text)
        line = self.text.count("\n") + 1
        column = end - (self.text.rfind("\n") + 1) + 1
        span = Span(self.path, line, column, line, column + 1, end, end + 1)
        opened = _unclosed_block(self.text)
        if opened is not None:
            open_line, _ = opened
            snippet = self.lines[open_line - 1].strip() if open_line - 1 < len(self.lines) else ""
            return Diagnostic(
                "S011",
                "the file ends inside a block that is not closed",
                span,
                f"the block opened at line {open_line} (`{snippet}`) is not closed; add `}}`",
            )
        expected = self._expected(_acceptable(error))
        return Diagnostic("S012", f"the file ends too soon; expected {expected}", span, None)

    def _expected(self, names: set[str]) -> str:
        words = sorted({self._word(n) for n in names})
        if not words:
            return "something else"
        keywords = {f"`{w}`" for w in _DECLARATION_WORDS}
        if len(words) > 8 and keywords & set(words):
            return "a new declaration (such as `section`, `criterion`, `scale` or `attribute`)"
        if len(words) > 8:
            return ", ".join(words[:8]) + " or another part of a rule"
        if len(words) == 1:
            return words[0]
        return ", ".join(words[:-1]) + " or " + words[-1]

    @staticmethod
    def _word(terminal: str) -> str:
        if terminal in _TERMINAL_WORDS:
            return _TERMINAL_WORDS[terminal]
        for definition in parser().terminals:
            if definition.name == terminal:
                pattern = definition.pattern
                if isinstance(pattern, lark.lexer.PatternStr):
                    return f"`{pattern.value}`"
        return terminal.lower().replace("_", " ")

    def _help_for_token(self, token: Token, expected: set[str]) -> str | None:
        if token.type == "RBRACE":
            return "this `}` closes no open block, or something before it is unfinished"
        if "RBRACE" in expected and _unclosed_block(self.text[: token.start_pos or 0]) is not None:
            opened = _unclosed_block(self.text[: token.start_pos or 0])
            assert opened is not None
            return f"is the block opened at line {opened[0]} missing its `}}`?"
        if token.type == "NAME" and "STRING" in expected:
            return 'put the text in double quotes: "like this"'
        return None


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


def _found(token: Token) -> str:
    if token.type in {"STRING", "LONG_STRING"}:
        return "quoted text"
    return f"`{token}`"


def _unclosed_block(text: str) -> tuple[int, int] | None:
    """The line and column of the innermost `{` left open, skipping comments and quoted text."""
    stack: list[tuple[int, int]] = []
    line, column, i, n = 1, 1, 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if char == '"':
            closing = '"""' if text.startswith('"""', i) else '"'
            end = text.find(closing, i + len(closing))
            stop = n if end < 0 else end + len(closing)
            chunk = text[i:stop]
            line += chunk.count("\n")
            column = (len(chunk) - chunk.rfind("\n")) if "\n" in chunk else column + len(chunk)
            i = stop
            continue
        if char == "{":
            stack.append((line, column))
        elif char == "}" and stack:
            stack.pop()
        if char == "\n":
            line, column = line + 1, 1
        else:
            column += 1
        i += 1
    return stack[-1] if stack else None


# ---------------------------------------------------------------------------------------------
# Parse tree -> syntax tree


def _text(token: Token) -> str:
    raw = str(token)
    if raw.startswith('"""'):
        return raw[3:-3]
    body = raw[1:-1]
    return body.replace('\\"', '"').replace("\\\\", "\\").replace("\\n", "\n")


class ToSyntax:
    """Builds syntax nodes from Lark's parse tree; one method per grammar rule or alias.

    Each method takes the rule's position metadata and its children (already converted).
    `transform` walks the tree bottom-up without recursion, so a condition nested thousands
    deep cannot overflow the stack, and calls the methods directly (no per-call wrappers).
    """

    def __init__(self, path: str):
        self.path = path

    def transform(self, tree: lark.Tree) -> Any:  # type: ignore[type-arg]
        done: dict[int, Any] = {}
        for subtree in tree.iter_subtrees():  # INVARIANT: children before their parent
            children = [done[id(c)] if isinstance(c, lark.Tree) else c for c in subtree.children]
            done[id(subtree)] = getattr(self, str(subtree.data))(subtree.meta, children)
        return done[id(tree)]

    def _span(self, meta: Any) -> Span:
        return Span.from_meta(self.path, meta)

    def _token_span(self, token: Token) -> Span:
        return Span(
            self.path,
            token.line or 1,
            token.column or 1,
            token.end_line or token.line or 1,
            token.end_column or (token.column or 1) + len(token),
            token.start_pos or 0,
            token.end_pos or 0,
        )

    def _name(self, token: Token) -> s.Name:
        return s.Name(str(token), span=self._token_span(token))

    @staticmethod
    def _of(children: list[Any], kind: type) -> list[Any]:
        return [c for c in children if isinstance(c, kind)]

    def _first(self, children: list[Any], kind: type) -> Any:
        found = self._of(children, kind)
        return found[0] if found else None

    # --- leaves ---
    def start(self, meta: Any, children: list[Any]) -> s.RulesetFile:
        return s.RulesetFile(self.path, tuple(children), span=self._span(meta))

    def text(self, meta: Any, children: list[Token]) -> s.Text:
        return s.Text(_text(children[0]), span=self._span(meta))

    def number(self, meta: Any, children: list[Token]) -> s.Value:
        return s.Value(str(children[0]), number=Fraction(str(children[0])), span=self._span(meta))

    def percent(self, meta: Any, children: list[s.Value]) -> s.Value:
        number = children[0]
        assert number.number is not None
        return s.Value(number.text + "%", number=number.number / 100, span=self._span(meta))

    def bare_value(self, meta: Any, children: list[Token]) -> s.Value:
        return s.Value(str(children[0]), span=self._span(meta))

    def quoted_value(self, meta: Any, children: list[Token]) -> s.Value:
        return s.Value(_text(children[0]), quoted=True, span=self._span(meta))

    def number_value(self, meta: Any, children: list[s.Value]) -> s.Value:
        return children[0]

    def name_list(self, meta: Any, children: list[Token]) -> tuple[s.Name, ...]:
        return tuple(self._name(t) for t in children)

    def value_chain(self, meta: Any, children: list[s.Value]) -> tuple[s.Value, ...]:
        return tuple(children)

    # --- header ---
    def ruleset_header(self, meta: Any, children: list[s.Text]) -> s.RulesetHeader:
        return s.RulesetHeader(children[0], children[1] if len(children) > 1 else None, span=self._span(meta))

    def title(self, meta: Any, children: list[s.Text]) -> s.Title:
        return s.Title(children[0], span=self._span(meta))

    def description(self, meta: Any, children: list[s.Text]) -> s.Description:
        return s.Description(children[0], span=self._span(meta))

    def extends(self, meta: Any, children: list[s.Text]) -> s.Extends:
        return s.Extends(children[0], span=self._span(meta))

    def whole_percent(self, meta: Any, children: list[Any]) -> int:
        return 0

    def decimal_places(self, meta: Any, children: list[Token]) -> int:
        return int(children[0])

    def rounding_ties(self, meta: Any, children: list[Token]) -> str:
        return str(children[0])

    def rounding(self, meta: Any, children: list[Any]) -> s.Rounding:
        ties = children[1] if len(children) > 1 else "up"
        return s.Rounding(children[0], ties, span=self._span(meta))

    def answers_default(self, meta: Any, children: list[Any]) -> s.AnswersDefault:
        met = children[1] if len(children) > 1 else None
        return s.AnswersDefault(self._name(children[0]), met, span=self._span(meta))

    def met_values(self, meta: Any, children: list[s.Value]) -> s.MetRule:
        return s.MetRule(tuple(children), span=self._span(meta))

    def met_at_least(self, meta: Any, children: list[s.Value]) -> s.MetRule:
        return s.MetRule(tuple(children), at_least=True, span=self._span(meta))

    # --- vocabularies ---
    def scale(self, meta: Any, children: list[Any]) -> s.ScaleDecl:
        has_na = any(isinstance(c, Token) and c.type == "NOT_APPLICABLE" for c in children)
        label = self._first(children, s.Text)
        return s.ScaleDecl(
            self._name(children[0]), children[1], False, label, has_na, span=self._span(meta)
        )

    def ladder(self, meta: Any, children: list[Any]) -> s.ScaleDecl:
        return s.ScaleDecl(self._name(children[0]), children[1], True, span=self._span(meta))

    def attribute(self, meta: Any, children: list[Any]) -> s.AttributeDecl:
        name = self._name(children[0])
        label = self._first(children[1:-1], s.Text)
        kind, values, low, high = children[-1]
        return s.AttributeDecl(name, label, kind, values, low, high, span=self._span(meta))

    def ordered_kind(self, meta: Any, children: list[s.Value]) -> tuple[Any, ...]:
        return ("ordered", tuple(children), None, None)

    def enumerated_kind(self, meta: Any, children: list[s.Value]) -> tuple[Any, ...]:
        return ("enumerated", tuple(children), None, None)

    def boolean_kind(self, meta: Any, children: list[Any]) -> tuple[Any, ...]:
        return ("boolean", (), None, None)

    def numeric_kind(self, meta: Any, children: list[s.Value]) -> tuple[Any, ...]:
        low = children[0] if children else None
        high = children[1] if len(children) > 1 else None
        return ("numeric", (), low, high)

    def source(self, meta: Any, children: list[Any]) -> s.SourceDecl:
        return s.SourceDecl(self._name(children[0]), self._first(children, s.Text), span=self._span(meta))

    def weight_class(self, meta: Any, children: list[Any]) -> s.WeightClass:
        return s.WeightClass(self._name(children[0]), children[1], span=self._span(meta))

    def measure(self, meta: Any, children: list[Any]) -> s.MeasureDecl:
        tokens = [c for c in children if isinstance(c, Token)]
        unit = next((self._name(t) for t in tokens[1:] if t.type == "NAME"), None)
        lower = any(t.type == "LOWER_IS_BETTER" for t in tokens)
        return s.MeasureDecl(self._name(tokens[0]), children[1], unit, lower, span=self._span(meta))

    def sample(self, meta: Any, children: list[Any]) -> s.SampleDecl:
        name = self._name(children[0])
        label = children[1] if len(children) > 1 and isinstance(children[1], s.Text) else None
        sections: tuple[s.Name, ...] | None = None
        without: tuple[s.Name, ...] = ()
        description = None
        for part in children[1:]:
            if isinstance(part, tuple) and part and part[0] == "sections":
                sections = (sections or ()) + part[1]
            elif isinstance(part, tuple) and part and part[0] == "without":
                without += part[1]
            elif isinstance(part, s.Description):
                description = part.text
        return s.SampleDecl(name, label, sections, without, description, span=self._span(meta))

    def sample_sections(self, meta: Any, children: list[Any]) -> tuple[str, tuple[s.Name, ...]]:
        return ("sections", children[0])

    def sample_without_questions(self, meta: Any, children: list[Any]) -> tuple[str, tuple[s.Name, ...]]:
        return ("without", children[0])

    # --- structure ---
    def section(self, meta: Any, children: list[Any]) -> s.SectionDecl:
        weight = self._first(children[2:], s.Value)
        description = self._first(children, s.Description)
        return s.SectionDecl(
            self._name(children[0]),
            children[1],
            weight,
            description.text if description else None,
            tuple(self._of(children, s.CriterionDecl)),
            tuple(self._of(children, s.AggregateDecl)),
            tuple(self._of(children, s.MissingRule)),
            span=self._span(meta),
        )

    def overall(self, meta: Any, children: list[Any]) -> s.OverallDecl:
        description = self._first(children, s.Description)
        return s.OverallDecl(
            children[0],
            description.text if description else None,
            tuple(self._of(children, s.AggregateDecl)),
            tuple(self._of(children, s.MissingRule)),
            span=self._span(meta),
        )

    def member_set(self, meta: Any, children: list[Any]) -> s.MemberSet:
        members = children[1] if len(children) > 1 else ()
        return s.MemberSet(str(children[0]), members, span=self._span(meta))

    def points_members(self, meta: Any, children: list[Token]) -> s.MemberSet:
        members = tuple(self._name(t) for t in children[1:])
        return s.MemberSet(str(children[0]), members, span=self._span(meta))

    def weighted_mean(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl("weighted_mean", "score", children[0], span=self._span(meta))

    def lowest_of(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl("lowest_of", "grade", children[0], span=self._span(meta))

    def points_total(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl(
            "points_total", "grade", children[1], self._name(children[0]), self._name(children[2]),
            span=self._span(meta),
        )

    def graded_over(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl(
            "graded_over", "grade", children[1], self._name(children[0]), span=self._span(meta)
        )

    def score_banded(self, meta: Any, children: list[Any]) -> s.AggregateDecl:
        return s.AggregateDecl("score_banded", "grade", None, self._name(children[0]), span=self._span(meta))

    def missing_rule(self, meta: Any, children: list[Token]) -> s.MissingRule:
        return s.MissingRule(str(children[0]), " ".join(str(children[1]).split()), span=self._span(meta))

    def criterion(self, meta: Any, children: list[Any]) -> s.CriterionDecl:
        weight_class = None
        weight = None
        for child in children[2:]:
            if isinstance(child, tuple) and child[0] == "class":
                weight_class = child[1]
            elif isinstance(child, tuple) and child[0] == "weight":
                weight = child[1]
        description = self._first(children, s.Description)
        pooling = next((c[1] for c in children if isinstance(c, tuple) and c[0] == "pooling"), None)
        graded_by = next((c[1] for c in children if isinstance(c, tuple) and c[0] == "graded_by"), None)
        adjust = any(isinstance(c, tuple) and c[0] == "adjust" for c in children)
        return s.CriterionDecl(
            self._name(children[0]),
            children[1],
            weight_class,
            weight,
            description.text if description else None,
            tuple(self._of(children, s.QuestionDecl)),
            tuple(self._of(children, s.ItemDecl)),
            pooling,
            graded_by,
            adjust,
            span=self._span(meta),
        )

    def class_weight(self, meta: Any, children: list[Token]) -> tuple[str, s.Name]:
        return ("class", self._name(children[0]))

    def explicit_weight(self, meta: Any, children: list[s.Value]) -> tuple[str, s.Value]:
        return ("weight", children[0])

    def pooling(self, meta: Any, children: list[Token]) -> tuple[str, s.Name]:
        return ("pooling", s.Name(" ".join(str(children[0]).split()), span=self._token_span(children[0])))

    def graded_by(self, meta: Any, children: list[Token]) -> tuple[str, s.Name]:
        return ("graded_by", self._name(children[0]))

    def allows_adjustment(self, meta: Any, children: list[Any]) -> tuple[str]:
        return ("adjust",)

    def question(self, meta: Any, children: list[Any]) -> s.QuestionDecl:
        options: dict[str, Any] = {}
        for option in children[2:]:
            options[option[0]] = option[1]
        return s.QuestionDecl(
            self._name(children[0]),
            children[1],
            options.get("on"),
            options.get("met"),
            options.get("source"),
            options.get("applies"),
            options.get("weight"),
            span=self._span(meta),
        )

    def answered_on(self, meta: Any, children: list[Token]) -> tuple[str, s.Name]:
        return ("on", self._name(children[0]))

    def met_when(self, meta: Any, children: list[s.MetRule]) -> tuple[str, s.MetRule]:
        return ("met", children[0])

    def question_source(self, meta: Any, children: list[Token]) -> tuple[str, s.Name]:
        return ("source", self._name(children[0]))

    def applies_when(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("applies", children[0])

    def question_weight(self, meta: Any, children: list[s.Value]) -> tuple[str, s.Value]:
        return ("weight", children[0])

    def item(self, meta: Any, children: list[Any]) -> s.ItemDecl:
        text = self._first(children, s.Text)
        tokens = [c for c in children if isinstance(c, Token)]
        measure = self._name(tokens[1]) if len(tokens) > 1 else None
        weight = self._first(children, s.Value)
        return s.ItemDecl(self._name(tokens[0]), text, measure, weight, span=self._span(meta))

    # --- gradings ---
    def grading(self, meta: Any, children: list[Any]) -> s.GradingDecl:
        options = {c[0]: c[1] for c in children if isinstance(c, tuple)}
        description = self._first(children, s.Description)
        return s.GradingDecl(
            self._name(children[0]),
            self._first(children[1:2], s.Text),
            options.get("items"),
            options.get("grades"),
            options.get("measures"),
            "cumulative" in options,
            tuple(self._of(children, s.GradeRuleNode)),
            tuple(self._of(children, s.CapRuleNode)),
            description.text if description else None,
            span=self._span(meta),
        )

    def items_rated_on(self, meta: Any, children: list[Token]) -> tuple[str, s.Name]:
        return ("items", self._name(children[0]))

    def grades_from(self, meta: Any, children: list[Token]) -> tuple[str, s.Name]:
        return ("grades", self._name(children[0]))

    def cumulative(self, meta: Any, children: list[Any]) -> tuple[str, bool]:
        return ("cumulative", True)

    def measures_rated_by(self, meta: Any, children: list[Token]) -> tuple[str, s.Name]:
        return ("measures", self._name(children[0]))

    def grade_rule(self, meta: Any, children: list[Any]) -> s.GradeRuleNode:
        return s.GradeRuleNode(children[0], tuple(children[1:]), span=self._span(meta))

    def otherwise_rule(self, meta: Any, children: list[Any]) -> s.GradeRuleNode:
        return s.GradeRuleNode(children[0], (), otherwise=True, span=self._span(meta))

    def cap_rule(self, meta: Any, children: list[Any]) -> s.CapRuleNode:
        return s.CapRuleNode(children[0], tuple(children[1:]), span=self._span(meta))

    def clause(self, meta: Any, children: list[Any]) -> s.ClauseNode:
        comparison, value, written = children[0]
        return s.ClauseNode(comparison, value, children[1], written, span=self._span(meta))

    def at_least(self, meta: Any, children: list[s.Value]) -> tuple[str, s.Value, bool]:
        return ("at_least", children[0], True)

    def at_best(self, meta: Any, children: list[s.Value]) -> tuple[str, s.Value, bool]:
        return ("at_best", children[0], True)

    def exactly(self, meta: Any, children: list[Any]) -> tuple[str, s.Value, bool]:
        return ("exactly", children[-1], len(children) > 1)  # written `exactly`, or a bare value

    def _quantifier(self, kind: str, meta: Any, children: list[Any], **kw: Any) -> s.QuantifierNode:
        nouns = [str(c) for c in children if isinstance(c, Token) and c.type == "NOUN"]
        noun = "criteria" if nouns and nouns[0].startswith("criteri") else "items"
        return s.QuantifierNode(kind, noun=noun, span=self._span(meta), **kw)

    def each(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("each", meta, children)

    def majority(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("majority", meta, children)

    def some(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("some", meta, children)

    def none(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return self._quantifier("none", meta, children)

    def at_least_count(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        number = Fraction(str(next(c for c in children if c.type in ("INT", "SIGNED_NUMBER"))))
        # A count that is not a whole number of 0 or more is left None for the checker to report.
        count = int(number) if number is not None and number >= 0 and number.denominator == 1 else None
        return self._quantifier("at_least_count", meta, children, count=count)

    def at_least_share(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        share = self._first(children, s.Value)
        return self._quantifier("at_least_share", meta, children, share=share)

    def others(self, meta: Any, children: list[Any]) -> s.QuantifierNode:
        return s.QuantifierNode("others", span=self._span(meta))

    # --- bands and points ---
    def bands(self, meta: Any, children: list[Any]) -> s.BandsDecl:
        ties = next((c[1] for c in children if isinstance(c, tuple) and c[0] == "ties"), None)
        description = self._first(children, s.Description)
        return s.BandsDecl(
            self._name(children[0]),
            self._name(children[1]),
            tuple(self._of(children, s.BandNode)),
            ties,
            description.text if description else None,
            span=self._span(meta),
        )

    def band(self, meta: Any, children: list[Any]) -> s.BandNode:
        return s.BandNode(children[0], tuple(children[1:]), span=self._span(meta))

    def band_otherwise(self, meta: Any, children: list[Any]) -> s.BandNode:
        return s.BandNode(children[0], (), otherwise=True, span=self._span(meta))

    def tie_rule(self, meta: Any, children: list[Token]) -> tuple[str, str]:
        return ("ties", str(children[0]))

    def figure_test(self, meta: Any, children: list[Any]) -> s.FigureTestNode:
        figure, comparison, operand = children
        if isinstance(operand, Token):
            return s.FigureTestNode(str(figure), comparison, " ".join(str(operand).split()), span=self._span(meta))
        return s.FigureTestNode(
            str(figure), comparison, operand, operand.text.endswith("%"), span=self._span(meta)
        )

    def fig_at_least(self, meta: Any, children: list[Any]) -> str:
        return "at_least"

    def fig_above(self, meta: Any, children: list[Any]) -> str:
        return "above"

    def fig_below(self, meta: Any, children: list[Any]) -> str:
        return "below"

    def fig_at_most(self, meta: Any, children: list[Any]) -> str:
        return "at_most"

    def points(self, meta: Any, children: list[Any]) -> s.PointsDecl:
        return s.PointsDecl(
            self._name(children[0]), self._name(children[1]), tuple(children[2:]), span=self._span(meta)
        )

    def point(self, meta: Any, children: list[s.Value]) -> tuple[s.Value, s.Value]:
        return (children[0], children[1])

    # --- derivation ---
    def exclude_cases(self, meta: Any, children: list[Any]) -> s.ExcludeCases:
        return s.ExcludeCases(children[0], span=self._span(meta))

    def exclude_source(self, meta: Any, children: list[Token]) -> s.ExcludeSource:
        return s.ExcludeSource(self._name(children[0]), span=self._span(meta))

    def exclude_question(self, meta: Any, children: list[Token]) -> s.ExcludeQuestion:
        return s.ExcludeQuestion(self._name(children[0]), span=self._span(meta))

    def replace_criterion(self, meta: Any, children: list[s.CriterionDecl]) -> s.ReplaceCriterion:
        return s.ReplaceCriterion(children[0], span=self._span(meta))

    # --- tests ---
    def test(self, meta: Any, children: list[Any]) -> s.TestDecl:
        parts: dict[str, Any] = {"ratings": (), "answers": (), "measures": ()}
        for part in children[1:]:
            key, value = part
            if key in ("ratings", "answers", "measures"):
                parts[key] = parts[key] + value
            else:
                parts[key] = value
        return s.TestDecl(
            children[0],
            parts.get("criterion"),
            parts["ratings"],
            parts["answers"],
            parts["measures"],
            parts.get("adjustment"),
            parts.get("grade"),
            parts.get("score"),
            span=self._span(meta),
        )

    def test_target(self, meta: Any, children: list[Token]) -> tuple[str, s.Name]:
        return ("criterion", self._name(children[0]))

    def given_ratings(self, meta: Any, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return ("ratings", tuple(children))

    def rating(self, meta: Any, children: list[Any]) -> tuple[s.Name, s.Value]:
        return (self._name(children[0]), children[1])

    def given_answers(self, meta: Any, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        question = self._name(children[0])
        return ("answers", tuple((question, value, count) for value, count in children[1:]))

    def answer_count(self, meta: Any, children: list[Any]) -> tuple[s.Value, int]:
        return (children[0], int(children[1]) if len(children) > 1 else 1)

    def given_measure(self, meta: Any, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return ("measures", ((self._name(children[0]), children[1], children[2], children[3]),))

    def given_adjustment(self, meta: Any, children: list[Any]) -> tuple[str, tuple[Any, ...]]:
        return ("adjustment", (children[0], children[1], children[2]))

    def expect_grade(self, meta: Any, children: list[s.Value]) -> tuple[str, s.Value]:
        return ("grade", children[0])

    def expect_score(self, meta: Any, children: list[s.Value]) -> tuple[str, s.Value]:
        return ("score", children[0])

    def fraction(self, meta: Any, children: list[Token]) -> s.Value:
        numerator, denominator = Fraction(str(children[0])), Fraction(str(children[1]))
        number = numerator / denominator if denominator else None
        return s.Value(f"{children[0]}/{children[1]}", number=number, span=self._span(meta))

    # --- conditions ---
    def any_of(self, meta: Any, children: list[Any]) -> s.ConditionNode:
        return children[0] if len(children) == 1 else s.AnyOf(tuple(children), span=self._span(meta))

    def all_of(self, meta: Any, children: list[Any]) -> s.ConditionNode:
        return children[0] if len(children) == 1 else s.AllOf(tuple(children), span=self._span(meta))

    def negation(self, meta: Any, children: list[Any]) -> s.Negation:
        return s.Negation(children[0], span=self._span(meta))

    def comparison_test(self, meta: Any, children: list[Any]) -> s.ComparisonTest:
        return s.ComparisonTest(self._name(children[0]), str(children[1]), children[2], span=self._span(meta))

    def membership_test(self, meta: Any, children: list[Any]) -> s.MembershipTest:
        return s.MembershipTest(self._name(children[0]), tuple(children[1:]), span=self._span(meta))

    def flag_test(self, meta: Any, children: list[Token]) -> s.FlagTest:
        return s.FlagTest(self._name(children[0]), span=self._span(meta))

