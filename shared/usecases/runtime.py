"""The ports a use case works with, gathered once per Lambda container (or per local runtime)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from shared.clock import Clock
from shared.domain.engine.run import RunState
from shared.events.contracts import DomainEvent


class PublisherPort(Protocol):
    def publish(self, events: Sequence[DomainEvent]) -> None: ...


class SecretsPort(Protocol):
    def for_tenant(self, tenant_id: str) -> tuple[str, ...]: ...


class ExecutionsPort(Protocol):
    def start(self, run: RunState) -> str: ...

    def resume(self, task_token: str, payload: dict[str, Any]) -> bool: ...

    def stop(self, run: RunState) -> bool: ...

    def status(self, run: RunState) -> str | None: ...


@dataclass
class Runtime:
    runs: Any  # RunRepository
    workflows: Any  # WorkflowRepository
    ledger: Any  # LedgerRepository
    executions: ExecutionsPort
    clock: Clock
    actions: Any = None  # ActionLog
    messenger: Any = None  # composes and sends email and SMS (shared.usecases.messages)
    sweeper: Any = None  # invokes the sweep function asynchronously (shared.adapters.lambda_invoke.Invoker)
    publisher: PublisherPort | None = None  # domain events onto the bus (shared.adapters.eventbridge)
    secrets: SecretsPort | None = None  # tenants' webhook secrets (shared.adapters.secrets)
