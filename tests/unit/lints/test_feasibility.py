"""Tests for feasible(): whether conditions on one field can all hold, the core of E002, E008, W001 and W006."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.filters.compile import value_test
from shared.domain.filters.conditions import Condition
from shared.domain.levels import Level
from shared.domain.lints import feasible
from shared.domain.lints.feasibility import contradictions

from .support import conditions

ALL_STATUSES = ["open", "partially_paid", "paid", "dispute", "instalments", "payment_scheduled", "closed", "voided"]


@pytest.mark.parametrize(
    ("triples", "expected"),
    [
        # whole numbers: strict bounds leave no integer between 0 and 1
        ([("invoice.days_overdue", ">", 0), ("invoice.days_overdue", "<", 0)], False),
        ([("invoice.days_overdue", ">", 0), ("invoice.days_overdue", "<", 1)], False),
        ([("invoice.days_overdue", ">", 0), ("invoice.days_overdue", "<", 2)], True),
        ([("invoice.days_overdue", "between", [1, 2]), ("invoice.days_overdue", "not_in", [1, 2])], False),
        ([("invoice.days_overdue", "between", [1, 3]), ("invoice.days_overdue", "not_in", [1, 2])], True),
        ([("invoice.days_overdue", "in", [1, 2]), ("invoice.days_overdue", ">", 2)], False),
        ([("invoice.days_overdue", "=", 5), ("invoice.days_overdue", "in", [5, 6])], True),
        ([("invoice.days_overdue", "=", 5), ("invoice.days_overdue", "in", [6])], False),
        ([("invoice.days_overdue", ">=", 10), ("invoice.days_overdue", "!=", 10)], True),
        # an empty value passes != and not_in, and only those
        ([("invoice.days_late", "!=", 3), ("invoice.days_late", "not_in", [1])], True),
        ([("invoice.days_late", "is_empty"), ("invoice.days_late", ">", 0)], False),
        ([("invoice.days_late", "is_empty"), ("invoice.days_late", "!=", 0)], True),
        ([("invoice.days_late", "is_not_empty"), ("invoice.days_late", "between", [0, 0])], True),
        # decimals are dense: (0, 1) holds values, [5, 5] holds one
        ([("customer.balance_overdue", ">", 0), ("customer.balance_overdue", "<", 1)], True),
        ([("customer.balance_overdue", ">", 0), ("customer.balance_overdue", "<=", 0)], False),
        ([("customer.balance_overdue", ">=", 5), ("customer.balance_overdue", "<=", 5)], True),
        (
            [
                ("customer.balance_overdue", ">=", 5),
                ("customer.balance_overdue", "<=", 5),
                ("customer.balance_overdue", "!=", "5.00"),
            ],
            False,
        ),
        # dates count in days
        ([("invoice.date", ">", "2024-01-01"), ("invoice.date", "<", "2024-01-02")], False),
        ([("invoice.date", ">=", "2024-01-01"), ("invoice.date", "<", "2024-01-02")], True),
        # choices are enumerated and never empty
        ([("invoice.status", "=", "paid"), ("invoice.status", "in", ["open"])], False),
        ([("invoice.status", "!=", "paid"), ("invoice.status", "not_in", ALL_STATUSES[:2] + ALL_STATUSES[3:])], False),
        ([("invoice.status", "not_in", ["paid"]), ("invoice.status", "!=", "open")], True),
        # booleans
        ([("customer.chasing_paused", "=", True), ("customer.chasing_paused", "!=", True)], False),
        ([("customer.chasing_paused", "=", False), ("customer.chasing_paused", "=", False)], True),
        # text: finite allowed sets are checked exactly, otherwise there is always another string
        ([("customer.country", "=", "GB"), ("customer.country", "in", ["GB", "FR"])], True),
        ([("customer.country", "=", "GB"), ("customer.country", "!=", "GB")], False),
        ([("customer.country", "in", ["GB"]), ("customer.country", "not_in", ["GB"])], False),
        ([("customer.country", "=", "GB"), ("customer.country", "contains", ["x"])], False),
        ([("customer.country", "!=", "GB"), ("customer.country", "contains", ["g"])], True),
        ([("customer.name", "=", ""), ("customer.name", "is_empty")], True),
        # lists: "in" asks for any element, "not_in" forbids every element
        ([("customer.tags", "in", ["A"]), ("customer.tags", "not_in", ["A"])], False),
        ([("customer.tags", "in", ["A"]), ("customer.tags", "in", ["B"])], True),
        ([("customer.tags", "in", ["A", "B"]), ("customer.tags", "not_in", ["A"])], True),
        ([("customer.tags", "is_empty"), ("customer.tags", "in", ["A"])], False),
        ([("customer.tags", "is_empty"), ("customer.tags", "not_in", ["A"])], True),
    ],
)
def test_feasible_table(triples: list[tuple[str, str, Any]], expected: bool) -> None:
    # GIVEN conditions on one field
    given_conditions = conditions(*triples)

    # WHEN asking whether they can all hold
    verdict = feasible(given_conditions)

    # THEN the verdict matches the hand-worked answer
    assert verdict is expected


def test_no_conditions_are_feasible() -> None:
    # GIVEN no conditions
    # WHEN asking whether they can all hold
    # THEN they trivially can
    assert feasible([]) is True


def test_conditions_on_several_fields_are_refused() -> None:
    # GIVEN conditions on two fields
    mixed = conditions(("customer.balance_overdue", ">", 0), ("invoice.days_overdue", ">", 0))

    # WHEN asking feasible() about them together
    # THEN it refuses: it analyses one field at a time
    with pytest.raises(ValueError, match="one field"):
        feasible(mixed)


def test_lifted_conditions_are_not_intersected() -> None:
    # GIVEN two invoice conditions no single invoice meets
    opposite = conditions(("invoice.days_overdue", ">", 30), ("invoice.days_overdue", "<", 10))

    # WHEN looking for contradictions at customer level ("any invoice …" each) and at invoice level
    at_customer = contradictions(opposite, Level.CUSTOMER)
    at_invoice = contradictions(opposite, Level.INVOICE)

    # THEN only the invoice level contradicts: a customer may hold one old and one recent invoice
    assert at_customer == []
    assert at_invoice == [tuple(opposite)]


def test_a_lifted_condition_that_never_holds_is_a_contradiction() -> None:
    # GIVEN a customer-level "any invoice whose status is none of the statuses"
    impossible = conditions(("invoice.status", "not_in", ALL_STATUSES))

    # WHEN looking for contradictions
    found = contradictions(impossible, Level.CUSTOMER)

    # THEN the single condition is reported
    assert found == [tuple(impossible)]


INTEGER_FIELD = "invoice.days_late"  # a whole number that may be empty
CONSTANTS = st.integers(-5, 5)


@st.composite
def integer_conditions(draw: st.DrawFn) -> Condition:
    op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">=", "between", "in", "not_in", "is_empty", "is_not_empty"]))
    if op in ("is_empty", "is_not_empty"):
        return Condition.model_validate([INTEGER_FIELD, op])
    value: Any
    if op in ("in", "not_in"):
        value = draw(st.lists(CONSTANTS, min_size=1, max_size=3))
    elif op == "between":
        value = sorted(draw(st.tuples(CONSTANTS, CONSTANTS)))
    else:
        value = draw(CONSTANTS)
    return Condition.model_validate([INTEGER_FIELD, op, value])


def _brute_force(given_conditions: list[Condition], domain: list[Any]) -> bool:
    tests = [value_test(c.op, c.value) for c in given_conditions]
    return any(all(test(value) for test in tests) for value in domain)


@given(st.lists(integer_conditions(), min_size=1, max_size=5))
def test_feasible_agrees_with_brute_force_on_integers(given_conditions: list[Condition]) -> None:
    # GIVEN conditions whose constants lie in -5..5: every value beyond ±6 behaves like ±6, so -8..8 and the
    # empty value cover every case
    domain: list[Any] = [None, *range(-8, 9)]

    # WHEN comparing feasible() with evaluating the engine's value tests on every value of the domain
    expected = _brute_force(given_conditions, domain)

    # THEN they agree exactly
    assert feasible(given_conditions) is expected


NUMBER_FIELD = "customer.balance_overdue"
HALVES = st.integers(-4, 4).map(lambda n: Decimal(n) / 2)


@st.composite
def decimal_conditions(draw: st.DrawFn) -> Condition:
    op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">=", "between", "in", "not_in"]))
    value: Any
    if op in ("in", "not_in"):
        value = [str(v) for v in draw(st.lists(HALVES, min_size=1, max_size=3))]
    elif op == "between":
        value = [str(v) for v in sorted(draw(st.tuples(HALVES, HALVES)))]
    else:
        value = str(draw(HALVES))
    return Condition.model_validate([NUMBER_FIELD, op, value])


@given(st.lists(decimal_conditions(), min_size=1, max_size=5))
def test_feasible_agrees_with_brute_force_on_decimals(given_conditions: list[Condition]) -> None:
    # GIVEN conditions whose constants are halves in -2..2: quarters in -3..3 fall strictly between any two
    # constants and beyond both ends, so they (with the empty value) witness every region
    domain: list[Any] = [None, *(Decimal(n) / 4 for n in range(-12, 13))]

    # WHEN comparing feasible() with brute-force evaluation
    expected = _brute_force(given_conditions, domain)

    # THEN they agree exactly
    assert feasible(given_conditions) is expected


@given(st.lists(integer_conditions(), min_size=1, max_size=4), integer_conditions())
def test_adding_a_condition_never_makes_conditions_feasible(
    given_conditions: list[Condition], extra: Condition
) -> None:
    # GIVEN some conditions and one more on the same field
    # WHEN adding the extra condition
    before, after = feasible(given_conditions), feasible([*given_conditions, extra])

    # THEN feasibility can only be lost, never gained, and order does not matter
    assert before or not after
    assert feasible([extra, *given_conditions]) is after
