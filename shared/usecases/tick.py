"""The scheduler tick: resume the runs parked until a time that has come."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from shared.platform.payloads import to_output
from shared.usecases.enrol import resume
from shared.usecases.observed import check_volume_in_tick, scheduler_lag
from shared.usecases.recovery import recover
from shared.usecases.runtime import Runtime
from shared.usecases.sweep import plan

logger = Logger(child=True)


def tick(rt: Runtime, tenant_ids: list[str] | None = None) -> dict[str, int]:
    """Plan the sweeps that are due and resume every due run of the tenants (all registered when None)."""
    now = rt.clock.now()
    tenants = tenant_ids if tenant_ids is not None else rt.ledger.tenant_ids()
    shards = plan(rt, tenants)
    for shard in shards:
        rt.sweeper.invoke_async(to_output(shard))
    resumed, recovered, lagging = 0, 0, []
    for tenant_id in tenants:
        for stored in rt.runs.due(tenant_id, now):
            if stored.parking == "RESUMING":
                recover(rt, stored)
                recovered += 1
            elif resume(rt, tenant_id, stored.state.run_id):
                resumed += 1
            elif stored.next_run_at:
                lagging.append(stored.next_run_at)
        check_volume_in_tick(rt, tenant_id)
    scheduler_lag(rt.metrics, now, lagging)
    logger.info(
        "tick", extra={"resumed": resumed, "recovered": recovered, "sweeps": len(shards), "now": now.isoformat()}
    )
    return {"resumed": resumed, "recovered": recovered, "sweeps": len(shards)}
