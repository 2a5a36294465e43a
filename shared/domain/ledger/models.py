"""The ledger mirror: what the ERP tells us about customers, contacts, invoices and money.

Dates from the ERP (issue, due, paid) are ``date`` and never shifted by a timezone; instants are aware datetimes.
Money is ``Decimal`` in the record's currency; a float given by YAML or JSON is converted through its shortest
text form so that 0.1 stays 0.1.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field


def _decimal_from_text(value: Any) -> Any:
    return Decimal(str(value)) if isinstance(value, float | int) and not isinstance(value, bool) else value


Amount = Annotated[Decimal, BeforeValidator(_decimal_from_text)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")]
RecordId = Annotated[str, Field(min_length=1, max_length=128)]
ScalarValue = str | int | bool | Decimal | date | None


def _lower(value: str) -> str:
    return value.strip().lower()


EmailAddress = Annotated[str, AfterValidator(_lower), Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class LedgerRecord(BaseModel):
    """Common to every ledger record: tenant-scoped, versioned by the ERP's ``updated_at``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant_id: RecordId
    id: RecordId
    source_id: str | None = None
    updated_at: AwareDatetime | None = Field(
        default=None, description="ERP modification time; an older update never overwrites a newer one"
    )
    custom_fields: dict[str, ScalarValue] = Field(default_factory=dict)


