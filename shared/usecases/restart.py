"""Restart the enrolments of a runtime whose Step Functions executions are gone (the local runtime after a restart).

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

from shared.usecases.enrol import RESUME_LEASE
from shared.usecases.runtime import Runtime

logger = Logger(child=True)


def restart_unfinished(rt: Runtime) -> list[str]:
    """Start a new execution for every unfinished run; the run ids restarted."""
    restarted = []
    for stored in rt.runs.unfinished():
        if stored.parking == "WAITING":
            rt.runs.claim_resume(stored, rt.clock.now() + RESUME_LEASE)
        rt.executions.start(stored.state)
        restarted.append(stored.state.run_id)
    logger.info("unfinished runs restarted", extra={"restarted": len(restarted)})
    return restarted
