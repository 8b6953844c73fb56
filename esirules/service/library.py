"""The library, as the service calls it: stored bytes in, checked rulesets, evidence, results and explanations out.

Nothing here scores or explains by itself: rulesets are checked by `check_file`, evidence loaded by
`load_evidence`, columns scored by the `Scorer`, explanations made by `explain_spec` and rendered
by the same renderers as the command line. Inputs are held in memory (`MemorySources`,
`InputFiles` with no folder), so a name inside an upload reaches only the files uploaded with it.

Everything stored is immutable, so what is derived from it can be kept: checked and compiled
rulesets, loaded evidence and rendered explanations are held in bounded caches (least recently
used first out). A cache is never the record: a verification re-scores from the stored bytes
with no cache at all.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from esirules.diagnostics import DiagnosticError
from esirules.evidence.cases import Evidence
from esirules.evidence.load import load_evidence
from esirules.evidence.sheet import ColumnSpec
from esirules.files import InputFiles, held_name
from esirules.language import model as m
from esirules.language.check import Checked, check_file
from esirules.language.sources import MemorySources
from esirules.render.diagnostics import render_json
from esirules.scoring.columns import Scorer
from esirules.scoring.compile import Evaluator, compile_ruleset
from esirules.scoring.result import ColumnResult

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

ADJUSTMENTS_FILE = "adjustments/lead-inspector.json"
ADJUSTMENT_FIELDS = ("criterion", "grade", "by", "reason")  # as an evidence file writes them
DEFAULT_TITLE = "Scoring summary sheet"  # the command line's title for a sheet of several inspections


class Cache(Generic[K, V]):
    """At most `size` values, the least recently used dropped first; safe across threads."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        if self.size <= 0:
            return value
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


@attrs.frozen(eq=False)
class CompiledRuleset:
    """A published ruleset checked and compiled: what scoring under it needs."""

    address: str
    main: str
    files: Mapping[str, bytes]
    ruleset: m.Ruleset
    evaluator: Evaluator
    sources: Mapping[str, str]


class ReadingFiles(InputFiles):
    """Uploaded files in memory that remember which of them were read."""

    def __init__(self, held: Mapping[str, bytes]):
        super().__init__(held, folders=())
        self.read_names: set[str] = set()

    def read(self, path: str, limit: int = -1, *, keep: bool = False) -> bytes:
        data = super().read(path, limit, keep=keep)
        self.read_names.add(held_name(path))
        return data


@attrs.frozen
class Column:
    """One column of a run: its label and its sample (None: all cases)."""

    label: str
    sample: str | None


@attrs.frozen
class RunInputs:
    """What a run scores: everything its result depends on, and nothing else."""

    ruleset: str
    evidence: str
    columns: tuple[Column, ...]
    title: str
    adjustments: tuple[Mapping[str, str], ...] = ()
    adjusts: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "evidence": self.evidence,
            "columns": [{"label": c.label, "sample": c.sample} for c in self.columns],
            "title": self.title,
            "adjustments": [dict(a) for a in self.adjustments],
            "adjusts": self.adjusts,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunInputs:
        return cls(
            data["ruleset"], data["evidence"], tuple(Column(c["label"], c["sample"]) for c in data["columns"]),
            data["title"], tuple(data["adjustments"]), data["adjusts"],
        )

    def overlay(self) -> bytes | None:
        """The adjustments as an evidence file of their own, scored before the evidence so they prevail."""
        if not self.adjustments:
            return None
        # INVARIANT: the same adjustments give the same bytes, whatever order their fields came in
        adjustments = [{field: a[field] for field in ADJUSTMENT_FIELDS} for a in self.adjustments]
        return (json.dumps({"adjustments": adjustments}, indent=2, ensure_ascii=False) + "\n").encode()


Fetch = Callable[[], tuple[str, Mapping[str, bytes]]]  # (main file, files) from the store


