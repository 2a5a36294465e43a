"""How a run moves: action outcomes, retries, tasks waited on, and the controls a person uses (hold, run now …)."""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.domain.engine import progress
from shared.domain.engine.decision import Decision, DecisionKind
from shared.domain.engine.enrolment import consider
from shared.domain.engine.evaluator import evaluate
from shared.domain.engine.progress import after_action, after_decision
from shared.domain.engine.run import RunState, RunStatus
from shared.domain.ledger.models import TaskStatus
from shared.domain.ledger.views import CustomerLedger
from shared.domain.workflow.definition import Workflow

from .builders import CUSTOMER_ID, invoice, ledger, london, run_state, task, tenant

TENANT = tenant()
MONDAY_NINE = london(2026, 11, 2, 9)


def decide(flow: Workflow, run: RunState, view: CustomerLedger, now: datetime) -> Decision:
    return evaluate(flow, run, view, now, TENANT)


def _at_send(dunning: Workflow, **run: object) -> tuple[RunState, CustomerLedger]:
    """A run at the 09:00 friendly reminder since 07:00 on Monday, with one overdue invoice."""
    return run_state(dunning, "friendly-reminder", london(2026, 11, 2, 7), **run), ledger(invoice())


# -- a person's controls ------------------------------------------------------------------------------------------


def test_a_manual_hold_pauses_the_run(dunning: Workflow) -> None:
    # GIVEN a run due to send, put on hold by a person until Wednesday
    run, view = _at_send(dunning)
    held = progress.pause(run, london(2026, 11, 4, 9), note="customer asked for time")
    # WHEN it is evaluated in the send window
    decision = decide(dunning, held, view, MONDAY_NINE)
    # THEN it is paused by the hold, until the hold's end
    assert (decision.kind, decision.reason, decision.at) == (DecisionKind.PAUSE, "manual_pause", london(2026, 11, 4, 9))


def test_resume_clears_the_hold(dunning: Workflow) -> None:
    # GIVEN a run held indefinitely
    run, view = _at_send(dunning)
    held = progress.pause(run, None)
    # WHEN a person resumes it and it is evaluated in the send window
    decision = decide(dunning, progress.resume(held), view, MONDAY_NINE)
    # THEN the hold is gone and the send goes ahead
    assert progress.resume(held).hold is None
    assert (decision.kind, decision.node_id) == (DecisionKind.ACT, "friendly-reminder")


def test_run_now_skips_a_wait(reminders: Workflow) -> None:
    # GIVEN an invoice run that entered its 48-hour wait an hour ago
    run = run_state(reminders, "wait-48h", london(2026, 11, 3, 11), record_id="inv-1")
    # WHEN a person asks to run it now, inside the run hours
    decision = decide(reminders, progress.run_now(run), ledger(invoice()), london(2026, 11, 3, 12))
    # THEN the wait is passed and the SMS after it goes out
    assert decision.passed[0].node_id == "wait-48h"
    assert (decision.kind, decision.node_id) == (DecisionKind.ACT, "overdue-sms")


def test_run_now_does_not_skip_the_run_hours(reminders: Workflow) -> None:
    # GIVEN an invoice run at its asap email, at 20:00 (outside 09:00–17:30)
    run = run_state(reminders, "overdue-email", london(2026, 11, 3, 20), record_id="inv-1")
    # WHEN a person asks to run it now
    decision = decide(reminders, progress.run_now(run), ledger(invoice()), london(2026, 11, 3, 20))
    # THEN it still waits for the window to open
    assert (decision.kind, decision.reason, decision.at) == (
        DecisionKind.WAIT,
        "outside_run_hours",
        london(2026, 11, 4, 9),
    )


def test_skip_moves_the_run_to_the_next_node(dunning: Workflow) -> None:
    # GIVEN a run at the friendly reminder
    run, _ = _at_send(dunning)
    # WHEN a person skips the step
    skipped = progress.skip(run, dunning, MONDAY_NINE)
    # THEN the run stands at the following wait since now, and the history says the step was skipped
    assert (skipped.node_id, skipped.node_entered_at) == ("wait-7", MONDAY_NINE)
    assert (skipped.history[-1].node_id, skipped.history[-1].outcome) == ("friendly-reminder", "skipped")


def test_a_stopped_run_never_acts_again(dunning: Workflow) -> None:
    # GIVEN a run stopped by a person just before its send
    run, view = _at_send(dunning)
    stopped = progress.stop(run, london(2026, 11, 2, 8))
    # WHEN it is evaluated at the send time and on the following days
    decisions = [decide(dunning, stopped, view, MONDAY_NINE + timedelta(days=d)) for d in range(5)]
    # THEN every decision is a stop, never an action
    assert {(d.kind, d.reason) for d in decisions} == {(DecisionKind.STOP, "stopped_by_user")}


# -- action outcomes ----------------------------------------------------------------------------------------------


def test_a_done_action_moves_the_run_on(dunning: Workflow) -> None:
    # GIVEN a send decided at 09:00
    run, view = _at_send(dunning)
    sent = decide(dunning, run, view, MONDAY_NINE)
    # WHEN the email went out
    after = after_action(run, dunning, sent, "done", MONDAY_NINE)
    # THEN the run waits at the next node from now, with the step recorded as acted
    assert (after.node_id, after.node_entered_at, after.history[-1].outcome) == ("wait-7", MONDAY_NINE, "acted")


