"""The language server: Language Server Protocol messages in (pygls), the editor package's answers out.

The only module that imports pygls and lsprotocol; `esirules lsp` imports it, no other command
does. Each handler turns the protocol's parameters into a call on the workspace and its answer
back into protocol types. Diagnostics are published after the messages waiting to be read have
been handled, so a burst of edits is checked once.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types as t
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer

from esirules import __version__
from esirules.authoring.fmt import FormatterFault, format_text
from esirules.diagnostics import Diagnostic
from esirules.editor import rename as renaming
from esirules.editor.completion import complete
from esirules.editor.hover import hover_text
from esirules.editor.index import Index, Occurrence
from esirules.editor.on_evidence import EvidenceScores, EvidenceSetting
from esirules.editor.outline import Symbol, folds, symbols
from esirules.editor.positions import Encoding, Lines, Position, Range
from esirules.editor.salvage import braces
from esirules.editor.workspace import Workspace, uri_to_path
from esirules.language import syntax as s
from esirules.span import Span

EXPLAIN_COMMAND = "esirules.explainCriterion"
R = TypeVar("R")

_SYMBOL_KINDS = {
    "ruleset": t.SymbolKind.File, "section": t.SymbolKind.Module, "criterion": t.SymbolKind.Class,
    "question": t.SymbolKind.Property, "item": t.SymbolKind.Field, "scale": t.SymbolKind.Enum,
    "ladder": t.SymbolKind.Enum, "value": t.SymbolKind.EnumMember, "attribute": t.SymbolKind.Struct,
    "attribute value": t.SymbolKind.EnumMember, "source": t.SymbolKind.Constant, "class": t.SymbolKind.Constant,
    "measure": t.SymbolKind.Variable, "sample": t.SymbolKind.Namespace, "grading": t.SymbolKind.Function,
    "bands": t.SymbolKind.Function, "points": t.SymbolKind.Function, "overall": t.SymbolKind.Package,
    "test": t.SymbolKind.Event, "outcome": t.SymbolKind.Enum,
}
_COMPLETION_KINDS = {
    "keyword": t.CompletionItemKind.Keyword, "scale": t.CompletionItemKind.Enum,
    "value": t.CompletionItemKind.EnumMember, "attribute": t.CompletionItemKind.Field,
    "attribute value": t.CompletionItemKind.EnumMember, "source": t.CompletionItemKind.Constant,
    "class": t.CompletionItemKind.Constant, "measure": t.CompletionItemKind.Variable,
    "section": t.CompletionItemKind.Module, "criterion": t.CompletionItemKind.Class,
    "question": t.CompletionItemKind.Property, "item": t.CompletionItemKind.Field,
    "grading": t.CompletionItemKind.Function, "bands": t.CompletionItemKind.Function,
    "points": t.CompletionItemKind.Function, "sample": t.CompletionItemKind.Module,
}


class EsirulesServer(LanguageServer):
    """A pygls server holding the open rulesets and the evidence setting."""

    def __init__(self) -> None:
        super().__init__("esirules", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
        self.state = Workspace()
        self.scores = EvidenceScores(self.state)
        self.setting: EvidenceSetting | None = None
        self.publishing = False
        self.lens_refresh = False  # the editor asks for code lenses again when told (LSP 3.16)


# ---------------------------------------------------------------------------------------------
# Conversions


def _range(r: Range) -> t.Range:
    return t.Range(t.Position(r.start.line, r.start.character), t.Position(r.end.line, r.end.character))


def _lines_for(ls: EsirulesServer, path: str) -> Lines:
    document = ls.state.documents.get(path)
    if document is not None:
        return ls.state.lines(document)
    return Lines(ls.state.text_of(path) or "", ls.state.encoding)


def _span_range(ls: EsirulesServer, span: Span) -> t.Range:
    return _range(_lines_for(ls, span.file).range(span))


def _location(ls: EsirulesServer, span: Span) -> t.Location:
    return t.Location(ls.state.uri_of(span.file), _span_range(ls, span))


def _diagnostic(ls: EsirulesServer, diagnostic: Diagnostic) -> t.Diagnostic:
    message = diagnostic.message if diagnostic.help is None else f"{diagnostic.message}\nhelp: {diagnostic.help}"
    severity = t.DiagnosticSeverity.Error if diagnostic.severity == "error" else t.DiagnosticSeverity.Warning
    return t.Diagnostic(
        range=_span_range(ls, diagnostic.span),
        message=message,
        severity=severity,
        code=diagnostic.code,
        source="esirules",
        data={"help": diagnostic.help},
    )


def _offset(ls: EsirulesServer, uri: str, position: t.Position) -> tuple[Any, int] | None:
    document = ls.state.document(uri)
    if document is None:
        return None
    return document, ls.state.lines(document).offset(Position(position.line, position.character))


# ---------------------------------------------------------------------------------------------
# Lifecycle and documents


def initialize(ls: EsirulesServer, params: t.InitializeParams) -> None:
    roots = [uri_to_path(f.uri) for f in params.workspace_folders or []]
    if not roots and params.root_uri:
        roots = [uri_to_path(params.root_uri)]
    ls.state.roots = [r for r in roots if os.path.isabs(r)]
    ls.state.encoding = encoding_of(ls.workspace.position_encoding)
    lenses = params.capabilities.workspace.code_lens if params.capabilities.workspace else None
    ls.lens_refresh = bool(lenses and lenses.refresh_support)
    configure(ls, params.initialization_options)


def encoding_of(chosen: object) -> Encoding:
    """The position encoding pygls agreed with the editor (an lsprotocol enum or a string)."""
    name = str(getattr(chosen, "value", chosen) or "utf-16")
    return name if name in ("utf-8", "utf-32") else "utf-16"  # type: ignore[return-value]


def configure(ls: EsirulesServer, options: object) -> None:
    """Read `{"evidence": PATH, "sample": NAME}` (or the same under `esirules`) from the editor."""
    if isinstance(options, dict) and isinstance(options.get("esirules"), dict):
        options = options["esirules"]
    if not isinstance(options, dict):
        return
    evidence = options.get("evidence")
    sample = options.get("sample")
    ls.setting = EvidenceSetting(evidence, sample if isinstance(sample, str) and sample else None) if (
        isinstance(evidence, str) and evidence) else None


def diagnostics_params(ls: EsirulesServer) -> list[t.PublishDiagnosticsParams]:
    """The diagnostics to publish now: each file whose diagnostics changed."""
    out = []
    for uri, found in sorted(ls.state.diagnostics_to_publish().items()):
        document = ls.state.document(uri)
        version = document.version if document is not None else None
        out.append(t.PublishDiagnosticsParams(uri, [_diagnostic(ls, d) for d in found], version))
    return out


def publish(ls: EsirulesServer) -> None:
    ls.publishing = False
    for params in diagnostics_params(ls):
        ls.text_document_publish_diagnostics(params)


def _publish_soon(ls: EsirulesServer) -> None:
    """Publish once the messages already received are handled (so a burst of edits is checked once)."""
    if ls.publishing:
        return
    ls.publishing = True
    asyncio.get_running_loop().call_soon(publish, ls)


def did_open(ls: EsirulesServer, params: t.DidOpenTextDocumentParams) -> None:
    ls.state.open(params.text_document.uri, params.text_document.text, params.text_document.version)
    _publish_soon(ls)


def did_change(ls: EsirulesServer, params: t.DidChangeTextDocumentParams) -> None:
    text = ls.workspace.get_text_document(params.text_document.uri).source
    ls.state.change(params.text_document.uri, text, params.text_document.version)
    _publish_soon(ls)


def did_close(ls: EsirulesServer, params: t.DidCloseTextDocumentParams) -> None:
    ls.state.close(params.text_document.uri)
    _publish_soon(ls)


def did_save(ls: EsirulesServer, params: t.DidSaveTextDocumentParams) -> None:
    ls.state.saved()
    _publish_soon(ls)


def did_change_configuration(ls: EsirulesServer, params: t.DidChangeConfigurationParams) -> None:
    configure(ls, params.settings)
    if ls.lens_refresh:  # (the lenses show figures on the evidence configured: they are stale now)
        ls.workspace_code_lens_refresh(None)


# ---------------------------------------------------------------------------------------------
# Requests


def _occurrence(ls: EsirulesServer, uri: str, position: t.Position) -> tuple[Any, Occurrence] | None:
    found = _offset(ls, uri, position)
    if found is None:
        return None
    return ls.state.occurrence_at(uri, found[1])


def hover(ls: EsirulesServer, params: t.HoverParams) -> t.Hover | None:
    found = _occurrence(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    analysis, occurrence = found
    text = hover_text(occurrence, analysis.index, analysis.model, ls.state.text_of)
    if text is None:
        return None
    return t.Hover(t.MarkupContent(t.MarkupKind.Markdown, text), _span_range(ls, occurrence.span))


def definition(ls: EsirulesServer, params: t.DefinitionParams) -> list[t.Location]:
    found = _occurrence(ls, params.text_document.uri, params.position)
    if found is None:
        return []
    analysis, occurrence = found
    if occurrence.kind == "ruleset":
        target = ls.state.locate(occurrence.name, occurrence.span.file)
        if target is None or ls.state.text_of(target) is None:
            return []
        start = t.Position(0, 0)
        return [t.Location(ls.state.uri_of(target), t.Range(start, start))]
    declaration = analysis.index.declaration(occurrence)
    return [] if declaration is None else [_location(ls, declaration.span)]


def references(ls: EsirulesServer, params: t.ReferenceParams) -> list[t.Location]:
    found = _occurrence(ls, params.text_document.uri, params.position)
    if found is None:
        return []
    analysis, occurrence = found
    declaration = analysis.index.declaration(occurrence)
    if declaration is None:
        return []
    return [
        _location(ls, o.span)
        for o in ls.state.references(declaration)
        if params.context.include_declaration or not (o.declares and o.replaces is None)
    ]


def prepare_rename(ls: EsirulesServer, params: t.PrepareRenameParams) -> t.PrepareRenamePlaceholder | None:
    renamed = _renaming(ls, params.text_document.uri, params.position, renaming.target)
    return None if renamed is None else t.PrepareRenamePlaceholder(_span_range(ls, renamed.span), renamed.name)


def rename(ls: EsirulesServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
    changes = _renaming(ls, params.text_document.uri, params.position,
                        lambda occurrence, index: renaming.edits(ls.state, occurrence, index, params.new_name))
    return None if changes is None else t.WorkspaceEdit(changes={
        ls.state.uri_of(file): [t.TextEdit(_span_range(ls, span), written) for span, written in found]
        for file, found in changes.items()
    })


def _renaming(ls: EsirulesServer, uri: str, position: t.Position, work: Callable[[Occurrence, Index], R]) -> R | None:
    """`work` on the name at the cursor (None where there is none); a refusal is the request's
    error, whose message the editor shows."""
    found = _occurrence(ls, uri, position)
    if found is None:
        return None
    analysis, occurrence = found
    try:
        return work(occurrence, analysis.index)
    except renaming.Refused as refused:
        raise JsonRpcException(refused.message, code=t.LSPErrorCodes.RequestFailed) from None


def completion(ls: EsirulesServer, params: t.CompletionParams) -> t.CompletionList:
    found = _offset(ls, params.text_document.uri, params.position)
    if found is None:
        return t.CompletionList(is_incomplete=False, items=[])
    document, offset = found
    # The names in scope may come from the last check while the newest edit waits for its own.
    analysis = document.analysis or document.last_analysis or ls.state.analysis(document)
    answer = complete(document.text, offset, analysis.index, braces(document.text))
    lines = ls.state.lines(document)
    end = offset if answer.end is None else answer.end
    replaced = _range(Range(lines.position(answer.start), lines.position(end)))
    items = []
    for rank, candidate in enumerate(answer.candidates):
        items.append(t.CompletionItem(
            label=candidate.label,
            kind=_COMPLETION_KINDS.get(candidate.kind, t.CompletionItemKind.Text),
            detail=candidate.detail or None,
            sort_text=f"{0 if candidate.kind != 'keyword' else 1}{rank:04d}",
            filter_text=answer.typed + candidate.label,
            text_edit=t.TextEdit(replaced, candidate.insert or candidate.label),
        ))
    return t.CompletionList(is_incomplete=False, items=items)


def document_symbols(ls: EsirulesServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
    document = ls.state.document(params.text_document.uri)
    if document is None:
        return []
    lines = ls.state.lines(document)
    return [_symbol(lines, s) for s in symbols(ls.state.analysis(document).tree)]


def _symbol(lines: Lines, symbol: Symbol) -> t.DocumentSymbol:
    whole, name = _range(lines.range(symbol.span)), _range(lines.range(symbol.selection))
    if not (_le(whole.start, name.start) and _le(name.end, whole.end)):
        name = t.Range(whole.start, whole.start)
    return t.DocumentSymbol(
        name=symbol.name or "(unnamed)",
        kind=_SYMBOL_KINDS.get(symbol.kind, t.SymbolKind.Object),
        range=whole,
        selection_range=name,
        detail=symbol.detail or None,
        children=[_symbol(lines, c) for c in symbol.children],
    )


def _le(a: t.Position, b: t.Position) -> bool:
    return (a.line, a.character) <= (b.line, b.character)


def folding_ranges(ls: EsirulesServer, params: t.FoldingRangeParams) -> list[t.FoldingRange]:
    document = ls.state.document(params.text_document.uri)
    if document is None:
        return []
    found = folds(ls.state.lines(document), braces(document.text))
    kinds = {"comment": t.FoldingRangeKind.Comment}
    return [t.FoldingRange(f.start_line, f.end_line, kind=kinds.get(f.kind or "")) for f in found]


def formatting(ls: EsirulesServer, params: t.DocumentFormattingParams) -> list[t.TextEdit] | None:
    """The whole document in the canonical layout of `esirules fmt`, as one edit (none if it is
    already so); nothing while it has syntax errors, which the diagnostics already show."""
    document = ls.state.document(params.text_document.uri)
    if document is None:
        return None
    try:
        formatted = format_text(document.text, document.path)
    except FormatterFault as fault:
        ls.window_show_message(t.ShowMessageParams(t.MessageType.Error, f"esirules fmt left the text as it was: {fault}"))
        return None
    if formatted.text is None:
        return None
    # A file with Windows line ends keeps them: the editor's document says which it has, and a
    # layout that differs only in them is no change (else every save rewrote the whole file).
    new = formatted.text.replace("\n", "\r\n") if "\r\n" in document.text else formatted.text
    if new == document.text:
        return []
    lines = ls.state.lines(document)
    return [t.TextEdit(_range(Range(lines.position(0), lines.position(len(document.text)))), new)]


def code_lenses(ls: EsirulesServer, params: t.CodeLensParams) -> list[t.CodeLens]:
    """Where an evidence file is configured: the figure of each criterion, section and the
    overall on it, to click for the explanation; in a ruleset that only extends another, the
    sections' and the overall's on its `extends` line."""
    document = ls.state.document(params.text_document.uri)
    if document is None or ls.setting is None:
        return []
    analysis = ls.state.analysis(document)
    if analysis.model is None:
        return []
    figures, problems = ls.scores.figures(document, ls.setting)
    lines = ls.state.lines(document)
    places: list[tuple[Span, str]] = []  # where each lens goes, and its target
    own_criteria = False
    for symbol in symbols(analysis.tree):
        if symbol.kind in ("section", "overall"):
            places.append((symbol.selection, "overall" if symbol.kind == "overall" else symbol.name))
        if symbol.kind in ("section", "criterion"):
            criteria = symbol.children if symbol.kind == "section" else (symbol,)
            places.extend((c.selection, c.name) for c in criteria)
            own_criteria = own_criteria or bool(criteria)
    declarations = analysis.tree.declarations if analysis.tree is not None else ()
    extends = next((d for d in declarations if isinstance(d, s.Extends)), None)
    if extends is not None and not own_criteria:  # (else nothing would show a figure)
        declared = {target for _, target in places}
        totals = [*(section.id for section in analysis.model.sections), "overall"]
        places = [(extends.span, target) for target in totals if target not in declared] + places
    lenses = []
    for span, target in places:
        found = figures.get(target)
        if problems is not None:
            title = f"{os.path.basename(ls.setting.evidence)}: cannot be scored, see why"
        elif found is None:
            continue
        else:
            title = f"{found.summary()} · explain"
        command = t.Command(title, EXPLAIN_COMMAND, arguments=[document.uri, target])
        lenses.append(t.CodeLens(_range(lines.range(span)), command))
        if problems is not None:
            return lenses
    return lenses


def explain_criterion(ls: EsirulesServer, *arguments: Any) -> dict[str, object]:
    """`esirules.explainCriterion URI CRITERION [EVIDENCE [SAMPLE]]`: the criterion on the evidence
    (the configured evidence when none is given): its figure, grade and explanation."""
    if len(arguments) < 2 or not all(isinstance(a, str) for a in arguments[:4]):
        return {"problems": "give the ruleset's URI and a criterion id, and an evidence file unless one is configured"}
    uri, criterion = arguments[0], arguments[1]
    document = ls.state.document(uri)
    setting = EvidenceSetting(arguments[2], arguments[3] if len(arguments) > 3 else None) if len(arguments) > 2 else ls.setting
    if document is None:
        return {"problems": f"the ruleset `{uri}` is not open"}
    if setting is None:
        return {"problems": "no evidence file is configured; give one, or set `evidence` in the settings"}
    return ls.scores.explain(document, criterion, setting).to_json()


def _explain_command(ls: EsirulesServer, *arguments: Any) -> dict[str, object]:
    answer = explain_criterion(ls, *arguments)
    problems = answer.get("problems")
    # (run from a code lens, the editor shows this message and drops the answer: it must say why)
    message = str(answer.get("summary") or "") + (f"\n\n{problems}" if problems else "")
    kind = t.MessageType.Warning if problems else t.MessageType.Info
    ls.window_show_message(t.ShowMessageParams(kind, message.strip()))
    return answer


# ---------------------------------------------------------------------------------------------
# Wiring


def make_server() -> EsirulesServer:
    """A server with every handler registered."""
    server = EsirulesServer()
    server.feature(t.INITIALIZE)(initialize)
    server.feature(t.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(t.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(t.TEXT_DOCUMENT_DID_CLOSE)(did_close)
    server.feature(t.TEXT_DOCUMENT_DID_SAVE)(did_save)
    server.feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
    server.feature(t.TEXT_DOCUMENT_HOVER)(hover)
    server.feature(t.TEXT_DOCUMENT_DEFINITION)(definition)
    server.feature(t.TEXT_DOCUMENT_REFERENCES)(references)
    server.feature(t.TEXT_DOCUMENT_PREPARE_RENAME)(prepare_rename)
    server.feature(t.TEXT_DOCUMENT_RENAME, t.RenameOptions(prepare_provider=True))(rename)
    server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[" ", ",", "{", '"']))(completion)
    server.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(document_symbols)
    server.feature(t.TEXT_DOCUMENT_FOLDING_RANGE)(folding_ranges)
    server.feature(t.TEXT_DOCUMENT_FORMATTING)(formatting)
    server.feature(t.TEXT_DOCUMENT_CODE_LENS, t.CodeLensOptions(resolve_provider=False))(code_lenses)
    server.command(EXPLAIN_COMMAND)(_explain_command)
    return server


def serve() -> None:
    """Run the server over standard input and output until the editor ends it."""
    make_server().start_io()
