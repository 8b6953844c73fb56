"""The evidence's own `date` and its `carried_forward` judgements (issue 11, point 6): YAML nodes in, checked values out.

A judgement carried forward names a criterion or section the ruleset lets carry forward
(`may carry forward for 36 months`), a grade on its ladder, the earlier inspection and its date,
and optionally a reference. Once the whole file is read (`finish`), each is checked against the
inspection's own `date` (not older than the ruleset allows, not later) and against this
time's evidence (a level carried forward is not also inspected). The codes are E240–E245 of
docs/evidence-diagnostics.md.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence

import numpy as np
import yaml

from esirules.diagnostics import Diagnostic, did_you_mean
from esirules.evidence.cases import UNANSWERED, Adjustment, CarriedForward, Cases, Location, months_after
from esirules.evidence.document import Problems, at, expect, fields, scalar_text
from esirules.evidence.inspection import InspectionFields, canonical
from esirules.evidence.vocabulary import shown, suggest
from esirules.language import model
from esirules.span import Span
from esirules.words import display_date

CARRIED_FIELDS = ("criterion", "section", "grade", "inspection", "date", "reference")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_HELP = "write the date as year-month-day, such as `2024-03-12`"


def read_date(path: str, node: yaml.Node, what: str, problems: Problems) -> datetime.date | None:
    """A date written YYYY-MM-DD (E244 otherwise; `what` names the field in the message)."""
    found = len(problems)
    text = scalar_text(path, node, what, problems)
    if len(problems) > found:
        return None
    if text is None or not text.strip():
        problems.append(Diagnostic("E244", f"{what} is blank", at(path, node), DATE_HELP))
        return None
    text = text.strip()
    if ISO_DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    timed = _WITH_TIME.fullmatch(text)  # (a spreadsheet's date cell holding a time of day as well)
    problems.append(Diagnostic(
        "E244", f"{what} `{shown(text)}` is " + ("a date and a time of day, not a date alone" if timed else "not a date"),
        at(path, node), f"write the day alone, `{timed.group(1)}`" if timed else DATE_HELP))
    return None


_WITH_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")


def ladder_of(ruleset: model.Ruleset, level: model.Criterion | model.Section) -> str | None:
    """The ladder a level's grade is on: a criterion's grading's or bands' ladder; a section's
    `grade:` line's grading or bands, or for `lowest of` the ladder of its first graded criterion."""
    if isinstance(level, model.Criterion):
        if level.grading is None:
            return None
        if level.kind == "descriptive":
            return ruleset.grading(level.grading).ladder
        return ruleset.band_set(level.grading).scale
    grade = level.grade
    if grade is None:
        return None
    if grade.kind == "graded_over" and grade.using:
        return ruleset.grading(grade.using).ladder
    bands = grade.bands if grade.kind == "points_total" else grade.using
    if grade.kind in ("points_total", "score_banded") and bands:
        return ruleset.band_set(bands).scale
    ladders = (ladder_of(ruleset, criterion) for criterion in level.criteria)
    return next((ladder for ladder in ladders if ladder is not None), None)


