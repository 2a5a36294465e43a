"""Workflow versions: a saved change makes a new version; runs stay on theirs unless migrated explicitly."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from shared.domain.engine.run import RunState, StepRecord
from shared.domain.workflow.definition import Workflow

# What a person may change without it being a change of behaviour.
_NOT_BEHAVIOUR = {"version", "status", "name", "description", "category"}


class MigrationError(ValueError):
    """A run cannot move to the new version as asked (its node is gone and no mapping says where to)."""


def saved(previous: Workflow | None, edited: Workflow) -> Workflow:
    """The workflow as stored after an edit: version 1 when new, previous + 1 when anything changed."""
    if previous is None:
        return edited.model_copy(update={"version": 1})
    if _definition(previous) == _definition(edited):
        return edited.model_copy(update={"version": previous.version})
    return edited.model_copy(update={"version": previous.version + 1})


def migrate(run: RunState, target: Workflow, now: datetime, node_map: Mapping[str, str] | None = None) -> RunState:
    """Move a run onto ``target``'s version, at the node of the same id or where ``node_map`` says.

    The node's entry time is kept so that a wait does not restart; the history records the migration.
    """
    if run.workflow_id != target.id:
        raise MigrationError(f"run {run.run_id} belongs to {run.workflow_id}, not {target.id}")
    node_id = (node_map or {}).get(run.node_id, run.node_id)
    known = {n.id for n in target.nodes}
    if node_id not in known:
        raise MigrationError(f"node '{run.node_id}' is not in v{target.version}; map it to one of {sorted(known)}")
    note = StepRecord(
        node_id=node_id, at=now, outcome="skipped", detail=f"migrated from v{run.workflow_version} node '{run.node_id}'"
    )
    return run.model_copy(
        update={"workflow_version": target.version, "node_id": node_id, "history": (*run.history, note)}
    )


def _definition(workflow: Workflow) -> dict[str, object]:
    return workflow.model_dump(mode="json", exclude=_NOT_BEHAVIOUR)
