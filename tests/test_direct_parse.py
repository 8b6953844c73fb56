"""The direct parse (language/direct.py) builds the nodes Lark's parse tree and ToSyntax build,
spans included, and the formatter's concrete trees as Lark builds them; at a mistake, Lark goes
on from where it stopped and says what is wrong.

Besides these tests, conftest checks every parse of every test against Lark's
(`_direct_parse_matches_lark`).
"""

from __future__ import annotations

import random

import lark
import pytest
from conftest import REPO
from fmt_helpers import BUNDLED, DOC_EXAMPLES, doc_blocks, grammar_rulesets, relaid
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from syntax_helpers import difference

from esirules.authoring.fmt_layout import _direct_layout, layout_parser, parse_layout
from esirules.language.direct import Unparsed, _first
from esirules.language.grammar import parser
from esirules.language.parse import (
    _direct,
    decode,
    direct_parser,
    lark_parse_condition,
    lark_parse_text,
    parse_condition,
    parse_text,
)

EVERY_FILE = sorted({*BUNDLED, *DOC_EXAMPLES, *REPO.glob("examples/**/*.esi"), *REPO.glob("tests/fixtures/**/*.esi")})
SOME = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_grammar_is_one_the_direct_parser_runs():
    # None would mean every text goes to Lark: correct, but the speed would be gone unnoticed.
    assert direct_parser("start") is not None
    assert direct_parser("condition") is not None


@pytest.mark.parametrize("path", EVERY_FILE, ids=[str(p.relative_to(REPO)) for p in EVERY_FILE])
def test_every_ruleset_of_the_project_that_parses_is_parsed_directly_to_the_same_nodes(path):
    text, _ = decode(path.read_bytes(), str(path))
    if text is None:
        return  # not UTF-8: never parsed (tests/fixtures/diagnostics/s002_not_utf8.esi)
    by_lark = lark_parse_text(text, str(path))
    built = _direct(text, str(path), "start")
    if by_lark[1] and by_lark[1][0].code.startswith("S"):
        assert built is None or built[1], "text with a syntax error was parsed directly"
        return
    assert built is not None, "text that parses was left to Lark"
    assert difference(built, by_lark) is None
    assert built[0] is not None or built[1]


def test_the_files_tried_include_the_bundled_rulesets_and_fixtures_with_mistakes():
    names = {p.name for p in EVERY_FILE}
    assert {"esi-2003.esi", "esi-2004-followup.esi"} <= names
    assert len(EVERY_FILE) > 100


@pytest.mark.parametrize(("where", "text"), doc_blocks(), ids=[w for w, _ in doc_blocks()])
def test_every_block_of_the_docs_parses_the_same(where, text):
    assert difference(parse_text(text, "block.esi"), lark_parse_text(text, "block.esi")) is None


@SOME
@given(text=grammar_rulesets())
def test_rulesets_written_from_the_grammar_parse_the_same(text):
    assert difference(parse_text(text, "t.esi"), lark_parse_text(text, "t.esi")) is None


@SOME
@given(data=st.data())
def test_the_bundled_rulesets_laid_out_anew_parse_the_same(data):
    text = data.draw(relaid(BUNDLED[0].read_text("utf-8")))
    built = _direct(text, "t.esi", "start")
    assert built is not None
    assert difference(built, lark_parse_text(text, "t.esi")) is None


@SOME
@given(seed=st.integers(0, 2**32 - 1), cuts=st.integers(1, 4))
def test_a_ruleset_with_pieces_cut_out_parses_or_fails_the_same(seed, cuts):
    # Cutting characters makes a few rulesets that still parse and many that do not, with the
    # mistake anywhere: at a token, inside a text, in a comment, at the end.
    chance = random.Random(seed)
    text = BUNDLED[1].read_text("utf-8")
    for _ in range(cuts):
        at = chance.randrange(len(text))
        text = text[:at] + text[at + chance.randint(1, 12) :]
    assert difference(parse_text(text, "t.esi"), lark_parse_text(text, "t.esi")) is None


@pytest.mark.parametrize(
    "text",
    [
        "risk_of_harm >= high and not mappa",
        "(order_type = cpo or order_type = \"drr\") and not (risk = low)",
        "age < 18",
        "not",
        "risk >=",
        "a = b c",
        "",
    ],
)
def test_conditions_parse_or_fail_the_same(text):
    assert difference(parse_condition(text), lark_parse_condition(text)) is None