class Tag(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str = Field(min_length=1)
    name: str = Field(min_length=1)


class ChasingPause(BaseModel):
    """Chasing paused by a person: until a date (resumes that morning), or indefinitely when ``until`` is None."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    until: date | None = None
    note: str = ""


class Customer(LedgerRecord):
    name: str = Field(min_length=1)
    reference: str | None = None
    country: CountryCode | None = None
    currency: CurrencyCode
    language: str = Field(default="en", description="BCP 47 language tag for templates")
    timezone: str | None = Field(default=None, description="IANA zone of the customer, for recipient-time sends")
    created_on: date | None = None
    source_created_on: date | None = None
    tags: tuple[Tag, ...] = ()
    portfolio_ids: tuple[str, ...] = ()
    account_owner_id: str | None = None
    strike_level: int = Field(default=0, ge=0)
    rating: str | None = None
    chasing_enabled: bool = True
    chasing_pause: ChasingPause | None = None
    parent_customer_id: str | None = None
    linked_customer_ids: tuple[str, ...] = ()
    credit_limit: Amount | None = None
    auto_charge: bool = False


class Deliverability(StrEnum):
    OK = "OK"
    BOUNCE = "BOUNCE"
    COMPLAINT = "COMPLAINT"


class Contact(LedgerRecord):
    customer_id: RecordId
    name: str = Field(min_length=1)
    email: EmailAddress | None = None
    phone: str | None = None
    positions: tuple[str, ...] = ()
    is_primary: bool = False
    is_active: bool = True
    deliverability: Deliverability = Deliverability.OK
    language: str | None = None
    linked_invoice_ids: tuple[str, ...] = ()


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    DISPUTE = "dispute"
    INSTALMENTS = "instalments"
    PAYMENT_SCHEDULED = "payment_scheduled"
    CLOSED = "closed"
    VOIDED = "voided"


class Invoice(LedgerRecord):
    customer_id: RecordId
    number: str = Field(min_length=1)
    currency: CurrencyCode
    amount: Amount
    balance: Amount = Field(description="open amount still owed, in the invoice currency")
    issued_on: date
    due_on: date
    status: InvoiceStatus = InvoiceStatus.OPEN
    paid_on: date | None = Field(default=None, description="the day the balance reached zero")
    chasing_paused: bool = False
    auto_charge: bool = False
    tags: tuple[Tag, ...] = ()
    contact_id: str | None = None
    pdf_available: bool = True

    @property
    def is_settled(self) -> bool:
        """Nothing left to collect: paid, closed or voided, or a zero balance."""
        return self.balance <= 0 or self.status in _SETTLED


_SETTLED = frozenset({InvoiceStatus.PAID, InvoiceStatus.CLOSED, InvoiceStatus.VOIDED})


class CreditNoteStatus(StrEnum):
    APPLIED = "applied"
    UNAPPLIED = "unapplied"
    VOIDED = "voided"
    REFUNDED = "refunded"


class Allocation(BaseModel):
    """Part of a payment or credit note applied to one invoice on a given day."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    invoice_id: RecordId
    amount: Amount = Field(gt=0)
    applied_on: date | None = Field(default=None, description="defaults to the payment's or credit note's date")


class CreditNote(LedgerRecord):
    customer_id: RecordId
    reference: str = Field(min_length=1)
    currency: CurrencyCode
    amount: Amount
    amount_remaining: Amount
    issued_on: date
    status: CreditNoteStatus = CreditNoteStatus.UNAPPLIED
    tags: tuple[Tag, ...] = ()
    allocations: tuple[Allocation, ...] = ()


class PaymentStatus(StrEnum):
    PAID = "paid"
    VOIDED = "voided"


class Payment(LedgerRecord):
    """A payment registered in the ERP, allocated to invoices."""

    customer_id: RecordId
    reference: str | None = None
    source: str | None = None
    currency: CurrencyCode
    amount: Amount
    amount_remaining: Amount = Field(default=Decimal(0), description="not yet allocated to any invoice")
    paid_on: date
    status: PaymentStatus = PaymentStatus.PAID
    overpayment: Amount = Decimal(0)
    prepayment: bool = False
    allocations: tuple[Allocation, ...] = ()


class PromiseStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    BROKEN = "broken"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PromiseToPay(LedgerRecord):
    customer_id: RecordId
    invoice_ids: tuple[str, ...] = Field(min_length=1)
    promised_on: date
    amount: Amount | None = None
    status: PromiseStatus = PromiseStatus.ACTIVE
    created_at: AwareDatetime | None = None
    comment: str = ""


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    TASK = "task"
    LETTER = "letter"
    CALL = "call"
    NOTE = "note"


class Direction(StrEnum):
    SENT = "sent"
    RECEIVED = "received"


class CommunicationStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    FAILED = "failed"
    BLOCKED = "blocked"
    RECEIVED = "received"


class Communication(LedgerRecord):
    """A message in either direction: the timeline, and what pause rules and alerts read."""

    customer_id: RecordId
    direction: Direction
    channel: Channel
    at: AwareDatetime
    status: CommunicationStatus
    contact_ids: tuple[str, ...] = ()
    addresses: tuple[str, ...] = Field(default=(), description="recipients when sent, the sender when received")
    from_name: str | None = None
    subject: str = ""
    body_text: str = ""
    template_id: str | None = None
    invoice_ids: tuple[str, ...] = ()
    workflow_id: str | None = None
    run_id: str | None = None
    node_id: str | None = None
    automated: bool = False
    reason: str | None = Field(default=None, description="why it failed, bounced or was blocked")


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Task(LedgerRecord):
    customer_id: RecordId
    title: str = Field(min_length=1)
    assignee: str | None = None
    due_on: date
    status: TaskStatus = TaskStatus.OPEN
    created_at: AwareDatetime
    completed_at: AwareDatetime | None = None
    run_id: str | None = None
    node_id: str | None = None
    invoice_ids: tuple[str, ...] = ()


RecordKind = Literal[
    "customer", "contact", "invoice", "credit_note", "payment", "promise_to_pay", "communication", "task"
]

LEDGER_MODELS: dict[str, type[LedgerRecord]] = {
    "customer": Customer,
    "contact": Contact,
    "invoice": Invoice,
    "credit_note": CreditNote,
    "payment": Payment,
    "promise_to_pay": PromiseToPay,
    "communication": Communication,
    "task": Task,
}


def is_newer(incoming: LedgerRecord, stored: LedgerRecord | None) -> bool:
    """Whether an ERP delivery should replace what we hold (out-of-order and repeated deliveries lose)."""
    if stored is None or stored.updated_at is None:
        return True
    if incoming.updated_at is None:
        return False
    return bool(incoming.updated_at > stored.updated_at)
