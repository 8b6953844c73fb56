"""Evidence files as text and as YAML: a path in, the file's text, or its YAML node tree, out.

Reading is where the first problems are found: a file that is missing, empty, binary or not
UTF-8 (E101), not valid YAML or JSON (E102), or not a set of fields (E103); a file named where
this run may not read (E108); a file beyond the limits an evidence file keeps to (E109: its
size, JSON nested too deep, YAML anchors and aliases, which can repeat a value without end). JSON
is read as YAML (JSON is YAML) after a strict JSON check, so both give the same node tree, every
value with its place. The helpers below read the fields and values of that tree and report
values of the wrong shape or holding control characters; the readers of an evidence file's
parts (`yaml_cases`, `inspection`) use them.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator

import numpy as np
import yaml

from esirules.diagnostics import Diagnostic
from esirules.evidence.vocabulary import CONTROL, TEXT_CONTROL, shown
from esirules.files import DISK, FileProblem, InputFiles
from esirules.span import Span

YAML_SUFFIXES = (".yaml", ".yml")
NULL = "tag:yaml.org,2002:null"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The limits an evidence file keeps to (docs/evidence-format.md), far beyond any real inspection.
MAX_DOCUMENT_BYTES = 64 << 20  # an evidence file or summary sheet (YAML or JSON): 64 MB
MAX_TABLE_BYTES = 4 << 30  # a CSV file of cases: 4 GB
# An evidence file (JSON) whose cases are plain, read by the fast path (json_cases): 1 GB. A
# file over MAX_DOCUMENT_BYTES whose cases are not plain is refused as before (E109): the exact
# path keeps a node per value, and would need many gigabytes for it.
MAX_PLAIN_DOCUMENT_BYTES = 1 << 30
MAX_JSON_DEPTH = 100  # lists and sets of fields inside each other, in a JSON file

Problems = list[Diagnostic]


def read_text(
    path: str,
    problems: Problems,
    sources: dict[str, str],
    at: Span | None = None,
    *,
    lazy: bool = False,
    files: InputFiles = DISK,
    limit: int | None = None,
    keep: bool = False,
) -> tuple[str | None, bytes] | None:
    """A file's text and bytes, or None with a diagnostic if it is missing, empty, binary, not
    UTF-8, larger than `limit` bytes (MAX_DOCUMENT_BYTES by default) or where this run may not read.

    With `lazy`, a file of ASCII bytes (valid UTF-8 whatever it holds) is not decoded: the text
    is None, and the caller decodes it if it needs it (see `_Load.text`). `keep`: the bytes are
    kept for the next read of the file (`InputFiles.read`).
    """
    span = at or Span.point(path, 1, 1)
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    kind = "an evidence file may be"
    if limit == MAX_DOCUMENT_BYTES and path.lower().endswith((*YAML_SUFFIXES, ".json")):
        if files.size(path) > MAX_PLAIN_DOCUMENT_BYTES:  # (too large either way: told the larger limit)
            limit = MAX_PLAIN_DOCUMENT_BYTES
        else:
            kind += f" unless its cases are written plainly (then {_size(MAX_PLAIN_DOCUMENT_BYTES)})"
    data = read_within(path, span, files, problems, limit, kind,
                       "keep the cases in CSV files (up to 4 GB each), or split the inspection into several files"
                       if limit < MAX_TABLE_BYTES
                       else "split the cases into several CSV files and name them all under `cases:`", keep=keep)
    if data is None:
        return None
    if lazy and files.recall(_ASCII, data, take=not keep):  # (the same bytes, kept from a read just before)
        return None, data
    if not data[:4096].strip() and not data.strip():  # (a large file is not copied to be stripped)
        problems.append(Diagnostic("E101", f"`{path}` is empty", span, _empty_help(path)))
        return None
    nul = data.find(b"\0")
    csv_named = path.lower().endswith(".csv")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # (Excel's "Unicode Text", among others)
        problems.append(Diagnostic(
            "E101", f"`{path}` is UTF-16 text, not UTF-8", Span.point(path, 1, 1),
            "save it again as CSV UTF-8 (in Excel: CSV UTF-8 (Comma delimited))" if csv_named
            else "save it again with the UTF-8 encoding",
        ))
        return None
    if nul >= 0 or data.startswith(b"PK\x03\x04"):
        where = Span.point(path, 1, 1) if nul < 0 or nul < 8192 else _byte_place(path, data, nul)
        problems.append(
            Diagnostic(
                "E101",
                f"`{path}` is not a text file" + ("" if nul < 8192 else ": it holds a NUL character"),
                where,
                "a spreadsheet must be saved as CSV (comma-separated values, UTF-8) first"
                if csv_named
                else "an evidence file is text (YAML or JSON); a workbook's name ends in `.xlsx` or `.ods`",
            )
        )
        return None
    if lazy and data.isascii():
        if keep:
            files.learn(_ASCII, data, True)
        return None, data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(
            Diagnostic(
                "E101",
                f"`{path}` is not UTF-8 text (byte {error.start + 1} cannot be read)",
                _byte_place(path, data, error.start),
                "save the file with the UTF-8 encoding" + (" (in a spreadsheet: CSV UTF-8)" if csv_named else ""),
            )
        )
        return None
    sources[path] = text
    return text, data


# What `read_text` learns of bytes read with `keep`: they passed every check as ASCII, so read
# again (the same object, from `InputFiles.read`) they are not searched again.
_ASCII = "checked text, all ASCII"


def outside(path: str, span: Span, files: InputFiles) -> Diagnostic:
    """A file named where this run may not read (E108); in an upload, one not uploaded with it."""
    if not files.on_disk:
        return Diagnostic("E108", f"`{path}` is not among the files uploaded with it", span, files.refusal_help)
    return Diagnostic("E108", f"`{path}` lies outside the files this run may read", span, files.refusal_help)


def read_within(path: str, span: Span, files: InputFiles, problems: Problems, limit: int, kind: str,
                too_large: str, *, keep: bool = False) -> bytes | None:
    """The bytes of a file of at most `limit` bytes, or None with why not added to `problems`:
    E108, E101, or E109 (`the 256 MB {kind}`, help `too_large`). A regular file known to be
    too large is refused unread."""
    size = files.size(path)
    try:
        data = b"" if size > limit else files.read(path, limit + 1, keep=keep)
    except FileProblem as problem:
        problems.append(unreadable(path, span, files, problem))
        return None
    if size > limit or len(data) > limit:
        problems.append(Diagnostic("E109", f"`{path}` is larger than the {_size(limit)} {kind}", span, too_large))
        return None
    return data


def unreadable(path: str, span: Span, files: InputFiles, problem: FileProblem,
               help_: str = "check the file name and folder") -> Diagnostic:
    """Why a file cannot be read: where this run may not read (E108), or missing, a folder... (E101)."""
    if problem.outside:
        return outside(path, span, files)
    reason = "it does not exist" if problem.missing else problem.reason
    return Diagnostic("E101", f"cannot read `{path}`: {reason}", span, help_)


def _size(limit: int) -> str:
    for unit, shift in (("GB", 30), ("MB", 20)):
        if limit >= 1 << shift:
            return f"{limit >> shift} {unit}"
    return f"{limit} bytes"


def _byte_place(path: str, data: bytes, offset: int) -> Span:
    """The line and column of byte `offset`."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return Span.point(path, data.count(b"\n", 0, offset) + 1, column)


