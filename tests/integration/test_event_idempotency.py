"""Powertools idempotency on the trigger function: the same domain event delivered twice runs once."""

import json
from pathlib import Path

import boto3

from functions import wiring
from tests.integration.conftest import settle
from tests.integration.test_runtime_flow import seed

EVENTS = Path(__file__).resolve().parents[1] / "events" / "chaseflow"


def invoke_on_event(stack, event: dict) -> dict:
    response = boto3.client("lambda").invoke(FunctionName=stack.functions["on_event"], Payload=json.dumps(event))
    assert "FunctionError" not in response, response["Payload"].read()
    return json.loads(response["Payload"].read())


def test_a_redelivered_event_returns_the_first_result_without_running_again(stack):
    # GIVEN an invoice-created workflow and the sample event, delivered once
    seed()
    event = json.loads((EVENTS / "invoice_created.json").read_text())
    first = invoke_on_event(stack, event)
    settle()
    assert len(first["enrolled"]) == 1
    # WHEN EventBridge delivers it again (another envelope id, the same domain event id)
    again = invoke_on_event(stack, event | {"id": "another-delivery"})
    # THEN the answer is the first one, read from the idempotency record, and there is still one run
    assert again == first
    customer = event["detail"]["customer_id"]
    assert len(wiring.runtime().runs.of_customer("acme-uk", customer)) == 1
    records = boto3.resource("dynamodb").Table(stack.tables["idempotency"]).scan()["Items"]
    assert [(r["status"], json.loads(r["data"])) for r in records] == [("COMPLETED", first)]
