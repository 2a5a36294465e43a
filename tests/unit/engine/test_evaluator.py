"""The step evaluator: one decision per (workflow, run, ledger view, now), with the rule that decided it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.domain.engine.decision import Decision, DecisionKind, Passage
from shared.domain.engine.evaluator import evaluate
from shared.domain.engine.progress import after_decision
from shared.domain.engine.run import RunState, StepRecord
from shared.domain.ledger.models import ChasingPause, LedgerRecord
from shared.domain.ledger.views import CustomerLedger
from shared.domain.workflow.definition import Workflow

from .builders import (
    LONDON,
    communication,
    customer,
    invoice,
    ledger,
    london,
    paid_invoice,
    promise,
    reply,
    run_state,
    tenant,
    workflow,
)

TENANT = tenant()


def decide(flow: Workflow, run: RunState, view: CustomerLedger, now: datetime) -> Decision:
    return evaluate(flow, run, view, now, TENANT)


def at_node(
    flow: Workflow, node_id: str, entered: datetime, *records: LedgerRecord, **run: Any
) -> tuple[RunState, CustomerLedger]:
    """A run standing at ``node_id`` and the ledger it reads (an overdue invoice ``inv-1`` when none is given)."""
    return run_state(flow, node_id, entered, **run), ledger(*(records or (invoice(),)))


# -- send time, send window ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "nine_local", "nine_utc"),
    [
        (london(2026, 11, 2, 7), london(2026, 11, 2, 9), datetime(2026, 11, 2, 9, tzinfo=UTC)),  # GMT
        (london(2026, 10, 5, 6, 30), london(2026, 10, 5, 9), datetime(2026, 10, 5, 8, tzinfo=UTC)),  # BST
    ],
    ids=["gmt", "bst"],
)
def test_an_at_time_send_waits_until_nine_local(
    dunning: Workflow, entered: datetime, nine_local: datetime, nine_utc: datetime
) -> None:
    # GIVEN a run that reached a 09:00 send early on a Monday morning
    run, view = at_node(dunning, "friendly-reminder", entered)
    # WHEN it is evaluated at once
    decision = decide(dunning, run, view, entered)
    # THEN it waits for 09:00 London time, whatever the UTC offset that day
    assert (decision.kind, decision.reason, decision.node_id) == (DecisionKind.WAIT, "send_time", "friendly-reminder")
    assert decision.at == nine_local == nine_utc


def test_a_late_tick_on_the_same_day_still_sends(dunning: Workflow) -> None:
    # GIVEN a 09:00 send entered at 07:00 whose tick arrives late, at 11:30 the same day
    run, view = at_node(dunning, "friendly-reminder", london(2026, 11, 2, 7))
    # WHEN it is evaluated at 11:30
    decision = decide(dunning, run, view, london(2026, 11, 2, 11, 30))
    # THEN it sends now rather than waiting a day
    assert (decision.kind, decision.node_id, decision.invoice_ids) == (
        DecisionKind.ACT,
        "friendly-reminder",
        ("inv-1",),
    )
    assert decision.sends


def test_a_late_tick_after_the_run_hours_waits_for_the_next_send_time(dunning: Workflow) -> None:
    # GIVEN a 09:00 send entered at 07:00 whose tick only arrives at 19:00, after the 08:00–18:00 run hours
    run, view = at_node(dunning, "friendly-reminder", london(2026, 11, 2, 7))
    # WHEN it is evaluated at 19:00
    decision = decide(dunning, run, view, london(2026, 11, 2, 19))
    # THEN it does not send outside the window: it waits for 09:00 the next day
    assert (decision.kind, decision.at) == (DecisionKind.WAIT, london(2026, 11, 3, 9))


def test_a_weekend_defers_a_send_to_the_next_business_day(dunning: Workflow) -> None:
    # GIVEN a 09:00 send entered on Friday evening
    run, view = at_node(dunning, "friendly-reminder", london(2026, 11, 6, 19))
    # WHEN it is evaluated on Saturday morning
    decision = decide(dunning, run, view, london(2026, 11, 7, 10))
    # THEN it waits for Monday 09:00, because of the weekend
    assert (decision.kind, decision.reason, decision.at) == (DecisionKind.WAIT, "weekend", london(2026, 11, 9, 9))


@pytest.mark.parametrize("holiday", [date(2026, 12, 25), date(2026, 12, 28)], ids=["christmas", "boxing-observed"])
def test_a_gb_public_holiday_defers_a_send_to_the_next_business_day(dunning: Workflow, holiday: date) -> None:
    # GIVEN a 09:00 send entered on Christmas Eve evening (25th, 26th and 28th are GB holidays, 26–27 a weekend)
    run, view = at_node(dunning, "friendly-reminder", london(2026, 12, 24, 19))
    # WHEN it is evaluated on the holiday
    decision = decide(dunning, run, view, london(holiday.year, holiday.month, holiday.day, 10))
    # THEN it waits for Tuesday 29 December 09:00, because of the holiday
    assert (decision.kind, decision.reason, decision.at) == (DecisionKind.WAIT, "holiday", london(2026, 12, 29, 9))


def test_an_asap_send_waits_for_the_run_hours(reminders: Workflow) -> None:
    # GIVEN an invoice run reaching an asap email at 17:45, after the 09:00–17:30 run hours
    run, view = at_node(reminders, "overdue-email", london(2026, 11, 3, 17, 45), record_id="inv-1")
    # WHEN it is evaluated then
    decision = decide(reminders, run, view, london(2026, 11, 3, 17, 45))
    # THEN it waits for the window to open the next morning
    assert (decision.kind, decision.reason) == (DecisionKind.WAIT, "outside_run_hours")
    assert decision.at == london(2026, 11, 4, 9)


# -- waits --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node_id", "entered", "ends"),
    [
        # 3 calendar days keep the local time across the October clock change
        ("three-days", london(2026, 10, 22, 10), london(2026, 10, 25, 10)),
        # 2 business days from Christmas Eve skip the 25th, the weekend and the 28th
        ("two-business-days", london(2026, 12, 24, 10), london(2026, 12, 30, 10)),
        # 48 hours are elapsed time: the local clock reads 11:00 after falling back an hour
        ("forty-eight-hours", london(2026, 10, 24, 12), london(2026, 10, 26, 11)),
        ("until-monday", london(2026, 11, 4, 10), london(2026, 11, 9, 9)),
        # the invoice falls due on 20 November: three days later at 09:00
        ("due-plus-3", london(2026, 11, 2, 10), london(2026, 11, 23, 9)),
    ],
)
def test_a_wait_node_waits_until_its_end(waits: Workflow, node_id: str, entered: datetime, ends: datetime) -> None:
    # GIVEN a run that has just entered a wait node, with an invoice due on 20 November
    run, view = at_node(waits, node_id, entered, invoice(due_on=date(2026, 11, 20)))
    # WHEN it is evaluated at once
    decision = decide(waits, run, view, entered)
    # THEN it waits at that node until the wait's end
    assert (decision.kind, decision.reason, decision.node_id, decision.at) == (
        DecisionKind.WAIT,
        "wait_node",
        node_id,
        ends,
    )


def test_an_hours_wait_counts_elapsed_hours_whatever_the_entry_timezone(waits: Workflow) -> None:
    # GIVEN a 48-hour wait entered on Saturday 24 October 12:00 BST, the instant carried with its London zone
    entered = london(2026, 10, 24, 12).astimezone(LONDON)
    run, view = at_node(waits, "forty-eight-hours", entered)
    # WHEN it is evaluated at once
    decision = decide(waits, run, view, entered)
    # THEN it ends 48 elapsed hours later (11:00 GMT on Monday), as it does for the same instant in UTC
    assert decision.at == entered.astimezone(UTC) + timedelta(hours=48) == london(2026, 10, 26, 11)


def test_a_finished_wait_is_passed_and_the_run_moves_to_the_next_node(waits: Workflow) -> None:
    # GIVEN a run whose 48-hour wait ended an hour ago
    run, view = at_node(waits, "forty-eight-hours", london(2026, 11, 2, 9))
    # WHEN it is evaluated
    decision = decide(waits, run, view, london(2026, 11, 4, 10))
    # THEN the wait is recorded as passed and the run stands at the following node (the wait until Monday)
    assert decision.passed[0].node_id == "forty-eight-hours" and decision.passed[0].outcome == "waited"
    assert (decision.kind, decision.node_id) == (DecisionKind.WAIT, "until-monday")


@pytest.mark.parametrize(
    ("due_on", "answer", "next_node"),
    [(date(2026, 9, 1), "yes", "firm-reminder"), (date(2026, 10, 25), "no", "second-reminder")],
)
def test_a_branch_records_its_answer_in_passed(dunning: Workflow, due_on: date, answer: str, next_node: str) -> None:
    # GIVEN a run whose 7-day wait is over, with an invoice overdue by more (yes) or less (no) than 30 days
    run, view = at_node(dunning, "wait-7", london(2026, 11, 2, 9), invoice(due_on=due_on))
    # WHEN it is evaluated after the wait
    decision = decide(dunning, run, view, london(2026, 11, 9, 9, 30))
    # THEN the branch's answer is in passed and the run goes down that path
    assert Passage("still-overdue-30", "branched", answer) in decision.passed
    assert decision.node_id == next_node


# -- stop and pause rules -----------------------------------------------------------------------------------------


def test_a_paid_invoice_stops_the_run_with_balance_cleared(dunning: Workflow) -> None:
    # GIVEN a run waiting between reminders, and its only invoice now paid
    run, view = at_node(dunning, "wait-7", london(2026, 11, 2, 9), paid_invoice())
    # WHEN it is evaluated
    decision = decide(dunning, run, view, london(2026, 11, 3, 9))
    # THEN the run stops: the balance is cleared
    assert (decision.kind, decision.reason) == (DecisionKind.STOP, "balance_cleared")


def test_chasing_switched_off_pauses_a_message(dunning: Workflow) -> None:
    # GIVEN a send due now for a customer whose chasing is switched off (no chasing_disabled stop condition)
    run = run_state(dunning, "friendly-reminder", london(2026, 11, 2, 7))
    view = ledger(invoice(), the_customer=customer(chasing_enabled=False))
    # WHEN it is evaluated in the send window
    decision = decide(dunning, run, view, london(2026, 11, 2, 9))
    # THEN the message is paused until chasing is switched on again
    assert (decision.kind, decision.reason, decision.at) == (DecisionKind.PAUSE, "chasing_disabled", None)


def test_chasing_switched_off_stops_the_run_with_the_stop_condition() -> None:
    # GIVEN the same workflow with the chasing_disabled stop condition, and chasing switched off
    flow = workflow("customer_dunning", settings={"stop_when": ["balance_cleared", "chasing_disabled"]})
    run = run_state(flow, "friendly-reminder", london(2026, 11, 2, 7))
    view = ledger(invoice(), the_customer=customer(chasing_enabled=False))
    # WHEN it is evaluated
    decision = decide(flow, run, view, london(2026, 11, 2, 9))
    # THEN the run stops
    assert (decision.kind, decision.reason) == (DecisionKind.STOP, "chasing_disabled")


def test_chasing_paused_until_a_date_pauses_until_local_midnight_of_that_date(dunning: Workflow) -> None:
    # GIVEN a customer whose chasing a person paused until 20 October (a BST date)
    run = run_state(dunning, "friendly-reminder", london(2026, 10, 12, 7))
    view = ledger(invoice(), the_customer=customer(chasing_pause=ChasingPause(until=date(2026, 10, 20))))
    # WHEN the send is evaluated in its window
    decision = decide(dunning, run, view, london(2026, 10, 12, 9))
    # THEN it pauses until London midnight starting the 20th (23:00 UTC the day before)
    assert (decision.kind, decision.reason) == (DecisionKind.PAUSE, "chasing_paused")
    assert decision.at == london(2026, 10, 20) == datetime(2026, 10, 19, 23, tzinfo=UTC)


def test_an_active_promise_pauses_the_customer_until_the_day_after_the_promised_date(weekly: Workflow) -> None:
    # GIVEN a statement due now, and a promise to pay inv-1 by 10 November (mode customer)
    run, view = at_node(weekly, "statement", london(2026, 11, 2, 7), invoice(), promise(date(2026, 11, 10)))
    # WHEN it is evaluated at the send time
    decision = decide(weekly, run, view, london(2026, 11, 2, 10))
    # THEN the whole customer is paused until the start of 11 November
    assert (decision.kind, decision.reason, decision.at) == (DecisionKind.PAUSE, "promise_to_pay", london(2026, 11, 11))
    assert decision.details["promises"] == ["ptp-1"]


def test_a_broken_promise_resumes_the_run_at_the_same_node(weekly: Workflow) -> None:
    # GIVEN a run paused by a promise for 10 November that was not kept (the invoice is still open)
    run, view = at_node(weekly, "statement", london(2026, 11, 2, 7), invoice(), promise(date(2026, 11, 10)))
    paused = decide(weekly, run, view, london(2026, 11, 2, 10))
    run = after_decision(run, paused, london(2026, 11, 2, 10))
    # WHEN the pause ends at midnight, and again at the send time
    at_midnight = decide(weekly, run, view, london(2026, 11, 11))
    at_ten = decide(weekly, run, view, london(2026, 11, 11, 10))
    # THEN the run is still at the statement node, waiting for 10:00 and then sending
    assert (at_midnight.kind, at_midnight.node_id, at_midnight.at) == (
        DecisionKind.WAIT,
        "statement",
        london(2026, 11, 11, 10),
    )
    assert (at_ten.kind, at_ten.node_id) == (DecisionKind.ACT, "statement")


def test_promised_invoices_are_left_out_of_the_message(dunning: Workflow) -> None:
    # GIVEN two overdue invoices, one under an active promise (mode promised_invoices)
    records = (invoice("inv-1"), invoice("inv-2"), promise(date(2026, 11, 20), ("inv-1",)))
    run, view = at_node(dunning, "friendly-reminder", london(2026, 11, 2, 7), *records)
    # WHEN the send is evaluated at 09:00
    decision = decide(dunning, run, view, london(2026, 11, 2, 9))
    # THEN the message goes out about the unpromised invoice only
    assert (decision.kind, decision.invoice_ids) == (DecisionKind.ACT, ("inv-2",))


def test_a_message_about_promised_invoices_only_is_paused(dunning: Workflow) -> None:
    # GIVEN a single overdue invoice under an active promise (mode promised_invoices)
    run, view = at_node(dunning, "friendly-reminder", london(2026, 11, 2, 7), invoice(), promise(date(2026, 11, 20)))
    # WHEN the send is evaluated at 09:00
    decision = decide(dunning, run, view, london(2026, 11, 2, 9))
    # THEN nothing is left to mention: the step pauses until the day after the promised date
    assert (decision.kind, decision.reason, decision.at) == (DecisionKind.PAUSE, "promise_to_pay", london(2026, 11, 21))


def test_a_task_leaves_out_promised_invoices(dunning: Workflow) -> None:
    # GIVEN a run at its call task, with two overdue invoices of which one is under an active promise
    records = (invoice("inv-1"), invoice("inv-2"), promise(date(2026, 11, 20), ("inv-1",)))
    run, view = at_node(dunning, "call-task", london(2026, 11, 2, 9), *records, invoice_ids=("inv-2",))
    # WHEN the task is evaluated in the window
    decision = decide(dunning, run, view, london(2026, 11, 2, 10))
    # THEN the task is about the unpromised invoice only, as a message would be
    assert (decision.kind, decision.invoice_ids) == (DecisionKind.ACT, ("inv-2",))


def test_a_recent_message_pauses_until_it_is_n_days_old(dunning: Workflow) -> None:
    # GIVEN an email sent to the customer on Sunday 15:20, and a 3-day recent-communication pause
    sent = london(2026, 11, 1, 15, 20)
    run, view = at_node(dunning, "friendly-reminder", london(2026, 11, 2, 7), invoice(), communication(sent))
    # WHEN the send is evaluated on Monday at 09:00
    decision = decide(dunning, run, view, london(2026, 11, 2, 9))
    # THEN it pauses until three days after that message
    assert (decision.kind, decision.reason, decision.at) == (
        DecisionKind.PAUSE,
        "recent_communication",
        sent + timedelta(days=3),
    )


def test_a_reply_after_enrolment_stops_the_run(weekly: Workflow) -> None:
    # GIVEN a run enrolled on Monday and a reply from the customer on Tuesday (stop condition customer_replied)
    run, view = at_node(weekly, "wait-7", london(2026, 11, 2, 10), invoice(), reply(london(2026, 11, 3, 14)))
    # WHEN it is evaluated on Wednesday
    decision = decide(weekly, run, view, london(2026, 11, 4, 9))
    # THEN the run stops because the customer replied
    assert (decision.kind, decision.reason) == (DecisionKind.STOP, "customer_replied")


def test_a_reply_before_enrolment_does_not_stop_the_run(weekly: Workflow) -> None:
    # GIVEN a reply that came the day before the run enrolled
    run, view = at_node(weekly, "wait-7", london(2026, 11, 2, 10), invoice(), reply(london(2026, 11, 1, 14)))
    # WHEN it is evaluated on Wednesday
    decision = decide(weekly, run, view, london(2026, 11, 4, 9))
    # THEN the run keeps waiting
    assert (decision.kind, decision.node_id) == (DecisionKind.WAIT, "wait-7")


def test_a_step_whose_filters_no_longer_match_is_skipped(weekly: Workflow) -> None:
    # GIVEN a statement due now, but the customer's only open invoice is no longer overdue (due date moved)
    run, view = at_node(weekly, "statement", london(2026, 11, 2, 7), invoice(due_on=date(2026, 12, 1)))
    # WHEN it is evaluated at the send time
    decision = decide(weekly, run, view, london(2026, 11, 2, 10))
    # THEN the statement is skipped and the run moves on to its wait
    assert decision.passed == (Passage("statement", "skipped", "filters no longer match"),)
    assert (decision.kind, decision.node_id) == (DecisionKind.WAIT, "wait-7")


def test_a_record_that_no_longer_matches_stops_the_run_with_the_stop_condition() -> None:
    # GIVEN the weekly workflow with the no_longer_matching stop condition, and nothing overdue any more
    flow = workflow("weekly_statement", settings={"stop_when": ["balance_cleared", "no_longer_matching"]})
    run, view = at_node(flow, "statement", london(2026, 11, 2, 7), invoice(due_on=date(2026, 12, 1)))
    # WHEN it is evaluated
    decision = decide(flow, run, view, london(2026, 11, 2, 10))
    # THEN the run stops
    assert (decision.kind, decision.reason) == (DecisionKind.STOP, "no_longer_matching")


def test_evaluating_twice_gives_equal_decisions(dunning: Workflow) -> None:
    # GIVEN a run at a send, with a promise and a recent message in the ledger
    records = (invoice("inv-1"), invoice("inv-2"), promise(date(2026, 11, 20)), communication(london(2026, 10, 1)))
    run, view = at_node(dunning, "friendly-reminder", london(2026, 11, 2, 7), *records)
    # WHEN it is evaluated twice with the same inputs
    first, second = (decide(dunning, run, view, london(2026, 11, 2, 9)) for _ in range(2))
    # THEN the decisions are equal, trace and action key included
    assert first == second
    assert first.action_key is not None


# -- loops --------------------------------------------------------------------------------------------------------


def test_a_weekly_loop_sends_once_per_week() -> None:
    # GIVEN a statement loop that waits until Monday 09:00, back at its wait after sending at Monday 09:00
    flow = workflow("weekly_until_loop")
    sent = StepRecord(node_id="statement", at=london(2026, 11, 2, 9), outcome="acted")
    run, view = at_node(flow, "next-monday", london(2026, 11, 2, 9), history=(sent,))
    # WHEN the run is evaluated again in the same tick
    again = decide(flow, run, view, london(2026, 11, 2, 9))
    # THEN it waits for next Monday instead of sending a second statement
    assert (again.kind, again.at) == (DecisionKind.WAIT, london(2026, 11, 9, 9))


def test_a_loop_through_a_wait_already_over_still_gives_a_decision() -> None:
    # GIVEN a loop that waits until 3 days after the due date while the invoice is promised, the due date long past
    flow = workflow("promise_poll_loop")
    run, view = at_node(flow, "due-plus-3", london(2026, 11, 2, 7), invoice(), promise(date(2026, 11, 20)))
    # WHEN it is evaluated
    decision = decide(flow, run, view, london(2026, 11, 2, 9))
    # THEN it gives a decision instead of raising
    assert isinstance(decision, Decision)
