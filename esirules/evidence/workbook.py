"""Load a workbook of evidence (`.xlsx`, `.ods`) against a ruleset: a path in, `Evidence` out.

The `cases` sheet (or the first sheet, if none is called that) is laid out as a CSV file of
cases and becomes the same case table (`encode` checks and codes it); the optional `ratings`,
`measures`, `adjustments` and `facts` sheets are read as the evidence file's fields of those names, by
`inspection`, the `carried_forward` sheet as that field, by `carried`, and the `inspection`
sheet's rows as the evidence file's `inspection` (its title), `ruleset` and `date`. So every
problem has the code and the words it has in a CSV or YAML file; only its place differs, a
sheet and a cell (`cases!F12`). docs/evidence-format.md describes the layout.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import os
from collections.abc import Callable, Collection

import attrs
import numpy as np
import numpy.typing as npt
import yaml

from esirules.diagnostics import Diagnostic, DiagnosticError, did_you_mean
from esirules.evidence.carried import CARRIED_FIELDS, CarriedFields, read_date
from esirules.evidence.cases import Evidence, EvidenceWarning, Location
from esirules.evidence.document import NULL, Problems, at, fields, read_within, resolve, scalar_text
from esirules.evidence.encode import combine, encode_cases
from esirules.evidence.facts import complete_facts
from esirules.evidence.inspection import ADJUSTMENT_FIELDS, FIGURES, InspectionFields
from esirules.evidence.read_workbook import (
    MAX_WORKBOOK_BYTES,
    SheetColumns,
    Workbook,
    WorkbookProblem,
    WorkbookTooLarge,
    cell_name,
    cell_place,
)
from esirules.evidence.table import CaseTable, CsvCells, line_numbers
from esirules.evidence.vocabulary import (
    ID_HEADINGS,
    NO_HEADINGS,
    Vocabulary,
    heading_field,
    holds_notes,
    same_field,
    title_above_headings,
    vocabulary,
)
from esirules.evidence.workbook_cells import merged_ranges, percent_cells
from esirules.files import DISK, InputFiles
from esirules.language import model
from esirules.progress import SILENT, Progress
from esirules.span import Span

CASES = "cases"
# The other sheets, each with its columns; the first names the row (the key of the YAML field).
OTHER_SHEETS = {
    "ratings": ("item", "rating"),
    "measures": ("measure", *FIGURES),
    "adjustments": ADJUSTMENT_FIELDS,
    "facts": ("fact", "value"),  # issue 11, point 4
    "inspection": ("field", "value"),  # the evidence file's `inspection` (its title), `ruleset` and `date`
    "carried_forward": CARRIED_FIELDS,  # issue 11, point 6
}
INSPECTION_FIELDS = ("inspection", "ruleset", "date")
# The columns of which a sheet needs one (its first, but for a judgement carried forward).
NAMING = {"carried_forward": ("criterion", "section")}
SHEETS = (CASES, *OTHER_SHEETS)
_STR = "tag:yaml.org,2002:str"


def load_workbook(
    path: str, ruleset: model.Ruleset, *, progress: Progress = SILENT, files: InputFiles = DISK
) -> Evidence:
    """Read and check the evidence in a workbook (see `load.load_evidence`, which calls this)."""
    load = _WorkbookLoad(path, ruleset)
    with progress.task(f"loading {os.path.basename(path)}"):
        evidence = load.load(files)
    if load.problems or evidence is None:
        found = [*load.problems, *(w.diagnostic() for w in load.warnings)]
        shown = sorted((load.placed(d) for d in found), key=load.order)
        raise DiagnosticError(shown, {})
    warnings = tuple(attrs.evolve(w, places=tuple(map(load.place, w.places))) for w in load.warnings)
    return attrs.evolve(evidence, warnings=warnings)


class SheetCells(CsvCells):
    """Where the cells of a sheet are: a case table's spans, as cells of the sheet."""

    def __init__(self, file: str, sheet: str, columns: list[int]):
        super().__init__(file, lambda: "")
        self.sheet = sheet
        self.columns = columns

    def span(self, line: int, column: int) -> Span:
        return cell_span(self.file, self.sheet, line, self.columns[column])


def cell_span(file: str, sheet: str, row: int, column: int) -> Span:
    return Span(file, row, column, row, column + 1, cell=cell_name(sheet, row, column))


