"""The ports a use case works with, gathered once per Lambda container (``functions.wiring``), per local runtime
(``emulator``) or per test (``tests.fakes``)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.ports import (
    ActionMarkers,
    AlertStore,
    Clock,
    Executions,
    LedgerStore,
    Mailer,
    Metrics,
    Publisher,
    RunStore,
    Secrets,
    SentMessages,
    Sweeper,
    TemplateStore,
    WorkflowStore,
)
from shared.usecases.messaging import Messenger


@dataclass(frozen=True)
class AlertPorts:
    alerts: AlertStore
    sent: SentMessages
    executions: Executions  # its ``of``: a run whose execution ended is stuck
    mailer: Mailer  # the daily digest


@dataclass
class Runtime:
    runs: RunStore
    workflows: WorkflowStore
    ledger: LedgerStore
    templates: TemplateStore
    executions: Executions
    clock: Clock
    actions: ActionMarkers
    messenger: Messenger  # composes and sends email and SMS
    sweeper: Sweeper  # starts a sweep shard asynchronously
    publisher: Publisher  # domain events onto the bus
    secrets: Secrets  # tenants' webhook secrets
    alerts: AlertPorts
    metrics: Metrics
