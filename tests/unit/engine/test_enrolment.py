"""Enrolment: whether a record starts a run of a workflow now, and the trace that explains why (or why not)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shared.domain.engine.decision import TraceEntry
from shared.domain.engine.enrolment import consider
from shared.domain.engine.run import RunState, RunStatus
from shared.domain.ledger.models import InvoiceStatus
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Trigger, Workflow

from .builders import CUSTOMER_ID, invoice, ledger, london, promise, run_state, workflow

MONDAY_MORNING = london(2026, 11, 2, 7)


def _ended(flow: Workflow, reason: str, days_before: int = 0, **overrides: Any) -> RunState:
    """An earlier run of ``flow`` that ended ``days_before`` days before Monday morning (or at ``ended_at``)."""
    ended = overrides.pop("ended_at", MONDAY_MORNING - timedelta(days=days_before))
    status = RunStatus.COMPLETED if reason == "completed" else RunStatus.STOPPED
    fields: dict[str, Any] = {"run_id": "run-earlier", "status": status, "ended_at": ended, "end_reason": reason}
    return run_state(flow, "done", ended - timedelta(days=10), **(fields | overrides))


def test_failing_filter_is_traced_with_the_condition_and_its_actual_value(
    dunning: Workflow, london_tenant: TenantSettings
) -> None:
    # GIVEN a customer whose only invoice is not due yet, so nothing is overdue
    view = ledger(invoice(due_on=date(2026, 12, 1)))
    # WHEN the dunning workflow considers the customer
    verdict = consider(dunning, CUSTOMER_ID, view, MONDAY_MORNING, london_tenant)
    # THEN it does not enrol, and the trace names the failing condition with the value it saw
    assert (verdict.enrol, verdict.reason, verdict.run) == (False, "filters_failed", None)
    assert verdict.trace[-1] == TraceEntry("filters", "failed", "customer.balance_overdue > 0: failed (actual: 0)")


def test_an_active_run_blocks_a_second_enrolment(dunning: Workflow, london_tenant: TenantSettings) -> None:
    # GIVEN an overdue customer already in an active run of the workflow
    active = run_state(dunning, "wait-7", MONDAY_MORNING - timedelta(days=2), run_id="run-active")
    # WHEN the workflow considers the customer again
    verdict = consider(dunning, CUSTOMER_ID, ledger(invoice()), MONDAY_MORNING, london_tenant, [active])
    # THEN it does not enrol, naming the active run
    assert (verdict.enrol, verdict.reason) == (False, "already_enrolled")
    assert "run-active" in verdict.trace[-1].detail


def test_continuous_trigger_reenrols_at_once_after_a_balance_cleared_end(
    dunning: Workflow, london_tenant: TenantSettings
) -> None:
    # GIVEN a run that stopped yesterday because the balance was cleared, and a new overdue invoice today
    earlier = _ended(dunning, "balance_cleared", days_before=1)
    # WHEN the continuous workflow considers the customer (restart_after_days is 14)
    verdict = consider(dunning, CUSTOMER_ID, ledger(invoice("inv-2")), MONDAY_MORNING, london_tenant, [earlier])
    # THEN the customer enrols again straight away
    assert verdict.enrol
    assert verdict.run is not None and verdict.run.invoice_ids == ("inv-2",)


def test_restart_after_days_blocks_a_completed_run_until_due(dunning: Workflow, london_tenant: TenantSettings) -> None:
    # GIVEN a run that completed 13 days ago, with restart_after_days 14
    earlier = _ended(dunning, "completed", days_before=13)
    # WHEN the workflow considers the still-overdue customer
    verdict = consider(dunning, CUSTOMER_ID, ledger(invoice()), MONDAY_MORNING, london_tenant, [earlier])
    # THEN it does not enrol yet, and says when it will
    assert (verdict.enrol, verdict.reason) == (False, "restart_not_due")
    assert "14 days" in verdict.trace[-1].detail


def test_restart_after_days_allows_a_new_run_once_due(dunning: Workflow, london_tenant: TenantSettings) -> None:
    # GIVEN a run that completed exactly 14 days ago, with restart_after_days 14
    earlier = _ended(dunning, "completed", days_before=14)
    # WHEN the workflow considers the still-overdue customer
    verdict = consider(dunning, CUSTOMER_ID, ledger(invoice()), MONDAY_MORNING, london_tenant, [earlier])
    # THEN it enrols again
    assert (verdict.enrol, verdict.reason) == (True, "enrolled")


def test_one_time_trigger_never_reenrols_a_record(london_tenant: TenantSettings) -> None:
    # GIVEN an invoice-created workflow whose run for the invoice ended (balance cleared) months ago
    created = workflow("invoice_created")
    earlier = _ended(created, "balance_cleared", days_before=90, record_id="inv-1")
    # WHEN the same invoice is considered again
    verdict = consider(created, "inv-1", ledger(invoice()), MONDAY_MORNING, london_tenant, [earlier])
    # THEN it is refused: a one-time trigger runs once per record
    assert (verdict.enrol, verdict.reason) == (False, "already_enrolled")
    assert verdict.trace[-1].rule == "one-time trigger"


def test_no_targeted_invoice_means_no_enrolment(dunning: Workflow, london_tenant: TenantSettings) -> None:
    # GIVEN an overdue balance made only of a disputed invoice, which the target conditions leave out
    view = ledger(invoice(status=InvoiceStatus.DISPUTE))
    # WHEN the dunning workflow considers the customer
    verdict = consider(dunning, CUSTOMER_ID, view, MONDAY_MORNING, london_tenant)
    # THEN it does not enrol: there is nothing to chase
    assert (verdict.enrol, verdict.reason) == (False, "no_targeted_invoices")


def test_promised_invoices_are_left_out_of_the_enrolled_invoices(
    dunning: Workflow, london_tenant: TenantSettings
) -> None:
    # GIVEN two overdue invoices, one under an active promise, and promise_to_pay mode promised_invoices
    view = ledger(invoice("inv-1"), invoice("inv-2"), promise(date(2026, 11, 20), ("inv-1",)))
    # WHEN the dunning workflow considers the customer
    verdict = consider(dunning, CUSTOMER_ID, view, MONDAY_MORNING, london_tenant)
    # THEN the run enrols with the unpromised invoice only
    assert verdict.run is not None and verdict.run.invoice_ids == ("inv-2",)


def test_a_day_that_is_not_a_start_day_does_not_enrol_on_a_sweep(
    dunning: Workflow, london_tenant: TenantSettings
) -> None:
    # GIVEN a weekday-start workflow and a Saturday sweep
    saturday = london(2026, 11, 7, 7)
    # WHEN the sweep considers an overdue customer
    verdict = consider(dunning, CUSTOMER_ID, ledger(invoice()), saturday, london_tenant, on_sweep_day_only=True)
    # THEN it does not enrol on that day
    assert (verdict.enrol, verdict.reason) == (False, "not_a_start_day")


def test_the_run_id_is_deterministic(dunning: Workflow, london_tenant: TenantSettings) -> None:
    # GIVEN the same workflow, record, ledger and instant
    view = ledger(invoice())
    # WHEN enrolment is asked twice (a retried sweep)
    first = consider(dunning, CUSTOMER_ID, view, MONDAY_MORNING, london_tenant)
    second = consider(dunning, CUSTOMER_ID, view, MONDAY_MORNING, london_tenant)
    # THEN both give the same run, so it is written once
    assert first.run is not None and second.run is not None
    assert first.run.run_id == second.run.run_id
    assert first.run == second.run


def test_the_restart_trace_names_the_local_restart_day(dunning: Workflow, london_tenant: TenantSettings) -> None:
    # GIVEN a run that completed at 00:30 London time on Sunday 11 October (23:30 UTC on the 10th)
    earlier = _ended(dunning, "completed", ended_at=london(2026, 10, 11, 0, 30))
    # WHEN the customer is considered on 20 October, before the 14 days are over
    verdict = consider(dunning, CUSTOMER_ID, ledger(invoice()), london(2026, 10, 20, 7), london_tenant, [earlier])
    # THEN the refusal names 25 October, the London day the 14 days end on
    assert verdict.reason == "restart_not_due"
    assert "2026-10-25" in verdict.trace[-1].detail


def test_a_same_day_reenrolment_gets_a_new_run_id(dunning: Workflow, london_tenant: TenantSettings) -> None:
    # GIVEN a run enrolled this morning that stopped at noon because the balance was cleared
    view = ledger(invoice())
    first = consider(dunning, CUSTOMER_ID, view, MONDAY_MORNING, london_tenant).run
    assert first is not None
    ended = first.model_copy(
        update={"status": RunStatus.STOPPED, "ended_at": london(2026, 11, 2, 12), "end_reason": "balance_cleared"}
    )
    # WHEN a new overdue balance enrols the customer again in the afternoon
    again = consider(dunning, CUSTOMER_ID, view, london(2026, 11, 2, 15), london_tenant, [ended]).run
    # THEN the new run has its own id, distinct from the ended one
    assert again is not None
    assert again.run_id != first.run_id


def test_a_workflow_derived_with_new_filters_is_judged_by_its_own_filters(
    dunning: Workflow, london_tenant: TenantSettings
) -> None:
    # GIVEN a workflow already used once, and a new version of it whose filter no customer meets
    view = ledger(invoice())
    assert consider(dunning, CUSTOMER_ID, view, MONDAY_MORNING, london_tenant).enrol
    strict = Trigger.model_validate(
        {"type": "customer_follow_up", "filters": [["customer.balance_overdue", ">", 10**6]]}
    )
    version_2 = dunning.model_copy(update={"version": 2, "trigger": strict})
    # WHEN the new version considers the same customer
    verdict = consider(version_2, CUSTOMER_ID, view, MONDAY_MORNING, london_tenant)
    # THEN its own filter refuses the customer
    assert (verdict.enrol, verdict.reason) == (False, "filters_failed")
