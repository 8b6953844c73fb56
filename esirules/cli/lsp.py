"""`esirules lsp`: the language server for editors, over standard input and output, until the editor ends it."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stdio", action="store_true", help="talk over standard input and output (the default; editors often pass it)"
    )


def run(args: argparse.Namespace) -> int:
    # pygls and lsprotocol (and logging, 9 ms) are imported here only, so no other command loads them.
    import logging

    from esirules.editor.server import serve

    class _EditorGone(logging.Filter):
        """A reply that cannot be sent because the editor closed its end is no error to report."""

        def filter(self, record: logging.LogRecord) -> bool:
            return not (record.exc_info is not None and isinstance(record.exc_info[1], BrokenPipeError))

    for name in ("pygls.protocol.json_rpc", "concurrent.futures"):  # where pygls reports a reply it could not send
        logging.getLogger(name).addFilter(_EditorGone())
    serve()
    return 0
