"""The dry-run: what every workflow would do, record by record and day by day, without sending anything.

The same evaluator and enrolment rules as production run over a virtual clock. Each day sees the ledger as it
stood that day (``Ledger.as_of``), so a forecast from today and a backtest over last quarter are one thing.
Assumptions, stated because a forecast cannot know them: every send succeeds; a task a run waits on is done
on its due day at 17:00 local; actions (tags, owners, ERP updates) are reported, not applied to the ledger.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from shared.domain.calendar import at_local, holiday_calendar, is_start_day, local_date
from shared.domain.engine.decision import Decision, DecisionKind
from shared.domain.engine.enrolment import consider
from shared.domain.engine.evaluator import evaluate
from shared.domain.engine.progress import after_action, after_decision
from shared.domain.engine.run import RunState
from shared.domain.forecast.events import EventKind, Forecast, ForecastEvent
from shared.domain.forecast.ledger_events import LedgerEvents
from shared.domain.ledger.models import (
    Channel,
    Communication,
    CommunicationStatus,
    Contact,
    Direction,
    Invoice,
    Task,
    TaskStatus,
)
from shared.domain.ledger.views import CustomerLedger, Ledger
from shared.domain.levels import Level, TriggerType
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import Action, CreateTask, SendEmail, SendSms

TASK_DONE_AT = time(17, 0)
_MAX_STEPS_PER_INSTANT = 50


def forecast(
    workflows: Sequence[Workflow],
    ledger: Ledger,
    tenant: TenantSettings,
    start: date,
    days: int,
    runs: Sequence[RunState] = (),
) -> Forecast:
    """Simulate ``days`` days from ``start`` (tenant-local days); drafts are simulated as if active."""
    simulation = _Simulation(workflows, ledger, tenant, start, days, runs)
    for offset in range(days):
        simulation.run_day(start + timedelta(days=offset))
    return simulation.result


class _Simulation:
    def __init__(self, workflows: Sequence[Workflow], ledger: Ledger, tenant: TenantSettings, start: date, days: int,
                 runs: Sequence[RunState]) -> None:  # fmt: skip
        self.workflows = {w.id: w.model_copy(update={"status": "active"}) for w in workflows}
        self.ledger, self.tenant = ledger, tenant
        self.events = LedgerEvents(ledger, tenant.timezone)
        self.result = Forecast(start, days)
        self.runs: dict[str, RunState] = {r.run_id: r for r in runs}
        self.by_record: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.queue: list[tuple[datetime, int, str]] = []
        self.scheduled: dict[str, datetime] = {}
        self.sent: dict[str, list[Communication]] = defaultdict(list)
        self.tasks: dict[str, dict[str, Task]] = defaultdict(dict)
        self.task_runs: dict[str, str] = {}
        self.pause_reason: dict[str, str] = {}
        self.today_ledger = ledger
        self.sequence = 0
        first = at_local(start, time(0), tenant.timezone)
        for run in runs:
            self.by_record[(run.workflow_id, run.record_id)].append(run.run_id)
            if not run.status.is_final:
                self._push(run.run_id, first)

    # -- one day ------------------------------------------------------------------------------------------------

    def run_day(self, day: date) -> None:
        tz = self.tenant.timezone
        day_end = at_local(day + timedelta(days=1), time(0), tz)
        self.today_ledger = self.ledger.as_of(day)
        for at, trigger, record_id, customer_id in self.events.on(day):
            self._fire(trigger, record_id, customer_id, at)
            for run_id in self._active_runs_of(customer_id):
                self._push(run_id, at)  # a payment or reply may stop or pause a run before its next step
        for workflow in self.workflows.values():
            if workflow.trigger.type.is_continuous:
                self._sweep(workflow, day)
        self._process_until(day_end)

    def _sweep(self, workflow: Workflow, day: date) -> None:
        calendar = holiday_calendar(workflow.settings.holiday_country or self.tenant.country)
        if not is_start_day(workflow.settings.start, day, calendar):
            return
        hours = workflow.settings.run_hours
        at = at_local(day, hours.start if hours else time(0), self.tenant.timezone)
        for record_id, customer_id in self._records(workflow.level):
            self._consider(workflow, record_id, customer_id, at)

    def _records(self, level: Level) -> list[tuple[str, str]]:
        """(record id, customer id) of every record a continuous trigger of ``level`` sweeps."""
        ledger = self.today_ledger
        if level is Level.CUSTOMER:
            return [(c, c) for c in ledger.customers]
        if level is Level.CUSTOMER_GROUP:
            return [
                (c.id, c.id) for c in ledger.customers.values() if not c.parent_customer_id and ledger.children(c.id)
            ]
        kind = Contact if level is Level.CONTACT else Invoice
        return [
            (r.id, customer_id)
            for customer_id in ledger.customers
            for r in ledger.records(customer_id, kind)
            if (r.is_active if isinstance(r, Contact) else not r.is_settled)  # type: ignore[attr-defined]
        ]

    def _fire(self, trigger: TriggerType, record_id: str, customer_id: str, at: datetime) -> None:
        for workflow in self.workflows.values():
            if workflow.trigger.type is trigger:
                self._consider(workflow, record_id, customer_id, at)

    def _consider(self, workflow: Workflow, record_id: str, customer_id: str, now: datetime) -> None:
        if customer_id not in self.today_ledger.customers:
            return
        previous = [self.runs[r] for r in self.by_record[(workflow.id, record_id)]]
        view = self._view(customer_id, workflow.level)
        verdict = consider(workflow, record_id, view, now, self.tenant, previous)
        if verdict.run is None or verdict.run.run_id in self.runs:
            return
        run = verdict.run
        self.runs[run.run_id] = run
        self.by_record[(workflow.id, record_id)].append(run.run_id)
        self._emit(run, "enrolled", now, run.node_id, f"{len(run.invoice_ids)} invoice(s)", run.invoice_ids)
        self._push(run.run_id, now)

    # -- the queue ------------------------------------------------------------------------------------------------

    def _push(self, key: str, at: datetime) -> None:
        if key in self.runs and self.scheduled.get(key, at + timedelta(seconds=1)) <= at:
            return  # already due at or before ``at``
        if key in self.runs:
            self.scheduled[key] = at
        self.sequence += 1
        heapq.heappush(self.queue, (at, self.sequence, key))

    def _process_until(self, end: datetime) -> None:
        steps: dict[tuple[str, datetime], int] = defaultdict(int)
        while self.queue and self.queue[0][0] < end:
            at, _, key = heapq.heappop(self.queue)
            if key in self.task_runs:
                self._complete_task(key, at)
                continue
            if self.scheduled.get(key) != at:
                continue  # superseded by an earlier or later scheduling
            del self.scheduled[key]
            steps[(key, at)] += 1
            if steps[(key, at)] <= _MAX_STEPS_PER_INSTANT:
                self._step(key, at)

    def _step(self, run_id: str, now: datetime) -> None:
        run = self.runs[run_id]
        if run.status.is_final:
            return
        workflow = self.workflows[run.workflow_id]
        decision = evaluate(workflow, run, self._view(run.customer_id, run.level), now, self.tenant)
        if decision.kind is DecisionKind.ACT:
            self.pause_reason.pop(run_id, None)
            self.runs[run_id] = acted = self._act(workflow, run, decision, now)
            if acted.status.is_final:
                self._emit(acted, "completed", now, decision.node_id, "completed: the last node is done")
            else:
                self._push(run_id, now)
            return
        self.runs[run_id] = after_decision(run, decision, now)
        if decision.kind in (DecisionKind.STOP, DecisionKind.COMPLETE):
            kind: EventKind = "stopped" if decision.kind is DecisionKind.STOP else "completed"
            self._emit(run, kind, now, decision.node_id, f"{decision.reason}: {decision.message}")
            return
        if decision.kind is DecisionKind.PAUSE and self.pause_reason.get(run_id) != decision.reason:
            # one event per pause episode: repeated pauses for the same reason before the next action are one
            self._emit(run, "paused", now, decision.node_id, f"{decision.reason}: {decision.message}")
            self.pause_reason[run_id] = decision.reason
        tomorrow = local_date(now, self.tenant.timezone) + timedelta(days=1)
        later = decision.at or at_local(tomorrow, time(0), self.tenant.timezone)
        self._push(run_id, max(later, now + timedelta(minutes=1)))

    def _act(self, workflow: Workflow, run: RunState, decision: Decision, now: datetime) -> RunState:
        node = workflow.node(decision.node_id or "")
        key = decision.action_key or ""
        if isinstance(node, SendEmail | SendSms):
            channel = Channel.EMAIL if isinstance(node, SendEmail) else Channel.SMS
            self._emit(run, channel.value, now, node.id, f"template {node.template}", decision.invoice_ids)  # type: ignore[arg-type]
            self._record_sent(run, node.id, key, channel, node.template, decision, now)
            return after_action(run, workflow, decision, "done", now)
        if isinstance(node, CreateTask):
            due = local_date(now, self.tenant.timezone)
            task = Task(tenant_id=run.tenant_id, id=key, customer_id=run.customer_id, title=node.title,
                        assignee=node.assignee, due_on=due + timedelta(days=node.due_in_days), created_at=now,
                        run_id=run.run_id, node_id=node.id, invoice_ids=decision.invoice_ids)  # fmt: skip
            self.tasks[run.customer_id][key] = task
            self._emit(run, "task", now, node.id, node.title, decision.invoice_ids)
            if node.wait_for_completion:
                self.task_runs[key] = run.customer_id
                done_at = max(now, at_local(task.due_on, TASK_DONE_AT, self.tenant.timezone))
                self.sequence += 1
                heapq.heappush(self.queue, (done_at, self.sequence, key))
                return after_action(run, workflow, decision, "task_created", now, task_id=key)
            return after_action(run, workflow, decision, "done", now)
        assert isinstance(node, Action)
        self._emit(run, "action", now, node.id, node.action.do, decision.invoice_ids)
        return after_action(run, workflow, decision, "done", now)

    def _record_sent(self, run: RunState, node_id: str, key: str, channel: Channel, template: str, decision: Decision,
                     now: datetime) -> None:  # fmt: skip
        message = Communication(tenant_id=run.tenant_id, id=key, customer_id=run.customer_id,
                                direction=Direction.SENT, channel=channel, at=now, status=CommunicationStatus.SENT,
                                template_id=template, invoice_ids=decision.invoice_ids, workflow_id=run.workflow_id,
                                run_id=run.run_id, node_id=node_id, automated=True)  # fmt: skip
        self.sent[run.customer_id].append(message)
        source = self.workflows[run.workflow_id].trigger.type
        if channel is Channel.EMAIL and source is not TriggerType.EMAIL_SENT:  # never a chain of sent-triggers
            self._fire(TriggerType.EMAIL_SENT, key, run.customer_id, now)

    def _complete_task(self, task_id: str, at: datetime) -> None:
        customer_id = self.task_runs.pop(task_id)
        task = self.tasks[customer_id][task_id]
        self.tasks[customer_id][task_id] = task.model_copy(update={"status": TaskStatus.DONE, "completed_at": at})
        if task.run_id:
            self._push(task.run_id, at)

    # -- helpers ----------------------------------------------------------------------------------------------------

    def _view(self, customer_id: str, level: Level) -> CustomerLedger:
        base = self.today_ledger.view(customer_id, with_members=level is Level.CUSTOMER_GROUP)
        sent, tasks = self.sent.get(customer_id), self.tasks.get(customer_id)
        if not sent and not tasks:
            return base
        return replace(base, communications=base.communications + tuple(sent or ()),
                       tasks=base.tasks + tuple((tasks or {}).values()))  # fmt: skip

    def _active_runs_of(self, customer_id: str) -> list[str]:
        return [r.run_id for r in self.runs.values() if r.customer_id == customer_id and not r.status.is_final]

    def _emit(self, run: RunState, kind: EventKind, at: datetime, node_id: str | None, detail: str = "",
              invoice_ids: tuple[str, ...] = ()) -> None:  # fmt: skip
        day = local_date(at, self.tenant.timezone)
        self.result.events.append(ForecastEvent(at, day, kind, run.workflow_id, run.run_id, run.record_id,
                                                run.customer_id, node_id, detail, invoice_ids))  # fmt: skip
