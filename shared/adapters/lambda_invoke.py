"""Asynchronous invocation of our own functions (the tick fans the day's sweep out into shards)."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import boto3


class Invoker:
    def __init__(self, function_arn: str) -> None:
        self._arn = function_arn

    @cached_property
    def _client(self) -> Any:
        return boto3.client("lambda")

    def invoke_async(self, payload: dict[str, Any]) -> None:
        self._client.invoke(FunctionName=self._arn, InvocationType="Event", Payload=json.dumps(payload).encode())
