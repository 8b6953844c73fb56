"""Answer codes are one byte where the question's scale allows (encode.answer_dtype), and score the same as two-byte codes."""

from __future__ import annotations

import attrs
import numpy as np
from test_json_cases import REPO, RULES

from esirules.evidence.cases import Cases
from esirules.evidence.encode import answer_dtype
from esirules.evidence.load import load_evidence
from esirules.scoring.compile import compile_ruleset
from esirules.scoring.evaluate import finish, score_batch


def test_a_scale_of_a_few_values_gives_one_byte_codes_and_a_long_one_two() -> None:
    assert answer_dtype({"yes": 0, "no": 1, "n/a": -2}) is np.int8
    assert answer_dtype({f"v{i}": i for i in range(200)}) is np.int16


def test_one_byte_codes_score_as_two_byte_codes() -> None:
    evidence = load_evidence(str(REPO / "examples" / "hertfordshire" / "followup.yaml"), RULES)
    cases = evidence.cases
    assert {codes.dtype for codes in cases.answers.values()} == {np.dtype(np.int8)}
    wide = Cases(
        ids=cases.ids,
        samples=cases.samples,
        attributes=cases.attributes,
        answers={q: codes.astype(np.int16) for q, codes in cases.answers.items()},
        locations=cases.locations,
    )
    evaluator = compile_ruleset(RULES)
    narrow_result = finish(score_batch(evaluator, evidence), evaluator=evaluator)
    wide_result = finish(score_batch(evaluator, attrs.evolve(evidence, cases=wide)), evaluator=evaluator)
    assert narrow_result.criteria == wide_result.criteria and narrow_result.overall == wide_result.overall
    assert any(c.value is not None for c in narrow_result.criteria.values())
