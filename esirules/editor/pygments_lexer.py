"""A Pygments lexer for rulesets: ruleset text in, highlighted tokens out (for the docs, the
handbook and web pages).

The keywords are read from the grammar (every word it quotes, and the words of its keyword
patterns such as `not applicable`), so a keyword added to the language is highlighted without
a change here. Words that open a declaration or a part of one are declaration keywords, and
the name a declaration gives is highlighted as such. Registered as the Pygments lexer
`esirules` (aliases `esi`) through the `pygments.lexers` entry point.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any, ClassVar

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

# Words that open a declaration, or a part of a block (a criterion's questions and items).
DECLARATION_WORDS = (
    "ruleset", "title", "description", "extends", "rounding", "answers", "scale", "ladder", "attribute",
    "fact", "source", "class", "measure", "sample", "section", "overall", "grading", "bands", "points", "outcome",
    "exclude",
    "replace", "remove", "change", "add", "test", "criterion", "question", "item",
)
# Of those, the ones followed by the name they declare when they begin a line.
NAMING_WORDS = (
    "scale", "ladder", "attribute", "fact", "source", "class", "measure", "sample", "section", "grading", "bands",
    "points", "outcome", "criterion", "question", "item",
)
NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*"


def grammar_keywords() -> tuple[str, ...]:
    """Every keyword of the language: the words the grammar quotes or spells in its keyword patterns."""
    grammar = resources.files("esirules.language").joinpath("grammar/esirules.lark").read_text("utf-8")
    body = "\n".join(line.split("//")[0] for line in grammar.splitlines())
    found = set(re.findall(r'"([a-z]+)"', body))
    for pattern in re.findall(r"/([^/\n]+)/", body):
        found |= {w for w in re.findall(r"[a-z]+", pattern.replace(r"\s", " ").replace(r"\n", " ")) if len(w) > 1}
    return tuple(sorted(found))


_OTHER_KEYWORDS = tuple(w for w in grammar_keywords() if w not in DECLARATION_WORDS and w != "x")


class EsirulesLexer(RegexLexer):
    """Rulesets written in the esirules language (`.esi`)."""

    name = "esirules"
    aliases: ClassVar[list[str]] = ["esirules", "esi"]
    filenames: ClassVar[list[str]] = ["*.esi"]
    mimetypes: ClassVar[list[str]] = ["text/x-esirules"]
    flags = re.MULTILINE

    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"^([ \t]*)(" + "|".join(NAMING_WORDS) + r")([ \t]+)(" + NAME + r")(?![\w.])",
             bygroups(Whitespace, Keyword.Declaration, Whitespace, Name.Class)),
            (r"\n", Whitespace),
            (r"[ \t\r\f]+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (r'"""[\s\S]*?"""', String.Doc),
            (r'"(?:[^"\\\n]|\\.)*"', String.Double),
            (words(DECLARATION_WORDS, prefix=r"(?<![\w.])", suffix=r"(?![\w.])"), Keyword.Declaration),
            (words(_OTHER_KEYWORDS, prefix=r"(?<![\w.])", suffix=r"(?![\w.])"), Keyword),
            (r"(?<![\w.])x(?=[0-9])", Keyword),  # an answer count: `yes x22`
            (r"-?[0-9]+(?:\.[0-9]+)?%", Number),
            (r"-?[0-9]+\.[0-9]+", Number.Float),
            (r"-?[0-9]+", Number.Integer),
            (r"!=|<=|>=|[=<>/]", Operator),
            (r"[{}(),:]", Punctuation),
            (NAME, Name),
        ],
    }