def test_a_number_too_long_is_reported_the_same():
    text = 'ruleset "t"\nclass critical weight ' + "9" * 5000 + "\n"
    built = _direct(text, "t.esi", "start")
    assert built is not None  # it parses: the builder, not the parser, finds the number too long
    assert difference(built, lark_parse_text(text, "t.esi")) is None
    assert [(d.code, d.span.line, d.span.column) for d in built[1]] == [("S006", 2, 23)]


def test_white_space_and_comments_are_skipped_ahead_only_where_no_terminal_begins_as_they_do():
    terminals = {t.name: t for t in parser().terminals}
    assert _first(terminals["WS"]) == {9, 10, 12, 13, 32}
    assert _first(terminals["COMMENT"]) == {ord("#")}
    assert _first(terminals["NAME"]).isdisjoint({9, 10, 12, 13, 32, ord("#")})
    assert ord('"') in _first(terminals["STRING"])
    assert _first(terminals["SIGNED_NUMBER"]) == {ord("-"), *range(ord("0"), ord("9") + 1)}
    # A terminal whose beginning is not worked out counts as beginning with anything.
    kind, pattern = type(terminals["NAME"]), type(terminals["NAME"].pattern)
    assert _first(kind("ODD", pattern(r"\w+"))) is None
    assert _first(kind("CASELESS", pattern("(?i:yes)"))) is None
    assert _first(kind("CASELESS", pattern("(?i)yes"))) is None


def test_the_direct_parser_gives_up_on_what_it_does_not_rebuild():
    with pytest.raises(Unparsed):
        direct_parser("start").parse("ruleset \"t\"\n@", object())


def _with_mistakes(*mistakes: tuple[float, str]) -> str:
    """The original bundled ruleset with text put in at fractions of its lines."""
    lines = BUNDLED[0].read_text("utf-8").split("\n")
    for fraction, inserted in sorted(mistakes, reverse=True):
        at = int(len(lines) * fraction)
        lines[at:at] = [inserted]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (_with_mistakes((0.5, "  @@")), ["S003"]),  # a character no terminal begins with
        (_with_mistakes((0.9, "  criterion {")), None),  # a token where it cannot stand
        (_with_mistakes((0.2, "  }"), (0.6, "  weight weight"), (0.95, "and and")), None),  # several
        (BUNDLED[0].read_text("utf-8").rstrip().rstrip("}"), None),  # the text ends too soon
        ('ruleset "t" version "1"\ntitle', None),  # at the very end, after one token
        ("@", ["S003"]),  # before any token
        # The block left open is named in the help by its text: Lark's recovery reads the tree.
        ('ruleset "t" version "1"\ntest "t" {\n  expect overall grade x\noverall "o" { }\n', None),
    ],
    ids=["a bad character", "a token out of place", "three mistakes", "ends too soon", "ends after a word",
         "nothing parses", "a block left open"],
)
def test_a_mistake_is_described_by_lark_going_on_from_where_the_direct_parse_stopped(monkeypatch, text, codes):
    expected = lark_parse_text(text, "t.esi")
    assert expected[0] is None and expected[1]
    whole = []
    monkeypatch.setattr(lark.Lark, "parse", lambda *args, **kwargs: whole.append(args))
    found = _direct(text, "t.esi", "start")
    assert whole == [], "the text was parsed again from its start"
    assert difference(found, expected) is None
    if codes is not None:
        assert [d.code for d in found[1]] == codes
    if 'test "t" {' in text:
        assert 'test "t"' in found[1][0].help


def _layout(tree: object) -> list[tuple[object, ...]]:
    """A concrete parse tree written out in order: each tree's name and size, each token whole."""
    out: list[tuple[object, ...]] = []
    pending = [tree]
    while pending:
        item = pending.pop()
        if isinstance(item, lark.Tree):
            out.append(("tree", item.data, len(item.children)))
            pending.extend(reversed(item.children))
        else:
            assert isinstance(item, lark.Token), item
            out.append((item.type, str(item), item.start_pos, item.end_pos, item.line, item.column,
                        item.end_line, item.end_column))
    return out


@pytest.mark.parametrize("path", EVERY_FILE, ids=[str(p.relative_to(REPO)) for p in EVERY_FILE])
def test_the_formatter_gets_lark_s_concrete_tree_every_token_kept_from_the_direct_parse(path):
    text, _ = decode(path.read_bytes(), str(path))
    try:
        by_lark = layout_parser().parse(text) if text is not None else None
    except lark.exceptions.UnexpectedInput:
        by_lark = None
    if by_lark is None:
        return  # the formatter lays out only text that parses
    assert _direct_layout() is not None
    assert _layout(parse_layout(text)) == _layout(by_lark)