class _WorkbookLoad:
    def __init__(self, path: str, ruleset: model.Ruleset):
        self.path = path
        self.ruleset = ruleset
        self.vocab: Vocabulary = vocabulary(ruleset)
        self.problems: Problems = []
        self.warnings: list[EvidenceWarning] = []
        self.sheet_of: dict[str, str] = {}  # the file name each other sheet's spans carry: its sheet
        self.sheet_order: dict[str, int] = {}
        self.cases_sheet = CASES

    def load(self, files: InputFiles) -> Evidence | None:
        opened = open_workbook(self.path, files, self.problems)
        if opened is None:
            return None
        book, data = opened
        named = self._sheets(book)
        if CASES not in named:
            return None
        self.sheet_order = {name: i for i, name in enumerate(book.sheet_names)}
        try:
            cases_sheet = book.sheet(named[CASES])
            others = {field: book.sheet(name) for field, name in named.items() if field != CASES}
        except WorkbookProblem as problem:
            self.problems.append(
                Diagnostic(
                    "E102", f"`{self.path}` is not a workbook that can be read: {problem}", Span.point(self.path, 1, 1),
                    "save it again from the spreadsheet as an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods)",
                )
            )
            return None
        self.cases_sheet = cases_sheet.name
        self._merged(book, cases_sheet.name)
        table = self._case_table(cases_sheet)
        cases = combine([encode_cases(table, self.vocab, self.problems, self.warnings)], self.problems)
        found: dict[str, object] = {}
        locations: dict[str, Location] = {}
        carried: CarriedFields | None = None
        title, reference, date, date_node = "", None, None, None
        for field, sheet in others.items():
            key = f"{self.path}!{sheet.name}"
            self.sheet_of[key] = sheet.name
            reader = InspectionFields(key, self.ruleset, self.problems, sheet=sheet.name)
            percents = percent_cells(book.data, sheet.name) if field in PERCENT_FIELDS else frozenset()
            node = sheet_node(self.path, field, sheet, key, self.problems, percents)
            if node is None:
                continue
            if field == "inspection":
                title, reference, date, date_node = self._inspection(key, node, files)
            elif field == "carried_forward":
                carried = CarriedFields(
                    key, self.ruleset, self.problems, reader,
                    date_help=f"add a `date` row to the `inspection` sheet of `{self.path}`, such as `2024-03-12`",
                )
                carried.read(yaml.ScalarNode(_STR, field, node.start_mark, node.start_mark), node)
            else:
                found[field] = getattr(reader, field)(node)
            locations.update(
                {item: self._in_sheet(where) for item, where in reader.rating_locations.items()}
            )
        adjustments = tuple(
            attrs.evolve(a, location=self._in_sheet(a.location))
            for a in found.get("adjustments", ())  # type: ignore[attr-defined]
        )
        ratings: dict[str, str] = found.get("ratings", {})  # type: ignore[assignment]
        kept = () if carried is None else carried.finish(date, date_node, cases, ratings, adjustments)
        return Evidence(
            self.path,
            hashlib.sha256(data).hexdigest(),
            reference,
            cases,
            ratings,
            {
                name: attrs.evolve(figures, location=figures.location and self._in_sheet(figures.location))
                for name, figures in found.get("measures", {}).items()  # type: ignore[attr-defined]
            },
            adjustments,
            title,
            rating_locations=locations,
            facts=complete_facts(
                self.path,
                self.ruleset,
                {
                    name: attrs.evolve(fact, location=self._in_sheet(fact.location))
                    for name, fact in found.get("facts", {}).items()  # type: ignore[attr-defined]
                },
                Span.point(self.path, 1, 1),
                self.problems,
            ),
            date=date,
            carried_forward=tuple(
                attrs.evolve(c, location=self._in_sheet(c.location)) if c.location else c for c in kept
            ),
        )

    def _in_sheet(self, location: Location) -> Location:
        """A location read from one of the other sheets (its file is `book.xlsx!sheet`, see
        `load`) as the workbook's file and the row's sheet."""
        return attrs.evolve(location, file=self.path, sheet=self.sheet_of.get(location.file, location.sheet))

    def _inspection(
        self, key: str, node: yaml.Node, files: InputFiles
    ) -> tuple[str, str | None, datetime.date | None, yaml.Node | None]:
        """The `inspection` sheet's rows: the evidence's title, the ruleset it names (resolved from
        the workbook's folder: `ruleset_reference` checks it) and its date (a blank value: not given)."""
        title, reference, date, date_node = "", None, None, None
        assert isinstance(node, yaml.MappingNode)  # INVARIANT: `sheet_node` gives a sheet of rows as one
        seen: set[str] = set()
        for name, name_node, value in fields(key, node, self.problems):
            field = name.strip().lower()
            if field in seen:  # (`fields` tells rows named alike apart by their capitals)
                self.problems.append(
                    Diagnostic("E106", f"`{name}` is given twice", at(key, name_node),
                               "keep one, with what both hold: which one is meant cannot be told, so nothing is scored")
                )
                continue
            seen.add(field)
            if field not in INSPECTION_FIELDS:
                self.problems.append(
                    Diagnostic(
                        "E104",
                        f"`{name}` is not a row of the `inspection` sheet",
                        at(key, name_node),
                        # (both: "did you mean `inspection`?" alone sent `lead inspector` to make a second title)
                        " ".join(filter(None, [did_you_mean(field, INSPECTION_FIELDS, listing=False),
                                               "its rows are `inspection` (the inspection's title), `ruleset` and "
                                               "`date`; anything else is kept elsewhere"])),
                    )
                )
            elif value.tag == NULL:
                continue
            elif field == "inspection":
                title = scalar_text(key, value, "the inspection's title", self.problems) or ""
            elif field == "ruleset":
                text = scalar_text(key, value, "`ruleset`", self.problems)
                reference = resolve(self.path, text, files) if text else None
            else:
                date, date_node = read_date(key, value, "the inspection's `date`", self.problems), value
        return title, reference, date, date_node

    def _sheets(self, book: Workbook) -> dict[str, str]:
        """The field each sheet holds (`cases`, `ratings`, ...): its name in the workbook."""
        named: dict[str, str] = {}
        for name in book.sheet_names:
            field = name.strip().lower()
            if field in SHEETS and field not in named:
                named[field] = name
        if CASES not in named and book.sheet_names:
            first = book.sheet_names[0]
            if first.strip().lower() not in SHEETS and not is_notes(first):
                named[CASES] = first  # a workbook of cases alone, its one sheet named as the spreadsheet chose
        known = set(named.values())
        unknown = [name for name in book.sheet_names
                   if name not in known and not is_notes(name) and self._holds_anything(book, name)]
        renamed = next((name for name in unknown if self._has_cases_headings(book, name)), None) \
            if CASES not in named else None
        for name in unknown:
            if name != renamed:
                self.problems.append(_not_a_sheet(self.path, name))
        if renamed is not None:  # (one mistake: it was also "not a sheet of an evidence workbook")
            self.problems.append(Diagnostic(
                "E107", f"the workbook `{self.path}` has no `cases` sheet, but its sheet `{renamed}` holds cases",
                cell_span(self.path, renamed, 1, 1), f"name the sheet `{renamed}` `cases`",
            ))
        elif CASES not in named:
            self.problems.append(
                Diagnostic(
                    "E107",
                    f"the workbook `{self.path}` has no `cases` sheet",
                    Span.point(self.path, 1, 1),
                    "name the sheet of cases `cases` (one row per case, as in a CSV file of cases)",
                )
            )
        return named

    def _merged(self, book: Workbook, name: str) -> None:
        """E102 for merged cells of the cases sheet: it shows one value over them and keeps it in
        the first alone, so the others read as blank (an answer shown for three cases counted once)."""
        for merged in merged_ranges(book.data, name):
            first = merged.split(":")[0]
            self.problems.append(Diagnostic(
                "E102", f"cells {merged} of the `{name}` sheet are merged: the sheet keeps the value shown in {first} "
                f"alone, and reads the others as blank", cell_span(self.path, name, *cell_place(first)),
                "unmerge the cells and fill in each of them",
            ))

    def _has_cases_headings(self, book: Workbook, name: str) -> bool:
        """Whether a sheet's first row used holds an `id` heading, as a cases sheet's does."""
        try:
            sheet = book.sheet(name)
        except WorkbookProblem:
            return False
        for row in range(1, min(sheet.rows, 10) + 1):
            cells = [sheet.text(k, row).strip().lower() for k in range(len(sheet.columns))]
            if any(cells):
                return any(cell in ID_HEADINGS for cell in cells)
        return False

    def _holds_anything(self, book: Workbook, name: str) -> bool:
        try:
            sheet = book.sheet(name)
        except WorkbookProblem:
            return True
        return any(sheet.filled(k).any() for k in range(len(sheet.columns)))

    # -----------------------------------------------------------------------------------------
    # The cases sheet: as `read_csv.read_csv` reads a CSV file

    def _title_above_headings(self, sheet: SheetColumns, filled: npt.NDArray[np.bool_], used: npt.NDArray[np.intp]) -> bool:
        """Whether a title stands above the headings (one cell in each row before a row with an
        `id` heading): reported as one problem, not one for every column without a heading."""
        rows = [(row + 1, [sheet.text(k, row + 1).strip() for k in np.flatnonzero(filled[row]).tolist()])
                for row in used[:10].tolist()]
        found = title_above_headings(rows, most=1)
        if found is None:
            return False
        row, title, at = found
        self.problems.append(Diagnostic(
            "E107", f"the `{sheet.name}` sheet's first row holds `{title}`, not its headings, which are in row {at}",
            SheetCells(self.path, sheet.name, sheet.columns).span(row, int(np.flatnonzero(filled[row - 1])[0])),
            "delete the rows above the headings: the sheet starts with them, as a CSV file of cases does",
        ))
        return True

    def _headings_moved(self, sheet: SheetColumns, header_row: int) -> bool:
        """Whether the headings were sorted in among the cases (`id` heads a column lower down,
        and the first row holds no `id`): one problem, where every case's values read as headings
        gave dozens, none saying where the headings went."""
        firsts = [sheet.text(k, header_row).strip().lower() for k in range(len(sheet.columns))]
        if any(cell in ID_HEADINGS for cell in firsts):
            return False
        codes = [n for n, text in enumerate(sheet.texts) if text and text.strip().lower() in ID_HEADINGS]
        for k in range(len(sheet.columns) if codes else 0):
            rows = np.flatnonzero(np.isin(sheet.numbers[k], codes))
            if len(rows):
                row = int(rows[0]) + 1
                self.problems.append(Diagnostic(
                    "E107", f"the `{sheet.name}` sheet's headings are in row {row}, not in its first row (row {header_row}): "
                    "the rows were sorted with the headings among them",
                    SheetCells(self.path, sheet.name, sheet.columns).span(row, k),
                    "undo the sort, or sort again telling the spreadsheet that the data has headers; then the "
                    "headings' row is the first",
                ))
                return True
        return False

    def _case_table(self, sheet: SheetColumns) -> CaseTable:
        file, problems = self.path, self.problems
        width = len(sheet.columns)
        filled = np.zeros((sheet.rows, width), dtype=np.bool_)
        for k in range(width):
            filled[:, k] = sheet.filled(k)
        used = np.flatnonzero(filled.any(axis=1))
        if not len(used):
            problems.append(Diagnostic("E101", f"the cases file `{file}` holds no header row", Span.point(file, 1, 1), NO_HEADINGS))
            return CaseTable(file, [])
        header_row = int(used[0]) + 1
        if self._title_above_headings(sheet, filled, used) or self._headings_moved(sheet, header_row):
            return CaseTable(file, [])
        rows = used[1:]  # rows of blank cells, as spreadsheets often leave, are not cases
        lines = line_numbers(np.asarray(rows + 1, dtype=np.int32).tolist()) if len(rows) else range(0)  # type: ignore[arg-type]
        cells = SheetCells(file, sheet.name, sheet.columns)
        table = CaseTable(file, lines, sheet.texts, header_line=header_row, cells=cells, sheet=sheet.name)
        where: dict[str, int] = {}
        for k in range(width):
            heading = sheet.text(k, header_row)
            span = cells.span(header_row, k)
            field = heading_field(heading, bool(filled[rows, k].any()), span, self.vocab, problems)
            if field is None:
                continue
            if field in where:
                places = (str(sheet.columns[where[field]]), str(sheet.columns[k]))  # (by number, as in CSV)
                problems.append(same_field(sheet.text(where[field], header_row), heading, field, places, span))
                continue
            where[field] = k
            table.columns[field] = sheet.numbers[k][rows]
        if "id" not in where:
            problems.append(
                Diagnostic(
                    "E107",
                    f"the cases file `{file}` has no `id` column",
                    Span.point(file, header_row, 1),
                    "add a column headed `id` that names each case",
                )
            )
            start = len(table.strings)
            table.columns["id"] = np.arange(start, start + len(lines), dtype=np.int32)
            table.strings = [*table.strings, *(f"line {line}" for line in lines)]
        table.column_of = where
        return table

    # -----------------------------------------------------------------------------------------
    # Places: every span of the workbook as a sheet and a cell

    def place(self, span: Span) -> Span:
        if span.cell:
            return span
        if span.file == self.path:
            return cell_span(self.path, self.cases_sheet, span.line, max(span.column, 1))
        sheet = self.sheet_of.get(span.file)
        if sheet is None:
            return span
        return cell_span(self.path, sheet, span.line, max(span.column, 1))

    def placed(self, diagnostic: Diagnostic) -> Diagnostic:
        return attrs.evolve(diagnostic, span=self.place(diagnostic.span))

    def order(self, diagnostic: Diagnostic) -> tuple[int, int, int]:
        sheet = diagnostic.span.cell.rsplit("!", 1)[0].strip("'") if diagnostic.span.cell else ""
        return (self.sheet_order.get(sheet, -1), diagnostic.span.line, diagnostic.span.column)


