"""Score columns: column specs in, column results out (rulesets and evidence loaded once each).

This is the library entry point the command line and the service share. Every problem in
every ruleset and evidence file is collected before anything is scored; if there is one, a
single DiagnosticError carries them all and no result is produced. Problems in the evidence
that change no figure are warnings: each column's result lists those of its evidence, and
those scoring finds (scoring/warn.py: a question no case answers, a criterion without data,
samples scored together); `warnings` gives them to show; a strict scorer (`--strict`) takes
them as errors, and then nothing is scored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

import attrs

from esirules.diagnostics import Diagnostic, DiagnosticError
from esirules.evidence.cases import Evidence, Location
from esirules.evidence.facts import fact_conflicts
from esirules.evidence.load import load_evidence, load_or_defer, read_ruleset_reference
from esirules.evidence.read_workbook import cell_name, is_workbook
from esirules.evidence.sheet import ColumnSpec
from esirules.evidence.stream import batched
from esirules.files import DISK, FileProblem, InputFiles
from esirules.language import model as m
from esirules.language.sources import RulesetSources
from esirules.progress import SILENT, Progress
from esirules.scoring.compile import Evaluator, compile_ruleset
from esirules.scoring.evaluate import Partial, finish, merge, score_batch
from esirules.scoring.result import ColumnResult
from esirules.scoring.stream import counts_only, score_in_batches, score_named_in_batches
from esirules.scoring.warn import (
    Finding,
    OneSample,
    column_warnings,
    on_the_command_line,
    samples_present,
    sheet_warnings,
)
from esirules.span import Span
from esirules.words import plural


def undeclared_sample(ruleset: m.Ruleset, sample: str | None) -> str | None:
    """E203's words, if the ruleset declares no such sample (None for all cases, or a sample it has)."""
    if sample is None or sample in {s.name for s in ruleset.samples}:
        return None
    return f"the ruleset `{ruleset.name}` declares no sample called `{sample}`"

