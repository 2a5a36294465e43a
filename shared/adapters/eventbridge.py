"""Domain events onto the custom bus: PutEvents in batches of ten (the API's limit), failed entries retried."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

import boto3

from shared.errors import EventsNotPublished
from shared.events.contracts import DomainEvent

BATCH = 10  # PutEvents takes at most ten entries
ATTEMPTS = 3  # EventBridge may fail single entries (throttling, internal errors): AWS advises resending those


class EventPublisher:
    def __init__(self, bus_name: str, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._bus_name = bus_name
        self._sleep = sleep

    @cached_property
    def _client(self) -> Any:
        return boto3.client("events")

    def publish(self, events: Sequence[DomainEvent]) -> None:
        """Put every event on the bus, ten per call; raise ``EventsNotPublished`` when some never got in."""
        entries = [event.entry(self._bus_name) for event in events]
        for start in range(0, len(entries), BATCH):
            self._put(entries[start : start + BATCH])

    def _put(self, entries: list[dict[str, Any]]) -> None:
        pending, codes = entries, list[str]()
        for attempt in range(ATTEMPTS):
            if attempt:
                self._sleep(0.05 * 2**attempt)
            response = self._client.put_events(Entries=pending)
            if not response.get("FailedEntryCount"):
                return
            results = zip(pending, response["Entries"], strict=True)  # the answers come in the request's order
            failed = [(entry, result) for entry, result in results if result.get("ErrorCode")]
            pending = [entry for entry, _ in failed]
            codes = sorted({str(result["ErrorCode"]) for _, result in failed})
        raise EventsNotPublished(f"{len(pending)} events not accepted by EventBridge: {', '.join(codes)}")
