"""Summary-sheet files: a sheet file in, column specs out (or None when the file is evidence).

A summary sheet file names the columns of a score sheet, each an evidence file scored under a
ruleset, optionally for one sample:

    title: Scoring summary sheet
    columns:
      - {label: Original, evidence: original.yaml, ruleset: ../../rulesets/esi-2003.esi}
      - {label: Feb, evidence: followup.yaml, sample: february}

A file is a sheet by its shape: it has `columns`, or it has none of an evidence file's fields
and a list of columns (sets of fields with `evidence` or `label`) under another name, or a name
close to `columns` (a misspelling is then reported as such, not read as evidence). The files a
sheet names are read from its folder and written as the command line would name them: relative
to the working folder when they lie under it.
"""

from __future__ import annotations

import os
import re

import attrs
import yaml

from esirules.diagnostics import Diagnostic, DiagnosticError, did_you_mean
from esirules.evidence.document import (
    MAX_PLAIN_DOCUMENT_BYTES,
    YAML_SUFFIXES,
    Problems,
    at,
    fields,
    node_kind,
    outside,
    read_document,
    read_text,
    resolve,
    scalar_text,
    unreadable,
)
from esirules.files import DISK, FileProblem, InputFiles
from esirules.span import Span

EVIDENCE_FIELDS = (
    "inspection", "ruleset", "date", "cases", "ratings", "measures", "adjustments", "facts", "carried_forward",
)
SHEET_FIELDS = ("title", "columns")
COLUMN_FIELDS = ("label", "evidence", "ruleset", "sample")


@attrs.frozen
class SheetFile:
    """The summary sheet file a column is given in: its path, and its text to show a problem there."""

    path: str
    text: str = attrs.field(repr=False)


@attrs.frozen
class ColumnSpec:
    """One column: evidence files (merged when several), a ruleset (None: the evidence's own).

    `span` is where the column is given (in a sheet file, or a sample typed on the command
    line), `sample_span` where its sample is written, and `sheet` the sheet file it is in.
    """

    label: str
    evidence: tuple[str, ...]
    ruleset: str | None = None
    sample: str | None = None
    span: Span | None = attrs.field(default=None, eq=False)
    sample_span: Span | None = attrs.field(default=None, eq=False)
    sheet: SheetFile | None = attrs.field(default=None, eq=False)


@attrs.frozen
class SheetSpec:
    title: str
    columns: tuple[ColumnSpec, ...]


def read_sheet_file(path: str, files: InputFiles = DISK) -> SheetSpec | None:
    """The sheet a YAML/JSON file holds, or None when the file is inspection evidence instead.

    Raises:
        DiagnosticError: the file cannot be read, or it is a sheet with problems.
    """
    if os.path.splitext(path)[1].lower() not in (*YAML_SUFFIXES, ".json"):
        return None
    problems: Problems = []
    sources: dict[str, str] = {}
    if _plainly_evidence(path, files):
        return None
    root = read_document(path, problems, sources, files)
    if root is None:
        raise DiagnosticError(problems, sources)
    if not is_sheet(root):
        return None
    sheet = _Sheet(SheetFile(path, sources.get(path, "")), files, problems).read(root)
    if problems:
        raise DiagnosticError(problems, sources)
    return sheet


def _plainly_evidence(path: str, files: InputFiles) -> bool:
    """Whether a file's top-level fields are plainly an inspection's, found without reading it
    as YAML nodes (which takes longer than scoring it): a JSON object's keys as msgspec reads them
    (skipping the values), or YAML fields written at the start of a line. Then `is_sheet` would
    say no; anything else (unreadable, or not plain) is left to it, and to its diagnostics.
    The bytes read, and a JSON file's fields, are kept for the loader, which reads them next."""
    problems: Problems = []
    read = read_text(path, problems, {}, files=files, lazy=True, limit=MAX_PLAIN_DOCUMENT_BYTES, keep=True)
    if read is None:
        return False
    data = read[1]
    if path.lower().endswith(".json"):
        from esirules.evidence.json_cases import top_level

        found = top_level(data, files, keep=True)
        if found is None:
            return False
        keys = set(found)
    else:
        keys = _top_level_fields(data)
    evidence = "columns" not in keys and any(key in EVIDENCE_FIELDS for key in keys)
    if not evidence:  # (read again as a sheet, the exact way)
        files.forget()
    return evidence


