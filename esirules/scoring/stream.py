"""Score a large CSV file in batches: a path and a compiled ruleset in, its evidence and a partial of counts per sample out.

Each batch of cases (evidence/stream.py) is counted for every column the file can give (all
its cases, and each sample's) and kept as counts alone (`counts_only`), added to the batches
before, and let go: memory holds one batch and the counts, however large the file. The result
is what scoring the whole file in memory gives, figure for figure; only the case lists are not
kept (`esirules explain`, which lists cases, reads the file whole).
"""

from __future__ import annotations

import os

import attrs
import numpy as np

from esirules.evidence.cases import Evidence
from esirules.evidence.load import Deferred
from esirules.evidence.stream import CsvBatches, evidence_of
from esirules.files import DISK, InputFiles
from esirules.progress import SILENT, Progress
from esirules.scoring.compile import Evaluator
from esirules.scoring.evaluate import Groups, Mask, Partial, QuestionTally, Selection, merge, score_batch
from esirules.scoring.result import EvidenceRef

Sample = str | None
MEGABYTE = 1 << 20  # the progress display counts the file read in these

NO_CASES: Mask = np.zeros(0, dtype=np.bool_)


def counts_only(partial: Partial) -> Partial:
    """A partial with its counts and nothing of its cases: a few kilobytes however many cases it
    counts, so batches of a file of any size add up in bounded memory. It merges with other such
    partials only, and its column's case lists cannot be read (their lengths can)."""

    def counted(selection: Selection | None) -> Selection | None:
        return None if selection is None else Selection(selection.count, NO_CASES)

    def groups(found: Groups) -> Groups:
        return tuple((cause, Selection(cases.count, NO_CASES)) for cause, cases in found)

    questions = {
        qid: QuestionTally(
            t.met, t.applicable, counted(t.met_cases), counted(t.not_met_cases), groups(t.not_applicable),
            tuple(Selection(r.count, NO_CASES) for r in t.ratings),  # a judgement's counts by rating
        )
        for qid, t in partial.questions.items()
    }
    return attrs.evolve(
        partial,
        case_ids=np.empty(0, dtype=object),
        case_order=None,
        excluded_cases=groups(partial.excluded_cases),
        questions=questions,
        lists=False,
    )


def score_in_batches(
    path: str,
    evaluator: Evaluator,
    *,
    progress: Progress = SILENT,
    files: InputFiles = DISK,
    batch_bytes: int | None = None,
) -> tuple[Evidence, dict[Sample, Partial]] | None:
    """The evidence of a CSV file read in batches (its cases counted, not kept) and, for all its
    cases (None) and each sample the ruleset declares, the partial of counts; None if the file
    cannot be read in batches (then load it whole). Raises DiagnosticError with every problem.

    `batch_bytes`: the size of the pieces read (evidence/stream.py BATCH_BYTES by default)."""
    return _in_batches((path,), evaluator, progress, files, batch_bytes, None)


def score_named_in_batches(
    named_by: Deferred,
    evaluator: Evaluator,
    *,
    progress: Progress = SILENT,
    files: InputFiles = DISK,
    batch_bytes: int | None = None,
) -> tuple[Evidence, dict[Sample, Partial]] | None:
    """`score_in_batches` for the CSV files an evidence file names under `cases:`, read without
    them (`load.load_or_defer`), one after the other: the evidence and the partials are the
    evidence file's, with its facts, ratings, target data and adjustments."""
    return _in_batches(named_by.cases_paths, evaluator, progress, files, batch_bytes, named_by)


def _in_batches(
    paths: tuple[str, ...],
    evaluator: Evaluator,
    progress: Progress,
    files: InputFiles,
    batch_bytes: int | None,
    named_by: Deferred | None,
) -> tuple[Evidence, dict[Sample, Partial]] | None:
    samples: list[Sample] = [None, *(s.name for s in evaluator.ruleset.samples)]
    totals: dict[Sample, Partial] = {}
    readers: list[CsvBatches] = []
    digest = None if named_by is None else named_by.digest
    sizes = [-(-files.size(path) // MEGABYTE) for path in paths]
    what = os.path.basename(paths[0]) if len(paths) == 1 else f"{len(paths)} case files"
    with progress.task(f"scoring {what} in batches (MB read)", total=sum(sizes)) as step:
        done = before = 0  # the megabytes shown, and those of the files read before this one
        for path, size in zip(paths, sizes):
            reader = CsvBatches(path, evaluator.ruleset, files=files, batch_bytes=batch_bytes, digest=digest)
            readers.append(reader)
            for cases in reader:
                if not any(r.problems or r.refused for r in readers):  # (once there is one, the rest is read to find them)
                    batch = Evidence(path, "", None, cases) if named_by is None else attrs.evolve(named_by.evidence, cases=cases)
                    for sample in samples:
                        counted = counts_only(score_batch(evaluator, batch, sample))
                        totals[sample] = merge([totals[sample], counted]) if sample in totals else counted
                    del batch
                del cases  # (before the next batch is read)
                read = before + min(-(-reader.bytes_read // MEGABYTE), size)
                step.advance(read - done)
                done = read
            if reader.whole:
                return None
            digest, before = reader.digest, before + size
    evidence = evidence_of(readers)  # (or every problem, as a whole read has them)
    if named_by is not None:
        evidence = named_by.with_cases(evidence)
    scored = (EvidenceRef(evidence.path, evidence.content_hash),)
    return evidence, {sample: attrs.evolve(p, evidence=scored) for sample, p in totals.items()}
