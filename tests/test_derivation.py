"""Derivation: a ruleset that extends another replaces, removes, changes and adds to what it declares.

Source text in, resolved model (or located diagnostics) out. The parent is held in memory
(`MemorySources`), so every span names `base.esi` or `child.esi`.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from esirules.language import model as m
from esirules.language.check import Checked, check_file
from esirules.language.sources import MemorySources

F = Fraction

BASE = """\
ruleset "base" version "1"
title "Base"
scale answer: yes > partly > no, not applicable "n/a"
scale performance: "very strong" > strong > good > satisfactory > weak
ladder grade: "Well met" > "Partly met" > "Not met"
answers on answer, met when yes
attribute risk_of_harm "Risk of harm": ordered low < medium < high < "very high"
source case_file "Case file"
source interview "Interview"
class critical weight 2
class important weight 1
measure completions "Programme completions" in percent

bands rating on performance {
  strong when performance at least 100%
  satisfactory when performance at least 90%
  weak otherwise
}

grading management {
  items rated on performance
  grades from grade
  measures rated by rating
  "Well met" when at least strong on each item
  "Partly met" when at least satisfactory on the majority of items
  "Not met" otherwise
}

section A "Management" {
  criterion A1 "Leadership" {
    graded by management
    item A1.plan "Plans are reviewed"
    item A1.staff "Staff are supervised"
    item A1.completions from measure completions
  }
}

section B "Assessment" weight 40% {
  score: weighted mean of criteria
  criterion B1 "Risk" critical {
    question B1.start "Assessed at the start" source case_file
    question B1.review "Reviewed" source case_file applies when risk_of_harm >= high
  }
  criterion B2 "Needs" important {
    question B2.needs "Needs assessed" source interview
  }
}

section C "Interventions" weight 60% {
  score: weighted mean of criteria
  criterion C1 "Delivery" critical {
    question C1.delivered "Delivered as planned" source case_file
  }
}

overall "Overall" { score: weighted mean of sections B, C }
"""

HEAD = 'ruleset "child" version "2"\nextends "base.esi"\n'


def check(child: str, *, head: str = HEAD, base: str = BASE, more: dict[str, str] | None = None) -> Checked:
    texts = {"base.esi": base.encode(), "child.esi": (head + child).encode()}
    texts.update({name: text.encode() for name, text in (more or {}).items()})
    return check_file("child.esi", sources=MemorySources(texts))


def derive(child: str, **kw: object) -> m.Ruleset:
    checked = check(child, **kw)  # type: ignore[arg-type]
    assert checked.ruleset is not None and checked.diagnostics == [], [
        (d.code, d.message, d.span.line) for d in checked.diagnostics
    ]
    return checked.ruleset


def problems(child: str, **kw: object) -> list[tuple[str, int, int, str]]:
    """(code, line, column, message) of each diagnostic."""
    checked = check(child, **kw)  # type: ignore[arg-type]
    assert checked.ruleset is None
    return [(d.code, d.span.line, d.span.column, d.message) for d in checked.diagnostics]


# --- replace ---------------------------------------------------------------------------------


def test_replace_bands_puts_the_new_rows_in_place_of_the_old():
    child = derive("""\
replace bands rating on performance {
  strong when performance at least 100%
  satisfactory when performance at least 85%
  weak otherwise
}
""")
    bands = child.band_set("rating")
    assert [(b.value, [t.operand for t in b.tests]) for b in bands.bands] == [
        ("strong", [F(1)]), ("satisfactory", [F(85, 100)]), ("weak", []),
    ]
    # Where each element finally came from: the replacement's lines, in the derived file.
    assert (bands.span.file, bands.span.line) == ("child.esi", 3)
    assert [(b.span.file, b.span.line) for b in bands.bands] == [("child.esi", 4), ("child.esi", 5), ("child.esi", 6)]
    assert child.parent is not None and child.parent.band_set("rating").bands[1].tests[0].operand == F(9, 10)
    assert child.derived == (m.Derived("replaced", "bands", "rating"),)
    assert child.derived[0].span.line == 3
    # The grading still rates measures by the bands of that name: now the replacement.
    assert child.grading("management").measure_bands == "rating"


def test_replace_grading():
    child = derive("""\
