"""The parser: bytes and text in, syntax tree or plain-English syntax errors out."""

from __future__ import annotations

import logging
from fractions import Fraction

import lark
import pytest

from esirules.language import syntax as s
from esirules.language.describe import wording
from esirules.language.parse import MAX_ERRORS, decode, parse_condition, parse_text
from esirules.language.tables import grammar_text


def parse(text: str) -> s.RulesetFile:
    tree, errors = parse_text(text, "p.esi")
    assert errors == []
    assert tree is not None
    return tree


def errors_of(text: str) -> list[tuple[str, int, int]]:
    tree, errors = parse_text(text, "p.esi")
    assert tree is None
    return [(e.code, e.span.line, e.span.column) for e in errors]


def test_the_grammar_has_no_conflicts(caplog):
    """Lark settles a shift/reduce conflict silently by shifting, which can make a documented
    construct unparseable (as `points p of criteria A1, A2, banded by b` once was)."""
    source = grammar_text()
    with caplog.at_level(logging.DEBUG, logger="lark"):
        lark.Lark(source, parser="lalr", debug=True)
    assert "conflict" not in caplog.text.lower()


# --- decoding ----------------------------------------------------------------------------------


def test_decode_utf8():
    assert decode('ruleset "café"'.encode(), "d.esi") == ('ruleset "café"', [])


def test_decode_drops_a_byte_order_mark():
    text, problems = decode(b'\xef\xbb\xbfruleset "x"\n', "d.esi")
    assert (text, problems) == ('ruleset "x"\n', [])


def test_decode_binary():
    text, problems = decode(b"ab\ncd\x00", "d.esi")
    assert text is None
    assert [(p.code, p.span.line, p.span.column) for p in problems] == [("S001", 2, 3)]


def test_decode_utf16_says_so_not_binary_data():
    """Notepad's "Unicode" is UTF-16: it was "this file holds binary data ... check that the right file was given"."""
    text, problems = decode('ruleset "x" version "1"\n'.encode("utf-16"), "d.esi")
    assert text is None
    assert [(p.code, p.span.line, p.message) for p in problems] == [
        ("S002", 1, 'this file is UTF-16 text (saved as "Unicode"), not UTF-8')]


def test_decode_not_utf8():
    text, problems = decode(b"ok\n\xff", "d.esi")
    assert text is None
    assert [(p.code, p.span.line, p.span.column) for p in problems] == [("S002", 2, 1)]


# --- the syntax tree ---------------------------------------------------------------------------


def test_declarations_in_order_with_spans():
    tree = parse('ruleset "x" version "1"\n\n  scale answer: yes > no, not applicable\n')
    header, scale = tree.declarations
    assert header == s.RulesetHeader(s.Text("x"), s.Text("1"))
    assert scale == s.ScaleDecl(s.Name("answer"), (s.Value("yes"), s.Value("no")), False, None, True)
    assert (scale.span.line, scale.span.column) == (3, 3)
    assert (scale.name.span.line, scale.name.span.column, scale.name.span.end_column) == (3, 9, 15)
    assert scale.span.file == "p.esi"


def test_values_bare_quoted_and_numbers():
    (ladder,) = parse('ladder g: "Very well met" > ok > 3 > 2.5').declarations
    assert [v.text for v in ladder.values] == ["Very well met", "ok", "3", "2.5"]
    assert ladder.values[0].quoted
    assert [v.number for v in ladder.values] == [None, None, Fraction(3), Fraction(5, 2)]


def test_long_text_keeps_its_lines():
    (description,) = parse('description """one\n"two"\nthree"""').declarations
    assert description.text.text == 'one\n"two"\nthree'


def test_comments_and_newlines_carry_no_meaning():
    one = parse('scale a: b > c # best first\n')
    other = parse("scale\n  a\n  :\n  b\n  >\n  c")
    assert one == other


