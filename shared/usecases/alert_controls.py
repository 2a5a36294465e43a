"""What people do with alerts (HTTP API and CLI): list with filters, read one, acknowledge (for an unusual-volume
alert: confirm the volume, closing the workflow's circuit breaker for the day), ignore with a reason."""

from __future__ import annotations

from shared.domain.alerts import Alert, AlertKind, acknowledge, ignore
from shared.domain.calendar import local_date
from shared.errors import ChaseflowError
from shared.usecases.runtime import Runtime


class AlertNotFound(ChaseflowError):
    """No alert with that id for the tenant."""


def list_alerts(
    rt: Runtime,
    tenant_id: str,
    *,
    status: str | None = None,
    workflow_id: str | None = None,
    kind: str | None = None,
) -> list[Alert]:
    """The tenant's alerts, newest first; ``status="active"`` means open, acknowledged or ignored."""
    found: list[Alert] = rt.alerts.alerts.all(tenant_id)
    if status == "active":
        found = [a for a in found if a.status.is_active]
    elif status is not None:
        found = [a for a in found if a.status.value == status]
    if workflow_id is not None:
        found = [a for a in found if a.workflow_id == workflow_id]
    if kind is not None:
        found = [a for a in found if a.kind.value == kind]
    return sorted(found, key=lambda a: (a.last_seen_at, a.id), reverse=True)


def get_alert(rt: Runtime, tenant_id: str, alert_id: str) -> Alert:
    alert: Alert | None = rt.alerts.alerts.get(tenant_id, alert_id)
    if alert is None:
        raise AlertNotFound(alert_id)
    return alert


def acknowledge_alert(rt: Runtime, tenant_id: str, alert_id: str, by: str = "") -> Alert:
    """Acknowledge; for an unusual-volume alert this is the confirmation that releases the workflow's breaker."""
    alert = get_alert(rt, tenant_id, alert_id)
    changed = acknowledge(alert, by, rt.clock.now())
    _store(rt, changed, alert)
    if alert.kind is AlertKind.UNUSUAL_VOLUME and alert.workflow_id is not None:
        tenant = rt.ledger.tenant(tenant_id)
        zone = tenant.timezone if tenant else "UTC"
        day = local_date(rt.clock.now(), zone).isoformat()
        rt.alerts.alerts.confirm(tenant_id, alert.workflow_id, day, by or "api", rt.clock.now())
    return changed


def ignore_alert(rt: Runtime, tenant_id: str, alert_id: str, reason: str) -> Alert:
    alert = get_alert(rt, tenant_id, alert_id)
    changed = ignore(alert, reason, rt.clock.now())
    _store(rt, changed, alert)
    return changed


def _store(rt: Runtime, changed: Alert, read: Alert) -> None:
    if changed is not read and not rt.alerts.alerts.write(changed, read):
        raise ConcurrentChange(f"alert {read.id} changed meanwhile; read it again")


class ConcurrentChange(ChaseflowError):
    """The alert changed between reading and writing it (a scan refreshed it): try again."""
