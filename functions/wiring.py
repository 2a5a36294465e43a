"""The composition root: the ports every handler uses, built once per container from real adapters only.

Tests and the local runtime replace some of them with ``override`` (a simulated clock, an in-process state
machine, an SMS outbox in place of End User Messaging, which moto lacks); nothing here knows those fakes."""

from __future__ import annotations

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from functions.env import settings
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
from shared.adapters.secrets import WebhookSecrets
from shared.adapters.ses import SesMailer
from shared.adapters.sms import EndUserMessagingSms, SmsSender
from shared.adapters.stepfunctions import Executions
from shared.clock import Clock, SystemClock
from shared.usecases.alerts import AlertPorts
from shared.usecases.messages import Messenger
from shared.usecases.runtime import ExecutionsPort, Runtime

_runtime: Runtime | None = None
_idempotency_store: DynamoDBPersistenceLayer | None = None
_clock: Clock | None = None
_executions: ExecutionsPort | None = None
_texter: SmsSender | None = None


def runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        config = settings()
        ledger = LedgerRepository(config.ledger_table, config.core_table)
        actions = ActionLog(config.core_table)
        mailer = SesMailer(config.ses_configuration_set)
        _runtime = Runtime(
            runs=RunRepository(config.core_table),
            workflows=WorkflowRepository(config.core_table),
            ledger=ledger,
            executions=_executions if _executions is not None else Executions(config.state_machine_arn),
            clock=_clock if _clock is not None else SystemClock(),
            actions=actions,
            sweeper=Invoker(config.sweep_function_arn),
            publisher=EventPublisher(config.event_bus_name),
            secrets=WebhookSecrets(config.stage),
            messenger=Messenger(
                templates=TemplateRepository(config.core_table),
                ledger=ledger,
                mailer=mailer,
                texter=_texter if _texter is not None else _end_user_messaging(),
                consents=ConsentRepository(config.core_table),
                actions=actions,
            ),
            alerts=AlertPorts(
                alerts=AlertRepository(config.core_table),
                sent=SentLog(config.core_table),
                executions=_executions if _executions is not None else Executions(config.state_machine_arn),
                mailer=mailer,
            ),
        )
    return _runtime


def _end_user_messaging() -> SmsSender:
    config = settings()
    return EndUserMessagingSms(config.sms_configuration_set, config.sms_origination_identity)


def idempotency_store() -> DynamoDBPersistenceLayer:
    """Powertools' record of handled events on the idempotency table (its client is built once per container)."""
    global _idempotency_store
    if _idempotency_store is None:
        _idempotency_store = DynamoDBPersistenceLayer(table_name=settings().idempotency_table)
    return _idempotency_store


def override(
    *, clock: Clock | None = None, executions: ExecutionsPort | None = None, texter: SmsSender | None = None
) -> None:
    """Forget built ports; the next ``runtime()`` uses the ports given here in place of the real ones, and the real
    ones for the rest. Each call replaces every earlier override (``override()`` restores the real ports)."""
    global _runtime, _clock, _idempotency_store, _executions, _texter
    _runtime, _clock, _idempotency_store, _executions, _texter = None, clock, None, executions, texter
    clear_all()
    settings.cache_clear()