replace grading management "Management, revised" {
  items rated on performance
  grades from grade
  "Well met" when at least good on each item
  "Not met" otherwise
}
""")
    grading = child.grading("management")
    assert (grading.label, [r.grade for r in grading.rules]) == ("Management, revised", ["Well met", "Not met"])
    assert grading.measure_bands is None  # what the replacement does not say, it does not keep
    assert grading.rules[0].clauses[0].value == "good"
    assert grading.span.file == "child.esi"


def test_replace_criterion_keeps_its_place_and_section():
    child = derive('replace criterion B1 "Risk, revised" important { question B1.new "New" }\n')
    assert [c.id for c in child.section("B").criteria] == ["B1", "B2"]
    b1 = child.criterion("B1")
    assert (b1.title, b1.weight, [q.id for q in b1.questions]) == ("Risk, revised", F(1), ["B1.new"])
    assert b1.span.file == "child.esi"


def test_replace_in_a_criterion_puts_each_question_and_item_in_place_of_the_old():
    child = derive("""\
change question B1.review weight 3
replace in criterion B1 {
  question B1.review "Reviewed every 16 weeks" source interview
}
replace in criterion A1 {
  item A1.plan "Plans are reviewed yearly" weight 2
  item A1.staff "Staff are supervised monthly"
}
""")
    review = child.criterion("B1").questions[1]
    # What the replacement does not say, it does not keep: no condition, no weight from `change`.
    assert (review.id, review.text, review.source, review.applies, review.weight) == (
        "B1.review", "Reviewed every 16 weeks", "interview", None, 1)
    assert (review.span.file, review.span.line) == ("child.esi", 5)
    assert review.changed_at == ()
    assert [q.id for q in child.criterion("B1").questions] == ["B1.start", "B1.review"]
    items = child.criterion("A1").items
    assert [(i.id, i.text, i.weight) for i in items] == [
        ("A1.plan", "Plans are reviewed yearly", 2), ("A1.staff", "Staff are supervised monthly", 1),
        ("A1.completions", "Programme completions", 1),
    ]
    assert [(d.action, d.kind, d.name, d.span.line) for d in child.derived] == [
        ("changed", "question", "B1.review", 3), ("replaced", "question", "B1.review", 5),
        ("replaced", "item", "A1.plan", 8), ("replaced", "item", "A1.staff", 9),
    ]


# --- remove ----------------------------------------------------------------------------------


def test_remove_a_question_and_an_item():
    child = derive("remove question B1.review\nremove item A1.staff\n")
    assert [q.id for q in child.criterion("B1").questions] == ["B1.start"]
    assert [i.id for i in child.criterion("A1").items] == ["A1.plan", "A1.completions"]
    assert [(d.action, d.kind, d.name, d.span.line) for d in child.derived] == [
        ("removed", "question", "B1.review", 3), ("removed", "item", "A1.staff", 4),
    ]


def test_remove_a_criterion_takes_its_questions_with_it():
    child = derive("remove criterion B2\n")
    assert [c.id for c in child.section("B").criteria] == ["B1"]
    assert "B2.needs" not in {q.id for q in child.questions()}
    assert [(d.action, d.kind, d.name) for d in child.derived] == [
        ("removed", "criterion", "B2"), ("removed", "question", "B2.needs"),
    ]


def test_remove_a_section_with_everything_in_it():
    # Section A holds A1, the only criterion graded by `management`, which alone rates by `rating`.
    child = derive("remove section A\nremove grading management\nremove bands rating\n")
    assert [s.id for s in child.sections] == ["B", "C"]
    assert (child.gradings, child.bands) == ((), ())
    assert [(d.action, d.kind, d.name) for d in child.derived[:5]] == [
        ("removed", "section", "A"), ("removed", "criterion", "A1"), ("removed", "item", "A1.plan"),
        ("removed", "item", "A1.staff"), ("removed", "item", "A1.completions"),
    ]


def test_remove_bands_and_grading_once_nothing_uses_them():
    # The grading that rated measures by the bands is replaced first, without them.
    child = derive("""\
