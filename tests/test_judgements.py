"""Case-level judgements (issue 11, point 8a): `judgement ... { prompt ... a case is X when ... }`.

Source → model, hand-worked ratings of cases and the pooled figures, batches and samples,
explanations recomputed from their JSON, evidence that answers a judgement, and misuse.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np
import pytest
from beyond import ANSWER, codes, header, render_all, ruleset_of, score_text

from esirules.explain.scope import explain, resolve_target
from esirules.language import model as m
from esirules.scoring.evaluate import finish, merge, score_batch

F = Fraction

JUDGED = header() + ANSWER + """
scale sufficiency: sufficient > "partly sufficient" > insufficient
answers on answer, met when yes
attribute dv "Domestic violence": yes or no
sample autumn "Autumn" { without questions B1.victim }
section B "Assessment" {
  criterion B1 "Assessment" {
    question B1.start "Started on time"
    judgement B1.sufficient "Was the assessment sufficient?" on sufficiency met when at least "partly sufficient" {
      prompt B1.risk "Risk of harm assessed"
      prompt B1.needs "Needs identified"
      prompt B1.victim "Victim considered" applies when dv
      a case is sufficient when each prompt is met
      a case is "partly sufficient" when B1.risk is met and the majority of other prompts are met
      a case is insufficient otherwise
    }
  }
}
"""

# Worked by hand (met: yes). Ratings: each prompt met → sufficient; B1.risk met and more than
# half of the other prompts that count → partly; else insufficient.
CASES = [
    # id, dv, start, risk, needs, victim -> rating
    ("c1", "no", "yes", "yes", "yes", None),  # victim does not apply: risk, needs met: sufficient
    ("c2", "yes", "yes", "yes", "no", "yes"),  # others needs no, victim yes: 1 of 2, not more than half: insufficient
    ("c3", "yes", "no", "yes", "yes", "partly"),  # as c2: insufficient
    ("c4", "no", "yes", "no", "yes", None),  # risk not met: insufficient
    ("c5", "no", "yes", "n/a", "n/a", None),  # every prompt drops out: not applicable
    ("c6", "yes", "yes", "yes", None, "yes"),  # needs blank: not answered
    ("c7", "yes", "yes", "yes", "yes", "no"),  # risk met, others 1 of 2: insufficient
    ("c8", "yes", "no", "yes", "yes", "yes"),  # all met: sufficient
    ("c9", "no", "yes", "yes", "no", None),  # others: needs no, 0 of 1: insufficient
]


def evidence(cases=CASES, sample=None):  # type: ignore[no-untyped-def]
    out = []
    for case_id, dv, start, risk, needs, victim in cases:
        answers = {k: v for k, v in (("B1.start", start), ("B1.risk", risk), ("B1.needs", needs), ("B1.victim", victim)) if v}
        out.append({"id": case_id, "dv": dv, **({"sample": sample} if sample else {}), "answers": answers})
    return {"cases": out}


def test_the_checker_makes_a_judgement_a_question_with_prompts_and_rules(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, JUDGED)
    start, judged = ruleset.criterion("B1").questions
    assert start.judgement is None and judged.id == "B1.sufficient"
    assert judged.scale == "sufficiency" and judged.met == frozenset({"sufficient", "partly sufficient"})
    assert judged.judgement is not None
    assert [p.id for p in judged.judgement.prompts] == ["B1.risk", "B1.needs", "B1.victim"]
    assert judged.judgement.prompts[2].applies == m.Flag("dv")
    first, second, last = judged.judgement.rules
    # `each prompt is met` is `at least yes` (what meets a prompt) on each prompt.
    assert first.clauses == (m.Clause("at_least", "yes", m.Quantifier("each", noun="prompts")),)
    assert first.clauses[0].met
    assert second.clauses[0].member == "B1.risk" and second.clauses[1].quantifier.other
    assert last.otherwise and last.grade == "insufficient"
    # The evidence answers the prompts, never the judgement.
    assert [q.id for q in ruleset.answered()] == ["B1.start", "B1.risk", "B1.needs", "B1.victim"]


def test_each_case_is_rated_by_hand_and_pooled_like_a_question(tmp_path: Path) -> None:
    scored = score_text(tmp_path, JUDGED, evidence())
    b1 = scored.column.criteria["B1"]
    start, judged = b1.questions
    assert {r.value: tuple(r.cases) for r in judged.ratings} == {
        "sufficient": ("c1", "c8"),
        "partly sufficient": (),
        "insufficient": ("c2", "c3", "c4", "c7", "c9"),
    }
    assert (judged.met, judged.applicable) == (2, 7)
    assert {g.cause.kind: tuple(g.cases) for g in judged.not_applicable} == {
        "no_prompt_applies": ("c5",),
        "prompt_not_answered": ("c6",),
    }
    assert (start.met, start.applicable) == (7, 9)
    assert b1.value == F(7 + 2, 9 + 7)


def test_partly_when_the_named_prompt_and_most_others_are_met(tmp_path: Path) -> None:
    cases = [
        ("p1", "yes", "yes", "yes", "yes", "no"),  # others: 1 of 2, not more than half
        ("p2", "yes", "yes", "yes", "partly", "yes"),  # 1 of 2 again
        ("p3", "no", "yes", "yes", "no", None),  # others: 0 of 1
    ]
    text = JUDGED.replace("the majority of other prompts are met", "at least 50% of other prompts are met")
    judged = score_text(tmp_path, text, evidence(cases)).column.criteria["B1"].questions[1]
    assert {r.value: tuple(r.cases) for r in judged.ratings}["partly sufficient"] == ("p1", "p2")


def test_rating_clauses_compare_the_prompts_answers_on_their_scale(tmp_path: Path) -> None:
    text = JUDGED.replace(
        'a case is "partly sufficient" when B1.risk is met and the majority of other prompts are met',
        'a case is "partly sufficient" when at least partly on each prompt and no on none of the prompts',
    )
    cases = [
        ("r1", "yes", "yes", "partly", "yes", "yes"),  # partly or better everywhere: partly sufficient
        ("r2", "no", "yes", "partly", "partly", None),  # same
        ("r3", "yes", "yes", "yes", "yes", "no"),  # a no: insufficient
    ]
    judged = score_text(tmp_path, text, evidence(cases)).column.criteria["B1"].questions[1]
    assert {r.value: tuple(r.cases) for r in judged.ratings} == {
        "sufficient": (), "partly sufficient": ("r1", "r2"), "insufficient": ("r3",),
    }


def test_prompts_are_counted_by_weight(tmp_path: Path) -> None:
    text = JUDGED.replace('prompt B1.risk "Risk of harm assessed"', 'prompt B1.risk "Risk of harm assessed" weight 3')
    text = text.replace(
        'a case is "partly sufficient" when B1.risk is met and the majority of other prompts are met',
        'a case is "partly sufficient" when the majority of prompts are met',
    )
    # risk (3) met against needs (1) and victim (1) not met: 3 of 5, the majority.
    cases = [("w1", "yes", "yes", "yes", "no", "no"), ("w2", "yes", "yes", "no", "yes", "yes")]
    judged = score_text(tmp_path, text, evidence(cases)).column.criteria["B1"].questions[1]
    assert {r.value: tuple(r.cases) for r in judged.ratings}["partly sufficient"] == ("w1",)


def test_batches_merge_to_the_whole_and_partials_pickle(tmp_path: Path) -> None:
    import pickle

    scored = score_text(tmp_path, JUDGED, evidence())
    cases = scored.evidence.cases
    halves = [np.arange(len(cases)) < 4, np.arange(len(cases)) >= 4]
    parts = [pickle.loads(pickle.dumps(score_batch(scored.evaluator, attrs.evolve(scored.evidence, cases=cases.take(h)))))
             for h in halves]
    merged = finish(merge(parts), evaluator=scored.evaluator)
    assert merged.criteria == scored.column.criteria
    assert [tuple(r.cases) for r in merged.criteria["B1"].questions[1].ratings] == [
        tuple(r.cases) for r in scored.column.criteria["B1"].questions[1].ratings
    ]


def test_a_sample_without_a_prompt_drops_it_for_every_case(tmp_path: Path) -> None:
    # Sample autumn is without B1.victim (not answered there): c2, c3 and c7 are judged on risk
    # and needs alone.
    autumn = [(*case[:5], None) for case in CASES]
    scored = score_text(tmp_path, JUDGED, evidence(autumn, sample="autumn"), sample="autumn")
    judged = scored.column.criteria["B1"].questions[1]
    rated = {r.value: tuple(r.cases) for r in judged.ratings}
    assert rated["sufficient"] == ("c1", "c3", "c7", "c8")
    assert rated["insufficient"] == ("c2", "c4", "c9")


def test_mean_of_questions_takes_the_judgement_as_one_question(tmp_path: Path) -> None:
    text = JUDGED.replace('criterion B1 "Assessment" {', 'criterion B1 "Assessment" {\n    pooling: mean of questions')
    b1 = score_text(tmp_path, text, evidence()).column.criteria["B1"]
    assert b1.value == (F(7, 9) + F(2, 7)) / 2


def test_the_judgement_s_own_applies_when_leaves_cases_out(tmp_path: Path) -> None:
    text = JUDGED.replace('met when at least "partly sufficient" {', 'met when at least "partly sufficient" applies when dv {')
    judged = score_text(tmp_path, text, evidence()).column.criteria["B1"].questions[1]
    assert (judged.met, judged.applicable) == (1, 4)  # c2, c3, c7, c8 (c6 blank)
    assert {g.cause.kind for g in judged.not_applicable} == {"does_not_apply", "prompt_not_answered"}


def test_explanations_count_by_rating_and_say_how_a_case_was_rated(tmp_path: Path) -> None:
    scored = score_text(tmp_path, JUDGED, evidence())
    shown = scored.rendered("B1.sufficient")
    question = shown["json"]["explanation"]["question"]
    ratings = {r["value"]: r for r in question["ratings"]}
    # Recomputed from the document: the ratings met add up to `met`, all of them to `applicable`.
    assert sum(r["count"] for r in question["ratings"]) == question["applicable"] == 7
    assert ratings["sufficient"]["count"] + ratings["partly sufficient"]["count"] == question["met"] == 2
    assert ratings["sufficient"]["cases"] == ["c1", "c8"]
    assert [rule["line"] for rule in ratings["insufficient"]["rules"]] == [JUDGED.splitlines().index(
        "      a case is insufficient otherwise") + 1]
    assert "insufficient (5): c2, c3, c4, c7, c9" in shown["text"]
    assert "sufficient 2 cases, partly sufficient 0 cases, insufficient 5 cases" in shown["markdown"]
    target = resolve_target(scored.ruleset, "B1.sufficient")
    for case, rating, rule, statuses in (
        ("c2", "insufficient", "a case is insufficient otherwise", ["met", "not met", "met"]),
        ("c1", "sufficient", "a case is sufficient when each prompt is met", ["met", "met", "drops out"]),
        ("c6", None, None, ["met", "not answered", "met"]),
    ):
        x = explain(scored.column, scored.evaluator, scored.sources, target, evidence=[scored.evidence], case=case)
        rendered = render_all(x)
        (answer,) = rendered["json"]["case"]["answers"]
        judged = answer["judged"]
        assert answer["answer"] == judged["rating"] == rating
        assert [p["status"] for p in judged["prompts"]] == statuses
        assert (judged["rule"] or {}).get("text") == rule
        if rule is not None:
            assert rule in rendered["text"] and rule in rendered["markdown"] and f"Rated <strong>{rating}</strong>" in rendered["html"]
        else:
            assert judged["reason"] == "a prompt that applies to the case is not answered"


def test_every_target_explains_in_every_format(tmp_path: Path) -> None:
    assert score_text(tmp_path, JUDGED, evidence()).every_target()


@pytest.mark.parametrize("suffix", ["yaml", "csv"])
def test_an_answer_recorded_for_a_judgement_is_refused(tmp_path: Path, suffix: str) -> None:
    from esirules.diagnostics import DiagnosticError
    from esirules.evidence.load import load_evidence

    ruleset = ruleset_of(tmp_path, JUDGED)
    path = tmp_path / f"e.{suffix}"
    if suffix == "csv":
        path.write_text("id,dv,B1.risk,B1.sufficient\nc1,no,yes,sufficient\n", encoding="utf-8")
    else:
        path.write_text("cases:\n  - {id: c1, dv: no, answers: {B1.risk: yes, B1.sufficient: sufficient}}\n", encoding="utf-8")
    with pytest.raises(DiagnosticError) as raised:
        load_evidence(str(path), ruleset)
    assert [d.code for d in raised.value.diagnostics] == ["E250"]


def test_json_evidence_refuses_it_too(tmp_path: Path) -> None:
    from esirules.diagnostics import DiagnosticError
    from esirules.evidence.load import load_evidence

    ruleset = ruleset_of(tmp_path, JUDGED)
    path = tmp_path / "e.json"
    path.write_text('{"cases": [{"id": "c1", "dv": "no", "answers": {"B1.risk": "yes", "B1.sufficient": "sufficient"}}]}')
    with pytest.raises(DiagnosticError) as raised:
        load_evidence(str(path), ruleset)
    assert [d.code for d in raised.value.diagnostics] == ["E250"]


MISUSE = [
    ("R150", ('      prompt B1.risk "Risk of harm assessed"\n      prompt B1.needs "Needs identified"\n'
              '      prompt B1.victim "Victim considered" applies when dv\n', "")),
    ("R151", ('prompt B1.needs "Needs identified"', 'prompt B1.needs "Needs identified" met when at least partly')),
    ("R151", ('prompt B1.needs "Needs identified"', 'prompt B1.needs "Needs identified" on sufficiency met when sufficient')),
    ("R152", ("answers on answer, met when yes", "answers on answer, met when yes or no")),
    ("R153", ("the majority of other prompts are met", "the majority of other items are met")),
    ("R154", ("when B1.risk is met", "when B1.start is met")),
    ("R155", ("      a case is insufficient otherwise\n", "")),
    ("R051", ("      a case is insufficient otherwise\n", "      a case is insufficient otherwise\n      a case is sufficient when each prompt is met\n")),
    ("R033", ('a case is insufficient otherwise', 'a case is poor otherwise')),
    ("R010", ('prompt B1.needs "Needs identified"', 'prompt B1.start "Needs identified"')),
]


@pytest.mark.parametrize(("code", "change"), MISUSE, ids=[f"{c}-{i}" for i, (c, _) in enumerate(MISUSE)])
def test_misuse_is_reported(tmp_path: Path, code: str, change: tuple[str, str]) -> None:
    old, new = change
    assert old in JUDGED
    assert code in codes(tmp_path, JUDGED.replace(old, new))


def test_a_grading_cannot_count_prompts_nor_a_criterion_of_items_hold_a_judgement(tmp_path: Path) -> None:
    grading = header() + """scale performance: strong > weak
