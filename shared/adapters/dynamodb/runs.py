"""Runs on the core table: the run item (state JSON + parking fields), enrolment markers, the due index.

Run item: pk ``T#{tenant}#RUN#{run_id}``, sk ``RUN``. ``parking`` is PARKING (decision stored, token not yet
written), WAITING (token written) or RESUMING (a resume was claimed; ``next_run_at`` is then the lease's
end). ``due_bucket``/``next_run_at`` exist only
while the run waits for a time (the sparse due index). Enrolment marker: pk ``T#{tenant}#ENROL#{workflow}#{record}``.
``workflow_key`` (``T#{tenant}#WF#{workflow}``) lets the run controls find a workflow's runs (a filtered scan for now).
``revision`` counts writes of ``state``: every write names the revision it read, so a person's control and the
state machine's advance never overwrite each other's change (optimistic locking; the loser re-reads and retries).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from shared.adapters.dynamodb.client import every_item, table
from shared.domain.engine.run import RunState
from shared.errors import RunChanged
from shared.platform.statemachine import run_pk
from shared.platform.tables import DUE_SHARDS
from shared.ports import StoredRun


def due_bucket(tenant_id: str, run_id: str) -> str:
    shard = int(hashlib.sha256(run_id.encode()).hexdigest(), 16) % DUE_SHARDS
    return f"DUE#{tenant_id}#{shard}"


def iso(instant: datetime) -> str:
    return instant.isoformat(timespec="seconds").replace("+00:00", "Z")


class RunRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table(table_name)

    def create(self, run: RunState, *, once: bool) -> bool:
        """Write the run and its enrolment marker atomically; False when the record is already enrolled
        (an active run, or — for one-time triggers — any run ever)."""
        marker = {"pk": _marker_pk(run), "sk": "ONCE" if once else "ACTIVE", "run_id": run.run_id}
        try:
            self._put_with_marker(marker, self._item(run, parking=None), "attribute_not_exists(pk)", {})
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                return False
            raise
        return True

    def _put_with_marker(
        self, marker: dict[str, Any], item: dict[str, Any], condition: str, values: dict[str, Any]
    ) -> None:
        """The enrolment marker (only if the record holds none) and the run item (if ``condition``), atomically."""
        run_put: dict[str, Any] = {"TableName": self._table.name, "Item": item, "ConditionExpression": condition}
        if values:
            run_put["ExpressionAttributeValues"] = values
        # the resource's client: plain Python values, serialized for us
        self._table.meta.client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": self._table.name,
                        "Item": marker,
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {"Put": run_put},
            ]
        )

    def get(self, tenant_id: str, run_id: str) -> StoredRun | None:
        item = self._table.get_item(Key={"pk": run_pk(tenant_id, run_id), "sk": "RUN"}, ConsistentRead=True).get("Item")
        if item is None:
            return None
        return StoredRun(
            RunState.model_validate_json(item["state"]),
            item.get("parking"),
            item.get("task_token"),
            item.get("next_run_at"),
            int(item.get("revision", 0)),
        )

    def save(
        self, run: RunState, *, revision: int, parking: str | None = None, next_run_at: datetime | None = None
    ) -> None:
        """Store the run after a decision made on ``revision``; a parked run is findable by the scheduler when it
        has a time. Raises ``RunChanged`` when someone wrote the run since it was read."""
        item = self._item(run, parking=parking, next_run_at=next_run_at) | {"revision": revision + 1}
        try:
            self._table.put_item(Item=item, ConditionExpression=_read_at(revision))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise RunChanged(f"run {run.run_id} changed since revision {revision}") from error
            raise
        if run.status.is_final:
            self._table.delete_item(Key={"pk": _marker_pk(run), "sk": "ACTIVE"})

    def claim_resume(self, run: StoredRun, lease_until: datetime) -> bool:
        """WAITING → RESUMING, once: only one of several resumers (tick, events, controls) gets the token.

        The run stays in the due index until ``lease_until``: if the resumer dies before the execution takes the
        token, the tick finds the run there and recovers it (``shared.usecases.recovery``)."""
        values = {":resuming": "RESUMING"}
        if run.state.status.is_final:  # woken only to end: nothing to recover, so no lease in the due index
            expression = "SET parking = :resuming REMOVE due_bucket, next_run_at"
        else:
            expression = "SET parking = :resuming, next_run_at = :lease, due_bucket = :bucket"
            values |= {":lease": iso(lease_until), ":bucket": due_bucket(run.state.tenant_id, run.state.run_id)}
        try:
            self._table.update_item(
                Key={"pk": run_pk(run.state.tenant_id, run.state.run_id), "sk": "RUN"},
                UpdateExpression=expression,
                ConditionExpression=Attr("parking").eq("WAITING") & Attr("task_token").eq(run.task_token),
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def extend_lease(self, run: StoredRun, lease_until: datetime) -> bool:
        """Look at a RESUMING run again at ``lease_until``; False when it moved on since it was read."""
        try:
            self._table.update_item(
                Key={"pk": run_pk(run.state.tenant_id, run.state.run_id), "sk": "RUN"},
                UpdateExpression="SET next_run_at = :lease",
                ConditionExpression=Attr("parking").eq("RESUMING") & Attr("next_run_at").eq(run.next_run_at),
                ExpressionAttributeValues={":lease": iso(lease_until)},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def due(self, tenant_id: str, now: datetime, limit: int = 500) -> list[StoredRun]:
        """Runs whose time has come, across every shard of the due index (eventually consistent: re-read):
        WAITING runs to resume, and RESUMING runs whose resume lease ran out (to recover)."""
        found: list[StoredRun] = []
        for shard in range(DUE_SHARDS):
            response = self._table.query(
                IndexName="due",
                ProjectionExpression="pk",
                KeyConditionExpression=Key("due_bucket").eq(f"DUE#{tenant_id}#{shard}")
                & Key("next_run_at").lte(iso(now)),
                Limit=limit,
            )
            for item in response.get("Items", []):  # keys only: the run id is the end of the item's pk
                stored = self.get(tenant_id, item["pk"].rsplit("#RUN#", 1)[1])
                if stored is None or stored.state.status.is_final or not stored.next_run_at:
                    continue
                if stored.parking in ("WAITING", "RESUMING"):
                    found.append(stored)
        return found

    def mark_swept(self, tenant_id: str, workflow_id: str, day: str) -> bool:
        """True the first time a workflow's sweep of ``day`` is planned; False for every later attempt."""
        try:
            self._table.put_item(
                Item={"pk": f"T#{tenant_id}#SWEEP#{workflow_id}", "sk": day},
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def of_customer(self, tenant_id: str, customer_id: str) -> list[RunState]:
        response = self._table.query(
            IndexName="by_customer",
            KeyConditionExpression=Key("customer_key").eq(f"T#{tenant_id}#C#{customer_id}")
            & Key("customer_sort").begins_with("RUN#"),
        )
        return [RunState.model_validate_json(i["state"]) for i in response.get("Items", [])]

    def of_workflow(self, tenant_id: str, workflow_id: str) -> list[StoredRun]:
        """Every run of a workflow. A filtered scan of the table: fine for the admin API's volumes today; a
        sparse ``by_workflow`` index on ``workflow_key`` is the upgrade when tables grow."""
        condition = Attr("sk").eq("RUN") & Attr("workflow_key").eq(workflow_key(tenant_id, workflow_id))
        items = every_item(self._table.scan, FilterExpression=condition)
        found = [self.get(tenant_id, i["run_id"]) for i in items]
        return [r for r in found if r is not None]

    def update_state(self, run: RunState, *, revision: int, next_run_at: datetime | None = None) -> None:
        """Store a run a person changed, keeping its parking fields (the parked execution's token stays usable).

        A final run leaves the due index and frees its enrolment marker; ``next_run_at`` makes it due then.
        Raises ``RunChanged`` when someone wrote the run since ``revision`` was read.
        """
        names = {"#state": "state", "#status": "status"}
        values: dict[str, Any] = {
            ":state": run.model_dump_json(),
            ":status": run.status.value,
            ":node": run.node_id,
            ":next": revision + 1,
        }
        expression = "SET #state = :state, #status = :status, node_id = :node, revision = :next"
        if run.status.is_final:
            expression += " REMOVE due_bucket, next_run_at"
        elif next_run_at is not None:
            expression += ", next_run_at = :at, due_bucket = :bucket"
            values |= {":at": iso(next_run_at), ":bucket": due_bucket(run.tenant_id, run.run_id)}
        try:
            self._table.update_item(
                Key={"pk": run_pk(run.tenant_id, run.run_id), "sk": "RUN"},
                UpdateExpression=expression,
                ConditionExpression=Attr("pk").exists() & _read_at(revision),
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise RunChanged(f"run {run.run_id} changed since revision {revision}") from error
            raise
        if run.status.is_final:
            self._table.delete_item(Key={"pk": _marker_pk(run), "sk": "ACTIVE"})

    def reopen(self, run: RunState, *, revision: int) -> bool:
        """Store a failed run made active again, taking its record's enrolment marker back; False when the record
        was enrolled again meanwhile (its new run holds the marker). Raises ``RunChanged`` as ``save`` does."""
        marker = {"pk": _marker_pk(run), "sk": "ACTIVE", "run_id": run.run_id}
        item = self._item(run, parking=None) | {"revision": revision + 1}
        try:
            self._put_with_marker(marker, item, "revision = :read", {":read": revision})
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                raise RunChanged(f"run {run.run_id} changed since revision {revision}") from error
            return False
        return True

    def reschedule(self, run: StoredRun, new_time: datetime) -> bool:
        """Move a waiting run's due time; False when it stopped waiting (or moved) since it was read."""
        try:
            self._table.update_item(
                Key={"pk": run_pk(run.state.tenant_id, run.state.run_id), "sk": "RUN"},
                UpdateExpression="SET next_run_at = :new, due_bucket = :bucket",
                ConditionExpression=Attr("parking").eq("WAITING") & Attr("next_run_at").eq(run.next_run_at),
                ExpressionAttributeValues={
                    ":new": iso(new_time),
                    ":bucket": due_bucket(run.state.tenant_id, run.state.run_id),
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def _item(self, run: RunState, *, parking: str | None, next_run_at: datetime | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": run_pk(run.tenant_id, run.run_id),
            "sk": "RUN",
            "run_id": run.run_id,
            "tenant_id": run.tenant_id,
            "workflow_id": run.workflow_id,
            "status": run.status.value,
            "node_id": run.node_id,
            "generation": run.generation,
            "revision": 0,
            "customer_key": f"T#{run.tenant_id}#C#{run.customer_id}",
            "customer_sort": f"RUN#{iso(run.enrolled_at)}#{run.run_id}",
            "workflow_key": workflow_key(run.tenant_id, run.workflow_id),
            "state": run.model_dump_json(),
        }
        if parking:
            item["parking"] = parking
        if next_run_at is not None and parking:
            item["next_run_at"] = iso(next_run_at)
            item["due_bucket"] = due_bucket(run.tenant_id, run.run_id)
        return item


def _read_at(revision: int) -> Any:
    # runs written before revisions existed count as revision 0
    current = Attr("revision").eq(revision)
    return current | Attr("revision").not_exists() if revision == 0 else current


def workflow_key(tenant_id: str, workflow_id: str) -> str:
    return f"T#{tenant_id}#WF#{workflow_id}"


def _marker_pk(run: RunState) -> str:
    return f"T#{run.tenant_id}#ENROL#{run.workflow_id}#{run.record_id}"
