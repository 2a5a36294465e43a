"""Builders of plain data for the alert detectors: messages sent at given instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.ledger.models import Channel, Communication, CommunicationStatus, Direction

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # Monday noon


def message(
    n: int,
    *,
    hours_ago: float = 1,
    to: str = "jane@acme.example",
    template: str = "reminder",
    workflow: str = "wf-a",
    customer: str = "cus-1",
    invoices: tuple[str, ...] = ("inv-1",),
    status: CommunicationStatus = CommunicationStatus.SENT,
    node: str = "email",
    channel: Channel = Channel.EMAIL,
) -> Communication:
    return Communication(
        tenant_id="acme-uk",
        id=f"msg-{n}",
        customer_id=customer,
        direction=Direction.SENT,
        channel=channel,
        at=NOW - timedelta(hours=hours_ago),
        status=status,
        addresses=(to,),
        template_id=template,
        invoice_ids=invoices,
        workflow_id=workflow,
        node_id=node,
        automated=True,
        reason="no valid recipient" if status is CommunicationStatus.BLOCKED else None,
    )
