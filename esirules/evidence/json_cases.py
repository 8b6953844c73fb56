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

from esirules.evidence.document import move_marks
from esirules.evidence.table import CaseTable
from esirules.evidence.triples import field_numbers, number_pieces, table_from_triples
from esirules.evidence.vocabulary import TEXT_CONTROL, Vocabulary
from esirules.files import InputFiles

_SPACE = b" \t\n\r"
# Characters YAML reads otherwise than JSON in a quoted value (line breaks, a byte-order mark) or
# refuses (not printable): a text holding one is left to the exact path.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_TEXT, _NULL, _OBJECT = 1, 2, 3  # a field's value: a text, null, a set of fields


def read_json_cases(
    file: str, data: bytes, vocab: Vocabulary, *, ascii: bool = False, files: InputFiles | None = None
) -> tuple[str, bytes, CaseTable, Callable[[yaml.MappingNode], bool]] | None:
    """The case table of a plain JSON evidence file; its text with the list of cases written `[]`;
    its bytes likewise (for the checks of the other fields); and a function that moves the place
    of each node of that text's tree back to its place in the file.

    `data` is valid UTF-8 (`ascii`: it is all ASCII), as `read_text` gives it.
    """
    found = _cases_list(data, files)
    if found is None:
        return None
    region, start, end = found
    listed = np.frombuffer(region, dtype=np.uint8)
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
    text, move = _cut(data, start, end, ascii)
    return text, data[:start] + b"[]" + data[end:], table, move


def without_cases(
    data: bytes, *, ascii: bool = False, files: InputFiles | None = None
) -> tuple[str, Callable[[yaml.MappingNode], bool]] | None:
    """The text of a JSON evidence file with its list of cases written `[]`, and the function that
    moves the marks of its node tree back to their places in the file; None if the file is not a
    JSON object with a list of cases free of escapes. For reading the file's other fields (the
    ruleset it names) without the cases. The fields found are kept for the loader."""
    found = _cases_list(data, files, keep=True)
    return None if found is None else _cut(data, found[1], found[2], ascii)


def _cases_list(
    data: bytes, files: InputFiles | None = None, *, keep: bool = False
) -> tuple[memoryview, int, int] | None:
    """The list of cases (its bytes, where it starts and ends in the file), if it is there and
    free of escapes (`\\u` anywhere in the file: a surrogate pair is one character to JSON, two to YAML)."""
    top = top_level(data, files, keep=keep)
    if top is None:
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
    if data.find(b"\\u", 0, start) >= 0 or data.find(b"\\u", end) >= 0:
        return None
    return region, start, end


def _cut(data: bytes, start: int, end: int, ascii: bool) -> tuple[str, Callable[[yaml.MappingNode], bool]]:
    before, after = data[:start].decode("utf-8"), data[end:].decode("utf-8")
    length = end - start if ascii else len(data[start:end].decode("utf-8"))
    return before + "[]" + after, _mover(data, start, end, before, length)


_FIELDS = "JSON top-level fields"  # (what `top_level` notes of a file's bytes in `InputFiles`)


def top_level(data: bytes, files: InputFiles | None = None, *, keep: bool = False) -> dict[str, Any] | None:
    """A JSON document's top-level fields, each value its raw bytes (msgspec, which checks that
    the whole document is JSON), or None if it is not a JSON object.

    `keep`: note them in the run's `files` for the next call with the same bytes, which takes
    them (a file whose fields tell whether it is evidence is then read as evidence: one decoding)."""
    if files is not None:
        kept = files.recall(_FIELDS, data, take=not keep)
        if kept is not None:
            return kept  # type: ignore[return-value]
    import msgspec

    try:
        found = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    if keep and files is not None:
        files.learn(_FIELDS, data, found)
    return found


