"""Compare scope and vocabulary: two rulesets' header, rounding, samples, exclusions, weight classes, scales, attributes, facts, sources and measures in, change records out."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from esirules.authoring import plain
from esirules.authoring.changes import Change, Subject, changed
from esirules.authoring.written import Loaded, case_exclusion_text
from esirules.language import model as m
from esirules.words import number_text, rounding_text


def compare_header(old: Loaded, new: Loaded) -> list[Change]:
    before, after = old.ruleset, new.ruleset
    subject = Subject("ruleset")
    out = changed(subject, "title", plain.quoted(before.title), plain.quoted(after.title),
                  old.written.title_at or before.span, new.written.title_at or after.span)
    out += changed(subject, "description", plain.quoted(before.description), plain.quoted(after.description),
                   old.written.description_at or before.span, new.written.description_at or after.span)
    out += changed(subject, "extends", _parent(before), _parent(after),
                   old.written.extends_at or before.span, new.written.extends_at or after.span)
    out += changed(Subject("rounding"), "figures shown to", rounding_text(before.rounding),
                   rounding_text(after.rounding), before.rounding.span, after.rounding.span)
    was, now = before.answers_not_applying, after.answers_not_applying
    out += changed(subject, "answers to questions that do not apply", was.words(), now.words(), was.span, now.span)
    return out


def _parent(ruleset: m.Ruleset) -> str:
    return "nothing" if ruleset.parent is None else ruleset.parent.name


# ---------------------------------------------------------------------------------------------
# Samples and exclusions


def compare_samples(old: Loaded, new: Loaded) -> list[Change]:
    out: list[Change] = []
    before = {s.name: s for s in old.ruleset.samples}
    after = {s.name: s for s in new.ruleset.samples}
    for name, sample in after.items():
        subject = Subject("sample", name)
        previous = before.get(name)
        if previous is None:
            out.append(Change("added", subject, new=_sample_summary(sample, new.ruleset), new_at=sample.span))
            continue
        at = (previous.span, sample.span)
        out += changed(subject, "title", plain.quoted(previous.label), plain.quoted(sample.label), *at)
        out += changed(subject, "sections", _sections(previous), _sections(sample), *at)
        out += changed(subject, "without questions", _without(previous, old.ruleset), _without(sample, new.ruleset), *at)
        out += changed(subject, "description", plain.quoted(old.written.sample_descriptions.get(name, '')),
                       plain.quoted(new.written.sample_descriptions.get(name, '')), *at)
    for name, sample in before.items():
        if name not in after:
            out.append(Change("removed", Subject("sample", name), old=_sample_summary(sample, old.ruleset),
                              old_at=sample.span))
    return out


def _sections(sample: m.Sample) -> str:
    return "all" if sample.sections is None else plain.names_text(sample.sections)


def _without(sample: m.Sample, ruleset: m.Ruleset) -> str:
    """The questions a sample is without, in the ruleset's order."""
    order = [q.id for q in ruleset.questions()]
    ids = [q for q in order if q in sample.without_questions]
    return plain.names_text(ids + sorted(sample.without_questions - set(ids)))


def _sample_summary(sample: m.Sample, ruleset: m.Ruleset) -> str:
    text = f"“{sample.label}”, sections {_sections(sample)}"
    if sample.without_questions:
        text += f", without questions {_without(sample, ruleset)}"
    return text


def compare_exclusions(old: Loaded, new: Loaded) -> list[Change]:
    out: list[Change] = []
    before, after = old.ruleset.exclusions, new.ruleset.exclusions
    old_cases = {case_exclusion_text(c): c for c in before.cases}
    new_cases = {case_exclusion_text(c): c for c in after.cases}
    note = "every case it holds for is left out of every score"
    for text, condition in new_cases.items():
        if text not in old_cases:
            out.append(Change("added", Subject("exclusion", f"cases where `{text}`"), note=note, new_at=condition.span))
    for text, condition in old_cases.items():
        if text not in new_cases:
            out.append(Change("removed", Subject("exclusion", f"cases where `{text}`"),
                              note="those cases count again", old_at=condition.span))
    for source in sorted(after.sources - before.sources):
        out.append(Change("added", Subject("exclusion", f"source `{source}`"),
                          note=_left_out("questions", _questions_of_source(new.ruleset, source)),
                          new_at=new.written.exclusion_at.get(("source", source))))
    for source in sorted(before.sources - after.sources):
        out.append(Change("removed", Subject("exclusion", f"source `{source}`"),
                          note=_left_out("questions", _questions_of_source(old.ruleset, source), again=True),
                          old_at=old.written.exclusion_at.get(("source", source))))
    for question in sorted(after.questions - before.questions):
        out.append(Change("added", Subject("exclusion", f"question `{question}`"),
                          note="it is left out of every score",
                          new_at=new.written.exclusion_at.get(("question", question))))
    for question in sorted(before.questions - after.questions):
        out.append(Change("removed", Subject("exclusion", f"question `{question}`"),
                          note="it counts again", old_at=old.written.exclusion_at.get(("question", question))))
    return out


