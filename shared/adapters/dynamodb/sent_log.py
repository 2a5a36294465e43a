"""What the alerts read of the communications log, kept on the core table by the ledger's own writes.

The ledger keeps messages in each customer's partition; the alerts need a tenant's messages by time:
- message index: pk ``T#{tenant}#SENT#{UTC date}``, sk the message id, the message JSON (its status kept current
  by every later write of the message, e.g. a bounce) — duplicate, deliverability and send-failure detectors;
- send counters: pk ``T#{tenant}#SENDS#{UTC date}``, sk the workflow id, ``hHH`` = messages that went out in that
  UTC hour — the volume detector reads 15 small partitions instead of every message;
- metrics: a message's status change (never a rewrite of the same status) counts once; a new task counts once.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from boto3.dynamodb.conditions import Key

from shared.adapters.dynamodb.client import every_item, table
from shared.domain.ledger.models import Channel, Communication, CommunicationStatus, Direction, LedgerRecord, Task
from shared.ports import Metrics

_EMAIL_METRIC = {
    CommunicationStatus.SENT: "EmailsSent",
    CommunicationStatus.FAILED: "EmailsFailed",
    CommunicationStatus.BLOCKED: "EmailsFailed",
    CommunicationStatus.BOUNCED: "EmailsBounced",
    CommunicationStatus.COMPLAINED: "EmailsComplained",
}
_SMS_METRIC = {
    CommunicationStatus.SENT: "SmsSent",
    CommunicationStatus.FAILED: "SmsFailed",
    CommunicationStatus.BLOCKED: "SmsFailed",
}


WENT_OUT = frozenset(
    {
        CommunicationStatus.SENT,
        CommunicationStatus.DELIVERED,
        CommunicationStatus.BOUNCED,
        CommunicationStatus.COMPLAINED,
    }
)


class SentLog:
    def __init__(self, core_table: str, metrics: Metrics) -> None:
        self._table = table(core_table)
        self._metrics = metrics

    def observe(self, record: LedgerRecord, old_item: dict[str, Any] | None) -> None:
        """Called by the ledger after it stored ``record`` (``old_item``: what the write replaced)."""
        if isinstance(record, Task) and old_item is None:
            self._metrics.count("TasksCreated")
        if not isinstance(record, Communication) or record.direction is not Direction.SENT:
            return
        old_status = json.loads(old_item["body"]).get("status") if old_item else None
        at = record.at.astimezone(UTC)
        body = record.model_copy(update={"body_text": ""}).model_dump_json()
        self._table.put_item(
            Item={"pk": _index_pk(record.tenant_id, at.date()), "sk": record.id, "body": body, "status": record.status}
        )
        if old_status == record.status.value:
            return  # a rewrite (a replayed step, a re-delivered event): counted already
        names = _SMS_METRIC if record.channel is Channel.SMS else _EMAIL_METRIC
        if record.status in names:
            self._metrics.count(names[record.status])
        if record.status in WENT_OUT and old_status not in WENT_OUT and record.workflow_id:
            self._table.update_item(
                Key={"pk": _counter_pk(record.tenant_id, at.date()), "sk": record.workflow_id},
                UpdateExpression="ADD #hour :one",
                ExpressionAttributeNames={"#hour": f"h{at.hour:02d}"},
                ExpressionAttributeValues={":one": 1},
            )

    def messages(self, tenant_id: str, since: datetime, until: datetime) -> list[Communication]:
        """The tenant's sent (or not sent) messages logged between ``since`` and ``until``."""
        found = []
        for day in _days(since, until):
            for item in _query_all(self._table, _index_pk(tenant_id, day)):
                message = Communication.model_validate_json(item["body"])
                if since <= message.at <= until:
                    found.append(message)
        return sorted(found, key=lambda m: (m.at, m.id))

    def hourly_sends(self, tenant_id: str, since: datetime, until: datetime) -> dict[str, dict[datetime, int]]:
        """Per workflow, messages that went out in each UTC hour (keyed by its start) between the two days."""
        sends: dict[str, dict[datetime, int]] = {}
        for day in _days(since, until):
            for item in _query_all(self._table, _counter_pk(tenant_id, day)):
                hours = sends.setdefault(item["sk"], {})
                for name, value in item.items():
                    if name.startswith("h") and name[1:].isdigit():
                        hours[datetime(day.year, day.month, day.day, int(name[1:]), tzinfo=UTC)] = int(value)
        return sends


def _index_pk(tenant_id: str, day: date) -> str:
    return f"T#{tenant_id}#SENT#{day.isoformat()}"


def _counter_pk(tenant_id: str, day: date) -> str:
    return f"T#{tenant_id}#SENDS#{day.isoformat()}"


def _days(since: datetime, until: datetime) -> list[date]:
    first, last = since.astimezone(UTC).date(), until.astimezone(UTC).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _query_all(handle: Any, pk: str) -> list[dict[str, Any]]:
    return every_item(handle.query, KeyConditionExpression=Key("pk").eq(pk))
