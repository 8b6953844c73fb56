"""The documents an editor has open: their texts in, each one's check, syntax tree and names out.

A document is checked exactly as `esirules check` checks a file, except that rulesets are read
first from the open documents and then from disk, so an edit to an open parent is seen by its
open children (they are checked again). Checks run when an answer needs them, so several
edits in a row are checked once. A parent shared by several documents is checked once and kept
until it or a file it extends changes.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection, Iterable, Iterator
from urllib.parse import unquote, urlparse

import attrs

from esirules import collector
from esirules.diagnostics import Diagnostic
from esirules.editor.index import Index, Occurrence, same_place
from esirules.editor.positions import Encoding, Lines, parsed_offset
from esirules.editor.salvage import Braces, Salvaged, braces, salvage
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check import Checked, Memo, check_text
from esirules.language.sources import FileSources, MemorySources, SourceError
from esirules.span import Span

MAX_CHAIN = 16  # parents followed for names; the checker reports cycles, this only stops them
MAX_WORKSPACE_FILES = 500  # rulesets under the workspace folders read for references
MAX_WORKSPACE_FOLDERS = 5_000  # folders looked through for them


def uri_to_path(uri: str) -> str:
    """A `file:` URI as a path; any other URI (an unsaved document) stands for itself."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    path = unquote(parsed.path)
    if os.name == "nt" and len(path) > 2 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return os.path.normpath(path)


def path_to_uri(path: str) -> str:
    if not os.path.isabs(path):
        return path
    from pathlib import Path

    return Path(path).as_uri()


class Analysis:
    """What one version of a document gives: the check, the file's own syntax tree (salvaged
    when half typed), and the names of the file and the files it extends.

    Only the check is made at once (diagnostics need nothing else); the tree, the names and
    the braces are made when a request first needs them."""

    def __init__(
        self,
        checked: Checked,
        chain: tuple[str, ...],
        text: str,
        make_tree: Callable[[], s.RulesetFile | None],
        make_index: Callable[[s.RulesetFile | None], Index],
    ):
        self.checked = checked
        self.chain = chain  # the files read: this one, then its parent, and so on
        self.text = text
        self._make_tree = make_tree
        self._make_index = make_index

    @functools.cached_property
    def tree(self) -> s.RulesetFile | None:
        return self._make_tree()

    @functools.cached_property
    def index(self) -> Index:
        with collector.paused():
            return self._make_index(self.tree)

    @functools.cached_property
    def braces(self) -> Braces:
        return braces(self.text)

    @property
    def model(self) -> m.Ruleset | None:
        return self.checked.ruleset

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.checked.diagnostics


@attrs.define
class Document:
    uri: str
    path: str
    text: str
    version: int | None = None
    analysis: Analysis | None = None
    lines: Lines | None = None
    last_analysis: Analysis | None = None  # the newest analysis, even of an older version

    def forget(self) -> None:
        """The text (or a file it extends) changed: the analysis must be made again."""
        if self.analysis is not None:
            self.last_analysis = self.analysis
        self.analysis = None


