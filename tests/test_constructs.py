"""Every construct of the ruleset language, evaluated end to end from ruleset TEXT.

Each test writes a tiny ruleset (2-6 questions or items) and a YAML evidence file, and goes
through the public path only: `esirules.language.check.load_ruleset_text` (or `load_ruleset` on a file),
`esirules.scoring.compile.compile_ruleset`, `esirules.evidence.load.load_evidence` and `esirules.scoring.evaluate.score`.

Every expected value is worked out BY HAND from docs/language.md and docs/scoring-semantics.md;
the arithmetic is written in a comment next to it. Nothing is taken from the program's output.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from esirules.diagnostics import DiagnosticError
from esirules.evidence.load import load_evidence
from esirules.language.check import load_ruleset, load_ruleset_text
from esirules.language.model import Ruleset
from esirules.scoring.compile import compile_ruleset
from esirules.scoring.evaluate import score
from esirules.scoring.result import ColumnResult

F = Fraction

# Ratings on the performance scale, short.
VS, S, G, SA, W, NA = "very strong", "strong", "good", "satisfactory", "weak", "n/a"

LADDER = 'ladder grade: "Very well met" > "Well met" > "Satisfactorily met" > "Partly met" > "Not met" > "Poor"'
VWM, WM, SM, PM, NM, POOR = "Very well met", "Well met", "Satisfactorily met", "Partly met", "Not met", "Poor"


def prelude(
    *,
    name: str = "constructs",
    rounding: str = "rounding: whole percent, halves up",
    answers: str = "answers on answer, met when yes",
) -> str:
    """The vocabulary most tests share: answer and performance scales, the grade ladder."""
    return f"""
