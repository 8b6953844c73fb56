"""Check and code a case table against a ruleset: a case table in, columnar `Cases` out (the one encoder).

Each column is coded by its few distinct texts (attribute values to their position, answers to
their place on the scale, see `cases`), and every cell that is not a known value, or that holds a
control character, is reported with its place in the file. Then the cases are checked as a
whole: the attributes that conditions need, answers a sample does not ask for, and case ids used
twice (`combine`). Answers to questions that do not apply (`conditions.truth`, the one definition
the evaluator uses too) change no figure: the ruleset's `answers to questions that do not apply`
says whether they are ignored (not looked for at all), warned of (E122, one warning per question:
the default) or refused (E126, one error per question) (`report_unscored`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from esirules.diagnostics import Diagnostic, hidden_difference
from esirules.evidence import conditions
from esirules.evidence.cases import (
    ANSWER_OFFSET,
    FIRST_PLACES,
    MISSING,
    UNANSWERED,
    CaseLocations,
    Cases,
    EvidenceWarning,
    Location,
)
from esirules.evidence.table import CaseTable
from esirules.evidence.vocabulary import (
    CONTROL,
    MAX_DIGITS,
    TEXT_CONTROL,
    Problems,
    Vocabulary,
    shown,
    suggest,
)
from esirules.language import model
from esirules.span import Span

Columns = dict[str, npt.NDArray]  # type: ignore[type-arg]
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def encode_cases(
    table: CaseTable,
    vocab: Vocabulary,
    problems: Problems,
    warnings: list[EvidenceWarning],
    unscored: list[Unscored] | None = None,
) -> Cases:
    """Check a case table against the ruleset and code it column by column.

    `unscored`: where answers to questions that do not apply go as found, to be added up over
    several tables read in batches (`report_unscored`), instead of reported (none are looked for
    if the ruleset ignores them)."""
    _refuse_control_characters(table, problems)
    ids = _case_ids(table, problems)
    if len(set(ids)) != len(ids):
        _report_ids_used_twice(table, ids, problems)
    sample_codes = _encode_samples(table, ids, vocab, problems)
    sample_names = np.array([None, *(s.name for s in vocab.ruleset.samples)], dtype=object)
    attributes: Columns = {}
    for name, attribute in vocab.attributes.items():
        attributes[name] = _encode_attribute(table, ids, attribute, vocab, problems)
    counts: dict[str, npt.NDArray[np.int64]] = {}
    answers = {qid: _encode_answers(table, ids, qid, vocab, problems, counts) for qid in vocab.questions}
    _check_required(table, ids, attributes, vocab, problems)
    if vocab.ruleset.answers_not_applying.choice != "ignored":
        found = _check_applicable(table, ids, attributes, answers, vocab)
        if unscored is None:
            report_unscored(found, vocab, problems, warnings)
        else:
            unscored.extend(found)
    _check_sample_questions(table, ids, sample_codes, answers, vocab, problems)
    cases = Cases(
        ids=ids,
        samples=sample_names[sample_codes + 1],
        attributes=attributes,
        answers=answers,
        locations=CaseLocations(table.file, table.lines, ids, table.sheet),
    )
    cases.note_answer_counts(counts)
    return cases


def combine(parts: Sequence[Cases], problems: Problems) -> Cases:
    """The cases of several tables as one, reporting case ids used in two of them (the encoder
    reports those used twice in one)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    cases = Cases(
        ids=tuple(i for p in parts for i in p.ids),
        samples=np.concatenate([p.samples for p in parts]),
        attributes={k: np.concatenate([p.attributes[k] for p in parts]) for k in first.attributes},
        answers={k: np.concatenate([p.answers[k] for p in parts]) for k in first.answers},
        locations=tuple(loc for p in parts for loc in p.locations),
    )
    if len(set(cases.ids)) != len(cases.ids):
        seen: dict[str, tuple[int, Location]] = {}
        for part, table in enumerate(parts):
            for case, location in zip(table.ids, table.locations):
                if case not in seen:
                    seen[case] = (part, location)
                    continue
                other, before = seen[case]
                if other == part:
                    continue  # reported with its table
                elsewhere = "" if before.file == location.file else f" of `{before.file}`"
                problems.append(
                    Diagnostic(
                        "E110",
                        f"case `{case}` appears twice",
                        Span.point(location.file, location.line or 1, 1),
                        f"it is also at {before.place()}{elsewhere}; give each case its own id",
                    )
                )
    return cases


