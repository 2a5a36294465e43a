"""Runs that lost their way: a resume claimed but never delivered, or an execution that died under a run.

A resumer claims a parked run (WAITING → RESUMING) before it sends the token; the claim is a lease that keeps the
run in the due index. If the run is still RESUMING when the lease ends, the resumer died between the claim and
``SendTaskSuccess``, or the token was gone. The tick then sends the token again (harmless when it was used), and
when the execution has ended without ending the run, starts the run's next generation where it stood.
"""

from __future__ import annotations

from typing import Literal

from aws_lambda_powertools import Logger

from shared.domain.engine.progress import fail
from shared.domain.engine.run import RunState
from shared.platform.payloads import FailurePayload
from shared.ports import StoredRun
from shared.usecases.enrol import RESUME_LEASE
from shared.usecases.runtime import Runtime

logger = Logger(child=True)

Recovery = Literal["resent", "in_flight", "restarted", "moved_on"]


def recover(rt: Runtime, stored: StoredRun) -> Recovery:
    """Recover a RESUMING run whose lease ran out (``stored`` is the run as the tick read it)."""
    run: RunState = stored.state
    now = rt.clock.now()
    if stored.task_token and rt.executions.resume(stored.task_token, {"action": "run"}):
        outcome: Recovery = "resent"  # the resumer died before sending: the execution was still parked on it
    elif rt.executions.status(run) == "RUNNING":
        # the token was used and the step is in flight; it will overwrite the run when it decides
        outcome = "in_flight" if rt.runs.extend_lease(stored, now + RESUME_LEASE) else "moved_on"
    else:
        restarted = run.model_copy(update={"generation": run.generation + 1})
        rt.runs.save(restarted, revision=stored.revision)
        rt.executions.start(restarted)
        outcome = "restarted"
    logger.warning("run recovered", extra={"run_id": run.run_id, "outcome": outcome, "generation": run.generation})
    return outcome


def record_failure(rt: Runtime, payload: FailurePayload) -> FailurePayload:
    """The execution is failing (an error its retries did not cure): say so on the run, so the API, explain and
    the stuck-run alert show it, and free the record's enrolment marker."""
    ended = payload.model_copy(update={"next": "end"})
    stored = rt.runs.get(payload.tenant_id, payload.run_id)
    if stored is None or stored.state.generation != payload.generation or stored.state.status.is_final:
        return ended
    error = payload.failure
    failed = fail(stored.state, rt.clock.now(), error.error, error.cause)
    rt.runs.save(failed, revision=stored.revision)
    logger.error("run failed", extra={"run_id": failed.run_id, "error": error.error, "node_id": failed.node_id})
    return ended
