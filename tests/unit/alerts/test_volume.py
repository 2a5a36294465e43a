"""Unusual volume: today's or this hour's sends against the median of comparable days of the last 14."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.alerts.volume import VolumeThresholds, unusual_volume, volume_verdicts

NOW = datetime(2026, 11, 16, 10, 30, tzinfo=UTC)  # Monday 10:30 in London
DEFAULT = VolumeThresholds()


def history(per_business_day: int, per_weekend_day: int = 0, hour: int = 9) -> dict[datetime, int]:
    """The 14 days before NOW: ``per_business_day`` sends at ``hour`` on weekdays, the other on weekends."""
    counts = {}
    for k in range(1, 15):
        day = NOW - timedelta(days=k)
        n = per_business_day if day.weekday() < 5 else per_weekend_day
        if n:
            counts[day.replace(hour=hour, minute=0)] = n
    return counts


def today(n: int, hour: int = 9) -> dict[datetime, int]:
    return {NOW.replace(hour=hour, minute=0): n}


@pytest.mark.parametrize(
    ("sends", "expected"),
    [
        ({"wf": history(10) | today(200)}, [("*", "day"), ("wf", "day")]),  # a sync floods one workflow
        ({"wf": history(10) | today(30)}, []),  # 3× baseline but under the minimum volume
        ({"wf": history(100) | today(250)}, []),  # busy but usual: 2.5× a high baseline
        ({"wf": history(100) | today(301)}, [("*", "day"), ("wf", "day")]),
        ({"wf": today(60)}, [("*", "day"), ("wf", "day")]),  # a first sync: no history, above the minimum
        # two workflows each under the minimum, together over it: only the tenant scope
        ({"a": history(5) | today(30), "b": history(5) | today(30)}, [("*", "day")]),
        # a quiet weekend does not lower a Monday's baseline
        ({"wf": history(40, per_weekend_day=0) | today(60)}, []),
    ],
)
def test_unusual_days(sends, expected):
    # GIVEN per-workflow hourly sends over the last 14 days and today
    # WHEN the detector runs
    verdicts = volume_verdicts(sends, NOW, "Europe/London", DEFAULT)
    # THEN the scopes and periods that are unusual
    assert [(v.scope, v.period) for v in verdicts] == expected


def test_an_unusual_hour_is_caught_before_the_day_is():
    # GIVEN usually 5 sends in the 10:00 hour (25 a day), then 25 at 10:00 today (the day total is not unusual)
    usual = {k: v for h in (9, 10) for k, v in history(20 if h == 9 else 5, hour=h).items()}
    sends = {"wf": usual | today(25, hour=10)}
    # WHEN the detector runs at 10:30
    verdicts = volume_verdicts(sends, NOW, "Europe/London", DEFAULT)
    # THEN this hour is unusual against the usual 5 in that hour
    assert [(v.scope, v.period, v.count, v.baseline) for v in verdicts] == [
        ("*", "hour", 25, Decimal(5)),
        ("wf", "hour", 25, Decimal(5)),
    ]


def test_the_candidate_explains_the_numbers():
    # GIVEN a flood
    (_, candidate) = unusual_volume({"wf": history(10) | today(200)}, NOW, "Europe/London", DEFAULT)
    # THEN it names the count, the usual volume and the threshold
    assert candidate.workflow_id == "wf" and candidate.level.value == "red"
    assert "200 sent today" in candidate.detail and "usual day: 10" in candidate.detail


@given(st.integers(0, 500), st.integers(0, 500))
def test_never_unusual_below_the_minimum_or_the_multiple(usual, now_count):
    # GIVEN any usual volume and today's count
    sends = {"wf": history(usual) | today(now_count)}
    # WHEN the detector runs
    verdicts = [v for v in volume_verdicts(sends, NOW, "Europe/London", DEFAULT) if v.period == "day"]
    # THEN a day is unusual exactly when it is at least the minimum and more than 3× the usual
    assert bool(verdicts) == (now_count >= 50 and now_count > 3 * usual)
