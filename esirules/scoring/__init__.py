"""Scoring: a checked ruleset and evidence in, the result tree out.

`compile` turns the model into evaluator objects once; `evaluate` counts batches of cases
columnar into partials (data only, so they pickle) and `finish`es them into a
`result.ColumnResult`, with `grading`, `descriptive` and `aggregate` deciding grades, bands and
section and overall figures. Every reason a figure is missing is a `causes.Cause`. `columns` is
the entry shared by the command line and the service; `subset` scores the cases a condition
selects.
"""
