"""When a node may act and when a wait ends, in the tenant's (or the recipient's) local time."""

from __future__ import annotations

import calendar as month_calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from shared.domain.calendar import RunHours, SendRules, at_local, holiday_calendar, local_date, next_allowed_instant
from shared.domain.filters.subject import Subject
from shared.domain.ledger.models import PromiseStatus
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.nodes import MESSAGE_NODES, Node, Wait

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def send_rules(workflow: Workflow, tenant: TenantSettings, node: Node | None, subject: Subject | None) -> SendRules:
    """The window for ``node``: the workflow's run hours and day rules in the tenant's timezone, or in the
    customer's own timezone when a message node asks for the recipient's time and the customer has one."""
    settings = workflow.settings
    timezone = tenant.timezone
    country = settings.holiday_country or tenant.country
    if isinstance(node, MESSAGE_NODES) and node.send.recipient_timezone and subject is not None:
        customer = subject.customer
        timezone = customer.timezone or timezone
        country = customer.country or country
    return _rules(timezone, settings.run_hours, settings.send_on_weekends, settings.send_on_holidays, country)


@lru_cache(maxsize=1024)
def _rules(timezone: str, run_hours: RunHours | None, weekends: bool, holidays: bool, country: str | None) -> SendRules:
    return SendRules(
        timezone=timezone,
        run_hours=run_hours,
        allow_weekends=weekends,
        allow_holidays=holidays,
        holiday_country=country,
    )


def wait_ends(node: Wait, entered: datetime, rules: SendRules, subject: Subject) -> datetime:
    """The instant a wait node, entered at ``entered``, is over."""
    tz = rules.timezone
    entered_local_time = entered.astimezone(ZoneInfo(tz)).time().replace(microsecond=0)
    day = local_date(entered, tz)
    if node.hours is not None:
        return entered.astimezone(UTC) + timedelta(hours=node.hours)  # elapsed hours, not wall-clock
    if node.days is not None:
        return at_local(day + timedelta(days=node.days), entered_local_time, tz)
    if node.business_days is not None:
        calendar = holiday_calendar(rules.holiday_country, rules.holiday_subdivision)
        return at_local(calendar.add_business_days(day, node.business_days), entered_local_time, tz)
    until = node.until
    assert until is not None  # the model guarantees exactly one duration
    if until.relative_to is not None:
        anchor = _anchor_date(until.relative_to, subject)
        if anchor is None:
            return entered
        return at_local(anchor + timedelta(days=until.offset_days), until.time, tz)
    candidate = day
    for _ in range(400):
        moment = at_local(candidate, until.time, tz)
        if moment > entered and _matches(candidate, until.weekday, until.day_of_month):
            return moment
        candidate += timedelta(days=1)
    return entered


def _matches(day: date, weekday: str | None, day_of_month: int | None) -> bool:
    if weekday is not None:
        return WEEKDAYS[day.weekday()] == weekday
    if day_of_month is not None:
        last = month_calendar.monthrange(day.year, day.month)[1]
        return day.day == min(day_of_month, last)
    return True


def _anchor_date(field: str, subject: Subject) -> date | None:
    if field == "promise_to_pay.promised_date":
        active = [p.promised_on for p in subject.view.promises if p.status is PromiseStatus.ACTIVE]
        return max(active) if active else None
    invoices = [subject.invoice] if subject.invoice else [i for i in subject.view.all_invoices() if not i.is_settled]
    if not invoices:
        return None
    if field == "invoice.date_due":
        return min(i.due_on for i in invoices if i is not None)
    return min(i.issued_on for i in invoices if i is not None)


def slot_for(rules: SendRules, since: datetime, now: datetime, at_time: time | None) -> datetime:
    """The instant a node entered at ``since`` may act: the first allowed slot after ``since``; a slot already
    passed today still counts if ``now`` is on its local day and inside the window (a late tick keeps the slot),
    otherwise the next slot after ``now``."""
    slot = next_allowed_instant(since, rules, at_time=at_time)
    if slot >= now:
        return slot
    if local_date(slot, rules.timezone) == local_date(now, rules.timezone) and next_allowed_instant(now, rules) == now:
        return now
    return next_allowed_instant(now, rules, at_time=at_time)
