"""Shared by the webhook unit tests: the sample API Gateway events and a record builder."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parents[2] / "events" / "apigw"
SECRET = "whsec_acme-uk_0123456789abcdef"  # the sample events are signed with it
SENT_AT = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # the sample events' timestamp header
TENANT = "acme-uk"


def sample(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))
    return event


def invoice(**changes: Any) -> dict[str, Any]:
    data = {
        "id": "inv-1",
        "customer_id": "cus-1",
        "number": "INV-1",
        "currency": "GBP",
        "amount": "100.00",
        "balance": "100.00",
        "issued_on": "2026-11-02",
        "due_on": "2026-12-02",
        "updated_at": "2026-11-02T06:59:00Z",
    }
    return {"kind": "invoice", "data": {**data, **changes}}


def body(*records: Any, **extra: Any) -> bytes:
    return json.dumps({"records": list(records), **extra}).encode()


AT = "2026-11-02T06:59:00Z"
ONE_OF_EACH = [
    {"kind": "customer", "data": {"id": "cus-1", "name": "Acme", "currency": "GBP", "updated_at": AT}},
    {"kind": "contact", "data": {"id": "con-1", "customer_id": "cus-1", "name": "Jane", "updated_at": AT}},
    invoice(),
    {
        "kind": "credit_note",
        "data": {
            "id": "cn-1",
            "customer_id": "cus-1",
            "reference": "CN-1",
            "currency": "GBP",
            "amount": "10",
            "amount_remaining": "10",
            "issued_on": "2026-11-01",
            "updated_at": AT,
        },
    },
    {
        "kind": "payment",
        "data": {
            "id": "pay-1",
            "customer_id": "cus-1",
            "currency": "GBP",
            "amount": "90",
            "paid_on": "2026-11-02",
            "allocations": [{"invoice_id": "inv-1", "amount": "90"}],
            "updated_at": AT,
        },
    },
    {
        "kind": "promise_to_pay",
        "data": {
            "id": "ptp-1",
            "customer_id": "cus-1",
            "invoice_ids": ["inv-1"],
            "promised_on": "2026-11-20",
            "updated_at": AT,
        },
    },
    {
        "kind": "communication",
        "data": {
            "id": "msg-1",
            "customer_id": "cus-1",
            "direction": "received",
            "channel": "email",
            "at": "2026-11-02T06:58:00Z",
            "status": "received",
            "addresses": ["jane@acme.example"],
            "subject": "Re: INV-1",
            "updated_at": AT,
        },
    },
]
