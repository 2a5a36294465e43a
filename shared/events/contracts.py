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

    event_id: str = Field(
        min_length=8, max_length=128, description="deterministic: a repeated announcement carries the same id"
    )
    tenant_id: str = Field(description="the tenant the record belongs to")
    customer_id: str = Field(description="the customer the record belongs to (the customer itself for its events)")
    occurred_at: AwareDatetime = Field(
        description="the ERP's updated_at of the record's version, or the provider's time of a delivery event"
    )
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
    """The ERP posted a customer Chaseflow did not hold."""

    TRIGGER = TriggerType.CUSTOMER_CREATED


class CustomerUpdated(DomainEvent):
    """The ERP posted a new version of a customer (chasing switched off or paused, owner changed …): running
    enrolments may stop or pause."""

    REEVALUATES_RUNS = True


class InvoiceCreated(DomainEvent):
    """The ERP posted an invoice Chaseflow did not hold."""

    TRIGGER = TriggerType.INVOICE_CREATED


class InvoiceUpdated(DomainEvent):
    """The ERP posted a new version of an invoice (balance, due date, dispute …)."""

    REEVALUATES_RUNS = True


class CreditNoteCreated(DomainEvent):
    """The ERP posted a credit note Chaseflow did not hold (a later change to it is not announced)."""

    TRIGGER = TriggerType.CREDIT_NOTE_CREATED
    REEVALUATES_RUNS = True


class PaymentRegistered(DomainEvent):
    """The ERP posted a payment Chaseflow did not hold (a later change to it is not announced: the invoice
    update that matters comes with it)."""

    TRIGGER = TriggerType.PAYMENT_REGISTERED
    REEVALUATES_RUNS = True


class PromiseToPayChanged(DomainEvent):
    """The ERP posted a promise to pay, new or changed (made, kept, broken): a pause may start or end."""

    REEVALUATES_RUNS = True


class TaskCompleted(DomainEvent):
    """A task a workflow created was done: a run waiting for its completion may go on."""

    REEVALUATES_RUNS = True


class EmailReceived(DomainEvent):
    """The ERP posted a communication that is an email received from the customer (a reply)."""

    SOURCE = COMMS_SOURCE
    TRIGGER = TriggerType.EMAIL_RECEIVED
    REEVALUATES_RUNS = True


class EmailSent(DomainEvent):
    """An email a workflow sent: the trigger of ``email_sent`` workflows."""

    SOURCE = COMMS_SOURCE
    TRIGGER = TriggerType.EMAIL_SENT


class EmailBounced(DomainEvent):
    """SES reported a bounce of a message we sent: one event per bounced address."""

    SOURCE = COMMS_SOURCE
    TRIGGER = TriggerType.EMAIL_BOUNCED
    address: str = Field(default="", description="the bounced address, in lower case")
    bounce_type: str = Field(default="", description="SES's bounceType: Permanent, Transient or Undetermined")


class EmailComplained(DomainEvent):
    """The recipient marked a message as spam: the contact is marked COMPLAINT and never emailed again. One event
    per address."""

    SOURCE = COMMS_SOURCE
    address: str = Field(default="", description="the complaining address, in lower case")


class SmsUndelivered(DomainEvent):
    """End User Messaging SMS reported that a text we sent will not be delivered (blocked, invalid, unreachable,
    expired …)."""

    SOURCE = COMMS_SOURCE
    TRIGGER = TriggerType.SMS_UNDELIVERED
    address: str = Field(default="", description="the destination number, as the provider reported it")


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
