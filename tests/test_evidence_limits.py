"""Evidence beyond what an evidence file may hold gives a located diagnostic, never a traceback.

Each case is one the fuzzer found (issue 9, F01–F05 and M04), with a small input of its own:
YAML anchors and aliases (a self-reference, a "billion laughs"), JSON nested thousands deep,
numbers of thousands of digits, a JSON file that only YAML refuses, NUL and other control
characters in ids and values; and files over the declared size limits.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from evidence_helpers import HEADER, HIGH, LOW, folder_with_ruleset, load, problems, run, write

from esirules.evidence import document
from esirules.evidence import load as load_module

INSPECTION = "inspection: Anyshire\nruleset: ruleset.esi\n"


def _codes(found: list) -> list[tuple[str, int, int]]:  # type: ignore[type-arg]
    return [(d.code, d.span.line, d.span.column) for d in found]


# ---------------------------------------------------------------------------------------------
# F01, F02: YAML anchors and aliases


def test_a_self_referencing_alias_is_refused_where_its_anchor_is(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "e.yaml", INSPECTION + "cases: &r [*r]\n")
    (found,) = problems(path)
    assert (found.code, found.span.line, found.span.column, found.span.end_column) == ("E109", 3, 8, 10)
    assert "`&r`" in found.message and "anchor" in found.message


def test_a_self_referencing_alias_in_any_yaml_file_on_the_command_line(tmp_path: Path) -> None:
    """The file is read before it is known to be a summary sheet or evidence (the F01 route)."""
    folder = folder_with_ruleset(tmp_path)
    write(folder, "r.yaml", "a: &r [*r]\n")
    for command in (["score", "r.yaml"], ["explain", "r.yaml", "B1"]):
        code, out, err = run(*command, cwd=folder)
        assert code == 1 and out == "" and "Traceback" not in err
        assert "error[E109]" in err and "r.yaml:1:4" in err


def test_a_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    levels = ['x0: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index, (name, previous) in enumerate(zip("bcdefghi", "abcdefgh"), start=1):
        levels.append(f"x{index}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "laughs.yaml", "\n".join(levels) + "\n" + INSPECTION)
    started = time.perf_counter()
    found = problems(path)
    assert time.perf_counter() - started < 5  # (not a timing test: 9 levels would take minutes and 16 GB)
    assert [d.code for d in found] == ["E109"] * 9
    assert [d.span.line for d in found] == list(range(1, 10))


def test_an_ampersand_in_a_value_is_not_an_anchor(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(
        folder,
        "e.yaml",
        INSPECTION
        + "adjustments:\n  - {criterion: A1, grade: Partly met, by: R&D lead, reason: \"Plans & staff * improved\"}\n",
    )
    (adjustment,) = load(path).adjustments
    assert adjustment.by == "R&D lead" and adjustment.reason == "Plans & staff * improved"


# ---------------------------------------------------------------------------------------------
# F03, F04, M04 (a): JSON


def test_json_nested_thousands_deep_is_refused_where_it_goes_too_deep(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "deep.json", '{"cases": ' + "[" * 5000 + "]" * 5000 + "}")
    (found,) = problems(path)
    assert found.code == "E109" and f"more than {document.MAX_JSON_DEPTH} deep" in found.message
    assert (found.span.line, found.span.column) == (1, 10 + document.MAX_JSON_DEPTH)  # the first bracket too deep


def test_brackets_inside_json_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    deep_text = json.dumps("[" * 300 + '\\"{' * 300)
    path = write(folder, "e.json", f'{{"inspection": {deep_text}, "ruleset": "ruleset.esi", "cases": [[[]]]}}')
    found = problems(path)
    assert [d.code for d in found] == ["E103"]  # `cases` holds lists, not cases: read, then refused


def test_a_json_number_of_thousands_of_digits_is_kept_as_written(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "big.json", '{"inspection": ' + "9" * 4301 + ', "ruleset": "ruleset.esi"}')
    assert load(path).title == "9" * 4301  # a title may be any text; nothing converts it to a number


def test_a_json_file_only_yaml_refuses_is_not_called_yaml(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "s.json", '{"inspection": "\\ud800", "ruleset": "ruleset.esi"}\n')
    (found,) = problems(path)
    assert found.code == "E102" and "YAML" not in found.message and "JSON" in found.message
    assert (found.span.line, found.span.column) == (1, 19)
    assert "\\ud800" in (found.help or "")


# ---------------------------------------------------------------------------------------------
# F05 and numbers in case tables


@pytest.mark.parametrize("figure", ["9" * 4301, "0." + "1" * 5000, "9" * 41 + "%"])
def test_a_measure_figure_of_thousands_of_digits_is_located(tmp_path: Path, figure: str) -> None:
    folder = folder_with_ruleset(tmp_path)
    text = INSPECTION + f"measures:\n  psr_timeliness: {{actual: {figure}, target: 90, national_average: 78}}\n"
    (found,) = problems(write(folder, "e.yaml", text))
    assert (found.code, found.span.line, found.span.column) == ("E141", 4, 28)
    assert found.span.end_column == 28 + len(figure)  # the whole figure underlined
    assert "digits" in found.message and len(found.message) < 200  # the figure itself is cut short


def test_a_number_attribute_of_thousands_of_digits_is_located(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "c.csv", HEADER + HIGH.replace(",34,", "," + "1" * 5000 + ","))
    (found,) = problems(path, None)
    assert (found.code, found.span.line, found.span.column) == ("E115", 2, 26)
    assert "more than 40 digits" in found.message


def test_forty_digits_are_a_number(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "c.csv", HEADER + HIGH.replace(",34,", ",0000000000000000000000000000000000000034,"))
    assert load(path).cases.attributes["age"].tolist() == [34.0]


# ---------------------------------------------------------------------------------------------
# M04 (b): NUL and other control characters


def test_a_nul_after_the_first_bytes_makes_a_csv_file_not_text(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "n.csv", (HEADER + HIGH + "\n" * 9000 + "F99\x00,february\n").encode())
    (found,) = problems(path)
    assert found.code == "E101" and "NUL" in found.message
    assert (found.span.line, found.span.column) == (9003, 4)


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("F\x1b[31m01", 1, "the case id `F\\x1b[31m01` holds a control character (`\\x1b`)"),
        ("F\t01", 1, "the case id `F\\x0901` holds a control character (`\\x09`)"),
    ],
)
def test_control_characters_in_a_case_id_are_refused(tmp_path: Path, cell: str, column: int, message: str) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "c.csv", HEADER + HIGH.replace("F01", cell))
    (found,) = problems(path)
    assert (found.code, found.message, found.span.line, found.span.column) == ("E117", message, 2, column)
    assert found.span.end_column == column + len(cell)


def test_a_control_character_in_a_csv_value_names_the_case(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "c.csv", HEADER + HIGH.replace("high", "hi\x07gh") + LOW)
    (found,) = problems(path)
    assert found.code == "E117"
    assert found.message == "case `F01`: attribute `risk_of_harm` `hi\\x07gh` holds a control character (`\\x07`)"
    assert (found.span.line, found.span.column, found.span.end_column) == (2, 14, 19)


def test_a_line_break_in_a_csv_value_is_not_a_control_character(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "c.csv", HEADER + HIGH.replace("high", '"hi\ngh"'))
    (found,) = problems(path)
    assert found.code == "E114" and "`hi\\x0agh`" in found.message  # shown, not printed as a line break


def test_control_characters_in_json_and_yaml_values_are_refused(tmp_path: Path) -> None:
    folder = folder_with_ruleset(tmp_path)
    cases = [{"id": "F01\u0000", "sample": "february", "risk_of_harm": "high", "order_type": "cro",
              "sex_offender": "no", "answers": {"B1.start": "yes"}}]
    path = write(folder, "e.json", json.dumps({"inspection": "Any\u001bshire", "ruleset": "ruleset.esi", "cases": cases}))
    found = problems(path)
    assert [(d.code, d.span.line) for d in found] == [("E117", 1), ("E117", 1)]
    assert {d.message.split(" holds")[0] for d in found} == {"`inspection` `Any\\x1bshire`", "a case's `id` `F01\\x00`"}
    reason = write(folder, "e.yaml", INSPECTION + 'adjustments:\n  - {criterion: A1, grade: Poor, by: "A\\e", reason: "two\\nlines\\tfine"}\n')
    (escape,) = problems(reason)
    assert escape.code == "E117" and "`A\\x1b`" in escape.message


# ---------------------------------------------------------------------------------------------
# Declared size limits


def test_files_over_the_size_limits_are_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = folder_with_ruleset(tmp_path)
    monkeypatch.setattr(document, "MAX_DOCUMENT_BYTES", 100)
    monkeypatch.setattr(load_module, "MAX_TABLE_BYTES", 200)
    big = write(folder, "big.yaml", INSPECTION + "# " + "x" * 200 + "\n")
    (found,) = problems(big)
    assert found.code == "E109" and "larger than" in found.message
    write(folder, "cases.csv", HEADER + HIGH * 10)
    (table,) = problems(write(folder, "e.yaml", INSPECTION + "cases: cases.csv\n"))
    assert (table.code, table.span.file, table.span.line) == ("E109", str(folder / "e.yaml"), 3)
    assert (table.span.column, table.span.end_column) == (8, 17)  # where `cases.csv` is named


def test_a_json_file_too_large_even_with_plain_cases_is_told_that_limit_unread(tmp_path: Path) -> None:
    """A file over 1 GB was told the 64 MB limit, as if plain cases would have let it in."""
    folder = folder_with_ruleset(tmp_path)
    path = folder / "huge.json"
    with open(path, "wb") as sparse:  # (a sparse file: no disk taken, and nothing may read it)
        sparse.truncate(document.MAX_PLAIN_DOCUMENT_BYTES + 1)
    (found,) = problems(str(path))
    assert found.code == "E109"
    assert found.message == f"`{path}` is larger than the 1 GB an evidence file may be"


def test_a_json_file_over_the_limit_is_told_plain_cases_may_be_larger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_with_ruleset(tmp_path)
    monkeypatch.setattr(document, "MAX_DOCUMENT_BYTES", 100)
    big = write(folder, "big.json", json.dumps({"inspection": "Anyshire", "ruleset": "ruleset.esi", "x": "x" * 200}))
    (found,) = problems(big)
    assert found.code == "E109"
    assert found.message.endswith("larger than the 100 bytes an evidence file may be unless its cases are "
                                  "written plainly (then 1 GB)")


def test_an_unknown_id_with_no_near_spelling_is_told_the_ids_it_could_be() -> None:
    from esirules.evidence.vocabulary import suggest

    items = [f"{c}.{n}" for c in ("A1", "A2", "B1") for n in ("first", "second", "third", "fourth", "fifth")]
    assert suggest("A1.budgets", items, "the items") == (
        "the items of `A1` are `A1.first`, `A1.second`, `A1.third`, `A1.fourth`, `A1.fifth`")
    assert suggest("Z9.x", items, "the items") == "no id of the items begins with `Z9.`; they begin with `A1.`, `A2.`, `B1.`"
    assert suggest("A1.secnd", items, "the items") == "did you mean `A1.second`?"


def test_a_rating_or_measure_given_twice_in_other_capitals_is_given_twice(tmp_path: Path) -> None:
    """`A1.visibility: strong`, then `a1.visibility: weak` below it: the last was taken, without a word."""
    folder = folder_with_ruleset(tmp_path)
    path = write(folder, "e.yaml", INSPECTION + "ratings:\n  A1.visibility: strong\n  a1.visibility: weak\n"
                 "measures:\n  psr_timeliness: {actual: 71, target: 90, national_average: 78}\n"
                 "  PSR_timeliness: {actual: 50, target: 90, national_average: 78}\n")
    found = problems(path)
    assert [(d.code, d.span.line) for d in found] == [("E106", 5), ("E106", 8)]
    assert found[0].message == "`a1.visibility` is given twice (also as `A1.visibility`: capitals do not tell them apart)"


def test_an_answer_or_a_rating_holding_a_character_that_cannot_be_seen_is_told_which(tmp_path: Path) -> None:
    """"`in part` is not an answer ... allowed answers are ... `in part`": a zero-width space pasted in."""
    folder = folder_with_ruleset(tmp_path)
    write(folder, "cases.csv", HEADER + HIGH.replace(",yes,partly", ",yes,partly\u200b"))
    path = write(folder, "e.yaml", INSPECTION + "cases: cases.csv\nratings:\n  A1.visibility: \"good\u00a0\u200b\"\n")
    found = {d.code: d for d in problems(path)}
    assert str(found["E121"].help).endswith("this holds a zero-width space (U+200B), which looks like nothing: delete it")
    assert str(found["E131"].help).startswith("did you mean `good`? this holds a ")


def test_a_parent_ruleset_saved_as_utf16_is_said_to_be_so_where_it_is_extended(tmp_path: Path) -> None:
    from esirules.language.check import check_file

    (tmp_path / "base.esi").write_text('ruleset "base" version "1"\n', encoding="utf-16")
    (tmp_path / "child.esi").write_text('ruleset "child" version "2"\nextends "base.esi"\n', encoding="utf-8")
    (problem,) = check_file(str(tmp_path / "child.esi")).diagnostics
    assert (problem.code, problem.span.line) == ("R004", 2)
    assert problem.message == '`base.esi`, which this ruleset extends, is UTF-16 text (saved as "Unicode"), not UTF-8'
