"""Helpers of the alert integration tests: invoke the scan and digest functions as their schedules do, publish
invoice-created events for many invoices, read the alerts and the emitted EMF metrics."""

from __future__ import annotations

import json
from typing import Any

import boto3

from functions import wiring
from shared.domain.alerts import Alert
from shared.domain.ledger.models import Invoice
from tests.integration.test_controls import call
from tests.integration.test_runtime_flow import EVENTS


def invoke(stack, key: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    response = boto3.client("lambda").invoke(FunctionName=stack.functions[key], Payload=json.dumps(payload or {}))
    assert "FunctionError" not in response, response["Payload"].read()
    answer: dict[str, Any] = json.loads(response["Payload"].read())
    return answer


def scan(stack) -> dict[str, Any]:
    """The alerts_scan schedule fires."""
    return invoke(stack, "alerts_scan")


def alerts(kind: str | None = None, status: str | None = "active") -> list[Alert]:
    found = wiring.runtime().alerts.alerts.all("acme-uk")
    return [a for a in found if (kind is None or a.kind.value == kind) and (status is None or _status(a, status))]


def _status(alert: Alert, status: str) -> bool:
    return alert.status.is_active if status == "active" else alert.status.value == status


def new_invoices(stack, count: int, *, first: int = 2, issued_on: str = "2025-01-15") -> list[str]:
    """``count`` invoices of cus-1 arrive (an ERP sync), each announced by its InvoiceCreated event."""
    event = json.loads((EVENTS / "chaseflow" / "invoice_created.json").read_text())
    ids = []
    entries = []
    for n in range(first, first + count):
        invoice_id = f"inv-{n}"
        wiring.runtime().ledger.put(
            Invoice(
                tenant_id="acme-uk",
                id=invoice_id,
                customer_id="cus-1",
                number=f"INV-{n}",
                currency="GBP",
                amount=100,
                balance=100,
                issued_on=issued_on,
                due_on="2025-02-15",
            )
        )
        detail = event["detail"] | {"event_id": f"evt-invoice-created-{invoice_id}", "record_id": invoice_id}
        entries.append(
            {
                "EventBusName": stack.bus_name,
                "Source": event["source"],
                "DetailType": event["detail-type"],
                "Detail": json.dumps(detail),
            }
        )
        ids.append(invoice_id)
    events = boto3.client("events")
    for start in range(0, len(entries), 10):  # PutEvents takes 10 entries at a time
        events.put_events(Entries=entries[start : start + 10])
    return ids


def emitted(output: str) -> dict[str, float]:
    """Sum of every EMF metric in captured stdout (the handlers flush with ``@metrics.log_metrics``)."""
    totals: dict[str, float] = {}
    for line in output.splitlines():
        if not line.startswith("{") or '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            assert directive["Namespace"] == "Chaseflow" and directive["Dimensions"] == [["service"]]
            for metric in directive["Metrics"]:
                values = document[metric["Name"]]
                values = values if isinstance(values, list) else [values]
                totals[metric["Name"]] = totals.get(metric["Name"], 0) + sum(values)
    return totals


def api(stack, method: str, path: str, body: Any = None, query: dict[str, str] | None = None) -> tuple[int, Any]:
    """Invoke the admin function as API Gateway does, with a query string."""
    return call(stack, method, path, body, query)
