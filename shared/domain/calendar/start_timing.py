"""On which days a continuous workflow sweeps for new enrolments."""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.calendar.business_days import HolidayCalendar

DayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

_DAY_NUMBERS: dict[str, int] = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_DAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MAX_SEARCH_DAYS = 400


class _Timing(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Daily(_Timing):
    """Every calendar day."""

    every: Literal["day"] = "day"


class Weekdays(_Timing):
    """Monday to Friday; public holidays are not excluded."""

    every: Literal["weekday"] = "weekday"


class DaysOfWeek(_Timing):
    """Chosen days of every week."""

    every: Literal["week"] = "week"
    days: tuple[DayName, ...] = Field(min_length=1)

    @field_validator("days")
    @classmethod
    def _unique(cls, days: tuple[DayName, ...]) -> tuple[DayName, ...]:
        repeated = sorted({d for d in days if days.count(d) > 1}, key=_DAY_NUMBERS.__getitem__)
        if repeated:
            raise ValueError(f"days must not repeat: {', '.join(repeated)} listed more than once")
        return days


class EveryNWeeks(_Timing):
    """One day every ``n`` weeks, counted in whole weeks from the week containing ``anchor``."""

    every: Literal["n_weeks"] = "n_weeks"
    n: int = Field(ge=2, le=52)
    day: DayName
    anchor: date


class MonthlyOnDay(_Timing):
    """A day of the month, clamped to the month's last day (31 means the 30th in April)."""

    every: Literal["month_day"] = "month_day"
    day: int = Field(ge=1, le=31)


class MonthlyOnWorkingDay(_Timing):
    """The ``n``-th business day of the month; months with fewer business days are skipped."""

    every: Literal["month_working_day"] = "month_working_day"
    n: int = Field(ge=1, le=23)


class MonthlyWeekOfMonth(_Timing):
    """The ``week``-th given weekday of the month (-1 is the last); missing 5th ones are skipped."""

    every: Literal["month_week"] = "month_week"
    week: Literal[1, 2, 3, 4, 5, -1]
    day: DayName


StartTiming = Annotated[
    Daily | Weekdays | DaysOfWeek | EveryNWeeks | MonthlyOnDay | MonthlyOnWorkingDay | MonthlyWeekOfMonth,
    Field(discriminator="every"),
]
_Monthly = MonthlyOnDay | MonthlyOnWorkingDay | MonthlyWeekOfMonth


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _in_month(timing: _Monthly, year: int, month: int, calendar: HolidayCalendar) -> date | None:
    """The single run day of a monthly rule in one month, if the month has one."""
    last = _stdlib_calendar.monthrange(year, month)[1]
    if isinstance(timing, MonthlyOnDay):
        return date(year, month, min(timing.day, last))
    if isinstance(timing, MonthlyOnWorkingDay):
        seen = 0
        for day in range(1, last + 1):
            if calendar.is_business_day(candidate := date(year, month, day)):
                seen += 1
                if seen == timing.n:
                    return candidate
        return None
    weekday = _DAY_NUMBERS[timing.day]
    if timing.week == -1:
        end = date(year, month, last)
        return end - timedelta(days=(end.weekday() - weekday) % 7)
    first = date(year, month, 1)
    found = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (timing.week - 1))
    return found if found.month == month else None


def is_start_day(timing: StartTiming, d: date, calendar: HolidayCalendar) -> bool:
    """Return True if the workflow sweeps for new enrolments on ``d``.

    Parameters
    ----------
    timing : StartTiming
        The rule.
    d : date
        The local date to test.
    calendar : HolidayCalendar
        Defines business days for ``MonthlyOnWorkingDay``; other rules ignore holidays.

    Returns
    -------
    bool
        Whether ``d`` is a start day.
    """
    if isinstance(timing, Daily):
        return True
    if isinstance(timing, Weekdays):
        return d.weekday() < 5
    if isinstance(timing, DaysOfWeek):
        return any(_DAY_NUMBERS[day] == d.weekday() for day in timing.days)
    if isinstance(timing, EveryNWeeks):
        weeks = (_monday(d) - _monday(timing.anchor)).days // 7
        return d.weekday() == _DAY_NUMBERS[timing.day] and weeks % timing.n == 0
    return _in_month(timing, d.year, d.month, calendar) == d


def next_start_day(timing: StartTiming, d: date, calendar: HolidayCalendar, *, include_today: bool = True) -> date:
    """Return the first start day on or after ``d`` (strictly after it if not ``include_today``).

    Parameters
    ----------
    timing : StartTiming
        The rule.
    d : date
        The local date to search from.
    calendar : HolidayCalendar
        Defines business days for ``MonthlyOnWorkingDay``.
    include_today : bool
        Whether ``d`` itself may be returned.

    Returns
    -------
    date
        The earliest start day in the next 400 days.

    Raises
    ------
    ValueError
        If there is none within 400 days (only possible for a rule the calendar never meets).
    """
    start = d if include_today else d + timedelta(days=1)
    horizon = start + timedelta(days=_MAX_SEARCH_DAYS)
    if isinstance(timing, MonthlyOnDay | MonthlyOnWorkingDay | MonthlyWeekOfMonth):
        # Monthly rules have at most one day per month: jump month by month.
        year, month = start.year, start.month
        while date(year, month, 1) <= horizon:
            found = _in_month(timing, year, month, calendar)
            if found is not None and start <= found <= horizon:
                return found
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        candidate = start
        while candidate <= horizon:
            if is_start_day(timing, candidate, calendar):
                return candidate
            candidate += timedelta(days=1)
    raise ValueError(f"no start day within {_MAX_SEARCH_DAYS} days of {start.isoformat()} for {describe(timing)}")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe(timing: StartTiming) -> str:
    """Return the rule as a short English phrase, e.g. ``"on the 2nd Tuesday of each month"``."""
    if isinstance(timing, Daily):
        return "every day"
    if isinstance(timing, Weekdays):
        return "every weekday (Mon–Fri)"
    if isinstance(timing, DaysOfWeek):
        names = [_DAY_LABELS[_DAY_NUMBERS[day]] for day in sorted(timing.days, key=_DAY_NUMBERS.__getitem__)]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"every {listed}"
    if isinstance(timing, EveryNWeeks):
        label = _DAY_LABELS[_DAY_NUMBERS[timing.day]]
        return f"every {timing.n} weeks on {label}, counting from the week of {_monday(timing.anchor).isoformat()}"
    if isinstance(timing, MonthlyOnDay):
        tail = " (or the last day of shorter months)" if timing.day > 28 else ""
        return f"on the {_ordinal(timing.day)} of each month{tail}"
    if isinstance(timing, MonthlyOnWorkingDay):
        return f"on the {_ordinal(timing.n)} working day of each month (months with fewer are skipped)"
    label = _DAY_LABELS[_DAY_NUMBERS[timing.day]]
    if timing.week == -1:
        return f"on the last {label} of each month"
    tail = " (months without one are skipped)" if timing.week == 5 else ""
    return f"on the {_ordinal(timing.week)} {label} of each month{tail}"
