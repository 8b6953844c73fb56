"""Cases written in a JSON evidence file, read by a vectorised scanner (the fast path): the file's bytes in, a case table and the file's other text out (or None).

`read_json_cases` finds the `cases:` list with msgspec (which checks that the whole file is JSON),
cuts the list into one piece per field written, from the opening quote of the field's name to
the next name's (`B1.start":"partly","`), numbers each distinct piece once (pyarrow's dictionary
encoding: a few thousand distinct pieces stand for millions of fields) and reads each distinct
piece once in Python. The case, field and text of every field then come from numpy look-ups
(`triples`), with no Python call per value. The file's other fields are read as YAML nodes from
its text with the list written `[]`, each node's place then moved back to where it is in the file.

Plain means: cases written inline as a list of sets of fields; every field of a case and of its
answers named by its exact name in the ruleset (`id`, `sample`, an attribute, `answers`, a
question id); every value a string or null (`answers` a set of fields or null); no field given
twice; no backslash in the list and no `\\u` in the file; no character YAML reads otherwise
than JSON. Any other file gives None, and the caller reads it the exact way (`yaml_cases`), which
reports every problem at its place. The caller also takes the exact way when the table gives any
problem or warning, so the fast path never reports anything itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import yaml

from esirules.evidence.table import CaseTable
from esirules.evidence.triples import table_from_triples
from esirules.evidence.vocabulary import TEXT_CONTROL, Vocabulary

_CASE_FIELDS = ("id", "sample", "answers")
_SPACE = b" \t\n\r"
# Characters YAML reads otherwise than JSON in a quoted value (line breaks, a byte-order mark) or
# refuses (not printable): a text holding one is left to the exact path.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY, _NULL, _OBJECT = 1, 2, 3  # what follows a field's name: a text, null, a set of fields


def read_json_cases(
    file: str, data: bytes, vocab: Vocabulary, *, ascii: bool = False
) -> tuple[str, bytes, CaseTable, Callable[[yaml.Node], None]] | None:
    """The case table of a plain JSON evidence file; its text with the list of cases written `[]`;
    its bytes likewise (for the checks of the other fields); and a function that moves the place
    of each node of that text's tree back to its place in the file.

    `data` is valid UTF-8 (`ascii`: it is all ASCII), as `read_text` gives it.
    """
    import msgspec

    if b"\\u" in data:
        return None  # (a surrogate pair is one character to JSON, two to YAML)
    try:
        top = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    raw = top.get("cases")
    if raw is None:
        return None
    region = memoryview(raw)
    listed = np.frombuffer(region, dtype=np.uint8)
    start = int(listed.ctypes.data - np.frombuffer(data, dtype=np.uint8).ctypes.data)
    end = start + len(listed)
    if not 2 < len(listed) < 1 << 31 or data[start : start + 1] != b"[" or data.find(b"\\", start, end) >= 0:
        return None
    scanned = _scan(listed, region, vocab)
    if scanned is None:
        return None
    fields, field, case, value, strings, opens = scanned
    if data.find(b"\n", start, end) >= 0:
        breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
        lines = (np.searchsorted(breaks, opens + start) + 1).tolist()
    else:
        lines = [data.count(b"\n", 0, start) + 1] * len(opens)
    table = table_from_triples(file, lines, fields, field, case, value, strings)
    if table is None:
        return None
    before, after = data[:start].decode("utf-8"), data[end:].decode("utf-8")
    length = end - start if ascii else len(data[start:end].decode("utf-8"))
    move = _mover(data, start, end, before, length)
    return before + "[]" + after, data[:start] + b"[]" + data[end:], table, move


def _scan(
    listed: np.ndarray, region: memoryview, vocab: Vocabulary
) -> tuple[list[str | None], np.ndarray, np.ndarray, np.ndarray, list[str | None], np.ndarray] | None:
    """The fields written in the list (number, case, text of each), the distinct texts, and where
    each case's `{` is in the list; None if the list is not plain."""
    import pyarrow as pa
    from pyarrow._compute import call_function  # (pyarrow.compute itself takes 0.2 s to import)

    quotes = np.flatnonzero(listed == ord('"'))
    if len(quotes) < 2 or len(quotes) % 2:
        return None
    closes = quotes[1::2]
    if closes[-1] + 1 >= len(listed):
        return None
    names = quotes[0::2][listed[closes + 1] == ord(":")]  # (JSON never writes a space before the colon)
    m = len(names)
    if not m:
        return None
    offsets = np.empty(m + 1, dtype=np.int32)
    offsets[:m] = names + 1
    offsets[m] = len(listed)
    pieces = pa.Array.from_buffers(pa.binary(), m, [None, pa.py_buffer(offsets), pa.py_buffer(region)])
    encoded = call_function("dictionary_encode", [pieces])
    codes = encoded.indices.to_numpy()
    del pieces
    prefix = bytes(region[: names[0]]).translate(None, _SPACE)
    if prefix != b"[{":
        return None

    case_fields = {"id": 0, "sample": 1, "answers": 2}
    fields: list[str | None] = ["id", "sample", None]
    for attribute in vocab.attributes:
        if vocab.resolve_attribute(attribute) == attribute and attribute not in _CASE_FIELDS:
            case_fields[attribute] = len(fields)
            fields.append(f"attribute:{attribute}")
    answer_fields = {}
    for question in vocab.questions:
        if vocab.resolve_question(question) == question:
            answer_fields[question] = len(fields)
            fields.append(f"answer:{question}")
    by_depth = (case_fields, answer_fields)

    # Each distinct piece read once: its field at each depth it may be at (1: a case's field,
    # 2: an answer), the case it opens there (at most one), the change of depth, and its text.
    # Pieces of the same shape (name, what follows, the text after the value) share one reading.
    strings: list[str | None] = [None]
    numbers: dict[str, int] = {}
    known = encoded.dictionary.to_pylist()
    last = int(codes[-1])
    shapes: dict[tuple[bytes, int, bytes, bool], tuple[int, int, int, int, int] | None] = {}
    readings: list[tuple[int, int, int, int, int]] = []
    values: list[int] = []
    for code, piece in enumerate(known):
        ending = code == last  # the last piece: the list ends in it (no quote after)
        parts = piece.split(b'"')
        if not ending and parts.pop() != b"":
            return None
        number = 0
        if len(parts) == 4:  # name":"value<between>
            follows, between = _KEY, parts[3]
            if parts[1].translate(None, _SPACE) != b":":
                return None
            found = _number(parts[2], numbers, strings)
            if found is None:
                return None
            number = found
        elif len(parts) == 2:  # name":null<between> or name":{<between>
            between = parts[1].translate(None, _SPACE)
            if between.startswith(b":null"):
                follows, between = _NULL, between[5:]
            elif between.startswith(b":{"):
                follows, between = _OBJECT, between[2:]
            else:
                return None
        else:
            return None
        shape = (parts[0], follows, between, ending)
        if shape not in shapes:
            shapes[shape] = _reading(parts[0], follows, between.translate(None, _SPACE), ending, by_depth)
        reading = shapes[shape]
        if reading is None:
            return None
        readings.append(reading)
        values.append(number)
    read = np.array(readings, dtype=np.int32).reshape(-1, 5)
    field_at = np.full((len(known), 3), -1, dtype=np.int32)
    opens = np.zeros((len(known), 3), dtype=np.int32)
    field_at[:, 1], field_at[:, 2], opens[:, 1], opens[:, 2], step = read.T
    open_at = np.array([piece.rfind(b"{") for piece in known], dtype=np.int64)  # (a case's `{` is its piece's last)
    value = np.array(values, dtype=np.int32)

    # Every field's depth (1 or 2), its case, and where each case opens, by look-ups.
    depths = np.empty(m, dtype=np.int32)
    depths[0] = 1
    np.cumsum(step[codes[:-1]], out=depths[1:])
    depths[1:] += 1
    if depths.min() < 1 or depths.max() > 2:
        return None
    field = field_at[codes, depths]
    if (field < 0).any():
        return None
    opening = opens[codes, depths]
    case = np.empty(m, dtype=np.int32)
    case[0] = 0
    np.cumsum(opening[:-1], out=case[1:])
    where = np.flatnonzero(opening[:-1])
    first = bytes(region[: names[0]]).rfind(b"{")
    case_starts = np.concatenate(([first], offsets[where] + open_at[codes[where]]))
    return fields, field, case, value[codes], strings, case_starts


