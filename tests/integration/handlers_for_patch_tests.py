"""Lambda handlers that `test_moto_patches.py` deploys on moto: they record their calls and write through boto3."""

import os
import time
from typing import Any

import boto3

CALLS: list[dict[str, Any]] = []


class PaymentLookupFailedError(Exception):
    """A typed error: its class name is what the state machine's Retry/Catch match."""


def _record(name: str, event: Any, context: Any) -> None:
    CALLS.append(
        {
            "handler": name,
            "event": event,
            "mode": os.environ.get("MODE"),
            "function_name": context.function_name,
            "remaining_ms": context.get_remaining_time_in_millis(),
            "request_id": context.aws_request_id,
        }
    )


def record(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Record the call and write one item (keyed by the event's id or key) to the table named in TABLE_NAME."""
    _record("record", event, context)
    key = str(event.get("id") or event.get("key"))
    # no region argument: the patch provides AWS_DEFAULT_REGION as the Lambda runtime does
    boto3.client("dynamodb").put_item(
        TableName=os.environ["TABLE_NAME"], Item={"pk": {"S": key}, "mode": {"S": os.environ["MODE"]}}
    )
    return {"recorded": key, "mode": os.environ["MODE"]}


def fail(event: dict[str, Any], context: Any) -> None:
    """Always raise the typed error."""
    _record("fail", event, context)
    raise PaymentLookupFailedError(f"ledger unavailable for {event.get('key', 'event')}")


def fail_once(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Raise the typed error on the first call for a key, succeed on the next ones."""
    _record("fail_once", event, context)
    attempts = sum(1 for call in CALLS if call["handler"] == "fail_once" and call["event"] == event)
    if attempts == 1:
        raise PaymentLookupFailedError("ledger busy")
    return {"attempts": attempts}


def read_mode_twice(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Read MODE, yield the processor, read it again: another handler must not change it meanwhile."""
    before = os.environ["MODE"]
    time.sleep(0.05)
    return {"before": before, "after": os.environ["MODE"]}


def invoke_other(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Invoke another function from inside a handler (the lock must be re-entrant)."""
    before = os.environ["MODE"]
    response = boto3.client("lambda").invoke(FunctionName=event["other"], Payload=b'{"key": "inner"}')
    return {"before": before, "inner": response["Payload"].read().decode(), "after": os.environ["MODE"]}