def _questions_of_source(ruleset: m.Ruleset, source: str) -> list[str]:
    return [q.id for q in ruleset.questions() if q.source == source]


def _left_out(kind: str, names: list[str], *, again: bool = False) -> str:
    if not names:
        return f"no {kind} have this source"
    verb = "count again" if again else "are left out"
    return f"{kind} {', '.join(names)} {verb}"


# ---------------------------------------------------------------------------------------------
# Vocabulary


def compare_vocabulary(old: Loaded, new: Loaded) -> list[Change]:
    before, after = old.ruleset, new.ruleset
    out = _classes(old, new)
    out += _declared(before.scales, after.scales, _scale_kind, _scale_words)
    out += _declared(before.attributes, after.attributes, lambda a: "attribute", _attribute_words)
    out += _declared(before.facts, after.facts, lambda f: "fact", _fact_words)
    out += _declared(before.sources, after.sources, lambda s: "source", lambda s: {"title": plain.quoted(s.label)})
    out += _declared(before.measures, after.measures, lambda s: "measure", _measure_words)
    return out


def _classes(old: Loaded, new: Loaded) -> list[Change]:
    out: list[Change] = []
    before, after = dict(old.ruleset.weight_classes), dict(new.ruleset.weight_classes)
    for name, weight in after.items():
        subject = Subject("weight class", name)
        members = [c.id for c in new.ruleset.criteria() if c.weight_class == name]
        note = f"criteria of this class: {plain.names_text(members)}"
        if name not in before:
            out.append(Change("added", subject, new=f"weight {number_text(weight)}", note=note,
                              new_at=new.written.class_at.get(name)))
        else:
            out += changed(subject, "weight", number_text(before[name]), number_text(weight),
                           old.written.class_at.get(name), new.written.class_at.get(name), note)
    for name, weight in before.items():
        if name not in after:
            out.append(Change("removed", Subject("weight class", name), old=f"weight {number_text(weight)}",
                              old_at=old.written.class_at.get(name)))
    return out


def _declared(old: Sequence, new: Sequence, kind: Callable, words: Callable) -> list[Change]:  # type: ignore[type-arg]
    """Named declarations: added, removed, or each aspect compared in words."""
    out: list[Change] = []
    before = {x.name: x for x in old}
    after = {x.name: x for x in new}
    for name, declared in after.items():
        previous = before.get(name)
        if previous is None:
            out.append(Change("added", Subject(kind(declared), name), new=_summary(words(declared)),
                              new_at=declared.span))
            continue
        old_words, new_words = words(previous), words(declared)
        for aspect in dict.fromkeys([*old_words, *new_words]):
            out += changed(Subject(kind(declared), name), aspect, old_words.get(aspect, "none"),
                           new_words.get(aspect, "none"), previous.span, declared.span)
    for name, declared in before.items():
        if name not in after:
            out.append(Change("removed", Subject(kind(declared), name), old=_summary(words(declared)),
                              old_at=declared.span))
    return out


def _summary(words: dict[str, str]) -> str:
    return ", ".join(f"{aspect} {text}" for aspect, text in words.items())


def _scale_kind(scale: m.Scale) -> str:
    return "ladder" if scale.is_ladder else "scale"


def _scale_words(scale: m.Scale) -> dict[str, str]:
    words = {"values": plain.values_text(scale.values)}
    if not scale.is_ladder:
        words["not applicable"] = "none" if scale.not_applicable is None else plain.quoted(scale.not_applicable)
    return words


def _attribute_words(attribute: m.Attribute) -> dict[str, str]:
    words = {"title": plain.quoted(attribute.label), "kind": attribute.kind}
    if attribute.values:
        separator = " < " if attribute.kind == "ordered" else ", "
        words["values"] = plain.values_text(attribute.values, separator)
    if attribute.minimum is not None or attribute.maximum is not None:
        low = "any" if attribute.minimum is None else number_text(attribute.minimum)
        high = "any" if attribute.maximum is None else number_text(attribute.maximum)
        words["range"] = f"{low} to {high}"
    return words


def _fact_words(fact: m.Fact) -> dict[str, str]:
    """A fact's aspects: an attribute's, and its default (issue 11, point 4)."""
    default = "none" if fact.default is None else plain.fact_value_text(fact.default)
    return {**_attribute_words(fact), "default": default}


def _measure_words(measure: m.Measure) -> dict[str, str]:
    return {
        "title": plain.quoted(measure.label),
        "unit": measure.unit,
        "lower is better": "yes" if measure.lower_is_better else "no",
    }
