"""Load an inspection's evidence file (YAML, JSON or CSV) and check it against a ruleset.

YAML and JSON are read as YAML node trees, so every value keeps its line; all problems are
collected and raised together as one `DiagnosticError`. The format is in docs/evidence-format.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterator
from fractions import Fraction

import yaml

from esirules.diagnostics import Diagnostic, DiagnosticError, did_you_mean
from esirules.evidence.cases import Adjustment, Cases, Evidence, Location, MeasureFigures
from esirules.evidence.csv_arrow import FAST_PATH_BYTES, read_plain_csv
from esirules.evidence.table import (
    CaseTable,
    Problems,
    Vocabulary,
    combine,
    encode_cases,
    read_csv,
    suggest,
    vocabulary,
)
from esirules.language import model
from esirules.progress import SILENT, Progress
from esirules.span import Span

TOP_LEVEL = ("inspection", "ruleset", "cases", "ratings", "measures", "adjustments")
FIGURES = ("actual", "target", "national_average")
ADJUSTMENT_FIELDS = ("criterion", "grade", "by", "reason")
YAML_SUFFIXES = (".yaml", ".yml")
FIGURE = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(.*)")
_NULL = "tag:yaml.org,2002:null"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_evidence(path: str, ruleset: model.Ruleset, *, progress: Progress = SILENT) -> Evidence:
    """Read and check one inspection's evidence.

    Args:
        path: a `.yaml`, `.yml` or `.json` evidence file, or a `.csv` file of cases alone.
        ruleset: the checked ruleset the evidence is scored under.
        progress: told of the loading, for a display (nothing by default).

    Returns:
        The evidence, case data in columns.

    Raises:
        DiagnosticError: with every problem found, each with its file and line.
    """
    reader = _Reader(path, ruleset)
    with progress.task(f"loading {os.path.basename(path)}"):
        evidence = reader.load()
    if reader.problems or evidence is None:
        reader.decode_all()
        problems = sorted(
            reader.problems, key=lambda d: (d.span.file != path, d.span.file, d.span.line, d.span.column)
        )
        raise DiagnosticError(problems, reader.sources)
    return evidence


def read_ruleset_reference(path: str) -> str | None:
    """The ruleset an evidence file names (`ruleset:`), resolved from the file's folder.

    Returns None for a CSV file or an evidence file that names no ruleset; raises
    `DiagnosticError` if the file cannot be read or the named ruleset does not exist.
    """
    problems: Problems = []
    reference = _ruleset_reference(path, problems, {})
    if problems:
        raise DiagnosticError(problems)
    return reference


def check_ruleset_reference(path: str) -> list[Diagnostic]:
    """The problems `read_ruleset_reference` would raise, as a list."""
    problems: Problems = []
    _ruleset_reference(path, problems, {})
    return problems


def _ruleset_reference(path: str, problems: Problems, sources: dict[str, str]) -> str | None:
    if path.lower().endswith(".csv"):
        return None
    root = read_document(path, problems, sources)
    if root is None:
        return None
    node = _mapping_value(root, "ruleset")
    if node is None:
        return None
    reference = _text(path, node, "the ruleset reference", problems)
    if reference is None:
        return None
    resolved = _resolve(path, reference)
    if not os.path.isfile(resolved):
        problems.append(
            Diagnostic(
                "E105",
                f"the ruleset `{reference}` named by this evidence file does not exist (looked for `{resolved}`)",
                _at(path, node),
                "the path is relative to the evidence file's folder; correct it, or name the ruleset on the command line",
            )
        )
    return resolved


# ---------------------------------------------------------------------------------------------
# Reading files


def _read_text(
    path: str, problems: Problems, sources: dict[str, str], at: Span | None = None, *, lazy: bool = False
) -> tuple[str | None, bytes] | None:
    """A file's text and bytes, or None with a diagnostic if it is missing, empty, binary or not UTF-8.

    With `lazy`, a file of ASCII bytes (valid UTF-8 whatever it holds) is not decoded: the text
    is None, and the caller decodes it if it needs it (see `_Reader.text`).
    """
    span = at or Span.point(path, 1, 1)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        reason = "it does not exist" if isinstance(error, FileNotFoundError) else error.strerror or str(error)
        problems.append(
            Diagnostic("E101", f"cannot read `{path}`: {reason}", span, "check the file name and folder")
        )
        return None
    if not data[:4096].strip() and not data.strip():  # (a large file is not copied to be stripped)
        problems.append(
            Diagnostic("E101", f"`{path}` is empty", span, "an evidence file needs at least one field")
        )
        return None
    if b"\0" in data[:8192] or data.startswith(b"PK\x03\x04"):
        problems.append(
            Diagnostic(
                "E101",
                f"`{path}` is not a text file",
                span,
                "a spreadsheet must be saved as CSV (comma-separated values, UTF-8) first",
            )
        )
        return None
    if lazy and data.isascii():
        return None, data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(
            Diagnostic(
                "E101",
                f"`{path}` is not UTF-8 text (byte {error.start + 1} cannot be read)",
                Span.point(path, line, column),
                "save the file with the UTF-8 encoding (in a spreadsheet: CSV UTF-8)",
            )
        )
        return None
    sources[path] = text
    return text, data


def read_document(path: str, problems: Problems, sources: dict[str, str]) -> yaml.Node | None:
    """The YAML node tree of a YAML or JSON file, or None with a diagnostic."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (*YAML_SUFFIXES, ".json"):
        problems.append(
            Diagnostic(
                "E101",
                f"cannot tell the format of `{path}` from its name",
                Span.point(path, 1, 1),
                "evidence files end in `.yaml`, `.yml` or `.json`; case tables in `.csv`",
            )
        )
        return None
    read = _read_text(path, problems, sources)
    if read is None or read[0] is None:
        return None
    text = read[0]
    if suffix == ".json":
        import json

        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            problems.append(
                Diagnostic(
                    "E102",
                    f"`{path}` is not valid JSON: {error.msg.lower()}",
                    Span.point(path, error.lineno, error.colno),
                    "check the commas, quotes and brackets here (JSON allows no comma before `}` or `]`)",
                )
            )
            return None
        text = text.replace("\t", " ")  # JSON allows tabs between tokens, YAML does not; strings hold none
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (error.problem or "unreadable").rstrip(".")
        tab = mark is not None and "\t" in text[text.rfind("\n", 0, mark.index) + 1 : mark.index + 1]
        help_ = "indent with spaces, not tabs" if tab else _yaml_help(error)
        problems.append(
            Diagnostic(
                "E102", f"`{path}` is not valid YAML: {problem}", Span.point(path, line, column), help_
            )
        )
        return None
    except yaml.YAMLError as error:
        problems.append(Diagnostic("E102", f"`{path}` is not valid YAML: {error}", Span.point(path, 1, 1)))
        return None
    if root is None:
        problems.append(
            Diagnostic(
                "E101",
                f"`{path}` is empty",
                Span.point(path, 1, 1),
                "an evidence file needs at least one field",
            )
        )
        return None
    if not isinstance(root, yaml.MappingNode):
        problems.append(
            Diagnostic(
                "E103",
                f"`{path}` must hold fields such as `cases:` and `ratings:`, not a {_kind(root)}",
                _at(path, root),
                "see docs/evidence-format.md for an example",
            )
        )
        return None
    return root


