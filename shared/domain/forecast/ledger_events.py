"""The ledger's dated facts as the events that fire one-time triggers, indexed by tenant-local day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from shared.domain.calendar import at_local, local_date
from shared.domain.ledger.models import (
    Channel,
    Communication,
    CommunicationStatus,
    CreditNote,
    Customer,
    Direction,
    Invoice,
    Payment,
    PaymentStatus,
)
from shared.domain.ledger.views import Ledger
from shared.domain.levels import TriggerType

LedgerEvent = tuple[datetime, TriggerType, str, str]  # when, trigger, record id, customer id


class LedgerEvents:
    def __init__(self, ledger: Ledger, timezone: str) -> None:
        self._by_day: dict[date, list[LedgerEvent]] = defaultdict(list)
        self._timezone = timezone
        for customer in ledger.all(Customer):
            assert isinstance(customer, Customer)
            if customer.created_on:
                self._dated(customer.created_on, TriggerType.CUSTOMER_CREATED, customer.id, customer.id)
        for record in ledger.all(Invoice):
            assert isinstance(record, Invoice)
            self._dated(record.issued_on, TriggerType.INVOICE_CREATED, record.id, record.customer_id)
        for note in ledger.all(CreditNote):
            assert isinstance(note, CreditNote)
            self._dated(note.issued_on, TriggerType.CREDIT_NOTE_CREATED, note.id, note.customer_id)
        for payment in ledger.all(Payment):
            assert isinstance(payment, Payment)
            if payment.status is PaymentStatus.PAID:
                self._dated(payment.paid_on, TriggerType.PAYMENT_REGISTERED, payment.id, payment.customer_id)
        for message in ledger.all(Communication):
            assert isinstance(message, Communication)
            trigger = _message_trigger(message)
            if trigger is not None:
                self._by_day[local_date(message.at, timezone)].append(
                    (message.at, trigger, message.id, message.customer_id)
                )
        for events in self._by_day.values():
            events.sort(key=lambda e: (e[0], e[1].value, e[2]))

    def on(self, day: date) -> list[LedgerEvent]:
        return self._by_day.get(day, [])

    def _dated(self, day: date, trigger: TriggerType, record_id: str, customer_id: str) -> None:
        self._by_day[day].append((at_local(day, time(0), self._timezone), trigger, record_id, customer_id))


def _message_trigger(message: Communication) -> TriggerType | None:
    if message.direction is Direction.RECEIVED:
        return TriggerType.EMAIL_RECEIVED if message.channel is Channel.EMAIL else None
    if message.channel is Channel.SMS and message.status in (CommunicationStatus.FAILED, CommunicationStatus.BOUNCED):
        return TriggerType.SMS_UNDELIVERED
    if message.channel is not Channel.EMAIL:
        return None
    if message.status in (CommunicationStatus.BOUNCED, CommunicationStatus.COMPLAINED):
        return TriggerType.EMAIL_BOUNCED
    if message.status in (CommunicationStatus.SENT, CommunicationStatus.DELIVERED):
        return TriggerType.EMAIL_SENT
    return None
