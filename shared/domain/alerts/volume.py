"""Unusual number of emails: today's (or this hour's) sends per workflow and per tenant against the trailing
baseline, so that a bad filter or a first sync flooding customers is caught within one tick.

Baseline: the median of the daily (or same-hour) counts over the 14 preceding local days *of the same kind*
(business days Monday–Friday, or weekend days), so a quiet weekend does not make a Monday look unusual.
Unusual: at least ``min_daily`` (``min_hourly``) sends AND more than ``multiplier`` × the baseline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from statistics import median
from zoneinfo import ZoneInfo

from shared.domain.alerts.models import AlertKind, AlertLevel, Candidate

TENANT_SCOPE = "*"
HISTORY_DAYS = 14


@dataclass(frozen=True)
class VolumeThresholds:
    multiplier: Decimal = Decimal(3)
    min_daily: int = 50
    min_hourly: int = 20


@dataclass(frozen=True)
class Verdict:
    scope: str
    period: str  # "day" or "hour"
    count: int
    baseline: Decimal
    threshold: Decimal


def unusual_volume(
    sends: Mapping[str, Mapping[datetime, int]], now: datetime, timezone: str, thresholds: VolumeThresholds
) -> list[Candidate]:
    """``sends``: per workflow, the number of emails and SMS sent in each UTC hour (keyed by its start)."""
    return [_candidate(v) for v in volume_verdicts(sends, now, timezone, thresholds)]


def volume_verdicts(
    sends: Mapping[str, Mapping[datetime, int]], now: datetime, timezone: str, thresholds: VolumeThresholds
) -> list[Verdict]:
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    today, hour = local_now.date(), local_now.hour
    comparable = [d for k in range(1, HISTORY_DAYS + 1) if _same_kind(d := today - timedelta(days=k), today)]
    total: dict[datetime, int] = defaultdict(int)
    for counts in sends.values():
        for instant, n in counts.items():
            total[instant] += n
    verdicts = []
    for scope, counts in sorted({**sends, TENANT_SCOPE: total}.items()):
        daily: dict[date, int] = defaultdict(int)
        hourly: dict[tuple[date, int], int] = defaultdict(int)
        for instant, n in counts.items():
            if instant > now:
                continue
            local = instant.astimezone(zone)
            daily[local.date()] += n
            hourly[(local.date(), local.hour)] += n
        day_base = median([Decimal(daily.get(d, 0)) for d in comparable])
        hour_base = median([Decimal(hourly.get((d, hour), 0)) for d in comparable])
        day_now, hour_now = daily.get(today, 0), hourly.get((today, hour), 0)
        day_threshold = max(Decimal(thresholds.min_daily), thresholds.multiplier * day_base)
        hour_threshold = max(Decimal(thresholds.min_hourly), thresholds.multiplier * hour_base)
        if day_now >= day_threshold and day_now > thresholds.multiplier * day_base:
            verdicts.append(Verdict(scope, "day", day_now, day_base, day_threshold))
        elif hour_now >= hour_threshold and hour_now > thresholds.multiplier * hour_base:
            verdicts.append(Verdict(scope, "hour", hour_now, hour_base, hour_threshold))
    return verdicts


def _same_kind(day: date, other: date) -> bool:
    return (day.weekday() >= 5) == (other.weekday() >= 5)


def _candidate(verdict: Verdict) -> Candidate:
    tenant_wide = verdict.scope == TENANT_SCOPE
    who = "all workflows" if tenant_wide else f"workflow '{verdict.scope}'"
    when = "today" if verdict.period == "day" else "this hour"
    return Candidate(
        kind=AlertKind.UNUSUAL_VOLUME,
        cause=verdict.scope,
        workflow_id=None if tenant_wide else verdict.scope,
        level=AlertLevel.RED if verdict.count >= 2 * verdict.threshold else AlertLevel.YELLOW,
        title=f"Unusual number of messages: {verdict.count} sent {when} by {who}",
        detail=f"{verdict.count} sent {when}; usual {verdict.period}: {verdict.baseline} (median of comparable days "
        f"in the last {HISTORY_DAYS}); threshold {verdict.threshold}",
        action="Check the workflow's filters and whether a sync brought in historic invoices; deactivate it or "
        "confirm the volume is expected.",
    )
