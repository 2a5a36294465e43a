"""The opt-out registry on the core table: pk ``T#{tenant}#CONSENT#{channel}``, sk the address (an email address in
lower case, or a phone number in E.164), the record as JSON.

A choice is read, merged by ``record_choice`` (the latest instant wins, whatever order events arrive in) and
written back on condition that nobody changed the record meanwhile; a lost race is merged again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamodb.client import table
from shared.domain.ledger.models import Channel
from shared.domain.messaging.consent import (
    ConsentSource,
    ConsentState,
    InboundIntent,
    normalise_address,
    record_choice,
)
from shared.errors import RetryableError

_ATTEMPTS = 5


def consent_key(tenant_id: str, channel: Channel, address: str) -> dict[str, str]:
    """The item key of one address's record."""
    return {"pk": f"T#{tenant_id}#CONSENT#{channel.value}", "sk": normalise_address(channel, address)}


def to_item(state: ConsentState) -> dict[str, Any]:
    return {**consent_key(state.tenant_id, state.channel, state.address), "body": state.model_dump_json()}


def from_item(item: dict[str, Any]) -> ConsentState:
    return ConsentState.model_validate_json(item["body"])


class ConsentRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table(table_name)

    def get(self, tenant_id: str, channel: Channel, address: str) -> ConsentState | None:
        item = self._item(tenant_id, channel, address)
        return None if item is None else from_item(item)

    def states(self, tenant_id: str, channel: Channel, addresses: Iterable[str]) -> list[ConsentState]:
        """The records held for ``addresses`` (a message has a handful of recipients: one read each)."""
        found = (self.get(tenant_id, channel, a) for a in dict.fromkeys(addresses))
        return [state for state in found if state is not None]

    def record(
        self,
        tenant_id: str,
        channel: Channel,
        address: str,
        choice: InboundIntent,
        at: datetime,
        source: ConsentSource,
    ) -> ConsentState:
        """Apply an opt-out or opt-in made at ``at`` and return the record as stored."""
        for _ in range(_ATTEMPTS):
            held = self._item(tenant_id, channel, address)
            current = None if held is None else from_item(held)
            new = record_choice(
                current, tenant_id=tenant_id, channel=channel, address=address, choice=choice, at=at, source=source
            )
            if new == current:
                return new  # an older or repeated choice: nothing to write
            condition: dict[str, Any] = (
                {"ConditionExpression": "attribute_not_exists(pk)"}
                if held is None
                else {
                    "ConditionExpression": "#b = :held",
                    "ExpressionAttributeNames": {"#b": "body"},
                    "ExpressionAttributeValues": {":held": held["body"]},
                }
            )
            try:
                self._table.put_item(Item=to_item(new), **condition)
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                continue  # someone else recorded a choice meanwhile: merge with theirs
            return new
        raise RetryableError(f"the consent record of {address} kept changing")

    def _item(self, tenant_id: str, channel: Channel, address: str) -> dict[str, Any] | None:
        key = consent_key(tenant_id, channel, address)
        item: dict[str, Any] | None = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return item
