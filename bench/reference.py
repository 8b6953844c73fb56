"""Two reference implementations of the workload: per case in pure Python, and hand-vectorised numpy.

Both give each question's met and applicable counts; `workload.summarise` does the rest. The
numpy one is the practical limit for the counting: one boolean array per condition and per
answer column, counted with `count_nonzero`; it lists no cases and checks nothing. Its
encoding step turns the CSV file's texts into small-integer codes the way a numpy user would:
the csv module for the cells, a dict per column for the codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from workload import Plain, Question, Workload

BLANK = -2  # the code of a blank cell (any other text not on the scale is -1)

# ---------------------------------------------------------------------------------------------
# Per case, pure Python


def python_source(condition: Plain) -> str:
    """A condition as a Python expression over a case dict `c`."""
    kind = condition[0]
    if kind == "in":
        return f"c.get({condition[1]!r}) in {set(condition[2])!r}"
    if kind == "not":
        return f"not ({python_source(condition[1])})"
    joiner = " and " if kind == "all" else " or "
    return "(" + joiner.join(f"({python_source(c)})" for c in condition[1]) + ")"


class PurePython:
    """Each case, each question, in a Python loop."""

    def __init__(self, work: Workload):
        self.work = work
        self.excluded = eval(f"lambda c: {python_source(work.exclusion)}") if work.exclusion else None
        self.questions = [
            (
                q.key,
                None if q.applies is None else eval(f"lambda c: {python_source(q.applies)}"),
                frozenset(q.values),
                q.met,
                None if q.judgement is None else (
                    q.judgement,
                    [None if p.applies is None else eval(f"lambda c: {python_source(p.applies)}")
                     for p in q.judgement.prompts],
                ),
            )
            for q in work.questions
        ]

    def counts(self, cases: Sequence[dict[str, str]]) -> tuple[list[int], list[int]]:
        met = [0] * len(self.questions)
        applicable = [0] * len(self.questions)
        excluded = self.excluded
        for case in cases:
            if excluded is not None and excluded(case):
                continue
            for i, (key, applies, answers, met_answers, judged) in enumerate(self.questions):
                if applies is not None and not applies(case):
                    continue
                if judged is not None:  # the case's rating, from its answers to the prompts
                    judgement, prompts_apply = judged
                    answer = judgement.rating(case, [a is None or a(case) for a in prompts_apply]) or ""
                else:
                    answer = case.get(key, "")
                if answer in answers:
                    applicable[i] += 1
                    if answer in met_answers:
                        met[i] += 1
        return met, applicable


# ---------------------------------------------------------------------------------------------
# Hand-vectorised numpy

Coded = dict[str, npt.NDArray[np.int8]]


def numpy_encode(work: Workload, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Coded:
    """Each attribute and answer column as codes: the index of the text in its allowed values, BLANK
    for a blank cell, -1 else."""
    wanted = {h: j for j, h in enumerate(header) if h in work.keys}
    vocab: dict[str, Sequence[str]] = {}
    for attribute in work.ruleset.attributes:
        vocab[attribute.name] = ("yes", "no") if attribute.kind == "boolean" else attribute.values
    for q in work.questions:
        vocab[q.id] = q.values
        for p in q.judgement.prompts if q.judgement else ():
            vocab[p.id] = p.values
    columns = list(zip(*rows)) if rows else [() for _ in header]
    coded: Coded = {}
    for name, j in wanted.items():
        if name not in vocab:
            continue
        lookup = {v: i for i, v in enumerate(vocab[name])}
        lookup[""] = BLANK
        column = columns[j]
        coded[work.keys[name]] = np.fromiter(
            (lookup.get(v, -1) for v in column), dtype=np.int8, count=len(column)
        )
    return coded


def numpy_encode_arrow(work: Workload, path: str) -> Coded:
    """`numpy_encode`, with the file read by pyarrow's CSV reader (each column dictionary-encoded)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = next(iter(__import__("csv").reader(handle)))
    vocab: dict[str, Sequence[str]] = {
        a.name: (("yes", "no") if a.kind == "boolean" else a.values) for a in work.ruleset.attributes
    }
    vocab.update({q.id: q.values for q in work.questions})
    vocab.update({p.id: p.values for q in work.questions if q.judgement for p in q.judgement.prompts})
    wanted = [h for h in header if h in vocab]
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            include_columns=wanted,
            column_types={h: pa.dictionary(pa.int32(), pa.string()) for h in wanted},
            strings_can_be_null=False,
        ),
    )
    coded: Coded = {}
    for name in wanted:
        lookup = {v: i for i, v in enumerate(vocab[name])}
        lookup[""] = BLANK
        parts = []
        for chunk in table.column(name).chunks:
            codes = np.array([lookup.get(v, -1) for v in chunk.dictionary.to_pylist()], dtype=np.int8)
            parts.append(codes[chunk.indices.to_numpy()])
        coded[work.keys[name]] = np.concatenate(parts)
    return coded


