"""Trigger and filter lints beyond the fixture table: E002, W003, W004, E008 and I010 variants."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.lints import lint_workflow

from .support import EMAIL, OVERDUE, build, codes

OVERDUE_TARGETS = [["invoice.days_overdue", ">=", 1]]


def test_contradiction_names_the_conditions_and_path() -> None:
    # GIVEN Kolleno's example of contradictory filters
    workflow = build(filters=[OVERDUE, ["customer.balance_overdue", "<", 0]])

    # WHEN linting it
    (lint,) = lint_workflow(workflow)

    # THEN the error names both conditions and where they are
    assert lint.code == "E002"
    assert lint.path == "trigger.filters"
    assert "'customer.balance_overdue > 0' AND 'customer.balance_overdue < 0'" in lint.message
    assert "never enrols" in lint.message


def test_contradictory_target_invoices() -> None:
    # GIVEN target invoices that must be paid and open at once
    targets = [["invoice.status", "=", "paid"], ["invoice.status", "in", ["open"]]]
    workflow = build(target_invoices=targets)

    # WHEN linting it
    lints = lint_workflow(workflow)

    # THEN the target invoices are reported, not also as a trigger mismatch
    assert codes(lints) == ["E002"]
    assert lints[0].path == "trigger.target_invoices"


def test_contradictory_branch_filters() -> None:
    # GIVEN a branch whose two conditions cannot both hold
    branch = {
        "id": "check",
        "type": "branch",
        "filters": [["customer.strike_level", ">=", 3], ["customer.strike_level", "<", 2]],
        "yes": "firm",
        "no": "soft",
    }
    nodes = [branch, {**EMAIL, "id": "firm", "next": "soft"}, {**EMAIL, "id": "soft"}]

    # WHEN linting the workflow
    (lint,) = lint_workflow(build(nodes=nodes))

    # THEN the branch is named and its fate explained
    assert lint.code == "E002"
    assert lint.path == "nodes[0].filters"
    assert "branch 'check' always takes its 'no' path ('soft')" in lint.message


def test_invoice_conditions_at_customer_level_are_not_contradictory() -> None:
    # GIVEN a customer with some invoice over 60 days and some invoice under 10 days overdue
    workflow = build(filters=[OVERDUE, ["invoice.days_overdue", ">", 60], ["invoice.days_overdue", "<", 10]])

    # WHEN linting it
    lints = lint_workflow(workflow)

    # THEN both are warned as invoice filters at customer level, and neither is called contradictory
    assert codes(lints) == ["W003", "W003"]
    assert [lint.path for lint in lints] == ["trigger.filters[1]", "trigger.filters[2]"]


def test_invoice_filter_already_in_targets_is_not_warned() -> None:
    # GIVEN an invoice filter repeated in target_invoices
    condition = ["invoice.days_overdue", ">", 30]
    workflow = build(filters=[OVERDUE, condition], target_invoices=[condition])

    # WHEN linting it
    # THEN the message lists only matching invoices anyway, so nothing is raised
    assert lint_workflow(workflow) == []


def test_invoice_filter_at_group_level_is_warned() -> None:
    # GIVEN a customer-group workflow with an invoice filter
    workflow = build("customer_group_follow_up", filters=[["invoice.aging_group", "=", "91_plus"]])

    # WHEN linting it
    (lint,) = lint_workflow(workflow)

    # THEN it is W003 with the move as fix
    assert lint.code == "W003"
    assert lint.fix == "Move 'invoice.aging_group = 91_plus' from trigger.filters into trigger.target_invoices."


def test_invoice_filter_at_invoice_level_is_fine() -> None:
    # GIVEN an invoice-level workflow filtering on its own invoice
    workflow = build("invoice_follow_up", filters=[["invoice.days_overdue", ">", 30]])

    # WHEN linting it
    # THEN nothing is raised
    assert lint_workflow(workflow) == []


def test_invoice_date_counts_as_a_days_issued_filter() -> None:
    # GIVEN Invoice Created limited by the issue date instead of days issued
    workflow = build("invoice_created", filters=[["invoice.date", ">=", "2025-01-01"]])

    # WHEN linting it
    # THEN no W004 is raised
    assert lint_workflow(workflow) == []


@pytest.mark.parametrize(
    ("trigger_type", "filters", "extra", "path", "mentions"),
    [
        (
            "payment_registered",
            [["payment.status", "=", "voided"]],
            {},
            "trigger.filters",
            "'payment.status = voided'",
        ),
        (
            "invoice_follow_up",
            [["invoice.status", "in", ["paid", "closed"]]],
            {},
            "trigger.filters",
            "balance_cleared",
        ),
        (
            "invoice_follow_up",
            [["invoice.balance", "<=", 0]],
            {},
            "trigger.filters",
            "'invoice.balance <= 0'",
        ),
        (
            "customer_follow_up",
            [OVERDUE],
            {"target_invoices": [["invoice.status", "=", "paid"]]},
            "trigger.target_invoices",
            "no invoice is ever targeted",
        ),
        (
            "customer_follow_up",
            [["customer.balance_overdue", "<=", 0]],
            {"target_invoices": OVERDUE_TARGETS},
            "trigger.filters",
            "overdue balance",
        ),
        (
            "contact_follow_up",
            [["customer.max_days_overdue", "is_empty"]],
            {"target_invoices": [["invoice.days_late", ">", 5]]},
            "trigger.filters",
            "'customer.max_days_overdue is_empty'",
        ),
    ],
)
def test_trigger_filter_mismatches(
    trigger_type: str, filters: list[Any], extra: dict[str, Any], path: str, mentions: str
) -> None:
    # GIVEN filters that each hold on their own but not for records the trigger enrols
    workflow = build(trigger_type, filters=filters, **extra)

    # WHEN linting it
    lints = [lint for lint in lint_workflow(workflow) if lint.code == "E008"]

    # THEN one never-matches error points at the filters and names the condition
    assert len(lints) == 1
    assert lints[0].path == path
    assert mentions in lints[0].message


def test_follow_up_on_not_yet_overdue_balances_is_fine() -> None:
    # GIVEN a courtesy reminder: no overdue balance, any open invoice targeted, stopping on payment
    workflow = build(filters=[["customer.balance_overdue", "<=", 0], ["customer.balance_due", ">", 0]])

    # WHEN linting it
    # THEN it is not called never-matching: open invoices not yet due keep the run going
    assert lint_workflow(workflow) == []


def test_contradictory_filters_are_not_also_a_mismatch() -> None:
    # GIVEN Invoice Created with a status that is both paid and voided
    workflow = build(
        "invoice_created",
        filters=[["invoice.days_issued", "<=", 3], ["invoice.status", "=", "paid"], ["invoice.status", "=", "voided"]],
    )

    # WHEN linting it
    # THEN only the contradiction is reported
    assert codes(lint_workflow(workflow)) == ["E002"]


@pytest.mark.parametrize(
    ("trigger_type", "stop_when", "expected"),
    [
        ("invoice_follow_up", ["no_longer_matching"], ["I010"]),
        ("invoice_created", [], ["I010"]),
        ("invoice_created", None, []),
        ("payment_registered", [], []),
        ("customer_follow_up", ["balance_cleared"], []),
    ],
)
def test_no_stop_on_payment(trigger_type: str, stop_when: list[str] | None, expected: list[str]) -> None:
    # GIVEN a workflow with explicit (or default) stop conditions
    filters = {
        "invoice_follow_up": [["invoice.days_overdue", ">", 0]],
        "invoice_created": [["invoice.days_issued", "<=", 3]],
        "payment_registered": [["payment.amount", ">", 0]],
    }.get(trigger_type, [OVERDUE])
    settings = {} if stop_when is None else {"settings": {"stop_when": stop_when}}
    workflow = build(trigger_type, filters=filters, **settings)

    # WHEN linting it
    # THEN continuous and invoice-created workflows without balance_cleared get the info
    assert codes(lint_workflow(workflow)) == expected
