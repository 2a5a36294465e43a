"""Workflow health alerts (pure): detectors over plain data → candidates; the lifecycle; the daily digest."""

from shared.domain.alerts.lifecycle import Plan, TransitionRefused, acknowledge, ignore, reconcile, resolve
from shared.domain.alerts.models import Alert, AlertKind, AlertLevel, AlertStatus, Candidate, alert_id
from shared.domain.alerts.settings import AlertSettings

__all__ = [
    "Alert",
    "AlertKind",
    "AlertLevel",
    "AlertSettings",
    "AlertStatus",
    "Candidate",
    "Plan",
    "TransitionRefused",
    "acknowledge",
    "alert_id",
    "ignore",
    "reconcile",
    "resolve",
]
