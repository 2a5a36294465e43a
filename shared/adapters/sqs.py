"""An SQS queue read the way an operator reads a dead-letter queue: look at every message without consuming it,
delete one only when asked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import boto3

BATCH = 10  # ReceiveMessage and the batch calls take at most ten messages
_REGION_IN_URL = re.compile(r"://sqs[.-]([a-z0-9-]+)\.amazonaws\.com")


class PeekedQueue:
    """``hold`` receives every message and hides it for ``hold_s`` seconds, so that a second pass over a large
    queue does not return the same messages again and each message has one current receipt handle (the one
    ``delete`` needs); ``release`` makes the messages visible again at once. A message received this way counts
    one more receive (``ApproximateReceiveCount``); a dead-letter queue has no redrive policy, so nothing moves."""

    def __init__(self, queue_url: str, *, hold_s: int = 60, limit: int = 1000) -> None:
        self.queue_url = queue_url
        self._hold_s = hold_s
        self._limit = limit

    @cached_property
    def _client(self) -> Any:
        found = _REGION_IN_URL.search(self.queue_url)  # the queue's region, whatever the default one is
        return boto3.client("sqs", region_name=found.group(1)) if found else boto3.client("sqs")

    def hold(self) -> list[dict[str, Any]]:
        held: dict[str, dict[str, Any]] = {}
        while len(held) < self._limit:
            answer = self._client.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=BATCH,
                VisibilityTimeout=self._hold_s,
                WaitTimeSeconds=0,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            batch = answer.get("Messages", [])
            if not batch:
                break
            held |= {message["MessageId"]: message for message in batch}
        return list(held.values())

    def release(self, messages: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(messages), BATCH):
            entries = [
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for n, m in enumerate(messages[start : start + BATCH])
            ]
            self._client.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries)

    def delete(self, message: dict[str, Any]) -> None:
        self._client.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
