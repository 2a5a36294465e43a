"""The scheduler tick: resume the runs parked until a time that has come."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from shared.usecases.enrol import resume
from shared.usecases.runtime import Runtime

logger = Logger(child=True)


def tick(rt: Runtime, tenant_ids: list[str] | None = None) -> int:
    """Resume every due run of the tenants (all registered tenants when None); returns how many."""
    now = rt.clock.now()
    resumed = 0
    for tenant_id in tenant_ids if tenant_ids is not None else rt.ledger.tenant_ids():
        for stored in rt.runs.due(tenant_id, now):
            if resume(rt, tenant_id, stored.state.run_id):
                resumed += 1
    logger.info("tick", extra={"resumed": resumed, "now": now.isoformat()})
    return resumed