class Library:
    """The library calls of the service, with caches of what stored inputs give."""

    def __init__(self, *, rulesets: int = 16, evidence: int = 8, explanations: int = 256):
        self.rulesets: Cache[str, CompiledRuleset] = Cache(rulesets)
        self.evidence: Cache[tuple[str, str], Evidence] = Cache(evidence)
        self.explanations: Cache[tuple[Any, ...], str] = Cache(explanations)

    # --- rulesets -------------------------------------------------------------------------------

    @staticmethod
    def check(main: str, files: Mapping[str, bytes]) -> Checked:
        """Check a ruleset among the files given with it (its `extends` reach nothing else)."""
        return check_file(main, sources=MemorySources(files))

    @staticmethod
    def check_report(main: str, checked: Checked) -> dict[str, Any]:
        """What `esirules check MAIN --format json` prints for this ruleset (cli/check.py)."""
        payload: dict[str, Any] = json.loads(render_json(checked.diagnostics))
        errors = [d for d in checked.diagnostics if d.severity == "error"]
        ruleset = checked.ruleset
        ok = not errors and ruleset is not None
        payload["rulesets"] = [] if not ok or ruleset is None else [
            {"file": main, "ruleset": ruleset.name, "version": ruleset.version,
             "hash": ruleset.content_hash, "summary": ruleset.summary(), "tests": len(ruleset.tests)}
        ]
        payload["ok"] = ok
        return payload

    def compiled(self, address: str, fetch: Fetch, *, cached: bool = True) -> CompiledRuleset:
        """A published ruleset, checked and compiled (it checked when it was published)."""
        found = self.rulesets.get(address) if cached else None
        if found is not None:
            return found
        main, files = fetch()
        checked = self.check(main, files)
        if checked.ruleset is None or any(d.severity == "error" for d in checked.diagnostics):
            raise DiagnosticError(checked.diagnostics, checked.sources)
        compiled = CompiledRuleset(address, main, dict(files), checked.ruleset,
                                   compile_ruleset(checked.ruleset), dict(checked.sources))
        return self.rulesets.put(address, compiled) if cached else compiled

    # --- evidence -------------------------------------------------------------------------------

    @staticmethod
    def read_evidence(compiled: CompiledRuleset, main: str, files: Mapping[str, bytes]) -> tuple[Evidence, set[str]]:
        """Load evidence under a ruleset from the files uploaded: (the evidence, the names it read)."""
        reading = ReadingFiles(files)
        evidence = load_evidence(main, compiled.ruleset, files=reading)
        return evidence, reading.read_names

    def loaded(self, compiled: CompiledRuleset, address: str, fetch: Fetch) -> tuple[str, Evidence]:
        """Stored evidence loaded under a ruleset: (its main file, the evidence)."""
        found = self.evidence.get((address, compiled.address))
        if found is not None:
            return found.path, found
        main, files = fetch()
        evidence, _ = self.read_evidence(compiled, main, files)
        return main, self.evidence.put((address, compiled.address), evidence)

    def remember(self, compiled: CompiledRuleset, address: str, evidence: Evidence) -> None:
        self.evidence.put((address, compiled.address), evidence)

    @staticmethod
    def read_adjustment(
        compiled: CompiledRuleset, adjustment: Mapping[str, str]
    ) -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
        """One adjustment under a ruleset as the loader reads it (its criterion and grade written as
        the ruleset writes them: `well met` is `Well met`), and what is wrong with it, as (field,
        message, help): read by the evidence loader's own rules, as an evidence entry with each
        field on a line of its own."""
        from yaml.error import Mark
        from yaml.nodes import MappingNode, ScalarNode, SequenceNode

        from esirules.evidence.inspection import InspectionFields

        def text(value: str, line: int) -> ScalarNode:  # (a node made, not YAML read: any text is itself)
            at = Mark("adjustment", 0, line, 0, None, 0)
            return ScalarNode("tag:yaml.org,2002:str", value, at, at, style='"')

        fields = [(text(field, line), text(adjustment[field], line)) for line, field in enumerate(ADJUSTMENT_FIELDS)]
        start = Mark("adjustment", 0, 0, 0, None, 0)
        entries = SequenceNode("tag:yaml.org,2002:seq", [MappingNode("tag:yaml.org,2002:map", fields, start, start)],
                               start, start)
        problems: list[Any] = []
        read = InspectionFields("adjustment", compiled.ruleset, problems).adjustments(entries)
        canonical = dict(adjustment)
        if read and not problems:
            canonical.update(criterion=read[0].criterion, grade=read[0].grade)
        return canonical, [(ADJUSTMENT_FIELDS[min(d.span.line, len(ADJUSTMENT_FIELDS)) - 1], d.message, d.help)
                           for d in problems]

    # --- scoring and explaining ------------------------------------------------------------------

    def scorer(self, compiled: CompiledRuleset, main: str, evidence: Evidence | None, overlay: bytes | None,
               files: Mapping[str, bytes] | None = None, *,
               stored: Callable[[], Mapping[str, bytes]] | None = None) -> Scorer:
        """A Scorer over the run's inputs, given what is already checked and loaded; `stored`
        fetches the evidence's files, should a stage read one (to place a warning on its line)."""
        held = dict(files or {})
        if overlay is not None:
            held[ADJUSTMENTS_FILE] = overlay
        scorer = Scorer(files=_StoredFiles(held, stored), rulesets=MemorySources(compiled.files))
        scorer.one_sample = _column_per_sample
        # INVARIANT: these are exactly what the Scorer would make from the same bytes (it keeps
        # them by path: see Scorer.ruleset and Scorer.load); giving them saves checking again.
        scorer.rulesets[compiled.main] = compiled.ruleset
        scorer.evaluators[compiled.main] = compiled.evaluator
        scorer.sources.update(compiled.sources)
        if evidence is not None:
            scorer.evidence[(main, compiled.main)] = evidence
        return scorer

    @staticmethod
    def specs(compiled: CompiledRuleset, main: str, inputs: RunInputs) -> list[ColumnSpec]:
        paths = (ADJUSTMENTS_FILE, main) if inputs.adjustments else (main,)
        return [ColumnSpec(c.label, paths, compiled.main, c.sample) for c in inputs.columns]

    def score(self, scorer: Scorer, compiled: CompiledRuleset, main: str, inputs: RunInputs) -> list[ColumnResult]:
        """Every column of a run, or a DiagnosticError with every problem found."""
        return scorer.score(self.specs(compiled, main, inputs))

    def explain(self, scorer: Scorer, compiled: CompiledRuleset, main: str, inputs: RunInputs, column: Column,
                target: str, *, where: str | None, case: str | None, all_cases: bool) -> Any:
        """The explanation of `target` in one column of a run, as `esirules explain` makes it."""
        from esirules.explain.request import explain_spec

        paths = (ADJUSTMENTS_FILE, main) if inputs.adjustments else (main,)
        spec = ColumnSpec(column.label, paths, compiled.main, column.sample)
        return explain_spec(spec, target, where=where, case=case, all_cases=all_cases, scorer=scorer)


