"""What the step evaluator decides, with the trace of every rule that decided it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class DecisionKind(StrEnum):
    ACT = "act"  # perform the node's action now
    WAIT = "wait"  # nothing to do until ``at`` (or until an event, when ``at`` is None)
    PAUSE = "pause"  # a pause rule holds the run until ``at`` (or until it is lifted, when None)
    STOP = "stop"  # end the run early
    COMPLETE = "complete"  # the run went through its graph


@dataclass(frozen=True, slots=True)
class TraceEntry:
    rule: str
    verdict: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.rule}: {self.verdict}" + (f" — {self.detail}" if self.detail else "")


@dataclass(frozen=True, slots=True)
class Passage:
    """A node the evaluator went past without acting: a finished wait, a branch taken, a skipped step."""

    node_id: str
    outcome: str
    detail: str = ""


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    reason: str
    message: str
    node_id: str | None
    node_entered_at: datetime | None = None
    at: datetime | None = None
    invoice_ids: tuple[str, ...] = ()
    action_key: str | None = None
    passed: tuple[Passage, ...] = ()
    trace: tuple[TraceEntry, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def sends(self) -> bool:
        return self.kind is DecisionKind.ACT and self.details.get("node_type") in ("send_email", "send_sms")

    def explain(self) -> list[str]:
        return [str(t) for t in self.trace]
