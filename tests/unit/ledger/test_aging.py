"""Day counts, aging buckets and customer figures, against Kolleno's documented semantics (docs/decisions.md,
2026-11-23: days issued keep counting after payment, days due and late stop on the paid day)."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shared.domain.ledger.aging import (
    CUSTOMER_BUCKETS,
    INVOICE_BUCKETS,
    aging_bucket,
    customer_figures,
    days_due,
    days_issued,
    days_late,
    is_overdue,
    overdue_between,
)
from shared.domain.ledger.dataset import ledger_from_data
from shared.domain.ledger.models import Customer, Invoice, InvoiceStatus
from shared.domain.ledger.views import Ledger
from shared.domain.tenant import TenantSettings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/ledger"
TENANT = TenantSettings(tenant_id="acme")
TODAY = date(2025, 6, 30)
ISSUED = date(2025, 6, 1)
DUE = date(2025, 6, 30)


def _ledger(name: str) -> Ledger:
    return ledger_from_data(TENANT, json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def _invoice(**fields: Any) -> Invoice:
    values: dict[str, Any] = {
        "tenant_id": "acme",
        "id": "inv_1",
        "customer_id": "cus_1",
        "number": "INV-1",
        "currency": "EUR",
        "amount": Decimal("100.00"),
        "balance": Decimal("100.00"),
        "issued_on": ISSUED,
        "due_on": DUE,
    }
    return Invoice.model_validate({**values, **fields})


def _paid(paid_on: date) -> Invoice:
    return _invoice(balance=Decimal(0), status=InvoiceStatus.PAID, paid_on=paid_on)


# -- day counts -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected_due", "expected_late", "expected_issued"),
    [
        pytest.param(date(2025, 6, 28), -2, None, 27, id="two-days-before-due"),
        pytest.param(date(2025, 6, 29), -1, None, 28, id="day-before-due"),
        pytest.param(date(2025, 6, 30), 0, 0, 29, id="on-due-date"),
        pytest.param(date(2025, 7, 1), 1, 1, 30, id="day-after-due"),
        pytest.param(date(2025, 7, 30), 30, 30, 59, id="thirty-days-after"),
        pytest.param(date(2025, 6, 1), -29, None, 0, id="on-issue-day"),
    ],
)
def test_day_counts_of_an_open_invoice(
    today: date, expected_due: int, expected_late: int | None, expected_issued: int
) -> None:
    # GIVEN an open invoice issued on 1 June and due on 30 June 2025
    invoice = _invoice()

    # WHEN its day counts are read on various days
    due, late, issued = days_due(invoice, today), days_late(invoice, today), days_issued(invoice, today)

    # THEN days due is negative before the due date, days late is blank until then, and both are 0 on it
    assert (due, late, issued) == (expected_due, expected_late, expected_issued)


@pytest.mark.parametrize(
    ("today", "expected_due", "expected_late"),
    [
        pytest.param(date(2025, 7, 5), 5, 5, id="before-the-paid-day-counts-to-today"),
        pytest.param(date(2025, 7, 10), 10, 10, id="on-the-paid-day"),
        pytest.param(date(2025, 7, 11), 10, 10, id="day-after-payment-stops"),
        pytest.param(date(2026, 1, 1), 10, 10, id="months-later-still-stopped"),
    ],
)
def test_day_counting_stops_on_the_paid_day(today: date, expected_due: int, expected_late: int) -> None:
    # GIVEN an invoice due on 30 June and fully paid on 10 July
    invoice = _paid(date(2025, 7, 10))

    # WHEN its day counts are read before, on and after the paid day
    due, late = days_due(invoice, today), days_late(invoice, today)

    # THEN they grow until the paid day and then stay at 10
    assert (due, late) == (expected_due, expected_late)


@pytest.mark.parametrize(
    "today",
    [pytest.param(date(2025, 6, 26), id="on-the-paid-day"), pytest.param(date(2025, 8, 1), id="after-the-due-date")],
)
def test_invoice_paid_before_due_stays_not_late(today: date) -> None:
    # GIVEN an invoice due on 30 June, paid early on 26 June
    invoice = _paid(date(2025, 6, 26))

    # WHEN its day counts are read on the paid day and long after the due date
    due, late = days_due(invoice, today), days_late(invoice, today)

    # THEN days due stays at −4 and days late stays blank: counting stopped before the due date
    assert due == -4
    assert late is None


def test_partially_paid_invoice_keeps_counting() -> None:
    # GIVEN a partially paid invoice (still unsettled) due on 30 June
    invoice = _invoice(balance=Decimal("40.00"), status=InvoiceStatus.PARTIALLY_PAID)

    # WHEN its day counts are read on 20 July
    today = date(2025, 7, 20)

    # THEN it counts to today: only full payment stops counting
    assert days_due(invoice, today) == 20
    assert days_late(invoice, today) == 20


def test_days_issued_keeps_counting_after_payment() -> None:
    """Days issued is the invoice's age, not a lateness count: it does not stop when paid (docs/decisions.md)."""
    # GIVEN an invoice issued on 1 June and fully paid on 10 July
    invoice = _paid(date(2025, 7, 10))

    # WHEN days issued is read on 1 August
    result = days_issued(invoice, date(2025, 8, 1))

    # THEN it is the age on that day: 61 days
    assert result == 61


