"""A filter condition: field, operator, value — validated against the catalogue when a workflow is loaded.

Written in YAML either as a mapping ``{field: invoice.days_overdue, op: ">", value: 30}`` or as a triple
``[invoice.days_overdue, ">", 30]``. Operators take Kolleno's spellings too ("is one of", "≥", …).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from shared.domain.filters.catalogue import FieldSpec, FieldType, lookup


class Operator(StrEnum):
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    BETWEEN = "between"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    IS_EMPTY = "is_empty"
    IS_NOT_EMPTY = "is_not_empty"


ALIASES = {
    "==": "=",
    "eq": "=",
    "equals": "=",
    "≠": "!=",
    "<>": "!=",
    "ne": "!=",
    "lt": "<",
    "≤": "<=",
    "le": "<=",
    "gt": ">",
    "≥": ">=",
    "ge": ">=",
    "is one of": "in",
    "is_one_of": "in",
    "is not one of": "not_in",
    "is_not_one_of": "not_in",
    "is empty": "is_empty",
    "is not empty": "is_not_empty",
}

_ORDERED = {Operator.EQ, Operator.NE, Operator.LT, Operator.LE, Operator.GT, Operator.GE, Operator.BETWEEN}
_SETS = {Operator.IN, Operator.NOT_IN}
_EMPTY = {Operator.IS_EMPTY, Operator.IS_NOT_EMPTY}
ALLOWED: dict[FieldType, set[Operator]] = {
    FieldType.NUMBER: _ORDERED | _SETS | _EMPTY,
    FieldType.INTEGER: _ORDERED | _SETS | _EMPTY,
    FieldType.DATE: _ORDERED | _SETS | _EMPTY,
    FieldType.TEXT: {Operator.EQ, Operator.NE, Operator.CONTAINS} | _SETS | _EMPTY,
    FieldType.CHOICE: {Operator.EQ, Operator.NE} | _SETS | _EMPTY,
    FieldType.BOOLEAN: {Operator.EQ, Operator.NE},
    FieldType.LIST: {Operator.CONTAINS} | _SETS | _EMPTY,
}


class Condition(BaseModel):
    """One condition; ``value`` is stored already converted to the field's type."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    op: Operator
    value: Any = None

    @model_validator(mode="before")
    @classmethod
    def _from_triple(cls, data: Any) -> Any:
        if isinstance(data, list | tuple):
            if len(data) not in (2, 3):
                raise ValueError("a condition triple is [field, operator, value]")
            data = dict(zip(("field", "op", "value"), data, strict=False))
        if isinstance(data, dict) and isinstance(data.get("op"), str):
            op = data["op"].strip().lower()
            data = {**data, "op": ALIASES.get(op, op)}
        return data

    @model_validator(mode="after")
    def _typed(self) -> Condition:
        spec = self.spec
        if self.op not in ALLOWED[spec.type]:
            allowed = ", ".join(sorted(o.value for o in ALLOWED[spec.type]))
            raise ValueError(
                f"operator '{self.op.value}' does not apply to {spec.type.value} field '{self.field}'"
                f" (use one of: {allowed})"
            )
        object.__setattr__(self, "value", _convert(spec, self.op, self.value))
        return self

    @property
    def spec(self) -> FieldSpec:
        try:
            return lookup(self.field)
        except KeyError as error:
            raise ValueError(error.args[0]) from None

    def __str__(self) -> str:
        if self.op in _EMPTY:
            return f"{self.field} {self.op.value}"
        return f"{self.field} {self.op.value} {_show(self.value)}"


def _show(value: Any) -> str:
    if isinstance(value, tuple | list | frozenset):
        return "[" + ", ".join(_show(v) for v in sorted(value, key=str)) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _convert(spec: FieldSpec, op: Operator, value: Any) -> Any:
    if op in _EMPTY:
        if value not in (None, "", True):
            raise ValueError(f"'{op.value}' takes no value")
        return None
    if op is Operator.BETWEEN:
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValueError("'between' takes two values [low, high]")
        low, high = (_scalar(spec, v) for v in value)
        if low > high:
            raise ValueError(f"'between' needs low ≤ high, got [{low}, {high}]")
        return (low, high)
    if op in _SETS or (op is Operator.CONTAINS):
        items = value.split(",") if isinstance(value, str) else value
        if isinstance(items, list | tuple):
            items = [v for v in items if not (isinstance(v, str) and not v.strip())]  # "a,,b" and "a," mean a, b
        if not isinstance(items, list | tuple) or not items:
            raise ValueError(f"'{op.value}' takes a non-empty list (or comma-separated text)")
        converted = [_scalar(spec, v.strip() if isinstance(v, str) else v) for v in items]
        if op is Operator.CONTAINS:
            return tuple(str(v).lower() for v in converted)
        return frozenset(converted)
    if value is None:
        raise ValueError(f"'{op.value}' needs a value")
    return _scalar(spec, value)


def _scalar(spec: FieldSpec, value: Any) -> Any:
    kind = spec.type
    if kind is FieldType.NUMBER:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"'{value}' is not a number") from None
        if not number.is_finite():
            raise ValueError(f"'{value}' is not a number")
        return number
    if kind is FieldType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int | str) or not re.fullmatch(r"-?\d+", str(value)):
            raise ValueError(f"'{value}' is not a whole number")
        return int(value)
    if kind is FieldType.DATE:
        if isinstance(value, datetime):
            raise ValueError(f"'{value}' is a date and time; a date field takes a date (YYYY-MM-DD)")
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"'{value}' is not a date (YYYY-MM-DD)") from None
    if kind is FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise ValueError(f"'{value}' is not true or false")
    if kind is FieldType.CHOICE:
        canonical = {choice.lower(): choice for choice in spec.choices}
        choice = canonical.get(str(value).lower())
        if choice is None:
            raise ValueError(f"'{value}' is not one of {', '.join(spec.choices)}")
        return choice
    return str(value)
