"""Tests for the start-timing rules of continuous workflows."""

import calendar as stdlib_calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from shared.domain.calendar import (
    Daily,
    DaysOfWeek,
    EveryNWeeks,
    HolidayCalendar,
    MonthlyOnDay,
    MonthlyOnWorkingDay,
    MonthlyWeekOfMonth,
    StartTiming,
    Weekdays,
    describe,
    holiday_calendar,
    is_start_day,
    next_start_day,
)

ADAPTER: TypeAdapter[StartTiming] = TypeAdapter(StartTiming)
GB = holiday_calendar("GB")
NO_HOLIDAYS = holiday_calendar(None)
DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))

TIMINGS = st.one_of(
    st.builds(Daily),
    st.builds(Weekdays),
    st.lists(st.sampled_from(DAY_NAMES), min_size=1, max_size=7, unique=True).map(lambda d: DaysOfWeek(days=tuple(d))),
    st.builds(EveryNWeeks, n=st.integers(2, 52), day=st.sampled_from(DAY_NAMES), anchor=DATES),
    st.builds(MonthlyOnDay, day=st.integers(1, 31)),
    st.builds(MonthlyOnWorkingDay, n=st.integers(1, 20)),
    st.builds(MonthlyWeekOfMonth, week=st.sampled_from([1, 2, 3, 4, 5, -1]), day=st.sampled_from(DAY_NAMES)),
)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_discriminated_union_parses_each_rule() -> None:
    # GIVEN one configuration per kind of rule, as in YAML
    raw = [
        {"every": "day"},
        {"every": "weekday"},
        {"every": "week", "days": ["mon", "thu"]},
        {"every": "n_weeks", "n": 2, "day": "tue", "anchor": "2026-01-07"},
        {"every": "month_day", "day": 31},
        {"every": "month_working_day", "n": 3},
        {"every": "month_week", "week": -1, "day": "fri"},
    ]

    # WHEN validating them through the union
    parsed = [ADAPTER.validate_python(item) for item in raw]

    # THEN each becomes its own model
    assert [type(p) for p in parsed] == [
        Daily,
        Weekdays,
        DaysOfWeek,
        EveryNWeeks,
        MonthlyOnDay,
        MonthlyOnWorkingDay,
        MonthlyWeekOfMonth,
    ]
    assert parsed[3] == EveryNWeeks(n=2, day="tue", anchor=date(2026, 1, 7))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"every": "fortnight"}, "does not match any of the expected tags"),
        ({"every": "week", "days": []}, "at least 1 item"),
        ({"every": "week", "days": ["mon", "fri", "mon"]}, "days must not repeat: mon listed more than once"),
        ({"every": "week", "days": ["monday"]}, "Input should be 'mon', 'tue'"),
        ({"every": "n_weeks", "n": 1, "day": "mon", "anchor": "2026-01-05"}, "greater than or equal to 2"),
        ({"every": "n_weeks", "n": 53, "day": "mon", "anchor": "2026-01-05"}, "less than or equal to 52"),
        ({"every": "month_day", "day": 32}, "less than or equal to 31"),
        ({"every": "month_working_day", "n": 24}, "less than or equal to 23"),
        ({"every": "month_week", "week": 0, "day": "tue"}, "Input should be 1, 2, 3, 4, 5 or -1"),
        ({"every": "day", "at": "09:00"}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_rules_are_rejected(raw: dict[str, object], message: str) -> None:
    # GIVEN an invalid rule
    # WHEN validating it
    # THEN the error explains what is wrong
    with pytest.raises(ValidationError, match=message):
        ADAPTER.validate_python(raw)


def test_weekdays_do_not_skip_holidays() -> None:
    # GIVEN the weekday rule and Christmas Day 2026 (a Friday)
    timing = Weekdays()

    # WHEN asking about Christmas and the Saturday after
    # THEN Christmas still counts and the Saturday does not
    assert is_start_day(timing, date(2026, 12, 25), GB)
    assert not is_start_day(timing, date(2026, 12, 26), GB)


def test_days_of_week() -> None:
    # GIVEN Monday and Thursday
    timing = DaysOfWeek(days=("thu", "mon"))

    # WHEN looking for the next start day from a Friday
    result = next_start_day(timing, date(2026, 5, 8), NO_HOLIDAYS)

    # THEN it is the following Monday
    assert result == date(2026, 5, 11)
    assert is_start_day(timing, date(2026, 5, 14), NO_HOLIDAYS)


def test_every_n_weeks_counts_from_the_anchor_week() -> None:
    # GIVEN every 2 weeks on Tuesday, anchored on Wednesday 2026-01-07
    timing = EveryNWeeks(n=2, day="tue", anchor=date(2026, 1, 7))

    # WHEN listing the first start days in 2026
    days = [d for d in _days(date(2026, 1, 1), date(2026, 2, 10)) if is_start_day(timing, d, NO_HOLIDAYS)]

    # THEN they are the Tuesdays of the anchor week and every second week after it
    assert days == [date(2026, 1, 6), date(2026, 1, 20), date(2026, 2, 3)]
    assert is_start_day(timing, date(2025, 12, 23), NO_HOLIDAYS)


def test_monthly_on_day_clamps_to_month_end() -> None:
    # GIVEN the 31st of each month
    timing = MonthlyOnDay(day=31)

    # WHEN listing start days in the first four months of 2026 and of leap year 2028
    days = [d for d in _days(date(2026, 1, 1), date(2026, 4, 30)) if is_start_day(timing, d, NO_HOLIDAYS)]

    # THEN short months run on their last day
    assert days == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert next_start_day(timing, date(2028, 2, 1), NO_HOLIDAYS) == date(2028, 2, 29)


def test_monthly_on_working_day_uses_the_calendar() -> None:
    # GIVEN the 1st and 2nd working days of each month
    first, second = MonthlyOnWorkingDay(n=1), MonthlyOnWorkingDay(n=2)

    # WHEN looking at January 2027 in GB (1st is a holiday Friday, then a weekend)
    # THEN the 1st working day is Monday 4th and the 2nd is Tuesday 5th
    assert next_start_day(first, date(2027, 1, 1), GB) == date(2027, 1, 4)
    assert next_start_day(second, date(2027, 1, 1), GB) == date(2027, 1, 5)
    assert next_start_day(first, date(2027, 1, 1), NO_HOLIDAYS) == date(2027, 1, 1)


def test_monthly_on_working_day_skips_short_months() -> None:
    # GIVEN the 22nd working day of each month
    timing = MonthlyOnWorkingDay(n=22)

    # WHEN searching from February 2026 (20 weekdays) in a calendar without holidays
    result = next_start_day(timing, date(2026, 2, 1), NO_HOLIDAYS)

    # THEN February is skipped and March (22 weekdays) runs on its last weekday
    assert result == date(2026, 3, 31)


def test_month_week_second_tuesday_and_last_friday() -> None:
    # GIVEN the 2nd Tuesday and the last Friday of each month
    second_tuesday = MonthlyWeekOfMonth(week=2, day="tue")
    last_friday = MonthlyWeekOfMonth(week=-1, day="fri")

    # WHEN searching from 1 May 2026
    # THEN they are 12 May and 29 May
    assert next_start_day(second_tuesday, date(2026, 5, 1), NO_HOLIDAYS) == date(2026, 5, 12)
    assert next_start_day(last_friday, date(2026, 5, 1), NO_HOLIDAYS) == date(2026, 5, 29)


def test_month_week_five_skips_months_without_a_fifth() -> None:
    # GIVEN the 5th Monday of each month
    timing = MonthlyWeekOfMonth(week=5, day="mon")

    # WHEN searching from 1 April 2026 (neither April nor May 2026 has a 5th Monday)
    result = next_start_day(timing, date(2026, 4, 1), NO_HOLIDAYS)

    # THEN the first month with a 5th Monday is June 2026 (29 June)
    assert result == date(2026, 6, 29)


def test_include_today_false_moves_past_today() -> None:
    # GIVEN a daily rule
    # WHEN searching from today with and without today
    # THEN today is returned only when included
    assert next_start_day(Daily(), date(2026, 5, 8), NO_HOLIDAYS) == date(2026, 5, 8)
    assert next_start_day(Daily(), date(2026, 5, 8), NO_HOLIDAYS, include_today=False) == date(2026, 5, 9)


def test_impossible_rule_raises() -> None:
    # GIVEN a calendar whose only working day is Monday, and the 23rd working day rule
    calendar = HolidayCalendar(None, weekend=frozenset({1, 2, 3, 4, 5, 6}))

    # WHEN searching for a start day
    # THEN no month can have one and a ValueError is raised
    with pytest.raises(ValueError, match="no start day within 400 days"):
        next_start_day(MonthlyOnWorkingDay(n=23), date(2026, 1, 1), calendar)


@pytest.mark.parametrize(
    ("timing", "text"),
    [
        (Daily(), "every day"),
        (Weekdays(), "every weekday (Mon–Fri)"),
        (DaysOfWeek(days=("fri", "mon", "wed")), "every Monday, Wednesday and Friday"),
        (DaysOfWeek(days=("sun",)), "every Sunday"),
        (EveryNWeeks(n=3, day="tue", anchor=date(2026, 1, 7)), "every 3 weeks on Tuesday"),
        (MonthlyOnDay(day=1), "on the 1st of each month"),
        (MonthlyOnDay(day=31), "on the 31st of each month (or the last day of shorter months)"),
        (MonthlyOnWorkingDay(n=3), "on the 3rd working day of each month"),
        (MonthlyWeekOfMonth(week=2, day="tue"), "on the 2nd Tuesday of each month"),
        (MonthlyWeekOfMonth(week=-1, day="fri"), "on the last Friday of each month"),
        (MonthlyWeekOfMonth(week=5, day="mon"), "on the 5th Monday of each month (months without one are skipped)"),
    ],
)
def test_describe(timing: StartTiming, text: str) -> None:
    # GIVEN a rule
    # WHEN describing it
    sentence = describe(timing)

    # THEN the sentence reads naturally
    assert sentence.startswith(text)


@given(timing=TIMINGS, start=DATES, include_today=st.booleans(), use_gb=st.booleans())
def test_next_start_day_is_the_first_start_day(
    timing: StartTiming, start: date, include_today: bool, use_gb: bool
) -> None:
    # GIVEN any satisfiable rule, start date and calendar
    calendar = GB if use_gb else NO_HOLIDAYS

    # WHEN searching for the next start day
    result = next_start_day(timing, start, calendar, include_today=include_today)

    # THEN it is a start day and no earlier day from the start is one
    first = start if include_today else start + timedelta(days=1)
    assert result >= first
    assert is_start_day(timing, result, calendar)
    assert not any(is_start_day(timing, d, calendar) for d in _days(first, result - timedelta(days=1)))


@given(timing=TIMINGS, year=st.integers(2020, 2035), month=st.integers(1, 12))
def test_monthly_rules_run_at_most_once_a_month(timing: StartTiming, year: int, month: int) -> None:
    # GIVEN any rule and month
    last = stdlib_calendar.monthrange(year, month)[1]

    # WHEN counting its start days in that month
    count = sum(is_start_day(timing, d, GB) for d in _days(date(year, month, 1), date(year, month, last)))

    # THEN monthly rules run at most once, and day-of-month rules exactly once
    if isinstance(timing, MonthlyOnWorkingDay | MonthlyWeekOfMonth):
        assert count <= 1
    if isinstance(timing, MonthlyOnDay):
        assert count == 1
