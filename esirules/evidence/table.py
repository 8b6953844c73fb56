"""Case tables (a CSV file, or the cases of a YAML/JSON file) to checked, columnar `Cases`.

A `CaseTable` numbers each distinct cell text once, in one pass over the cells in the order they
were read, and holds each column as an array of those numbers; `encode_cases` then checks and
codes a column by looking at its few distinct texts, so the work per cell stays in C and numpy.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from esirules import collector
from esirules.diagnostics import Diagnostic, did_you_mean
from esirules.evidence import conditions
from esirules.evidence.cases import (
    ANSWER_OFFSET,
    MISSING,
    NOT_APPLICABLE,
    UNANSWERED,
    CaseLocations,
    Cases,
    Location,
)
from esirules.language import model
from esirules.span import Span

Cells = Sequence[str | None]
Index = npt.NDArray[np.int32]
Columns = dict[str, npt.NDArray]  # type: ignore[type-arg]
Problems = list[Diagnostic]

ID_HEADINGS = frozenset({"id", "case", "case id", "case_id"})
YES_NO = {"yes": 1, "no": 0, "true": 1, "false": 0, "y": 1, "n": 0, "1": 1, "0": 0}
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@attrs.frozen
class Vocabulary:
    """What a ruleset allows in case data, prepared once for look-ups by lower-cased spelling."""

    ruleset: model.Ruleset
    attributes: dict[str, model.Attribute]
    attribute_names: dict[str, str]
    attribute_codes: dict[str, dict[str, int]]
    questions: dict[str, model.Question]
    question_names: dict[str, str]
    ignored_questions: frozenset[str]
    answer_codes: dict[str, dict[str, int]]
    samples: dict[str, str]
    required: tuple[str, ...]

    def resolve_attribute(self, name: str) -> str | None:
        return self.attribute_names.get(name.strip().lower())

    def resolve_question(self, name: str) -> str | None:
        return self.question_names.get(name.strip().lower())

    def is_ignored_question(self, name: str) -> bool:
        """A question left out of this ruleset by derivation: its answers are not errors."""
        return name.strip().lower() in self.ignored_questions

    def allowed_answers(self, question: str) -> list[str]:
        scale = self.ruleset.scale(self.questions[question].scale)
        return [*scale.values, *([scale.not_applicable] if scale.not_applicable else [])]


def vocabulary(ruleset: model.Ruleset) -> Vocabulary:
    """The look-up tables for checking case data against a ruleset."""
    attributes = {a.name: a for a in ruleset.attributes}
    names = {a.label.lower(): a.name for a in ruleset.attributes if a.label}
    names.update({a.name.lower(): a.name for a in ruleset.attributes})
    codes = {}
    for a in ruleset.attributes:
        if a.kind == "boolean":
            codes[a.name] = YES_NO
        elif a.kind != "numeric":
            codes[a.name] = {v.lower(): i for i, v in enumerate(a.values)}
    questions = {q.id: q for q in ruleset.questions()}
    scale_codes: dict[str, dict[str, int]] = {}
    for scale in ruleset.scales:
        lookup = {v.lower(): i for i, v in enumerate(scale.values)}
        if scale.not_applicable:
            lookup.setdefault(scale.not_applicable.lower(), NOT_APPLICABLE)
            lookup.setdefault("not applicable", NOT_APPLICABLE)
        scale_codes[scale.name] = lookup
    left_out = set(ruleset.exclusions.questions)
    ancestor = ruleset.parent
    while ancestor is not None:
        left_out.update(q.id for q in ancestor.questions())
        ancestor = ancestor.parent
    reads = set().union(*(conditions.reads(q.applies) for q in questions.values()))
    reads.update(*(conditions.reads(c) for c in ruleset.exclusions.cases))
    samples = {s.label.lower(): s.name for s in ruleset.samples if s.label}
    samples.update({s.name.lower(): s.name for s in ruleset.samples})
    return Vocabulary(
        ruleset=ruleset,
        attributes=attributes,
        attribute_names=names,
        attribute_codes=codes,
        questions=questions,
        question_names={q.lower(): q for q in questions},
        ignored_questions=frozenset(q.lower() for q in left_out if q not in questions),
        answer_codes={q.id: scale_codes.get(q.scale, {}) for q in questions.values()},
        samples=samples,
        required=tuple(a.name for a in ruleset.attributes if a.name in reads),
    )


def suggest(name: str, candidates: Iterable[str], kind: str) -> str | None:
    """A help line: the closest spelling if one is close, else the few `kind` there are."""
    pool = list(dict.fromkeys(candidates))
    hint = did_you_mean(name, pool)
    if hint and hint.startswith("did you mean"):
        return hint
    if pool and len(pool) <= 12:
        return f"{kind} are " + ", ".join(f"`{c}`" for c in pool)
    return hint


# ---------------------------------------------------------------------------------------------
# Case tables


class _Interner(dict[str | None, int]):
    """Numbers each distinct text in the order first seen."""

    def __missing__(self, text: str | None) -> int:
        number = self[text] = len(self)
        return number


@attrs.define
class CaseTable:
    """Cases as read, before checking: each column an array of numbers of distinct cell texts.

    Fields are `id`, `sample`, `attribute:<name>` and `answer:<question id>`, names as declared.
    """

    file: str
    lines: Sequence[int]
    strings: list[str | None] = attrs.Factory(lambda: [None])
    columns: dict[str, Index] = attrs.Factory(dict)
    header_line: int | None = None  # a CSV file: where missing columns are reported
    positions: dict[tuple[str, int], tuple[int, int]] = attrs.Factory(dict)
    reported: set[tuple[str, int]] = attrs.Factory(set)  # cells whose problem is already reported
    cell_column: Callable[[str, int], int] | None = None

    @classmethod
    def from_cells(cls, file: str, lines: Sequence[int], cells: dict[str, list[str | None]]) -> CaseTable:
        """A table from lists of cell texts (None for a blank), one list per field."""
        interner = _Interner({None: 0})  # INVARIANT: number 0 is a blank cell
        columns = {
            field: np.fromiter(map(interner.__getitem__, texts), dtype=np.int32, count=len(texts))
            for field, texts in cells.items()
        }
        return cls(file, lines, list(interner), columns)

    def __len__(self) -> int:
        return len(self.lines)

    def text(self, field: str, index: int) -> str:
        """The text of one cell, without surrounding spaces."""
        return (self.strings[self.columns[field][index]] or "").strip()

    def span(self, field: str, index: int) -> Span:
        """Where the cell of `field` for case `index` is (its case's line if not known)."""
        if (field, index) in self.positions:
            return Span.point(self.file, *self.positions[field, index])
        column = self.cell_column(field, index) if self.cell_column and field in self.columns else 1
        return Span.point(self.file, self.lines[index], column)


def read_csv(file: str, text: str, vocab: Vocabulary, problems: Problems) -> CaseTable:
    """Read a CSV file's text into a case table, reporting its problems."""
    with collector.paused():  # millions of small lists, none in cycles
        read = _records(file, text, problems)
        if read is None:
            return CaseTable(file, [])
        records, lines = read
        del read  # INVARIANT: nothing else holds the records, so they are freed before collection resumes
        if not records:
            problems.append(
                Diagnostic("E101", f"the cases file `{file}` holds no header row", Span.point(file, 1, 1))
            )
            return CaseTable(file, [])
        header, header_line = records[0], lines[0]
        separator = next((c for c in ";\t|" if len(header) == 1 and c in header[0]), None)
        if separator is not None:
            shown = "tab" if separator == "\t" else f"`{separator}`"
            problems.append(
                Diagnostic(
                    "E102",
                    f"`{file}` separates its columns with {shown}, not commas",
                    Span.point(file, header_line, 1),
                    "save the spreadsheet as CSV with commas (in Excel: CSV UTF-8 (Comma delimited))",
                )
            )
            return CaseTable(file, [])
        width = len(header)
        rows = _regular_rows(file, records[1:], lines[1:], width, problems)
        del records
        interner = _Interner({"": 0})  # INVARIANT: number 0 is a blank cell
        flat = itertools.chain.from_iterable(rows)
        numbers = np.fromiter(map(interner.__getitem__, flat), dtype=np.int32, count=len(rows) * width)
        del flat, rows  # from here on a cell's text is `strings[matrix[row, column]]`
        strings: list[str | None] = list(interner)
        del interner
    matrix = numbers.reshape(-1, width)
    blank = [number for number, text in enumerate(strings) if not (text and text.strip())]
    filled = ~np.isin(matrix, blank) if len(blank) > 1 else matrix != 0
    keep = filled.any(axis=1)
    if not keep.all():  # rows of blank cells, as spreadsheets often leave at the end
        matrix, filled = matrix[keep], filled[keep]
        body = lines[1:]
        lines = [body[i] for i in np.flatnonzero(keep).tolist()]
    else:
        lines = lines[1:]
    starts = [1 + sum(len(h) + 1 for h in header[:j]) for j in range(width)]
    table = CaseTable(file, lines, strings, header_line=header_line)
    where: dict[str, int] = {}
    for j, heading in enumerate(header):
        span = Span.point(file, header_line, starts[j])
        field = _heading_field(heading, bool(filled[:, j].any()), span, vocab, problems)
        if field is None:
            continue
        if field in where:
            first = header[where[field]].strip()
            problems.append(
                Diagnostic(
                    "E106",
                    f"columns `{first}` and `{heading.strip()}` both hold `{field.split(':')[-1]}`",
                    span,
                    "keep one of the two columns",
                )
            )
            continue
        where[field] = j
        table.columns[field] = matrix[:, j]
    if "id" not in where:
        problems.append(
            Diagnostic(
                "E107",
                f"the cases file `{file}` has no `id` column",
                Span.point(file, header_line, 1),
                "add a column headed `id` that names each case",
            )
        )
        table.columns["id"] = np.arange(len(strings), len(strings) + len(lines), dtype=np.int32)
        strings.extend(f"line {line}" for line in lines)

    def cell_column(field: str, index: int) -> int:
        j = where.get(field)
        return 1 if j is None else 1 + sum(len(strings[k] or "") + 1 for k in matrix[index, :j])

    table.cell_column = cell_column
    return table


def _records(file: str, text: str, problems: Problems) -> tuple[list[list[str]], Sequence[int]] | None:
    """The non-blank records of a CSV text and the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines: Sequence[int]
    try:
        records = list(reader)
    except csv.Error as error:
        problems.append(
            Diagnostic(
                "E102",
                f"`{file}` is not a valid CSV file: {error}",
                Span.point(file, reader.line_num or 1, 1),
                'check the quotes on this line: a quoted cell must end with `"`',
            )
        )
        return None
    ends_line = 0 if text.endswith(("\n", "\r")) else 1
    if text.count("\n") == len(records) - ends_line and text.count("\r") == text.count("\r\n"):
        lines = range(1, len(records) + 1)
    else:
        lines = _record_lines(text)
    if [] in records:  # blank lines
        keep = [i for i, r in enumerate(records) if r]
        records, lines = [records[i] for i in keep], [lines[i] for i in keep]
    return records, lines


def _record_lines(text: str) -> list[int]:
    """The starting line of each record, for texts with quoted line breaks or odd line ends."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    lines, end = [], 0
    for _ in reader:
        lines.append(end + 1)
        end = reader.line_num
    return lines


def _regular_rows(
    file: str, rows: list[list[str]], lines: Sequence[int], width: int, problems: Problems
) -> list[list[str]]:
    """The rows cut or padded to the header's width (spreadsheets leave off trailing blank cells)."""
    if not set(map(len, rows)) - {width}:
        return rows
    regular = []
    for row, line in zip(rows, lines):
        if len(row) > width and any(c.strip() for c in row[width:]):
            problems.append(
                Diagnostic(
                    "E103",
                    f"row has {len(row)} cells but the header names only {width} columns",
                    Span.point(file, line, 1 + sum(len(c) + 1 for c in row[:width])),
                    "add a heading for the extra cells, or remove them",
                )
            )
        regular.append(row[:width] + [""] * (width - len(row)))
    return regular


def _heading_field(
    heading: str, filled: bool, span: Span, vocab: Vocabulary, problems: Problems
) -> str | None:
    name = heading.strip()
    low = name.lower()
    if not name:
        if filled:
            problems.append(
                Diagnostic(
                    "E103", "a column holds values but has no heading", span, "give the column a heading"
                )
            )
        return None
    if low in ID_HEADINGS:
        return "id"
    if low == "sample":
        return "sample"
    if (attribute := vocab.resolve_attribute(name)) is not None:
        return f"attribute:{attribute}"
    if (question := vocab.resolve_question(name)) is not None:
        return f"answer:{question}"
    if not vocab.is_ignored_question(name):
        problems.append(unknown_column(name, span, vocab))
    return None


def unknown_column(name: str, span: Span, vocab: Vocabulary) -> Diagnostic:
    """A column (or case field) that is neither an attribute nor a question of the ruleset."""
    question_hint = did_you_mean(name, vocab.questions) if vocab.questions else None
    if "." in name or (question_hint and question_hint.startswith("did you mean")):
        return Diagnostic(
            "E120",
            f"`{name}` is not a question of ruleset `{vocab.ruleset.name}`",
            span,
            question_hint,
        )
    return Diagnostic(
        "E112",
        f"`{name}` is not a case attribute of ruleset `{vocab.ruleset.name}`",
        span,
        suggest(name, vocab.attributes, "the attributes"),
    )


# ---------------------------------------------------------------------------------------------
# Checking and coding


def encode_cases(table: CaseTable, vocab: Vocabulary, problems: Problems) -> Cases:
    """Check a case table against the ruleset and code it column by column."""
    ids = _case_ids(table, problems)
    sample_codes = _encode_samples(table, ids, vocab, problems)
    sample_names = np.array([None, *(s.name for s in vocab.ruleset.samples)], dtype=object)
    attributes: Columns = {}
    for name, attribute in vocab.attributes.items():
        attributes[name] = _encode_attribute(table, ids, attribute, vocab, problems)
    counts: dict[str, npt.NDArray[np.int64]] = {}
    answers = {qid: _encode_answers(table, ids, qid, vocab, problems, counts) for qid in vocab.questions}
    _check_required(table, ids, attributes, vocab, problems)
    _check_applicable(table, ids, attributes, answers, vocab, problems)
    _check_sample_questions(table, ids, sample_codes, answers, vocab, problems)
    cases = Cases(
        ids=ids,
        samples=sample_names[sample_codes + 1],
        attributes=attributes,
        answers=answers,
        locations=CaseLocations(table.file, table.lines, ids),
    )
    cases.note_answer_counts(counts)
    return cases


def combine(parts: Sequence[Cases], problems: Problems) -> Cases:
    """The cases of several tables as one, reporting case ids used twice."""
    if len(parts) == 1:
        cases = parts[0]
    else:
        first = parts[0]
        cases = Cases(
            ids=tuple(i for p in parts for i in p.ids),
            samples=np.concatenate([p.samples for p in parts]),
            attributes={k: np.concatenate([p.attributes[k] for p in parts]) for k in first.attributes},
            answers={k: np.concatenate([p.answers[k] for p in parts]) for k in first.answers},
            locations=tuple(loc for p in parts for loc in p.locations),
        )
    if len(set(cases.ids)) != len(cases.ids):
        seen: dict[str, Location] = {}
        for case, location in zip(cases.ids, cases.locations):
            if case not in seen:
                seen[case] = location
                continue
            before = seen[case]
            elsewhere = "" if before.file == location.file else f" of `{before.file}`"
            problems.append(
                Diagnostic(
                    "E110",
                    f"case `{case}` appears twice",
                    Span.point(location.file, location.line or 1, 1),
                    f"it is also at line {before.line}{elsewhere}; give each case its own id",
                )
            )
    return cases


def _case_ids(table: CaseTable, problems: Problems) -> tuple[str, ...]:
    if "id" not in table.columns:
        table.columns["id"] = np.zeros(len(table), dtype=np.int32)
    stripped = np.array([(s or "").strip() for s in table.strings], dtype=object)
    ids: tuple[str, ...] = tuple(stripped[table.columns["id"]])
    if "" in ids:
        for i in [i for i, case in enumerate(ids) if not case]:
            problems.append(
                Diagnostic("E107", "case has no `id`", table.span("id", i), "give every case an id")
            )
        ids = tuple(case or f"(no id, line {line})" for case, line in zip(ids, table.lines))
    return ids


def _encode(
    table: CaseTable, field: str, lookup: dict[str, int], blank: int
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """A column's codes (`blank` for empty cells), the rows whose text is not in `lookup`, and
    how many cells have each code (at code + ANSWER_OFFSET, as `Cases.answer_counts` gives them:
    a by-product, the texts are counted anyway)."""
    index = table.columns[field]
    size = int(index.max()) + 1 if len(index) else 0  # the texts this column uses are numbered below
    cells = np.bincount(index, minlength=size)
    present = np.flatnonzero(cells)
    codes = np.full(size, blank, dtype=np.int16)
    bad = []
    for number in present.tolist():
        text = (table.strings[number] or "").strip().lower()
        if text:
            code = lookup.get(text)
            if code is None:
                bad.append(number)
            else:
                codes[number] = code
    rows = np.flatnonzero(np.isin(index, bad)) if bad else np.empty(0, dtype=np.intp)
    table.reported.update((field, i) for i in rows.tolist())
    counts = np.bincount(codes.astype(np.intp) + ANSWER_OFFSET, weights=cells, minlength=ANSWER_OFFSET)
    counts = counts.astype(np.int64)
    return codes[index], rows, counts


def _encode_samples(
    table: CaseTable, ids: tuple[str, ...], vocab: Vocabulary, problems: Problems
) -> npt.NDArray[np.int16]:
    if "sample" not in table.columns:
        return np.full(len(table), MISSING, dtype=np.int16)
    index = {s.name: i for i, s in enumerate(vocab.ruleset.samples)}
    codes, bad, _ = _encode(table, "sample", {k: index[v] for k, v in vocab.samples.items()}, MISSING)
    for i in bad:
        value = table.text("sample", i)
        problems.append(
            Diagnostic(
                "E111",
                f"case `{ids[i]}`: `{value}` is not a sample of ruleset `{vocab.ruleset.name}`",
                table.span("sample", i),
                suggest(value, index, "the samples")
                or "leave `sample` blank: the ruleset declares no samples",
            )
        )
    return codes


def _encode_attribute(
    table: CaseTable, ids: tuple[str, ...], attribute: model.Attribute, vocab: Vocabulary, problems: Problems
) -> npt.NDArray:  # type: ignore[type-arg]
    field = f"attribute:{attribute.name}"
    if attribute.kind == "numeric":
        return _encode_numbers(table, ids, attribute, problems)
    if field not in table.columns:
        return np.full(len(table), MISSING, dtype=np.int16)
    codes, bad, _ = _encode(table, field, vocab.attribute_codes[attribute.name], MISSING)
    allowed = ("yes", "no") if attribute.kind == "boolean" else attribute.values
    for i in bad:
        value = table.text(field, i)
        problems.append(
            Diagnostic(
                "E114",
                f"case `{ids[i]}`: `{value}` is not a value of attribute `{attribute.name}`",
                table.span(field, i),
                suggest(value, allowed, "the values"),
            )
        )
    return codes


def _encode_numbers(
    table: CaseTable, ids: tuple[str, ...], attribute: model.Attribute, problems: Problems
) -> npt.NDArray[np.float64]:
    field = f"attribute:{attribute.name}"
    if field not in table.columns:
        return np.full(len(table), np.nan)
    index = table.columns[field]
    values = np.full(len(table.strings), np.nan)
    wrong: dict[int, tuple[str, str, str]] = {}
    low, high = attribute.minimum, attribute.maximum
    for number in np.flatnonzero(np.bincount(index, minlength=len(table.strings))).tolist():
        text = (table.strings[number] or "").strip()
        if not text:
            continue
        if not NUMBER.fullmatch(text):
            wrong[number] = ("E115", f"`{text}` is not a number", "write a number such as `42` or `3.5`")
            continue
        value = Fraction(text)
        if (low is not None and value < low) or (high is not None and value > high):
            wrong[number] = (
                "E116",
                f"`{text}` is out of range",
                f"`{attribute.name}` must be {_bounds(low, high)}",
            )
            continue
        values[number] = float(value)
    for i in np.flatnonzero(np.isin(index, list(wrong))).tolist() if wrong else ():
        code, what, help_ = wrong[index[i]]
        message = f"case `{ids[i]}`: attribute `{attribute.name}`: {what}"
        problems.append(Diagnostic(code, message, table.span(field, i), help_))
        table.reported.add((field, i))
    return values[index]  # type: ignore[no-any-return]


def _bounds(low: Fraction | None, high: Fraction | None) -> str:
    def shown(value: Fraction | None) -> str:
        return str(value) if value is None or value.denominator != 1 else str(value.numerator)

    if low is not None and high is not None:
        return f"from {shown(low)} to {shown(high)}"
    return f"at least {shown(low)}" if low is not None else f"at most {shown(high)}"


def _encode_answers(
    table: CaseTable,
    ids: tuple[str, ...],
    qid: str,
    vocab: Vocabulary,
    problems: Problems,
    counts: dict[str, npt.NDArray[np.int64]],
) -> npt.NDArray[np.int16]:
    field = f"answer:{qid}"
    if field not in table.columns:
        return np.full(len(table), UNANSWERED, dtype=np.int16)
    codes, bad, counts[qid] = _encode(table, field, vocab.answer_codes[qid], UNANSWERED)
    if len(bad):
        allowed = ", ".join(f"`{a}`" for a in vocab.allowed_answers(qid))
        help_ = f"allowed answers are {allowed}; leave it blank if not answered"
        for i in bad:
            problems.append(
                Diagnostic(
                    "E121",
                    f"case `{ids[i]}`: `{table.text(field, i)}` is not an answer to question `{qid}`",
                    table.span(field, i),
                    help_,
                )
            )
    return codes


def _check_required(
    table: CaseTable, ids: tuple[str, ...], attributes: Columns, vocab: Vocabulary, problems: Problems
) -> None:
    for name in vocab.required:
        field = f"attribute:{name}"
        help_ = f"questions apply or cases are left out by `{name}`, so every case needs it"
        if field not in table.columns and table.header_line is not None:
            span = Span.point(table.file, table.header_line, 1)
            problems.append(
                Diagnostic("E113", f"the cases have no column for attribute `{name}`", span, help_)
            )
            continue
        column = attributes[name]
        absent = np.isnan(column) if column.dtype.kind == "f" else column == MISSING
        for i in np.flatnonzero(absent).tolist():
            if (field, i) not in table.reported:  # an invalid value, already reported
                span = table.span(field if field in table.columns else "id", i)
                problems.append(
                    Diagnostic("E113", f"case `{ids[i]}`: attribute `{name}` is missing", span, help_)
                )


def _check_applicable(
    table: CaseTable,
    ids: tuple[str, ...],
    attributes: Columns,
    answers: dict[str, npt.NDArray[np.int16]],
    vocab: Vocabulary,
    problems: Problems,
) -> None:
    n = len(table)
    known_cache: dict[frozenset[str], npt.NDArray[np.bool_]] = {}
    for qid, question in vocab.questions.items():
        if question.applies is None or f"answer:{qid}" not in table.columns:
            continue
        reads = conditions.reads(question.applies)
        if reads not in known_cache:
            known = np.ones(n, dtype=bool)
            for name in reads:
                column = attributes.get(name)
                if column is not None:
                    known &= ~np.isnan(column) if column.dtype.kind == "f" else column != MISSING
            known_cache[reads] = known
        applies = conditions.mask(question.applies, attributes, vocab.attributes, n)
        wrong = np.flatnonzero((answers[qid] >= 0) & known_cache[reads] & ~applies)
        if not len(wrong):
            continue
        scale = vocab.ruleset.scale(question.scale)
        rule = conditions.describe(question.applies)
        blank = f"leave it blank{f' or record `{scale.not_applicable}`' if scale.not_applicable else ''}"
        for i in wrong.tolist():
            value = scale.values[answers[qid][i]]
            problems.append(
                Diagnostic(
                    "E122",
                    f"case `{ids[i]}`: question `{qid}` does not apply to this case, but is answered `{value}`",
                    table.span(f"answer:{qid}", i),
                    f"it applies only when {rule}; {blank}, or correct the case's attributes",
                )
            )


def _check_sample_questions(
    table: CaseTable,
    ids: tuple[str, ...],
    sample_codes: npt.NDArray[np.int16],
    answers: dict[str, npt.NDArray[np.int16]],
    vocab: Vocabulary,
    problems: Problems,
) -> None:
    for index, sample in enumerate(vocab.ruleset.samples):
        # Not asked: the questions the sample is without, and those of sections it leaves out.
        not_asked = {qid: "" for qid in sample.without_questions}
        if sample.sections is not None:
            for question in vocab.ruleset.questions():
                section = vocab.ruleset.criterion(question.criterion).section
                if section not in sample.sections:
                    not_asked[question.id] = f" (section {section} does not apply to it)"
        for qid, why in sorted(not_asked.items()):
            if f"answer:{qid}" not in table.columns or qid not in vocab.questions:
                continue
            scale = vocab.ruleset.scale(vocab.questions[qid].scale)
            for i in np.flatnonzero((sample_codes == index) & (answers[qid] >= 0)).tolist():
                problems.append(
                    Diagnostic(
                        "E123",
                        f"case `{ids[i]}`: question `{qid}` is not asked in sample `{sample.name}`{why},"
                        f" but is answered `{scale.values[answers[qid][i]]}`",
                        table.span(f"answer:{qid}", i),
                        "leave the answer blank, or correct the case's sample",
                    )
                )
