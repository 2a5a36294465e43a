"""Whether a record enrols in a workflow now, and why (or why not) — each rule traced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.calendar import holiday_calendar, is_start_day, local_date
from shared.domain.engine.compiled import compiled
from shared.domain.engine.decision import TraceEntry
from shared.domain.engine.run import RunState, RunStatus, occurrence_for, run_id_for
from shared.domain.engine.targeting import has_targeted_payment, subject_for, targeted_invoices
from shared.domain.filters.compile import explain_conditions
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import StopCondition, Workflow

# Ended runs after which a continuous trigger may enrol the record again at once (the reason is gone and back).
_REENTRANT_ENDS = frozenset({"balance_cleared", "no_longer_matching", "record_gone"})


@dataclass(frozen=True)
class EnrolmentVerdict:
    enrol: bool
    reason: str
    trace: tuple[TraceEntry, ...]
    run: RunState | None = None

    def explain(self) -> list[str]:
        return [str(t) for t in self.trace]


def consider(
    workflow: Workflow,
    record_id: str,
    view: CustomerLedger,
    now: datetime,
    tenant: TenantSettings,
    previous: Sequence[RunState] = (),
    *,
    on_sweep_day_only: bool = False,
) -> EnrolmentVerdict:
    """Decide whether ``record_id`` (of the workflow's level) enrols now. ``previous`` are the record's earlier
    runs of this workflow (any version); ``on_sweep_day_only`` applies the continuous trigger's start timing."""
    trace: list[TraceEntry] = []

    def no(reason: str, rule: str, detail: str = "") -> EnrolmentVerdict:
        trace.append(TraceEntry(rule, "failed", detail))
        return EnrolmentVerdict(False, reason, tuple(trace))

    today = local_date(now, tenant.timezone)
    level = workflow.level
    if workflow.status != "active":
        return no("workflow_inactive", "workflow", f"status is {workflow.status}")
    trace.append(TraceEntry("workflow", "active", f"{workflow.id} v{workflow.version}"))
    continuous = workflow.trigger.type.is_continuous
    if continuous and on_sweep_day_only:
        calendar = holiday_calendar(workflow.settings.holiday_country or tenant.country)
        if not is_start_day(workflow.settings.start, today, calendar):
            return no("not_a_start_day", "start timing", f"{today} is not a start day")
        trace.append(TraceEntry("start timing", "start day", str(today)))
    subject = subject_for(level, record_id, view, today)
    if subject is None:
        return no("record_missing", "record", f"no {level.value} {record_id}")
    previous_of_record = [r for r in previous if r.record_id == record_id]
    active = next((r for r in previous_of_record if r.status is RunStatus.ACTIVE), None)
    if active is not None:
        return no("already_enrolled", "one run at a time", f"run {active.run_id} is active")
    if not continuous and previous_of_record:
        return no("already_enrolled", "one-time trigger", "this record was enrolled before")
    if continuous and previous_of_record:
        last = max(previous_of_record, key=lambda r: r.ended_at or r.enrolled_at)
        blocked = _restart_block(workflow, last, now, tenant.timezone)
        if blocked:
            return no("restart_not_due", "restart", blocked)
    if not compiled(workflow).trigger(subject):
        failed = [r.describe() for r in explain_conditions(workflow.trigger.filters, subject, level) if not r.passed]
        return no("filters_failed", "filters", "; ".join(failed))
    trace.append(TraceEntry("filters", "passed", f"{len(workflow.trigger.filters)} condition(s)"))
    targets = targeted_invoices(workflow, subject)
    if workflow.trigger.target_invoices is not None:
        promised = [i for i in targets if i.id in subject.active_promised_invoice_ids]
        if promised and workflow.settings.pause.promise_to_pay == "promised_invoices":
            # exclusions strip invoices before eligibility is decided (Kolleno, contact follow-up)
            targets = [i for i in targets if i not in promised]
        if not targets:
            left_out = f" once {len(promised)} promised invoice(s) are left out" if promised else ""
            return no("no_targeted_invoices", "target invoices", f"no invoice matches the target conditions{left_out}")
        trace.append(TraceEntry("target invoices", "passed", ", ".join(i.number for i in targets[:10])))
    if not has_targeted_payment(workflow, subject):
        return no("no_targeted_payments", "target payments", "no payment matches the target conditions")
    stops = workflow.stop_conditions
    if StopCondition.CHASING_DISABLED in stops and not subject.customer.chasing_enabled:
        return no("chasing_disabled", "stop condition", "chasing is off; the run would stop at once")
    if (
        StopCondition.BALANCE_CLEARED in stops
        and level in (Level.INVOICE, Level.CUSTOMER, Level.CUSTOMER_GROUP, Level.CONTACT)
        and not targets
    ):
        return no("balance_cleared", "stop condition", "nothing is owed; the run would stop at once")
    # the day, and how many runs the record had before: a same-day re-enrolment gets its own id
    occurrence = occurrence_for(continuous, today) + (f"#{len(previous_of_record)}" if previous_of_record else "")
    run = RunState(
        tenant_id=tenant.tenant_id,
        run_id=run_id_for(tenant.tenant_id, workflow.id, record_id, occurrence),
        workflow_id=workflow.id,
        workflow_version=workflow.version,
        level=level,
        record_id=record_id,
        customer_id=subject.customer.id,
        invoice_ids=tuple(i.id for i in targets),
        node_id=workflow.start_node,
        node_entered_at=now,
        enrolled_at=now,
    )
    trace.append(TraceEntry("enrol", "yes", f"run {run.run_id} starts at '{workflow.start_node}'"))
    return EnrolmentVerdict(True, "enrolled", tuple(trace), run)


def _restart_block(workflow: Workflow, last: RunState, now: datetime, timezone: str) -> str:
    """Why a continuous workflow may not re-enrol the record yet ('' when it may)."""
    if last.end_reason in _REENTRANT_ENDS:
        return ""
    days = workflow.settings.restart_after_days
    if days is None:
        return f"run {last.run_id} ended ({last.end_reason}) and the workflow does not restart"
    # whole local days: a run that ended at 16:00 may restart at the sweep N days later, whatever the hour
    restart_day = local_date(last.ended_at or last.enrolled_at, timezone) + timedelta(days=days)
    if local_date(now, timezone) < restart_day:
        return f"restarts {days} days after run {last.run_id} ended, on {restart_day}"
    return ""
