"""Runs, adjustments, batches, sheets and explanations: stored inputs in, the library's results out.

A run is addressed by the hash of its inputs (ruleset, evidence, columns, title, adjustments and
the run it adjusts), so the same request makes the same run, and its result is scored once and
stored as the exact JSON `esirules score --format json` prints. Anything derived later (a
verification, a sheet, an explanation) is computed again from the stored inputs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from esirules.diagnostics import Diagnostic as Found
from esirules.diagnostics import DiagnosticError, did_you_mean
from esirules.evidence.cases import Evidence
from esirules.explain.scope import CASE, TARGET
from esirules.render.sheet import build_sheet, sheet_csv, sheet_json, sheet_markdown
from esirules.scoring.columns import Scorer, undeclared_sample
from esirules.scoring.result import ColumnResult
from esirules.scoring.subset import WHERE
from esirules.service import messages as api
from esirules.service import observe
from esirules.service.library import ADJUSTMENTS_FILE, Column, CompiledRuleset, RunInputs, sheet_title
from esirules.service.operation import JSON_MEDIA_TYPE, Answer, Call, Context, Operation, Reply
from esirules.service.problems import Refusal, found_problems, not_found, unprocessable
from esirules.service.routes_store import compiled_ruleset, files_of, unread
from esirules.service.schema import FieldError
from esirules.service.store import RunRecord, Writer, bundle_hash, canonical, sha256

MARKDOWN = "text/markdown; charset=utf-8"
CSV = "text/csv; charset=utf-8"
RUN_PATH = {"id": {"pattern": api.HASH["pattern"], "form": "a run id: 64 lowercase hexadecimal digits"}}


def run_id(inputs: RunInputs) -> str:
    return sha256(canonical(inputs.to_json()).encode())


def _columns(requested: Sequence[api.ColumnRequest], main: str) -> tuple[Column, ...]:
    """Each column's label as the command line gives it: the sample's name, else the evidence file's.
    Labels must differ: a column is explained and compared by its label."""
    columns = tuple(Column(c.label or c.sample or main, c.sample) for c in requested)
    first: dict[str, int] = {}
    clashes = []
    for index, column in enumerate(columns):
        if column.label in first:
            given = "sample" if requested[index].sample and not requested[index].label else "label"
            clashes.append(FieldError(f"/columns/{index}/{given}",
                                      f"column {index} would be labelled `{column.label}`, as column "
                                      f"{first[column.label]} is", "give each column its own `label`"))
        first.setdefault(column.label, index)
    if clashes:
        raise unprocessable(clashes)
    return columns


def _check_samples(compiled: CompiledRuleset, columns: Sequence[Column], pointer: str = "") -> None:
    """422 at each column whose sample the ruleset does not declare (the command line's E203, in
    the request's words: where the client wrote it, not in the ruleset)."""
    samples = [s.name for s in compiled.ruleset.samples]
    known = ", ".join(f"`{name}`" for name in samples) or "none"
    errors = [FieldError(f"{pointer}/columns/{index}/sample", undeclared,
                         did_you_mean(column.sample or "", samples, listing=False) or f"its samples are: {known}")
              for index, column in enumerate(columns)
              if (undeclared := undeclared_sample(compiled.ruleset, column.sample)) is not None]
    if errors:
        raise unprocessable(errors)


class Scoring:
    """One run's inputs made ready: the compiled ruleset and the loaded evidence (from the caches)."""

    def __init__(self, context: Context, inputs: RunInputs, *, pointer: str = ""):
        self.context = context
        self.inputs = inputs
        self.compiled = compiled_ruleset(context, inputs.ruleset, f"{pointer}/ruleset")
        _check_samples(self.compiled, inputs.columns, pointer)
        row = context.store.evidence(inputs.evidence)
        if row is None:
            raise not_found("stored evidence", inputs.evidence, f"{pointer}/evidence")
        self.title = row["title"]
        try:
            self.main, self.evidence = context.library.loaded(
                self.compiled, inputs.evidence, lambda: (row["main"], context.store.evidence_files(inputs.evidence)))
        except DiagnosticError as error:
            raise found_problems(error.diagnostics) from None

    def scorer(self) -> Scorer:
        """A Scorer of the run's inputs, which reads the stored evidence's files if it must."""
        store, evidence = self.context.store, self.inputs.evidence
        return self.context.library.scorer(self.compiled, self.main, self.evidence, self.inputs.overlay(),
                                           stored=lambda: store.evidence_files(evidence))

    def columns(self) -> list[ColumnResult]:
        library = self.context.library
        scorer = self.scorer()
        try:
            return library.score(scorer, self.compiled, self.main, self.inputs)
        except DiagnosticError as error:
            overlay = self.inputs.overlay()
            sources = {ADJUSTMENTS_FILE: overlay.decode()} if overlay and any(
                d.span.file == ADJUSTMENTS_FILE for d in error.diagnostics) else None
            raise found_problems(error.diagnostics, sources) from None

    def record(self, batch: str | None = None) -> RunRecord:
        result = sheet_json(self.inputs.title, self.columns()) + "\n"
        return RunRecord(run_id(self.inputs), self.inputs.ruleset, self.inputs.evidence,
                         canonical(self.inputs.to_json()), self.inputs.adjusts, batch, result,
                         sha256(result.encode()))


def run_info(row: Mapping[str, Any]) -> api.RunInfo:
    inputs = RunInputs.from_json(json.loads(row["inputs"]))
    return api.RunInfo(
        row["id"], row["ruleset"], row["evidence"], tuple(api.ColumnInfo(c.label, c.sample) for c in inputs.columns),
        inputs.title, row["adjusts"], tuple(api.AdjustmentInfo(**a) for a in inputs.adjustments), row["batch"],
        row["result_sha256"], row["created_at"], row["created_by"],
    )


def _stored_run(context: Context, identifier: str, pointer: str = "{id}") -> tuple[dict[str, Any], RunInputs]:
    row = context.store.run(identifier)
    if row is None:
        raise not_found("run", identifier, pointer)
    return row, RunInputs.from_json(json.loads(row["inputs"]))


def _make_run(context: Context, call: Call, inputs: RunInputs, action: str) -> Reply:
    """Score a run and store it, unless the same run exists (then record the request and return it)."""
    assert call.actor is not None
    identifier = run_id(inputs)
    row = context.store.run(identifier)
    if row is None:
        record = Scoring(context, inputs).record()
        observe.RUNS.labels(action).inc()
        created = context.store.write(call.actor, call.request_id, lambda writer: writer.put_run(record, action))
        row = context.store.run(identifier)
        assert row is not None
    else:
        created = context.store.write(call.actor, call.request_id, lambda writer: writer.put_run(
            RunRecord(row["id"], row["ruleset"], row["evidence"], row["inputs"], row["adjusts"], row["batch"],
                      row["result"], row["result_sha256"]), action))
    return Reply(201 if created else 200, api.RunCreated(created, run_info(row), api.Result(json.loads(row["result"]))),
                 headers={"Location": f"/v1/runs/{identifier}"})


def create_run(context: Context, call: Call) -> Reply:
    request: api.RunRequest = call.body
    evidence = context.store.evidence(request.evidence)
    if evidence is None:
        raise not_found("stored evidence", request.evidence, "/evidence")
    inputs = RunInputs(request.ruleset, request.evidence, _columns(request.columns, evidence["main"]),
                       sheet_title(request.title, [evidence["title"]]))
    return _make_run(context, call, inputs, "run.create")


def adjust_run(context: Context, call: Call) -> Reply:
    request: api.AdjustmentRequest = call.body
    row, inputs = _stored_run(context, call.path["id"])
    assert call.actor is not None
    adjustment = {"criterion": request.criterion, "grade": request.grade, "by": call.actor.name,
                  "reason": request.reason}
    compiled = compiled_ruleset(context, inputs.ruleset, "/ruleset")
    adjustment, errors = context.library.read_adjustment(compiled, adjustment)
    if errors:  # (placed at the request's fields, not in the evidence file the service writes for it)
        raise unprocessable([FieldError(f"/{field}", message, help_) for field, message, help_ in errors])
    kept = [a for a in inputs.adjustments if a["criterion"] != adjustment["criterion"]]
    adjusted = RunInputs(inputs.ruleset, inputs.evidence, inputs.columns, inputs.title,
                         tuple(sorted([*kept, adjustment], key=lambda a: a["criterion"])), row["id"])
    return _make_run(context, call, adjusted, "run.adjust")


def list_runs(context: Context, call: Call) -> Reply:
    query: api.RunQuery = call.query
    rows, total = context.store.runs(query.ruleset, query.evidence, query.limit, query.offset)
    return Reply(200, api.RunList(tuple(run_info(r) for r in rows), total))


def get_run(context: Context, call: Call) -> Reply:
    row, _ = _stored_run(context, call.path["id"])
    return Reply(200, api.RunDetail(run_info(row), api.Result(json.loads(row["result"]))))


def run_result(context: Context, call: Call) -> Reply:
    row, _ = _stored_run(context, call.path["id"])
    return Reply(200, row["result"].encode(), JSON_MEDIA_TYPE, {"ETag": f'"{row["result_sha256"]}"'})


def verify_run(context: Context, call: Call) -> Reply:
    """Score the run again from its stored bytes alone (no cache) and compare the JSON byte for byte."""
    row, inputs = _stored_run(context, call.path["id"])
    store, library = context.store, context.library
    ruleset = store.ruleset(inputs.ruleset)
    evidence = store.evidence(inputs.evidence)
    assert ruleset is not None and evidence is not None  # INVARIANT: foreign keys
    compiled = library.compiled(inputs.ruleset, lambda: (ruleset["main"], store.ruleset_files(inputs.ruleset)),
                                cached=False)
    files = store.evidence_files(inputs.evidence)
    try:
        scorer = library.scorer(compiled, evidence["main"], None, inputs.overlay(), files)
        result = sheet_json(inputs.title, library.score(scorer, compiled, evidence["main"], inputs)) + "\n"
    except DiagnosticError as error:  # (stored bytes that no longer score: what is wrong, as when the run was made)
        raise found_problems(error.diagnostics) from None
    observe.RUNS.labels("run.verify").inc()
    rescored = sha256(result.encode())
    identical = result == row["result"]
    return Reply(200, api.Verification(row["id"], identical, row["result_sha256"], rescored))


def _column(inputs: RunInputs, label: str | None) -> Column:
    labels = [c.label for c in inputs.columns]
    listing = ", ".join(f"`{x}`" for x in labels)
    if label is None:
        if len(inputs.columns) == 1:
            return inputs.columns[0]
        raise unprocessable([FieldError("?column", f"the run has {len(labels)} columns; say which one to explain",
                                  f"add `column=LABEL`; its columns are {listing}")])
    chosen = [c for c in inputs.columns if c.label == label]
    if not chosen:
        raise unprocessable([FieldError("?column", f"the run has no column `{label}`",
                                  did_you_mean(label, labels, listing=False) or f"its columns are {listing}")])
    return chosen[0]


def explain_run(context: Context, call: Call) -> Reply:
    query: api.ExplainQuery = call.query
    _, inputs = _stored_run(context, call.path["id"])
    column = _column(inputs, query.column)
    target = call.path["target"]
    key = (call.path["id"], column.label, target, query.where, query.case, query.all_cases, query.format)
    media = JSON_MEDIA_TYPE if query.format == "json" else MARKDOWN
    text = context.library.explanations.get(key)
    if text is not None:
        observe.EXPLANATIONS.labels("cache").inc()
        return Reply(200, text, media)
    scoring = Scoring(context, inputs)
    library = context.library
    scorer = scoring.scorer()
    try:
        explanation = library.explain(scorer, scoring.compiled, scoring.main, inputs, column, target,
                                      where=query.where, case=query.case, all_cases=query.all_cases)
    except DiagnosticError as error:
        raise found_problems(*_in_the_request(error)) from None
    if query.format == "json":
        from esirules.render.explain_json import explanation_json

        text = explanation_json(explanation) + "\n"
    else:
        from esirules.render.explain_markdown import explanation_markdown

        text = explanation_markdown(explanation)
    observe.EXPLANATIONS.labels("computed").inc()
    return Reply(200, library.explanations.put(key, text), media)


# What the command line calls the target and the query's values, and what a client of the API wrote.
_ASKED = {TARGET: "{target}", WHERE: "?where", CASE: "?case"}


def _in_the_request(error: DiagnosticError) -> tuple[list[Found], dict[str, str] | None]:
    """An explanation's diagnostics placed where the client wrote the value (`{target}`, `?where`,
    `?case`), not in the command line's names for them (`TARGET`, `--where`, `--case`)."""
    found = [attrs.evolve(d, span=attrs.evolve(d.span, file=_ASKED[d.span.file])) if d.span.file in _ASKED else d
             for d in error.diagnostics]
    sources = {_ASKED.get(name, name): text for name, text in error.sources.items()}
    return found, sources or None


def told_apart(columns: list[ColumnResult], runs: Sequence[str], adjusting: Sequence[bool]) -> list[ColumnResult]:
    """Columns of different runs under one label (a run and the run adjusting it: both `Feb`),
    headed apart, as on the command line no two columns of a sheet share a label (E201):
    `Feb (adjusted)`, else `Feb (run 1a2b3c)`. `runs` and `adjusting`: each column's run, and
    whether that run adjusts another. Links keep the runs' own labels."""
    count = Counter(c.label for c in columns)
    headed = [attrs.evolve(c, label=f"{c.label} (adjusted)") if count[c.label] > 1 and adjusted else c
              for c, adjusted in zip(columns, adjusting)]
    count = Counter(c.label for c in headed)
    return [attrs.evolve(c, label=f"{c.label} (run {run[:6]})") if count[c.label] > 1 else c
            for c, run in zip(headed, runs)]


def sheet(context: Context, call: Call) -> Reply:
    query: api.SheetQuery = call.query
    columns: list[ColumnResult] = []
    titles = []
    runs: list[str] = []
    adjusting: list[bool] = []
    given: dict[str, int] = {}
    repeated = [FieldError(f"?run/{index}", f"the run `{identifier}` is given twice, here and as ?run/{given[identifier]}",
                           "give each run once: a sheet's columns are told apart by their labels")
                for index, identifier in enumerate(query.run) if given.setdefault(identifier, index) != index]
    if repeated:
        raise unprocessable(repeated)
    for index, identifier in enumerate(query.run):
        row, inputs = _stored_run(context, identifier, f"?run/{index}")
        scoring = Scoring(context, inputs)
        titles.append(inputs.title)  # (the run's own: the one it was given, else its inspection's)
        scored = scoring.columns()
        columns.extend(scored)
        runs += [identifier] * len(scored)
        adjusting += [row["adjusts"] is not None] * len(scored)
    columns = told_apart(columns, runs, adjusting)
    title = sheet_title(query.title, titles)
    if query.format == "json":
        return Reply(200, sheet_json(title, columns) + "\n", JSON_MEDIA_TYPE)
    built = build_sheet(title, columns)
    if query.format == "csv":
        return Reply(200, sheet_csv(built), CSV)
    return Reply(200, sheet_markdown(built), MARKDOWN)


def batch(context: Context, call: Call) -> Reply:
    """Check, store and score every item, all in one transaction, or none (422 lists every item's problems)."""
    request: api.BatchRequest = call.body
    compiled = compiled_ruleset(context, request.ruleset, "/ruleset")
    _check_samples(compiled, _columns(request.columns, ""))  # (before any item is read)
    prepared: list[tuple[str, dict[str, bytes], Evidence]] = []
    problems: list[Found] = []
    pointers: list[str] = []  # the item of each problem (the items' files may share names)
    mistakes: list[FieldError] = []  # every item's mistakes in the request itself, not only the first's
    for index, item in enumerate(request.items):
        try:
            main, files = files_of(item.files, item.main, f"/items/{index}")
            evidence, read = context.library.read_evidence(compiled, main, files)
            unread(files, read, f"/items/{index}", f"`{main}`")
        except DiagnosticError as error:
            problems.extend(error.diagnostics)
            pointers.extend([f"/items/{index}"] * len(error.diagnostics))
            continue
        except Refusal as refusal:
            mistakes.extend(refusal.errors or ())
            continue
        prepared.append((main, files, evidence))
    if mistakes:
        raise Refusal("unprocessable", f"{len(mistakes)} problem{'s' if len(mistakes) != 1 else ''} in the request",
                      errors=mistakes, diagnostics=problems or None, pointers=pointers or None)
    if problems:
        raise found_problems(problems, pointers=pointers)
    records = []
    for main, files, evidence in prepared:
        address = bundle_hash(main, files)
        context.library.remember(compiled, address, evidence)
        inputs = RunInputs(compiled.address, address, _columns(request.columns, main),
                           sheet_title(request.title, [evidence.title]))
        records.append((main, files, evidence, _scored(context, compiled, inputs, main, evidence)))
    batch_id = sha256(canonical([r.id for *_, r in records]).encode())
    records = [(m, f, e, _in_batch(r, batch_id)) for m, f, e, r in records]

    def write(writer: Writer) -> list[bool]:
        created = []
        for main, files, evidence, record in records:
            writer.put_evidence(main, files, evidence.title, len(evidence.cases), compiled.address)
            created.append(writer.put_run(record, "batch.run"))
        writer.audit("batch.create", batch_id, {"ruleset": compiled.address, "runs": [r.id for *_, r in records]})
        return created

    assert call.actor is not None
    created = context.store.write(call.actor, call.request_id, write)
    observe.RUNS.labels("batch.run").inc(sum(created))
    runs = tuple(api.BatchRun(i, r.evidence, r.id, c) for i, ((*_, r), c) in enumerate(zip(records, created)))
    return Reply(201 if any(created) else 200, api.BatchResult(batch_id, runs))


def _scored(context: Context, compiled: CompiledRuleset, inputs: RunInputs, main: str, evidence: Evidence) -> RunRecord:
    existing = context.store.run(run_id(inputs))
    if existing is not None:
        return RunRecord(existing["id"], existing["ruleset"], existing["evidence"], existing["inputs"],
                         existing["adjusts"], existing["batch"], existing["result"], existing["result_sha256"])
    scorer = context.library.scorer(compiled, main, evidence, None,
                                    stored=lambda: context.store.evidence_files(inputs.evidence))
    try:
        columns = context.library.score(scorer, compiled, main, inputs)
    except DiagnosticError as error:
        raise found_problems(error.diagnostics) from None
    result = sheet_json(inputs.title, columns) + "\n"
    return RunRecord(run_id(inputs), inputs.ruleset, inputs.evidence, canonical(inputs.to_json()), None, None,
                     result, sha256(result.encode()))


def _in_batch(record: RunRecord, batch_id: str) -> RunRecord:
    import attrs

    return record if record.batch is not None else attrs.evolve(record, batch=batch_id)


def operations() -> list[Operation]:
    made = (Answer(201, "scored and stored", api.RunCreated), Answer(200, "the same run existed", api.RunCreated))
    target = {"pattern": "^[^/]{1,200}$", "form": "a criterion, section, question or item id, or `overall`"}
    return [
        Operation("POST", "/v1/runs", "createRun", "Score evidence under a ruleset", "runs", "inspector",
                  create_run, made, body=api.RunRequest, problems=(404, 422),
                  description="One column per entry of `columns`. The run's id is the hash of its inputs: the same "
                              "request gives the same run (200), scored once.", located=True),
        Operation("GET", "/v1/runs", "listRuns", "List runs", "runs", "viewer", list_runs,
                  (Answer(200, "runs", api.RunList),), query=api.RunQuery),
        Operation("GET", "/v1/runs/{id}", "getRun", "A run and its result", "runs", "viewer", get_run,
                  (Answer(200, "the run", api.RunDetail),), path_schemas=RUN_PATH, problems=(404,)),
        Operation("GET", "/v1/runs/{id}/result", "getRunResult", "A run's result, byte for byte as stored",
                  "runs", "viewer", run_result, (Answer(200, "the result JSON as `esirules score --format json` "
                                                                 "prints it", api.Result),),
                  path_schemas=RUN_PATH, problems=(404,), conditional=True),
        Operation("GET", "/v1/runs/{id}/verification", "verifyRun", "Score a run again and compare",
                  "runs", "viewer", verify_run, (Answer(200, "the comparison", api.Verification),),
                  path_schemas=RUN_PATH, problems=(404,),
                  description="Checks the ruleset and loads the evidence again from the stored bytes (no cache), "
                              "scores again, and compares the JSON byte for byte with the stored result."),
        Operation("GET", "/v1/runs/{id}/explanations/{target}", "explainRun",
                  "Explain a criterion, section, question, item or the overall of a run", "runs", "viewer",
                  explain_run, (Answer(200, "the explanation", None, {
                      JSON_MEDIA_TYPE: api.Explanation,
                      MARKDOWN: {"type": "string"}}),),
                  query=api.ExplainQuery, path_schemas={**RUN_PATH, "target": target}, problems=(404, 422),
                  description="Computed from the run's stored inputs, exactly as `esirules explain` computes it."),
        Operation("POST", "/v1/runs/{id}/adjustments", "adjustRun",
                  "Record a lead inspector's adjustment: a new run citing this one", "runs", "inspector",
                  adjust_run, made, body=api.AdjustmentRequest, path_schemas=RUN_PATH, problems=(404, 422),
                  description="The adjustment (`by`: the token holder's name) is applied on top of the evidence's "
                              "own and of this run's; the criterion must allow adjustment and the grade be on its "
                              "ladder (422 otherwise, with the library's diagnostics).", located=True),
        Operation("POST", "/v1/batches", "createBatch", "Check, store and score several evidence uploads",
                  "runs", "inspector", batch, (Answer(201, "stored and scored", api.BatchResult),
                                               Answer(200, "every run existed", api.BatchResult)),
                  body=api.BatchRequest, problems=(404, 422),
                  description="All or nothing: if any item has problems, none is stored and the 422 lists them all."),
        Operation("GET", "/v1/sheet", "getSheet", "The scoring summary sheet of several runs", "runs", "viewer",
                  sheet, (Answer(200, "the sheet", None, {
                      JSON_MEDIA_TYPE: {"$ref": "#/components/schemas/Result"},
                      MARKDOWN: {"type": "string"}, CSV: {"type": "string"}}),),
                  query=api.SheetQuery, problems=(404, 422)),
    ]

