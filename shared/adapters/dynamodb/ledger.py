"""The ledger mirror: one partition per customer, so a customer's whole view is one Query.

Item: pk ``T#{tenant}#C#{customer}``, sk ``{kind}#{id}`` (the customer itself: ``customer#{id}``), the record as
JSON, and ``updated_at`` for ordering: an ERP delivery older than what we hold is ignored (conditional write).
GSI ``by_record`` (``record_key`` = ``T#{tenant}#{kind}#{id}``) finds a record by id alone. Customer items also
carry ``customers_key`` (``T#{tenant}#CUST#{shard}``, the sparse ``customers`` index) and, for members of a group,
``parent_key`` (``T#{tenant}#P#{parent}``, the sparse ``by_parent`` index).
"""

from __future__ import annotations

import hashlib
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from shared.adapters.dynamodb.cache import TENANTS
from shared.adapters.dynamodb.client import every_item, table
from shared.adapters.dynamodb.sent_log import SentLog
from shared.domain.ledger.models import LEDGER_MODELS, Customer, LedgerRecord
from shared.domain.ledger.views import CustomerLedger, Ledger
from shared.domain.tenant import TenantSettings
from shared.platform.tables import CUSTOMER_SHARDS
from shared.ports import Metrics

KIND_OF = {model: kind for kind, model in LEDGER_MODELS.items()}


class LedgerRepository:
    def __init__(self, ledger_table: str, core_table: str, metrics: Metrics) -> None:
        self._table = table(ledger_table)
        self._core = table(core_table)
        self._sent_log = SentLog(core_table, metrics)  # the alerts' index of messages, counters and metrics

    def put(self, record: LedgerRecord, *, force: bool = False, announces: tuple[str, ...] = ()) -> bool:
        """Store the record unless we hold a newer version (``force``: a change the engine made itself, such
        as an action node's tag), with the detail types of the events its change announces. Returns whether it
        was stored."""
        item = ledger_item(record, announces)
        condition = Attr("pk").not_exists()
        if record.updated_at is not None:
            condition |= Attr("updated_at").not_exists() | Attr("updated_at").lt(item["updated_at"])
        if force:
            old = self._table.put_item(Item=item, ReturnValues="ALL_OLD").get("Attributes")
            self._sent_log.observe(record, old)
            return True
        try:
            old = self._table.put_item(Item=item, ConditionExpression=condition, ReturnValues="ALL_OLD")
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        self._sent_log.observe(record, old.get("Attributes"))
        return True

    def get(self, tenant_id: str, kind: str, record_id: str) -> LedgerRecord | None:
        return self.get_stored(tenant_id, kind, record_id)[0]

    def get_stored(self, tenant_id: str, kind: str, record_id: str) -> tuple[LedgerRecord | None, tuple[str, ...]]:
        """The record and the detail types its stored version announced."""
        items = self._table.query(
            IndexName="by_record", KeyConditionExpression=Key("record_key").eq(f"T#{tenant_id}#{kind}#{record_id}")
        ).get("Items", [])
        if not items:
            return None, ()
        return LEDGER_MODELS[kind].model_validate_json(items[0]["body"]), tuple(items[0].get("announces", ()))

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
        return [LEDGER_MODELS[i["sk"].split("#", 1)[0]].model_validate_json(i["body"]) for i in items]


def ledger_item(record: LedgerRecord, announces: tuple[str, ...] = ()) -> dict[str, Any]:
    """The item a record is stored as (also what a bulk import writes)."""
    kind = KIND_OF[type(record)]
    customer_id = record.id if isinstance(record, Customer) else getattr(record, "customer_id")  # noqa: B009
    item: dict[str, Any] = {
        "pk": f"T#{record.tenant_id}#C#{customer_id}",
        "sk": f"{kind}#{record.id}",
        "record_key": f"T#{record.tenant_id}#{kind}#{record.id}",
        "body": record.model_dump_json(),
    }
    if record.updated_at is not None:
        item["updated_at"] = record.updated_at.isoformat()
    if isinstance(record, Customer):
        item |= _customer_keys(record)
    if announces:
        item["announces"] = list(announces)
    return item


def _customer_keys(customer: Customer) -> dict[str, str]:
    shard = int(hashlib.sha256(customer.id.encode()).hexdigest(), 16) % CUSTOMER_SHARDS
    keys = {"customer_id": customer.id, "customers_key": f"T#{customer.tenant_id}#CUST#{shard}"}
    if customer.parent_customer_id:
        keys["parent_key"] = f"T#{customer.tenant_id}#P#{customer.parent_customer_id}"
    return keys
