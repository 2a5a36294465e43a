"""Bounces and complaints on moto: the SES event marks the message and the contact, EmailBounced goes on the
bus, and a bounce-triggered workflow creates a task to fix the contact. Re-delivery changes nothing more."""

import json
from pathlib import Path

import boto3

from functions import wiring
from shared.domain.workflow.loading import load_workflow_text
from tests.integration.conftest import wait_for
from tests.integration.test_email_exactly_once import sent_messages, setup_email_workflow
from tests.integration.test_runtime_flow import parked, publish, tick

ROOT = Path(__file__).resolve().parents[2]
SES_EVENTS = ROOT / "tests/events/ses"


def send_one_email(stack, clock) -> str:
    """Run the invoice-confirmation email; return the message's communication id."""
    setup_email_workflow()
    wiring.runtime().workflows.save(
        "acme-uk", load_workflow_text((ROOT / "examples/workflows/bounce-fix-contact.yaml").read_text())
    )
    publish(stack, "invoice_created")
    clock.set(clock.now().replace(hour=8))
    wait_for(lambda: all(parked(r.run_id) for r in wiring.runtime().runs.of_customer("acme-uk", "cus-1")))
    tick(stack)
    wait_for(lambda: len(sent_messages()) == 1)
    return wiring.runtime().ledger.view("acme-uk", "cus-1").communications[0].id


def ses_event(name: str, communication_id: str) -> dict:
    """The documented sample, tagged as our SES adapter tags messages."""
    event = json.loads((SES_EVENTS / f"{name}.json").read_text())
    tags = {"tenant": ["acme-uk"], "run": ["run-x"], "communication": [communication_id]}
    if "detail" in event:
        event["detail"]["mail"]["tags"].update(tags)
    else:
        record = json.loads(event["Records"][0]["Sns"]["Message"])
        record["mail"]["tags"].update(tags)
        event["Records"][0]["Sns"]["Message"] = json.dumps(record)
    return event


def deliver(stack, event: dict) -> dict:
    response = boto3.client("lambda").invoke(
        FunctionName=stack.functions["on_delivery_event"], Payload=json.dumps(event).encode()
    )
    return json.loads(response["Payload"].read())


def test_a_permanent_bounce_marks_the_contact_and_starts_the_fix_contact_workflow(stack, clock):
    # GIVEN an email that went out to jane@acme.example
    message_id = send_one_email(stack, clock)
    # WHEN SES reports a permanent bounce (EventBridge form), twice
    first = deliver(stack, ses_event("bounce_eventbridge", message_id))
    second = deliver(stack, ses_event("bounce_eventbridge", message_id))
    # THEN the message is bounced, the contact is marked BOUNCE once, and EmailBounced was published
    rt = wiring.runtime()
    view = rt.ledger.view("acme-uk", "cus-1")
    assert [c.status.value for c in view.communications] == ["bounced"]
    assert [c.deliverability.value for c in view.contacts] == ["BOUNCE"]
    assert (first["contacts_marked"], second["contacts_marked"]) == (["con-1"], [])
    # AND the bounce workflow enrolled the message once and created its task
    wait_for(lambda: any("email address" in t.title.lower() for t in rt.ledger.view("acme-uk", "cus-1").tasks))
    bounce_runs = [r for r in rt.runs.of_customer("acme-uk", "cus-1") if r.workflow_id == "bounce-fix-contact"]
    assert len(bounce_runs) == 1


def test_a_complaint_by_sns_marks_the_contact_and_a_late_delivery_does_not_undo_it(stack, clock):
    # GIVEN an email that went out
    message_id = send_one_email(stack, clock)
    # WHEN a complaint arrives through SNS, then (out of order) the delivery
    deliver(stack, ses_event("complaint_sns_lambda", message_id))
    deliver(stack, ses_event("delivery_eventbridge", message_id))
    # THEN the contact is COMPLAINT and the message stays complained
    view = wiring.runtime().ledger.view("acme-uk", "cus-1")
    assert [c.deliverability.value for c in view.contacts] == ["COMPLAINT"]
    assert [c.status.value for c in view.communications] == ["complained"]


def test_an_event_for_a_message_we_did_not_send_is_ignored(stack):
    # GIVEN no message with that id
    # WHEN its bounce arrives
    outcome = deliver(stack, ses_event("bounce_eventbridge", "act_unknown"))
    # THEN it is counted as ignored and nothing is published
    assert (outcome["messages"], outcome["ignored"], outcome["events"]) == (0, 1, 0)
