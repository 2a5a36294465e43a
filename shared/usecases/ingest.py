"""ERP webhooks: check the tenant's signature, mirror the valid records, announce what changed on the bus.

Each record is read before it is written, to tell a new record from a changed one; the write itself is
conditional on ``updated_at``, so an older delivery changes nothing and announces nothing. Events go out after
every record of the batch is stored (an invoice's event never arrives before its customer), with ids derived
from the record's version. A repeated delivery of the version we hold changes nothing but announces its events
again, with the same ids: the ERP repeats a call it got no answer to, and that call may have stopped between
storing and announcing. The consumers are idempotent on the event id, so a second announcement costs nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC

from aws_lambda_powertools import Logger

from shared.domain.ledger.models import (
    Channel,
    Communication,
    Customer,
    Direction,
    LedgerRecord,
    is_newer,
)
from shared.domain.webhooks import (
    TENANT_ID,
    Batch,
    IngestReport,
    RecordResult,
    WebhookRejected,
    read_batch,
    verify,
)
from shared.errors import PermanentError
from shared.events.contracts import (
    CreditNoteCreated,
    CustomerCreated,
    CustomerUpdated,
    DomainEvent,
    EmailReceived,
    InvoiceCreated,
    InvoiceUpdated,
    PaymentRegistered,
    PromiseToPayChanged,
)
from shared.usecases.runtime import Runtime

logger = Logger(child=True)

# kind → (event for a new record, event for a changed one); None: nothing to announce
IMPLIED: dict[str, tuple[type[DomainEvent] | None, type[DomainEvent] | None]] = {
    "customer": (CustomerCreated, CustomerUpdated),
    "contact": (None, None),
    "invoice": (InvoiceCreated, InvoiceUpdated),
    "credit_note": (CreditNoteCreated, None),
    "payment": (PaymentRegistered, None),
    "promise_to_pay": (PromiseToPayChanged, PromiseToPayChanged),
    "communication": (EmailReceived, None),  # only inbound email: see implied_events
}


class TenantUnknown(PermanentError):
    """No such tenant, or no webhook secret for it (HTTP 404)."""


@dataclass(frozen=True)
class SignedRequest:
    """What the handler passes on: the two signature headers as sent and the raw body bytes."""

    timestamp: str | None
    signature: str | None
    body: bytes


def receive_records(rt: Runtime, tenant_id: str, request: SignedRequest) -> IngestReport:
    """Authenticate a webhook call for ``tenant_id``, then apply its batch.

    Raises
    ------
    TenantUnknown
        The tenant has no webhook secret or no settings.
    SignatureInvalid, RequestExpired, BodyInvalid, BatchTooLarge
        The request is refused as a whole (see ``shared.domain.webhooks``); nothing is stored.
    RetryableError
        Secrets Manager or EventBridge failed for now (the records may already be stored: see decisions.md).
    """
    secrets = rt.secrets.for_tenant(tenant_id) if TENANT_ID.fullmatch(tenant_id) else ()
    if not secrets:
        raise TenantUnknown(tenant_id)
    try:
        verify(secrets, request.timestamp, request.signature, request.body, rt.clock.now())
        if rt.ledger.tenant(tenant_id) is None:
            raise TenantUnknown(tenant_id)
        batch = read_batch(tenant_id, request.body)
    except WebhookRejected as error:  # the reason only: the body may hold personal data
        logger.warning(
            "webhook refused",
            extra={"tenant_id": tenant_id, "error": type(error).__name__, "reason": str(error)[:300]},
        )
        raise
    return ingest(rt, tenant_id, batch)


def ingest(rt: Runtime, tenant_id: str, batch: Batch) -> IngestReport:
    """Store each valid record unless we hold a newer version, then publish the events the changes imply."""
    accepted: list[RecordResult] = []
    stale: list[RecordResult] = []
    events: list[DomainEvent] = []
    for item in batch.valid:
        record = item.record
        stored, announced = rt.ledger.get_stored(tenant_id, item.kind, record.id)
        if stored is not None and stored.updated_at == record.updated_at:
            events += _announce(announced, item.kind, record)
            stale.append(RecordResult(index=item.index, kind=item.kind, id=record.id))
            continue
        implied = implied_events(item.kind, record, created=stored is None)
        if not is_newer(record, stored) or not rt.ledger.put(record, announces=_types(implied)):
            stale.append(RecordResult(index=item.index, kind=item.kind, id=record.id))
            continue
        events += implied
        accepted.append(
            RecordResult(
                index=item.index,
                kind=item.kind,
                id=record.id,
                change="created" if stored is None else "updated",
                events=_types(implied),
            )
        )
    if events:
        rt.publisher.publish(events)
    report = IngestReport(
        accepted=tuple(accepted), stale=tuple(stale), rejected=batch.rejected, events_published=len(events)
    )
    logger.info(
        "webhook batch applied",
        extra={
            "tenant_id": tenant_id,
            "accepted": len(accepted),
            "stale": len(stale),
            "rejected": len(batch.rejected),
            "events": len(events),
        },
    )
    return report


def implied_events(kind: str, record: LedgerRecord, *, created: bool) -> list[DomainEvent]:
    """The domain events a stored change announces (none for contacts, for changed payments and credit notes,
    and for communications other than a received email)."""
    if isinstance(record, Communication) and (record.direction, record.channel) != (Direction.RECEIVED, Channel.EMAIL):
        return []
    event_type = IMPLIED[kind][0 if created else 1]
    return [] if event_type is None else [_event(event_type, kind, record)]


def _event(event_type: type[DomainEvent], kind: str, record: LedgerRecord) -> DomainEvent:
    if record.updated_at is None:  # read_batch refuses such records
        raise ValueError(f"{kind} {record.id} has no updated_at")
    version = record.updated_at.astimezone(UTC)  # one instant, one id, whatever offset the ERP wrote
    customer_id = record.id if isinstance(record, Customer) else str(getattr(record, "customer_id"))  # noqa: B009
    return event_type(
        event_id=event_id(record.tenant_id, kind, record.id, version.isoformat(), event_type),
        tenant_id=record.tenant_id,
        customer_id=customer_id,
        occurred_at=version,
        record_id=record.id,
    )


def _announce(detail_types: tuple[str, ...], kind: str, record: LedgerRecord) -> list[DomainEvent]:
    """The events a stored version announced, again (same ids)."""
    by_type = {t.detail_type(): t for pair in IMPLIED.values() for t in pair if t is not None}
    return [_event(by_type[name], kind, record) for name in detail_types if name in by_type]


def _types(events: list[DomainEvent]) -> tuple[str, ...]:
    return tuple(e.detail_type() for e in events)


def event_id(tenant_id: str, kind: str, record_id: str, version: str, event_type: type[DomainEvent]) -> str:
    """Deterministic: the same version of the same record always announces the same event id."""
    key = "|".join((tenant_id, kind, record_id, version, event_type.detail_type()))
    return "erp-" + hashlib.sha256(key.encode()).hexdigest()
