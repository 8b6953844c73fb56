"""Render the checker's analysis summary (`language.analysis.Analysis`) as text or JSON, for `esirules check --analysis`."""

from __future__ import annotations

from esirules.language.analysis import Analysis, GradingSummary, RuleSummary


def analysis_text(analysis: Analysis) -> str:
    """Each grading's rules with the rating profiles they grade, each set of bands' rows with
    the figures they take; every line indented under the ruleset's `ok` line."""
    lines: list[str] = []
    for grading in analysis.gradings:
        lines += _grading_lines(grading)
    for name, line, why in analysis.not_analysed:
        lines.append(f"  grading `{name}` (line {line}): not analysed: its rules {_rules_do(why)}, so the ratings of its "
                     "items alone do not decide its grade (it needs its `otherwise` rule, R052)")
    for bands in analysis.bands:
        lines.append(
            f"  bands `{bands.name}` (line {bands.span.line}): {plural(bands.figures, 'figure')} tried, "
            + ("every set of figures its members' grades can give" if bands.by_members
               else "one in each stretch between the numbers its tests name")
        )
        for row in bands.rows:
            lines.append("    " + _row(row, "figure"))
        if bands.unfit:
            lines.append(f"    no band: {plural(bands.unfit, 'figure')}")
        if bands.skipped:
            never = ", ".join(f"`{v}`" for v in bands.skipped)
            lines.append(f"    never given, though better and worse values are: {never}")
    for outcome in analysis.outcomes:
        if not outcome.combinations:
            lines.append(f"  outcome `{outcome.name}` (line {outcome.line}): not analysed (too many combinations)")
            continue
        lines.append(
            f"  outcome `{outcome.name}` (line {outcome.line}): {plural(outcome.combinations, 'combination')} "
            "of the grades and scores it reads tried"
        )
        for value, otherwise, line, taken, example in outcome.rules:
            lines.append("    " + _row(RuleSummary(value, otherwise, line, taken, example), "combination"))
        if outcome.undecided:
            lines.append(f"    no value: {plural(outcome.undecided, 'combination')}")
    return "".join(line + "\n" for line in lines)


def _grading_lines(grading: GradingSummary) -> list[str]:
    owners = "; ".join(f"{who} ({count:,})" for who, count in grading.item_sets) or "no items"
    monotone = {
        "by form": "monotone, by the form of its rules",
        "searched": "monotone, found by trying every raise",
        "no": "not monotone",
    }[grading.monotone]
    lines = [
        f"  grading `{grading.name}` (line {grading.span.line}): {plural(grading.profiles, 'rating profile')} "
        f"of the items of {owners}; {monotone}"
    ]
    for rule in grading.rules:
        lines.append("    " + _row(rule, "profile"))
    if grading.ungraded:
        lines.append(f"    no grade: {plural(grading.ungraded, 'profile')}")
    for who in grading.too_many:
        lines.append(f"    not analysed (too many profiles): the items of {who}")
    return lines


def _row(rule: RuleSummary, noun: str) -> str:
    name = f"`{rule.value}` otherwise" if rule.otherwise else f"`{rule.value}`"
    taken = plural(rule.taken, noun)
    lead = "the first" if noun == "profile" else "for example"
    example = "" if rule.example is None else f", {lead}: {rule.example}"
    return f"{name} (line {rule.line}): {taken}{example}"


def _rules_do(why: str) -> str:
    """`names members or counts groups` as what its rules do: `name members or count groups`."""
    return "test facts" if why == "tests facts" else "name members or count groups"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def analysis_json(analysis: Analysis) -> dict[str, object]:
    return {
        "gradings": [
            {
                "name": g.name,
                "line": g.span.line,
                "profiles": g.profiles,
                "item_sets": [{"items_of": who, "profiles": n} for who, n in g.item_sets],
                "rules": [_row_json(r) for r in g.rules],
                "no_grade": g.ungraded,
                "monotone": g.monotone,
                "not_analysed": list(g.too_many),
            }
            for g in analysis.gradings
        ],
        "gradings_not_analysed": [
            {"name": name, "line": line, "why": why} for name, line, why in analysis.not_analysed
        ],
        "bands": [
            {
                "name": b.name,
                "line": b.span.line,
                "figures_tried": b.figures,
                "rows": [_row_json(r) for r in b.rows],
                "no_band": b.unfit,
                "never_given": list(b.skipped),
            }
            for b in analysis.bands
        ],
        "outcomes": [
            {
                "name": o.name,
                "line": o.line,
                "combinations_tried": o.combinations,
                "rules": [_row_json(RuleSummary(*rule)) for rule in o.rules],
                "no_value": o.undecided,
            }
            for o in analysis.outcomes
        ],
    }


def _row_json(rule: RuleSummary) -> dict[str, object]:
    return {"value": rule.value, "otherwise": rule.otherwise, "line": rule.line, "taken": rule.taken,
            "first": rule.example}
