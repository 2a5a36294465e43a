"""An enrolment's run state: where it stands in the graph and since when, as persisted between steps."""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.domain.levels import Level


class RunStatus(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"
    COMPLETED = "completed"
    FAILED = "failed"  # the execution failed on an error its retries did not cure

    @property
    def is_final(self) -> bool:
        return self is not RunStatus.ACTIVE


class Hold(BaseModel):
    """A pause a person put on the run: until an instant, or until resumed when ``until`` is None."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    until: AwareDatetime | None = None
    note: str = ""


StepOutcome = Literal["acted", "skipped", "failed", "retrying", "branched", "waited", "task_done"]


class StepRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    node_id: str
    at: AwareDatetime
    outcome: StepOutcome
    detail: str = ""


class RunState(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant_id: str
    run_id: str
    workflow_id: str
    workflow_version: int
    level: Level
    record_id: str = Field(description="the customer, invoice, contact … the run is about")
    customer_id: str
    invoice_ids: tuple[str, ...] = Field(default=(), description="invoices targeted when the run enrolled")
    status: RunStatus = RunStatus.ACTIVE
    node_id: str
    node_entered_at: AwareDatetime
    enrolled_at: AwareDatetime
    generation: int = Field(default=0, description="continue-as-new count of the execution")
    attempt: int = Field(default=0, description="failed attempts at the current node")
    throttles: int = Field(default=0, description="deferrals at the current node (provider throttling, caps)")
    retry_at: AwareDatetime | None = None
    hold: Hold | None = None
    run_now: bool = False
    task_id: str | None = Field(default=None, description="the task this node waits on (wait for completion)")
    ended_at: AwareDatetime | None = None
    end_reason: str | None = None
    history: tuple[StepRecord, ...] = ()

    def visits(self, node_id: str) -> int:
        """How many times the run has acted on (or skipped) ``node_id`` already: loops revisit nodes."""
        return sum(1 for h in self.history if h.node_id == node_id and h.outcome in ("acted", "skipped", "failed"))


def run_id_for(tenant_id: str, workflow_id: str, record_id: str, occurrence: str) -> str:
    """Deterministic run id: the same enrolment asked for twice gets the same id (and is written once).

    ``occurrence`` is "once" for one-time triggers and the local enrolment day for continuous ones.
    """
    digest = hashlib.sha256(f"{tenant_id}|{workflow_id}|{record_id}|{occurrence}".encode()).hexdigest()[:16]
    return f"run_{digest}"


def occurrence_for(continuous: bool, day: date) -> str:
    return day.isoformat() if continuous else "once"


def action_key(run: RunState, node_id: str) -> str:
    """Deterministic id of one action: tenant, run, generation, node and visit. Retries reuse it."""
    parts = f"{run.tenant_id}|{run.run_id}|{run.generation}|{node_id}|{run.visits(node_id)}"
    return "act_" + hashlib.sha256(parts.encode()).hexdigest()[:24]
