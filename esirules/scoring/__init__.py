"""Scoring: a checked ruleset and evidence in, the result tree out.

`compile` turns the model into evaluator objects once; `evaluate` counts batches of cases
columnar and `finish`es them into a `result.ColumnResult`, with `grading`, `descriptive` and
`aggregate` deciding grades, bands and section and overall figures.
"""