def test_keywords_can_be_ids_where_unambiguous():
    tree = parse('attribute some: yes or no\nsource weight\n')
    assert [d.name.text for d in tree.declarations] == ["some", "weight"]


def test_at_least_a_number_of_items():
    """`at least 2 items` once failed: the lexer read 2 as the start of `2%`."""
    (grading,) = parse(
        'grading g { "A" when at least good on at least 2 items and good on at least 50% of items }'
    ).declarations
    first, second = grading.rules[0].clauses
    assert (first.quantifier.kind, first.quantifier.count) == ("at_least_count", 2)
    assert (second.quantifier.kind, second.quantifier.share.number) == ("at_least_share", Fraction(1, 2))


def test_expected_score_as_a_fraction():
    (test,) = parse('test "t" { criterion B1 expect score 2/3 }').declarations
    (expect,) = test.expectations
    assert (expect.subject, expect.what, expect.value.text, expect.value.number) == ("", "score", "2/3", Fraction(2, 3))


def test_points_with_listed_members_then_bands():
    (section,) = parse('section A "a" { grade: points p of criteria A1, A2, banded by b }').declarations
    (aggregate,) = section.aggregates
    assert [n.text for n in aggregate.members.members] == ["A1", "A2"]
    assert (aggregate.using.text, aggregate.bands.text) == ("p", "b")


def test_deep_conditions_do_not_recurse():
    tree = parse('exclude cases where ' + "not " * 5000 + "a")
    node = tree.declarations[0].condition
    depth = 0
    while isinstance(node, s.Negation):
        node, depth = node.operand, depth + 1
    assert depth == 5000


# --- syntax errors -----------------------------------------------------------------------------


def test_a_stray_word_is_one_error():
    assert errors_of('scale a: b > c\nscale d e > f\nscale g: h > i\n') == [("S010", 2, 9)]


def test_independent_mistakes_are_each_reported_once():
    text = (
        'section B "b" {\n'
        '  criterion B1 "c" weight { question B1.1 "q" }\n'
        '  criterion B2 "c" { question B2.1 "q" met when }\n'
        "  score weighted mean of criteria\n"
        "}\n"
        "ladder grade: A B\n"
    )
    assert errors_of(text) == [("S010", 2, 27), ("S010", 3, 49), ("S010", 4, 9), ("S010", 6, 17)]


def test_unclosed_quote_is_read_to_the_end_of_its_line():
    assert errors_of('title "abc\nscale a: b > c\ntitle "x\n') == [("S004", 1, 7), ("S004", 3, 7)]
    assert errors_of('section A "abc {\n criterion A1 "c" { }\n}\n') == [("S004", 1, 11)]


def test_expected_words_are_what_can_really_follow():
    _, errors = parse_text('test "t" { criterion B1 given answers B1.1: yes, B1.2: no }', "p.esi")
    assert errors[0].message == "expected `,`, `criterion`, `expect`, `given`, `x` or `}`, but found `:`"


def test_unclosed_block_names_where_it_opened():
    _, errors = parse_text('section A "a" {\n  criterion A1 "c" {\n  }\n', "p.esi")
    (error,) = errors
    assert error.code == "S011"
    assert "line 1" in (error.help or "")


def test_error_count_is_capped():
    text = "\n".join(f"scale s{i} x" for i in range(3 * MAX_ERRORS))
    _, errors = parse_text(text, "p.esi")
    assert 1 <= len(errors) <= MAX_ERRORS


@pytest.mark.parametrize(
    "text",
    ["", "   \n# only a comment\n"],
)
def test_empty_files_parse_to_nothing(text):
    assert parse(text).declarations == ()


# --- what users tripped over (issue 9) ---------------------------------------------------------


