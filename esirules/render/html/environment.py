"""The templates of the HTML renderers: a Jinja2 environment over `templates/`, the style sheet, and links.

A page written to a file links nowhere outside itself; the service's pages link a figure to its
explanation, a rule to its line of the ruleset and a case to what it contributed. `Links` says
where, and its default says nowhere, so the same renderer serves both.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources

import jinja2
from markupsafe import Markup

from esirules import __version__
from esirules.explain.objects import RuleRef

PACKAGE = "esirules.render.html"


class Links:
    """Where a figure, a rule, a target or a case links to: nowhere, in a self-contained file."""

    def figure(self, column: int, target: str) -> str | None:
        """The explanation of `target` (a criterion, section or `overall`) in the sheet's column `column`."""
        return None

    def rule(self, rule: RuleRef) -> str | None:
        """The line of the ruleset a rule is written on."""
        return None

    def target(self, target: str) -> str | None:
        """The explanation of another target (a member, a question, an item) in the same column."""
        return None

    def case(self, case: str) -> str | None:
        """What one case contributed to the target explained."""
        return None


NOWHERE = Links()


def make_environment(loaders: Sequence[jinja2.BaseLoader] = ()) -> jinja2.Environment:
    """An environment over these templates (and, first, any others: the service's pages)."""
    loader = jinja2.ChoiceLoader([*loaders, jinja2.PackageLoader(PACKAGE, "templates")])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["version"] = __version__
    return env


@functools.cache
def environment() -> jinja2.Environment:
    return make_environment()


@functools.cache
def stylesheet() -> str:
    """The style sheet every page uses: inline in a file, served by the service."""
    return resources.files(PACKAGE).joinpath("style.css").read_text(encoding="utf-8")


def standalone(title: str, content: Markup, *, subtitle: str = "") -> str:
    """One self-contained page: the content, with the style sheet inline and nothing to fetch."""
    page = environment().get_template("standalone.html.j2")
    return page.render(title=title, subtitle=subtitle, content=content, style=Markup(stylesheet()))
