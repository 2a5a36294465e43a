"""Small ledgers, runs and workflows for engine tests: sensible defaults, keyword overrides for what a test is about.

All records belong to tenant ``acme`` and customer ``cust-1``; the tenant is in Europe/London with GB holidays.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.engine.run import RunState
from shared.domain.ledger.models import (
    Channel,
    Communication,
    CommunicationStatus,
    Contact,
    Customer,
    Direction,
    Invoice,
    InvoiceStatus,
    LedgerRecord,
    PromiseToPay,
    Task,
)
from shared.domain.ledger.views import CustomerLedger, Ledger
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.loading import load_workflow, parse_text

TENANT_ID = "acme"
CUSTOMER_ID = "cust-1"
LONDON = ZoneInfo("Europe/London")
WORKFLOWS = Path(__file__).parents[2] / "fixtures" / "workflows"


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """The instant, in UTC as the engine stores it, when London clocks show this wall time (GMT or BST)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def tenant(**overrides: Any) -> TenantSettings:
    fields: dict[str, Any] = {"tenant_id": TENANT_ID, "timezone": "Europe/London", "country": "GB", "currency": "GBP"}
    return TenantSettings(**(fields | overrides))


def customer(**overrides: Any) -> Customer:
    fields: dict[str, Any] = {
        "tenant_id": TENANT_ID,
        "id": CUSTOMER_ID,
        "name": "Acme Ltd",
        "currency": "GBP",
        "country": "GB",
    }
    return Customer(**(fields | overrides))


def contact(contact_id: str = "contact-1", **overrides: Any) -> Contact:
    fields: dict[str, Any] = {
        "tenant_id": TENANT_ID,
        "id": contact_id,
        "customer_id": CUSTOMER_ID,
        "name": "Jane Doe",
        "email": f"{contact_id}@acme.example",
        "is_primary": True,
    }
    return Contact(**(fields | overrides))


def invoice(invoice_id: str = "inv-1", **overrides: Any) -> Invoice:
    """An open invoice of 100.00, issued 2026-09-01 and due 2026-10-01 (overdue from 2026-10-02)."""
    amount = Decimal(str(overrides.pop("amount", "100.00")))
    fields: dict[str, Any] = {
        "tenant_id": TENANT_ID,
        "id": invoice_id,
        "customer_id": CUSTOMER_ID,
        "number": f"INV-{invoice_id}",
        "currency": "GBP",
        "amount": amount,
        "balance": amount,
        "issued_on": date(2026, 9, 1),
        "due_on": date(2026, 10, 1),
    }
    return Invoice(**(fields | overrides))


def paid_invoice(invoice_id: str = "inv-1", paid_on: date = date(2026, 10, 20), **overrides: Any) -> Invoice:
    return invoice(invoice_id, balance=Decimal(0), status=InvoiceStatus.PAID, paid_on=paid_on, **overrides)


def promise(
    promised_on: date, invoice_ids: tuple[str, ...] = ("inv-1",), promise_id: str = "ptp-1", **overrides: Any
) -> PromiseToPay:
    fields: dict[str, Any] = {
        "tenant_id": TENANT_ID,
        "id": promise_id,
        "customer_id": CUSTOMER_ID,
        "invoice_ids": invoice_ids,
        "promised_on": promised_on,
    }
    return PromiseToPay(**(fields | overrides))


def communication(at: datetime, message_id: str = "msg-1", **overrides: Any) -> Communication:
    """An email sent to the customer at ``at`` (pass direction/status for a received one)."""
    fields: dict[str, Any] = {
        "tenant_id": TENANT_ID,
        "id": message_id,
        "customer_id": CUSTOMER_ID,
        "direction": Direction.SENT,
        "channel": Channel.EMAIL,
        "at": at,
        "status": CommunicationStatus.DELIVERED,
    }
    return Communication(**(fields | overrides))


def reply(at: datetime, message_id: str = "reply-1", **overrides: Any) -> Communication:
    return communication(at, message_id, direction=Direction.RECEIVED, status=CommunicationStatus.RECEIVED, **overrides)


def task(task_id: str = "task-1", **overrides: Any) -> Task:
    fields: dict[str, Any] = {
        "tenant_id": TENANT_ID,
        "id": task_id,
        "customer_id": CUSTOMER_ID,
        "title": "Call the customer",
        "due_on": date(2026, 11, 4),
        "created_at": london(2026, 11, 2, 9),
    }
    return Task(**(fields | overrides))


def ledger(*records: LedgerRecord, the_customer: Customer | None = None) -> CustomerLedger:
    """The customer's view of a ledger holding the customer, its primary contact and ``records``."""
    return Ledger.of([the_customer or customer(), contact(), *records]).view(CUSTOMER_ID)


def workflow(name: str, *, settings: dict[str, Any] | None = None) -> Workflow:
    """The fixture ``tests/fixtures/workflows/engine_<name>.yaml``, with ``settings`` keys replaced.

    Variants are built from data and validated again, never with ``model_copy``, so each one compiles its own
    conditions.
    """
    path = WORKFLOWS / f"engine_{name}.yaml"
    data = parse_text(path.read_text(encoding="utf-8"), str(path))
    if settings:
        data["settings"] = data.get("settings", {}) | settings
    return load_workflow(data, str(path))


def run_state(flow: Workflow, node_id: str, entered: datetime, **overrides: Any) -> RunState:
    """A run of ``flow`` about the customer (or ``record_id``), standing at ``node_id`` since ``entered``."""
    fields: dict[str, Any] = {
        "tenant_id": TENANT_ID,
        "run_id": "run-test",
        "workflow_id": flow.id,
        "workflow_version": flow.version,
        "level": flow.level,
        "record_id": CUSTOMER_ID,
        "customer_id": CUSTOMER_ID,
        "invoice_ids": ("inv-1",),
        "node_id": node_id,
        "node_entered_at": entered,
        "enrolled_at": entered,
    }
    return RunState(**(fields | overrides))
