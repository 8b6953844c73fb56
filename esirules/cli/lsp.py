"""`esirules lsp`: the language server for editors, over standard input and output, until the editor ends it."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stdio", action="store_true", help="talk over standard input and output (the default; editors often pass it)"
    )


def run(args: argparse.Namespace) -> int:
    # pygls and lsprotocol are imported here only, so no other command loads them.
    from esirules.editor.server import serve

    serve()
    return 0
