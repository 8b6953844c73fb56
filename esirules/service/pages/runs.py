"""Inspections, runs, sheets and explanations as pages: stored runs in, the summary sheet and explanations out.

The sheet is `render.html.sheet` over the runs' columns scored from their stored inputs (as
`GET /v1/sheet` does), each figure a link to its explanation; an explanation is
`render.html.explanation` over `Library.explain` (as `GET /v1/runs/{id}/explanations/{target}`
computes it), each rule a link to its line. A lead inspector's adjustment and a new run are made by
the API's own handlers (`adjust_run`, `create_run`), so they are checked, stored and audited alike.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from starlette.responses import Response
from starlette.routing import BaseRoute

from esirules.diagnostics import DiagnosticError
from esirules.explain.objects import RuleRef
from esirules.render.html.environment import Links
from esirules.scoring.result import ColumnResult
from esirules.service import messages as api
from esirules.service.library import RunInputs, sheet_title
from esirules.service.operation import Call, Context
from esirules.service.pages.frame import FORM_INPUTS, Page, PageCall, in_form_words, page_route, redirect
from esirules.service.problems import Refusal, found_problems, not_found
from esirules.service.routes_runs import Scoring, adjust_run, create_run, run_info, told_apart
from esirules.service.routes_store import compiled_ruleset
from esirules.service.schema import RequestInvalid, decode

HASH_LENGTH = 64


def explain_url(run: str, target: str, column: str, **extra: str) -> str:
    query = urlencode({"column": column, **{k: v for k, v in extra.items() if v}})
    return f"/runs/{run}/explain/{quote(target, safe='')}?{query}"


def ruleset_line_url(ruleset: str, file: str, line: int) -> str:
    return f"/rulesets/{ruleset}/files/{quote(file, safe='')}#L{line}"


class SheetLinks(Links):
    """Each column's figures link to their explanation in the run the column comes from."""

    def __init__(self, columns: Sequence[tuple[str, str]]):
        self.columns = columns  # (run id, column label) by column

    def figure(self, column: int, target: str) -> str | None:
        run, label = self.columns[column]
        return explain_url(run, target, label)


class RunLinks(Links):
    """An explanation's rules link to their lines in the run's ruleset, targets and cases to their own."""

    def __init__(self, run: str, ruleset: str, files: Sequence[str], column: str, target: str):
        self.run, self.ruleset, self.files, self.column, self.explained = run, ruleset, set(files), column, target

    def rule(self, rule: RuleRef) -> str | None:
        return ruleset_line_url(self.ruleset, rule.file, rule.line) if rule.file in self.files else None

    def target(self, target: str) -> str | None:
        return explain_url(self.run, target, self.column)

    def case(self, case: str) -> str | None:
        return explain_url(self.run, self.explained, self.column, case=case)


def stored_run(context: Context, identifier: str) -> tuple[dict[str, Any], RunInputs]:
    row = context.store.run(identifier) if len(identifier) == HASH_LENGTH else None
    if row is None:
        raise not_found("run", identifier, "{id}")
    return row, RunInputs.from_json(json.loads(row["inputs"]))


# ---------------------------------------------------------------------------------------------
# Lists and sheets


def inspections(context: Context, call: PageCall) -> Page:
    rows, total = context.store.evidence_list(200, 0)
    names = _ruleset_names(context)
    listed = []
    for row in rows:
        runs, _ = context.store.runs(None, row["hash"], 200, 0)
        listed.append({"evidence": row, "runs": [run_info(r) for r in reversed(runs)]})  # in the order scored
    return Page("inspections.html.j2", "Inspections and runs", {"inspections": listed, "total": total,
                                                                 "ruleset_names": names})


def _ruleset_names(context: Context) -> dict[str, str]:
    rows, _ = context.store.rulesets(None, 500, 0)
    return {r["hash"]: f"{r['name']} {r['version']}".strip() for r in rows}


def _columns(context: Context, run_ids: Sequence[str]) -> tuple[list[ColumnResult], list[tuple[str, str]], list[str], list[Any]]:
    columns: list[ColumnResult] = []
    owners: list[tuple[str, str]] = []
    titles: list[str] = []
    rulesets = []
    adjusting: list[bool] = []
    for identifier in run_ids:
        row, inputs = stored_run(context, identifier)
        scoring = Scoring(context, inputs)
        titles.append(scoring.title)
        scored = scoring.columns()
        columns += scored
        owners += [(identifier, c.label) for c in scored]
        adjusting += [row["adjusts"] is not None] * len(scored)
        rulesets.append(scoring.compiled.ruleset)
    return told_apart(columns, [run for run, _ in owners], adjusting), owners, titles, rulesets