ruleset "{name}" version "1"
{rounding}
scale answer: yes > partly > no, not applicable "n/a"
scale performance: "very strong" > strong > good > satisfactory > weak, not applicable "n/a"
{LADDER}
{answers}
"""


# One item, one grade: very strong -> Very well met, strong -> Well met, good -> Satisfactorily
# met, satisfactory -> Partly met, weak -> Not met. Used where a test needs criteria with given
# grades (lowest of, points, over, adjustments).
DIRECT = """
grading direct {
  items rated on performance
  grades from grade
  "Very well met" when exactly "very strong" on each item
  "Well met" when exactly strong on each item
  "Satisfactorily met" when exactly good on each item
  "Partly met" when exactly satisfactory on each item
  "Not met" when exactly weak on each item
  "Poor" otherwise
}
"""


def direct_criteria(*ids: str) -> str:
    """Descriptive criteria graded by `direct`, each with one item `ID.x`."""
    return "\n".join(f'  criterion {cid} "Criterion {cid}" {{ graded by direct  item {cid}.x "x" }}' for cid in ids)


def case(cid: str, answers: dict[str, Any] | None = None, *, sample: str | None = None, **attributes: Any) -> dict:
    out: dict[str, Any] = {"id": cid}
    if sample is not None:
        out["sample"] = sample
    out.update(attributes)
    out["answers"] = answers or {}
    return out


def fill(template: str, text: str) -> str:
    """A ruleset template with its `<<HERE>>` filled in (templates hold `%`, so no % formatting)."""
    assert "<<HERE>>" in template
    return template.replace("<<HERE>>", text)


def ruleset_of(tmp_path: Path, text: str, name: str = "r.esi") -> Ruleset:
    return load_ruleset_text(text, str(tmp_path / name))


def evidence_file(tmp_path: Path, data: dict[str, Any], name: str = "evidence.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def score_ruleset(tmp_path: Path, ruleset: Ruleset, data: dict[str, Any], sample: str | None = None) -> ColumnResult:
    evidence = load_evidence(evidence_file(tmp_path, data), ruleset)
    return score(compile_ruleset(ruleset), evidence, sample=sample)


def run(tmp_path: Path, text: str, data: dict[str, Any], sample: str | None = None) -> ColumnResult:
    return score_ruleset(tmp_path, ruleset_of(tmp_path, text), data, sample)


def answers_for(prefixes: tuple[str, ...], **by_question: Any) -> dict[str, Any]:
    """The same answers for several criteria: answers_for(("B1", "B2"), a="yes") -> B1.a, B2.a."""
    return {f"{p}.{q}": v for p in prefixes for q, v in by_question.items()}


# =============================================================================================
# Numerical criteria: pooling, met when, not applicable and blank answers, question weights


POOLING = prelude() + """
section B "Pooling" {
  criterion B1 "Default pooling" {
    question B1.a "a"
    question B1.b "b"
  }
  criterion B2 "Pooled, written out" {
    pooling: pooled
    question B2.a "a"
    question B2.b "b"
  }
  criterion B3 "Mean of questions" {
    pooling: mean of questions
    question B3.a "a"
    question B3.b "b"
  }
}
"""


def pooling_evidence() -> dict[str, Any]:
    both = ("B1", "B2", "B3")
    return {
        "cases": [
            case("c1", answers_for(both, a="yes", b="yes")),
            case("c2", answers_for(both, a="yes", b="no")),
            case("c3", answers_for(both, a="n/a", b="no")),
            # c4: question a is blank (explicitly null for B1, left out for B2 and B3).
            case("c4", {"B1.a": None, **answers_for(both, b="partly")}),
        ]
    }


def test_pooled_and_mean_of_questions(tmp_path: Path) -> None:
    result = run(tmp_path, POOLING, pooling_evidence())
    # Question a: c3 answered n/a and c4 is blank, so 2 applicable (c1, c2), both yes: 2 of 2.
    # Question b: 4 applicable; only c1 yes (partly is not met under `met when yes`): 1 of 4.
    for cid in ("B1", "B2", "B3"):
        a, b = result.criteria[cid].questions
        assert (a.met, a.applicable, a.value) == (2, 2, F(1))
        assert a.not_applicable_reasons() == {"c3": "answered not applicable", "c4": "not answered"}
        assert (b.met, b.applicable, b.value) == (1, 4, F(1, 4))
        assert b.met_cases == ("c1",)
        assert b.not_met_cases == ("c2", "c3", "c4")
        assert b.display == "25%"  # 1/4
    # Pooled (the default, and written out): (2 + 1) / (2 + 4) = 3/6 = 1/2 -> 50%.
    for cid in ("B1", "B2"):
        criterion = result.criteria[cid]
        assert criterion.pooling == "pooled"
        assert (criterion.met, criterion.applicable) == (3, 6)
        assert criterion.value == F(1, 2)
        assert criterion.display == "50%"
    # Mean of questions: (2/2 + 1/4) / 2 = (5/4) / 2 = 5/8 = 62.5% -> shown 63% (halves up).
    mean = result.criteria["B3"]
    assert mean.pooling == "mean of questions"
    assert mean.value == F(5, 8)
    assert mean.display == "63%"


MET_WHEN = """
scale quality: good > adequate > poor, not applicable
section M "Met" {
  criterion M1 "The default" { question M1.q "q" }
  criterion M2 "Yes or partly" { question M2.q "q" met when yes or partly }
  criterion M3 "At least partly" { question M3.q "q" met when at least partly }
  criterion M4 "Exactly partly" { question M4.q "q" met when partly }
  criterion M5 "Another scale" { question M5.q "q" on quality met when at least adequate }
}
"""


def met_when_evidence() -> dict[str, Any]:
    ids = ("M1", "M2", "M3", "M4")
    return {
        "cases": [
            case("c1", {**answers_for(ids, q="yes"), "M5.q": "good"}),
            case("c2", {**answers_for(ids, q="partly"), "M5.q": "adequate"}),
            case("c3", {**answers_for(ids, q="no"), "M5.q": "poor"}),
            # The quality scale's not-applicable answer has no spelling, so it is written
            # `not applicable`; it leaves the count.
            case("c4", {"M5.q": "not applicable"}),
        ]
    }


def test_met_when_rules(tmp_path: Path) -> None:
    result = run(tmp_path, prelude() + MET_WHEN, met_when_evidence())
    # Answers yes, partly, no (c4 blank): 3 applicable.
    expected = {
        "M1": (F(1, 3), "33%"),  # default `met when yes`: yes only -> 1/3 = 33.3% -> 33%
        "M2": (F(2, 3), "67%"),  # yes or partly -> 2/3 = 66.67% -> 67%
        "M3": (F(2, 3), "67%"),  # at least partly = partly or yes -> 2/3 -> 67%
        "M4": (F(1, 3), "33%"),  # a bare answer: partly only -> 1/3 -> 33%
        "M5": (F(2, 3), "67%"),  # good, adequate of good/adequate/poor; c4 n/a -> 2/3 -> 67%
    }
    assert {cid: (c.value, c.display) for cid, c in result.criteria.items()} == expected
    assert result.criteria["M5"].questions[0].not_applicable_reasons() == {"c4": "answered not applicable"}


@pytest.mark.parametrize(
    ("default", "expected"),
    [
        ("answers on answer, met when yes", F(1, 3)),  # yes only: 1 of 3
        ("answers on answer, met when yes or partly", F(2, 3)),  # yes, partly: 2 of 3
        ("answers on answer, met when at least partly", F(2, 3)),  # partly or better: 2 of 3
        ("answers on answer, met when partly", F(1, 3)),  # partly only: 1 of 3
    ],
)
def test_default_met_rule(tmp_path: Path, default: str, expected: Fraction) -> None:
    text = prelude(answers=default) + 'section M "M" { criterion M1 "m" { question M1.q "q" } }'
    evidence = {"cases": [case("c1", {"M1.q": "yes"}), case("c2", {"M1.q": "partly"}), case("c3", {"M1.q": "no"})]}
    assert run(tmp_path, text, evidence).criteria["M1"].value == expected


QUESTION_WEIGHTS = prelude() + """
section W "Question weights" {
  criterion W1 "Pooled" {
    question W1.a "a" weight 2
    question W1.b "b"
  }
  criterion W2 "Mean of questions" {
    pooling: mean of questions
    question W2.a "a" weight 3
    question W2.b "b"
    question W2.c "c" weight 5
  }
}
"""


def test_question_weights(tmp_path: Path) -> None:
    evidence = {
        "cases": [
            case("c1", {"W1.a": "yes", "W1.b": "yes", "W2.a": "yes", "W2.b": "yes", "W2.c": "n/a"}),
            case("c2", {"W1.a": "no", "W1.b": "yes", "W2.a": "no", "W2.b": "yes"}),
            case("c3", {"W1.b": "yes", "W2.b": "yes", "W2.c": "n/a"}),
        ]
    }
    result = run(tmp_path, QUESTION_WEIGHTS, evidence)
    # W1.a (weight 2): 1 of 2 (c3 blank); W1.b (weight 1): 3 of 3.
    # Pooled: (2*1 + 1*3) / (2*2 + 1*3) = 5/7 = 71.43% -> 71%. (Unweighted would be 4/5.)
    w1 = result.criteria["W1"]
    assert (w1.met, w1.applicable) == (5, 7)
    assert w1.value == F(5, 7)
    assert w1.display == "71%"
    # W2.a (weight 3): 1 of 2 = 1/2; W2.b: 3 of 3 = 1; W2.c (weight 5) has no applicable case,
    # so it is left out of the mean. (3 * 1/2 + 1 * 1) / (3 + 1) = (5/2) / 4 = 5/8 -> 62.5% -> 63%.
    w2 = result.criteria["W2"]
    assert w2.questions[2].value is None
    assert w2.questions[2].reason == "no applicable cases in this sample"
    assert w2.value == F(5, 8)
    assert w2.display == "63%"


def test_criterion_with_no_applicable_case_is_not_computable(tmp_path: Path) -> None:
    text = prelude() + 'section B "B" { criterion B1 "b" { question B1.a "a"  question B1.b "b" } }'
    evidence = {"cases": [case("c1", {"B1.a": "n/a"}), case("c2", {"B1.b": "n/a"}), case("c3")]}
    criterion = run(tmp_path, text, evidence).criteria["B1"]
    # Every answer is n/a or blank: nothing applicable, so no score (never 0%).
    assert criterion.value is None
    assert criterion.display == "not computable"
    assert criterion.reason == "no applicable cases in this sample"


# =============================================================================================
# Applicability: ordered, enumerated, yes-or-no and numeric attributes; and, or, not


APPLICABILITY_ATTRIBUTES = """
attribute risk_of_harm "Risk of harm": ordered low < medium < high < "very high"
attribute order_type "Type of order": cro, cpo, licence
attribute sex_offender "Sex offender": yes or no
attribute age "Age": number from 16 to 99
"""

# The cases:   risk_of_harm  order_type  sex_offender  age
#   c1         low           cro         no            18
#   c2         medium        cpo         yes           30
#   c3         high          licence     no            65
#   c4         very high     cpo         no            20
#   c5         high          cro         yes           40
APPLICABILITY_CASES = {
    "c1": {"risk_of_harm": "low", "order_type": "cro", "sex_offender": "no", "age": 18},
    "c2": {"risk_of_harm": "medium", "order_type": "cpo", "sex_offender": "yes", "age": 30},
    "c3": {"risk_of_harm": "high", "order_type": "licence", "sex_offender": "no", "age": 65},
    "c4": {"risk_of_harm": "very high", "order_type": "cpo", "sex_offender": "no", "age": 20},
    "c5": {"risk_of_harm": "high", "order_type": "cro", "sex_offender": "yes", "age": 40},
}

APPLIES = [
    # (criterion id, condition, the cases it applies to, worked out by hand from the table above)
    ("K_ge", "risk_of_harm >= high", ("c3", "c4", "c5")),  # high, very high, high
    ("K_lt", "risk_of_harm < high", ("c1", "c2")),  # low, medium
    ("K_eq", 'risk_of_harm = "very high"', ("c4",)),
    ("K_in", "order_type in {cro, licence}", ("c1", "c3", "c5")),
    ("K_in_ordered", 'risk_of_harm in {low, "very high"}', ("c1", "c4")),
    ("K_ne", "order_type != cpo", ("c1", "c3", "c5")),
    ("K_flag", "sex_offender", ("c2", "c5")),  # yes alone means "is yes"
    ("K_not_flag", "not sex_offender", ("c1", "c3", "c4")),
    ("K_flag_no", "sex_offender = no", ("c1", "c3", "c4")),
    ("K_age_lt", "age < 21", ("c1", "c4")),  # 18, 20
    ("K_age_le", "age <= 20", ("c1", "c4")),  # 18, 20 (20 included)
    ("K_age_gt", "age > 30", ("c3", "c5")),  # 65, 40 (30 not included)
    ("K_age_ge", "age >= 40", ("c3", "c5")),  # 65, 40 (40 included)
    # {c2,c3,c4,c5} (medium or above) and {c1,c3,c5} (not cpo) -> c3, c5
    ("K_and", "risk_of_harm >= medium and not (order_type = cpo)", ("c3", "c5")),
    # {c2,c5} (sex offender) or {c3} (65) -> c2, c3, c5
    ("K_or", "sex_offender or age >= 60", ("c2", "c3", "c5")),
    # `and` before `or`: {c2,c5} or ({c1} and {c1,c4}) -> c1, c2, c5
    ("K_precedence", "sex_offender or risk_of_harm = low and age < 21", ("c1", "c2", "c5")),
    # brackets: ({c2,c5} or {c1}) and {c1,c4} -> c1
    ("K_brackets", "(sex_offender or risk_of_harm = low) and age < 21", ("c1",)),
    # not ({c2,c5} or {c3}) -> c1, c4
    ("K_not_or", "not (sex_offender or order_type = licence)", ("c1", "c4")),
]

# The reason quotes a condition with brackets exactly where they are needed: `not` takes the
# test right after it, and `and` is taken before `or` (docs/language.md).
QUOTED_AS = {
    "risk_of_harm >= medium and not (order_type = cpo)": "risk_of_harm >= medium and not order_type = cpo",
    "sex_offender or risk_of_harm = low and age < 21": "sex_offender or (risk_of_harm = low and age < 21)",
}


def test_applicability_conditions(tmp_path: Path) -> None:
    criteria = "\n".join(
        f'  criterion {cid} "{cid}" {{ question {cid}.q "q" applies when {condition} }}'
        for cid, condition, _ in APPLIES
    )
    text = prelude() + APPLICABILITY_ATTRIBUTES + f'section K "Applicability" {{\n{criteria}\n}}\n'
    # Each case answers `yes` to exactly the questions that (by hand) apply to it; the others
    # are left blank (the evidence loader refuses an answer to a question that does not apply).
    cases = [
        case(
            cid,
            {f"{k}.q": "yes" for k, _, applies in APPLIES if cid in applies},
            **attributes,
        )
        for cid, attributes in APPLICABILITY_CASES.items()
    ]
    result = run(tmp_path, text, {"cases": cases})
    for cid, condition, applies in APPLIES:
        question = result.criteria[cid].questions[0]
        assert question.met_cases == applies, cid
        assert question.applicable == len(applies), cid
        reasons = question.not_applicable_reasons()
        # Every other case is not applicable because the condition does not hold (not because
        # it is blank: a blank answer to a question that applies would read "not answered").
        assert set(reasons) == set(APPLICABILITY_CASES) - set(applies), cid
        quoted = QUOTED_AS.get(condition, condition)
        assert all(r.startswith(f"the question applies when {quoted}; ") for r in reasons.values()), (cid, reasons)
        assert result.criteria[cid].value == 1  # all applicable answers are yes
    # The reason names the attribute's value (docs/scoring-semantics.md, section 2).
    reasons = result.criteria["K_ge"].questions[0].not_applicable_reasons()
    assert reasons["c2"] == "the question applies when risk_of_harm >= high; risk_of_harm is medium"


def test_applicability_in_a_score(tmp_path: Path) -> None:
    text = prelude() + APPLICABILITY_ATTRIBUTES + """
