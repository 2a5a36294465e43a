"""The local AWS for integration tests: moto with the two patches, the whole stack provisioned from the
platform facts, and a clock the test moves."""

import json
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from emulator import moto_patches
from emulator.stack import LocalStack, provision, use_local_ports
from functions import wiring
from shared.adapters.dynamodb import client as dynamodb_client
from shared.clock import FixedClock
from shared.platform.statemachine import execution_input

START = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # Monday 07:00 in London (GMT)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def stack(clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalStack]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",  # moto's Step Functions SDK integrations read it
        "AWS_LAMBDA_FUNCTION_NAME": "chaseflow-tests",  # read by Powertools on threads outside a handler
        "TZ": "UTC",
    }.items():
        monkeypatch.setenv(name, value)
    time.tzset()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}), moto_patches.patched():
        dynamodb_client.reset()
        local = provision("it")
        for name, value in local.environment().items():
            monkeypatch.setenv(name, value)
        use_local_ports(clock=clock)
        yield local
        settle()
        wiring.override()
        dynamodb_client.reset()


def wait_for(condition: Callable[[], object], timeout: float = 30.0) -> object:
    """Step Functions runs executions on threads: poll until ``condition`` holds (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout} s; failed executions: {failed_executions()}")


def replay_act(stack: LocalStack, run_id: str, node_id: str, action_key: str, times: int = 2) -> None:
    """Invoke the act function again with an action it already performed (a Lambda retry after a timeout)."""
    payload = {
        **execution_input("acme-uk", run_id, 0),
        "loops": 1,
        "action": {"node_id": node_id, "action_key": action_key, "invoice_ids": ["inv-1"]},
    }
    for _ in range(times):
        boto3.client("lambda").invoke(FunctionName=stack.functions["act"], Payload=json.dumps(payload).encode())


def settle(timeout: float = 10.0) -> None:
    """Let in-flight executions reach a parked or final state, so no handler runs into the next test."""
    sfn = boto3.client("stepfunctions")

    def progress() -> int:
        return sum(
            len(sfn.get_execution_history(executionArn=e["executionArn"])["events"])
            for m in sfn.list_state_machines()["stateMachines"]
            for e in sfn.list_executions(stateMachineArn=m["stateMachineArn"])["executions"]
        )

    deadline, last, quiet = time.monotonic() + timeout, -1, 0
    while time.monotonic() < deadline and quiet < 3:
        current = progress()
        quiet = quiet + 1 if current == last else 0
        last = current
        time.sleep(0.1)


def failed_executions() -> list[str]:
    """The error and cause of every failed state-machine task, to say why a wait timed out."""
    sfn = boto3.client("stepfunctions")
    found = []
    for machine in sfn.list_state_machines()["stateMachines"]:
        for execution in sfn.list_executions(stateMachineArn=machine["stateMachineArn"])["executions"]:
            for event in sfn.get_execution_history(executionArn=execution["executionArn"])["events"]:
                details = event.get("taskFailedEventDetails") or event.get("lambdaFunctionFailedEventDetails")
                if details:
                    found.append(f"{execution['name']}: {details.get('error')}: {str(details.get('cause'))[:1500]}")
    return found


def environment_ready() -> bool:
    return "CORE_TABLE" in os.environ
