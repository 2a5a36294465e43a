"""Volume and run alerts on moto: a historic sync floods a workflow (caught by the next tick, its further sends
held by the circuit breaker until a person confirms), the same sends against a busy baseline raise nothing; a run
the scheduler left overdue, and a run whose execution failed, are stuck until resumed."""

from datetime import UTC, datetime, timedelta

import boto3

from functions import wiring
from shared.domain.alerts import AlertSettings
from shared.domain.ledger.models import Channel, Communication, CommunicationStatus, Direction
from shared.domain.workflow.loading import load_workflow_text
from tests.integration.alerts_support import alerts, api, new_invoices, scan
from tests.integration.conftest import wait_for
from tests.integration.test_email_exactly_once import sent_messages, setup_email_workflow
from tests.integration.test_runtime_flow import TENANT, parked, publish, seed, tick

SYNC_CHASE = """
id: overdue-notice
name: Overdue notice
status: active
trigger:
  type: invoice_created
settings:
  run_hours: {start: "08:00", end: "18:00"}
nodes:
  - {id: notice, type: send_email, template: invoice-issued}
  - {id: week, type: wait, days: 7}
"""


def usual_sends(per_business_day: int) -> None:
    """The workflow's sends over the 14 days before Monday 2 November: ``per_business_day`` each weekday."""
    rt = wiring.runtime()
    for k in range(1, 15):
        day = datetime(2026, 11, 2, 9, 0, tzinfo=UTC) - timedelta(days=k)
        for n in range(per_business_day if day.weekday() < 5 else 0):
            rt.ledger.put(
                Communication(
                    tenant_id="acme-uk",
                    id=f"old-{k}-{n}",
                    customer_id="cus-1",
                    direction=Direction.SENT,
                    channel=Channel.EMAIL,
                    at=day,
                    status=CommunicationStatus.DELIVERED,
                    addresses=(f"someone{n}@old.example",),
                    template_id="invoice-issued",
                    workflow_id="overdue-notice",
                    node_id="notice",
                    automated=True,
                )
            )


def historic_sync(stack, clock, usual: int, invoices: int = 6) -> None:
    """A tenant whose breaker is on (alerts from 5 sends a day); a sync brings ``invoices`` old invoices at 07:00
    and the notice goes out at 08:00."""
    setup_email_workflow()
    rt = wiring.runtime()
    rt.ledger.put_tenant(TENANT.model_copy(update={"alerts": AlertSettings(volume_min_daily=5, circuit_breaker=True)}))
    rt.workflows.save("acme-uk", load_workflow_text(SYNC_CHASE))
    usual_sends(usual)
    new_invoices(stack, invoices)
    wait_for(lambda: len(rt.runs.of_customer("acme-uk", "cus-1")) == invoices)
    wait_for(lambda: all(parked(r.run_id) for r in rt.runs.of_customer("acme-uk", "cus-1")))
    clock.set(clock.now().replace(hour=8))
    tick(stack)
    wait_for(lambda: len(sent_messages()) == invoices)


