"""The outbox relay: an event written to the outbox (in the same transaction as the change it announces) is put
on the bus. The outbox table's stream delivers each new item at least once; a repeat publishes the same event id
again, which consumers drop."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger

from shared.events.contracts import DomainEvent, parse_detail
from shared.usecases.runtime import Runtime

logger = Logger(child=True)


def relay(rt: Runtime, detail_type: str, detail: str) -> DomainEvent:
    """Publish one outbox event (its contract's detail-type and JSON detail); returns it."""
    event = parse_detail(detail_type, json.loads(detail))
    rt.publisher.publish([event])
    logger.info("outbox event published", extra={"detail_type": detail_type, "event_id": event.event_id})
    return event
