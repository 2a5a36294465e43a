"""Perform the node the advance step chose, exactly once per action key, then move the run on."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from shared.domain.calendar import local_date
from shared.domain.engine.actions import apply_action
from shared.domain.engine.decision import Decision, DecisionKind
from shared.domain.engine.progress import ActionOutcome, after_action
from shared.domain.engine.run import RunState
from shared.domain.ledger.models import Task
from shared.domain.ledger.views import CustomerLedger
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import MESSAGE_NODES, Action, CreateTask, Node
from shared.errors import PermanentError
from shared.platform.payloads import StepPayload
from shared.usecases import alerts
from shared.usecases.advance import advance
from shared.usecases.runtime import Runtime

logger = Logger(child=True)


def act(rt: Runtime, payload: StepPayload) -> StepPayload:
    action = payload.action
    tenant_id, run_id = payload.tenant_id, payload.run_id
    if action is None:
        raise PermanentError(f"run {run_id}: the act step was given no action")
    stored = rt.runs.get(tenant_id, run_id)
    if stored is None:
        raise PermanentError(f"run {run_id} does not exist")
    run: RunState = stored.state
    if run.generation != payload.generation or run.status.is_final or run.node_id != action.node_id:
        return advance(rt, payload.loop())  # the run moved on meanwhile: decide again
    workflow = rt.workflows.version(tenant_id, run.workflow_id, run.workflow_version)
    tenant = rt.ledger.tenant(tenant_id)
    view = rt.ledger.view(tenant_id, run.customer_id)
    if workflow is None or tenant is None or view is None:
        raise PermanentError(f"run {run_id}: its workflow version, tenant or customer is missing")
    node = workflow.node(action.node_id)
    now = rt.clock.now()
    key = action.action_key
    if run.retry_at is not None and now < run.retry_at and not run.run_now:
        return advance(rt, payload.loop())  # a replay of a failed attempt: its retry is not due yet
    # A retry reuses the action key (the message's id) but is a new attempt: it gets a marker of its own, else it
    # would find the failed attempt's DONE marker and replay that failure for ever.
    marker = key if run.attempt == run.throttles == 0 else f"{key}#attempt{run.attempt}.{run.throttles}"
    previous = rt.actions.claim(tenant_id, marker, run_id, node.id, now)
    if previous is not None and previous.get("status") == "DONE":
        outcome, detail = previous["outcome"], dict(previous.get("detail") or {})
    elif previous is not None and isinstance(node, MESSAGE_NODES):
        # claimed by an attempt that died mid-send: the provider may have sent it; never risk a second copy
        outcome, detail = "failed_permanent", {"note": "an earlier attempt was interrupted; not sent again"}
    else:
        outcome, detail = _perform(rt, workflow, run, node, view, tenant, key, action.invoice_ids, now)
        rt.actions.complete(tenant_id, marker, outcome, detail)
        alerts.after_message(rt, run, node, key, outcome, detail)
    decision = Decision(DecisionKind.ACT, "act", "", node.id, run.node_entered_at, action_key=key)
    retry_at = datetime.fromisoformat(detail["retry_at"]) if detail.get("retry_at") else None
    run = after_action(
        run,
        workflow,
        decision,
        outcome,
        now,
        retry_at=retry_at,
        task_id=detail.get("task_id"),
        detail=str(detail.get("note", "")),
    )
    rt.runs.save(run, revision=stored.revision)  # RunChanged: a person changed the run; Retry re-reads it
    logger.info("acted", extra={"run_id": run_id, "node_id": node.id, "outcome": outcome, "action_key": key})
    return advance(rt, payload.loop())  # decide the next step in the same invocation


def _perform(
    rt: Runtime,
    workflow: Workflow,
    run: RunState,
    node: Node,
    view: CustomerLedger,
    tenant: TenantSettings,
    key: str,
    invoice_ids: tuple[str, ...],
    now: datetime,
) -> tuple[ActionOutcome, dict[str, Any]]:
    today = local_date(now, tenant.timezone)
    if isinstance(node, CreateTask):
        assignee = view.customer.account_owner_id if node.assignee == "account_owner" else node.assignee
        task = Task(
            tenant_id=run.tenant_id,
            id=key,
            customer_id=run.customer_id,
            title=node.title,
            assignee=assignee,
            due_on=today + timedelta(days=node.due_in_days),
            created_at=now,
            run_id=run.run_id,
            node_id=node.id,
            invoice_ids=invoice_ids,
        )
        rt.ledger.put(task, force=True)
        return ("task_created" if node.wait_for_completion else "done"), {"task_id": task.id}
    if isinstance(node, Action):
        invoice = view.invoice(run.record_id)
        changed = apply_action(node.action, view.customer, invoice, today)
        rt.ledger.put(changed, force=True)
        return "done", {"note": f"{node.action.do} on {changed.id}"}
    if isinstance(node, MESSAGE_NODES):
        if (held := alerts.circuit_hold(rt, tenant, workflow.id, now)) is not None:
            return held
        return rt.messenger.send(workflow, run, node, view, tenant, key, invoice_ids, now)
    raise PermanentError(f"node '{node.id}' does not act")