def read_document(
    path: str,
    problems: Problems,
    sources: dict[str, str],
    files: InputFiles = DISK,
    named_at: Span | None = None,
) -> yaml.MappingNode | None:
    """The YAML node tree of a YAML or JSON file, or None with a diagnostic (at `named_at`, where
    the file is named, if it cannot be read)."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in (*YAML_SUFFIXES, ".json"):
        problems.append(
            Diagnostic(
                "E101",
                f"cannot tell the format of `{path}` from its name",
                named_at or Span.point(path, 1, 1),
                "an Excel 97-2003 workbook (`.xls`) is not read: save it again as an Excel workbook (`.xlsx`)"
                if suffix == ".xls" else
                "evidence files end in `.yaml`, `.yml`, `.json`, `.xlsx` or `.ods`; case tables in `.csv`",
            )
        )
        return None
    read = read_text(path, problems, sources, named_at, files=files)
    if read is None or read[0] is None:
        return None
    text, data = read[0], read[1]
    if suffix == ".json":
        if not _valid_json(path, text, data, problems):
            return None
        text = text.replace("\t", " ")  # JSON allows tabs between tokens, YAML does not; strings hold none
    if "&" in text and not _no_anchors(path, text, problems):
        return None
    return compose(path, suffix, text, problems)


def compose(path: str, suffix: str, text: str, problems: Problems) -> yaml.MappingNode | None:
    """The YAML node tree of a text read and checked by `read_document` (or, for JSON, decoded
    by `json_cases`: valid JSON, with tabs only between tokens), or None with a diagnostic."""
    if suffix == ".json" and "\t" in text:
        text = text.replace("\t", " ")
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        colon = _colon_left_out(error, text)
        unclosed = _never_closed(error)
        if colon is not None or unclosed is not None:
            # (PyYAML finds it where the next line starts, or at the file's end: the line with
            # the key, or the quote or bracket that opens, is meant)
            mark = error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (unclosed[0] if unclosed else error.problem or "unreadable").rstrip(".")
        tab = mark is not None and "\t" in text[text.rfind("\n", 0, mark.index) + 1 : mark.index + 1]
        help_ = "indent with spaces, not tabs" if tab else colon or (unclosed[1] if unclosed else _yaml_help(error))
        if suffix == ".json":  # valid JSON that YAML cannot read: say so in JSON's words
            message, help_ = f"`{path}` cannot be read as JSON text: {problem}", _json_help(problem)
        else:
            message = f"`{path}` is not valid YAML: {problem}"
        problems.append(Diagnostic("E102", message, Span.point(path, line, column), help_))
        return None
    except yaml.YAMLError as error:
        kind = "JSON" if suffix == ".json" else "YAML"
        problems.append(Diagnostic("E102", f"`{path}` is not valid {kind}: {error}", Span.point(path, 1, 1)))
        return None
    except RecursionError:  # (only without libyaml, which refuses nesting over 1000 deep itself)
        problems.append(
            Diagnostic("E102", f"`{path}` is not valid YAML: it is nested too deeply", Span.point(path, 1, 1))
        )
        return None
    if root is None:
        problems.append(
            Diagnostic("E101", f"`{path}` is empty", Span.point(path, 1, 1), _empty_help(path))
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


def _valid_json(path: str, text: str, data: bytes, problems: Problems) -> bool:
    """Whether a text is JSON (strictly: no comments, no trailing commas) within the nesting limit."""
    import json

    deep = _too_deep(data)
    if deep is not None:
        problems.append(
            Diagnostic(
                "E109",
                f"`{path}` nests lists and fields more than {MAX_JSON_DEPTH} deep",
                _byte_place(path, data, deep),
                "an evidence file needs only a few levels: cases, a case, its answers",
            )
        )
        return False
    try:  # numbers are kept as text (as YAML keeps them): no figure of any length is converted here
        json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except json.JSONDecodeError as error:
        where = Span.point(path, error.lineno, error.colno)
        help_ = "check the commas, quotes and brackets here (JSON allows no comma before `}` or `]`)"
        before = text[: error.pos].rstrip()
        if error.msg.startswith("Expecting ',' delimiter") and before and "\n" in text[len(before) : error.pos]:
            # (the reader stops at the next line's value: the comma is missing where the line before ends)
            line = before.count("\n") + 1
            where = Span.point(path, line, len(before) - before.rfind("\n"))
            help_ = f"is a `,` missing at the end of line {line}? Values in a list or object are separated by commas"
        problems.append(Diagnostic("E102", f"`{path}` is not valid JSON: {error.msg.lower()}", where, help_))
        return False
    return True


_QUOTE, _BACKSLASH = ord('"'), ord("\\")
_OPEN, _CLOSE = (ord("["), ord("{")), (ord("]"), ord("}"))


def too_deep(data: bytes) -> bool:
    """Whether a JSON text nests lists and fields deeper than MAX_JSON_DEPTH."""
    return _too_deep(data) is not None


def _too_deep(data: bytes) -> int | None:
    """The offset of the first bracket of a JSON text nested deeper than MAX_JSON_DEPTH, if one is.

    Brackets inside strings do not count: a quote opens or closes a string unless it follows a
    run of backslashes of odd length. (In UTF-8 no byte of a longer character is one of these.)
    """
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return None
    text = np.frombuffer(data, dtype=np.uint8)
    opening, closing = np.isin(text, _OPEN), np.isin(text, _CLOSE)
    marks = np.flatnonzero((text == _QUOTE) | (text == _BACKSLASH) | opening | closing)
    kind = text[marks]
    backslash = kind == _BACKSLASH
    after = np.zeros(len(marks), dtype=np.bool_)  # right after a backslash
    after[1:] = backslash[:-1] & (marks[1:] == marks[:-1] + 1)
    run_starts = np.flatnonzero(backslash & ~after)
    run = np.cumsum(backslash & ~after)  # which run of backslashes each mark is in or after
    length = np.arange(len(marks)) - run_starts[np.maximum(run - 1, 0)] + 1 if len(run_starts) else run
    escaped = np.zeros(len(marks), dtype=np.bool_)
    escaped[1:] = after[1:] & (length[:-1] % 2 == 1)
    quote = (kind == _QUOTE) & ~escaped
    inside = (np.cumsum(quote) - quote) % 2 == 1  # after an odd number of quotes: within a string
    step = (opening[marks].astype(np.int64) - closing[marks]) * ~inside
    over = np.flatnonzero(np.cumsum(step) > MAX_JSON_DEPTH)
    return int(marks[over[0]]) if len(over) else None


def _no_anchors(path: str, text: str, problems: Problems) -> bool:
    """Whether a YAML text has no anchors (`&name`) and so no aliases (`*name`); reports each anchor."""
    found = len(problems)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            anchor = getattr(event, "anchor", None)
            if anchor is None or isinstance(event, yaml.AliasEvent):
                continue
            mark = event.start_mark
            assert mark is not None  # INVARIANT: the parser marks every event
            problems.append(
                Diagnostic(
                    "E109",
                    f"`&{shown(anchor)}` marks a value to be repeated elsewhere (an anchor), which evidence files do not use",
                    Span(path, mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2 + len(anchor)),
                    "write each value out where it belongs (anchors and aliases can repeat text without end)",
                )
            )
    except yaml.YAMLError:
        pass  # composing reports it
    return len(problems) == found


_OPENED = {  # what PyYAML was reading when it stopped: the mistake, and its help
    "while scanning a quoted scalar": ("the quoted text that starts here is never closed",
                                       "end the text with the quote it starts with (`\"` or `'`)"),
    "while parsing a flow mapping": ("the `{` here is never closed with `}`",
                                     "end the fields with `}`, or write each on a line of its own without the braces"),
    "while parsing a flow sequence": ("the `[` here is never closed with `]`",
                                      "end the list with `]`, or write each entry on a line of its own after `- `"),
}


def _never_closed(error: yaml.MarkedYAMLError) -> tuple[str, str] | None:
    """A quote or a bracket opened and never closed (PyYAML marks the opening as the context
    and stops at the file's end, or at the first line that cannot belong): the problem and its
    help, else None."""
    if error.context_mark is None or error.problem_mark is None:
        return None
    if error.problem_mark.line == error.context_mark.line:
        return None  # (on the line it opens: the mistake is where the reader stopped)
    return _OPENED.get(error.context or "")


def _colon_left_out(error: yaml.MarkedYAMLError, text: str) -> str | None:
    """The help for a field whose `:` is left out (`A1.oasys good`), else None."""
    mark = error.context_mark
    if error.context != "while scanning a simple key" or mark is None or "':'" not in (error.problem or ""):
        return None
    end = text.find("\n", mark.index)
    words = text[mark.index : len(text) if end < 0 else end].split()
    if not words:
        return None
    return f"is a `:` missing after `{words[0]}`? A field is written `name: value`"


def _yaml_help(error: yaml.MarkedYAMLError) -> str:
    context = f"{error.context}; " if error.context else ""
    return f"{context}check indentation, and quote values that contain `:` or `#`"


def _json_help(problem: str) -> str:
    if "unicode" in problem.lower():
        return "a `\\u` escape must name a whole character (`\\ud800` alone is half of one)"
    return "check the text here"


def resolve(path: str, reference: str, files: InputFiles = DISK) -> str:
    """A file named in the file `path`, from that file's folder, written as the command line would
    name it: relative to the working folder when it lies under it (so no output depends on where
    a copy of the files is kept).

    Among files held alone (an upload to the service), a name is read as it is written: neither
    `~` nor the working folder means anything there, so `/srv/x.csv` names no file of the upload
    whatever folder the service runs in, and what the service says of it shows no folder of its own.
    """
    if not files.on_disk:
        return os.path.normpath(os.path.join(os.path.dirname(path), reference))
    resolved = os.path.normpath(os.path.join(os.path.dirname(path), os.path.expanduser(reference)))
    if os.path.isabs(resolved):
        relative = os.path.relpath(resolved)
        return resolved if relative.startswith("..") else relative
    return resolved


def _empty_help(path: str) -> str:
    if path.lower().endswith(".csv"):
        return "a CSV file of cases has a heading row (`id` and the questions' ids) and a row for each case"
    return "an evidence file needs at least one field"


# ---------------------------------------------------------------------------------------------
# Nodes


def at(file: str, node: yaml.Node) -> Span:
    """Where a node is written: the whole value (a list or set of fields from its start to its end)."""
    start, end = node.start_mark, node.end_mark
    if end is None or end.index <= start.index:
        return Span.point(file, start.line + 1, start.column + 1, start.index)
    return Span(file, start.line + 1, start.column + 1, end.line + 1, end.column + 1, start.index, end.index)


def node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "set of fields"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value" if node.tag != NULL else "blank"


def fields(file: str, node: yaml.Node, problems: Problems) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
    """The (key, key node, value node) of a mapping, reporting keys given twice: in other
    capitals too, since ids and field names are read whatever their capitals (the last of two
    ratings `A1.visibility` and `a1.visibility` was taken, without a word)."""
    seen: dict[str, str] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(
                Diagnostic("E103", "a field name must be a single word or id", at(file, key_node), "write the name alone before the `:`")
            )
            continue
        key = key_node.value.strip()
        if not _plain_text(file, key_node, key, "a field name", problems, CONTROL):
            continue
        first = seen.get(key.lower())
        if first is not None:
            problems.append(
                Diagnostic(
                    "E106",
                    f"`{key}` is given twice" + (f" (also as `{first}`: capitals do not tell them apart)"
                                                 if first != key else ""),
                    at(file, key_node),
                    "keep one, with what both hold: which one is meant cannot be told, so nothing is scored",
                )
            )
            continue
        seen[key.lower()] = key
        yield key, key_node, value_node


def mapping_value(node: yaml.Node, key: str) -> yaml.Node | None:
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


def scalar_text(file: str, node: yaml.Node, what: str, problems: Problems) -> str | None:
    """A single value's text; None for a blank (and a diagnostic for a list or set of fields, or
    for a value holding a control character other than a tab or a line break)."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL:
            return None
        text = str(node.value)
        return text if _plain_text(file, node, text, what, problems, TEXT_CONTROL) else None
    problems.append(
        Diagnostic(
            "E103",
            f"{what} must be a single value, not a {node_kind(node)}",
            at(file, node),
            "write one value here, without brackets (quote it if it holds `: ` or ` #`)",
        )
    )
    return None


