"""Renaming: a name and the new name in, one edit for each place the name is written out.

The places are those `references` finds: the declaration and every reference to it, in the
open documents and the rulesets under the workspace folders, a derived ruleset's `replace`
and `remove` lines included. The new name is written as the language needs it at each place:
an id as a name; a value bare where it was bare and may be (`strong`), else quoted (`"very
strong"`); a test's name quoted.

A rename is refused, with the reason in words for the editor to show, where the new name is
not one the language takes, or where the rulesets would no longer check as they do: each file
changed, each open document and each ruleset in the workspace that extends a changed file is
checked again with the new texts, and a rename that gives any of them an error more of some kind (the new name already declared, a word the language
keeps for itself) is not made. Evidence files name questions, items, attributes and samples
too; they are not changed (docs/editors.md says so).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

import attrs

from esirules.diagnostics import Diagnostic
from esirules.editor.index import KIND_WORDS, Index, Occurrence
from esirules.editor.workspace import Workspace
from esirules.language.check import Memo, check_text
from esirules.language.decode import line_feeds
from esirules.language.grammar import parser
from esirules.language.sources import FileSources, MemorySources
from esirules.language.tosyntax_rules import unquote
from esirules.span import Span
from esirules.words import value_text

VALUE_KINDS = frozenset({"value", "attribute value"})  # written bare or quoted
QUOTED_KINDS = frozenset({"test"})  # always quoted


class Refused(Exception):
    """A rename that cannot be made; `message` says why, in the editor's words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@attrs.frozen
class Target:
    """What a rename starts from: the text to select, and the name as the editor shows it."""

    span: Span
    name: str
    declaration: Occurrence


def target(occurrence: Occurrence, index: Index) -> Target:
    """The name under the cursor, if it can be renamed (else `Refused`, saying why)."""
    if occurrence.kind == "ruleset":
        raise Refused("an `extends` line names a file: rename the file, then change the name here")
    declaration = index.declaration(occurrence)
    if declaration is None:
        raise Refused(
            f"no {KIND_WORDS[occurrence.kind]} `{occurrence.name}` is declared in this ruleset or those it "
            "extends, so there is nothing to rename; correct the name here instead"
        )
    if declaration.kind == "value" and declaration.node is None:
        raise Refused(
            "this value is written as the words `not applicable`, which cannot change; to spell it "
            'otherwise, write `not applicable "n/a"` in the scale'
        )
    return Target(occurrence.span, occurrence.name, declaration)


def edits(workspace: Workspace, occurrence: Occurrence, index: Index, new_name: str) -> dict[str, list[tuple[Span, str]]]:
    """The edits that rename the name under the cursor to `new_name`, by file (else `Refused`)."""
    found = target(occurrence, index)
    kind = found.declaration.kind
    new = _plain(new_name)
    _check_spelling(kind, new)
    if new == found.declaration.name:
        return {}
    changes: dict[str, list[tuple[Span, str]]] = {}
    texts: dict[str, str] = {}
    for place in workspace.references(found.declaration):
        file = place.span.file
        if file not in texts:
            written = workspace.text_of(file)
            if written is None:
                raise Refused(f"`{file}`, where `{found.declaration.name}` is written, cannot be read")
            texts[file] = line_feeds(written)  # (what the spans' offsets count in)
        was = texts[file][place.span.start : place.span.end]
        changes.setdefault(file, []).append((place.span, _spelling(kind, new, was)))
    _check_again(workspace, texts, changes, found.declaration.name, new)
    return changes


def _plain(new_name: str) -> str:
    """The new name as typed, without the quotes around it if they were typed too."""
    new = new_name.strip()
    return unquote(new) if len(new) >= 2 and new[0] == new[-1] == '"' else new


@functools.cache
def _name_pattern() -> re.Pattern[str]:
    """The grammar's NAME, the one reference for what a name may be."""
    return re.compile(parser().get_terminal("NAME").pattern.to_regexp())


def _is_name(text: str) -> bool:
    return _name_pattern().fullmatch(text) is not None


def _check_spelling(kind: str, new: str) -> None:
    if not new:
        raise Refused("the new name is empty")
    if "\n" in new or "\r" in new:
        raise Refused("a name is written on one line")
    if kind not in VALUE_KINDS and kind not in QUOTED_KINDS and not _is_name(new):
        raise Refused(
            f"`{new}` cannot be the name of a {KIND_WORDS[kind]}: a name starts with a letter or `_` and holds "
            "letters, digits and `_` (parts joined by `.`, as in `B1.start`), with no spaces"
        )


def _spelling(kind: str, new: str, was: str) -> str:
    """How the new name is written where `was` is written now: a value bare where it was bare
    and may be (as `words.value_text` writes values), else quoted; a test's name quoted."""
    if kind not in VALUE_KINDS and kind not in QUOTED_KINDS:
        return new
    if kind in VALUE_KINDS and not was.startswith('"') and value_text(new) == new:
        return new
    return '"' + new.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _apply(text: str, changes: Iterable[tuple[Span, str]]) -> str:
    for span, written in sorted(changes, key=lambda change: change[0].start, reverse=True):
        text = text[: span.start] + written + text[span.end :]
    return text


def _check_again(
    workspace: Workspace, texts: dict[str, str], changes: dict[str, list[tuple[Span, str]]], old: str, new: str
) -> None:
    """Refuse the rename if a changed file, an open document or a ruleset in the workspace that
    extends a changed file would have an error more of some kind."""
    renamed = {file: _apply(texts[file], found).encode("utf-8") for file, found in changes.items()}
    open_texts = {path: document.text.encode("utf-8") for path, document in workspace.documents.items()}
    renamed_checks: Memo = {}  # (a parent checked once for every file that extends it)
    for file in dict.fromkeys([*changes, *workspace.documents, *workspace.extending(changes)]):
        document = workspace.documents.get(file)
        if document is not None:  # (its check as it is now is the one the editor shows)
            had = [d for d in workspace.analysis(document).diagnostics if d.severity == "error"]
        else:
            had = _errors(file, workspace.sources(file), workspace.memo)
        after = MemorySources({**open_texts, **renamed}, fallback=FileSources.for_file(file))
        found = _errors(file, after, renamed_checks)
        counted, now = Counter(d.code for d in had), Counter(d.code for d in found)
        more = [d for d in found if now[d.code] > counted[d.code]]
        if more:
            known = {d.message for d in had}
            first = next((d for d in more if d.message not in known), more[0])
            where = f"line {first.span.line} of {first.span.file}"
            if first.code.startswith("S"):  # (the new name is read as one of the language's words)
                raise Refused(
                    f"renaming `{old}` to `{new}` would make {where} unreadable: `{new}` is a word the "
                    f"language reads as its own there, so choose another name (the check says: {first.message})"
                )
            raise Refused(f"renaming `{old}` to `{new}` would give an error: {first.message} ({where})")


def _errors(file: str, sources: MemorySources, memo: Memo) -> list[Diagnostic]:
    checked = check_text(sources.read(file), file, {}, memo, sources)
    return [d for d in checked.diagnostics if d.severity == "error"]


__all__ = ["Refused", "Target", "edits", "target"]
