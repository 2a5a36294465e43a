"""Whether conditions on one field can all hold for one value: the core of the contradiction and overlap lints.

Ordered fields (numbers, whole numbers, dates) get interval analysis; choices and booleans are enumerated; text
and lists get set analysis. Whenever the analysis narrows the field to finitely many candidates, each candidate is
checked with the engine's own value tests (``value_test``), so the verdict agrees with evaluation by construction.
Where it cannot decide (``contains`` on a list), it answers "feasible": a lint must never call satisfiable filters
contradictory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from shared.domain.filters.catalogue import FieldType
from shared.domain.filters.compile import is_lifted, value_test
from shared.domain.filters.conditions import Condition, Operator
from shared.domain.levels import Level

_ORDERED = frozenset({FieldType.NUMBER, FieldType.INTEGER, FieldType.DATE})
_DISCRETE = frozenset({FieldType.INTEGER, FieldType.DATE})
# What an empty field reads as; choice and boolean readers always return a value.
_EMPTY_VALUES: dict[FieldType, tuple[Any, ...]] = {
    FieldType.NUMBER: (None,),
    FieldType.INTEGER: (None,),
    FieldType.DATE: (None,),
    FieldType.TEXT: (None, ""),
    FieldType.LIST: (None, []),
    FieldType.CHOICE: (),
    FieldType.BOOLEAN: (),
}


def feasible(conditions: Sequence[Condition]) -> bool:
    """Whether one value of the field can pass every condition (all on the same field).

    Parameters
    ----------
    conditions : Sequence[Condition]
        Conditions on a single field; none at all is trivially feasible.

    Returns
    -------
    bool
        False only when no value (including an empty one) satisfies all of them.
    """
    if not conditions:
        return True
    fields = {c.field for c in conditions}
    if len(fields) > 1:
        raise ValueError(f"feasible() takes conditions on one field, got {', '.join(sorted(fields))}")
    spec = conditions[0].spec
    tests = [value_test(c.op, c.value) for c in conditions]
    if _any_passes(_EMPTY_VALUES[spec.type], tests):
        return True
    if any(c.op is Operator.IS_EMPTY for c in conditions):
        return False  # every value left to try is non-empty
    if spec.type is FieldType.BOOLEAN:
        return _any_passes((True, False), tests)
    if spec.type is FieldType.CHOICE:
        return _any_passes(spec.choices, tests)
    if spec.type is FieldType.LIST:
        return _list_feasible(conditions)
    allowed = _allowed(conditions)
    if allowed is not None:
        return _any_passes(allowed, tests)
    if spec.type in _ORDERED:
        return _interval_feasible(conditions, discrete=spec.type in _DISCRETE)
    return True  # text with no equality: infinitely many strings avoid any exclusion and contain any needles


def by_field(conditions: Iterable[Condition], level: Level) -> dict[str, list[Condition]]:
    """Conditions that constrain the record itself at ``level``, grouped by field in order of appearance.

    A condition on an object the level lacks asks "does ANY related record match?" on its own, so two of them
    never constrain the same value; those are left out.
    """
    grouped: dict[str, list[Condition]] = {}
    for condition in conditions:
        if not is_lifted(condition.spec, level):
            grouped.setdefault(condition.field, []).append(condition)
    return grouped


def contradictions(conditions: Sequence[Condition], level: Level) -> list[tuple[Condition, ...]]:
    """The groups of conditions (one field each, or one lifted condition) that can never all hold."""
    found = [tuple(group) for group in by_field(conditions, level).values() if not feasible(group)]
    lifted = [c for c in conditions if is_lifted(c.spec, level)]
    return found + [(c,) for c in lifted if not feasible([c])]


def _any_passes(values: Iterable[Any], tests: list[Callable[[Any], bool]]) -> bool:
    return any(all(test(value) for test in tests) for value in values)


def _allowed(conditions: Sequence[Condition]) -> frozenset[Any] | None:
    """The values ``=`` and ``in`` leave (their intersection), or None when neither is used."""
    allowed: frozenset[Any] | None = None
    for condition in conditions:
        if condition.op is Operator.EQ:
            values = frozenset({condition.value})
        elif condition.op is Operator.IN:
            values = frozenset(condition.value)
        else:
            continue
        allowed = values if allowed is None else allowed & values
    return allowed


def _list_feasible(conditions: Sequence[Condition]) -> bool:
    """A non-empty list: each ``in`` needs an element that no ``not_in`` forbids (elements are free text)."""
    excluded: set[Any] = set()
    for condition in conditions:
        if condition.op is Operator.NOT_IN:
            excluded |= condition.value
    return all(condition.value - excluded for condition in conditions if condition.op is Operator.IN)


def _interval_feasible(conditions: Sequence[Condition], *, discrete: bool) -> bool:
    """Bounds intersected, then whether the exclusions (``!=``, ``not_in``) cover what is left."""
    low: tuple[Any, bool] | None = None  # (value, strict)
    high: tuple[Any, bool] | None = None
    excluded: set[Any] = set()
    for condition in conditions:
        op, value = condition.op, condition.value
        if op in (Operator.GT, Operator.GE):
            low = _tighter(low, (value, op is Operator.GT), upper=False)
        elif op in (Operator.LT, Operator.LE):
            high = _tighter(high, (value, op is Operator.LT), upper=True)
        elif op is Operator.BETWEEN:
            low = _tighter(low, (value[0], False), upper=False)
            high = _tighter(high, (value[1], False), upper=True)
        elif op is Operator.NE:
            excluded.add(value)
        elif op is Operator.NOT_IN:
            excluded |= value
    if low is None or high is None:
        return True  # unbounded on one side: infinitely many values, finitely many exclusions
    if discrete:
        first = _ordinal(low[0]) + (1 if low[1] else 0)
        last = _ordinal(high[0]) - (1 if high[1] else 0)
        blocked = {x for x in map(_ordinal, excluded) if first <= x <= last}
        return first <= last and len(blocked) < last - first + 1
    if low[0] < high[0]:
        return True  # a non-degenerate interval of decimals is infinite
    return low[0] == high[0] and not low[1] and not high[1] and low[0] not in excluded


def _tighter(bound: tuple[Any, bool] | None, new: tuple[Any, bool], *, upper: bool) -> tuple[Any, bool]:
    if bound is None:
        return new
    if new[0] == bound[0]:
        return new if new[1] else bound
    return new if (new[0] < bound[0]) == upper else bound


def _ordinal(value: Any) -> int:
    return value.toordinal() if isinstance(value, date) else int(value)
