"""Scoring numerical criteria over cases: pooling, applicability, exclusions, samples, exact merging."""

from __future__ import annotations

from pathlib import Path
from random import Random

import numpy as np
from builders import (
    ANSWER,
    F,
    cases,
    evidence,
    mean_of,
    numerical,
    question,
    ruleset,
    section,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from esirules.evidence.cases import Cases, Evidence
from esirules.explain.counterfactual import ItemChange, smallest_changes
from esirules.language import model as m
from esirules.language.check import load_ruleset_text
from esirules.scoring.causes import Cause
from esirules.scoring.compile import compile_ruleset
from esirules.scoring.evaluate import finish, merge, score, score_batch
from esirules.scoring.result import CaseGroup, CriterionResult

# B1.1 (met when yes, weight 1) and B1.2 (met when at least partly, weight 2) over c1..c5:
#   B1.1: yes, no, yes, n/a, blank  -> applicable c1 c2 c3 (3), met c1 c3 (2)
#   B1.2: partly, no, yes, yes, no  -> applicable all 5,        met c1 c3 c4 (3)
B1_QUESTIONS = [question("B1.1"), question("B1.2", ("yes", "partly"), weight=2)]
B1_CASES = cases(
    ["c1", "c2", "c3", "c4", "c5"],
    {"B1.1": ["yes", "no", "yes", "n/a", None], "B1.2": ["partly", "no", "yes", "yes", "no"]},
)


def score_one(criterion: m.Criterion, data: Cases) -> CriterionResult:
    return score(compile_ruleset(ruleset([section("B", [criterion])])), evidence(data)).criteria[criterion.id]


def test_pooled_criterion() -> None:
    # (1*2 + 2*3) / (1*3 + 2*5) = 8/13 = 61.5% -> 62%
    result = score_one(numerical("B1", B1_QUESTIONS), B1_CASES)
    assert (result.value, result.display) == (F(8, 13), "62%")
    assert (result.met, result.applicable) == (F(8), F(13))
    q1, q2 = result.questions
    assert (q1.met, q1.applicable, q1.value, q1.display) == (2, 3, F(2, 3), "67%")
    assert q1.met_cases == ("c1", "c3") and q1.not_met_cases == ("c2",)
    assert q1.not_applicable == (
        CaseGroup(Cause("answered_not_applicable", "answered not applicable"), ("c4",)),
        CaseGroup(Cause("not_answered", "not answered"), ("c5",)),
    )
    assert (q2.met, q2.applicable) == (3, 5)


def test_mean_of_questions() -> None:
    # Weighted by question weight: (1 * 2/3 + 2 * 3/5) / 3 = 28/45 (62.2%)
    result = score_one(numerical("B1", B1_QUESTIONS, pooling="mean of questions"), B1_CASES)
    assert result.value == F(28, 45)
    # With equal weights: (2/3 + 3/5) / 2 = 19/30; a question nobody answered is left out.
    plain = [question("B1.1"), question("B1.2", ("yes", "partly")), question("B1.3")]
    result = score_one(numerical("B1", plain, pooling="mean of questions"), B1_CASES)
    assert result.value == F(19, 30)


def test_applicability_reasons_per_case() -> None:
    applies = m.Comparison("risk_of_harm", ">=", "high")
    data = cases(
        ["c1", "c2", "c3", "c4"],
        {"B2.1": ["yes", "yes", "no", "yes"]},
        {"risk_of_harm": ["low", "high", "very high", None]},
    )
    result = score_one(numerical("B2", [question("B2.1", applies=applies)]), data)
    assert result.value == F(1, 2)
    (q,) = result.questions
    assert q.not_applicable_reasons() == {
        "c1": "the question applies when risk_of_harm >= high; risk_of_harm is low",
        "c4": "the question applies when risk_of_harm >= high; risk_of_harm is not recorded",
    }


def test_no_applicable_cases_is_not_computable() -> None:
    data = cases(["c1"], {"B1.1": ["n/a"]})
    result = score_one(numerical("B1", [question("B1.1")]), data)
    assert (result.value, result.display, result.reason) == (
        None,
        "not computable",
        "no applicable cases in this sample",
    )


def test_exclusions_of_cases_sources_and_questions() -> None:
    # c2 is a CPO case and leaves the column; B1.2 comes from the offender interview and is out.
    questions = [question("B1.1"), question("B1.2", source="offender_interview"), question("B1.3")]
    data = cases(
        ["c1", "c2", "c3"],
        {"B1.1": ["yes", "yes", "no"], "B1.2": ["yes", "yes", "yes"], "B1.3": ["no", "no", "no"]},
        {"order_type": ["cro", "cpo", "licence"]},
    )
    exclusions = m.Exclusions(
        cases=(m.Comparison("order_type", "=", "cpo"),),
        sources=frozenset({"offender_interview"}),
        questions=frozenset({"B1.3"}),
    )
    rules = ruleset([section("B", [numerical("B1", questions)])], exclusions=exclusions)
    column = score(compile_ruleset(rules), evidence(data))
    assert column.cases == 2
    assert column.excluded_cases == (CaseGroup(Cause("case_excluded", "excluded by the ruleset: order_type = cpo"), ("c2",)),)
    b1 = column.criteria["B1"]
    assert b1.value == F(1, 2)  # B1.1 only: c1 yes, c3 no
    assert b1.questions[1].excluded == "excluded by the ruleset: source offender_interview"
    assert b1.questions[1].not_applicable == (
        CaseGroup(Cause("source_excluded", "excluded by the ruleset: source offender_interview"), ("c1", "c3")),
    )
    assert b1.questions[2].excluded == "excluded by the ruleset: question B1.3"
    every = ruleset([section("B", [numerical("B1", questions[1:])])], exclusions=exclusions)
    assert (
        score(compile_ruleset(every), evidence(data)).criteria["B1"].reason
        == "every question of B1 is excluded"
    )


SAMPLES = (
    m.Sample("feb", "February", ("B", "C")),
    m.Sample("sep", "September", ("B",), frozenset({"B1.2"})),
)


def sampled_ruleset() -> m.Ruleset:
    return ruleset(
        [
            section(
                "B", [numerical("B1", [question("B1.1"), question("B1.2")])], weight=F(3, 10), score=mean_of()
            ),
            section("C", [numerical("C1", [question("C1.1")])], weight=F(7, 10), score=mean_of()),
        ],
        samples=SAMPLES,
        overall=m.Overall("Overall", score=mean_of(kind="sections")),
    )


SAMPLED_CASES = cases(
    ["c1", "c2", "c3", "c4"],
    {
        "B1.1": ["yes", "no", "yes", "no"],
        "B1.2": ["no", "no", "yes", "yes"],
        "C1.1": ["yes", "yes", "no", "no"],
    },
    samples=["feb", "feb", "sep", None],
)


def test_samples_choose_cases_sections_and_questions() -> None:
    evaluator = compile_ruleset(sampled_ruleset())
    # All cases: B1 pools B1.1 (2 of 4) and B1.2 (2 of 4): 4/8. C1: 2 of 4.
    whole = score(evaluator, evidence(SAMPLED_CASES))
    assert whole.criteria["B1"].value == F(1, 2) and whole.criteria["C1"].value == F(1, 2)
    # February: c1, c2. B1: yes,no + no,no -> 1/4. C1: yes, yes -> 1. Overall 0.3*1/4 + 0.7*1 = 31/40.
    feb = score(evaluator, evidence(SAMPLED_CASES), "feb")
    assert (feb.label, feb.cases) == ("feb", 2)
    assert feb.criteria["B1"].value == F(1, 4) and feb.criteria["C1"].value == F(1)
    assert feb.overall is not None and feb.overall.value == F(31, 40)
    # September: c3 only, section B only, and without B1.2: B1 = 1/1.
    sep = score(evaluator, evidence(SAMPLED_CASES), "sep")
    assert sep.criteria["B1"].value == F(1)
    assert sep.criteria["B1"].questions[1].not_applicable == (
        CaseGroup(Cause("not_in_sample", "sample sep is without this question"), ("c3",)),
    )
    assert sep.criteria["C1"].reason == "section C does not apply to sample sep"
    assert sep.sections["C"].reason == "section C does not apply to sample sep"
    assert not sep.sections["C"].applies
    assert sep.overall is not None and sep.overall.value is None
    assert sep.overall.reason == "section C does not apply to sample sep"


# ---------------------------------------------------------------------------------------------
# Properties: batches merge exactly; case order does not matter; better answers never score lower.

PROPERTY_RULESET = ruleset(
    [
        section(
            "B",
            [
                numerical(
                    "B1",
                    [
                        question("B1.1", applies=m.Comparison("risk_of_harm", ">=", "medium")),
                        question("B1.2", ("yes", "partly"), weight=2),
                    ],
                    weight=2,
                ),
                numerical(
                    "B2",
                    [question("B2.1", applies=m.Not(m.Flag("sex_offender"))), question("B2.2")],
                    pooling="mean of questions",
                ),
            ],
            weight=F(3, 10),
            score=mean_of(),
            missing="renormalise",
        ),
    ],
    exclusions=m.Exclusions(cases=(m.Comparison("risk_of_harm", "=", "very high"),)),
    overall=m.Overall("Overall", score=mean_of(kind="sections")),
)
PROPERTY_EVALUATOR = compile_ruleset(PROPERTY_RULESET)
ANSWERS = ["yes", "partly", "no", "n/a", None]
QUESTIONS = ["B1.1", "B1.2", "B2.1", "B2.2"]

case_rows = st.lists(
    st.tuples(
        st.tuples(*[st.sampled_from(ANSWERS) for _ in QUESTIONS]),
        st.sampled_from(["low", "medium", "high", "very high", None]),
        st.sampled_from([True, False, None]),
    ),
    min_size=0,
    max_size=30,
)


def build(rows: list, order: list[int] | None = None) -> Cases:  # type: ignore[type-arg]
    order = list(range(len(rows))) if order is None else order
    rows = [rows[i] for i in order]
    return cases(
        [f"c{i}" for i in order],
        {q: [r[0][n] for r in rows] for n, q in enumerate(QUESTIONS)},
        {"risk_of_harm": [r[1] for r in rows], "sex_offender": [r[2] for r in rows]},
    )


@settings(max_examples=60, deadline=None)
@given(case_rows, st.data())
def test_merging_batches_equals_scoring_the_whole(rows: list, data: st.DataObject) -> None:  # type: ignore[type-arg]
    whole = build(rows)
    batch_of = np.array(
        data.draw(st.lists(st.integers(0, 3), min_size=len(rows), max_size=len(rows))), dtype=int
    )
    partials = [
        score_batch(PROPERTY_EVALUATOR, Evidence("e.yaml", "h", None, whole.take(batch_of == b)))
        for b in range(4)
    ]
    assert finish(merge(partials)) == score(PROPERTY_EVALUATOR, Evidence("e.yaml", "h", None, whole))


@settings(max_examples=60, deadline=None)
@given(case_rows, st.randoms(use_true_random=False))
def test_case_order_does_not_matter(rows: list, shuffler: Random) -> None:  # type: ignore[type-arg]
    order = list(range(len(rows)))
    shuffler.shuffle(order)
    first = score(PROPERTY_EVALUATOR, Evidence("e.yaml", "h", None, build(rows)))
    again = score(PROPERTY_EVALUATOR, Evidence("e.yaml", "h", None, build(rows, order)))
    assert first == again


@settings(max_examples=80, deadline=None)
@given(case_rows, st.data())
def test_a_better_answer_never_lowers_a_score(rows: list, data: st.DataObject) -> None:  # type: ignore[type-arg]
    before = build(rows)
    answered = [(q, i) for q in QUESTIONS for i in range(len(rows)) if before.answers[q][i] >= 0]
    if not answered:
        return
    qid, index = data.draw(st.sampled_from(answered))
    answers = {q: codes.copy() for q, codes in before.answers.items()}
    answers[qid][index] = data.draw(st.integers(0, int(answers[qid][index])))  # 0 is the best answer
    after = Cases(before.ids, before.samples, before.attributes, answers)
    old = score(PROPERTY_EVALUATOR, Evidence("e.yaml", "h", None, before))
    new = score(PROPERTY_EVALUATOR, Evidence("e.yaml", "h", None, after))
    for cid, result in old.criteria.items():
        if result.value is not None:
            assert new.criteria[cid].value is not None and new.criteria[cid].value >= result.value  # type: ignore[operator]


def test_scoring_many_answers_is_columnar() -> None:
    # 200,000 cases x 4 questions: no Python loop over cases, so this takes well under seconds.
    rng = np.random.default_rng(7)
    n = 200_000
    codes = {q: rng.integers(-2, len(ANSWER.values), n).astype(np.int16) for q in QUESTIONS}
    big = Cases(
        tuple(f"c{i}" for i in range(n)),
        np.full(n, None, dtype=object),
        {
            "risk_of_harm": rng.integers(-1, 4, n).astype(np.int16),
            "sex_offender": rng.integers(-1, 2, n).astype(np.int16),
        },
        codes,
    )
    column = score(PROPERTY_EVALUATOR, Evidence("big.yaml", "h", None, big))
    b12 = column.criteria["B1"].questions[1]
    in_scope = big.attributes["risk_of_harm"] != 3
    assert b12.applicable == int(((codes["B1.2"] >= 0) & in_scope).sum())
    assert b12.met == int(((codes["B1.2"] >= 0) & (codes["B1.2"] <= 1) & in_scope).sum())


# ---------------------------------------------------------------------------------------------
# The worked example of docs/scoring-semantics.md, from its ruleset text.

SEMANTICS = Path(__file__).resolve().parent.parent / "docs" / "scoring-semantics.md"


def test_the_worked_example_in_the_docs() -> None:
    text = SEMANTICS.read_text("utf-8").split("```esi\n", 1)[1].split("```", 1)[0]
    evaluator = compile_ruleset(load_ruleset_text(text, "worked-example.esi"))
    data = cases(
        ["c1", "c2", "c3", "c4", "c5"],
        {
            "B1.start": ["yes", "yes", "no", "yes", "n/a"],
            "B1.managers": ["yes", None, "no", None, "yes"],
            "B2.tool": ["yes", "partly", "no", "yes", "no"],
        },
        {"risk_of_harm": ["high", "medium", "very high", "low", "high"]},
    )
    ratings = {"A1.plan": "strong", "A1.targets": "good", "A1.staff": "satisfactory"}
    column = score(evaluator, evidence(data, ratings=ratings))
    start, managers = column.criteria["B1"].questions
    assert (start.met, start.applicable, managers.met, managers.applicable) == (3, 4, 2, 3)
    assert managers.not_applicable_reasons()["c2"] == (
        "the question applies when risk_of_harm >= high; risk_of_harm is medium"
    )
    assert (column.criteria["B1"].value, column.criteria["B1"].display) == (F(5, 7), "71%")
    assert (column.criteria["B2"].value, column.criteria["B2"].display) == (F(3, 5), "60%")
    assert (column.sections["B"].value, column.sections["B"].display) == (F(71, 105), "68%")
    a1 = column.criteria["A1"]
    assert a1.grade == "Partly met"
    assert a1.trace is not None
    majority = a1.trace.rules[2].clauses[0]
    assert (majority.needed, majority.found) == ("more than 2 of 4 (by weight)", "1")
    change = smallest_changes(evaluator, a1, "Satisfactorily met")
    assert change.options == ((ItemChange("A1.targets", "good", "strong", 1),),)
