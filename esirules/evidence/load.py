"""Load an inspection's evidence (YAML, JSON or CSV) and check it against a ruleset: a path in, `Evidence` out.

The route is one way: each format has one reader to a case table (`yaml_cases` for cases written
in the evidence file, `read_arrow` for plain large CSV files, `read_csv` for every other CSV
file), and one encoder (`encode`) checks and codes every table into `Cases`; the file's other
fields are read by `inspection`. All problems are collected and raised together as one
`DiagnosticError`; problems that change no figure are warnings, kept with the evidence. The
format, and the files an evidence file may name, are in docs/evidence-format.md.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import threading
from typing import Any

import attrs
import yaml

from esirules.diagnostics import Diagnostic, DiagnosticError, did_you_mean
from esirules.evidence.carried import CarriedFields, read_date
from esirules.evidence.cases import Adjustment, Cases, Evidence, EvidenceWarning, MeasureFigures, RecordedFact
from esirules.evidence.document import (
    MAX_PLAIN_DOCUMENT_BYTES,
    MAX_TABLE_BYTES,
    NULL,
    YAML_SUFFIXES,
    Problems,
    at,
    compose,
    expect,
    fields,
    mapping_value,
    outside,
    read_document,
    read_text,
    resolve,
    scalar_text,
    too_deep,
)
from esirules.evidence.encode import combine, encode_cases
from esirules.evidence.facts import complete_facts, read_facts
from esirules.evidence.inspection import InspectionFields
from esirules.evidence.read_arrow import FAST_PATH_BYTES, read_plain_csv
from esirules.evidence.read_csv import read_csv
from esirules.evidence.read_workbook import is_workbook
from esirules.evidence.stream import batched
from esirules.evidence.table import CaseTable
from esirules.evidence.vocabulary import Vocabulary, shown, vocabulary
from esirules.evidence.yaml_cases import InlineCases
from esirules.files import DISK, FileProblem, InputFiles
from esirules.language import model
from esirules.progress import SILENT, Progress
from esirules.span import Span

TOP_LEVEL = (
    "inspection", "ruleset", "date", "cases", "ratings", "measures", "adjustments", "facts", "carried_forward",
)


def load_evidence(
    path: str, ruleset: model.Ruleset, *, progress: Progress = SILENT, files: InputFiles = DISK
) -> Evidence:
    """Read and check one inspection's evidence.

    Args:
        path: a `.yaml`, `.yml` or `.json` evidence file, a `.csv` file of cases alone, or a
            workbook (`.xlsx`, `.ods`: `workbook`).
        ruleset: the checked ruleset the evidence is scored under.
        progress: told of the loading, for a display (nothing by default).
        files: the files the evidence may read (any on disk by default; the service gives only
            the files uploaded).

    Returns:
        The evidence, case data in columns.

    Raises:
        DiagnosticError: with every problem found, each with its file and line.
    """
    found = _load_evidence(path, ruleset, progress, files, defer=False)
    assert isinstance(found, Evidence)  # INVARIANT: nothing is deferred unless asked
    return found


def load_or_defer(
    path: str, ruleset: model.Ruleset, *, progress: Progress = SILENT, files: InputFiles = DISK
) -> Evidence | Deferred:
    """`load_evidence`, but an evidence file whose `cases:` names CSV files alone, together large
    enough to be read in batches (`stream.batched`), is read without them (`Deferred`), unless it
    has a problem (then it is read whole, which reports it) or carries judgements forward
    (whether a level carried forward has evidence this time needs the cases)."""
    return _load_evidence(path, ruleset, progress, files, defer=True)


def _load_evidence(
    path: str, ruleset: model.Ruleset, progress: Progress, files: InputFiles, *, defer: bool
) -> Evidence | Deferred:
    if is_workbook(path):
        from esirules.evidence.workbook import load_workbook

        return load_workbook(path, ruleset, progress=progress, files=files)
    with progress.task(f"loading {os.path.basename(path)}"):
        if path.lower().endswith((".json", *YAML_SUFFIXES)):
            # Cases in JSON or plain block YAML are read straight into columns (json_cases,
            # yaml_fast); a file that is not plain, or has any problem or warning, is read again
            # the exact way, which reports it.
            fast = _Load(path, ruleset, files, fast=True)
            evidence = fast.load()
            if evidence is not None and fast.fast_table is not None and not fast.problems and not fast.warnings:
                return attrs.evolve(evidence, warnings=(), sources=fast.cited())
        reader = _Load(path, ruleset, files, defer=defer)
        evidence = reader.load()
        if reader.deferred is not None:
            if evidence is not None and not reader.problems and not reader.warnings and reader.carried.node is None:
                return Deferred(attrs.evolve(evidence, sources=reader.cited()), reader.deferred, reader.digest)
            reader = _Load(path, ruleset, files)  # read whole: it reports every problem, as always
            evidence = reader.load()
    if reader.problems or evidence is None:
        reader.decode_all()
        found = [*reader.problems, *(w.diagnostic() for w in reader.warnings)]
        found += another_ruleset(path, reader.named, ruleset, reader.problems, files)
        problems = sorted(found, key=lambda d: (d.span.file != path, d.span.file, d.span.line, d.span.column))
        raise DiagnosticError(problems, reader.sources)
    return attrs.evolve(evidence, warnings=tuple(reader.warnings), sources=reader.cited())


# The problems of ids the ruleset does not know: what evidence read under another ruleset than
# its own gives by the dozen.
UNKNOWN_IDS = frozenset({"E111", "E112", "E120", "E130", "E140", "E150", "E230"})
_DECLARED = re.compile(rb'^[ \t]*ruleset[ \t]+"([^"\n]*)"', re.MULTILINE)  # (a ruleset's first declaration)


def another_ruleset(path: str, named: tuple[str, Span] | None, ruleset: model.Ruleset, problems: Problems,
                    files: InputFiles) -> list[Diagnostic]:
    """E160, a warning beside ids the ruleset does not know, when the evidence names another
    ruleset than the one it is read under (`--ruleset`, a diff, the service's compare page), nor
    one that ruleset derives from: the ids are that ruleset's, not mistakes to correct one by one.
    Rulesets are told apart by the name they declare (`ruleset "esi-2003"`: a copy is the same
    ruleset), or by their file's name where the file named cannot be read."""
    if named is None or not any(d.code in UNKNOWN_IDS for d in problems):
        return []
    chain: list[model.Ruleset] = []
    link: model.Ruleset | None = ruleset
    while link is not None:
        chain.append(link)
        link = link.parent
    try:
        head = files.read(resolve(path, named[0], files), 4096)
    except FileProblem:
        head = b""
    declared = _DECLARED.search(head)
    if declared is not None:
        if declared[1].decode("utf-8", "replace") in {r.name for r in chain}:
            return []
    elif os.path.basename(named[0]) in {os.path.basename(r.path) for r in chain}:
        return []
    return [Diagnostic(
        "E160", f"this evidence names the ruleset `{named[0]}`, but is read here under ruleset `{ruleset.name}`",
        named[1], "its questions, items and samples are those of the ruleset it names: read it under that "
        "ruleset (or one derived from it), or choose evidence recorded for this one", severity="warning")]


@attrs.frozen
class Deferred:
    """An evidence file read without the cases of the large CSV files it names (`cases: big.csv`,
    or a list of such files), for the caller to read those files in batches (scoring/stream.py).
    Such a file has no warnings of its own (every warning is about cases; one with any is read whole)."""

    evidence: Evidence  # everything else, with no cases
    cases_paths: tuple[str, ...]  # the CSV files named, in order, from the working folder
    digest: Any  # the content hash so far (the document's text): the CSV files' bytes go on it

    def with_cases(self, read: Evidence) -> Evidence:
        """The evidence, once its CSV files have been read in batches (`read`: `stream.evidence_of`,
        begun on `digest`): as a whole read gives it, but for the cases, which are counted, not kept."""
        return attrs.evolve(
            self.evidence,
            content_hash=read.content_hash,
            summary=read.summary,
            warnings=read.warnings,
            sources={**self.evidence.sources, **read.sources},
        )


def read_ruleset_reference(path: str, files: InputFiles = DISK) -> str | None:
    """The ruleset an evidence file names (`ruleset:`), resolved from the file's folder.

    Returns None for a CSV file or an evidence file that names no ruleset; raises
    `DiagnosticError` if the file cannot be read or the named ruleset does not exist.
    """
    problems: Problems = []
    sources: dict[str, str] = {}
    reference = _ruleset_reference(path, problems, sources, files)
    if problems:
        raise DiagnosticError(problems, sources)
    return reference


def named_ruleset_file(path: str, files: InputFiles = DISK) -> str | None:
    """The file name of the ruleset an evidence file names (`esi-2003.esi`), whether or not that
    file is at hand (the service holds evidence without the rulesets it names), or None: for
    matching the evidence with a published ruleset of that name."""
    resolved = _ruleset_reference(path, [], {}, files)
    return None if resolved is None else os.path.basename(resolved)


def check_ruleset_reference(path: str, files: InputFiles = DISK) -> list[Diagnostic]:
    """The problems `read_ruleset_reference` would raise, as a list."""
    problems: Problems = []
    _ruleset_reference(path, problems, {}, files)
    return problems


def _ruleset_reference(
    path: str, problems: Problems, sources: dict[str, str], files: InputFiles
) -> str | None:
    if path.lower().endswith(".csv"):
        return None
    if is_workbook(path):  # (its `inspection` sheet's `ruleset` row)
        from esirules.evidence.workbook import inspection_sheet

        sheet = inspection_sheet(path, files, problems)
        if sheet is None:
            return None
        rows, placed = sheet
        named: Problems = []
        reference = _reference_in(path, rows, named, files)
        problems.extend(map(placed, named))
        return reference
    plain = _plain_root(path, files)
    if plain is not None:
        # Read beside the cases: any problem is reported as the whole file's reading reports it.
        found: Problems = []
        reference = _reference_in(path, plain, found, files)
        if not found:
            return reference
    root = read_document(path, problems, sources, files)
    if root is None:
        return None
    return _reference_in(path, root, problems, files)


def _plain_root(path: str, files: InputFiles) -> yaml.MappingNode | None:
    """The node tree of a large JSON or YAML file whose cases are plain, read without them (a
    file of a million cases is read in a second, where its node tree would take minutes, and
    may be up to 1 GB as the loader allows such a file); None for any other file, or any problem."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (*YAML_SUFFIXES, ".json") or files.size(path) < FAST_PATH_BYTES:
        return None
    read = read_text(path, [], {}, lazy=True, files=files, limit=MAX_PLAIN_DOCUMENT_BYTES, keep=True)
    if read is None or read[1].startswith(codecs.BOM_UTF8):
        return None
    text, data = read
    if suffix == ".json":
        from esirules.evidence import json_cases

        cut = json_cases.without_cases(data, ascii=text is None, files=files)
    else:
        from esirules.evidence import yaml_fast

        cut = yaml_fast.without_cases(data, ascii=text is None)
    if cut is None:
        return None
    found: Problems = []
    root = compose(path, suffix, cut[0], found)
    return root if root is not None and not found and cut[1](root) else None


def _reference_in(path: str, root: yaml.MappingNode, problems: Problems, files: InputFiles) -> str | None:
    """The ruleset named in an evidence file's node tree (see `read_ruleset_reference`)."""
    node = mapping_value(root, "ruleset")
    if node is None:
        return None
    reference = scalar_text(path, node, "the ruleset reference", problems)
    if reference is None:
        return None
    resolved = resolve(path, reference, files)
    if not resolved.lower().endswith(".esi"):
        problems.append(
            Diagnostic(
                "E105",
                f"`{reference}` named by this evidence file is not a ruleset (a ruleset's name ends in `.esi`)",
                at(path, node),
                "name the ruleset file here, or name it on the command line with `--ruleset`",
            )
        )
    elif not files.allows_ruleset(resolved):
        problems.append(outside(resolved, at(path, node), files))
    elif not (files.is_file(resolved) or os.path.isfile(resolved)):
        exists = os.path.exists(resolved)
        problems.append(
            Diagnostic(
                "E105",
                f"the ruleset `{reference}` named by this evidence file "
                + ("is not a regular file" if exists else "does not exist")
                + ("" if exists or resolved == reference else f" (looked for `{resolved}`)"),
                at(path, node),
                "the path is relative to the evidence file's folder; correct it, or name the ruleset on the command line",
            )
        )
    elif files.on_disk and not os.access(resolved, os.R_OK):  # (said here, not at the ruleset's first line)
        problems.append(
            Diagnostic(
                "E105",
                f"the ruleset `{reference}` named by this evidence file cannot be read: permission denied",
                at(path, node),
                "ask whoever keeps the ruleset's folder to let you read it, or name a copy on the command line "
                "with `--ruleset`",
            )
        )
    return resolved


# ---------------------------------------------------------------------------------------------
# The evidence file


class _Load:
    """One load: the files read, the problems found."""

    def __init__(self, path: str, ruleset: model.Ruleset, files: InputFiles, *, fast: bool = False, defer: bool = False):
        """`fast`: read a JSON file's cases by `json_cases` (`load` gives None if it cannot).
        `defer`: leave out the CSV files `cases:` names if they are to be read in batches (`deferred`)."""
        self.path = path
        self.fast = fast
        self.defer = defer
        self.deferred: tuple[str, ...] | None = None  # those files
        self.fast_table: CaseTable | None = None
        self.hashed = False  # the evidence file's bytes are in the digest already
        self.files = files
        self.ruleset = ruleset
        self.vocab: Vocabulary = vocabulary(ruleset)
        self.problems: Problems = []
        self.warnings: list[EvidenceWarning] = []
        self.sources: dict[str, str] = {}
        self.digest = hashlib.sha256()
        self.undecoded: dict[str, bytes] = {}  # ASCII files read but not yet decoded
        self.inline = InlineCases(path, self.vocab, self.problems)
        self.fields = InspectionFields(path, ruleset, self.problems)
        self.carried = CarriedFields(path, ruleset, self.problems, self.fields)
        self.named: tuple[str, Span] | None = None  # the ruleset the file names (`ruleset:`), and where

    def load(self) -> Evidence | None:
        if self.path.lower().endswith(".csv"):
            cases = self._csv_cases(self.path, None)
            if cases is None:
                return None
            facts = complete_facts(self.path, self.ruleset, {}, Span.point(self.path, 1, 1), self.problems)
            return Evidence(self.path, self.digest.hexdigest(), None, combine([cases], self.problems), facts=facts)
        root = self._fast_root() if self.fast else read_document(self.path, self.problems, self.sources, self.files)
        if root is None:
            return None
        if not self.hashed:
            self.digest.update(self.sources[self.path].encode())
        title, reference = "", None
        parts: list[Cases] = []
        ratings: dict[str, str] = {}
        measures: dict[str, MeasureFigures] = {}
        adjustments: tuple[Adjustment, ...] = ()
        recorded: dict[str, RecordedFact] = {}
        facts_at = Span.point(self.path, 1, 1)  # where a missing fact is reported: `facts:`, else the top
        date, date_node = None, None
        for key, key_node, node in fields(self.path, root, self.problems):
            if key == "inspection":
                title = scalar_text(self.path, node, "`inspection`", self.problems) or ""
            elif key == "ruleset":
                text = scalar_text(self.path, node, "`ruleset`", self.problems)
                reference = resolve(self.path, text, self.files) if text else None
                self.named = (text, at(self.path, node)) if text else None
            elif key == "cases" and self.fast_table is not None:
                parts = [encode_cases(self.fast_table, self.vocab, self.problems, self.warnings)]
            elif key == "cases":
                parts = [] if self.defer and self._deferred(node) else self._cases(node)
            elif key == "ratings":
                ratings = self.fields.ratings(node)
            elif key == "measures":
                measures = self.fields.measures(node)
            elif key == "adjustments":
                adjustments = self.fields.adjustments(node)
            elif key == "facts":
                recorded = read_facts(self.path, self.ruleset, node, self.problems)
                facts_at = at(self.path, key_node)
            elif key == "date":
                date, date_node = read_date(self.path, node, "the inspection's `date`", self.problems), node
            elif key == "carried_forward":
                self.carried.read(key_node, node)
            else:
                self.problems.append(
                    Diagnostic(
                        "E104",
                        f"`{shown(key)}` is not a field of an evidence file",
                        at(self.path, key_node),
                        did_you_mean(key, TOP_LEVEL)
                        or "known fields are " + ", ".join(f"`{k}`" for k in TOP_LEVEL),
                    )
                )
        if not parts:
            parts = [encode_cases(CaseTable(self.path, []), self.vocab, self.problems, self.warnings)]
        cases = combine(parts, self.problems)
        facts = complete_facts(self.path, self.ruleset, recorded, facts_at, self.problems)
        carried = self.carried.finish(date, date_node, cases, ratings, adjustments)
        return Evidence(
            self.path, self.digest.hexdigest(), reference, cases, ratings, measures, adjustments, title,
            rating_locations=self.fields.rating_locations, facts=facts, date=date, carried_forward=carried,
        )

    def _fast_root(self) -> yaml.MappingNode | None:
        """The node tree of a JSON or YAML file with its plain cases read aside, or None.

        A file over MAX_DOCUMENT_BYTES (up to MAX_PLAIN_DOCUMENT_BYTES) is read here; if its
        cases are not plain the exact path refuses it (E109) as it always did.
        """
        read = read_text(self.path, self.problems, self.sources, lazy=True, files=self.files,
                         limit=MAX_PLAIN_DOCUMENT_BYTES)
        if read is None:
            return None
        text, data = read
        if data.startswith(codecs.BOM_UTF8):
            return None
        json = self.path.lower().endswith(".json")
        # (the scanners are imported here: a run scoring a CSV file needs neither)
        from esirules.evidence.json_cases import read_json_cases
        from esirules.evidence.yaml_fast import read_yaml_cases

        # The content hash is worked out beside the reading (hashlib lets go of the GIL).
        hashing = threading.Thread(target=self.digest.update, args=(data,))
        hashing.start()
        try:
            if json:
                found = read_json_cases(self.path, data, self.vocab, ascii=text is None, files=self.files)
            else:
                found_yaml = read_yaml_cases(self.path, data, self.vocab, ascii=text is None)
        finally:
            hashing.join()
        self.hashed = True
        if json:
            if found is None or too_deep(found[1]):
                return None  # (the cases themselves are three deep at most)
            rest, _, self.fast_table, move = found
        else:
            if found_yaml is None:
                return None
            rest, self.fast_table, move = found_yaml
        self.sources[self.path] = rest  # (only a problem would cite it: then the exact path reads the file again)
        root = compose(self.path, ".json" if json else ".yaml", rest, self.problems)
        if root is not None and not move(root):
            return None  # (not the `cases:` cut out: read the exact way)
        return root

    def _cases(self, node: yaml.Node) -> list[Cases]:
        if isinstance(node, yaml.ScalarNode) and node.tag != NULL:
            return self._csv_reference(node)
        if not expect(self.path, node, yaml.SequenceNode, "`cases`", self.problems):
            return []
        parts: list[Cases] = []
        run: list[yaml.Node] = []
        for item in [*node.value, None]:
            if (item is None or isinstance(item, yaml.ScalarNode)) and run:
                parts.append(encode_cases(self.inline.table(run), self.vocab, self.problems, self.warnings))
                run = []
            if isinstance(item, yaml.ScalarNode):
                parts.extend(self._csv_reference(item))
            elif item is not None:
                run.append(item)
        return parts

    def _deferred(self, node: yaml.Node) -> bool:
        """Whether `cases` names CSV files alone, together large enough to be read in batches:
        they are then noted (`deferred`), and not read here."""
        named = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not named or not all(
            isinstance(n, yaml.ScalarNode) and n.tag != NULL and str(n.value).lower().endswith(".csv") for n in named
        ):
            return False
        paths = tuple(resolve(self.path, str(n.value), self.files) for n in named)
        sizes = [self.files.size(path) for path in paths]
        if 0 in sizes or not batched(sum(sizes)):  # (a file missing or empty: the whole read says so)
            return False
        self.deferred = paths
        return True

    def _csv_reference(self, node: yaml.ScalarNode) -> list[Cases]:
        name = str(node.value)
        if not name.lower().endswith(".csv"):
            self.problems.append(
                Diagnostic(
                    "E103",
                    f"`cases` names `{name}`, which is not a CSV file",
                    at(self.path, node),
                    "give a list of cases, or the name of a `.csv` file of cases",
                )
            )
            return []
        cases = self._csv_cases(resolve(self.path, name, self.files), at(self.path, node))
        return [] if cases is None else [cases]

    def _csv_cases(self, path: str, named_at: Span | None) -> Cases | None:
        """A CSV file's cases: a large plain file by columns (`read_arrow`), any other by `read_csv`."""
        large = self.files.size(path) >= FAST_PATH_BYTES
        read = read_text(
            path, self.problems, self.sources, named_at, lazy=large, files=self.files, limit=MAX_TABLE_BYTES
        )
        if read is None:
            return None
        text, data = read
        del read
        if text is None:
            self.undecoded[path] = data
        for part in (b"\0", os.fsencode(os.path.basename(path)), b"\0"):
            self.digest.update(part)
        if len(data) < FAST_PATH_BYTES:
            self.digest.update(data)
            del data, text
            return self._exact_csv_cases(path)
        # The content hash of a large file is worked out beside the reading (hashlib lets go of the GIL).
        hashing = threading.Thread(target=self.digest.update, args=(data,))
        hashing.start()
        try:
            cases = self._plain_csv_cases(path, data)
        finally:
            hashing.join()
        if cases is not None:
            return cases
        del data, text, hashing  # the exact path reads the text alone
        return self._exact_csv_cases(path)

    def _exact_csv_cases(self, path: str) -> Cases:
        return encode_cases(
            read_csv(path, self.text(path), self.vocab, self.problems), self.vocab, self.problems, self.warnings
        )

    def text(self, path: str) -> str:
        """The text of a file read, decoding it now if it was left undecoded."""
        if path not in self.sources:
            self.sources[path] = self.undecoded.pop(path).decode("ascii")
        return self.sources[path]

    def decode_all(self) -> None:
        """Decode the files left undecoded, so every diagnostic can show its line."""
        for path in list(self.undecoded):
            self.text(path)

    def cited(self) -> dict[str, str]:
        """The text of each file a warning cites, up to the end of the last line cited."""
        ends: dict[str, int] = {}
        for warning in self.warnings:
            for place in warning.places:
                ends[place.file] = max(ends.get(place.file, 0), place.end, place.start)
        texts = {}
        for file, end in ends.items():
            text = self.text(file) if file in self.undecoded or file in self.sources else ""
            line_end = text.find("\n", end)
            texts[file] = text if line_end < 0 else text[: line_end + 1]
        return texts

    def _plain_csv_cases(self, path: str, data: bytes) -> Cases | None:
        """The cases of a plain CSV file read by columns, or None to read it the exact way.

        Any problem but a warning sends the file down the exact path, which reports it just as
        it would have: the fast path never reports an error itself. Warnings are found by the
        encoder, as on the exact path, and located in the same text.
        """
        table = read_plain_csv(path, data, self.vocab, lambda: self.text(path))
        if table is None:
            return None
        problems: Problems = []
        warnings: list[EvidenceWarning] = []
        cases = encode_cases(table, self.vocab, problems, warnings)
        if problems:
            return None
        self.warnings.extend(warnings)
        return cases
