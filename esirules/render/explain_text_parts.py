"""Parts of a terminal explanation shared by its renderers: rule and evidence references, and the
facts and caps of issue 11, point 4, and its outcomes, point 5 (explanation objects in, rich text and tree nodes out).

Beside `explain_text`, which draws the explanation's tree with these (rich is imported by the
two only).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from rich.tree import Tree

from esirules.evidence.cases import Location
from esirules.explain.explainer import Sources
from esirules.explain.objects import (
    BandExplanation,
    BandsExplanation,
    CapExplanation,
    FactConditionExplanation,
    OutcomeExplanation,
    RuleRef,
)
from esirules.render.terminal import Plain
from esirules.render.wording import recorded_place, shown_path
from esirules.words import fraction_text, plural

HOLDS, FAILS, UNKNOWN = "✓", "✗", "?"


def where_text(ref: RuleRef, *, line: bool = True) -> Text:
    """`rulesets/esi-2003.esi:377` (relative to the working folder when inside it), dimmed."""
    out = Plain(f"  {shown_path(ref.file)}:{ref.line}", style="dim")
    if line and ref.text:
        out.append(f"  {ref.text}", style="dim italic")
    return out


def weight_set_at(ref: RuleRef) -> Text:
    """`  weight set at y.esi:14  change criterion B1 class important`: a derived ruleset's line."""
    out = Plain(f"  weight set at {shown_path(ref.file)}:{ref.line}", style="dim")
    if ref.text:
        out.append(f"  {ref.text}", style="dim italic")
    return out


def recorded_text(location: Location | None) -> Text:
    """`  recorded at examples/hertfordshire/followup.yaml:23`, dimmed: where the evidence says so."""
    if location is None:
        return Plain("")
    return Plain(f"  recorded at {recorded_place(location)}", style="dim")


def capped(head: Text, uncapped: str | None) -> Text:
    """A headline, with the grade before its caps when a cap lowered it."""
    return head if uncapped is None else head.append(f" (capped; computed {uncapped})", style="cyan")


def add_caps(parent: Tree, caps: Sequence[CapExplanation]) -> None:
    """A level's caps that lowered its grade: computed → capped, the cap's line and the facts."""
    for cap in caps:
        text = Plain("Capped: ", style="bold").append(f"{cap.before} → {cap.result.grade}, no better than ")
        node = parent.add(text.append(cap.result.grade).append_text(where_text(cap.rule)))
        for condition in cap.conditions:
            add_fact_condition(node, condition)


def add_fact_condition(parent: Tree, f: FactConditionExplanation) -> None:
    """`✓ fact breach: holds (breach is yes)`, its line, and where the evidence records the fact."""
    recorded = [r.location for r in f.result.facts if r.location is not None]  # shown when it is one
    text = Plain(f"{HOLDS if f.result.holds else FAILS} {f.sentence}").append_text(where_text(f.rule, line=False))
    parent.add(text.append_text(recorded_text(recorded[0] if len(recorded) == 1 else None)))


def outcome_tree(body: OutcomeExplanation, sources: Sources) -> Tree:
    """An outcome: its value, its values in precedence order, and every rule tried down to the one that gave it."""
    r = body.outcome
    tree = Tree(Plain(f"{r.label}: ", style="bold").append(r.display, style="bold cyan")
                .append_text(where_text(body.rule, line=False)))
    tree.add(Plain("values, in precedence order: " + " > ".join(r.values)))
    node = tree.add(Plain("Rules, tried by their value's precedence", style="bold"))
    for rule in body.tried:
        sign = {True: HOLDS, False: FAILS, None: UNKNOWN}[rule.result.holds]
        if rule.result.otherwise:
            text = Plain(f"{sign} {rule.result.value} otherwise (no rule above held)")
        else:
            text = Plain(f"{sign} {rule.result.value} when " + " and ".join(t.result.text for t in rule.tests))
        if rule.result.chosen:
            text.append("  ← gave the outcome", style="bold cyan")
        rule_node = node.add(text.append_text(where_text(rule.rule, line=False)))
        for test in rule.tests:
            t = test.result
            line = Plain(f"{ {True: HOLDS, False: FAILS, None: UNKNOWN}[t.holds]} {t.text}: found {t.found}")
            if t.value is not None and t.threshold is not None:
                line.append(f" (exactly {fraction_text(t.value)} against {fraction_text(t.threshold)})", style="dim")
            if t.cause is not None:
                line.append(f" — {t.cause.words}", style="dim")
            if test.level is not None:
                line.append_text(where_text(test.level, line=False))
            rule_node.add(line)
    if r.value is None:
        text = Plain(f"not computable: {r.reason}", style="red")
        rule_ref = sources.cite(r.cause)
        tree.add(text if rule_ref is None else text.append_text(where_text(rule_ref)))
    return tree


def bands_tree(b: BandsExplanation) -> Tree:
    """A figure banded, on its own: the value it got, and every band tried down to it."""
    tree = Tree(Plain(f"{b.result.figure} banded by {b.result.bands}: ", style="bold")
                .append(b.result.value or "no value", style="bold cyan"))
    add_bands(tree, b, "bands")
    return tree


def add_bands(parent: Tree, b: BandsExplanation, title: str) -> None:
    """Every band tried, each with its tests and the figures found, under `parent`."""
    node = parent.add(Plain(f"{title} {b.result.bands} (ties: {b.result.ties})").append_text(where_text(b.rule, line=False)))
    for band in b.tried:
        add_band(node, band)
    if b.result.reason:
        node.add(Plain(b.result.reason, style="red"))


def add_band(parent: Tree, band: BandExplanation, mark: bool = True) -> None:
    """One band: its value and tests, marked held or failed (with the figure found) when `mark`."""
    sign = (HOLDS if band.holds else FAILS) + " " if mark else ""
    if band.otherwise:
        text = Plain(f"{sign}{band.value} otherwise")
    else:
        tests = " and ".join(
            f"{t.text}" + (f" (found {t.found} {HOLDS if t.holds else FAILS})" if mark else "") for t in band.tests
        )
        text = Plain(f"{sign}{band.value} when {tests}")
    parent.add(text.append_text(where_text(band.rule, line=False)))


def add_changes(parent: Tree, options: Sequence[Sequence[object]], reason: str | None) -> None:
    """The smallest changes in the ratings that reach a grade: each option, its items and steps,
    and for an item rated from a measure the band its figures would need."""
    from esirules.explain.objects import ChangeExplanation

    if not options:
        parent.add(Plain(f"no smallest change: {reason}", style="yellow"))
        return
    for number, option in enumerate(options, start=1):
        changes = [c for c in option if isinstance(c, ChangeExplanation)]
        steps = sum(c.steps for c in changes)
        label = "smallest change" if len(options) == 1 else f"smallest change, option {number}"
        node = parent.add(Plain(f"{label}: {plural(len(changes), 'item')}, {plural(steps, 'step')} up the scale"))
        for change in changes:
            text = Plain(f"improve {change.item} from {change.rating} to {change.to}")
            band = change.band
            if change.measure is not None and band is not None:
                tests = "otherwise" if band.otherwise else "when " + " and ".join(t.text for t in band.tests)
                text.append(f" (measure {change.measure}: {band.value} {tests})")
                text.append_text(where_text(band.rule, line=False))
            node.add(text)
