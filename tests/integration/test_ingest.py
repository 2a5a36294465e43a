"""ERP webhooks end to end on moto: the API Gateway event reaches the real handler through ``lambda.invoke``, the
ledger mirror is updated, and the published events enrol and stop runs through the on_event function."""

import base64
import importlib
import json
import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from emulator.stack import use_local_ports
from functions import wiring
from shared.adapters.dynamodb import client as dynamodb_client
from shared.domain.webhooks import sign
from shared.domain.workflow.loading import load_workflow_text
from shared.errors import RetryableError
from shared.platform.functions import WEBHOOKS
from tests.integration import test_payment_stops as dunning
from tests.integration.conftest import settle, wait_for
from tests.integration.test_runtime_flow import TENANT, WORKFLOW, parked, tasks, tick

EVENTS = Path(__file__).resolve().parents[1] / "events" / "apigw"
SECRET = "whsec_acme-uk_0123456789abcdef"  # the sample events in tests/events/apigw are signed with it
SDK_LOGGERS = ("botocore", "boto3", "urllib3", "moto")  # their debug logs of the test's own Invoke hold the payload


def sample(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / f"{name}.json").read_text())


def signed(records: list[dict[str, Any]], clock, *, secret: str = SECRET, body: str | None = None) -> dict[str, Any]:
    """The sample request carrying another body, signed now (as the ERP would)."""
    event = sample("signed_batch")
    text = body if body is not None else json.dumps({"records": records})
    timestamp = int(clock.now().timestamp())
    event["body"] = text
    event["headers"] |= {
        "content-length": str(len(text.encode())),
        "x-chaseflow-timestamp": str(timestamp),
        "x-chaseflow-signature": sign(secret, timestamp, text.encode()),
    }
    return event


