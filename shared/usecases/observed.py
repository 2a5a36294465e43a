"""Small hooks the runtime's use cases call where events happen: decision metrics, the scheduler's lag, and the
volume check that runs within every tick (so a flood is caught within a minute, not at the next scan)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aws_lambda_powertools import Logger

from shared.domain.engine.decision import Decision, DecisionKind
from shared.ports import Metrics
from shared.usecases.alerts import check_volume
from shared.usecases.runtime import Runtime

logger = Logger(child=True)
STOPPED_ON_PAYMENT = "balance_cleared"


def decision_metrics(metrics: Metrics, decision: Decision) -> None:
    if decision.kind is DecisionKind.PAUSE:
        metrics.count("RunsPaused")
    elif decision.kind is DecisionKind.STOP and decision.reason == STOPPED_ON_PAYMENT:
        metrics.count("RunsStoppedOnPayment")


def scheduler_lag(metrics: Metrics, now: datetime, not_resumed: Sequence[str]) -> None:
    """SchedulerLagSeconds: age of the oldest due run the tick did not resume (0 when none)."""
    oldest = min((datetime.fromisoformat(at.replace("Z", "+00:00")) for at in not_resumed), default=now)
    metrics.seconds("SchedulerLagSeconds", max(0.0, (now - oldest).total_seconds()))


def check_volume_in_tick(rt: Runtime, tenant_id: str) -> None:
    """The unusual-volume detector (and circuit breaker) for one tenant; never fails the tick."""
    tenant = rt.ledger.tenant(tenant_id)
    if tenant is None:
        return
    try:
        check_volume(rt, tenant)
    except Exception:  # an alerting problem must never stop the scheduler resuming runs
        logger.exception("volume check failed", extra={"tenant_id": tenant_id})
