"""SMS steps on moto with the fake provider (moto lacks End User Messaging SMS): rendered from the tenant's SMS
template, sent once to the contact's E.164 number, never again on a replay, withheld from numbers that opted out,
and retried by the policy when the provider throttles."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3

from functions import wiring
from shared.adapters.dynamodb.consents import ConsentRepository
from shared.domain.ledger.models import Channel, Contact
from shared.domain.templates import load_template_text
from shared.domain.workflow.loading import load_workflow_text
from shared.usecases.consent import record_inbound_sms
from tests.integration.conftest import replay_act, wait_for
from tests.integration.test_email_exactly_once import sent_messages, setup_email_workflow
from tests.integration.test_runtime_flow import parked, publish, seed, tick

JANE = "+447911123456"
JOHN = "+447700123456"
WORKFLOW = """
id: invoice-text
name: Invoice text
status: active
trigger:
  type: invoice_created
  filters: [[invoice.days_issued, "<=", 3]]
settings:
  run_hours: {start: "08:00", end: "18:00"}
nodes:
  - {id: text, type: send_sms, template: invoice-sms, recipients: {to: RECIPIENTS}}
  - {id: three-days, type: wait, days: 3}
  - {id: check, type: task, title: Check the invoice was received}
"""
TEMPLATE = """
id: invoice-sms
channel: sms
text: >-
  Hi {{ contact.first_name }}, invoice {{ invoices[0].number }} for {{ invoices[0].balance }}
  is due on {{ invoices[0].date_due }}. Acme
