"""One turn of an enrolment's loop: evaluate the run now, persist the decision, tell the state machine what next.

Returns the execution payload with ``next``: ``act`` (with the action to perform), ``park`` (the run item is
marked PARKING with its due time; the state machine then writes its task token) or ``end``.
"""

from __future__ import annotations

from datetime import datetime

from aws_lambda_powertools import Logger

from shared.domain.engine.decision import Decision, DecisionKind
from shared.domain.engine.evaluator import evaluate
from shared.domain.engine.progress import after_decision, stop
from shared.domain.engine.run import RunState
from shared.domain.levels import Level
from shared.errors import PermanentError
from shared.platform.payloads import ActionRequest, StepPayload
from shared.usecases.observed import decision_metrics
from shared.usecases.runtime import Runtime

logger = Logger(child=True)


def advance(rt: Runtime, payload: StepPayload) -> StepPayload:
    tenant_id, run_id = payload.tenant_id, payload.run_id
    stored = rt.runs.get(tenant_id, run_id)
    if stored is None:
        raise PermanentError(f"run {run_id} of {tenant_id} does not exist")
    run: RunState = stored.state
    if run.generation != payload.generation or run.status.is_final:
        return payload.then("end")  # a newer execution owns the run, or it already ended
    now = rt.clock.now()
    current = rt.workflows.current(tenant_id, run.workflow_id)
    if current is None or current.status != "active":
        run = stop(run, now, "workflow_deactivated")
        rt.runs.save(run, revision=stored.revision)
        logger.info("run stopped: workflow deactivated", extra={"run_id": run_id})
        return payload.then("end")
    workflow = rt.workflows.version(tenant_id, run.workflow_id, run.workflow_version)
    tenant = rt.ledger.tenant(tenant_id)
    view = rt.ledger.view(tenant_id, run.customer_id, with_members=run.level is Level.CUSTOMER_GROUP)
    if workflow is None or tenant is None or view is None:
        raise PermanentError(f"run {run_id}: its workflow version, tenant or customer is missing")
    decision = evaluate(workflow, run, view, now, tenant)
    run = after_decision(run, decision, now)
    decision_metrics(rt.metrics, decision)
    logger.info(
        "decided",
        extra={
            "run_id": run_id,
            "kind": decision.kind.value,
            "reason": decision.reason,
            "node_id": decision.node_id,
            "at": decision.at.isoformat() if decision.at else None,
        },
    )
    if decision.kind is DecisionKind.ACT:
        rt.runs.save(run, revision=stored.revision)
        return payload.then("act", action=_action(decision, now))
    if decision.kind in (DecisionKind.WAIT, DecisionKind.PAUSE):
        rt.runs.save(run, revision=stored.revision, parking="PARKING", next_run_at=decision.at)
        # each park is one loop: the state machine continues as new after max_loops
        return payload.loop().then("park", loops=payload.loops + 1)
    rt.runs.save(run, revision=stored.revision)
    return payload.then("end")


def _action(decision: Decision, now: datetime) -> ActionRequest:
    if decision.node_id is None or decision.action_key is None:  # the evaluator gives every act both: a defect
        raise PermanentError(f"decision to act ({decision.reason}) names no node or action key")
    return ActionRequest(
        node_id=decision.node_id,
        action_key=decision.action_key,
        invoice_ids=tuple(decision.invoice_ids),
        decided_at=now,
    )
