"""Domain events: source, detail-type and version per class, named ``[Resource][PastTenseVerb]``.

Every event carries a deterministic ``event_id`` (handlers are idempotent on it), the tenant and the customer.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.domain.levels import TriggerType

LEDGER_SOURCE = "chaseflow.ledger"
COMMS_SOURCE = "chaseflow.comms"
ENGINE_SOURCE = "chaseflow.engine"


class DomainEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    SOURCE: ClassVar[str] = LEDGER_SOURCE
    VERSION: ClassVar[str] = "1"
    TRIGGER: ClassVar[TriggerType | None] = None
    # whether the customer's running enrolments must be looked at again now (a payment may end them)
    REEVALUATES_RUNS: ClassVar[bool] = False

    event_id: str = Field(min_length=8, max_length=128)
    tenant_id: str
    customer_id: str
    occurred_at: AwareDatetime
    record_id: str = Field(description="the object the event is about (invoice, payment, message …)")

    @classmethod
    def detail_type(cls) -> str:
        return cls.__name__

    def entry(self, bus_name: str) -> dict[str, Any]:
        """The EventBridge PutEvents entry."""
        return {
            "Source": self.SOURCE,
            "DetailType": self.detail_type(),
            "Detail": self.model_dump_json(),
            "EventBusName": bus_name,
            "Resources": [],
        }


class CustomerCreated(DomainEvent):
    TRIGGER = TriggerType.CUSTOMER_CREATED


class CustomerUpdated(DomainEvent):
    """Chasing switched off or paused, owner changed …: running enrolments may stop or pause."""

    REEVALUATES_RUNS = True


class InvoiceCreated(DomainEvent):
    TRIGGER = TriggerType.INVOICE_CREATED


class InvoiceUpdated(DomainEvent):
    REEVALUATES_RUNS = True


class CreditNoteCreated(DomainEvent):
    TRIGGER = TriggerType.CREDIT_NOTE_CREATED
    REEVALUATES_RUNS = True


class PaymentRegistered(DomainEvent):
    TRIGGER = TriggerType.PAYMENT_REGISTERED
    REEVALUATES_RUNS = True


class PromiseToPayChanged(DomainEvent):
    REEVALUATES_RUNS = True


class TaskCompleted(DomainEvent):
    REEVALUATES_RUNS = True


class EmailReceived(DomainEvent):
    SOURCE = COMMS_SOURCE
    TRIGGER = TriggerType.EMAIL_RECEIVED
    REEVALUATES_RUNS = True


class EmailSent(DomainEvent):
    SOURCE = COMMS_SOURCE
    TRIGGER = TriggerType.EMAIL_SENT


class EmailBounced(DomainEvent):
    SOURCE = COMMS_SOURCE
    TRIGGER = TriggerType.EMAIL_BOUNCED
    address: str = ""
    bounce_type: str = ""


class EmailComplained(DomainEvent):
    """The recipient marked a message as spam: the contact is marked COMPLAINT and never emailed again."""

    SOURCE = COMMS_SOURCE
    address: str = ""


class SmsUndelivered(DomainEvent):
    SOURCE = COMMS_SOURCE
    TRIGGER = TriggerType.SMS_UNDELIVERED
    address: str = ""


CONTRACTS: dict[str, type[DomainEvent]] = {
    cls.detail_type(): cls
    for cls in (
        CustomerCreated, CustomerUpdated, InvoiceCreated, InvoiceUpdated, CreditNoteCreated, PaymentRegistered,
        PromiseToPayChanged, TaskCompleted, EmailReceived, EmailSent, EmailBounced, EmailComplained, SmsUndelivered,
    )
}  # fmt: skip


def parse_detail(detail_type: str, detail: dict[str, Any]) -> DomainEvent:
    """The contract for an EventBridge event's detail; KeyError for a detail-type we do not know."""
    return CONTRACTS[detail_type].model_validate(detail)


def trigger_rule_pattern() -> dict[str, Any]:
    """The EventBridge pattern of the trigger function: every event that enrols or re-evaluates."""
    types = sorted(name for name, cls in CONTRACTS.items() if cls.TRIGGER or cls.REEVALUATES_RUNS)
    return {"source": [LEDGER_SOURCE, COMMS_SOURCE], "detail-type": types}