def _yaml_help(error: yaml.MarkedYAMLError) -> str:
    context = f"{error.context}; " if error.context else ""
    return f"{context}check indentation, and quote values that contain `:` or `#`"


def _resolve(path: str, reference: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(path), os.path.expanduser(reference)))


# ---------------------------------------------------------------------------------------------
# Node helpers


def _at(file: str, node: yaml.Node) -> Span:
    mark = node.start_mark
    return Span.point(file, mark.line + 1, mark.column + 1, mark.index)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "set of fields"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value" if node.tag != _NULL else "blank"


def _fields(file: str, node: yaml.Node, problems: Problems) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    """The (key, key node, value node) of a mapping, reporting keys given twice."""
    seen: set[str] = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                Diagnostic("E103", "a field name must be a single word or id", _at(file, key_node))
            )
            continue
        key = key_node.value.strip()
        if key in seen:
            problems.append(
                Diagnostic(
                    "E106",
                    f"`{key}` is given twice",
                    _at(file, key_node),
                    "keep one; the second would silently win",
                )
            )
            continue
        seen.add(key)
        yield key, key_node, value_node


def _mapping_value(node: yaml.Node, key: str) -> yaml.Node | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


def _text(file: str, node: yaml.Node, what: str, problems: Problems) -> str | None:
    """A single value's text; None for a blank (and a diagnostic for a list or set of fields)."""
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == _NULL else str(node.value)
    problems.append(
        Diagnostic("E103", f"{what} must be a single value, not a {_kind(node)}", _at(file, node))
    )
    return None


