"""The in-process state machine of the simulations (``emulator.statemachine``) runs the platform's definition
as moto's interpreter does: the same scenario, every branch of the definition (act, park, continue-as-new, a
failure recorded by RecordFailure, a retry, the end), gives the same runs, steps, tasks and execution statuses."""

from datetime import timedelta
from typing import Any

import boto3
import pytest

from emulator.stack import use_local_ports
from emulator.statemachine import LocalExecutions, from_moto
from functions import wiring
from shared.adapters.stepfunctions import Executions
from shared.clock import FixedClock
from shared.domain.engine.run import RunStatus
from shared.platform import statemachine
from shared.usecases import controls
from tests.integration import test_payment_stops as dunning
from tests.integration.conftest import START, wait_for
from tests.integration.test_runtime_flow import tasks, tick


def settled_on_moto(stack) -> None:
    """moto runs executions on threads: wait until every live run waits for its token again, and every execution
    still running is one of those (a run's item is written before its execution leaves the task)."""
    sfn = boto3.client("stepfunctions")

    def settled() -> bool:
        runs = _stored_runs()
        waiting = sum(not r.state.status.is_final and r.parking == "WAITING" for r in runs)
        executions = sfn.list_executions(stateMachineArn=stack.state_machine_arn)["executions"]
        running = sum(e["status"] == "RUNNING" for e in executions)
        return all(r.state.status.is_final or r.parking == "WAITING" for r in runs) and running <= waiting

    wait_for(settled)


def _stored_runs() -> list[Any]:
    rt = wiring.runtime()
    return [rt.runs.get("acme-uk", run.run_id) for run in rt.runs.of_customer("acme-uk", "cus-1")]


def scenario(stack, clock, settle) -> dict[str, Any]:
    """Monday's sweep enrols the overdue customer (first call, then a week's wait); a person pauses the run until
    Thursday and the tick resumes it then, and each re-park continues as new; the ERP deletes the customer behind
    our back, so Monday's step fails and RecordFailure marks the run failed; the customer comes back, a person
    retries, and the run completes."""
    dunning.seed()
    clock.set(clock.now().replace(hour=8))
    tick(stack)
    settle()
    (run,) = wiring.runtime().runs.of_customer("acme-uk", "cus-1")
    controls.pause_run(wiring.runtime(), "acme-uk", run.run_id, until=clock.now() + timedelta(days=3, hours=1))
    settle()
    clock.set(clock.now() + timedelta(days=3, hours=1))
    tick(stack)
    settle()
    customer = wiring.runtime().ledger.view("acme-uk", "cus-1").customer
    boto3.resource("dynamodb").Table(stack.tables["ledger"]).delete_item(
        Key={"pk": "T#acme-uk#C#cus-1", "sk": "customer#cus-1"}
    )
    clock.set(clock.now() + timedelta(days=3, hours=23))
    tick(stack)
    settle()
    failed = wiring.runtime().runs.get("acme-uk", run.run_id).state
    wiring.runtime().ledger.put(customer, force=True)
    controls.retry_run(wiring.runtime(), "acme-uk", run.run_id)
    settle()
    final = wiring.runtime().runs.get("acme-uk", run.run_id).state
    executions = wiring.runtime().executions
    return {
        "failed": (failed.status, failed.end_reason, failed.generation),
        "final": (final.status, final.end_reason, final.generation),
        "steps": [(step.node_id, step.outcome, step.at) for step in final.history],
        "tasks": [task.title for task in tasks()],
        "executions": [executions.of(run.run_id, g) for g in range(final.generation + 2)],
    }


@pytest.fixture
def one_loop_per_execution(monkeypatch):
    """Continue as new at the second park of an execution, so that the scenario crosses ContinueAsNew."""
    monkeypatch.setattr(statemachine, "MAX_LOOPS_PER_EXECUTION", 2)


def test_the_in_process_state_machine_runs_the_definition_as_moto_does(stack, clock, one_loop_per_execution):
    # GIVEN the scenario's outcome on moto's interpreter
    on_moto = scenario(stack, clock, lambda: settled_on_moto(stack))
    assert wiring.runtime().executions.__class__ is Executions
    # WHEN the same scenario runs again, on a fresh stack, with the in-process state machine
    # (the fixture's stack is reused: the first run's items are deleted and a new clock starts again)
    for table in stack.tables.values():
        _empty(table)
    machine, again = from_moto(stack.state_machine_arn), FixedClock(START)
    use_local_ports(clock=again, executions=LocalExecutions(machine))
    in_process = scenario(stack, again, machine.drain)
    # THEN the runs, their steps, the tasks and the execution statuses are the same
    assert in_process == on_moto
    # AND the scenario crossed every branch: two continues-as-new, a recorded failure, a retry, the end
    assert on_moto["failed"] == (RunStatus.FAILED, "failed: PermanentError", 2)
    assert on_moto["final"] == (RunStatus.COMPLETED, "completed", 3)
    assert on_moto["executions"] == ["SUCCEEDED", "SUCCEEDED", "FAILED", "SUCCEEDED", None]
    assert on_moto["tasks"] == ["First reminder call", "Second reminder call"]


def _empty(table_name: str) -> None:
    table = boto3.resource("dynamodb").Table(table_name)
    keys = [k["AttributeName"] for k in table.key_schema]
    with table.batch_writer() as batch:
        for item in table.scan()["Items"]:
            batch.delete_item(Key={k: item[k] for k in keys})
