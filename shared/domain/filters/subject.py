"""What a filter looks at: one record of a run's level, with its customer and the day it is evaluated on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from shared.domain.ledger.aging import CustomerFigures, customer_figures
from shared.domain.ledger.models import (
    Communication,
    Contact,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    PromiseStatus,
    PromiseToPay,
)
from shared.domain.ledger.views import CustomerLedger


@dataclass
class Subject:
    """A record under evaluation. Customer figures are computed once, on first use."""

    today: date
    view: CustomerLedger
    invoice: Invoice | None = None
    contact: Contact | None = None
    credit_note: CreditNote | None = None
    payment: Payment | None = None
    communication: Communication | None = None
    promise: PromiseToPay | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def customer(self) -> Customer:
        return self.view.customer

    @cached_property
    def figures(self) -> CustomerFigures:
        return customer_figures(self.view, self.today)

    @cached_property
    def active_promised_invoice_ids(self) -> frozenset[str]:
        """Invoices under a promise to pay that is active and not yet past its date."""
        return frozenset(
            invoice_id
            for promise in self.view.promises
            if is_promise_active(promise, self.today)
            for invoice_id in promise.invoice_ids
        )

    def focus(self, **records: object) -> Subject:
        """The same customer and day, looking at another record; figures already computed are kept."""
        derived = object.__new__(Subject)
        derived.__dict__.update(self.__dict__)  # cached_property values travel in __dict__ too
        derived.__dict__.update(records)
        return derived


def is_promise_active(promise: PromiseToPay, today: date) -> bool:
    """A promise holds from its creation up to and including its promised day; after that it is broken."""
    return promise.status == PromiseStatus.ACTIVE and today <= promise.promised_on
