"""Email steps on moto: rendered from the tenant's template, sent through SES v2 with tags, logged, and never
twice — whatever is replayed (the event, the act step, a Lambda retry)."""

from moto.ses.models import ses_backends

from emulator.stack import ACCOUNT, REGION
from functions import wiring
from shared.domain.ledger.models import Deliverability
from shared.domain.templates import load_template_text
from shared.domain.workflow.loading import load_workflow_text
from tests.integration.conftest import replay_act, wait_for
from tests.integration.test_runtime_flow import parked, publish, seed, tick

WORKFLOW = """
id: invoice-confirmation
name: Invoice confirmation
status: active
trigger:
  type: invoice_created
  filters: [[invoice.days_issued, "<=", 3]]
settings:
  run_hours: {start: "08:00", end: "18:00"}
nodes:
  - {id: confirm, type: send_email, template: invoice-issued}
  - {id: three-days, type: wait, days: 3}
  - {id: check, type: task, title: Check the invoice was received}
"""
TEMPLATE = """
id: invoice-issued
channel: email
subject: "Invoice {{ invoices[0].number }} from Acme"
text: >-
  Dear {{ contact.first_name }}, invoice {{ invoices[0].number }}
  for {{ invoices[0].balance }} is due on {{ invoices[0].date_due }}.
"""


def sent_messages() -> list:
    return list(ses_backends[ACCOUNT][REGION].sent_messages)


def setup_email_workflow() -> None:
    seed()
    rt = wiring.runtime()
    rt.workflows.save("acme-uk", load_workflow_text(WORKFLOW))
    rt.templates.save("acme-uk", load_template_text(TEMPLATE))


def test_an_email_step_sends_once_however_often_it_is_replayed(stack, clock):
    # GIVEN an invoice-created workflow whose first step is an email, and its template
    setup_email_workflow()
    # WHEN the event is delivered three times and the window opens
    for _ in range(3):
        publish(stack, "invoice_created")
    run = wiring.runtime().runs.of_customer("acme-uk", "cus-1")
    run_id = next(r.run_id for r in run if r.workflow_id == "invoice-confirmation")
    wait_for(lambda: parked(run_id))
    clock.set(clock.now().replace(hour=8))
    tick(stack)
    wait_for(lambda: len(sent_messages()) == 1 and parked(run_id))
    # THEN exactly one email went out, rendered, to the primary contact
    message = sent_messages()[0]
    assert message.destinations["ToAddresses"] == ["jane@acme.example"]
    assert message.subject == "Invoice INV-1 from Acme"
    assert "Dear Jane, invoice INV-1 for £100.00 is due on 2 Dec 2026." in message.body
    # WHEN the act step is replayed with the same action (a Lambda retry after a timeout)
    stored = wiring.runtime().runs.get("acme-uk", run_id)
    confirm = next(h for h in stored.state.history if h.node_id == "confirm")
    assert confirm.outcome == "acted"
    comms = wiring.runtime().ledger.view("acme-uk", "cus-1").communications
    key = comms[0].id
    replay_act(stack, run_id, "confirm", key)
    # THEN still one email, one communication logged as sent with the SES message id
    assert len(sent_messages()) == 1
    comms = wiring.runtime().ledger.view("acme-uk", "cus-1").communications
    assert [(c.status.value, c.source_id == message.id) for c in comms] == [("sent", True)]


def test_a_message_without_a_valid_recipient_leaves_a_task_and_a_note(stack, clock):
    # GIVEN the workflow and template, but the customer's only contact bounced
    setup_email_workflow()
    rt = wiring.runtime()
    contact = rt.ledger.view("acme-uk", "cus-1").contacts[0]
    rt.ledger.put(contact.model_copy(update={"deliverability": Deliverability.BOUNCE}), force=True)
    # WHEN the workflow runs
    publish(stack, "invoice_created")
    clock.set(clock.now().replace(hour=8))
    wait_for(lambda: rt.runs.of_customer("acme-uk", "cus-1") and tick(stack) is not None)
    wait_for(lambda: any(t.title.startswith("EMAIL in the workflow") for t in rt.ledger.view("acme-uk", "cus-1").tasks))
    # THEN nothing was sent, the message is logged as blocked with the address, and the run moved on
    assert sent_messages() == []
    comms = rt.ledger.view("acme-uk", "cus-1").communications
    assert [c.status.value for c in comms] == ["blocked"]
    assert "jane@acme.example" in (comms[0].reason or "")
