"""The flow of docs/architecture.md made real on moto: an event enrols, the real state machine advances and
parks, the scheduler tick resumes, the act step creates tasks exactly once."""

import json
from datetime import timedelta
from pathlib import Path

import boto3

from functions import wiring
from shared.domain.ledger.models import Contact, Customer, Invoice, Task
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.loading import load_workflow_text
from tests.integration.conftest import wait_for

EVENTS = Path(__file__).resolve().parents[1] / "events"
TENANT = TenantSettings(tenant_id="acme-uk", timezone="Europe/London", country="GB", currency="GBP")
WORKFLOW = """
id: new-invoice-check
name: Check new invoices
status: active
trigger:
  type: invoice_created
  filters: [[invoice.days_issued, "<=", 3]]
settings:
  run_hours: {start: "08:00", end: "18:00"}
nodes:
  - {id: check, type: task, title: Check the new invoice}
  - {id: two-days, type: wait, days: 2}
  - {id: follow-up, type: task, title: Follow up on the invoice}
"""


def seed() -> None:
    rt = wiring.runtime()
    rt.ledger.put_tenant(TENANT)
    for record in (
        Customer(tenant_id="acme-uk", id="cus-1", name="Acme Ltd", currency="GBP", country="GB"),
        Contact(
            tenant_id="acme-uk",
            id="con-1",
            customer_id="cus-1",
            name="Jane",
            email="jane@acme.example",
            is_primary=True,
        ),
        Invoice(
            tenant_id="acme-uk",
            id="inv-1",
            customer_id="cus-1",
            number="INV-1",
            currency="GBP",
            amount=100,
            balance=100,
            issued_on="2026-11-02",
            due_on="2026-12-02",
        ),
    ):
        rt.ledger.put(record)
    rt.workflows.save("acme-uk", load_workflow_text(WORKFLOW))


def publish(stack, name: str) -> None:
    event = json.loads((EVENTS / "chaseflow" / f"{name}.json").read_text())
    boto3.client("events").put_events(
        Entries=[
            {
                "EventBusName": stack.bus_name,
                "Source": event["source"],
                "DetailType": event["detail-type"],
                "Detail": json.dumps(event["detail"]),
            }
        ]
    )


def tick(stack) -> dict:
    """The scheduler's schedule fires: invoke the tick function as EventBridge Scheduler would."""
    response = boto3.client("lambda").invoke(FunctionName=stack.functions["tick"], Payload=b"{}")
    return json.loads(response["Payload"].read())


def tasks() -> list[Task]:
    view = wiring.runtime().ledger.view("acme-uk", "cus-1")
    return sorted(view.tasks, key=lambda t: t.created_at)


def parked(run_id: str) -> bool:
    stored = wiring.runtime().runs.get("acme-uk", run_id)
    return stored is not None and stored.parking == "WAITING"


def test_an_event_enrols_and_the_state_machine_acts_waits_and_resumes(stack, clock):
    # GIVEN a tenant, a customer with a new invoice and an active invoice-created workflow
    seed()
    # WHEN the InvoiceCreated event arrives on the bus (07:00, before the run hours open)
    publish(stack, "invoice_created")
    runs = wiring.runtime().runs.of_customer("acme-uk", "cus-1")
    # THEN one run is enrolled and parks until the window opens at 08:00 local
    assert len(runs) == 1
    run_id = runs[0].run_id
    wait_for(lambda: parked(run_id))
    assert wiring.runtime().runs.get("acme-uk", run_id).next_run_at == "2026-11-02T08:00:00Z"
    assert tasks() == []
    # WHEN the clock reaches 08:00 and the scheduler ticks
    clock.set(clock.now().replace(hour=8))
    assert tick(stack)["resumed"] == 1
    # THEN the first task is created and the run parks on its two-day wait
    wait_for(lambda: len(tasks()) == 1 and parked(run_id))
    assert wiring.runtime().runs.get("acme-uk", run_id).next_run_at == "2026-11-04T08:00:00Z"
    # WHEN two days pass and the scheduler ticks (twice: the second finds nothing due)
    clock.advance(timedelta(days=2))
    assert tick(stack)["resumed"] == 1
    wait_for(lambda: wiring.runtime().runs.get("acme-uk", run_id).state.status.value == "completed")
    assert tick(stack)["resumed"] == 0
    # THEN the follow-up task exists once and the run completed
    assert [t.title for t in tasks()] == ["Check the new invoice", "Follow up on the invoice"]


def test_a_duplicated_event_enrols_once(stack):
    # GIVEN the seeded tenant
    seed()
    # WHEN the same InvoiceCreated event is delivered three times
    for _ in range(3):
        publish(stack, "invoice_created")
    # THEN there is exactly one run
    assert len(wiring.runtime().runs.of_customer("acme-uk", "cus-1")) == 1
