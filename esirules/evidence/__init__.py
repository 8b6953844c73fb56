"""Inspection evidence: YAML, JSON and CSV files in, checked columnar `Cases` and `Evidence` out.

Readers turn a file into a case table (`table`, `csv_arrow`, `load`), which is checked and coded
against a ruleset's vocabulary into columns (`cases`). Conditions over those columns (`conditions`)
are decided here too, so the loader and the evaluator share one definition of truth.
"""
