"""Alerts: what a detector finds (a ``Candidate``) and what the tenant sees (an ``Alert``, with its lifecycle).

One open alert per cause: an alert's id is derived from the tenant, the kind and the cause, so a detector that
finds the same problem again refreshes the alert instead of raising a second one.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class AlertKind(StrEnum):
    WORKFLOW_LINT = "workflow_lint"
    DUPLICATE_EMAILS = "duplicate_emails"
    UNUSUAL_VOLUME = "unusual_volume"
    DELIVERABILITY = "deliverability"
    SEND_FAILED = "send_failed"
    STUCK_RUNS = "stuck_runs"


class AlertLevel(StrEnum):
    """Kolleno's colours: red needs action now, yellow soon, blue is for information."""

    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"


LEVEL_ORDER = {AlertLevel.RED: 0, AlertLevel.YELLOW: 1, AlertLevel.BLUE: 2}


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    IGNORED = "ignored"
    RESOLVED = "resolved"

    @property
    def is_active(self) -> bool:
        """Still about a present condition (a person may have seen it)."""
        return self is not AlertStatus.RESOLVED


class Candidate(BaseModel):
    """A problem a detector found now; ``cause`` identifies it stably across evaluations."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: AlertKind
    cause: str = Field(min_length=1)
    workflow_id: str | None = None
    level: AlertLevel
    title: str
    detail: str = ""
    action: str = Field(default="", description="the recommended action")
    refs: tuple[str, ...] = Field(default=(), description="messages, runs or lints concerned (at most 50)")
    addresses: tuple[str, ...] = ()

    def alert_id(self, tenant_id: str) -> str:
        return alert_id(tenant_id, self.kind, self.cause)


def alert_id(tenant_id: str, kind: AlertKind, cause: str) -> str:
    """Deterministic: the same cause always maps to the same alert."""
    return "al_" + hashlib.sha256(f"{tenant_id}|{kind.value}|{cause}".encode()).hexdigest()[:24]


class Alert(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    tenant_id: str
    id: str
    kind: AlertKind
    cause: str
    workflow_id: str | None = None
    level: AlertLevel
    title: str
    detail: str = ""
    action: str = ""
    refs: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    status: AlertStatus = AlertStatus.OPEN
    raised_at: AwareDatetime
    last_seen_at: AwareDatetime
    changed_at: AwareDatetime
    resolved_at: AwareDatetime | None = None
    note: str = Field(default="", description="why it was ignored, or who acknowledged it")
    occurrences: int = Field(default=1, description="how many times the cause was raised again after resolving")
    revision: int = Field(default=0, description="optimistic concurrency: every stored change increments it")

    @classmethod
    def raised(cls, tenant_id: str, candidate: Candidate, now: datetime, previous: Alert | None = None) -> Alert:
        """A new alert for ``candidate`` (``previous``: the same cause's resolved alert, which it replaces)."""
        return cls.model_validate(
            {
                "tenant_id": tenant_id,
                "id": candidate.alert_id(tenant_id),
                **_fields(candidate),
                "raised_at": now,
                "last_seen_at": now,
                "changed_at": now,
                "occurrences": previous.occurrences + 1 if previous else 1,
                "revision": previous.revision + 1 if previous else 0,
            }
        )

    def refreshed(self, candidate: Candidate, now: datetime) -> Alert:
        """The same cause seen again: newest facts, same status."""
        return self.model_copy(update={**_fields(candidate), "last_seen_at": now, "revision": self.revision + 1})


def _fields(candidate: Candidate) -> dict[str, object]:
    return {
        "kind": candidate.kind,
        "cause": candidate.cause,
        "workflow_id": candidate.workflow_id,
        "level": candidate.level,
        "title": candidate.title,
        "detail": candidate.detail,
        "action": candidate.action,
        "refs": candidate.refs[:50],
        "addresses": candidate.addresses[:50],
    }
