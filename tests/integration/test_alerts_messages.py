"""Message alerts on moto, from data that causes them and not from data that does not: duplicate emails forced
through a second workflow, a burst of bounces, a message that could not be sent; their lifecycle over the API."""

import json
from datetime import timedelta

from functions import wiring
from shared.domain.ledger.models import Deliverability
from shared.domain.workflow.loading import load_workflow_text
from tests.integration.alerts_support import alerts, api, emitted, scan
from tests.integration.conftest import wait_for
from tests.integration.test_bounces import deliver, ses_event
from tests.integration.test_controls import call
from tests.integration.test_email_exactly_once import WORKFLOW, sent_messages, setup_email_workflow
from tests.integration.test_runtime_flow import parked, publish, tick

SECOND = WORKFLOW.replace("id: invoice-confirmation", "id: invoice-welcome").replace(
    "name: Invoice confirmation", "name: Invoice welcome"
)


def send(stack, clock, expected: int) -> None:
    """The invoice-created event, then 08:00: every email workflow sends its first email."""
    publish(stack, "invoice_created")
    rt = wiring.runtime()
    wait_for(lambda: all(parked(r.run_id) for r in rt.runs.of_customer("acme-uk", "cus-1")))
    clock.set(clock.now().replace(hour=8))
    tick(stack)
    wait_for(lambda: len(sent_messages()) == expected)
    wait_for(lambda: all(parked(r.run_id) or r.status.is_final for r in rt.runs.of_customer("acme-uk", "cus-1")))


def test_the_same_email_through_a_second_workflow_is_a_duplicate(stack, clock, capsys):
    # GIVEN the invoice-confirmation workflow and a second, overlapping one with the same template
    setup_email_workflow()
    wiring.runtime().workflows.save("acme-uk", load_workflow_text(SECOND))
    # WHEN an invoice is created and both send, and the scan runs
    send(stack, clock, expected=2)
    scan(stack)
    # THEN one duplicate alert names both messages, both workflows and the likely cause
    (duplicate,) = alerts("duplicate_emails")
    messages = {c.id for c in wiring.runtime().ledger.view("acme-uk", "cus-1").communications}
    assert set(duplicate.refs) == messages and len(messages) == 2
    assert duplicate.cause == "overlapping_workflows|invoice-confirmation,invoice-welcome|invoice-issued"
    assert duplicate.addresses == ("jane@acme.example",) and duplicate.level.value == "red"
    # AND the metrics counted two sends and the alerts raised (service dimension only)
    counted = emitted(capsys.readouterr().out)
    assert counted["EmailsSent"] == 2 and counted["Enrolments"] >= 2 and counted["AlertsRaised"] >= 1
    # WHEN the scan runs again
    scan(stack)
    # THEN still one alert for that cause
    assert len(alerts("duplicate_emails", status=None)) == 1


def test_one_email_per_workflow_is_no_duplicate(stack, clock):
    # GIVEN only the invoice-confirmation workflow
    setup_email_workflow()
    # WHEN it sends its email and the scan runs
    send(stack, clock, expected=1)
    scan(stack)
    # THEN no duplicate and no deliverability alert
    assert alerts("duplicate_emails") == [] and alerts("deliverability") == []


def test_a_burst_of_bounces_turns_deliverability_red_and_it_resolves_when_the_window_passes(stack, clock):
    # GIVEN two workflows' emails went out
    setup_email_workflow()
    wiring.runtime().workflows.save("acme-uk", load_workflow_text(SECOND))
    send(stack, clock, expected=2)
    # WHEN SES reports a permanent bounce for each, and the scan runs
    for message in wiring.runtime().ledger.view("acme-uk", "cus-1").communications:
        deliver(stack, ses_event("bounce_eventbridge", message.id))
    scan(stack)
    # THEN each workflow has a red deliverability alert (all its emails bounced) naming the address
    found = sorted(alerts("deliverability"), key=lambda a: a.cause)
    assert [(a.cause, a.level.value) for a in found] == [("invoice-confirmation", "red"), ("invoice-welcome", "red")]
    assert found[0].addresses == ("jane@acme.example",) and "1 bounced" in found[0].detail
    # WHEN a person acknowledges one through the API
    status, body = call(stack, "POST", f"/alerts/{found[0].id}/acknowledge", {"by": "ops@acme.example"})
    assert (status, body["status"], body["note"]) == (200, "acknowledged", "acknowledged by ops@acme.example")
    # AND eight days pass without a bounce and the scan runs
    clock.advance(timedelta(days=8))
    scan(stack)
    # THEN both are resolved
    assert alerts("deliverability") == []
    assert {a.status.value for a in alerts("deliverability", status=None)} == {"resolved"}


def test_delivered_emails_raise_no_deliverability_alert(stack, clock):
    # GIVEN an email that went out and was delivered
    setup_email_workflow()
    send(stack, clock, expected=1)
    message = wiring.runtime().ledger.view("acme-uk", "cus-1").communications[0]
    deliver(stack, ses_event("delivery_eventbridge", message.id))
    # WHEN the scan runs
    scan(stack)
    # THEN nothing about deliverability
    assert alerts("deliverability") == []


def test_a_message_that_cannot_be_sent_raises_the_alert_with_its_task(stack, clock):
    # GIVEN the workflow, but the customer's only contact bounced before
    setup_email_workflow()
    rt = wiring.runtime()
    contact = rt.ledger.view("acme-uk", "cus-1").contacts[0]
    rt.ledger.put(contact.model_copy(update={"deliverability": Deliverability.BOUNCE}), force=True)
    # WHEN the workflow runs (no scan)
    publish(stack, "invoice_created")
    clock.set(clock.now().replace(hour=8))
    wait_for(lambda: rt.runs.of_customer("acme-uk", "cus-1") and tick(stack) is not None)
    wait_for(lambda: alerts("send_failed"))
    # THEN the send-failure alert names the message and the reason, and the task exists
    (failed,) = alerts("send_failed")
    message = rt.ledger.view("acme-uk", "cus-1").communications[0]
    assert failed.refs == (message.id,) and failed.cause == "invoice-confirmation|confirm"
    assert "jane@acme.example" in failed.detail and failed.level.value == "red"
    assert any(t.title.startswith("EMAIL in the workflow") for t in rt.ledger.view("acme-uk", "cus-1").tasks)
    # WHEN a person ignores it without a reason, with a reason, then lists the ignored ones
    assert call(stack, "POST", f"/alerts/{failed.id}/ignore", {"reason": ""})[0] == 422
    status, body = call(stack, "POST", f"/alerts/{failed.id}/ignore", {"reason": "contact being fixed"})
    listed = api(stack, "GET", "/alerts", query={"status": "ignored", "kind": "send_failed"})
    # THEN it is ignored with the reason, and listed under that filter
    assert (status, body["status"], body["note"]) == (200, "ignored", "contact being fixed")
    assert [a["id"] for a in listed[1]["alerts"]] == [failed.id]
    # AND acknowledging an ignored alert is a conflict; an unknown alert is not found
    assert call(stack, "POST", f"/alerts/{failed.id}/acknowledge")[0] == 409
    assert call(stack, "GET", "/alerts/al_unknown")[0] == 404
    assert api(stack, "GET", "/alerts", query={"kind": "nonsense"})[0] == 422
    # WHEN a week passes without failures and the scan runs
    clock.advance(timedelta(days=8))
    scan(stack)
    # THEN it is resolved
    assert json.loads(json.dumps(call(stack, "GET", f"/alerts/{failed.id}")[1]))["status"] == "resolved"
