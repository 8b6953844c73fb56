"""Renaming in the editor, in process: every place a name is written changes, the rulesets still
check and their own tests still pass; a rename that would break them is refused, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from editor_helpers import CHILD, PARENT, offset_of, uri

from esirules.authoring.testing import run_tests
from esirules.editor.rename import Refused, edits, target
from esirules.editor.workspace import Workspace
from esirules.language.check import check_text
from esirules.language.sources import MemorySources


def _workspace() -> Workspace:
    workspace = Workspace([str(PARENT.parent)])
    for path in (PARENT, CHILD):
        workspace.open(uri(path), path.read_text("utf-8"))
    return workspace


def _rename(path: Path, needle: str, shift: int, new: str) -> dict[str, str]:
    """The two rulesets' texts after renaming the name `shift` characters into `needle` in `path`."""
    workspace = _workspace()
    document = workspace.document(uri(path))
    assert document is not None
    analysis = workspace.analysis(document)
    occurrence = analysis.index.at(str(path), offset_of(document.text, needle, shift))
    assert occurrence is not None, needle
    texts = {str(p): p.read_text("utf-8") for p in (PARENT, CHILD)}
    for file, changes in edits(workspace, occurrence, analysis.index, new).items():
        for span, written in sorted(changes, key=lambda change: change[0].start, reverse=True):
            texts[file] = texts[file][: span.start] + written + texts[file][span.end :]
    return texts


def _still_right(texts: dict[str, str]) -> None:
    """Both rulesets check without errors and pass every test they hold."""
    sources = MemorySources({path: text.encode("utf-8") for path, text in texts.items()})
    for path, text in texts.items():
        checked = check_text(text.encode("utf-8"), path, {}, None, sources)
        assert checked.ruleset is not None, [str(d) for d in checked.diagnostics]
        run = run_tests(checked.ruleset, checked.sources)
        assert run.results and not run.failed, [r.test.name for r in run.failed]


def test_a_source_renamed_from_the_derived_ruleset_changes_in_both() -> None:
    texts = _rename(CHILD, "exclude source offender_interview", 16, "offender_views")
    parent, child = PARENT.read_text("utf-8"), CHILD.read_text("utf-8")
    written = parent.count("source offender_interview\n") + parent.count("source offender_interview ")
    assert texts[str(PARENT)].count("offender_views") == written and written > 1
    assert "exclude source offender_views" in texts[str(CHILD)]
    assert "offender_interview" not in texts[str(CHILD)].replace(child[: child.index("exclude")], "")
    _still_right(texts)


def test_a_criterion_renamed_changes_its_tests_and_the_derived_ruleset() -> None:
    texts = _rename(PARENT, 'criterion D3 "', 10, "D9")
    parent = texts[str(PARENT)]
    assert 'criterion D9 "' in parent and "\n  criterion D9\n" in parent  # the declaration, and its test's
    assert "D3.feedback" in parent  # items keep their own names (a convention, not the criterion's name)
    assert "\n  criterion D3\n" not in parent and 'criterion D3 "' not in parent
    _still_right(texts)


def test_values_stay_quoted_where_quoted_and_are_quoted_where_they_must_be() -> None:
    texts = _rename(PARENT, 'scale performance: "very strong" > strong', 36, "very good")
    parent = texts[str(PARENT)]
    assert 'scale performance: "very strong" > "very good" > good' in parent
    assert 'A2.middle_managers "very good",' in parent  # bare before, two words now
    _still_right(texts)
    texts = _rename(PARENT, 'scale performance: "very strong"', 21, "excellent")
    assert 'scale performance: "excellent" > strong' in texts[str(PARENT)]
    assert 'A5.sentencer_views "excellent"' in texts[str(PARENT)]
    _still_right(texts)


@pytest.mark.parametrize(
    ("needle", "shift", "new", "said"),
    [
        ("criterion B1 ", 10, "B2", "would give an error: the criterion `B2` is declared twice"),
        ("criterion B1 ", 10, "B 9", "`B 9` cannot be the name of a criterion"),
        ("criterion B1 ", 10, "  ", "the new name is empty"),
        ('scale performance: "very strong" > strong', 36, "good", "would give an error: the value `good`"),
        ("scale performance: \"very strong\" > strong > good > satisfactory > weak", 62, "and",
         "is a word the language reads as its own there, so choose another name"),
    ],
)
def test_a_rename_that_would_break_the_rulesets_is_refused(needle: str, shift: int, new: str, said: str) -> None:
    with pytest.raises(Refused) as refused:
        _rename(PARENT, needle, shift, new)
    assert said in refused.value.message


def test_what_cannot_be_renamed_says_why() -> None:
    workspace = _workspace()
    document = workspace.document(uri(CHILD))
    assert document is not None
    analysis = workspace.analysis(document)
    extends = analysis.index.at(str(CHILD), offset_of(document.text, 'extends "esi', 10))
    assert extends is not None
    with pytest.raises(Refused, match="names a file"):
        target(extends, analysis.index)
    same = analysis.index.at(str(CHILD), offset_of(document.text, "exclude source offender_interview", 16))
    assert same is not None and edits(workspace, same, analysis.index, "offender_interview") == {}


def test_a_rename_is_refused_where_a_ruleset_on_disk_that_extends_the_file_would_break(tmp_path: Path) -> None:
    """A derived ruleset in the workspace, not open and not naming what is renamed, is checked
    again too: renaming B1 to the criterion it adds would declare that criterion twice."""
    parent = tmp_path / "esi-2003.esi"
    parent.write_text(PARENT.read_text("utf-8"), "utf-8")
    (tmp_path / "later.esi").write_text(
        'ruleset "later" version "2006"\nextends "esi-2003.esi"\n'
        'add to section B {\n  criterion B9 "Reviews" important {\n'
        '    question B9.review "Reviewed on time" source case_file\n  }\n}\n',
        "utf-8",
    )
    workspace = Workspace([str(tmp_path)])
    workspace.open(uri(parent), parent.read_text("utf-8"))
    document = workspace.document(uri(parent))
    assert document is not None
    analysis = workspace.analysis(document)
    occurrence = analysis.index.at(str(parent), offset_of(document.text, "criterion B1 ", 10))
    assert occurrence is not None
    assert edits(workspace, occurrence, analysis.index, "B8")  # a name no ruleset uses
    with pytest.raises(Refused) as refused:
        edits(workspace, occurrence, analysis.index, "B9")
    assert "B9" in refused.value.message and "later.esi" in refused.value.message
