"""Workflow health alerts: run the detectors over the tenant's data, reconcile with the stored alerts (raise new
causes, refresh known ones, resolve those whose condition cleared), and the people's transitions.

Scopes: lint alerts on every workflow save and in the scan; volume in the scheduler tick (and the scan); the
message and run detectors in the scan; a message that could not be sent raises its alert at once (act).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger

from shared.domain.alerts import Alert, AlertKind, Candidate, reconcile, resolve
from shared.domain.alerts.lints import lint_alerts
from shared.domain.alerts.messages import (
    DUPLICATE_LOOKBACK,
    deliverability,
    duplicate_emails,
    send_failed,
    send_failures,
)
from shared.domain.alerts.runs import stuck_runs
from shared.domain.alerts.volume import HISTORY_DAYS, VolumeThresholds, unusual_volume
from shared.domain.calendar import local_date
from shared.domain.engine.progress import ActionOutcome
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.nodes import MESSAGE_NODES, SendSms
from shared.usecases.runtime import AlertPorts, Runtime

logger = Logger(child=True)
SCANNED = frozenset(
    {
        AlertKind.WORKFLOW_LINT,
        AlertKind.DUPLICATE_EMAILS,
        AlertKind.DELIVERABILITY,
        AlertKind.SEND_FAILED,
        AlertKind.STUCK_RUNS,
        AlertKind.UNUSUAL_VOLUME,
    }
)
HOLD_RECHECK = timedelta(minutes=15)  # a held send looks at its breaker again this often


def apply(rt: Runtime, tenant_id: str, found: Sequence[Candidate], in_scope: Callable[[Alert], bool]) -> list[Alert]:
    """Write what ``reconcile`` plans; returns the alerts raised now. A write that loses a race is skipped (the
    winner wrote the same cause)."""
    repo, now = rt.alerts.alerts, rt.clock.now()
    plan = reconcile(tenant_id, repo.all(tenant_id), found, in_scope)
    raised = []
    for candidate, previous in plan.raise_:
        alert = Alert.raised(tenant_id, candidate, now, previous)
        if repo.write(alert, previous):
            raised.append(alert)
            rt.metrics.count("AlertsRaised")
            logger.info("alert raised", extra={"alert_id": alert.id, "kind": alert.kind.value, "cause": alert.cause})
    for current, candidate in plan.refresh:
        repo.write(current.refreshed(candidate, now), current)
    for current in plan.resolve:
        if repo.write(resolve(current, now), current):
            logger.info("alert resolved", extra={"alert_id": current.id, "kind": current.kind.value})
    return raised


def _kinds(*kinds: AlertKind) -> Callable[[Alert], bool]:
    return lambda alert: alert.kind in kinds


def on_workflows_changed(rt: Runtime, tenant_id: str) -> list[Alert]:
    """After a save, activation or deactivation: lint alerts match the active workflows' lints."""
    return apply(rt, tenant_id, lint_alerts(rt.workflows.all(tenant_id)), _kinds(AlertKind.WORKFLOW_LINT))


def check_volume(rt: Runtime, tenant: TenantSettings) -> list[Alert]:
    """Unusual volume per workflow and tenant; with the circuit breaker on, trip the workflows concerned."""
    now, settings = rt.clock.now(), tenant.alerts
    sends = rt.alerts.sent.hourly_sends(tenant.tenant_id, now - timedelta(days=HISTORY_DAYS + 1), now)
    thresholds = VolumeThresholds(settings.volume_multiplier, settings.volume_min_daily, settings.volume_min_hourly)
    found = unusual_volume(sends, now, tenant.timezone, thresholds)
    raised = apply(rt, tenant.tenant_id, found, _kinds(AlertKind.UNUSUAL_VOLUME))
    if settings.circuit_breaker:
        day = local_date(now, tenant.timezone).isoformat()
        for candidate in found:
            if candidate.workflow_id is not None:
                tripped = rt.alerts.alerts.trip(
                    tenant.tenant_id, candidate.workflow_id, day, candidate.alert_id(tenant.tenant_id), now
                )
                if tripped:
                    logger.warning("circuit breaker tripped", extra={"workflow_id": candidate.workflow_id})
    return raised


