"""Inspection evidence: YAML, JSON and CSV files in, checked columnar `Cases` and `Evidence` out.

The route runs one way. `load` reads an evidence file (`document`); each format has one reader to
a case table (`table`): `yaml_cases` for cases written in the file, `read_arrow` for large plain
CSV files, `read_csv` for every other CSV file (and the one source of CSV diagnostics). One
encoder (`encode`) checks and codes every table against the ruleset's `vocabulary` into `Cases`
(`cases`); `inspection` reads the ratings, target data and adjustments. Conditions over coded
columns (`conditions`) are decided here too, so the loader and the evaluator share one definition
of truth. `sheet` reads summary-sheet files; `natural` orders case ids.
"""
