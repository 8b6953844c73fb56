"""esirules: score inspections by written rules, and explain every grade and percentage.

The library's entry points are imported on first use (PEP 562), so `import esirules` stays
cheap: nothing of numpy, PyYAML, Lark or pyarrow is loaded until a function that needs it is
called.

    ruleset = esirules.load_ruleset("rulesets/esi-2004-followup.esi")
    evaluator = esirules.compile_ruleset(ruleset)
    partials = [esirules.score_batch(evaluator, esirules.load_evidence(p, ruleset)) for p in paths]
    column = esirules.finish(esirules.merge(partials))

`score_batch` counts one batch of cases, `merge` adds up batches exactly, `finish` turns the
sum into a column of results; `score_columns` does all of it for column specs, as the command
line does. See docs/scale.md for batches on a distributed engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_ruleset": "esirules.language.check",
    "load_evidence": "esirules.evidence.load",
    "compile_ruleset": "esirules.scoring.compile",
    "score_batch": "esirules.scoring.evaluate",
    "merge": "esirules.scoring.evaluate",
    "finish": "esirules.scoring.evaluate",
    "score_columns": "esirules.scoring.columns",
}

__all__ = [
    "__version__",
    "compile_ruleset",
    "finish",
    "load_evidence",
    "load_ruleset",
    "merge",
    "score_batch",
    "score_columns",
]

if TYPE_CHECKING:
    from esirules.evidence.load import load_evidence
    from esirules.language.check import load_ruleset
    from esirules.scoring.columns import score_columns
    from esirules.scoring.compile import compile_ruleset
    from esirules.scoring.evaluate import finish, merge, score_batch


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'esirules' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # INVARIANT: looked up once; later reads do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
