"""Read a large CSV file of cases in batches: a path in, checked and coded batches of `Cases` out, in bounded memory.

The file is read in pieces of about `BATCH_BYTES` cut at line ends. Each piece, after the
header row, is read as a CSV file of its own the way `load` reads a whole file (by columns with
`read_arrow`, or exactly with `read_csv` if that finds a problem) and coded by `encode`; its
lines and places are then moved to where they are in the whole file. What needs every case is
gathered batch by batch: the answers to questions that do not apply (one warning or error per
question, as the ruleset says, `encode.report_unscored`; none are looked for if it ignores
them), how many cases each sample has, and a 64-bit hash of every case id (8 bytes a case). The hashes are sorted at the end; only if two are equal is the file read again
to find the case ids behind them, so each case id used twice is reported exactly as `load`
reports it (E110, the line of its first use in the help), and a mere collision of hashes
reports nothing. Every problem of every batch is reported, sorted as `load` sorts them, with
the text of the lines the first `CITED_PER_CODE` of each code cite.

A file whose pieces cannot be read on their own (a quoted cell over several lines, a carriage
return alone, a NUL byte, bytes that are not UTF-8, a header `read_arrow` does not take) is not
read in batches: `whole` is set, and the caller loads the file whole, as before.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np

from esirules.diagnostics import Diagnostic, DiagnosticError
from esirules.evidence.cases import Cases, CaseSummary, Evidence, EvidenceWarning, Location
from esirules.evidence.encode import Unscored, encode_cases, report_unscored
from esirules.evidence.read_arrow import count_lines, plain_header, quotes_are_plain, read_plain_csv
from esirules.evidence.read_csv import read_csv
from esirules.evidence.table import CaseTable, CsvCells
from esirules.evidence.vocabulary import Problems, vocabulary
from esirules.files import DISK, FileProblem, InputFiles
from esirules.language import model
from esirules.span import Span

# Files from this size on are read in batches (docs/performance.md: the same speed as a whole
# read, and memory that does not grow with the file).
STREAM_BYTES = 64 << 20
BATCH_BYTES = 32 << 20  # a piece of the file read at a time (about 100,000 generated cases)
CITED_PER_CODE = 100  # the problems of each code whose lines are kept to be shown

EMPTY = Cases(ids=(), samples=np.empty(0, dtype=object), attributes={}, answers={})


class PlacedCells(CsvCells):
    """The cells of a piece of a file read as a file of its own (the header row, then rows of the
    file from some line on): spans in the piece placed in the whole file."""

    def __init__(self, piece: CsvCells, lines: int, characters: int):
        super().__init__(piece.file, piece.text)
        self.piece, self.lines, self.characters = piece, lines, characters

    def span(self, line: int, column: int) -> Span:
        return moved(self.piece.span(line - self.lines, column), self.lines, self.characters)


def moved(span: Span, lines: int, characters: int) -> Span:
    """A span in a piece placed in the whole file (the header row, line 1, is where it was)."""
    if span.line < 2 or (lines == 0 and characters == 0):
        return span
    return attrs.evolve(
        span,
        line=span.line + lines,
        end_line=span.end_line + lines,
        start=span.start + characters,
        end=span.end + characters,
    )


class CsvBatches:
    """One read of a CSV file in batches: iterate for each batch's cases, then `evidence()`.

    While problems have been found the batches are still read (to find them all) but should not
    be scored: `problems` says so. If `whole` is set the iteration stops early: load the file whole.
    """

    def __init__(
        self,
        path: str,
        ruleset: model.Ruleset,
        *,
        files: InputFiles = DISK,
        batch_bytes: int | None = None,
        digest: Any = None,
    ):
        """`digest`: the content hash to go on with (of the evidence file naming this one), if any."""
        self.path, self.files = path, files
        self.batch_bytes = BATCH_BYTES if batch_bytes is None else batch_bytes
        self.vocab = vocabulary(ruleset)
        self.whole = False
        self.problems: Problems = []
        self.unscored: list[Unscored] = []
        self.digest = hashlib.sha256() if digest is None else digest.copy()
        self.hashes = np.empty(0, dtype=np.int64)  # of the case ids, the first `self.cases`
        self.sorted_hashes = np.empty(0, dtype=np.int64)  # the same, sorted once the file is read
        self.cases = 0
        self.samples: Counter[str | None] = Counter()
        self.first: dict[str | None, Location] = {}
        self.header = b""
        self.cited: dict[int, str] = {}  # the text of the lines shown, by line
        self.cited_per_code: Counter[str] = Counter()
        self.bytes_read = 0

    @property
    def refused(self) -> bool:
        """Whether answers to questions that do not apply have been found, and the ruleset refuses
        them (then, as with `problems`, the batches should not be scored)."""
        return bool(self.unscored) and self.vocab.ruleset.answers_not_applying.choice == "refused"

    def __iter__(self) -> Iterator[Cases]:
        for name in (b"\0", os.fsencode(os.path.basename(self.path)), b"\0"):
            self.digest.update(name)
        for table, cases, problems in self._batches(first_read=True):
            self._note(problems, table)
            ids = cases.ids
            self._hash(ids)
            samples = cases.samples.tolist()
            counts = Counter(samples)
            for name in counts:
                if name not in self.first:  # (kept with its line: a warning may be shown there)
                    self.first[name] = first = cases.locations[samples.index(name)]
                    self._cite(Span.point(self.path, first.line or 1, 1), table)
            self.samples.update(counts)
            yield cases
            del table, cases, problems, ids, samples  # (before the next piece is read)

    def _hash(self, ids: tuple[str, ...]) -> None:
        """Keep the hashes of a batch's case ids, in one array: room for as many cases as the file
        holds at the size of the rows read so far, grown by a quarter when that is too few."""
        end = self.cases + len(ids)
        if end > len(self.hashes):
            expected = int(self.files.size(self.path) / max(self.bytes_read, 1) * end * 1.02)
            grown = np.empty(max(expected, end + end // 4, 1024), dtype=np.int64)
            grown[: self.cases] = self.hashes[: self.cases]
            self.hashes = grown
        self.hashes[self.cases : end] = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
        self.cases = end

    def _batches(self, *, first_read: bool = False) -> Iterator[tuple[CaseTable, Cases, Problems]]:
        """Each piece's case table on the lines of the file, its cases, and the problems found in it."""
        line, rows_at = 2, 0  # where the next piece's rows are: their line, the characters before them
        for number, piece in enumerate(self._pieces()):
            if first_read:
                self.digest.update(piece)
                self.bytes_read += len(piece)
            if number == 0:
                start = piece.find(b"\n") + 1
                self.header = piece[:start]
                if self.header.startswith(codecs.BOM_UTF8):
                    self.header = self.header[len(codecs.BOM_UTF8) :]
                if start == 0 or plain_header(self.path, self.header, self.vocab) is None:
                    self.whole = True
                    return
                data, rows = piece, piece[start:]
            else:
                data, rows = self.header + piece, piece
            text = self._text(data, number == 0)
            if text is None:
                self.whole = True
                return
            row_characters = len(rows) if rows.isascii() else len(rows.decode("utf-8"))
            header_characters = (len(data) if isinstance(text, bytes) else len(text)) - row_characters
            if number == 0:
                rows_at = header_characters
            yield self._read(data, text, line - 2, rows_at - header_characters, self.unscored if first_read else [])
            del data, text  # (before the next piece is read)
            line += rows.count(b"\n") + (1 if rows and not rows.endswith(b"\n") else 0)
            rows_at += row_characters

    def _read(
        self, data: bytes, text: str | bytes, lines: int, characters: int, unscored: list[Unscored]
    ) -> tuple[CaseTable, Cases, Problems]:
        """A piece read as `load` reads a file (by columns, exactly if that finds a problem), coded,
        and placed `lines` and `characters` further on in the file; answers to questions that do
        not apply go to `unscored`."""

        def decoded() -> str:
            return text if isinstance(text, str) else text.decode("ascii")

        found = len(unscored)
        table = read_plain_csv(self.path, data, self.vocab, decoded)
        if table is not None:
            _place(table, lines, characters)
            problems: Problems = []
            cases = encode_cases(table, self.vocab, problems, [], unscored)
            if not [p for p in problems if p.code != "E110"]:
                self._cite_unscored(unscored[found:], table)
                return table, cases, []
            del unscored[found:]
        problems = []
        table = read_csv(self.path, decoded(), self.vocab, problems)
        problems = [attrs.evolve(p, span=moved(p.span, lines, characters)) for p in problems]
        _place(table, lines, characters)
        cases = encode_cases(table, self.vocab, problems, [], unscored)
        self._cite_unscored(unscored[found:], table)
        return table, cases, [p for p in problems if p.code != "E110"]  # (ids used twice: see `_twice`)

    def _cite_unscored(self, found: list[Unscored], table: CaseTable) -> None:
        for finding in found:
            for *_, place in finding.first:
                self._cite(place, table)

    def _text(self, data: bytes, first: bool) -> str | bytes | None:
        """The text of a piece if it can be read on its own (see the module), else None; the bytes
        of a piece of ASCII characters (its text, decoded when wanted)."""
        if b"\0" in data or count_lines(data) is None or (b'"' in data and not quotes_are_plain(data)):
            return None
        if data.isascii():
            return data
        try:
            return data.decode("utf-8-sig" if first else "utf-8")
        except UnicodeDecodeError:
            return None

    def _pieces(self) -> Iterator[bytes]:
        """The file in pieces cut after a line end."""
        rest = b""
        try:
            for block in self.files.pieces(self.path, self.batch_bytes):
                block = rest + block if rest else block
                cut = block.rfind(b"\n") + 1
                if cut == 0:
                    rest = block
                    continue
                rest = block[cut:]
                piece = block[:cut]
                del block
                yield piece
                del piece
        except FileProblem:
            self.whole = True  # (loading it whole reports why it cannot be read)
            return
        if rest:
            yield rest

    def _note(self, problems: Problems, table: CaseTable) -> None:
        """Keep a batch's problems, and the text of the lines the first of each code cite."""
        for problem in problems:
            self.problems.append(problem)
            self.cited_per_code[problem.code] += 1
            if self.cited_per_code[problem.code] <= CITED_PER_CODE:
                self._cite(problem.span, table)

    def _cite(self, span: Span, table: CaseTable) -> None:
        if span.file != self.path or span.line in self.cited or table.cells is None:
            return
        cells = table.cells
        lines = cells.lines if isinstance(cells, PlacedCells) else 0
        piece = cells.piece if isinstance(cells, PlacedCells) else cells
        text = piece.text()
        for line in range(span.line, span.end_line + 1):
            local = 1 if line == 1 else line - lines
            start = piece.offset(local)
            end = text.find("\n", start)
            self.cited[line] = text[start : len(text) if end < 0 else end].rstrip("\r")

    def evidence(self) -> Evidence:
        """The evidence read (its cases counted, not kept), or DiagnosticError with every problem."""
        return evidence_of([self])

    def finish(self) -> list[EvidenceWarning]:
        """What needs every case, once the file is read: case ids used twice and answers to
        questions that do not apply (as the ruleset says). Problems go to `problems`; the
        warnings are returned."""
        self._twice()
        warnings: list[EvidenceWarning] = []
        report_unscored(self.unscored, self.vocab, self.problems, warnings)
        return warnings

    def shown(self) -> list[Diagnostic]:
        """The problems, each of the header row once (every piece is read with the header)."""
        header_rows = [p for p in self.problems if p.span.line == 1]
        return [*dict.fromkeys(header_rows), *(p for p in self.problems if p.span.line != 1)]

    def _twice(self) -> None:
        """Report each case id used twice (E110): the hashes first, the file read again if two
        agree. The hashes are kept, sorted, for `_used_in_two`."""
        hashes = self.hashes[: self.cases]
        hashes.sort()
        same = hashes[1:][hashes[1:] == hashes[:-1]]
        self.hashes, self.sorted_hashes = np.empty(0, dtype=np.int64), hashes
        if not len(same):
            return
        wanted = set(same.tolist())
        first: dict[str, int] = {}
        for table, cases, _ in self._batches():
            for i, case in enumerate(cases.ids):
                if hash(case) not in wanted:
                    continue
                if case not in first:
                    first[case] = table.lines[i]
                    continue
                twice = Diagnostic(
                    "E110",
                    f"case `{case}` appears twice",
                    table.span("id", i),
                    f"it is also at line {first[case]}; give each case its own id",
                )
                self._note([twice], table)


