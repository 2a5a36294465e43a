"""The ledger mirror: one partition per customer, so a customer's whole view is one Query.

Item: pk ``T#{tenant}#C#{customer}``, sk ``{kind}#{id}`` (the customer itself: ``customer#{id}``); ``body``, the
ERP's part of the record as JSON, and ``ours``, Chaseflow's part (``shared.domain.ledger.ownership``), written apart
so that neither side's write can undo the other's; ``updated_at``, the ERP's version, for ordering: an ERP delivery
older than what we hold is ignored (conditional write). GSI ``by_record`` (``record_key`` = ``T#{tenant}#{kind}#{id}``)
finds a record by id alone. Customer items also carry ``customers_key`` (``T#{tenant}#CUST#{shard}``, the sparse
``customers`` index) and, for members of a group, ``parent_key`` (``T#{tenant}#P#{parent}``, the sparse ``by_parent``
index).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from shared.adapters.dynamodb.cache import TENANTS
from shared.adapters.dynamodb.client import every_item, table
from shared.adapters.dynamodb.sent_log import SentLog
from shared.domain.ledger.models import LEDGER_MODELS, Customer, LedgerRecord
from shared.domain.ledger.ownership import chaseflow_part, erp_part, merged
from shared.domain.ledger.views import CustomerLedger, Ledger
from shared.domain.tenant import TenantSettings
from shared.events.contracts import DomainEvent
from shared.platform.tables import CUSTOMER_SHARDS
from shared.ports import Metrics

KIND_OF = {model: kind for kind, model in LEDGER_MODELS.items()}
OUTBOX_KEPT = timedelta(days=7)  # long after the relay published it; TTL then removes it


class LedgerRepository:
    def __init__(self, ledger_table: str, core_table: str, metrics: Metrics, outbox_table: str = "") -> None:
        self._table = table(ledger_table)
        self._client = self._table.meta.client  # for transactions; it takes plain values, as the table does
        self._outbox = outbox_table
        self._core = table(core_table)
        self._sent_log = SentLog(core_table, metrics)  # the alerts' index of messages, counters and metrics

    def put(
        self,
        record: LedgerRecord,
        *,
        force: bool = False,
        announces: tuple[str, ...] = (),
        moved_from: LedgerRecord | None = None,
    ) -> bool:
        """Store an ERP version of the record unless we hold a newer one, with the detail types of the events its
        change announces; our part of the record is left as it is. ``moved_from``: the stored version, under another
        customer, which is deleted in the same transaction (our part moves with the record). ``force``: the whole
        record, both parts, as Chaseflow writes what it creates (tasks, messages) or a test seeds it. Returns
        whether it was stored."""
        item = ledger_item(record, announces)
        if force:
            old = self._table.put_item(Item=item, ReturnValues="ALL_OLD").get("Attributes")
            self._sent_log.observe(record, old)
            return True
        item.pop("ours", None)  # the ERP's write never carries our part: the item keeps the one it has
        if moved_from is not None:
            return self._move(record, item, moved_from)
        condition = Attr("pk").not_exists()
        if record.updated_at is not None:
            condition |= Attr("updated_at").not_exists() | Attr("updated_at").lt(item["updated_at"])
        try:
            old = self._table.update_item(**_set_all(item), ConditionExpression=condition, ReturnValues="ALL_OLD")
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        self._sent_log.observe(record, old.get("Attributes"))
        return True

    def _move(self, record: LedgerRecord, item: dict[str, Any], previous: LedgerRecord) -> bool:
        """The record changed customer: delete the old copy and write the new one in one transaction, or neither
        (a newer version got in first). Our part comes along from the old copy."""
        kind = KIND_OF[type(record)]
        ours = chaseflow_part(kind, previous)
        if ours:
            item["ours"] = json.dumps(ours, sort_keys=True)
        old_key = {k: v for k, v in ledger_item(previous).items() if k in ("pk", "sk")}
        newer = {":at": item["updated_at"]}
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": self._table.name,
                            "Key": old_key,
                            "ConditionExpression": "attribute_exists(pk) AND updated_at < :at",
                            "ExpressionAttributeValues": newer,
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table.name,
                            "Item": item,
                            "ConditionExpression": "attribute_not_exists(pk) OR updated_at < :at",
                            "ExpressionAttributeValues": newer,
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                return False
            raise
        return True

    def update_ours(self, record: LedgerRecord, *, events: Sequence[DomainEvent] = ()) -> bool:
        """Store Chaseflow's part of the record (a workflow action, a bounce, a person), leaving the ERP's part as
        it is, and put ``events`` in the outbox in the same transaction; False when the record is not in the
        mirror (then nothing is written)."""
        kind = KIND_OF[type(record)]
        ours = chaseflow_part(kind, record)
        if not ours:
            raise ValueError(f"a {kind} has no field of Chaseflow's to update")
        key = {k: v for k, v in ledger_item(record).items() if k in ("pk", "sk")}
        update = {
            "Update": {
                "TableName": self._table.name,
                "Key": key,
                "UpdateExpression": "SET ours = :ours",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {":ours": json.dumps(ours, sort_keys=True)},
            }
        }
        try:
            self._client.transact_write_items(TransactItems=[update, *self._outbox_puts(events)])
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                return False
            raise
        return True

    def announce(self, events: Sequence[DomainEvent]) -> None:
        """Put events in the outbox; the relay publishes them (a put again of the same event is harmless)."""
        if events:
            self._client.transact_write_items(TransactItems=self._outbox_puts(events))

    def _outbox_puts(self, events: Sequence[DomainEvent]) -> list[dict[str, Any]]:
        if events and not self._outbox:
            raise ValueError("no outbox table is configured: changes could not be announced")
        return [{"Put": {"TableName": self._outbox, "Item": outbox_item(event)}} for event in events]

    def get(self, tenant_id: str, kind: str, record_id: str) -> LedgerRecord | None:
        return self.get_stored(tenant_id, kind, record_id)[0]

    def get_stored(self, tenant_id: str, kind: str, record_id: str) -> tuple[LedgerRecord | None, tuple[str, ...]]:
        """The record and the detail types its stored version announced."""
        items = self._table.query(
            IndexName="by_record", KeyConditionExpression=Key("record_key").eq(f"T#{tenant_id}#{kind}#{record_id}")
        ).get("Items", [])
        if not items:
            return None, ()
        return _record(kind, items[0]), tuple(items[0].get("announces", ()))

    def view(self, tenant_id: str, customer_id: str, *, with_members: bool = False) -> CustomerLedger | None:
        ledger = Ledger.of(self._records(tenant_id, customer_id))
        if customer_id not in ledger.customers:
            return None
        if with_members:
            for child in self.children(tenant_id, customer_id):
                for record in self._records(tenant_id, child):
                    ledger.add(record)
        return ledger.view(customer_id, with_members=with_members)

    def children(self, tenant_id: str, customer_id: str) -> list[str]:
        """The members of a customer group."""
        return sorted(self._index_ids("by_parent", [f"T#{tenant_id}#P#{customer_id}"]))

    def customer_ids(self, tenant_id: str) -> list[str]:
        """Every customer of the tenant (the continuous sweep pages through these)."""
        keys = [f"T#{tenant_id}#CUST#{shard}" for shard in range(CUSTOMER_SHARDS)]
        return sorted(self._index_ids("customers", keys))

    def _index_ids(self, index: str, partition_keys: list[str]) -> list[str]:
        found: list[str] = []
        name = "parent_key" if index == "by_parent" else "customers_key"
        for key in partition_keys:
            condition = Key(name).eq(key)
            items = every_item(
                self._table.query, IndexName=index, KeyConditionExpression=condition, ProjectionExpression="customer_id"
            )
            found += [i["customer_id"] for i in items]
        return found

    def tenant(self, tenant_id: str) -> TenantSettings | None:
        def load() -> TenantSettings | None:
            item = self._core.get_item(Key={"pk": f"T#{tenant_id}", "sk": "CONFIG"}).get("Item")
            return None if item is None else TenantSettings.model_validate_json(item["body"])

        return TENANTS.get((self._core.name, tenant_id), load)

    def put_tenant(self, settings: TenantSettings) -> None:
        self._core.put_item(Item={"pk": f"T#{settings.tenant_id}", "sk": "CONFIG", "body": settings.model_dump_json()})
        self._core.put_item(Item={"pk": "TENANTS", "sk": settings.tenant_id})
        TENANTS.forget((self._core.name, settings.tenant_id))

    def tenant_ids(self) -> list[str]:
        items = self._core.query(KeyConditionExpression=Key("pk").eq("TENANTS")).get("Items", [])
        return [i["sk"] for i in items]

    def _records(self, tenant_id: str, customer_id: str) -> list[LedgerRecord]:
        # every page: a customer with years of history outgrows one 1 MB page
        items = every_item(self._table.query, KeyConditionExpression=Key("pk").eq(f"T#{tenant_id}#C#{customer_id}"))
        return [_record(i["sk"].split("#", 1)[0], i) for i in items]


def ledger_item(record: LedgerRecord, announces: tuple[str, ...] = ()) -> dict[str, Any]:
    """The item a record is stored as, both parts (also what a bulk import writes)."""
    kind = KIND_OF[type(record)]
    customer_id = record.id if isinstance(record, Customer) else getattr(record, "customer_id")  # noqa: B009
    item: dict[str, Any] = {
        "pk": f"T#{record.tenant_id}#C#{customer_id}",
        "sk": f"{kind}#{record.id}",
        "record_key": f"T#{record.tenant_id}#{kind}#{record.id}",
        "body": json.dumps(erp_part(kind, record), sort_keys=True),
    }
    ours = chaseflow_part(kind, record)
    if ours:
        item["ours"] = json.dumps(ours, sort_keys=True)
    if record.updated_at is not None:
        item["updated_at"] = record.updated_at.isoformat()
    if isinstance(record, Customer):
        item |= _customer_keys(record)
    if announces:
        item["announces"] = list(announces)
    return item


def outbox_item(event: DomainEvent) -> dict[str, Any]:
    """An event waiting in the outbox; the table's stream hands it to the relay, and it expires a week later."""
    return {
        "pk": f"T#{event.tenant_id}#EVT#{event.event_id}",
        "source": event.SOURCE,
        "detail_type": event.detail_type(),
        "detail": event.model_dump_json(),
        "expires_at": int((event.occurred_at + OUTBOX_KEPT).timestamp()),
    }


