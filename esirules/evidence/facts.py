"""The evidence file's `facts` (issue 11, point 4): the node in, the inspection's facts out, checked.

A fact is recorded once for the inspection: `facts: {breach: yes, enforcement: formal}`. Each
must be a fact the ruleset declares (E230), with a value it can take (E231): a value of its own
(any case), yes/no/true/false for a yes-or-no fact, a number within its range. A fact not
recorded takes its declared default; one that a rule reads and that has no default must be
recorded (E232), since a cap or rule could not otherwise be decided.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from fractions import Fraction

import yaml

from esirules.diagnostics import Diagnostic
from esirules.evidence.cases import Evidence, Location, RecordedFact
from esirules.evidence.document import Problems, at, expect, fields, scalar_text
from esirules.evidence.vocabulary import shown, suggest
from esirules.files import WORKBOOK_SUFFIXES
from esirules.language import model
from esirules.language.facts import allowed, fact_value, facts_missing
from esirules.span import Span

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def read_facts(path: str, ruleset: model.Ruleset, node: yaml.Node, problems: Problems) -> dict[str, RecordedFact]:
    """The facts recorded in an evidence file's `facts:` node (a set of fields)."""
    found: dict[str, RecordedFact] = {}
    if not expect(path, node, yaml.MappingNode, "`facts`", problems):
        return found
    known = {fact.name.lower(): fact for fact in ruleset.facts}
    for key, key_node, value_node in fields(path, node, problems):
        fact = known.get(key.lower())
        if fact is None:
            problems.append(
                Diagnostic(
                    "E230",
                    f"`{shown(key)}` is not a fact of ruleset `{ruleset.name}`",
                    at(path, key_node),
                    suggest(key, (f.name for f in ruleset.facts), "the facts")
                    or "declare it in the ruleset with `fact ...`, or remove it",
                )
            )
            continue
        text = scalar_text(path, value_node, f"the fact `{fact.name}`", problems)
        if text is None or not text.strip():
            continue  # not recorded
        value = _value(fact, text.strip())
        if value is None:
            problems.append(
                Diagnostic(
                    "E231",
                    f"fact `{fact.name}`: `{shown(text.strip())}` is not a value it can take",
                    at(path, value_node),
                    f"write {allowed(fact)}",
                )
            )
            continue
        found[fact.name] = RecordedFact(fact.name, value, location=Location(path, value_node.start_mark.line + 1, "facts"))
    return found


def _where_to_record(path: str, fact: model.Fact) -> str:
    """Where this kind of evidence file records a fact (E232's help)."""
    values = allowed(fact).replace("`", "")
    if path.lower().endswith(".csv"):
        where = (f"a CSV file holds cases only: record it under `facts:` ({fact.name}: {values}) in an evidence "
                 f"file (YAML or JSON) that names this one under `cases:`")
    elif path.lower().endswith(WORKBOOK_SUFFIXES):
        where = f"record it on the `facts` sheet (`{fact.name}`, then {values})"
    else:
        where = f"record it under `facts:` ({fact.name}: {values})"
    return f"{where}, or give it a default in the ruleset"


def _about(problem: Diagnostic, name: str) -> bool:
    """Whether a problem is that the fact `name` was recorded with a value it cannot take (E231):
    then it is not also "not recorded" (E232)."""
    return problem.code == "E231" and problem.message.startswith(f"fact `{name}`: ")


def _value(fact: model.Fact, text: str) -> model.FactValue | None:
    if fact.kind == "numeric":
        return fact_value(fact, text, Fraction(text) if _NUMBER.fullmatch(text) else None)
    if fact.kind in ("enumerated", "ordered"):
        text = next((v for v in fact.values if v.lower() == text.lower()), text)
    return fact_value(fact, text, None)


def complete_facts(
    path: str, ruleset: model.Ruleset, recorded: Mapping[str, RecordedFact], span: Span, problems: Problems
) -> dict[str, RecordedFact]:
    """Every fact the inspection has: those recorded, then the defaults of the others; a fact a
    rule reads that is neither recorded nor defaulted is reported (E232) at `span`."""
    out: dict[str, RecordedFact] = {}
    missing = set(facts_missing(ruleset, recorded))
    for fact in ruleset.facts:
        if fact.name in recorded:
            out[fact.name] = recorded[fact.name]
        elif fact.default is not None:
            out[fact.name] = RecordedFact(fact.name, fact.default, defaulted=True)
        elif fact.name in missing and not any(_about(p, fact.name) for p in problems):
            problems.append(
                Diagnostic(
                    "E232",
                    f"the fact `{fact.name}` is not recorded, and the ruleset's rules need it",
                    span,
                    _where_to_record(path, fact),
                )
            )
    return out


def fact_text(value: model.FactValue) -> str:
    """A fact's value as an inspector writes it: yes, no, formal, 12.5."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else _decimal(value)
    return value


def _decimal(value: Fraction) -> str:
    text = f"{float(value):.10g}"
    return text if Fraction(text) == value else f"{value.numerator}/{value.denominator}"


def merged_facts(parts: Sequence[Mapping[str, RecordedFact]]) -> dict[str, RecordedFact]:
    """The facts of evidence files scored together (`--merge`): those recorded, over the defaults.
    Files that record different values are refused before (`fact_conflicts`)."""
    out: dict[str, RecordedFact] = {}
    for facts in parts:
        for name, fact in facts.items():
            if name not in out or (out[name].defaulted and not fact.defaulted):
                out[name] = fact
    return out


def fact_conflicts(evidence: Sequence[Evidence]) -> list[Diagnostic]:
    """E233: evidence files scored together that record a fact differently."""
    problems = []
    first: dict[str, RecordedFact] = {}
    for one in evidence:
        for name, fact in one.facts.items():
            if fact.defaulted:
                continue
            earlier = first.setdefault(name, fact)
            if earlier.value != fact.value and fact.location is not None:
                where = "" if earlier.location is None else f" in `{earlier.location}`"
                problems.append(
                    Diagnostic(
                        "E233",
                        f"the fact `{name}` is recorded as `{fact_text(fact.value)}` here but as "
                        f"`{fact_text(earlier.value)}`{where}, and the files are scored together",
                        Span.point(fact.location.file, fact.location.line or 1, 1),
                        "a fact is about the whole inspection: record it once, or the same in every file",
                    )
                )
    return problems