def post(stack, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Invoke the webhook function as API Gateway does; the HTTP status and the JSON body."""
    response = boto3.client("lambda").invoke(FunctionName=stack.functions["webhooks"], Payload=json.dumps(event))
    assert "FunctionError" not in response, response["Payload"].read()
    answer = json.loads(response["Payload"].read())
    return answer["statusCode"], json.loads(answer["body"])


def tenant_with_webhooks(stack, workflow: str = WORKFLOW) -> None:
    rt = wiring.runtime()
    rt.ledger.put_tenant(TENANT)
    rt.workflows.save("acme-uk", load_workflow_text(workflow))
    stack.put_webhook_secret("acme-uk", SECRET)


def invoice(number: int, **changes: Any) -> dict[str, Any]:
    data = {
        "id": f"inv-{number}",
        "customer_id": "cus-1",
        "number": f"INV-{number}",
        "currency": "GBP",
        "amount": "100.00",
        "balance": "100.00",
        "issued_on": "2026-11-02",
        "due_on": "2026-12-02",
        "updated_at": "2026-11-02T06:59:00Z",
    }
    return {"kind": "invoice", "data": data | changes}


def runs() -> list:
    return wiring.runtime().runs.of_customer("acme-uk", "cus-1")


def test_a_signed_batch_updates_the_ledger_and_its_events_enrol(stack):
    # GIVEN a tenant with a webhook secret and an invoice-created workflow, and an empty ledger
    tenant_with_webhooks(stack)
    # WHEN the ERP posts the signed batch (customer, contact, invoice)
    status, body = post(stack, sample("signed_batch"))
    # THEN all three are created, and the customer and invoice events are published
    assert status == 200
    assert body["counts"] == {"accepted": 3, "stale": 0, "rejected": 0}
    assert [(r["kind"], r["change"], r["events"]) for r in body["accepted"]] == [
        ("customer", "created", ["CustomerCreated"]),
        ("contact", "created", []),
        ("invoice", "created", ["InvoiceCreated"]),
    ]
    view = wiring.runtime().ledger.view("acme-uk", "cus-1")
    assert (view.customer.name, [c.email for c in view.contacts], [str(i.balance) for i in view.invoices]) == (
        "Acme Ltd",
        ["jane@acme.example"],
        ["100.00"],
    )
    # AND the InvoiceCreated event enrolled the invoice through on_event; the run parks until 08:00
    (run,) = runs()
    assert (run.workflow_id, run.record_id) == ("new-invoice-check", "inv-1")
    wait_for(lambda: parked(run.run_id))
    assert wiring.runtime().runs.get("acme-uk", run.run_id).next_run_at == "2026-11-02T08:00:00Z"


def test_a_repeated_delivery_changes_nothing_announces_again_and_enrols_nothing_new(stack):
    # GIVEN the signed batch was delivered once
    tenant_with_webhooks(stack)
    post(stack, sample("signed_batch"))
    (run,) = runs()
    wait_for(lambda: parked(run.run_id))
    # WHEN the ERP delivers it again (its retry after a lost response)
    status, body = post(stack, sample("signed_batch"))
    # THEN every record is reported stale; the customer's and the invoice's events are announced again (the first
    # call may have stopped before announcing), under the same ids, so there is still one run
    assert status == 200
    assert body["counts"] == {"accepted": 0, "stale": 3, "rejected": 0}
    assert [r["index"] for r in body["stale"]] == [0, 1, 2]
    assert body["events_published"] == 2
    settle()
    assert [r.run_id for r in runs()] == [run.run_id]


def test_a_call_that_stored_but_could_not_announce_is_healed_by_the_erps_retry(stack):
    # GIVEN EventBridge fails while the signed batch is applied: the records are stored, the events are not sent
    tenant_with_webhooks(stack)
    publisher = wiring.runtime().publisher

    def unavailable(events):
        raise RetryableError("EventBridge is unavailable")

    publisher.publish = unavailable
    try:
        status, _ = post(stack, sample("signed_batch"))
    finally:
        del publisher.publish
    assert status == 503 and runs() == []
    assert wiring.runtime().ledger.get("acme-uk", "invoice", "inv-1") is not None
    # WHEN the ERP, which got no success, delivers the batch again
    status, body = post(stack, sample("signed_batch"))
    # THEN nothing is stored twice, the events go out, and the invoice is enrolled
    assert (status, body["counts"]["stale"], body["events_published"]) == (200, 3, 2)
    wait_for(lambda: len(runs()) == 1)


def test_an_older_update_arriving_late_is_ignored(stack, clock):
    # GIVEN an invoice delivered, then updated at 07:00:30 (40 left to pay)
    tenant_with_webhooks(stack)
    post(stack, sample("signed_batch"))
    status, body = post(stack, signed([invoice(1, balance="40.00", updated_at="2026-11-02T07:00:30Z")], clock))
    assert (status, body["accepted"][0]["change"], body["accepted"][0]["events"]) == (
        200,
        "updated",
        ["InvoiceUpdated"],
    )
    # WHEN the 07:00:10 update (70 left) arrives after it
    status, body = post(stack, signed([invoice(1, balance="70.00", updated_at="2026-11-02T07:00:10Z")], clock))
    # THEN it is reported stale and the newer balance stays
    assert (status, body["counts"]["stale"], body["events_published"]) == (200, 1, 0)
    (stored,) = wiring.runtime().ledger.view("acme-uk", "cus-1").invoices
    assert str(stored.balance) == "40.00"


def test_a_base64_encoded_body_is_verified_on_the_bytes_sent(stack):
    # GIVEN the signed sample, delivered base64-encoded (as API Gateway does for binary content types)
    tenant_with_webhooks(stack)
    event = sample("signed_batch")
    event["body"] = base64.b64encode(event["body"].encode()).decode()
    event["isBase64Encoded"] = True
    # WHEN it is posted
    status, body = post(stack, event)
    # THEN the signature holds and the records are applied
    assert (status, body["counts"]["accepted"]) == (200, 3)


def test_a_bad_signature_gets_401_changes_nothing_and_is_logged_without_the_body(stack, caplog):
    # GIVEN a tenant with a webhook secret
    tenant_with_webhooks(stack)
    # WHEN a batch signed with another secret, and a correctly signed one ten minutes old, are posted
    with caplog.at_level(logging.DEBUG):
        bad = post(stack, sample("bad_signature"))
        expired = post(stack, sample("expired"))
    # THEN both are refused with 401 and the ledger holds nothing
    assert bad == (401, {"message": "invalid signature"})
    assert expired[0] == 401 and expired[1]["message"].startswith("request expired")
    assert wiring.runtime().ledger.view("acme-uk", "cus-1") is None
    assert runs() == []
    # AND the refusals are logged with their reason, and nothing from the body reaches the logs
    refusals = [r for r in caplog.records if r.getMessage() == "webhook refused"]
    assert [r.__dict__["error"] for r in refusals] == ["SignatureInvalid", "RequestExpired"]
    ours = [r for r in caplog.records if not r.name.startswith(SDK_LOGGERS)]
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in ours)
    assert "jane@acme.example" not in logged and "Acme Ltd" not in logged


def test_a_mixed_batch_applies_the_valid_records_and_reports_the_invalid_ones(stack, clock):
    # GIVEN a tenant with a known customer
    tenant_with_webhooks(stack)
    post(stack, sample("signed_batch"))
    # WHEN a batch mixes valid invoices with an invalid due date, an unknown kind and a missing amount
    records = [
        invoice(2),
        invoice(3, due_on="next week"),
        {"kind": "task", "data": {"id": "t-1"}},
        invoice(4, amount=None),
        invoice(5),
    ]
    status, body = post(stack, signed(records, clock))
    # THEN the valid ones are applied (207 Multi-Status) and each invalid one comes back with its paths
    assert status == 207
    assert [(r["index"], r["id"]) for r in body["accepted"]] == [(0, "inv-2"), (4, "inv-5")]
    assert {r["index"]: [e["path"] for e in r["errors"]] for r in body["rejected"]} == {
        1: ["records[1].data.due_on"],
        2: ["records[2].kind"],
        3: ["records[3].data.amount"],
    }
    stored = {i.id for i in wiring.runtime().ledger.view("acme-uk", "cus-1").invoices}
    assert stored == {"inv-1", "inv-2", "inv-5"}
    # AND the two new invoices were enrolled by their InvoiceCreated events
    assert sorted(r.record_id for r in runs()) == ["inv-1", "inv-2", "inv-5"]


def test_a_batch_with_nothing_valid_gets_422_and_stores_nothing(stack, clock):
    # GIVEN a tenant with webhooks
    tenant_with_webhooks(stack)
    # WHEN every record of the batch is invalid
    status, body = post(stack, signed([invoice(1, currency="pounds"), invoice(2, updated_at=None)], clock))
    # THEN 422 with each record's errors, and the ledger is untouched
    assert status == 422
    assert [[e["path"] for e in r["errors"]] for r in body["rejected"]] == [
        ["records[0].data.currency"],
        ["records[1].data.updated_at"],
    ]
    assert wiring.runtime().ledger.view("acme-uk", "cus-1") is None


@pytest.mark.parametrize(
    ("tenant", "body", "status"),
    [
        ("acme-uk", "{not json", 400),
        ("acme-uk", json.dumps({"records": {"kind": "invoice"}}), 400),
        ("acme-uk", json.dumps({"records": [invoice(n) for n in range(501)]}), 413),
        ("globex", json.dumps({"records": []}), 404),
    ],
    ids=["not-json", "records-not-an-array", "too-many-records", "unknown-tenant"],
)
def test_requests_refused_as_a_whole(stack, clock, tenant, body, status):
    # GIVEN a tenant with webhooks
    tenant_with_webhooks(stack)
    event = signed([], clock, body=body)
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/v1/tenants/{tenant}/records"
    # WHEN the request is posted
    answer, payload = post(stack, event)
    # THEN it is refused with the expected status and a message, and nothing is stored
    assert answer == status and payload["message"]
    assert wiring.runtime().ledger.view("acme-uk", "cus-1") is None


def test_a_payment_from_the_erp_stops_the_running_dunning_run(stack, clock):
    # GIVEN an overdue customer enrolled by Monday's sweep and waiting a week for the second call
    dunning.seed()
    stack.put_webhook_secret("acme-uk", SECRET)
    clock.set(clock.now().replace(hour=8))
    tick(stack)
    run = wait_for(dunning.the_run)
    wait_for(lambda: parked(run.run_id) and len(tasks()) == 1)
    # WHEN the customer pays on Wednesday and the ERP posts the paid invoice and the payment
    clock.advance(timedelta(days=2, hours=2))
    at = clock.now().isoformat()
    paid = invoice(1, amount="250", balance="0", status="paid", paid_on="2026-11-04", updated_at=at)
    paid["data"] |= {"issued_on": "2026-09-01", "due_on": "2026-10-01"}
    payment = {
        "id": "pay-1",
        "customer_id": "cus-1",
        "currency": "GBP",
        "amount": "250",
        "paid_on": "2026-11-04",
        "allocations": [{"invoice_id": "inv-1", "amount": "250"}],
        "updated_at": at,
    }
    status, body = post(stack, signed([paid, {"kind": "payment", "data": payment}], clock))
    # THEN PaymentRegistered is published and the run stops at once on the cleared balance
    assert status == 200
    assert [r["events"] for r in body["accepted"]] == [["InvoiceUpdated"], ["PaymentRegistered"]]
    rt = wiring.runtime()
    stopped = wait_for(lambda: (r := rt.runs.get("acme-uk", run.run_id)) and r.state.status.value == "stopped" and r)
    assert stopped.state.end_reason == "balance_cleared"
    # AND a week later nothing more happens
    clock.advance(timedelta(days=7))
    assert tick(stack)["resumed"] == 0
    assert [t.title for t in tasks()] == ["First reminder call"]


@contextmanager
def aws_calls(clock) -> Iterator[Counter]:
    """Count every AWS API call made by clients created inside the block (botocore's before-call hook)."""
    calls: Counter = Counter()

    def count(model, **_: Any) -> None:
        calls[f"{model.service_model.service_name}.{model.name}"] += 1

    session = boto3._get_default_session()
    session.events.register("before-call", count)
    use_local_ports(clock=clock)  # fresh ports (a cold container): their clients are created under the hook
    dynamodb_client.reset()
    try:
        yield calls
    finally:
        session.events.unregister("before-call", count)


def test_aws_calls_per_webhook_record(stack, clock):
    # GIVEN a tenant with webhooks and the on_event rule disabled, so that only the webhook's own calls count
    tenant_with_webhooks(stack)
    boto3.client("events").disable_rule(Name=f"{stack.prefix}-on_event", EventBusName=stack.bus_name)
    one, again = signed([invoice(1)], clock), signed([invoice(1, updated_at="2026-11-02T07:00:00Z")], clock)
    hundred = signed([invoice(n) for n in range(2, 102)], clock)
    invoke = boto3.client("lambda")  # created outside the block: the test's own Invoke is not counted
    # WHEN a one-invoice batch is posted to a cold container, again to a warm one, then a 100-invoice batch
    figures = []
    with aws_calls(clock) as calls:
        for event in (one, again, hundred):
            calls.clear()
            invoke.invoke(FunctionName=stack.functions["webhooks"], Payload=json.dumps(event))
            figures.append(dict(calls))
    print("AWS calls per webhook call:", json.dumps(figures, indent=1))
    # THEN a record costs one read (new or changed?), one conditional write and a tenth of a PutEvents; the
    # secret is read once per container and the tenant's settings once per minute (cached)
    assert figures == [
        {
            "secretsmanager.GetSecretValue": 1,
            "dynamodb.GetItem": 1,
            "dynamodb.Query": 1,
            "dynamodb.UpdateItem": 1,
            "events.PutEvents": 1,
        },
        {"dynamodb.Query": 1, "dynamodb.UpdateItem": 1, "events.PutEvents": 1},
        {"dynamodb.Query": 100, "dynamodb.UpdateItem": 100, "events.PutEvents": 10},
    ]


def test_the_sample_event_matches_the_declared_route():
    # GIVEN the platform's declaration of the webhook function
    # WHEN it is compared with the sample API Gateway event
    event = sample("signed_batch")
    # THEN the route key agrees, and the handler path names a callable
    assert WEBHOOKS.api_routes == (event["routeKey"],)
    module, _, attribute = WEBHOOKS.handler.rpartition(".")
    assert callable(getattr(importlib.import_module(module), attribute))
