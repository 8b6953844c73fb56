"""Sections and the overall: weighted means, missing data, lowest-of, points with bands, grading over grades."""

from __future__ import annotations

import attrs
from builders import (
    F,
    cases,
    clause,
    descriptive,
    evidence,
    grading,
    items,
    mean_of,
    numerical,
    otherwise,
    question,
    rule,
    ruleset,
    section,
)

from esirules.language import model as m
from esirules.scoring.causes import Cause
from esirules.scoring.compile import compile_ruleset
from esirules.scoring.evaluate import score
from esirules.scoring.result import ColumnResult, ExcludedMember, Term

# B1 (critical, weight 2): 1 of 4 met. B2 (weight 1): 3 of 4 met. B3: nobody applicable.
DATA = cases(
    ["c1", "c2", "c3", "c4"],
    {
        "B1.1": ["yes", "no", "no", "no"],
        "B2.1": ["yes", "yes", "yes", "no"],
        "B3.1": ["n/a"] * 4,
        "C1.1": ["yes"] * 4,
    },
)
B_CRITERIA = [
    numerical("B1", [question("B1.1")], weight=2),
    numerical("B2", [question("B2.1")]),
    numerical("B3", [question("B3.1")]),
]


def column(*sections: m.Section, overall: m.Overall | None = None, **options: object) -> ColumnResult:
    rules = ruleset(list(sections), overall=overall, **options)  # type: ignore[arg-type]
    return score(compile_ruleset(rules), evidence(DATA, ratings=RATINGS))


RATINGS = {
    "A1.1": "strong",
    "A1.2": "good",
    "A2.1": "weak",
    "A2.2": "weak",
    "A3.1": "very strong",
    "D3.1": "strong",
}


def test_weighted_mean_with_a_not_computable_member() -> None:
    result = column(section("B", B_CRITERIA, score=mean_of()))
    b = result.sections["B"]
    assert b.value is None
    assert b.reason == "criterion B3 is not computable: no applicable cases in this sample"


def test_renormalise_over_the_computable_members() -> None:
    # (2 * 1/4 + 1 * 3/4) / 3 = 5/12, and B3 is recorded as left out.
    b = column(section("B", B_CRITERIA, score=mean_of(), missing="renormalise")).sections["B"]
    assert (b.value, b.display) == (F(5, 12), "42%")
    assert b.score is not None and b.score.renormalised
    # Each term carries its product and its share of the mean (weight × value ÷ Σ weights).
    assert b.score.terms == (
        Term("B1", F(2), F(1, 4), "25%", product=F(1, 2), share=F(1, 6)),
        Term("B2", F(1), F(3, 4), "75%", product=F(3, 4), share=F(1, 4)),
    )
    assert (b.score.total_weight, b.score.total) == (F(3), F(5, 4))
    assert b.score.excluded == (
        ExcludedMember("B3", Cause("member_not_computable", "not computable: no applicable cases in this sample")),
    )


def test_named_members_and_descriptive_criteria() -> None:
    # D: D1 scored 1/4 (same answers as B1), D3 graded (one item strong: Well met) and left out.
    d = section(
        "D",
        [numerical("D1", [question("B1.1")]), descriptive("D3", items("D3", 1))],
        score=mean_of(),
    )
    result = column(d, gradings=[grading()])
    assert result.sections["D"].value == F(1, 4)
    assert result.sections["D"].score is not None
    assert result.sections["D"].score.excluded == (ExcludedMember("D3", Cause("graded_not_scored", "graded, not scored")),)
    assert result.criteria["D3"].grade == "Well met"
    only_b2 = column(section("B", B_CRITERIA, score=mean_of("B2")))
    assert only_b2.sections["B"].value == F(3, 4)


def test_overall_weights_sections_and_skips_graded_ones() -> None:
    # B (30%): mean of B1, B2 = (2/4 + 3/4)/3 = 5/12. C (70%): 1. Overall = 0.3*5/12 + 0.7 = 33/40.
    result = column(
        section("A", [descriptive("A1", items("A1", 2))], grade=m.Aggregate("lowest_of")),
        section("B", B_CRITERIA[:2], weight=F(3, 10), score=mean_of()),
        section("C", [numerical("C1", [question("C1.1")])], weight=F(7, 10), score=mean_of()),
        overall=m.Overall("Overall", score=mean_of(kind="sections")),
        gradings=[grading()],
    )
    assert result.overall is not None
    assert (result.overall.value, result.overall.display) == (F(33, 40), "83%")
    assert result.overall.score is not None
    assert [t.member for t in result.overall.score.terms] == ["B", "C"]
    assert result.overall.score.excluded == (ExcludedMember("A", Cause("graded_not_scored", "graded, not scored")),)
    a = result.sections["A"]
    assert (a.value, a.reason, a.grade, a.display) == (None, "graded, not scored", "Partly met", "Partly met")


A_CRITERIA = [
    descriptive("A1", items("A1", 2)),
    descriptive("A2", items("A2", 2)),
    descriptive("A3", items("A3", 1)),
]
# By the report's ladder: A1 (strong, good) Partly met; A2 (weak, weak) Poor; A3 (very strong) Very well met.


