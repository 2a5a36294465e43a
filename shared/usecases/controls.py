"""Run controls a person uses (flow 6): see enrolments, pause, resume, stop, run now, skip, reschedule, explain.

Each control loads the run, applies the pure control of ``shared.domain.engine.progress``, stores the run without
touching its parking fields, and wakes the parked execution so the state machine re-evaluates at once. A control
that lands while the run is not parked (mid-step) is read by the next advance from the run item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from aws_lambda_powertools import Logger

from shared.domain.engine import progress
from shared.domain.engine.run import RunState, RunStatus
from shared.domain.explain import Explanation, explain
from shared.domain.ledger.models import LedgerRecord
from shared.domain.ledger.views import CustomerLedger, Ledger
from shared.domain.levels import Level
from shared.domain.lints import Lint, lint_workflow
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.loading import Problem, WorkflowInvalid, load_workflow
from shared.errors import ChaseflowError, RunChanged
from shared.usecases import alerts
from shared.usecases.enrol import resume
from shared.usecases.runtime import Runtime

logger = Logger(child=True)
CONTROL_ATTEMPTS = 3  # a control races at most a step or two of its own run


class NotFound(ChaseflowError):
    """The run, workflow, customer or tenant asked for does not exist."""


class RunFinished(ChaseflowError):
    """A control was asked of a run that already stopped or completed."""


def enrolments(rt: Runtime, tenant_id: str, customer_id: str) -> list[RunState]:
    """The customer's current and previous runs, newest first."""
    runs: list[RunState] = rt.runs.of_customer(tenant_id, customer_id)
    return sorted(runs, key=lambda r: (r.enrolled_at, r.run_id), reverse=True)


def waiting_in(rt: Runtime, tenant_id: str, workflow_id: str, node_id: str) -> list[RunState]:
    """The active runs of ``workflow_id`` whose cursor is ``node_id`` (a scan of the workflow's runs)."""
    found = [s.state for s in rt.runs.of_workflow(tenant_id, workflow_id)]
    active = [r for r in found if not r.status.is_final and r.node_id == node_id]
    return sorted(active, key=lambda r: (r.node_entered_at, r.run_id))


def pause_run(rt: Runtime, tenant_id: str, run_id: str, until: datetime | None, note: str = "") -> RunState:
    """Hold the run until ``until`` (indefinitely when None); it re-parks until then."""
    paused = _control(rt, tenant_id, run_id, "pause", lambda r: progress.pause(r, until, note))
    rt.metrics.count("RunsPaused")
    return paused


def resume_run(rt: Runtime, tenant_id: str, run_id: str) -> RunState:
    """Lift a person's hold."""
    return _control(rt, tenant_id, run_id, "resume", progress.resume)


def run_now(rt: Runtime, tenant_id: str, run_id: str) -> RunState:
    """Skip the current wait or send time; due now, so the tick resumes it even if the wake-up is lost."""
    return _control(rt, tenant_id, run_id, "run_now", progress.run_now, next_run_at=rt.clock.now())


def skip_node(rt: Runtime, tenant_id: str, run_id: str) -> RunState:
    """Leave the current node without acting on it."""

    def skip(run: RunState) -> RunState:
        workflow = rt.workflows.version(tenant_id, run.workflow_id, run.workflow_version)
        if workflow is None:
            raise NotFound(f"workflow {run.workflow_id} v{run.workflow_version}")
        return progress.skip(run, workflow, rt.clock.now())

    return _control(rt, tenant_id, run_id, "skip", skip)


def stop_run(rt: Runtime, tenant_id: str, run_id: str, reason: str = "stopped_by_user") -> RunState:
    """Stop the run for good: the run item says so first, then the execution is aborted (or, where the abort
    does not take, woken to find the run stopped and end)."""
    run = _control(rt, tenant_id, run_id, "stop", lambda r: progress.stop(r, rt.clock.now(), reason), wake=False)
    rt.executions.stop(run)
    resume(rt, tenant_id, run_id)
    return run


def retry_run(rt: Runtime, tenant_id: str, run_id: str) -> RunState:
    """Start a failed run again at the node where it failed, in a new execution (its next generation), once the
    cause is fixed. Refused when the run did not fail, or when its record was enrolled again since."""
    stored = rt.runs.get(tenant_id, run_id)
    if stored is None:
        raise NotFound(f"run {run_id}")
    if stored.state.status is not RunStatus.FAILED:
        raise RunFinished(f"run {run_id} is {stored.state.status.value}: only a failed run can be retried")
    run = progress.reopen(stored.state)
    if not rt.runs.reopen(run, revision=stored.revision):
        raise RunFinished(f"run {run_id}: its record was enrolled again since it failed")
    rt.executions.start(run)
    logger.info("run controlled", extra={"control": "retry", "run_id": run_id, "generation": run.generation})
    return run


def reschedule(
    rt: Runtime,
    tenant_id: str,
    workflow_id: str,
    node_id: str | None,
    start: datetime,
    end: datetime,
    new_time: datetime,
) -> list[str]:
    """Move every run of the workflow (at ``node_id`` when given) waiting for a time in [start, end) to
    ``new_time``. Plain DynamoDB writes: the executions stay parked and the tick resumes them then.

    Returns the ids of the runs moved.
    """
    low, high = _iso(start), _iso(end)
    moved = []
    for stored in rt.runs.of_workflow(tenant_id, workflow_id):
        run = stored.state
        if run.status.is_final or stored.parking != "WAITING" or not stored.next_run_at:
            continue
        if node_id is not None and run.node_id != node_id:
            continue
        if low <= stored.next_run_at < high and rt.runs.reschedule(stored, new_time):
            moved.append(run.run_id)
    logger.info("rescheduled", extra={"workflow_id": workflow_id, "node_id": node_id, "moved": len(moved)})
    return sorted(moved)


