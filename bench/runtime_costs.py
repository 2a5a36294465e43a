"""Cost per 1,000 enrolments of a 5-step, 30-day sequence, measured on the local stack (moto, the real state
machine, handlers in-process): AWS calls by service and operation (botocore event hooks), Step Functions state
transitions (execution histories), Lambda invocations, messages; priced at us-east-1 list prices and set beside
the floor. Prints figures and writes bench/results/runtime_costs.json.

    make bench     (or: .venv/bin/python -m bench.runtime_costs --enrolments 20)
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3

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
PRICES = {  # us-east-1 list prices (aws-research §A.2)
    "sfn_transition": 0.025 / 1000,
    "lambda_request": 0.20 / 1_000_000,
    "lambda_gb_second": 0.0000166667,
    "ddb_write_unit": 0.625 / 1_000_000,
    "ddb_read_unit": 0.125 / 1_000_000,
    "eventbridge_event": 1.00 / 1_000_000,
    "ses_message": 0.10 / 1000,
}
LAMBDA_GB_SECONDS_PER_INVOCATION = 0.5 * 0.2  # 512 MB for ~200 ms: an estimate, moto does not measure it
READS = {"GetItem", "Query", "Scan"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enrolments", type=int, default=20)
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
        figures = _measure(args.enrolments)
    for key, value in figures.items():
        print(f"{key:<42} {value}")
    out = Path(__file__).parent / "results" / "runtime_costs.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")


def _measure(enrolments: int) -> dict[str, Any]:
    from functions import wiring
    from shared.clock import FixedClock
    from shared.domain.ledger.models import Contact, Customer, Invoice
    from shared.domain.templates import load_template_text
    from shared.domain.tenant import TenantSettings
    from shared.domain.workflow.loading import load_workflow_text
    from shared.events.contracts import InvoiceCreated
    from shared.local import moto_patches
    from shared.local.stack import provision

    calls: Counter[str] = Counter()
    counting = [False]  # the bench's own look-ups on the main thread are not counted; Step Functions' threads are

    def count(model: Any, **_: Any) -> None:
        if counting[0] or threading.current_thread() is not threading.main_thread():
            calls.update([f"{model.service_model.service_name}.{model.name}"])

    boto3.setup_default_session()
    boto3.DEFAULT_SESSION.events.register("before-call", count)
    clock = FixedClock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    with moto_patches.patched():
        stack = provision("bench")
        os.environ.update(stack.environment())
        wiring.override(clock=clock)
        rt = wiring.runtime()
        rt.ledger.put_tenant(TenantSettings(tenant_id="bench", timezone="Europe/London", country="GB", currency="GBP"))
        rt.workflows.save("bench", load_workflow_text(SEQUENCE))
        rt.messenger.templates.save("bench", load_template_text(TEMPLATE))
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
            rt.ledger.put(
                Invoice(
                    tenant_id="bench",
                    id=f"i{n}",
                    customer_id=f"c{n}",
                    number=f"INV-{n}",
                    currency="GBP",
                    amount=Decimal(100),
                    balance=Decimal(100),
                    issued_on=date(2026, 11, 2),
                    due_on=date(2026, 12, 2),
                )
            )
        counting[0] = True  # measure from the first event on
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
            counting[0] = False
            _settle()
            if _all_done(rt, enrolments):
                break
            due = _next_due(rt, enrolments)
            if due is not None and due > clock.now():
                clock.set(due)
            counting[0] = True
            lam.invoke(FunctionName=stack.functions["tick"], Payload=b"{}")
            ticks += 1
        counting[0] = False
        _settle()
        transitions = _transitions()
        wiring.override()
    per = 1000 / enrolments
    writes = sum(v for k, v in calls.items() if k.split(".")[1] in WRITES) + 2 * calls["dynamodb.TransactWriteItems"]
    reads = sum(v for k, v in calls.items() if k.split(".")[1] in READS)
    sent = calls["sesv2.SendEmail"]
    # Step Functions' Lambda tasks and the tick go through lambda.Invoke; rule targets (one per event) do not
    invocations = calls["lambda.Invoke"] + enrolments
    cost = {
        "step_functions": transitions * PRICES["sfn_transition"],
        "lambda": invocations
        * (PRICES["lambda_request"] + LAMBDA_GB_SECONDS_PER_INVOCATION * PRICES["lambda_gb_second"]),
        "dynamodb": writes * PRICES["ddb_write_unit"] + reads * PRICES["ddb_read_unit"],
        "eventbridge": calls["events.PutEvents"] * PRICES["eventbridge_event"],
        "ses": sent * PRICES["ses_message"],
    }
    floor_transitions = 17  # aws-research §A.4: start, 5 × (act, park, resume) and the end
    return {
        "enrolments": enrolments,
        "ticks": ticks,
        "sfn_transitions_per_enrolment": round(transitions / enrolments, 1),
        "sfn_transitions_floor_per_enrolment": floor_transitions,
        "lambda_invocations_per_enrolment": round(invocations / enrolments, 1),
        "aws_calls_per_enrolment": round(sum(calls.values()) / enrolments, 1),
        "aws_calls_by_operation_per_enrolment": {k: round(v / enrolments, 2) for k, v in sorted(calls.items())},
        "ddb_writes_per_enrolment": round(writes / enrolments, 1),
        "ddb_reads_per_enrolment": round(reads / enrolments, 1),
        "emails_per_enrolment": round(sent / enrolments, 2),
        "cost_per_1000_enrolments_usd": {k: round(v * per, 4) for k, v in cost.items()},
        "cost_per_1000_enrolments_total_usd": round(sum(cost.values()) * per, 4),
        "floor_per_1000_enrolments_usd": round(
            1000 * (floor_transitions * PRICES["sfn_transition"] + sent / enrolments * PRICES["ses_message"]), 4
        ),
    }


def _settle() -> None:
    from tests.integration.conftest import settle

    settle(timeout=20)


def _all_done(rt: Any, enrolments: int) -> bool:
    runs = [r for n in range(enrolments) for r in rt.runs.of_customer("bench", f"c{n}")]
    return len(runs) == enrolments and all(r.status.is_final for r in runs)


def _next_due(rt: Any, enrolments: int) -> datetime | None:
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
