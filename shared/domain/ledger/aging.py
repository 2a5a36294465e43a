"""Derived invoice and customer figures, with the documented semantics.

- days due = today − due date: negative before the due date, 0 on it, positive after (Kolleno "Days due").
- days late = None before the due date, 0 on it, then positive.
- day counting stops on the day an invoice is paid.
- invoice aging buckets 1–30, 31–60, 61–90, 91+; customer overdue buckets add 31–45 and 46–60.
Customer sums are in the customer's currency; other currencies are reported per currency, never converted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shared.domain.ledger.models import CreditNoteStatus, Invoice, Payment, PaymentStatus
from shared.domain.ledger.views import CustomerLedger

ZERO = Decimal(0)

INVOICE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1_30", 1, 30),
    ("31_60", 31, 60),
    ("61_90", 61, 90),
    ("91_plus", 91, None),
)
CUSTOMER_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("1_30", 1, 30),
    ("31_45", 31, 45),
    ("31_60", 31, 60),
    ("46_60", 46, 60),
    ("61_90", 61, 90),
    ("91_plus", 91, None),
)


def counting_day(invoice: Invoice, today: date) -> date:
    """The day figures are counted to: today, or the day it was paid (counting stops then)."""
    if invoice.is_settled and invoice.paid_on is not None and invoice.paid_on < today:
        return invoice.paid_on
    return today


def days_due(invoice: Invoice, today: date) -> int:
    return (counting_day(invoice, today) - invoice.due_on).days


def days_late(invoice: Invoice, today: date) -> int | None:
    due = days_due(invoice, today)
    return None if due < 0 else due


def days_issued(invoice: Invoice, today: date) -> int:
    return (today - invoice.issued_on).days


def aging_bucket(days: int, buckets: tuple[tuple[str, int, int | None], ...] = INVOICE_BUCKETS) -> str | None:
    """The first bucket holding ``days`` overdue, or None when not overdue."""
    for name, low, high in buckets:
        if days >= low and (high is None or days <= high):
            return name
    return None


def is_overdue(invoice: Invoice, today: date) -> bool:
    return not invoice.is_settled and days_due(invoice, today) > 0


@dataclass(frozen=True, slots=True)
class CustomerFigures:
    """A customer's balances on one day; what customer filters and smart fields read."""

    currency: str
    balance_due: Decimal = ZERO
    balance_overdue: Decimal = ZERO
    balance_total: Decimal = ZERO
    overdue_by_bucket: dict[str, Decimal] = field(default_factory=dict)
    balances_by_currency: dict[str, Decimal] = field(default_factory=dict)
    open_invoices: int = 0
    overdue_invoices: int = 0
    invoices_count: int = 0
    average_days_late: Decimal | None = None
    max_days_overdue: int | None = None
    unapplied_credit: Decimal = ZERO
    unallocated_payments: Decimal = ZERO


def overdue_between(invoices: list[Invoice], today: date, currency: str, low: int, high: int | None) -> Decimal:
    """Balances overdue by ``low``..``high`` days, both inclusive (``high`` None means no upper bound)."""
    total = ZERO
    for invoice in invoices:
        if invoice.currency != currency or invoice.is_settled:
            continue
        due = days_due(invoice, today)
        if due >= low and (high is None or due <= high):
            total += invoice.balance
    return total


def customer_figures(view: CustomerLedger, today: date) -> CustomerFigures:
    """Balances of a customer (and of its group members, when the view is a group) on ``today``."""
    currency = view.customer.currency
    due = overdue = ZERO
    buckets: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_currency: dict[str, Decimal] = defaultdict(lambda: ZERO)
    open_count = overdue_count = 0
    late_days: list[int] = []
    max_overdue: int | None = None
    invoices = view.all_invoices()
    for invoice in invoices:
        if invoice.is_settled:
            if invoice.paid_on is not None:
                late_days.append(max(0, (invoice.paid_on - invoice.due_on).days))
            continue
        by_currency[invoice.currency] += invoice.balance
        if invoice.currency != currency:
            continue
        open_count += 1
        days = (today - invoice.due_on).days  # an unsettled invoice counts to today
        if days > 0:
            overdue += invoice.balance
            overdue_count += 1
            late_days.append(days)
            max_overdue = days if max_overdue is None else max(max_overdue, days)
            for name, low, high in CUSTOMER_BUCKETS:
                if days >= low and (high is None or days <= high):
                    buckets[name] += invoice.balance
        else:
            due += invoice.balance
    credit = sum(
        (
            note.amount_remaining
            for note in view.all_credit_notes()
            if note.currency == currency and note.status == CreditNoteStatus.UNAPPLIED
        ),
        ZERO,
    )
    unallocated = sum((p.amount_remaining for p in view.all_payments() if _counts(p, currency)), ZERO)
    average = (Decimal(sum(late_days)) / len(late_days)).quantize(Decimal("0.1")) if late_days else None
    return CustomerFigures(
        currency=currency,
        balance_due=due,
        balance_overdue=overdue,
        balance_total=due + overdue - credit - unallocated,
        overdue_by_bucket={name: buckets[name] for name, _, _ in CUSTOMER_BUCKETS},
        balances_by_currency=dict(by_currency),
        open_invoices=open_count,
        overdue_invoices=overdue_count,
        invoices_count=len(invoices),
        average_days_late=average,
        max_days_overdue=max_overdue,
        unapplied_credit=credit,
        unallocated_payments=unallocated,
    )


def _counts(payment: Payment, currency: str) -> bool:
    return payment.currency == currency and payment.status == PaymentStatus.PAID
