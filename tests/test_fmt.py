"""The formatter: identity fixtures format to themselves, before/after pairs show each layout rule, and what is not formatted."""

from __future__ import annotations

import re
import sys

import pytest
from conftest import REPO
from fmt_helpers import BUNDLED, DOC_EXAMPLES, FIXTURES

from esirules.authoring import fmt, fmt_lines
from esirules.authoring.fmt import FormatterFault, format_bytes, format_text
from esirules.language.parse import parse_text

IDENTITY = sorted((FIXTURES / "identity").glob("*.esi"))
PAIRS = sorted((FIXTURES / "pairs").glob("*.before.esi"))


def _formatted(text: str) -> str:
    result = format_text(text, "t.esi")
    assert result.text is not None, result.diagnostics
    return result.text


@pytest.mark.parametrize("path", IDENTITY + BUNDLED + DOC_EXAMPLES, ids=lambda p: p.name)
def test_files_in_the_canonical_layout_format_to_themselves(path):
    text = path.read_text("utf-8")
    assert _formatted(text) == text


@pytest.mark.parametrize("before", PAIRS, ids=lambda p: p.name.removesuffix(".before.esi"))
def test_each_layout_rule(before):
    after = before.with_name(before.name.replace(".before.", ".after."))
    expected = after.read_text("utf-8")
    assert _formatted(before.read_text("utf-8")) == expected
    assert _formatted(expected) == expected


def test_every_pair_and_identity_fixture_parses_and_the_pairs_differ():
    for path in IDENTITY + PAIRS:
        assert parse_text(path.read_text("utf-8"), str(path))[0] is not None, path
    for before in PAIRS:
        assert before.read_text("utf-8") != before.with_name(before.name.replace(".before.", ".after.")).read_text("utf-8")


def test_text_that_does_not_parse_gives_its_syntax_diagnostics_and_no_text():
    text = 'ruleset "x" version "1"\nsection B "Assessment" {\n  criterion B1 "Risk" {\n'
    result = format_text(text, "broken.esi")
    assert result.text is None
    assert [d.code for d in result.diagnostics] == [d.code for d in parse_text(text, "broken.esi")[1]]
    assert result.diagnostics and all(d.code.startswith("S") and d.span.file == "broken.esi" for d in result.diagnostics)


def test_bytes_that_are_not_text_are_not_formatted():
    assert [d.code for d in format_bytes(b"ruleset \x00", "b.esi").diagnostics] == ["S001"]
    assert [d.code for d in format_bytes(b'ruleset "\xff"', "b.esi").diagnostics] == ["S002"]


def test_windows_line_ends_and_a_byte_order_mark_become_plain_lines():
    data = '\ufeffruleset "x" version "1"\r\ndescription """two\r\nlines"""\r\n'.encode()
    assert format_bytes(data, "w.esi").text == 'ruleset "x" version "1"\ndescription """two\nlines"""\n'


def test_empty_text_and_text_of_comments_only():
    assert _formatted("") == ""
    assert _formatted("\n\n  \n") == ""
    assert _formatted("\n\n# one\n\n\n\n   # two   \n\n") == "# one\n\n# two\n"


def test_a_condition_nested_thousands_deep_is_formatted_without_recursion():
    depth = 2 * sys.getrecursionlimit()
    text = f'ruleset "deep" version "1"\nexclude cases where {"(" * depth}a = b{")" * depth}\n'
    assert _formatted(text) == text
    negated = f'ruleset "deep" version "1"\nexclude cases where {"not " * depth}a\n'
    assert _formatted(negated) == negated


@pytest.mark.parametrize(
    ("spoil", "fault"),
    [
        (lambda out: out.replace(' version "1"', ""), "other tokens"),
        (lambda out: out.replace("# kept", "# changed"), "other comments"),
        (lambda out: out.replace("> no", ">"), "does not parse"),
    ],
    ids=["a token lost", "a comment changed", "text that does not parse"],
)
def test_a_formatter_that_would_change_the_ruleset_is_caught(monkeypatch, spoil, fault):
    writer = fmt.write_lines
    monkeypatch.setattr(fmt, "write_lines", lambda source, placed, starts=None: spoil(writer(source, placed, starts)))
    with pytest.raises(FormatterFault, match=fault):
        format_text('ruleset "x" version "1"  # kept\nscale answer: yes > no\n')


def test_comments_are_read_from_between_the_tokens_only():
    text = 'ruleset "a # not a comment" version "1"  # one\n# two\ndescription """# not one either"""\n'
    placed = fmt.place(fmt.parse_layout(text))
    assert fmt_lines.comments_of(text, placed) == ["# one", "# two"]


def test_the_language_pages_example_is_what_fmt_does():
    page = (REPO / "docs" / "language.md").read_text("utf-8")
    before = re.search(r"```esi fmt-before\n(.*?)```", page, re.S)
    after = re.search(r"```esi fmt-after\n(.*?)```", page, re.S)
    assert before and after
    assert _formatted(before.group(1)) == after.group(1)


def test_every_layout_hint_names_a_rule_of_the_grammar():
    # A rule renamed in the grammar must not leave its hint behind, silently unused.
    from esirules.authoring import fmt_layout

    rules = fmt_layout.layout_parser().rules
    names = {r.origin.name for r in rules} | {r.alias for r in rules if r.alias}
    hinted = fmt_layout.INLINE_BRACES | fmt_layout.ATOMS | {rule for rule, _ in fmt_layout.GLUED_AFTER}
    assert hinted <= names, hinted - names


def test_a_count_is_written_against_its_x_except_where_the_two_would_read_as_a_name():
    # After a number the lexer may take `x5` for a name (the grammar allows a name there), so the
    # space stays; after a word or a quoted value `x5` reads as `x` and 5.
    text = 'ruleset "t"\ntest "t" {\n  given answers q: 3 x 5, yes x 2, "n/a" x 4, 1.5 x 1\n}\n'
    expected = 'ruleset "t"\ntest "t" {\n  given answers q: 3 x 5, yes x2, "n/a" x4, 1.5 x 1\n}\n'
    assert _formatted(text) == expected
    assert parse_text(expected.replace("3 x 5", "3 x5"), "t.esi")[0] is None


def test_the_layout_parser_from_the_shipped_tables_keeps_every_token_as_one_built_from_the_grammar(monkeypatch):
    import lark

    from esirules.authoring import fmt_layout
    from esirules.language import tables

    built = lark.Lark(tables.grammar_text(), parser="lalr", maybe_placeholders=False, keep_all_tokens=True)
    shipped = fmt_layout.layout_parser()
    for path in BUNDLED + DOC_EXAMPLES + IDENTITY:
        text = path.read_text("utf-8")
        assert shipped.parse(text) == built.parse(text), path
    # Tables that do not match the grammar (it is being edited): the parser is built from it.
    monkeypatch.setattr(tables, "read_shipped", lambda grammar=None: None)
    fmt_layout.layout_parser.cache_clear()
    try:
        text = IDENTITY[0].read_text("utf-8")
        assert fmt_layout.layout_parser().parse(text) == built.parse(text)
        assert _formatted(text) == text
    finally:
        fmt_layout.layout_parser.cache_clear()
