"""The ruleset language: text in, a checked model (or located diagnostics) out.

Stages: `parse` (text → syntax tree, `syntax`), `check` (syntax tree and its `extends` chain →
resolved model, `model`). Nothing here knows about evidence, scoring or output.
"""
