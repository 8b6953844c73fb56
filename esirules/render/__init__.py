"""Rendering: the result tree and explanations in, text, Markdown, CSV and JSON out (rich only here and in cli).

`result_json` is the one serializer of result records (the sheet's JSON and the explanation's);
`sheet` lays columns out as the summary sheet; `explain_text`, `explain_json` and
`explain_markdown` render an explanation, dispatching on its kind through `explain.objects.visit`;
`wording` holds the phrases only renderers use (shared number wording is `esirules.words`);
`diagnostics` prints problems with their source lines.
"""