section K "K" {
  criterion K1 "k" {
    question K1.all "every case"
    question K1.risk "high risk only" applies when risk_of_harm >= high
  }
}
"""
    answers = {"c1": ("yes", None), "c2": ("no", None), "c3": ("yes", "no"), "c4": ("no", "yes"), "c5": ("yes", "yes")}
    cases = [
        case(cid, {"K1.all": a, **({} if r is None else {"K1.risk": r})}, **APPLICABILITY_CASES[cid])
        for cid, (a, r) in answers.items()
    ]
    criterion = run(tmp_path, text, {"cases": cases}).criteria["K1"]
    # K1.all: yes for c1, c3, c5 -> 3 of 5. K1.risk applies to c3, c4, c5 (high, very high,
    # high): yes for c4, c5 -> 2 of 3. Pooled: (3 + 2) / (5 + 3) = 5/8 -> 62.5% -> 63%.
    assert criterion.value == F(5, 8)
    assert criterion.display == "63%"


# =============================================================================================
# The worked example of docs/scoring-semantics.md, section 10 (with a header, comments,
# descriptions, a source and a test block: constructs that are checked but not scored)


WORKED_EXAMPLE = '''
ruleset "worked-example" version "1"
title "The worked example"
description """
The worked example of the scoring semantics,
over two lines.
"""
rounding: whole percent, halves up

scale answer: yes > partly > no, not applicable "n/a"
scale performance: "very strong" > strong > good > satisfactory > weak, not applicable "n/a"
ladder grade: "Very well met" > "Well met" > "Satisfactorily met" > "Partly met" > "Not met" > "Poor"
answers on answer, met when yes   # a comment at the end of a line

attribute risk_of_harm "Risk of harm": ordered low < medium < high < "very high"
class critical weight 2
class important weight 1
source case_file "Case file"

grading management {
  items rated on performance
  grades from grade
  description "The report's management grading."
  "Very well met" when at least "very strong" on each item
  "Well met" when at least strong on each item
  "Satisfactorily met" when at least strong on the majority of items and at least satisfactory on the others
  "Partly met" when at least good on some items and at least satisfactory on the others
  "Not met" when at least satisfactory on some items
  "Poor" otherwise
}

section A "Management" {
  criterion A1 "Leadership" {
    graded by management
    item A1.plan "Business plan in place"
    item A1.targets "Targets monitored" weight 2
    item A1.staff "Staff supervised"
  }
}

section B "Assessment" {
  description "Scored from case files."
  criterion B1 "Assessment of risk of harm" critical {
    description "Risk of harm."
    question B1.start "Risk of harm assessed at the start" source case_file
    question B1.managers "Managers involved" applies when risk_of_harm >= high
  }
  criterion B2 "Assessment of likelihood of reoffending" important {
    question B2.tool "Assessment tool completed" met when at least partly
  }
  score: weighted mean of criteria
}

test "A1 of the worked example" {
  criterion A1
  given ratings A1.plan strong, A1.targets good, A1.staff satisfactory
  expect grade "Partly met"
}

test "B1 pools its questions" {
  criterion B1
  given answers B1.start: yes x3, no
  given answers B1.managers: yes x 2, "n/a"
  expect score 5/6
}
'''


def test_worked_example(tmp_path: Path) -> None:
    path = tmp_path / "worked.esi"
    path.write_text(WORKED_EXAMPLE, encoding="utf-8")
    ruleset = load_ruleset(str(path))  # from a file this time
    assert ruleset.title == "The worked example"
    assert len(ruleset.tests) == 2  # checked by `esirules check`; not scored
    cases = [
        case("c1", {"B1.start": "yes", "B1.managers": "yes", "B2.tool": "yes"}, risk_of_harm="high"),
        case("c2", {"B1.start": "yes", "B2.tool": "partly"}, risk_of_harm="medium"),
        case("c3", {"B1.start": "no", "B1.managers": "no", "B2.tool": "no"}, risk_of_harm="very high"),
        case("c4", {"B1.start": "yes", "B2.tool": "yes"}, risk_of_harm="low"),
        case("c5", {"B1.start": "n/a", "B1.managers": "yes", "B2.tool": "no"}, risk_of_harm="high"),
    ]
    ratings = {"A1.plan": "strong", "A1.targets": "good", "A1.staff": "satisfactory"}
    result = score_ruleset(tmp_path, ruleset, {"cases": cases, "ratings": ratings})
    start, managers = result.criteria["B1"].questions
    assert (start.met, start.applicable) == (3, 4)  # c5 n/a; c1, c2, c4 yes of c1-c4
    assert (managers.met, managers.applicable) == (2, 3)  # applies to c1, c3, c5; c1, c5 yes
    assert managers.not_applicable_reasons()["c2"] == (
        "the question applies when risk_of_harm >= high; risk_of_harm is medium"
    )
    b1 = result.criteria["B1"]
    assert (b1.value, b1.display) == (F(5, 7), "71%")  # (3 + 2) / (4 + 3) = 5/7 = 71.43%
    b2 = result.criteria["B2"]
    assert (b2.value, b2.display) == (F(3, 5), "60%")  # yes or partly: c1, c2, c4 of 5
    section = result.sections["B"]
    # (2 * 5/7 + 1 * 3/5) / 3 = (50/35 + 21/35) / 3 = 71/105 = 67.62% -> 68%
    # (not 67%, which averaging the rounded 71% and 60% would give: figures round once).
    assert (section.value, section.display) == (F(71, 105), "68%")
    a1 = result.criteria["A1"]
    assert a1.grade == PM
    assert a1.display == PM
    # Satisfactorily met: at least strong on the majority: only plan (1 of 4 by weight).
    satisfactorily = a1.trace.rules[2]
    assert satisfactorily.grade == SM
    first = satisfactorily.clauses[0]
    assert (first.needed, first.found, first.holds) == ("more than 2 of 4 (by weight)", "1", False)
    # Partly met: plan and targets are at least good (weight 3), staff is at least satisfactory.
    partly = a1.trace.rules[3]
    assert partly.chosen
    assert partly.clauses[0].satisfying_weight == 3
    assert partly.clauses[1].domain == ("A1.staff",)


# =============================================================================================
# Sections and the overall: criterion weights, section weights, missing data, samples


CRITERION_WEIGHTS = prelude() + DIRECT + """
class critical weight 2
class important weight 1
section B "Weights" {
  criterion B1 "Critical" critical { question B1.q "q" }
  criterion B2 "Explicit" weight 3 { question B2.q "q" }
  criterion B3 "Important" important { question B3.q "q" }
  criterion B4 "No weight" { question B4.q "q" }
  criterion B5 "Graded" { graded by direct  item B5.x "x" }
  score: weighted mean of criteria
}
section C "Listed criteria" {
  criterion C1 "Critical" critical { question C1.q "q" }
  criterion C2 "Half" weight 0.5 { question C2.q "q" }
  criterion C3 "Not listed" { question C3.q "q" }
  score: weighted mean of criteria C1, C2
}
section D "No score line" {
  criterion D1 "Critical" critical { question D1.q "q" }
  criterion D2 "Plain" { question D2.q "q" }
}
"""


def test_class_and_explicit_criterion_weights(tmp_path: Path) -> None:
    column = {  # each criterion's answers for c1..c4
        "B1.q": ("yes", "yes", "no", "no"),  # 1/2
        "B2.q": ("yes", "no", "no", "no"),  # 1/4
        "B3.q": ("yes", "yes", "yes", "no"),  # 3/4
        "B4.q": ("yes", "yes", "yes", "yes"),  # 1
        "C1.q": ("yes", "no", "no", "no"),  # 1/4
        "C2.q": ("yes", "yes", "yes", "no"),  # 3/4
        "C3.q": ("no", "no", "no", "no"),  # 0
        "D1.q": ("yes", "no", "no", "no"),  # 1/4
        "D2.q": ("yes", "yes", "yes", "yes"),  # 1
    }
    cases = [case(f"c{i + 1}", {q: answers[i] for q, answers in column.items()}) for i in range(4)]
    result = run(tmp_path, CRITERION_WEIGHTS, {"cases": cases, "ratings": {"B5.x": "strong"}})
    b1, b2, b4 = result.criteria["B1"], result.criteria["B2"], result.criteria["B4"]
    assert (b1.weight, b1.weight_class) == (2, "critical")
    assert (b2.weight, b2.weight_class) == (3, None)
    assert (b4.weight, b4.weight_class) == (1, None)
    assert result.criteria["C2"].weight == F(1, 2)
    # B: (2 * 1/2 + 3 * 1/4 + 1 * 3/4 + 1 * 1) / (2 + 3 + 1 + 1) = (1 + 3/4 + 3/4 + 1) / 7
    #    = (7/2) / 7 = 1/2 -> 50%. (All weights 1 would give 5/8; B2 at weight 1, 3/5.)
    # B5 is descriptive: left out as "graded, not scored".
    b = result.sections["B"]
    assert (b.value, b.display) == (F(1, 2), "50%")
    assert [(e.member, e.reason) for e in b.score.excluded] == [("B5", "graded, not scored")]
    assert result.criteria["B5"].grade == WM
    # C lists C1, C2 only: (2 * 1/4 + 1/2 * 3/4) / (2 + 1/2) = (1/2 + 3/8) / (5/2) = (7/8) / (5/2)
    #    = 7/20 = 35% -> 35%. (With C3 at weight 1 and 0%: (7/8) / (7/2) = 1/4.)
    c = result.sections["C"]
    assert (c.value, c.display) == (F(7, 20), "35%")
    # D has no score line: its score is the weighted mean of its criteria by default.
    # (2 * 1/4 + 1 * 1) / 3 = (3/2) / 3 = 1/2 -> 50%.
    d = result.sections["D"]
    assert (d.value, d.display) == (F(1, 2), "50%")


SECTION_WEIGHTS = prelude() + """
section B "B" weight 30% { criterion B1 "b" { question B1.q "q" } }
section C "C" weight 50% { criterion C1 "c" { question C1.q "q" } }
section D "D" weight 20% { criterion D1 "d" { question D1.q "q" } }
"""


@pytest.mark.parametrize(
    ("overall", "expected", "display"),
    [
        # (30% * 1/2 + 50% * 1/4 + 20% * 1) / 100% = 0.15 + 0.125 + 0.2 = 0.475 = 19/40
        # -> 47.5% -> 48% (halves up). Equal weights would give (1/2 + 1/4 + 1) / 3 = 7/12.
        ("score: weighted mean of sections", F(19, 40), "48%"),
        # (30% * 1/2 + 50% * 1/4) / 80% = 0.275 / 0.8 = 11/32 = 34.375% -> 34%
        ("score: weighted mean of sections B, C", F(11, 32), "34%"),
    ],
)
def test_section_weights_in_the_overall(tmp_path: Path, overall: str, expected: Fraction, display: str) -> None:
    text = SECTION_WEIGHTS + f'overall "Overall" {{ {overall} }}'
    answers = {"B1.q": ("yes", "yes", "no", "no"), "C1.q": ("yes", "no", "no", "no"), "D1.q": ("yes",) * 4}
    cases = [case(f"c{i + 1}", {q: a[i] for q, a in answers.items()}) for i in range(4)]
    result = run(tmp_path, text, {"cases": cases})
    # B1 = 2/4 = 1/2, C1 = 1/4, D1 = 4/4 = 1.
    assert [result.sections[s].value for s in "BCD"] == [F(1, 2), F(1, 4), F(1)]
    assert result.sections["B"].weight == F(3, 10)  # 30%
    assert result.overall is not None
    assert (result.overall.value, result.overall.display) == (expected, display)


MISSING = prelude() + """
section B "B" {
  criterion B1 "b1" weight 2 { question B1.q "q" }
  criterion B2 "b2" { question B2.q "q" }
  criterion B3 "b3" { question B3.q "q" }
  score: weighted mean of criteria
  <<HERE>>
}
"""
MISSING_CASES = [
    case("c1", {"B1.q": "yes", "B2.q": "n/a", "B3.q": "yes"}),
    case("c2", {"B1.q": "yes", "B2.q": "n/a", "B3.q": "no"}),
    case("c3", {"B1.q": "no", "B2.q": "n/a", "B3.q": "no"}),
    case("c4", {"B1.q": "no", "B3.q": "no"}),
]


@pytest.mark.parametrize("line", ["", "if a criterion has no data: not computable"])
def test_missing_criterion_makes_the_section_not_computable(tmp_path: Path, line: str) -> None:
    result = run(tmp_path, fill(MISSING, line), {"cases": MISSING_CASES})
    assert result.criteria["B2"].reason == "no applicable cases in this sample"  # all n/a or blank
    section = result.sections["B"]
    assert section.value is None
    assert section.display == "not computable"
    assert section.reason == "criterion B2 is not computable: no applicable cases in this sample"


def test_missing_criterion_renormalised(tmp_path: Path) -> None:
    result = run(tmp_path, fill(MISSING, "if a criterion has no data: renormalise"), {"cases": MISSING_CASES})
    section = result.sections["B"]
    # B1 = 2/4 = 1/2 (weight 2), B3 = 1/4 (weight 1), B2 left out:
    # (2 * 1/2 + 1 * 1/4) / (2 + 1) = (5/4) / 3 = 5/12 = 41.67% -> 42%
    assert (section.value, section.display) == (F(5, 12), "42%")
    assert section.score.renormalised
    assert [(e.member, e.reason) for e in section.score.excluded] == [
        ("B2", "not computable: no applicable cases in this sample")
    ]


SAMPLES = prelude() + """
sample feb "Cases commencing February"
sample sep "Cases commencing September" {
  description "The September cases were too recent for a review."
  sections B
  without questions B1.review
}
section B "B" weight 50% {
  criterion B1 "b1" {
    question B1.start "start"
    question B1.review "review"
  }
}
section C "C" weight 50% {
  criterion C1 "c1" { question C1.a "a" }
}
overall "Overall" {
  description "B and C, half each."
  score: weighted mean of sections
  <<HERE>>
}
"""
SAMPLE_CASES = {
    "cases": [
        case("f1", {"B1.start": "yes", "B1.review": "yes", "C1.a": "yes"}, sample="feb"),
        case("f2", {"B1.start": "no", "B1.review": "yes", "C1.a": "no"}, sample="feb"),
        case("s1", {"B1.start": "yes"}, sample="sep"),
        case("s2", {"B1.start": "yes"}, sample="sep"),
        case("s3", {"B1.start": "no"}, sample="sep"),
    ]
}


def test_sample_with_every_section(tmp_path: Path) -> None:
    result = run(tmp_path, fill(SAMPLES, ""), SAMPLE_CASES, sample="feb")
    assert result.cases == 2  # f1, f2
    # B1: start 1 of 2, review 2 of 2: (1 + 2) / (2 + 2) = 3/4 -> 75%.  C1: 1 of 2 -> 50%.
    assert (result.criteria["B1"].value, result.criteria["B1"].display) == (F(3, 4), "75%")
    assert result.criteria["C1"].value == F(1, 2)
    # Overall: (50% * 3/4 + 50% * 1/2) / 100% = 5/8 = 62.5% -> 63%.
    assert (result.overall.value, result.overall.display) == (F(5, 8), "63%")


def test_sample_sections_and_without_questions(tmp_path: Path) -> None:
    result = run(tmp_path, fill(SAMPLES, ""), SAMPLE_CASES, sample="sep")
    assert result.cases == 3  # s1, s2, s3
    b1 = result.criteria["B1"]
    start, review = b1.questions
    assert (start.met, start.applicable) == (2, 3)  # s1, s2 yes; s3 no
    assert review.excluded == "sample sep is without this question"
    assert review.not_applicable_reasons() == {s: "sample sep is without this question" for s in ("s1", "s2", "s3")}
    # B1 = start only = 2/3 = 66.67% -> 67%.
    assert (b1.value, b1.display) == (F(2, 3), "67%")
    assert result.sections["B"].value == F(2, 3)
    # Section C is not in the sample: it and its criteria are not computable, with the reason.
    c = result.sections["C"]
    assert not c.applies
    assert (c.value, c.display) == (None, "not computable")
    assert c.reason == "section C does not apply to sample sep"
    assert result.criteria["C1"].value is None
    assert result.criteria["C1"].reason == "section C does not apply to sample sep"
    # The overall needs C, so (by default) it is not computable, naming C and its reason.
    assert result.overall.value is None
    assert result.overall.reason == "section C does not apply to sample sep"


def test_sample_overall_renormalised(tmp_path: Path) -> None:
    text = fill(SAMPLES, "if a section has no data: renormalise")
    result = run(tmp_path, text, SAMPLE_CASES, sample="sep")
    # C is left out: the overall is B alone, 2/3 -> 67%.
    assert (result.overall.value, result.overall.display) == (F(2, 3), "67%")
    assert [e.member for e in result.overall.score.excluded] == ["C"]
    # The explicit default behaves as no line at all.
    explicit = run(tmp_path, fill(SAMPLES, "if a section has no data: not computable"), SAMPLE_CASES, sample="sep")
    assert explicit.overall.value is None
    assert explicit.overall.reason == "section C does not apply to sample sep"


def test_all_cases_without_a_sample(tmp_path: Path) -> None:
    result = run(tmp_path, fill(SAMPLES, ""), SAMPLE_CASES)
    assert result.cases == 5
    # B1.start: f1, s1, s2 yes of 5 -> 3/5; B1.review: f1, f2 yes of 2 (s-cases blank) -> 2/2.
    # B1 = (3 + 2) / (5 + 2) = 5/7.  C1: f1 yes, f2 no (the s-cases are not asked it) -> 1/2.
    assert result.criteria["B1"].value == F(5, 7)
    assert result.criteria["C1"].value == F(1, 2)
    # Overall: (1/2 * 5/7 + 1/2 * 1/2) = 5/14 + 1/4 = (10 + 7)/28 = 17/28 = 60.71% -> 61%.
    assert (result.overall.value, result.overall.display) == (F(17, 28), "61%")


def test_answers_in_a_section_the_sample_leaves_out_are_refused(tmp_path: Path) -> None:
    cases = {"cases": [case("s1", {"B1.start": "yes", "C1.a": "yes"}, sample="sep")]}
    with pytest.raises(DiagnosticError) as raised:
        run(tmp_path, fill(SAMPLES, ""), cases, sample="sep")
    assert [d.code for d in raised.value.diagnostics] == ["E123"]
    assert "section C does not apply" in raised.value.diagnostics[0].message


# =============================================================================================
# extends, exclude cases / source / question, replace criterion


PARENT = prelude(name="parent") + """
attribute order_type "Type of order": cro, cpo, licence
source case_file "Case file"
source interview "Offender interview"
section B "B" {
  criterion B1 "Sources" {
    question B1.file "From the file" source case_file
    question B1.talk "From the interview" source interview
  }
  criterion B2 "Two questions" {
    question B2.a "a"
    question B2.b "b"
  }
  criterion B3 "To be replaced" {
    question B3.a "a"
  }
  score: weighted mean of criteria
}
"""

CHILD = """
ruleset "child" version "2"
extends "parent.esi"
rounding: 1 decimal place, halves up
exclude cases where order_type = cpo
exclude source interview
exclude question B2.b
replace criterion B3 "Replaced" weight 2 {
  question B3.a "a" met when at least partly
}
"""

DERIVED_CASES = {
    "cases": [
        # case, order, B1.file, B1.talk, B2.a, B2.b, B3.a
        case("c1", {"B1.file": "yes", "B1.talk": "no", "B2.a": "yes", "B2.b": "no", "B3.a": "partly"}, order_type="cro"),
        case("c2", {"B1.file": "no", "B1.talk": "no", "B2.a": "no", "B2.b": "no", "B3.a": "no"}, order_type="cpo"),
        case("c3", {"B1.file": "yes", "B1.talk": "yes", "B2.a": "no", "B2.b": "yes", "B3.a": "yes"}, order_type="licence"),
        case("c4", {"B1.file": "no", "B1.talk": "yes", "B2.a": "yes", "B2.b": "yes", "B3.a": "partly"}, order_type="cro"),
    ]
}


def derived(tmp_path: Path) -> tuple[Ruleset, Ruleset]:
    (tmp_path / "parent.esi").write_text(PARENT, encoding="utf-8")
    (tmp_path / "child.esi").write_text(CHILD, encoding="utf-8")
    return load_ruleset(str(tmp_path / "parent.esi")), load_ruleset(str(tmp_path / "child.esi"))


def test_parent_scores_everything(tmp_path: Path) -> None:
    parent, _ = derived(tmp_path)
    result = score_ruleset(tmp_path, parent, DERIVED_CASES)
    assert result.cases == 4
    # B1: file 2 of 4 (c1, c3) + talk 2 of 4 (c3, c4) = 4/8 = 1/2.
    # B2: a 2 of 4 (c1, c4) + b 2 of 4 (c3, c4) = 4/8 = 1/2.
    # B3 (met when yes): c3 only -> 1/4.
    assert [result.criteria[c].value for c in ("B1", "B2", "B3")] == [F(1, 2), F(1, 2), F(1, 4)]
    # Section: (1/2 + 1/2 + 1/4) / 3 = 5/12 = 41.67% -> 42%.
    assert (result.sections["B"].value, result.sections["B"].display) == (F(5, 12), "42%")


def test_child_excludes_cases_sources_questions_and_replaces_a_criterion(tmp_path: Path) -> None:
    _, child = derived(tmp_path)
    result = score_ruleset(tmp_path, child, DERIVED_CASES)
    assert result.ruleset.name == "child"
    # exclude cases where order_type = cpo: c2 is out of every score.
    assert result.cases == 3
    assert [(g.reason, g.cases) for g in result.excluded_cases] == [("excluded by the ruleset: order_type = cpo", ("c2",))]
    # exclude source interview: B1.talk contributes nothing; B1 is B1.file over c1, c3, c4:
    # yes, yes, no -> 2/3 = 66.666...% -> 66.7% (the child's rounding: 1 decimal place).
    b1 = result.criteria["B1"]
    talk = b1.questions[1]
    assert talk.excluded == "excluded by the ruleset: source interview"
    assert talk.not_applicable_reasons() == {c: "excluded by the ruleset: source interview" for c in ("c1", "c3", "c4")}
    assert (b1.value, b1.display) == (F(2, 3), "66.7%")
    # exclude question B2.b: B2 is B2.a over c1, c3, c4: yes, no, yes -> 2/3.
    b2 = result.criteria["B2"]
    assert b2.questions[1].excluded == "excluded by the ruleset: question B2.b"
    assert b2.value == F(2, 3)
    # replace criterion B3: now met when at least partly, weight 2: partly, yes, partly -> 3/3.
    b3 = result.criteria["B3"]
    assert (b3.title, b3.weight, b3.section) == ("Replaced", 2, "B")
    assert (b3.value, b3.display) == (F(1), "100.0%")
    assert list(result.criteria) == ["B1", "B2", "B3"]  # in the old criterion's place
    # Section: (1 * 2/3 + 1 * 2/3 + 2 * 1) / (1 + 1 + 2) = (10/3) / 4 = 5/6 = 83.333% -> 83.3%.
    assert (result.sections["B"].value, result.sections["B"].display) == (F(5, 6), "83.3%")


# =============================================================================================
# Descriptive criteria: every quantifier, every comparison, item weights, not-applicable items


def probe_text(clauses: str, weights: tuple[float, ...]) -> str:
    items = "\n".join(f'    item A1.{i} "item {i}" weight {w}' for i, w in enumerate(weights))
    return prelude() + f"""