def _column_per_sample(samples: Sequence[str]) -> str:
    """How to score one sample at a time in a run (E212's help): a column for each sample."""
    listed = ", ".join(f"`{name}`" for name in samples)
    return f"score one sample in each column: give each column its `sample` ({listed}), or tick one sample on the page"


class _StoredFiles(InputFiles):
    """The files of a run: those held, and the stored evidence's, fetched from the store only when
    a stage reads one that is not held (the evidence comes loaded from the cache, but the line
    of a case a warning points at is read from its file, as on the command line)."""

    def __init__(self, held: Mapping[str, bytes], stored: Callable[[], Mapping[str, bytes]] | None):
        super().__init__(held, folders=())
        self.stored = stored

    def read(self, path: str, limit: int = -1, *, keep: bool = False) -> bytes:
        if self.stored is not None and held_name(path) not in self.held:
            fetched, self.stored = self.stored(), None
            for name, data in fetched.items():
                self.held.setdefault(held_name(name), data)
        return super().read(path, limit, keep=keep)


def sheet_title(given: str | None, titles: Sequence[str]) -> str:
    """The sheet's title as the command line chooses it: the one given, else the inspection's if
    there is one, else DEFAULT_TITLE (cli/score.py)."""
    inspections = {title for title in titles if title}
    return given or (inspections.pop() if len(inspections) == 1 else DEFAULT_TITLE)