def _reading(
    name: bytes, follows: int, between: bytes, ending: bool, by_depth: tuple[dict[str, int], dict[str, int]]
) -> tuple[int, int, int, int, int] | None:
    """A piece's field number at depth 1 and at depth 2 (-1 where it cannot be), the cases it
    opens at each, and the change of depth it makes; None if it can be at neither depth."""
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        return None
    found = [-1, -1, 0, 0, 0]
    for depth in (1, 2):
        number = by_depth[depth - 1].get(text)
        answers = depth == 1 and text == "answers"
        if number is None or (follows == _OBJECT and not answers) or (follows == _KEY and answers):
            continue  # (only `answers` holds a set of fields, and it holds nothing else but null)
        walked = _walk(between, depth + (follows == _OBJECT), ending)
        if walked is not None:
            found[depth - 1], found[depth + 1], found[4] = number, walked[1], walked[0] - depth
    return None if found[0] < 0 and found[1] < 0 else (found[0], found[1], found[2], found[3], found[4])


def _number(text: bytes, numbers: dict[str, int], strings: list[str | None]) -> int | None:
    """The number of a value's text (numbering it if new); None for a text the fast path leaves
    to the exact one."""
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError:
        return None
    number = numbers.get(decoded)
    if number is None:
        if TEXT_CONTROL.search(decoded) or _NOT_YAML.search(decoded):
            return None
        number = numbers[decoded] = len(strings)
        strings.append(decoded)
    return number


