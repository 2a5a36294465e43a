"""The ledger as the engine reads it: one tenant's records indexed by customer, and one customer's view.

``Ledger.as_of(day)`` rebuilds what the ledger looked like on an earlier day (invoices not yet issued are
absent, payments made later are not yet applied), which is what lets forecasts and backtests share one engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shared.domain.ledger.models import (
    Communication,
    Contact,
    CreditNote,
    Customer,
    Invoice,
    InvoiceStatus,
    LedgerRecord,
    Payment,
    PaymentStatus,
    PromiseToPay,
    Task,
)


@dataclass(frozen=True)
class CustomerLedger:
    """Everything the engine knows about one customer; ``members`` holds a group's children."""

    customer: Customer
    contacts: tuple[Contact, ...] = ()
    invoices: tuple[Invoice, ...] = ()
    credit_notes: tuple[CreditNote, ...] = ()
    payments: tuple[Payment, ...] = ()
    promises: tuple[PromiseToPay, ...] = ()
    communications: tuple[Communication, ...] = ()
    tasks: tuple[Task, ...] = ()
    members: tuple[CustomerLedger, ...] = ()

    def all_invoices(self) -> list[Invoice]:
        return [*self.invoices, *(i for m in self.members for i in m.invoices)]

    def all_credit_notes(self) -> list[CreditNote]:
        return [*self.credit_notes, *(c for m in self.members for c in m.credit_notes)]

    def all_payments(self) -> list[Payment]:
        return [*self.payments, *(p for m in self.members for p in m.payments)]

    def invoice(self, invoice_id: str) -> Invoice | None:
        return next((i for i in self.all_invoices() if i.id == invoice_id), None)

    def contact(self, contact_id: str) -> Contact | None:
        return next((c for c in self.contacts if c.id == contact_id), None)


@dataclass
class Ledger:
    """One tenant's ledger mirror, indexed by customer id."""

    customers: dict[str, Customer] = field(default_factory=dict)
    by_customer: dict[str, dict[str, list[LedgerRecord]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    @classmethod
    def of(cls, records: Iterable[LedgerRecord]) -> Ledger:
        ledger = cls()
        for record in records:
            ledger.add(record)
        return ledger

    def add(self, record: LedgerRecord) -> None:
        if isinstance(record, Customer):
            self.customers[record.id] = record
            return
        customer_id: str = getattr(record, "customer_id")  # noqa: B009 - every non-customer record has one
        bucket = self.by_customer[customer_id][type(record).__name__]
        bucket[:] = [r for r in bucket if r.id != record.id]
        bucket.append(record)

    def records(self, customer_id: str, kind: type[LedgerRecord]) -> list[LedgerRecord]:
        return self.by_customer.get(customer_id, {}).get(kind.__name__, [])

    def view(self, customer_id: str, *, with_members: bool = False) -> CustomerLedger:
        """The customer's view; with_members adds its children (a customer group's consolidated view)."""
        members = tuple(self.view(child) for child in self.children(customer_id)) if with_members else ()
        r = self.by_customer.get(customer_id, {})
        return CustomerLedger(
            customer=self.customers[customer_id],
            contacts=tuple(r.get("Contact", ())),  # type: ignore[arg-type]
            invoices=tuple(r.get("Invoice", ())),  # type: ignore[arg-type]
            credit_notes=tuple(r.get("CreditNote", ())),  # type: ignore[arg-type]
            payments=tuple(r.get("Payment", ())),  # type: ignore[arg-type]
            promises=tuple(r.get("PromiseToPay", ())),  # type: ignore[arg-type]
            communications=tuple(r.get("Communication", ())),  # type: ignore[arg-type]
            tasks=tuple(r.get("Task", ())),  # type: ignore[arg-type]
            members=members,
        )

    def children(self, customer_id: str) -> list[str]:
        return sorted(c.id for c in self.customers.values() if c.parent_customer_id == customer_id)

    def all(self, kind: type[LedgerRecord]) -> list[LedgerRecord]:
        if kind is Customer:
            return list(self.customers.values())
        return [r for records in self.by_customer.values() for r in records.get(kind.__name__, [])]

    def as_of(self, day: date) -> Ledger:
        """The ledger as it stood at the end of ``day``: later invoices absent, later money not yet applied."""
        late_allocations: dict[str, Decimal] = defaultdict(Decimal)
        for money in [*self.all(Payment), *self.all(CreditNote)]:
            issued = money.paid_on if isinstance(money, Payment) else money.issued_on  # type: ignore[attr-defined]
            for allocation in money.allocations:  # type: ignore[attr-defined]
                if (allocation.applied_on or issued) > day:
                    late_allocations[allocation.invoice_id] += allocation.amount
        past = Ledger()
        for customer in self.customers.values():
            if customer.created_on is None or customer.created_on <= day:
                past.add(customer)
        for records in self.by_customer.values():
            for items in records.values():
                for record in items:
                    earlier = _as_of(record, day, late_allocations)
                    if earlier is not None:
                        past.add(earlier)
        return past


def _as_of(record: LedgerRecord, day: date, late: dict[str, Decimal]) -> LedgerRecord | None:
    if isinstance(record, Invoice):
        if record.issued_on > day:
            return None
        unapplied = late.get(record.id)
        if not unapplied and (record.paid_on is None or record.paid_on <= day):
            return record
        balance = record.balance + (unapplied or Decimal(0))
        status = InvoiceStatus.OPEN if balance >= record.amount else InvoiceStatus.PARTIALLY_PAID
        return record.model_copy(update={"balance": balance, "status": status, "paid_on": None})
    if isinstance(record, Payment):
        return record if record.paid_on <= day and record.status == PaymentStatus.PAID else None
    if isinstance(record, CreditNote):
        return record if record.issued_on <= day else None
    if isinstance(record, Communication):
        return record if record.at.date() <= day else None
    if isinstance(record, PromiseToPay):
        return record if record.created_at is None or record.created_at.date() <= day else None
    return record
