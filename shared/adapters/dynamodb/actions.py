"""Exactly-once markers for actions: pk ``T#{tenant}#ACT#{action_key}``. Claimed before the side effect,
completed after it; a retried or duplicated step finds the marker and never acts twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamodb.client import table


class ActionLog:
    def __init__(self, table_name: str) -> None:
        self._table = table(table_name)

    def claim(self, tenant_id: str, action_key: str, run_id: str, node_id: str, now: datetime) -> dict[str, Any] | None:
        """Claim the action; None when newly claimed, else the marker a previous attempt left."""
        key = {"pk": f"T#{tenant_id}#ACT#{action_key}", "sk": "ACT"}
        try:
            self._table.put_item(
                Item={**key, "status": "CLAIMED", "run_id": run_id, "node_id": node_id, "claimed_at": now.isoformat()},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            existing: dict[str, Any] = self._table.get_item(Key=key, ConsistentRead=True)["Item"]
            return existing
        return None

    def complete(self, tenant_id: str, action_key: str, outcome: str, detail: dict[str, Any]) -> None:
        self._table.update_item(
            Key={"pk": f"T#{tenant_id}#ACT#{action_key}", "sk": "ACT"},
            UpdateExpression="SET #s = :done, outcome = :o, detail = :d",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":done": "DONE", ":o": outcome, ":d": detail},
        )