# ---------------------------------------------------------------------------------------------
# The other sheets: as the evidence file's fields


# The sheets whose figures may be typed as percentages (`88%`), kept as a number with a format.
PERCENT_FIELDS = frozenset({"measures", "facts"})


def sheet_node(path: str, field: str, sheet: SheetColumns, key: str, problems: Problems,
               percents: Collection[tuple[int, int]] = frozenset()) -> yaml.Node | None:
    """The sheet as the YAML node its field would be in an evidence file, each value at its cell;
    a number in a cell of `percents` (formatted as a percentage) as the percentage shown."""
    headings = OTHER_SHEETS[field]
    filled = [sheet.filled(k) for k in range(len(sheet.columns))]
    used = sorted({int(r) + 1 for f in filled for r in np.flatnonzero(f)})
    if not used:
        return None
    header_row, rows = used[0], used[1:]
    column_of: dict[str, int] = {}
    for k, column in enumerate(sheet.columns):
        heading = sheet.text(k, header_row).strip()
        low = heading.lower().replace(" ", "_")
        if not heading or holds_notes(heading):  # (as on the cases sheet)
            continue
        if low not in headings:
            problems.append(
                Diagnostic(
                    "E104",
                    f"`{heading}` is not a column of the `{field}` sheet",
                    cell_span(path, sheet.name, header_row, column),
                    did_you_mean(low, headings, listing=False) or "its columns are " + ", ".join(f"`{h}`" for h in headings),
                )
            )
        elif low in column_of:
            problems.append(
                Diagnostic(
                    "E106", f"`{heading}` is given twice", cell_span(path, sheet.name, header_row, column),
                    "keep one of the two columns",
                )
            )
        else:
            column_of[low] = k
    naming = NAMING.get(field, headings[:1])
    if not any(h in column_of for h in naming):
        problems.append(
            Diagnostic(
                "E107",
                f"the `{field}` sheet has no {' or '.join(f'`{h}`' for h in naming)} column",
                cell_span(path, sheet.name, header_row, 1),
                f"head the sheet's columns {', '.join(f'`{h}`' for h in headings)}",
            )
        )
        return None
    name = next(h for h in headings if h in column_of)

    def scalar(heading: str, row: int) -> yaml.ScalarNode:
        k = column_of[heading]
        mark = yaml.Mark(key, 0, row - 1, sheet.columns[k] - 1, None, 0)
        text = sheet.text(k, row).strip()
        if (row, sheet.columns[k]) in percents:
            text = _as_percent(text)
        return yaml.ScalarNode(_STR if text else NULL, text if text else "", mark, mark)

    def record(row: int, *, without: str = "") -> yaml.MappingNode:
        """A row as a set of fields: one for each cell filled, under its column's heading."""
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        for heading in headings:
            if heading != without and heading in column_of and sheet.text(column_of[heading], row).strip():
                value = scalar(heading, row)
                pairs.append((yaml.ScalarNode(_STR, heading, value.start_mark, value.end_mark), value))
        first = scalar(name, row)
        return yaml.MappingNode("tag:yaml.org,2002:map", pairs, first.start_mark, first.end_mark)

    start = yaml.Mark(key, 0, header_row - 1, 0, None, 0)
    if field in ("adjustments", "carried_forward"):
        return yaml.SequenceNode("tag:yaml.org,2002:seq", [record(row) for row in rows], start, start)
    entries: list[tuple[yaml.Node, yaml.Node]] = []
    for row in rows:
        key_node = scalar(name, row)
        value: yaml.Node
        if field == "measures":
            value = record(row, without=name)
            if not value.value:  # (a measure listed, its figures blank: not given, as an item left unrated)
                continue
        elif OTHER_SHEETS[field][1] in column_of:  # a rating, or a fact's value
            value = scalar(OTHER_SHEETS[field][1], row)
            if value.tag == NULL and field == "ratings":
                continue  # (an item listed and left unrated: rated on a row of its own below, it is not given twice)
        else:
            value = yaml.ScalarNode(NULL, "", key_node.start_mark, key_node.end_mark)
        entries.append((key_node, value))
    return yaml.MappingNode("tag:yaml.org,2002:map", entries, start, start)