def _sheet(context: Context, run_ids: Sequence[str], title: str | None) -> tuple[str, Markup, list[Any]]:
    """The sheet's title and fragment, and each column's warnings (`E212`: samples pooled), which
    the command line prints beside the sheet and a page must show too."""
    from esirules.render.html.sheet import ladders_of, sheet_fragment, sheet_view

    columns, owners, titles, rulesets = _columns(context, run_ids)
    heading = sheet_title(title, titles)
    view = sheet_view(heading, columns, ladders=ladders_of(rulesets), links=SheetLinks(owners))
    warnings = [{"column": c.label, "code": w.code, "message": w.message, "help": w.help}
                for c in columns for w in c.warnings]
    return view.title, sheet_fragment(view), warnings


def sheet(context: Context, call: PageCall) -> Page:
    run_ids = list(dict.fromkeys(r for r in call.query.get("run", []) if r))  # (a run given twice is one column set)
    if not run_ids:
        raise Refusal("unprocessable", "choose one or more runs for the sheet, on the list of inspections and runs")
    if len(run_ids) > 50:
        raise Refusal("unprocessable", "a sheet may have the columns of at most 50 runs")
    title, fragment, warnings = _sheet(context, run_ids, call.first("title") or None)
    return Page("sheet.html.j2", title, {"sheet": fragment, "runs": run_ids, "warnings": warnings})


def run_page(context: Context, call: PageCall) -> Page:
    row, inputs = stored_run(context, call.path["id"])
    info = run_info(row)
    title, fragment, warnings = _sheet(context, [row["id"]], None)
    ruleset = context.store.ruleset(row["ruleset"])
    evidence = context.store.evidence(row["evidence"])
    values: dict[str, Any] = {"run": info, "sheet": fragment, "sheet_title": title, "ruleset": ruleset,
                              "evidence": evidence, "adjust": None, "warnings": warnings}
    if call.may("inspector"):
        values["adjust"] = _adjustable(context, inputs)
        values["adjusted_since"] = adjusted_since(context, row)
    labels = ", ".join(c.label for c in info.columns)  # (runs of one inspection told apart by their columns)
    return Page("run.html.j2", f"Run {labels} of {info.created_at[:10]}: {title}", values)


def adjusted_since(context: Context, row: Mapping[str, Any]) -> list[Any]:
    """The runs that adjust this one, newest first: a second adjustment made here would not
    carry theirs (each adjustment makes a run of its own), so the form names them."""
    runs, _ = context.store.runs(None, row["evidence"], 500, 0)
    return [run_info(r) for r in runs if r["adjusts"] == row["id"]]


def _adjustable(context: Context, inputs: RunInputs) -> dict[str, list[str]]:
    """The criteria a lead inspector may adjust, with the grades of each one's ladder (best first)."""
    ruleset = compiled_ruleset(context, inputs.ruleset, "/ruleset").ruleset
    out = {}
    for criterion in ruleset.criteria():
        if criterion.allows_adjustment and criterion.grading is not None and criterion.kind == "descriptive":
            out[criterion.id] = list(ruleset.scale(ruleset.grading(criterion.grading).ladder).values)
    return out


# ---------------------------------------------------------------------------------------------
# Explanations


