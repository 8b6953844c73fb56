"""End to end: `esirules lsp` started as a process, driven over stdio by pytest-lsp, capability by capability."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from editor_helpers import CHILD, MISTAKES, PARENT, REPO, position_of, uri
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from esirules.language.check import check_file

pytestmark = pytest.mark.asyncio(loop_scope="module")
EVIDENCE = {"evidence": "examples/hertfordshire/followup.yaml", "sample": "february"}
SERVER: dict[str, t.ServerCapabilities] = {}  # what the server said it can do, on initialize
REFRESHED: list[object] = []  # each time the server asked the editor for code lenses again


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "esirules.cli.main", "lsp"]),
)
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    lsp_client.feature(t.WORKSPACE_CODE_LENS_REFRESH)(lambda params: REFRESHED.append(params))
    initialized = await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=uri(REPO),
            initialization_options=EVIDENCE,
        )
    )
    SERVER["capabilities"] = initialized.capabilities
    # The bundled rulesets are open for every test (whichever run: `-k` may pick any of them).
    await _open(lsp_client, PARENT)
    await _open(lsp_client, CHILD)
    yield
    await lsp_client.shutdown_session()


async def _published(client: LanguageClient, *documents: str) -> None:
    """Wait until new diagnostics have come for each of `documents`."""
    before = {d: client.diagnostics.get(d) for d in documents}
    while any(client.diagnostics.get(d) is before[d] for d in documents):
        await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def _open(client: LanguageClient, path, text: str | None = None) -> str:  # type: ignore[no-untyped-def]
    text = path.read_text("utf-8") if text is None else text
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri(path), "esirules", 1, text)))
    await _published(client, uri(path))
    return uri(path)


def _at(document: str, text: str, needle: str, shift: int = 0) -> dict[str, object]:
    line, character = position_of(text, needle, shift)
    return {"text_document": t.TextDocumentIdentifier(document), "position": t.Position(line, character)}


async def test_the_bundled_rulesets_open_without_problems(client: LanguageClient) -> None:
    parent, child = uri(PARENT), uri(CHILD)  # (opened by the client's fixture)
    assert list(client.diagnostics[parent]) == [] and list(client.diagnostics[child]) == []


@pytest.mark.parametrize(
    "name", ["met-value-not-on-scale", "block-not-closed", "quote-not-closed", "question-id-twice", "extends-missing-file"]
)
async def test_diagnostics_are_those_of_check(client: LanguageClient, name: str) -> None:
    path = MISTAKES / f"{name}.bad"
    document = await _open(client, path)
    expected = check_file(str(path.resolve())).diagnostics
    got = client.diagnostics[document]
    assert [d.code for d in got] == [d.code for d in expected] != []
    for lsp, ours in zip(got, expected):
        assert lsp.message == f"{ours.message}\nhelp: {ours.help}" if ours.help else ours.message
        assert (lsp.range.start.line + 1, lsp.range.start.character + 1) == (ours.span.line, ours.span.column)
        assert (lsp.range.end.line + 1, lsp.range.end.character + 1) == (ours.span.end_line, ours.span.end_column)
        assert lsp.severity == t.DiagnosticSeverity.Error and lsp.source == "esirules"


async def test_an_edit_to_an_open_parent_checks_its_open_child_again(client: LanguageClient) -> None:
    parent, child = uri(PARENT), uri(CHILD)
    text = PARENT.read_text("utf-8")
    line, character = position_of(text, "source offender_interview", len("source offender_interview"))
    edit = t.TextDocumentContentChangePartial(t.Range(t.Position(line, character), t.Position(line, character)), "s")
    client.text_document_did_change(t.DidChangeTextDocumentParams(t.VersionedTextDocumentIdentifier(2, parent), [edit]))
    await _published(client, parent, child)
    found = [(d.code, d.range.start.line) for d in client.diagnostics[child]]
    child_line, _ = position_of(CHILD.read_text("utf-8"), "exclude source offender_interview")
    assert ("R030", child_line) in found
    undo = t.TextDocumentContentChangePartial(t.Range(t.Position(line, character), t.Position(line, character + 1)), "")
    client.text_document_did_change(t.DidChangeTextDocumentParams(t.VersionedTextDocumentIdentifier(3, parent), [undo]))
    await _published(client, parent, child)
    assert list(client.diagnostics[child]) == []


async def test_hover_names_what_a_name_declares(client: LanguageClient) -> None:
    text = PARENT.read_text("utf-8")
    answer = await client.text_document_hover_async(t.HoverParams(**_at(uri(PARENT), text, "graded by management", 11)))
    assert answer is not None and isinstance(answer.contents, t.MarkupContent)
    assert "**Satisfactorily met** when at least strong on the majority of items and at least satisfactory on the others" in answer.contents.value
    question = await client.text_document_hover_async(t.HoverParams(**_at(uri(PARENT), text, "question B1.incident", 10)))
    assert question is not None and "applies when significant incident is yes" in question.contents.value  # type: ignore[union-attr]
    assert "source: Case file" in question.contents.value  # type: ignore[union-attr]
    nothing = await client.text_document_hover_async(t.HoverParams(**_at(uri(PARENT), text, "# esi-2003.esi", 3)))
    assert nothing is None


@pytest.mark.parametrize("line_end", ["\r\n", "\r"], ids=["windows", "old-mac"])
async def test_a_file_with_other_line_ends_is_looked_up_where_the_cursor_is(client: LanguageClient, tmp_path, line_end: str) -> None:  # type: ignore[no-untyped-def]
    """The parser reads CRLF, and CR alone, as one line feed, and an editor counts lines at each:
    a position is looked up in the text the parser read, on the line the editor means (CRLF was
    one character further off for every line above; a file of CR alone was one long line)."""
    path = tmp_path / "line-ends.esi"
    lf = PARENT.read_text("utf-8")  # (lines and columns are those of the same text with line feeds)
    document = await _open(client, path, lf.replace("\n", line_end))
    answer = await client.text_document_hover_async(t.HoverParams(**_at(document, lf, "graded by management", 11)))
    assert answer is not None and "**grading `management`**" in answer.contents.value  # type: ignore[union-attr]
    line, character = position_of(lf, "graded by management", 10)
    assert answer.range == t.Range(t.Position(line, character), t.Position(line, character + len("management")))
    where = _at(document, lf, "applies when significant_incident", 14)
    found = await client.text_document_definition_async(t.DefinitionParams(**where))
    line, _ = position_of(lf, "attribute significant_incident")
    assert isinstance(found, list) and [(f.uri, f.range.start.line) for f in found] == [(document, line)]
    prepared = await client.text_document_prepare_rename_async(t.PrepareRenameParams(**where))
    assert isinstance(prepared, t.PrepareRenamePlaceholder) and prepared.placeholder == "significant_incident"
    client.text_document_did_close(t.DidCloseTextDocumentParams(t.TextDocumentIdentifier(document)))


async def test_definition_and_references_cross_files(client: LanguageClient) -> None:
    child_text = CHILD.read_text("utf-8")
    where = _at(uri(CHILD), child_text, "exclude source offender_interview", 16)
    found = await client.text_document_definition_async(t.DefinitionParams(**where))
    parent_text = PARENT.read_text("utf-8")
    line, _ = position_of(parent_text, "source offender_interview ")
    assert isinstance(found, list) and [(f.uri, f.range.start.line) for f in found] == [(uri(PARENT), line)]
    references = await client.text_document_references_async(
        t.ReferenceParams(context=t.ReferenceContext(include_declaration=False), **where)
    )
    assert references is not None
    places = {(r.uri, r.range.start.line) for r in references}
    assert (uri(CHILD), position_of(child_text, "exclude source offender_interview")[0]) in places
    assert sum(1 for u, _ in places if u == uri(PARENT)) == parent_text.count("source offender_interview\n")
    parent_file = await client.text_document_definition_async(t.DefinitionParams(**_at(uri(CHILD), child_text, 'extends "esi', 10)))
    assert isinstance(parent_file, list) and parent_file[0].uri == uri(PARENT)


async def test_rename_edits_every_file_or_says_why_not(client: LanguageClient) -> None:
    child_text = CHILD.read_text("utf-8")  # (opened by the client fixture, as the parent is)
    where = _at(uri(CHILD), child_text, "exclude source offender_interview", 16)
    assert SERVER["capabilities"].rename_provider == t.RenameOptions(prepare_provider=True)
    prepared = await client.text_document_prepare_rename_async(t.PrepareRenameParams(**where))
    assert isinstance(prepared, t.PrepareRenamePlaceholder) and prepared.placeholder == "offender_interview"
    edit = await client.text_document_rename_async(t.RenameParams(new_name="offender_views", **where))
    assert edit is not None and edit.changes is not None
    parent_text = PARENT.read_text("utf-8")
    assert {u: {e.new_text for e in found} for u, found in edit.changes.items()} == {
        uri(PARENT): {"offender_views"}, uri(CHILD): {"offender_views"}
    }
    assert len(edit.changes[uri(PARENT)]) == parent_text.count("source offender_interview")  # its declaration too
    with pytest.raises(Exception, match="would give an error: the source `case_file` is declared twice"):
        await client.text_document_rename_async(t.RenameParams(new_name="case_file", **where))
    with pytest.raises(Exception, match="names a file"):
        await client.text_document_prepare_rename_async(t.PrepareRenameParams(**_at(uri(CHILD), child_text, 'extends "esi', 10)))


async def test_completion_in_context(client: LanguageClient) -> None:
    # (an opening quote asks for completion too: most grades are quoted, `expect grade "Ve`)
    completing = SERVER["capabilities"].completion_provider
    assert completing is not None and set(completing.trigger_characters or ()) == {" ", ",", "{", '"'}
    text = PARENT.read_text("utf-8")
    after = await client.text_document_completion_async(
        t.CompletionParams(**_at(uri(PARENT), text, "risk_of_harm >= ", len("risk_of_harm >= ")))
    )
    assert isinstance(after, t.CompletionList)
    assert [i.label for i in after.items] == ["low", "medium", "high", "very high"]
    assert after.items[-1].text_edit.new_text == '"very high"'  # type: ignore[union-attr]
    graded = await client.text_document_completion_async(
        t.CompletionParams(**_at(uri(PARENT), text, "graded by management", len("graded by ")))
    )
    assert isinstance(graded, t.CompletionList) and {"management", "npd_rating"} <= {i.label for i in graded.items}
    # Between the quotes an editor typed together, `"Very well met"` replaces both.
    line, character = position_of(text, 'expect grade "Very well met"', len("expect grade "))
    quoted = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri(PARENT)), t.Position(line, character + 1))
    )
    assert isinstance(quoted, t.CompletionList) and quoted.items[0].label == "Very well met"
    first = quoted.items[0]
    assert first.filter_text == '"Very well met' and isinstance(first.text_edit, t.TextEdit)
    assert first.text_edit.range == t.Range(t.Position(line, character), t.Position(line, character + len('"Very well met"')))


async def test_symbols_and_folding(client: LanguageClient) -> None:
    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(t.TextDocumentIdentifier(uri(PARENT))))
    assert symbols is not None
    sections = [s for s in symbols if isinstance(s, t.DocumentSymbol) and s.kind == t.SymbolKind.Module]
    assert [s.name for s in sections] == ["A", "B", "C", "D"]
    b1 = sections[1].children[0]  # type: ignore[index]
    assert b1.name == "B1" and [c.name for c in b1.children or []][:2] == ["B1.start", "B1.review_16wk"]
    folds = await client.text_document_folding_range_async(t.FoldingRangeParams(t.TextDocumentIdentifier(uri(PARENT))))
    assert folds is not None and any(f.kind == t.FoldingRangeKind.Comment for f in folds)
    text = PARENT.read_text("utf-8")
    section_a = position_of(text, 'section A "Quality')[0]
    assert any(f.start_line == section_a and f.kind is None for f in folds)


async def test_code_lens_and_explain_on_configured_evidence(client: LanguageClient) -> None:
    # Figures from the report's scoring summary sheet (tests/test_golden.py): Feb B1 33%, A2 Partly met.
    answer = await client.workspace_execute_command_async(
        t.ExecuteCommandParams("esirules.explainCriterion", [uri(CHILD), "B1"])
    )
    assert answer["figure"] == "33%" and "scored **33%**" in answer["explanation"]
    graded = await client.workspace_execute_command_async(t.ExecuteCommandParams("esirules.explainCriterion", [uri(CHILD), "A2"]))
    assert graded["grade"] == "Partly met"
    assert any("A2 on followup.yaml: Partly met" in m.message for m in client.messages)
    # The follow-up declares no criteria of its own: its sections and overall show on its `extends`
    # line, as the report's sheet gives them for February (Feb B 56%, C 60%, D 63%, overall 60%).
    lenses = await client.text_document_code_lens_async(t.CodeLensParams(t.TextDocumentIdentifier(uri(CHILD))))
    extends_line = position_of(CHILD.read_text("utf-8"), 'extends "esi')[0]
    assert {lens.range.start.line for lens in lenses or []} == {extends_line}
    assert [lens.command.title for lens in lenses or [] if lens.command] == [
        "section B on followup.yaml: 56% · explain", "section C on followup.yaml: 60% · explain",
        "section D on followup.yaml: 63% · explain", "overall on followup.yaml: 60% · explain",
    ]  # (section A has no score or grade of its own, so no row on the sheet and no lens)
    section = await client.workspace_execute_command_async(t.ExecuteCommandParams("esirules.explainCriterion", [uri(CHILD), "B"]))
    assert section["figure"] == "56%" and "56%" in section["explanation"]
    # esi-2003 has no sample `february`: one lens says the evidence cannot be scored, and why.
    lenses = await client.text_document_code_lens_async(t.CodeLensParams(t.TextDocumentIdentifier(uri(PARENT))))
    assert [lens.command.title for lens in lenses or [] if lens.command] == ["followup.yaml: cannot be scored, see why"]
    why = await client.workspace_execute_command_async(t.ExecuteCommandParams("esirules.explainCriterion", [uri(PARENT), "A1"]))
    assert "E203" in why["problems"]
    # Clicked on a lens, the editor shows only the message: it says why, not only that it failed.
    shown = client.messages[-1]
    assert shown.type == t.MessageType.Warning and shown.message.startswith("A1 on followup.yaml: error[E203]")
    # The original inspection's evidence under esi-2003: the Original column, A1 Poor and B1 33%.
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams({"esirules": {"evidence": "examples/hertfordshire/original.yaml"}})
    )
    lenses = await client.text_document_code_lens_async(t.CodeLensParams(t.TextDocumentIdentifier(uri(PARENT))))
    titles = {lens.command.arguments[1]: lens.command.title for lens in lenses or [] if lens.command}  # type: ignore[index]
    assert titles["B1"] == "B1 on original.yaml: 33% · explain"
    assert titles["A1"] == "A1 on original.yaml: Poor · explain"
    assert titles["B"] == "section B on original.yaml: 49% · explain"  # on the `section B` line
    assert titles["overall"] == "overall on original.yaml: 60% · explain"
    # The follow-up's two samples without one chosen: no figure mixing them, but which to choose.
    refreshed = len(REFRESHED)
    client.workspace_did_change_configuration(
        t.DidChangeConfigurationParams({"esirules": {"evidence": "examples/hertfordshire/followup.yaml"}})
    )
    why = await client.workspace_execute_command_async(t.ExecuteCommandParams("esirules.explainCriterion", [uri(CHILD), "B1"]))
    assert why["figure"] is None and "E305" in why["problems"] and "`february` or `september`" in why["problems"]
    assert len(REFRESHED) > refreshed  # the lenses on show were of the evidence set before: the editor is asked again
    assert len(titles) == 18 + 3 + 1  # criteria, the sections with a score, the overall
    client.workspace_did_change_configuration(t.DidChangeConfigurationParams({"esirules": EVIDENCE}))


async def test_half_typed_text_still_answers(client: LanguageClient) -> None:
    text = PARENT.read_text("utf-8")
    cut = text.index("criterion B2")
    half = text[:cut] + "criterion B2 \"Assess"
    path = MISTAKES.parent / "half-typed.esi"  # never written: the editor holds it
    document = await _open(client, path, half)
    assert [d.code for d in client.diagnostics[document]] and all(d.code.startswith("S") for d in client.diagnostics[document])
    hover = await client.text_document_hover_async(t.HoverParams(**_at(document, half, "question B1.incident", 10)))
    assert hover is not None and "B1.incident" in hover.contents.value  # type: ignore[union-attr]
    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(t.TextDocumentIdentifier(document)))
    assert {"A", "B"} <= {s.name for s in symbols or []}
    completion = await client.text_document_completion_async(t.CompletionParams(**_at(document, half, "      source case_file", 13)))
    assert isinstance(completion, t.CompletionList) and "case_file" in {i.label for i in completion.items}


async def test_formatting_is_that_of_esirules_fmt(client: LanguageClient) -> None:
    from esirules.authoring.fmt import format_text

    assert SERVER["capabilities"].document_formatting_provider
    options = t.FormattingOptions(tab_size=4, insert_spaces=True)
    # The bundled ruleset is in the canonical layout already: no edit.
    neat = await _open(client, MISTAKES.parent / "neat.esi", PARENT.read_text("utf-8"))  # never written
    already = await client.text_document_formatting_async(t.DocumentFormattingParams(t.TextDocumentIdentifier(neat), options))
    assert already is not None and list(already) == []
    # A messy one (with a dash beyond ASCII, so UTF-16 positions matter): one edit, the whole text.
    messy = 'ruleset "messy – x" version "1"\nscale answer : yes>no   # the answers\nsection B "b" { criterion B1 "c" { question B1.q "q" } }'
    document = await _open(client, MISTAKES.parent / "messy.esi", messy)  # never written
    edits = await client.text_document_formatting_async(t.DocumentFormattingParams(t.TextDocumentIdentifier(document), options))
    assert edits is not None and len(edits) == 1
    assert edits[0].new_text == format_text(messy).text
    assert edits[0].range == t.Range(t.Position(0, 0), t.Position(2, len(messy.splitlines()[2])))
    # A file with Windows line ends, in the layout already, is no change; a messy one keeps them.
    windows = await _open(client, MISTAKES.parent / "windows.esi", PARENT.read_text("utf-8").replace("\n", "\r\n"))
    same = await client.text_document_formatting_async(t.DocumentFormattingParams(t.TextDocumentIdentifier(windows), options))
    assert same is not None and list(same) == []
    messy_windows = await _open(client, MISTAKES.parent / "messy-windows.esi", messy.replace("\n", "\r\n"))
    edits = await client.text_document_formatting_async(
        t.DocumentFormattingParams(t.TextDocumentIdentifier(messy_windows), options))
    assert edits is not None and edits[0].new_text == (format_text(messy).text or "").replace("\n", "\r\n")
    # A ruleset with syntax errors is not formatted (its diagnostics say why).
    broken = await _open(client, MISTAKES.parent / "broken.esi", 'ruleset "x"\nsection B "b" {\n')  # never written
    answer = await client.text_document_formatting_async(t.DocumentFormattingParams(t.TextDocumentIdentifier(broken), options))
    assert answer is None