replace grading management {
  items rated on performance
  grades from grade
  "Well met" when at least strong on each item
  "Not met" otherwise
}
remove bands rating
remove item A1.completions
""")
    assert child.bands == ()
    assert child.grading("management").measure_bands is None


# --- change ----------------------------------------------------------------------------------


def test_change_a_section():
    child = derive("""\
change section C weight 45%
change section B weight 55%
change section B title "Quality of assessment"
change section B description "Read from case files."
""")
    b, c = child.section("B"), child.section("C")
    assert (b.weight, c.weight, b.title, b.description) == (F(55, 100), F(45, 100), "Quality of assessment",
                                                              "Read from case files.")
    assert b.span.file == "base.esi"  # the declaration stays where it is written ...
    assert b.written_at("weight").line == 4  # ... and its changed parts are written here
    assert b.written_at("title").line == 5 and b.written_at("description").line == 6
    assert c.written_at("title") == c.span  # a part no `change` set is written with the declaration


def test_change_a_criterion_weight_class_title_and_description():
    child = derive("""\
change criterion B1 class important
change criterion B2 weight 3
change criterion C1 title "Delivery of interventions"
change criterion C1 description "As planned."
""")
    b1, b2, c1 = child.criterion("B1"), child.criterion("B2"), child.criterion("C1")
    assert (b1.weight, b1.weight_class) == (F(1), "important")
    assert (b2.weight, b2.weight_class) == (F(3), None)
    assert (c1.title, c1.description) == ("Delivery of interventions", "As planned.")
    changed = b1.changed_by_derivation("class")
    assert changed is not None and changed.line == 3


def test_change_a_class_weight_changes_every_criterion_of_the_class():
    child = derive("change class critical weight 3\n")
    assert dict(child.weight_classes)["critical"] == 3
    assert child.criterion("B1").weight == child.criterion("C1").weight == 3
    assert child.criterion("B2").weight == 1
    # The criteria of the class cite the `change class` line for their weight.
    assert child.criterion("B1").changed_by_derivation("weight").line == 3  # type: ignore[union-attr]
    assert child.criterion("B2").changed_by_derivation("weight") is None


def test_change_every_part_of_a_question():
    child = derive("""\
change question B1.review text "Reviewed every 16 weeks"
change question B1.review source interview
change question B1.review applies when risk_of_harm >= medium
change question B1.review met when at least partly
change question B1.review weight 2
""")
    question = child.criterion("B1").questions[1]
    assert (question.text, question.source, question.weight) == ("Reviewed every 16 weeks", "interview", 2)
    assert question.applies == m.Comparison("risk_of_harm", ">=", "medium")
    assert question.met == frozenset({"yes", "partly"})
    assert question.met_span is not None and question.met_span.file == "child.esi"
    assert question.applies.span.file == "child.esi"
    assert [d.part for d in child.derived] == ["text", "source", "applies when", "met when", "weight"]


def test_change_an_items_text_and_weight():
    child = derive('change item A1.plan text "Plans are reviewed yearly"\nchange item A1.plan weight 2\n')
    item = child.criterion("A1").items[0]
    assert (item.text, item.weight) == ("Plans are reviewed yearly", 2)


def test_a_replaced_element_takes_its_changed_parts_with_it():
    child = derive('change criterion B1 title "T"\nreplace criterion B1 "Risk" critical { question B1.x "x" }\n')
    assert child.criterion("B1").changed_at == ()


# --- add to ----------------------------------------------------------------------------------


def test_add_questions_to_a_criterion_and_criteria_to_a_section():
    child = derive("""\
