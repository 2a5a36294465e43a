"""The simulation loop: day by day on the virtual clock, the ERP posts the day's records through the signed webhook,
the scheduler ticks at the instants something is due, executions settle, and SES reports bounces.

Ticks: production ticks every minute; between two instants at which something is due (a parked run's
``next_run_at``, a workflow's daily sweep, an ERP delivery) a tick finds nothing to do, so the loop jumps the
clock from one such instant to the next and ticks there: the same outcome as a tick every minute, at a fraction
of the cost on moto.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from moto.ses.models import Message

from emulator.fake_sms import SentSms
from shared.clock import FixedClock
from shared.domain.calendar import at_local
from shared.domain.ledger.models import Invoice, LedgerRecord, Payment, PaymentStatus
from shared.domain.ledger.views import Ledger
from shared.domain.templates.models import Template, TemplateSettings
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from simulation.decisions import DecisionLog
from simulation.harness import Harness, PlainItem, Rejected, RunItem
from simulation.replay import Delivery, deliveries, opening

MAX_TICKS_AT_ONE_INSTANT = 3  # a run due again at once (a retry "as soon as the window allows") gets two more


@dataclass(frozen=True)
class Scenario:
    """What a simulation runs: a tenant's ledger history, its workflows and templates, and the period."""

    tenant: TenantSettings
    ledger: Ledger  # the export: every record in its final state, with its dates
    workflows: Sequence[Workflow]
    templates: Sequence[Template]
    template_settings: TemplateSettings | None
    start: date
    days: int
    bouncing_addresses: frozenset[str] = frozenset()  # mailboxes that do not exist: SES reports a bounce

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)


@dataclass
class DayFigures:
    day: date
    emails: int = 0
    sms: int = 0
    ticks: int = 0
    posted: int = 0
    bounces: int = 0
    overdue: dict[str, Decimal] = field(default_factory=dict)  # per currency, at the end of the day
    collected: dict[str, Decimal] = field(default_factory=dict)  # per currency, paid that day


@dataclass
class Outcome:
    """What happened, as read from the emulated services at the end."""

    scenario: Scenario
    days: list[DayFigures]
    runs: list[RunItem]
    core: list[PlainItem]
    ledger_items: list[PlainItem]
    emails: list[Message]  # moto's SES messages
    email_days: list[date]  # the local day each email went out
    sms: list[SentSms]
    sms_days: list[date]
    bounced: list[tuple[str, str]]  # (message id, address)
    decisions: DecisionLog
    rejected: list[Rejected]
    stuck: set[str]
    opening_overdue: dict[str, Decimal]


def simulate(scenario: Scenario, decisions: DecisionLog, on_day: Callable[[DayFigures], None] | None = None) -> Outcome:
    """Run the scenario on a fresh local stack and return what happened."""
    zone = scenario.tenant.timezone
    clock = FixedClock(at_local(scenario.start, time(0), zone))
    posted = deliveries(scenario.ledger, zone, scenario.start, scenario.days)
    daily_money = _money_by_day(scenario)
    with Harness(clock) as harness:
        harness.load_tenant(
            scenario.tenant,
            scenario.workflows,
            scenario.templates,
            scenario.template_settings,
            opening(scenario.ledger, scenario.start),
        )
        figures: list[DayFigures] = []
        email_days: list[date] = []
        sms_days: list[date] = []
        bounced: list[tuple[str, str]] = []
        for offset in range(scenario.days):
            day = scenario.start + timedelta(days=offset)
            today = DayFigures(day, overdue=daily_money[day][0], collected=daily_money[day][1])
            _run_day(harness, scenario, day, posted.get(day, []), today, bounced)
            email_days += [day] * (len(harness.sent_emails()) - len(email_days))
            sms_days += [day] * (len(harness.sent_sms()) - len(sms_days))
            today.emails = email_days.count(day)
            today.sms = sms_days.count(day)
            figures.append(today)
            if on_day is not None:
                on_day(today)
        runs = harness.settle()
        eve = scenario.start - timedelta(days=1)
        return Outcome(
            scenario=scenario,
            days=figures,
            runs=runs,
            core=list(harness.core_items()),
            ledger_items=list(harness.ledger_items()),
            emails=harness.sent_emails(),
            email_days=email_days,
            sms=harness.sent_sms(),
            sms_days=sms_days,
            bounced=bounced,
            decisions=decisions,
            rejected=harness.rejected,
            stuck=harness.stuck,
            opening_overdue=overdue_by_currency(scenario.ledger.as_of(eve), eve),
        )


