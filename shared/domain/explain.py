"""Answers to "why did my workflow (not) run?": for one record of one workflow, at one instant.

Without an active run: whether the record would enrol now, every trigger condition with its actual value, which
invoices ride along and which are left out (and by which condition). With a run: where it stands, the decision the
evaluator takes now with its full trace, and what happens next and when (a forecast of this record alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.calendar import local_date
from shared.domain.engine.decision import Decision
from shared.domain.engine.enrolment import EnrolmentVerdict, consider
from shared.domain.engine.evaluator import evaluate
from shared.domain.engine.run import RunState
from shared.domain.engine.targeting import candidate_invoices, subject_for
from shared.domain.filters.compile import ConditionResult, explain_conditions
from shared.domain.forecast.events import ForecastEvent
from shared.domain.forecast.simulation import forecast
from shared.domain.ledger.views import Ledger
from shared.domain.levels import Level
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow

LOOKAHEAD_DAYS = 45


@dataclass
class Explanation:
    workflow_id: str
    record_id: str
    at: datetime
    conditions: list[ConditionResult] = field(default_factory=list)
    invoices: list[tuple[str, bool, list[str]]] = field(default_factory=list)  # number, targeted, failed conditions
    enrolment: EnrolmentVerdict | None = None
    run: RunState | None = None
    decision: Decision | None = None
    upcoming: list[ForecastEvent] = field(default_factory=list)

    def summary(self) -> str:
        if self.decision is not None and self.run is not None:
            return (
                f"run {self.run.run_id} at '{self.run.node_id}': {self.decision.kind.value} — {self.decision.message}"
            )
        if self.enrolment is not None:
            verdict = "would enrol now" if self.enrolment.enrol else f"not enrolled ({self.enrolment.reason})"
            return f"{self.record_id} {verdict}"
        return f"{self.record_id}: nothing to explain"

    def lines(self) -> list[str]:
        out = [
            f"{self.workflow_id} · {self.record_id} at {self.at.isoformat()}",
            self.summary(),
            "",
            "Trigger filters:",
        ]
        out += [f"  {'✓' if c.passed else '✗'} {c.describe()}" for c in self.conditions] or ["  (none)"]
        if self.invoices:
            out.append("Invoices:")
            for number, targeted, failed in self.invoices:
                out.append(f"  {'✓' if targeted else '✗'} {number}" + (f" — {'; '.join(failed)}" if failed else ""))
        trace = self.decision.explain() if self.decision else self.enrolment.explain() if self.enrolment else []
        out += ["Rules, in the order applied:", *(f"  {line}" for line in trace)]
        out.append("What happens next:")
        out += [f"  {e.line()}" for e in self.upcoming] or [f"  nothing in the next {LOOKAHEAD_DAYS} days"]
        return out

    def to_dict(self) -> dict[str, Any]:
        decision = self.decision
        return {
            "workflow_id": self.workflow_id,
            "record_id": self.record_id,
            "at": self.at.isoformat(),
            "summary": self.summary(),
            "conditions": [
                {"condition": c.condition, "actual": str(c.actual), "passed": c.passed} for c in self.conditions
            ],
            "invoices": [{"number": n, "targeted": t, "failed": f} for n, t, f in self.invoices],
            "enrolment": None
            if self.enrolment is None
            else {
                "enrol": self.enrolment.enrol,
                "reason": self.enrolment.reason,
                "trace": self.enrolment.explain(),
            },
            "run": None if self.run is None else self.run.model_dump(mode="json", exclude={"history"}),
            "decision": None
            if decision is None
            else {
                "kind": decision.kind.value,
                "reason": decision.reason,
                "message": decision.message,
                "node_id": decision.node_id,
                "at": decision.at.isoformat() if decision.at else None,
                "trace": decision.explain(),
            },
            "upcoming": [e.to_dict() for e in self.upcoming],
        }


def explain(
    workflow: Workflow,
    record_id: str,
    ledger: Ledger,
    at: datetime,
    tenant: TenantSettings,
    runs: Sequence[RunState] = (),
) -> Explanation:
    customer_id = _customer_of(workflow.level, record_id, ledger)
    result = Explanation(workflow.id, record_id, at)
    if customer_id is None:
        return result
    view = ledger.view(customer_id, with_members=workflow.level is Level.CUSTOMER_GROUP)
    today = local_date(at, tenant.timezone)
    subject = subject_for(workflow.level, record_id, view, today)
    if subject is None:
        return result
    result.conditions = explain_conditions(workflow.trigger.filters, subject, workflow.level)
    if workflow.trigger.target_invoices is not None:
        for invoice in candidate_invoices(workflow.level, subject):
            checks = explain_conditions(workflow.trigger.target_invoices, subject.focus(invoice=invoice), Level.INVOICE)
            failed = [c.describe() for c in checks if not c.passed]
            if workflow.settings.pause.promise_to_pay != "off" and invoice.id in subject.active_promised_invoice_ids:
                failed.append("under an active promise to pay (left out of messages while it holds)")
            result.invoices.append((invoice.number, not failed, failed))
    mine = [r for r in runs if r.record_id == record_id and r.workflow_id == workflow.id]
    active = next((r for r in mine if not r.status.is_final), None)
    if active is not None and active.workflow_version == workflow.version:
        result.run = active
        result.decision = evaluate(workflow, active, view, at, tenant)
    else:
        result.enrolment = consider(workflow, record_id, view, at, tenant, mine)
    ahead = forecast([workflow], ledger, tenant, today, LOOKAHEAD_DAYS, runs=[active] if active else [])
    result.upcoming = ahead.for_record(record_id)[:20]  # from the start of the local day of ``at``
    return result


def _customer_of(level: Level, record_id: str, ledger: Ledger) -> str | None:
    if level in (Level.CUSTOMER, Level.CUSTOMER_GROUP):
        return record_id if record_id in ledger.customers else None
    for customer_id in ledger.customers:
        view = ledger.view(customer_id)
        records = [*view.invoices, *view.contacts, *view.credit_notes, *view.payments, *view.communications]
        if any(r.id == record_id for r in records):
            return customer_id
    return None
