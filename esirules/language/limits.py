"""The language's limits: bounds far beyond any real ruleset that keep later stages free of
pathological input (each is reported as a located diagnostic, never a crash)."""

from __future__ import annotations

MAX_RULESET_BYTES = 2_000_000  # S005: a ruleset is a few hundred lines
MAX_NUMBER_DIGITS = 100  # S006: Python refuses to read integers of over 4,300 digits
MAX_CONDITION_DEPTH = 64  # R041: nesting a person can still read
MAX_SYNTAX_ERRORS = 20  # syntax errors reported per file before parsing stops
MAX_RECOVERIES = 2_000  # tokens the parser may skip or re-read while recovering
# R080: answers of one kind a test's `given answers` gives (each is a case `esirules test` makes):
# a sample is a few hundred cases; a slip of the keyboard (`x99999999`) would take minutes and gigabytes.
MAX_TEST_ANSWERS = 10_000
# The analysis of a grading enumerates the rating profiles of each set of items it grades; a set
# with more (a criterion of 80 items rated on five ratings has 1.9 million) is not analysed, and
# a grading that then cannot be shown to grade every profile needs its `otherwise` (R052).
MAX_RATING_PROFILES = 1_000_000
