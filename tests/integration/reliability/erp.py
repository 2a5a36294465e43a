"""The ERP's side in the reliability tests: a tenant that takes webhooks, and signed posts through the real
webhook function, as API Gateway hands them over."""

import json
from typing import Any

import boto3

from functions import wiring
from shared.domain.tenant import TenantSettings
from simulation.harness import webhook_event

TENANT = TenantSettings(tenant_id="acme-uk", timezone="Europe/London", country="GB", currency="GBP")
SECRET = "whsec_reliability_0123456789"


def tenant(stack) -> None:
    wiring.runtime().ledger.put_tenant(TENANT)
    stack.put_webhook_secret(TENANT.tenant_id, SECRET)


def post(stack, clock, *records: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST the records, signed now; the HTTP status and the JSON body."""
    body = json.dumps({"records": list(records)})
    event = webhook_event(TENANT.tenant_id, body, int(clock.now().timestamp()), SECRET)
    response = boto3.client("lambda").invoke(FunctionName=stack.functions["webhooks"], Payload=json.dumps(event))
    assert "FunctionError" not in response, response["Payload"].read()
    answer = json.loads(response["Payload"].read())
    return answer["statusCode"], json.loads(answer["body"])


def customer(updated_at: str, **changes: Any) -> dict[str, Any]:
    data = {"id": "cus-1", "name": "Acme Ltd", "currency": "GBP", "country": "GB", "updated_at": updated_at}
    return {"kind": "customer", "data": data | changes}


def contact(updated_at: str, **changes: Any) -> dict[str, Any]:
    data = {
        "id": "con-1",
        "customer_id": "cus-1",
        "name": "Jane",
        "email": "jane@acme.example",
        "updated_at": updated_at,
    }
    return {"kind": "contact", "data": data | changes}


def invoice(updated_at: str, **changes: Any) -> dict[str, Any]:
    data = {
        "id": "inv-1",
        "customer_id": "cus-1",
        "number": "INV-1",
        "currency": "GBP",
        "amount": "100.00",
        "balance": "100.00",
        "issued_on": "2026-11-02",
        "due_on": "2026-12-02",
        "updated_at": updated_at,
    }
    return {"kind": "invoice", "data": data | changes}


class BusSpy:
    """Every event on the custom bus (of the given sources), through a rule to an SQS queue, as a consumer sees it."""

    def __init__(self, stack, sources: list[str]) -> None:
        sqs, events = boto3.client("sqs"), boto3.client("events")
        self.url = sqs.create_queue(QueueName=f"spy-{'-'.join(s.replace('.', '-') for s in sources)}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="spy", EventBusName=stack.bus_name, EventPattern=json.dumps({"source": sources}))
        events.put_targets(Rule="spy", EventBusName=stack.bus_name, Targets=[{"Id": "queue", "Arn": arn}])

    def received(self) -> list[dict[str, Any]]:
        sqs, found = boto3.client("sqs"), []
        while messages := sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", []):
            found += [json.loads(m["Body"]) for m in messages]
            sqs.delete_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in messages],
            )
        return found
