"""A ledger export as the ERP would have announced it, day by day: the opening ledger (the day before the
simulation starts) and, for every simulated day, the records that appeared or changed, each with the instant the
ERP posts it and an ``updated_at`` that orders its versions.

The export holds each record's final state; ``Ledger.as_of`` rebuilds any earlier day (invoices not yet issued
are absent, later payments not yet applied). Two things it cannot rebuild are added here: a promise to pay is
posted ``active`` when it is made, and its final status (kept or broken) the day it resolves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from shared.domain.calendar import at_local
from shared.domain.ledger.models import (
    LEDGER_MODELS,
    Communication,
    Contact,
    CreditNote,
    Customer,
    Invoice,
    LedgerRecord,
    Payment,
    PromiseStatus,
    PromiseToPay,
    Task,
)
from shared.domain.ledger.views import Ledger

# When the ERP posts a day's changes (tenant-local): new accounts and invoices with the morning sync, money with
# the midday bank feed; promises and messages at their own instants.
POSTED_AT = {Customer: time(7, 0), Contact: time(7, 0), Invoice: time(7, 0), CreditNote: time(11, 0)}
MONEY_AT = time(13, 0)
KIND_OF = {model: kind for kind, model in LEDGER_MODELS.items()}
ORDER: dict[type[LedgerRecord], int] = {
    Customer: 0,
    Contact: 1,
    Invoice: 2,
    CreditNote: 3,
    Payment: 4,
    PromiseToPay: 5,
    Communication: 6,
}


@dataclass(frozen=True)
class Delivery:
    """One record version as the ERP posts it."""

    at: datetime
    record: LedgerRecord

    @property
    def kind(self) -> str:
        """The webhook's name for the record's kind (``invoice``, ``credit_note`` …)."""
        return KIND_OF[type(self.record)]


def opening(ledger: Ledger, start: date) -> list[LedgerRecord]:
    """The ledger as it stood at the end of the day before ``start``; tasks are Chaseflow's own, not the ERP's."""
    before = ledger.as_of(start - timedelta(days=1))
    records = [r for kind in ORDER for r in before.all(kind) if not isinstance(r, Task)]
    eve = start - timedelta(days=1)
    return [_promise_on(r, eve, ledger) if isinstance(r, PromiseToPay) else r for r in records]


def deliveries(ledger: Ledger, timezone: str, start: date, days: int) -> dict[date, list[Delivery]]:
    """Every record version the ERP posts on each simulated day, in posting order."""
    by_day: dict[date, list[Delivery]] = defaultdict(list)
    previous = _index(ledger.as_of(start - timedelta(days=1)))
    for offset in range(days):
        day = start + timedelta(days=offset)
        current = _index(ledger.as_of(day))
        for key, record in current.items():
            if isinstance(record, Task | PromiseToPay) or previous.get(key) == record:
                continue
            by_day[day].append(_delivery(record, day, timezone, new=key not in previous))
        previous = current
    for promise in ledger.all(PromiseToPay):
        assert isinstance(promise, PromiseToPay)
        for day, version in _promise_versions(promise, ledger):
            if start <= day < start + timedelta(days=days):
                at = _promise_instant(version, day, timezone)
                by_day[day].append(Delivery(at, version.model_copy(update={"updated_at": at})))
    for day in by_day:
        by_day[day].sort(key=lambda d: (d.at, ORDER[type(d.record)], d.record.id))
    return dict(by_day)


def _index(ledger: Ledger) -> dict[tuple[str, str], LedgerRecord]:
    return {(type(r).__name__, r.id): r for kind in ORDER for r in ledger.all(kind)}


def _delivery(record: LedgerRecord, day: date, timezone: str, *, new: bool) -> Delivery:
    if isinstance(record, Communication):
        at = record.at
    elif isinstance(record, Payment) or (isinstance(record, Invoice) and not new):
        at = at_local(day, MONEY_AT, timezone)  # an invoice changes when money is applied to it
    else:
        at = at_local(day, POSTED_AT.get(type(record), MONEY_AT), timezone)
    return Delivery(at, record.model_copy(update={"updated_at": at}))


def _promise_versions(promise: PromiseToPay, ledger: Ledger) -> list[tuple[date, PromiseToPay]]:
    """The promise as made (active), then as resolved: kept the day its invoices were paid, broken the day after
    the promised date."""
    made = promise.created_at.date() if promise.created_at else promise.promised_on - timedelta(days=7)
    versions = [(made, promise.model_copy(update={"status": PromiseStatus.ACTIVE}))]
    if promise.status is PromiseStatus.COMPLETED:
        paid = [i.paid_on for i in ledger.all(Invoice) if isinstance(i, Invoice) and i.id in promise.invoice_ids]
        kept = max([d for d in paid if d is not None], default=promise.promised_on)
        versions.append((max(kept, made), promise))
    elif promise.status is PromiseStatus.BROKEN:
        versions.append((max(promise.promised_on + timedelta(days=1), made), promise))
    elif promise.status is not PromiseStatus.ACTIVE:
        versions.append((max(promise.promised_on, made), promise))
    return versions


def _promise_on(promise: PromiseToPay, day: date, ledger: Ledger) -> PromiseToPay:
    """The version of a promise that stood on ``day``."""
    standing = promise
    for when, version in _promise_versions(promise, ledger):
        if when <= day:
            standing = version
    return standing


def _promise_instant(promise: PromiseToPay, day: date, timezone: str) -> datetime:
    if promise.status is PromiseStatus.ACTIVE and promise.created_at and promise.created_at.date() == day:
        return promise.created_at.astimezone(UTC)
    return at_local(day, MONEY_AT, timezone) + timedelta(minutes=1)  # after the day's money