def _run_day(
    harness: Harness,
    scenario: Scenario,
    day: date,
    posted: list[Delivery],
    figures: DayFigures,
    bounced: list[tuple[str, str]],
) -> None:
    zone, tenant_id = scenario.tenant.timezone, scenario.tenant.tenant_id
    day_end = at_local(day + timedelta(days=1), time(0), zone)
    by_instant: dict[datetime, list[LedgerRecord]] = defaultdict(list)
    for delivery in posted:
        by_instant[delivery.at].append(delivery.record)
    sweeps = {at_local(day, w.settings.run_hours.start if w.settings.run_hours else time(0), zone)
              for w in scenario.workflows if w.trigger.type.is_continuous}  # fmt: skip
    ticks_here, last = 0, None
    while True:
        runs = harness.settle()
        now = harness.clock.now()
        due = {_instant(r.next_run_at) for r in runs if r.parking == "WAITING" and r.next_run_at}
        due = {d for d in due if d < day_end}
        overdue_now = any(d <= now for d in due)
        if overdue_now and ticks_here < MAX_TICKS_AT_ONE_INSTANT and last == now:
            instant = now
        else:
            upcoming = [t for t in [*by_instant, *sweeps, *due] if now < t < day_end]
            if not upcoming:
                break
            instant = min(upcoming)
        ticks_here = ticks_here + 1 if instant == last else 1
        harness.clock.set(instant)
        last = instant
        records = by_instant.pop(instant, [])
        if records:
            figures.posted += harness.post(tenant_id, records)
            harness.settle()
        harness.tick()
        figures.ticks += 1
        figures.bounces += _bounce(harness, scenario, bounced)
    harness.clock.set(day_end)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _bounce(harness: Harness, scenario: Scenario, bounced: list[tuple[str, str]]) -> int:
    """SES reports a bounce for every message sent to a mailbox that does not exist (once per message)."""
    if not scenario.bouncing_addresses:
        return 0
    done = {message_id for message_id, _ in bounced}
    fresh = [
        (m.id, address)
        for m in harness.sent_emails()
        if m.id not in done
        for address in m.destinations.get("ToAddresses", [])
        if address in scenario.bouncing_addresses
    ]
    if not fresh:
        return 0
    harness.settle()
    logged = _communications_by_message(harness)
    for message_id, address in fresh:
        communication = logged.get(message_id)
        if communication is None:
            continue
        harness.bounce(message_id, address, scenario.tenant.tenant_id, communication["run_id"], communication["id"])
        bounced.append((message_id, address))
    return len(fresh)


def _communications_by_message(harness: Harness) -> dict[str, dict[str, Any]]:
    """The communications logged for sent messages (``Communication`` as JSON), by the provider's message id."""
    found = {}
    for item in harness.ledger_items():
        if str(item.get("sk", "")).startswith("communication#"):
            body = json.loads(item["body"])
            if body.get("source_id"):
                found[body["source_id"]] = body
    return found


def overdue_by_currency(ledger: Ledger, day: date) -> dict[str, Decimal]:
    """Open balance of the invoices past their due date at the end of ``day``, per currency."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in ledger.all(Invoice):
        assert isinstance(invoice, Invoice)
        if invoice.due_on < day and not invoice.is_settled:
            totals[invoice.currency] += invoice.balance
    return dict(sorted(totals.items()))


def _money_by_day(scenario: Scenario) -> dict[date, tuple[dict[str, Decimal], dict[str, Decimal]]]:
    """Per simulated day: the overdue balance at its end and the money paid that day, per currency."""
    result = {}
    for offset in range(scenario.days):
        day = scenario.start + timedelta(days=offset)
        collected: dict[str, Decimal] = defaultdict(Decimal)
        for payment in scenario.ledger.all(Payment):
            assert isinstance(payment, Payment)
            if payment.paid_on == day and payment.status is PaymentStatus.PAID:
                collected[payment.currency] += payment.amount
        result[day] = (overdue_by_currency(scenario.ledger.as_of(day), day), dict(sorted(collected.items())))
    return result
