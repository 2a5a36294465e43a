"""The daily window, in the tenant's local time, in which a workflow may act."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from pydantic import BaseModel, ConfigDict, field_serializer, field_validator, model_validator

_HH_MM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_MINUTES_PER_DAY = 24 * 60
_MIN_WINDOW_MINUTES = 60


def format_time(t: time) -> str:
    """Return ``t`` as ``"HH:MM"``, or ``"HH:MM:SS"`` when it has seconds."""
    return t.strftime("%H:%M:%S" if t.second else "%H:%M")


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


class RunHours(BaseModel):
    """An inclusive local-time window such as ``08:00``–``18:00`` or ``22:00``–``06:00``.

    Both ends are inclusive, both lie on the hour or half hour, the window lasts at least
    60 minutes, and when ``end`` is earlier than ``start`` the window crosses midnight.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: time
    end: time

    @field_validator("start", "end", mode="before")
    @classmethod
    def _parse_hh_mm(cls, value: Any) -> Any:
        if isinstance(value, time):
            if value.tzinfo is not None:
                raise ValueError("run hours are in the tenant's timezone and must not carry their own")
            return value
        if isinstance(value, bool) or not isinstance(value, str):
            # PyYAML reads an unquoted 10:30 as the base-60 integer 630, hence the hint.
            raise ValueError(f"run hours must be 'HH:MM' strings (got {value!r}; quote times in YAML)")
        match = _HH_MM.fullmatch(value.strip())
        if match is None:
            raise ValueError(f"run hours must be 'HH:MM' strings between 00:00 and 23:59 (got {value!r})")
        return time(int(match[1]), int(match[2]))

    @field_validator("start", "end")
    @classmethod
    def _on_half_hour(cls, value: time) -> time:
        if value.minute not in (0, 30) or value.second or value.microsecond:
            raise ValueError("run hours must be on the hour or half hour")
        return value

    @model_validator(mode="after")
    def _window_long_enough(self) -> RunHours:
        if self.start == self.end:
            raise ValueError("run hours start and end must differ")
        if self.length_minutes < _MIN_WINDOW_MINUTES:
            raise ValueError("run hours window must be at least 60 minutes")
        return self

    @field_serializer("start", "end")
    def _dump_hh_mm(self, value: time) -> str:
        return value.strftime("%H:%M")

    @property
    def crosses_midnight(self) -> bool:
        """True when the window runs past midnight (``end`` earlier than ``start``)."""
        return self.end < self.start

    @property
    def length_minutes(self) -> int:
        """Minutes from ``start`` to ``end``, going past midnight if needed."""
        return (_minutes(self.end) - _minutes(self.start)) % _MINUTES_PER_DAY

    def contains(self, t: time) -> bool:
        """Return True if the local wall time ``t`` lies in the window.

        Parameters
        ----------
        t : time
            A local time without tzinfo; compared to the second (microseconds are ignored),
            so with ``end=09:00`` the time 09:00:00 is inside and 09:00:01 is not.

        Returns
        -------
        bool
            Whether ``t`` is between ``start`` and ``end``, both inclusive.
        """
        if t.tzinfo is not None:
            raise ValueError("run hours compare local wall times; pass a time without tzinfo")
        t = t.replace(microsecond=0)
        if self.crosses_midnight:
            return t >= self.start or t <= self.end
        return self.start <= t <= self.end

    def describe(self) -> str:
        """Return the window as text, e.g. ``"08:00–18:00"``."""
        return f"{format_time(self.start)}–{format_time(self.end)}"