@pytest.mark.parametrize(
    ("invoice", "today", "expected"),
    [
        pytest.param(_invoice(), date(2025, 6, 30), False, id="due-today-is-not-overdue"),
        pytest.param(_invoice(), date(2025, 7, 1), True, id="day-after-due"),
        pytest.param(_paid(date(2025, 7, 10)), date(2025, 7, 20), False, id="paid-late-is-settled"),
        pytest.param(_invoice(balance=Decimal(0)), date(2025, 7, 20), False, id="zero-balance-is-settled"),
        pytest.param(_invoice(status=InvoiceStatus.VOIDED), date(2025, 7, 20), False, id="voided"),
        pytest.param(_invoice(status=InvoiceStatus.CLOSED), date(2025, 7, 20), False, id="closed"),
        pytest.param(_invoice(status=InvoiceStatus.DISPUTE), date(2025, 7, 20), True, id="dispute-still-overdue"),
    ],
)
def test_is_overdue(invoice: Invoice, today: date, expected: bool) -> None:
    # GIVEN an invoice due on 30 June in some state
    # WHEN asking whether it is overdue
    result = is_overdue(invoice, today)

    # THEN only unsettled invoices past their due date are overdue
    assert result is expected


# -- aging buckets --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param(-30, None, id="not-yet-due"),
        pytest.param(0, None, id="0-due-today"),
        pytest.param(1, "1_30", id="1"),
        pytest.param(30, "1_30", id="30"),
        pytest.param(31, "31_60", id="31"),
        pytest.param(60, "31_60", id="60"),
        pytest.param(61, "61_90", id="61"),
        pytest.param(90, "61_90", id="90"),
        pytest.param(91, "91_plus", id="91"),
        pytest.param(10_000, "91_plus", id="very-old"),
    ],
)
def test_invoice_aging_bucket_boundaries(days: int, expected: str | None) -> None:
    # GIVEN the invoice buckets 1–30, 31–60, 61–90, 91+
    # WHEN bucketing a number of days overdue
    result = aging_bucket(days)

    # THEN both ends of every bucket are inclusive and nothing not overdue is bucketed
    assert result == expected


def test_bucket_tables_match_the_documented_ranges() -> None:
    # GIVEN the two bucket tables
    # WHEN reading their ranges
    invoice_ranges = [(low, high) for _, low, high in INVOICE_BUCKETS]
    customer_ranges = {name: (low, high) for name, low, high in CUSTOMER_BUCKETS}

    # THEN invoices use 1–30, 31–60, 61–90, 91+; customers add the overlapping 31–45 and 46–60
    assert invoice_ranges == [(1, 30), (31, 60), (61, 90), (91, None)]
    assert customer_ranges == {
        "1_30": (1, 30),
        "31_45": (31, 45),
        "31_60": (31, 60),
        "46_60": (46, 60),
        "61_90": (61, 90),
        "91_plus": (91, None),
    }