def test_a_block_left_open_before_the_next_declaration_says_so():
    """Issue 9.1: the message said "expected a new declaration", contradicting its own help."""
    text = (
        'section B "b" {\n'
        '  criterion B1 "c" {\n'
        '    question B1.1 "q"\n'
        '  criterion B2 "d" { question B2.1 "q" }\n'
        "}\n"
    )
    _, errors = parse_text(text, "p.esi")
    (error,) = errors
    assert (error.code, error.span.line, error.span.column) == ("S011", 4, 3)
    assert error.message == "the block of criterion B1 opened at line 2 is not closed before the next `criterion`"
    assert error.help == "add `}` where criterion B1 ends"


def test_a_section_left_open_before_the_next_section():
    _, errors = parse_text('section A "a" {\n  criterion A1 "c" { question A1.1 "q" }\n'
                           'section B "b" { }\n', "p.esi")
    (error,) = errors
    assert error.message == "the block of section A opened at line 1 is not closed before the next `section`"


@pytest.mark.parametrize("ending", ["\r", "\r\n"])
def test_carriage_returns_end_lines(ending):
    """M03: with CR-only line ends the first comment ran to the end of the file."""
    text, problems = decode(ending.join(['ruleset "x"', "# a comment", "scale a: b > c", ""]).encode(), "d.esi")
    assert (text, problems) == ('ruleset "x"\n# a comment\nscale a: b > c\n', [])


def test_carriage_returns_keep_line_numbers_right():
    text, _ = decode(b'ruleset "x"\r# comment\rscale a: b c\r', "d.esi")
    assert text is not None
    assert errors_of(text) == [("S010", 3, 12)]


@pytest.mark.parametrize("number", ["9" * 4301, "0." + "1" * 4301, "9" * 101])
def test_a_number_too_long_is_a_located_error(number):
    """F06: over 4,300 digits Python refuses to convert a number, which used to escape as ValueError."""
    tree, errors = parse_text(f'ruleset "x"\nclass critical weight {number}\n', "p.esi")
    assert tree is None
    (error,) = errors
    assert (error.code, error.span.line, error.span.column) == ("S006", 2, 23)
    assert error.span.end_column == 23 + len(number)
    assert "digits" in error.message


def test_a_number_of_a_hundred_digits_is_read():
    (weight_class,) = parse("class critical weight " + "1" * 100).declarations
    assert weight_class.weight.number == int("1" * 100)


def test_every_example_mistake_gets_its_own_help():
    """The wording data's example mistakes are told apart by where they leave the parser."""
    for mistake in wording()["mistake"]:
        for example in mistake["examples"]:
            _, errors = parse_text(example, "p.esi")
            assert errors and errors[0].help == mistake["help"], example


@pytest.mark.parametrize(
    ("text", "help_starts"),
    [
        ('ruleset "x"\nscale performance: "very strong" > good > weak\nladder grade: Well met > "Not met"\n',
         "a value of more than one word"),
        ('ruleset "x"\nscale answer: yes, partly, no\n', "the values of a scale or ladder"),
        ('section B "b" weight 40 {\n}\n', "a section's weight is a percentage"),
        ('section B "b" {\n  criterion B1 "c" weight 2% {\n  }\n}\n', "a criterion's weight is a number"),
        ('test "t" {\n  criterion A1\n  expect grade Satisfactorily met\n}\n', "a value of more than one word"),
        ('section B "b" {\n  criterion B1 "c" {\n    question B1.1 "q"\n      applies when risk_of_harm = very high\n'
         "  }\n}\n", 'a value of more than one word is written in quotes: `risk_of_harm = "very high"`'),
        ('section B "b" {\n  criterion B1 "c" {\n    question B1.1 "q" on answer\n      met when yes partly\n'
         "  }\n}\n", "join the answers that count as met with `or`"),
        # (these said "is the block opened at line 17 missing its `}`?")
        ('test "t" {\n  criterion A1\n  given answers A1.a: yes x11, no x9\n  expect grade Requires improvement\n}\n',
         'a value of more than one word is written in quotes: `grade "Requires improvement"`'),
        ('section B "b" {\n  criterion B1 "c" {\n    question B1.1 "q"\n'
         "      applies when disposal in {referral order, youth caution}\n  }\n}\n",
         'a value of more than one word is written in quotes: `"referral order"`'),
        ('section B "b" {\n  criterion B1 "c" {\n    question B1.1 "q"\n'
         "      applies when disposal in {youth rehabilitation order, caution}\n  }\n}\n",
         'a value of more than one word is written in quotes: `"youth rehabilitation order"`'),
    ],
)
def test_common_mistakes_get_a_help_line(text, help_starts):
    _, errors = parse_text(text, "p.esi")
    assert errors[0].help is not None and errors[0].help.startswith(help_starts), errors