def evidence_of(readers: Sequence[CsvBatches]) -> Evidence:
    """The evidence of CSV files read in batches, in turn (the case files one evidence file names),
    or DiagnosticError with every problem of any: what `load` gives reading them whole, each
    checked on its own and then joined (`encode.combine`: case ids used in two of them)."""
    warnings = [w for reader in readers for w in reader.finish()]
    _used_in_two(readers)
    cited: dict[str, dict[int, str]] = {}
    for reader in readers:
        cited.setdefault(reader.path, {}).update(reader.cited)
    sources = {path: _text_of(lines) for path, lines in cited.items()}
    found = [p for reader in readers for p in reader.shown()]
    if found:
        shown = sorted([*found, *(w.diagnostic() for w in warnings)], key=lambda d: (d.span.file, d.span.line, d.span.column))
        raise DiagnosticError(shown, sources)
    samples: Counter[str | None] = Counter()
    first: dict[str | None, Location] = {}
    for reader in readers:
        samples.update(reader.samples)
        first.update((name, where) for name, where in reader.first.items() if name not in first)
    last = readers[-1]
    return Evidence(
        last.path, last.digest.hexdigest(), None, EMPTY, warnings=tuple(warnings), sources=sources,
        summary=CaseSummary(dict(samples), first),
    )


