"""Loading workflow definitions: YAML rules, precise error paths, graph checks and the published schema."""

import json
from pathlib import Path

import pytest

from shared.domain.workflow.loading import WorkflowInvalid, load_workflow, load_workflow_text
from shared.domain.workflow.nodes import Branch, SendEmail
from shared.domain.workflow.schema import workflow_schema

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests/fixtures/workflows"
MINIMAL = {
    "id": "minimal",
    "name": "Minimal",
    "trigger": {"type": "customer_follow_up"},
    "nodes": [{"id": "remind", "type": "send_email", "template": "t"}],
}


def problems_of(data: object) -> list[str]:
    with pytest.raises(WorkflowInvalid) as raised:
        load_workflow(data, "test")
    return [str(p) for p in raised.value.problems]


def test_yaml_branch_keys_and_times_are_read_as_written():
    # GIVEN YAML whose branch uses yes:/no: keys and an unquoted 9:00 send time (YAML 1.1 would mangle both)
    text = """
id: yaml-rules
name: YAML rules
trigger: {type: customer_follow_up}
nodes:
  - {id: check, type: branch, filters: [[customer.balance_overdue, ">", 0]], yes: remind, no: done}
  - {id: remind, type: send_email, template: t, send: {mode: at_time, time: 9:00}}
  - {id: done, type: end}
"""
    # WHEN it is loaded
    workflow = load_workflow_text(text)
    # THEN the branch keeps its targets and the time is 09:00
    branch, remind = workflow.nodes[0], workflow.nodes[1]
    assert isinstance(branch, Branch)
    assert (branch.yes, branch.no) == ("remind", "done")
    assert isinstance(remind, SendEmail)
    assert remind.send.time is not None and remind.send.time.hour == 9


def test_minimal_workflow_defaults():
    # GIVEN the smallest valid definition
    # WHEN it is loaded
    workflow = load_workflow(MINIMAL)
    # THEN it starts at its first node, is a draft, version 1, and stops when the balance is cleared
    assert workflow.start_node == "remind"
    assert (workflow.status, workflow.version) == ("draft", 1)
    assert {c.value for c in workflow.stop_conditions} == {"balance_cleared"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"trigger": {"type": "invoice_sent"}}, "trigger.type: Input should be"),
        ({"nodes": []}, "nodes: Tuple should have at least 1 item"),
        (
            {"nodes": [{"id": "w", "type": "wait", "days": 2, "hours": 3}]},
            "nodes[0]: a wait takes exactly one of days, business_days, hours or until",
        ),
        (
            {"trigger": {"type": "customer_follow_up", "filters": [["invoice.status", ">", "paid"]]}},
            "trigger.filters[0]: operator '>' does not apply to choice field 'invoice.status'",
        ),
        (
            {"trigger": {"type": "customer_follow_up", "filters": [["customer.balance_overdew", ">", 0]]}},
            "trigger.filters[0]: unknown field 'customer.balance_overdew'",
        ),
        (
            {"trigger": {"type": "invoice_follow_up", "target_invoices": []}},
            "trigger: target_invoices applies to customer, group and contact workflows, not invoice",
        ),
        (
            {"nodes": [{"id": "e", "type": "send_email", "template": "t", "send": {"mode": "at_time"}}]},
            "nodes[0].send: mode 'at_time' needs a time",
        ),
        ({"settings": {"run_hours": {"start": "08:00", "end": "08:30"}}}, "at least 60 minutes"),
    ],
    ids=[
        "unknown-trigger",
        "no-nodes",
        "two-durations",
        "bad-operator",
        "unknown-field",
        "targets-on-invoice",
        "at-time-without-time",
        "short-window",
    ],
)
def test_invalid_definitions_name_the_path_and_reason(change: dict[str, object], expected: str):
    # GIVEN a valid definition with one planted mistake
    data = {**MINIMAL, **change}
    # WHEN it is loaded
    problems = problems_of(data)
    # THEN one problem names the path and the reason
    assert any(expected in p for p in problems), problems


def test_graph_mistakes_are_each_reported():
    # GIVEN a graph with a dangling reference
    text = (FIXTURES / "invalid_graph.yaml").read_text()
    # WHEN it is loaded
    with pytest.raises(WorkflowInvalid) as raised:
        load_workflow_text(text, "invalid_graph.yaml")
    # THEN the dangling reference is named with its node path
    assert [str(p) for p in raised.value.problems] == ["nodes[1]: 'check' points to no node 'nowhere'"]


def test_unreachable_nodes_and_loops_without_wait_are_reported():
    # GIVEN the same graph with the reference fixed: an orphan node and a loop first → check → first remain
    text = (FIXTURES / "invalid_graph.yaml").read_text().replace("no: nowhere", "no: first")
    # WHEN it is loaded
    with pytest.raises(WorkflowInvalid) as raised:
        load_workflow_text(text)
    message = str(raised.value)
    # THEN each mistake is reported
    assert "'orphan' cannot be reached from the start" in message
    assert "the loop through first, check has no wait node" in message
    assert "no path from 'first' ever ends" in message


def test_a_loop_with_a_wait_must_still_be_able_to_end():
    # GIVEN a reminder repeating every 7 days with no way out
    text = (FIXTURES / "endless_loop.yaml").read_text()
    # WHEN it is loaded
    with pytest.raises(WorkflowInvalid) as raised:
        load_workflow_text(text)
    # THEN it is rejected because no path ends
    assert "no path from 'remind' ever ends" in str(raised.value)


def test_invalid_yaml_is_reported_as_such():
    # GIVEN text that is not YAML
    # WHEN it is loaded
    with pytest.raises(WorkflowInvalid) as raised:
        load_workflow_text("id: [unclosed", "broken.yaml")
    # THEN the problem says so and names the file
    assert "broken.yaml: not valid YAML/JSON" in str(raised.value)


def test_published_schema_matches_the_models():
    # GIVEN the committed JSON Schema
    committed = json.loads((ROOT / "docs/workflow.schema.json").read_text())
    # WHEN the schema is generated from the models
    generated = workflow_schema()
    # THEN they are the same (regenerate with: make docs)
    assert committed == json.loads(json.dumps(generated))
