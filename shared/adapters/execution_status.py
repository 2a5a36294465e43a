"""The status of a run's current execution (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED), for the stuck-run
alert. Separate from ``Executions`` so the alerts read executions without widening the runtime's port."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import boto3
from botocore.exceptions import ClientError

from shared.platform.statemachine import execution_name


class ExecutionStatus:
    def __init__(self, state_machine_arn: str) -> None:
        self._arn = state_machine_arn

    @cached_property
    def _client(self) -> Any:
        return boto3.client("stepfunctions")

    def of(self, run_id: str, generation: int) -> str | None:
        """None when the execution does not exist (never started, or deleted)."""
        arn = self._arn.replace(":stateMachine:", ":execution:") + f":{execution_name(run_id, generation)}"
        try:
            status: str = self._client.describe_execution(executionArn=arn)["status"]
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionDoesNotExist":
                return None
            raise
        return status