"""


def setup_sms_workflow(recipients: str = "primary", *, second_contact: bool = False) -> None:
    seed()
    rt = wiring.runtime()
    jane = rt.ledger.view("acme-uk", "cus-1").contacts[0]
    rt.ledger.put(jane.model_copy(update={"phone": "07911 123456"}), force=True)
    if second_contact:
        rt.ledger.put(
            Contact(tenant_id="acme-uk", id="con-2", customer_id="cus-1", name="John Smith", phone="+44 7700 123456")
        )
    rt.workflows.save("acme-uk", load_workflow_text(WORKFLOW.replace("RECIPIENTS", recipients)))
    rt.templates.save("acme-uk", load_template_text(TEMPLATE))


def run_id(workflow_id: str) -> str:
    runs = wiring.runtime().runs.of_customer("acme-uk", "cus-1")
    return next(r.run_id for r in runs if r.workflow_id == workflow_id)


def enrol_and_open_the_window(stack, clock, workflow_id: str = "invoice-text") -> str:
    """The invoice event enrols (07:00, before the window); at 08:00 the tick resumes the run to its message."""
    publish(stack, "invoice_created")
    run = run_id(workflow_id)
    # every run of the event parked (seed's own workflow enrols too): else one parks after the tick and is due later
    wait_for(lambda: all(parked(r.run_id) for r in wiring.runtime().runs.of_customer("acme-uk", "cus-1")))
    clock.set(clock.now().replace(hour=8))
    tick(stack)
    return run


def sms_communications() -> list:
    comms = wiring.runtime().ledger.view("acme-uk", "cus-1").communications
    return sorted((c for c in comms if c.channel is Channel.SMS), key=lambda c: c.id)


def test_an_sms_step_sends_one_rendered_text_once_however_often_it_is_replayed(stack, clock):
    # GIVEN an invoice-created workflow whose first step is an SMS to the primary contact, and its template
    setup_sms_workflow()
    # WHEN the event arrives and the window opens
    run = enrol_and_open_the_window(stack, clock)
    wait_for(lambda: len(stack.sms.sent) == 1 and parked(run))
    # THEN one SMS went to Jane's number in E.164, rendered from the SMS template, with correlation context
    sent = stack.sms.sent[0]
    assert sent.sms.to_e164 == JANE
    assert sent.sms.body == "Hi Jane, invoice INV-1 for £100.00 is due on 2 Dec 2026. Acme"
    key = sent.sms.context["communication"]
    assert sent.sms.context == {"tenant": "acme-uk", "run": run, "communication": key}
    action_key, position = key.rsplit(":", 1)
    assert position == "0"
    # AND it is logged once as sent, with the provider's message id and the number
    [comm] = sms_communications()
    assert (comm.id, comm.status.value, comm.source_id, comm.addresses) == (key, "sent", sent.message_id, (JANE,))
    assert comm.body_text == sent.sms.body
    # WHEN the act step is replayed twice with the same payload (a Lambda retry after a timeout)
    replay_act(stack, run, "text", action_key)
    # THEN nothing more was sent or logged, and no email either
    assert len(stack.sms.sent) == 1
    assert len(sms_communications()) == 1
    assert sent_messages() == []


def test_an_opted_out_number_receives_nothing_and_leaves_a_task_and_a_note(stack, clock):
    # GIVEN the SMS workflow, and Jane texted STOP the day before
    setup_sms_workflow()
    consents = ConsentRepository(stack.tables["core"])
    state = record_inbound_sms(consents, "acme-uk", JANE, "Stop.", datetime(2026, 11, 1, 12, tzinfo=UTC))
    assert state is not None and state.opted_out
    # WHEN the workflow reaches its SMS step
    run = enrol_and_open_the_window(stack, clock)
    rt = wiring.runtime()
    wait_for(lambda: any(t.title.startswith("SMS in the workflow") for t in rt.ledger.view("acme-uk", "cus-1").tasks))
    wait_for(lambda: parked(run))
    # THEN nothing was sent; the message is logged as blocked, saying the number opted out; the run moved on
    assert stack.sms.sent == [] and stack.sms.refused == []
    [comm] = sms_communications()
    assert comm.status.value == "blocked"
    assert comm.reason == f"not sent: {JANE} opted out"
    [task] = [t for t in rt.ledger.view("acme-uk", "cus-1").tasks if t.title.startswith("SMS")]
    assert task.title == "SMS in the workflow 'Invoice text' could not be sent."
    stored = rt.runs.get("acme-uk", run)
    assert stored.state.node_id == "three-days"
    assert [(h.outcome, h.detail) for h in stored.state.history if h.node_id == "text"] == [
        ("failed", f"not sent: {JANE} opted out")
    ]


def test_an_opt_in_after_the_opt_out_lets_the_text_go_out(stack, clock):
    # GIVEN Jane texted STOP, then START an hour later (delivered out of order: START first)
    setup_sms_workflow()
    consents = ConsentRepository(stack.tables["core"])
    record_inbound_sms(consents, "acme-uk", JANE, "START", datetime(2026, 11, 1, 13, tzinfo=UTC))
    record_inbound_sms(consents, "acme-uk", JANE, "stop", datetime(2026, 11, 1, 12, tzinfo=UTC))
    # AND an ordinary reply changes nothing
    assert record_inbound_sms(consents, "acme-uk", JANE, "Stop sending me these", clock.now()) is None
    # WHEN the workflow reaches its SMS step
    run = enrol_and_open_the_window(stack, clock)
    # THEN the SMS goes out: the latest choice is the opt-in
    wait_for(lambda: len(stack.sms.sent) == 1 and parked(run))
    assert stack.sms.sent[0].sms.to_e164 == JANE


def test_a_throttled_send_parks_for_its_retry_and_the_tick_sends_it_once(stack, clock):
    # GIVEN the SMS workflow, and the provider throttles the first send to Jane
    setup_sms_workflow()
    stack.sms.fail(JANE, "throttled", times=1)
    # WHEN the workflow reaches its SMS step
    run = enrol_and_open_the_window(stack, clock)
    wait_for(lambda: len(stack.sms.refused) == 1 and parked(run))
    # THEN nothing went out; the run parks at the SMS node until the backoff's retry time (under a second)
    stored = wiring.runtime().runs.get("acme-uk", run)
    assert stack.sms.sent == []
    assert stored.state.node_id == "text"
    retry_at = stored.state.retry_at
    assert clock.now() < retry_at <= clock.now() + timedelta(seconds=1)
    assert stored.next_run_at == retry_at.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    assert sms_communications() == []
    # WHEN the tick comes after the retry time (twice: the second finds nothing due)
    clock.advance(timedelta(seconds=5))
    assert tick(stack)["resumed"] == 1
    wait_for(lambda: len(stack.sms.sent) == 1 and parked(run))
    assert tick(stack)["resumed"] == 0
    # THEN the SMS went out once, is logged once as sent, and the run moved on to its wait
    assert [s.sms.to_e164 for s in stack.sms.sent] == [JANE]
    assert [c.status.value for c in sms_communications()] == ["sent"]
    assert wiring.runtime().runs.get("acme-uk", run).state.node_id == "three-days"


def test_a_retry_after_a_partial_send_texts_only_those_not_reached(stack, clock):
    # GIVEN an SMS to every contact (Jane, primary, and John), and the provider throttles John's first send
    setup_sms_workflow("primary_and_others", second_contact=True)
    stack.sms.fail(JOHN, "throttled", times=1)
    # WHEN the step runs, then its retry
    run = enrol_and_open_the_window(stack, clock)
    wait_for(lambda: len(stack.sms.refused) == 1 and parked(run))
    assert [s.sms.to_e164 for s in stack.sms.sent] == [JANE]
    clock.advance(timedelta(seconds=5))
    tick(stack)
    wait_for(lambda: len(stack.sms.sent) == 2 and parked(run))
    # THEN each contact received exactly one SMS, addressed by name, each with its own sub-key and log entry
    assert [(s.sms.to_e164, s.sms.body.split(",")[0]) for s in stack.sms.sent] == [(JANE, "Hi Jane"), (JOHN, "Hi John")]
    keys = [s.sms.context["communication"] for s in stack.sms.sent]
    assert [k.rsplit(":", 1)[1] for k in keys] == ["0", "1"]
    assert [(c.id, c.addresses, c.status.value) for c in sms_communications()] == [
        (keys[0], (JANE,), "sent"),
        (keys[1], (JOHN,), "sent"),
    ]


def test_a_permanent_rejection_leaves_a_task_and_is_not_retried(stack, clock):
    # GIVEN the SMS workflow, and the provider rejects Jane's number
    setup_sms_workflow()
    stack.sms.fail(JANE, "rejected")
    # WHEN the workflow reaches its SMS step
    run = enrol_and_open_the_window(stack, clock)
    rt = wiring.runtime()
    wait_for(lambda: any(t.title.startswith("SMS in the workflow") for t in rt.ledger.view("acme-uk", "cus-1").tasks))
    wait_for(lambda: parked(run))
    # THEN it was tried once, logged as failed with the provider's reason, and the run moved on
    assert len(stack.sms.refused) == 1 and stack.sms.sent == []
    [comm] = sms_communications()
    assert comm.status.value == "failed"
    assert "ValidationException" in (comm.reason or "")
    assert rt.runs.get("acme-uk", run).state.node_id == "three-days"


def test_an_unsubscribed_email_address_is_left_out(stack, clock):
    # GIVEN the email workflow, a second contact, and Jane unsubscribed from email
    setup_email_workflow()
    rt = wiring.runtime()
    rt.ledger.put(Contact(tenant_id="acme-uk", id="con-2", customer_id="cus-1", name="John", email="john@acme.example"))
    ConsentRepository(stack.tables["core"]).record(
        "acme-uk", Channel.EMAIL, "Jane@Acme.example", "opt_out", datetime(2026, 11, 1, tzinfo=UTC), "list_unsubscribe"
    )
    # WHEN the workflow's email step runs
    run = enrol_and_open_the_window(stack, clock, "invoice-confirmation")
    wait_for(lambda: len(sent_messages()) == 1 and parked(run))
    # THEN the email went to John only
    assert sent_messages()[0].destinations["ToAddresses"] == ["john@acme.example"]


def deliver_sms_event(stack, communication, status: str = "UNREACHABLE", final: bool = True) -> dict:
    """The End User Messaging SMS event for our text, as the default-bus rule forwards it to the function."""
    event = json.loads((Path(__file__).resolve().parents[1] / "events" / "sms" / "text_unreachable.json").read_text())
    event["detail"]["context"] |= {"run": communication.run_id or "", "communication": communication.id}
    event["detail"] |= {"messageStatus": status, "eventType": f"TEXT_{status}", "isFinal": final}
    response = boto3.client("lambda").invoke(
        FunctionName=stack.functions["on_delivery_event"], Payload=json.dumps(event)
    )
    assert "FunctionError" not in response, response["Payload"].read()
    return json.loads(response["Payload"].read())


def test_an_undelivered_text_is_marked_failed_announced_once_and_never_marked_delivered_after(stack, clock):
    # GIVEN a text sent to Jane
    setup_sms_workflow()
    run = enrol_and_open_the_window(stack, clock)
    wait_for(lambda: len(stack.sms.sent) == 1 and parked(run))
    (text,) = sms_communications()
    # WHEN the carrier reports it unreachable (the final status), twice
    first = deliver_sms_event(stack, text)
    again = deliver_sms_event(stack, text)
    # THEN the text is FAILED with the carrier's reason, and SmsUndelivered was announced (the same id each time)
    assert (first["messages"], first["events"]) == (1, 1) and again["events"] == 1
    (failed,) = sms_communications()
    assert failed.status.value == "failed" and failed.reason.startswith("SMS UNREACHABLE")
    # WHEN a late, out-of-order delivery receipt arrives, and an intermediate status
    deliver_sms_event(stack, text, status="SUCCESSFUL")
    pending = deliver_sms_event(stack, text, status="PENDING", final=False)
    # THEN the text stays failed and nothing more is announced
    assert [c.status.value for c in sms_communications()] == ["failed"] and pending["events"] == 0


def test_a_delivered_text_is_marked_delivered(stack, clock):
    # GIVEN a text sent to Jane
    setup_sms_workflow()
    run = enrol_and_open_the_window(stack, clock)
    wait_for(lambda: len(stack.sms.sent) == 1 and parked(run))
    (text,) = sms_communications()
    # WHEN the carrier confirms it THEN it is DELIVERED and nothing is announced
    assert deliver_sms_event(stack, text, status="DELIVERED")["events"] == 0
    assert [c.status.value for c in sms_communications()] == ["delivered"]
