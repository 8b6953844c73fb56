"""Cases written in a JSON evidence file, decoded by msgspec (the fast path): the file's bytes in, a case table and the file's other text out (or None).

`read_json_cases` decodes the `cases:` list of a plain JSON evidence file straight into columns,
with no node and no position per value, and gives the file's text with that list blanked out
(spaces in place of every character but line breaks), so the few other fields are read as YAML
nodes at the very places they are written. Plain means: cases written inline as a list of sets of
fields; every field of a case and of its answers named by its exact name in the ruleset (`id`,
`sample`, an attribute, `answers`, a question id); every value a string or null; no field given
twice (each `":` in the list is a field's name ending); no `\\u` escape. Any other file gives None,
and the caller reads it the exact way (`yaml_cases`), which reports every problem at its place.
The caller also takes the exact way when the table gives any problem or warning, so the fast path
never reports anything itself.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import numpy as np

from esirules.evidence.table import CaseTable
from esirules.evidence.vocabulary import TEXT_CONTROL, Vocabulary

_CASE_FIELDS = ("id", "sample", "answers")


def read_json_cases(
    file: str, text: str, data: bytes, vocab: Vocabulary
) -> tuple[str, bytes, CaseTable] | None:
    """The case table of a plain JSON evidence file, its text with the list of cases blanked out,
    and its bytes with that list written `[]` (for the checks of the other fields)."""
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
    start = int(np.frombuffer(region, dtype=np.uint8).ctypes.data - np.frombuffer(data, dtype=np.uint8).ctypes.data)
    listed = bytes(region)
    if not listed.startswith(b"[") or b'\\":' in listed:
        return None
    case_type, answer_type, fields, questions = _types(vocab)
    try:
        cases = msgspec.json.decode(listed, type=list[case_type])  # type: ignore[valid-type]
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    n = len(cases)
    unset = msgspec.UNSET
    columns: dict[str, list[Any]] = {"id": [unset] * n}
    names_written = 0
    for name, field in fields.items():
        values = list(map(attrgetter(name), cases))
        given = n - values.count(unset)
        names_written += given
        if given and name != "answers":
            columns[field] = values
    if "answers" in fields:
        none = answer_type()  # (all unset) for a case without answers
        answers = [none if a is None or a is unset else a for a in map(attrgetter("answers"), cases)]
        for name, question in questions.items():
            values = list(map(attrgetter(name), answers))
            given = n - values.count(unset)
            names_written += given
            if given:
                columns[f"answer:{question}"] = values
    if names_written != listed.count(b'":'):
        return None  # a field given twice (only the last is decoded), or a name not ended by `":`
    # Each distinct text numbered, as CaseTable.from_cells numbers them (0: blank, or not given).
    numbers: dict[Any, int] = {None: 0, unset: 0}
    strings: list[str | None] = [None]
    coded = {}
    for field, values in columns.items():
        for value in set(values):
            if value not in numbers:
                numbers[value] = len(strings)
                strings.append(value)
        coded[field] = np.fromiter(map(numbers.__getitem__, values), dtype=np.int32, count=n)
    if any(TEXT_CONTROL.search(text) for text in strings[1:] if text):
        return None
    lines = _lines(data, start, listed, n)
    rest = data[:start] + b"[]" + data[start + len(listed) :]
    return _blanked(text, data, start, listed), rest, CaseTable(file, lines, strings, coded)


def _types(vocab: Vocabulary) -> tuple[type, type, dict[str, str], dict[str, str]]:
    """msgspec types of a case and of its answers, named exactly as the ruleset names them, with
    the table field each decodes to (`attribute:NAME`, `answer:QUESTION`)."""
    import msgspec

    value = str | None | msgspec.UnsetType
    questions = {f"q{i}": q for i, q in enumerate(vocab.questions) if vocab.resolve_question(q) == q}
    answer_type = msgspec.defstruct(
        "Answers",
        [(name, value, msgspec.UNSET) for name in questions],
        rename=questions,
        forbid_unknown_fields=True,
    )
    attributes = {
        f"a{i}": a
        for i, a in enumerate(vocab.attributes)
        if vocab.resolve_attribute(a) == a and a not in _CASE_FIELDS
    }
    fields = {"id": "id", "sample": "sample", **{name: f"attribute:{a}" for name, a in attributes.items()}}
    case_type = msgspec.defstruct(
        "Case",
        [
            *((name, value, msgspec.UNSET) for name in fields),
            ("answers", answer_type | None | msgspec.UnsetType, msgspec.UNSET),
        ],
        rename={name: a for name, a in attributes.items()},
        forbid_unknown_fields=True,
    )
    return case_type, answer_type, {**fields, "answers": "answers"}, questions


def _lines(data: bytes, start: int, listed: bytes, n: int) -> list[int]:
    """The line each case starts on (its `{`)."""
    import msgspec

    first = data.count(b"\n", 0, start) + 1
    if b"\n" not in listed:
        return [first] * n
    parts = msgspec.json.decode(listed, type=list[msgspec.Raw])
    base = np.frombuffer(listed, dtype=np.uint8).ctypes.data - start  # (the parts are views of `listed`)
    offsets = np.array([np.frombuffer(memoryview(p), dtype=np.uint8).ctypes.data - base for p in parts])
    breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    return (np.searchsorted(breaks, offsets) + 1).tolist()  # type: ignore[no-any-return]


def _blanked(text: str, data: bytes, start: int, listed: bytes) -> str:
    """The text with the list of cases as `[`, spaces and its line breaks, `]`: every other field
    stays at the same line, column and character index."""
    begin = len(data[:start].decode("utf-8"))
    length = len(listed) if listed.isascii() else len(listed.decode("utf-8"))
    region = text[begin : begin + length]
    blank = "\n".join(" " * len(part) for part in region.split("\n"))
    return text[:begin] + "[" + blank[1:-1] + "]" + text[begin + length :]
