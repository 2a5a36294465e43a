"""Continue-as-new: the run's next generation gets a new execution; the old one ends, far below Step Functions'
history limit (docs/architecture.md, "One execution per enrolment")."""

from __future__ import annotations

from shared.errors import PermanentError
from shared.platform.payloads import StepPayload
from shared.usecases.runtime import Runtime


def continue_as_new(rt: Runtime, payload: StepPayload) -> StepPayload:
    stored = rt.runs.get(payload.tenant_id, payload.run_id)
    if stored is None:
        raise PermanentError(f"run {payload.run_id} does not exist")
    if stored.state.generation != payload.generation:
        return payload.then("end")  # already continued
    run = stored.state.model_copy(update={"generation": stored.state.generation + 1})
    rt.runs.save(run, revision=stored.revision)
    rt.executions.start(run)
    return payload.then("end", continued_as=run.generation)
