"""Property: edit by edit, a ruleset mutated at random never makes a request fail.

Each example opens a real ruleset (a bundled one or one of the docs' examples) in a server held
in this process, applies a few edits (characters deleted, fragments of the language or stray
characters inserted, lines doubled), and after every edit asks for everything the server
answers: diagnostics, hover, definition, references, completion, symbols, folding ranges,
code lenses, formatting and the explain command, at the edit and at positions anywhere (some beyond the
end of the text). Every answer must come back, and its ranges must be well formed.
"""

from __future__ import annotations

from editor_helpers import CHILD, EXAMPLES, REPO, uri
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types as t

from esirules.authoring.fmt import format_text
from esirules.editor import server as lsp
from esirules.editor.on_evidence import EvidenceSetting
from esirules.language.check import check_text

FILES = [CHILD, *sorted(EXAMPLES.glob("*.esi"))]
TEXTS = {path: path.read_text("utf-8") for path in FILES}
FRAGMENTS = [
    "{", "}", '"', '"""', "#", ",", ":", "(", ")", "\n", "%", ">", "=", " ", "é", "\U0001f600", "\t",
    "criterion ", "question X.y ", "at least ", " when ", "applies when ", "on ", "source ", "graded by ",
    "section Z \"z\" {", "scale s: a > b", "extends \"nowhere.esi\"", "replace criterion ", "test \"t\" {",
    "exclude cases where ", "given ratings ", "expect grade ", "weight 2", "-1", "1/0", "A1", "yes",
]

edits = st.lists(
    st.tuples(
        st.sampled_from(["delete", "insert", "double"]),
        st.integers(min_value=0, max_value=10**6),
        st.integers(min_value=1, max_value=40),
        st.sampled_from(FRAGMENTS),
    ),
    min_size=1,
    max_size=4,
)
positions = st.lists(st.tuples(st.integers(-2, 1200), st.integers(-2, 200)), min_size=1, max_size=3)


def _edit(text: str, kind: str, at: int, length: int, fragment: str) -> tuple[str, int]:
    at = at % (len(text) + 1)
    if kind == "delete":
        return text[:at] + text[at + length :], at
    if kind == "insert":
        return text[:at] + fragment + text[at:], at + len(fragment)
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    end = len(text) if end < 0 else end + 1
    return text[:end] + text[start:end] + text[end:], at


def _well_formed(found: object) -> None:
    """Every range in an answer runs forwards from a position at or after the start of the document."""
    ranges = []
    stack = [found]
    while stack:
        item = stack.pop()
        if isinstance(item, t.Range):
            ranges.append(item)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif hasattr(item, "__attrs_attrs__"):
            stack.extend(getattr(item, a.name) for a in item.__attrs_attrs__)
    for r in ranges:
        assert r.start.line >= 0 and r.start.character >= 0
        assert (r.start.line, r.start.character) <= (r.end.line, r.end.character)


def _ask_everything(server: lsp.EsirulesServer, document: str, line: int, character: int) -> None:
    where = {"text_document": t.TextDocumentIdentifier(document), "position": t.Position(max(line, 0), max(character, 0))}
    identifier = t.TextDocumentIdentifier(document)
    answers = [
        lsp.hover(server, t.HoverParams(**where)),
        lsp.definition(server, t.DefinitionParams(**where)),
        lsp.references(server, t.ReferenceParams(context=t.ReferenceContext(True), **where)),
        lsp.completion(server, t.CompletionParams(**where)),
        lsp.document_symbols(server, t.DocumentSymbolParams(identifier)),
        lsp.folding_ranges(server, t.FoldingRangeParams(identifier)),
    ]
    for answer in answers:
        _well_formed(answer)


@settings(max_examples=int(__import__("os").environ.get("EDITOR_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FILES), edits, positions)
def test_no_edit_makes_a_request_fail(path, changes, where) -> None:  # type: ignore[no-untyped-def]
    server = lsp.make_server()
    server.state.roots = [str(REPO)]
    server.setting = EvidenceSetting("examples/hertfordshire/followup.yaml", "february")
    document = uri(path)
    text = TEXTS[path]
    server.state.open(document, text, 1)
    for version, (kind, at, length, fragment) in enumerate(changes, start=2):
        text, cursor = _edit(text, kind, at, length, fragment)
        server.state.change(document, text, version)
        published = {p.uri: p for p in lsp.diagnostics_params(server)}
        _well_formed(list(published.values()))
        own = [d.code for d in published[document].diagnostics]
        expected = check_text(text.encode("utf-8"), str(path), {}, sources=server.state.sources(str(path))).diagnostics
        assert own == [d.code for d in expected if d.span.file == str(path)]
        lines = server.state.lines(server.state.document(document))  # type: ignore[arg-type]
        at_edit = lines.position(cursor)
        _ask_everything(server, document, at_edit.line, at_edit.character)
        for line, character in where:
            _ask_everything(server, document, line, character)
    _well_formed(lsp.code_lenses(server, t.CodeLensParams(t.TextDocumentIdentifier(document))))
    formatted = lsp.formatting(server, t.DocumentFormattingParams(t.TextDocumentIdentifier(document), t.FormattingOptions(2, True)))
    _well_formed(formatted)
    assert formatted is None or [e.new_text for e in formatted] in ([], [format_text(text).text])
    answer = lsp.explain_criterion(server, document, "B1")
    assert set(answer) & {"figure", "problems"}
