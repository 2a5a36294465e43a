"""When, in the tenant's local time, a workflow step may act."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from shared.domain.calendar.business_days import HolidayCalendar, holiday_calendar
from shared.domain.calendar.run_hours import RunHours, format_time

_MAX_SEARCH_DAYS = 400
_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown timezone '{name}'") from None


def _require_aware(instant: datetime, name: str) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {instant.isoformat()}")


class SendRules(BaseModel):
    """The tenant's limits on when something may be sent (all in local time of ``timezone``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timezone: str
    run_hours: RunHours | None = None
    allow_weekends: bool = False
    allow_holidays: bool = False
    holiday_country: str | None = None
    holiday_subdivision: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        _zone(value)
        return value

    @model_validator(mode="after")
    def _known_holidays(self) -> SendRules:
        if self.holiday_subdivision is not None and self.holiday_country is None:
            raise ValueError("holiday_subdivision needs holiday_country")
        holiday_calendar(self.holiday_country, self.holiday_subdivision)
        return self


def local_date(instant: datetime, timezone: str) -> date:
    """Return the calendar date of an aware ``instant`` in the IANA ``timezone``."""
    _require_aware(instant, "instant")
    return instant.astimezone(_zone(timezone)).date()


def _to_utc(d: date, t: time, tz: ZoneInfo, fold: int) -> datetime | None:
    """The instant showing wall time ``d t`` with this fold, or None if that wall time never shows."""
    wall = datetime.combine(d, t, tzinfo=tz).replace(fold=fold)
    instant = wall.astimezone(UTC)
    return instant if instant.astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None) else None


def _transition(lo: datetime, hi: datetime, tz: ZoneInfo) -> datetime:
    """The first whole second in ``(lo, hi]`` already on ``hi``'s UTC offset (offsets change on whole seconds)."""
    lo, hi = lo.replace(microsecond=0), hi.replace(microsecond=0)
    target = hi.astimezone(tz).utcoffset()
    while hi - lo > _ONE_SECOND:
        mid = (lo + (hi - lo) / 2).replace(microsecond=0)
        lo, hi = (lo, mid) if mid.astimezone(tz).utcoffset() == target else (mid, hi)
    return hi


def _at_local(d: date, t: time, tz: ZoneInfo) -> datetime:
    found = _to_utc(d, t, tz, 0)
    if found is not None:
        return found
    # A wall time in a spring-forward gap: fold=1 reads it before the transition, fold=0 after.
    wall = datetime.combine(d, t, tzinfo=tz)
    return _transition(wall.replace(fold=1).astimezone(UTC), wall.astimezone(UTC), tz)


def at_local(d: date, t: time, timezone: str) -> datetime:
    """Return the UTC instant at which the wall clock in ``timezone`` shows ``t`` on ``d``.

    Parameters
    ----------
    d : date
        The local date.
    t : time
        The local wall time, without tzinfo.
    timezone : str
        An IANA timezone name.

    Returns
    -------
    datetime
        An aware UTC datetime. A wall time skipped by a spring-forward gap gives the first
        instant after the gap; one repeated by a fall-back gives its first occurrence.
    """
    if t.tzinfo is not None:
        raise ValueError("at_local takes a local wall time without tzinfo")
    return _at_local(d, t, _zone(timezone))


def _date_allowed(d: date, rules: SendRules, calendar: HolidayCalendar) -> bool:
    if not rules.allow_weekends and calendar.is_weekend(d):
        return False
    return rules.allow_holidays or not calendar.is_holiday(d)


def _allowed(instant: datetime, rules: SendRules, tz: ZoneInfo, calendar: HolidayCalendar) -> bool:
    local = instant.astimezone(tz)
    if not _date_allowed(local.date(), rules, calendar):
        return False
    return rules.run_hours is None or rules.run_hours.contains(local.time())


def is_allowed_now(instant: datetime, rules: SendRules) -> bool:
    """Return True if ``instant`` itself is allowed, i.e. ``next_allowed_instant(instant, rules) == instant``."""
    _require_aware(instant, "instant")
    calendar = holiday_calendar(rules.holiday_country, rules.holiday_subdivision)
    return _allowed(instant, rules, _zone(rules.timezone), calendar)


def _day_candidates(d: date, day_start: datetime, day_end: datetime, rules: SendRules, tz: ZoneInfo) -> list[datetime]:
    """Instants of local day ``d`` where allowed time can begin: midnight, run-hours start, a DST jump."""
    start = rules.run_hours.start if rules.run_hours is not None else None
    candidates = [day_start]
    if start is not None and (at_start := _to_utc(d, start, tz, 0)) is not None:
        candidates.append(at_start)
    last_second = day_end - _ONE_SECOND
    if day_start.astimezone(tz).utcoffset() != last_second.astimezone(tz).utcoffset():
        # On a DST change day the wall clock can jump into the window, or show the start twice.
        candidates.append(_transition(day_start, last_second, tz))
        if start is not None and (repeat := _to_utc(d, start, tz, 1)) is not None:
            candidates.append(repeat)
    return sorted(c for c in candidates if day_start <= c < day_end)


def next_allowed_instant(after: datetime, rules: SendRules, *, at_time: time | None = None) -> datetime:
    """Return the earliest instant at or after ``after`` at which ``rules`` allow acting.

    Parameters
    ----------
    after : datetime
        Aware datetime; nothing earlier is returned.
    rules : SendRules
        Timezone, run hours, and whether weekends and public holidays are allowed.
    at_time : time | None
        If given, only the local wall time ``at_time`` of an allowed day qualifies: once per
        day, at its first occurrence in a fall-back, or at the first instant after a
        spring-forward gap (a day whose shifted time leaves the run hours is skipped).

    Returns
    -------
    datetime
        An aware datetime in UTC.

    Raises
    ------
    ValueError
        If ``after`` is naive, ``at_time`` is outside the run hours, or nothing is allowed
        within 400 days.
    """
    _require_aware(after, "after")
    tz = _zone(rules.timezone)
    calendar = holiday_calendar(rules.holiday_country, rules.holiday_subdivision)
    if at_time is not None:
        if at_time.tzinfo is not None:
            raise ValueError("at_time is a local wall time and must not carry tzinfo")
        if rules.run_hours is not None and not rules.run_hours.contains(at_time):
            raise ValueError(f"send time {format_time(at_time)} is outside the run hours {rules.run_hours.describe()}")
    after = after.astimezone(UTC)
    if at_time is None and _allowed(after, rules, tz, calendar):
        return after
    day = after.astimezone(tz).date()
    for _ in range(_MAX_SEARCH_DAYS + 1):
        if _date_allowed(day, rules, calendar):
            if at_time is not None:
                candidates = [_at_local(day, at_time, tz)]
            else:
                day_bounds = (_at_local(day, time(0), tz), _at_local(day + _ONE_DAY, time(0), tz))
                candidates = _day_candidates(day, *day_bounds, rules, tz)
            for candidate in candidates:
                if candidate >= after and _allowed(candidate, rules, tz, calendar):
                    return candidate
        day += _ONE_DAY
    raise ValueError(f"no allowed instant within {_MAX_SEARCH_DAYS} days after {after.isoformat()}")
