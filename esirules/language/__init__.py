"""The ruleset language: text in, a checked model (or located diagnostics) out.

Stages: `decode` (bytes → text), `parse` (text → syntax tree, `syntax`; its parts are `grammar`,
`tables`, `recovery`, `describe`, `tosyntax`), `check` (syntax tree and its `extends` chain →
resolved model, `model`; the per-concern checkers share a `context.CheckContext`). `sources` says
where rulesets are read from, `limits` how large they may be. Nothing here knows about evidence,
scoring or output.
"""
