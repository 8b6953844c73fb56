"""The examples of the language beyond ESI (docs/examples/language/beyond.esi) run their own
in-language tests: each `test` block's ratings are scored by the library and its expected grade
compared (there is no `esirules test` command yet; this runs the same declarations)."""

from __future__ import annotations

from pathlib import Path

import pytest
from beyond import score_text
from conftest import REPO

from esirules.language.check import check_file

EXAMPLE = REPO / "docs" / "examples" / "language" / "beyond.esi"


def _tests() -> list[object]:
    checked = check_file(str(EXAMPLE))
    assert checked.ruleset is not None and not checked.diagnostics
    return list(checked.ruleset.tests)


def test_the_example_has_tests_of_the_new_constructs() -> None:
    assert {t.criterion for t in _tests()} == {"A1", "A2"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("test", _tests(), ids=lambda t: t.name)  # type: ignore[attr-defined]
def test_each_in_language_test_passes(tmp_path: Path, test) -> None:  # type: ignore[no-untyped-def]
    scored = score_text(tmp_path, EXAMPLE.read_text("utf-8"), {"ratings": dict(test.ratings)})
    expected = next(e.value for e in test.expectations if e.what == "grade" and e.id == test.criterion)
    assert scored.column.criteria[test.criterion].grade == expected
