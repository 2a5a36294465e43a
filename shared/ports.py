"""Every port of the runtime: what the use cases need from the outside world, as ``typing.Protocol`` classes, and
the values that cross them.

The adapters in ``shared.adapters`` implement these against AWS; ``tests.fakes`` implements them in memory, and
one contract suite runs against both. The use cases import this module, never an adapter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from shared.domain.alerts import Alert
from shared.domain.alerts.runs import RunSnapshot
from shared.domain.engine.run import RunState
from shared.domain.ledger.models import Channel, Communication, LedgerRecord
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import TriggerType
from shared.domain.messaging.consent import ConsentSource, ConsentState, InboundIntent
from shared.domain.templates import Template, TemplateSettings
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.events.contracts import DomainEvent

# --- values that cross the ports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredRun:
    """A run as stored: its state and the parking fields the state machine and the scheduler share."""

    state: RunState
    parking: str | None
    task_token: str | None
    next_run_at: str | None
    revision: int = 0


@dataclass(frozen=True)
class OutgoingEmail:
    sender: str
    to: tuple[str, ...]
    subject: str
    html: str | None
    text: str | None
    cc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutgoingSms:
    to_e164: str
    body: str
    context: dict[str, str] = field(default_factory=dict)


# --- storage ----------------------------------------------------------------------------------------------------


class RunStore(Protocol):
    """Runs, their parking fields and enrolment markers (``shared.adapters.dynamodb.runs``)."""

    def create(self, run: RunState, *, once: bool) -> bool: ...

    def get(self, tenant_id: str, run_id: str) -> StoredRun | None: ...

    def save(
        self, run: RunState, *, revision: int, parking: str | None = None, next_run_at: datetime | None = None
    ) -> None: ...

    def claim_resume(self, run: StoredRun, lease_until: datetime) -> bool: ...

    def extend_lease(self, run: StoredRun, lease_until: datetime) -> bool: ...

    def due(self, tenant_id: str, now: datetime, limit: int = 500) -> list[StoredRun]: ...

    def mark_swept(self, tenant_id: str, workflow_id: str, day: str) -> bool: ...

    def of_customer(self, tenant_id: str, customer_id: str) -> list[RunState]: ...

    def of_workflow(self, tenant_id: str, workflow_id: str) -> list[StoredRun]: ...

    def update_state(self, run: RunState, *, revision: int, next_run_at: datetime | None = None) -> None: ...

    def reopen(self, run: RunState, *, revision: int) -> bool: ...

    def reschedule(self, run: StoredRun, new_time: datetime) -> bool: ...


class WorkflowStore(Protocol):
    """Workflows and their immutable versions (``shared.adapters.dynamodb.workflows``)."""

    def save(self, tenant_id: str, workflow: Workflow) -> Workflow: ...

    def current(self, tenant_id: str, workflow_id: str) -> Workflow | None: ...

    def version(self, tenant_id: str, workflow_id: str, version: int) -> Workflow | None: ...

    def active(self, tenant_id: str, trigger: TriggerType | None = None) -> list[Workflow]: ...

    def all(self, tenant_id: str) -> list[Workflow]: ...


class LedgerStore(Protocol):
    """The mirror of the ERP's ledger and the tenants' settings (``shared.adapters.dynamodb.ledger``)."""

    def put(self, record: LedgerRecord, *, force: bool = False, announces: tuple[str, ...] = ()) -> bool: ...

    def get(self, tenant_id: str, kind: str, record_id: str) -> LedgerRecord | None: ...

    def get_stored(self, tenant_id: str, kind: str, record_id: str) -> tuple[LedgerRecord | None, tuple[str, ...]]: ...

    def view(self, tenant_id: str, customer_id: str, *, with_members: bool = False) -> CustomerLedger | None: ...

    def children(self, tenant_id: str, customer_id: str) -> list[str]: ...

    def customer_ids(self, tenant_id: str) -> list[str]: ...

    def tenant(self, tenant_id: str) -> TenantSettings | None: ...

    def put_tenant(self, settings: TenantSettings) -> None: ...

    def tenant_ids(self) -> list[str]: ...


class TemplateStore(Protocol):
    """Message templates and the tenant's template settings (``shared.adapters.dynamodb.templates``)."""

    def save(self, tenant_id: str, template: Template) -> Template: ...

    def get(self, tenant_id: str, template_id: str) -> Template | None: ...

    def settings(self, tenant_id: str) -> TemplateSettings: ...

    def put_settings(self, tenant_id: str, settings: TemplateSettings) -> None: ...


