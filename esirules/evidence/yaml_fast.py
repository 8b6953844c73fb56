"""Cases written in a YAML evidence file in plain block style, read by a vectorised scanner (the fast path): the file's bytes in, a case table and the file's other text out (or None).

libyaml makes a node and two marks for every value, so a YAML file of a hundred thousand cases
took minutes. Cases written the plain way (as `yaml.safe_dump`, or a person, writes them) are
regular lines: `- id: C1` opens a case, `  sample: february` is one of its fields, `  answers:`
opens its answers, `    B1.start: partly` is an answer. `read_yaml_cases` cuts the lines under
`cases:` apart, numbers each distinct line once (pyarrow's dictionary encoding), reads each
distinct line once with one regular expression, and finds every line's case, field and text by
numpy look-ups (`triples`). The file's other fields are read as YAML nodes from its text with the
cases written `cases: []`, each node's place then moved back to where it is in the file.

Plain means: the lines from `cases:` (at the start of a line, nothing after it) to the next
line at the start of a line that is not `- ` are cases, each line one of the four above (or
empty); every name the exact name in the ruleset; every value plain text of letters, digits,
spaces and `_./()+-` (not starting with a space, `-` or `.`, nor ending with a space), or quoted
(`'...'` without `'`, `"..."` without `"` or a backslash), or null (nothing, `~`, `null`), and
`answers` nothing, null or `{}`; no tab, comment, anchor or tag; no field given twice. Any other
file gives None, and the caller reads it the exact way (`yaml_cases`), which reports every
problem at its place. The caller also takes the exact way when the table gives any problem or
warning, so the fast path never reports anything itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import yaml

from esirules.evidence.document import move_marks
from esirules.evidence.table import CaseTable
from esirules.evidence.triples import field_numbers, number_pieces, table_from_triples
from esirules.evidence.vocabulary import TEXT_CONTROL, Vocabulary

_CASES = re.compile(rb"cases:[ ]*\n")
_LINE = re.compile(
    r"(?P<dash>(?: *- )?)(?P<indent> *)(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*):"
    r"(?:| +(?:(?P<plain>~|[A-Za-z0-9_(/][A-Za-z0-9_./()+ -]*(?<! ))|'(?P<single>[^'\n]*)'"
    r"|\"(?P<double>[^\"\\\n]*)\"|(?P<empty>\{\})))\n?"
)
_NULLS = frozenset({"~", "null", "Null", "NULL"})
# Characters YAML reads otherwise (line breaks, a byte-order mark) or refuses (not printable).
_NOT_PLAIN = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_EMPTY, _CASE, _FIELD, _ANSWERS, _ANSWER = 0, 1, 2, 3, 4  # the kinds of line
_WIDE = 1 << 16  # (a case's first line: the column of its name times this, plus that of its `- `)


def read_yaml_cases(
    file: str, data: bytes, vocab: Vocabulary, *, ascii: bool = False
) -> tuple[str, CaseTable, Callable[[yaml.MappingNode], bool]] | None:
    """The case table of a YAML evidence file whose cases are plain; its text with the cases
    written `cases: []`; and a function that moves the place of each node of that text's tree
    back to its place in the file, and says whether the tree's `cases` is the one cut out.

    `data` is valid UTF-8 (`ascii`: it is all ASCII), as `read_text` gives it.
    """
    region = _cases_region(data)
    if region is None:
        return None
    _, _, first_line, last_line, starts = region
    scanned = _scan(data, starts[first_line : last_line + 1].astype(np.int64), first_line, vocab)
    if scanned is None:
        return None
    fields, field, case, value, strings, lines = scanned
    table = table_from_triples(file, lines, fields, field, case, value, strings)
    if table is None:
        return None
    text, move = _cut(data, region, ascii)
    return text, table, move


def without_cases(data: bytes, *, ascii: bool = False) -> tuple[str, Callable[[yaml.MappingNode], bool]] | None:
    """The text of a YAML evidence file with its cases written `cases: []`, and the function that
    moves the marks of its node tree back to their places in the file (and says whether the
    tree's `cases` is the one cut out); None if the cases are not where a plain file has them.
    For reading the file's other fields (the ruleset it names) without the cases."""
    region = _cases_region(data)
    return None if region is None else _cut(data, region, ascii)


Region = tuple[int, int, int, int, np.ndarray]


def _cases_region(data: bytes) -> Region | None:
    """Where the cases are: their first and last byte, first line and the line after them (from
    0), and where every line starts; None if the file is not plain there (see the module)."""
    if b"\t" in data or b"\r" in data:
        return None
    at = data.find(b"\ncases:")
    begin = 0 if data.startswith(b"cases:") else at + 1 if at >= 0 else -1
    found = _CASES.match(data, begin, begin + 4096) if begin >= 0 else None
    if found is None or data.find(b"\ncases:", found.end() - 1) >= 0 or (begin == 0 and at >= 0):
        return None  # (`cases:` once, at the start of a line, with nothing after it)
    start = found.end()
    every = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(every == ord("\n"))
    first_line = int(np.searchsorted(breaks, start))  # (from 0) the first line under `cases:`
    starts = np.concatenate(([0], breaks + 1))
    heads = every[np.minimum(starts, len(data) - 1)]
    seconds = every[np.minimum(starts + 1, len(data) - 1)]
    outside = (heads != ord(" ")) & (heads != ord("\n")) & ~((heads == ord("-")) & (seconds == ord(" ")))
    outside[: first_line] = False
    if len(data) and data[-1:] != b"\n":
        return None  # (the last line ends with a line break)
    beyond = np.flatnonzero(outside[first_line:-1])
    last_line = first_line + int(beyond[0]) if len(beyond) else len(starts) - 1  # (the first line after)
    end = int(starts[last_line])
    if end <= start:
        return None
    del every, heads, seconds, outside
    return start, end, first_line, last_line, starts


def _cut(data: bytes, region: Region, ascii: bool) -> tuple[str, Callable[[yaml.MappingNode], bool]]:
    start, end, first_line, last_line, _ = region
    before, after = data[:start].decode("utf-8"), data[end:].decode("utf-8")
    text = before[:-1] + " []\n" + after
    length = end - start if ascii else len(data[start:end].decode("utf-8"))
    cases_line = first_line - 1

    def move(root: yaml.MappingNode) -> bool:
        move_marks(root, len(before) + 3, length - 3, last_line - first_line, -1, 0)
        key = next((k for k, _ in root.value if isinstance(k, yaml.ScalarNode) and k.value == "cases"), None)
        return key is not None and key.start_mark.line == cases_line and key.start_mark.column == 0

    return text, move


def _scan(
    data: bytes, starts: np.ndarray, first_line: int, vocab: Vocabulary
) -> tuple[list[str | None], np.ndarray, np.ndarray, np.ndarray, list[str | None], list[int]] | None:
    """The fields written on the lines from `starts[0]` to `starts[-1]` (number, case, text of
    each), the distinct texts, and the line each case starts on; None if they are not plain."""
    offsets = (starts - starts[0]).astype(np.int32)
    region = memoryview(data)[int(starts[0]) : int(starts[-1])]
    codes, known = number_pieces(region, offsets)

    fields, case_fields, answer_fields = field_numbers(vocab)

    # Each distinct line read once: its kind, its indentation (of `- ` for a case's first line,
    # of the name for any other), its field and its text's number.
    strings: list[str | None] = [None]
    numbers: dict[str, int] = {}
    readings: list[tuple[int, int, int, int]] = []
    for line in known:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            return None
        reading = _reading(text, case_fields, answer_fields, numbers, strings)
        if reading is None:
            return None
        readings.append(reading)
    read = np.array(readings, dtype=np.int32).reshape(-1, 4)
    if (read[:, 0] == _EMPTY).any():  # blank lines among the cases: the others only
        written = np.flatnonzero(read[:, 0][codes] != _EMPTY)
        codes = codes[written]
    else:
        written = None
    if not len(codes):
        return None
    kind, indent = read[:, 0].astype(np.int8)[codes], read[:, 1][codes]

    # The shape: every case opens alike (`- ` at one column, its name at another), its other
    # fields' names at that column, answers at one deeper column, each answer after `answers:`
    # or another answer of the same case.
    if kind[0] != _CASE:
        return None
    opens = kind == _CASE
    column = int(indent[0]) // _WIDE  # where a case's names are
    if (indent[opens] != indent[0]).any() or (indent[(kind == _FIELD) | (kind == _ANSWERS)] != column).any():
        return None
    answers = kind == _ANSWER
    if answers.any():
        deeper = indent[answers]
        if deeper[0] <= column or (deeper != deeper[0]).any():
            return None
        previous = np.concatenate(([_CASE], kind[:-1]))[answers]
        if ((previous != _ANSWERS) & (previous != _ANSWER)).any():
            return None  # an answer comes after `answers:` or another answer
    del indent
    case = np.cumsum(opens, dtype=np.int32) - 1
    opened = np.flatnonzero(opens)
    lines = ((opened if written is None else written[opened]) + first_line + 1).tolist()
    field = read[:, 2][codes]
    if (field < 0).any():
        return None
    return fields, field, case, read[:, 3][codes], strings, lines


def _reading(
    line: str, case_fields: dict[str, int], answer_fields: dict[str, int], numbers: dict[str, int],
    strings: list[str | None],
) -> tuple[int, int, int, int] | None:
    """A line's kind, indentation, field number (-1: none) and text number (0: null), or None if
    it is not plain."""
    if not line.strip(" \n"):
        return (_EMPTY, 0, -1, 0)
    match = _LINE.fullmatch(line)
    if match is None:
        return None
    dash, name = match.group("dash"), match.group("name")
    plain, single, double, empty = (match.group(g) for g in ("plain", "single", "double", "empty"))
    null = (plain is None or plain in _NULLS) and single is None and double is None
    if dash:
        if name == "answers":
            return None  # (a case opening with its answers: left to the exact path)
        # (where its name is, and where its `- ` is: each the same for every case)
        kind, indent = _CASE, (len(dash) + len(match.group("indent"))) * _WIDE + len(dash)
    else:
        kind, indent = (_FIELD if name in case_fields else _ANSWER), len(match.group("indent"))
    if name == "answers" and kind == _FIELD:
        if not null:
            return None  # (answers are a set of fields)
        holds = plain is None and empty is None  # `answers:` with its answers on the lines under it
        return (_ANSWERS if holds else _FIELD, indent, case_fields["answers"], 0)
    number = (answer_fields if kind == _ANSWER else case_fields).get(name, -1)
    if empty is not None:
        return None  # (only `answers` may be `{}`)
    if null:
        return (kind, indent, number, 0)
    text = plain if plain is not None else single if single is not None else double
    assert text is not None  # INVARIANT: one of the three matched
    known = numbers.get(text)
    if known is None:
        if TEXT_CONTROL.search(text) or _NOT_PLAIN.search(text):
            return None
        known = numbers[text] = len(strings)
        strings.append(text)
    return (kind, indent, number, known)