add to criterion B1 {
  question B1.victim "The victim's safety was considered" source case_file
}
add to criterion A1 { item A1.budget "The budget is balanced" weight 2 }
add to section C {
  criterion C2 "Review" important { question C2.reviewed "Reviewed" source case_file }
}
""")
    assert [q.id for q in child.criterion("B1").questions] == ["B1.start", "B1.review", "B1.victim"]
    victim = child.criterion("B1").questions[2]
    assert (victim.criterion, victim.source, victim.span.file) == ("B1", "case_file", "child.esi")
    assert child.criterion("A1").items[-1] == m.Item("A1.budget", "The budget is balanced", "A1", F(2))
    assert [c.id for c in child.section("C").criteria] == ["C1", "C2"]
    assert child.criterion("C2").section == "C"
    assert [(d.action, d.kind, d.name) for d in child.derived] == [
        ("added", "question", "B1.victim"), ("added", "item", "A1.budget"), ("added", "criterion", "C2"),
    ]


def test_a_new_section_is_simply_declared_and_the_overall_written_anew():
    child = derive("""\
section D "Outcomes" weight 20% { criterion D1 "Results" { question D1.x "x" } }
change section B weight 30%
change section C weight 50%
overall "Overall" { score: weighted mean of sections B, C, D }
""")
    assert [s.id for s in child.sections] == ["A", "B", "C", "D"]
    assert child.overall is not None and child.overall.score is not None
    assert child.overall.score.members == ("B", "C", "D")


def test_title_description_and_rounding_are_written_anew():
    child = derive('title "Child"\ndescription "New year"\nrounding: 1 decimal place\n')
    assert (child.title, child.description, child.rounding.places) == ("Child", "New year", 1)


# --- chains ----------------------------------------------------------------------------------


def test_a_grandchild_builds_on_what_its_parent_changed():
    # The middle ruleset's section weights add up to 100% too (the check warns otherwise, W009).
    middle = HEAD.replace('"child"', '"middle"') + """\
