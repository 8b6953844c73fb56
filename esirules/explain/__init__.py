"""Explanations: a scored column (the result tree) in, explanation objects out.

`explainer` reads the result tree and builds the objects of `objects`; `scope` resolves what
to explain (a target, a case, a subset); `counterfactual` searches for the smallest change in
the evidence that reaches a higher grade.
"""
