"""The model diff: each kind of change between two small rulesets, in words, with both locations.

Each test edits one thing in a small ruleset and checks the change record: its words, and the
lines it points at, found in the texts themselves (not taken from the program's output).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from esirules.authoring.changes import Change, match
from esirules.authoring.diff import RulesetDiff, diff_rulesets
from esirules.authoring.written import read_rulesets

BASE = """\
ruleset "base" version "1"
title "Base inspection"
rounding: whole percent, halves up
scale answer: yes > partly > no, not applicable "n/a"
scale performance: "very strong" > strong > good > satisfactory > weak
ladder grade: "Well met" > "Partly met" > "Not met"
answers on answer, met when yes
attribute risk_of_harm "Risk of harm": ordered low < medium < high < "very high"
attribute order_type "Order": cro, cpo, licence
source case_file "Case file"
source interview "Interview with the offender"
class critical weight 2
class important weight 1

grading management "Management" {
  items rated on performance
  grades from grade
  "Well met" when at least strong on each item
  "Partly met" when at least good on the majority of items and at least satisfactory on the others
  "Not met" otherwise
}

bands quality on grade {
  "Well met" when score at least 80%
  "Partly met" when score at least 50%
  "Not met" otherwise
}

section A "Management" {
  criterion A1 "Leadership" {
    graded by management
    allows adjustment
    item A1.plan "Plans are made"
    item A1.review "Plans are reviewed"
  }
}

section B "Assessment" weight 40% {
  criterion B1 "Risk" critical {
    question B1.start "Assessed at the start" source case_file
    question B1.plan "Plan made" source case_file
      applies when risk_of_harm >= high
  }
  criterion B2 "Records" important {
    question B2.kept "Records kept" source interview
  }
  score: weighted mean of criteria
}

section C "Interventions" weight 60% {
  criterion C1 "Delivery" critical {
    question C1.done "Delivered" source case_file
  }
}

overall "Overall" {
  score: weighted mean of sections B, C
}

