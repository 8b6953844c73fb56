"""Conditions over case attributes: evaluated for one case (`holds`) or for coded columns (`mask`).

A test on an attribute the case lacks is unknown, not false, and and/or/not follow three-valued
logic (`x or unknown` holds when x does); a condition whose outcome is unknown does not hold.
So a case lacking an attribute fails a condition exactly when that attribute could have
mattered. This is the one definition: the loader and the evaluator both use it.
Ordered and enumerated values compare by their declared position; numbers compare exactly.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from esirules.evidence.cases import MISSING
from esirules.language import model
from esirules.language.model_conditions import describe as describe  # (re-exported: it was here)

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

Mask = npt.NDArray[np.bool_]


def reads(condition: model.Condition | None) -> frozenset[str]:
    """The names of the attributes a condition reads."""
    if condition is None:
        return frozenset()
    if isinstance(condition, (model.Comparison, model.Membership, model.Flag)):
        return frozenset({condition.attribute})
    if isinstance(condition, model.Not):
        return reads(condition.operand)
    return frozenset().union(*(reads(c) for c in condition.operands))


def holds(
    condition: model.Condition,
    attributes: Mapping[str, object],
    declared: Mapping[str, model.Attribute] | None = None,
) -> bool:
    """Whether one case's attributes satisfy a condition (an unknown outcome does not).

    Args:
        condition: the condition from the ruleset.
        attributes: attribute name to value: the value's name (as spelt in the ruleset) for
            enumerated and ordered attributes, a bool for yes-or-no attributes, a number for
            numeric ones; absent or None when the case lacks it.
        declared: the ruleset's attributes by name; needed to order ordered values.
    """
    return _truth_of_one(condition, attributes, declared) is True


def _truth_of_one(
    condition: model.Condition, attributes: Mapping[str, object], declared: Mapping[str, model.Attribute] | None
) -> bool | None:
    """True, False, or None for unknown (three-valued)."""
    if isinstance(condition, model.Not):
        inner = _truth_of_one(condition.operand, attributes, declared)
        return None if inner is None else not inner
    if isinstance(condition, (model.AllOf, model.AnyOf)):
        truths = [_truth_of_one(c, attributes, declared) for c in condition.operands]
        decisive = isinstance(condition, model.AnyOf)  # what settles it: a true for or, a false for and
        if decisive in truths:
            return decisive
        return None if None in truths else not decisive
    value = attributes.get(condition.attribute)
    if value is None:
        return None
    if isinstance(condition, model.Flag):
        return value is True
    if isinstance(condition, model.Membership):
        return any(_holds_one(condition.attribute, "=", v, value, declared) for v in condition.values)
    return _holds_one(condition.attribute, condition.op, condition.value, value, declared)


def _holds_one(
    name: str, op: str, wanted: object, value: object, declared: Mapping[str, model.Attribute] | None
) -> bool:
    if isinstance(value, str) or isinstance(wanted, str):
        if op in ("=", "!="):
            return _OPS[op](value, wanted)
        attribute = (declared or {}).get(name)
        if attribute is None or value not in attribute.values or wanted not in attribute.values:
            raise ValueError(f"cannot order `{value}` and `{wanted}` of attribute `{name}`")
        return _OPS[op](attribute.values.index(value), attribute.values.index(wanted))  # type: ignore[arg-type]
    return _OPS[op](value, wanted)


def mask(
    condition: model.Condition,
    columns: Mapping[str, npt.NDArray],  # type: ignore[type-arg]
    declared: Mapping[str, model.Attribute],
    size: int,
) -> Mask:
    """For coded attribute columns (see `esirules.evidence.cases`), where the condition holds."""
    return truth(condition, columns, declared, size)[0]


def truth(
    condition: model.Condition,
    columns: Mapping[str, npt.NDArray],  # type: ignore[type-arg]
    declared: Mapping[str, model.Attribute],
    size: int,
) -> tuple[Mask, Mask]:
    """Where the condition is true, and where it is false; where neither, it is unknown."""
    if isinstance(condition, model.Not):
        true, false = truth(condition.operand, columns, declared, size)
        return false, true
    if isinstance(condition, (model.AllOf, model.AnyOf)):
        parts = [truth(c, columns, declared, size) for c in condition.operands]
        trues, falses = [t for t, _ in parts], [f for _, f in parts]
        if isinstance(condition, model.AllOf):
            return np.logical_and.reduce(trues), np.logical_or.reduce(falses)
        return np.logical_or.reduce(trues), np.logical_and.reduce(falses)
    column = columns.get(condition.attribute)
    attribute = declared.get(condition.attribute)
    if column is None or attribute is None:
        unknown = np.zeros(size, dtype=bool)
        return unknown, unknown
    known = ~np.isnan(column) if attribute.kind == "numeric" else column != MISSING
    if isinstance(condition, model.Flag):
        holding = column == 1
    elif isinstance(condition, model.Membership):
        holding = np.zeros(size, dtype=bool)
        for value in condition.values:
            holding |= _compare(column, attribute, "=", value)
    else:
        holding = _compare(column, attribute, condition.op, condition.value)
    return holding & known, known & ~holding


def _compare(column: npt.NDArray, attribute: model.Attribute, op: str, value: object) -> Mask:  # type: ignore[type-arg]
    if attribute.kind == "numeric":
        return _compare_numbers(column, op, value)
    present = column != MISSING
    if attribute.kind == "boolean":
        code = 1 if value in (True, "yes") else 0 if value in (False, "no") else None
    else:
        code = attribute.values.index(value) if value in attribute.values else None
    if code is None:
        return present if op == "!=" else np.zeros(len(column), dtype=bool)  # type: ignore[no-any-return]
    return present & _OPS[op](column, code)  # type: ignore[no-any-return]


def _compare_numbers(column: npt.NDArray, op: str, value: object) -> Mask:  # type: ignore[type-arg]
    """Exact comparison of float64 values with a Fraction (NaN, the missing value, compares false)."""
    exact = value if isinstance(value, Fraction) else Fraction(str(value))
    near = float(exact)
    with np.errstate(invalid="ignore"):
        if Fraction(near) == exact:
            return _OPS[op](column, near) & ~np.isnan(column)  # type: ignore[no-any-return]
        # No float lies strictly between `near` and `exact`, so each test moves to `near`.
        if op == "=":
            return np.zeros(len(column), dtype=bool)
        if op == "!=":
            return ~np.isnan(column)  # type: ignore[no-any-return]
        below = near < exact
        if op in ("<", "<="):
            return (column <= near) if below else (column < near)  # type: ignore[no-any-return]
        return (column > near) if below else (column >= near)  # type: ignore[no-any-return]