def _plain_text(file: str, node: yaml.Node, text: str, what: str, problems: Problems, control: re.Pattern[str]) -> bool:
    """Whether a value holds no control character; reports the first it holds."""
    found = control.search(text)
    if found is None:
        return True
    problems.append(
        Diagnostic(
            "E117",
            f"{what} `{shown(text)}` holds a control character (`{shown(found.group())}`)",
            at(file, node),
            "remove it: values are plain text (a program may have written a character it could not show)",
        )
    )
    return False


def expect(file: str, node: yaml.Node, kind: type, what: str, problems: Problems) -> bool:
    if isinstance(node, kind):
        return True
    if isinstance(node, yaml.ScalarNode) and node.tag == NULL:
        return False  # a blank field: nothing given
    wanted = "list" if kind is yaml.SequenceNode else "set of fields"
    example = "each item on a line of its own starting with `- `" if kind is yaml.SequenceNode else "`name: value`, one a line"
    problems.append(
        Diagnostic(
            "E103",
            f"{what} must be a {wanted}, not a {node_kind(node)}",
            at(file, node),
            f"write a {wanted} here: {example} (see docs/evidence-format.md)",
        )
    )
    return False


def move_marks(root: yaml.Node, after: int, index_by: int, lines_by: int, line: int, column_by: int) -> None:
    """Move the place of every node of a tree read from a text with a part cut out (at character
    `after` of the text read) back to its place in the whole text: a mark at or after `after`
    moves `index_by` characters and `lines_by` lines, and one on line `line` (from 0) also
    `column_by` columns. (A fast path reads an evidence file's other fields this way.)"""
    moved: dict[int, yaml.Mark] = {}  # (a mark may be shared by two nodes: moved once)

    def move(mark: yaml.Mark) -> yaml.Mark:
        if mark is None or mark.index < after:
            return mark
        column = mark.column + column_by if mark.line == line else mark.column
        return yaml.Mark(mark.name, mark.index + index_by, mark.line + lines_by, column, None, None)  # type: ignore[arg-type]

    stack = [root]
    while stack:
        node = stack.pop()
        for attribute in ("start_mark", "end_mark"):
            mark = getattr(node, attribute)
            if id(mark) not in moved:
                moved[id(mark)] = move(mark)
            setattr(node, attribute, moved[id(mark)])
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, item in node.value:
                stack.extend((key, item))
