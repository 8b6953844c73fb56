"""Compare structure: two rulesets' sections, criteria, questions, items and overall in, change records out.

Sections, criteria, questions and items are matched by id across the whole ruleset, so a
criterion moved to another section shows as moved, not as removed and added. The order of
sections and of the criteria in a section is compared (it is the order of the score sheet);
the order of questions and items is not, as it changes no figure.
"""

from __future__ import annotations

from esirules.authoring import plain
from esirules.authoring.changes import Change, Subject, changed, match, reordered
from esirules.authoring.written import Loaded, removed_at
from esirules.language import model as m
from esirules.span import Span
from esirules.words import number_text, plural


def compare_structure(old: Loaded, new: Loaded) -> list[Change]:
    out: list[Change] = []
    before, after = old.ruleset, new.ruleset
    sections = match(before.sections, after.sections, lambda s: s.id)
    out += reordered(Subject("ruleset"), "order of sections", [s.id for s in before.sections],
                     [s.id for s in after.sections], before.span, after.span)
    for j in sections.added:
        section = after.sections[j]
        out.append(Change("added", Subject("section", section.id), new=_section_summary(section), new_at=section.span))
    for i, j in sections.pairs:
        out += _section(before.sections[i], after.sections[j])
    old_criteria = {c.id: c for c in before.criteria()}
    new_criteria = {c.id: c for c in after.criteria()}
    for section in after.sections:
        for criterion in section.criteria:
            previous = old_criteria.get(criterion.id)
            if previous is None:
                out.append(Change("added", Subject("criterion", criterion.id, Subject("section", section.id)),
                                  new=_criterion_summary(criterion), new_at=criterion.span))
            else:
                out += _criterion(previous, criterion)
    for criterion in before.criteria():
        if criterion.id not in new_criteria:
            out.append(Change("removed", Subject("criterion", criterion.id, Subject("section", criterion.section)),
                              old=_criterion_summary(criterion), old_at=criterion.span,
                              new_at=removed_at(after, "criterion", criterion.id)))
    out += _questions(old, new)
    out += _items(before, after)
    for i in sections.removed:
        section = before.sections[i]
        out.append(Change("removed", Subject("section", section.id), old=_section_summary(section), old_at=section.span))
    out += _overall(before.overall, after.overall)
    return out


def _section_summary(section: m.Section) -> str:
    weight = f", weight {plain.section_weight_text(section.weight)}" if section.weight is not None else ""
    return f"“{section.title}”{weight}, criteria {plain.names_text([c.id for c in section.criteria])}"


def _section(old: m.Section, new: m.Section) -> list[Change]:
    subject = Subject("section", new.id)
    at = (old.span, new.span)
    out = changed(subject, "title", plain.quoted(old.title), plain.quoted(new.title), *_written(old, new, "title"))
    out += changed(subject, "weight", plain.section_weight_text(old.weight), plain.section_weight_text(new.weight),
                   *_written(old, new, "weight"))
    out += changed(subject, "description", plain.quoted(old.description), plain.quoted(new.description),
                   *_written(old, new, "description"))
    out += changed(subject, "score", plain.aggregate_text(old.score), plain.aggregate_text(new.score),
                   _aggregate_at(old.score, old.span), _aggregate_at(new.score, new.span))
    out += changed(subject, "grade", plain.aggregate_text(old.grade), plain.aggregate_text(new.grade),
                   _aggregate_at(old.grade, old.span), _aggregate_at(new.grade, new.span))
    out += changed(subject, "if a criterion has no data", old.missing, new.missing, *at)
    out += changed(subject, "caps", plain.caps_text(old.caps), plain.caps_text(new.caps), *at)
    out += changed(subject, "may carry forward", _period(old.carry_forward), _period(new.carry_forward), *at)
    out += reordered(subject, "order of criteria", [c.id for c in old.criteria], [c.id for c in new.criteria], *at)
    return out


def _written(old: m.Section | m.Criterion | m.Question | m.Item, new: m.Section | m.Criterion | m.Question | m.Item,
             *parts: str) -> tuple[Span, Span]:
    """Where each side of a part is written: a derived ruleset's `change` line that set it (the
    first of `parts` one set), else the declaration."""
    def at(element: m.Section | m.Criterion | m.Question | m.Item) -> Span:
        return next((span for part in parts if (span := element.changed_by_derivation(part))), element.span)
    return at(old), at(new)


def _aggregate_at(aggregate: m.Aggregate | None, fallback: Span) -> Span:
    return aggregate.span if aggregate is not None else fallback


def _criterion_summary(criterion: m.Criterion) -> str:
    kind = (plural(len(criterion.questions), "question") if criterion.kind == "numerical"
            else f"{plural(len(criterion.items), 'item')}, graded by {criterion.grading}")
    return f"“{criterion.title}”, {plain.criterion_weight_text(criterion)}, {kind}"


def _criterion(old: m.Criterion, new: m.Criterion) -> list[Change]:
    subject = Subject("criterion", new.id)
    at = (old.span, new.span)
    out = changed(subject, "title", plain.quoted(old.title), plain.quoted(new.title), *_written(old, new, "title"))
    out += changed(subject, "section", old.section, new.section, *at)
    out += changed(subject, "kind", old.kind, new.kind, *at)
    if old.weight_class != new.weight_class or (old.weight_class is None and old.weight != new.weight):
        # A class whose weight changed shows as a change of the class, not of each of its criteria.
        out += changed(subject, "weight", plain.criterion_weight_text(old), plain.criterion_weight_text(new),
                       *_written(old, new, "class", "weight"))
    out += changed(subject, "description", plain.quoted(old.description), plain.quoted(new.description),
                   *_written(old, new, "description"))
    if old.kind == new.kind == "numerical":
        out += changed(subject, "pooling", old.pooling, new.pooling,
                       old.pooling_span or old.span, new.pooling_span or new.span)
    out += changed(subject, "graded by", old.grading or "nothing", new.grading or "nothing", *at)
    out += changed(subject, "allows adjustment", _yes(old.allows_adjustment), _yes(new.allows_adjustment), *at)
    out += changed(subject, "caps", plain.caps_text(old.caps), plain.caps_text(new.caps), *at)
    out += changed(subject, "may carry forward", _period(old.carry_forward), _period(new.carry_forward), *at)
    return out


