"""Tests for weekends, public holidays and business-day arithmetic."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.calendar import HolidayCalendar, holiday_calendar

DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
CALENDARS = st.sampled_from([holiday_calendar("GB"), holiday_calendar("US"), holiday_calendar(None)])


def test_weekend_days_are_not_business_days() -> None:
    # GIVEN a calendar without public holidays and the default Saturday/Sunday weekend
    calendar = HolidayCalendar(None)

    # WHEN classifying a Friday, Saturday and Sunday
    friday, saturday, sunday = date(2026, 5, 8), date(2026, 5, 9), date(2026, 5, 10)

    # THEN only the Friday is a business day
    assert calendar.is_business_day(friday)
    assert calendar.is_weekend(saturday)
    assert calendar.is_weekend(sunday)
    assert not calendar.is_business_day(saturday)
    assert not calendar.is_business_day(sunday)


def test_gb_christmas_and_boxing_day_substitute_are_holidays() -> None:
    # GIVEN the GB calendar
    calendar = holiday_calendar("GB")

    # WHEN looking up Christmas 2026 (Friday) and the Monday after it
    christmas, substitute = date(2026, 12, 25), date(2026, 12, 28)

    # THEN both are named public holidays and neither is a business day
    assert calendar.holiday_name(christmas) == "Christmas Day"
    assert calendar.holiday_name(substitute) == "Boxing Day (observed)"
    assert calendar.is_holiday(substitute)
    assert not calendar.is_business_day(christmas)
    assert not calendar.is_business_day(substitute)
    assert calendar.holiday_name(date(2026, 12, 29)) is None


def test_no_country_means_no_holidays() -> None:
    # GIVEN a calendar without a country
    calendar = HolidayCalendar(None)

    # WHEN looking at Christmas Day, a Friday
    christmas = date(2026, 12, 25)

    # THEN it is an ordinary business day
    assert not calendar.is_holiday(christmas)
    assert calendar.holiday_name(christmas) is None
    assert calendar.is_business_day(christmas)


def test_subdivision_adds_regional_holidays() -> None:
    # GIVEN the Scottish and English calendars
    scotland, england = HolidayCalendar("GB", "SCT"), HolidayCalendar("GB", "ENG")

    # WHEN looking at 2 January 2026 and Easter Monday 2026
    second_january, easter_monday = date(2026, 1, 2), date(2026, 4, 6)

    # THEN each subdivision has its own holidays
    assert scotland.is_holiday(second_january)
    assert not england.is_holiday(second_january)
    assert england.is_holiday(easter_monday)
    assert not scotland.is_holiday(easter_monday)


def test_country_code_is_case_insensitive_and_names_are_english() -> None:
    # GIVEN a German calendar given in lower case
    calendar = HolidayCalendar("de")

    # WHEN naming 3 October (German Unity Day)
    name = calendar.holiday_name(date(2026, 10, 3))

    # THEN the country is recognised and the name is in English
    assert calendar.country == "DE"
    assert name == "German Unity Day"


def test_custom_weekend() -> None:
    # GIVEN a Friday/Saturday weekend
    calendar = HolidayCalendar(None, weekend=frozenset({4, 5}))

    # WHEN classifying Friday and Sunday
    friday, sunday = date(2026, 5, 8), date(2026, 5, 10)

    # THEN Friday is a weekend day and Sunday is a business day
    assert calendar.is_weekend(friday)
    assert calendar.is_business_day(sunday)


def test_unknown_country_is_rejected() -> None:
    # GIVEN a country code the holidays library does not know
    # WHEN building a calendar
    # THEN a precise ValueError is raised
    with pytest.raises(ValueError, match=r"^unknown holiday country 'XX'$"):
        HolidayCalendar("XX")


def test_unknown_subdivision_is_rejected() -> None:
    # GIVEN a real country with a made-up subdivision
    # WHEN building a calendar
    # THEN the error names the subdivision and the country
    with pytest.raises(ValueError, match=r"^unknown holiday subdivision 'ZZ' for country 'GB'$"):
        HolidayCalendar("GB", "ZZ")


@pytest.mark.parametrize(
    ("weekend", "message"),
    [
        (frozenset({7}), "weekend days must be weekday numbers 0..6"),
        (frozenset(range(7)), "weekend cannot cover every day of the week"),
    ],
)
def test_invalid_weekend_is_rejected(weekend: frozenset[int], message: str) -> None:
    # GIVEN an impossible weekend
    # WHEN building a calendar
    # THEN it is rejected with a precise message
    with pytest.raises(ValueError, match=message):
        HolidayCalendar(None, weekend=weekend)


def test_factory_shares_instances() -> None:
    # GIVEN two requests for the same country and subdivision
    # WHEN asking the factory twice
    first, second = holiday_calendar("GB", "ENG"), holiday_calendar("GB", "ENG")

    # THEN the same instance (and so the same holiday cache) is returned
    assert first is second
    assert first is not holiday_calendar("GB", "SCT")


def test_next_business_day_skips_christmas_weekend() -> None:
    # GIVEN the GB calendar and Christmas Eve 2026 (Thursday)
    calendar = holiday_calendar("GB")

    # WHEN asking for the next business day after it, and from Christmas Day itself
    after_eve = calendar.next_business_day(date(2026, 12, 24), include_today=False)
    from_christmas = calendar.next_business_day(date(2026, 12, 25))

    # THEN Friday 25th, the weekend and Monday 28th are all skipped
    assert after_eve == date(2026, 12, 29)
    assert from_christmas == date(2026, 12, 29)
    assert calendar.next_business_day(date(2026, 12, 24)) == date(2026, 12, 24)


def test_add_business_days_examples() -> None:
    # GIVEN the GB calendar
    calendar = holiday_calendar("GB")

    # WHEN adding business days across Christmas 2026 and from a Saturday
    across_christmas = calendar.add_business_days(date(2026, 12, 23), 3)
    zero_from_saturday = calendar.add_business_days(date(2026, 5, 9), 0)
    one_from_saturday = calendar.add_business_days(date(2026, 5, 9), 1)

    # THEN holidays and weekends are not counted
    assert across_christmas == date(2026, 12, 30)
    assert zero_from_saturday == date(2026, 5, 11)
    assert one_from_saturday == date(2026, 5, 12)


def test_add_negative_business_days_is_rejected() -> None:
    # GIVEN a calendar
    calendar = HolidayCalendar(None)

    # WHEN adding a negative number of days
    # THEN it is rejected
    with pytest.raises(ValueError, match=r"negative number of business days \(-1\)"):
        calendar.add_business_days(date(2026, 5, 8), -1)


@given(calendar=CALENDARS, start=DATES, n=st.integers(min_value=0, max_value=60))
def test_add_business_days_lands_on_business_day_after_exactly_n(
    calendar: HolidayCalendar, start: date, n: int
) -> None:
    # GIVEN any calendar, start date and day count
    # WHEN adding n business days
    result = calendar.add_business_days(start, n)

    # THEN the result is a business day with exactly n business days in (first, result]
    first = start if calendar.is_business_day(start) else calendar.next_business_day(start)
    between = [first + timedelta(days=i) for i in range(1, (result - first).days + 1)]
    assert calendar.is_business_day(result)
    assert sum(calendar.is_business_day(d) for d in between) == n
    assert all(not calendar.is_business_day(start + timedelta(days=i)) for i in range((first - start).days))


@given(calendar=CALENDARS, start=DATES, include_today=st.booleans())
def test_next_business_day_is_the_first_one(calendar: HolidayCalendar, start: date, include_today: bool) -> None:
    # GIVEN any calendar and start date
    # WHEN asking for the next business day
    result = calendar.next_business_day(start, include_today=include_today)

    # THEN it is a business day and no business day is skipped on the way
    first_candidate = start if include_today else start + timedelta(days=1)
    assert calendar.is_business_day(result)
    assert result >= first_candidate
    skipped = [first_candidate + timedelta(days=i) for i in range((result - first_candidate).days)]
    assert not any(calendar.is_business_day(d) for d in skipped)
