"""Outcomes that are categories, not grades (issue 11, point 5): source → model, the meaning
shared with the analysis, hand-worked results, the sheet in every format, explanations checked
from their JSON, in-language tests, and misuse (the codes' own fixtures are in
tests/fixtures/diagnostics and docs/diagnostics.md).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from beyond import checked, codes, render_all, ruleset_of, score_text
from conftest import REPO
from test_explain_provenance import unsourced

from esirules.authoring.testing import run_tests
from esirules.evidence.load import load_evidence
from esirules.explain.scope import explain, resolve_target
from esirules.language import model as m
from esirules.language import semantics
from esirules.language.check import check_file
from esirules.render.explain_json import explanation_data
from esirules.render.result_json import column_json
from esirules.render.sheet import build_sheet, sheet_csv, sheet_markdown
from esirules.scoring.compile import compile_ruleset
from esirules.scoring.evaluate import score

EXAMPLE = REPO / "docs" / "examples" / "language" / "outcomes.esi"
FIXTURES = REPO / "tests" / "fixtures" / "outcomes"

BASE = '''ruleset "o" version "1"
ladder grade: Good > "Requires improvement" > Inadequate
scale rating: Good > "Requires improvement" > Inadequate
scale answer: yes > no
answers on answer, met when yes
grading direct {
  items rated on rating
  grades from grade
  Good when exactly Good on each item
  "Requires improvement" when exactly "Requires improvement" on each item
  Inadequate otherwise
}
section L "Leadership" {
  criterion L1 "Leadership" { graded by direct  item L1.j "judgement" }
  grade: lowest of criteria
}
section S "Records" {
  criterion S1 "Records" { question S1.ok "Complete?" }
}
overall "Overall" { grade: lowest of sections L }
'''

CONCERN = BASE + '''
outcome concern "Category of concern" {
  values "special measures" > "serious weaknesses" > none
  none otherwise
  "serious weaknesses" when section S score below 80%
  "special measures" when overall is Inadequate
  "serious weaknesses" when overall is at best "Requires improvement"
}
'''


def _cases(yes: int, no: int) -> list[dict[str, object]]:
    return [{"id": f"c{i}", "answers": {"S1.ok": "yes" if i < yes else "no"}} for i in range(yes + no)]


# --- source → model --------------------------------------------------------------------------


def test_the_checker_builds_the_outcome_with_its_values_in_precedence_order(tmp_path: Path) -> None:
    ruleset = ruleset_of(tmp_path, CONCERN)
    (outcome,) = ruleset.outcomes
    assert (outcome.name, outcome.label) == ("concern", "Category of concern")
    assert outcome.values == ("special measures", "serious weaknesses", "none")
    assert [r.value for r in outcome.rules] == ["none", "serious weaknesses", "special measures", "serious weaknesses"]
    # Tried by the value's precedence, rules of one value as written, `otherwise` last.
    assert [(r.value, r.otherwise) for r in outcome.tried()] == [
        ("special measures", False), ("serious weaknesses", False), ("serious weaknesses", False), ("none", True),
    ]
    score_test = outcome.rules[1].tests[0]
    assert (score_test.level, score_test.id, score_test.figure, score_test.comparison, score_test.threshold) == (
        "section", "S", "score", "below", Fraction(4, 5))
    grade_test = outcome.rules[3].tests[0]
    assert (grade_test.level, grade_test.id, grade_test.comparison, grade_test.value, grade_test.ladder) == (
        "overall", "overall", "at_best", "Requires improvement", "grade")
    assert grade_test.written == 'overall is at best "Requires improvement"'


def test_an_outcome_reads_an_earlier_one_by_its_value(tmp_path: Path) -> None:
    text = CONCERN + '''
outcome visit {
  values yes > no
  yes when outcome concern is "serious weaknesses"
  no otherwise
}
'''
    ruleset = ruleset_of(tmp_path, text)
    test = ruleset.outcome("visit").rules[0].tests[0]
    assert (test.level, test.id, test.figure, test.value) == ("outcome", "concern", "value", "serious weaknesses")


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ('values a > b\n  c when overall is Good\n  b otherwise', "R130"),
        ('a when overall is Good\n  b otherwise', "R131"),
        ('values a > b\n  values a > b\n  b otherwise', "R131"),
        ('values a > a > b\n  b otherwise', "R011"),
        ('values a > b\n  a when section Z is Good\n  b otherwise', "R132"),
        ('values a > b\n  a when criterion Z is Good\n  b otherwise', "R132"),
        ('values a > b\n  a when outcome later is x\n  b otherwise', "R132"),
        ('values a > b\n  a when outcome concern is x\n  b otherwise', "R132"),
        ('values a > b\n  a when section L score below 50%\n  b otherwise', "R133"),
        ('values a > b\n  a when section S is Good\n  b otherwise', "R133"),
        ('values a > b\n  a when criterion L1 score above 50%\n  b otherwise', "R133"),
        ('values a > b\n  a when overall is Great\n  b otherwise', "R033"),
        ('values a > b\n  a otherwise\n  b otherwise', "R134"),
    ],
)
def test_misuse_is_reported_with_its_code(tmp_path: Path, rules: str, code: str) -> None:
    text = BASE + "outcome concern {\n  " + rules + "\n}\noutcome later { values x > y  y otherwise }\n"
    assert codes(tmp_path, text) == [code]


def test_an_outcome_named_like_a_criterion_and_an_unknown_expectation(tmp_path: Path) -> None:
    text = BASE + 'outcome L1 { values a > b  b otherwise }\ntest "t" { given ratings L1.j Good  expect outcome other a }\n'
    assert codes(tmp_path, text) == ["R135", "R030"]
    text = BASE + 'outcome c { values a > b  b otherwise }\ntest "t" { given ratings L1.j Good  expect outcome c z }\n'
    assert codes(tmp_path, text) == ["R130"]


def test_the_analysis_finds_unreachable_values_and_undecided_grades(tmp_path: Path) -> None:
    text = BASE + '''
outcome concern {
  values a > b > c > d
  a when overall is at best "Requires improvement"
  b when overall is Inadequate
  c when overall is Good and section S score at least 50%
}
'''
    found = checked(tmp_path, text).diagnostics
    # W126 at the outcome's name; W125 for d at `d` in the values line, for b at b's rule.
    assert [(d.code, d.span.line) for d in found] == [("W126", 22), ("W125", 23), ("W125", 25)]
    undecided, never_d, never_b = found
    assert "when overall is Good and section S score is 0%" in undecided.message
    assert never_d.message == "the outcome `concern` can never be `d`: no rule gives it"
    assert "a value before it in the `values` line is given first (for example when overall is Inadequate" in never_b.message


def test_the_example_checks_clean() -> None:
    assert check_file(str(EXAMPLE)).diagnostics == []


def test_a_value_spelt_like_a_keyword_starts_a_rule_after_any_test(tmp_path: Path) -> None:
    # `no` is also a word of caps (`no better than`) and quantifiers (`no more than`).
    text = BASE + '''
outcome visit {
  values yes > no > maybe
  yes when section S score below 50%
  no when overall is Good
  no when outcome visit0 is no
  maybe otherwise
}
'''.replace("outcome visit {", "outcome visit0 { values no > yes  no otherwise }\noutcome visit {")
    ruleset = ruleset_of(tmp_path, text)
    assert [r.value for r in ruleset.outcome("visit").rules] == ["yes", "no", "no", "maybe"]


def test_contradictory_tests_are_a_value_never_given(tmp_path: Path) -> None:
    text = BASE + 'outcome c {\n  values a > b\n  a when overall is Good and overall is Inadequate\n  b otherwise\n}\n'
    (warning,) = checked(tmp_path, text).diagnostics
    assert warning.code == "W125" and "its rules never hold" in warning.message


# --- the meaning -----------------------------------------------------------------------------


def _outcome(*rules: tuple[str, bool]) -> m.Outcome:
    values = tuple(dict.fromkeys(v for v, _ in rules))
    return m.Outcome("o", "o", values, tuple(m.OutcomeRule(v, (), otherwise) for v, otherwise in rules))


def test_decide_takes_values_in_precedence_and_stops_at_an_unknown_rule() -> None:
    outcome = _outcome(("a", False), ("a", False), ("b", False), ("c", True))
    # a's rules: false, true → a.
    assert semantics.decide_outcome(outcome, [False, True, False, True]).value == "a"
    # a: unknown and true → a (one rule of the value holds).
    assert semantics.decide_outcome(outcome, [None, True, True, True]).value == "a"
    # a: false, unknown → not computable, whatever b would be.
    verdict = semantics.decide_outcome(outcome, [False, None, True, True])
    assert (verdict.value, verdict.unknown, verdict.tried) == (None, 1, 2)
    # a, b false → otherwise c.
    assert semantics.decide_outcome(outcome, [False, False, False, True]).value == "c"
    # Without `otherwise`: none holds → not computable, no unknown rule.
    bare = _outcome(("a", False), ("b", False))
    verdict = semantics.decide_outcome(bare, [False, False])
    assert (verdict.value, verdict.unknown) == (None, None)


def test_a_false_test_outweighs_an_unknown_one() -> None:
    assert semantics.rule_truth([None, False]) is False
    assert semantics.rule_truth([None, True]) is None
    assert semantics.rule_truth([True, True]) is True


# --- hand-worked results ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("judgement", "yes", "no", "expected"),
    [
        # L Inadequate → overall Inadequate: special measures, before serious weaknesses.
        ("Inadequate", 5, 0, "special measures"),
        # Overall Good; records 3 of 4 = 75% < 80% → serious weaknesses.
        ("Good", 3, 1, "serious weaknesses"),
        # 4 of 5 = 80%, not below 80% → none.
        ("Good", 4, 1, "none"),
        # Overall Requires improvement, records 100% → serious weaknesses by the grade rule.
        ("Requires improvement", 2, 0, "serious weaknesses"),
    ],
)
def test_hand_worked_outcomes(tmp_path: Path, judgement: str, yes: int, no: int, expected: str) -> None:
    scored = score_text(tmp_path, CONCERN, {"ratings": {"L1.j": judgement}, "cases": _cases(yes, no)})
    result = scored.column.outcomes["concern"]
    assert (result.value, result.display, result.cause) == (expected, expected, None)
    chosen = result.chosen
    assert chosen is not None and chosen.value == expected
    # Every rule tried before the chosen one failed.
    assert all(r.holds is False for r in result.tried[:-1]) and result.tried[-1] is chosen


def test_a_score_is_compared_exactly_not_as_shown(tmp_path: Path) -> None:
    # 199 of 249 = 79.92%, shown as 80%, is below 80%.
    scored = score_text(tmp_path, CONCERN, {"ratings": {"L1.j": "Good"}, "cases": _cases(199, 50)})
    result = scored.column.outcomes["concern"]
    assert result.value == "serious weaknesses"
    test = result.chosen.tests[0]  # type: ignore[union-attr]
    assert (test.found, test.value, test.threshold, test.holds) == ("80%", Fraction(199, 249), Fraction(4, 5), True)


def test_an_unknown_level_makes_the_outcome_not_computable_only_when_it_could_decide(tmp_path: Path) -> None:
    # L1 not rated: the overall has no grade. `special measures` reads it → not computable.
    scored = score_text(tmp_path, CONCERN, {"cases": _cases(1, 0)})
    result = scored.column.outcomes["concern"]
    assert result.value is None and result.display == "not computable"
    assert result.cause is not None and result.cause.kind == "level_not_computable"
    assert result.cause.words.startswith("the rule for `special measures` reads the grade of the overall")
    assert [r.holds for r in result.tried] == [None]
    # Records at 50%: `serious weaknesses` holds by the score, but `special measures` comes first
    # and cannot be told: still not computable.
    scored = score_text(tmp_path, CONCERN, {"cases": _cases(1, 1)})
    assert scored.column.outcomes["concern"].value is None


def test_no_rule_and_no_otherwise_is_not_computable(tmp_path: Path) -> None:
    text = BASE + 'outcome c {\n  values a > b\n  a when overall is Inadequate\n  b when overall is Good\n}\n'
    scored = score_text(tmp_path, text, {"ratings": {"L1.j": "Requires improvement"}, "cases": _cases(1, 0)})
    result = scored.column.outcomes["c"]
    assert result.value is None and result.cause is not None and result.cause.kind == "no_rule_holds"


def test_the_adjusted_grade_is_the_one_read(tmp_path: Path) -> None:
    text = CONCERN.replace('overall "Overall" { grade: lowest of sections L }',
                           'overall "Overall" { grade: lowest of sections L  allows adjustment }')
    adjustment = {"overall": "yes", "grade": "Good", "by": "Lead", "reason": "context"}
    scored = score_text(tmp_path, text, {"ratings": {"L1.j": "Inadequate"}, "cases": _cases(1, 0),
                                         "adjustments": [adjustment]})
    assert scored.column.outcomes["concern"].value == "none"


# --- the example, the sheet, the JSON --------------------------------------------------------


def _column(name: str):  # type: ignore[no-untyped-def]
    ruleset = check_file(str(EXAMPLE)).ruleset
    assert ruleset is not None
    evaluator = compile_ruleset(ruleset)
    evidence = load_evidence(str(FIXTURES / name), ruleset)
    return evaluator, evidence, score(evaluator, evidence, label=name)


def test_the_school_by_hand() -> None:
    # L Good, Q Requires improvement → overall Requires improvement; records 3 of 5 = 60% < 80%.
    _, _, column = _column("school.yaml")
    assert column.overall.grade == "Requires improvement"
    assert column.outcomes["concern"].value == "serious weaknesses"
    assert column.outcomes["follow_up"].value == "monitoring visit"  # reads concern


def test_the_sheet_shows_each_outcome_after_the_overall_in_every_format() -> None:
    columns = [_column("school.yaml")[2], _column("unrated.yaml")[2]]
    sheet = build_sheet("Outcomes", columns)
    rows = [(r.kind, r.label, tuple(c.text for c in r.cells)) for r in sheet.rows[-3:]]
    assert rows[0][0] == "overall"
    assert rows[1] == ("outcome", "Category of concern", ("serious weaknesses", "n/c [3]"))
    assert rows[2] == ("outcome", "Follow-up", ("monitoring visit", "n/c [4]"))
    assert sheet.notes[2].startswith("unrated.yaml: the rule for `serious weaknesses` reads the grade of the overall")
    markdown = sheet_markdown(sheet)
    assert "| **Category of concern** | serious weaknesses | n/c [3] |" in markdown
    csv = sheet_csv(sheet)
    assert "concern,outcome,Category of concern,school.yaml,,,serious weaknesses,,," in csv
    data = column_json(columns[0])["outcomes"]
    assert data["concern"]["value"] == "serious weaknesses"
    assert data["concern"]["values"] == ["special measures", "serious weaknesses", "no formal category"]
    assert data["concern"]["rule"]["line"] == 49  # `"serious weaknesses" when section S score below 80%`
    unrated = column_json(columns[1])["outcomes"]["concern"]
    assert unrated["value"] is None and unrated["cause"]["kind"] == "level_not_computable"
    assert unrated["cause"]["rule"]["line"] == 48


def test_a_ruleset_without_outcomes_writes_no_outcomes_field(tmp_path: Path) -> None:
    scored = score_text(tmp_path, BASE, {"ratings": {"L1.j": "Good"}, "cases": _cases(1, 0)})
    assert "outcomes" not in column_json(scored.column)


# --- explanations, checked from their JSON ---------------------------------------------------

_COMPARE = {"at least": lambda a, b: a >= b, "above": lambda a, b: a > b,
            "below": lambda a, b: a < b, "at most": lambda a, b: a <= b}


def _recompute(body: dict) -> str | None:  # type: ignore[type-arg]
    """The outcome's value, worked out again from what the explanation shows."""
    for rule in body["tried"]:
        truths = []
        for test in rule["tests"]:
            if test["figure"] == "score" and test["value"] is not None:
                words = next(w for w in _COMPARE if f" score {w} " in test["text"])
                holds = _COMPARE[words](Fraction(test["value"]), Fraction(test["threshold"]))
                assert holds == test["holds"], test
            elif test["found"] == "not computable":
                assert test["holds"] is None and test["cause"] is not None
            truths.append(test["holds"])
        expected = True if rule["otherwise"] else semantics.rule_truth(truths)
        assert rule["holds"] == expected, rule
        if expected is True:
            assert rule["chosen"]
            return rule["value"]  # type: ignore[no-any-return]
    return None


