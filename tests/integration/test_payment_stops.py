"""Continuous workflows on moto: the tick plans the day's sweep, the sweep enrols, and a payment stops the run
before its next step — the customer who pays today gets nothing tomorrow."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from functions import wiring
from shared.domain.ledger.models import Allocation, Customer, Invoice, InvoiceStatus, Payment
from shared.domain.workflow.loading import load_workflow_text
from tests.integration.conftest import wait_for
from tests.integration.test_runtime_flow import TENANT, parked, publish, tasks, tick

DUNNING = """
id: overdue-customers
name: Overdue customers
status: active
trigger:
  type: customer_follow_up
  filters: [[customer.balance_overdue, ">", 0]]
settings:
  start: {every: weekday}
  run_hours: {start: "08:00", end: "18:00"}
nodes:
  - {id: first-call, type: task, title: First reminder call}
  - {id: week, type: wait, days: 7}
  - {id: second-call, type: task, title: Second reminder call}
"""
OVERDUE = Invoice(
    tenant_id="acme-uk",
    id="inv-1",
    customer_id="cus-1",
    number="INV-1",
    currency="GBP",
    amount=250,
    balance=250,
    issued_on="2026-09-01",
    due_on="2026-10-01",
    updated_at=datetime(2026, 10, 1, tzinfo=UTC),
)


def seed() -> None:
    rt = wiring.runtime()
    rt.ledger.put_tenant(TENANT)
    rt.ledger.put(Customer(tenant_id="acme-uk", id="cus-1", name="Acme Ltd", currency="GBP", country="GB"))
    rt.ledger.put(OVERDUE)
    rt.workflows.save("acme-uk", load_workflow_text(DUNNING))


def the_run():
    runs = wiring.runtime().runs.of_customer("acme-uk", "cus-1")
    return runs[0] if len(runs) == 1 else None


def test_the_sweep_enrols_once_a_day_and_a_payment_stops_the_run(stack, clock):
    # GIVEN an overdue customer and a weekday dunning workflow
    seed()
    # WHEN the tick runs at 08:00 on Monday (twice: the day's sweep is planned once)
    clock.set(clock.now().replace(hour=8))
    first, second = tick(stack), tick(stack)
    # THEN the customer is enrolled once, the first call task is created, and the run waits a week
    assert (first["sweeps"], second["sweeps"]) == (1, 0)
    run = wait_for(the_run)
    wait_for(lambda: parked(run.run_id) and len(tasks()) == 1)
    # WHEN the customer pays on Wednesday and the ERP's payment arrives
    clock.advance(timedelta(days=2, hours=2))
    rt = wiring.runtime()
    paid = OVERDUE.model_copy(
        update={
            "balance": Decimal(0),
            "status": InvoiceStatus.PAID,
            "paid_on": date(2026, 11, 4),
            "updated_at": clock.now(),
        }
    )
    rt.ledger.put(paid)
    rt.ledger.put(
        Payment(
            tenant_id="acme-uk",
            id="pay-1",
            customer_id="cus-1",
            currency="GBP",
            amount=250,
            paid_on="2026-11-04",
            allocations=(Allocation(invoice_id="inv-1", amount=250),),
        )
    )
    publish(stack, "payment_registered")
    # THEN the run stops at once on the cleared balance
    stopped = wait_for(lambda: (r := rt.runs.get("acme-uk", run.run_id)) and r.state.status.value == "stopped" and r)
    assert stopped.state.end_reason == "balance_cleared"
    # AND a week later nothing more happens
    clock.advance(timedelta(days=7))
    assert tick(stack)["resumed"] == 0
    assert [t.title for t in tasks()] == ["First reminder call"]
