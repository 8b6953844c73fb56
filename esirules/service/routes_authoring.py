"""The authoring tools over published rulesets: a ruleset's address in, its handbook or its diff with another out.

The same documents as `esirules handbook` and `esirules diff` (with `--evidence`, the impact on
stored evidence), read from the store by `service.authoring`, which the pages share.
"""

from __future__ import annotations

from esirules.service import authoring
from esirules.service import messages as api
from esirules.service.operation import JSON_MEDIA_TYPE, Answer, Call, Context, Operation, Reply

MARKDOWN = "text/markdown; charset=utf-8"
HTML = "text/html; charset=utf-8"


def handbook(context: Context, call: Call) -> Reply:
    from esirules.authoring.handbook import handbook_document

    query: api.HandbookQuery = call.query
    document = handbook_document(authoring.loaded_ruleset(context, call.path["hash"]))
    if query.format == "html":
        from esirules.authoring.document_html import document_html

        return Reply(200, document_html(document), HTML)
    from esirules.authoring.document_markdown import document_markdown

    return Reply(200, document_markdown(document), MARKDOWN)


def diff(context: Context, call: Call) -> Reply:
    from esirules.authoring.diff import diff_rulesets

    query: api.DiffQuery = call.query
    old, new = call.path["hash"], call.path["other"]
    changes = diff_rulesets(authoring.loaded_ruleset(context, old), authoring.loaded_ruleset(context, new, "{other}"))
    from esirules.service.problems import Refusal
    from esirules.service.schema import FieldError

    if query.sample and query.evidence is None:
        raise Refusal("unprocessable", "`sample` chooses the cases of `evidence` to score; give `evidence` too",
                      errors=[FieldError("?sample", "needs `evidence`", "name the stored evidence to score")])
    if query.all_cases and query.format == "markdown":  # (as `esirules diff --all-cases --format markdown`)
        raise Refusal("unprocessable", "`all_cases` is for `format=json`; Markdown shows the first few",
                      errors=[FieldError("?all_cases", "is for `format=json`; Markdown shows the first few",
                                         "leave it out, or ask for JSON")])
    samples: list[str | None] = list(query.sample) or [None]
    impacts = authoring.impacts(context, old, new, query.evidence, samples) if query.evidence else []
    if query.format == "markdown":
        from esirules.authoring.diff_report import diff_document
        from esirules.authoring.document_markdown import document_markdown

        return Reply(200, document_markdown(diff_document(changes, impacts)), MARKDOWN)
    from esirules.authoring.diff_json import diff_json

    return Reply(200, diff_json(changes, impacts, all_cases=query.all_cases) + "\n", JSON_MEDIA_TYPE)


def operations() -> list[Operation]:
    hashes = {"pattern": api.HASH["pattern"], "form": api.HASH["form"]}
    return [
        Operation("GET", "/v1/rulesets/{hash}/handbook", "getHandbook", "A published ruleset's handbook", "rulesets",
                  "viewer", handbook,
                  (Answer(200, "what `esirules handbook` writes", None, {MARKDOWN: {"type": "string"},
                                                                        HTML: {"type": "string"}}),),
                  query=api.HandbookQuery, path_schemas={"hash": hashes}, problems=(404,)),
        Operation("GET", "/v1/rulesets/{hash}/diff/{other}", "diffRulesets",
                  "What changes from one published ruleset to another, and what it does to stored evidence",
                  "rulesets", "viewer", diff,
                  (Answer(200, "what `esirules diff` prints", None, {
                      JSON_MEDIA_TYPE: api.DIFF, MARKDOWN: {"type": "string"}}),),
                  query=api.DiffQuery, path_schemas={"hash": hashes, "other": hashes}, problems=(404, 422),
                  description="`{hash}` is the old ruleset, `{other}` the new. With `evidence`, both score it "
                              "(each `sample` as its own impact): old → new for every figure, the grades that "
                              "move, and the cases whose answers now count differently."),
    ]