# -- customer figures -----------------------------------------------------------------------------------------------
#
# Fixture customer_figures.json, EUR customer, today 2025-06-30. Unsettled EUR invoices (days overdue → balance):
#   INV-001  −10  1000.00  due          INV-002    0   250.25  due (due today is not overdue)
#   INV-003    1   100.10  1_30         INV-004   30   200.20  1_30
#   INV-005   31   310.31  31_45 31_60  INV-006   45   450.45  31_45 31_60 (in dispute: still unsettled)
#   INV-007   46   460.46  31_60 46_60  INV-008   60   600.60  31_60 46_60 (partially paid)
#   INV-009   61   610.61  61_90        INV-010   90   900.90  61_90
#   INV-011   91   910.91  91_plus
# balance_due     = 1000.00 + 250.25                                                      = 1250.25
# balance_overdue = 100.10 + 200.20 + 310.31 + 450.45 + 460.46 + 600.60 + 610.61 + 900.90 + 910.91 = 4544.54
# buckets: 1_30 = 100.10 + 200.20 = 300.30;  31_45 = 310.31 + 450.45 = 760.76
#          31_60 = 310.31 + 450.45 + 460.46 + 600.60 = 1821.82;  46_60 = 460.46 + 600.60 = 1061.06
#          61_90 = 610.61 + 900.90 = 1511.51;  91_plus = 910.91
#          (1_30 + 31_60 + 61_90 + 91_plus = 4544.54 = balance_overdue; 31_45 + 46_60 = 31_60)
# settled, excluded from balances: INV-012 paid 7 days late, INV-013 paid 5 days early, INV-014 voided (700.00),
#   INV-015 closed (50.00), INV-016 zero balance, INV-019 GBP voided.
# USD, only in balances_by_currency: INV-017 300.00 (not due) + INV-018 150.50 (42 days late) = 450.50.
# unapplied_credit = CN-1 120.00 (CN-2 applied, CN-3 voided, CN-4 in USD)                  = 120.00
# unallocated      = 75.50 (575.50 payment, 500.00 allocated; the voided and the USD payments don't count) = 75.50
# balance_total    = 1250.25 + 4544.54 − 120.00 − 75.50                                     = 5599.29
# average_days_late over overdue EUR (1+30+31+45+46+60+61+90+91 = 455) and paid EUR (7, early counts as 0):
#   462 / 11 = 42.0 (the USD invoice 42 days late would leave it at 42.0 whether counted or not).
FIGURES_TODAY = date(2025, 6, 30)


@pytest.fixture(scope="module")
def eurobolt() -> Ledger:
    return _ledger("customer_figures.json")


def test_customer_figures_of_a_mixed_ledger(eurobolt: Ledger) -> None:
    # GIVEN the EUR customer of customer_figures.json (see the hand computation above)
    view = eurobolt.view("cus_eu")

    # WHEN its figures are computed on 30 June 2025
    figures = customer_figures(view, FIGURES_TODAY)

    # THEN every sum is exact and in EUR only
    assert figures.currency == "EUR"
    assert figures.balance_due == Decimal("1250.25")
    assert figures.balance_overdue == Decimal("4544.54")
    assert figures.unapplied_credit == Decimal("120.00")
    assert figures.unallocated_payments == Decimal("75.50")
    assert figures.balance_total == Decimal("5599.29")
    assert figures.overdue_by_bucket == {
        "1_30": Decimal("300.30"),
        "31_45": Decimal("760.76"),
        "31_60": Decimal("1821.82"),
        "46_60": Decimal("1061.06"),
        "61_90": Decimal("1511.51"),
        "91_plus": Decimal("910.91"),
    }
    assert figures.balances_by_currency == {"EUR": Decimal("5794.79"), "USD": Decimal("450.50")}
    assert (figures.open_invoices, figures.overdue_invoices, figures.invoices_count) == (11, 9, 19)
    assert figures.average_days_late == Decimal("42.0")
    assert figures.max_days_overdue == 91
    assert all(isinstance(v, Decimal) for v in figures.overdue_by_bucket.values())