def _scan(
    listed: np.ndarray, region: memoryview, vocab: Vocabulary
) -> tuple[list[str | None], np.ndarray, np.ndarray, np.ndarray, list[str | None], np.ndarray] | None:
    """The fields written in the list (number, case, text of each), the distinct texts, and where
    each case's `{` is in the list; None if the list is not plain.

    The list is cut after every name's `":` (no value holds a quote, so `":` ends a name and
    nothing else): piece k holds the value of field k-1, what lies between it and the next
    name, and the name of field k (`"partly","B1.review":`); the first piece holds `[{` and
    the first name, the last the last value and the list's end.
    """
    offsets = _name_ends(listed)
    m = len(offsets) - 2  # names (JSON writes no space before the colon; a file that does is not plain)
    if not m:
        return None
    codes, known = number_pieces(region, offsets, arrow=True)

    fields, case_fields, answer_fields = field_numbers(vocab)
    by_depth = (case_fields, answer_fields)

    # Each distinct piece read once (pieces of one shape share a reading): the kind and text of
    # the value it ends, its name's field at depth 1 and 2 (-1: it cannot be there), and, from
    # the depth of the value's field, whether the text between is plain there, the case it
    # opens (at most one), and the change of depth. A piece that ends a text (`"partly","B1.x":`)
    # is read by what follows its text, so the many pieces that differ in their text alone (every
    # case's id) share one reading, and their texts are numbered without a Python call each.
    split = _text_pieces(known)
    if split is None:
        return None
    is_text, text_number, strings, rest_of, rests = split
    first, last = int(codes[0]), int(codes[-1])
    shapes: dict[tuple[int, bytes, bytes, int], int] = {}
    readings: list[tuple[int, ...]] = []

    def reading(kind: int, between: bytes, name: bytes | None, where: int) -> int:
        """The number of the reading of a piece of this shape (-1: not plain)."""
        shape = (kind, between, name or b"", where)
        if shape not in shapes:
            found = _reading(kind, between, name, where, by_depth)
            shapes[shape] = -1 if found is None else len(readings)
            if found is not None:
                readings.append(found)
        return shapes[shape]

    after_text = []
    for rest in rests:
        parts = rest.split(b'"')
        plain = len(parts) == 3 and parts[2] == b":"
        after_text.append(reading(_TEXT, parts[0].translate(None, _SPACE), parts[1], 2) if plain else -1)
    reading_of = np.full(len(known), -1, dtype=np.int32)
    general = is_text.copy()
    general[[first, last]] = False  # (first and last are each one of a kind)
    reading_of[general] = np.array(after_text, dtype=np.int32)[rest_of[general]]
    value_of = np.where(is_text, text_number, 0).astype(np.int32)
    for code in np.flatnonzero(~general).tolist():
        piece = _piece(known, code)
        parts = piece.split(b'"')
        where = 0 if code == first else 1 if code == last else 2
        if where == 0:
            if len(parts) != 3 or parts[0].translate(None, _SPACE) != b"[{":
                return None
            kind = _NULL  # (no value before the first name)
        elif is_text[code]:
            kind, parts = _TEXT, parts[2:]
        elif parts[0].lstrip(_SPACE).startswith(b"null"):
            kind, parts[0] = _NULL, parts[0].lstrip(_SPACE)[4:]
        elif parts[0].lstrip(_SPACE).startswith(b"{"):
            kind, parts[0] = _OBJECT, parts[0].lstrip(_SPACE)[1:]
        else:
            return None
        if len(parts) != (1 if where == 1 else 3) or (where != 1 and parts[2] != b":"):
            return None
        between = b"" if where == 0 else parts[0].translate(None, _SPACE)
        reading_of[code] = reading(kind, between, parts[1] if where != 1 else None, where)
    if not readings or (reading_of < 0).any():
        return None
    read = np.array(readings, dtype=np.int32).reshape(-1, 7)[reading_of]
    value = value_of
    kind_of, field_at, plain_at, opens_at, step = read[:, 0], read[:, 1:3], read[:, 3:5], read[:, 5], read[:, 6]
    # (bytes where a byte holds them: each look-up below makes an array of one per piece)
    kind_of, opens_at, step = kind_of.astype(np.int8), opens_at.astype(np.int8), step.astype(np.int8)
    open_at = _last_brace(known, opens_at)  # (a case's `{` is its piece's last)

    # Each name's depth (1 or 2), its field, its case; each field's value; by look-ups.
    steps = step[codes]
    depths = np.empty(m + 1, dtype=np.int32)  # the depth of piece k's name (the last: where the list ends)
    np.cumsum(steps, out=depths)
    del steps
    depths += 1
    if depths[:-1].min() < 1 or depths[:-1].max() > 2 or depths[-1] != 0:
        return None
    before = depths[:-1] - 1  # (from 0: the depth of the field each piece from the second ends)
    # (a piece's readings at depths 1 and 2 side by side: one flat look-up, where a look-up by two
    # arrays of indices makes an array of 64-bit positions first, twice as slow)
    at_depth = codes * 2
    if not plain_at.astype(np.bool_).ravel()[at_depth[1:] + before].all():
        return None
    field = np.ascontiguousarray(field_at).ravel()[at_depth[:-1] + before]
    if (field < 0).any():
        return None
    kinds = kind_of[codes[1:]]
    answers = field == 2
    if ((kinds == _OBJECT) & ~answers).any():
        return None  # only `answers` holds a set of fields
    if (answers & (kinds == _TEXT)).any():
        return None  # ...and it holds nothing else but null
    opening = opens_at[codes]
    if opening[-1] or not opening[0]:
        return None
    case = np.cumsum(opening[:-1], dtype=np.int32) - 1
    opened = np.flatnonzero(opening)
    case_starts = offsets[opened] + open_at[codes[opened]]
    return fields, field, case, value[codes[1:]], strings, case_starts


