"""Versioning: saving makes a new version only when behaviour changed; runs migrate only when asked."""

from datetime import UTC, datetime

import pytest

from shared.domain.engine.run import RunState
from shared.domain.levels import Level
from shared.domain.workflow.loading import load_workflow
from shared.domain.workflow.versions import MigrationError, migrate, saved

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
BASE = {
    "id": "dunning",
    "name": "Dunning",
    "trigger": {"type": "customer_follow_up", "filters": [["customer.balance_overdue", ">", 0]]},
    "nodes": [
        {"id": "first", "type": "send_email", "template": "t1"},
        {"id": "wait", "type": "wait", "days": 7},
        {"id": "second", "type": "send_email", "template": "t2"},
    ],
}


def run_at(node_id: str, version: int = 1) -> RunState:
    return RunState(
        tenant_id="acme",
        run_id="run_1",
        workflow_id="dunning",
        workflow_version=version,
        level=Level.CUSTOMER,
        record_id="c1",
        customer_id="c1",
        node_id=node_id,
        node_entered_at=NOW,
        enrolled_at=NOW,
    )


def test_first_save_is_version_one_and_renaming_keeps_the_version():
    # GIVEN a new workflow saved once
    first = saved(None, load_workflow({**BASE, "version": 5}))
    # WHEN only its name and status change
    renamed = saved(first, load_workflow({**BASE, "name": "Renamed", "status": "active"}))
    # THEN both are version 1
    assert (first.version, renamed.version) == (1, 1)


def test_a_change_of_behaviour_makes_a_new_version():
    # GIVEN version 1
    first = saved(None, load_workflow(BASE))
    # WHEN a filter changes
    edited = {**BASE, "trigger": {"type": "customer_follow_up", "filters": [["customer.balance_overdue", ">", 100]]}}
    second = saved(first, load_workflow(edited))
    # THEN it is version 2
    assert second.version == 2


def test_a_run_migrates_to_the_same_node_keeping_its_wait():
    # GIVEN a run waiting on v1
    target = load_workflow({**BASE, "version": 2})
    run = run_at("wait")
    # WHEN migrated explicitly
    moved = migrate(run, target, NOW)
    # THEN it is on v2 at the same node, entered at the same time, and the history says so
    assert (moved.workflow_version, moved.node_id, moved.node_entered_at) == (2, "wait", NOW)
    assert moved.history[-1].detail == "migrated from v1 node 'wait'"


def test_a_removed_node_needs_a_mapping():
    # GIVEN v2 without the node the run is on
    nodes = [BASE["nodes"][0], {"id": "second", "type": "send_email", "template": "t2"}]
    target = load_workflow({**BASE, "version": 2, "nodes": nodes})
    # WHEN migrated without a mapping, then with one
    with pytest.raises(MigrationError, match="node 'wait' is not in v2"):
        migrate(run_at("wait"), target, NOW)
    moved = migrate(run_at("wait"), target, NOW, {"wait": "second"})
    # THEN the mapping places it
    assert moved.node_id == "second"
