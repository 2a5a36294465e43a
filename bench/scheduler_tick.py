"""Scheduler: how many due runs one tick resumes per second on the local stack (moto, the real state machine,
handlers in-process), and the tick's AWS calls per resumed run. For each size N, N enrolments are parked on a
one-day wait, the clock moves two days on, and one tick is timed. Prints figures and writes
bench/results/scheduler_tick.json.

    make bench     (or: .venv/bin/python -m bench.scheduler_tick --runs 200 1000)
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3

from bench.fixtures import invoice
from bench.meters import CallCounter, Switch

if TYPE_CHECKING:  # the runtime is imported once the benchmark has set up its environment
    from shared.usecases.runtime import Runtime

WORKFLOW = """
id: wait-a-day
name: Wait a day, then end
status: active
trigger: {type: invoice_created}
settings: {send_on_weekends: true}
nodes:
  - {id: one-day, type: wait, days: 1}
  - {id: done, type: end}
"""
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--runs", type=int, nargs="+", default=[200], help="sizes (1000 takes ~10 minutes: parking is slow on moto)"
    )
    args = parser.parse_args()
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "TZ": "UTC",
        "AWS_LAMBDA_FUNCTION_NAME": "chaseflow-bench",
        "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
    }.items():
        os.environ[key] = value
    time.tzset()
    from moto import mock_aws

    results = []
    for runs in args.runs:
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            results.append(_measure(runs))
    for result in results:
        for key, value in result.items():
            print(f"{key:<40} {value}")
        print()
    out = Path(__file__).parent / "results" / "scheduler_tick.json"
    out.write_text(json.dumps({"ticks": results}, indent=2) + "\n")


def _measure(runs: int) -> dict[str, Any]:
    from emulator import moto_patches
    from emulator.stack import provision, use_local_ports
    from functions import wiring
    from shared.adapters.dynamodb import client as dynamodb_client
    from shared.clock import FixedClock
    from shared.domain.engine.run import RunState, run_id_for
    from shared.domain.ledger.models import Customer
    from shared.domain.tenant import TenantSettings
    from shared.domain.workflow.loading import load_workflow_text

    boto3.setup_default_session()
    switch = Switch(main_thread_only=True)  # the tick runs on the calling thread; resumed executions do not
    counter = CallCounter(boto3.DEFAULT_SESSION, switch)
    clock = FixedClock(START)
    with moto_patches.patched():
        dynamodb_client.reset()
        stack = provision("bench")
        os.environ.update(stack.environment())
        use_local_ports(clock=clock)
        rt = wiring.runtime()
        rt.ledger.put_tenant(TenantSettings(tenant_id="bench", timezone="Europe/London", country="GB", currency="GBP"))
        workflow = rt.workflows.save("bench", load_workflow_text(WORKFLOW))
        started = time.perf_counter()
        created = []
        for n in range(runs):  # enrol directly (the event path is measured by the cost benchmark)
            rt.ledger.put(Customer(tenant_id="bench", id=f"c{n}", name=f"Customer {n}", currency="GBP"))
            rt.ledger.put(invoice(n))
            run = RunState(
                tenant_id="bench",
                run_id=run_id_for("bench", workflow.id, f"i{n}", "once"),
                workflow_id=workflow.id,
                workflow_version=workflow.version,
                level=workflow.level,
                record_id=f"i{n}",
                customer_id=f"c{n}",
                invoice_ids=(f"i{n}",),
                node_id="one-day",
                node_entered_at=START,
                enrolled_at=START,
            )
            rt.runs.create(run, once=True)
            created.append(run)
        # then the executions: moto's tables are not thread-safe, so the bench writes nothing while they park
        for run in created:
            rt.executions.start(run)
        parked = _wait_parked(stack.tables["core"], runs)
        park_s = time.perf_counter() - started
        clock.advance(timedelta(days=2))
        lam = boto3.client("lambda")
        switch.on = True
        tick_started = time.perf_counter()
        answer = json.loads(lam.invoke(FunctionName=stack.functions["tick"], Payload=b"{}")["Payload"].read())
        tick_s = time.perf_counter() - tick_started
        switch.on = False
        calls, seconds = dict(counter.calls), dict(counter.seconds)
        calls["lambda.Invoke"] = calls.get("lambda.Invoke", 0) - 1  # the schedule's invocation of the tick itself
        _wait_finished(rt, stack.tables["core"])
        wiring.override()
    resumed = int(answer["resumed"])
    return {
        "runs_parked": parked,
        "parking_s": round(park_s, 1),
        "runs_resumed_by_one_tick": resumed,
        "tick_s": round(tick_s, 2),
        "runs_resumed_per_s": round(resumed / tick_s, 1),
        "aws_calls_per_resumed_run": round(sum(calls.values()) / max(resumed, 1), 2),
        "aws_calls_by_operation_per_resumed_run": {
            k: round(v / max(resumed, 1), 2) for k, v in sorted(calls.items()) if v
        },
        "tick_seconds_by_operation": {k: round(v, 2) for k, v in sorted(seconds.items()) if k != "lambda.Invoke"},
        "note": "times are moto's in-process emulation, with the resumed executions' threads competing for the "
        "interpreter (moto also finds a task token by asking every running execution); the calls per resumed run "
        "carry over to AWS, the seconds do not",
        "tick_lambda_timeout_s": 60,
        "runs_one_tick_can_resume_within_its_timeout": int(60 * resumed / tick_s),
    }


def _wait_parked(table_name: str, runs: int, timeout: float = 600) -> int:
    """Every run parked on its token (WAITING): the due index then holds them all."""
    ddb = boto3.client("dynamodb")
    deadline, waiting = time.monotonic() + timeout, 0
    while time.monotonic() < deadline and waiting < runs:
        time.sleep(1.0)
        try:
            waiting = ddb.scan(
                TableName=table_name,
                Select="COUNT",
                FilterExpression="parking = :waiting",
                ExpressionAttributeValues={":waiting": {"S": "WAITING"}},
            )["Count"]
        except RuntimeError:  # moto's scan met an item an execution was writing: look again
            continue
    return int(waiting)


def _wait_finished(rt: Runtime, core_table: str, timeout: float = 600) -> None:
    from emulator.restart import unfinished

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(2.0)
        try:
            if not unfinished(rt, core_table):
                return
        except RuntimeError:  # moto's scan met an item an execution was writing: look again
            continue


if __name__ == "__main__":
    main()