_TOP_LEVEL_FIELD = re.compile(rb"([a-z_]+)[ \t]*:(?:[ \t\r\n]|$)")


def _top_level_fields(data: bytes) -> set[str]:
    """The names of the YAML fields written at the start of a line (found by numpy: a regular
    expression tried at every line's start takes seconds in a file of millions of lines)."""
    import numpy as np

    every = np.frombuffer(data, dtype=np.uint8)
    lines = np.flatnonzero(every[:-1] == ord("\n")) + 1
    heads = every[lines]
    named = ((heads >= ord("a")) & (heads <= ord("z"))) | (heads == ord("_"))
    starts: list[int] = [0, *lines[named].tolist()]
    found = (_TOP_LEVEL_FIELD.match(data, start) for start in starts)
    return {match.group(1).decode() for match in found if match}


def is_sheet(root: yaml.MappingNode) -> bool:
    """Whether a file's fields are a summary sheet's (see the module), not an inspection's."""
    keys = {key.value: value for key, value in root.value if isinstance(key, yaml.ScalarNode)}
    if "columns" in keys:
        return "cases" not in keys
    if any(key in EVIDENCE_FIELDS for key in keys):
        return False
    return any(_close_to_columns(key) or _holds_columns(value) for key, value in keys.items())


def _close_to_columns(key: str) -> bool:
    return did_you_mean(key, ("columns",), listing=False) is not None


def _holds_columns(node: yaml.Node) -> bool:
    return isinstance(node, yaml.SequenceNode) and any(
        isinstance(item, yaml.MappingNode)
        and any(isinstance(k, yaml.ScalarNode) and k.value in ("evidence", "label") for k, _ in item.value)
        for item in node.value
    )


