"""A per-customer contact-frequency cap across every workflow, checked at send time.

Counts the automated messages already sent to the customer (any workflow) in the customer's local calendar day and
in the last 7 local days (today and the 6 before). A message over the cap is deferred to the start of the first
local day on which it fits both limits; it is rescheduled, never dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.domain.calendar.slots import at_local, local_date
from shared.domain.ledger.models import Channel, Communication, CommunicationStatus, Direction

_WEEK_DAYS = 7
_DAY = timedelta(days=1)
_COUNTED = frozenset({CommunicationStatus.SENT, CommunicationStatus.DELIVERED})


class FrequencyCap(BaseModel):
    """At most ``per_day`` automated messages in a local day and ``per_week`` in 7 local days, on ``channels``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    per_day: int | None = Field(default=None, ge=1, description="None: no daily limit")
    per_week: int | None = Field(default=None, ge=1, description="None: no weekly limit (rolling 7 local days)")
    channels: frozenset[Channel] = Field(default=frozenset({Channel.EMAIL, Channel.SMS}), min_length=1)

    @model_validator(mode="after")
    def _message_channels(self) -> FrequencyCap:
        if not self.channels <= {Channel.EMAIL, Channel.SMS, Channel.LETTER, Channel.CALL}:
            raise ValueError("a contact-frequency cap counts messages: email, sms, letter or call")
        return self


class CapVerdict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    allowed: bool
    defer_until: AwareDatetime | None = Field(default=None, description="local midnight of the first day it fits")
    reason: str


def _counts(communication: Communication, cap: FrequencyCap, now: datetime) -> bool:
    return (
        communication.automated
        and communication.direction is Direction.SENT
        and communication.status in _COUNTED
        and communication.channel in cap.channels
        and communication.at <= now
    )


def check_cap(cap: FrequencyCap, communications: Iterable[Communication], now: datetime, timezone: str) -> CapVerdict:
    """Return whether one more automated message may go to the customer now, and if not, from when.

    Parameters
    ----------
    cap : FrequencyCap
        The tenant's limits.
    communications : Iterable[Communication]
        The customer's timeline, from every workflow. Only automated messages sent on the cap's channels with
        status sent or delivered, dated no later than ``now``, count; manual messages a person sent do not.
    now : datetime
        The send time (aware).
    timezone : str
        IANA zone whose calendar days the cap counts in (the customer's, or the tenant's).

    Returns
    -------
    CapVerdict
        ``allowed``; otherwise ``defer_until`` (the local midnight starting the first day within both limits,
        at most 7 days ahead) and the reason.
    """
    today = local_date(now, timezone)
    per_day = Counter(local_date(c.at, timezone) for c in communications if _counts(c, cap, now))
    over = _over(cap, per_day, today)
    if over is None:
        return CapVerdict(allowed=True, reason="within the contact-frequency cap")
    # Later days hold no message yet, so the 7th day ahead always fits: its week starts after today.
    later = (today + n * _DAY for n in range(1, _WEEK_DAYS + 1))
    day = next(d for d in later if _over(cap, per_day, d) is None)
    return CapVerdict(allowed=False, defer_until=at_local(day, time(0), timezone), reason=f"{over}; deferred to {day}")


def _over(cap: FrequencyCap, per_day: Counter[date], day: date) -> str | None:
    """Why one more message on ``day`` would break the cap, or None when it fits."""
    on_day = per_day[day]
    if cap.per_day is not None and on_day >= cap.per_day:
        return f"{on_day} automated message(s) already sent on {day} (cap {cap.per_day} a day)"
    in_week = sum(per_day[day - n * _DAY] for n in range(_WEEK_DAYS))
    if cap.per_week is not None and in_week >= cap.per_week:
        return f"{in_week} automated message(s) sent in the 7 days to {day} (cap {cap.per_week} a week)"
    return None
