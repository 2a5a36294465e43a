"""Workflows on the core table: every saved version, and a per-tenant index of the active ones by trigger.

Version item: pk ``T#{tenant}#WF#{id}``, sk ``V#{version:06d}``; the current item (sk ``CURRENT``) names the
version in force and the status; the trigger index (pk ``T#{tenant}#WFS``, sk ``{trigger}#{id}``) lists active
workflows so that an event finds its workflows with one Query.
"""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr, Key

from shared.adapters.dynamodb.cache import CURRENT_WORKFLOWS, WORKFLOW_VERSIONS
from shared.adapters.dynamodb.client import every_item, table
from shared.domain.levels import TriggerType
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.versions import saved


class WorkflowRepository:
    def __init__(self, table_name: str) -> None:
        self._table = table(table_name)

    def save(self, tenant_id: str, workflow: Workflow) -> Workflow:
        """Store ``workflow``; a change of behaviour becomes a new version. Returns what was stored."""
        stored = saved(self.current(tenant_id, workflow.id), workflow)
        pk = f"T#{tenant_id}#WF#{stored.id}"
        body = stored.model_dump_json()
        self._table.put_item(Item={"pk": pk, "sk": f"V#{stored.version:06d}", "definition": body})
        self._table.put_item(
            Item={"pk": pk, "sk": "CURRENT", "version": stored.version, "status": stored.status, "definition": body}
        )
        index_key = {"pk": f"T#{tenant_id}#WFS", "sk": f"{stored.trigger.type.value}#{stored.id}"}
        if stored.status == "active":
            self._table.put_item(Item={**index_key, "version": stored.version})
        else:
            self._table.delete_item(Key=index_key)
        CURRENT_WORKFLOWS.forget((self._table.name, tenant_id, stored.id))
        return stored

    def current(self, tenant_id: str, workflow_id: str) -> Workflow | None:
        """The version in force and its status (cached for seconds: see ``cache.CURRENT_WORKFLOWS``)."""
        key = (self._table.name, tenant_id, workflow_id)
        return CURRENT_WORKFLOWS.get(key, lambda: self._load(f"T#{tenant_id}#WF#{workflow_id}", "CURRENT"))

    def version(self, tenant_id: str, workflow_id: str, version: int) -> Workflow | None:
        key = (self._table.name, tenant_id, workflow_id, version)
        return WORKFLOW_VERSIONS.get(key, lambda: self._load(f"T#{tenant_id}#WF#{workflow_id}", f"V#{version:06d}"))

    def active(self, tenant_id: str, trigger: TriggerType | None = None) -> list[Workflow]:
        condition = Key("pk").eq(f"T#{tenant_id}#WFS")
        if trigger is not None:
            condition &= Key("sk").begins_with(f"{trigger.value}#")
        items = self._table.query(KeyConditionExpression=condition).get("Items", [])
        found = [self.current(tenant_id, i["sk"].split("#", 1)[1]) for i in items]
        return [w for w in found if w is not None and w.status == "active"]

    def all(self, tenant_id: str) -> list[Workflow]:
        """The current version of every workflow of the tenant, any status, by id (a filtered scan for now)."""
        condition = Attr("sk").eq("CURRENT") & Attr("pk").begins_with(f"T#{tenant_id}#WF#")
        items = every_item(self._table.scan, FilterExpression=condition)
        return sorted((Workflow.model_validate_json(i["definition"]) for i in items), key=lambda w: w.id)

    def _load(self, pk: str, sk: str) -> Workflow | None:
        item = self._table.get_item(Key={"pk": pk, "sk": sk}, ConsistentRead=True).get("Item")
        return None if item is None else Workflow.model_validate_json(item["definition"])
