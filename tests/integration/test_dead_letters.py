"""A message that lands in the dead-letter queue is visible and replayable (issue 4, reliability): the trigger
function fails on an event, the event lands in the stack's DLQ, ``chaseflow dead-letters`` lists it, the cause is
fixed, the replay enrols, and the queue is empty. Replaying an event already handled changes nothing."""

import json
from pathlib import Path

import boto3
from click.testing import CliRunner, Result

from cli.main import main
from functions import wiring
from tests.integration.test_runtime_flow import publish, seed

SQS_EVENTS = Path(__file__).resolve().parents[1] / "events" / "sqs"


def chaseflow(*args: str) -> Result:
    return CliRunner().invoke(main, ["dead-letters", *args])


def messages(stack) -> list[dict]:
    """Every message in the DLQ, read and made visible again at once (so the CLI sees them too)."""
    sqs = boto3.client("sqs")
    found = sqs.receive_message(
        QueueUrl=stack.dead_letter_queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0, MessageAttributeNames=["All"]
    )
    return found.get("Messages", [])


def runs() -> list:
    return wiring.runtime().runs.of_customer("acme-uk", "cus-1")


def test_a_failed_event_lands_in_the_queue_is_listed_and_replays_once_the_cause_is_fixed(stack):
    # GIVEN no tenant registered yet: the trigger function refuses the event (PermanentError: unknown tenant)
    publish(stack, "invoice_created")
    letters = messages(stack)
    assert len(letters) == 1 and runs() == []
    # WHEN the queue is listed, twice
    listed, again = (
        chaseflow("list", "--queue", stack.dead_letter_queue_url),
        chaseflow("list", "--queue", stack.dead_letter_queue_url, "--json"),
    )
    # THEN the letter is shown with its cause and where a replay goes, and listing consumed nothing
    assert listed.exit_code == 0, listed.output
    assert (
        "eventbridge_target" in listed.output
        and "InvoiceCreated from chaseflow.ledger (tenant acme-uk" in listed.output
    )
    assert "failed: PermanentError: unknown tenant acme-uk" in listed.output
    assert f"replay: bus {stack.bus_name} (us-east-1)" in listed.output
    [letter] = printed_json(again.output)
    assert letter["id"] == letters[0]["MessageId"] and letter["target_arn"] == stack.functions["on_event"]
    assert letter["original"]["detail"]["record_id"] == "inv-1"
    # WHEN a dry run is asked for
    dry = chaseflow("replay", "--queue", stack.dead_letter_queue_url, "--all", "--dry-run")
    # THEN it names what would be replayed, and nothing was sent or deleted
    assert dry.exit_code == 0 and f"would_replay   {letter['id']}  bus {stack.bus_name}" in dry.output
    assert len(messages(stack)) == 1 and runs() == []
    # WHEN the cause is fixed (the tenant is registered) and the letter replayed
    seed()
    replayed = chaseflow("replay", "--queue", stack.dead_letter_queue_url, "--id", letter["id"])
    # THEN the invoice is enrolled and the queue is empty
    assert replayed.exit_code == 0, replayed.output
    assert "1 of 1 replayed and deleted from the queue" in replayed.output
    assert len(runs()) == 1 and messages(stack) == []
    # WHEN the same letter arrives and is replayed a second time (an at-least-once duplicate)
    boto3.client("sqs").send_message(
        QueueUrl=stack.dead_letter_queue_url,
        MessageBody=letters[0]["Body"],
        MessageAttributes=letters[0]["MessageAttributes"],
    )
    second = chaseflow("replay", "--queue", stack.dead_letter_queue_url, "--all")
    # THEN it is accepted and deleted, and the invoice is still enrolled once
    assert second.exit_code == 0, second.output
    assert len(runs()) == 1 and messages(stack) == []


def lambda_record(stack, function_arn: str) -> str:
    """The documented on-failure destination message, about this stack's tenant and invoice."""
    message = json.loads((SQS_EVENTS / "lambda_destination_message.json").read_text())
    record = json.loads(message["Body"])
    record["requestContext"]["functionArn"] = function_arn
    record["requestPayload"]["detail"] |= {"tenant_id": "acme-uk", "customer_id": "cus-1", "record_id": "inv-1"}
    return json.dumps(record)


def printed_json(output: str):
    """The command's JSON: the functions it invoked run in this process and print their logs and metrics too."""
    lines = output.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("["))
    value, _ = json.JSONDecoder().raw_decode("".join(lines[start:]))
    return value


def test_a_lambda_destination_record_re_invokes_its_function_and_a_refused_replay_keeps_the_letter(stack):
    # GIVEN the tenant, and two on-failure records: one from this stack's trigger function, one from a function
    # that does not exist here
    seed()
    sqs = boto3.client("sqs")
    ours = sqs.send_message(
        QueueUrl=stack.dead_letter_queue_url, MessageBody=lambda_record(stack, stack.functions["on_event"] + ":$LATEST")
    )["MessageId"]
    gone = sqs.send_message(
        QueueUrl=stack.dead_letter_queue_url,
        MessageBody=lambda_record(stack, "arn:aws:lambda:us-east-1:123456789012:function:deleted-function"),
    )["MessageId"]
    listed = chaseflow("list", "--queue", stack.dead_letter_queue_url)
    assert listed.output.count("lambda_destination") == 2
    assert "failed: PermanentError: unknown tenant globex-fr (RetriesExhausted, 3 attempts)" in listed.output
    # WHEN both are replayed
    replayed = chaseflow("replay", "--queue", stack.dead_letter_queue_url, "--all", "--json")
    # THEN ours re-invoked the function (the invoice is enrolled) and left the queue; the other was refused and stays
    outcomes = {o["letter_id"]: o for o in printed_json(replayed.output)}
    assert replayed.exit_code == 1
    assert outcomes[ours]["status"] == "replayed" and outcomes[gone]["status"] == "failed"
    assert "deleted-function" in outcomes[gone]["detail"]
    assert len(runs()) == 1
    assert [m["MessageId"] for m in messages(stack)] == [gone]


def test_an_unknown_message_is_listed_but_not_replayed(stack):
    # GIVEN a message that is neither kind of dead letter
    sqs = boto3.client("sqs")
    odd = sqs.send_message(QueueUrl=stack.dead_letter_queue_url, MessageBody="not json")["MessageId"]
    # WHEN it is listed and replayed, with an id that is not in the queue too
    listed = chaseflow("list", "--queue", stack.dead_letter_queue_url)
    replayed = chaseflow("replay", "--queue", stack.dead_letter_queue_url, "--id", odd, "--id", "nope")
    # THEN it is shown as unknown, refused as not replayable, and kept
    assert f"{odd}  unknown" in listed.output and "replay: not replayable" in listed.output
    assert replayed.exit_code == 1
    assert f"not_replayable {odd}" in replayed.output and "not_found      nope" in replayed.output
    assert [m["MessageId"] for m in messages(stack)] == [odd]