_BLOCK = 1 << 22  # bytes looked at in one go: arrays of a block stay in the processor's cache


def _name_ends(listed: np.ndarray) -> np.ndarray:
    """Where the pieces start: 0, just after each `":` (the end of a name), and the list's end,
    found block by block."""
    parts = [np.zeros(1, dtype=np.int32)]
    for low in range(1, len(listed), _BLOCK):
        high = min(len(listed), low + _BLOCK)
        ends = listed[low:high] == ord(":")
        ends &= listed[low - 1 : high - 1] == ord('"')
        found = np.flatnonzero(ends).astype(np.int32)
        found += low + 1
        parts.append(found)
    parts.append(np.array([len(listed)], dtype=np.int32))
    return np.concatenate(parts)


def _reading(
    kind: int, between: bytes, name: bytes | None, where: int, by_depth: tuple[dict[str, int], dict[str, int]]
) -> tuple[int, ...] | None:
    """A piece's reading: the kind of value it ends, its name's field number at depth 1 and 2,
    whether it is plain from a value at depth 1 and 2, the cases it opens (the same from either
    depth), and the change of depth it makes (from its value's field to its name)."""
    fields = [-1, -1]
    if name is not None:
        try:
            text = name.decode("utf-8")
        except UnicodeDecodeError:
            return None
        fields = [by_depth[0].get(text, -1), by_depth[1].get(text, -1)]
    if where == 0:  # `[{` then the first name, at depth 1
        return (kind, fields[0], fields[1], 1, 1, 1, 0)
    plain, opens, step = [0, 0], 0, 0
    for depth in (1, 2):
        walked = _walk(between, depth + (kind == _OBJECT), where == 1)
        if walked is not None:
            plain[depth - 1], opens, step = 1, walked[1], walked[0] - depth
    if not any(plain) or (name is not None and max(fields) < 0):
        return None
    return (kind, fields[0], fields[1], plain[0], plain[1], opens, step)


_TEXT_PIECE = re.compile(rb'[ \t\n\r]*"([^"]*)"(.*)', re.S)
_TEXT_PIECE_RE2 = r'(?s)^[ \t\n\r]*"(?P<text>[^"]*)"(?P<rest>.*)$'


