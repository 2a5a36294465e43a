"""Tests for the inclusive local run-hours window."""

from datetime import UTC, time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.domain.calendar import RunHours

HALF_HOURS = [time(h, m) for h in range(24) for m in (0, 30)]


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


@st.composite
def windows(draw: st.DrawFn) -> RunHours:
    start = draw(st.sampled_from(HALF_HOURS))
    end = draw(st.sampled_from(HALF_HOURS).filter(lambda e: (_minutes(e) - _minutes(start)) % 1440 >= 60))
    return RunHours(start=start, end=end)


def test_parses_hh_mm_strings() -> None:
    # GIVEN run hours as they come from YAML or JSON
    # WHEN validating them
    hours = RunHours.model_validate({"start": "08:00", "end": "18:30"})

    # THEN they become times and serialise back to the same strings
    assert hours.start == time(8, 0)
    assert hours.end == time(18, 30)
    assert hours.model_dump(mode="json") == {"start": "08:00", "end": "18:30"}
    assert RunHours.model_validate_json(hours.model_dump_json()) == hours


def test_accepts_time_objects() -> None:
    # GIVEN run hours built from time objects
    # WHEN constructing the model
    hours = RunHours(start=time(22, 0), end=time(6, 0))

    # THEN it crosses midnight and lasts eight hours
    assert hours.crosses_midnight
    assert hours.length_minutes == 480


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("08:15", "18:00", "run hours must be on the hour or half hour"),
        (time(8, 0, 30), "18:00", "run hours must be on the hour or half hour"),
        ("08:00", "08:30", "run hours window must be at least 60 minutes"),
        ("23:30", "00:00", "run hours window must be at least 60 minutes"),
        ("09:00", "09:00", "run hours start and end must differ"),
        ("8am", "18:00", "run hours must be 'HH:MM' strings between 00:00 and 23:59 \\(got '8am'\\)"),
        ("24:00", "18:00", "run hours must be 'HH:MM' strings between 00:00 and 23:59"),
        (630, "18:00", "run hours must be 'HH:MM' strings \\(got 630; quote times in YAML\\)"),
        (time(8, 0, tzinfo=UTC), "18:00", "must not carry their own"),
    ],
)
def test_invalid_windows_are_rejected(start: object, end: object, message: str) -> None:
    # GIVEN an invalid window
    # WHEN validating it
    # THEN the error message says precisely what is wrong
    with pytest.raises(ValidationError, match=message):
        RunHours.model_validate({"start": start, "end": end})


def test_extra_fields_are_forbidden_and_model_is_frozen() -> None:
    # GIVEN a configuration with a typo'd field
    # WHEN validating it
    # THEN it is rejected, and valid instances cannot be mutated
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        RunHours.model_validate({"start": "08:00", "end": "18:00", "tz": "UTC"})
    hours = RunHours.model_validate({"start": "08:00", "end": "18:00"})
    with pytest.raises(ValidationError, match="frozen"):
        hours.start = time(9)  # type: ignore[misc]


def test_both_ends_are_inclusive_to_the_second() -> None:
    # GIVEN the shortest allowed window, 08:00–09:00
    hours = RunHours.model_validate({"start": "08:00", "end": "09:00"})

    # WHEN testing times around both ends
    # THEN 08:00:00 and 09:00:00 are inside, the seconds outside them are not
    assert hours.contains(time(8, 0))
    assert hours.contains(time(9, 0))
    assert hours.contains(time(9, 0, 0, 999_999))
    assert not hours.contains(time(9, 0, 1))
    assert not hours.contains(time(7, 59, 59))
    assert not hours.crosses_midnight
    assert hours.length_minutes == 60


def test_window_crossing_midnight() -> None:
    # GIVEN a night window 22:00–06:00
    hours = RunHours.model_validate({"start": "22:00", "end": "06:00"})

    # WHEN testing times on both sides of midnight and during the day
    # THEN the late evening and early morning are inside, the day is not
    assert hours.contains(time(22, 0))
    assert hours.contains(time(23, 59, 59))
    assert hours.contains(time(0, 0))
    assert hours.contains(time(6, 0))
    assert not hours.contains(time(6, 0, 1))
    assert not hours.contains(time(12, 0))
    assert not hours.contains(time(21, 59, 59))


def test_contains_rejects_aware_times() -> None:
    # GIVEN a window
    hours = RunHours.model_validate({"start": "08:00", "end": "18:00"})

    # WHEN asking about a time that carries a timezone
    # THEN it is refused, because run hours compare local wall times
    with pytest.raises(ValueError, match="without tzinfo"):
        hours.contains(time(9, 0, tzinfo=UTC))


def test_describe() -> None:
    # GIVEN a window
    hours = RunHours.model_validate({"start": "10:00", "end": "12:30"})

    # WHEN describing it
    # THEN it reads as a range
    assert hours.describe() == "10:00–12:30"


@given(
    hours=windows(),
    t=st.times().map(lambda t: t.replace(microsecond=0)),
)
def test_contains_matches_distance_from_start(hours: RunHours, t: time) -> None:
    # GIVEN any valid window and local time
    # WHEN asking whether the time is inside
    inside = hours.contains(t)

    # THEN it is inside exactly when it is at most length_minutes after start, going past midnight
    seconds_after_start = (t.hour * 3600 + t.minute * 60 + t.second - _minutes(hours.start) * 60) % 86_400
    assert inside == (seconds_after_start <= hours.length_minutes * 60)
    assert hours.crosses_midnight == (hours.end < hours.start)
    assert 60 <= hours.length_minutes < 1440
