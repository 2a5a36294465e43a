"""Retrying failed sends: Kolleno's timed and ASAP policies, permanent failures, deterministic throttling."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from shared.domain.calendar import RunHours, SendRules, is_allowed_now, next_allowed_instant
from shared.domain.messaging.retry import (
    MAX_ASAP_ATTEMPTS,
    MAX_TIMED_ATTEMPTS,
    FailureKind,
    RetryDecision,
    next_attempt,
)

LONDON = ZoneInfo("Europe/London")
OFFICE = RunHours(start=time(8), end=time(18))
GB = SendRules(timezone="Europe/London", run_hours=OFFICE, holiday_country="GB")
ENGLAND = SendRules(timezone="Europe/London", run_hours=OFFICE, holiday_country="GB", holiday_subdivision="ENG")
WEEKENDS = SendRules(timezone="Europe/London", run_hours=OFFICE, holiday_country="GB", allow_weekends=True)


def _london(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, second, tzinfo=LONDON)


def _fail(failure: FailureKind = FailureKind.TRANSIENT, **fields: Any) -> RetryDecision:
    arguments: dict[str, Any] = {
        "mode": "at_time",
        "attempt": 0,
        "rules": GB,
        "action_key": "act_0123",
        "workflow_name": "Dunning",
    } | fields
    arguments.setdefault("failed_at", arguments["original_slot"])
    return next_attempt(failure, **arguments)


def _schedule(slot: datetime, rules: SendRules, mode: str = "at_time") -> list[str]:
    """Every retry of a send that fails the instant it is tried, as local 'Day HH:MM' labels, up to giving up."""
    labels, at, attempt = [], slot, 0
    while True:
        decision = _fail(mode=mode, attempt=attempt, original_slot=slot, failed_at=at, rules=rules)
        if decision.give_up:
            return [*labels, f"give up after attempt {attempt}"]
        assert decision.retry_at is not None
        at, attempt = decision.retry_at, decision.attempt
        labels.append(at.astimezone(LONDON).strftime("%a %d %b %H:%M"))


TIMED = [
    pytest.param(
        _london(3, 14, 16, 30),
        GB,
        [
            "Fri 14 Mar 17:00",
            "Fri 14 Mar 17:30",
            "Fri 14 Mar 18:00",
            "Mon 17 Mar 16:30",
            "Mon 17 Mar 17:00",
            "Mon 17 Mar 17:30",
            "Mon 17 Mar 18:00",
            "Tue 18 Mar 16:30",
            "Tue 18 Mar 17:00",
            "give up after attempt 9",
        ],
        id="friday-afternoon-before-weekend",
    ),
    pytest.param(
        _london(3, 14, 17, 30),
        GB,
        [
            "Fri 14 Mar 18:00",
            "Mon 17 Mar 17:30",
            "Mon 17 Mar 18:00",
            "Tue 18 Mar 17:30",
            "Tue 18 Mar 18:00",
            "give up after attempt 9",
        ],
        id="window-closes-the-day-early",
    ),
    pytest.param(
        _london(5, 23, 15),
        GB,
        ["Fri 23 May 15:30", "Fri 23 May 16:00", "Fri 23 May 16:30", "Tue 27 May 15:00"],
        id="friday-before-spring-bank-holiday",
    ),
    pytest.param(
        _london(8, 22, 9),
        ENGLAND,
        ["Fri 22 Aug 09:30", "Fri 22 Aug 10:00", "Fri 22 Aug 10:30", "Tue 26 Aug 09:00"],
        id="friday-before-english-summer-bank-holiday",
    ),
    pytest.param(
        _london(8, 22, 9),
        GB,
        ["Fri 22 Aug 09:30", "Fri 22 Aug 10:00", "Fri 22 Aug 10:30", "Mon 25 Aug 09:00"],
        id="summer-bank-holiday-is-not-uk-wide",
    ),
    pytest.param(
        _london(3, 14, 16, 30),
        WEEKENDS,
        ["Fri 14 Mar 17:00", "Fri 14 Mar 17:30", "Fri 14 Mar 18:00", "Sat 15 Mar 16:30"],
        id="weekends-allowed",
    ),
    pytest.param(
        _london(3, 28, 9),
        GB,
        ["Fri 28 Mar 09:30", "Fri 28 Mar 10:00", "Fri 28 Mar 10:30", "Mon 31 Mar 09:00"],
        id="local-time-kept-across-dst",
    ),
]


@pytest.mark.parametrize(("slot", "rules", "expected"), TIMED)
def test_timed_send_retries_three_times_then_next_allowed_day(
    slot: datetime, rules: SendRules, expected: list[str]
) -> None:
    # GIVEN a timed send that fails every time it is tried
    # WHEN each failure asks for the next attempt
    schedule = _schedule(slot, rules)
    # THEN it retries 30 minutes apart the same day, then on the next allowed day at the original local time
    assert schedule[: len(expected)] == expected


def test_next_day_retry_keeps_the_wall_clock_time_across_dst() -> None:
    # GIVEN a 09:00 GMT send failing for good on the Friday before the clocks go forward
    slot = _london(3, 28, 9)
    # WHEN its same-day retries are spent
    decision = _fail(attempt=3, original_slot=slot, failed_at=_london(3, 28, 10, 30))
    # THEN Monday's attempt is at 09:00 BST, an hour earlier in UTC
    assert decision.retry_at == datetime(2025, 3, 31, 8, tzinfo=UTC)
    assert decision.attempt == 4


ASAP = [
    pytest.param(_london(3, 12, 10), ["Wed 12 Mar 10:30", "Wed 12 Mar 11:00", "Wed 12 Mar 11:30"], id="inside-window"),
    pytest.param(_london(3, 14, 17, 45), ["Mon 17 Mar 08:00", "Mon 17 Mar 08:30"], id="after-hours-friday"),
    pytest.param(_london(5, 23, 17, 30), ["Fri 23 May 18:00", "Tue 27 May 08:00"], id="before-bank-holiday"),
    pytest.param(_london(3, 12, 22, 10), ["Thu 13 Mar 08:00", "Thu 13 Mar 08:30"], id="failed-at-night"),
]


@pytest.mark.parametrize(("slot", "expected"), ASAP)
def test_asap_send_retries_every_30_minutes_inside_the_window(slot: datetime, expected: list[str]) -> None:
    # GIVEN an as-soon-as-possible send that keeps failing
    # WHEN each failure asks for the next attempt
    schedule = _schedule(slot, GB, mode="asap")
    # THEN it is retried 30 minutes later, or when the run hours next open
    assert schedule[: len(expected)] == expected


CAPS = [
    pytest.param("at_time", MAX_TIMED_ATTEMPTS - 2, False, id="timed-ninth-failure-retries"),
    pytest.param("at_time", MAX_TIMED_ATTEMPTS - 1, True, id="timed-tenth-failure-gives-up"),
    pytest.param("asap", MAX_ASAP_ATTEMPTS - 2, False, id="asap-47th-failure-retries"),
    pytest.param("asap", MAX_ASAP_ATTEMPTS - 1, True, id="asap-48th-failure-gives-up"),
]


@pytest.mark.parametrize(("mode", "attempt", "gives_up"), CAPS)
def test_retries_stop_at_the_cap(mode: str, attempt: int, gives_up: bool) -> None:
    # GIVEN attempt number ``attempt`` of a send failing on a Wednesday morning
    # WHEN it fails
    decision = _fail(mode=mode, attempt=attempt, original_slot=_london(3, 12, 9))
    # THEN it is retried until the cap, then given up as a failure with a task and a note
    assert decision.give_up is gives_up
    assert (decision.retry_at is None) is gives_up
    assert decision.attempt == attempt + 1
    assert decision.counts_as_failure
    if gives_up:
        assert decision.task_title == "EMAIL in the workflow 'Dunning' could not be sent."
        assert decision.timeline_note == (
            "EMAIL in the workflow 'Dunning' could not be sent. Every retry failed; the provider kept failing."
        )


PERMANENT = [
    pytest.param(
        "email",
        "EMAIL in the workflow 'Dunning' could not be sent.",
        "EMAIL in the workflow 'Dunning' could not be sent. Likely due to a missing or invalid email address.",
        id="email",
    ),
    pytest.param(
        "sms",
        "SMS in the workflow 'Dunning' could not be sent.",
        "SMS in the workflow 'Dunning' could not be sent. Likely due to a missing or invalid phone number.",
        id="sms",
    ),
]


@pytest.mark.parametrize("mode", ["at_time", "asap"])
@pytest.mark.parametrize(("channel", "task", "note"), PERMANENT)
def test_permanent_failure_is_never_retried(channel: str, task: str, note: str, mode: str) -> None:
    # GIVEN a send rejected for an invalid address on its first attempt
    # WHEN the failure is classified permanent
    decision = _fail(FailureKind.PERMANENT, mode=mode, channel=channel, original_slot=_london(3, 12, 9))
    # THEN it is given up at once with Kolleno's task and timeline note
    assert decision.give_up
    assert decision.retry_at is None
    assert decision.counts_as_failure
    assert (decision.task_title, decision.timeline_note) == (task, note)


@pytest.mark.parametrize(
    ("throttles", "low", "high"),
    [
        pytest.param(0, 0.5, 1, id="first"),
        pytest.param(1, 1, 2, id="second"),
        pytest.param(5, 16, 32, id="sixth"),
        pytest.param(8, 128, 256, id="ninth"),
        pytest.param(9, 150, 300, id="capped"),
        pytest.param(40, 150, 300, id="long-capped"),
        pytest.param(10_000, 150, 300, id="no-overflow"),
    ],
)
def test_throttling_backs_off_exponentially_with_jitter(throttles: int, low: float, high: float) -> None:
    # GIVEN an ASAP send throttled ``throttles`` times already, mid-morning
    failed_at = _london(3, 12, 10)
    # WHEN it is throttled again
    decision = _fail(FailureKind.THROTTLED, mode="asap", attempt=2, throttles=throttles, original_slot=failed_at)
    # THEN the delay lies between half and all of 1 s · 2^n (at most 5 min), and it is no failure
    assert decision.retry_at is not None
    assert low <= (decision.retry_at - failed_at).total_seconds() <= high
    assert decision.attempt == 2
    assert decision.throttles == throttles + 1
    assert not decision.counts_as_failure
    assert not decision.give_up


def test_throttling_jitter_is_deterministic_per_action() -> None:
    # GIVEN the same throttled send replayed, and other sends throttled at the same instant
    slot = _london(3, 12, 10)
    # WHEN each asks for its next attempt
    replays = {_fail(FailureKind.THROTTLED, throttles=6, original_slot=slot).retry_at for _ in range(3)}
    others = {
        _fail(FailureKind.THROTTLED, throttles=6, original_slot=slot, action_key=f"act_{n}").retry_at for n in range(8)
    }
    # THEN a replay schedules the very same instant, while different sends spread out
    assert len(replays) == 1
    assert len(others) == 8


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        pytest.param("at_time", _london(3, 17, 17, 59, 50), id="timed-to-next-day-slot"),
        pytest.param("asap", _london(3, 17, 8), id="asap-to-window-opening"),
    ],
)
def test_throttling_at_closing_time_waits_for_the_window(mode: str, expected: datetime) -> None:
    # GIVEN a Friday send throttled ten seconds before the run hours close, with a long backoff
    slot = _london(3, 14, 17, 59, 50)
    # WHEN it asks for the next attempt
    decision = _fail(FailureKind.THROTTLED, mode=mode, throttles=8, original_slot=slot)
    # THEN the retry waits for Monday: the original time for a timed send, the opening for an ASAP one
    assert decision.retry_at == expected
    assert decision.attempt == 0


def test_negative_attempt_is_refused() -> None:
    # GIVEN a corrupted attempt counter
    # WHEN the next attempt is asked for
    # THEN it is refused rather than guessed
    with pytest.raises(ValueError, match="count from 0"):
        _fail(attempt=-1, original_slot=_london(3, 12, 9))


ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Auckland"]
HALF_HOURS = [time(h, m) for h in range(24) for m in (0, 30)]


@st.composite
def send_rules(draw: st.DrawFn) -> SendRules:
    run_hours = None
    if draw(st.booleans()):
        start, end = draw(st.sampled_from(HALF_HOURS)), draw(st.sampled_from(HALF_HOURS))
        assume((end.hour * 60 + end.minute - start.hour * 60 - start.minute) % 1440 >= 60)
        run_hours = RunHours(start=start, end=end)
    return SendRules(
        timezone=draw(st.sampled_from(ZONES)),
        run_hours=run_hours,
        allow_weekends=draw(st.booleans()),
        holiday_country=draw(st.sampled_from([None, "GB", "US"])),
    )


@given(
    rules=send_rules(),
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)),
    mode=st.sampled_from(["at_time", "asap"]),
    failures=st.lists(
        st.tuples(st.sampled_from([FailureKind.TRANSIENT, FailureKind.THROTTLED]), st.integers(0, 1800)),
        min_size=1,
        max_size=30,
    ),
)
def test_retries_stay_in_the_window_and_strictly_increase(
    rules: SendRules, start: datetime, mode: str, failures: list[tuple[FailureKind, int]]
) -> None:
    # GIVEN a send due at an allowed instant, failing again and again after a few seconds to half an hour
    slot = next_allowed_instant(start, rules)
    at, attempt, throttles, previous = slot, 0, 0, slot
    for failure, seconds in failures:
        failed_at = at + timedelta(seconds=seconds)
        # WHEN each failure asks for the next attempt
        decision = next_attempt(
            failure,
            mode=mode,  # type: ignore[arg-type]
            attempt=attempt,
            original_slot=slot,
            failed_at=failed_at,
            rules=rules,
            action_key="act_property",
            workflow_name="Dunning",
            throttles=throttles,
        )
        if decision.give_up:
            assert decision.attempt >= attempt + 1
            break
        # THEN the retry is allowed, later than the failure and than every earlier retry
        assert decision.retry_at is not None
        assert is_allowed_now(decision.retry_at, rules)
        assert decision.retry_at > failed_at
        assert decision.retry_at > previous
        if failure is FailureKind.THROTTLED:
            assert (decision.attempt, decision.counts_as_failure) == (attempt, False)
        else:
            assert decision.attempt > attempt
        assert decision.attempt <= (MAX_ASAP_ATTEMPTS if mode == "asap" else MAX_TIMED_ATTEMPTS)
        at = previous = decision.retry_at
        attempt, throttles = decision.attempt, decision.throttles
