"""Pause rules on moto: a promise to pay holds the message and chasing resumes at the same step when the
promise is broken; a reply holds the next message for N days."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from functions import wiring
from shared.domain.ledger.models import (
    Channel,
    Communication,
    CommunicationStatus,
    Contact,
    Customer,
    Direction,
    Invoice,
    PromiseToPay,
)
from shared.domain.templates import load_template_text
from shared.domain.workflow.loading import load_workflow_text
from shared.events.contracts import EmailReceived
from shared.usecases.enrol import handle_event
from tests.integration.conftest import wait_for
from tests.integration.test_email_exactly_once import sent_messages
from tests.integration.test_runtime_flow import TENANT, parked, tick

WORKFLOW = """
id: overdue-emails
name: Overdue emails
status: active
trigger:
  type: customer_follow_up
  filters: [[customer.balance_overdue, ">", 0]]
settings:
  start: {every: day}
  run_hours: {start: "08:00", end: "18:00"}
  send_on_weekends: true
  pause: {promise_to_pay: customer, recent_communication_days: 3}
nodes:
  - {id: first, type: send_email, template: overdue}
  - {id: week, type: wait, days: 7}
  - {id: second, type: send_email, template: overdue}
"""
TEMPLATE = """
id: overdue
channel: email
subject: "Overdue: {{ customer.balance_overdue }}"
text: "Dear {{ contact.name }}."
"""


def seed(promise_until: date | None = None) -> None:
    rt = wiring.runtime()
    rt.ledger.put_tenant(TENANT)
    rt.ledger.put(Customer(tenant_id="acme-uk", id="cus-1", name="Acme Ltd", currency="GBP", country="GB"))
    rt.ledger.put(
        Contact(
            tenant_id="acme-uk",
            id="con-1",
            customer_id="cus-1",
            name="Jane",
            email="jane@acme.example",
            is_primary=True,
        )
    )
    rt.ledger.put(
        Invoice(
            tenant_id="acme-uk",
            id="inv-1",
            customer_id="cus-1",
            number="INV-1",
            currency="GBP",
            amount=Decimal(400),
            balance=Decimal(400),
            issued_on=date(2026, 9, 1),
            due_on=date(2026, 10, 1),
        )
    )
    if promise_until:
        rt.ledger.put(
            PromiseToPay(
                tenant_id="acme-uk",
                id="ptp-1",
                customer_id="cus-1",
                invoice_ids=("inv-1",),
                promised_on=promise_until,
                created_at=datetime(2026, 10, 30, tzinfo=UTC),
            )
        )
    rt.workflows.save("acme-uk", load_workflow_text(WORKFLOW))
    rt.templates.save("acme-uk", load_template_text(TEMPLATE))


def the_run():
    runs = wiring.runtime().runs.of_customer("acme-uk", "cus-1")
    return runs[0] if runs else None


def advance_to(stack, clock, instant: datetime) -> None:
    clock.set(instant)
    tick(stack)


def test_a_promise_holds_the_message_and_a_broken_promise_resumes_at_the_same_step(stack, clock):
    # GIVEN an overdue customer who promised to pay by Thursday 5 November
    seed(promise_until=date(2026, 11, 5))
    # WHEN the daily sweep runs on Monday at 08:00
    advance_to(stack, clock, clock.now().replace(hour=8))
    run = wait_for(the_run)
    wait_for(lambda: parked(run.run_id))
    # THEN nothing is sent and the run waits at its first node until the day after the promise
    stored = wiring.runtime().runs.get("acme-uk", run.run_id)
    assert (stored.state.node_id, stored.next_run_at, sent_messages()) == ("first", "2026-11-06T00:00:00Z", [])
    # WHEN the promise passes unpaid and the ticks come (midnight, then the window opening)
    advance_to(stack, clock, datetime(2026, 11, 6, 0, 0, tzinfo=UTC))
    wait_for(lambda: parked(run.run_id))
    advance_to(stack, clock, datetime(2026, 11, 6, 8, 0, tzinfo=UTC))
    # THEN the first message goes out, from the same node
    wait_for(lambda: len(sent_messages()) == 1 and parked(run.run_id))
    history = [(h.node_id, h.outcome) for h in wiring.runtime().runs.get("acme-uk", run.run_id).state.history]
    assert history == [("first", "acted")]


def test_a_reply_holds_the_next_message_for_three_days(stack, clock):
    # GIVEN the first message sent on Monday 08:00
    seed()
    advance_to(stack, clock, clock.now().replace(hour=8))
    run = wait_for(the_run)
    wait_for(lambda: len(sent_messages()) == 1 and parked(run.run_id))
    # WHEN the customer replies on Sunday 8 November at 17:00 and the event arrives
    replied = datetime(2026, 11, 8, 17, 0, tzinfo=UTC)
    clock.set(replied)
    rt = wiring.runtime()
    rt.ledger.put(
        Communication(
            tenant_id="acme-uk",
            id="in-1",
            customer_id="cus-1",
            direction=Direction.RECEIVED,
            channel=Channel.EMAIL,
            at=replied,
            status=CommunicationStatus.RECEIVED,
            addresses=("jane@acme.example",),
            subject="Re: Overdue",
        )
    )
    handle_event(
        rt,
        EmailReceived(
            event_id="evt-reply-in-1", tenant_id="acme-uk", customer_id="cus-1", occurred_at=replied, record_id="in-1"
        ),
    )
    wait_for(lambda: parked(run.run_id))
    # AND the week's wait ends on Monday 9 November 08:00
    advance_to(stack, clock, datetime(2026, 11, 9, 8, 0, tzinfo=UTC))
    wait_for(lambda: parked(run.run_id) and wiring.runtime().runs.get("acme-uk", run.run_id).next_run_at)
    # THEN the second message is held until three days after the reply, then sent once
    assert wiring.runtime().runs.get("acme-uk", run.run_id).next_run_at == "2026-11-11T17:00:00Z"
    assert len(sent_messages()) == 1
    advance_to(stack, clock, replied + timedelta(days=3))
    wait_for(lambda: len(sent_messages()) == 2)
