"""The payloads the enrolment state machine passes to its Lambda tasks and gets back: a contract with
``infra/statemachines/enrolment.asl.json`` (a test checks that every path the definition reads or writes is a
field here). Every handler parses its event into one of these at its boundary and returns one.

The sweep function's ``SweepShard`` (from the tick) and the scheduled functions' ``Scheduled`` are here too: every
event a function receives from another of ours, or from a schedule, is a model.

The states pass one ``StepPayload`` along: the execution's input, the loop counter, what ``advance`` decided
(``next``, and the ``action`` to perform), what a resume sent (``resume``) and a caught error (``error``).
``RecordFailure`` builds its own ``FailurePayload``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Next = Literal["act", "park", "end"]


class _Payload(BaseModel):
    # forbid: a field the definition adds that no model names is a contract break, caught by the first test run
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class TaskError(_Payload):
    """What a Catch writes at its ResultPath: the error's name (a Lambda's: the exception class) and cause."""

    error: str = Field(alias="Error")
    cause: str = Field("", alias="Cause")


class ActionRequest(_Payload):
    """What ``advance`` decided to perform, for ``act``."""

    node_id: str
    action_key: str
    invoice_ids: tuple[str, ...] = ()
    decided_at: datetime | None = None


class Resume(_Payload):
    """What a resumer sends with ``SendTaskSuccess`` (Park writes it at ``$.resume``)."""

    action: Literal["run"] = "run"


class StepPayload(_Payload):
    tenant_id: str
    run_id: str
    run_pk: str
    generation: int
    loops: int = 0
    max_loops: int  # continue as new after this many parks (the history limit)
    next: Next | None = None  # Route's choice
    action: ActionRequest | None = None  # with next = act
    resume: Resume | None = None  # after Park
    error: TaskError | None = None  # after Park timed out
    continued_as: int | None = None  # the generation ContinueAsNew started

    def loop(self) -> StepPayload:
        """The execution's own fields only: what a state passes on once a decision has been carried out."""
        return StepPayload(
            tenant_id=self.tenant_id,
            run_id=self.run_id,
            run_pk=self.run_pk,
            generation=self.generation,
            loops=self.loops,
            max_loops=self.max_loops,
        )

    def then(self, next_: Next, **changes: object) -> StepPayload:
        return self.model_copy(update={"next": next_, **changes})


class FailurePayload(_Payload):
    """RecordFailure's own Parameters: the run and the error its retries did not cure."""

    tenant_id: str
    run_id: str
    generation: int
    failure: TaskError
    next: Literal["end"] | None = None


class SweepShard(_Payload):
    """The sweep function's payload: the tick starts one asynchronous invocation per shard of a tenant's customers
    for the continuous workflows due together."""

    tenant_id: str
    workflow_ids: tuple[str, ...]
    day: str  # the tenant's local date the sweep is for (ISO)
    shard: int
    shards: int


class Scheduled(BaseModel):
    """A scheduled function's event: EventBridge's scheduled event, whose fields it does not need, or an operator's
    ``{"tenant_ids": [...]}`` that limits the run to some tenants."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    tenant_ids: list[str] | None = None


def to_output(payload: BaseModel) -> dict[str, Any]:
    """The JSON a task returns (fields never set are left out, so the state data stays small)."""
    return payload.model_dump(mode="json", by_alias=True, exclude_none=True)
