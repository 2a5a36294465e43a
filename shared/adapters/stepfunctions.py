"""Step Functions: start one execution per enrolment (idempotent by name) and resume parked ones."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import boto3
from botocore.exceptions import ClientError

from shared.domain.engine.run import RunState
from shared.platform.statemachine import execution_input, execution_name

GONE = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}


class Executions:
    def __init__(self, state_machine_arn: str) -> None:
        self._arn = state_machine_arn

    @cached_property
    def _client(self) -> Any:
        return boto3.client("stepfunctions")

    def start(self, run: RunState) -> str:
        """Start the run's execution; starting the same run and generation again returns the same execution."""
        name = execution_name(run.run_id, run.generation)
        payload = json.dumps(execution_input(run.tenant_id, run.run_id, run.generation))
        try:
            arn: str = self._client.start_execution(stateMachineArn=self._arn, name=name, input=payload)["executionArn"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
                raise
            arn = self._arn.replace(":stateMachine:", ":execution:") + f":{name}"
        return arn

    def status(self, run: RunState) -> str | None:
        """RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED for the run's current execution; None when none."""
        return self.of(run.run_id, run.generation)

    def of(self, run_id: str, generation: int) -> str | None:
        """The status of the run's execution of ``generation``; None when it does not exist (never started)."""
        try:
            found: str = self._client.describe_execution(executionArn=self._execution_arn(run_id, generation))["status"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionDoesNotExist":
                return None
            raise
        return found

    def _execution_arn(self, run_id: str, generation: int) -> str:
        return self._arn.replace(":stateMachine:", ":execution:") + f":{execution_name(run_id, generation)}"

    def stop(self, run: RunState) -> bool:
        """Abort the run's current execution; False when there is none (never started, or already gone).

        The run item is the truth: advance ends a stopped run even where the abort did not take (moto does not
        abort an execution parked on a token)."""
        try:
            self._client.stop_execution(
                executionArn=self._execution_arn(run.run_id, run.generation), cause="stopped by a person"
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionDoesNotExist":
                return False
            raise
        return True

    def resume(self, task_token: str, payload: dict[str, Any]) -> bool:
        """Hand the parked execution its token back; False when the token is stale (timed out, already used)."""
        try:
            self._client.send_task_success(taskToken=task_token, output=json.dumps(payload))
        except ClientError as error:
            if error.response["Error"]["Code"] in GONE:
                return False
            raise
        return True
