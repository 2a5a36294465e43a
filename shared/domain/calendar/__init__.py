"""Pure calendar rules: business days, run hours, start timing and send slots.

Every datetime taken or returned is timezone-aware; the current time is always passed in.
"""

from shared.domain.calendar.business_days import HolidayCalendar, holiday_calendar
from shared.domain.calendar.run_hours import RunHours
from shared.domain.calendar.slots import SendRules, at_local, is_allowed_now, local_date, next_allowed_instant
from shared.domain.calendar.start_timing import (
    Daily,
    DayName,
    DaysOfWeek,
    EveryNWeeks,
    MonthlyOnDay,
    MonthlyOnWorkingDay,
    MonthlyWeekOfMonth,
    StartTiming,
    Weekdays,
    describe,
    is_start_day,
    next_start_day,
)

__all__ = [
    "Daily",
    "DayName",
    "DaysOfWeek",
    "EveryNWeeks",
    "HolidayCalendar",
    "MonthlyOnDay",
    "MonthlyOnWorkingDay",
    "MonthlyWeekOfMonth",
    "RunHours",
    "SendRules",
    "StartTiming",
    "Weekdays",
    "at_local",
    "describe",
    "holiday_calendar",
    "is_allowed_now",
    "is_start_day",
    "local_date",
    "next_allowed_instant",
    "next_start_day",
]
