"""Highlighting: the Pygments lexer and the TextMate grammar on every bundled and documented ruleset."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections import Counter

import pytest
from editor_helpers import EXAMPLES, REPO, RULESETS
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Error, Token

from esirules.editor.pygments_lexer import DECLARATION_WORDS, EsirulesLexer, grammar_keywords

FILES = [*sorted(RULESETS.glob("*.esi")), *sorted(EXAMPLES.glob("*.esi"))]
TM_GRAMMAR = REPO / "editors" / "vscode" / "syntaxes" / "esirules.tmLanguage.json"


def _pygments_types() -> set[object]:
    """Every token type the lexer's rules can give."""
    found = set()
    for rule in EsirulesLexer.tokens["root"]:
        action = rule[1]
        found |= set(getattr(action, "types", None) or ()) if callable(action) else {action}
    return found


def test_the_lexer_is_registered_with_pygments() -> None:
    assert isinstance(get_lexer_by_name("esi"), EsirulesLexer)
    assert isinstance(get_lexer_for_filename("esi-2003.esi"), EsirulesLexer)


def test_pygments_classifies_every_character_and_uses_every_token_type() -> None:
    seen: Counter[object] = Counter()
    for path in FILES:
        text = path.read_text("utf-8")
        tokens = list(EsirulesLexer().get_tokens(text))
        assert "".join(value for _, value in tokens) == text + ("" if text.endswith("\n") else "\n")
        errors = [value for kind, value in tokens if kind in Error]
        assert errors == [], path.name
        seen.update(kind for kind, _ in tokens)
    types = {Token.Text.Whitespace, Token.Comment.Single, Token.Literal.String.Doc, Token.Literal.String.Double,
             Token.Keyword.Declaration, Token.Keyword, Token.Name.Class, Token.Name, Token.Literal.Number,
             Token.Literal.Number.Integer, Token.Literal.Number.Float, Token.Operator, Token.Punctuation}
    assert set(seen) == types


def test_pygments_marks_what_is_not_the_language() -> None:
    tokens = list(EsirulesLexer().get_tokens("scale answer: yes > no\n@ `\n"))
    assert [value for kind, value in tokens if kind in Error] == ["@", "`"]
    assert (Token.Name.Class, "answer") in tokens and (Token.Keyword.Declaration, "scale") in tokens


def test_every_keyword_of_the_grammar_is_highlighted_as_one() -> None:
    keywords = grammar_keywords()
    assert set(DECLARATION_WORDS) <= set(keywords) and {"applicable", "least", "renormalise", "x"} <= set(keywords)
    for word in keywords:
        if word == "x":
            continue
        kinds = {kind for kind, value in EsirulesLexer().get_tokens(f"{word}\n") if value == word}
        assert kinds <= {Token.Keyword, Token.Keyword.Declaration} and kinds, word


@pytest.fixture(scope="module")
def textmate(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    # textmate-grammar-python makes a cache folder in the working folder when first imported.
    with contextlib.chdir(tmp_path_factory.mktemp("textmate")):
        from textmate_grammar.parsers.base import LanguageParser
        from textmate_grammar.utils.logger import LOGGER

    LOGGER.logger.setLevel(logging.ERROR)  # it reports each line of long text at INFO and WARNING
    return LanguageParser(json.loads(TM_GRAMMAR.read_text("utf-8")))


def _scopes(grammar: dict[str, object]) -> set[str]:
    return set(re.findall(r'"name": "([a-z.-]+\.esirules)"', json.dumps(grammar, indent=0)))


def test_textmate_scopes_every_character_and_uses_every_scope(textmate) -> None:  # type: ignore[no-untyped-def]
    seen: set[str] = set()
    for path in FILES:
        element = textmate.parse_string(path.read_text("utf-8"))
        for _, content, scopes in element.flatten():
            assert scopes[0] == "source.esirules"
            if content.strip():
                assert len(scopes) > 1, (path.name, content)
            seen.update(scopes[1:])
    assert seen == _scopes(json.loads(TM_GRAMMAR.read_text("utf-8")))


def test_textmate_keywords_are_those_of_the_grammar() -> None:
    grammar = json.loads(TM_GRAMMAR.read_text("utf-8"))
    patterns = grammar["repository"]["keyword"]["patterns"]
    declared = set(re.search(r"\(([a-z|]+)\)", patterns[0]["match"]).group(1).split("|"))  # type: ignore[union-attr]
    other = set(re.search(r"\(([a-z|]+)\)", patterns[1]["match"]).group(1).split("|"))  # type: ignore[union-attr]
    assert declared == set(DECLARATION_WORDS)
    assert other | declared | {"x"} == set(grammar_keywords())


def test_textmate_names_what_a_declaration_declares(textmate) -> None:  # type: ignore[no-untyped-def]
    tokens = textmate.parse_string('  criterion B1 "Risk" critical {\n').flatten()
    scopes = {content: scopes[-1] for _, content, scopes in tokens}
    assert scopes["criterion"] == "storage.type.esirules" and scopes["B1"] == "entity.name.type.esirules"
    assert scopes['"Risk"'] == "string.quoted.double.esirules" and scopes["critical"] == "variable.other.esirules"


def test_the_vscode_manifest_registers_the_language_and_its_files() -> None:
    manifest = json.loads((REPO / "editors" / "vscode" / "package.json").read_text("utf-8"))
    (language,) = manifest["contributes"]["languages"]
    (grammar,) = manifest["contributes"]["grammars"]
    assert language["extensions"] == [".esi"] and grammar["scopeName"] == "source.esirules"
    for relative in (language["configuration"], grammar["path"], manifest["main"]):
        assert (REPO / "editors" / "vscode" / relative).is_file()
    configuration = json.loads((REPO / "editors" / "vscode" / "language-configuration.json").read_text("utf-8"))
    assert configuration["comments"] == {"lineComment": "#"}
    assert manifest["contributes"]["configuration"]["properties"]["esirules.command"]["default"] == ["esirules", "lsp"]
