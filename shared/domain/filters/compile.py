"""Conditions compiled once into plain predicates, and the same conditions explained with actual values.

A condition on an object the record does not carry (an invoice field in a customer-level filter) asks whether
any of the customer's records of that object matches; invoices count only while unsettled, since day counts
stop when an invoice is paid and a paid invoice would otherwise look overdue for ever.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shared.domain.filters.catalogue import FieldSpec, RecordObject
from shared.domain.filters.conditions import Condition, Operator
from shared.domain.filters.subject import Subject
from shared.domain.levels import NATIVE_OBJECTS, Level

Predicate = Callable[[Subject], bool]

_COMPARE: dict[Operator, Callable[[Any, Any], bool]] = {
    Operator.EQ: operator.eq,
    Operator.NE: operator.ne,
    Operator.LT: operator.lt,
    Operator.LE: operator.le,
    Operator.GT: operator.gt,
    Operator.GE: operator.ge,
}


def value_test(op: Operator, expected: Any) -> Callable[[Any], bool]:
    """The test one read value must pass. ``None`` (no value) fails every test except ≠, not-one-of and
    is-empty: a customer with no rating is "not one of [C]", as it is "≠ C"."""
    if op in _COMPARE:
        compare = _COMPARE[op]
        if op is Operator.NE:
            return lambda actual: actual is None or compare(actual, expected)
        return lambda actual: actual is not None and compare(actual, expected)
    if op is Operator.BETWEEN:
        low, high = expected
        return lambda actual: actual is not None and low <= actual <= high
    if op is Operator.IS_EMPTY:
        return lambda actual: actual is None or actual == "" or actual == []
    if op is Operator.IS_NOT_EMPTY:
        return lambda actual: not (actual is None or actual == "" or actual == [])
    if op is Operator.CONTAINS:
        return lambda actual: _contains(actual, expected)
    if op is Operator.IN:
        return lambda actual: any(a in expected for a in actual) if isinstance(actual, list) else actual in expected
    return lambda actual: (  # NOT_IN
        not any(a in expected for a in actual) if isinstance(actual, list) else actual not in expected
    )


def _contains(actual: Any, needles: tuple[str, ...]) -> bool:
    if actual is None:
        return False
    if isinstance(actual, list):
        lowered = {str(a).lower() for a in actual}
        return any(n in lowered for n in needles)
    text = str(actual).lower()
    return any(n in text for n in needles)


def related(subject: Subject, obj: RecordObject) -> Iterable[Subject]:
    """The customer's records of ``obj``, each as a subject (for conditions on objects a level lacks)."""
    view = subject.view
    if obj is RecordObject.INVOICE:
        return (subject.focus(invoice=i) for i in view.all_invoices() if not i.is_settled)
    if obj is RecordObject.CONTACT:
        return (subject.focus(contact=c) for c in view.contacts if c.is_active)
    if obj is RecordObject.CREDIT_NOTE:
        return (subject.focus(credit_note=c) for c in view.all_credit_notes())
    if obj is RecordObject.PAYMENT:
        return (subject.focus(payment=p) for p in view.all_payments())
    if obj is RecordObject.PROMISE_TO_PAY:
        return (subject.focus(promise=p) for p in view.promises)
    if obj is RecordObject.EMAIL:
        return (subject.focus(communication=c) for c in view.communications)
    return (subject,)


def is_lifted(spec: FieldSpec, level: Level) -> bool:
    return spec.object not in NATIVE_OBJECTS[level] and not _carried(spec.object, level)


def _carried(obj: RecordObject, level: Level) -> bool:
    # an invoice run's contact is the invoice contact; an email run may name its contact; both are set on the subject
    return obj is RecordObject.CONTACT and level in (Level.INVOICE, Level.EMAIL)


def compile_condition(condition: Condition, level: Level) -> Predicate:
    spec = condition.spec
    read, test = spec.read, value_test(condition.op, condition.value)
    if not is_lifted(spec, level):
        if _carried(spec.object, level):
            return lambda s: s.contact is not None and test(read(s))
        return lambda s: test(read(s))
    obj = spec.object
    return lambda s: any(test(read(r)) for r in related(s, obj))


def compile_all(conditions: Sequence[Condition], level: Level) -> Predicate:
    """AND of all conditions, cheapest-first is left to the author: conditions run in the order written."""
    predicates = [compile_condition(c, level) for c in conditions]
    if not predicates:
        return lambda s: True
    if len(predicates) == 1:
        return predicates[0]
    return lambda s: all(p(s) for p in predicates)


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """One condition checked against one record, for explanations: the actual value and the verdict."""

    condition: str
    actual: Any
    passed: bool

    def describe(self) -> str:
        verdict = "passed" if self.passed else "failed"
        return f"{self.condition}: {verdict} (actual: {_render(self.actual)})"


def explain_conditions(conditions: Sequence[Condition], subject: Subject, level: Level) -> list[ConditionResult]:
    results = []
    for condition in conditions:
        spec = condition.spec
        test = value_test(condition.op, condition.value)
        if is_lifted(spec, level):
            matching = [_label(r, spec.object) for r in related(subject, spec.object) if test(spec.read(r))]
            actual: Any = f"{len(matching)} matching {spec.object.value.replace('_', ' ')}(s)" + (
                f": {', '.join(matching[:5])}" if matching else ""
            )
            results.append(ConditionResult(str(condition), actual, bool(matching)))
        elif _carried(spec.object, level) and subject.contact is None:
            results.append(ConditionResult(str(condition), "no contact on the record", False))
        else:
            value = spec.read(subject)
            results.append(ConditionResult(str(condition), value, test(value)))
    return results


def _label(subject: Subject, obj: RecordObject) -> str:
    record: Any = {
        RecordObject.INVOICE: subject.invoice,
        RecordObject.CONTACT: subject.contact,
        RecordObject.CREDIT_NOTE: subject.credit_note,
        RecordObject.PAYMENT: subject.payment,
        RecordObject.PROMISE_TO_PAY: subject.promise,
        RecordObject.EMAIL: subject.communication,
    }.get(obj)
    return str(getattr(record, "number", None) or getattr(record, "id", "?"))


def _render(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
