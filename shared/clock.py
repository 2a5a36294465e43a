"""The one source of business time.

Every use case receives a ``Clock`` (the port, in ``shared.ports``); nothing else reads the wall clock. A
tenant's simulated clock makes backtests, demos and tests deterministic.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to: tests, forecasts and simulations."""

    def __init__(self, start: datetime) -> None:
        self._now = require_aware(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        instant = require_aware(instant)
        if instant < self._now:
            raise ValueError("a clock never moves backwards")
        self._now = instant

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)


def require_aware(instant: datetime) -> datetime:
    """Reject naive datetimes at the boundary and normalise to UTC."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()} given where an aware one is required")
    return instant.astimezone(UTC)