def _record(kind: str, item: dict[str, Any]) -> LedgerRecord:
    """The record as the engine sees it: the ERP's part with ours laid over it."""
    return merged(kind, json.loads(item["body"]), json.loads(item.get("ours", "{}")))


def _set_all(item: dict[str, Any]) -> dict[str, Any]:
    """An UpdateItem request that sets every attribute of ``item`` but its key, and removes the optional ones it
    lacks (a customer that left its group, a version that announces nothing)."""
    values = {k: v for k, v in item.items() if k not in ("pk", "sk")}
    # placeholders of their own: boto3's condition builder names its own #n0, :v0 …
    names = {f"#set{n}": k for n, k in enumerate(values)}
    expression = "SET " + ", ".join(f"{alias} = :set{n}" for n, alias in enumerate(names))
    dropped = [k for k in ("parent_key", "announces") if k not in values]
    if dropped:
        names |= {f"#drop{n}": k for n, k in enumerate(dropped)}
        expression += " REMOVE " + ", ".join(f"#drop{n}" for n in range(len(dropped)))
    return {
        "Key": {"pk": item["pk"], "sk": item["sk"]},
        "UpdateExpression": expression,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {f":set{n}": v for n, v in enumerate(values.values())},
    }


def _customer_keys(customer: Customer) -> dict[str, str]:
    shard = int(hashlib.sha256(customer.id.encode()).hexdigest(), 16) % CUSTOMER_SHARDS
    keys = {"customer_id": customer.id, "customers_key": f"T#{customer.tenant_id}#CUST#{shard}"}
    if customer.parent_customer_id:
        keys["parent_key"] = f"T#{customer.tenant_id}#P#{customer.parent_customer_id}"
    return keys
