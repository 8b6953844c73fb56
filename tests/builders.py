"""Small hand-made models and evidence for the evaluator's tests (no ruleset text needed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import numpy as np

from esirules.evidence.cases import (
    MISSING,
    NOT_APPLICABLE,
    UNANSWERED,
    Adjustment,
    Cases,
    Evidence,
    MeasureFigures,
)
from esirules.language import model as m

F = Fraction

ANSWER = m.Scale("answer", ("yes", "partly", "no"), not_applicable="n/a")
PERFORMANCE = m.Scale(
    "performance", ("very strong", "strong", "good", "satisfactory", "weak"), not_applicable="n/a"
)
GRADE = m.Scale(
    "grade",
    ("Very well met", "Well met", "Satisfactorily met", "Partly met", "Not met", "Poor"),
    is_ladder=True,
)
SCALES = (ANSWER, PERFORMANCE, GRADE)

RISK = m.Attribute("risk_of_harm", "Risk of harm", "ordered", ("low", "medium", "high", "very high"))
ORDER = m.Attribute("order_type", "Order", "enumerated", ("cro", "cpo", "licence"))
SEX_OFFENDER = m.Attribute("sex_offender", "Sex offender", "boolean")
AGE = m.Attribute("age", "Age", "numeric", minimum=F(16), maximum=F(99))
ATTRIBUTES = (RISK, ORDER, SEX_OFFENDER, AGE)


def question(
    qid: str,
    met: Sequence[str] = ("yes",),
    *,
    applies: m.Condition | None = None,
    source: str | None = None,
    weight: int | Fraction = 1,
    scale: str = "answer",
) -> m.Question:
    return m.Question(
        qid, f"question {qid}", qid.split(".")[0], scale, frozenset(met), source, applies, F(weight)
    )


def numerical(
    cid: str,
    questions: Sequence[m.Question],
    *,
    weight: int | Fraction = 1,
    pooling: str = "pooled",
    grading: str | None = None,
    allows_adjustment: bool = False,
) -> m.Criterion:
    return m.Criterion(
        cid,
        f"criterion {cid}",
        cid[0],
        "numerical",
        F(weight),
        questions=tuple(questions),
        pooling=pooling,  # type: ignore[arg-type]
        grading=grading,
        allows_adjustment=allows_adjustment,
    )


def items(cid: str, count: int, *, weights: Sequence[int | Fraction] = ()) -> tuple[m.Item, ...]:
    weights = tuple(weights) or (1,) * count
    return tuple(m.Item(f"{cid}.{i + 1}", f"item {i + 1}", cid, F(w)) for i, w in enumerate(weights))


def descriptive(
    cid: str,
    item_list: Sequence[m.Item],
    grading: str = "management",
    *,
    weight: int | Fraction = 1,
    allows_adjustment: bool = False,
) -> m.Criterion:
    return m.Criterion(
        cid,
        f"criterion {cid}",
        cid[0],
        "descriptive",
        F(weight),
        items=tuple(item_list),
        grading=grading,
        allows_adjustment=allows_adjustment,
    )


def clause(
    comparison: str, value: str, kind: str, count: int | None = None, share: Fraction | None = None
) -> m.Clause:
    return m.Clause(comparison, value, m.Quantifier(kind, count, share))  # type: ignore[arg-type]


def rule(grade: str, *clauses: m.Clause) -> m.GradeRule:
    return m.GradeRule(grade, tuple(clauses))


def otherwise(grade: str) -> m.GradeRule:
    return m.GradeRule(grade, (), otherwise=True)


# The report's management ladder.
REPORT_RULES = (
    rule("Very well met", clause("at_least", "very strong", "each")),
    rule("Well met", clause("at_least", "strong", "each")),
    rule(
        "Satisfactorily met",
        clause("at_least", "strong", "majority"),
        clause("at_least", "satisfactory", "others"),
    ),
    rule("Partly met", clause("at_least", "good", "some"), clause("at_least", "satisfactory", "others")),
    rule("Not met", clause("at_least", "satisfactory", "some")),
    otherwise("Poor"),
)


def grading(
    name: str = "management",
    rules: Sequence[m.GradeRule] = REPORT_RULES,
    *,
    caps: Sequence[m.CapRule] = (),
    cumulative: bool = False,
    measure_bands: str | None = None,
    item_scale: str = "performance",
    ladder: str = "grade",
) -> m.Grading:
    return m.Grading(name, name, item_scale, ladder, tuple(rules), tuple(caps), cumulative, measure_bands)


def section(
    sid: str,
    criteria: Sequence[m.Criterion],
    *,
    weight: int | Fraction | None = None,
    score: m.Aggregate | None = None,
    grade: m.Aggregate | None = None,
    missing: str = "not computable",
) -> m.Section:
    return m.Section(
        sid,
        f"section {sid}",
        tuple(criteria),
        None if weight is None else F(weight),
        score=score,
        grade=grade,
        missing=missing,  # type: ignore[arg-type]
    )


def mean_of(*members: str, kind: str = "criteria") -> m.Aggregate:
    return m.Aggregate("weighted_mean", tuple(members), kind)  # type: ignore[arg-type]


def ruleset(
    sections: Sequence[m.Section],
    *,
    gradings: Sequence[m.Grading] = (),
    bands: Sequence[m.Bands] = (),
    points: Sequence[m.Points] = (),
    samples: Sequence[m.Sample] = (),
    exclusions: m.Exclusions | None = None,
    overall: m.Overall | None = None,
    measures: Sequence[m.Measure] = (),
    rounding: m.Rounding | None = None,
    name: str = "test",
) -> m.Ruleset:
    return m.Ruleset(
        name,
        "1",
        "Test ruleset",
        f"{name}.esi",
        f"hash-{name}",
        rounding=rounding or m.Rounding(),
        scales=SCALES,
        attributes=ATTRIBUTES,
        sources=(m.Source("case_file", "Case file"), m.Source("offender_interview", "Offender interview")),
        measures=tuple(measures),
        samples=tuple(samples),
        sections=tuple(sections),
        overall=overall,
        gradings=tuple(gradings),
        bands=tuple(bands),
        points=tuple(points),
        exclusions=exclusions or m.Exclusions(),
    )


def answer_code(scale: m.Scale, answer: str | None) -> int:
    if answer is None:
        return UNANSWERED
    if answer == scale.not_applicable:
        return NOT_APPLICABLE
    return scale.values.index(answer)


def attribute_column(attribute: m.Attribute, values: Sequence[object]) -> np.ndarray:  # type: ignore[type-arg]
    if attribute.kind == "numeric":
        return np.array([np.nan if v is None else float(v) for v in values])  # type: ignore[arg-type]
    if attribute.kind == "boolean":
        return np.array([MISSING if v is None else int(bool(v)) for v in values], dtype=np.int16)
    return np.array([MISSING if v is None else attribute.values.index(v) for v in values], dtype=np.int16)


def cases(
    ids: Sequence[str],
    answers: Mapping[str, Sequence[str | None]] = {},
    attributes: Mapping[str, Sequence[object]] = {},
    samples: Sequence[str | None] | None = None,
    scale: m.Scale = ANSWER,
) -> Cases:
    declared = {a.name: a for a in ATTRIBUTES}
    return Cases(
        ids=tuple(ids),
        samples=np.array(list(samples) if samples is not None else [None] * len(ids), dtype=object),
        attributes={name: attribute_column(declared[name], values) for name, values in attributes.items()},
        answers={
            qid: np.array([answer_code(scale, a) for a in column], dtype=np.int16)
            for qid, column in answers.items()
        },
    )


def evidence(
    case_data: Cases | None = None,
    *,
    ratings: Mapping[str, str] = {},
    measures: Mapping[str, MeasureFigures] = {},
    adjustments: Sequence[Adjustment] = (),
    path: str = "evidence.yaml",
) -> Evidence:
    return Evidence(
        path,
        f"hash-of-{path}",
        None,
        case_data if case_data is not None else cases([]),
        dict(ratings),
        dict(measures),
        tuple(adjustments),
    )