def test_lowest_of() -> None:
    a = column(section("A", A_CRITERIA, grade=m.Aggregate("lowest_of")), gradings=[grading()]).sections["A"]
    assert a.grade == "Poor"
    assert a.grading is not None
    assert [(t.member, t.grade) for t in a.grading.terms] == [
        ("A1", "Partly met"),
        ("A2", "Poor"),
        ("A3", "Very well met"),
    ]
    two = column(section("A", A_CRITERIA, grade=m.Aggregate("lowest_of", ("A1", "A3"))), gradings=[grading()])
    assert two.sections["A"].grade == "Partly met"


POINTS = m.Points(
    "pts",
    "grade",
    (
        ("Very well met", F(5)),
        ("Well met", F(4)),
        ("Satisfactorily met", F(3)),
        ("Partly met", F(2)),
        ("Not met", F(1)),
        ("Poor", F(0)),
    ),
)
TOTAL_BANDS = m.Bands(
    "totals",
    "grade",
    (
        m.Band("Well met", (m.FigureTest("total", "at_least", F(8)),)),
        m.Band("Partly met", (m.FigureTest("total", "at_least", F(4)),)),
        m.Band("Poor", (), otherwise=True),
    ),
)


def test_points_total_banded() -> None:
    # Points: A1 Partly met 2, A2 Poor 0, A3 Very well met 5 -> 7 -> at least 4: Partly met.
    a = column(
        section("A", A_CRITERIA, grade=m.Aggregate("points_total", using="pts", bands="totals")),
        gradings=[grading()],
        points=[POINTS],
        bands=[TOTAL_BANDS],
    ).sections["A"]
    assert a.grading is not None
    assert (a.grading.value, a.grading.display, a.grade) == (F(7), "7", "Partly met")
    assert [t.points for t in a.grading.terms] == [F(2), F(0), F(5)]
    assert a.grading.band is not None and a.grading.band.value == "Partly met"


def test_graded_over_with_a_count_rule() -> None:
    # Criteria graded strong > adequate > weak; the section: weak when 2 or more criteria are at
    # best weak, strong when each is at least strong, adequate otherwise.
    quality = m.Scale("quality", ("strong", "adequate", "weak"), is_ladder=True)
    per_item = grading(
        "q",
        [
            rule("strong", clause("at_least", "strong", "each")),
            rule("adequate", clause("at_least", "good", "some")),
            otherwise("weak"),
        ],
        ladder="quality",
    )
    over = grading(
        "over",
        [
            rule("weak", clause("at_best", "weak", "at_least_count", count=2)),
            rule("strong", clause("at_least", "strong", "each")),
            otherwise("adequate"),
        ],
        item_scale="quality",
        ladder="quality",
    )
    criteria = [descriptive(c.id, c.items, "q") for c in A_CRITERIA]  # A1 adequate, A2 weak, A3 strong
    rules = ruleset(
        [section("A", criteria, grade=m.Aggregate("graded_over", using="over"))], gradings=[per_item, over]
    )
    rules = attrs.evolve(rules, scales=(*rules.scales, quality))
    a = score(compile_ruleset(rules), evidence(ratings=RATINGS)).sections["A"]
    assert a.grade == "adequate"  # only A2 is weak
    assert a.grading is not None and a.grading.trace is not None
    assert [(i.id, i.rating) for i in a.grading.items] == [
        ("A1", "adequate"),
        ("A2", "weak"),
        ("A3", "strong"),
    ]
    count = a.grading.trace.rules[0].clauses[0]
    assert (count.needed, count.found, count.holds) == ("at least 2 of 3 (by weight)", "1", False)
    worse = score(compile_ruleset(rules), evidence(ratings={**RATINGS, "A1.1": "weak", "A1.2": "weak"}))
    assert worse.sections["A"].grade == "weak"


SCORE_BANDS = m.Bands(
    "quality",
    "grade",
    (
        m.Band("Well met", (m.FigureTest("score", "at_least", F(3, 4), True),)),
        m.Band("Partly met", (m.FigureTest("score", "at_least", F(1, 2), True),)),
        m.Band("Poor", (), otherwise=True),
    ),
)


def test_score_banded_and_numerical_criteria_graded_by_bands() -> None:
    result = column(
        section(
            "B",
            [
                numerical("B1", [question("B1.1")], weight=2, grading="quality"),
                numerical("B2", [question("B2.1")], grading="quality"),
            ],
            score=mean_of(),
            grade=m.Aggregate("score_banded", using="quality"),
        ),
        bands=[SCORE_BANDS],
    )
    assert (result.criteria["B1"].grade, result.criteria["B2"].grade) == ("Poor", "Well met")
    b = result.sections["B"]
    assert (b.value, b.grade) == (F(5, 12), "Poor")  # 41.7%
    lowest = column(
        section(
            "B", [numerical("B2", [question("B2.1")], grading="quality")], grade=m.Aggregate("lowest_of")
        ),
        bands=[SCORE_BANDS],
    )
    assert lowest.sections["B"].grade == "Well met"
