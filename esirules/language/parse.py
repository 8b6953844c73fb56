"""Parse ruleset text into the syntax tree, or into located, plain-English syntax diagnostics.

The jobs are split by module: `decode` (bytes -> text), `grammar` and `tables` (the parsers),
`direct` (text that parses, straight into syntax nodes), `recovery` (going on after a mistake),
`describe` (a mistake in words) and `tosyntax` (parse tree -> syntax tree). This module runs
them in order: text is parsed directly; where that stops at a mistake, Lark goes on from there,
and its error recovery and messages are the only ones.
"""

from __future__ import annotations

import functools
from typing import Any

import attrs
import lark

from esirules.diagnostics import Diagnostic
from esirules.language import syntax as s
from esirules.language.decode import decode
from esirules.language.describe import Describer, wording
from esirules.language.direct import Direct, Mistake, Unparsed, direct, resume
from esirules.language.grammar import condition_parser, parser
from esirules.language.limits import MAX_RECOVERIES, MAX_SYNTAX_ERRORS
from esirules.language.recovery import Recovery
from esirules.language.tosyntax import ToSyntax

MAX_ERRORS = MAX_SYNTAX_ERRORS

__all__ = ["MAX_ERRORS", "decode", "parse_condition", "parse_text", "parser"]


def parse_text(text: str, path: str) -> tuple[s.RulesetFile | None, list[Diagnostic]]:
    """Parse ruleset text; on syntax errors return every error found and no tree."""
    built = _direct(text, path, "start")
    return built if built is not None else lark_parse_text(text, path)


def lark_parse_text(
    text: str, path: str, mistake: Mistake | None = None
) -> tuple[s.RulesetFile | None, list[Diagnostic]]:
    """`parse_text` by Lark alone: a parse tree, then syntax nodes; or, given where the direct
    parse met a `mistake`, Lark going on from there to find and describe every mistake."""
    errors: list[Diagnostic] = []
    describe = Describer(text, path)
    recovery = Recovery(text)

    def on_error(error: lark.exceptions.UnexpectedInput) -> bool:
        if not recovery.is_cascade(error):
            errors.append(describe(error))
        recovery.recover(error)
        return len(errors) < MAX_SYNTAX_ERRORS and recovery.attempts < MAX_RECOVERIES

    try:
        if mistake is None:
            tree = parser().parse(text, on_error=on_error)
        else:
            tree = resume(parser(), "start", mistake, on_error)
    except lark.exceptions.UnexpectedInput as error:
        # Raised when recovery is impossible (end of input, or too many errors).
        diagnostic = describe(error)
        if not recovery.is_cascade(error) and not any(d.span.start == diagnostic.span.start for d in errors):
            errors.append(diagnostic)
        return None, _dedupe(errors)
    if errors:
        return None, _dedupe(errors)
    if mistake is not None:  # (not met: the direct parse stops only where Lark finds a mistake)
        return lark_parse_text(text, path)
    return _build(tree, path)


def parse_condition(text: str, path: str = "<condition>") -> tuple[s.ConditionNode | None, list[Diagnostic]]:
    """Parse one condition over case attributes (`risk_of_harm >= high and not mappa`).

    Written exactly as after `applies when` in a ruleset; `path` names where the text came
    from in diagnostics (e.g. `--where`).
    """
    built = _direct(text, path, "condition")
    return built if built is not None else lark_parse_condition(text, path)


def lark_parse_condition(text: str, path: str = "<condition>") -> tuple[s.ConditionNode | None, list[Diagnostic]]:
    """`parse_condition` by Lark alone."""
    try:
        tree = condition_parser().parse(text, start="condition")
    except lark.exceptions.UnexpectedInput as error:
        found = Describer(text, path, examples=False)(error)
        words = wording()["condition"]
        message = found.message
        for before, after in words["replace"]:
            message = message.replace(before, after)
        help_line = words["S003-help"] if found.code == "S003" else found.help
        return None, [attrs.evolve(found, message=message, help=help_line)]
    return _build(tree, path)


@functools.cache
def direct_parser(start: str) -> Direct | None:
    """The direct parser for rulesets (`start`) or conditions (None: Lark parses everything)."""
    return direct(parser() if start == "start" else condition_parser(), start, ToSyntax)


def _direct(text: str, path: str, start: str) -> tuple[Any, list[Diagnostic]] | None:
    """Text that parses, built straight into syntax nodes; a ruleset with a mistake, described
    by Lark going on from where the direct parse stopped; None where Lark must parse it whole."""
    direct = direct_parser(start)
    if direct is None:
        return None
    builder = ToSyntax(path)
    try:
        node = direct.parse(text, builder)
    except Mistake as mistake:
        return lark_parse_text(text, path, mistake) if start == "start" else None
    except Unparsed:
        return None
    if builder.problems:
        return None, builder.problems
    return node, []


def _build(tree: lark.Tree, path: str) -> tuple[Any, list[Diagnostic]]:  # type: ignore[type-arg]
    builder = ToSyntax(path)
    node = builder.transform(tree)
    if builder.problems:
        return None, builder.problems
    return node, []


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
