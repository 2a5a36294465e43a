"""Dead letters parsed from the documented SQS messages, and the replay's rule: a letter is deleted only after
its target accepted the replay; everything else goes back on the queue."""

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shared.usecases.dead_letters import list_letters, parse, replay

EVENTS = Path(__file__).resolve().parents[2] / "events"
QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/chaseflow-prod-dlq"


def sample(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / "sqs" / f"{name}.json").read_text())


class FakeQueue:
    def __init__(self, messages: list[dict[str, Any]]) -> None:
        self.messages = messages
        self.deleted: list[str] = []
        self.released: list[str] = []

    def hold(self) -> list[dict[str, Any]]:
        return list(self.messages)

    def release(self, messages: list[dict[str, Any]]) -> None:
        self.released += [m["MessageId"] for m in messages]

    def delete(self, message: dict[str, Any]) -> None:
        self.deleted.append(message["MessageId"])


class FakeRedrive:
    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.events: list[tuple[str, str, dict[str, Any]]] = []
        self.invocations: list[tuple[str, Any]] = []

    def put_event(self, bus_name: str, region: str, entry: dict[str, Any]) -> None:
        if self.refuse:
            raise RuntimeError("ThrottlingException: Rate exceeded")
        self.events.append((bus_name, region, entry))

    def invoke_async(self, function_arn: str, payload: Any) -> None:
        if self.refuse:
            raise RuntimeError("TooManyRequestsException")
        self.invocations.append((function_arn, payload))


def test_an_eventbridge_target_letter_is_parsed_from_its_body_and_attributes():
    # GIVEN the documented rule-target DLQ message
    message = sample("eventbridge_dlq_message")
    # WHEN it is parsed
    letter = parse(message, QUEUE)
    # THEN every field comes from the message: the error, the rule and target, the event, the times
    assert letter.kind == "eventbridge_target" and letter.id == message["MessageId"] and letter.queue == QUEUE
    assert (letter.error_code, letter.condition, letter.attempts) == ("THROTTLING", "MaximumEventAgeInSeconds", 27)
    assert letter.error_message.startswith("Rate exceeded.")
    assert letter.target_arn == "arn:aws:lambda:eu-west-1:123456789012:function:chaseflow-prod-on_event"
    assert letter.original["detail"]["tenant_id"] == "globex-fr"
    assert letter.arrived_at == datetime(2026, 11, 2, 8, 0, 0, 210000, tzinfo=UTC)
    assert letter.first_received_at == datetime(2026, 11, 2, 9, 0, 0, 456000, tzinfo=UTC)
    assert letter.replay_target == "bus chaseflow-prod-bus (eu-west-1)"
    assert (
        letter.subject
        == "InvoiceCreated from chaseflow.ledger (tenant globex-fr, event 3f1c2d9e-8b47-4a55-9e0c-6d2b7a1f4c88)"
    )


def test_a_lambda_destination_letter_is_parsed_from_the_invocation_record():
    # GIVEN the documented on-failure destination message (the record is its body)
    message = sample("lambda_destination_message")
    # WHEN it is parsed
    letter = parse(message, QUEUE)
    # THEN the function, the error and the original payload come from the record
    assert letter.kind == "lambda_destination"
    assert letter.function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:chaseflow-prod-on_event:$LATEST"
    assert (letter.error_code, letter.error_message) == ("PermanentError", "unknown tenant globex-fr")
    assert (letter.condition, letter.attempts) == ("RetriesExhausted", 3)
    assert (
        letter.original
        == json.loads((EVENTS / "lambda" / "on_failure_destination_record.json").read_text())["requestPayload"]
    )
    assert letter.replay_target == f"function {letter.function_arn}"


def test_a_rule_on_the_default_bus_replays_onto_the_default_bus():
    # GIVEN a rule-target letter from a rule of the default bus (its ARN has no bus segment)
    message = sample("eventbridge_dlq_message")
    message["MessageAttributes"]["RULE_ARN"]["StringValue"] = "arn:aws:events:eu-west-1:123456789012:rule/forward-ses"
    redrive = FakeRedrive()
    # WHEN it is replayed
    replay(FakeQueue([message]), redrive, QUEUE, None)
    # THEN the event goes to the default bus of the rule's region, as it was
    [(bus, region, entry)] = redrive.events
    assert (bus, region) == ("default", "eu-west-1")
    assert entry["Source"] == "chaseflow.ledger" and entry["DetailType"] == "InvoiceCreated"
    assert json.loads(entry["Detail"])["record_id"] == "inv-7" and entry["Time"] == "2026-11-02T07:00:00Z"


def test_accepted_replays_are_deleted_and_the_rest_released():
    # GIVEN both kinds of letters and a message that is neither
    odd = {"MessageId": "odd", "ReceiptHandle": "h", "Body": "hello"}
    queue = FakeQueue([sample("eventbridge_dlq_message"), sample("lambda_destination_message"), odd])
    redrive = FakeRedrive()
    # WHEN every letter is replayed
    outcomes = replay(queue, redrive, QUEUE, None)
    # THEN the two known kinds went to their targets and were deleted; the odd one was kept and released
    assert sorted(o.status for o in outcomes) == ["not_replayable", "replayed", "replayed"]
    assert len(redrive.events) == 1 and len(redrive.invocations) == 1
    assert redrive.invocations[0][1]["detail-type"] == "InvoiceCreated"
    assert sorted(queue.deleted) == sorted(m["MessageId"] for m in queue.messages[:2])
    assert queue.released == ["odd"]


@pytest.mark.parametrize("dry_run", [True, False])
def test_nothing_is_deleted_unless_the_replay_was_accepted(dry_run):
    # GIVEN a queue of two letters and targets that refuse everything
    queue = FakeQueue([sample("eventbridge_dlq_message"), sample("lambda_destination_message")])
    redrive = FakeRedrive(refuse=True)
    # WHEN they are replayed (or only dry-run)
    outcomes = replay(queue, redrive, QUEUE, None, dry_run=dry_run)
    # THEN nothing is deleted, both go back on the queue, and each outcome says why
    assert queue.deleted == [] and len(queue.released) == 2
    expected = "would_replay" if dry_run else "failed"
    assert [o.status for o in outcomes] == [expected, expected]
    assert dry_run or sorted(o.detail for o in outcomes) == [
        "ThrottlingException: Rate exceeded",
        "TooManyRequestsException",
    ]


def test_listing_releases_what_it_held_and_sorts_by_arrival():
    # GIVEN two letters, the later one first in the queue
    later, earlier = sample("eventbridge_dlq_message"), copy.deepcopy(sample("lambda_destination_message"))
    queue = FakeQueue([later, earlier])
    # WHEN they are listed
    letters = list_letters(queue, QUEUE)
    # THEN the oldest comes first and both were released, none deleted
    assert [x.kind for x in letters] == ["lambda_destination", "eventbridge_target"]
    assert sorted(queue.released) == sorted([later["MessageId"], earlier["MessageId"]]) and queue.deleted == []