ladder grade: "Met" > "Not met"
grading g { items rated on performance  grades from grade
  "Met" when at least strong on each prompt
  "Not met" otherwise }
section A "A" { criterion A1 "A" { graded by g  item A1.a "a" } }
"""
    assert "R156" in codes(tmp_path, grading)
    mixed = grading.replace("each prompt", "each item").replace(
        'item A1.a "a"', 'item A1.a "a" judgement A1.j "j" on performance met when strong {\n'
        ' prompt A1.p "p" on performance met when strong  a case is strong otherwise }'
    )
    assert "R157" in codes(tmp_path, mixed)


def test_the_template_has_a_column_per_prompt_and_none_for_the_judgement(tmp_path: Path) -> None:
    import openpyxl

    from esirules.cli.main import main

    (tmp_path / "r.esi").write_text(JUDGED, encoding="utf-8")
    assert main(["template", str(tmp_path / "r.esi"), "--output", str(tmp_path / "t.xlsx")]) == 0
    cases = openpyxl.load_workbook(tmp_path / "t.xlsx")["cases"]
    headings = [cell.value for cell in cases[1]]
    assert headings == ["id", "sample", "dv", "B1.start", "B1.risk", "B1.needs", "B1.victim"]
    comment = cases[1][headings.index("B1.needs")].comment
    assert comment is not None and "a prompt of B1.sufficient" in comment.text


def test_a_test_in_the_language_gives_prompts_answers_and_expects_the_ratings(tmp_path: Path) -> None:
    from esirules.authoring.testing import run_tests
    from esirules.language.check import check_file

    tests = """