@pytest.mark.parametrize("name", ["school.yaml", "unrated.yaml"])
def test_explanations_recompute_from_their_json(name: str) -> None:
    evaluator, evidence, column = _column(name)
    sources = {str(EXAMPLE): EXAMPLE.read_text(encoding="utf-8")}
    for outcome in ("concern", "follow_up"):
        explanation = explain(column, evaluator, sources, resolve_target(evaluator.ruleset, outcome),
                              evidence=[evidence])
        data = explanation_data(explanation)
        assert data["target"]["kind"] == "outcome" and data["target"]["id"] == outcome
        body = data["explanation"]
        assert _recompute(body) == body["value"] == column.outcomes[outcome].value
        assert unsourced(data) == []
        shown = render_all(explanation)
        assert column.outcomes[outcome].display in shown["text"]
        assert column.outcomes[outcome].display in shown["markdown"]


def test_the_text_explanation_marks_each_test(tmp_path: Path) -> None:
    scored = score_text(tmp_path, CONCERN, {"cases": _cases(1, 0)})
    text = scored.rendered("concern")["text"]
    assert "? overall is Inadequate: found not computable" in text
    assert "not computable: the rule for `special measures` reads the grade of the overall" in text


# --- in-language tests ----------------------------------------------------------------------


def test_the_examples_tests_pass_and_cover_every_outcome_rule() -> None:
    found = check_file(str(EXAMPLE))
    assert found.ruleset is not None
    run = run_tests(found.ruleset, found.sources)
    assert len(run.results) == 5 and not run.failed
    from esirules.authoring.coverage import coverage

    assert coverage(run).count("outcome rule") == (7, 7)


