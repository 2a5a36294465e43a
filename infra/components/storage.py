"""DynamoDB tables from ``shared.platform.tables``: on demand, point-in-time recovery, TTL where the platform
defines it, deletion protection for retained business data, encrypted with the customer-managed key if one is
given (else with the AWS-owned key)."""

from __future__ import annotations

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from infra.stage import Stage
from shared.platform.tables import TABLES, TableSpec


def _attribute(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class Storage(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, stage: Stage, encryption_key: kms.IKey | None = None
    ) -> None:
        super().__init__(scope, construct_id)
        self._encryption_key = encryption_key
        self.tables: dict[str, dynamodb.Table] = {spec.key: self._table(spec, stage) for spec in TABLES}
        self.indexed_tables = [self.tables[spec.key] for spec in TABLES if spec.indexes]

    def _table(self, spec: TableSpec, stage: Stage) -> dynamodb.Table:
        table = dynamodb.Table(
            self,
            spec.key.capitalize(),
            table_name=stage.resource_name(spec.key),
            partition_key=_attribute(spec.partition_key),
            sort_key=_attribute(spec.sort_key) if spec.sort_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            # every table, the idempotency records included: restoring data without them would re-send messages
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=spec.ttl_attribute,
            deletion_protection=spec.data and stage.deletion_protection,
            removal_policy=stage.data_removal_policy if spec.data else stage.removal_policy,
            stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if spec.stream else None,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED if self._encryption_key else None,
            encryption_key=self._encryption_key,
        )
        for index in spec.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_attribute(index.partition_key),
                sort_key=_attribute(index.sort_key) if index.sort_key else None,
                projection_type=dynamodb.ProjectionType(index.projection),
            )
        return table