change section B weight 50%
add to criterion B1 { question B1.victim "Victim" }
remove question B1.review
change section C weight 50%
"""
    child = derive(
        "change question B1.victim source case_file\nchange section C weight 50%\n",
        head='ruleset "child"\nextends "middle.esi"\n', more={"middle.esi": middle},
    )
    assert [q.id for q in child.criterion("B1").questions] == ["B1.start", "B1.victim"]
    assert child.criterion("B1").questions[1].source == "case_file"
    assert (child.section("B").weight, child.section("C").weight) == (F(1, 2), F(1, 2))
    assert child.section("B").written_at("weight").file == "middle.esi"
    assert child.section("C").written_at("weight").file == "child.esi"
    assert [(d.action, d.name, d.span.file) for d in child.derived] == [
        ("changed", "B", "middle.esi"), ("added", "B1.victim", "middle.esi"), ("removed", "B1.review", "middle.esi"),
        ("changed", "C", "middle.esi"), ("changed", "B1.victim", "child.esi"), ("changed", "C", "child.esi"),
    ]


def test_the_checked_declarations_keep_the_statements_and_the_resolved_ones_apply_them():
    checked = check("remove question B1.review\n")
    assert any(type(d).__name__ == "Remove" for d in checked.declarations)
    assert not any(type(d).__name__ == "Remove" for d in checked.resolved)


# --- misuse ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("statement", "column", "message", "help"), [
    ("replace bands ratings on performance { weak otherwise }", 15,
     "`replace bands ratings` replaces nothing: no set of bands has that name", "did you mean `rating`?"),
    ('replace grading managment { items rated on performance grades from grade "Not met" otherwise }', 17,
     "`replace grading managment` replaces nothing: no grading has that name", "did you mean `management`?"),
    ('replace criterion B3 "x" { question B3.x "x" }', 19,
     "`replace criterion B3` replaces nothing: no criterion has that id", "known names are `A1`, `B1`, `B2`, `C1`"),
    ('replace criterion b1 "x" { question B3.x "x" }', 19,
     "`replace criterion b1` replaces nothing: no criterion has that id", "did you mean `B1`?"),
    ("remove question B1.reviews", 17,
     "`remove question B1.reviews` removes nothing: no question has that id", "did you mean `B1.review`?"),
    ("remove item A1.plans", 13, "`remove item A1.plans` removes nothing: no item has that id",
     "did you mean `A1.plan`?"),
    ("change section E weight 10%", 16, "`change section E` changes nothing: no section has that id",
     "known names are `A`, `B`, `C`"),
    ("change class critcal weight 3", 14, "`change class critcal` changes nothing: no weight class has that name",
     "did you mean `critical`?"),
    ('add to criterion B9 { question B9.x "x" }', 18, "`add to criterion B9` adds to nothing: no criterion has that id",
     "known names are `A1`, `B1`, `B2`, `C1`"),
    ('replace in criterion B1 { question B1.reveiw "x" }', 36, "criterion B1 has no question `B1.reveiw` to replace",
     "did you mean `B1.review`?"),
    ('replace in criterion A1 { item A1.training "x" }', 32, "criterion A1 has no item `A1.training` to replace",
     "to add an item, write `add to criterion A1 { ... }`"),
    ('replace in criterion B3 { question B3.x "x" }', 22,
     "`replace in criterion B3` replaces nothing: no criterion has that id", "known names are `A1`, `B1`, `B2`, `C1`"),
])
def test_a_statement_that_names_nothing(statement, column, message, help):
    checked = check(statement + "\n")
    (diagnostic,) = checked.diagnostics
    assert (diagnostic.code, diagnostic.span.file, diagnostic.span.line, diagnostic.span.column) == (
        "R070", "child.esi", 3, column)
    assert (diagnostic.message, diagnostic.help) == (message, help)


@pytest.mark.parametrize(("statement", "column", "message", "help"), [
    ("change section B wieght 45%", 18, "a section has no `wieght` to change", "did you mean `weight`?"),
    ("change section B class important", 18, "a section has no `class` to change",
     "the parts of a section that can be changed are `title`, `description` and `weight`"),
    ("change item A1.plan applies when risk_of_harm >= high", 21, "an item has no `applies when` to change",
     "the parts of an item that can be changed are `text` and `weight`"),
    ("change section B weight 45", 25, "the weight of a section is a percentage",
     "write it as in `change section B weight 45%`"),
    ("change criterion B1 weight 45%", 28, "the weight of a criterion is a number",
     "write it as in `change criterion B1 weight 2`"),
    ('change criterion B1 class "important"', 27, "the class of a criterion is a name",
     "write it as in `change criterion B1 class important`"),
    ("change question B1.start text Assessed", 31, "the text of a question is quoted text",
     'write it as in `change question B1.start text "..."`'),
])
def test_a_change_of_a_part_the_thing_does_not_have_or_of_the_wrong_kind(statement, column, message, help):
    checked = check(statement + "\n")
    (diagnostic,) = checked.diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("R072", 3, column)
    assert (diagnostic.message, diagnostic.help) == (message, help)


@pytest.mark.parametrize(("statement", "column", "message", "help"), [
    ("remove questions B1.review", 8,
     "a ruleset can remove a section, a criterion, a question, an item, a grading or a set of bands, not "
     "`questions`",
     "did you mean `question`?"),
    ("remove source interview", 8,
     "a ruleset can remove a section, a criterion, a question, an item, a grading or a set of bands, not "
     "`source`",
     "to leave cases, a source or a question out of the scores, write `exclude` instead"),
    ("change sectoin B weight 10%", 8,
     "a ruleset can change a section, a criterion, a weight class, a question or an item, not `sectoin`",
     "did you mean `section`?"),
    ("change bands rating ties exact", 8,
     "a ruleset can change a section, a criterion, a weight class, a question or an item, not `bands`",
     "write the whole set of bands anew: `replace bands rating ...`"),
    ('add to sections C { criterion C2 "c" { question C2.x "x" } }', 8,
     "a ruleset can add to a criterion or a section, not `sections`", "did you mean `section`?"),
    ('add to section C { question C1.x "x" }', 29, "questions and items are added to a criterion, not to a section",
     "write `add to criterion ... { ... }`"),
    ('add to criterion B1 { criterion B9 "c" { question B9.x "x" } }', 33,
     "criteria are added to a section, not to a criterion", "write `add to section ... { ... }`"),
    ('replace in section B { criterion B1 "c" { question B1.x "x" } }', 12,
     "questions and items are replaced in a criterion, not in a section",
     "write `replace criterion ID ...` to replace a whole criterion, `replace in criterion ID { ... }` to replace "
     "its questions or items"),
])
def test_a_statement_about_something_it_cannot_change(statement, column, message, help):
    checked = check(statement + "\n")
    (diagnostic,) = checked.diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("R072", 3, column)
    assert (diagnostic.message, diagnostic.help) == (message, help)


def test_removing_something_still_used_is_one_error_at_the_remove_line():
    # Used by the grading (measures rated by) and by nothing else: one error, no unknown name in base.esi.
    assert problems("remove bands rating\n") == [
        ("R071", 3, 14, "the set of bands `rating` cannot be removed: the grading `management` (base.esi:20) "
         "still uses it"),
    ]
    assert problems("remove grading management\n") == [
        ("R071", 3, 16, "the grading `management` cannot be removed: criterion A1 (base.esi:30) still uses it"),
    ]


def test_removing_a_question_a_sample_or_an_exclusion_names():
    assert problems("""\