HEAD = 'ruleset "x"\nscale answer: yes > no\nanswers on answer, met when yes\n'


def described(text: str) -> list[tuple[str, int, int, str, str | None]]:
    _, errors = parse_text(HEAD + text, "p.esi")
    return [(e.code, e.span.line - 3, e.span.column, e.message, e.help) for e in errors]


def test_a_misspelt_keyword_is_named_whole_in_its_block_once_with_the_word_meant():
    """After a block's `}` the mistake is in the block around it; the line it starts is skipped
    whole, with the block it opens, so its `{` and `}` give no mistakes that are not there."""
    text = ('section B "b" {\n  criterion B1 "c" {\n    question B1.1 "q"\n  }\n'
            '  critrion B2 "d" {\n    question B2.1 "q"\n  }\n  score: weighted mean of criteria\n}\n')
    assert described(text) == [("S010", 5, 3, "expected another part of section B, or `}` to end it, but found "
                                "`critrion`", "did you mean `criterion`?")]
    # `at` and `a` are words of the language too: a misspelt `attribute` is not read as `at` + `ribute`.
    assert described('atribute risk "Risk": ordered low < high\nanswer on answer, met when yes\n') == [
        ("S010", 1, 1, "expected a new declaration (such as `section`, `scale`, `ladder` or `attribute`), but "
         "found `atribute`", "did you mean `attribute`?"),
        ("S010", 2, 1, "expected a new declaration (such as `section`, `scale`, `ladder` or `attribute`), but "
         "found `answer`", "did you mean `answers`?")]


def test_a_line_left_unfinished_is_shown_where_it_ends():
    text = 'section B "b" {\n  criterion B1 "c" {\n    question B1.1 "q"\n  }\n}\n' \
           'test "t" {\n  given answers B1.1: yes x2, no x1\n  expect section B score 67  # two thirds\n}\n'
    assert described(text) == [("S010", 8, 28, "expected `%`, but found the end of line 11",
                               "write the percentage with its `%`: `75%`")]


SECTION = 'section B "b" {\n  criterion B1 "c" {\n    question B1.1 "q"\n  }\n}\n'


def test_a_criterion_after_its_section_is_told_to_go_inside_it_once():
    """A criterion written after its section's `}` is one mistake: no false `}` missing after it."""
    text = SECTION + 'criterion B2 "d" {\n  question B2.1 "q"\n}\noverall "o" {\n  score: weighted mean of sections B\n}\n'
    assert described(text) == [
        ("S010", 6, 1, "expected a new declaration (such as `section`, `scale`, `ladder` or `attribute`), but found "
         "`criterion`", "a criterion is declared inside its section: move it before the `}` that ends its section"),
    ]