def _used_in_two(readers: Sequence[CsvBatches]) -> None:
    """Report each use of a case id in a later file than its first (E110, as `encode.combine`
    words it): the hashes first, the files read again only if two of them share one."""
    if len(readers) < 2:
        return
    joined = np.sort(np.concatenate([np.unique(reader.sorted_hashes) for reader in readers]))
    wanted = set(joined[1:][joined[1:] == joined[:-1]].tolist())
    if not wanted:
        return
    seen: dict[str, tuple[int, Location]] = {}
    for part, reader in enumerate(readers):
        for table, cases, _ in reader._batches():
            for i, case in enumerate(cases.ids):
                if hash(case) not in wanted:
                    continue
                location = Location(reader.path, table.lines[i])
                if case not in seen:
                    seen[case] = (part, location)
                    continue
                other, before = seen[case]
                if other == part:
                    continue  # (reported by the file's own check)
                elsewhere = "" if before.file == location.file else f" of `{before.file}`"
                reader._note([Diagnostic(
                    "E110", f"case `{case}` appears twice", Span.point(location.file, location.line or 1, 1),
                    f"it is also at line {before.line}{elsewhere}; give each case its own id",
                )], table)


def _text_of(cited: dict[int, str]) -> str:
    """A file's text as far as the last line cited: the lines cited, the others left blank."""
    parts, at = [], 1
    for line in sorted(cited):
        parts += ["\n" * (line - at), cited[line]]
        at = line
    return "".join(parts) + "\n"


def _place(table: CaseTable, lines: int, characters: int) -> None:
    """Put a piece's table on the lines of the whole file."""
    if lines == 0 and characters == 0:
        return
    if isinstance(table.lines, range):
        table.lines = range(table.lines.start + lines, table.lines.stop + lines)
    else:
        table.lines = array("i", (line + lines for line in table.lines))
    if table.cells is not None:
        table.cells = PlacedCells(table.cells, lines, characters)


def batched(size: int) -> bool:
    """Whether a CSV file of this size is read in batches (see STREAM_BYTES)."""
    return size >= STREAM_BYTES