def test_a_failing_outcome_expectation_says_what_was_found(tmp_path: Path) -> None:
    text = CONCERN + 'test "t" {\n  given ratings L1.j Good\n  given answers S1.ok: yes x3, no\n  expect outcome concern none\n}\n'
    ruleset = ruleset_of(tmp_path, text)
    run = run_tests(ruleset, {})
    (result,) = run.results
    (expectation,) = result.expectations
    assert not expectation.passed and expectation.found.shown == "serious weaknesses"
    assert expectation.explanation is not None


# --- the service ------------------------------------------------------------------------------


def test_the_service_carries_outcomes_in_its_result_and_explains_them(sqlite_service) -> None:  # type: ignore[no-untyped-def]
    from service_helpers import upload

    service = sqlite_service
    published = service.post("/v1/rulesets", {"main": "outcomes.esi",
                                               "files": [upload("outcomes.esi", EXAMPLE.read_bytes())]}, role="author")
    assert published.status_code == 201, published.text
    ruleset = published.json()["ruleset"]["hash"]
    school = (FIXTURES / "school.yaml").read_text(encoding="utf-8").replace(
        "ruleset: ../../../docs/examples/language/outcomes.esi", "ruleset: outcomes.esi")
    stored = service.post("/v1/evidence", {"ruleset": ruleset, "main": "school.yaml",
                                           "files": [upload("school.yaml", school.encode("utf-8"))]}, role="inspector")
    assert stored.status_code == 201, stored.text
    made = service.run(ruleset, stored.json()["evidence"]["hash"], {"label": "school"})
    (column,) = made["result"]["columns"]
    assert column["outcomes"]["concern"]["value"] == "serious weaknesses"
    assert column["outcomes"]["follow_up"]["value"] == "monitoring visit"
    explained = service.get(f"/v1/runs/{made['run']['id']}/explanations/concern?column=school")
    assert explained.status_code == 200, explained.text
    body = explained.json()["explanation"]
    assert body["kind"] == "outcome" and _recompute(body) == "serious weaknesses"


