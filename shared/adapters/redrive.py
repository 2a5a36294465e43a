"""Sending a dead letter back where it failed: an event onto its bus, a payload to its function."""

from __future__ import annotations

import json
from typing import Any

import boto3


class ReplayNotAccepted(Exception):
    """The service did not take the replayed event or invocation; the dead letter stays in its queue."""


class Redrive:
    def __init__(self) -> None:
        self._clients: dict[tuple[str, str], Any] = {}

    def _client(self, service: str, region: str) -> Any:
        if (service, region) not in self._clients:
            self._clients[service, region] = boto3.client(service, region_name=region)
        return self._clients[service, region]

    def put_event(self, bus_name: str, region: str, entry: dict[str, Any]) -> None:
        answer = self._client("events", region).put_events(Entries=[entry | {"EventBusName": bus_name}])
        if answer.get("FailedEntryCount"):
            failed = answer["Entries"][0]
            raise ReplayNotAccepted(f"{failed.get('ErrorCode')}: {failed.get('ErrorMessage')}")

    def invoke_async(self, function_arn: str, payload: Any) -> None:
        region = function_arn.split(":")[3]
        answer = self._client("lambda", region).invoke(
            FunctionName=function_arn, InvocationType="Event", Payload=json.dumps(payload).encode()
        )
        if answer.get("StatusCode") != 202:  # 202: queued for an asynchronous invocation
            raise ReplayNotAccepted(f"Lambda answered {answer.get('StatusCode')}")
