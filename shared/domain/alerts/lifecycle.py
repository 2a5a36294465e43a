"""Alert lifecycle: open → acknowledged / ignored (with a reason) → resolved when the condition clears.

``reconcile`` compares what the detectors found now with the alerts stored for the same scope: new causes are
raised, known ones refreshed, and active alerts whose cause is gone are resolved (whatever a person did to them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from shared.domain.alerts.models import Alert, AlertStatus, Candidate


class TransitionRefused(ValueError):
    """The alert is not in a state that allows the change (e.g. acknowledging a resolved alert)."""


def acknowledge(alert: Alert, by: str, now: datetime) -> Alert:
    """A person has seen it; acknowledging again changes nothing."""
    if alert.status is AlertStatus.ACKNOWLEDGED:
        return alert
    if alert.status is not AlertStatus.OPEN:
        raise TransitionRefused(f"alert {alert.id} is {alert.status.value}; only an open alert can be acknowledged")
    note = f"acknowledged by {by}" if by else "acknowledged"
    return _changed(alert, AlertStatus.ACKNOWLEDGED, now, note)


def ignore(alert: Alert, reason: str, now: datetime) -> Alert:
    """A person decided the condition is expected; it stays ignored until the condition clears."""
    if not reason.strip():
        raise TransitionRefused("ignoring an alert needs a reason")
    if not alert.status.is_active:
        raise TransitionRefused(f"alert {alert.id} is resolved")
    return _changed(alert, AlertStatus.IGNORED, now, reason.strip())


def resolve(alert: Alert, now: datetime) -> Alert:
    return _changed(alert, AlertStatus.RESOLVED, now, alert.note, resolved_at=now)


@dataclass(frozen=True)
class Plan:
    raise_: list[tuple[Candidate, Alert | None]] = field(default_factory=list)  # with the resolved alert replaced
    refresh: list[tuple[Alert, Candidate]] = field(default_factory=list)
    resolve: list[Alert] = field(default_factory=list)


def reconcile(
    tenant_id: str, stored: Sequence[Alert], found: Sequence[Candidate], in_scope: Callable[[Alert], bool]
) -> Plan:
    """What to write so that the stored alerts in scope match the candidates found now.

    Parameters
    ----------
    stored : Sequence[Alert]
        The tenant's alerts (any status); only those ``in_scope`` may be resolved.
    found : Sequence[Candidate]
        Every cause the detectors of this scope see now (one per cause: later duplicates are ignored).
    """
    by_id = {a.id: a for a in stored}
    plan = Plan()
    seen: set[str] = set()
    for candidate in found:
        key = candidate.alert_id(tenant_id)
        if key in seen:
            continue
        seen.add(key)
        current = by_id.get(key)
        if current is None or not current.status.is_active:
            plan.raise_.append((candidate, current))
        else:
            plan.refresh.append((current, candidate))
    plan.resolve.extend(a for a in stored if a.status.is_active and a.id not in seen and in_scope(a))
    return plan


def _changed(alert: Alert, status: AlertStatus, now: datetime, note: str, **more: object) -> Alert:
    update: dict[str, object] = {"status": status, "changed_at": now, "note": note, "revision": alert.revision + 1}
    return alert.model_copy(update=update | more)
