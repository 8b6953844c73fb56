"""The diff report: a ruleset diff (and the impact on evidence) in, a document to render as text or Markdown out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction

from esirules.authoring.changes import AREA_TITLES, AREAS, Change
from esirules.authoring.diff import RulesetDiff
from esirules.authoring.document import (
    Block,
    Document,
    Entries,
    Entry,
    Heading,
    Paragraph,
    Table,
    Text,
    anchor_of,
    code,
    marked,
    strong,
    text,
)
from esirules.authoring.impact import SHIFTS, Figure, Impact, Movement, QuestionImpact
from esirules.language import model as m
from esirules.render.wording import shown_path
from esirules.span import Span
from esirules.words import display_number, plural

SHOWN_CASES = 3  # case ids shown in a table cell before "…"
_SHORT = 90  # a change whose words fit in this many characters is shown on one line
_POINTS = m.Rounding(places=1)


def diff_document(diff: RulesetDiff, impacts: Sequence[Impact] = ()) -> Document:
    old, new = diff.old, diff.new
    title = f"Changes from {_named(old, new.name == old.name)} to {_named(new, new.name == old.name)}"
    subtitle = f"{shown_path(old.path)} ({_version(old)}) → {shown_path(new.path)} ({_version(new)})"
    blocks: list[Block] = [Paragraph(_summary(diff))]
    for area in AREAS:
        found = diff.in_area(area)
        if found:
            blocks.append(_heading(2, AREA_TITLES[area]))
            blocks.append(Entries(tuple(change_entry(c) for c in found)))
    for impact in impacts:
        blocks += impact_blocks(impact, old, new)
    return Document(title, tuple(blocks), subtitle)


def _named(ruleset: m.Ruleset, with_version: bool) -> str:
    return f"{ruleset.name} {ruleset.version}" if with_version and ruleset.version else ruleset.name


def _version(ruleset: m.Ruleset) -> str:
    return f"{ruleset.name} version {ruleset.version}" if ruleset.version else ruleset.name


def _heading(level: int, words: str) -> Heading:
    return Heading(level, text(words), anchor_of(words))


def _summary(diff: RulesetDiff) -> Text:
    if diff.identical:
        return text(strong("No changes."), " The two rulesets score every inspection alike.")
    counts = [
        f"{len(diff.in_area(area))} in {AREA_TITLES[area].lower()}"
        for area in AREAS
        if diff.in_area(area)
    ]
    total = len(diff.changes)
    return text(strong(plural(total, "change")), ": " + "; ".join(counts) + ".")


def change_entry(change: Change) -> Entry:
    """One change as a list entry: its words, then before and after when long, what it means, and where."""
    details: list[Text] = []
    words = change.words()
    if len(words) <= _SHORT or (change.action in ("added", "removed") and not (change.new or change.old)):
        headline = words
    else:
        headline = change.headline()
        if change.action == "changed" or change.action == "reordered":
            details += [text("before: ", *marked(change.old or "")), text("after: ", *marked(change.new or ""))]
        elif change.action == "added":
            details.append(marked(change.new or ""))
        else:
            details.append(marked(change.old or ""))
    if change.note:
        details.append(marked(change.note))
    details.append(locations(change.old_at, change.new_at, removed=change.action == "removed"))
    return Entry(marked(headline[:1].upper() + headline[1:]), tuple(details))


def locations(old_at: Span | None, new_at: Span | None, *, removed: bool = False) -> Text:
    parts: list[Text] = []
    if old_at is not None:
        parts.append(text("was at ", code(_where(old_at))))
    if new_at is not None:
        # Something removed has a new location only where a derived ruleset's `remove` took it out.
        now = "removed at " if removed else "now at " if old_at is not None else "at "
        parts.append(text(now, code(_where(new_at))))
    if not parts:
        return text("not written in either file")
    return text(*parts[0], *(text("; ", *p) for p in parts[1:]))


def _where(span: Span) -> str:
    return f"{shown_path(span.file)}:{span.line}"


# ---------------------------------------------------------------------------------------------
# Impact


def impact_blocks(impact: Impact, old: m.Ruleset, new: m.Ruleset) -> list[Block]:
    where = shown_path(impact.evidence) + (f", sample {impact.sample}" if impact.sample else "")
    blocks: list[Block] = [_heading(2, f"Impact on {where}")]
    old_out = sum(len(g.cases) for g in impact.old.excluded_cases)
    new_out = sum(len(g.cases) for g in impact.new.excluded_cases)
    moved = len(impact.changed)
    shown = sum(1 for m in impact.movements if _shown(m.old) != _shown(m.new))
    blocks.append(Paragraph(text(
        f"Scored under both rulesets: {impact.old.cases} cases in scope under {_named(old, old.name == new.name)}"
        + (f" ({old_out} excluded)" if old_out else "")
        + f", {impact.new.cases} under {_named(new, old.name == new.name)}"
        + (f" ({new_out} excluded)" if new_out else "")
        + f". {moved} of {len(impact.movements)} figures changed"
        + (f" in exact value, {shown} as shown." if shown != moved else ".")
    )))
    blocks.append(_movements_table(impact, old, new))
    blocks.append(_heading(3, "Grade transitions"))
    if impact.transitions:
        blocks.append(Table(
            (text("from"), text("to"), text("criteria"), text("which")),
            tuple(
                (text(t.old), text(t.new), text(str(len(t.criteria))), text(", ".join(t.criteria)))
                for t in impact.transitions
            ),
            numeric=(2,),
        ))
    else:
        blocks.append(Paragraph(text("No criterion has a grade under both rulesets.")))
    blocks.append(_heading(3, "Cases that now count differently"))
    blocks += _questions_blocks(impact.questions)
    return blocks


def _shown(figure: Figure | None) -> str:
    return "" if figure is None else figure.words()


def _movements_table(impact: Impact, old: m.Ruleset, new: m.Ruleset) -> Table:
    rows = []
    for movement in impact.movements:
        label = {"criterion": movement.id, "section": f"section {movement.id}", "overall": "overall",
                 "outcome": f"outcome {movement.id}"}[movement.kind]
        rows.append((
            text(label),
            text(movement.title),
            text(movement.old.words() if movement.old else "(none)"),
            text(movement.new.words() if movement.new else "(none)"),
            text(_change_words(movement)),
        ))
    return Table(
        (text("figure"), text("title"), text(_named(old, old.name == new.name)), text(_named(new, old.name == new.name)),
         text("change")),
        tuple(rows),
        row_headers=True,
        numeric=(2, 3),
    )


def _change_words(movement: Movement) -> str:
    before, after = movement.old, movement.new
    if before is None:
        return "new"
    if after is None:
        return "gone"
    parts = []
    if before.value is not None and after.value is not None and before.value != after.value:
        parts.append(_points(after.value - before.value))
    elif (before.value is None) != (after.value is None):
        parts.append("now computable" if after.value is not None else "no longer computable")
    if before.grade != after.grade:
        parts.append("grade changed")
    return ", ".join(parts)


def _points(difference: Fraction) -> str:
    """A change of score in percentage points, to one decimal place: `down 2.6 points`."""
    points = abs(difference) * 100
    shown = display_number(points, _POINTS)
    if shown == "0.0":
        shown = "under 0.1"
    return f"{'up' if difference > 0 else 'down'} {shown} points"


def _questions_blocks(questions: Sequence[QuestionImpact]) -> list[Block]:
    if not questions:
        return [Paragraph(text("No case counts differently for any question."))]
    shifts = [s for s in SHIFTS if any(q.count(s) for q in questions)]
    rows = []
    for question in questions:
        cells = [text(question.id), text(f"{question.counted_old} → {question.counted_new}")]
        for shift in shifts:
            cases = question.cases(shift)
            cells.append(text(_cases_cell(cases)))
        rows.append(tuple(cells))
    table = Table(
        (text("question"), text("answers counted"), *(text(s) for s in shifts)),
        tuple(rows),
        row_headers=True,
    )
    reasons: dict[tuple[str, str], list[str]] = defaultdict(list)
    for question in questions:
        for moved in question.shifts:
            if moved.reason:
                reasons[(moved.shift, moved.reason)].append(question.id)
    entries = tuple(
        Entry(text(f"{shift}: {reason} ({plural(len(ids), 'question')})"))
        for (shift, reason), ids in reasons.items()
    )
    return [table, Paragraph(text("Why:")), Entries(entries)] if entries else [table]


def _cases_cell(cases: tuple[str, ...]) -> str:
    if not cases:
        return ""
    shown = ", ".join(cases[:SHOWN_CASES]) + (", …" if len(cases) > SHOWN_CASES else "")
    return f"{len(cases)}: {shown}"