def explain_run(rt: Runtime, tenant_id: str, run_id: str, at: datetime) -> Explanation:
    """Why the run stands where it does, and what it does next, with the version it runs on."""
    run = _load(rt, tenant_id, run_id)
    workflow = rt.workflows.version(tenant_id, run.workflow_id, run.workflow_version)
    tenant = rt.ledger.tenant(tenant_id)
    view = rt.ledger.view(tenant_id, run.customer_id, with_members=run.level is Level.CUSTOMER_GROUP)
    if workflow is None or tenant is None or view is None:
        raise NotFound(f"run {run_id}: its workflow version, tenant or customer is missing")
    return explain(workflow, run.record_id, Ledger.of(_records(view)), at, tenant, [run])


# -- workflows ---------------------------------------------------------------------------------------------------


def save_workflow(
    rt: Runtime, tenant_id: str, definition: object, workflow_id: str | None = None
) -> tuple[Workflow, list[Lint]]:
    """Validate, lint against the tenant's active workflows and store (a changed definition is a new version).

    Raises ``WorkflowInvalid`` (path + reason for each problem), also when ``workflow_id`` is not the body's id.
    """
    workflow = load_workflow(definition, "definition")
    if workflow_id is not None and workflow.id != workflow_id:
        raise WorkflowInvalid("definition", [Problem("id", f"must be '{workflow_id}', the id in the path")])
    lints = lint_workflow(workflow, rt.workflows.all(tenant_id))
    stored: Workflow = rt.workflows.save(tenant_id, workflow)
    alerts.on_workflows_changed(rt, tenant_id)  # lint alerts follow the active workflows
    logger.info("workflow saved", extra={"workflow_id": stored.id, "version": stored.version, "lints": len(lints)})
    return stored, lints


def duplicate_workflow(
    rt: Runtime, tenant_id: str, workflow_id: str, new_id: str, name: str | None = None
) -> tuple[Workflow, list[Lint]]:
    """A copy of the workflow under ``new_id``, as a draft (activate it when ready)."""
    if rt.workflows.current(tenant_id, new_id) is not None:
        raise WorkflowInvalid("duplicate", [Problem("id", f"a workflow '{new_id}' already exists")])
    source = _workflow(rt, tenant_id, workflow_id)
    data = source.model_dump(mode="json") | {"id": new_id, "status": "draft", "name": name or f"{source.name} (copy)"}
    return save_workflow(rt, tenant_id, data)


def set_status(rt: Runtime, tenant_id: str, workflow_id: str, status: str) -> tuple[Workflow, list[Lint]]:
    """Activate (lints run against the other active workflows) or deactivate: a deactivated workflow's running
    enrolments stop at their next step (``advance`` checks the current status)."""
    data = _workflow(rt, tenant_id, workflow_id).model_dump(mode="json") | {"status": status}
    return save_workflow(rt, tenant_id, data)


def list_workflows(rt: Runtime, tenant_id: str) -> list[Workflow]:
    found: list[Workflow] = rt.workflows.all(tenant_id)
    return found


def _workflow(rt: Runtime, tenant_id: str, workflow_id: str) -> Workflow:
    workflow: Workflow | None = rt.workflows.current(tenant_id, workflow_id)
    if workflow is None:
        raise NotFound(f"workflow {workflow_id}")
    return workflow


def _records(view: CustomerLedger) -> Iterator[LedgerRecord]:
    yield view.customer
    for kind in (view.contacts, view.invoices, view.credit_notes, view.payments, view.promises):
        yield from kind
    yield from view.communications
    yield from view.tasks
    for member in view.members:
        yield from _records(member)


def _load(rt: Runtime, tenant_id: str, run_id: str) -> RunState:
    stored = rt.runs.get(tenant_id, run_id)
    if stored is None:
        raise NotFound(f"run {run_id}")
    state: RunState = stored.state
    return state


def _control(
    rt: Runtime,
    tenant_id: str,
    run_id: str,
    name: str,
    apply: Callable[[RunState], RunState],
    *,
    next_run_at: datetime | None = None,
    wake: bool = True,
) -> RunState:
    """Apply a control to the run as it is now; when the state machine wrote the run meanwhile, apply it again
    to the newer run, so neither change is lost."""
    for attempt in range(1, CONTROL_ATTEMPTS + 1):
        stored = rt.runs.get(tenant_id, run_id)
        if stored is None:
            raise NotFound(f"run {run_id}")
        if stored.state.status.is_final:
            raise RunFinished(f"run {run_id} is {stored.state.status.value}")
        changed = apply(stored.state)
        try:
            rt.runs.update_state(changed, revision=stored.revision, next_run_at=next_run_at)
        except RunChanged:
            if attempt == CONTROL_ATTEMPTS:
                raise
            logger.info("run changed under a control: applying it again", extra={"run_id": run_id, "control": name})
            continue
        woken = wake and resume(rt, tenant_id, run_id)
        logger.info("run controlled", extra={"control": name, "run_id": run_id, "woken": woken})
        return changed
    raise AssertionError("unreachable")  # the loop returns or raises


def _iso(instant: datetime) -> str:
    # the run item's next_run_at format (shared.adapters.dynamodb.runs.iso); kept here to stay out of adapters
    return instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
