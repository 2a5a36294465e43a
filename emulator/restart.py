"""Restart the enrolments of a local runtime whose Step Functions executions are gone (after a restart).

The run items survived, their executions did not: a parked run's task token names an execution of a process that
no longer exists, so no ``SendTaskSuccess`` can ever wake it. Each unfinished run gets a new execution of its
current generation (the name ``{run_id}-g{generation}`` is free in the new process), which evaluates it now: a
run not yet due parks again until the same time, a run whose time came while nothing ran acts now. The generation
is kept, so the action keys are unchanged and an action already performed is found in the action log, never
repeated. A parked run is first claimed (WAITING → RESUMING, with the usual resume lease), so that no tick or
event spends its dead token meanwhile; should the new execution die too, the tick recovers the run when the lease
ends (``shared.usecases.recovery``), as for any lost resume.

Call only when no execution of these runs can exist (at start, before serving): on a live runtime, starting an
execution that already exists returns the existing one and a claimed run would wait for nobody.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger
from boto3.dynamodb.conditions import Attr

from shared.adapters.dynamodb.client import every_item, table
from shared.ports import StoredRun
from shared.usecases.enrol import RESUME_LEASE
from shared.usecases.runtime import Runtime

logger = Logger(child=True)


def restart_unfinished(rt: Runtime, core_table: str) -> list[str]:
    """Start a new execution for every unfinished run; the run ids restarted."""
    restarted = []
    for stored in unfinished(rt, core_table):
        if stored.parking == "WAITING":
            rt.runs.claim_resume(stored, rt.clock.now() + RESUME_LEASE)
        rt.executions.start(stored.state)
        restarted.append(stored.state.run_id)
    logger.info("unfinished runs restarted", extra={"restarted": len(restarted)})
    return restarted


def unfinished(rt: Runtime, core_table: str) -> list[StoredRun]:
    """Every run of every tenant that has not ended: a filtered scan of the whole table, which only a local runtime
    of a few thousand items can afford (a deployed stack never needs it: its executions do not die with a process)."""
    condition = Attr("sk").eq("RUN") & Attr("status").eq("active")
    items = every_item(table(core_table).scan, FilterExpression=condition)
    found = [rt.runs.get(i["tenant_id"], i["run_id"]) for i in items]
    return [r for r in found if r is not None and not r.state.status.is_final]
