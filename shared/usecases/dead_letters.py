"""Dead letters: see what landed in a dead-letter queue and replay it once the cause is fixed.

Two kinds reach the queue. A rule target's dead letter (EventBridge ``DeadLetterConfig``) is the event itself with
``RULE_ARN``/``TARGET_ARN``/``ERROR_CODE``/``ERROR_MESSAGE`` message attributes: it is put back on the bus it was
on, so it goes through the rules, retry policy and dead-letter queue again. A Lambda on-failure destination's
record carries the function and its ``requestPayload``: the function is invoked again, asynchronously, with it.
Handlers are idempotent (deterministic run ids, markers), so replaying an event already handled changes nothing.
A letter is deleted only once its replay was accepted; anything else goes back on the queue untouched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from aws_lambda_powertools import Logger
from pydantic import BaseModel, ConfigDict

logger = Logger(child=True)

Kind = Literal["eventbridge_target", "lambda_destination", "unknown"]


class LetterQueuePort(Protocol):
    def hold(self) -> list[dict[str, Any]]:
        """Receive every message (SQS ``Messages[]`` entries, all attributes), hidden from others meanwhile."""
        ...

    def release(self, messages: Sequence[dict[str, Any]]) -> None: ...

    def delete(self, message: dict[str, Any]) -> None: ...


class RedrivePort(Protocol):
    def put_event(self, bus_name: str, region: str, entry: dict[str, Any]) -> None:
        """PutEvents one entry; raise when EventBridge does not accept it."""
        ...

    def invoke_async(self, function_arn: str, payload: Any) -> None: ...


class DeadLetter(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # the SQS message id
    queue: str
    kind: Kind
    error_code: str
    error_message: str
    rule_arn: str | None = None  # EventBridge: the rule whose target failed
    target_arn: str | None = None  # EventBridge: the target (our function)
    function_arn: str | None = None  # Lambda destination: the function that failed
    condition: str | None = None  # the retry limit reached (MaximumRetryAttempts, RetriesExhausted …)
    attempts: int | None = None
    original: Any = None  # the EventBridge event, or the function's request payload
    arrived_at: datetime | None = None  # when it landed in the queue
    first_received_at: datetime | None = None
    receive_count: int = 0

    @property
    def replay_target(self) -> str | None:
        """Where a replay goes: ``bus <name> (<region>)``, ``function <arn>``, or None (not replayable)."""
        if self.kind == "eventbridge_target" and self.rule_arn and isinstance(self.original, dict):
            return f"bus {_bus_of(self.rule_arn)} ({self.rule_arn.split(':')[3]})"
        if self.kind == "lambda_destination" and self.function_arn:
            return f"function {self.function_arn}"
        return None

    @property
    def subject(self) -> str:
        """What the letter is about: an event's detail type and tenant, or the payload's keys."""
        event = self.original if isinstance(self.original, dict) else {}
        if "detail-type" in event:
            tenant = (event.get("detail") or {}).get("tenant_id", "?") if isinstance(event.get("detail"), dict) else "?"
            return f"{event['detail-type']} from {event.get('source')} (tenant {tenant}, event {event.get('id')})"
        return f"payload {json.dumps(self.original, default=str)[:80]}"


@dataclass(frozen=True)
class ReplayOutcome:
    letter_id: str
    status: Literal["replayed", "would_replay", "failed", "not_replayable", "not_found"]
    target: str | None
    detail: str = ""


def parse(message: dict[str, Any], queue: str) -> DeadLetter:
    """A ``Messages[]`` entry of ``ReceiveMessage`` as a typed dead letter (``unknown`` when neither kind)."""
    attributes = {k: v.get("StringValue", "") for k, v in (message.get("MessageAttributes") or {}).items()}
    system = message.get("Attributes") or {}
    common: dict[str, Any] = {
        "id": message["MessageId"],
        "queue": queue,
        "arrived_at": _millis(system.get("SentTimestamp")),
        "first_received_at": _millis(system.get("ApproximateFirstReceiveTimestamp")),
        "receive_count": int(system.get("ApproximateReceiveCount", 0)),
    }
    try:
        body = json.loads(message.get("Body") or "")
    except json.JSONDecodeError:
        body = message.get("Body")
    if "RULE_ARN" in attributes and isinstance(body, dict) and "detail-type" in body:
        return DeadLetter(
            **common,
            kind="eventbridge_target",
            error_code=attributes.get("ERROR_CODE", ""),
            error_message=attributes.get("ERROR_MESSAGE", ""),
            rule_arn=attributes["RULE_ARN"],
            target_arn=attributes.get("TARGET_ARN"),
            condition=attributes.get("EXHAUSTED_RETRY_CONDITION"),
            attempts=int(attributes["RETRY_ATTEMPTS"]) if attributes.get("RETRY_ATTEMPTS", "").isdigit() else None,
            original=body,
        )
    context = body.get("requestContext") if isinstance(body, dict) else None
    if isinstance(context, dict) and context.get("functionArn") and "requestPayload" in body:
        response = body.get("responsePayload") if isinstance(body.get("responsePayload"), dict) else {}
        return DeadLetter(
            **common,
            kind="lambda_destination",
            error_code=response.get("errorType") or (body.get("responseContext") or {}).get("functionError") or "",
            error_message=response.get("errorMessage", ""),
            function_arn=context["functionArn"],
            condition=context.get("condition"),
            attempts=context.get("approximateInvokeCount"),
            original=body["requestPayload"],
        )
    return DeadLetter(
        **common, kind="unknown", error_code=attributes.get("ERROR_CODE", ""), error_message="", original=body
    )


def list_letters(queue: LetterQueuePort, queue_url: str) -> list[DeadLetter]:
    """Every letter in the queue, oldest first; the queue is left as it was."""
    messages = queue.hold()
    try:
        return sorted((parse(m, queue_url) for m in messages), key=_arrival)
    finally:
        queue.release(messages)


def replay(
    queue: LetterQueuePort,
    redrive: RedrivePort,
    queue_url: str,
    ids: Sequence[str] | None,
    *,
    dry_run: bool = False,
) -> list[ReplayOutcome]:
    """Replay the letters named (every letter when ``ids`` is None); delete each one its target accepted."""
    messages = queue.hold()
    letters = {m["MessageId"]: (m, parse(m, queue_url)) for m in messages}
    chosen = list(ids) if ids is not None else sorted(letters, key=lambda i: _arrival(letters[i][1]))
    outcomes, deleted = [], set()
    try:
        for letter_id in chosen:
            if letter_id not in letters:
                outcomes.append(ReplayOutcome(letter_id, "not_found", None, "no such message in the queue"))
                continue
            message, letter = letters[letter_id]
            outcome = _replay_one(redrive, letter, dry_run)
            if outcome.status == "replayed":
                queue.delete(message)
                deleted.add(letter_id)
            outcomes.append(outcome)
    finally:
        queue.release([m for m in messages if m["MessageId"] not in deleted])
    return outcomes


def _replay_one(redrive: RedrivePort, letter: DeadLetter, dry_run: bool) -> ReplayOutcome:
    target = letter.replay_target
    if target is None:
        return ReplayOutcome(letter.id, "not_replayable", None, "neither an EventBridge nor a Lambda dead letter")
    if dry_run:
        return ReplayOutcome(letter.id, "would_replay", target, letter.subject)
    try:
        if letter.kind == "eventbridge_target" and letter.rule_arn:
            redrive.put_event(_bus_of(letter.rule_arn), letter.rule_arn.split(":")[3], _entry(letter.original))
        elif letter.function_arn:
            redrive.invoke_async(letter.function_arn, letter.original)
    except Exception as error:  # the letter stays in the queue; the others are still tried
        logger.warning("replay refused", extra={"letter_id": letter.id, "target": target, "error": str(error)})
        return ReplayOutcome(letter.id, "failed", target, str(error))
    logger.info("dead letter replayed", extra={"letter_id": letter.id, "target": target, "kind": letter.kind})
    return ReplayOutcome(letter.id, "replayed", target, letter.subject)


def _entry(event: dict[str, Any]) -> dict[str, Any]:
    """The PutEvents entry that recreates the event: same source, detail type, detail, resources and time."""
    entry = {
        "Source": event["source"],
        "DetailType": event["detail-type"],
        "Detail": json.dumps(event.get("detail", {})),
        "Resources": list(event.get("resources") or []),
    }
    return entry | ({"Time": event["time"]} if event.get("time") else {})


def _bus_of(rule_arn: str) -> str:
    """``arn:aws:events:r:a:rule/<bus>/<rule>`` names its bus; ``rule/<rule>`` is on the default bus."""
    path = rule_arn.split(":", 5)[5].split("/")
    return path[1] if len(path) == 3 else "default"


def _millis(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC) if value and value.isdigit() else None


def _arrival(letter: DeadLetter) -> datetime:
    return letter.arrived_at or datetime.min.replace(tzinfo=UTC)
