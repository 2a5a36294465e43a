"""Narrow patches that make moto a complete local AWS for Chaseflow (written for moto 5.2.5, the pinned version).

1. ``LambdaFunction._invoke_lambda`` runs the function's Python handler in-process. moto 5.2.5 runs Lambda code
   only in Docker (``lambda.use_docker: False`` merely echoes the payload), so without this no handler runs on
   ``lambda.invoke``, Step Functions Lambda tasks, SNS subscriptions or SQS/DynamoDB-stream mappings. A handler's
   exception becomes ``FunctionError: Handled`` with ``errorType`` = its class name, which Step Functions
   Retry/Catch match, as on AWS. Handlers run one at a time (``os.environ`` is process-wide). Drop when moto can
   run a Python handler without Docker.
2. ``Rule.send_to_targets`` delivers to Lambda and Step Functions rule targets. moto 5.2.5 raises
   ``NotImplementedError`` for them (SFN: getmoto/moto#8452, PR #9132 not in 5.2.5), delivers to DISABLED
   rules, and ignores target dead-letter queues. The patch skips DISABLED rules, sends the AWS envelope
   (``account`` included, ISO ``time``, no ``ingestion-time``) or the target's ``Input``/``InputTransformer``
   output, and puts failed events on the target's ``DeadLetterConfig`` queue with the ERROR_CODE, ERROR_MESSAGE,
   RULE_ARN and TARGET_ARN attributes. Simplification: AWS invokes the Lambda asynchronously, so a handler error
   reaches the function's own on-failure destination (after 2 retries), not the rule's DLQ; here it goes to the
   rule's DLQ so that tests see it. No retries, no ``RetryPolicy``. Other targets (SQS, logs, buses, archives) go
   to moto's original, unchanged. Drop when moto delivers Lambda/SFN targets and checks the rule state.
3. ``ReadCache``'s methods wait until no handler runs. The per-container read caches have no lock, since a Lambda
   container serves one invocation at a time; in this process a test's or the CLI's own thread reads them too,
   beside the threads moto runs executions on. Not a moto gap: it stays while handlers share a process.
"""

import contextlib
import copy
import importlib
import json
import logging
import os
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from moto.awslambda.models import LambdaFunction
from moto.awslambda.utils import get_backend as lambda_backend
from moto.events.models import Rule
from moto.events.utils import EventMessageType, EventTemplateParser
from moto.sqs.models import sqs_backends
from moto.stepfunctions.responses import get_backend as stepfunctions_backend

from shared.adapters.dynamodb.cache import ReadCache

logger = logging.getLogger(__name__)
_ENVIRONMENT_LOCK = threading.RLock()  # re-entrant: a handler may invoke another function (or put an event)
_ORIGINALS: dict[str, Any] = {}  # moto's and ReadCache's methods, each of its own signature


def _context(function: LambdaFunction) -> SimpleNamespace:
    """The part of the Lambda context object that handlers and Powertools read."""
    timeout_ms = int(function.timeout) * 1000
    return SimpleNamespace(
        function_name=function.function_name,
        memory_limit_in_mb=int(function.memory_size),
        invoked_function_arn=function.function_arn,
        aws_request_id=str(uuid.uuid4()),
        get_remaining_time_in_millis=lambda: timeout_ms,
    )


def _invoke_in_process(self: LambdaFunction, event: str | None = None) -> tuple[str, bool, str]:
    """Replacement for ``LambdaFunction._invoke_lambda``: ``(payload, errored, logs)``."""
    module_name, _, attribute = str(self.handler).rpartition(".")
    context = _context(self)
    fields = {"function_name": self.function_name, "handler": self.handler, "aws_request_id": context.aws_request_id}
    logger.debug("lambda invoked in-process", extra=fields)
    name, region = self.function_name, self.region  # the variables the Lambda runtime always sets
    runtime = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region, "AWS_LAMBDA_FUNCTION_NAME": name}
    applied = runtime | {key: str(value) for key, value in (self.environment_vars or {}).items()}
    with _ENVIRONMENT_LOCK:
        saved = {key: os.environ.get(key) for key in applied}
        os.environ.update(applied)
        try:
            handler = getattr(importlib.import_module(module_name), attribute)
            result = handler(json.loads(event) if isinstance(event, str) else event, context)
        except Exception as error:  # the Lambda runtime's error shape: FunctionError "Handled" for the caller
            stack = traceback.format_tb(error.__traceback__)[1:]  # from the handler down, as on AWS
            body = {"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": stack}
            return json.dumps(body), True, traceback.format_exc()
        finally:  # only the keys set here, one by one: others may change the environment meanwhile
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return json.dumps(result, default=str), False, ""


def _envelope(event: EventMessageType) -> dict[str, object]:
    """The event as AWS delivers it (moto keeps ``time`` in epoch seconds and adds ``ingestion-time``)."""
    envelope = {key: value for key, value in event.items() if key != "ingestion-time"}
    moment = envelope.get("time")
    if isinstance(moment, int | float):
        envelope["time"] = datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return envelope