test "B1 judged" {
  criterion B1
  given answers B1.risk: yes x3, no
  given answers B1.needs: yes x2, no x2
  given answers B1.start: yes x4
  expect judgement B1.sufficient: sufficient x2, insufficient x2
  expect score 6/8
}
test "B1 misjudged" {
  criterion B1
  given answers B1.risk: yes x3, no
  given answers B1.needs: yes x2, no x2
  expect judgement B1.sufficient: sufficient x3, insufficient
}
"""
    path = tmp_path / "t.esi"
    path.write_text(JUDGED + tests, encoding="utf-8")
    checked = check_file(str(path))
    assert checked.ruleset is not None, checked.diagnostics
    run = run_tests(checked.ruleset, checked.sources)
    passed, failed = run.results
    assert passed.passed and not failed.passed
    (outcome,) = failed.expectations
    assert outcome.expectation.value == "sufficient x3, insufficient x1"
    assert outcome.found.shown == "sufficient x2, insufficient x2"
    doubled = JUDGED + tests.replace("sufficient x3, insufficient", "sufficient x3, sufficient")
    assert "R158" in codes(tmp_path, doubled)
    assert "R030" in codes(tmp_path, JUDGED + tests.replace("judgement B1.sufficient: sufficient x3", "judgement B1.start: yes x3"))


def test_a_derived_ruleset_adds_a_judgement_to_a_criterion_but_does_not_replace_one_in_it(tmp_path: Path) -> None:
    (tmp_path / "parent.esi").write_text(JUDGED, encoding="utf-8")
    added = header("child") + """extends "parent.esi"