class Numpy:
    """One boolean array per condition and per answer column."""

    def __init__(self, work: Workload):
        self.work = work
        self.vocab: dict[str, Sequence[str]] = {
            a.name: (("yes", "no") if a.kind == "boolean" else a.values) for a in work.ruleset.attributes
        }

    def mask(self, condition: Plain, coded: Coded, n: int) -> npt.NDArray[np.bool_]:
        kind = condition[0]
        if kind == "in":
            values = self.vocab[condition[1]]
            codes = sorted(values.index(v) for v in condition[2])
            column = coded[condition[1]]
            if len(codes) == 1:
                return column == codes[0]  # type: ignore[no-any-return]
            if codes == list(range(codes[0], codes[-1] + 1)):
                return (column >= codes[0]) & (column <= codes[-1])  # type: ignore[no-any-return]
            return np.isin(column, codes)
        if kind == "not":
            return ~self.mask(condition[1], coded, n)
        parts = [self.mask(c, coded, n) for c in condition[1]]
        return np.logical_and.reduce(parts) if kind == "all" else np.logical_or.reduce(parts)  # type: ignore[no-any-return]

    def judge(self, q: Question, coded: Coded, n: int) -> npt.NDArray[np.int8]:
        """Each case's rating of a judgement, coded on its scale (-1: not rated), over all cases at once."""
        assert q.judgement is not None
        met = np.zeros(n, dtype=np.int16)
        counted = np.zeros(n, dtype=np.int16)
        blank = np.zeros(n, dtype=np.bool_)
        for p in q.judgement.prompts:
            applies = np.ones(n, dtype=np.bool_) if p.applies is None else self.mask(p.applies, coded, n)
            answers = coded[p.key]
            met_codes = [p.values.index(v) for v in p.met]
            counted += applies & (answers >= 0)
            met += applies & np.isin(answers, met_codes)
            blank |= applies & (answers == BLANK)
        ratings = np.full(n, -1, dtype=np.int8)
        undecided = ~blank & (counted > 0)
        for rating, kind in q.judgement.rules:
            holds = undecided.copy()
            if kind == "each":
                holds &= met == counted
            elif kind == "majority":
                holds &= 2 * met > counted
            ratings[holds] = q.values.index(rating)
            undecided &= ~holds
        return ratings

    def counts(self, coded: Coded) -> tuple[list[int], list[int]]:
        n = len(next(iter(coded.values())))
        keep = np.ones(n, dtype=np.bool_)
        if self.work.exclusion is not None:
            keep = ~self.mask(self.work.exclusion, coded, n)
        masks: dict[str, Any] = {}
        met, applicable = [], []
        for q in self.work.questions:
            if q.applies is None:
                considered = keep
            else:
                text = repr(q.applies)
                if text not in masks:
                    masks[text] = keep & self.mask(q.applies, coded, n)
                considered = masks[text]
            answers = coded[q.key] if q.judgement is None else self.judge(q, coded, n)
            met_codes = sorted(q.values.index(v) for v in q.met)
            if len(met_codes) == 1:
                hit = answers == met_codes[0]
            else:
                hit = (answers >= met_codes[0]) & (answers <= met_codes[-1])
            met.append(int(np.count_nonzero(considered & hit)))
            applicable.append(int(np.count_nonzero(considered & (answers >= 0))))
        return met, applicable
