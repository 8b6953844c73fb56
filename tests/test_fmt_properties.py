"""Properties of the formatter under hypothesis: it is idempotent, it changes no meaning, and its
output depends on the tokens, the comments and where the author broke lines, not on spacing.

Tried on the bundled rulesets, the docs' example rulesets and every ```esi block of the docs
that parses, each laid out anew at random; and on small rulesets written from the grammar.
"""

from __future__ import annotations

import functools
import re

import attrs
import pytest
from fmt_helpers import BUNDLED, DOC_EXAMPLES, doc_blocks, grammar_rulesets, relaid, respaced
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from esirules.authoring.fmt import format_text
from esirules.authoring.fmt_layout import parse_layout, place
from esirules.authoring.fmt_lines import comments_of
from esirules.language import model as m
from esirules.language.check import check_text
from esirules.language.parse import parse_text

FILES = [(p.name, p.read_text("utf-8"), str(p)) for p in BUNDLED + DOC_EXAMPLES]
BLOCKS = [(name, text, "block.esi") for name, text in doc_blocks() if parse_text(text, "block.esi")[0] is not None]
# Each example formats a ruleset twice and checks it: a few per file, and the docs' blocks drawn
# from all of them, keep the module to seconds.
PER_FILE = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OVER_BLOCKS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A line a message names (`at line 155`, `(line 6)`, `above lines 12 and 15`).
LINE_NAMED = re.compile(r"\b(lines?) \d+(?: and \d+)*")


def _formatted(text: str, path: str = "t.esi") -> str:
    result = format_text(text, path)
    assert result.text is not None, result.diagnostics
    return result.text


@functools.cache
def _checked(text: str, path: str) -> tuple[m.Ruleset | None, tuple[tuple[str, str, str], ...]]:
    """The model of the text checked as the file at `path` (its content hash left out) and its
    diagnostics in words (code, severity, message: spans move when lines do, and so do the lines
    a message names, as the analysis's `the rule for `Not met` at line 155`), in the order of
    their words: diagnostics are listed by place, and a diagnostic placed at the end of the file
    (R001) moves past one placed on a line when the layout changes where the file ends)."""
    checked = check_text(text.encode("utf-8"), path, {})
    model = None if checked.ruleset is None else attrs.evolve(checked.ruleset, content_hash="")
    return model, tuple(sorted((d.code, d.severity, LINE_NAMED.sub(r"\1 N", d.message)) for d in checked.diagnostics))


def _comments(text: str) -> list[str]:
    return comments_of(text, place(parse_layout(text)))


def test_the_corpus_is_what_it_says():
    names = {name for name, _, _ in FILES}
    assert {"esi-2003.esi", "esi-2004-followup.esi", "tour.esi"} <= names
    assert len(BLOCKS) > 40  # docs/language.md and docs/diagnostics.md hold dozens
    assert all(_checked(text, path)[0] is not None for _, text, path in FILES)


def _relaid_formats_once_and_means_the_same(text: str, path: str, messy: str) -> None:
    once = _formatted(messy, path)
    assert _formatted(once, path) == once
    assert _checked(once, path) == _checked(text, path)
    assert _comments(once) == _comments(messy)


@pytest.mark.parametrize(("name", "text", "path"), FILES, ids=[f[0] for f in FILES])
@PER_FILE
@given(data=st.data())
def test_relaid_rulesets_format_once_and_for_all_and_mean_the_same(name, text, path, data):
    _relaid_formats_once_and_means_the_same(text, path, data.draw(relaid(text)))


@OVER_BLOCKS
@given(block=st.sampled_from(BLOCKS), data=st.data())
def test_relaid_doc_blocks_format_once_and_for_all_and_mean_the_same(block, data):
    _, text, path = block
    _relaid_formats_once_and_means_the_same(text, path, data.draw(relaid(text)))


@pytest.mark.parametrize(("name", "text", "path"), FILES, ids=[f[0] for f in FILES])
@settings(PER_FILE, max_examples=2)
@given(data=st.data())
def test_only_tokens_comments_and_line_breaks_decide_the_layout(name, text, path, data):
    assert _formatted(data.draw(respaced(text)), path) == _formatted(text, path)


@OVER_BLOCKS
@given(block=st.sampled_from(BLOCKS), data=st.data())
def test_only_tokens_comments_and_line_breaks_decide_the_layout_of_doc_blocks(block, data):
    _, text, path = block
    assert _formatted(data.draw(respaced(text)), path) == _formatted(text, path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(grammar_rulesets())
def test_rulesets_written_from_the_grammar_format_once_and_keep_their_syntax(text):
    tree, _ = parse_text(text, "g.esi")
    assume(tree is not None)
    once = _formatted(text, "g.esi")
    assert _formatted(once, "g.esi") == once
    assert parse_text(once, "g.esi")[0] == tree  # spans take no part in equality
    assert _comments(once) == _comments(text)