def _expect(file: str, node: yaml.Node, kind: type, what: str, problems: Problems) -> bool:
    if isinstance(node, kind):
        return True
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
        return False  # a blank field: nothing given
    wanted = "list" if kind is yaml.SequenceNode else "set of fields"
    problems.append(Diagnostic("E103", f"{what} must be a {wanted}, not a {_kind(node)}", _at(file, node)))
    return False


# ---------------------------------------------------------------------------------------------
# The evidence file


class _Reader:
    """One load: the files read, the problems found."""

    def __init__(self, path: str, ruleset: model.Ruleset):
        self.path = path
        self.ruleset = ruleset
        self.vocab: Vocabulary = vocabulary(ruleset)
        self.problems: Problems = []
        self.sources: dict[str, str] = {}
        self.digest = hashlib.sha256()
        self.undecoded: dict[str, bytes] = {}  # ASCII files read but not yet decoded

    def load(self) -> Evidence | None:
        if self.path.lower().endswith(".csv"):
            cases = self._csv_cases(self.path, None)
            if cases is None:
                return None
            return Evidence(self.path, self.digest.hexdigest(), None, combine([cases], self.problems))
        root = read_document(self.path, self.problems, self.sources)
        if root is None:
            return None
        self.digest.update(self.sources[self.path].encode())
        title, reference = "", None
        parts: list[Cases] = []
        ratings: dict[str, str] = {}
        measures: dict[str, MeasureFigures] = {}
        adjustments: tuple[Adjustment, ...] = ()
        for key, key_node, node in _fields(self.path, root, self.problems):
            if key == "inspection":
                title = _text(self.path, node, "`inspection`", self.problems) or ""
            elif key == "ruleset":
                text = _text(self.path, node, "`ruleset`", self.problems)
                reference = _resolve(self.path, text) if text else None
            elif key == "cases":
                parts = self._cases(node)
            elif key == "ratings":
                ratings = self._ratings(node)
            elif key == "measures":
                measures = self._measures(node)
            elif key == "adjustments":
                adjustments = self._adjustments(node)
            else:
                self.problems.append(
                    Diagnostic(
                        "E104",
                        f"`{key}` is not a field of an evidence file",
                        _at(self.path, key_node),
                        did_you_mean(key, TOP_LEVEL)
                        or "known fields are " + ", ".join(f"`{k}`" for k in TOP_LEVEL),
                    )
                )
        if not parts:
            parts = [encode_cases(CaseTable(self.path, []), self.vocab, self.problems)]
        cases = combine(parts, self.problems)
        return Evidence(
            self.path, self.digest.hexdigest(), reference, cases, ratings, measures, adjustments, title
        )

    # --- cases ------------------------------------------------------------------------------

    def _cases(self, node: yaml.Node) -> list[Cases]:
        if isinstance(node, yaml.ScalarNode) and node.tag != _NULL:
            return self._csv_reference(node)
        if not _expect(self.path, node, yaml.SequenceNode, "`cases`", self.problems):
            return []
        parts: list[Cases] = []
        run: list[yaml.Node] = []
        for item in [*node.value, None]:
            if (item is None or isinstance(item, yaml.ScalarNode)) and run:
                parts.append(encode_cases(self._case_table(run), self.vocab, self.problems))
                run = []
            if isinstance(item, yaml.ScalarNode):
                parts.extend(self._csv_reference(item))
            elif item is not None:
                run.append(item)
        return parts

    def _csv_reference(self, node: yaml.ScalarNode) -> list[Cases]:
        name = str(node.value)
        if not name.lower().endswith(".csv"):
            self.problems.append(
                Diagnostic(
                    "E103",
                    f"`cases` names `{name}`, which is not a CSV file",
                    _at(self.path, node),
                    "give a list of cases, or the name of a `.csv` file of cases",
                )
            )
            return []
        cases = self._csv_cases(_resolve(self.path, name), _at(self.path, node))
        return [] if cases is None else [cases]

    def _csv_cases(self, path: str, at: Span | None) -> Cases | None:
        large = os.path.getsize(path) >= FAST_PATH_BYTES if os.path.isfile(path) else False
        read = _read_text(path, self.problems, self.sources, at, lazy=large)
        if read is None:
            return None
        text, data = read
        if text is None:
            self.undecoded[path] = data
        for part in (b"\0", os.path.basename(path).encode(), b"\0"):
            self.digest.update(part)
        if len(data) < FAST_PATH_BYTES:
            self.digest.update(data)
            return encode_cases(read_csv(path, self.text(path), self.vocab, self.problems), self.vocab, self.problems)
        # The content hash of a large file is worked out beside the reading (hashlib lets go of the GIL).
        hashing = threading.Thread(target=self.digest.update, args=(data,))
        hashing.start()
        try:
            cases = self._plain_csv_cases(path, data)
            if cases is None:
                table = read_csv(path, self.text(path), self.vocab, self.problems)
                cases = encode_cases(table, self.vocab, self.problems)
        finally:
            hashing.join()
        return cases

    def text(self, path: str) -> str:
        """The text of a file read, decoding it now if it was left undecoded."""
        if path not in self.sources:
            self.sources[path] = self.undecoded.pop(path).decode("ascii")
        return self.sources[path]

    def decode_all(self) -> None:
        """Decode the files left undecoded, so every diagnostic can show its line."""
        for path in list(self.undecoded):
            self.text(path)

    def _plain_csv_cases(self, path: str, data: bytes) -> Cases | None:
        """The cases of a plain CSV file read by columns, or None to read it the exact way.

        Any problem at all sends the file down the exact path, which reports it just as it
        would have: the fast path never reports anything itself.
        """
        table = read_plain_csv(path, data, self.vocab)
        if table is None:
            return None
        problems: Problems = []
        cases = encode_cases(table, self.vocab, problems)
        return None if problems else cases

    def _case_table(self, nodes: list[yaml.Node]) -> CaseTable:
        """The cases written in the evidence file, as a table like a CSV file's."""
        file, vocab = self.path, self.vocab
        for node in nodes:
            if not isinstance(node, yaml.MappingNode):
                message = f"a case must be a set of fields such as `id:`, not a {_kind(node)}"
                self.problems.append(Diagnostic("E103", message, _at(file, node)))
        cases = [node for node in nodes if isinstance(node, yaml.MappingNode)]
        columns: dict[str, list[str | None]] = {"id": [None] * len(cases)}
        positions: dict[tuple[str, int], tuple[int, int]] = {}
        reported: set[tuple[str, int]] = set()

        def put(field: str, index: int, node: yaml.Node, what: str) -> None:
            value = _text(file, node, what, self.problems)
            if value is None and not isinstance(node, yaml.ScalarNode):
                reported.add((field, index))
            columns.setdefault(field, [None] * len(cases))[index] = value
            positions[field, index] = (node.start_mark.line + 1, node.start_mark.column + 1)

        for index, case in enumerate(cases):
            positions["id", index] = (case.start_mark.line + 1, case.start_mark.column + 1)
            for key, key_node, value in _fields(file, case, self.problems):
                if key == "id":
                    put("id", index, value, "a case's `id`")
                elif key == "sample":
                    put("sample", index, value, "a case's `sample`")
                elif key == "answers":
                    self._answers(index, value, put)
                elif (attribute := vocab.resolve_attribute(key)) is not None:
                    put(f"attribute:{attribute}", index, value, f"attribute `{attribute}`")
                elif vocab.resolve_question(key) is not None:
                    self.problems.append(
                        Diagnostic(
                            "E112",
                            f"`{key}` is a question, not a case attribute",
                            _at(file, key_node),
                            f"put answers under `answers:`, e.g. `answers: {{{key}: yes}}`",
                        )
                    )
                elif not vocab.is_ignored_question(key):
                    self.problems.append(self._unknown_attribute(key, key_node))
        table = CaseTable.from_cells(file, [case.start_mark.line + 1 for case in cases], columns)
        table.positions, table.reported = positions, reported
        return table

    def _answers(self, index: int, node: yaml.Node, put: Callable[[str, int, yaml.Node, str], None]) -> None:
        if not _expect(self.path, node, yaml.MappingNode, "`answers`", self.problems):
            return
        for key, key_node, value in _fields(self.path, node, self.problems):
            question = self.vocab.resolve_question(key)
            if question is not None:
                put(f"answer:{question}", index, value, f"the answer to `{question}`")
            elif not self.vocab.is_ignored_question(key):
                self.problems.append(
                    Diagnostic(
                        "E120",
                        f"`{key}` is not a question of ruleset `{self.ruleset.name}`",
                        _at(self.path, key_node),
                        did_you_mean(key, self.vocab.questions),
                    )
                )

    def _unknown_attribute(self, key: str, key_node: yaml.Node) -> Diagnostic:
        help_ = suggest(key, self.vocab.attributes, "the attributes")
        close_question = did_you_mean(key, self.vocab.questions) if self.vocab.questions else None
        if (
            close_question
            and close_question.startswith("did you mean")
            and not (help_ or "").startswith("did you mean")
        ):
            help_ = f"{close_question} answers go under `answers:`"
        return Diagnostic(
            "E112",
            f"`{key}` is not a case attribute of ruleset `{self.ruleset.name}`",
            _at(self.path, key_node),
            help_,
        )

    # --- ratings, measures, adjustments ---------------------------------------------------------

    def _ratings(self, node: yaml.Node) -> dict[str, str]:
        ratings: dict[str, str] = {}
        if not _expect(self.path, node, yaml.MappingNode, "`ratings`", self.problems):
            return ratings
        items = {item.id.lower(): item for item in self.ruleset.items()}
        for key, key_node, value_node in _fields(self.path, node, self.problems):
            item = items.get(key.lower())
            if item is None:
                self.problems.append(
                    Diagnostic(
                        "E130",
                        f"`{key}` is not an item of ruleset `{self.ruleset.name}`",
                        _at(self.path, key_node),
                        suggest(key, (i.id for i in self.ruleset.items()), "the items"),
                    )
                )
                continue
            value = _text(self.path, value_node, f"the rating of `{item.id}`", self.problems)
            if value is None or not value.strip():
                continue  # not rated
            scale = self._item_scale(item)
            if scale is None:
                ratings[item.id] = value.strip()
                continue
            allowed = [*scale.values, *([scale.not_applicable] if scale.not_applicable else [])]
            rating = _canonical(value, allowed, scale.not_applicable)
            if rating is None:
                self.problems.append(
                    Diagnostic(
                        "E131",
                        f"item `{item.id}`: `{value.strip()}` is not a rating on the `{scale.name}` scale",
                        _at(self.path, value_node),
                        "ratings are " + ", ".join(f"`{a}`" for a in allowed),
                    )
                )
                continue
            ratings[item.id] = rating
        return ratings

    def _item_scale(self, item: model.Item) -> model.Scale | None:
        """The scale an item is rated on: its criterion's grading's (None: the criterion names no grading)."""
        # INVARIANT: the checker resolved every name, so a failed look-up here is a checker bug.
        grading = self.ruleset.criterion(item.criterion).grading
        return self.ruleset.scale(self.ruleset.grading(grading).item_scale) if grading else None

    def _measures(self, node: yaml.Node) -> dict[str, MeasureFigures]:
        measures: dict[str, MeasureFigures] = {}
        if not _expect(self.path, node, yaml.MappingNode, "`measures`", self.problems):
            return measures
        known = {m.name.lower(): m for m in self.ruleset.measures}
        for key, key_node, value_node in _fields(self.path, node, self.problems):
            measure = known.get(key.lower())
            if measure is None:
                self.problems.append(
                    Diagnostic(
                        "E140",
                        f"`{key}` is not a measure of ruleset `{self.ruleset.name}`",
                        _at(self.path, key_node),
                        suggest(key, (m.name for m in self.ruleset.measures), "the measures"),
                    )
                )
                continue
            if not _expect(
                self.path, value_node, yaml.MappingNode, f"measure `{measure.name}`", self.problems
            ):
                if isinstance(value_node, yaml.ScalarNode):  # blank: say what is needed
                    self._missing_figures(measure, value_node, set())
                continue
            figures: dict[str, Fraction] = {}
            for figure, figure_node, number_node in _fields(self.path, value_node, self.problems):
                name = figure.lower().replace(" ", "_")
                if name not in FIGURES:
                    self.problems.append(
                        Diagnostic(
                            "E104",
                            f"measure `{measure.name}`: `{figure}` is not a figure of a measure",
                            _at(self.path, figure_node),
                            did_you_mean(name, FIGURES)
                            or "figures are `actual`, `target` and `national_average`",
                        )
                    )
                    continue
                number = self._figure(measure, name, number_node)
                if number is not None:
                    figures[name] = number
            given = {f.lower().replace(" ", "_") for f, _, _ in _fields(self.path, value_node, [])}
            if self._missing_figures(measure, value_node, given) or len(figures) < len(FIGURES):
                continue
            location = Location(self.path, value_node.start_mark.line + 1, measure.name)
            measures[measure.name] = MeasureFigures(
                figures["actual"], figures["target"], figures["national_average"], location=location
            )
        return measures

    def _missing_figures(self, measure: model.Measure, node: yaml.Node, given: set[str]) -> bool:
        missing = [f for f in FIGURES if f not in given]
        if missing:
            self.problems.append(
                Diagnostic(
                    "E107",
                    f"measure `{measure.name}` has no {' or '.join(f'`{f}`' for f in missing)} figure",
                    _at(self.path, node),
                    "give all three figures, e.g. `{actual: 71, target: 90, national_average: 78}`",
                )
            )
        return bool(missing)

    def _figure(self, measure: model.Measure, name: str, node: yaml.Node) -> Fraction | None:
        text = _text(self.path, node, f"figure `{name}` of measure `{measure.name}`", self.problems)
        if text is None:
            return None  # blank: reported as missing below
        match = FIGURE.fullmatch(text.strip())
        unit = match.group(2).strip().lower() if match else ""
        units = {"", measure.unit.lower(), measure.unit.lower().rstrip("s")}
        if measure.unit.lower() in ("percent", "%", "per cent"):
            units |= {"%", "percent", "per cent"}
        if match is None or unit not in units:
            self.problems.append(
                Diagnostic(
                    "E141",
                    f"measure `{measure.name}`: {name.replace('_', ' ')} `{text.strip()}` is not {_unit_phrase(measure)}",
                    _at(self.path, node),
                    "write a number such as `71`, `71%` or `10.7`",
                )
            )
            return None
        return Fraction(match.group(1))

    def _adjustments(self, node: yaml.Node) -> tuple[Adjustment, ...]:
        adjustments: list[Adjustment] = []
        if not _expect(self.path, node, yaml.SequenceNode, "`adjustments`", self.problems):
            return ()
        criteria = {c.id.lower(): c for c in self.ruleset.criteria()}
        adjusted: dict[str, Location] = {}
        for entry in node.value:
            if not _expect(self.path, entry, yaml.MappingNode, "an adjustment", self.problems):
                continue
            at = _at(self.path, entry)
            fields: dict[str, tuple[str, yaml.Node]] = {}
            for key, key_node, value_node in _fields(self.path, entry, self.problems):
                if key not in ADJUSTMENT_FIELDS:
                    self.problems.append(
                        Diagnostic(
                            "E104",
                            f"`{key}` is not a field of an adjustment",
                            _at(self.path, key_node),
                            did_you_mean(key, ADJUSTMENT_FIELDS)
                            or "fields are `criterion`, `grade`, `by` and `reason`",
                        )
                    )
                    continue
                text = _text(self.path, value_node, f"an adjustment's `{key}`", self.problems)
                if text and text.strip():
                    fields[key] = (text.strip(), value_node)
            for key in ("criterion", "grade"):
                if key not in fields:
                    self.problems.append(
                        Diagnostic(
                            "E107",
                            f"an adjustment has no `{key}`",
                            at,
                            "an adjustment names its criterion and grade",
                        )
                    )
            for key in ("by", "reason"):
                if key not in fields:
                    self.problems.append(
                        Diagnostic(
                            "E153",
                            f"an adjustment has no `{key}`",
                            at,
                            "every adjustment records who made it (`by`) and why (`reason`)",
                        )
                    )
            if "criterion" not in fields:
                continue
            name, criterion_node = fields["criterion"]
            criterion = criteria.get(name.lower())
            if criterion is None:
                self.problems.append(
                    Diagnostic(
                        "E150",
                        f"`{name}` is not a criterion of ruleset `{self.ruleset.name}`",
                        _at(self.path, criterion_node),
                        suggest(name, (c.id for c in self.ruleset.criteria()), "the criteria"),
                    )
                )
                continue
            if not criterion.allows_adjustment:
                self.problems.append(
                    Diagnostic(
                        "E151",
                        f"criterion `{criterion.id}` does not allow an adjustment",
                        _at(self.path, criterion_node),
                        "only criteria marked `allows adjustment` in the ruleset can be adjusted",
                    )
                )
                continue
            location = Location(self.path, entry.start_mark.line + 1, "adjustment")
            if criterion.id in adjusted:
                self.problems.append(
                    Diagnostic(
                        "E154",
                        f"criterion `{criterion.id}` is adjusted twice",
                        at,
                        f"the other adjustment is at line {adjusted[criterion.id].line}; keep one",
                    )
                )
                continue
            adjusted[criterion.id] = location
            if "grade" not in fields:
                continue
            grade_text, grade_node = fields["grade"]
            ladder = self._ladder(criterion)
            grade = _canonical(grade_text, ladder)
            if grade is None:
                self.problems.append(
                    Diagnostic(
                        "E152",
                        f"criterion `{criterion.id}`: `{grade_text}` is not a grade",
                        _at(self.path, grade_node),
                        "grades are " + ", ".join(f"`{g}`" for g in ladder),
                    )
                )
                continue
            if "by" in fields and "reason" in fields:
                adjustments.append(
                    Adjustment(criterion.id, grade, fields["by"][0], fields["reason"][0], location=location)
                )
        return tuple(adjustments)

    def _ladder(self, criterion: model.Criterion) -> list[str]:
        """The grades an adjustment of a criterion may give."""
        name = criterion.grading
        # INVARIANT: the checker resolved every name, so a failed look-up here is a checker bug.
        if name and criterion.kind == "descriptive":
            return list(self.ruleset.scale(self.ruleset.grading(name).ladder).values)
        if name:
            return list(self.ruleset.scale(self.ruleset.band_set(name).scale).values)
        ladders = [s for s in self.ruleset.scales if s.is_ladder]
        return list(dict.fromkeys(v for s in ladders for v in s.values))


def _unit_phrase(measure: model.Measure) -> str:
    percent = measure.unit.lower() in ("percent", "%", "per cent")
    return "a percentage" if percent else f"a number of {measure.unit}"


def _canonical(value: str, allowed: list[str], not_applicable: str | None = None) -> str | None:
    """The ruleset's spelling of a value written in any case (`not applicable` for the scale's label)."""
    wanted = " ".join(value.split()).lower()
    for candidate in allowed:
        if candidate.lower() == wanted:
            return candidate
    if wanted == "not applicable" and not_applicable:
        return not_applicable
    return None
