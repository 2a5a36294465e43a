"""From a domain event to enrolments, and to the re-evaluation of the customer's running enrolments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from aws_lambda_powertools import Logger

from shared.domain.engine.enrolment import consider
from shared.domain.engine.run import RunState
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.errors import PermanentError
from shared.events.contracts import DomainEvent
from shared.usecases.runtime import Runtime

RESUME_LEASE = timedelta(minutes=15)  # a resume takes a second; after this the tick recovers the run

logger = Logger(child=True)


@dataclass
class EventOutcome:
    enrolled: list[str] = field(default_factory=list)
    not_enrolled: dict[str, str] = field(default_factory=dict)  # workflow id → reason
    resumed: list[str] = field(default_factory=list)


def handle_event(rt: Runtime, event: DomainEvent) -> EventOutcome:
    tenant = rt.ledger.tenant(event.tenant_id)
    if tenant is None:
        raise PermanentError(f"unknown tenant {event.tenant_id}")
    outcome = EventOutcome()
    if event.TRIGGER is not None:
        for workflow in rt.workflows.active(tenant.tenant_id, event.TRIGGER):
            run, reason = enrol(rt, tenant, workflow, event.record_id, event.customer_id)
            if run is not None:
                outcome.enrolled.append(run.run_id)
            else:
                outcome.not_enrolled[workflow.id] = reason
    if event.REEVALUATES_RUNS:
        outcome.resumed = resume_customer_runs(rt, tenant.tenant_id, event.customer_id, exclude=outcome.enrolled)
    logger.info(
        "event handled",
        extra={
            "detail_type": event.detail_type(),
            "event_id": event.event_id,
            "enrolled": len(outcome.enrolled),
            "resumed": len(outcome.resumed),
        },
    )
    return outcome


def enrol(
    rt: Runtime,
    tenant: TenantSettings,
    workflow: Workflow,
    record_id: str,
    customer_id: str,
    *,
    sweep: bool = False,
    view: CustomerLedger | None = None,
    customer_runs: list[RunState] | None = None,
) -> tuple[RunState | None, str]:
    """Enrol the record if the rules say so: the run item and marker are written once (a duplicate event finds
    the marker), then the execution starts under the run's name (a retried start is the same execution).

    A sweep passes the customer's ``view`` and ``customer_runs``, read once for all the customer's records.
    """
    if view is None:
        view = rt.ledger.view(tenant.tenant_id, customer_id, with_members=workflow.level is Level.CUSTOMER_GROUP)
    if view is None:
        return None, "customer_unknown"
    if customer_runs is None:
        customer_runs = rt.runs.of_customer(tenant.tenant_id, customer_id)
    previous = [r for r in customer_runs if r.workflow_id == workflow.id]
    verdict = consider(workflow, record_id, view, rt.clock.now(), tenant, previous, on_sweep_day_only=sweep)
    if verdict.run is None:
        return None, verdict.reason
    if not rt.runs.create(verdict.run, once=not workflow.trigger.type.is_continuous):
        return None, "already_enrolled"
    rt.executions.start(verdict.run)
    rt.metrics.count("Enrolments")
    logger.info("enrolled", extra={"run_id": verdict.run.run_id, "workflow_id": workflow.id, "record_id": record_id})
    return verdict.run, "enrolled"


def resume_customer_runs(rt: Runtime, tenant_id: str, customer_id: str, exclude: list[str] | None = None) -> list[str]:
    """Wake the customer's parked runs now, so a payment or a reply takes effect before their next step."""
    resumed = []
    for run in rt.runs.of_customer(tenant_id, customer_id):
        if run.status.is_final or run.run_id in (exclude or []):
            continue
        if resume(rt, tenant_id, run.run_id):
            resumed.append(run.run_id)
    return resumed


def resume(rt: Runtime, tenant_id: str, run_id: str) -> bool:
    stored = rt.runs.get(tenant_id, run_id)
    if stored is None or stored.parking != "WAITING" or not stored.task_token:
        return False
    if not rt.runs.claim_resume(stored, rt.clock.now() + RESUME_LEASE):
        return False
    return bool(rt.executions.resume(stored.task_token, {"action": "run"}))