def test_a_retryable_failure_defers_the_step_with_reason_retry(dunning: Workflow) -> None:
    # GIVEN a send that failed at 09:00 with a retryable error, to be retried at 09:30
    run, view = _at_send(dunning)
    first = decide(dunning, run, view, MONDAY_NINE)
    failed = after_action(run, dunning, first, "failed_retryable", MONDAY_NINE, retry_at=london(2026, 11, 2, 9, 30))
    # WHEN it is evaluated at 09:10
    decision = decide(dunning, failed, view, london(2026, 11, 2, 9, 10))
    # THEN it waits for the retry, at the same node
    assert (decision.kind, decision.reason, decision.node_id) == (DecisionKind.WAIT, "retry", "friendly-reminder")
    assert decision.at == london(2026, 11, 2, 9, 30)


def test_a_retry_reuses_the_action_key(dunning: Workflow) -> None:
    # GIVEN a send that failed with a retryable error at 09:00, to be retried at 09:30
    run, view = _at_send(dunning)
    first = decide(dunning, run, view, MONDAY_NINE)
    failed = after_action(run, dunning, first, "failed_retryable", MONDAY_NINE, retry_at=london(2026, 11, 2, 9, 30))
    # WHEN the retry is evaluated at 09:30
    retry = decide(dunning, failed, view, london(2026, 11, 2, 9, 30))
    # THEN it acts again under the same action key, so the sender can deduplicate it
    assert retry.kind is DecisionKind.ACT
    assert retry.action_key == first.action_key


def test_a_deferral_is_not_a_failed_attempt(dunning: Workflow) -> None:
    # GIVEN a send the provider throttled at 09:00, deferred to 09:01
    run, view = _at_send(dunning)
    first = decide(dunning, run, view, MONDAY_NINE)
    deferred = after_action(run, dunning, first, "deferred", MONDAY_NINE, retry_at=london(2026, 11, 2, 9, 1))
    # WHEN it is evaluated at 09:01
    again = decide(dunning, deferred, view, london(2026, 11, 2, 9, 1))
    # THEN the attempt count is unchanged, the deferral is counted, and the same message is tried again
    assert (deferred.attempt, deferred.throttles) == (0, 1)
    assert (again.kind, again.action_key) == (DecisionKind.ACT, first.action_key)


def _task_run(reminders: Workflow) -> RunState:
    """An invoice run whose wait-for-completion call task was created on Monday at 09:00 as ``task-1``."""
    run = run_state(reminders, "call-task", london(2026, 11, 2, 9), record_id="inv-1")
    created = decide(reminders, run, ledger(invoice(amount="5000.00")), MONDAY_NINE)
    assert (created.kind, created.node_id) == (DecisionKind.ACT, "call-task")
    return after_action(run, reminders, created, "task_created", MONDAY_NINE, task_id="task-1")


def test_a_task_waited_on_holds_the_run_while_open(reminders: Workflow) -> None:
    # GIVEN a run that created its call task, still open in the ledger
    run = _task_run(reminders)
    view = ledger(invoice(amount="5000.00"), task(status=TaskStatus.OPEN))
    # WHEN it is evaluated the next day
    decision = decide(reminders, run, view, london(2026, 11, 3, 10))
    # THEN it waits for the task, with no set time
    assert (decision.kind, decision.reason, decision.node_id, decision.at) == (
        DecisionKind.WAIT,
        "awaiting_task",
        "call-task",
        None,
    )


def test_a_done_task_lets_the_run_go_on(reminders: Workflow) -> None:
    # GIVEN a run that created its call task, now done
    run = _task_run(reminders)
    view = ledger(invoice(amount="5000.00"), task(status=TaskStatus.DONE))
    # WHEN it is evaluated
    decision = decide(reminders, run, view, london(2026, 11, 3, 10))
    # THEN the task node is passed as done and the run reaches its end
    assert decision.passed[0].node_id == "call-task" and decision.passed[0].outcome == "task_done"
    assert (decision.kind, decision.node_id) == (DecisionKind.COMPLETE, "done")


def test_a_dunning_journey_from_enrolment_to_completion(dunning: Workflow) -> None:
    # GIVEN a customer with an invoice 32 days overdue, enrolled on Monday 2 November at 07:00
    view = ledger(invoice(due_on=london(2026, 10, 1).date()))
    now = london(2026, 11, 2, 7)
    run = consider(dunning, CUSTOMER_ID, view, now, TENANT).run
    assert run is not None
    acted: list[tuple[str | None, datetime]] = []
    # WHEN every decision is applied and the clock jumps to each decision's time
    for _ in range(20):
        decision = decide(dunning, run, view, now)
        if decision.kind is DecisionKind.ACT:
            acted.append((decision.node_id, now))
            run = after_action(run, dunning, decision, "done", now)
            continue
        run = after_decision(run, decision, now)
        if decision.kind in (DecisionKind.STOP, DecisionKind.COMPLETE) or decision.at is None:
            break
        now = decision.at
    # THEN it sends at 09:00, escalates a week later, calls after five business days, and completes
    assert acted == [
        ("friendly-reminder", london(2026, 11, 2, 9)),
        ("firm-reminder", london(2026, 11, 9, 9)),
        ("call-task", london(2026, 11, 16, 9)),
    ]
    assert (run.status, run.end_reason) == (RunStatus.COMPLETED, "completed")
