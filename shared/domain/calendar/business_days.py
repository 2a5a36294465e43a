"""Weekends, public holidays and business-day arithmetic."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

# Weekends plus holidays never cover a whole year, so a longer search means a bug.
_MAX_SEARCH_DAYS = 400


class HolidayCalendar:
    """Which dates are weekends, public holidays and business days for one country.

    Parameters
    ----------
    country : str | None
        ISO 3166-1 alpha-2 code understood by the ``holidays`` library (case-insensitive),
        or None for a calendar without public holidays.
    subdivision : str | None
        Optional subdivision code (``"ENG"`` for England, ``"CA"`` for California, ...).
    weekend : frozenset[int]
        Weekday numbers as returned by ``date.weekday()`` (Monday is 0).

    Raises
    ------
    ValueError
        If the country or subdivision is unknown, or the weekend is not a set of 0..6
        leaving at least one working weekday.
    """

    def __init__(
        self,
        country: str | None,
        subdivision: str | None = None,
        weekend: frozenset[int] = frozenset({5, 6}),
    ) -> None:
        if not weekend <= frozenset(range(7)):
            raise ValueError(f"weekend days must be weekday numbers 0..6, got {sorted(weekend)}")
        if len(weekend) == 7:
            raise ValueError("weekend cannot cover every day of the week")
        if subdivision is not None and country is None:
            raise ValueError(f"holiday subdivision '{subdivision}' needs a holiday country")
        self.country = country.upper() if country is not None else None
        self.subdivision = subdivision
        self.weekend = frozenset(weekend)
        self._holidays = _country_holidays(country, subdivision)
        # Year -> {date: name}; each year is expanded once, then lookups are plain dict hits.
        self._by_year: dict[int, dict[date, str]] = {}

    def __repr__(self) -> str:
        return f"HolidayCalendar({self.country!r}, {self.subdivision!r}, weekend={sorted(self.weekend)})"

    def _year(self, year: int) -> dict[date, str]:
        names = self._by_year.get(year)
        if names is None:
            names = {}
            if self._holidays is not None:
                self._holidays.get(date(year, 1, 1))  # makes the library populate that year
                names = {d: str(n) for d, n in self._holidays.items() if d.year == year}
            self._by_year[year] = names
        return names

    def is_weekend(self, d: date) -> bool:
        """Return True if ``d`` falls on one of the calendar's weekend days."""
        return d.weekday() in self.weekend

    def holiday_name(self, d: date) -> str | None:
        """Return the public holiday's name on ``d`` (several are joined by ``"; "``), or None."""
        return self._year(d.year).get(d)

    def is_holiday(self, d: date) -> bool:
        """Return True if ``d`` is a public holiday of the calendar's country."""
        return d in self._year(d.year)

    def is_business_day(self, d: date) -> bool:
        """Return True if ``d`` is neither a weekend day nor a public holiday."""
        return d.weekday() not in self.weekend and d not in self._year(d.year)

    def next_business_day(self, d: date, *, include_today: bool = True) -> date:
        """Return the first business day on or after ``d`` (strictly after it if not ``include_today``).

        Parameters
        ----------
        d : date
            The day to start from.
        include_today : bool
            Whether ``d`` itself may be returned.

        Returns
        -------
        date
            The next business day.
        """
        candidate = d if include_today else d + timedelta(days=1)
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_business_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError(f"no business day within {_MAX_SEARCH_DAYS} days of {d.isoformat()}")

    def add_business_days(self, d: date, n: int) -> date:
        """Return the day ``n`` business days after ``d``.

        Parameters
        ----------
        d : date
            The day to count from; when it is not a business day, counting starts from the
            next business day (so ``n=0`` returns that day).
        n : int
            How many business days to add; must be zero or positive.

        Returns
        -------
        date
            A business day; when ``d`` is one, exactly ``n`` business days lie in ``(d, result]``.

        Raises
        ------
        ValueError
            If ``n`` is negative.
        """
        if n < 0:
            raise ValueError(f"cannot add a negative number of business days ({n})")
        result = self.next_business_day(d)
        for _ in range(n):
            result = self.next_business_day(result, include_today=False)
        return result


def _country_holidays(country: str | None, subdivision: str | None) -> Any:
    if country is None:
        return None
    code = country.upper()
    try:
        found = holidays.country_holidays(code, subdiv=subdivision)
    except NotImplementedError as exc:
        if subdivision is not None and code in holidays.list_supported_countries():
            raise ValueError(f"unknown holiday subdivision '{subdivision}' for country '{code}'") from exc
        raise ValueError(f"unknown holiday country '{country}'") from exc
    # Explanations are written in English; ask for English names where the country has them.
    cls = type(found)
    default = getattr(cls, "default_language", None) or ""
    if not default.startswith("en") and "en_US" in (getattr(cls, "supported_languages", None) or ()):
        found = holidays.country_holidays(code, subdiv=subdivision, language="en_US")
    return found


@lru_cache(maxsize=256)
def holiday_calendar(country: str | None, subdivision: str | None = None) -> HolidayCalendar:
    """Return the shared Saturday/Sunday-weekend calendar for a country and subdivision.

    Parameters
    ----------
    country : str | None
        ISO country code, or None for no public holidays.
    subdivision : str | None
        Optional subdivision code.

    Returns
    -------
    HolidayCalendar
        One cached instance per (country, subdivision), so the holiday cache is shared.
    """
    return HolidayCalendar(country, subdivision)