def _walk(between: bytes, depth: int, last: bool) -> tuple[int, int] | None:
    """What the text between a field's value and the next field's name (spaces taken out) does,
    from `depth`: the depth it ends at and the cases it opens (0 or 1); None if it is not plain
    (a list, a number, a case opened twice)."""
    opened = 0
    for index, char in enumerate(between):
        if char == ord(","):
            continue
        if char == ord("}"):
            depth -= 1
            if depth < 0:
                return None
        elif char == ord("{"):
            if depth != 0 or opened:
                return None
            opened, depth = 1, 1
        elif char == ord("]") and last and depth == 0 and index == len(between) - 1:
            return depth, opened
        else:
            return None
    if last or depth < 1:
        return None
    return depth, opened


def _mover(data: bytes, start: int, end: int, before: str, length: int) -> Callable[[yaml.Node], None]:
    """A function moving the marks of a node tree read from the text with the list of cases
    (`length` characters from byte `start` to `end`) written `[]` back to their places in the
    file's text (line, column and character index). `before` is the text before the list."""
    breaks = data.count(b"\n", start, end)
    line = before.count("\n")  # (from 0, as marks count)
    column = len(before) - (before.rfind("\n") + 1)
    if breaks:
        last_column = len(data[data.rfind(b"\n", start, end) + 1 : end].decode("utf-8"))
    else:
        last_column = column + length
    after = len(before) + 2  # the first index after `[]` in the text read

    def move(mark: Any) -> Any:
        if mark is None or mark.index < after:
            return mark
        column_ = mark.column - (column + 2) + last_column if mark.line == line else mark.column
        return yaml.Mark(mark.name, mark.index + length - 2, mark.line + breaks, column_, None, None)  # type: ignore[arg-type]

    def walk(root: yaml.Node) -> None:
        moved: dict[int, Any] = {}  # (a mark may be shared by two nodes: moved once)
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

    return walk
