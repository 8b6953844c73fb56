"""Names, hover, completion and outline, on the bundled rulesets and the docs' examples, in process."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_helpers import CHILD, EXAMPLES, PARENT, offset_of, uri

from esirules.editor.completion import complete
from esirules.editor.hover import hover_text
from esirules.editor.outline import folds, symbols
from esirules.editor.positions import Lines, Position
from esirules.editor.salvage import braces, salvage
from esirules.editor.workspace import Analysis, Workspace
from esirules.language.check import check_file

CLEAN = [PARENT, CHILD, *sorted(EXAMPLES.glob("*.esi"))]


def _analyse(path: Path, text: str | None = None) -> tuple[Workspace, Analysis, str]:
    workspace = Workspace()
    text = path.read_text("utf-8") if text is None else text
    workspace.open(uri(path), text)
    document = workspace.document(uri(path))
    assert document is not None
    return workspace, workspace.analysis(document), text


def _hover(path: Path, needle: str, shift: int = 0, nth: int = 1) -> str:
    workspace, analysis, text = _analyse(path)
    occurrence = analysis.index.at(str(path), offset_of(text, needle, shift, nth))
    assert occurrence is not None, needle
    found = hover_text(occurrence, analysis.index, analysis.model, workspace.text_of)
    assert found is not None
    return found


def _complete(path: Path, needle: str, insert: str = "", shift: int | None = None) -> list[str]:
    _, analysis, text = _analyse(path)
    at = offset_of(text, needle, len(needle) if shift is None else shift)
    text = text[:at] + insert + text[at:]
    return [c.label for c in complete(text, at + len(insert), analysis.index, braces(text)).candidates]


# --- positions ---------------------------------------------------------------------------------


def test_positions_count_utf16_units_and_clamp() -> None:
    lines = Lines('title "a😀b"\nx', "utf-16")
    assert lines.position(10) == Position(0, 11)  # the emoji is two units
    assert lines.offset(Position(0, 11)) == 10
    assert lines.offset(Position(0, 10)) == 9  # inside the emoji: the character it starts
    assert lines.offset(Position(7, 3)) == len(lines.text) and lines.offset(Position(-1, 0)) == 0
    assert Lines("é", "utf-8").position(1) == Position(0, 2)


def test_lines_end_at_a_line_feed_a_carriage_return_or_both() -> None:
    for text in ("a\nbc\n", "a\r\nbc\r\n", "a\rbc\r"):
        lines = Lines(text)
        assert [lines.line_text(i) for i in range(3)] == ["a", "bc", ""], repr(text)
        assert lines.offset(Position(1, 1)) == text.index("c") and lines.position(text.index("c")) == Position(1, 1)


def test_the_agreed_position_encoding_is_used() -> None:
    from lsprotocol import types as t

    from esirules.editor.server import encoding_of

    assert encoding_of(t.PositionEncodingKind.Utf8) == "utf-8"
    assert encoding_of(t.PositionEncodingKind.Utf32) == "utf-32"
    assert encoding_of(None) == "utf-16" == encoding_of(t.PositionEncodingKind.Utf16)


# --- salvage -------------------------------------------------------------------------------------


def test_salvage_keeps_every_span_of_the_text_and_closes_open_blocks() -> None:
    text = PARENT.read_text("utf-8")
    cut = text.index("criterion B2")
    half = text[:cut] + 'criterion B2 "Assess\n    question B2.x "y"\n'
    salvaged = salvage(half, "x.esi")
    assert salvaged.tree is not None and salvaged.left_out
    section_b = next(d for d in salvaged.tree.declarations if getattr(getattr(d, "id", None), "text", "") == "B")
    b1 = section_b.criteria[0]  # type: ignore[union-attr]
    assert half[b1.id.span.start : b1.id.span.end] == "B1"
    assert half[b1.questions[-1].id.span.start : b1.questions[-1].id.span.end] == b1.questions[-1].id.text


def test_salvage_leaves_out_only_the_lines_that_do_not_parse() -> None:
    found = salvage("scale a: x > y\n)))\nscale b: p > q", "x.esi")
    assert found.tree is not None and [d.name.text for d in found.tree.declarations] == ["a", "b"]  # type: ignore[union-attr]
    assert found.left_out == ((15, 18),)
    noise = salvage('{{{ ]]] "', "x.esi")
    assert noise.tree is not None and noise.tree.declarations == () and noise.left_out == ((0, 9),)


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_every_reference_in_a_clean_ruleset_names_a_declaration(path: Path) -> None:
    assert check_file(str(path)).ruleset is not None
    _, analysis, _ = _analyse(path)
    unresolved = [(o.kind, o.key, o.span.line) for o in analysis.index.occurrences
                  if not o.declares and o.kind != "ruleset" and analysis.index.declaration(o) is None]
    assert unresolved == []


def test_a_bare_not_applicable_is_the_value_a_rating_names(tmp_path: Path) -> None:
    # A scale whose not-applicable answer has no spelling of its own is answered `not applicable`
    # (as the checker reads it): a test rating an item so names that declaration.
    path = tmp_path / "na.esi"
    path.write_text(
        'ruleset "na" version "1"\n'
        "scale practice: good > poor, not applicable\n"
        'ladder grade: "Met" > "Not met"\n'
        'grading g { items rated on practice  grades from grade  "Met" when at least good on each item  "Not met" otherwise }\n'
        'section A "A" { criterion A1 "A1" { graded by g  item A1.a "a"  item A1.b "b" } }\n'
        'test "n/a drops out" { criterion A1  given ratings A1.a good, A1.b "not applicable"  expect grade "Met" }\n',
        "utf-8",
    )
    assert check_file(str(path)).ruleset is not None
    _, analysis, _ = _analyse(path)
    unresolved = [(o.kind, o.key) for o in analysis.index.occurrences
                  if not o.declares and o.kind != "ruleset" and analysis.index.declaration(o) is None]
    assert unresolved == []
    assert "the not-applicable answer of the scale `practice`" in _hover(path, '"not applicable"', 2)


def test_references_resolve_as_the_checker_reads_them() -> None:
    _, analysis, text = _analyse(PARENT)
    index = analysis.index

    def kind_at(needle: str, shift: int) -> tuple[str, tuple[str, ...]]:
        found = index.at(str(PARENT), offset_of(text, needle, shift))
        assert found is not None
        declaration = index.declaration(found)
        assert declaration is not None
        return declaration.kind, declaration.key

    assert kind_at('"Satisfactorily met" when', 1) == ("value", ("grade", "Satisfactorily met"))
    assert kind_at("at least strong on the majority", 9) == ("value", ("performance", "strong"))
    assert kind_at("risk_of_harm >= high", 16) == ("attribute value", ("risk_of_harm", "high"))
    assert kind_at("given ratings A2.yardstick strong", 27) == ("value", ("performance", "strong"))
    assert kind_at('expect grade "Partly met"', 14) == ("value", ("grade", "Partly met"))
    assert kind_at("given answers B4.organised: yes", 28) == ("value", ("answer", "yes"))
    assert kind_at("measures rated by npd_rating", 18) == ("bands", ("npd_rating",))
    assert kind_at("weighted mean of sections B, C, D", 29) == ("section", ("C",))


def test_a_replaced_criterion_is_named_by_its_replacement_and_the_original() -> None:
    followup = EXAMPLES / "followup.esi"
    _, analysis, text = _analyse(followup)
    replacement = analysis.index.at(str(followup), offset_of(text, "replace criterion A2", 18))
    assert replacement is not None and replacement.declares and replacement.replaces is not None
    assert replacement.replaces.span.file == str(EXAMPLES / "original.esi")
    assert analysis.index.refers_to(replacement, replacement.replaces)


def test_a_question_replaced_in_a_criterion_is_named_by_its_replacement_and_the_original() -> None:
    new_year = EXAMPLES / "new-year.esi"
    _, analysis, text = _analyse(new_year)
    target = analysis.index.at(str(new_year), offset_of(text, "replace in criterion B4", 21))
    assert target is not None and (target.kind, target.key) == ("criterion", ("B4",))
    replacement = analysis.index.at(str(new_year), offset_of(text, "question B4.records", 9))
    assert replacement is not None and replacement.declares and replacement.replaces is not None
    assert replacement.replaces.span.file == str(EXAMPLES / "original.esi")
    assert analysis.index.refers_to(replacement, replacement.replaces)


def test_references_across_files_find_the_child_on_disk() -> None:
    workspace = Workspace(roots=[str(PARENT.parent)])
    text = PARENT.read_text("utf-8")
    workspace.open(uri(PARENT), text)
    found = workspace.occurrence_at(uri(PARENT), offset_of(text, "source offender_interview ", 8))
    assert found is not None
    places = {(o.span.file, o.span.line) for o in workspace.references(found[1])}
    child_line = CHILD.read_text("utf-8")[: offset_of(CHILD.read_text("utf-8"), "exclude source offender")].count("\n") + 1
    assert (str(CHILD), child_line) in places  # the follow-up is not open: read from the folder


# --- hover ---------------------------------------------------------------------------------------


def test_hover_for_every_kind_of_name() -> None:
    assert "**scale `answer`**: values, best first\n\n`yes` > `partly` > `no`" in _hover(PARENT, "answers on answer", 11)
    assert "not applicable is answered `n/a`" in _hover(PARENT, "answers on answer", 11)
    assert "**ladder `grade`**" in _hover(PARENT, "grades from grade", 12)
    assert "grade 3 of 6 of the ladder `grade`" in _hover(PARENT, '"Satisfactorily met" when', 2)
    assert "ordered: `low` < `medium` < `high` < `very high`" in _hover(PARENT, "attribute risk_of_harm", 11)
    assert "a value of the attribute `order_type` (Order or licence)" in _hover(CHILD, "order_type = cpo", 13)
    assert "**source `case_file`**: Case file" in _hover(PARENT, "      source case_file", 14)
    assert "**weight class `critical`**: weight 2" in _hover(PARENT, 'risk of harm" critical', 15)
    assert "in days, lower is better" in _hover(PARENT, "measure sickness_absence", 9)
    assert "**section B**: Quality of assessment" in _hover(PARENT, 'section B "Quality', 8)
    criterion = _hover(PARENT, 'criterion B1 "Assessment', 10)
    assert "numerical in section B: 8 questions, pooled; class `critical`, weight 2" in criterion
    item = _hover(PARENT, "item A1.dtto_starts", 5)
    assert "rated from the measure `dtto_starts` (DTTO starts: % performance in relation to target); weight 2" in item
    assert "- **Poor** otherwise" in _hover(PARENT, "graded by management", 11)
    assert "band: **good** when performance at least 100%" in _hover(PARENT, "  good when performance", 3)
    points = _hover(EXAMPLES / "bands-and-points.esi", "grade: points management_points", 15)
    assert "- Very well met: 5 points" in points
    assert "ties: rounded" in _hover(EXAMPLES / "bands-and-points.esi", "graded by quality", 11)
    assert "**sample `september`**: Cases commencing September 2004" in _hover(CHILD, "sample september", 8)
    assert "**test**" in _hover(PARENT, 'test "A2: good', 6)


def test_hover_on_a_question_reads_its_condition_in_words() -> None:
    found = _hover(EXAMPLES / "tour.esi", "question B1.plan", 10)
    assert "applies when risk of harm is high or very high" in found


def test_hover_on_a_name_declared_nowhere_says_so() -> None:
    workspace, analysis, text = _analyse(EXAMPLES / "tour.esi", (EXAMPLES / "tour.esi").read_text("utf-8").replace(
        "graded by management", "graded by nothing"))
    occurrence = analysis.index.at(str(EXAMPLES / "tour.esi"), offset_of(text, "graded by nothing", 11))
    assert occurrence is not None
    assert hover_text(occurrence, analysis.index, analysis.model, workspace.text_of) == "no grading `nothing` is declared"


# --- completion ----------------------------------------------------------------------------------


def test_completion_offers_what_the_grammar_and_the_names_allow() -> None:
    attributes = ["risk_of_harm", "order_type", "child_protection", "sex_offender", "domestic_violence",
                  "significant_incident", "mappa"]
    assert _complete(PARENT, "applies when ") == [*attributes, "not"]
    assert _complete(PARENT, '"Satisfactorily met" when at least ') == ["very strong", "strong", "good", "satisfactory", "weak"]
    assert _complete(PARENT, "given ratings A5.sentencer_views ") == ["very strong", "strong", "good", "satisfactory", "weak"]
    # After a comma (which asks for completion), the next item: on the same line or the next.
    after_comma = _complete(PARENT, 'given ratings A5.sentencer_views "very strong", ')
    assert "A5.proposals" in after_comma and "A1.visibility" in after_comma
    assert _complete(PARENT, 'A5.proposals "very strong",\n    ') == after_comma
    grades = ["Very well met", "Well met", "Satisfactorily met", "Partly met", "Not met", "Poor"]
    assert _complete(PARENT, 'expect grade "Partly met"', shift=13) == grades
    assert _complete(PARENT, 'criterion B1 "Assessment of risk of harm" ') == ["critical", "important", "weight"]
    assert _complete(PARENT, "  score: weighted mean of sections ")[:4] == ["A", "B", "C", "D"]
    question = 'criterion D4 "Interventions demonstrate value for money" critical {\n'
    assert _complete(PARENT, question, '    question D4.x "y" on ') == ["answer", "performance", "grade"]
    assert _complete(PARENT, question, '    question D4.x "y" met when ') == ["yes", "partly", "no", "n/a", "at"]
    keywords = _complete(PARENT, question, '    question D4.x "y" ')
    assert {"source", "applies", "met", "on", "weight", "question", "item"} <= set(keywords)
    assert _complete(PARENT, "# esi-2003.esi", shift=4) == []  # in a comment
    assert _complete(PARENT, 'title "Effective', shift=8) == []  # in quoted text


@pytest.mark.parametrize("line_end", ["\r\n", "\r"], ids=["windows", "old-mac"])
def test_completion_and_folding_read_other_line_ends_as_line_ends(line_end: str) -> None:
    """A carriage return ends a line as a line feed does (a comment in a file of CR alone ran to
    the end of the file, so nothing was offered and nothing folded)."""
    _, analysis, text = _analyse(PARENT)
    other = text.replace("\n", line_end)
    for needle in ("applies when ", 'given ratings A5.sentencer_views ', '"Satisfactorily met" when at least '):
        at = offset_of(text, needle, len(needle))
        at_other = at + (len(line_end) - 1) * text.count("\n", 0, at)
        offered = complete(other, at_other, analysis.index, braces(other)).candidates
        assert [c.label for c in offered] == [c.label for c in complete(text, at, analysis.index, braces(text)).candidates]
        assert offered, needle
    assert folds(Lines(other), braces(other)) == folds(Lines(text), braces(text))


def test_completion_offers_what_each_kind_of_expect_names() -> None:
    scale = ["very strong", "strong", "good", "satisfactory", "weak"]
    assert _complete(PARENT, "expect section B", shift=len("expect section "))[:4] == ["A", "B", "C", "D"]
    assert "A1.psr_timeliness" in _complete(PARENT, "expect item A1.psr_timeliness", shift=len("expect item "))
    assert _complete(PARENT, "expect item A1.psr_timeliness rating weak", shift=len("expect item A1.psr_timeliness rating ")) == scale
    assert _complete(PARENT, "expect bands npd_rating", shift=len("expect bands ")) == ["npd_rating"]
    assert "enforcement" in _complete(PARENT, "bands npd_rating for measure enforcement", shift=len("bands npd_rating for measure "))
    assert _complete(PARENT, "for measure enforcement gives weak", shift=len("for measure enforcement gives ")) == scale
    grades = ["Very well met", "Well met", "Satisfactorily met", "Partly met", "Not met", "Poor"]
    assert _complete(PARENT, "expect section B score 49%", insert="\n  expect overall grade ", shift=len("expect section B score 49%")) == grades


def test_completion_offers_facts_after_fact_and_the_ladder_after_no_better_than() -> None:
    cqc = (EXAMPLES.parent.parent.parent / "examples" / "frameworks" / "cqc" / "cqc.esi").resolve()
    line = 'no better than "Requires improvement" when fact breach'
    for typed, offered in (('no better than "Requires improvement" when fact ', ["breach", "no_registered_manager"]),
                           ("no better than ", ["Outstanding", "Good", "Requires improvement", "Inadequate"])):
        text = cqc.read_text("utf-8").replace(line, typed, 1)
        _, analysis, _ = _analyse(cqc, text)
        at = text.index(typed) + len(typed)
        labels = [c.label for c in complete(text, at, analysis.index, braces(text)).candidates]
        assert labels[: len(offered)] == offered, labels


def test_a_new_line_after_a_rule_that_counts_criteria_offers_the_ladder() -> None:
    """`... on at least 2 criteria` ends a rule: the next line starts one with a grade, not a list of criteria."""
    cqc = (EXAMPLES.parent.parent.parent / "examples" / "frameworks" / "cqc" / "cqc.esi").resolve()
    line = "  Inadequate when exactly Inadequate on at least 2 criteria"
    text = cqc.read_text("utf-8").replace(line, line + "\n  ", 1)
    _, analysis, _ = _analyse(cqc, text)
    at = text.index(line) + len(line) + 3
    labels = [c.label for c in complete(text, at, analysis.index, braces(text)).candidates]
    assert labels[:4] == ["Outstanding", "Good", "Requires improvement", "Inadequate"] and "safe" not in labels


def test_after_an_attribute_in_a_condition_the_comparisons_come_first() -> None:
    offered = _complete(PARENT, "applies when risk_of_harm >= high", shift=len("applies when risk_of_harm "))
    assert offered[:7] == [">=", "<=", ">", "<", "=", "!=", "in"]


def test_completion_offers_what_a_derived_ruleset_can_change() -> None:
    questions = _complete(CHILD, "exclude source offender_interview\n", "remove question ")
    assert questions[:2] == ["B1.start", "B1.review_16wk"] and "C2.smart_review" in questions
    assert _complete(CHILD, "exclude source offender_interview\n", "change section ") == ["A", "B", "C", "D"]
    assert _complete(CHILD, "exclude source offender_interview\n", "change class ") == ["critical", "important"]
    assert "B4" in _complete(CHILD, "exclude source offender_interview\n", "replace in criterion ")
    assert "B4" in _complete(CHILD, "exclude source offender_interview\n", "add to criterion ")
    assert "npd_rating" in _complete(CHILD, "exclude source offender_interview\n", "remove bands ")


def test_completion_reads_past_a_half_typed_line_above() -> None:
    text = PARENT.read_text("utf-8")
    at = offset_of(text, "question B1.review_16wk")
    half = text[:at] + "question B1.x \"unfinished\n      " + text[at:]
    _, analysis, _ = _analyse(PARENT)
    cursor = offset_of(half, "      source case_file", 13, 2)
    labels = [c.label for c in complete(half, cursor, analysis.index, braces(half)).candidates]
    assert "case_file" in labels


def test_completion_inside_an_opening_quote_offers_the_values_that_fit_there() -> None:
    """`expect grade "Ve|`: the ladder's grades, replacing from the quote (to the closing quote,
    as an editor types it with the opening one); a quote that pairs with the opening quote of
    later text on the line replaces nothing past the cursor; quoted text that is not a value (a
    title) offers nothing."""
    _, analysis, text = _analyse(PARENT)
    grade = '"Very well met"'
    at = offset_of(text, "expect grade " + grade, len("expect grade "))
    for typed, cursor, end in (('"Ve', 3, None), ('""', 1, 2), ('"Ve"', 3, 4)):
        changed = text[:at] + typed + text[at + len(grade) :]
        found = complete(changed, at + cursor, analysis.index, braces(changed))
        assert [c.insert for c in found.candidates][:2] == ['"Very well met"', '"Well met"'], typed
        assert (found.start, found.end, found.typed) == (at, None if end is None else at + end, '"')
    rating = '"very strong"'
    at = offset_of(text, "given ratings A5.sentencer_views " + rating, len("given ratings A5.sentencer_views "))
    changed = text[:at] + '"v' + text[at + len(rating) :]  # pairs with `A5.proposals "`
    found = complete(changed, at + 2, analysis.index, braces(changed))
    assert [c.insert for c in found.candidates] == ['"very strong"', "strong", "good", "satisfactory", "weak"]
    assert found.end is None
    at = offset_of(text, 'title "', len("title "))
    assert complete(text, at + 3, analysis.index, braces(text)).candidates == ()


# --- outline -------------------------------------------------------------------------------------


def test_symbols_nest_sections_criteria_questions_and_values() -> None:
    _, analysis, _ = _analyse(PARENT)
    found = symbols(analysis.tree)
    kinds = [s.kind for s in found]
    assert kinds.count("section") == 4 and "grading" in kinds and "bands" in kinds and kinds.count("test") == 13
    scale = next(s for s in found if s.name == "answer")
    assert [v.name for v in scale.children] == ["yes", "partly", "no"]
    section_d = next(s for s in found if s.name == "D")
    assert [c.name for c in section_d.children] == ["D1", "D2", "D3", "D4"]
    assert [i.kind for i in section_d.children[2].children] == ["item"] * 4


@pytest.mark.parametrize(("typed", "offered"), [
    ("answers on ", ["answer", "performance", "grade"]),
    ("answers on answer, met when ", ["yes", "partly", "no", "n/a", "at"]),
    ("answers on answer, met when yes or ", ["yes", "partly", "no", "n/a"]),
])
def test_completion_at_the_end_of_a_line_left_unfinished_reads_the_names_of_the_new_text(typed: str, offered: list[str]) -> None:
    """The line's next word was read as the end of the unfinished line, so the salvage left out the
    next line, then the next, and gave up: no names at all, where the one line to leave out is the
    unfinished one."""
    text = PARENT.read_text("utf-8").replace("answers on answer, met when yes", typed, 1)
    _, analysis, _ = _analyse(PARENT, text)
    at = text.index(typed) + len(typed)
    assert [c.label for c in complete(text, at, analysis.index, braces(text)).candidates] == offered


def test_a_block_left_open_drops_out_alone_from_the_outline_and_hover() -> None:
    """The `}` of criterion B2 deleted: the rest of the file still outlines and hovers (it all
    dropped out: the block was closed at the file's end, so every later criterion was inside B2)."""
    text = PARENT.read_text("utf-8")
    closing = text.rindex("}", 0, text.index("# Original 50% (adjusted 46%)"))
    broken = text[:closing] + " " + text[closing + 1 :]
    _, analysis, _ = _analyse(PARENT, broken)
    found = symbols(analysis.tree)
    assert [s.name for s in found if s.kind == "section"] == ["A", "B", "C", "D"]
    section_c = next(s for s in found if s.name == "C")
    assert [c.name for c in section_c.children][:3] == ["C1", "C2", "C3"]
    occurrence = analysis.index.at(str(PARENT), offset_of(broken, "graded by management", 11, 3))
    assert occurrence is not None and occurrence.key == ("management",)


def test_folds_cover_blocks_comment_runs_and_long_text() -> None:
    text = "# one\n# two\nsection A \"a\" {\n  description \"\"\"x\n  y\"\"\"\n  criterion A1 \"b\" {\n  }\n}\n"
    found = {(f.start_line, f.end_line, f.kind) for f in folds(Lines(text), braces(text))}
    assert found == {(0, 1, "comment"), (2, 6, None), (3, 4, None), (5, 6, None)}


def test_hover_in_a_derived_ruleset_tells_what_it_leaves_out() -> None:
    """The follow-up's `exclude source offender_interview` leaves C3.offender_view out: its hover
    there says so (its test expects C3 at 75%, 3 of 4 answers), and its parent's does not."""
    question = _hover(CHILD, "given answers C3.offender_view", 14)
    assert question.endswith("left out of this ruleset's scoring by `exclude source offender_interview`")
    assert "numerical in section C: 3 questions (1 left out here)" in _hover(CHILD, "expect criterion C3", 17)
    assert _hover(PARENT, "question C3.offender_view", 10).endswith("applies to every case")