sample spring "Spring" { without questions B1.review }
exclude question B1.review
remove question B1.review
""") == [
        ("R071", 5, 17, "the question `B1.review` cannot be removed: the sample `spring` (line 3) and "
         "`exclude question B1.review` (line 4) still use it"),
    ]


def test_removing_a_criterion_named_by_a_score_or_a_test():
    base = BASE.replace("score: weighted mean of criteria\n  criterion B1", "score: weighted mean of criteria B1, B2\n"
                        "  criterion B1")
    assert problems('remove criterion B2\ntest "t" { criterion B2 given answers B2.needs: yes expect score 100% }\n',
                    base=base) == [
        ("R071", 3, 18, "the criterion `B2` cannot be removed: the score of section B (base.esi:39) and the test "
         '"t" (line 4) still use it'),
    ]


def test_removing_a_section_named_by_the_overall_or_a_sample():
    assert problems('sample spring "Spring" { sections B, C }\nremove section C\n') == [
        ("R071", 4, 16, "the section `C` cannot be removed: the score of the overall (base.esi:56) and the sample "
         "`spring` (line 3) still use it"),
    ]


def test_removing_the_last_criterion_of_a_section():
    assert problems("remove criterion A1\nremove grading management\nremove bands rating\n") == [
        ("R071", 3, 18, "removing criterion `A1` leaves section A with no criteria"),
    ]


def test_removing_the_last_question_of_a_criterion():
    assert problems("remove question B2.needs\n") == [
        ("R071", 3, 17, "removing question `B2.needs` leaves criterion B2 with no questions or items"),
    ]
    # ... unless a question is added to it afterwards.
    derive('remove question B2.needs\nadd to criterion B2 { question B2.other "Other" }\n')


def test_questions_cannot_be_added_to_a_criterion_graded_from_items():
    assert problems('add to criterion A1 { question A1.q "q" }\ntest "t" { criterion A1 given answers A1.q: yes '
                    'expect grade "Not met" }\n')[0] == (
        "R031", 3, 32, "criterion A1 is graded from items, so questions cannot be added to it")


def test_a_ruleset_that_extends_nothing_cannot_change_anything():
    found = problems("remove question B1.review\nchange section B weight 10%\n", head='ruleset "alone"\n')
    # One error, at the first statement; the others are not reported again.
    assert found == [("R073", 2, 1, "`remove` changes the ruleset this one extends, but this ruleset extends none")]


def test_a_statement_changes_what_the_parent_declares_not_what_is_written_beside_it():
    assert problems('section D "New" { criterion D1 "d" { question D1.x "x" } }\nchange section D weight 10%\n') == [
        ("R073", 4, 16, "section `D` is written in this file (line 3), so `change` has nothing to change"),
    ]

    assert problems('add to criterion B1 { question B1.x "x" }\nreplace in criterion B1 { question B1.x "y" }\n') == [
        ("R073", 4, 36, "question `B1.x` is written in this file, so `replace in` has nothing to change"),
    ]


def test_declaring_a_parents_name_again_says_how_to_change_it():
    checked = check('bands rating on performance { weak otherwise }\n')
    (diagnostic,) = checked.diagnostics
    assert (diagnostic.code, diagnostic.message) == (
        "R010", "the set of bands `rating` is declared again: the ruleset this one extends declares it")
    assert diagnostic.help == (
        "it is declared at base.esi:14; to change it here, write `replace bands rating on ... { ... }`")


# --- no cascades -----------------------------------------------------------------------------


def test_a_replacement_that_replaces_nothing_is_not_reported_again_by_what_uses_it():
    found = problems("""\
