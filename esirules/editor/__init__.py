"""Editor support: open ruleset documents in, what a language server answers out.

The modules here hold no editor protocol: `server.py` alone speaks the Language Server
Protocol (pygls, lsprotocol) and turns these answers into its messages, so everything else is
plain Python that tests and benchmarks call directly. `pygments_lexer.py` highlights rulesets
for the docs and web pages.
"""
