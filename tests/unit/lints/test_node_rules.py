"""Step lints beyond the fixture table: W005, W006, E007 and W009 variants."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.lints import lint_workflow

from .support import EMAIL, OVERDUE, build, codes

END = {"id": "done", "type": "end"}


def task(wait: bool, **fields: Any) -> dict[str, Any]:
    return {"id": "call", "type": "task", "title": "Call", "wait_for_completion": wait, **fields}


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        ([EMAIL, task(True)], ["W005"]),  # last in the list, no next
        (  # an explicit next to the end, on one side of a branch
            [
                {"id": "check", "type": "branch", "filters": [OVERDUE], "yes": "call", "no": "again"},
                task(True, next="done"),
                {**EMAIL, "id": "again"},
                END,
            ],
            ["W005"],
        ),
        ([EMAIL, task(False), END], []),
        (
            [
                task(True),
                {"id": "check", "type": "branch", "filters": [OVERDUE], "yes": "again", "no": "done"},
                {**EMAIL, "id": "again", "next": "done"},
                END,
            ],
            [],
        ),
    ],
)
def test_wait_for_completion_at_the_end(nodes: list[dict[str, Any]], expected: list[str]) -> None:
    # GIVEN a task step and what follows it
    workflow = build(nodes=nodes)

    # WHEN linting the workflow
    # THEN W005 is raised only when the run ends right after the task
    assert codes(lint_workflow(workflow)) == expected


def test_final_task_message_names_the_end_node() -> None:
    # GIVEN a waiting task followed by an end node
    workflow = build(nodes=[task(True), END])

    # WHEN linting it
    (lint,) = lint_workflow(workflow)

    # THEN the message names the task and the end node
    assert lint.path == "nodes[0].wait_for_completion"
    assert "Task 'call'" in lint.message
    assert "'done' is an end node" in lint.message


def action(**spec: Any) -> list[dict[str, Any]]:
    return [{"id": "act", "type": "action", "action": spec}]


HIGH = {"category": "Risk", "name": "High"}
P1 = "p1"


@pytest.mark.parametrize(
    ("trigger_type", "filters", "spec", "fix"),
    [
        ("customer_follow_up", [OVERDUE], {"do": "add_tag", "tag": HIGH}, '[customer.tags, "not_in", ["High"]]'),
        ("customer_follow_up", [OVERDUE], {"do": "remove_tag", "tag": HIGH}, '[customer.tags, "in", ["High"]]'),
        (
            "customer_follow_up",
            [OVERDUE],
            {"do": "assign_portfolio", "portfolio": "p1"},
            '[customer.portfolios, "not_in", ["p1"]]',
        ),
        (
            "customer_follow_up",
            [OVERDUE],
            {"do": "remove_portfolio", "portfolio": "p1"},
            '[customer.portfolios, "in", ["p1"]]',
        ),
        (
            "customer_follow_up",
            [OVERDUE, ["customer.account_owner", "in", ["u1", "u2"]]],
            {"do": "assign_owner", "user": "u1"},
            '[customer.account_owner, "!=", "u1"]',
        ),
        (
            "customer_follow_up",
            [OVERDUE, ["customer.strike_level", ">=", 2]],
            {"do": "set_strike_level", "level": 3},
            '[customer.strike_level, "!=", 3]',
        ),
        (
            "invoice_follow_up",
            [["invoice.days_overdue", ">", 0], ["customer.tags", "not_in", ["High"]]],
            {"do": "add_tag", "tag": HIGH},
            '[invoice.tags, "not_in", ["High"]]',
        ),
    ],
)
def test_unguarded_actions(trigger_type: str, filters: list[Any], spec: dict[str, Any], fix: str) -> None:
    # GIVEN an action whose trigger filters let records already in the target state through
    workflow = build(trigger_type, filters, nodes=action(**spec))

    # WHEN linting it
    (lint,) = lint_workflow(workflow)

    # THEN W006 names the exact condition to add
    assert lint.code == "W006"
    assert lint.path == "nodes[0].action"
    assert lint.fix == f"Add {fix} to trigger.filters."


@pytest.mark.parametrize(
    ("trigger_type", "guard", "spec"),
    [
        ("customer_follow_up", ["customer.tag_categories", "not_in", ["Risk"]], {"do": "add_tag", "tag": HIGH}),
        ("customer_follow_up", ["customer.tags", "is_empty"], {"do": "add_tag", "tag": HIGH}),
        ("customer_follow_up", ["customer.tags", "in", ["High"]], {"do": "remove_tag", "tag": HIGH}),
        (
            "customer_follow_up",
            ["customer.portfolios", "not_in", ["p1"]],
            {"do": "assign_portfolio", "portfolio": "p1"},
        ),
        ("customer_follow_up", ["customer.portfolios", "in", ["p1"]], {"do": "remove_portfolio", "portfolio": "p1"}),
        ("customer_follow_up", ["customer.account_owner", "!=", "u1"], {"do": "assign_owner", "user": "u1"}),
        ("customer_follow_up", ["customer.account_owner", "=", "u2"], {"do": "assign_owner", "user": "u1"}),
        ("customer_follow_up", ["customer.strike_level", "<", 3], {"do": "set_strike_level", "level": 3}),
        ("invoice_follow_up", ["invoice.tags", "not_in", ["High"]], {"do": "add_tag", "tag": HIGH}),
        ("customer_follow_up", OVERDUE, {"do": "pause_chasing", "days": 7}),
    ],
)
def test_guarded_actions(trigger_type: str, guard: list[Any], spec: dict[str, Any]) -> None:
    # GIVEN an action whose trigger filters exclude records already in the target state (or that needs none)
    filters = [guard] if trigger_type == "customer_follow_up" else [["invoice.days_overdue", ">", 0], guard]
    workflow = build(trigger_type, filters, nodes=action(**spec))

    # WHEN linting it
    # THEN nothing is raised
    assert lint_workflow(workflow) == []


@pytest.mark.parametrize(
    ("trigger_type", "node", "path", "mentions"),
    [
        ("customer_follow_up", {**EMAIL, "recipients": {"to": "run_contact"}}, "recipients.to", "contact-level run"),
        ("contact_follow_up", {**EMAIL, "recipients": {"to": "invoice_contact"}}, "recipients.to", "invoice-level"),
        ("customer_follow_up", {**EMAIL, "template": "  "}, "template", "blank template"),
        (
            "customer_follow_up",
            {**EMAIL, "recipients": {"to": "positions", "positions": [" "]}},
            "recipients",
            "selects nobody",
        ),
        (
            "customer_follow_up",
            {"id": "text", "type": "send_sms", "template": "sms", "recipients": {"to": "invoice_contact"}},
            "recipients.to",
            "SMS step 'text'",
        ),
    ],
)
def test_unsendable_messages(trigger_type: str, node: dict[str, Any], path: str, mentions: str) -> None:
    # GIVEN a message step with no template or recipients it can resolve
    filters = [["contact.is_active", "=", True]] if trigger_type == "contact_follow_up" else [OVERDUE]
    workflow = build(trigger_type, filters, nodes=[node])

    # WHEN linting it
    (lint,) = lint_workflow(workflow)

    # THEN E007 points at the field at fault
    assert lint.code == "E007"
    assert lint.path == f"nodes[0].{path}"
    assert mentions in lint.message


def test_run_contact_on_contact_level_is_fine() -> None:
    # GIVEN a contact-level email to the run's contact
    node = {**EMAIL, "recipients": {"to": "run_contact"}}
    workflow = build("contact_follow_up", [["contact.is_active", "=", True]], nodes=[node])

    # WHEN linting it
    # THEN nothing is raised
    assert lint_workflow(workflow) == []


@pytest.mark.parametrize(
    ("run_hours", "send_time", "expected"),
    [
        ({"start": "22:00", "end": "06:00"}, "05:00", []),
        ({"start": "22:00", "end": "06:00"}, "12:00", ["W009"]),
        ({"start": "08:00", "end": "18:00"}, "18:00", []),  # both ends are inclusive
        ({"start": "08:00", "end": "18:00"}, "07:59", ["W009"]),
        (None, "03:00", []),  # no window: any time goes
    ],
)
def test_send_time_outside_run_hours(run_hours: dict[str, str] | None, send_time: str, expected: list[str]) -> None:
    # GIVEN an SMS sent at a fixed time and the workflow's run hours
    node = {"id": "text", "type": "send_sms", "template": "sms", "send": {"mode": "at_time", "time": send_time}}
    settings = {"settings": {"run_hours": run_hours}} if run_hours else {}
    workflow = build(nodes=[node], **settings)

    # WHEN linting it
    # THEN W009 is raised only when the time falls outside the window
    assert codes(lint_workflow(workflow)) == expected
