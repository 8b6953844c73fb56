"""Benchmark the language server on esi-2003.esi, warm: diagnostics after an edit, hover, completion, rename.

Two ways. In process: the server's handlers called as its event loop calls them (the edit is
applied, then the diagnostics to publish are made, or the hover or completion answered). End
to end: `esirules lsp` started as a process and driven over stdio by a pygls client, each
figure the time from sending a message to receiving its answer (for an edit, from sending
`didChange` to receiving that version's `publishDiagnostics`). Each figure is the median of
`--repeat` runs after a warm-up. The baseline, measured in the same run, is `check_text` of the
same file: what `esirules check` does once the file is read; each figure is also given as a
ratio to it. The aims (docs/performance.md): under 50 ms for diagnostics, under 20 ms for hover
and completion, and under 250 ms for a rename (asked for once, and checked again before it is
made), in process only.

    python bench/editor.py [--repeat R] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from lsprotocol import types as t

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULESET = os.path.join(ROOT, "esirules", "rulesets", "esi-2003.esi")
URI = "file://" + RULESET
with open(RULESET, encoding="utf-8") as file:
    TEXT = file.read()
# The edit: one character typed into a question's text, then taken out again.
EDIT_AT = TEXT.index('question B1.incident "Risk of harm') + len('question B1.incident "Risk')
HOVER_AT = TEXT.index("graded by management") + len("graded by ma")
COMPLETE_AT = TEXT.index("applies when significant_incident") + len("applies when ")
RENAME_AT = TEXT.index("graded by management") + len("graded by ma")  # six criteria name the grading


def position(offset: int) -> t.Position:
    line = TEXT.count("\n", 0, offset)
    return t.Position(line, offset - (TEXT.rfind("\n", 0, offset) + 1))


def median_ms(work: Callable[[int], object], repeat: int) -> float:
    work(0)  # warm
    times = []
    for run in range(1, repeat + 1):
        start = time.perf_counter()
        work(run)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _edited(run: int) -> str:
    return TEXT if run % 2 == 0 else TEXT[:EDIT_AT] + "s" + TEXT[EDIT_AT:]


def in_process(repeat: int) -> dict[str, float]:
    from esirules import collector
    from esirules.editor import server as lsp
    from esirules.language.check import check_text

    def check(_: int) -> None:
        with collector.paused():
            check_text(TEXT.encode("utf-8"), RULESET, {})

    server = lsp.make_server()
    server.state.open(URI, TEXT, 0)
    lsp.diagnostics_params(server)
    here = {"text_document": t.TextDocumentIdentifier(URI)}

    def diagnostics(run: int) -> None:
        server.state.change(URI, _edited(run), run)
        assert lsp.diagnostics_params(server)

    def hover(_: int) -> None:
        assert lsp.hover(server, t.HoverParams(position=position(HOVER_AT), **here)) is not None

    def completion(_: int) -> None:
        assert lsp.completion(server, t.CompletionParams(position=position(COMPLETE_AT), **here)).items

    def typing(run: int) -> None:
        """Completion while the check of the newest edit has not run yet."""
        server.state.change(URI, _edited(run), run)
        assert lsp.completion(server, t.CompletionParams(position=position(COMPLETE_AT), **here)).items

    figures = {"check_text": median_ms(check, repeat), "diagnostics after an edit": median_ms(diagnostics, repeat)}
    server.state.change(URI, TEXT, 10**6)
    lsp.diagnostics_params(server)
    figures["hover"] = median_ms(hover, repeat)
    figures["completion"] = median_ms(completion, repeat)
    figures["completion right after an edit"] = median_ms(typing, repeat)

    def rename(run: int) -> None:
        """Where the name is, then the edits (every file checked again with them)."""
        at = {"position": position(RENAME_AT), **here}
        assert lsp.prepare_rename(server, t.PrepareRenameParams(**at)) is not None
        edit = lsp.rename(server, t.RenameParams(new_name=f"leadership_{run}", **at))
        assert edit is not None and edit.changes

    server.state.change(URI, TEXT, 10**6 + 1)
    lsp.diagnostics_params(server)
    figures["rename"] = median_ms(rename, repeat)
    return figures


async def _end_to_end(repeat: int) -> dict[str, float]:
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("bench", "1")
    published: dict[int, asyncio.Event] = {}

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams) -> None:
        if params.uri == URI and params.version is not None:
            published.setdefault(params.version, asyncio.Event()).set()

    await client.start_io(sys.executable, "-m", "esirules.cli.main", "lsp")
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri="file://" + ROOT))
    client.initialized(t.InitializedParams())
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(URI, "esirules", 0, TEXT)))
    await published.setdefault(0, asyncio.Event()).wait()
    here = {"text_document": t.TextDocumentIdentifier(URI)}

    async def timed(work: Callable[[int], Any]) -> float:
        await work(0)
        times = []
        for run in range(1, repeat + 1):
            start = time.perf_counter()
            await work(run)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    version = [0]

    async def diagnostics(run: int) -> None:
        version[0] += 1
        typed = version[0] % 2 == 1
        start, end = position(EDIT_AT), position(EDIT_AT + (0 if typed else 1))
        change = t.TextDocumentContentChangePartial(t.Range(start, end), "s" if typed else "")
        waiting = published.setdefault(version[0], asyncio.Event())
        client.text_document_did_change(
            t.DidChangeTextDocumentParams(t.VersionedTextDocumentIdentifier(version[0], URI), [change])
        )
        await waiting.wait()

    async def hover(_: int) -> None:
        assert await client.text_document_hover_async(t.HoverParams(position=position(HOVER_AT), **here))

    async def completion(_: int) -> None:
        assert await client.text_document_completion_async(t.CompletionParams(position=position(COMPLETE_AT), **here))

    figures = {"diagnostics after an edit": await timed(diagnostics)}
    if version[0] % 2 == 1:
        await diagnostics(0)  # back to the file as it is
    figures["hover"] = await timed(hover)
    figures["completion"] = await timed(completion)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    here = in_process(args.repeat)
    over_stdio = asyncio.run(_end_to_end(args.repeat))
    baseline = here["check_text"]
    results = {"in process": here, "end to end": over_stdio, "load average": os.getloadavg()[0]}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"esi-2003.esi, medians of {args.repeat} runs (load average {results['load average']:.1f})")
    print(f"  baseline: check_text {baseline:.1f} ms")
    for way, figures in (("in process", here), ("end to end", over_stdio)):
        for name, ms in figures.items():
            if name != "check_text":
                print(f"  {way:11} {name:32} {ms:7.1f} ms  {ms / baseline:5.2f}× check_text")


if __name__ == "__main__":
    main()