sample feb "February"
"""


def line_of(text: str, words: str, nth: int = 1) -> int:
    """The line of the `nth` line of `text` that contains `words`."""
    found = [number for number, line in enumerate(text.splitlines(), start=1) if words in line]
    assert len(found) >= nth, f"{words!r} is not in the text"
    return found[nth - 1]


def diff_texts(tmp_path: Path, old: str, new: str, files: dict[str, str] | None = None) -> RulesetDiff:
    for name, content in (files or {}).items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    (tmp_path / "old.esi").write_text(old, encoding="utf-8")
    (tmp_path / "new.esi").write_text(new, encoding="utf-8")
    (before, after), _, _ = read_rulesets([str(tmp_path / "old.esi"), str(tmp_path / "new.esi")])
    return diff_rulesets(before, after)


def edited(tmp_path: Path, old: str, new: str) -> tuple[list[Change], str]:
    """The changes made by replacing `old` with `new` in BASE, and the new text."""
    assert old in BASE
    text = BASE.replace(old, new, 1)
    return list(diff_texts(tmp_path, BASE, text).changes), text


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, [c.words() for c in changes]
    return changes[0]


def lines(change: Change) -> tuple[int | None, int | None]:
    return (
        None if change.old_at is None else change.old_at.line,
        None if change.new_at is None else change.new_at.line,
    )


def test_identical_rulesets_have_no_changes(tmp_path):
    diff = diff_texts(tmp_path, BASE, BASE)
    assert diff.identical
    assert diff.changes == ()


def test_comments_and_layout_are_not_changes(tmp_path):
    relaid = BASE.replace('question B1.start "Assessed at the start" source case_file',
                          '# asked of every case\n    question B1.start "Assessed at the start"\n      source case_file')
    assert diff_texts(tmp_path, BASE, relaid).identical


def test_section_weight(tmp_path):
    change, text = edited(tmp_path, 'section C "Interventions" weight 60%', 'section C "Interventions" weight 45%')
    change = only(change)
    assert change.words() == "section C: weight 60% → 45%"
    assert lines(change) == (line_of(BASE, "section C"), line_of(text, "section C"))


def test_band_threshold(tmp_path):
    found, text = edited(tmp_path, '"Partly met" when score at least 50%', '"Partly met" when score at least 45%')
    change = only(found)
    assert change.words() == "band `Partly met` of `quality`: score at least 50% → 45%"
    assert lines(change) == (line_of(BASE, "score at least 50%"), line_of(text, "score at least 45%"))


def test_band_test_of_another_shape_is_shown_whole(tmp_path):
    found, _ = edited(tmp_path, '"Partly met" when score at least 50%', '"Partly met" when score above 50%')
    assert only(found).words() == "band `Partly met` of `quality` reworded: score at least 50% → score above 50%"


def test_band_row_removed_and_bands_ties(tmp_path):
    found, _ = edited(tmp_path, '  "Partly met" when score at least 50%\n  "Not met" otherwise\n}',
                      '  "Not met" otherwise\n  ties: rounded\n}')
    words = {c.words() for c in found}
    assert "bands `quality`: ties exact → rounded" in words
    removed = next(c for c in found if c.action == "removed")
    assert removed.headline() == "band `Partly met` of `quality` removed"
    assert removed.old == "when score at least 50% (2nd of 3)"
    assert lines(removed) == (line_of(BASE, "score at least 50%"), None)


def test_grading_rule_reworded(tmp_path):
    found, text = edited(tmp_path, "at least good on the majority of items", "at least good on some items")
    change = only(found)
    assert change.headline() == 'the rule for "Partly met" in grading `management` reworded'
    assert change.old == "at least good on the majority of items and at least satisfactory on the others"
    assert change.new == "at least good on some items and at least satisfactory on the others"
    assert lines(change) == (line_of(BASE, '"Partly met" when at least'), line_of(text, '"Partly met" when at least'))


def test_grading_rule_moved_is_reordered_not_reworded(tmp_path):
    well = '  "Well met" when at least strong on each item\n'
    partly = '  "Partly met" when at least good on the majority of items and at least satisfactory on the others\n'
    found, _ = edited(tmp_path, well + partly, partly + well)
    change = only(found)
    assert change.action == "reordered"
    assert change.words() == (
        'grading `management`: order of rules "Well met", "Partly met", "Not met" → "Partly met", "Well met", "Not met"'
    )
    assert change.note == "the first that holds gives the grade"


def test_grading_rule_added_with_its_place(tmp_path):
    found, text = edited(tmp_path, '  "Not met" otherwise', '  "Not met" when at best weak on each item\n  "Not met" otherwise')
    change = only(found)
    assert change.action == "added"
    assert change.words() == 'the rule for "Not met" in grading `management` added: when at best weak on each item (3rd of 4)'
    assert lines(change) == (None, line_of(text, "at best weak on each item"))


def test_question_added_to_a_criterion(tmp_path):
    found, text = edited(tmp_path, '    question B1.start "Assessed at the start" source case_file\n',
                         '    question B1.start "Assessed at the start" source case_file\n'
                         '    question B1.review "Reviewed" source case_file\n')
    change = only(found)
    assert change.words() == "question B1.review added to criterion B1: “Reviewed”, source case_file, met when yes"
    assert lines(change) == (None, line_of(text, "B1.review"))


def test_question_removed_from_a_criterion(tmp_path):
    text = BASE.replace('    question B2.kept "Records kept" source interview\n',
                        '    question B2.kept "Records kept" source interview\n    question B2.x "X"\n')
    change = only(list(diff_texts(tmp_path, text, BASE).changes))
    assert change.words() == "question B2.x removed from criterion B2: “X”, met when yes"
    assert lines(change) == (line_of(text, "B2.x"), None)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('"Plan made" source case_file\n      applies when risk_of_harm >= high',
         '"Plan made" source case_file\n      applies when risk_of_harm >= medium',
         "question B1.plan: applies when risk_of_harm >= high → risk_of_harm >= medium"),
        ('"Plan made" source case_file\n      applies when risk_of_harm >= high', '"Plan made" source case_file',
         "question B1.plan: applies when risk_of_harm >= high → every case"),
        ('"Assessed at the start" source case_file', '"Assessed well at the start" source case_file',
         "question B1.start: text “Assessed at the start” → “Assessed well at the start”"),
        ('"Assessed at the start" source case_file', '"Assessed at the start" source interview',
         "question B1.start: source case_file → interview"),
        ('"Assessed at the start" source case_file', '"Assessed at the start" source case_file met when yes or partly',
         "question B1.start: met when yes → yes or partly"),
        ('"Assessed at the start" source case_file', '"Assessed at the start" source case_file weight 2',
         "question B1.start: weight 1 → 2"),
    ],
)
def test_question_aspects(tmp_path, old, new, words):
    found, text = edited(tmp_path, old, new)
    change = only(found)
    assert change.words() == words
    qid = words.split(":")[0].split()[1]
    assert change.old_at is not None and change.new_at is not None
    assert line_of(BASE, qid) <= change.old_at.line <= line_of(BASE, qid) + 1
    assert line_of(text, qid) <= change.new_at.line <= line_of(text, qid) + 1


def test_items_added_removed_and_reworded(tmp_path):
    found, text = edited(tmp_path, '    item A1.plan "Plans are made"\n    item A1.review "Plans are reviewed"\n',
                         '    item A1.plan "Plans are made on time"\n    item A1.budget "The budget is set" weight 2\n')
    words = {c.words() for c in found}
    assert words == {
        "item A1.plan: text “Plans are made” → “Plans are made on time”",
        "item A1.budget added to criterion A1: “The budget is set”, weight 2",
        "item A1.review removed from criterion A1: “Plans are reviewed”",
    }
    budget = next(c for c in found if c.action == "added")
    assert lines(budget) == (None, line_of(text, "A1.budget"))


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('criterion B2 "Records" important', 'criterion B2 "Records" critical',
         "criterion B2: weight important (1) → critical (2)"),
        ('criterion B2 "Records" important', 'criterion B2 "Case records" important',
         "criterion B2: title “Records” → “Case records”"),
        ("    allows adjustment\n", "", "criterion A1: allows adjustment yes → no"),
        ('criterion C1 "Delivery" critical {\n', 'criterion C1 "Delivery" critical {\n    pooling: mean of questions\n',
         "criterion C1: pooling pooled → mean of questions"),
        ('criterion C1 "Delivery" critical {\n', 'criterion C1 "Delivery" critical {\n    graded by quality\n',
         "criterion C1: graded by nothing → quality"),
        ('criterion C1 "Delivery" critical {\n', 'criterion C1 "Delivery" critical {\n    description "Work is done."\n',
         "criterion C1: description none → “Work is done.”"),
    ],
)
def test_criterion_aspects(tmp_path, old, new, words):
    found, text = edited(tmp_path, old, new)
    change = only(found)
    assert change.words() == words
    cid = words.split(":")[0].split()[1]
    assert lines(change)[0] == line_of(BASE, f"criterion {cid}")
    assert lines(change)[1] == line_of(text, f"criterion {cid}") or "pooling" in words


def test_weight_class_changed_once_not_for_each_criterion(tmp_path):
    found, text = edited(tmp_path, "class critical weight 2", "class critical weight 3")
    change = only(found)
    assert change.words() == "weight class `critical`: weight 2 → 3"
    assert change.note == "criteria of this class: B1, C1"
    assert lines(change) == (line_of(BASE, "class critical"), line_of(text, "class critical"))


def test_rounding(tmp_path):
    found, text = edited(tmp_path, "rounding: whole percent, halves up", "rounding: 1 decimal place, halves even")
    change = only(found)
    assert change.words() == "rounding: figures shown to whole percent, halves up → 1 decimal place, halves even"
    assert lines(change) == (line_of(BASE, "rounding"), line_of(text, "rounding"))


def test_title(tmp_path):
    found, text = edited(tmp_path, 'title "Base inspection"', 'title "Base inspection, revised"')
    change = only(found)
    assert change.words() == "the ruleset: title “Base inspection” → “Base inspection, revised”"
    assert lines(change) == (line_of(BASE, "title"), line_of(text, "title"))


def test_criterion_moved_to_another_section_and_order(tmp_path):
    b2 = '  criterion B2 "Records" important {\n    question B2.kept "Records kept" source interview\n  }\n'
    text = BASE.replace(b2, "").replace(
        '  criterion C1 "Delivery" critical {', b2 + '  criterion C1 "Delivery" critical {'
    )
    found = list(diff_texts(tmp_path, BASE, text).changes)
    assert [c.words() for c in found] == ["criterion B2: section B → C"]
    assert lines(found[0]) == (line_of(BASE, "criterion B2"), line_of(text, "criterion B2"))


def test_criteria_reordered_in_a_section(tmp_path):
    b1 = BASE[BASE.index('  criterion B1'):BASE.index('  criterion B2')]
    b2 = BASE[BASE.index('  criterion B2'):BASE.index('  score: weighted mean of criteria')]
    text = BASE.replace(b1 + b2, b2 + b1)
    change = only(list(diff_texts(tmp_path, BASE, text).changes))
    assert change.words() == "section B: order of criteria B1, B2 → B2, B1"


def test_section_added_and_removed(tmp_path):
    section_c = BASE[BASE.index('section C "Interventions"'):BASE.index('overall "Overall"')]
    text = BASE.replace(section_c, section_c.replace("section C", "section D").replace("C1", "D1")).replace(
        "sections B, C", "sections B, D"
    )
    found = list(diff_texts(tmp_path, BASE, text).changes)
    words = [c.words() for c in found]
    assert "section D added: “Interventions”, weight 60%, criteria D1" in words
    assert "section C removed: “Interventions”, weight 60%, criteria C1" in words
    assert "criterion D1 added to section D: “Delivery”, critical (2), 1 question" in words
    assert "the overall: score weighted mean of sections B, C → weighted mean of sections B, D" in words


def test_samples(tmp_path):
    found, text = edited(tmp_path, 'sample feb "February"',
                         'sample feb "February" {\n  sections A, B\n}\nsample sep "September" {\n  without questions B1.plan\n}')
    words = [c.words() for c in found]
    assert words == [
        "sample `feb`: sections all → A, B",
        "sample `sep` added: “September”, sections all, without questions B1.plan",
    ]
    assert lines(found[1]) == (None, line_of(text, "sample sep"))


def test_vocabulary(tmp_path):
    found, text = edited(tmp_path, 'attribute order_type "Order": cro, cpo, licence',
                         'attribute order_type "Order": cro, cpo, licence, dtto\nsource staff "Staff"')
    words = [c.words() for c in found]
    assert words == [
        "attribute `order_type`: values cro, cpo, licence → cro, cpo, licence, dtto",
        "source `staff` added: title “Staff”",
    ]
    assert lines(found[0]) == (line_of(BASE, "attribute order_type"), line_of(text, "attribute order_type"))


def test_scale_value_added(tmp_path):
    found, _ = edited(tmp_path, "scale answer: yes > partly > no,", "scale answer: yes > mostly > partly > no,")
    assert only(found).words() == "scale `answer`: values yes > partly > no → yes > mostly > partly > no"


# ---------------------------------------------------------------------------------------------
# A derived ruleset against its parent


CHILD = """\
ruleset "child" version "2"
extends "old.esi"