def _as_percent(text: str) -> str:
    """A number kept with a percentage format, as the sheet shows it, in percent: `0.88` is `88`
    (a measure's figures and a fact's number are written in percent, without the sign)."""
    try:
        shown = decimal.Decimal(text) * 100
    except decimal.InvalidOperation:
        return text  # (words in a cell formatted as a percentage: as written)
    return f"{shown.normalize():f}"


AS_CSV = "save the cases as CSV (up to 4 GB a file) and name the file under `cases:` in an evidence file"


def open_workbook(
    path: str, files: InputFiles, problems: Problems, *, keep: bool = False
) -> tuple[Workbook, bytes] | None:
    """The workbook at `path` and its bytes, or None with why it cannot be read added to `problems` (E101, E108,
    E109, E102). `keep`: keep its bytes for the next read of the file (`InputFiles.read`)."""
    span = Span.point(path, 1, 1)
    data = read_within(path, span, files, problems, MAX_WORKBOOK_BYTES, "a workbook may be", AS_CSV, keep=keep)
    if data is None:
        return None
    try:
        return Workbook(data), data
    except WorkbookTooLarge as problem:
        problems.append(Diagnostic("E109", f"`{path}` is too large to read: {problem}", span, AS_CSV))
        return None
    except WorkbookProblem as problem:
        problems.append(
            Diagnostic(
                "E102",
                f"`{path}` is not a workbook that can be read: {problem}",
                span,
                "save it again from the spreadsheet as an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods)",
            )
        )
        return None


