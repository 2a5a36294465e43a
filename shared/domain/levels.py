"""Triggers and the level of record each one enrols (Kolleno's customer, invoice, contact … runs)."""

from __future__ import annotations

from enum import StrEnum

from shared.domain.filters.catalogue import RecordObject


class Level(StrEnum):
    CUSTOMER = "customer"
    CUSTOMER_GROUP = "customer_group"
    CONTACT = "contact"
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    PAYMENT = "payment"
    EMAIL = "email"


class TriggerType(StrEnum):
    # continuous: swept on the workflow's start timing, restartable after N days
    CUSTOMER_FOLLOW_UP = "customer_follow_up"
    CUSTOMER_GROUP_FOLLOW_UP = "customer_group_follow_up"
    CONTACT_FOLLOW_UP = "contact_follow_up"
    INVOICE_FOLLOW_UP = "invoice_follow_up"
    # one-time per object, fired by a ledger or communication event
    INVOICE_CREATED = "invoice_created"
    CUSTOMER_CREATED = "customer_created"
    CREDIT_NOTE_CREATED = "credit_note_created"
    PAYMENT_REGISTERED = "payment_registered"
    EMAIL_RECEIVED = "email_received"
    EMAIL_SENT = "email_sent"
    EMAIL_BOUNCED = "email_bounced"
    SMS_UNDELIVERED = "sms_undelivered"

    @property
    def level(self) -> Level:
        return TRIGGER_LEVELS[self]

    @property
    def is_continuous(self) -> bool:
        return self in CONTINUOUS


CONTINUOUS = frozenset(
    {
        TriggerType.CUSTOMER_FOLLOW_UP,
        TriggerType.CUSTOMER_GROUP_FOLLOW_UP,
        TriggerType.CONTACT_FOLLOW_UP,
        TriggerType.INVOICE_FOLLOW_UP,
    }
)

TRIGGER_LEVELS = {
    TriggerType.CUSTOMER_FOLLOW_UP: Level.CUSTOMER,
    TriggerType.CUSTOMER_GROUP_FOLLOW_UP: Level.CUSTOMER_GROUP,
    TriggerType.CONTACT_FOLLOW_UP: Level.CONTACT,
    TriggerType.INVOICE_FOLLOW_UP: Level.INVOICE,
    TriggerType.INVOICE_CREATED: Level.INVOICE,
    TriggerType.CUSTOMER_CREATED: Level.CUSTOMER,
    TriggerType.CREDIT_NOTE_CREATED: Level.CREDIT_NOTE,
    TriggerType.PAYMENT_REGISTERED: Level.PAYMENT,
    TriggerType.EMAIL_RECEIVED: Level.EMAIL,
    TriggerType.EMAIL_SENT: Level.EMAIL,
    TriggerType.EMAIL_BOUNCED: Level.EMAIL,
    TriggerType.SMS_UNDELIVERED: Level.EMAIL,
}

# The objects a record of each level carries itself; filters on any other object ask "does any … match?".
NATIVE_OBJECTS: dict[Level, frozenset[RecordObject]] = {
    Level.CUSTOMER: frozenset({RecordObject.CUSTOMER}),
    Level.CUSTOMER_GROUP: frozenset({RecordObject.CUSTOMER}),
    Level.CONTACT: frozenset({RecordObject.CUSTOMER, RecordObject.CONTACT}),
    Level.INVOICE: frozenset({RecordObject.CUSTOMER, RecordObject.INVOICE}),
    Level.CREDIT_NOTE: frozenset({RecordObject.CUSTOMER, RecordObject.CREDIT_NOTE}),
    Level.PAYMENT: frozenset({RecordObject.CUSTOMER, RecordObject.PAYMENT}),
    Level.EMAIL: frozenset({RecordObject.CUSTOMER, RecordObject.EMAIL}),
}