class _Sheet:
    """Reads one sheet file's columns, reporting every problem (E201) and every file it may not name (E108)."""

    def __init__(self, sheet: SheetFile, files: InputFiles, problems: Problems):
        self.sheet, self.files, self.problems = sheet, files, problems
        self.path = sheet.path

    def problem(self, message: str, node: yaml.Node, help_: str | None = None) -> None:
        self.problems.append(Diagnostic("E201", message, at(self.path, node), help_))

    def read(self, root: yaml.MappingNode) -> SheetSpec:
        title, columns, misspelt = "Scoring summary sheet", None, False
        for key, key_node, value in fields(self.path, root, self.problems):
            if key == "title":
                title = scalar_text(self.path, value, "the sheet's `title`", self.problems) or title
            elif key == "columns":
                columns = value
            else:
                misspelt = True
                self.problem(
                    f"`{key}` is not a field of a summary sheet",
                    key_node,
                    did_you_mean(key, SHEET_FIELDS, listing=False) or "a sheet has `title` and `columns`",
                )
        if columns is None:
            if not misspelt:  # (a misspelt `columns` is reported as such)
                self.problems.append(
                    Diagnostic(
                        "E201",
                        "the summary sheet has no `columns`",
                        Span.point(self.path, 1, 1),
                        "list its columns, each with `label`, `evidence`, and optionally `ruleset` and `sample`",
                    )
                )
            return SheetSpec(title, ())
        if not isinstance(columns, yaml.SequenceNode) or not columns.value:
            self.problem(
                "`columns` lists no column" if isinstance(columns, yaml.SequenceNode) else "`columns` must be a list of columns",
                columns,
                "each column has `label`, `evidence`, and optionally `ruleset` and `sample`",
            )
            return SheetSpec(title, ())
        specs = [self._column(index, node) for index, node in enumerate(columns.value, start=1)]
        labelled: dict[str, int] = {}
        for index, (spec, node) in enumerate(zip(specs, columns.value), start=1):
            if spec is None:
                continue
            first = labelled.setdefault(spec.label, index)
            if first != index:
                assert isinstance(node, yaml.MappingNode)  # INVARIANT: `_column` read a set of fields
                label_node = next((v for k, v in node.value if k.value == "label"), node)
                self.problem(f"column {index} has the label `{spec.label}`, as column {first} does", label_node,
                             "give each column its own label: it heads the column, and `esirules explain "
                             "--column` finds the column by it")
        return SheetSpec(title, tuple(spec for spec in specs if spec is not None))

    def _column(self, index: int, node: yaml.Node) -> ColumnSpec | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(f"column {index} must be a set of fields with `label` and `evidence`, not a {node_kind(node)}", node)
            return None
        given: dict[str, yaml.Node] = {}
        for key, key_node, value in fields(self.path, node, self.problems):
            if key in COLUMN_FIELDS:
                given[key] = value
            else:
                self.problem(
                    f"`{key}` is not a field of a column (column {index})",
                    key_node,
                    did_you_mean(key, COLUMN_FIELDS, listing=False) or "a column has " + ", ".join(f"`{k}`" for k in COLUMN_FIELDS),
                )
        label = self._text(given.get("label"), f"the `label` of column {index}")
        if not label or not label.strip():
            self.problem(f"column {index} has no `label`", given.get("label", node), "give it the heading to print, e.g. `label: Feb`")
            label = f"column {index}"
        evidence = self._paths(given.get("evidence"), index, node)
        ruleset_node = given.get("ruleset")
        ruleset = self._text(ruleset_node, f"the `ruleset` of column {index}")
        if ruleset_node is not None and ruleset:
            if not ruleset.lower().endswith(".esi"):
                self.problem(
                    f"the `ruleset` of column {index} is not a ruleset file",
                    ruleset_node,
                    "name a ruleset file (its name ends in `.esi`), relative to this sheet",
                )
            ruleset = self._named(ruleset, ruleset_node, ruleset=True)
        sample_node = given.get("sample")
        sample = self._text(sample_node, f"the `sample` of column {index}")
        if evidence is None:
            return None
        return ColumnSpec(
            label.strip(),
            evidence,
            ruleset or None,
            sample.strip() if sample else None,
            at(self.path, node),
            None if sample_node is None else at(self.path, sample_node),
            self.sheet,
        )

    def _text(self, node: yaml.Node | None, what: str) -> str | None:
        return None if node is None else scalar_text(self.path, node, what, self.problems)

    def _paths(self, node: yaml.Node | None, index: int, column: yaml.Node) -> tuple[str, ...] | None:
        """The evidence files a column names (one, or a list), as the command line would name them."""
        items = node.value if isinstance(node, yaml.SequenceNode) else [] if node is None else [node]
        names = [(self._text(item, f"an `evidence` file of column {index}"), item) for item in items]
        if not names or any(not name for name, _ in names):
            self.problem(
                f"column {index} has no `evidence` file",
                node if node is not None else column,
                "name the inspection evidence file, relative to this sheet",
            )
            return None
        return tuple(self._named(name, item) for name, item in names if name)

    def _named(self, name: str, node: yaml.Node, *, ruleset: bool = False) -> str:
        """A file the sheet names, from the sheet's folder; reported if this run may not read it."""
        path = resolve(self.path, name, self.files)
        if not (self.files.allows_ruleset(path) if ruleset else self.files.allows(path)):
            self.problems.append(outside(path, at(self.path, node), self.files))
        elif not ruleset:  # (an evidence file that cannot be read is reported here, where it is named)
            try:
                self.files.read(path, 0)
            except FileProblem as problem:
                self.problems.append(unreadable(path, at(self.path, node), self.files, problem,
                                                "check the file name and folder: it is read from this sheet's folder"))
        return path
