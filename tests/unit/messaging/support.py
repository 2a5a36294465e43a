"""Loading the messaging fixtures: a customer, its invoices and a pool of contacts to build views from."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from shared.domain.ledger.models import (
    Channel,
    Communication,
    CommunicationStatus,
    Contact,
    Customer,
    Direction,
    Invoice,
)
from shared.domain.ledger.views import CustomerLedger
from shared.domain.messaging.recipients import Person

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "messaging"


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "contacts.json").read_text(encoding="utf-8"))
    return data


def customer() -> Customer:
    return Customer.model_validate(_data()["customer"])


def contact(contact_id: str) -> Contact:
    """A contact of the pool by id, owned by the fixture customer."""
    raw = next(c for c in _data()["contacts"] if c["id"] == contact_id)
    return Contact.model_validate({"tenant_id": "acme", "customer_id": "cus_1", **raw})


def invoice(invoice_id: str) -> Invoice:
    return Invoice.model_validate(next(i for i in _data()["invoices"] if i["id"] == invoice_id))


def view(*contact_ids: str) -> CustomerLedger:
    """The fixture customer with the given contacts, in that order, and every fixture invoice."""
    invoices = tuple(invoice(i["id"]) for i in _data()["invoices"])
    return CustomerLedger(customer=customer(), contacts=tuple(contact(c) for c in contact_ids), invoices=invoices)


def account_owner() -> Person:
    return Person.model_validate(_data()["account_owner"])


def sent(
    at: datetime,
    *,
    channel: Channel = Channel.EMAIL,
    status: CommunicationStatus = CommunicationStatus.SENT,
    automated: bool = True,
    direction: Direction = Direction.SENT,
    number: int = 0,
) -> Communication:
    """A communication on the customer's timeline."""
    return Communication(
        tenant_id="acme",
        id=f"com_{at.isoformat()}_{number}",
        customer_id="cus_1",
        direction=direction,
        channel=channel,
        at=at,
        status=status,
        automated=automated,
    )