def _report_ids_used_twice(table: CaseTable, ids: tuple[str, ...], problems: Problems) -> None:
    first: dict[str, int] = {}
    for i, case in enumerate(ids):
        if case not in first:
            first[case] = i
            continue
        problems.append(
            Diagnostic(
                "E110",
                f"case `{case}` appears twice",
                table.span("id", i),
                f"it is also at {table.place(first[case])}; give each case its own id",
            )
        )


def _case_ids(table: CaseTable, problems: Problems) -> tuple[str, ...]:
    if "id" not in table.columns:
        table.columns["id"] = np.zeros(len(table), dtype=np.int32)
    stripped = np.array([(s or "").strip() for s in table.strings], dtype=object)
    ids: tuple[str, ...] = tuple(stripped[table.columns["id"]])
    if "" in ids:
        for i in [i for i, case in enumerate(ids) if not case]:
            if ("id", i) in table.reported:
                continue  # a control character, already reported
            problems.append(
                Diagnostic("E107", "case has no `id`", table.span("id", i), "give every case an id")
            )
        sheet = table.sheet
        ids = tuple(case or f"(no id, {f'line {line}' if sheet is None else f'row {line} of sheet {sheet}'})"
                    for case, line in zip(ids, table.lines))
    return ids


def _encode(
    table: CaseTable, field: str, lookup: dict[str, int], blank: int, dtype: type = np.int16
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """A column's codes (`blank` for empty cells), the rows whose text is not in `lookup`, and
    how many cells have each code (at code + ANSWER_OFFSET, as `Cases.answer_counts` gives them:
    a by-product, the texts are counted anyway)."""
    index = table.columns[field]
    size = int(index.max()) + 1 if len(index) else 0  # the texts this column uses are numbered below
    cells = np.bincount(index, minlength=size)
    present = np.flatnonzero(cells)
    codes: npt.NDArray[np.int16] = np.full(size, blank, dtype=dtype)  # (or int8: see answer_dtype)
    bad = []
    for number in present.tolist():
        text = (table.strings[number] or "").strip().lower()
        if text:
            code = lookup.get(text)
            if code is None:
                bad.append(number)
            else:
                codes[number] = code
    rows = np.flatnonzero(np.isin(index, bad)) if bad else np.empty(0, dtype=np.intp)
    table.reported.update((field, i) for i in rows.tolist())
    counts = np.bincount(codes.astype(np.intp) + ANSWER_OFFSET, weights=cells, minlength=ANSWER_OFFSET)
    counts = counts.astype(np.int64)
    return codes[index], rows, counts


def _encode_samples(
    table: CaseTable, ids: tuple[str, ...], vocab: Vocabulary, problems: Problems
) -> npt.NDArray[np.int16]:
    if "sample" not in table.columns:
        return np.full(len(table), MISSING, dtype=np.int16)
    index = {s.name: i for i, s in enumerate(vocab.ruleset.samples)}
    codes, bad, _ = _encode(table, "sample", {k: index[v] for k, v in vocab.samples.items()}, MISSING)
    for i in bad:
        value = table.text("sample", i)
        problems.append(
            Diagnostic(
                "E111",
                f"case `{ids[i]}`: `{shown(value)}` is not a sample of ruleset `{vocab.ruleset.name}`",
                table.span("sample", i),
                suggest(value, index, "the samples")
                or "leave `sample` blank: the ruleset declares no samples",
            )
        )
    return codes


def _encode_attribute(
    table: CaseTable, ids: tuple[str, ...], attribute: model.Attribute, vocab: Vocabulary, problems: Problems
) -> npt.NDArray:  # type: ignore[type-arg]
    field = f"attribute:{attribute.name}"
    if attribute.kind == "numeric":
        return _encode_numbers(table, ids, attribute, problems)
    if field not in table.columns:
        return np.full(len(table), MISSING, dtype=np.int16)
    codes, bad, _ = _encode(table, field, vocab.attribute_codes[attribute.name], MISSING)
    allowed = ("yes", "no") if attribute.kind == "boolean" else attribute.values
    for i in bad:
        value = table.text(field, i)
        problems.append(
            Diagnostic(
                "E114",
                f"case `{ids[i]}`: `{shown(value)}` is not a value of attribute `{attribute.name}`",
                table.span(field, i),
                suggest(value, allowed, "the values"),
            )
        )
    return codes


def _encode_numbers(
    table: CaseTable, ids: tuple[str, ...], attribute: model.Attribute, problems: Problems
) -> npt.NDArray[np.float64]:
    field = f"attribute:{attribute.name}"
    if field not in table.columns:
        return np.full(len(table), np.nan)
    index = table.columns[field]
    values = np.full(len(table.strings), np.nan)
    wrong: dict[int, tuple[str, str, str]] = {}
    low, high = attribute.minimum, attribute.maximum
    for number in np.flatnonzero(np.bincount(index, minlength=len(table.strings))).tolist():
        text = (table.strings[number] or "").strip()
        if not text:
            continue
        if not NUMBER.fullmatch(text):
            wrong[number] = ("E115", f"`{shown(text)}` is not a number", "write a number such as `42` or `3.5`")
            continue
        if len(text) > MAX_DIGITS:
            wrong[number] = (
                "E115",
                f"`{shown(text)}` has more than {MAX_DIGITS} digits",
                "write the number with fewer digits",
            )
            continue
        value = Fraction(text)
        if (low is not None and value < low) or (high is not None and value > high):
            wrong[number] = (
                "E116",
                f"`{text}` is out of range",
                f"`{attribute.name}` must be {_bounds(low, high)}",
            )
            continue
        values[number] = float(value)
    for i in np.flatnonzero(np.isin(index, list(wrong))).tolist() if wrong else ():
        code, what, help_ = wrong[index[i]]
        message = f"case `{ids[i]}`: attribute `{attribute.name}`: {what}"
        problems.append(Diagnostic(code, message, table.span(field, i), help_))
        table.reported.add((field, i))
    return values[index]  # type: ignore[no-any-return]


def _bounds(low: Fraction | None, high: Fraction | None) -> str:
    def shown(value: Fraction | None) -> str:
        return str(value) if value is None or value.denominator != 1 else str(value.numerator)

    if low is not None and high is not None:
        return f"from {shown(low)} to {shown(high)}"
    return f"at least {shown(low)}" if low is not None else f"at most {shown(high)}"


def _encode_answers(
    table: CaseTable,
    ids: tuple[str, ...],
    qid: str,
    vocab: Vocabulary,
    problems: Problems,
    counts: dict[str, npt.NDArray[np.int64]],
) -> npt.NDArray[np.int16]:
    field = f"answer:{qid}"
    lookup = vocab.answer_codes[qid]
    dtype = answer_dtype(lookup)
    if field not in table.columns:
        return np.full(len(table), UNANSWERED, dtype=dtype)
    codes, bad, counts[qid] = _encode(table, field, lookup, UNANSWERED, dtype)
    if len(bad):
        answers = vocab.allowed_answers(qid)
        allowed = ", ".join(f"`{a}`" for a in answers)
        help_ = f"allowed answers are {allowed}; leave it blank if not answered"
        for i in bad:
            written = table.text(field, i)
            hidden = hidden_difference(written.strip(), list(answers)) if not written.isascii() else None
            problems.append(
                Diagnostic(
                    "E121",
                    f"case `{ids[i]}`: `{shown(written)}` is not an answer to question `{qid}`",
                    table.span(field, i),
                    hidden or help_,  # (a character that cannot be seen, said so)
                )
            )
    return codes


def answer_dtype(lookup: dict[str, int]) -> type:
    """int8 for the answer codes of a scale of fewer than 127 values (all but the largest): a
    case's answers then take half the memory, and scoring in memory is measured 15% quicker
    (docs/performance.md); int16 otherwise."""
    return np.int8 if max(lookup.values(), default=0) < np.iinfo(np.int8).max else np.int16


def _check_required(
    table: CaseTable, ids: tuple[str, ...], attributes: Columns, vocab: Vocabulary, problems: Problems
) -> None:
    for name in vocab.required:
        field = f"attribute:{name}"
        help_ = f"questions apply or cases are left out by `{name}`, so every case needs it"
        if field not in table.columns and table.header_line is not None:
            span = Span.point(table.file, table.header_line, 1)
            problems.append(
                Diagnostic("E113", f"the cases have no column for attribute `{name}`", span, help_)
            )
            continue
        column = attributes[name]
        absent = np.isnan(column) if column.dtype.kind == "f" else column == MISSING
        for i in np.flatnonzero(absent).tolist():
            if (field, i) not in table.reported:  # an invalid value, already reported
                span = table.span(field if field in table.columns else "id", i)
                problems.append(
                    Diagnostic("E113", f"case `{ids[i]}`: attribute `{name}` is missing", span, help_)
                )


@attrs.frozen
class Unscored:
    """Cases answering a question that does not apply to them: how many, and the first few
    (case id, line, the answer, where it is written)."""

    question: str
    count: int
    first: tuple[tuple[str, int, str, Span], ...]


def _check_applicable(
    table: CaseTable,
    ids: tuple[str, ...],
    attributes: Columns,
    answers: dict[str, npt.NDArray[np.int16]],
    vocab: Vocabulary,
) -> list[Unscored]:
    """Answers to questions that do not apply to their case: scoring leaves them out.

    A question whose `applies when` reads a fact of the inspection is not checked here: the facts
    are the evidence file's own field, not the case table's (scoring applies them)."""
    n = len(table)
    known_cache: dict[frozenset[str], npt.NDArray[np.bool_]] = {}
    facts = {fact.name for fact in vocab.ruleset.facts}
    found = []
    for qid, question in vocab.questions.items():
        if question.applies is None or f"answer:{qid}" not in table.columns:
            continue
        reads = conditions.reads(question.applies)
        if reads & facts:
            continue
        if reads not in known_cache:
            known = np.ones(n, dtype=bool)
            for name in reads:
                column = attributes.get(name)
                if column is not None:
                    known &= ~np.isnan(column) if column.dtype.kind == "f" else column != MISSING
            known_cache[reads] = known
        applies = conditions.mask(question.applies, attributes, vocab.attributes, n)
        wrong = np.flatnonzero((answers[qid] >= 0) & known_cache[reads] & ~applies)
        if not len(wrong):
            continue
        values = vocab.ruleset.scale(question.scale).values
        first = tuple(
            (ids[i], table.lines[i], values[answers[qid][i]], table.span(f"answer:{qid}", i))
            for i in wrong[:FIRST_PLACES].tolist()
        )
        found.append(Unscored(qid, len(wrong), first))
    return found


def report_unscored(
    found: Sequence[Unscored], vocab: Vocabulary, problems: Problems, warnings: list[EvidenceWarning]
) -> None:
    """The answers found to questions where they do not apply, reported as the ruleset says
    (`answers to questions that do not apply`): a warning (E122) per question, or an error (E126)."""
    if vocab.ruleset.answers_not_applying.choice == "refused":
        problems.extend(w.diagnostic("error") for w in unscored_warnings(found, vocab, "E126"))
    elif vocab.ruleset.answers_not_applying.choice == "warned":
        warnings.extend(unscored_warnings(found, vocab))


def unscored_warnings(found: Sequence[Unscored], vocab: Vocabulary, code: str = "E122") -> list[EvidenceWarning]:
    """One warning (E122) per question of the answers found to it where it does not apply, in the
    order of the questions; the findings of several batches are added up. `code` E126: the
    same, worded for a ruleset that refuses them (shown as errors)."""
    by_question: dict[str, list[Unscored]] = {}
    for finding in found:
        by_question.setdefault(finding.question, []).append(finding)
    warnings = []
    for qid, question in vocab.questions.items():
        if qid not in by_question:
            continue
        count = sum(f.count for f in by_question[qid])
        first = [case for f in by_question[qid] for case in f.first][:FIRST_PLACES]
        if count == 1:
            ((case, _, answer, _),) = first
            message = f"case `{case}`: question `{qid}` does not apply to this case, but is answered `{answer}`"
        else:
            listed = ", ".join(f"`{case}` ({span.cell or f'line {line}'})" for case, line, _, span in first)
            more = f" and {count - len(first)} more" if count > len(first) else ""
            message = f"question `{qid}` does not apply to {count} cases, but they answer it: {listed}{more}"
        scale = vocab.ruleset.scale(question.scale)
        blank = f"leave it blank{f' or record `{scale.not_applicable}`' if scale.not_applicable else ''}"
        assert question.applies is not None  # INVARIANT: only questions with a condition are found
        applies = f"it applies only when `{conditions.describe(question.applies)}`"
        if code == "E126":
            help_ = (
                f"{applies}, and ruleset `{vocab.ruleset.name}` refuses answers where a question does not apply:"
                f" {blank}, or correct the case's attributes; or declare"
                " `answers to questions that do not apply: ignored` in the ruleset"
            )
        else:
            help_ = f"{applies}, so the answer is not scored; {blank}, or correct the case's attributes"
        warnings.append(EvidenceWarning(code, message, help_, count, tuple(place for *_, place in first)))
    return warnings


def _refuse_control_characters(table: CaseTable, problems: Problems) -> None:
    """Report every cell holding a control character (ids: a tab or line break too), and read it
    as blank (it was reported)."""
    texts = [text or "" for text in table.strings]
    if not CONTROL.search(" ".join(texts)):
        return
    ids = table.columns.get("id")
    in_id = {int(n) for n in np.unique(ids)} if ids is not None else set()
    bad = {
        number
        for number, text in enumerate(texts)
        if (CONTROL if number in in_id else TEXT_CONTROL).search(text)
    }
    for field, column in table.columns.items():
        pattern = CONTROL if field == "id" else TEXT_CONTROL
        for i in np.flatnonzero(np.isin(column, list(bad))).tolist():
            text = texts[column[i]]
            character = pattern.search(text)
            if character is None:
                continue  # a line break in a value: not refused here
            case = "" if ids is None or int(ids[i]) in bad or field == "id" else f"case `{texts[ids[i]].strip()}`: "
            problems.append(
                Diagnostic(
                    "E117",
                    f"{case}{_field_words(field)} `{shown(text)}` holds a control character (`{shown(character.group())}`)",
                    table.span(field, i),
                    "remove it: values are plain text (a program may have written a character it could not show)",
                )
            )
            table.reported.add((field, i))
    for number in bad:
        table.strings[number] = None


def _field_words(field: str) -> str:
    if field == "id":
        return "the case id"
    kind, _, name = field.partition(":")
    return {"attribute": f"attribute `{name}`", "answer": f"the answer to `{name}`"}.get(kind, f"`{field}`")


def _check_sample_questions(
    table: CaseTable,
    ids: tuple[str, ...],
    sample_codes: npt.NDArray[np.int16],
    answers: dict[str, npt.NDArray[np.int16]],
    vocab: Vocabulary,
    problems: Problems,
) -> None:
    for index, sample in enumerate(vocab.ruleset.samples):
        # Not asked: the questions the sample is without, and those of sections it leaves out.
        not_asked = {qid: "" for qid in sample.without_questions}
        if sample.sections is not None:
            for question in vocab.ruleset.answered():
                section = vocab.ruleset.criterion(question.criterion).section
                if section not in sample.sections:
                    not_asked[question.id] = f" (section {section} does not apply to it)"
        for qid, why in sorted(not_asked.items()):
            if f"answer:{qid}" not in table.columns or qid not in vocab.questions:
                continue
            scale = vocab.ruleset.scale(vocab.questions[qid].scale)
            for i in np.flatnonzero((sample_codes == index) & (answers[qid] >= 0)).tolist():
                problems.append(
                    Diagnostic(
                        "E123",
                        f"case `{ids[i]}`: question `{qid}` is not asked in sample `{sample.name}`{why},"
                        f" but is answered `{scale.values[answers[qid][i]]}`",
                        table.span(f"answer:{qid}", i),
                        "leave the answer blank, or correct the case's sample",
                    )
                )