def _text_pieces(
    known: Any,
) -> tuple[np.ndarray, np.ndarray, list[str | None], np.ndarray, list[bytes]] | None:
    """Of each distinct piece: whether it ends a text (spaces, then a quoted text); the number of
    that text among the texts (None first, then each distinct text); the number of what follows
    it among the distinct such rests. None if a text is one the fast path leaves to the exact
    one (a control character, or a character YAML reads otherwise than JSON).

    `known` is a list of bytes, or a pyarrow binary array (numbered by pyarrow, vectorised)."""
    if isinstance(known, list):
        numbers: dict[bytes, int] = {}
        rest_numbers: dict[bytes, int] = {}
        is_text, text_number, rest_of = [], [], []
        for piece in known:
            found = _TEXT_PIECE.fullmatch(piece)
            is_text.append(found is not None)
            text, rest = found.groups() if found is not None else (b"", b"")
            text_number.append(numbers.setdefault(text, len(numbers)) + 1)
            rest_of.append(rest_numbers.setdefault(rest, len(rest_numbers)))
        rests = list(rest_numbers)
        joined = b"".join(numbers)
        texts_of = lambda: [text.decode("utf-8") for text in numbers]  # noqa: E731
        flags = np.array(is_text, dtype=np.bool_)
        numbered, after = np.array(text_number, dtype=np.int32), np.array(rest_of, dtype=np.int32)
    else:
        import pyarrow as pa
        from pyarrow._compute import ExtractRegexOptions, call_function

        split = call_function("extract_regex", [known], ExtractRegexOptions(_TEXT_PIECE_RE2))
        validity = split.buffers()[0]  # (a bit per piece, none if every piece is a text)
        if validity is None:
            flags = np.ones(len(split), dtype=np.bool_)
        else:
            bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
            flags = bits[split.offset : split.offset + len(split)].astype(np.bool_)
        texts = call_function("dictionary_encode", [split.field("text")])
        ends = call_function("dictionary_encode", [split.field("rest")])
        numbered = texts.indices.to_numpy().astype(np.int32) + 1
        after = ends.indices.to_numpy()
        rests = ends.dictionary.to_pylist()
        dictionary = texts.dictionary
        lengths = np.frombuffer(dictionary.buffers()[1], dtype=np.int32)[dictionary.offset :][
            : len(dictionary) + 1
        ]
        joined = dictionary.buffers()[2].to_pybytes()[lengths[0] : lengths[-1]] if len(dictionary) else b""
        texts_of = lambda: dictionary.cast(pa.string()).to_pylist()  # noqa: E731
    try:
        decoded = joined.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # (both are tests of one character: one of them in any text is one in the texts joined)
    if TEXT_CONTROL.search(decoded) or _NOT_YAML.search(decoded):
        return None
    strings: list[str | None] = [None, *texts_of()]
    return flags, numbered, strings, after, rests


def _piece(known: Any, code: int) -> bytes:
    """The distinct piece numbered `code` (`known`: a list of bytes or a pyarrow binary array)."""
    return known[code] if isinstance(known, list) else known[code].as_py()  # type: ignore[no-any-return]


def _last_brace(known: Any, wanted: np.ndarray) -> np.ndarray:
    """Where the last `{` is in each distinct piece that opens a case (`wanted`), -1 elsewhere."""
    found = np.full(len(known), -1, dtype=np.int64)
    for code in np.flatnonzero(wanted).tolist():
        piece = _piece(known, code)
        found[code] = piece.rfind(b"{")
    return found


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


def _mover(data: bytes, start: int, end: int, before: str, length: int) -> Callable[[yaml.MappingNode], bool]:
    """A function moving the marks of a node tree read from the text with the list of cases
    (`length` characters from byte `start` to `end`) written `[]` back to their places in the
    file's text (line, column and character index). `before` is the text before the list."""
    breaks = data.count(b"\n", start, end) if data.find(b"\n", start, end) >= 0 else 0  # (a search is 5× quicker)
    line = before.count("\n")  # (from 0, as marks count)
    column = len(before) - (before.rfind("\n") + 1)
    if breaks:
        last_column = len(data[data.rfind(b"\n", start, end) + 1 : end].decode("utf-8"))
    else:
        last_column = column + length

    def move(root: yaml.MappingNode) -> bool:
        move_marks(root, len(before) + 2, length - 2, breaks, line, last_column - (column + 2))
        return True

    return move
