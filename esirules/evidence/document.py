"""Evidence files as text and as YAML: a path in, the file's text, or its YAML node tree, out.

Reading is where the first problems are found: a file that is missing, empty, binary or not
UTF-8 (E101), not valid YAML or JSON (E102), or not a set of fields (E103). JSON is read as YAML
(JSON is YAML) after a strict JSON check, so both give the same node tree, every value with its
line. The helpers below read the fields and values of that tree and report values of the wrong
shape; the readers of an evidence file's parts (`yaml_cases`, `inspection`) use them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import yaml

from esirules.diagnostics import Diagnostic
from esirules.files import DISK, FileProblem, InputFiles
from esirules.span import Span

YAML_SUFFIXES = (".yaml", ".yml")
NULL = "tag:yaml.org,2002:null"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Problems = list[Diagnostic]


def read_text(
    path: str,
    problems: Problems,
    sources: dict[str, str],
    at: Span | None = None,
    *,
    lazy: bool = False,
    files: InputFiles = DISK,
) -> tuple[str | None, bytes] | None:
    """A file's text and bytes, or None with a diagnostic if it is missing, empty, binary or not UTF-8.

    With `lazy`, a file of ASCII bytes (valid UTF-8 whatever it holds) is not decoded: the text
    is None, and the caller decodes it if it needs it (see `_Reader.text`).
    """
    span = at or Span.point(path, 1, 1)
    try:
        data = files.read(path)
    except FileProblem as problem:
        reason = "it does not exist" if problem.missing else problem.reason
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


def read_document(
    path: str, problems: Problems, sources: dict[str, str], files: InputFiles = DISK
) -> yaml.Node | None:
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
    read = read_text(path, problems, sources, files=files)
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
                f"`{path}` must hold fields such as `cases:` and `ratings:`, not a {node_kind(root)}",
                at(path, root),
                "see docs/evidence-format.md for an example",
            )
        )
        return None
    return root


def _yaml_help(error: yaml.MarkedYAMLError) -> str:
    context = f"{error.context}; " if error.context else ""
    return f"{context}check indentation, and quote values that contain `:` or `#`"


def resolve(path: str, reference: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(path), os.path.expanduser(reference)))


# ---------------------------------------------------------------------------------------------
# Nodes


def at(file: str, node: yaml.Node) -> Span:
    mark = node.start_mark
    return Span.point(file, mark.line + 1, mark.column + 1, mark.index)


def node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "set of fields"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value" if node.tag != NULL else "blank"


def fields(file: str, node: yaml.Node, problems: Problems) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    """The (key, key node, value node) of a mapping, reporting keys given twice."""
    seen: set[str] = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                Diagnostic("E103", "a field name must be a single word or id", at(file, key_node))
            )
            continue
        key = key_node.value.strip()
        if key in seen:
            problems.append(
                Diagnostic(
                    "E106",
                    f"`{key}` is given twice",
                    at(file, key_node),
                    "keep one; the second would silently win",
                )
            )
            continue
        seen.add(key)
        yield key, key_node, value_node


def mapping_value(node: yaml.Node, key: str) -> yaml.Node | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


def scalar_text(file: str, node: yaml.Node, what: str, problems: Problems) -> str | None:
    """A single value's text; None for a blank (and a diagnostic for a list or set of fields)."""
    if isinstance(node, yaml.ScalarNode):
        return None if node.tag == NULL else str(node.value)
    problems.append(
        Diagnostic("E103", f"{what} must be a single value, not a {node_kind(node)}", at(file, node))
    )
    return None


def expect(file: str, node: yaml.Node, kind: type, what: str, problems: Problems) -> bool:
    if isinstance(node, kind):
        return True
    if isinstance(node, yaml.ScalarNode) and node.tag == NULL:
        return False  # a blank field: nothing given
    wanted = "list" if kind is yaml.SequenceNode else "set of fields"
    problems.append(Diagnostic("E103", f"{what} must be a {wanted}, not a {node_kind(node)}", at(file, node)))
    return False