def test_check_analysis_lists_the_combinations_each_outcome_rule_takes() -> None:
    analysis = check_file(str(EXAMPLE)).analysis
    concern = next(o for o in analysis.outcomes if o.name == "concern")
    # overall (4 grades) × section L (4) × section S's score at 0%, 40%, 80%, 90%, 100% (5).
    assert concern.combinations == 4 * 4 * 5 and concern.undecided == 0
    taken = [(value, n) for value, _, _, n, _ in concern.rules]
    # special measures: overall and L Inadequate, any score (5). Serious weaknesses, first rule:
    # overall Inadequate, L not (3 × 5 = 15). Second: overall not Inadequate, score 0% or 40%
    # (3 × 4 × 2 = 24). The rest (80 - 44 = 36): no formal category.
    assert taken == [("special measures", 5), ("serious weaknesses", 15), ("serious weaknesses", 24),
                     ("no formal category", 36)]
    from esirules.render.analysis import analysis_json, analysis_text

    assert "outcome `concern` (line 44): 80 combinations" in analysis_text(analysis)
    assert analysis_json(analysis)["outcomes"][0]["rules"][0]["taken"] == 5


def test_diff_on_evidence_shows_an_outcome_that_moves(tmp_path: Path) -> None:
    from esirules.authoring.impact import score_impacts

    old = tmp_path / "old.esi"
    new = tmp_path / "new.esi"
    old.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    # The school's records are 60% complete: below 80%, not below 50%.
    new.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        '"serious weaknesses" when section S score below 80%', '"serious weaknesses" when section S score below 50%'),
        encoding="utf-8")
    evidence = tmp_path / "school.yaml"
    evidence.write_text((FIXTURES / "school.yaml").read_text(encoding="utf-8").replace(
        "ruleset: ../../../docs/examples/language/outcomes.esi", "ruleset: old.esi"), encoding="utf-8")
    (impact,) = score_impacts(str(old), str(new), [str(evidence)])
    moved = {m.id: (m.old.words(), m.new.words()) for m in impact.movements if m.kind == "outcome" and m.changed}
    # follow_up stays a visit: quality is at best "Requires improvement" and records below 100%.
    assert moved == {"concern": ("serious weaknesses", "no formal category")}