replace criterion B3 "x" { question B3.x "x" }
test "t" { criterion B3 given answers B3.x: yes expect score 100% }
""")
    assert [f[0] for f in found] == ["R070"]


def test_additions_to_nothing_are_not_unknown_later():
    found = problems("""\
add to criterion B9 { question B9.x "x" }
sample spring "Spring" { without questions B9.x }
""")
    assert [f[0] for f in found] == ["R070"]
    found = problems("""\
replace in criterion B1 { question B1.revue "x" }
sample spring "Spring" { without questions B1.revue }
""")
    assert [f[0] for f in found] == ["R070"]


def test_a_removal_still_used_by_six_criteria_is_one_error():
    base = BASE.replace('section B "Assessment"', 'section D "More" {\n' + "".join(
        f'  criterion D{i} "d" {{ graded by management item D{i}.x "x" }}\n' for i in range(1, 6)
    ) + '}\nsection B "Assessment"')
    found = problems("remove grading management\n", base=base)
    assert found == [("R071", 3, 16, "the grading `management` cannot be removed: criteria A1, D1, D2, D3, D4 and D5 "
                      "still use it")]


def test_one_missing_parent_is_one_error_whatever_the_ruleset_changes():
    statements = """\
replace bands rating on performance { weak otherwise }
remove question B1.review
change section B weight 50%
change criterion B1 class important
add to criterion B1 { question B1.x "x" }
add to section C { criterion C2 "c" { question C2.x "x" } }
sample spring "Spring" { sections B without questions B1.review }
test "t" { criterion B1 given answers B1.start: yes expect score 100% }
"""
    checked = check(statements, head='ruleset "child"\nextends "bsae.esi"\n')
    assert [d.code for d in checked.diagnostics] == ["R004"]


def test_a_question_replaced_on_its_own_line_is_told_to_go_inside_its_criterion():
    checked = check('replace question B1.review "Reviewed"\n')
    (diagnostic,) = checked.diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == ("S010", 3, 9)
    assert diagnostic.help == 'a question or an item is replaced inside its criterion: `replace in criterion B1 { question B1.x "..." }`'


def test_what_names_something_a_statement_did_not_find_is_not_reported_again():
    found = problems("""\
change criterion B9 weight 2
test "t" { criterion B9 given answers B1.start: yes x1 expect score 100% }
""")
    assert [(f[0], f[1]) for f in found] == [("R070", 3)]


def test_bands_replaced_on_a_misspelt_scale_are_one_error_not_one_more_in_the_grading():
    found = problems("""\
replace bands rating on performnce {
  strong when performance at least 100%
  weak otherwise
}
""")
    # The grading in base.esi rates measures by these bands; it is not reported as on another scale.
    assert [(f[0], f[1], f[3]) for f in found] == [("R030", 3, "there is no scale called `performnce`")]
