"""`esirules lsp`: the language server for editors, over standard input and output, until the editor ends it."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stdio", action="store_true", help="talk over standard input and output (the default; editors often pass it)"
    )


# What pygls logs, with a traceback, when a message cannot be read or is not JSON-RPC.
UNREADABLE = ("Unable to handle message", "Unable to deserialize message")


def run(args: argparse.Namespace) -> int:
    # pygls and lsprotocol (and logging, 9 ms) are imported here only, so no other command loads them.
    import logging

    from esirules.editor.server import serve

    class _EditorGone(logging.Filter):
        """A reply that cannot be sent because the editor closed its end is no error to report."""

        def filter(self, record: logging.LogRecord) -> bool:
            return not (record.exc_info is not None and isinstance(record.exc_info[1], BrokenPipeError))

    class _Unreadable(logging.Filter):
        """A message from the editor that cannot be read (not JSON, not JSON-RPC, or not what its
        method takes) is ignored, and said in one line, not with pygls's tracebacks."""

        def filter(self, record: logging.LogRecord) -> bool:
            if str(record.msg).startswith(UNREADABLE[1]):
                return False  # (its traceback is in the text; the same message is said next, as below)
            if record.msg == UNREADABLE[0] and record.exc_info is not None and record.exc_info[1] is not None:
                reason = str(record.exc_info[1]).splitlines()[0]
                record.msg = "esirules lsp: ignored a message from the editor that could not be read: %s"
                record.args = (reason,)
                record.exc_info = record.exc_text = None
            return True

    for name in ("pygls.protocol.json_rpc", "concurrent.futures"):  # where pygls reports a reply it could not send
        logging.getLogger(name).addFilter(_EditorGone())
    for name in ("pygls.server", "pygls.protocol.json_rpc"):
        logging.getLogger(name).addFilter(_Unreadable())
    serve()
    return 0
