"""The exact CSV reader: rows numbered block by block read like the whole file at once; cells found in the text.

Memory and speed are measured in bench/ (bench/evidence_csv.py): here, that reading by blocks
changes nothing, and that a wide header's cells are placed right (they are placed in one pass).
"""

from __future__ import annotations

import re
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from evidence_helpers import HEADER, examples_ruleset, problems
from hypothesis import given, settings
from hypothesis import strategies as st

from esirules.evidence import read_csv as read_csv_module
from esirules.evidence import table as table_module
from esirules.evidence.read_csv import read_csv
from esirules.evidence.table import CsvCells
from esirules.evidence.vocabulary import vocabulary

ROWS = [
    "F01,february,high,cro,no,34,yes,partly",
    "",  # a blank line
    'F02,february,"very high",cro,no,,"no",yes',
    "F03,september,low,licence,yes,51,,",
    "F04,february,medium,cro,no,40",  # a short row: padded
    ',,,,,,,',  # a row of blank cells: left out
    'F05,february,high,cro,no,22,"y""es",no',
    "F06,september,low,cro,no,30,,,",  # a trailing blank cell past the header
]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_reading_by_blocks_gives_the_table_of_the_whole_file(monkeypatch: pytest.MonkeyPatch, line_end: str) -> None:
    text = line_end.join([HEADER.rstrip("\n"), *ROWS]) + line_end
    vocab = vocabulary(examples_ruleset())
    tables = []
    for rows in (2, 3, 10_000):
        monkeypatch.setattr(read_csv_module, "BLOCK_ROWS", rows)
        found: list = []  # type: ignore[type-arg]
        tables.append((read_csv("c.csv", text, vocab, found), found))
    (first, first_problems), *others = tables
    assert list(first.lines) == [2, 4, 5, 6, 8, 9]
    for table, found in others:
        assert list(table.lines) == list(first.lines) and found == first_problems
        assert table.columns.keys() == first.columns.keys()
        for field in first.columns:
            texts = [table.strings[n] for n in table.columns[field]]
            assert texts == [first.strings[n] for n in first.columns[field]], field
    assert [first.text("answer:B1.start", i) for i in range(len(first))] == ["yes", "no", "", "", 'y"es', ""]
    assert first_problems == []


def test_a_csv_error_reports_that_alone(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "F01,february,high,cro,no,34,yes,partly,extra\n" + 'F02,"february\n')
    (found,) = problems(path)
    assert (found.code, found.span.line) == ("E102", 3)  # not the wide row before it too


def test_every_cell_of_a_wide_header_is_placed(tmp_path: Path) -> None:
    """Unknown headings are reported on their own cell, however many there are (the columns' starts
    are worked out in one pass over the header, not summed again for each)."""
    width = 3000
    extra = [f'"c {j}"' if j % 2 else f"c{j}" for j in range(width)]
    header = HEADER.rstrip("\n") + "," + ",".join(extra)
    path = tmp_path / "wide.csv"
    path.write_text(header + "\nF01,february,high,cro,no,34,yes,partly\n")
    found = problems(path)
    assert len(found) == width and {d.code for d in found} == {"E112"}
    starts = np.cumsum([len(HEADER)] + [len(cell) + 1 for cell in extra[:-1]]) + 1
    quoted = np.array([j % 2 for j in range(width)])
    assert [d.span.column for d in found] == (starts + quoted).tolist()  # a quoted heading's text starts after its quote
    assert [d.span.end_column - d.span.column for d in found] == [len(c) - 2 * (j % 2) for j, c in enumerate(extra)]


def test_cells_are_found_across_quoted_line_breaks() -> None:
    text = 'id,note\r\n"a\r\nb",x\r\nc,"y,z"\r\n'
    cells = CsvCells("c.csv", lambda: text)
    span = cells.span(2, 1)
    assert (span.line, span.column, span.end_line, span.end_column) == (3, 4, 3, 5)
    first = cells.span(2, 0)
    assert (first.line, first.column, first.end_line, first.end_column) == (2, 2, 3, 2)
    last = cells.span(4, 1)
    assert (last.line, last.column, last.end_column, text[last.start : last.end]) == (4, 4, 7, "y,z")


@settings(max_examples=100, deadline=None)
@given(
    lines=st.lists(st.text(alphabet="ab,\"", max_size=30), min_size=1, max_size=40),
    ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=40, max_size=40),
    spans=st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 60)), min_size=1, max_size=8),
)
def test_a_place_in_the_text_is_the_same_however_far_the_lines_are_indexed(lines, ends, spans):
    text = "".join(line + end for line, end in zip(lines, ends))
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    cells = CsvCells("c.csv", lambda: text)
    with mock.patch.object(table_module, "FIRST_INDEX_CHUNK", 3):  # index a few characters at a time
        _check_places(cells, text, starts, spans)


def _check_places(cells, text, starts, spans):  # type: ignore[no-untyped-def]
    for start, length in spans:  # in any order: each asks for more of the index, or none
        start = min(start, len(text))
        end = min(start + length, len(text))
        span = cells.between(start, end)
        line = max(k for k, s in enumerate(starts) if s <= start) + 1
        end_line = max(k for k, s in enumerate(starts) if s <= end) + 1
        assert (span.line, span.column) == (line, start - starts[line - 1] + 1)
        assert (span.end_line, span.end_column) == (end_line, end - starts[end_line - 1] + 1)
    for line in range(1, len(starts) + 1):
        assert cells.offset(line) == starts[line - 1]
