"""Summary-sheet specifications: a sheet file (or command-line arguments) in, column specs out.

A summary sheet file names the columns of a score sheet, each an evidence file scored under a
ruleset, optionally for one sample:

    title: Scoring summary sheet
    columns:
      - {label: Original, evidence: original.yaml, ruleset: ../../rulesets/esi-2003.esi}
      - {label: Feb, evidence: followup.yaml, sample: february}
"""

from __future__ import annotations

import os
from typing import Any

import attrs

from esirules.diagnostics import Diagnostic, did_you_mean
from esirules.span import Span


@attrs.frozen
class ColumnSpec:
    """One column: evidence files (merged when several), a ruleset (None: the evidence's own)."""

    label: str
    evidence: tuple[str, ...]
    ruleset: str | None = None
    sample: str | None = None
    span: Span | None = attrs.field(default=None, eq=False)


@attrs.frozen
class SheetSpec:
    title: str
    columns: tuple[ColumnSpec, ...]


_COLUMN_KEYS = ("label", "evidence", "ruleset", "sample")


def is_sheet_file(data: Any) -> bool:
    """A mapping with `columns` is a summary sheet; anything else is inspection evidence."""
    return isinstance(data, dict) and "columns" in data and "cases" not in data


def read_sheet(path: str, data: dict[str, Any], lines: dict[int, int]) -> tuple[SheetSpec | None, list[Diagnostic]]:
    """Column specs from a parsed sheet file; `lines` maps id(node) to its line for locations."""
    problems: list[Diagnostic] = []
    base = os.path.dirname(os.path.abspath(path))

    def where(node: object) -> Span:
        line = lines.get(id(node), 1)
        return Span(path, line, 1, line, 2)

    def problem(message: str, node: object, help: str | None = None) -> None:
        problems.append(Diagnostic("E201", message, where(node), help))

    columns_data = data.get("columns")
    for key in data:
        if key not in ("title", "columns"):
            problem(f"unknown key `{key}` in the summary sheet", data,
                    did_you_mean(str(key), ("title", "columns")) or "a sheet has `title` and `columns`")
    if not isinstance(columns_data, list) or not columns_data:
        problem("`columns` must be a list of columns", data,
                "each column has `label`, `evidence`, and optionally `ruleset` and `sample`")
        return None, problems
    columns = []
    for index, column in enumerate(columns_data, start=1):
        if not isinstance(column, dict):
            problem(f"column {index} must be a mapping with `label` and `evidence`", column)
            continue
        for key in column:
            if key not in _COLUMN_KEYS:
                problem(f"unknown key `{key}` in column {index}", column,
                        did_you_mean(str(key), _COLUMN_KEYS) or "a column has " + ", ".join(_COLUMN_KEYS))
        label = column.get("label")
        evidence = column.get("evidence")
        if not isinstance(label, (str, int, float)) or str(label).strip() == "":
            problem(f"column {index} has no `label`", column, "give it the heading to print, e.g. `label: Feb`")
            label = f"column {index}"
        paths = [evidence] if isinstance(evidence, str) else evidence
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            problem(f"column {index} has no `evidence` file", column,
                    "name the inspection evidence file, relative to this sheet")
            continue
        ruleset = column.get("ruleset")
        if ruleset is not None and not isinstance(ruleset, str):
            problem(f"the `ruleset` of column {index} must be a file path", column)
            ruleset = None
        sample = column.get("sample")
        if sample is not None and not isinstance(sample, str):
            problem(f"the `sample` of column {index} must be a sample name", column)
            sample = None
        columns.append(
            ColumnSpec(
                str(label),
                tuple(os.path.normpath(os.path.join(base, p)) for p in paths),
                os.path.normpath(os.path.join(base, ruleset)) if ruleset else None,
                sample,
                where(column),
            )
        )
    title = str(data.get("title") or "Scoring summary sheet")
    return SheetSpec(title, tuple(columns)), problems


def read_sheet_file(path: str) -> SheetSpec | None:
    """The sheet a YAML/JSON file holds, or None when the file is inspection evidence instead.

    Raises:
        DiagnosticError: the file cannot be read, or it is a sheet with problems.
    """
    from esirules.diagnostics import DiagnosticError
    from esirules.evidence.document import YAML_SUFFIXES, read_document

    if os.path.splitext(path)[1].lower() not in (*YAML_SUFFIXES, ".json"):
        return None
    problems: list[Diagnostic] = []
    sources: dict[str, str] = {}
    root = read_document(path, problems, sources)
    if root is None:
        raise DiagnosticError(problems, sources)
    lines: dict[int, int] = {}
    data = _plain(root, lines)
    if not is_sheet_file(data):
        return None
    sheet, problems = read_sheet(path, data, lines)
    if problems or sheet is None:
        raise DiagnosticError(problems, sources)
    return sheet


def _plain(node: Any, lines: dict[int, int]) -> Any:
    """Python data from a YAML node, remembering the line of each mapping and list."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        out: Any = {str(_plain(k, lines)): _plain(v, lines) for k, v in node.value}
    elif isinstance(node, yaml.SequenceNode):
        out = [_plain(v, lines) for v in node.value]
    else:
        return node.value
    lines[id(out)] = node.start_mark.line + 1
    return out