def test_overlapping_customer_buckets_are_consistent(eurobolt: Ledger) -> None:
    # GIVEN the EUR customer's figures
    figures = customer_figures(eurobolt.view("cus_eu"), FIGURES_TODAY)

    # WHEN adding up the buckets
    buckets = figures.overdue_by_bucket
    disjoint = buckets["1_30"] + buckets["31_60"] + buckets["61_90"] + buckets["91_plus"]

    # THEN the invoice-style buckets partition the overdue balance, and 31–45 + 46–60 split 31–60
    assert disjoint == figures.balance_overdue
    assert buckets["31_45"] + buckets["46_60"] == buckets["31_60"]


@pytest.mark.parametrize(
    ("currency", "low", "high", "expected"),
    [
        pytest.param("EUR", 1, 30, Decimal("300.30"), id="1-30"),
        pytest.param("EUR", 31, 45, Decimal("760.76"), id="31-45"),
        pytest.param("EUR", 31, 60, Decimal("1821.82"), id="31-60"),
        pytest.param("EUR", 46, 60, Decimal("1061.06"), id="46-60"),
        pytest.param("EUR", 91, None, Decimal("910.91"), id="91-plus"),
        pytest.param("EUR", 1, None, Decimal("4544.54"), id="all-overdue"),
        pytest.param("USD", 1, None, Decimal("150.50"), id="usd-only"),
        pytest.param("GBP", 1, None, Decimal(0), id="voided-gbp-excluded"),
    ],
)
def test_overdue_between(eurobolt: Ledger, currency: str, low: int, high: int | None, expected: Decimal) -> None:
    # GIVEN the fixture's invoices
    invoices = eurobolt.view("cus_eu").all_invoices()

    # WHEN summing the balances overdue by low..high days in one currency
    total = overdue_between(invoices, FIGURES_TODAY, currency, low, high)

    # THEN only unsettled invoices of that currency in the inclusive range count
    assert total == expected


def test_customer_without_invoices_has_zero_figures() -> None:
    # GIVEN a customer with no records at all
    ledger = Ledger.of([Customer(tenant_id="acme", id="cus_new", name="New Ltd", currency="GBP")])

    # WHEN its figures are computed
    figures = customer_figures(ledger.view("cus_new"), TODAY)

    # THEN every balance is zero, every bucket is present at zero, and the day figures are blank
    assert figures.balance_total == figures.balance_due == figures.balance_overdue == Decimal(0)
    assert figures.overdue_by_bucket == {name: Decimal(0) for name, _, _ in CUSTOMER_BUCKETS}
    assert figures.balances_by_currency == {}
    assert figures.average_days_late is None
    assert figures.max_days_overdue is None
    assert (figures.open_invoices, figures.overdue_invoices, figures.invoices_count) == (0, 0, 0)


def test_credit_and_unallocated_money_can_make_balance_total_negative() -> None:
    # GIVEN a customer owing 100.00 (not yet due) with 150.00 of unapplied credit and 20.05 unallocated
    records = _ledger_records(
        invoices=[_invoice(due_on=date(2025, 7, 30))],
        credit_notes=[
            {"id": "cn", "reference": "CN", "amount": "150.00", "amount_remaining": "150.00", "issued_on": "2025-06-01"}
        ],
        payments=[{"id": "p", "amount": "20.05", "amount_remaining": "20.05", "paid_on": "2025-06-02"}],
    )

    # WHEN its figures are computed
    figures = customer_figures(records.view("cus_1"), TODAY)

    # THEN balance_total = 100.00 − 150.00 − 20.05 = −70.05
    assert figures.balance_due == Decimal("100.00")
    assert figures.balance_total == Decimal("-70.05")