def _payload(target: dict[str, Any], event: EventMessageType, transform_input: bool) -> object:
    transformer = target.get("InputTransformer")
    if transform_input and "Input" in target:
        return json.loads(target["Input"])
    if transform_input and transformer:
        template, paths = transformer.get("InputTemplate"), transformer.get("InputPathsMap", {})
        return EventTemplateParser.parse(input_template=template, input_paths_map=paths, event=event)
    return _envelope(event)


def _deliver(rule: Rule, target: dict[str, Any], event: EventMessageType, transform_input: bool) -> None:
    arn = target["Arn"]
    _, _, service, region, account, *_ = arn.split(":")
    body = json.dumps(_payload(target, event, transform_input))
    try:
        if service == "states":
            stepfunctions_backend(account, region).start_execution(arn, name=event["id"], execution_input=body)
            return
        headers: dict[str, str] = {}
        result = lambda_backend(account, region).invoke(arn, None, body, {"x-amz-invocation-type": "Event"}, headers)
    except Exception as error:  # no such function or state machine, duplicate execution name...
        code = getattr(error, "error_type", None) or type(error).__name__
        _dead_letter(rule, target, event, code, getattr(error, "message", None) or str(error))
        return
    if "x-amz-function-error" in headers:
        failure = json.loads(result or "{}")
        _dead_letter(rule, target, event, failure.get("errorType", "Unhandled"), failure.get("errorMessage", ""))


def _dead_letter(rule: Rule, target: dict[str, Any], event: EventMessageType, code: str, message: str) -> None:
    message, queue_arn = message or code, target.get("DeadLetterConfig", {}).get("Arn")
    fields = {"rule_arn": rule.arn, "target_arn": target["Arn"], "error_code": code, "error_message": message}
    if not queue_arn:
        logger.error("event bridge target failed, no dead-letter queue: event dropped", extra=fields)
        return
    attributes = {"ERROR_CODE": code, "ERROR_MESSAGE": message, "RULE_ARN": rule.arn, "TARGET_ARN": target["Arn"]}
    _, _, _, region, account, queue_name = queue_arn.split(":")
    try:
        typed = {name: {"DataType": "String", "StringValue": value} for name, value in attributes.items()}
        sqs_backends[account][region].send_message(queue_name, json.dumps(_envelope(event)), typed)
    except Exception:  # AWS counts these as InvocationsFailedToBeSentToDLQ; it never fails PutEvents
        logger.exception("event bridge dead-letter queue unusable", extra=fields | {"queue_arn": queue_arn})
        return
    logger.warning("event bridge target failed: event sent to its dead-letter queue", extra=fields)


def _send_to_targets(self: Rule, original_event: EventMessageType, transform_input: bool = True) -> None:
    """Replacement for ``Rule.send_to_targets``: Lambda and Step Functions targets here, the rest to moto."""
    ours = [target for target in self.targets if target["Arn"].split(":")[2] in ("lambda", "states")]
    if ours and self.state != "DISABLED" and self.event_pattern.matches_event(original_event):
        for target in ours:
            _deliver(self, target, original_event, transform_input)
    if len(ours) < len(self.targets):
        others = copy.copy(self)  # never mutate the shared rule: put_events runs on several threads
        others.targets = [target for target in self.targets if target not in ours]
        _ORIGINALS["Rule.send_to_targets"](others, original_event, transform_input)


def _between_handlers(name: str) -> Callable[..., object]:
    """``ReadCache.<name>``, called only while no handler runs (re-entrant: a handler's own calls go straight in)."""

    def method(self: ReadCache, *args: object) -> object:
        with _ENVIRONMENT_LOCK:
            return _ORIGINALS[f"ReadCache.{name}"](self, *args)

    return method


_PATCHES = (
    (LambdaFunction, "_invoke_lambda", _invoke_in_process),
    (Rule, "send_to_targets", _send_to_targets),
    *((ReadCache, name, _between_handlers(name)) for name in ("get", "forget", "clear")),
)


def _key(owner: type, name: str) -> str:
    return f"{owner.__name__}.{name}"


def apply() -> None:
    """Install the patches; applying twice is harmless."""
    for owner, name, replacement in _PATCHES:
        if _key(owner, name) not in _ORIGINALS:
            _ORIGINALS[_key(owner, name)] = owner.__dict__[name]
            setattr(owner, name, replacement)


def applied() -> bool:
    return bool(_ORIGINALS)


def remove() -> None:
    """Restore moto's original methods (a no-op when the patches are not applied)."""
    for owner, name, _ in _PATCHES:
        if _key(owner, name) in _ORIGINALS:
            setattr(owner, name, _ORIGINALS.pop(_key(owner, name)))


@contextlib.contextmanager
def patched() -> Iterator[None]:
    """Apply the patches for the block; leave them in place if they were already applied (nesting is safe)."""
    already_applied = bool(_ORIGINALS)
    apply()
    try:
        yield
    finally:
        if not already_applied:
            remove()


@contextlib.contextmanager
def handlers_quiet() -> Iterator[None]:
    """No in-process handler runs while the block holds this (the local runtime snapshots its tables here, so a
    snapshot never holds half of one invocation's writes)."""
    with _ENVIRONMENT_LOCK:
        yield
