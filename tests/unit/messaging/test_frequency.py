"""The per-customer contact-frequency cap: local days, rolling weeks, what counts, and deferral."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.domain.calendar import at_local, local_date
from shared.domain.ledger.models import Channel, Communication, CommunicationStatus, Direction
from shared.domain.messaging.frequency import FrequencyCap, check_cap

from .support import sent

LONDON = "Europe/London"
ONE_A_DAY_THREE_A_WEEK = FrequencyCap(per_day=1, per_week=3)


def _local(zone: str, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


WED = date(2025, 3, 12)


def _days(*offsets: int) -> list[Communication]:
    """Automated emails at 10:00 London time on Wednesday 12 March + each offset (in days)."""
    return [sent(_local(LONDON, WED + timedelta(days=n), 10), number=i) for i, n in enumerate(offsets)]


CAP_CASES = [
    pytest.param(ONE_A_DAY_THREE_A_WEEK, [], None, id="nothing-sent"),
    pytest.param(ONE_A_DAY_THREE_A_WEEK, _days(0), date(2025, 3, 13), id="daily-cap-reached"),
    pytest.param(ONE_A_DAY_THREE_A_WEEK, _days(-1), None, id="yesterday-is-another-day"),
    pytest.param(ONE_A_DAY_THREE_A_WEEK, _days(-6, -3, -1), date(2025, 3, 13), id="week-full-until-oldest-leaves"),
    pytest.param(ONE_A_DAY_THREE_A_WEEK, _days(-7, -3, -1), None, id="eight-days-ago-left-the-week"),
    pytest.param(FrequencyCap(per_day=2, per_week=3), _days(-2, -1, 0), date(2025, 3, 17), id="week-full-recently"),
    pytest.param(FrequencyCap(per_day=2, per_week=3), _days(-1, 0), None, id="second-today-allowed"),
    pytest.param(FrequencyCap(per_day=2), _days(0, 0), date(2025, 3, 13), id="daily-only"),
    pytest.param(FrequencyCap(per_week=2), _days(-6, 0), date(2025, 3, 13), id="weekly-only"),
    pytest.param(FrequencyCap(), _days(-1, 0, 0, 0), None, id="no-limits"),
    pytest.param(
        ONE_A_DAY_THREE_A_WEEK,
        [
            sent(_local(LONDON, WED, 9), automated=False),
            sent(_local(LONDON, WED, 9), direction=Direction.RECEIVED, status=CommunicationStatus.RECEIVED),
            sent(_local(LONDON, WED, 9), status=CommunicationStatus.FAILED),
            sent(_local(LONDON, WED, 9), status=CommunicationStatus.BLOCKED),
            sent(_local(LONDON, WED, 9), status=CommunicationStatus.SCHEDULED),
            sent(_local(LONDON, WED, 9), channel=Channel.TASK),
            sent(_local(LONDON, WED, 9), channel=Channel.NOTE),
            sent(_local(LONDON, WED, 13)),  # after "now": not sent yet
        ],
        None,
        id="only-automated-sent-messages-count",
    ),
    pytest.param(
        ONE_A_DAY_THREE_A_WEEK,
        [sent(_local(LONDON, WED, 8), channel=Channel.SMS, status=CommunicationStatus.DELIVERED)],
        date(2025, 3, 13),
        id="delivered-sms-counts",
    ),
    pytest.param(
        FrequencyCap(per_day=1, channels=frozenset({Channel.EMAIL})),
        [sent(_local(LONDON, WED, 8), channel=Channel.SMS)],
        None,
        id="email-only-cap-ignores-sms",
    ),
]


@pytest.mark.parametrize(("cap", "communications", "deferred_to"), CAP_CASES)
def test_cap_counts_automated_messages_per_local_day_and_week(
    cap: FrequencyCap, communications: list[Communication], deferred_to: date | None
) -> None:
    # GIVEN the customer's timeline and the tenant's cap, at noon on a Wednesday in London
    now = _local(LONDON, WED, 12)
    # WHEN one more automated message is about to go
    verdict = check_cap(cap, communications, now, LONDON)
    # THEN it goes, or it is deferred to the local midnight of the first day within both limits
    assert verdict.allowed is (deferred_to is None)
    expected = None if deferred_to is None else _local(LONDON, deferred_to, 0)
    assert verdict.defer_until == expected
    assert verdict.reason


EDGES = [
    pytest.param(
        "Pacific/Auckland",
        datetime(2025, 6, 10, 11, 30, tzinfo=UTC),  # 23:30 on 10 June in Auckland
        datetime(2025, 6, 10, 12, 30, tzinfo=UTC),  # 00:30 on 11 June in Auckland
        None,
        id="auckland-midnight-splits-a-utc-day",
    ),
    pytest.param(
        "UTC",
        datetime(2025, 6, 10, 11, 30, tzinfo=UTC),
        datetime(2025, 6, 10, 12, 30, tzinfo=UTC),
        datetime(2025, 6, 11, tzinfo=UTC),
        id="same-utc-day",
    ),
    pytest.param(
        "America/New_York",
        datetime(2025, 6, 10, 3, 0, tzinfo=UTC),  # 23:00 on 9 June in New York
        datetime(2025, 6, 10, 14, 0, tzinfo=UTC),  # 10:00 on 10 June in New York
        None,
        id="new-york-evening-is-yesterday",
    ),
    pytest.param(
        "America/New_York",
        datetime(2025, 6, 10, 5, 0, tzinfo=UTC),  # 01:00 on 10 June in New York
        datetime(2025, 6, 11, 3, 0, tzinfo=UTC),  # 23:00 on 10 June in New York
        datetime(2025, 6, 11, 4, 0, tzinfo=UTC),  # midnight EDT
        id="new-york-same-local-day-across-utc-days",
    ),
    pytest.param(
        LONDON,
        datetime(2025, 3, 30, 0, 30, tzinfo=UTC),  # 00:30 GMT, before the clocks go forward
        datetime(2025, 3, 30, 22, 30, tzinfo=UTC),  # 23:30 BST the same local day
        datetime(2025, 3, 30, 23, 0, tzinfo=UTC),  # midnight BST
        id="london-spring-forward-day",
    ),
    pytest.param(
        LONDON,
        datetime(2025, 10, 26, 0, 30, tzinfo=UTC),  # 01:30 BST, the first of two 01:30s
        datetime(2025, 10, 26, 23, 30, tzinfo=UTC),  # 23:30 GMT the same local day (25 hours long)
        datetime(2025, 10, 27, 0, 0, tzinfo=UTC),
        id="london-fall-back-day",
    ),
]


@pytest.mark.parametrize(("zone", "previous", "now", "defer_until"), EDGES)
def test_local_days_follow_the_given_timezone(
    zone: str, previous: datetime, now: datetime, defer_until: datetime | None
) -> None:
    # GIVEN one automated email already sent and a cap of one a day
    # WHEN another is about to go, with the days counted in ``zone``
    verdict = check_cap(FrequencyCap(per_day=1), [sent(previous)], now, zone)
    # THEN local midnight, not UTC midnight, separates the days
    assert verdict.allowed is (defer_until is None)
    assert verdict.defer_until == defer_until


def test_a_cap_needs_positive_limits_and_message_channels() -> None:
    # GIVEN caps of zero messages or on tasks
    # WHEN they are built
    # THEN they are refused: a zero cap would defer forever, and tasks are not contact
    with pytest.raises(ValidationError):
        FrequencyCap(per_day=0)
    with pytest.raises(ValidationError):
        FrequencyCap(per_day=1, channels=frozenset({Channel.TASK}))
    with pytest.raises(ValidationError):
        FrequencyCap(per_day=1, channels=frozenset())


ZONES = ["Europe/London", "America/New_York", "Pacific/Auckland", "Australia/Lord_Howe", "Asia/Kolkata"]


@given(
    zone=st.sampled_from(ZONES),
    per_day=st.integers(1, 3),
    per_week=st.one_of(st.none(), st.integers(1, 8)),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1), timezones=st.just(UTC)),
    gaps=st.lists(st.integers(1, 36 * 60), min_size=1, max_size=60),
)
def test_cap_never_lets_through_more_than_allowed(
    zone: str, per_day: int, per_week: int | None, start: datetime, gaps: list[int]
) -> None:
    # GIVEN a cap and messages wanting to go at arbitrary moments over weeks
    cap = FrequencyCap(per_day=per_day, per_week=per_week)
    timeline: list[Communication] = []
    now = start
    for number, minutes in enumerate(gaps):
        now += timedelta(minutes=minutes)
        # WHEN each one is checked at send time, and sent when allowed
        verdict = check_cap(cap, timeline, now, zone)
        if verdict.allowed:
            timeline.append(sent(now, number=number))
            continue
        # THEN a deferred message fits at its new time, which is a later local midnight
        assert verdict.defer_until is not None
        assert verdict.defer_until > now
        assert verdict.defer_until == at_local(local_date(verdict.defer_until, zone), time(0), zone)
        assert check_cap(cap, timeline, verdict.defer_until, zone).allowed
    # THEN no local day holds more than per_day messages, and no 7 local days more than per_week
    per_local_day = Counter(local_date(c.at, zone) for c in timeline)
    assert max(per_local_day.values(), default=0) <= per_day
    if per_week is not None:
        for day in per_local_day:
            assert sum(per_local_day[day - timedelta(days=n)] for n in range(7)) <= per_week
