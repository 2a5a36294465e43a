"""Cost per 1,000 enrolments of a 5-step, 30-day sequence, measured on the local stack (moto, the real state
machine, handlers in-process): AWS calls by service and operation (botocore event hooks), Step Functions state
transitions (execution histories), Lambda invocations and estimated GB-seconds, DynamoDB read/write units
(``ReturnConsumedCapacity`` and billing rules, see bench/meters.py), EventBridge events, SES messages; priced at
us-east-1 list prices and set beside the floor (bench/costs.py). Writes bench/results/runtime_costs.json.

    make bench     (or: .venv/bin/python -m bench.runtime_costs --enrolments 20)
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from bench.costs import Meters, figures
from bench.fixtures import invoice
from bench.meters import LambdaTimer

if TYPE_CHECKING:  # the runtime is imported once the benchmark has set up its environment
    from shared.usecases.runtime import Runtime

SEQUENCE = """
id: five-steps
name: Five steps over thirty days
status: active
trigger:
  type: invoice_created
  filters: [[invoice.days_issued, "<=", 3]]
settings:
  run_hours: {start: "08:00", end: "18:00"}
  send_on_weekends: true
nodes:
  - {id: day-0, type: send_email, template: reminder}
  - {id: wait-7, type: wait, days: 7}
  - {id: day-7, type: send_email, template: reminder}
  - {id: wait-14, type: wait, days: 7}
  - {id: day-14, type: task, title: Call the customer}
  - {id: wait-21, type: wait, days: 7}
  - {id: day-21, type: send_email, template: reminder}
  - {id: wait-30, type: wait, days: 9}
  - {id: day-30, type: task, title: Escalate}
"""
TEMPLATE = (
    'id: reminder\nchannel: email\nsubject: "Invoice {{ invoices[0].number }}"\ntext: "Dear {{ contact.name }}."\n'
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enrolments", type=int, default=10)
    args = parser.parse_args()
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "TZ": "UTC",
        "AWS_LAMBDA_FUNCTION_NAME": "chaseflow-bench",
    }.items():
        os.environ[key] = value
    time.tzset()
    from moto import mock_aws

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        measured = _measure(args.enrolments)
    for key, value in measured.items():
        print(f"{key:<42} {value}")
    out = Path(__file__).parent / "results" / "runtime_costs.json"
    out.write_text(json.dumps(measured, indent=2) + "\n")


def _measure(enrolments: int) -> dict[str, Any]:
    from emulator import moto_patches
    from emulator.stack import provision, use_local_ports
    from functions import wiring
    from shared.clock import FixedClock
    from shared.domain.ledger.models import Contact, Customer
    from shared.domain.templates import load_template_text
    from shared.domain.tenant import TenantSettings
    from shared.domain.workflow.loading import load_workflow_text
    from shared.events.contracts import InvoiceCreated

    boto3.setup_default_session()
    session = boto3.DEFAULT_SESSION
    meters = Meters(session)
    clock = FixedClock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    with moto_patches.patched():
        meters.lambdas = LambdaTimer(meters.switch)  # wraps the in-process invocation patch: apply it first
        stack = provision("bench")
        os.environ.update(stack.environment())
        use_local_ports(clock=clock)
        rt = wiring.runtime()
        rt.ledger.put_tenant(TenantSettings(tenant_id="bench", timezone="Europe/London", country="GB", currency="GBP"))
        rt.workflows.save("bench", load_workflow_text(SEQUENCE))
        rt.templates.save("bench", load_template_text(TEMPLATE))
        for n in range(enrolments):
            rt.ledger.put(Customer(tenant_id="bench", id=f"c{n}", name=f"Customer {n}", currency="GBP"))
            rt.ledger.put(
                Contact(
                    tenant_id="bench",
                    id=f"k{n}",
                    customer_id=f"c{n}",
                    name="AP",
                    is_primary=True,
                    email=f"ap{n}@customer.example",
                )
            )
            rt.ledger.put(invoice(n))
        meters.start()  # measure from the first event on
        events = boto3.client("events")
        for n in range(enrolments):
            event = InvoiceCreated(
                event_id=f"evt-{n:08d}",
                tenant_id="bench",
                customer_id=f"c{n}",
                record_id=f"i{n}",
                occurred_at=clock.now(),
            )
            events.put_events(Entries=[event.entry(stack.bus_name)])
        lam = boto3.client("lambda")
        ticks = 0
        while ticks < 200:  # jump the clock from one due time to the next, as a minute-by-minute tick would
            meters.stop()  # the bench's own look-ups are not counted
            _settle()
            if _all_done(rt, enrolments):
                break
            due = _next_due(rt, enrolments)
            if due is not None and due > clock.now():
                clock.set(due)
            meters.start()
            lam.invoke(FunctionName=stack.functions["tick"], Payload=b"{}")
            ticks += 1
        meters.stop()
        _settle()
        transitions = _transitions()
        wiring.override()
    return figures(meters, transitions, enrolments, ticks)


def _settle() -> None:
    from tests.integration.conftest import settle

    settle(timeout=20)


def _all_done(rt: Runtime, enrolments: int) -> bool:
    runs = [r for n in range(enrolments) for r in rt.runs.of_customer("bench", f"c{n}")]
    return len(runs) == enrolments and all(r.status.is_final for r in runs)


def _next_due(rt: Runtime, enrolments: int) -> datetime | None:
    times = []
    for n in range(enrolments):
        for run in rt.runs.of_customer("bench", f"c{n}"):
            stored = rt.runs.get("bench", run.run_id)
            if stored is not None and stored.next_run_at:
                times.append(datetime.fromisoformat(stored.next_run_at.replace("Z", "+00:00")))
    return min(times) if times else None


def _transitions() -> int:
    """State transitions billed: every state entered, in every execution's history."""
    sfn = boto3.client("stepfunctions")
    return sum(
        event["type"].endswith("StateEntered")
        for machine in sfn.list_state_machines()["stateMachines"]
        for execution in sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]
        for event in sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
    )


if __name__ == "__main__":
    main()
