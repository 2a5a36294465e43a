"""The composition root: the ports every handler uses, built once per container from real adapters only.

Tests and the local runtime replace some of them with ``override`` (a simulated clock, an in-process state
machine, an SMS outbox in place of End User Messaging, which moto lacks, metrics that go nowhere); nothing here
knows those stand-ins."""

from __future__ import annotations

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from functions.env import Settings, settings
from shared.adapters.dynamodb.actions import ActionLog
from shared.adapters.dynamodb.alerts import AlertRepository
from shared.adapters.dynamodb.cache import clear_all
from shared.adapters.dynamodb.consents import ConsentRepository
from shared.adapters.dynamodb.ledger import LedgerRepository
from shared.adapters.dynamodb.runs import RunRepository
from shared.adapters.dynamodb.sent_log import SentLog
from shared.adapters.dynamodb.templates import TemplateRepository
from shared.adapters.dynamodb.workflows import WorkflowRepository
from shared.adapters.eventbridge import EventPublisher
from shared.adapters.lambda_invoke import Invoker
from shared.adapters.metrics import PowertoolsMetrics
from shared.adapters.secrets import WebhookSecrets
from shared.adapters.ses import SesMailer
from shared.adapters.sms import EndUserMessagingSms
from shared.adapters.stepfunctions import Executions as StepFunctionsExecutions
from shared.clock import SystemClock
from shared.domain.ledger.models import Channel
from shared.ports import Clock, Executions, Metrics, SmsSender
from shared.usecases.messaging import EmailChannel, Messenger, SmsChannel
from shared.usecases.runtime import AlertPorts, Runtime

_runtime: Runtime | None = None
_idempotency_store: DynamoDBPersistenceLayer | None = None
_clock: Clock | None = None
_executions: Executions | None = None
_texter: SmsSender | None = None
_metrics: Metrics | None = None


def runtime() -> Runtime:
    """The container's ports, built at the first call."""
    global _runtime
    if _runtime is None:
        _runtime = build(settings())
    return _runtime


def build(config: Settings) -> Runtime:
    """Every port from ``config``, real adapters but for the overrides (the CLI builds one for its own tables)."""
    metrics = _metrics if _metrics is not None else PowertoolsMetrics()
    ledger = LedgerRepository(config.ledger_table, config.core_table, metrics)
    templates = TemplateRepository(config.core_table)
    actions = ActionLog(config.core_table)
    mailer = SesMailer(config.ses_configuration_set)
    texter = (
        _texter
        if _texter is not None
        else EndUserMessagingSms(config.sms_configuration_set, config.sms_origination_identity)
    )
    executions = _executions if _executions is not None else StepFunctionsExecutions(config.state_machine_arn)
    return Runtime(
        runs=RunRepository(config.core_table),
        workflows=WorkflowRepository(config.core_table),
        ledger=ledger,
        templates=templates,
        executions=executions,
        clock=_clock if _clock is not None else SystemClock(),
        actions=actions,
        sweeper=Invoker(config.sweep_function_arn),
        publisher=EventPublisher(config.event_bus_name),
        secrets=WebhookSecrets(config.stage),
        messenger=Messenger(
            templates=templates,
            ledger=ledger,
            consents=ConsentRepository(config.core_table),
            channels={Channel.EMAIL: EmailChannel(mailer), Channel.SMS: SmsChannel(texter, actions)},
        ),
        alerts=AlertPorts(
            alerts=AlertRepository(config.core_table),
            sent=SentLog(config.core_table, metrics),
            executions=executions,
            mailer=mailer,
        ),
        metrics=metrics,
    )


def idempotency_store() -> DynamoDBPersistenceLayer:
    """Powertools' record of handled events on the idempotency table (its client is built once per container)."""
    global _idempotency_store
    if _idempotency_store is None:
        _idempotency_store = DynamoDBPersistenceLayer(table_name=settings().idempotency_table)
    return _idempotency_store


def override(
    *,
    clock: Clock | None = None,
    executions: Executions | None = None,
    texter: SmsSender | None = None,
    metrics: Metrics | None = None,
) -> None:
    """Forget built ports; the next ``runtime()`` uses the ports given here in place of the real ones, and the real
    ones for the rest. Each call replaces every earlier override (``override()`` restores the real ports)."""
    global _runtime, _clock, _idempotency_store, _executions, _texter, _metrics
    _runtime, _clock, _idempotency_store = None, clock, None
    _executions, _texter, _metrics = executions, texter, metrics
    clear_all()
    settings.cache_clear()
