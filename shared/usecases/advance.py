"""One turn of an enrolment's loop: evaluate the run now, persist the decision, tell the state machine what next.

Returns the execution payload with ``next``: ``act`` (with the action to perform), ``park`` (the run item is
marked PARKING with its due time; the state machine then writes its task token) or ``end``.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger

from shared.domain.engine.decision import DecisionKind
from shared.domain.engine.evaluator import evaluate
from shared.domain.engine.progress import after_decision, stop
from shared.domain.engine.run import RunState
from shared.domain.levels import Level
from shared.errors import PermanentError
from shared.usecases.runtime import Runtime

logger = Logger(child=True)


def advance(rt: Runtime, payload: dict[str, Any]) -> dict[str, Any]:
    tenant_id, run_id = payload["tenant_id"], payload["run_id"]
    stored = rt.runs.get(tenant_id, run_id)
    if stored is None:
        raise PermanentError(f"run {run_id} of {tenant_id} does not exist")
    run: RunState = stored.state
    if run.generation != payload["generation"] or run.status.is_final:
        return {**payload, "next": "end"}  # a newer execution owns the run, or it already ended
    now = rt.clock.now()
    current = rt.workflows.current(tenant_id, run.workflow_id)
    if current is None or current.status != "active":
        run = stop(run, now, "workflow_deactivated")
        rt.runs.save(run, revision=stored.revision)
        logger.info("run stopped: workflow deactivated", extra={"run_id": run_id})
        return {**payload, "next": "end"}
    workflow = rt.workflows.version(tenant_id, run.workflow_id, run.workflow_version)
    tenant = rt.ledger.tenant(tenant_id)
    view = rt.ledger.view(tenant_id, run.customer_id, with_members=run.level is Level.CUSTOMER_GROUP)
    if workflow is None or tenant is None or view is None:
        raise PermanentError(f"run {run_id}: its workflow version, tenant or customer is missing")
    decision = evaluate(workflow, run, view, now, tenant)
    run = after_decision(run, decision, now)
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
        action = {
            "node_id": decision.node_id,
            "action_key": decision.action_key,
            "invoice_ids": list(decision.invoice_ids),
            "decided_at": now.isoformat(),
        }
        return {**payload, "next": "act", "action": action}
    if decision.kind in (DecisionKind.WAIT, DecisionKind.PAUSE):
        rt.runs.save(run, revision=stored.revision, parking="PARKING", next_run_at=decision.at)
        # each park is one loop: the state machine continues as new after max_loops
        return {**loop_fields(payload), "loops": payload.get("loops", 0) + 1, "next": "park"}
    rt.runs.save(run, revision=stored.revision)
    return {**payload, "next": "end"}


def loop_fields(payload: dict[str, Any]) -> dict[str, Any]:
    keep = ("tenant_id", "run_id", "run_pk", "generation", "loops", "max_loops")
    return {k: payload[k] for k in keep if k in payload}
