"""The filter field catalogue: every field a condition may name, its type and how to read it.

Names are ``object.field`` (``customer.balance_overdue``, ``invoice.days_overdue``); ``customer.custom.X`` and
``invoice.custom.X`` read ERP custom fields. The objects and fields follow Kolleno's documented filter lists.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from shared.domain.filters.subject import Subject
from shared.domain.ledger.aging import aging_bucket, days_due, days_issued, days_late
from shared.domain.ledger.models import (
    CommunicationStatus,
    CreditNoteStatus,
    Deliverability,
    InvoiceStatus,
    PaymentStatus,
    PromiseStatus,
    Tag,
)


class FieldType(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    TEXT = "text"
    BOOLEAN = "boolean"
    DATE = "date"
    CHOICE = "choice"
    LIST = "list"


class RecordObject(StrEnum):
    CUSTOMER = "customer"
    INVOICE = "invoice"
    CONTACT = "contact"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    EMAIL = "email"
    PROMISE_TO_PAY = "promise_to_pay"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    read: Callable[[Any], Any]
    description: str
    choices: tuple[str, ...] = ()

    @property
    def object(self) -> RecordObject:
        return RecordObject(self.name.split(".", 1)[0])


def _names(tags: tuple[Tag, ...]) -> list[str]:
    return [t.name for t in tags]


def _categories(tags: tuple[Tag, ...]) -> list[str]:
    return sorted({t.category for t in tags})


def _days_since(day: date | None, today: date) -> int | None:
    return None if day is None else (today - day).days


def _chasing_paused(s: Subject) -> bool:
    pause = s.customer.chasing_pause
    return pause is not None and (pause.until is None or pause.until > s.today)


def _last_communication_days(s: Subject) -> int | None:
    latest = max((c.at for c in s.view.communications), default=None)
    return None if latest is None else (s.today - latest.date()).days


def _credit_utilisation(s: Subject) -> Any:
    limit = s.customer.credit_limit
    return None if not limit else (s.figures.balance_total * 100 / limit).quantize(1)


def _choices(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(e.value for e in enum)


_FIELDS: list[FieldSpec] = [
    # customer (and, for a customer group, the group's consolidated figures)
    FieldSpec("customer.name", FieldType.TEXT, lambda s: s.customer.name, "customer name"),
    FieldSpec("customer.reference", FieldType.TEXT, lambda s: s.customer.reference, "customer reference"),
    FieldSpec("customer.country", FieldType.TEXT, lambda s: s.customer.country, "ISO country code"),
    FieldSpec("customer.currency", FieldType.TEXT, lambda s: s.customer.currency, "customer currency (ISO)"),
    FieldSpec("customer.language", FieldType.TEXT, lambda s: s.customer.language, "customer language"),
    FieldSpec("customer.tags", FieldType.LIST, lambda s: _names(s.customer.tags), "customer tag names"),
    FieldSpec(
        "customer.tag_categories", FieldType.LIST, lambda s: _categories(s.customer.tags), "customer tag categories"
    ),
    FieldSpec("customer.portfolios", FieldType.LIST, lambda s: list(s.customer.portfolio_ids), "portfolio ids"),
    FieldSpec("customer.account_owner", FieldType.TEXT, lambda s: s.customer.account_owner_id, "account owner user id"),
    FieldSpec("customer.strike_level", FieldType.INTEGER, lambda s: s.customer.strike_level, "strike level"),
    FieldSpec("customer.rating", FieldType.TEXT, lambda s: s.customer.rating, "rating (A/B/C)"),
    FieldSpec(
        "customer.chasing_enabled", FieldType.BOOLEAN, lambda s: s.customer.chasing_enabled, "chasing switched on"
    ),
    FieldSpec("customer.chasing_paused", FieldType.BOOLEAN, _chasing_paused, "chasing paused today by a person"),
    FieldSpec(
        "customer.auto_charge", FieldType.BOOLEAN, lambda s: s.customer.auto_charge, "automatic payment method on file"
    ),
    FieldSpec("customer.parent", FieldType.TEXT, lambda s: s.customer.parent_customer_id, "parent customer id"),
    FieldSpec("customer.is_parent", FieldType.BOOLEAN, lambda s: bool(s.view.members), "has linked child customers"),
    FieldSpec(
        "customer.days_created",
        FieldType.INTEGER,
        lambda s: _days_since(s.customer.created_on, s.today),
        "days since created",
    ),
    FieldSpec(
        "customer.days_source_created",
        FieldType.INTEGER,
        lambda s: _days_since(s.customer.source_created_on, s.today),
        "days since created in the ERP",
    ),
    FieldSpec("customer.credit_limit", FieldType.NUMBER, lambda s: s.customer.credit_limit, "credit limit"),
    FieldSpec(
        "customer.credit_limit_utilisation", FieldType.NUMBER, _credit_utilisation, "balance total as % of credit limit"
    ),
    FieldSpec(
        "customer.balance_due", FieldType.NUMBER, lambda s: s.figures.balance_due, "open balance not yet overdue"
    ),
    FieldSpec("customer.balance_overdue", FieldType.NUMBER, lambda s: s.figures.balance_overdue, "overdue balance"),
    FieldSpec(
        "customer.balance_total", FieldType.NUMBER, lambda s: s.figures.balance_total, "invoices − credit − unallocated"
    ),
    FieldSpec("customer.invoices_count", FieldType.INTEGER, lambda s: s.figures.invoices_count, "number of invoices"),
    FieldSpec(
        "customer.open_invoices_count", FieldType.INTEGER, lambda s: s.figures.open_invoices, "number of open invoices"
    ),
    FieldSpec(
        "customer.overdue_invoices_count", FieldType.INTEGER, lambda s: s.figures.overdue_invoices, "overdue invoices"
    ),
    FieldSpec(
        "customer.average_days_late", FieldType.NUMBER, lambda s: s.figures.average_days_late, "average days late"
    ),
    FieldSpec(
        "customer.max_days_overdue", FieldType.INTEGER, lambda s: s.figures.max_days_overdue, "oldest overdue, in days"
    ),
    FieldSpec(
        "customer.unapplied_credit", FieldType.NUMBER, lambda s: s.figures.unapplied_credit, "unapplied credit notes"
    ),
    FieldSpec(
        "customer.prepayments_amount",
        FieldType.NUMBER,
        lambda s: s.figures.unallocated_payments,
        "unallocated payments",
    ),
    FieldSpec(
        "customer.contact_details_available",
        FieldType.BOOLEAN,
        lambda s: any(c.is_active and (c.email or c.phone) for c in s.view.contacts),
        "an active contact has an email or phone",
    ),
    FieldSpec(
        "customer.days_since_last_communication", FieldType.INTEGER, _last_communication_days, "days since any message"
    ),
    # invoice
    FieldSpec("invoice.number", FieldType.TEXT, lambda s: s.invoice.number, "invoice number"),
    FieldSpec("invoice.currency", FieldType.TEXT, lambda s: s.invoice.currency, "invoice currency (ISO)"),
    FieldSpec("invoice.amount", FieldType.NUMBER, lambda s: s.invoice.amount, "invoice amount"),
    FieldSpec("invoice.balance", FieldType.NUMBER, lambda s: s.invoice.balance, "open balance"),
    FieldSpec("invoice.date", FieldType.DATE, lambda s: s.invoice.issued_on, "date issued"),
    FieldSpec("invoice.date_due", FieldType.DATE, lambda s: s.invoice.due_on, "due date"),
    FieldSpec("invoice.status", FieldType.CHOICE, lambda s: s.invoice.status.value, "status", _choices(InvoiceStatus)),
    FieldSpec(
        "invoice.days_overdue",
        FieldType.INTEGER,
        lambda s: days_due(s.invoice, s.today),
        "days past due (negative before)",
    ),
    FieldSpec(
        "invoice.days_late", FieldType.INTEGER, lambda s: days_late(s.invoice, s.today), "days late (empty before due)"
    ),
    FieldSpec("invoice.days_issued", FieldType.INTEGER, lambda s: days_issued(s.invoice, s.today), "days since issued"),
    FieldSpec(
        "invoice.aging_group",
        FieldType.CHOICE,
        lambda s: aging_bucket(days_due(s.invoice, s.today)) or "current",
        "aging bucket",
        ("current", "1_30", "31_60", "61_90", "91_plus"),
    ),
    FieldSpec(
        "invoice.chasing_paused", FieldType.BOOLEAN, lambda s: s.invoice.chasing_paused, "chasing paused on the invoice"
    ),
    FieldSpec("invoice.auto_charge", FieldType.BOOLEAN, lambda s: s.invoice.auto_charge, "included in auto-charge"),
    FieldSpec("invoice.tags", FieldType.LIST, lambda s: _names(s.invoice.tags), "invoice tag names"),
    FieldSpec(
        "invoice.tag_categories", FieldType.LIST, lambda s: _categories(s.invoice.tags), "invoice tag categories"
    ),
    FieldSpec(
        "invoice.promise_to_pay",
        FieldType.BOOLEAN,
        lambda s: s.invoice.id in s.active_promised_invoice_ids,
        "under an active promise to pay",
    ),
    FieldSpec("invoice.pdf_available", FieldType.BOOLEAN, lambda s: s.invoice.pdf_available, "PDF can be attached"),
    # credit note
    FieldSpec("credit_note.reference", FieldType.TEXT, lambda s: s.credit_note.reference, "reference"),
    FieldSpec("credit_note.amount", FieldType.NUMBER, lambda s: s.credit_note.amount, "amount"),
    FieldSpec(
        "credit_note.amount_remaining", FieldType.NUMBER, lambda s: s.credit_note.amount_remaining, "amount not applied"
    ),
    FieldSpec("credit_note.currency", FieldType.TEXT, lambda s: s.credit_note.currency, "currency (ISO)"),
    FieldSpec("credit_note.date_issued", FieldType.DATE, lambda s: s.credit_note.issued_on, "date issued"),
    FieldSpec(
        "credit_note.days_issued",
        FieldType.INTEGER,
        lambda s: _days_since(s.credit_note.issued_on, s.today),
        "days since issued",
    ),
    FieldSpec(
        "credit_note.status",
        FieldType.CHOICE,
        lambda s: s.credit_note.status.value,
        "status",
        _choices(CreditNoteStatus),
    ),
    FieldSpec(
        "credit_note.assigned", FieldType.BOOLEAN, lambda s: bool(s.credit_note.allocations), "applied to an invoice"
    ),
    FieldSpec("credit_note.tags", FieldType.LIST, lambda s: _names(s.credit_note.tags), "tag names"),
    FieldSpec(
        "credit_note.tag_categories", FieldType.LIST, lambda s: _categories(s.credit_note.tags), "tag categories"
    ),
    # payment registered in the ERP
    FieldSpec("payment.amount", FieldType.NUMBER, lambda s: s.payment.amount, "amount"),
    FieldSpec(
        "payment.amount_remaining", FieldType.NUMBER, lambda s: s.payment.amount_remaining, "amount not allocated"
    ),
    FieldSpec("payment.currency", FieldType.TEXT, lambda s: s.payment.currency, "currency (ISO)"),
    FieldSpec("payment.date_paid", FieldType.DATE, lambda s: s.payment.paid_on, "date paid"),
    FieldSpec(
        "payment.days_since_paid",
        FieldType.INTEGER,
        lambda s: _days_since(s.payment.paid_on, s.today),
        "days since paid",
    ),
    FieldSpec("payment.source", FieldType.TEXT, lambda s: s.payment.source, "payment source"),
    FieldSpec("payment.reference", FieldType.TEXT, lambda s: s.payment.reference, "reference"),
    FieldSpec("payment.status", FieldType.CHOICE, lambda s: s.payment.status.value, "status", _choices(PaymentStatus)),
    FieldSpec("payment.overpayment", FieldType.NUMBER, lambda s: s.payment.overpayment, "overpaid amount"),
    FieldSpec("payment.prepayment", FieldType.BOOLEAN, lambda s: s.payment.prepayment, "paid before any invoice"),
    # email (received, sent or bounced)
    FieldSpec("email.subject", FieldType.TEXT, lambda s: s.communication.subject, "subject"),
    FieldSpec("email.body", FieldType.TEXT, lambda s: s.communication.body_text, "body text"),
    FieldSpec(
        "email.content",
        FieldType.TEXT,
        lambda s: f"{s.communication.subject}\n{s.communication.body_text}",
        "subject and body",
    ),
    FieldSpec(
        "email.from_address",
        FieldType.TEXT,
        lambda s: s.communication.addresses[0] if s.communication.addresses else None,
        "sender (received) or first recipient (sent)",
    ),
    FieldSpec("email.from_name", FieldType.TEXT, lambda s: s.communication.from_name, "sender name"),
    FieldSpec("email.date", FieldType.DATE, lambda s: s.communication.at.date(), "date received or sent (UTC)"),
    FieldSpec(
        "email.status",
        FieldType.CHOICE,
        lambda s: s.communication.status.value,
        "delivery status",
        _choices(CommunicationStatus),
    ),
    FieldSpec("email.automated", FieldType.BOOLEAN, lambda s: s.communication.automated, "sent by a workflow"),
    # contact
    FieldSpec("contact.name", FieldType.TEXT, lambda s: s.contact.name, "contact name"),
    FieldSpec("contact.email", FieldType.TEXT, lambda s: s.contact.email, "contact email"),
    FieldSpec("contact.phone", FieldType.TEXT, lambda s: s.contact.phone, "contact phone"),
    FieldSpec("contact.positions", FieldType.LIST, lambda s: list(s.contact.positions), "positions held"),
    FieldSpec("contact.is_primary", FieldType.BOOLEAN, lambda s: s.contact.is_primary, "primary contact"),
    FieldSpec("contact.is_active", FieldType.BOOLEAN, lambda s: s.contact.is_active, "active"),
    FieldSpec(
        "contact.deliverability",
        FieldType.CHOICE,
        lambda s: s.contact.deliverability.value,
        "email deliverability",
        _choices(Deliverability),
    ),
    FieldSpec("contact.source_id", FieldType.TEXT, lambda s: s.contact.source_id, "ERP id"),
    # promise to pay
    FieldSpec(
        "promise_to_pay.status", FieldType.CHOICE, lambda s: s.promise.status.value, "status", _choices(PromiseStatus)
    ),
    FieldSpec("promise_to_pay.promised_date", FieldType.DATE, lambda s: s.promise.promised_on, "promised payment date"),
]

CATALOGUE: dict[str, FieldSpec] = {f.name: f for f in _FIELDS}
CUSTOM_PREFIXES = {"customer.custom.": "customer", "invoice.custom.": "invoice"}


def lookup(name: str) -> FieldSpec:
    """The field named ``name``; raises KeyError with the nearest valid names."""
    if name in CATALOGUE:
        return CATALOGUE[name]
    for prefix, owner in CUSTOM_PREFIXES.items():
        key = name.removeprefix(prefix)
        if key != name and key:
            return FieldSpec(name, FieldType.TEXT, _custom_reader(owner, key), f"ERP custom field {key}")
    last = name.rsplit(".", 1)[-1]
    same_field = [n for n in CATALOGUE if n.rsplit(".", 1)[-1] == last]  # right field, wrong object
    close = list(dict.fromkeys(same_field + difflib.get_close_matches(name, CATALOGUE, n=3, cutoff=0.75)))[:4]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise KeyError(f"unknown field '{name}'{hint}")


def _custom_reader(owner: str, key: str) -> Callable[[Any], Any]:
    """Custom fields are compared as text, whatever type the ERP sent (88 and "88" are the same value)."""
    if owner == "customer":
        return lambda s: _as_text(s.customer.custom_fields.get(key))
    return lambda s: _as_text(s.invoice.custom_fields.get(key))


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).lower() if isinstance(value, bool) else str(value)