exclude cases where order_type = cpo
exclude source interview
exclude question B1.start

replace criterion B1 "Risk" critical {
  question B1.start "Assessed at the start" source case_file
  question B1.plan "Plan made" source case_file
    applies when risk_of_harm = "very high"
}
"""


def test_derived_ruleset_diffs_against_its_parent(tmp_path):
    diff = diff_texts(tmp_path, BASE, CHILD)
    assert diff.new.parent is not None
    words = [c.words() for c in diff.changes]
    assert words == [
        "the ruleset: extends nothing → base",
        'question B1.plan: applies when risk_of_harm >= high → risk_of_harm = "very high"',
        "the exclusion of cases where `order_type = cpo` added",
        "the exclusion of source `interview` added",
        "the exclusion of question `B1.start` added",
    ]
    applies = diff.changes[1]
    # the old side is in the parent's file, the new side in the derived file
    assert applies.old_at is not None and applies.new_at is not None
    assert applies.old_at.file.endswith("old.esi") and applies.old_at.line == line_of(BASE, "applies when")
    assert applies.new_at.file.endswith("new.esi") and applies.new_at.line == line_of(CHILD, "applies when")
    exclusions = diff.in_area("exclusions")
    assert [c.new_at.line for c in exclusions if c.new_at] == [
        line_of(CHILD, "exclude cases"), line_of(CHILD, "exclude source"), line_of(CHILD, "exclude question")
    ]
    assert exclusions[1].note == "questions B2.kept are left out"


def test_two_children_of_one_parent(tmp_path):
    """Both sides inherit the base; only what differs between the children shows."""
    (tmp_path / "base.esi").write_text(BASE, encoding="utf-8")
    one = CHILD.replace('extends "old.esi"', 'extends "base.esi"')
    two = one.replace('ruleset "child" version "2"', 'ruleset "child" version "3"').replace(
        "exclude source interview\n", ""
    )
    diff = diff_texts(tmp_path, one, two)
    assert [c.words() for c in diff.changes] == ["the exclusion of source `interview` removed"]
    assert diff.changes[0].note == "questions B2.kept count again"


EXAMPLES = sorted(str(p) for p in (Path(__file__).resolve().parent.parent / "docs" / "examples").glob("*/*.esi"))


@pytest.mark.parametrize("old", EXAMPLES, ids=[Path(p).name for p in EXAMPLES])
def test_example_rulesets_diff_against_themselves_and_the_next(old):
    new = EXAMPLES[(EXAMPLES.index(old) + 1) % len(EXAMPLES)]
    (before, after), _, _ = read_rulesets([old, new])
    assert diff_rulesets(before, before).identical
    diff = diff_rulesets(before, after)
    assert not diff.identical
    for change in diff.changes:
        for span in (change.old_at, change.new_at):
            if span is not None:
                text = Path(span.file).read_text(encoding="utf-8")
                assert 1 <= span.line <= len(text.splitlines()), change.words()
        assert change.old_at is not None or change.new_at is not None, change.words()


# ---------------------------------------------------------------------------------------------
# Matching


def test_match_pairs_equal_first_then_by_identity():
    old = [("a", 1), ("b", 1), ("a", 2)]
    new = [("a", 2), ("b", 2), ("c", 1)]
    matching = match(old, new, lambda x: x[0])
    assert matching.pairs == ((2, 0), (1, 1))
    assert matching.removed == (0,)
    assert matching.added == (2,)
    assert matching.reordered  # ("a", 2) came after ("b", 1) and now comes before ("b", 2)
    assert not match([1, 2, 3], [1, 3], lambda x: x).reordered
    assert match([1, 2, 3], [3, 1, 2], lambda x: x).reordered
