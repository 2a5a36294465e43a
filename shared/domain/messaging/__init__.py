"""Pure messaging rules: who receives a message, when a failed send is retried, the contact-frequency cap,
phone numbers and SMS segments, and the opt-out registry. No I/O; every instant is passed in."""

from shared.domain.messaging.consent import (
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    ConsentState,
    interpret_inbound_sms,
    may_send,
    record_choice,
)
from shared.domain.messaging.frequency import CapVerdict, FrequencyCap, check_cap
from shared.domain.messaging.phone import InvalidPhone, normalise_phone, sms_segments
from shared.domain.messaging.recipients import BlockedAddress, Person, RecipientResolution, resolve_recipients
from shared.domain.messaging.retry import FailureKind, RetryDecision, next_attempt

__all__ = [
    "OPT_IN_KEYWORDS",
    "OPT_OUT_KEYWORDS",
    "BlockedAddress",
    "CapVerdict",
    "ConsentState",
    "FailureKind",
    "FrequencyCap",
    "InvalidPhone",
    "Person",
    "RecipientResolution",
    "RetryDecision",
    "check_cap",
    "interpret_inbound_sms",
    "may_send",
    "next_attempt",
    "normalise_phone",
    "record_choice",
    "resolve_recipients",
    "sms_segments",
]