def _ledger_records(
    invoices: list[Invoice], credit_notes: list[dict[str, Any]], payments: list[dict[str, Any]]
) -> Ledger:
    common = {"customer_id": "cus_1", "currency": "EUR"}
    data = {
        "customers": [{"id": "cus_1", "name": "Acme", "currency": "EUR"}],
        "invoices": [i.model_dump() for i in invoices],
        "credit_notes": [{**common, **c} for c in credit_notes],
        "payments": [{**common, **p} for p in payments],
    }
    return ledger_from_data(TENANT, data)


@pytest.mark.parametrize(
    ("paid_days_late", "open_days_overdue", "expected"),
    [
        pytest.param([10], [], Decimal("10.0"), id="one-paid-invoice"),
        pytest.param([0, 3], [], Decimal("1.5"), id="early-payment-counts-as-0"),
        pytest.param([-5, 3], [], Decimal("1.5"), id="paid-5-days-early-is-0-not-negative"),
        pytest.param([1, 1, 2], [], Decimal("1.3"), id="rounded-to-a-tenth"),
        pytest.param([2, 2, 1], [], Decimal("1.7"), id="rounded-up-to-a-tenth"),
        pytest.param([], [20, 40], Decimal("30.0"), id="open-overdue-count-to-today"),
        pytest.param([10], [20], Decimal("15.0"), id="paid-and-open-together"),
        pytest.param([], [], None, id="no-invoices"),
    ],
)
def test_average_days_late(paid_days_late: list[int], open_days_overdue: list[int], expected: Decimal | None) -> None:
    # GIVEN EUR invoices paid some days after their due date, and open ones some days overdue today
    invoices = [
        _invoice(
            id=f"paid_{n}",
            balance=Decimal(0),
            status=InvoiceStatus.PAID,
            due_on=date(2025, 3, 1),
            paid_on=date(2025, 3, 1) + timedelta(days=late),
        )
        for n, late in enumerate(paid_days_late)
    ] + [_invoice(id=f"open_{n}", due_on=TODAY - timedelta(days=d)) for n, d in enumerate(open_days_overdue)]
    ledger = Ledger.of([Customer(tenant_id="acme", id="cus_1", name="Acme", currency="EUR"), *invoices])

    # WHEN the customer figures are computed
    figures = customer_figures(ledger.view("cus_1"), TODAY)

    # THEN the average is over paid (days late, never negative) and open overdue invoices, to one decimal
    assert figures.average_days_late == expected


def test_group_figures_add_up_the_members() -> None:
    # GIVEN a parent customer owing 100.00 overdue and a child owing 40.50 not yet due and 9.50 overdue
    ledger = Ledger.of(
        [
            Customer(tenant_id="acme", id="cus_1", name="Holding", currency="EUR"),
            Customer(tenant_id="acme", id="cus_2", name="Subsidiary", currency="EUR", parent_customer_id="cus_1"),
            _invoice(id="p1", due_on=date(2025, 6, 20)),
            _invoice(id="c1", customer_id="cus_2", balance=Decimal("40.50"), due_on=date(2025, 7, 20)),
            _invoice(id="c2", customer_id="cus_2", balance=Decimal("9.50"), due_on=date(2025, 5, 20)),
        ]
    )

    # WHEN the group's consolidated and the parent's own figures are computed
    group = customer_figures(ledger.view("cus_1", with_members=True), TODAY)
    alone = customer_figures(ledger.view("cus_1"), TODAY)

    # THEN the group adds the child's balances (overdue 100.00 + 9.50; due 40.50), the parent alone does not
    assert (group.balance_overdue, group.balance_due, group.balance_total) == (
        Decimal("109.50"),
        Decimal("40.50"),
        Decimal("150.00"),
    )
    assert group.overdue_by_bucket["1_30"] == Decimal("100.00")
    assert group.overdue_by_bucket["31_45"] == Decimal("9.50")
    assert group.max_days_overdue == 41
    assert (alone.balance_overdue, alone.balance_due, alone.invoices_count) == (Decimal("100.00"), Decimal(0), 1)