@pytest.mark.parametrize(
    ("line", "column", "message", "help_"),
    [
        # a misspelt word after `expect` is placed in its test, not among declarations
        ("  expect scor 75%", 10, 'expected another part of test "t", but found `scor`', "did you mean `score`?"),
        # a percentage written in words is not a block left open
        ("  expect score 75 per cent", 19, "expected `%` or `/`, but found `per`",
         "write a percentage with its `%` (`75%`), or a fraction (`3/4`)"),
        ("  given ratings B1.a good B1.b good", 27, "expected `,`, `criterion`, `expect`, `given` or `}`, but found `B1.b`",
         "is a `,` missing before `B1.b`? The entries of a list are separated by commas"),
    ],
)
def test_a_mistake_in_a_test_gets_the_help_it_needs(line: str, column: int, message: str, help_: str) -> None:
    (found,) = described(SECTION + f'test "t" {{\n  criterion B1\n{line}\n}}\n')
    assert found == ("S010", 8, column, message, help_)


def test_the_rest_of_a_broken_line_in_a_block_is_not_read_into_the_next():
    """After a mistake part way along a line, the next line is read as a new part of the block:
    `Weak otherwise` was read as the end of the broken band and gave a second, false mistake."""
    text = ('ladder grade: Good > Weak\nfact roll "Roll": number\nbands b on grade {\n'
            '  Good when score at least 65% and fact roll > 500\n  Weak otherwise\n}\n'
            'overall "o" {\n  score: weighted mean of sections A\n  may carry forward for 1 year\n}\n')
    found = described(text)
    assert [(code, line, column) for code, line, column, _, _ in found] == [("S010", 4, 36), ("S010", 9, 3)]
    assert found[0][4] is not None and found[0][4].startswith("a band tests only the figure it bands")
    assert found[1][4] is not None and found[1][4].startswith("the overall is never carried forward")


def test_a_quantifier_the_language_does_not_have_lists_those_it_has():
    text = 'ladder grade: good > poor\nscale r: high > low\ngrading g {\n  items rated on r\n  grades from grade\n' \
           '  good when at least high on most items\n  poor otherwise\n}\n'
    (found, *_) = described(text)
    assert found[:3] == ("S010", 6, 30) and found[4] is not None and found[4].startswith("say on how many items: `each item`")


@pytest.mark.parametrize(
    ("char", "help_"),
    [("\u201c", "this is a curly quote; type a straight one"), ("\u00a0", "this is a non-breaking space"),
     ("\u200b", "this is an invisible zero-width space")],
)
def test_a_character_from_a_word_processor_says_what_to_type_instead(char: str, help_: str) -> None:
    text = f'title {char}x"\n' if char == "\u201c" else f"class key{char}weight 3\n"
    (found,) = described(text)
    assert found[0] == "S003" and found[4] is not None and found[4].startswith(help_)


def test_a_number_too_long_in_a_typed_condition():
    node, errors = parse_condition("age > " + "9" * 4301, "--where")
    assert node is None
    assert [(e.code, e.span.file, e.span.column) for e in errors] == [("S006", "--where", 7)]


@pytest.mark.parametrize(("block", "next_line", "opener"), [
    ('grading g "g" {\n  items rated on answer\n  grades from grade\n  good when at least yes on each item\n  weak otherwise\n',
     "bands b on grade {", "grading g"),
    ("bands b on grade {\n  good when score at least 65%\n  weak otherwise\n",
     "points p on grade {", "bands b"),
])
def test_a_grading_or_bands_block_left_open_before_a_declaration_is_one_s011_there(block, next_line, opener):
    """`bands b on grade {` after a grading left open was read as the rule for a grade `bands`:
    four mistakes at the words after it, none naming the brace."""
    rest = (next_line + "\n  good when score at least 50%\n  weak otherwise\n}\n" if next_line.startswith("bands")
            else next_line + "\n  good 1, weak 0\n}\n")
    text = 'ruleset "x"\nscale answer: yes > no\nladder grade: good > weak\n' + block + "\n" + rest
    _, errors = parse_text(text, "p.esi")
    assert [(e.code, e.message, e.help) for e in errors] == [
        ("S011", f"the block of {opener} opened at line 4 is not closed before the next `{next_line.split()[0]}`",
         f"add `}}` where {opener} ends")]
    assert errors[0].span.column == 1