class ActionMarkers(Protocol):
    """Exactly-once markers, one per side effect (``shared.adapters.dynamodb.actions``)."""

    def claim(
        self, tenant_id: str, action_key: str, run_id: str, node_id: str, now: datetime
    ) -> dict[str, Any] | None: ...

    def complete(self, tenant_id: str, action_key: str, outcome: str, detail: dict[str, Any]) -> None: ...


class ConsentRegistry(Protocol):
    """The opt-out registry (``shared.adapters.dynamodb.consents``)."""

    def get(self, tenant_id: str, channel: Channel, address: str) -> ConsentState | None: ...

    def states(self, tenant_id: str, channel: Channel, addresses: Iterable[str]) -> list[ConsentState]: ...

    def record(
        self, tenant_id: str, channel: Channel, address: str, choice: InboundIntent, at: datetime, source: ConsentSource
    ) -> ConsentState: ...


class AlertStore(Protocol):
    """Alerts, circuit breakers and digest markers (``shared.adapters.dynamodb.alerts``)."""

    def all(self, tenant_id: str) -> list[Alert]: ...

    def get(self, tenant_id: str, alert_id: str) -> Alert | None: ...

    def write(self, alert: Alert, replaces: Alert | None) -> bool: ...

    def breaker(self, tenant_id: str, workflow_id: str) -> dict[str, Any] | None: ...

    def trip(self, tenant_id: str, workflow_id: str, day: str, alert_id: str, now: datetime) -> bool: ...

    def confirm(self, tenant_id: str, workflow_id: str, day: str, by: str, now: datetime) -> None: ...

    def mark_digest(self, tenant_id: str, day: str, now: datetime) -> bool: ...

    def release_digest(self, tenant_id: str, day: str) -> None: ...

    def active_runs(self, tenant_id: str) -> list[RunSnapshot]: ...


class SentMessages(Protocol):
    """The alerts' index of messages sent and their hourly counts (``shared.adapters.dynamodb.sent_log``)."""

    def messages(self, tenant_id: str, since: datetime, until: datetime) -> list[Communication]: ...

    def hourly_sends(self, tenant_id: str, since: datetime, until: datetime) -> dict[str, dict[datetime, int]]: ...


# --- time -------------------------------------------------------------------------------------------------------


class Clock(Protocol):
    """The one source of business time (``shared.clock``: the system's, or a fixed one that tests move)."""

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


# --- the outside world -----------------------------------------------------------------------------------------


class Executions(Protocol):
    """One Step Functions execution per run and generation (``shared.adapters.stepfunctions``)."""

    def start(self, run: RunState) -> str: ...

    def resume(self, task_token: str, payload: dict[str, Any]) -> bool: ...

    def stop(self, run: RunState) -> bool: ...

    def status(self, run: RunState) -> str | None: ...

    def of(self, run_id: str, generation: int) -> str | None: ...


class Mailer(Protocol):
    """Sends one email and returns the provider's message id (``shared.adapters.ses``)."""

    def send(self, email: OutgoingEmail) -> str: ...


class SmsSender(Protocol):
    """Sends one text and returns the provider's message id (``shared.adapters.sms``)."""

    def send(self, sms: OutgoingSms) -> str: ...


class Publisher(Protocol):
    """Domain events onto the bus (``shared.adapters.eventbridge``)."""

    def publish(self, events: Sequence[DomainEvent]) -> None: ...


class Secrets(Protocol):
    """The tenants' webhook secrets, newest first (``shared.adapters.secrets``)."""

    def for_tenant(self, tenant_id: str) -> tuple[str, ...]: ...


class Sweeper(Protocol):
    """Starts a sweep shard without waiting for it (``shared.adapters.lambda_invoke``)."""

    def invoke_async(self, payload: dict[str, Any]) -> None: ...


class Metrics(Protocol):
    """Counts and durations (``shared.adapters.metrics``)."""

    def count(self, name: str, value: int = 1) -> None: ...

    def seconds(self, name: str, value: float) -> None: ...


class LetterQueue(Protocol):
    """A dead-letter queue read without consuming it (``shared.adapters.sqs``)."""

    def hold(self) -> list[dict[str, Any]]: ...

    def release(self, messages: Sequence[dict[str, Any]]) -> None: ...

    def delete(self, message: dict[str, Any]) -> None: ...


class Redrive(Protocol):
    """Sends a dead letter back where it failed (``shared.adapters.redrive``)."""

    def put_event(self, bus_name: str, region: str, entry: dict[str, Any]) -> None: ...

    def invoke_async(self, function_arn: str, payload: Any) -> None: ...
