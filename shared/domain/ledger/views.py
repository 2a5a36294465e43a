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
    CreditNoteStatus,
    Customer,
    Invoice,
    InvoiceStatus,
    LedgerRecord,
    Payment,
    PaymentStatus,
    PromiseToPay,
    Task,
    is_newer,
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
    owner: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) → customer id

    @classmethod
    def of(cls, records: Iterable[LedgerRecord]) -> Ledger:
        ledger = cls()
        for record in records:
            ledger.add(record)
        return ledger

    def add(self, record: LedgerRecord) -> bool:
        """Store ``record`` unless what we hold is newer (ERP deliveries arrive out of order). Returns whether it
        was stored. A record the ERP moved to another customer leaves its old customer."""
        kind = type(record).__name__
        if isinstance(record, Customer):
            if not is_newer(record, self.customers.get(record.id)):
                return False
            self.customers[record.id] = record
            return True
        customer_id: str = getattr(record, "customer_id")  # noqa: B009 - every non-customer record has one
        previous_owner = self.owner.get((kind, record.id))
        if previous_owner is not None:
            bucket = self.by_customer[previous_owner][kind]
            stored = next((r for r in bucket if r.id == record.id), None)
            if not is_newer(record, stored):
                return False
            bucket[:] = [r for r in bucket if r.id != record.id]
        self.by_customer[customer_id][kind].append(record)
        self.owner[(kind, record.id)] = customer_id
        return True

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
        """The ledger as it stood at the end of ``day``: later records absent, later allocations not yet made."""
        late = _late_allocations(self, day)
        past = Ledger()
        for customer in self.customers.values():
            if customer.created_on is None or customer.created_on <= day:
                past.add(customer)
        for customer_id, records in self.by_customer.items():
            if customer_id not in past.customers:
                continue
            for items in records.values():
                for record in items:
                    earlier = _as_of(record, day, late)
                    if earlier is not None:
                        past.add(earlier)
        return past


def _late_allocations(ledger: Ledger, day: date) -> dict[str, Decimal]:
    """Per invoice and per payment/credit note id: what was allocated after ``day`` (voided money never counts)."""
    late: dict[str, Decimal] = defaultdict(Decimal)
    for money in [*ledger.all(Payment), *ledger.all(CreditNote)]:
        if isinstance(money, Payment):
            if money.status is PaymentStatus.VOIDED:
                continue
            since, allocations = money.paid_on, money.allocations
        else:
            assert isinstance(money, CreditNote)
            if money.status is CreditNoteStatus.VOIDED:
                continue
            since, allocations = money.issued_on, money.allocations
        for allocation in allocations:
            if (allocation.applied_on or since) > day:
                late[allocation.invoice_id] += allocation.amount
                late[money.id] += allocation.amount
    return late


def _as_of(record: LedgerRecord, day: date, late: dict[str, Decimal]) -> LedgerRecord | None:
    if isinstance(record, Invoice):
        return _invoice_as_of(record, day, late.get(record.id))
    if isinstance(record, Payment):
        if record.paid_on > day:
            return None
        unallocated = late.get(record.id)
        return (
            record.model_copy(update={"amount_remaining": record.amount_remaining + unallocated})
            if unallocated
            else record
        )
    if isinstance(record, CreditNote):
        if record.issued_on > day:
            return None
        unapplied = late.get(record.id)
        if not unapplied:
            return record
        return record.model_copy(
            update={"amount_remaining": record.amount_remaining + unapplied, "status": CreditNoteStatus.UNAPPLIED}
        )
    if isinstance(record, Communication):
        return record if record.at.date() <= day else None
    if isinstance(record, PromiseToPay):
        return record if record.created_at is None or record.created_at.date() <= day else None
    if isinstance(record, Task):
        return record if record.created_at.date() <= day else None
    return record


def _invoice_as_of(invoice: Invoice, day: date, unapplied: Decimal | None) -> Invoice | None:
    if invoice.issued_on > day:
        return None
    if not unapplied and (invoice.paid_on is None or invoice.paid_on <= day):
        return invoice
    balance = invoice.balance + (unapplied or Decimal(0))
    if balance <= 0:
        return invoice.model_copy(update={"paid_on": None})  # paid by money we hold no allocation for
    status = invoice.status
    if status in (InvoiceStatus.PAID, InvoiceStatus.CLOSED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OPEN):
        status = InvoiceStatus.OPEN if balance >= invoice.amount else InvoiceStatus.PARTIALLY_PAID
    return invoice.model_copy(update={"balance": balance, "status": status, "paid_on": None})