class CarriedFields:
    """Reads one evidence file's `carried_forward` list, then checks it against the rest of the file."""

    def __init__(
        self,
        path: str,
        ruleset: model.Ruleset,
        problems: Problems,
        fields_reader: InspectionFields,
        *,
        date_help: str = "add this inspection's date at the top of the file, such as `date: 2024-03-12`",
    ):
        """`date_help`: where the evidence's own date is written, for when it is missing."""
        self.path = path
        self.ruleset = ruleset
        self.problems = problems
        self.levels = fields_reader
        self.entries: list[tuple[CarriedForward, Span]] = []
        self.node: yaml.Node | None = None  # the `carried_forward` field's key, once read
        self.listed = 0  # the judgements listed, whether they check or not
        self.date_help = date_help

    def read(self, key_node: yaml.Node, node: yaml.Node) -> None:
        self.node = key_node
        if not expect(self.path, node, yaml.SequenceNode, "`carried_forward`", self.problems):
            return
        seen: dict[str, Location] = {}
        for entry in node.value:
            if expect(self.path, entry, yaml.MappingNode, "a carried-forward judgement", self.problems):
                self.listed += 1
                self._entry(entry, seen)

    def _entry(self, entry: yaml.MappingNode, seen: dict[str, Location]) -> None:
        here = at(self.path, entry)
        given: dict[str, tuple[str, yaml.Node]] = {}
        unreadable: set[str] = set()
        date: datetime.date | None = None
        for key, key_node, value_node in fields(self.path, entry, self.problems):
            if key not in CARRIED_FIELDS:
                self.problems.append(Diagnostic(
                    "E104", f"`{shown(key)}` is not a field of a carried-forward judgement", at(self.path, key_node),
                    did_you_mean(key, CARRIED_FIELDS) or "fields are " + ", ".join(f"`{k}`" for k in CARRIED_FIELDS),
                ))
                continue
            found = len(self.problems)
            if key == "date":
                date = read_date(self.path, value_node, "the earlier inspection's `date`", self.problems)
                unreadable.add(key)  # reported if it was not a date; not missing either way
                continue
            text = scalar_text(self.path, value_node, f"a carried-forward judgement's `{key}`", self.problems)
            if len(self.problems) > found:
                unreadable.add(key)
            elif text and text.strip():
                given[key] = (" ".join(text.split()), value_node)
        levels = [key for key in ("criterion", "section") if key in given]
        if len(levels) != 1:
            words = "names both a criterion and a section" if levels else "names no criterion or section"
            self.problems.append(Diagnostic(
                "E245", f"a carried-forward judgement {words}", here,
                "name the one level it carries forward: `criterion: A1` or `section: safe`",
            ))
        for key, why in (("grade", "the grade it keeps"), ("inspection", "the earlier inspection it comes from")):
            if key not in given and key not in unreadable:
                self.problems.append(Diagnostic(
                    "E245", f"a carried-forward judgement has no `{key}`", here,
                    f"record {why} (`{key}: ...`)",
                ))
        if "date" not in unreadable:
            self.problems.append(Diagnostic(
                "E244", "a carried-forward judgement has no `date`", here,
                "record the earlier inspection's date, such as `date: 2019-05-14`",
            ))
        if len(levels) != 1:
            return
        level = self._level(levels[0], *given[levels[0]])
        if level is None:
            return
        target, ladder, what = level
        location = Location(self.path, entry.start_mark.line + 1, "carried_forward")
        if target in seen:
            self.problems.append(Diagnostic(
                "E245", f"{what} is carried forward twice", here,
                f"the other judgement is at line {seen[target].line}; keep one",
            ))
            return
        seen[target] = location
        if "grade" not in given or "inspection" not in given or date is None:
            return
        grade_text, grade_node = given["grade"]
        grade = canonical(grade_text, ladder)
        if grade is None:
            self.problems.append(Diagnostic(
                "E243", f"{what}: `{shown(grade_text)}` is not a grade", at(self.path, grade_node),
                "grades are " + ", ".join(f"`{g}`" for g in ladder),
            ))
            return
        kind, name = target.split(" ", 1)
        reference = given.get("reference", (None, None))[0]
        carried = CarriedForward(
            kind, name, grade, given["inspection"][0], date, reference, location=location,  # type: ignore[arg-type]
        )
        self.entries.append((carried, here))

    def _level(self, kind: str, name: str, node: yaml.Node) -> tuple[str, list[str], str] | None:
        """The level named (`criterion A1`), the grades it may keep and its name in messages; or None."""
        levels: Sequence[model.Criterion | model.Section] = (
            tuple(self.ruleset.criteria()) if kind == "criterion" else self.ruleset.sections
        )
        level = next((c for c in levels if c.id.lower() == name.lower()), None)
        if level is None:
            plural = "the criteria" if kind == "criterion" else "the sections"
            self.problems.append(Diagnostic(
                "E240", f"`{shown(name)}` is not a {kind} of ruleset `{self.ruleset.name}`", at(self.path, node),
                suggest(name, (c.id for c in levels), plural),
            ))
            return None
        what = f"{kind} `{level.id}`"
        if level.carry_forward is None:
            self.problems.append(Diagnostic(
                "E240", f"{what} may not carry forward an earlier judgement", at(self.path, node),
                "only a criterion or section marked `may carry forward for ...` in the ruleset can be carried forward; "
                "give this time's evidence for it instead",
            ))
            return None
        ladder_name = ladder_of(self.ruleset, level)
        if ladder_name is not None:
            ladder = list(self.ruleset.scale(ladder_name).values)
        elif isinstance(level, model.Criterion):
            ladder = self.levels.criterion_ladder(level)
        else:
            ladder = self.levels.aggregate_ladder(level.grade)
        return f"{kind} {level.id}", ladder, what

    def finish(
        self,
        date: datetime.date | None,
        date_node: yaml.Node | None,
        cases: Cases,
        ratings: Mapping[str, str],
        adjustments: Sequence[Adjustment],
    ) -> tuple[CarriedForward, ...]:
        """The judgements that stand, once the file's own `date` and this time's evidence are known."""
        if self.listed and date is None and date_node is None and self.node is not None:
            self.problems.append(Diagnostic(
                "E244", "judgements are carried forward, but the evidence has no `date` of its own", at(self.path, self.node),
                f"{self.date_help}, so their age can be checked",
            ))
        carried_sections = {c.id for c, _ in self.entries if c.level == "section"}
        out = []
        for carried, here in self.entries:
            ok = date is not None and self._in_time(carried, here, date)
            ok = self._not_inspected(carried, here, cases, ratings, adjustments, carried_sections) and ok
            if ok:
                out.append(carried)
        return tuple(out)

    def _in_time(self, carried: CarriedForward, here: Span, date: datetime.date) -> bool:
        level = self._model_level(carried)
        period = level.carry_forward
        assert period is not None  # INVARIANT: read only for a level that may carry forward
        what = f"{carried.level} `{carried.id}`"
        assert carried.date is not None  # INVARIANT: an evidence file's entry has its date (E244 otherwise)
        if carried.date > date:
            self.problems.append(Diagnostic(
                "E244",
                f"{what} is carried forward from {display_date(carried.date)}, after this inspection's date "
                f"({display_date(date)})",
                here, "correct the earlier inspection's `date`, or this inspection's own `date`",
            ))
            return False
        last = months_after(carried.date, period.months)
        if date > last:
            self.problems.append(Diagnostic(
                "E241",
                f"{what} was judged on {display_date(carried.date)}, more than {period.written} before this "
                f"inspection ({display_date(date)})",
                here,
                f"the ruleset lets it carry forward for {period.written} (until {display_date(last)}); "
                "inspect it this time and give its evidence instead",
            ))
            return False
        return True

    def _model_level(self, carried: CarriedForward) -> model.Criterion | model.Section:
        if carried.level == "criterion":
            return self.ruleset.criterion(carried.id)
        return next(s for s in self.ruleset.sections if s.id == carried.id)

    def _not_inspected(
        self,
        carried: CarriedForward,
        here: Span,
        cases: Cases,
        ratings: Mapping[str, str],
        adjustments: Sequence[Adjustment],
        carried_sections: set[str],
    ) -> bool:
        """E242: a level carried forward has no evidence of its own this time."""
        what = f"{carried.level} `{carried.id}`"
        level = self._model_level(carried)
        criteria = level.criteria if isinstance(level, model.Section) else (level,)
        found = None
        if isinstance(level, model.Criterion) and level.section in carried_sections:
            found = f"its section `{level.section}` is carried forward too"
        adjusted = next((a for a in adjustments if _adjusts(a, carried)), None)
        if found is None and adjusted is not None:
            found = "the evidence also adjusts it"
        for criterion in criteria:
            if found is not None:
                break
            if criterion.id != carried.id and isinstance(level, model.Section):
                adjusted = next((a for a in adjustments if a.criterion == criterion.id), None)
                if adjusted is not None:
                    found = f"the evidence also adjusts its criterion `{criterion.id}`"
                    break
            rated = next((i.id for i in criterion.items if i.id in ratings), None)
            if rated is not None:
                found = f"the evidence also rates its item `{rated}`"
                break
            for question in criterion.questions:
                codes = cases.answers.get(question.id)
                answered = None if codes is None else np.flatnonzero(codes != UNANSWERED)
                if answered is not None and len(answered):
                    found = f"case `{cases.ids[int(answered[0])]}` also answers its question `{question.id}`"
                    break
        if found is None:
            return True
        self.problems.append(Diagnostic(
            "E242", f"{what} is carried forward, but {found}", here,
            "a judgement is carried forward only for a level not inspected this time; "
            "remove the carried-forward judgement, or this time's evidence for it",
        ))
        return False


def _adjusts(adjustment: Adjustment, carried: CarriedForward) -> bool:
    """Whether an adjustment is of the level carried forward."""
    if carried.level == "section":
        return adjustment.section == carried.id
    return adjustment.criterion == carried.id and adjustment.section is None and not adjustment.overall
