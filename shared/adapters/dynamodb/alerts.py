"""Alerts on the core table, every key starting with the tenant.

- alert: pk ``T#{tenant}#ALERTS``, sk the deterministic alert id (one item per cause, so one open alert per
  cause); every write is conditional on the revision read, so concurrent scans never raise a cause twice;
- circuit breaker: pk ``T#{tenant}#BREAKER``, sk the workflow id (TRIPPED, or CONFIRMED for a local day);
- digest marker: pk ``T#{tenant}#DIGEST``, sk the local date (the digest is sent once per tenant per day).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from shared.adapters.dynamodb.client import every_item, table
from shared.domain.alerts import Alert
from shared.domain.alerts.runs import RunSnapshot
from shared.domain.engine.run import RunState, RunStatus


class AlertRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table(table_name)

    def all(self, tenant_id: str) -> list[Alert]:
        items = every_item(self._table.query, KeyConditionExpression=Key("pk").eq(f"T#{tenant_id}#ALERTS"))
        return [Alert.model_validate_json(i["body"]) for i in items]

    def get(self, tenant_id: str, alert_id: str) -> Alert | None:
        item = self._table.get_item(Key={"pk": f"T#{tenant_id}#ALERTS", "sk": alert_id}, ConsistentRead=True).get(
            "Item"
        )
        return None if item is None else Alert.model_validate_json(item["body"])

    def write(self, alert: Alert, replaces: Alert | None) -> bool:
        """Store ``alert`` if the stored one is still ``replaces`` (None: there is none); False if it changed."""
        condition = Attr("pk").not_exists() if replaces is None else Attr("revision").eq(replaces.revision)
        return _conditional_put(
            self._table,
            {
                "pk": f"T#{alert.tenant_id}#ALERTS",
                "sk": alert.id,
                "body": alert.model_dump_json(),
                "status": alert.status.value,
                "revision": alert.revision,
            },
            condition,
        )

    def breaker(self, tenant_id: str, workflow_id: str) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self._table.get_item(
            Key={"pk": f"T#{tenant_id}#BREAKER", "sk": workflow_id}, ConsistentRead=True
        ).get("Item")
        return item

    def trip(self, tenant_id: str, workflow_id: str, day: str, alert_id: str, now: datetime) -> bool:
        """Trip the workflow's breaker, unless it is tripped already or a person confirmed ``day``'s volume."""
        return _conditional_put(
            self._table,
            {
                "pk": f"T#{tenant_id}#BREAKER",
                "sk": workflow_id,
                "state": "TRIPPED",
                "alert_id": alert_id,
                "at": now.isoformat(),
            },
            Attr("pk").not_exists() | (Attr("state").eq("CONFIRMED") & Attr("day").ne(day)),
        )

    def confirm(self, tenant_id: str, workflow_id: str, day: str, by: str, now: datetime) -> None:
        """A person confirmed the volume: sends resume, and the breaker stays closed for the rest of ``day``."""
        self._table.put_item(
            Item={
                "pk": f"T#{tenant_id}#BREAKER",
                "sk": workflow_id,
                "state": "CONFIRMED",
                "day": day,
                "by": by,
                "at": now.isoformat(),
            }
        )

    def mark_digest(self, tenant_id: str, day: str, now: datetime) -> bool:
        """True the first time the digest of ``day`` is claimed; False afterwards."""
        return _conditional_put(
            self._table,
            {"pk": f"T#{tenant_id}#DIGEST", "sk": day, "at": now.isoformat()},
            Attr("pk").not_exists(),
        )

    def release_digest(self, tenant_id: str, day: str) -> None:
        self._table.delete_item(Key={"pk": f"T#{tenant_id}#DIGEST", "sk": day})

    def active_runs(self, tenant_id: str) -> list[RunSnapshot]:
        """The tenant's active and failed run items. A filtered scan, like the run controls' (a sparse index on
        active runs is the upgrade when tables grow)."""
        condition = Attr("sk").eq("RUN") & Attr("tenant_id").eq(tenant_id) & Attr("status").is_in(["active", "failed"])
        found = []
        for item in every_item(self._table.scan, FilterExpression=condition):
            state = RunState.model_validate_json(item["state"])
            last = max([state.enrolled_at, state.node_entered_at, *(h.at for h in state.history)])
            due = item.get("next_run_at")
            found.append(
                RunSnapshot(
                    run_id=state.run_id,
                    workflow_id=state.workflow_id,
                    parking=item.get("parking"),
                    next_run_at=datetime.fromisoformat(due.replace("Z", "+00:00")) if due else None,
                    last_activity=last,
                    generation=state.generation,
                    failed=state.status is RunStatus.FAILED,
                )
            )
        return found


def _conditional_put(handle: Any, item: dict[str, Any], condition: Any) -> bool:
    try:
        handle.put_item(Item=item, ConditionExpression=condition)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True