add to criterion B1 {
  judgement B1.planned "The plan was sound" {
    prompt B1.goals "Its goals were set"
    a case is yes when each prompt is met
    a case is no otherwise
  }
}
"""
    child = ruleset_of(tmp_path, added, "child.esi")
    assert [q.id for q in child.criterion("B1").questions] == ["B1.start", "B1.sufficient", "B1.planned"]
    assert [q.id for q in child.answered()][-1] == "B1.goals"
    replaced = added.replace("add to criterion B1", "replace in criterion B1")
    assert "R072" in codes(tmp_path, replaced)


def test_the_analysis_finds_a_rule_that_can_never_rate_a_case(tmp_path: Path) -> None:
    # Rules that name a prompt are not analysed (their `otherwise` is required anyway).
    assert "W150" not in codes(tmp_path, JUDGED)
    majority = JUDGED.replace("B1.risk is met and the majority of other prompts are met", "the majority of prompts are met")
    assert "W150" not in codes(tmp_path, majority)  # 2 of 3 prompts met: partly
    # With two prompts, more than half met is both met: `each prompt` has rated the case first.
    two = majority.replace('      prompt B1.victim "Victim considered" applies when dv\n', "").replace(
        'sample autumn "Autumn" { without questions B1.victim }\n', ""
    )
    assert codes(tmp_path, two) == ["W150"]


def test_the_handbook_lists_the_prompts_and_how_a_case_is_rated(tmp_path: Path) -> None:
    from esirules.cli.main import main

    (tmp_path / "r.esi").write_text(JUDGED, encoding="utf-8")
    out = tmp_path / "h.md"
    assert main(["handbook", str(tmp_path / "r.esi"), "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "**The prompts of B1.sufficient**" in page
    assert "| B1.victim | Victim considered | — | “yes” | only cases where" in page
    assert "- “sufficient” when each prompt is met" in page
    assert "- “partly sufficient” when B1.risk is met and the majority of other prompts are met" in page


def test_diff_reports_a_judgement_s_rules_and_prompts(tmp_path: Path) -> None:
    from esirules.cli.main import main

    (tmp_path / "old.esi").write_text(JUDGED, encoding="utf-8")
    changed = JUDGED.replace("the majority of other prompts are met", "some other prompts are met").replace(
        '      prompt B1.needs "Needs identified"\n', '      prompt B1.needs "Needs identified" weight 2\n'
    )
    (tmp_path / "new.esi").write_text(changed, encoding="utf-8")
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        main(["diff", str(tmp_path / "old.esi"), str(tmp_path / "new.esi"), "--format", "json"])
    text = printed.getvalue()
    assert '"rules"' in text and "some other prompts are met" in text
    assert "B1.needs" in text and '"weight"' in text


def test_fmt_lays_out_a_judgement(tmp_path: Path) -> None:
    from esirules.authoring.fmt import format_text

    messy = JUDGED.replace("\n      prompt B1.needs", "  prompt B1.needs").replace("      a case is insufficient", "a case is insufficient")
    canonical = format_text(JUDGED, "r.esi").text
    assert canonical is not None and "\n      prompt B1.needs" in canonical
    assert format_text(messy, "r.esi").text == canonical
    assert format_text(canonical, "r.esi").text == canonical
