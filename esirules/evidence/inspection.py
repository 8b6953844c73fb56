"""The evidence file's other fields: the `ratings`, `measures` and `adjustments` nodes in, checked values out.

Item ratings are spelt as the item's scale spells them, target data are numbers in the measure's
unit, and adjustments name a criterion that allows one and a grade on its ladder; everything
else is reported with its line, in the words of docs/evidence-diagnostics.md.
"""

from __future__ import annotations

import re
from fractions import Fraction

import yaml

from esirules.diagnostics import Diagnostic, did_you_mean, hidden_difference
from esirules.evidence.cases import Adjustment, Location, MeasureFigures, RecordedFact
from esirules.evidence.document import Problems, at, expect, fields, scalar_text
from esirules.evidence.facts import read_facts
from esirules.evidence.vocabulary import MAX_DIGITS, shown, suggest
from esirules.language import model
from esirules.span import Span

FIGURES = ("actual", "target", "national_average")
ADJUSTMENT_FIELDS = ("criterion", "section", "overall", "grade", "by", "reason")
FIGURE = re.compile(r"([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(.*)")


class InspectionFields:
    """Reads one evidence file's ratings, target data and adjustments against a ruleset."""

    def __init__(self, path: str, ruleset: model.Ruleset, problems: Problems, *, sheet: str | None = None):
        """`sheet`: the workbook sheet the fields are read from (its rows are said as rows, and
        the measures' figures are given on the `measures` sheet, not under `measures:`)."""
        self.path = path
        self.ruleset = ruleset
        self.problems = problems
        self.sheet = sheet
        self.rating_locations: dict[str, Location] = {}  # filled by `ratings`

    def _line(self, line: int | None) -> str:
        return f"row {line} of the `{self.sheet}` sheet" if self.sheet is not None else f"line {line}"

    def ratings(self, node: yaml.Node) -> dict[str, str]:
        ratings: dict[str, str] = {}
        if not expect(self.path, node, yaml.MappingNode, "`ratings`", self.problems):
            return ratings
        items = {item.id.lower(): item for item in self.ruleset.items()}
        for key, key_node, value_node in fields(self.path, node, self.problems):
            item = items.get(key.lower())
            if item is None:
                self.problems.append(
                    Diagnostic(
                        "E130",
                        f"`{shown(key)}` is not an item of ruleset `{self.ruleset.name}`",
                        at(self.path, key_node),
                        suggest(key, (i.id for i in self.ruleset.items()), "the items"),
                    )
                )
                continue
            value = scalar_text(self.path, value_node, f"the rating of `{item.id}`", self.problems)
            if value is None or not value.strip():
                continue  # not rated
            if item.measure is not None:  # (rated from its target data: a rating given would go unread)
                self.problems.append(
                    Diagnostic(
                        "E132",
                        f"item `{item.id}` is rated from the target data of measure `{item.measure}`, not given a rating",
                        at(self.path, value_node),
                        f"remove its rating, and give the measure's figures under `measures:`"
                        f" (`{item.measure}: {{actual: ..., target: ..., national_average: ...}}`)" if self.sheet is None
                        else f"remove its rating, and give the measure's figures on the `measures` sheet (a row "
                        f"`{item.measure}` with its `actual`, `target` and `national_average`)",
                    )
                )
                continue
            scale = self._item_scale(item)
            if scale is None:
                ratings[item.id] = value.strip()
                self.rating_locations[item.id] = Location(self.path, value_node.start_mark.line + 1, item.id)
                continue
            allowed = [*scale.values, *([scale.not_applicable] if scale.not_applicable else [])]
            rating = canonical(value, allowed, scale.not_applicable)
            if rating is None:
                self.problems.append(
                    Diagnostic(
                        "E131",
                        f"item `{item.id}`: `{shown(value.strip())}` is not a rating on the `{scale.name}` scale",
                        at(self.path, value_node),
                        hidden_difference(value.strip(), allowed) or "ratings are " + ", ".join(f"`{a}`" for a in allowed),
                    )
                )
                continue
            ratings[item.id] = rating
            self.rating_locations[item.id] = Location(self.path, value_node.start_mark.line + 1, item.id)
        return ratings

    def _item_scale(self, item: model.Item) -> model.Scale | None:
        """The scale an item is rated on: its criterion's grading's (None: the criterion names no grading)."""
        # INVARIANT: the checker resolved every name, so a failed look-up here is a checker bug.
        grading = self.ruleset.criterion(item.criterion).grading
        return self.ruleset.scale(self.ruleset.grading(grading).item_scale) if grading else None

    def facts(self, node: yaml.Node) -> dict[str, RecordedFact]:
        """The `facts` recorded (a workbook's `facts` sheet reads through here; see `facts`)."""
        return read_facts(self.path, self.ruleset, node, self.problems)

    def measures(self, node: yaml.Node) -> dict[str, MeasureFigures]:
        measures: dict[str, MeasureFigures] = {}
        if not expect(self.path, node, yaml.MappingNode, "`measures`", self.problems):
            return measures
        known = {m.name.lower(): m for m in self.ruleset.measures}
        for key, key_node, value_node in fields(self.path, node, self.problems):
            measure = known.get(key.lower())
            if measure is None:
                self.problems.append(
                    Diagnostic(
                        "E140",
                        f"`{shown(key)}` is not a measure of ruleset `{self.ruleset.name}`",
                        at(self.path, key_node),
                        suggest(key, (m.name for m in self.ruleset.measures), "the measures"),
                    )
                )
                continue
            if not expect(
                self.path, value_node, yaml.MappingNode, f"measure `{measure.name}`", self.problems
            ):
                if isinstance(value_node, yaml.ScalarNode):  # blank: say what is needed
                    self._missing_figures(measure, value_node, set())
                continue
            figures: dict[str, Fraction] = {}
            for figure, figure_node, number_node in fields(self.path, value_node, self.problems):
                name = figure.lower().replace(" ", "_")
                if name not in FIGURES:
                    self.problems.append(
                        Diagnostic(
                            "E104",
                            f"measure `{measure.name}`: `{figure}` is not a figure of a measure",
                            at(self.path, figure_node),
                            did_you_mean(name, FIGURES)
                            or "figures are `actual`, `target` and `national_average`",
                        )
                    )
                    continue
                number = self._figure(measure, name, number_node)
                if number is not None:
                    figures[name] = number
            given = {f.lower().replace(" ", "_") for f, _, _ in fields(self.path, value_node, [])}
            if self._missing_figures(measure, value_node, given) or len(figures) < len(FIGURES):
                continue
            location = Location(self.path, value_node.start_mark.line + 1, measure.name)
            measures[measure.name] = MeasureFigures(
                figures["actual"], figures["target"], figures["national_average"], location=location
            )
        return measures

    def _missing_figures(self, measure: model.Measure, node: yaml.Node, given: set[str]) -> bool:
        missing = [f for f in FIGURES if f not in given]
        if missing:
            self.problems.append(
                Diagnostic(
                    "E107",
                    f"measure `{measure.name}` has no {' or '.join(f'`{f}`' for f in missing)} figure",
                    at(self.path, node),
                    "give all three figures, e.g. `{actual: 71, target: 90, national_average: 78}`",
                )
            )
        return bool(missing)

    def _figure(self, measure: model.Measure, name: str, node: yaml.Node) -> Fraction | None:
        text = scalar_text(self.path, node, f"figure `{name}` of measure `{measure.name}`", self.problems)
        if text is None:
            return None  # blank: reported as missing below
        match = FIGURE.fullmatch(text.strip())
        unit = match.group(2).strip().lower() if match else ""
        units = {"", measure.unit.lower(), measure.unit.lower().rstrip("s")}
        if measure.unit.lower() in ("percent", "%", "per cent"):
            units |= {"%", "percent", "per cent"}
        if match is None or unit not in units:
            self.problems.append(
                Diagnostic(
                    "E141",
                    f"measure `{measure.name}`: {name.replace('_', ' ')} `{shown(text.strip())}` is not {_unit_phrase(measure)}",
                    at(self.path, node),
                    _figure_help(measure),
                )
            )
            return None
        if len(match.group(1)) > MAX_DIGITS:
            self.problems.append(
                Diagnostic(
                    "E141",
                    f"measure `{measure.name}`: {name.replace('_', ' ')} `{shown(text.strip())}` has more than {MAX_DIGITS} digits",
                    at(self.path, node),
                    "write the figure with fewer digits (as published: `71`, `10.7`)",
                )
            )
            return None
        return Fraction(match.group(1))

    def adjustments(self, node: yaml.Node) -> tuple[Adjustment, ...]:
        adjustments: list[Adjustment] = []
        if not expect(self.path, node, yaml.SequenceNode, "`adjustments`", self.problems):
            return ()
        criteria = {c.id.lower(): c for c in self.ruleset.criteria()}
        adjusted: dict[str, Location] = {}
        for entry in node.value:
            if not expect(self.path, entry, yaml.MappingNode, "an adjustment", self.problems):
                continue
            here = at(self.path, entry)
            given: dict[str, tuple[str, yaml.Node]] = {}
            unreadable: set[str] = set()
            for key, key_node, value_node in fields(self.path, entry, self.problems):
                if key not in ADJUSTMENT_FIELDS:
                    self.problems.append(
                        Diagnostic(
                            "E104",
                            f"`{shown(key)}` is not a field of an adjustment",
                            at(self.path, key_node),
                            did_you_mean(key, ADJUSTMENT_FIELDS)
                            or "fields are `criterion`, `grade`, `by` and `reason`",
                        )
                    )
                    continue
                found = len(self.problems)
                text = scalar_text(self.path, value_node, f"an adjustment's `{key}`", self.problems)
                if len(self.problems) > found:
                    unreadable.add(key)  # reported: not missing too
                elif text and text.strip():
                    given[key] = (text.strip(), value_node)
            level = [key for key in ("criterion", "section", "overall") if key in given]
            if level and level[0] != "criterion":
                adjustment = self._adjust_level(level[0], given, here, entry, adjusted)
                if adjustment is not None:
                    adjustments.append(adjustment)
                continue
            for key in ("criterion", "grade"):
                if key not in given and key not in unreadable:
                    self.problems.append(
                        Diagnostic(
                            "E107",
                            f"an adjustment has no `{key}`",
                            here,
                            "an adjustment names its criterion and grade",
                        )
                    )
            for key in ("by", "reason"):
                if key not in given and key not in unreadable:
                    self.problems.append(
                        Diagnostic(
                            "E153",
                            f"an adjustment has no `{key}`",
                            here,
                            "every adjustment records who made it (`by`) and why (`reason`)",
                        )
                    )
            if "criterion" not in given:
                continue
            name, criterion_node = given["criterion"]
            criterion = criteria.get(name.lower())
            if criterion is None:
                self.problems.append(
                    Diagnostic(
                        "E150",
                        f"`{shown(name)}` is not a criterion of ruleset `{self.ruleset.name}`",
                        at(self.path, criterion_node),
                        suggest(name, (c.id for c in self.ruleset.criteria()), "the criteria"),
                    )
                )
                continue
            if not criterion.allows_adjustment:
                self.problems.append(
                    Diagnostic(
                        "E151",
                        f"criterion `{criterion.id}` does not allow an adjustment",
                        at(self.path, criterion_node),
                        "only criteria marked `allows adjustment` in the ruleset can be adjusted",
                    )
                )
                continue
            location = Location(self.path, entry.start_mark.line + 1, "adjustment")
            if criterion.id in adjusted:
                self.problems.append(
                    Diagnostic(
                        "E154",
                        f"criterion `{criterion.id}` is adjusted twice",
                        here,
                        f"the other adjustment is at {self._line(adjusted[criterion.id].line)}; keep one",
                    )
                )
                continue
            adjusted[criterion.id] = location
            if "grade" not in given:
                continue
            grade_text, grade_node = given["grade"]
            ladder = self.criterion_ladder(criterion)
            grade = canonical(grade_text, ladder)
            if grade is None:
                self.problems.append(
                    Diagnostic(
                        "E152",
                        f"criterion `{criterion.id}`: `{shown(grade_text)}` is not a grade",
                        at(self.path, grade_node),
                        "grades are " + ", ".join(f"`{g}`" for g in ladder),
                    )
                )
                continue
            if "by" in given and "reason" in given:
                adjustments.append(
                    Adjustment(criterion.id, grade, given["by"][0], given["reason"][0], location=location)
                )
        return tuple(adjustments)

    def _adjust_level(
        self,
        level: str,
        given: dict[str, tuple[str, yaml.Node]],
        here: Span,
        entry: yaml.Node,
        adjusted: dict[str, Location],
    ) -> Adjustment | None:
        """An adjustment of a section's (`section: B`) or the overall's (`overall: yes`) grade."""
        name, node = given[level]
        aggregate: model.Aggregate | None
        if level == "section":
            section = next((s for s in self.ruleset.sections if s.id.lower() == name.lower()), None)
            if section is None:
                self.problems.append(Diagnostic(
                    "E150", f"`{name}` is not a section of ruleset `{self.ruleset.name}`", at(self.path, node),
                    suggest(name, (s.id for s in self.ruleset.sections), "the sections"),
                ))
                return None
            what, key, allows, aggregate = f"section `{section.id}`", f"section {section.id}", \
                section.allows_adjustment, section.grade
        else:
            overall = self.ruleset.overall
            if name.lower() not in ("yes", "true") or overall is None:
                words = "the ruleset has no overall" if overall is None else f"`overall: {name}` adjusts nothing"
                self.problems.append(Diagnostic(
                    "E150", words, at(self.path, node), "write `overall: yes` to adjust the overall grade",
                ))
                return None
            what, key, allows, aggregate = "the overall", "overall", overall.allows_adjustment, overall.grade
        if not allows:
            self.problems.append(Diagnostic(
                "E151", f"{what} does not allow an adjustment", at(self.path, node),
                "only a section or overall marked `allows adjustment` in the ruleset can be adjusted",
            ))
            return None
        location = Location(self.path, entry.start_mark.line + 1, "adjustment")
        if key in adjusted:
            self.problems.append(Diagnostic(
                "E154", f"{what} is adjusted twice", here,
                f"the other adjustment is at {self._line(adjusted[key].line)}; keep one",
            ))
            return None
        adjusted[key] = location
        for field in ("grade", "by", "reason"):
            if field not in given:
                code = "E107" if field == "grade" else "E153"
                self.problems.append(Diagnostic(
                    code, f"an adjustment has no `{field}`", here,
                    "every adjustment records the grade, who made it (`by`) and why (`reason`)",
                ))
        if any(field not in given for field in ("grade", "by", "reason")):
            return None
        grade_text, grade_node = given["grade"]
        ladder = self.aggregate_ladder(aggregate)
        grade = canonical(grade_text, ladder)
        if grade is None:
            self.problems.append(Diagnostic(
                "E152", f"{what}: `{grade_text}` is not a grade", at(self.path, grade_node),
                "grades are " + ", ".join(f"`{g}`" for g in ladder),
            ))
            return None
        section_id = key.removeprefix("section ") if level == "section" else None
        return Adjustment(
            "", grade, given["by"][0], given["reason"][0], location=location,
            section=section_id, overall=level == "overall",
        )

    def aggregate_ladder(self, aggregate: model.Aggregate | None) -> list[str]:
        """The grades a section's or the overall's `grade:` line can give."""
        ruleset = self.ruleset
        if aggregate is not None and aggregate.kind == "graded_over" and aggregate.using:
            return list(ruleset.scale(ruleset.grading(aggregate.using).ladder).values)
        bands = aggregate.bands or aggregate.using if aggregate is not None else None
        if aggregate is not None and aggregate.kind in ("points_total", "score_banded", "sum_banded", "mean_banded") and bands:
            return list(ruleset.scale(ruleset.band_set(bands).scale).values)
        ladders = [s for s in ruleset.scales if s.is_ladder]
        return list(dict.fromkeys(v for s in ladders for v in s.values))

    def criterion_ladder(self, criterion: model.Criterion) -> list[str]:
        """The grades an adjustment of a criterion may give."""
        name = criterion.grading
        # INVARIANT: the checker resolved every name, so a failed look-up here is a checker bug.
        if name and criterion.kind == "descriptive":
            return list(self.ruleset.scale(self.ruleset.grading(name).ladder).values)
        if name:
            return list(self.ruleset.scale(self.ruleset.band_set(name).scale).values)
        ladders = [s for s in self.ruleset.scales if s.is_ladder]
        return list(dict.fromkeys(v for s in ladders for v in s.values))


def _unit_phrase(measure: model.Measure) -> str:
    percent = measure.unit.lower() in ("percent", "%", "per cent")
    return "a percentage" if percent else f"a number of {measure.unit}"


def canonical(value: str, allowed: list[str], not_applicable: str | None = None) -> str | None:
    """The ruleset's spelling of a value written in any case (`not applicable` for the scale's label)."""
    wanted = " ".join(value.split()).lower()
    for candidate in allowed:
        if candidate.lower() == wanted:
            return candidate
    if wanted == "not applicable" and not_applicable:
        return not_applicable
    return None


def _figure_help(measure: model.Measure) -> str:
    """Examples of a figure written as this measure's unit allows (`9.5 days` for days)."""
    unit = measure.unit.strip().lower()
    if not unit or unit in ("percent", "%", "per cent"):
        return "write a number such as `71`, `71%` or `10.7`"
    return f"write a number such as `71` or `10.7`, or with its unit: `9.5 {measure.unit.strip()}`"
