"""Authoring tools for methodology staff: checked rulesets in, what changed and the handbook out.

`written` reads what a ruleset file says beyond the model (descriptions, locations); `plain`
words model values for readers; `changes` holds the edit-script records that `compare_*`
produce and `diff` assembles; `impact` re-scores evidence under two rulesets; `handbook` and
`diff_report` build a `document`, which `document_text`, `document_markdown` and
`document_html` render; `diff_json` serialises a diff and its impact.
"""