def _period(period: m.CarryForward | None) -> str:
    """How long a level's earlier grade may be carried forward (issue 11, point 6): `for 36 months`, or `no`."""
    return "no" if period is None else f"for {period.written}"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _question_summary(question: m.Question, ruleset: m.Ruleset) -> str:
    parts = [plain.quoted(question.text)]
    if question.source:
        parts.append(f"source {question.source}")
    parts.append(f"met when {plain.met_text(question, ruleset)}")
    if question.applies is not None:
        parts.append(f"applies when {plain.condition_text(question.applies)}")
    if question.weight != 1:
        parts.append(f"weight {number_text(question.weight)}")
    return ", ".join(parts)


def _questions(old: Loaded, new: Loaded) -> list[Change]:
    out: list[Change] = []
    before = {q.id: q for q in old.ruleset.questions()}
    after = {q.id: q for q in new.ruleset.questions()}
    for qid, question in after.items():
        within = Subject("criterion", question.criterion)
        previous = before.get(qid)
        if previous is None:
            out.append(Change("added", Subject("question", qid, within),
                              new=_question_summary(question, new.ruleset), new_at=question.span))
            continue
        subject = Subject("question", qid, within)
        at = (previous.span, question.span)
        out += changed(subject, "text", plain.quoted(previous.text), plain.quoted(question.text),
                       *_written(previous, question, "text"))
        out += changed(subject, "criterion", previous.criterion, question.criterion, *at)
        out += changed(subject, "scale", previous.scale, question.scale, *_written(previous, question, "on"))
        out += changed(subject, "met when", plain.met_text(previous, old.ruleset), plain.met_text(question, new.ruleset),
                       *_written(previous, question, "met when", "on"))
        out += changed(subject, "source", previous.source or "none", question.source or "none",
                       *_written(previous, question, "source"))
        out += changed(subject, "applies when", plain.condition_text(previous.applies),
                       plain.condition_text(question.applies),
                       previous.applies.span if previous.applies is not None else previous.span,
                       question.applies.span if question.applies is not None else question.span)
        out += changed(subject, "weight", number_text(previous.weight), number_text(question.weight),
                       *_written(previous, question, "weight"))
    for qid, question in before.items():
        if qid not in after:
            out.append(Change("removed", Subject("question", qid, Subject("criterion", question.criterion)),
                              old=_question_summary(question, old.ruleset), old_at=question.span,
                              new_at=removed_at(new.ruleset, "question", qid)))
    return out


def _item_summary(item: m.Item) -> str:
    parts = [plain.quoted(item.text)]
    if item.measure:
        parts.append(f"from measure {item.measure}")
    if item.weight != 1:
        parts.append(f"weight {number_text(item.weight)}")
    return ", ".join(parts)


def _items(old: m.Ruleset, new: m.Ruleset) -> list[Change]:
    out: list[Change] = []
    before = {i.id: i for i in old.items()}
    after = {i.id: i for i in new.items()}
    for iid, item in after.items():
        within = Subject("criterion", item.criterion)
        previous = before.get(iid)
        if previous is None:
            out.append(Change("added", Subject("item", iid, within), new=_item_summary(item), new_at=item.span))
            continue
        subject = Subject("item", iid, within)
        at = (previous.span, item.span)
        out += changed(subject, "text", plain.quoted(previous.text), plain.quoted(item.text),
                       *_written(previous, item, "text"))
        out += changed(subject, "criterion", previous.criterion, item.criterion, *at)
        out += changed(subject, "measure", previous.measure or "none", item.measure or "none", *at)
        out += changed(subject, "weight", number_text(previous.weight), number_text(item.weight),
                       *_written(previous, item, "weight"))
    for iid, item in before.items():
        if iid not in after:
            out.append(Change("removed", Subject("item", iid, Subject("criterion", item.criterion)),
                              old=_item_summary(item), old_at=item.span, new_at=removed_at(new, "item", iid)))
    return out


def _overall(old: m.Overall | None, new: m.Overall | None) -> list[Change]:
    subject = Subject("overall")
    if old is None and new is None:
        return []
    if old is None:
        assert new is not None
        return [Change("added", subject, new=f"“{new.title}”, score {plain.aggregate_text(new.score)}", new_at=new.span)]
    if new is None:
        return [Change("removed", subject, old=f"“{old.title}”, score {plain.aggregate_text(old.score)}", old_at=old.span)]
    at = (old.span, new.span)
    out = changed(subject, "title", plain.quoted(old.title), plain.quoted(new.title), *at)
    out += changed(subject, "description", plain.quoted(old.description), plain.quoted(new.description), *at)
    out += changed(subject, "score", plain.aggregate_text(old.score), plain.aggregate_text(new.score),
                   _aggregate_at(old.score, old.span), _aggregate_at(new.score, new.span))
    out += changed(subject, "grade", plain.aggregate_text(old.grade), plain.aggregate_text(new.grade),
                   _aggregate_at(old.grade, old.span), _aggregate_at(new.grade, new.span))
    out += changed(subject, "if a section has no data", old.missing, new.missing, *at)
    out += changed(subject, "caps", plain.caps_text(old.caps), plain.caps_text(new.caps), *at)
    return out