def scan(rt: Runtime, tenant_id: str) -> dict[str, int]:
    """Every detector over the tenant's data; returns counts by what happened."""
    tenant: TenantSettings | None = rt.ledger.tenant(tenant_id)
    if tenant is None:
        return {"raised": 0, "active": 0}
    now, settings, ports = rt.clock.now(), tenant.alerts, rt.alerts
    window = timedelta(days=settings.deliverability_window_days)
    messages = ports.sent.messages(tenant_id, now - max(window, DUPLICATE_LOOKBACK), now)
    runs = _with_execution_status(ports, ports.alerts.active_runs(tenant_id))
    found = [
        *lint_alerts(rt.workflows.all(tenant_id)),
        *duplicate_emails(messages, now, timedelta(hours=settings.duplicate_span_hours)),
        *deliverability(messages, now, window),
        *send_failures(messages, now, DUPLICATE_LOOKBACK),
        *stuck_runs(runs, now, timedelta(minutes=settings.stuck_after_minutes)),
    ]
    kinds = SCANNED - {AlertKind.UNUSUAL_VOLUME}
    raised = apply(rt, tenant_id, found, lambda a: a.kind in kinds)
    raised += check_volume(rt, tenant)
    active = [a for a in ports.alerts.all(tenant_id) if a.status.is_active]
    return {"raised": len(raised), "active": len(active)}


def _with_execution_status(ports: AlertPorts, runs: Iterable[Any]) -> list[Any]:
    """Ask Step Functions only about the runs that are not parked (the few that may have failed)."""
    found = []
    for run in runs:
        if not run.failed and run.parking != "WAITING":
            run = replace(run, execution_status=ports.executions.of(run.run_id, run.generation))
        found.append(run)
    return found


def on_send_failed(
    rt: Runtime, tenant_id: str, workflow_id: str, node_id: str, channel: str, key: str, note: str
) -> None:
    """A message could not be sent (it also left a task): raise or refresh its step's alert now."""
    current = rt.alerts.alerts.get(tenant_id, send_failed(workflow_id, node_id, channel, [], []).alert_id(tenant_id))
    refs = [*(current.refs if current and current.status.is_active else ()), key]
    reasons = [note, *([current.detail] if current and current.status.is_active else [])]
    candidate = send_failed(workflow_id, node_id, channel, sorted(set(refs)), reasons)
    apply(rt, tenant_id, [candidate], lambda _: False)


def circuit_hold(
    rt: Runtime, tenant: TenantSettings, workflow_id: str, now: datetime
) -> tuple[ActionOutcome, dict[str, Any]] | None:
    """The act step's outcome while the workflow's breaker is tripped: deferred (never dropped), else None."""
    if not tenant.alerts.circuit_breaker:
        return None
    breaker = rt.alerts.alerts.breaker(tenant.tenant_id, workflow_id)
    if breaker is None or breaker.get("state") != "TRIPPED":
        return None
    note = "held by the circuit breaker: unusual volume, waiting for a person to confirm"
    return "deferred", {"retry_at": (now + HOLD_RECHECK).isoformat(), "note": note}


def after_message(rt: Runtime, run: Any, node: Any, key: str, outcome: str, detail: dict[str, Any]) -> None:
    """After the act step performed a node: a message that could not be sent raises its step's alert."""
    if outcome != "failed_permanent" or not isinstance(node, MESSAGE_NODES):
        return
    channel = "sms" if isinstance(node, SendSms) else "email"
    on_send_failed(rt, run.tenant_id, run.workflow_id, node.id, channel, key, str(detail.get("note", "")))
