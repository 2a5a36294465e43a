"""The step evaluator: (workflow version, run state, ledger view, now) → one decision, with its trace.

It never acts. Order of rules, each traced: final status → stop conditions → a person's hold → walk the graph
(finished waits and branches are passed; the first node that must act is checked for filters, targets,
chasing switches, pause rules and the send window). Pure and deterministic: the same inputs give the same
decision, so a retried or duplicated evaluation can never produce a second, different action.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared.domain.calendar import SendRules, at_local, holiday_calendar, local_date
from shared.domain.engine.compiled import compiled
from shared.domain.engine.decision import Decision, DecisionKind, Passage, TraceEntry
from shared.domain.engine.run import RunState, RunStatus, action_key
from shared.domain.engine.targeting import subject_for, targeted_invoices
from shared.domain.engine.timing import send_rules, slot_for, wait_ends
from shared.domain.filters.compile import explain_conditions
from shared.domain.filters.subject import Subject, is_promise_active
from shared.domain.ledger.models import Channel, CommunicationStatus, Direction, TaskStatus
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import StopCondition, Workflow
from shared.domain.workflow.nodes import MESSAGE_NODES, Branch, CreateTask, End, Node, Wait, successors

CONVERSATION_CHANNELS = frozenset({Channel.EMAIL, Channel.SMS, Channel.CALL, Channel.LETTER})
CONVERSATION_STATUSES = frozenset(
    {CommunicationStatus.SENT, CommunicationStatus.DELIVERED, CommunicationStatus.RECEIVED}
)
_MIDNIGHT = time(0, 0)


def evaluate(
    workflow: Workflow, run: RunState, view: CustomerLedger, now: datetime, tenant: TenantSettings
) -> Decision:
    if run.workflow_id != workflow.id or run.workflow_version != workflow.version:
        raise ValueError(f"run {run.run_id} is on {run.workflow_id} v{run.workflow_version}, not v{workflow.version}")
    return _Evaluation(workflow, run, view, now, tenant).decide()


class _Evaluation:
    def __init__(
        self, workflow: Workflow, run: RunState, view: CustomerLedger, now: datetime, tenant: TenantSettings
    ) -> None:
        self.workflow, self.run, self.now, self.tenant = workflow, run, now, tenant
        self.today = local_date(now, tenant.timezone)
        self.subject = subject_for(run.level, run.record_id, view, self.today)
        self.trace: list[TraceEntry] = []
        self.passed: list[Passage] = []
        self._filters_hold: bool | None = None

    # -- the decision ---------------------------------------------------------------------------------------

    def decide(self) -> Decision:
        run = self.run
        if run.status is RunStatus.STOPPED:
            return self._final(DecisionKind.STOP, run.end_reason or "stopped", "the run was stopped")
        if run.status is RunStatus.FAILED:
            return self._final(DecisionKind.STOP, run.end_reason or "failed", "the run failed on an error")
        if run.status is RunStatus.COMPLETED:
            return self._final(DecisionKind.COMPLETE, "completed", "the run already went through its workflow")
        if self.subject is None:
            return self._final(DecisionKind.STOP, "record_gone", f"{run.level.value} {run.record_id} is gone")
        stop = self._stop_rules(self.subject)
        if stop is not None:
            return stop
        if run.hold is not None and (run.hold.until is None or run.hold.until > self.now):
            self._note("hold", "paused by a person", run.hold.note)
            return self._decision(
                DecisionKind.PAUSE,
                "manual_pause",
                "paused by a person",
                run.node_id,
                run.node_entered_at,
                at=run.hold.until,
            )
        return self._walk(self.subject)

    def _walk(self, subject: Subject) -> Decision:
        node_id: str | None = self.run.node_id
        entered = self.run.node_entered_at
        for _ in range(2 * len(self.workflow.nodes) + 2):
            if node_id is None:
                return self._decision(DecisionKind.COMPLETE, "completed", "the last node is done", None, entered)
            node = self.workflow.node(node_id)
            at_cursor = node_id == self.run.node_id
            if isinstance(node, End):
                return self._decision(
                    DecisionKind.COMPLETE, "completed", f"reached end node '{node.id}'", node.id, entered
                )
            if isinstance(node, Wait):
                rules = send_rules(self.workflow, self.tenant, node, subject)
                ends = self.now if at_cursor and self.run.run_now else wait_ends(node, entered, rules, subject)
                if self.now < ends:
                    self._note(f"wait '{node.id}'", "waiting", f"until {ends.isoformat()}")
                    return self._decision(
                        DecisionKind.WAIT, "wait_node", f"waiting at '{node.id}'", node.id, entered, at=ends
                    )
                self._pass(node, "waited", f"wait over at {ends.isoformat()}")
            elif isinstance(node, Branch):
                yes = compiled(self.workflow).branches[node.id](subject)
                detail = "; ".join(r.describe() for r in explain_conditions(node.filters, subject, self.workflow.level))
                self._note(f"branch '{node.id}'", "yes" if yes else "no", detail)
                self.passed.append(Passage(node.id, "branched", "yes" if yes else "no"))
                node_id, entered = (node.yes if yes else node.no), self.now
                continue
            elif isinstance(node, CreateTask) and node.wait_for_completion and at_cursor and self.run.task_id:
                task = next((t for t in subject.view.tasks if t.id == self.run.task_id), None)
                if task is None or task.status is TaskStatus.OPEN:
                    self._note(f"task '{node.id}'", "waiting for completion", self.run.task_id)
                    return self._decision(
                        DecisionKind.WAIT, "awaiting_task", "waiting for the task to be done", node.id, entered
                    )
                self._pass(node, "task_done", f"task {task.id} {task.status.value}")
            else:
                decision = self._acting_node(node, entered, at_cursor, subject)
                if decision is not None:
                    return decision
                self._pass(node, "skipped", "filters no longer match")
            node_id, entered = self._next(node), self.now
        # a loop whose waits are all already over (e.g. "until" a past date) would go round for ever: hold a day
        at = self._local_midnight(self.today + timedelta(days=1))
        self._note("loop guard", "held", "every wait on this loop is already over; looking again tomorrow")
        return self._decision(
            DecisionKind.WAIT, "loop_guard", "a loop with no time left to wait", node_id, entered, at=at
        )

    def _acting_node(self, node: Node, entered: datetime, at_cursor: bool, subject: Subject) -> Decision | None:
        """The decision for a node that acts; None when its step is skipped (filters no longer match)."""
        if not self._filters_hold_now(subject):
            return None
        level = self.workflow.level
        targets = [i.id for i in targeted_invoices(self.workflow, subject)]
        if self.workflow.trigger.target_invoices is not None and not targets and level is not Level.INVOICE:
            at = self._next_day_slot(node, subject)
            self._note("targets", "no qualifying invoice yet", "a consolidated message waits for one")
            return self._decision(
                DecisionKind.WAIT, "no_qualifying_invoices", "no invoice qualifies yet", node.id, entered, at=at
            )
        if isinstance(node, MESSAGE_NODES):
            held = self._message_holds(node, entered, subject, targets)
            if isinstance(held, Decision):
                return held
            targets = held
        elif self.workflow.settings.pause.promise_to_pay == "promised_invoices":
            targets = [t for t in targets if t not in subject.active_promised_invoice_ids]  # as at enrolment
        rules = send_rules(self.workflow, self.tenant, node, subject)
        at_time = node.send.time if isinstance(node, MESSAGE_NODES) and node.send.mode == "at_time" else None
        since = entered
        if at_cursor and self.run.run_now:
            since, at_time = self.now, None
        elif at_cursor and self.run.retry_at is not None:
            since, at_time = self.run.retry_at, None
        slot = slot_for(rules, since, self.now, at_time)
        if slot > self.now:
            reason, why = _why_later(self.now, slot, rules, at_time, at_cursor and self.run.retry_at is not None)
            self._note("window", reason, why)
            return self._decision(DecisionKind.WAIT, reason, why, node.id, entered, at=slot)
        self._note("window", "open", f"{rules.timezone} local time allows acting now")
        return self._decision(
            DecisionKind.ACT,
            "act",
            f"{node.type.replace('_', ' ')} '{node.id}'",
            node.id,
            entered,
            invoice_ids=tuple(targets),
            action_key=action_key(self.run, node.id),
            details={"node_type": node.type},
        )

    def _message_holds(
        self, node: Node, entered: datetime, subject: Subject, targets: list[str]
    ) -> Decision | list[str]:
        """Chasing switches and pause rules, for messages only; returns the invoices left to mention."""
        customer = subject.customer
        if not customer.chasing_enabled:
            self._note("chasing", "switched off", "no automated message goes to this customer")
            return self._decision(
                DecisionKind.PAUSE, "chasing_disabled", "chasing is off for the customer", node.id, entered
            )
        pause = customer.chasing_pause
        if pause is not None and (pause.until is None or pause.until > self.today):
            until = None if pause.until is None else self._local_midnight(pause.until)
            self._note("chasing", "paused by a person", pause.note)
            return self._decision(
                DecisionKind.PAUSE, "chasing_paused", "customer chasing is paused", node.id, entered, at=until
            )
        if subject.invoice is not None and subject.invoice.chasing_paused:
            self._note("chasing", "invoice paused", subject.invoice.number)
            return self._decision(
                DecisionKind.PAUSE, "invoice_chasing_paused", "chasing is paused on the invoice", node.id, entered
            )
        held = self._promise_rule(node, entered, subject, targets)
        if isinstance(held, Decision):
            return held
        recent = self._recent_communication_rule(node, entered, subject)
        return recent if recent is not None else held

    def _promise_rule(
        self, node: Node, entered: datetime, subject: Subject, targets: list[str]
    ) -> Decision | list[str]:
        mode = self.workflow.settings.pause.promise_to_pay
        promises = [p for p in subject.view.promises if is_promise_active(p, self.today)]
        if mode == "off" or not promises:
            self._note("pause.promise_to_pay", "no active promise" if mode != "off" else "off")
            return targets
        whole_customer = mode == "customer"  # "pause the whole customer", whatever the run's level
        covering = [p for p in promises if whole_customer or set(p.invoice_ids) & set(targets)]
        promised = {i for p in covering for i in p.invoice_ids}
        remaining = [] if whole_customer else [t for t in targets if t not in promised]
        if covering and not remaining:
            until = self._local_midnight(max(p.promised_on for p in covering) + timedelta(days=1))
            detail = ", ".join(f"{p.id} until {p.promised_on}" for p in covering)
            self._note("pause.promise_to_pay", "paused", detail)
            return self._decision(
                DecisionKind.PAUSE,
                "promise_to_pay",
                "a promise to pay is active",
                node.id,
                entered,
                at=until,
                details={"promises": [p.id for p in covering]},
            )
        if promised:
            self._note("pause.promise_to_pay", "promised invoices left out", ", ".join(sorted(promised)))
        return remaining

    def _recent_communication_rule(self, node: Node, entered: datetime, subject: Subject) -> Decision | None:
        days = self.workflow.settings.pause.recent_communication_days
        if days is None:
            return None
        latest = max(
            (
                c.at
                for c in subject.view.communications
                if c.channel in CONVERSATION_CHANNELS and c.status in CONVERSATION_STATUSES and c.at <= self.now
            ),
            default=None,
        )
        if latest is None or latest.astimezone(UTC) + timedelta(days=days) <= self.now:
            self._note("pause.recent_communication", "nothing recent", f"window {days} days")
            return None
        until = latest.astimezone(UTC) + timedelta(days=days)
        self._note("pause.recent_communication", "paused", f"last message at {latest.isoformat()}")
        return self._decision(
            DecisionKind.PAUSE,
            "recent_communication",
            f"a message went or came within {days} days",
            node.id,
            entered,
            at=until,
        )

    # -- stop rules -------------------------------------------------------------------------------------------

    def _stop_rules(self, subject: Subject) -> Decision | None:
        conditions = self.workflow.stop_conditions
        customer = subject.customer
        if StopCondition.CHASING_DISABLED in conditions and not customer.chasing_enabled:
            return self._stop("chasing_disabled", "chasing was switched off for the customer")
        if StopCondition.BALANCE_CLEARED in conditions:
            still_open = self._open_targets(subject)
            if not still_open:
                return self._stop("balance_cleared", "every targeted invoice is paid")
            self._note("stop.balance_cleared", "not met", f"{len(still_open)} targeted invoice(s) open")
        if StopCondition.CUSTOMER_REPLIED in conditions:
            reply = next(
                (
                    c
                    for c in subject.view.communications
                    if c.direction is Direction.RECEIVED and self.run.enrolled_at < c.at <= self.now
                ),
                None,
            )
            if reply is not None:
                return self._stop("customer_replied", f"the customer replied at {reply.at.isoformat()}")
            self._note("stop.customer_replied", "not met")
        if StopCondition.NO_LONGER_MATCHING in conditions and not self._filters_hold_now(subject):
            return self._stop("no_longer_matching", "the record no longer matches the trigger filters")
        return None

    def _open_targets(self, subject: Subject) -> set[str]:
        level = self.workflow.level
        if level in (Level.PAYMENT, Level.EMAIL, Level.CREDIT_NOTE):
            return {i.id for i in subject.view.all_invoices() if not i.is_settled}
        current = {i.id for i in targeted_invoices(self.workflow, subject)}
        enrolled = {i for i in self.run.invoice_ids if (inv := subject.view.invoice(i)) and not inv.is_settled}
        return current | enrolled

    def _filters_hold_now(self, subject: Subject) -> bool:
        if not self.workflow.trigger.type.is_continuous:
            # a one-time trigger's filters gate the enrolment only: "invoice.days_issued <= 3" must not skip the
            # second reminder a week later
            return True
        if self._filters_hold is None:
            self._filters_hold = compiled(self.workflow).trigger(subject)
            if self._filters_hold:
                self._note("filters", "match")
            else:
                failed = [
                    r.describe()
                    for r in explain_conditions(self.workflow.trigger.filters, subject, self.workflow.level)
                    if not r.passed
                ]
                self._note("filters", "no longer match", "; ".join(failed))
        return self._filters_hold

    # -- helpers ----------------------------------------------------------------------------------------------

    def _next(self, node: Node) -> str | None:
        following = successors(node, self.workflow.following(node.id))
        return following[0] if following else None

    def _pass(self, node: Node, outcome: str, detail: str) -> None:
        self.passed.append(Passage(node.id, outcome, detail))
        self._note(f"{node.type} '{node.id}'", outcome, detail)

    def _note(self, rule: str, verdict: str, detail: str = "") -> None:
        self.trace.append(TraceEntry(rule, verdict, detail))

    def _local_midnight(self, day: date) -> datetime:
        return at_local(day, _MIDNIGHT, self.tenant.timezone)

    def _next_day_slot(self, node: Node, subject: Subject) -> datetime:
        tomorrow = self._local_midnight(self.today + timedelta(days=1))
        return slot_for(send_rules(self.workflow, self.tenant, node, subject), tomorrow, tomorrow, None)

    def _stop(self, reason: str, message: str) -> Decision:
        self._note(f"stop.{reason}", "met", message)
        return self._decision(DecisionKind.STOP, reason, message, self.run.node_id, self.run.node_entered_at)

    def _final(self, kind: DecisionKind, reason: str, message: str) -> Decision:
        self._note("status", self.run.status.value, message)
        return self._decision(kind, reason, message, self.run.node_id, self.run.node_entered_at)

    def _decision(
        self,
        kind: DecisionKind,
        reason: str,
        message: str,
        node_id: str | None,
        entered: datetime | None,
        *,
        at: datetime | None = None,
        invoice_ids: tuple[str, ...] = (),
        action_key: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Decision:
        return Decision(
            kind,
            reason,
            message,
            node_id,
            entered,
            at=at,
            invoice_ids=invoice_ids,
            action_key=action_key,
            passed=tuple(self.passed),
            trace=tuple(self.trace),
            details=details or {},
        )


def _why_later(now: datetime, slot: datetime, rules: SendRules, at_time: time | None, retry: bool) -> tuple[str, str]:
    when = f"next allowed at {slot.isoformat()}"
    if retry:
        return "retry", f"retrying after a failed attempt; {when}"
    day = local_date(now, rules.timezone)
    calendar = holiday_calendar(rules.holiday_country, rules.holiday_subdivision)
    if not rules.allow_holidays and calendar.is_holiday(day):
        return "holiday", f"{calendar.holiday_name(day)} is a public holiday; {when}"
    if not rules.allow_weekends and calendar.is_weekend(day):
        return "weekend", f"no sending at weekends; {when}"
    if at_time is not None:
        return "send_time", f"scheduled for {at_time.strftime('%H:%M')} local; {when}"
    return "outside_run_hours", f"outside the run hours; {when}"
