"""When a failed send is tried again (Kolleno's documented policy), and when it is given up.

Attempts are numbered from 0 (the original send). A timed send ("specific time") retries up to 3 more times 30
minutes apart the same local day while the run hours allow, then on the next allowed day at the original local
time: numbers 0-3 belong to the first day, 4-7 to the second, 8-9 to the third, and a day cut short by the window
forfeits its remaining numbers. It is given up instead of attempt 10 (so after three allowed days at most). An ASAP
send retries every 30 minutes (inside the window) until it goes, 48 attempts at most, then is given up. A permanent
failure is never retried. Throttling is retried within seconds to minutes and is no failure: the number stays.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.domain.calendar.slots import SendRules, at_local, is_allowed_now, local_date, next_allowed_instant

SendMode = Literal["asap", "at_time"]
RETRY_INTERVAL = timedelta(minutes=30)
ATTEMPTS_PER_DAY = 4  # the timed send and its 3 same-day retries
MAX_TIMED_ATTEMPTS = 10
MAX_ASAP_ATTEMPTS = 48
THROTTLE_BASE = timedelta(seconds=1)
THROTTLE_CAP = timedelta(minutes=5)
_INVALID = {"email": "email address", "sms": "phone number"}


class FailureKind(StrEnum):
    THROTTLED = "throttled"  # the provider asked us to slow down (SES Throttling, TooManyRequests)
    TRANSIENT = "transient"  # the provider failed or was unreachable: try again later
    PERMANENT = "permanent"  # invalid address, message rejected: trying again cannot help


class RetryDecision(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    give_up: bool
    retry_at: AwareDatetime | None = None
    attempt: int = Field(
        ge=0,
        description="the next attempt's number (store it on the run); when giving up, the "
        "number that attempt would have had",
    )
    throttles: int = Field(default=0, ge=0, description="consecutive throttles of this attempt")
    counts_as_failure: bool = Field(description="False for throttling: never a customer-facing failure")
    reason: str
    task_title: str | None = None
    timeline_note: str | None = None


def next_attempt(
    failure: FailureKind,
    *,
    mode: SendMode,
    attempt: int,
    original_slot: datetime,
    failed_at: datetime,
    rules: SendRules,
    action_key: str,
    workflow_name: str,
    channel: Literal["email", "sms"] = "email",
    throttles: int = 0,
) -> RetryDecision:
    """Return when to try a failed send again, or that it is given up (with the task and timeline note).

    Parameters
    ----------
    failure : FailureKind
        How the attempt failed.
    mode : SendMode
        The node's send mode: ``"at_time"`` (a specific local time) or ``"asap"``.
    attempt : int
        The number of the attempt that failed (0 for the original send; the run's ``attempt``).
    original_slot : datetime
        When the original send was due; its local time is the time of the next days' attempts.
    failed_at : datetime
        When this attempt failed (aware). Every retry is strictly later and allowed by ``rules``.
    rules : SendRules
        The window, weekends and holidays of the node.
    action_key : str
        The send's deterministic id: it seeds the throttling jitter, so a replay gives the same instant.
    workflow_name : str
        Named in the task and the timeline note when the send is given up.
    channel : {"email", "sms"}
        The message's channel, named in the task.
    throttles : int
        How many times in a row this attempt was throttled already.

    Returns
    -------
    RetryDecision
        ``retry_at`` and the number the next attempt carries, or ``give_up`` with ``task_title`` and
        ``timeline_note``.
    """
    if attempt < 0 or throttles < 0:
        raise ValueError("attempt and throttles count from 0")
    if failure is FailureKind.THROTTLED:
        return _throttled(mode, attempt, throttles, original_slot, failed_at, rules, action_key)
    label = channel.upper()
    task = f"{label} in the workflow '{workflow_name}' could not be sent."
    if failure is FailureKind.PERMANENT:
        note = f"{task} Likely due to a missing or invalid {_INVALID[channel]}."
        return _give_up(attempt + 1, "permanent failure: not retried", task, note)
    following = attempt + 1
    if mode == "asap":
        if following >= MAX_ASAP_ATTEMPTS:
            return _exhausted(attempt, following, task)
        retry_at = next_allowed_instant(failed_at + RETRY_INTERVAL, rules)
        return _retry(retry_at, following, "retrying as soon as possible, 30 minutes later inside the window")
    if following < MAX_TIMED_ATTEMPTS and following % ATTEMPTS_PER_DAY:
        later = failed_at + RETRY_INTERVAL
        same_day = local_date(later, rules.timezone) == local_date(failed_at, rules.timezone)
        if same_day and is_allowed_now(later, rules):
            return _retry(later, following, "retrying 30 minutes later the same day")
        # The day or its window is over: the day's remaining retries are forfeited, the next day starts afresh.
        following += ATTEMPTS_PER_DAY - following % ATTEMPTS_PER_DAY
    if following >= MAX_TIMED_ATTEMPTS:
        return _exhausted(attempt, following, task)
    retry_at = _next_day_slot(original_slot, failed_at, rules)
    return _retry(retry_at, following, "retrying on the next allowed day at the original send time")


def _next_day_slot(original_slot: datetime, failed_at: datetime, rules: SendRules) -> datetime:
    """The original local send time on the first allowed day after the failure's local day."""
    tomorrow = local_date(failed_at, rules.timezone) + timedelta(days=1)
    send_time = original_slot.astimezone(ZoneInfo(rules.timezone)).time().replace(microsecond=0)
    # A slot shifted by a DST gap may lie outside the run hours: then the window's opening is the closest.
    fits = rules.run_hours is None or rules.run_hours.contains(send_time)
    return next_allowed_instant(at_local(tomorrow, time(0), rules.timezone), rules, at_time=send_time if fits else None)


def _throttled(
    mode: SendMode,
    attempt: int,
    throttles: int,
    original_slot: datetime,
    failed_at: datetime,
    rules: SendRules,
    action_key: str,
) -> RetryDecision:
    """Backoff of 1 s · 2^n capped at 5 min, with 'equal jitter' (half fixed, half random), the random half drawn
    from a hash of the action key and the throttle count so that replaying the same step schedules the same
    instant. A retry the window no longer allows waits for it (a timed send: the next day's slot)."""
    ceiling = min(THROTTLE_BASE * 2 ** min(throttles, 20), THROTTLE_CAP)  # 2^20 s is past the cap: no overflow
    digest = hashlib.sha256(f"{action_key}|{throttles}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    candidate = failed_at + ceiling / 2 + ceiling / 2 * fraction
    if not is_allowed_now(candidate, rules):
        candidate = (
            _next_day_slot(original_slot, failed_at, rules)
            if mode == "at_time"
            else next_allowed_instant(candidate, rules)
        )
    return RetryDecision(
        give_up=False,
        retry_at=candidate,
        attempt=attempt,
        throttles=throttles + 1,
        counts_as_failure=False,
        reason=f"throttled by the provider: backing off up to {ceiling.total_seconds():g} s",
    )


def _retry(retry_at: datetime, attempt: int, reason: str) -> RetryDecision:
    return RetryDecision(give_up=False, retry_at=retry_at, attempt=attempt, counts_as_failure=True, reason=reason)


def _exhausted(attempt: int, following: int, task: str) -> RetryDecision:
    note = f"{task} Every retry failed; the provider kept failing."
    return _give_up(following, f"given up: no retry left after attempt {attempt}", task, note)


def _give_up(attempts: int, reason: str, task: str, note: str) -> RetryDecision:
    return RetryDecision(
        give_up=True, attempt=attempts, counts_as_failure=True, reason=reason, task_title=task, timeline_note=note
    )
