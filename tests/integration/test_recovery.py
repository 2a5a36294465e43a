"""Runs that lost their way: a resume that never reached the execution, an execution that ended under a run, and
an execution that failed (the run says so)."""

from datetime import timedelta

import boto3

from functions import wiring
from shared.domain.engine.run import RunStatus
from shared.platform.statemachine import execution_name
from tests.integration.conftest import wait_for
from tests.integration.test_controls import stored, waiting_a_week
from tests.integration.test_runtime_flow import tasks, tick


def claim_without_sending(run_id: str) -> None:
    """A resumer that claims the run and dies before SendTaskSuccess (a Lambda timeout, say)."""
    rt = wiring.runtime()
    assert rt.runs.claim_resume(stored(run_id), rt.clock.now() + timedelta(minutes=15))


def test_a_resume_lost_after_its_claim_is_sent_again_when_the_lease_ends(stack, clock):
    # GIVEN a run due now whose resumer claimed it and died before sending the token
    run_id = waiting_a_week(stack, clock)
    clock.set(clock.now() + timedelta(days=7))
    claim_without_sending(run_id)
    assert stored(run_id).parking == "RESUMING"
    # WHEN the tick runs within the lease THEN it leaves the run alone
    first = tick(stack)
    assert (first["resumed"], first["recovered"]) == (0, 0)
    # WHEN the lease has ended
    clock.set(clock.now() + timedelta(minutes=16))
    # THEN the tick sends the stored token again and the run takes its next step (the second call task)
    assert tick(stack)["recovered"] == 1
    wait_for(lambda: len(tasks()) == 2)
    assert stored(run_id).state.generation == 0


def test_a_run_whose_execution_ended_under_it_restarts_in_a_new_generation(stack, clock):
    # GIVEN a parked run whose execution was aborted by hand in the console, then claimed by a resumer that died
    run_id = waiting_a_week(stack, clock)
    sfn = boto3.client("stepfunctions")
    execution = f"{stack.state_machine_arn.replace(':stateMachine:', ':execution:')}:{execution_name(run_id, 0)}"
    sfn.stop_execution(executionArn=execution)
    clock.set(clock.now() + timedelta(days=7))
    claim_without_sending(run_id)
    # WHEN the lease has ended and the token is found gone
    sfn.send_task_success(taskToken=stored(run_id).task_token, output="{}")  # moto only aborts on the next token
    wait_for(lambda: sfn.describe_execution(executionArn=execution)["status"] != "RUNNING")
    clock.set(clock.now() + timedelta(minutes=16))
    assert tick(stack)["recovered"] == 1
    # THEN the run goes on in its next generation from where it stood: the second call, once, and the end
    wait_for(lambda: stored(run_id).state.status is RunStatus.COMPLETED)
    assert stored(run_id).state.generation == 1
    assert len(tasks()) == 2


def test_a_failing_execution_marks_its_run_failed(stack, clock):
    # GIVEN a parked run whose customer the ERP deleted from the mirror behind our back (advance cannot go on)
    run_id = waiting_a_week(stack, clock)
    run = stored(run_id).state
    boto3.resource("dynamodb").Table(stack.tables["ledger"]).delete_item(
        Key={"pk": f"T#acme-uk#C#{run.customer_id}", "sk": f"customer#{run.customer_id}"}
    )
    # WHEN its week is over
    clock.set(clock.now() + timedelta(days=7))
    tick(stack)
    # THEN the execution fails through RecordFailure and the run says why, out of the due index
    wait_for(lambda: stored(run_id).state.status is RunStatus.FAILED)
    failed = stored(run_id)
    assert failed.state.end_reason == "failed: PermanentError"
    assert "missing" in failed.state.history[-1].detail and failed.next_run_at is None
    assert tick(stack)["resumed"] == 0