class Workspace:
    """Open documents, their analyses, and the rulesets under the workspace folders."""

    def __init__(self, roots: Iterable[str] = (), encoding: Encoding = "utf-16"):
        self.roots = [os.path.abspath(r) for r in roots]
        self.encoding: Encoding = encoding
        self.documents: dict[str, Document] = {}  # by path
        self.memo: Memo = {}
        self._trees: dict[tuple[str, str], Salvaged] = {}
        self._disk: dict[str, tuple[tuple[float, int], Analysis]] = {}
        self.published: dict[str, tuple[Diagnostic, ...]] = {}
        self._sent: set[str] = set()  # documents whose diagnostics were published since their last edit

    # --- documents -----------------------------------------------------------------------

    def open(self, uri: str, text: str, version: int | None = None) -> None:
        path = uri_to_path(uri)
        self.documents[path] = Document(uri, path, text, version)
        self._changed(path, disk_too=True)

    def change(self, uri: str, text: str, version: int | None = None) -> None:
        path = uri_to_path(uri)
        document = self.documents.get(path)
        if document is None:
            self.open(uri, text, version)
            return
        document.forget()
        document.text, document.version, document.lines = text, version, None
        self._sent.discard(uri)
        self._changed(path)

    def close(self, uri: str) -> None:
        path = uri_to_path(uri)
        self.documents.pop(path, None)
        self._changed(path, disk_too=True)

    def saved(self) -> None:
        """Files on disk may have changed: forget what was read from them."""
        self._changed(None, disk_too=True)

    def _changed(self, path: str | None, disk_too: bool = False) -> None:
        """Forget every check that read `path` (and, with `disk_too`, every check of a file not open)."""
        key = None if path is None else os.path.normpath(os.path.abspath(path))
        for memo_key, checked in list(self.memo.items()):
            read = {os.path.normpath(os.path.abspath(p)) for p in checked.sources} | {memo_key}
            if key in read or (disk_too and memo_key not in self.documents):
                del self.memo[memo_key]
        for document in self.documents.values():
            if document.analysis is not None and (path in document.analysis.chain or disk_too):
                document.forget()
        if disk_too:
            self._disk.clear()

    def document(self, uri: str) -> Document | None:
        return self.documents.get(uri_to_path(uri))

    def lines(self, document: Document) -> Lines:
        if document.lines is None:
            document.lines = Lines(document.text, self.encoding)
        return document.lines

    def sources(self, path: str) -> MemorySources:
        """Open documents first, then files on disk (under the rules of `FileSources`)."""
        texts = {p: d.text.encode("utf-8") for p, d in self.documents.items()}
        return MemorySources(texts, fallback=FileSources.for_file(path))

    # --- analysis ------------------------------------------------------------------------

    def analysis(self, document: Document) -> Analysis:
        if document.analysis is None:
            with collector.paused():  # parsing makes many small objects, none in cycles
                document.analysis = self._analyse(document.path, document.text)
        return document.analysis

    def _analyse(self, path: str, text: str) -> Analysis:
        sources = self.sources(path)
        self.memo.pop(os.path.normpath(os.path.abspath(path)), None)
        checked = check_text(text.encode("utf-8"), path, {}, self.memo, sources)
        chain = tuple(checked.sources) or (path,)
        if checked.ruleset is not None and checked.declarations:
            merged = checked.declarations
            own = tuple(d for d in merged if d.span.file == path)
            return Analysis(checked, chain, text, lambda: s.RulesetFile(path, own), lambda _: Index(merged))
        problems = [d for d in checked.diagnostics if d.span.file == path]
        return Analysis(
            checked, chain, text,
            lambda: self._tree(path, text, problems).tree,
            lambda tree: Index(self._chain_declarations(path, tree, sources)),
        )

    def _tree(self, path: str, text: str, problems: list[Diagnostic] | None = None) -> Salvaged:
        key = (path, text)
        if key not in self._trees:
            if len(self._trees) > 64:
                self._trees.clear()
            self._trees[key] = salvage(text, path, problems)
        return self._trees[key]

    def _chain_declarations(self, path: str, tree: s.RulesetFile | None, sources: MemorySources) -> list[s.Declaration]:
        """The file's declarations after those of the rulesets it extends (as far as they parse)."""
        files = [tree.declarations if tree else ()]
        seen = {path}
        current_path, current = path, tree
        while current is not None and len(files) < MAX_CHAIN:
            extends = next((d for d in current.declarations if isinstance(d, s.Extends)), None)
            if extends is None:
                break
            try:
                parent_path = sources.locate(extends.target.text, current_path)
                if parent_path in seen:
                    break
                data = sources.read(parent_path)
            except SourceError:
                break
            seen.add(parent_path)
            current_path, current = parent_path, self._tree(parent_path, data.decode("utf-8", "replace")).tree
            files.append(current.declarations if current else ())
        return [d for declarations in reversed(files) for d in declarations]

    def text_of(self, path: str) -> str | None:
        """A file's text as the editor has it, else as last read from disk."""
        document = self.documents.get(path)
        if document is not None:
            return document.text
        for other in self.documents.values():
            if other.analysis is not None and path in other.analysis.checked.sources:
                return other.analysis.checked.sources[path]
        try:
            return FileSources().read(path).decode("utf-8", "replace")
        except SourceError:
            return None

    # --- diagnostics ---------------------------------------------------------------------

    def diagnostics_to_publish(self) -> dict[str, tuple[Diagnostic, ...]]:
        """Each file's diagnostics that differ from those last published, by URI; a file no
        longer reported gets an empty list, and a document just opened or changed gets its
        list even when it is empty.

        An open document's diagnostics are those of its own check, exactly as `esirules check`
        gives them; a file that is not open (a parent) gets those that the check of the first
        open document extending it found in it."""
        found: dict[str, tuple[Diagnostic, ...]] = {}
        own: dict[str, tuple[Diagnostic, ...]] = {}
        for document in list(self.documents.values()):
            groups: dict[str, list[Diagnostic]] = {}
            for diagnostic in self.analysis(document).diagnostics:
                file = diagnostic.span.file
                if file == document.path:
                    groups.setdefault(document.uri, []).append(diagnostic)
                elif os.path.isabs(file) and file not in self.documents:
                    groups.setdefault(self.uri_of(file), []).append(diagnostic)
            own[document.uri] = tuple(groups.pop(document.uri, ()))
            for uri, diagnostics in groups.items():
                found.setdefault(uri, tuple(diagnostics))
        found.update(own)
        changes: dict[str, tuple[Diagnostic, ...]] = {}
        fresh = {d.uri for d in self.documents.values() if d.uri not in self._sent}
        for uri in set(found) | set(self.published) | fresh:
            now = found.get(uri, ())
            if now != self.published.get(uri, ()) or uri in fresh:
                changes[uri] = now
        self._sent = {d.uri for d in self.documents.values()}
        self.published = {uri: found_ for uri, found_ in found.items() if found_}
        return changes

    def uri_of(self, path: str) -> str:
        document = self.documents.get(path)
        return document.uri if document is not None else path_to_uri(path)

    # --- names across files --------------------------------------------------------------

    def occurrence_at(self, uri: str, offset: int) -> tuple[Analysis, Occurrence] | None:
        document = self.document(uri)
        if document is None:
            return None
        analysis = self.analysis(document)
        found = analysis.index.at(document.path, parsed_offset(document.text, offset))
        return None if found is None else (analysis, found)

    def references(self, declaration: Occurrence) -> list[Occurrence]:
        """Every occurrence naming `declaration`, in the open documents and the rulesets under
        the workspace folders (each file once)."""
        out: dict[tuple[str, int, int], Occurrence] = {}
        for index in self._indexes():
            for occurrence in index.occurrences:
                if occurrence.key == declaration.key and occurrence.kind == declaration.kind and index.refers_to(
                    occurrence, declaration
                ):
                    out.setdefault((occurrence.span.file, occurrence.span.start, occurrence.span.end), occurrence)
        return sorted(out.values(), key=lambda o: (o.span.file, o.span.start))

    def _indexes(self) -> Iterator[Index]:
        for document in list(self.documents.values()):
            yield self.analysis(document).index
        for _, index in self._disk_indexes():
            yield index

    def _disk_indexes(self) -> Iterator[tuple[str, Index]]:
        """The rulesets under the workspace folders that are not open, each with its index."""
        for path in self._workspace_files():
            if path in self.documents:
                continue
            analysis = self._disk_analysis(path)
            if analysis is not None:
                yield path, analysis.index

    def extending(self, files: Collection[str]) -> list[str]:
        """The rulesets under the workspace folders, not open, that are or extend one of `files`."""
        return [
            path for path, index in self._disk_indexes()
            if path in files or any(o.span.file in files for o in index.occurrences)
        ]

    def _workspace_files(self) -> list[str]:
        found: list[str] = []
        folders = 0
        for root in self.roots:
            for folder, subfolders, files in os.walk(root):
                folders += 1
                if folders > MAX_WORKSPACE_FOLDERS:
                    return found
                subfolders[:] = sorted(f for f in subfolders if not f.startswith(".") and f not in ("node_modules", "__pycache__"))
                found.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(".esi"))
                if len(found) >= MAX_WORKSPACE_FILES:
                    return found[:MAX_WORKSPACE_FILES]
        return found

    def _disk_analysis(self, path: str) -> Analysis | None:
        try:
            stat = os.stat(path)
            data = FileSources().read(path)
        except (OSError, SourceError):
            return None
        stamp = (stat.st_mtime, stat.st_size)
        cached = self._disk.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        text = data.decode("utf-8", "replace")
        sources = self.sources(path)
        analysis = Analysis(
            Checked(None, [], {path: text}), (path,), text,
            lambda: self._tree(path, text).tree,
            lambda tree: Index(self._chain_declarations(path, tree, sources)),
        )
        self._disk[path] = (stamp, analysis)
        return analysis

    def locate(self, target: str, extended_from: str) -> str | None:
        """The file an `extends` line names, if it may be read."""
        try:
            return self.sources(extended_from).locate(target, extended_from)
        except SourceError:
            return None


def span_key(span: Span) -> tuple[str, int, int]:
    return (span.file, span.start, span.end)


__all__ = ["Analysis", "Document", "Workspace", "path_to_uri", "same_place", "span_key", "uri_to_path"]