def explanation(context: Context, call: PageCall) -> Page:
    from esirules.explain.scope import resolve_target
    from esirules.render.html.diagnostics import diagnostics_fragment
    from esirules.render.html.explanation import explanation_fragment, target_heading
    from esirules.service.routes_runs import _column

    row, inputs = stored_run(context, call.path["id"])
    target = call.path["target"]
    column = _column(inputs, call.first("column"))
    case = (call.first("case") or "").strip() or None
    where = (call.first("where") or "").strip() or None
    all_cases = call.first("all_cases") == "yes"
    scoring = Scoring(context, inputs)
    library = context.library
    values: dict[str, Any] = {"run": run_info(row), "column": column, "target": target, "case": case or "",
                              "where": where or "", "all_cases": all_cases, "adjust": None, "problems": None,
                              "invalid": set()}
    try:
        resolved = resolve_target(scoring.compiled.ruleset, target)
    except DiagnosticError as error:
        raise found_problems(error.diagnostics, error.sources) from None
    key = (row["id"], column.label, target, where, case, all_cases, "html")
    fragment = library.explanations.get(key)
    # (the view in the title too: one case, or some of the cases, is not the whole column)
    title = target_heading(resolved, column.label) + (f", case {case}" if case else "") + (
        f", where {where}" if where else "")
    if fragment is None:
        scorer = library.scorer(scoring.compiled, scoring.main, scoring.evidence, inputs.overlay())
        try:
            explained = library.explain(scorer, scoring.compiled, scoring.main, inputs, column, target,
                                        where=where, case=case, all_cases=all_cases)
        except DiagnosticError as error:
            values["problems"] = diagnostics_fragment(error.diagnostics, error.sources, FORM_INPUTS)
            values["invalid"] = {FORM_INPUTS.get(d.span.file) for d in error.diagnostics}
            return Page("explanation.html.j2", title, {**values, "explanation": Markup("")}, 422)
        links = RunLinks(row["id"], inputs.ruleset, list(scoring.compiled.files), column.label, resolved.id)
        fragment = library.explanations.put(key, str(explanation_fragment(explained, links)))
    if call.may("inspector") and resolved.kind == "criterion":
        grades = _adjustable(context, inputs).get(resolved.id)
        if grades is not None:
            values["adjust"] = {"criterion": resolved.id, "grades": grades}
            values["adjusted_since"] = adjusted_since(context, row)
    return Page("explanation.html.j2", title, {**values, "explanation": Markup(fragment)})


# ---------------------------------------------------------------------------------------------
# Writes: a lead inspector's adjustment, a new run


def adjust(context: Context, call: PageCall) -> Response:
    body = {"criterion": call.first("criterion") or "", "grade": call.first("grade") or "",
            "reason": (call.first("reason") or "").strip()}
    column = call.first("column") or ""
    try:
        request = decode(api.AdjustmentRequest, body)
    except RequestInvalid as error:
        raise Refusal("unprocessable", in_form_words(error.errors)) from None
    try:
        reply = adjust_run(context, Call(call.actor, call.request.state.request_id, request, None, {"id": call.path["id"]}))
    except Refusal as refusal:
        if not refusal.errors:
            raise
        raise Refusal("unprocessable", in_form_words(refusal.errors, helps=True)) from None
    created: api.RunCreated = reply.content
    columns = [c.label for c in created.run.columns]
    return redirect(explain_url(created.run.id, request.criterion, column if column in columns else columns[0]))


def make_run(context: Context, call: PageCall) -> Response:
    evidence = call.first("evidence") or ""
    samples = [s for s in (call.form.getlist("sample") if call.form is not None else []) if isinstance(s, str)]
    columns = [{"sample": None if s == "" else s} for s in samples] or [{}]
    labels = (call.first("label") or "").strip()
    if labels and len(columns) > 1:  # (one label cannot head several columns: each is headed by its sample)
        raise Refusal("unprocessable", f"the label `{labels}` names one column, but {len(columns)} samples are "
                      "ticked, each a column headed by its sample: tick one sample, or leave the label empty")
    if labels:
        columns[0]["label"] = labels
    body: dict[str, Any] = {"ruleset": call.first("ruleset") or "", "evidence": evidence,
                            "columns": [{k: v for k, v in c.items() if v is not None} for c in columns]}
    try:
        request = decode(api.RunRequest, body)
    except RequestInvalid as error:
        raise Refusal("unprocessable", in_form_words(error.errors)) from None
    reply = create_run(context, Call(call.actor, call.request.state.request_id, request, None, {}))
    return redirect(f"/runs/{reply.content.run.id}")


def routes(context: Context) -> list[BaseRoute]:
    return [
        page_route(context, "/inspections", inspections),
        page_route(context, "/sheet", sheet, refused="The sheet cannot be shown as asked"),
        page_route(context, "/runs/{id}", run_page),
        page_route(context, "/runs/{id}/explain/{target}", explanation, refused="Nothing to explain as asked"),
        page_route(context, "/runs/{id}/adjust", adjust, role="inspector", methods=("POST",),
                   refused="The grade was not adjusted"),
        page_route(context, "/runs", make_run, role="inspector", methods=("POST",), refused="The evidence was not scored"),
    ]