def test_a_historic_sync_flood_is_caught_by_the_next_tick_and_held_until_confirmed(stack, clock):
    # GIVEN one notice a day usually; a sync of six old invoices sends six at 08:00
    historic_sync(stack, clock, usual=1)
    # WHEN the next tick runs
    clock.advance(timedelta(minutes=1))
    tick(stack)
    # THEN the workflow and the tenant have an unusual-volume alert
    found = {a.cause: a for a in alerts("unusual_volume")}
    assert set(found) == {"overdue-notice", "*"}
    assert "6 sent today" in found["overdue-notice"].detail and "usual day: 1" in found["overdue-notice"].detail
    # WHEN one more invoice arrives from the sync
    rt = wiring.runtime()
    new_invoices(stack, 1, first=20)
    run = wait_for(lambda: next((r for r in rt.runs.of_customer("acme-uk", "cus-1") if r.record_id == "inv-20"), None))
    wait_for(lambda: parked(run.run_id))
    # THEN its notice is held by the breaker (deferred, not dropped)
    held = rt.runs.get("acme-uk", run.run_id)
    assert len(sent_messages()) == 6 and held.state.throttles == 1
    assert "circuit breaker" in held.state.history[-1].detail
    # WHEN a person acknowledges the workflow's alert (confirming the volume) and the hold's recheck comes
    status, body = api(stack, "POST", f"/alerts/{found['overdue-notice'].id}/acknowledge", {"by": "ops"})
    assert (status, body["status"]) == (200, "acknowledged")
    clock.advance(timedelta(minutes=15))
    tick(stack)
    # THEN the notice goes out, and the breaker does not trip again today
    wait_for(lambda: len(sent_messages()) == 7)
    clock.advance(timedelta(minutes=1))
    tick(stack)
    assert rt.alerts.alerts.breaker("acme-uk", "overdue-notice")["state"] == "CONFIRMED"


def test_the_same_sync_against_a_busy_baseline_raises_nothing(stack, clock):
    # GIVEN five notices a day usually, and the same six-invoice sync
    historic_sync(stack, clock, usual=5)
    # WHEN the next tick and the scan run
    clock.advance(timedelta(minutes=1))
    tick(stack)
    scan(stack)
    # THEN no volume alert and no breaker
    assert alerts("unusual_volume") == []
    assert wiring.runtime().alerts.alerts.breaker("acme-uk", "overdue-notice") is None


def test_a_run_the_scheduler_left_overdue_is_stuck_until_resumed(stack, clock):
    # GIVEN a run parked until 08:00
    seed()
    publish(stack, "invoice_created")
    (run,) = wiring.runtime().runs.of_customer("acme-uk", "cus-1")
    wait_for(lambda: parked(run.run_id))
    # WHEN the scheduler has been down for half an hour and the scan runs
    clock.set(clock.now().replace(hour=8, minute=30))
    scan(stack)
    # THEN it is not stuck yet
    assert alerts("stuck_runs") == []
    # WHEN it is 09:30 and the scan runs
    clock.set(clock.now().replace(hour=9, minute=30))
    scan(stack)
    # THEN the workflow has a stuck-run alert naming the run
    (stuck,) = alerts("stuck_runs")
    assert stuck.refs == (run.run_id,) and "1 overdue" in stuck.detail
    # WHEN the scheduler comes back and the scan runs again
    tick(stack)
    wait_for(lambda: parked(run.run_id) and wiring.runtime().runs.get("acme-uk", run.run_id).next_run_at > "2026-11-03")
    scan(stack)
    # THEN the alert is resolved
    assert alerts("stuck_runs") == [] and alerts("stuck_runs", status="resolved")[0].id == stuck.id


def test_a_run_whose_execution_failed_is_stuck(stack, clock):
    # GIVEN a run parked until 08:00, whose customer then disappears from the mirror (advance fails for good)
    seed()
    publish(stack, "invoice_created")
    (run,) = wiring.runtime().runs.of_customer("acme-uk", "cus-1")
    wait_for(lambda: parked(run.run_id))
    boto3.resource("dynamodb").Table(stack.tables["ledger"]).delete_item(
        Key={"pk": "T#acme-uk#C#cus-1", "sk": "customer#cus-1"}
    )
    clock.set(clock.now().replace(hour=8))
    tick(stack)
    sfn = boto3.client("stepfunctions")
    wait_for(
        lambda: (
            [e["status"] for e in sfn.list_executions(stateMachineArn=stack.state_machine_arn)["executions"]]
            == ["FAILED"]
        )
    )
    # WHEN two hours pass and the scan runs
    clock.advance(timedelta(hours=2))
    scan(stack)
    # THEN its workflow has a stuck-run alert for the failed execution
    (stuck,) = alerts("stuck_runs")
    assert stuck.refs == (run.run_id,) and "1 whose execution failed" in stuck.detail
