"""SES and SMS delivery events: mark the message and the contact, and announce bounces, complaints and undelivered
texts on the bus.

A permanent bounce marks the contact BOUNCE and a complaint marks it COMPLAINT (recipient rules then block or
drop them); transient bounces only mark the message. Out-of-order events never downgrade a bounced or
complained message to delivered. Every write is idempotent and event ids are SES's feedback ids, so a
re-delivered notification changes nothing more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aws_lambda_powertools import Logger

from shared.domain.ledger.models import Communication, CommunicationStatus, Contact, Deliverability
from shared.events.contracts import DomainEvent, EmailBounced, EmailComplained, SmsUndelivered
from shared.events.ses import SesEvent
from shared.events.sms import SmsDeliveryEvent
from shared.usecases.runtime import Runtime

logger = Logger(child=True)
FINAL = frozenset({CommunicationStatus.BOUNCED, CommunicationStatus.COMPLAINED})


@dataclass
class DeliveryOutcome:
    messages: int = 0
    contacts_marked: list[str] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    ignored: int = 0


def on_ses_events(
    rt: Runtime, records: Sequence[SesEvent], publish: Callable[[list[DomainEvent]], None]
) -> DeliveryOutcome:
    outcome = DeliveryOutcome()
    for record in records:
        tenant_id, message_id = record.mail.tag("tenant"), record.mail.tag("communication")
        message = rt.ledger.get(tenant_id, "communication", message_id) if tenant_id and message_id else None
        if not isinstance(message, Communication):
            outcome.ignored += 1  # not one of ours, or the log entry is gone: nothing to mark
            logger.warning("ses event for an unknown message", extra={"ses_message_id": record.mail.message_id})
            continue
        outcome.messages += 1
        _apply(rt, record, message, outcome)
    if outcome.events:
        publish(outcome.events)
    return outcome


def on_sms_events(
    rt: Runtime, records: Sequence[SmsDeliveryEvent], publish: Callable[[list[DomainEvent]], None]
) -> DeliveryOutcome:
    """A final failure marks the text FAILED with the carrier's reason and announces ``SmsUndelivered`` (a
    workflow can then create a task to check the number); a delivery marks it DELIVERED unless it already
    failed (events can arrive out of order); intermediate statuses change nothing."""
    outcome = DeliveryOutcome()
    for record in records:
        tenant_id, message_id = record.context.get("tenant"), record.context.get("communication")
        message = rt.ledger.get(tenant_id, "communication", message_id) if tenant_id and message_id else None
        if not isinstance(message, Communication):
            outcome.ignored += 1
            logger.warning("sms event for an unknown message", extra={"sms_message_id": record.message_id})
            continue
        outcome.messages += 1
        if record.undelivered:
            _mark_message(rt, message, CommunicationStatus.FAILED, f"SMS {record.status}: {record.description}")
            outcome.events.append(
                SmsUndelivered(
                    event_id="sms-" + hashlib.sha256(f"{record.message_id}|{record.status}".encode()).hexdigest()[:32],
                    tenant_id=message.tenant_id,
                    customer_id=message.customer_id,
                    occurred_at=record.at,
                    record_id=message.id,
                    address=record.destination,
                )
            )
        elif record.delivered and message.status is not CommunicationStatus.FAILED:
            _mark_message(rt, message, CommunicationStatus.DELIVERED, None)
    if outcome.events:
        publish(outcome.events)
    return outcome


def _apply(rt: Runtime, record: SesEvent, message: Communication, outcome: DeliveryOutcome) -> None:
    if record.bounce is not None:
        addresses = [r.email_address.lower() for r in record.bounce.bounced_recipients]
        diagnostics = "; ".join(r.diagnostic_code or r.email_address for r in record.bounce.bounced_recipients)
        _mark_message(rt, message, CommunicationStatus.BOUNCED, f"{record.bounce.bounce_type} bounce: {diagnostics}")
        if record.bounce.bounce_type == "Permanent":
            outcome.contacts_marked += _mark_contacts(rt, message, addresses, Deliverability.BOUNCE)
        outcome.events += [
            EmailBounced(
                event_id=_event_id(record.bounce.feedback_id, a),
                tenant_id=message.tenant_id,
                customer_id=message.customer_id,
                occurred_at=record.bounce.timestamp,
                record_id=message.id,
                address=a,
                bounce_type=record.bounce.bounce_type,
            )
            for a in addresses
        ]
    elif record.complaint is not None:
        addresses = [r.email_address.lower() for r in record.complaint.complained_recipients]
        _mark_message(rt, message, CommunicationStatus.COMPLAINED, "the recipient reported it as spam")
        outcome.contacts_marked += _mark_contacts(rt, message, addresses, Deliverability.COMPLAINT)
        outcome.events += [
            EmailComplained(
                event_id=_event_id(record.complaint.feedback_id, a),
                tenant_id=message.tenant_id,
                customer_id=message.customer_id,
                occurred_at=record.complaint.timestamp,
                record_id=message.id,
                address=a,
            )
            for a in addresses
        ]
    elif record.delivery is not None and message.status not in FINAL:
        _mark_message(rt, message, CommunicationStatus.DELIVERED, None)
    elif record.reject is not None:
        _mark_message(rt, message, CommunicationStatus.FAILED, f"rejected by SES: {record.reject.reason}")


def _mark_message(rt: Runtime, message: Communication, status: CommunicationStatus, reason: str | None) -> None:
    if message.status is status and message.reason == reason:
        return
    rt.ledger.put(message.model_copy(update={"status": status, "reason": reason or message.reason}), force=True)


def _mark_contacts(rt: Runtime, message: Communication, addresses: list[str], status: Deliverability) -> list[str]:
    view = rt.ledger.view(message.tenant_id, message.customer_id)
    marked = []
    for contact in view.contacts if view else ():
        if isinstance(contact, Contact) and contact.email in addresses and contact.deliverability is not status:
            rt.ledger.update_ours(contact.model_copy(update={"deliverability": status}))
            marked.append(contact.id)
    return marked


def _event_id(feedback_id: str, address: str) -> str:
    return "ses-" + hashlib.sha256(f"{feedback_id}|{address}".encode()).hexdigest()[:32]