grading probe {{
  items rated on performance
  grades from grade
  "Well met" when {clauses}
  "Not met" otherwise
}}
section A "A" {{
  criterion A1 "Probe" {{
    graded by probe
{items}
  }}
}}
"""


def probe(
    tmp_path: Path, clauses: str, ratings: tuple[str, ...], weights: tuple[float, ...] | None = None
) -> ColumnResult:
    weights = weights or (1,) * len(ratings)
    text = probe_text(clauses, weights)
    return run(tmp_path, text, {"ratings": {f"A1.{i}": r for i, r in enumerate(ratings)}})


EACH = "at least strong on each item"
MAJORITY = "at least strong on the majority of items"
OTHERS = "at least strong on the majority of items and at least satisfactory on the others"

QUANTIFIERS = [
    # (clauses, ratings of items 0..3, item weights (1 each if None), does the rule hold?)
    # --- each / every / all: every counted item satisfies the comparison
    (EACH, (S, VS, S, S), None, True),  # very strong is at least strong
    (EACH, (S, VS, S, G), None, False),  # good is not
    ("at least strong on every item", (S, VS, S, S), None, True),
    ("at least strong on all items", (S, S, S, G), None, False),
    (EACH, (S, S, S, NA), None, True),  # the n/a item is left out: 3 of 3
    # --- a bare value means exactly that value
    ("strong on each item", (S, VS, S, S), None, False),  # very strong is not exactly strong
    ("strong on each item", (S, S, S, S), None, True),
    ("exactly strong on every item", (S, VS, S, S), None, False),
    # --- the majority: more than half, by weight
    (MAJORITY, (S, S, G, G), None, False),  # 2 of 4 is exactly half: not a majority
    (MAJORITY, (S, S, VS, G), None, True),  # 3 of 4 > 2
    ("at least strong on majority of items", (S, W, W, W), (2, 1, 1, 1), False),  # 2 of 5, not > 2.5
    ("at least strong on the majority of the items", (S, S, W, W), (2, 1, 1, 1), True),  # 3 of 5 > 2.5
    (MAJORITY, (S, S, W, NA), None, True),  # n/a left out: 2 of 3 > 1.5 (2 of 4 would fail)
    # --- some: at least one item of weight above 0
    ("at least good on some items", (W, W, SA, W), None, False),
    ("at least good on some of the items", (W, W, G, W), None, True),
    ("at least good on some items", (G, W, W, W), (0, 1, 1, 1), False),  # the good item weighs 0
    # --- none
    ("weak on none of the items", (S, G, SA, W), None, False),
    ("weak on none of the items", (S, G, SA, SA), None, True),
    ("exactly weak on none of items", (W, G, G, G), None, False),
    # --- at least N / N or more, by weight
    ("at least strong on at least 2 items", (S, G, G, G), None, False),  # 1
    ("at least strong on at least 2 items", (VS, S, G, G), None, True),  # 2
    ("at least strong on at least 2 items", (S, G, G, G), (2, 1, 1, 1), True),  # weight 2 counts twice
    ("at least strong on at least 1 item", (S, G, G, G), (0.5, 1, 1, 1), False),  # weighs 0.5, not 1
    ("at least strong on at least 1 item", (S, S, G, G), (0.5, 0.5, 1, 1), True),  # 0.5 + 0.5 = 1
    ("at least strong on 2 or more items", (S, G, G, G), None, False),  # 1
    ("at least strong on 2 or more items", (S, S, G, G), None, True),  # 2
    # --- at least P% of the items, by weight (the bound is included)
    ("at least strong on at least 75% of the items", (S, S, S, G), None, True),  # 3/4 = 75%
    ("at least strong on at least 75% of items", (S, S, G, G), None, False),  # 2/4 = 50%
    ("at least strong on at least 75% of the items", (S, S, G, G), (2, 1, 1, 1), False),  # 3/5 = 60%
    ("at least strong on at least 75% of the items", (S, S, S, G), (2, 1, 1, 1), True),  # 4/5 = 80%
    # --- at best: that value or worse
    ("at best satisfactory on the majority of items", (SA, W, G, S), None, False),  # 2 of 4
    ("at best satisfactory on the majority of items", (SA, W, W, S), None, True),  # 3 of 4
    ("at best satisfactory on each item", (SA, W, W, W), None, True),
    ("at best satisfactory on each item", (SA, W, W, G), None, False),
    # --- the others: the items the clause before did not count
    (OTHERS, (S, S, VS, W), None, False),  # majority 3 of 4; the other (weak) is below satisfactory
    (OTHERS, (S, S, VS, SA), None, True),  # the other is satisfactory
    (OTHERS, (S, S, VS, VS), None, True),  # no others: true
    (OTHERS, (S, SA, SA, SA), None, False),  # the others hold, but the majority clause does not
    ("at least good on some items and at least satisfactory on the others", (G, W, SA, SA), None, False),
    ("at least good on some items and at least satisfactory on the others", (G, SA, SA, SA), None, True),
]


@pytest.mark.parametrize(("clauses", "ratings", "weights", "holds"), QUANTIFIERS)
def test_quantifiers_and_comparisons(
    tmp_path: Path, clauses: str, ratings: tuple[str, ...], weights: tuple[float, ...] | None, holds: bool
) -> None:
    criterion = probe(tmp_path, clauses, ratings, weights).criteria["A1"]
    assert criterion.grade == (WM if holds else NM)
    assert criterion.trace.rules[0].holds is holds


def test_clause_counts_by_weight(tmp_path: Path) -> None:
    result = probe(tmp_path, OTHERS, (S, S, W, SA), (2, 1, 1, 1))
    majority, others = result.criteria["A1"].trace.rules[0].clauses
    # Items 0 (strong, weight 2) and 1 (strong) weigh 3 of 5: more than 2.5.
    assert (majority.satisfying_weight, majority.domain_weight, majority.holds) == (3, 5, True)
    assert majority.needed == "more than 2.5 of 5 (by weight)"
    # The others are items 2 (weak) and 3 (satisfactory); only item 3 is at least satisfactory.
    assert others.domain == ("A1.2", "A1.3")
    assert (others.satisfying, others.holds) == (("A1.3",), False)
    assert result.criteria["A1"].grade == NM


def test_unrated_and_not_applicable_items(tmp_path: Path) -> None:
    text = probe_text(EACH, (1, 1))
    unrated = run(tmp_path, text, {"ratings": {"A1.0": "strong"}}).criteria["A1"]
    assert unrated.grade is None
    assert unrated.display == "not computable"
    assert unrated.reason == "item A1.1 is not rated"
    all_na = run(tmp_path, text, {"ratings": {"A1.0": "n/a", "A1.1": "n/a"}}).criteria["A1"]
    assert all_na.grade is None
    assert all_na.reason == "every item is rated not applicable"


# =============================================================================================
# Caps and cumulative gradings


CAPPED = prelude() + """
grading capped {
  items rated on performance
  grades from grade
  "Very well met" when at least strong on each item
  "Partly met" when at least good on some items
  "Poor" otherwise
  no better than "Well met" when exactly strong on 2 or more items
  no better than "Not met" when at best satisfactory on the majority of items
}
section A "A" {
  criterion A1 "Capped" {
    graded by capped
    item A1.a "a"
    item A1.b "b"
    item A1.c "c"
  }
}
"""


@pytest.mark.parametrize(
    ("ratings", "rules_give", "final", "applied"),
    [
        # Each at least strong -> Very well met; 2 items exactly strong -> capped at Well met.
        ((VS, S, S), VWM, WM, (True, False)),
        # Only 1 item exactly strong: no cap holds.
        ((VS, VS, S), VWM, VWM, (False, False)),
        # Some good -> Partly met; 2 of 3 at best satisfactory (> 1.5) -> Not met.
        ((G, W, W), PM, NM, (False, True)),
        # Every item weak -> Poor. The second cap holds (3 of 3), but Not met is better than
        # Poor: a cap never raises a grade.
        ((W, W, W), POOR, POOR, (False, False)),
    ],
)
def test_caps(tmp_path: Path, ratings: tuple[str, ...], rules_give: str, final: str, applied: tuple[bool, ...]) -> None:
    evidence = {"ratings": dict(zip(("A1.a", "A1.b", "A1.c"), ratings))}
    criterion = run(tmp_path, CAPPED, evidence).criteria["A1"]
    assert criterion.trace.rule_grade == rules_give
    assert criterion.grade == final
    assert tuple(cap.applied for cap in criterion.trace.caps) == applied


GATED = prelude() + """
grading gated {
  items rated on performance
  grades from grade
  <<HERE>>
  "Well met" when at least strong on the majority of items
  "Satisfactorily met" when at least satisfactory on each item
  "Partly met" when at least good on some items
  "Partly met" when exactly satisfactory on each item
  "Poor" otherwise
}
section A "A" {
  criterion A1 "Gated" {
    graded by gated
    item A1.a "a"
    item A1.b "b"
    item A1.c "c"
  }
}
"""


@pytest.mark.parametrize(
    ("ratings", "plain", "cumulative"),
    [
        # Strong on 2 of 3 (> 1.5): the Well met rule holds on its own. Cumulatively it also
        # needs a Satisfactorily met rule, which fails (c is weak); Satisfactorily met itself
        # fails; Partly met (some good) holds and only Poor (otherwise) is below it.
        ((S, S, W), WM, PM),
        # Every item at least satisfactory, and some good: every lower grade holds.
        ((S, S, SA), WM, WM),
        # Satisfactorily met needs a Partly met rule: "some good" fails, but "exactly
        # satisfactory on each item" holds (one rule of a grade is enough).
        ((SA, SA, SA), SM, SM),
    ],
)
def test_cumulative_gradings(tmp_path: Path, ratings: tuple[str, ...], plain: str, cumulative: str) -> None:
    evidence = {"ratings": dict(zip(("A1.a", "A1.b", "A1.c"), ratings))}
    assert run(tmp_path, fill(GATED, ""), evidence).criteria["A1"].grade == plain
    gated = run(tmp_path, fill(GATED, "grades are cumulative"), evidence).criteria["A1"]
    assert gated.grade == cumulative
    assert gated.trace.cumulative


def test_cumulative_trace_names_the_missing_grade(tmp_path: Path) -> None:
    evidence = {"ratings": {"A1.a": S, "A1.b": S, "A1.c": W}}
    trace = run(tmp_path, fill(GATED, "grades are cumulative"), evidence).criteria["A1"].trace
    well = trace.rules[0]
    assert (well.grade, well.clauses_hold, well.holds) == (WM, True, False)
    assert well.gated_by == (SM,)


# =============================================================================================
# Items from measures, and bands


MEASURES = prelude() + """
measure psr "PSR timeliness"
measure victim "Victim contact"
measure enforcement "Enforcement"
measure sickness "Sickness absence" in days, lower is better
bands npd on performance {
  "very strong" when performance at least 110% and actual at least national average
  strong when performance at least 100% and actual at least national average
  good when actual at least target
  satisfactory when performance at least 90%
  weak otherwise
}
grading management {
  items rated on performance
  grades from grade
  measures rated by npd
  "Very well met" when at least "very strong" on each item
  "Well met" when at least strong on each item
  "Satisfactorily met" when at least strong on the majority of items and at least satisfactory on the others
  "Partly met" when at least good on some items and at least satisfactory on the others
  "Not met" when at least satisfactory on some items
  "Poor" otherwise
}
section A "Management" {
  criterion A1 "Targets" {
    graded by management
    item A1.psr from measure psr
    item A1.victim "Victim contact met" from measure victim
    item A1.enforcement from measure enforcement
    item A1.sickness from measure sickness weight 2
    item A1.plan "Business plan"
  }
}
test "A1 with PSR timeliness at 91% of target" {
  criterion A1
  given ratings A1.plan: satisfactory
  given measure psr: actual 82, target 90, national average 78
  given measure victim: actual 93, target 85, national average 93
  given measure enforcement: actual 90, target 90, national average 95
  given measure sickness: actual 8, target 9, national average 11.5
  expect grade "Partly met"
}
"""


def measure_evidence(psr_actual: int, psr_target: int = 90) -> dict[str, Any]:
    return {
        "ratings": {"A1.plan": "satisfactory"},
        "measures": {
            "psr": {"actual": psr_actual, "target": psr_target, "national_average": 78},
            "victim": {"actual": 93, "target": 85, "national_average": 93},
            "enforcement": {"actual": 90, "target": 90, "national_average": 95},
            "sickness": {"actual": "8 days", "target": 9, "national_average": 11.5},
        },
    }


@pytest.mark.parametrize(
    ("psr_actual", "psr_rating", "psr_shown", "grade"),
    [
        # 71 / 90 = 78.89% (shown 79%): below 90%, and 71 < target -> weak.
        # Strong or better: victim (1) + sickness (2) = 3 of 6, not a majority -> not SM.
        # Partly met: some good, but the others (psr weak, plan satisfactory) are not all at
        # least satisfactory -> no. Not met: some at least satisfactory -> Not met.
        (71, W, "79%", NM),
        # 82 / 90 = 91.11% (shown 91%): at least 90% -> satisfactory. Partly met now holds:
        # some good, and the others (psr, plan) are satisfactory.
        (82, SA, "91%", PM),
    ],
)
def test_items_from_measures(tmp_path: Path, psr_actual: int, psr_rating: str, psr_shown: str, grade: str) -> None:
    criterion = run(tmp_path, MEASURES, measure_evidence(psr_actual)).criteria["A1"]
    items = {item.id: item for item in criterion.items}
    assert items["A1.psr"].rating == psr_rating
    assert items["A1.psr"].measure.performance == F(psr_actual, 90)
    assert items["A1.psr"].measure.performance_display == psr_shown
    # victim: 93 / 85 = 109.41% -> not 110%; at least 100% and actual 93 at least the national
    # average 93 (the bound is included) -> strong.
    assert items["A1.victim"].rating == S
    assert items["A1.victim"].measure.performance == F(93, 85)
    # enforcement: 90 / 90 = 100%, but actual 90 is below the national average 95 -> not
    # strong; actual at least target (90 = 90) -> good.
    assert items["A1.enforcement"].rating == G
    # sickness, lower is better: performance = target / actual = 9 / 8 = 112.5% (shown 113%);
    # actual 8 days is at least as good as the national average 11.5 (fewer days) -> very strong.
    sickness = items["A1.sickness"]
    assert sickness.measure.performance == F(9, 8)
    assert sickness.measure.performance_display == "113%"
    assert sickness.rating == VS
    assert sickness.weight == 2
    assert items["A1.plan"].rating == SA
    assert criterion.grade == grade


def test_measure_with_target_zero_is_not_computable(tmp_path: Path) -> None:
    criterion = run(tmp_path, MEASURES, measure_evidence(71, psr_target=0)).criteria["A1"]
    # No performance figure (71 / 0), so the item, and the criterion, are not computable.
    assert criterion.grade is None
    assert criterion.display == "not computable"
    assert "A1.psr" in criterion.reason


DIRECTIONS = prelude() + """
measure days "Days lost" in days, lower is better
measure share "Share completed"
bands met_or_not on performance {
  strong when actual at least target and actual at least national average
  good when actual at least target
  satisfactory when actual at least national average
  weak otherwise
}
bands compared on performance {
  "very strong" when actual above 5
  strong when actual at least 5
  weak when actual below 10
  satisfactory when actual at most 8
  good otherwise
}
grading by_target { items rated on performance  grades from grade  measures rated by met_or_not  "Poor" otherwise }
grading by_number { items rated on performance  grades from grade  measures rated by compared  "Poor" otherwise }
section A "A" {
  criterion A1 "Against target" { graded by by_target  item A1.days from measure days }
  criterion A2 "Against target" { graded by by_target  item A2.share from measure share }
}
section N "N" {
  criterion N1 "Against numbers" { graded by by_number  item N1.days from measure days }
  criterion N2 "Against numbers" { graded by by_number  item N2.share from measure share }
}
"""


@pytest.mark.parametrize(
    ("days", "share", "days_rating", "share_rating"),
    [
        # days (lower is better): 10.7 misses the target 9 but beats the national average 11.5.
        # share: 85 misses the target 90 but beats the national average 80.
        ((10.7, 9, 11.5), (85, 90, 80), SA, SA),
        # days 8.5: within the target 9 and the average 11.5. share 95: above 90 and 93.
        ((8.5, 9, 11.5), (95, 90, 93), S, S),
        # days 9: equals the target (included), but worse than the average 8. share 91: above
        # the target 90, below the average 93.
        ((9, 9, 8), (91, 90, 93), G, G),
        # days 12: worse than both. share 70: below both.
        ((12, 9, 11.5), (70, 90, 80), W, W),
    ],
)
def test_actual_compared_in_the_better_direction(
    tmp_path: Path, days: tuple[float, ...], share: tuple[float, ...], days_rating: str, share_rating: str
) -> None:
    figures = ("actual", "target", "national_average")
    evidence = {"measures": {"days": dict(zip(figures, days)), "share": dict(zip(figures, share))}}
    result = run(tmp_path, DIRECTIONS, evidence)
    assert result.criteria["A1"].items[0].rating == days_rating
    assert result.criteria["A2"].items[0].rating == share_rating


@pytest.mark.parametrize(
    ("actual", "days_rating", "share_rating"),
    [
        # Lower is better (days): above 5 = fewer than 5; at least 5 = 5 or fewer; below 10 =
        # more than 10; at most 8 = 8 or more (no better than 8).
        # Higher is better (share): above 5 = more than 5; at least 5 = 5 or more; below 10 =
        # less than 10.
        (4, VS, W),  # days: 4 < 5 -> very strong.  share: 4 is not >= 5; 4 < 10 -> weak
        (5, S, S),  # days: not < 5, but <= 5 -> strong. share: not > 5, >= 5 -> strong
        (6, G, VS),  # days: not <= 5, not > 10, not >= 8 -> good. share: 6 > 5 -> very strong
        (9, SA, VS),  # days: 9 is not > 10, but >= 8 -> satisfactory. share: 9 > 5
        (12, W, VS),  # days: 12 > 10 -> weak. share: 12 > 5 -> very strong
    ],
)
def test_band_comparisons_above_below_at_most(tmp_path: Path, actual: int, days_rating: str, share_rating: str) -> None:
    evidence = {
        "measures": {
            "days": {"actual": actual, "target": 1, "national_average": 1},
            "share": {"actual": actual, "target": 1, "national_average": 1},
        }
    }
    result = run(tmp_path, DIRECTIONS, evidence)
    assert result.criteria["N1"].items[0].rating == days_rating
    assert result.criteria["N2"].items[0].rating == share_rating


SCORE_BANDS = prelude() + """
bands at_least_exact on grade { "Well met" when score at least 60%  "Not met" otherwise  ties: exact }
bands at_least_rounded on grade { "Well met" when score at least 60%  "Not met" otherwise  ties: rounded }
bands above_exact on grade { "Well met" when score above 60%  "Not met" otherwise }
bands above_rounded on grade { "Well met" when score above 60%  "Not met" otherwise  ties: rounded }
section X "Bands" {
<<HERE>>
}
"""


@pytest.mark.parametrize(
    ("weight_met", "weight_not_met", "expected_score", "grades"),
    [
        # One case: question a (met) and b (not met), weighted. 149 / (149 + 101) = 149/250 =
        # 59.6%, shown 60%. Exact: 59.6 < 60 -> Not met. Rounded: 60 >= 60 -> Well met.
        # Above: 59.6 and 60 are not above 60 -> Not met.
        (149, 101, F(149, 250), (NM, WM, NM, NM)),
        # 3 / (3 + 2) = 60% exactly: at least 60% holds (bound included); above 60% does not.
        (3, 2, F(3, 5), (WM, WM, NM, NM)),
        # 151 / (151 + 99) = 60.4%, shown 60%: above 60% holds exactly, but not when rounded.
        (151, 99, F(151, 250), (WM, WM, WM, NM)),
    ],
)
def test_bands_at_least_above_and_ties(
    tmp_path: Path, weight_met: int, weight_not_met: int, expected_score: Fraction, grades: tuple[str, ...]
) -> None:
    bands = ("at_least_exact", "at_least_rounded", "above_exact", "above_rounded")
    criteria = "\n".join(
        f'  criterion X{i} "{b}" {{ graded by {b}  question X{i}.a "a" weight {weight_met}'
        f'  question X{i}.b "b" weight {weight_not_met} }}'
        for i, b in enumerate(bands)
    )
    answers = {k: v for i in range(4) for k, v in ((f"X{i}.a", "yes"), (f"X{i}.b", "no"))}
    result = run(tmp_path, fill(SCORE_BANDS, criteria), {"cases": [case("c1", answers)]})
    for i, expected in enumerate(grades):
        criterion = result.criteria[f"X{i}"]
        assert criterion.value == expected_score
        assert criterion.display == "60%"  # all three scores are shown as 60%
        assert (criterion.computed_grade, criterion.grade) == (expected, expected), bands[i]


SCORE_BANDED = prelude() + """
bands quality on grade {
  description "Scores into grades."
  "Well met" when score at least 75%
  "Satisfactorily met" when score at least 50%
  "Partly met" when score above 25%
  "Not met" otherwise
}
section B "B" weight 50% {
  criterion B1 "b1" { question B1.q "q" }
  criterion B2 "b2" { question B2.q "q" }
  score: weighted mean of criteria
  grade: score banded by quality
}
section C "C" weight 50% {
  criterion C1 "c1" { question C1.q "q" }
  score: weighted mean of criteria
  grade: score banded by quality
}
overall "Overall" {
  score: weighted mean of sections
  grade: score banded by quality
}
"""


def test_grade_score_banded_by(tmp_path: Path) -> None:
    answers = {"B1.q": ("yes", "yes", "yes", "no"), "B2.q": ("yes", "yes", "no", "no"), "C1.q": ("yes", "no", "no", "no")}
    cases = [case(f"c{i + 1}", {q: a[i] for q, a in answers.items()}) for i in range(4)]
    result = run(tmp_path, SCORE_BANDED, {"cases": cases})
    # B: (3/4 + 1/2) / 2 = 5/8 = 62.5% -> at least 50% -> Satisfactorily met.
    b = result.sections["B"]
    assert (b.value, b.display, b.grade) == (F(5, 8), "63%", SM)
    # C: 1/4 = 25%: not above 25% -> Not met.
    c = result.sections["C"]
    assert (c.value, c.grade) == (F(1, 4), NM)
    # Overall: (1/2 * 5/8 + 1/2 * 1/4) = 7/16 = 43.75% -> shown 44%; above 25% -> Partly met.
    assert result.overall is not None
    assert (result.overall.value, result.overall.display, result.overall.grade) == (F(7, 16), "44%", PM)


# =============================================================================================
# Section grades: lowest of, points, a grading over criteria


LOWEST = prelude() + DIRECT + f"""
section A "All criteria" {{
{direct_criteria("A1", "A2", "A3")}
  grade: lowest of criteria
  <<HERE>>
}}
section S "Listed criteria" {{
{direct_criteria("S1", "S2", "S3")}
  grade: lowest of criteria S1, S2
}}
overall "Overall" {{
  grade: lowest of sections A, S
}}
"""


def test_grade_lowest_of(tmp_path: Path) -> None:
    ratings = {"A1.x": S, "A2.x": SA, "A3.x": G, "S1.x": S, "S2.x": G, "S3.x": W}
    result = run(tmp_path, fill(LOWEST, ""), {"ratings": ratings})
    # A: Well met, Partly met, Satisfactorily met -> lowest Partly met.
    a = result.sections["A"]
    assert (a.grade, a.display, a.value, a.reason) == (PM, PM, None, "graded, not scored")
    # S lists S1, S2: Well met, Satisfactorily met -> Satisfactorily met (S3, Not met, not listed).
    assert result.sections["S"].grade == SM
    # Overall: the lower of Partly met and Satisfactorily met.
    assert result.overall.grade == PM


@pytest.mark.parametrize(
    ("line", "grade", "reason"),
    [
        ("", None, "criterion A3 has no grade: every item is rated not applicable"),
        ("if a criterion has no data: not computable", None, "criterion A3 has no grade: every item is rated not applicable"),
        # A3 left out: lowest of Well met, Partly met.
        ("if a criterion has no data: renormalise", PM, "graded, not scored"),
    ],
)
def test_grade_lowest_of_with_a_missing_grade(tmp_path: Path, line: str, grade: str | None, reason: str) -> None:
    ratings = {"A1.x": S, "A2.x": SA, "A3.x": NA, "S1.x": S, "S2.x": G, "S3.x": W}
    section = run(tmp_path, fill(LOWEST, line), {"ratings": ratings}).sections["A"]
    assert (section.grade, section.reason) == (grade, reason)


POINTS = prelude() + DIRECT + f"""
points pts on grade {{
  "Very well met" 5, "Well met" 4, "Satisfactorily met" 3,
  "Partly met" 2 "Not met" 1 "Poor" 0
}}
bands totals on grade {{
  "Poor" when total below 3
  "Not met" when total below 5
  "Partly met" when total below 7
  "Satisfactorily met" when total at most 8
  "Well met" otherwise
}}
section A "Listed" {{
{direct_criteria("A1", "A2", "A3")}
  grade: points pts of criteria A1, A2, banded by totals
}}
section P "All" {{
{direct_criteria("P1", "P2", "P3")}
  grade: points pts of criteria, banded by totals
}}
"""


@pytest.mark.parametrize(
    ("a_ratings", "a_total", "a_grade", "p_ratings", "p_total", "p_grade"),
    [
        # A: Well met 4 + Partly met 2 = 6 (A3 not listed): below 7 -> Partly met.
        # P: Well met 4 + Not met 1 + Satisfactorily met 3 = 8: at most 8 (included) -> SM.
        ((S, SA), 6, PM, (S, W, G), 8, SM),
        # A: Satisfactorily met 3 + Partly met 2 = 5: not below 5 (excluded), below 7 -> PM.
        # P: 4 + 1 + Very well met 5 = 10: not at most 8 -> Well met.
        ((G, SA), 5, PM, (S, W, VS), 10, WM),
        # A: 2 + 2 = 4: below 5 -> Not met.  P: 1 + 1 + 1 = 3: not below 3, below 5 -> Not met.
        ((SA, SA), 4, NM, (W, W, W), 3, NM),
        # A: 1 + 1 = 2: below 3 -> Poor.  P: 2 + 2 + 2 = 6 -> Partly met.
        ((W, W), 2, POOR, (SA, SA, SA), 6, PM),
    ],
)
def test_grade_points_banded_by(
    tmp_path: Path,
    a_ratings: tuple[str, ...],
    a_total: int,
    a_grade: str,
    p_ratings: tuple[str, ...],
    p_total: int,
    p_grade: str,
) -> None:
    ratings = {"A1.x": a_ratings[0], "A2.x": a_ratings[1], "A3.x": VS}  # A3 (5 points) is not listed
    ratings.update({f"P{i + 1}.x": r for i, r in enumerate(p_ratings)})
    result = run(tmp_path, POINTS, {"ratings": ratings})
    a, p = result.sections["A"], result.sections["P"]
    assert (a.grading.value, a.grading.display, a.grade) == (a_total, str(a_total), a_grade)
    assert (p.grading.value, p.grade) == (p_total, p_grade)


OVER = prelude() + DIRECT + f"""
grading summary {{
  items rated on grade
  grades from grade
  "Well met" when at least "Well met" on the majority of criteria
  "Partly met" when at least "Partly met" on some criteria
  "Poor" otherwise
  no better than "Partly met" when at best "Not met" on 2 or more criteria
}}
section A "A" {{
{direct_criteria("A1", "A2", "A3", "A4", "A5")}
  grade: summary over criteria
}}
"""


@pytest.mark.parametrize(
    ("ratings", "rules_give", "grade"),
    [
        # Very well met, Well met, Well met, Not met, Not met: at least Well met on 3 of 5
        # (> 2.5) -> Well met; at best Not met on 2 criteria -> no better than Partly met.
        ((VS, S, S, W, W), WM, PM),
        # One Not met only (A4 is Satisfactorily met): the cap does not hold -> Well met.
        ((VS, S, S, G, W), WM, WM),
        # At least Well met on 2 of 5: no majority; at least Partly met on some -> Partly met.
        # The cap holds (3 Not met) but does not lower Partly met.
        ((S, S, W, W, W), PM, PM),
    ],
)
def test_grade_over_criteria_with_a_count_cap(
    tmp_path: Path, ratings: tuple[str, ...], rules_give: str, grade: str
) -> None:
    evidence = {"ratings": {f"A{i + 1}.x": r for i, r in enumerate(ratings)}}
    section = run(tmp_path, OVER, evidence).sections["A"]
    assert section.grading.trace.rule_grade == rules_give
    assert section.grade == grade
    assert section.display == grade


# =============================================================================================
# Adjustments


ADJUSTABLE = prelude() + DIRECT + """
section A "A" {
  criterion A1 "Adjustable" { graded by direct  allows adjustment  item A1.x "x" }
  criterion A2 "Fixed" { graded by direct  item A2.x "x" }
  grade: lowest of criteria
}
test "A1 adjusted" {
  criterion A1
  given ratings A1.x strong
  given adjustment "Partly met" by "Lead inspector" because "Plans not followed."
  expect grade "Partly met"
}
"""


def test_adjustment_replaces_the_final_grade(tmp_path: Path) -> None:
    ratings = {"A1.x": S, "A2.x": G}
    plain = run(tmp_path, ADJUSTABLE, {"ratings": ratings})
    # A1 strong -> Well met; A2 good -> Satisfactorily met; lowest: Satisfactorily met.
    assert (plain.criteria["A1"].grade, plain.sections["A"].grade) == (WM, SM)
    adjustment = {"criterion": "A1", "grade": "Partly met", "by": "Lead inspector", "reason": "Plans not followed."}
    result = run(tmp_path, ADJUSTABLE, {"ratings": ratings, "adjustments": [adjustment]})
    a1 = result.criteria["A1"]
    assert a1.computed_grade == WM  # the rules' grade is kept
    assert a1.grade == PM  # the adjusted grade is the criterion's grade
    assert a1.display == PM
    assert a1.adjustment is not None
    assert (a1.adjustment.applied, a1.adjustment.by, a1.adjustment.reason) == (True, "Lead inspector", "Plans not followed.")
    # The section takes the adjusted grade: lowest of Partly met and Satisfactorily met.
    assert result.sections["A"].grade == PM


def test_adjustment_of_a_criterion_that_does_not_allow_one_is_refused(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, ADJUSTABLE)
    adjustment = {"criterion": "A2", "grade": "Partly met", "by": "Lead inspector", "reason": "No."}
    path = evidence_file(tmp_path, {"ratings": {"A1.x": S, "A2.x": G}, "adjustments": [adjustment]})
    with pytest.raises(DiagnosticError) as raised:
        load_evidence(path, ruleset)
    assert [d.code for d in raised.value.diagnostics] == ["E151"]


# =============================================================================================
# Rounding: figures are exact, rounded once when shown


ROUNDING = """
section R "Rounding" {
  criterion R1 "five eighths" { question R1.q "q" }
  criterion R2 "three eighths" { question R2.q "q" }
  criterion R3 "one third" { question R3.q "q" }
  criterion R4 "five sixteenths" { question R4.a "a" weight 5  question R4.b "b" weight 11 }
}
test "R1: five of eight" { criterion R1  given answers R1.q: yes x5, no x3  expect score 62.5% }
"""


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        # 5/8 = 62.5%, 3/8 = 37.5%, 1/3 = 33.33...%, 5/16 = 31.25%
        ("", ("63%", "38%", "33%", "31%")),  # the default: whole percent, halves up
        ("rounding: whole percent", ("63%", "38%", "33%", "31%")),
        ("rounding: whole percent, halves up", ("63%", "38%", "33%", "31%")),
        ("rounding: whole percent, halves even", ("62%", "38%", "33%", "31%")),  # to 62 and 38
        ("rounding: whole percent, halves down", ("62%", "37%", "33%", "31%")),
        ("rounding: 1 decimal place", ("62.5%", "37.5%", "33.3%", "31.3%")),  # 31.25 -> 31.3 (up)
        ("rounding: 1 decimal place, halves even", ("62.5%", "37.5%", "33.3%", "31.2%")),  # 31.2 even
        ("rounding: 2 decimal places, halves down", ("62.50%", "37.50%", "33.33%", "31.25%")),
    ],
)
def test_rounding(tmp_path: Path, line: str, shown: tuple[str, ...]) -> None:
    cases = [
        case(
            f"c{i + 1}",
            {
                "R1.q": "yes" if i < 5 else "no",  # 5 of 8
                "R2.q": "yes" if i < 3 else "no",  # 3 of 8
                **({"R3.q": "yes" if i == 0 else "no"} if i < 3 else {}),  # 1 of 3
                **({"R4.a": "yes", "R4.b": "no"} if i == 0 else {}),  # 5 / (5 + 11) = 5/16
            },
        )
        for i in range(8)
    ]
    result = run(tmp_path, prelude(rounding=line) + ROUNDING, {"cases": cases})
    values = tuple(result.criteria[c].value for c in ("R1", "R2", "R3", "R4"))
    assert values == (F(5, 8), F(3, 8), F(1, 3), F(5, 16))  # exact, whatever the rounding
    assert tuple(result.criteria[c].display for c in ("R1", "R2", "R3", "R4")) == shown
