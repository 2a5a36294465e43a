"""Tests for the earliest allowed send instant under a tenant's send rules."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.domain.calendar import RunHours, SendRules, at_local, is_allowed_now, local_date, next_allowed_instant

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
ZONES = [LONDON, NEW_YORK, "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago", "Pacific/Auckland", "UTC"]
HALF_HOURS = [time(h, m) for h in range(24) for m in (0, 30)]
_HOLIDAYS: dict[str | None, Any] = {}


def _london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(LONDON))


def _rules(**fields: Any) -> SendRules:
    return SendRules.model_validate(fields)


def _oracle_date_allowed(d: date, rules: SendRules) -> bool:
    """An independent reading of the rules, using the holidays library directly."""
    if not rules.allow_weekends and d.weekday() >= 5:
        return False
    if rules.allow_holidays or rules.holiday_country is None:
        return True
    country = _HOLIDAYS.setdefault(rules.holiday_country, holidays.country_holidays(rules.holiday_country))
    return d not in country


def _oracle_allowed(instant: datetime, rules: SendRules) -> bool:
    local = instant.astimezone(ZoneInfo(rules.timezone))
    if not _oracle_date_allowed(local.date(), rules):
        return False
    if rules.run_hours is None:
        return True
    now = local.hour * 3600 + local.minute * 60 + local.second
    start = rules.run_hours.start.hour * 3600 + rules.run_hours.start.minute * 60
    end = rules.run_hours.end.hour * 3600 + rules.run_hours.end.minute * 60
    return start <= now <= end if start < end else (now >= start or now <= end)


def _wall_time_exists(d: date, t: time, zone: str) -> bool:
    wall = datetime.combine(d, t, tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None) == wall.replace(tzinfo=None)


@st.composite
def send_rules(draw: st.DrawFn) -> SendRules:
    run_hours = None
    if draw(st.booleans()):
        start = draw(st.sampled_from(HALF_HOURS))
        end = draw(st.sampled_from(HALF_HOURS))
        assume((end.hour * 60 + end.minute - start.hour * 60 - start.minute) % 1440 >= 60)
        run_hours = RunHours(start=start, end=end)
    return SendRules(
        timezone=draw(st.sampled_from(ZONES)),
        run_hours=run_hours,
        allow_weekends=draw(st.booleans()),
        allow_holidays=draw(st.booleans()),
        holiday_country=draw(st.sampled_from([None, "GB", "US", "NZ"])),
    )


INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=st.sampled_from([UTC, *map(ZoneInfo, ZONES)]),
)


def test_friday_evening_moves_to_monday_morning() -> None:
    # GIVEN London rules with run hours 08:00–18:00 and no weekends
    rules = _rules(timezone=LONDON, run_hours={"start": "08:00", "end": "18:00"}, holiday_country="GB")

    # WHEN asking on Friday 8 May 2026 at 18:30 local time
    result = next_allowed_instant(_london(2026, 5, 8, 18, 30), rules)

    # THEN the answer is Monday 08:00 local, returned in UTC
    assert result == _london(2026, 5, 11, 8)
    assert result.tzinfo is UTC


def test_gb_christmas_and_boxing_day_substitute_are_skipped() -> None:
    # GIVEN London rules with GB holidays and run hours 08:00–18:00
    rules = _rules(timezone=LONDON, run_hours={"start": "08:00", "end": "18:00"}, holiday_country="GB")

    # WHEN asking on Christmas Eve 2026 at 19:00
    result = next_allowed_instant(_london(2026, 12, 24, 19), rules)

    # THEN Friday 25th, the weekend and Monday 28th (Boxing Day substitute) are skipped
    assert result == datetime(2026, 12, 29, 8, tzinfo=UTC)


def test_holidays_allowed_when_configured() -> None:
    # GIVEN the same rules but with holidays and weekends allowed
    rules = _rules(
        timezone=LONDON,
        run_hours={"start": "08:00", "end": "18:00"},
        holiday_country="GB",
        allow_holidays=True,
        allow_weekends=True,
    )

    # WHEN asking on Christmas Eve at 19:00
    result = next_allowed_instant(_london(2026, 12, 24, 19), rules)

    # THEN Christmas Day morning is allowed
    assert result == _london(2026, 12, 25, 8)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (_london(2026, 5, 6, 12), _london(2026, 5, 6, 22)),  # Wednesday noon waits for the evening
        (_london(2026, 5, 7, 3), _london(2026, 5, 7, 3)),  # Thursday 03:00 is inside the window
        (_london(2026, 5, 7, 6, 30), _london(2026, 5, 7, 22)),  # just after the window closed
        (_london(2026, 5, 8, 23), _london(2026, 5, 8, 23)),  # Friday late evening is still Friday
        (_london(2026, 5, 9, 1), _london(2026, 5, 11, 0)),  # Saturday's early hours belong to Saturday
    ],
)
def test_window_crossing_midnight(after: datetime, expected: datetime) -> None:
    # GIVEN a 22:00–06:00 window without weekends
    rules = _rules(timezone=LONDON, run_hours={"start": "22:00", "end": "06:00"})

    # WHEN asking at various times
    result = next_allowed_instant(after, rules)

    # THEN the part after midnight is judged by the date it falls on
    assert result == expected


def test_run_hours_end_is_inclusive() -> None:
    # GIVEN run hours 08:00–18:00 on a weekday
    rules = _rules(timezone=LONDON, run_hours={"start": "08:00", "end": "18:00"})

    # WHEN asking at exactly 18:00:00 and one second later
    # THEN 18:00:00 is allowed, 18:00:01 waits for the next morning
    assert next_allowed_instant(_london(2026, 5, 6, 18), rules) == _london(2026, 5, 6, 18)
    one_second_late = _london(2026, 5, 6, 18) + timedelta(seconds=1)
    assert next_allowed_instant(one_second_late, rules) == _london(2026, 5, 7, 8)


def test_at_time_today_or_next_allowed_day() -> None:
    # GIVEN London rules with run hours and a fixed send time of 09:00
    rules = _rules(timezone=LONDON, run_hours={"start": "08:00", "end": "18:00"})

    # WHEN asking before and after 09:00 on a Friday
    before = next_allowed_instant(_london(2026, 5, 8, 7), rules, at_time=time(9))
    exactly = next_allowed_instant(_london(2026, 5, 8, 9), rules, at_time=time(9))
    after = next_allowed_instant(_london(2026, 5, 8, 9, 1), rules, at_time=time(9))

    # THEN today's 09:00 is used until it has passed, then Monday's
    assert before == _london(2026, 5, 8, 9)
    assert exactly == _london(2026, 5, 8, 9)
    assert after == _london(2026, 5, 11, 9)


def test_at_time_outside_run_hours_is_rejected() -> None:
    # GIVEN run hours 10:00–12:00
    rules = _rules(timezone=LONDON, run_hours={"start": "10:00", "end": "12:00"})

    # WHEN asking for a 09:00 send
    # THEN the error names both the time and the window
    with pytest.raises(ValueError, match=r"^send time 09:00 is outside the run hours 10:00–12:00$"):
        next_allowed_instant(_london(2026, 5, 8, 7), rules, at_time=time(9))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 7), datetime(2026, 3, 7, 7, 30, tzinfo=UTC)),  # 02:30 EST
        (date(2026, 3, 8), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),  # 02:30 does not exist: 03:00 EDT
        (date(2026, 10, 31), datetime(2026, 10, 31, 6, 30, tzinfo=UTC)),  # 02:30 EDT
        (date(2026, 11, 1), datetime(2026, 11, 1, 7, 30, tzinfo=UTC)),  # 02:30 EST, after the fall-back
    ],
)
def test_new_york_dst_with_at_time_0230(day: date, expected: datetime) -> None:
    # GIVEN New York rules allowing every day
    rules = _rules(timezone=NEW_YORK, allow_weekends=True)

    # WHEN asking for a 02:30 send from local midnight
    result = next_allowed_instant(at_local(day, time(0), NEW_YORK), rules, at_time=time(2, 30))

    # THEN the spring-forward gap moves to the first instant after it
    assert result == expected


def test_ambiguous_at_time_takes_first_occurrence_only() -> None:
    # GIVEN New York rules and a 01:30 send on the fall-back day 2026-11-01 (01:30 happens twice)
    rules = _rules(timezone=NEW_YORK, allow_weekends=True)

    # WHEN asking from midnight, and from between the two 01:30s
    first = next_allowed_instant(at_local(date(2026, 11, 1), time(0), NEW_YORK), rules, at_time=time(1, 30))
    between = next_allowed_instant(datetime(2026, 11, 1, 5, 45, tzinfo=UTC), rules, at_time=time(1, 30))

    # THEN the day's slot is the first 01:30 (EDT); once passed, the next day's 01:30 is used
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert between == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)


def test_run_hours_reentered_after_fall_back() -> None:
    # GIVEN a 00:00–01:30 window in New York
    rules = _rules(timezone=NEW_YORK, allow_weekends=True, run_hours={"start": "00:00", "end": "01:30"})

    # WHEN asking at 01:45 EDT on the fall-back day, when clocks are about to return to 01:00
    result = next_allowed_instant(datetime(2026, 11, 1, 5, 45, tzinfo=UTC), rules)

    # THEN the window reopens at the fall-back instant (01:00 EST), not the next day
    assert result == datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def test_run_hours_starting_in_spring_forward_gap() -> None:
    # GIVEN a 02:00–04:00 window in New York
    rules = _rules(timezone=NEW_YORK, allow_weekends=True, run_hours={"start": "02:00", "end": "04:00"})

    # WHEN asking at midnight on the spring-forward day (02:00–03:00 does not exist)
    result = next_allowed_instant(at_local(date(2026, 3, 8), time(0), NEW_YORK), rules)

    # THEN the window opens at 03:00 EDT
    assert result == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)


def test_naive_datetimes_are_rejected() -> None:
    # GIVEN rules and a naive datetime
    rules = _rules(timezone=LONDON)
    naive = datetime(2026, 5, 8, 9)

    # WHEN passing it to any function
    # THEN a ValueError is raised
    with pytest.raises(ValueError, match="after must be a timezone-aware datetime"):
        next_allowed_instant(naive, rules)
    with pytest.raises(ValueError, match="instant must be a timezone-aware datetime"):
        is_allowed_now(naive, rules)
    with pytest.raises(ValueError, match="instant must be a timezone-aware datetime"):
        local_date(naive, LONDON)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown timezone 'Mars/Olympus'"),
        ({"timezone": ""}, "unknown timezone ''"),
        ({"timezone": LONDON, "holiday_country": "XX"}, "unknown holiday country 'XX'"),
        ({"timezone": LONDON, "holiday_subdivision": "ENG"}, "holiday_subdivision needs holiday_country"),
        ({"timezone": LONDON, "weekends": True}, "Extra inputs are not permitted"),
        ({"timezone": LONDON, "run_hours": {"start": "08:00", "end": "08:30"}}, "at least 60 minutes"),
    ],
)
def test_invalid_send_rules_are_rejected(fields: dict[str, Any], message: str) -> None:
    # GIVEN an invalid configuration
    # WHEN validating it
    # THEN the error is precise
    with pytest.raises(ValidationError, match=message):
        SendRules.model_validate(fields)


def test_local_helpers() -> None:
    # GIVEN an instant late in the UTC evening
    instant = datetime(2026, 5, 8, 23, 30, tzinfo=UTC)

    # WHEN reading its local date and converting local wall times back
    # THEN London is already on Saturday, New York still on Friday, and DST gaps/folds resolve as specified
    assert local_date(instant, LONDON) == date(2026, 5, 9)
    assert local_date(instant, NEW_YORK) == date(2026, 5, 8)
    assert at_local(date(2026, 5, 9), time(0, 30), LONDON) == instant
    assert at_local(date(2026, 3, 29), time(1, 30), LONDON) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert at_local(date(2026, 10, 25), time(1, 30), LONDON) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert at_local(date(2026, 9, 6), time(0), "America/Santiago") == datetime(2026, 9, 6, 4, tzinfo=UTC)
    with pytest.raises(ValueError, match="without tzinfo"):
        at_local(date(2026, 5, 9), time(0, tzinfo=UTC), LONDON)
    with pytest.raises(ValueError, match="unknown timezone 'Nowhere'"):
        local_date(instant, "Nowhere")


@settings(deadline=None)
@given(after=INSTANTS, rules=send_rules())
def test_result_is_the_earliest_allowed_instant(after: datetime, rules: SendRules) -> None:
    # GIVEN any instant and any rules
    # WHEN asking for the next allowed instant
    result = next_allowed_instant(after, rules)

    # THEN it is in UTC, not before after, allowed, stable, and nothing on the minute grid before it is allowed
    assert result.tzinfo is UTC
    assert result >= after
    assert _oracle_allowed(result, rules)
    assert next_allowed_instant(result, rules) == result
    assert is_allowed_now(result, rules)
    # Compare in UTC: Python never calls an inter-zone datetime in a DST gap or fold equal to anything.
    assert is_allowed_now(after, rules) == (result == after.astimezone(UTC))
    minute = after.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    while minute < result:
        assert not _oracle_allowed(minute, rules), minute
        minute += timedelta(minutes=1)


@settings(deadline=None)
@given(after=INSTANTS, rules=send_rules(), at_time=st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_at_time_gives_the_first_allowed_day_at_that_time(after: datetime, rules: SendRules, at_time: time) -> None:
    # GIVEN any instant, rules and send time inside the run hours
    assume(rules.run_hours is None or rules.run_hours.contains(at_time))

    # WHEN asking for the next allowed instant at that local time
    result = next_allowed_instant(after, rules, at_time=at_time)

    # THEN it is allowed, stable, at that wall time (unless skipped by DST), and no earlier day qualified
    day = local_date(result, rules.timezone)
    assert result >= after
    assert _oracle_allowed(result, rules)
    assert next_allowed_instant(result, rules, at_time=at_time) == result
    local_time = result.astimezone(ZoneInfo(rules.timezone)).time()
    assert local_time == at_time or not _wall_time_exists(day, at_time, rules.timezone)
    earlier = local_date(after, rules.timezone)
    while earlier < day:
        slot = at_local(earlier, at_time, rules.timezone)
        assert slot < after or not _oracle_allowed(slot, rules), earlier
        earlier += timedelta(days=1)


@settings(deadline=None)
@given(instant=INSTANTS, rules=send_rules())
def test_is_allowed_now_matches_next_allowed_instant(instant: datetime, rules: SendRules) -> None:
    # GIVEN any instant and rules
    # WHEN asking both functions
    allowed = is_allowed_now(instant, rules)

    # THEN they agree, and agree with an independent reading of the rules
    assert allowed == (next_allowed_instant(instant, rules) == instant.astimezone(UTC))
    assert allowed == _oracle_allowed(instant, rules)
