"""DynamoDB tables by access pattern: every key starts with the tenant (docs/architecture.md, "Tables and
indexes", has every item's key layout and why the indexes are shaped so).

core:     tenant settings, workflows and versions, templates, runs, enrolment and sweep markers, action markers
          (exactly-once), the consent registry, alerts, and a by-day copy of the messages for the alert detectors.
          GSIs: ``due`` (sparse, write-sharded: runs parked until ``next_run_at``) and ``by_customer`` (a
          customer's runs).
ledger:   the ERP mirror, and the messages and tasks Chaseflow writes; one partition per customer, so a
          customer's whole view is one Query.
          GSIs: ``by_record`` (any record by kind and id), ``customers`` (sparse, write-sharded: a tenant's
          customers, which the continuous sweeps page through) and ``by_parent`` (sparse: a group's members).
idempotency: the Powertools layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str | None = None
    # ALL copies every attribute into the index (and every write of the item pays for it again); KEYS_ONLY where
    # the reader needs the keys alone and re-reads the base item (it must, the index is eventually consistent)
    projection: str = "ALL"


@dataclass(frozen=True)
class TableSpec:
    key: str  # logical name: the CDK construct id and the environment variable suffix
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None
    stream: bool = False
    data: bool = True  # holds business data: deletion protection and point-in-time recovery
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def env_var(self) -> str:
        return f"{self.key.upper()}_TABLE"

    def key_attributes(self) -> list[str]:
        names = [self.partition_key, *([self.sort_key] if self.sort_key else [])]
        for index in self.indexes:
            names += [index.partition_key, *([index.sort_key] if index.sort_key else [])]
        return list(dict.fromkeys(names))

    def create_table_request(self, table_name: str) -> dict[str, Any]:
        """The DynamoDB CreateTable request for this table (on-demand), as the local runtime sends it."""

        def schema(pk: str, sk: str | None) -> list[dict[str, str]]:
            return [{"AttributeName": pk, "KeyType": "HASH"}] + (
                [{"AttributeName": sk, "KeyType": "RANGE"}] if sk else []
            )

        request: dict[str, Any] = {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": schema(self.partition_key, self.sort_key),
            "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in self.key_attributes()],
        }
        if self.indexes:
            request["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": i.name,
                    "KeySchema": schema(i.partition_key, i.sort_key),
                    "Projection": {"ProjectionType": i.projection},
                }
                for i in self.indexes
            ]
        if self.stream:
            request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        return request


DUE_SHARDS = 8  # write sharding of the due index: no partition takes every write; a tick queries each shard
CUSTOMER_SHARDS = 8  # write sharding of the customer index: a first sync of 100,000 customers spreads its writes

CORE = TableSpec(
    key="core",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        Index("due", "due_bucket", "next_run_at", projection="KEYS_ONLY"),
        Index("by_customer", "customer_key", "customer_sort"),
    ),
    ttl_attribute="expires_at",
)
LEDGER = TableSpec(
    key="ledger",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        Index("by_record", "record_key"),
        Index("customers", "customers_key", "customer_id", projection="KEYS_ONLY"),
        Index("by_parent", "parent_key", "customer_id", projection="KEYS_ONLY"),
    ),
)
IDEMPOTENCY = TableSpec(key="idempotency", partition_key="id", ttl_attribute="expiration", data=False)

TABLES: tuple[TableSpec, ...] = (CORE, LEDGER, IDEMPOTENCY)
