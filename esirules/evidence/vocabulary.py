"""A ruleset's vocabulary for case data: the ruleset in, look-ups by spelling out (attributes, questions, samples, codes).

Readers use it to name the columns of a case table (`heading_field`) and the encoder to check
and code the cells; both report unknown names with the closest spelling (`suggest`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from esirules.diagnostics import Diagnostic, did_you_mean
from esirules.evidence import conditions
from esirules.evidence.cases import NOT_APPLICABLE
from esirules.language import model
from esirules.span import Span

ID_HEADINGS = frozenset({"id", "case", "case id", "case_id"})


def title_above_headings(rows: Iterable[tuple[int, list[str]]], most: int) -> tuple[int, str, int] | None:
    """Where a title stands above the headings of a CSV file or a cases sheet: `rows` are the
    first rows that hold something, each as its number and its filled cells; a title is at most
    `most` cells on each row before the one with an `id` heading (in a CSV file a comma splits a
    title in two). (the title's row, the title, the headings' row), or None."""
    given = iter(rows)
    first = next(given, None)
    if first is None or len(first[1]) > most or any(cell.lower() in ID_HEADINGS for cell in first[1]):
        return None
    for number, cells in given:
        if any(cell.lower() in ID_HEADINGS for cell in cells):
            return first[0], ", ".join(first[1]), number
        if len(cells) > most:
            return None
    return None


# The help of a cases file or sheet with nothing in it but blank lines (or a byte-order mark).
NO_HEADINGS = "its first row holds the column headings (`id`, then the attributes and questions), and a case on each row after it"

YES_NO = {"yes": 1, "no": 0, "true": 1, "false": 0, "y": 1, "n": 0, "1": 1, "0": 0}

Problems = list[Diagnostic]

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # control characters: never part of an id or a field name
# ...nor of any other value, but for tabs and line breaks (a reason, or a spreadsheet cell, may
# run over several lines)
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_DIGITS = 40  # a number in evidence has at most this many characters (far beyond any real figure)
SHOWN_LENGTH = 60


def shown(text: str) -> str:
    """A value as a message quotes it: control characters written as escapes (`\\x1b`), and a long
    value cut short with `…`."""
    if len(text) > SHOWN_LENGTH:
        text = text[: SHOWN_LENGTH - 1] + "…"
    return CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


@attrs.frozen
class Vocabulary:
    """What a ruleset allows in case data, prepared once for look-ups by lower-cased spelling."""

    ruleset: model.Ruleset
    attributes: dict[str, model.Attribute]
    attribute_names: dict[str, str]
    attribute_codes: dict[str, dict[str, int]]
    questions: dict[str, model.Question]
    question_names: dict[str, str]
    ignored_questions: frozenset[str]
    answer_codes: dict[str, dict[str, int]]
    samples: dict[str, str]
    required: tuple[str, ...]
    # Judgements (issue 11, point 8a), by lower-cased id: computed from their prompts, never answered.
    judgements: dict[str, model.Question] = attrs.field(factory=dict, kw_only=True)

    def resolve_attribute(self, name: str) -> str | None:
        return self.attribute_names.get(name.strip().lower())

    def resolve_question(self, name: str) -> str | None:
        return self.question_names.get(name.strip().lower())

    def judgement_answered(self, name: str, span: Span) -> Diagnostic | None:
        """E250: an answer recorded for a judgement, which its prompts' answers decide."""
        judgement = self.judgements.get(name.strip().lower())
        if judgement is None or judgement.judgement is None:
            return None
        prompts = ", ".join(f"`{p.id}`" for p in judgement.judgement.prompts)
        return Diagnostic(
            "E250",
            f"`{judgement.id}` is a judgement, worked out from its prompts: the evidence cannot answer it",
            span,
            f"leave it out and record the answers to its prompts ({prompts})",
        )

    def is_ignored_question(self, name: str) -> bool:
        """A question left out of this ruleset by derivation: its answers are not errors."""
        return name.strip().lower() in self.ignored_questions

    def allowed_answers(self, question: str) -> list[str]:
        scale = self.ruleset.scale(self.questions[question].scale)
        return [*scale.values, *([scale.not_applicable] if scale.not_applicable else [])]