class Scorer:
    """Loads and compiles each ruleset once and each evidence file once per ruleset."""

    def __init__(
        self,
        progress: Progress = SILENT,
        *,
        files: InputFiles = DISK,
        rulesets: RulesetSources | None = None,
        strict: bool = False,
        batches: bool = False,
    ) -> None:
        """`files`: the evidence files this scorer may read; `rulesets`: where rulesets are read
        from (files on disk by default). The service gives both in memory. `strict`: evidence
        warnings are errors. `batches`: a CSV file of `stream.STREAM_BYTES` or more is read in
        batches and counted (scoring/stream.py), in memory that does not grow with the file; its
        results' case lists cannot be read, so this is for what shows figures alone (`esirules score`)."""
        self.progress = progress
        self.one_sample: OneSample = on_the_command_line  # (E212's advice, in the caller's words)
        self.files = files
        self.ruleset_sources = rulesets
        self.strict = strict
        self.batches = batches
        self.rulesets: dict[str, m.Ruleset | None] = {}
        self.evaluators: dict[str, Evaluator] = {}
        self.evidence: dict[tuple[str, str], Evidence | None] = {}
        # The partials of counts of each large CSV file read in batches, by sample (None: all cases).
        self.batched: dict[tuple[str, str], dict[str | None, Partial]] = {}
        self.diagnostics: list[Diagnostic] = []
        self.sources: dict[str, str] = {}
        self.found: list[tuple[str, Finding]] = []  # what scoring found, by column label
        self.references: dict[str, str | DiagnosticError | None] = {}  # the ruleset each evidence file names

    def ruleset(self, path: str) -> m.Ruleset | None:
        if path not in self.rulesets:
            # (imported here: a ruleset kept checked in the cache needs neither the parser nor the checker)
            from esirules.language.cache import cached_check

            checked = cached_check(path, self.ruleset_sources)
            self.sources.update(checked.sources)
            errors = [d for d in checked.diagnostics if d.severity == "error"]
            self.diagnostics.extend(errors)
            self.rulesets[path] = None if errors else checked.ruleset
            if checked.ruleset is not None and not errors:
                self.evaluators[path] = compile_ruleset(checked.ruleset)
        return self.rulesets[path]

    def load(self, path: str, ruleset_path: str) -> Evidence | None:
        key = (path, ruleset_path)
        if key not in self.evidence:
            ruleset = self.rulesets[ruleset_path]
            assert ruleset is not None
            try:
                evidence = self._in_batches(path, ruleset_path) if self.batches else None
                if evidence is None:
                    evidence = load_evidence(path, ruleset, progress=self.progress, files=self.files)
            except DiagnosticError as error:
                self.diagnostics.extend(
                    attrs.evolve(d, severity="error") if self.strict else d for d in error.diagnostics
                )
                self.sources.update(error.sources)
                self.evidence[key] = None
                return None
            self.evidence[key] = evidence
            self.sources.update(evidence.sources)
            if self.strict:
                self.diagnostics.extend(w.diagnostic("error") for w in evidence.warnings)
        return self.evidence[key]

    def _in_batches(self, path: str, ruleset_path: str) -> Evidence | None:
        """The evidence of a large CSV file, or of an evidence file naming such files under
        `cases:`, its cases read in batches and counted (`self.batched`); None for any other file,
        or one whose pieces cannot be read on their own (then it is loaded whole)."""
        ruleset, evaluator = self.rulesets[ruleset_path], self.evaluators[ruleset_path]
        assert ruleset is not None
        if not path.lower().endswith(".csv"):
            loaded = load_or_defer(path, ruleset, progress=self.progress, files=self.files)
            if isinstance(loaded, Evidence):
                return loaded
            found = score_named_in_batches(loaded, evaluator, progress=self.progress, files=self.files)
        elif batched(self.files.size(path)):
            found = score_in_batches(path, evaluator, progress=self.progress, files=self.files)
        else:
            return None
        if found is None:
            return None
        evidence, self.batched[path, ruleset_path] = found
        return evidence

    def warnings(self) -> list[Diagnostic]:
        """The warnings of every evidence file loaded and of every column scored, once each, to
        show with `sources`."""
        found = [w for e in self.evidence.values() if e is not None for w in e.warnings]
        return [w.diagnostic() for w in dict.fromkeys([*found, *sheet_warnings(self.found)])]

    def samples_in(self, column: ColumnSpec) -> list[str] | None:
        """The samples a column's cases belong to, in the ruleset's order, when each can be its
        own column: the ruleset declares samples and every case is of one. None otherwise (and
        when the inputs have problems: scoring the column reports them)."""
        before = len(self.diagnostics)
        ruleset_path = self.ruleset_path_for(column)
        del self.diagnostics[before:]  # (scoring the column finds them again)
        if ruleset_path is None or self.ruleset(ruleset_path) is None:
            return None
        ruleset = self.rulesets[ruleset_path]
        assert ruleset is not None
        if not ruleset.samples:
            return None
        loaded = [self.load(path, ruleset_path) for path in column.evidence]
        evidence = [e for e in loaded if e is not None]
        if len(evidence) < len(loaded):
            return None
        present = samples_present(ruleset, evidence)
        named = [name for name in present if name is not None]
        if named and None in present:
            self.diagnostics.append(self._of_no_sample(evidence, named))
        return None if not present or None in present else named

    def _of_no_sample(self, evidence: Sequence[Evidence], named: Sequence[str]) -> Diagnostic:
        """E213: cases of no sample among cases of samples (a `sample` cell left blank); scored
        as one column they would pool the samples, which only `--pool-samples` asks for."""
        blank = [(e, i) for e in evidence if e.summary is None for i, name in enumerate(e.cases.samples.tolist()) if name is None]
        listed = " or ".join(f"`{name}`" for name in named)
        help_ = f"give each case its sample ({listed}), or score every case together with `--pool-samples`"
        if not blank:  # (a summary of counts: no case to point at)
            where = evidence[0].path
            return Diagnostic("E213", "some cases have no sample, and the others belong to samples", Span(where, 1, 1, 1, 2), help_)
        first, at = blank[0]
        case = first.cases.ids[at]
        more = f" (and {plural(len(blank) - 1, 'other case')})" if len(blank) > 1 else ""
        message = f"case `{case}` has no sample{more}, but the other cases belong to samples {' and '.join(f'`{n}`' for n in named)}"
        return Diagnostic("E213", message, self._locate(first.cases.locations[at], case), help_)

    def _locate(self, location: Location, word: str) -> Span:
        """The span of `word` on a line of evidence (else the whole line), kept to show; the
        file's first character if the line cannot be read; a workbook's row, at its first cell."""
        line = location.line or 1
        if location.sheet is not None:
            return Span(location.file, line, 1, line, 2, cell=cell_name(location.sheet, line, 1))
        text = self.sources.get(location.file)
        if text is None or text.count("\n") < line:
            try:
                text = self.files.read(location.file).decode("utf-8")
            except (FileProblem, UnicodeDecodeError):
                return Span(location.file, 1, 1, 1, 2)
        lines = text.split("\n", line)  # (no further than the line: a case file may be large)
        if line > len(lines):
            return Span(location.file, 1, 1, 1, 2)
        start = sum(len(x) + 1 for x in lines[: line - 1])
        written = lines[line - 1].rstrip("\r")
        found = re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w.-])", written)
        column, length = (found.start() + 1, len(word)) if found else (1, max(len(written), 1))
        known = self.sources.get(location.file, "")
        if len(known) < start + len(written):
            self.sources[location.file] = text[: start + len(lines[line - 1]) + 1]
        begin = start + column - 1
        return Span(location.file, line, column, line, column + length, begin, begin + length)

    def ruleset_path_for(self, column: ColumnSpec) -> str | None:
        if column.ruleset is not None:
            return column.ruleset
        path = column.evidence[0]
        if path not in self.references:  # (read once: a file gives a column for each of its samples)
            try:
                self.references[path] = read_ruleset_reference(path, self.files)
            except DiagnosticError as error:
                self.references[path] = error
        try:
            reference = self.references[path]
            if isinstance(reference, DiagnosticError):
                raise reference
        except DiagnosticError as error:
            self.diagnostics.extend(error.diagnostics)
            self.sources.update(error.sources)
            return None
        if reference is None:
            self._show_sheet(column)
            self.diagnostics.append(
                Diagnostic(
                    "E202",
                    f"no ruleset is given for column `{column.label}`",
                    column.span or Span(column.evidence[0], 1, 1, 1, 2),
                    _ruleset_advice(column),
                )
            )
        return reference

    def _show_sheet(self, column: ColumnSpec) -> None:
        """Keep the text of the sheet a column is given in, to show a problem located there."""
        if column.sheet is not None:
            self.sources.setdefault(column.sheet.path, column.sheet.text)

    def score(self, columns: Sequence[ColumnSpec]) -> list[ColumnResult]:
        """Every column scored, or a DiagnosticError with every problem found in any input."""
        plans = []
        for column in columns:
            ruleset_path = self.ruleset_path_for(column)
            if ruleset_path is None or self.ruleset(ruleset_path) is None:
                continue
            ruleset = self.rulesets[ruleset_path]
            assert ruleset is not None
            undeclared = undeclared_sample(ruleset, column.sample)
            if undeclared is not None:
                known = ", ".join(f"`{s.name}`" for s in ruleset.samples) or "none"
                self._show_sheet(column)
                self.diagnostics.append(
                    Diagnostic(
                        "E203",
                        undeclared,
                        column.sample_span or column.span or Span(ruleset_path, 1, 1, 1, 2),
                        f"its samples are: {known}",
                    )
                )
                continue
            loaded = [self.load(path, ruleset_path) for path in column.evidence]
            self.diagnostics += fact_conflicts([e for e in loaded if e is not None])
            plans.append((column, ruleset_path, loaded))
        if self.diagnostics:  # (shown with the warnings found, so that all are seen at once)
            raise DiagnosticError([*self.diagnostics, *([] if self.strict else self.warnings())], self.sources)
        results = []
        for column, ruleset_path, loaded in plans:
            evaluator = self.evaluators[ruleset_path]
            evidence = [e for e in loaded if e is not None]
            partials = [
                self.batched[path, ruleset_path][column.sample]
                if (path, ruleset_path) in self.batched
                else score_batch(evaluator, e, column.sample, progress=self.progress)
                for path, e in zip(column.evidence, loaded)
                if e is not None
            ]
            if any(not p.lists for p in partials):  # (files read in batches: counts alone)
                partials = [counts_only(p) for p in partials]
            result = finish(merge(partials), label=column.label, evaluator=evaluator)
            found, scored = column_warnings(result, evaluator.ruleset, evidence, self._locate, self.one_sample)
            self.found.extend((column.label, finding) for finding in found)
            warnings = tuple(dict.fromkeys([*(w for e in evidence for w in e.warnings), *scored]))
            results.append(attrs.evolve(result, warnings=warnings) if warnings else result)
        if self.strict and self.found:
            raise DiagnosticError([w.diagnostic("error") for w in sheet_warnings(self.found)], self.sources)
        return results


def _ruleset_advice(column: ColumnSpec) -> str:
    """How to name the ruleset of a column that has none, for where the column comes from."""
    tables = all(path.lower().endswith(".csv") for path in column.evidence)
    if column.sheet is not None:
        evidence = "" if tables else ", or to its evidence file"
        return f"add `ruleset: path/to/ruleset.esi` to this column of the summary sheet{evidence}"
    if all(is_workbook(path) for path in column.evidence):
        return (
            f"add a row to the `inspection` sheet of `{column.evidence[0]}` with `ruleset` in its `field` column"
            " and the ruleset's file in its `value` column, or use `--ruleset`"
        )
    if tables:
        name = os.path.basename(column.evidence[0])
        return (
            "a CSV file cannot name its ruleset: add `--ruleset path/to/ruleset.esi`, or score an"
            f" evidence file (YAML) that names both, with `ruleset: path/to/ruleset.esi` and `cases: {name}`"
        )
    return "add `ruleset: path/to/ruleset.esi` to the evidence file, or use `--ruleset`"


def score_columns(columns: Sequence[ColumnSpec]) -> list[ColumnResult]:
    """Score each column; raises DiagnosticError with every problem found in any input."""
    return Scorer().score(columns)
