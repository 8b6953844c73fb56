"""Plain text for the terminal: a string from a ruleset, evidence or the command line in, a rich Text out.

Renderers for the terminal build every line from `Plain`, never from markup strings: a title
such as `[/x]` or `[link=…]` is printed as written, and control characters are written out
(`wording.visible`), so nothing a user typed can restyle the output or command the terminal.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from esirules.render.wording import visible


class Plain(Text):
    """rich Text whose content is always shown as written, control characters written out."""

    def __init__(self, text: str = "", style: str | Style = "", **options: object) -> None:
        super().__init__(visible(text), style, **options)  # type: ignore[arg-type]

    def append(self, text: str | Text, style: str | Style | None = None) -> Text:
        return super().append(visible(text) if isinstance(text, str) else text, style)
