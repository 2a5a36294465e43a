"""W001 overlapping workflows: which triggers, levels and filters collide, and which provably do not."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.lints import lint_workflow
from shared.domain.workflow.definition import Workflow

from .support import EMAIL, OVERDUE, build

TAG_ONLY = [{"id": "tag", "type": "action", "action": {"do": "add_tag", "tag": {"category": "Risk", "name": "High"}}}]
NOT_TAGGED = ["customer.tags", "not_in", ["High"]]


def other(trigger_type: str = "customer_follow_up", filters: list[Any] | None = None, **fields: Any) -> Workflow:
    fields = {"id": "other", "name": "Other workflow", "status": "active", **fields}
    return build(trigger_type, filters, **fields)


def overlaps(workflow: Workflow, others: list[Workflow]) -> list[tuple[str, ...]]:
    return [lint.related for lint in lint_workflow(workflow, others) if lint.code == "W001"]


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        # customer-level and invoice-level runs on the same customer both send: two messages
        (build(), other("invoice_follow_up", [["invoice.days_overdue", ">", 0]])),
        # the same event on both sides
        (
            build("invoice_created", [["invoice.days_issued", "<=", 3]]),
            other("invoice_created", [["invoice.days_issued", "<=", 1]]),
        ),
        # an invoice condition in a customer trigger is "any invoice", so it separates nothing
        (
            build(filters=[OVERDUE, ["invoice.days_overdue", ">", 60]]),
            other(filters=[OVERDUE], target_invoices=[["invoice.days_overdue", "<=", 30]]),
        ),
        # a group run reads consolidated figures, so a member's figures are not comparable with them
        (
            build("customer_group_follow_up", [["customer.balance_overdue", ">", 10000]]),
            other("customer_follow_up", [["customer.balance_overdue", "<=", 10000]]),
        ),
        # nothing filtered in common
        (build(filters=[["customer.country", "=", "GB"]]), other(filters=[["customer.strike_level", ">=", 2]])),
    ],
)
def test_overlapping(mine: Workflow, theirs: Workflow) -> None:
    # GIVEN two workflows that can enrol the same records
    # WHEN linting the first against the second
    # THEN one W001 names the second
    assert overlaps(mine, [theirs]) == [("other",)]


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        # an invoice-level run that only tags, next to a customer-level run that emails
        (build(), other("invoice_follow_up", [["invoice.days_overdue", ">", 0], NOT_TAGGED], nodes=TAG_ONLY)),
        # an event next to a continuous trigger at the same level
        (
            build("invoice_created", [["invoice.days_issued", "<=", 3]]),
            other("invoice_follow_up", [["invoice.days_overdue", ">", 0]]),
        ),
        # two different events
        (build("invoice_created", [["invoice.days_issued", "<=", 3]]), other("customer_created", [])),
        # invoice and contact runs are not compared with each other
        (
            build("invoice_follow_up", [["invoice.days_overdue", ">", 0]]),
            other("contact_follow_up", [["contact.is_primary", "=", True]]),
        ),
        # disjoint target invoices between two customer runs
        (
            build(target_invoices=[["invoice.days_overdue", "between", [1, 30]]]),
            other(target_invoices=[["invoice.days_overdue", ">", 30]]),
        ),
        # a customer run's target invoices disjoint from an invoice run's invoices
        (
            build(target_invoices=[["invoice.days_overdue", ">", 60]]),
            other("invoice_follow_up", [["invoice.days_overdue", "between", [1, 60]]]),
        ),
        # choices
        (
            build("invoice_follow_up", [["invoice.status", "in", ["dispute"]]]),
            other("invoice_follow_up", [["invoice.status", "not_in", ["dispute", "instalments"]]]),
        ),
        # booleans
        (
            build(filters=[OVERDUE, ["customer.chasing_paused", "=", True]]),
            other(filters=[OVERDUE, ["customer.chasing_paused", "!=", True]]),
        ),
        # the mirror tag condition the examples use
        (
            build(filters=[OVERDUE, ["customer.tag_categories", "in", ["Consolidated billing"]]]),
            other("invoice_follow_up", [["customer.tag_categories", "not_in", ["Consolidated billing"]]]),
        ),
        # the other workflow matches nothing at all
        (build(), other(filters=[OVERDUE, ["customer.balance_overdue", "<", 0]])),
    ],
)
def test_not_overlapping(mine: Workflow, theirs: Workflow) -> None:
    # GIVEN two workflows that can never enrol the same records (or never message the same customer)
    # WHEN linting the first against the second
    # THEN no W001 is raised
    assert overlaps(mine, [theirs]) == []


@pytest.mark.parametrize(("status", "workflow_id"), [("draft", "other"), ("inactive", "other"), ("active", "base")])
def test_only_other_active_workflows_count(status: str, workflow_id: str) -> None:
    # GIVEN an identical workflow that is not active, or is the same workflow (another version)
    twin = other(status=status, id=workflow_id)

    # WHEN linting against it
    # THEN it is not an overlap
    assert overlaps(build(), [twin]) == []


def test_cross_level_message_explains_the_two_messages() -> None:
    # GIVEN a customer-level and an invoice-level workflow that both email the same customers
    theirs = other("invoice_follow_up", [["invoice.days_overdue", ">", 0]], nodes=[EMAIL])

    # WHEN linting the customer-level one
    (lint,) = lint_workflow(build(), [theirs])

    # THEN the message says why different levels still overlap
    assert "runs at invoice level, this one at customer level, and both send messages" in lint.message
    assert "'other'" in lint.fix


def test_one_lint_per_overlapping_workflow() -> None:
    # GIVEN two active workflows overlapping the one being saved and one that does not
    first, second = other(id="first"), other(id="second")
    separate = other(id="separate", filters=[["customer.balance_overdue", "<=", 0]])

    # WHEN linting against all three
    # THEN each overlapping one gets its own lint
    assert overlaps(build(), [first, separate, second]) == [("first",), ("second",)]
