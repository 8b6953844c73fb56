"""Phrases only renderers use: how pooling is written as a formula, how a file is cited.

The wording shared by every stage (numbers, percentages, values, plurals) is `esirules.words`;
what is here is said only by the outputs of `render/`.
"""

from __future__ import annotations

import os

POOLING_FORMULAS = {
    "pooled": "Σ (weight × met) ÷ Σ (weight × applicable)",
    "mean of questions": "Σ (weight × met ÷ applicable) ÷ Σ weight, over questions with applicable cases",
}

POOLING_HOW = {
    "pooled": "pooling every applicable answer",
    "mean of questions": "averaging its questions' figures",
}


def shown_path(path: str) -> str:
    """A path as a person in the current folder would type it: relative when it lies below it."""
    if not os.path.isabs(path):
        return path
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