def vocabulary(ruleset: model.Ruleset) -> Vocabulary:
    """The look-up tables for checking case data against a ruleset."""
    attributes = {a.name: a for a in ruleset.attributes}
    names = {a.label.lower(): a.name for a in ruleset.attributes if a.label}
    names.update({a.name.lower(): a.name for a in ruleset.attributes})
    codes = {}
    for a in ruleset.attributes:
        if a.kind == "boolean":
            codes[a.name] = YES_NO
        elif a.kind != "numeric":
            codes[a.name] = {v.lower(): i for i, v in enumerate(a.values)}
    questions = {q.id: q for q in ruleset.answered()}
    scale_codes: dict[str, dict[str, int]] = {}
    for scale in ruleset.scales:
        lookup = {v.lower(): i for i, v in enumerate(scale.values)}
        if scale.not_applicable:
            lookup.setdefault(scale.not_applicable.lower(), NOT_APPLICABLE)
            lookup.setdefault("not applicable", NOT_APPLICABLE)
        scale_codes[scale.name] = lookup
    left_out = set(ruleset.exclusions.questions)
    ancestor = ruleset.parent
    while ancestor is not None:
        left_out.update(q.id for q in ancestor.answered())
        ancestor = ancestor.parent
    reads = set().union(*(conditions.reads(q.applies) for q in questions.values()))
    reads.update(*(conditions.reads(c) for c in ruleset.exclusions.cases))
    samples = {s.label.lower(): s.name for s in ruleset.samples if s.label}
    samples.update({s.name.lower(): s.name for s in ruleset.samples})
    return Vocabulary(
        ruleset=ruleset,
        attributes=attributes,
        attribute_names=names,
        attribute_codes=codes,
        questions=questions,
        question_names={q.lower(): q for q in questions},
        ignored_questions=frozenset(q.lower() for q in left_out if q not in questions),
        answer_codes={q.id: scale_codes.get(q.scale, {}) for q in questions.values()},
        samples=samples,
        required=tuple(a.name for a in ruleset.attributes if a.name in reads),
        judgements={q.id.lower(): q for q in ruleset.questions() if q.judgement is not None},
    )


def suggest(name: str, candidates: Iterable[str], kind: str) -> str | None:
    """A help line: the closest spelling if one is close, else the few `kind` there are."""
    pool = list(dict.fromkeys(candidates))
    hint = did_you_mean(name, pool)
    if hint and hint.startswith("did you mean"):
        return hint
    if pool and len(pool) <= 12:
        return f"{kind} are " + ", ".join(f"`{c}`" for c in pool)
    if "." in name:  # `A1.nothing`: the ids of its criterion; `Z9.x`: the criteria the ids begin with
        owner = name.split(".", 1)[0]
        same = [c for c in pool if c.lower().startswith(owner.lower() + ".")]
        if same and len(same) <= 20:
            return f"{kind} of `{owner}` are " + ", ".join(f"`{c}`" for c in same)
        owners = list(dict.fromkeys(c.split(".", 1)[0] for c in pool if "." in c))
        if not same and 0 < len(owners) <= 30:
            return f"no id of {kind} begins with `{owner}.`; they begin with " + ", ".join(f"`{o}.`" for o in owners)
    return hint


def heading_field(
    heading: str, filled: bool, span: Span, vocab: Vocabulary, problems: Problems
) -> str | None:
    """The field a heading names (`id`, `sample`, `attribute:<name>`, `answer:<question>`), or None."""
    name = heading.strip()
    low = name.lower()
    if not name:
        if filled:
            problems.append(
                Diagnostic(
                    "E103", "a column holds values but has no heading", span,
                    f"give the column a heading (a column of notes, not read, is headed with `#`: {NOTES_EXAMPLE})",
                )
            )
        return None
    if holds_notes(name):
        return None
    if low in ID_HEADINGS:
        return "id"
    if low == "sample":
        return "sample"
    if (attribute := vocab.resolve_attribute(name)) is not None:
        return f"attribute:{attribute}"
    if (question := vocab.resolve_question(name)) is not None:
        return f"answer:{question}"
    if (answered := vocab.judgement_answered(name, span)) is not None:
        problems.append(answered)
        return None
    if not vocab.is_ignored_question(name):
        unknown = unknown_column(name, span, vocab)
        if unknown.code == "E112":  # (a heading that names nothing: perhaps meant for notes)
            unknown = attrs.evolve(unknown, help=f"{unknown.help}; a column of notes, not read, is headed with `#` "
                                                 f"({NOTES_EXAMPLE})")
        problems.append(unknown)
    return None


NOTES_EXAMPLE = "`# notes`"


def holds_notes(name: str) -> bool:
    """Whether a column (or a workbook's sheet) holds the inspector's notes, which are not read:
    its heading (or name) starts with `#`."""
    return name.strip().startswith("#")


def unknown_column(name: str, span: Span, vocab: Vocabulary) -> Diagnostic:
    """A column (or case field) that is neither an attribute nor a question of the ruleset."""
    question_hint = did_you_mean(name, vocab.questions) if vocab.questions else None
    if "." in name or (question_hint and question_hint.startswith("did you mean")):
        return Diagnostic(
            "E120",
            f"`{shown(name)}` is not a question of ruleset `{vocab.ruleset.name}`",
            span,
            question_hint,
        )
    return Diagnostic(
        "E112",
        f"`{shown(name)}` is not a case attribute of ruleset `{vocab.ruleset.name}`",
        span,
        suggest(name, vocab.attributes, "the attributes"),
    )


def same_field(first: str, second: str, field: str, places: tuple[str, str], span: Span) -> Diagnostic:
    """E106: two columns that hold one field; `places` names the two columns as the file does
    (by number, in CSV files and workbooks alike): headed alike, only their places tell them apart."""
    first, second, name = first.strip(), second.strip(), field.split(":")[-1]
    if first == second:
        message = f"two columns are headed `{first}` (columns {places[0]} and {places[1]})"
    else:
        message = f"columns `{first}` and `{second}` both hold `{name}` (columns {places[0]} and {places[1]})"
    return Diagnostic("E106", message, span, "keep one of the two columns")
