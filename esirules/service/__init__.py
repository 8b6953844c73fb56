"""The HTTP service (`esirules serve`): published rulesets, evidence, immutable runs and explanations, over the library.

Imported only by the `serve`, `db` and `token` commands, so the plain command line never loads
the server, the database layer or the drivers. docs/api.md describes the API, docs/deploy.md
running it, docs/architecture.md the decisions.
"""