def is_notes(sheet: str) -> bool:
    """A sheet of the inspector's notes, not read: named `notes`, or starting with `#`."""
    return sheet.strip().lower() == "notes" or holds_notes(sheet)


def _not_a_sheet(path: str, name: str) -> Diagnostic:
    """E104: a sheet of a name no part of the evidence has."""
    return Diagnostic(
        "E104", f"`{name}` is not a sheet of an evidence workbook", cell_span(path, name, 1, 1),
        did_you_mean(name.strip().lower(), SHEETS, listing=False)
        or "known sheets are " + ", ".join(f"`{s}`" for s in SHEETS)
        + "; rename it, remove it, or name it `notes` if it holds notes (a sheet of notes is not read)",
    )


def inspection_sheet(
    path: str, files: InputFiles, problems: Problems
) -> tuple[yaml.MappingNode, Callable[[Diagnostic], Diagnostic]] | None:
    """A workbook's `inspection` sheet as the YAML node of its rows (their spans in the workbook's
    file, their names in small letters), and what places a diagnostic of it at its cell; None if
    the workbook cannot be read (why is added to `problems`, as loading it would add it: a name
    mistyped is not a workbook without a ruleset) or has no such sheet. A column the sheet should
    not have is reported to `problems`, as loading the workbook would report it."""
    opened = open_workbook(path, files, problems, keep=True)  # (its bytes kept for the load that follows)
    if opened is None:
        return None
    book = opened[0]
    try:
        name = next((n for n in book.sheet_names if n.strip().lower() == "inspection"), None)
        sheet = None if name is None else book.sheet(name)
    except WorkbookProblem:
        return None
    if sheet is None:
        # (`Inspection details`: the sheet meant, misnamed, so no ruleset is found; say so, not "no ruleset is given")
        meant = [n for n in book.sheet_names if did_you_mean(n.strip().lower(), ["inspection"], listing=False)]
        problems.extend(_not_a_sheet(path, n) for n in meant[:1])
        return None
    node = sheet_node(path, "inspection", sheet, path, problems)
    if not isinstance(node, yaml.MappingNode):
        return None
    rows = [(yaml.ScalarNode(k.tag, str(k.value).strip().lower(), k.start_mark, k.end_mark), v) for k, v in node.value]

    def placed(diagnostic: Diagnostic) -> Diagnostic:
        span = diagnostic.span
        if span.file != path or span.cell:
            return diagnostic
        return attrs.evolve(diagnostic, span=cell_span(path, sheet.name, span.line, max(span.column, 1)))

    return yaml.MappingNode(node.tag, rows, node.start_mark, node.end_mark), placed
