"""Issue 13, defects 1 and 3: the ERP's re-sync never undoes what Chaseflow set (a bounce, a workflow's tag and
pause), a field of ours sent by the ERP is refused by name, every change a workflow action makes reaches the bus
through the outbox, and a record the ERP moves to another customer leaves no copy behind."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions import wiring
from shared.domain.ledger.models import (
    Channel,
    Communication,
    CommunicationStatus,
    Contact,
    Customer,
    Deliverability,
    Direction,
    Tag,
)
from shared.domain.workflow.loading import load_workflow_text
from tests.integration.conftest import wait_for
from tests.integration.reliability.erp import BusSpy, contact, customer, invoice, post, tenant

EVENTS = Path(__file__).resolve().parents[2] / "events"
TAG_AND_PAUSE = """
id: tag-and-pause
name: Tag and pause new customers
status: active
trigger: {type: customer_created}
settings:
  run_hours: {start: "00:00", end: "23:30"}
nodes:
  - {id: tag, type: action, action: {do: add_tag, tag: {category: Risk, name: Watch}}}
  - {id: pause, type: action, action: {do: pause_chasing, days: 14, note: on holiday}}
"""


def view():
    return wiring.runtime().ledger.view("acme-uk", "cus-1")


def bounce(stack) -> None:
    """The SES bounce of a message Chaseflow sent to Jane, through the delivery-event function."""
    event = json.loads((EVENTS / "ses" / "bounce_eventbridge.json").read_text())
    message_id = event["detail"]["mail"]["messageId"]
    communication_id = event["detail"]["mail"]["tags"]["communication"][0]
    event["detail"]["mail"]["tags"]["tenant"] = ["acme-uk"]
    sent = Communication(
        tenant_id="acme-uk",
        id=communication_id,
        source_id=message_id,
        customer_id="cus-1",
        direction=Direction.SENT,
        channel=Channel.EMAIL,
        at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        status=CommunicationStatus.SENT,
        addresses=("jane@acme.example",),
    )
    wiring.runtime().ledger.put(sent, force=True)  # what the act step logs when it sends
    boto3.client("lambda").invoke(FunctionName=stack.functions["on_delivery_event"], Payload=json.dumps(event))


def test_an_erp_resync_keeps_the_bounce_the_tag_and_the_pause_chaseflow_set(stack, clock):
    # GIVEN a customer and contact from the ERP, a workflow that tags and pauses new customers, and a bounce
    tenant(stack)
    wiring.runtime().workflows.save("acme-uk", load_workflow_text(TAG_AND_PAUSE))
    assert post(stack, clock, customer("2026-11-02T06:00:00Z"), contact("2026-11-02T06:00:00Z"))[0] == 200
    wait_for(lambda: view().customer.chasing_pause is not None)
    bounce(stack)
    assert view().contacts[0].deliverability == "BOUNCE"
    # WHEN the ERP sends both again, newer, with only a new reference and a new phone number
    status, body = post(
        stack,
        clock,
        customer("2026-11-02T07:00:00Z", reference="ACME-2"),
        contact("2026-11-02T07:00:00Z", phone="+447911123456"),
    )
    # THEN the ERP's changes are applied and ours are kept
    assert (status, body["counts"]["accepted"]) == (200, 2)
    after = view()
    assert (after.customer.reference, after.contacts[0].phone) == ("ACME-2", "+447911123456")
    assert after.contacts[0].deliverability == "BOUNCE"
    assert Tag(category="Risk", name="Watch") in after.customer.tags
    assert after.customer.chasing_pause is not None and after.customer.chasing_pause.note == "on holiday"


def test_a_field_of_ours_sent_by_the_erp_is_refused_with_its_name(stack, clock):
    # GIVEN a tenant
    tenant(stack)
    # WHEN the ERP sends a contact that sets its deliverability, beside a valid customer
    status, body = post(
        stack, clock, customer("2026-11-02T06:00:00Z"), contact("2026-11-02T06:00:00Z", deliverability="COMPLAINT")
    )
    # THEN the customer is stored and the contact refused, the field named
    assert status == 207
    (refused,) = body["rejected"]
    assert [e["path"] for e in refused["errors"]] == ["records[1].data.deliverability"]
    assert view().contacts == ()


def test_every_change_a_workflow_action_makes_is_announced_once(stack, clock):
    # GIVEN a consumer of Chaseflow's write-back events, and the tag-and-pause workflow
    tenant(stack)
    spy = BusSpy(stack, ["chaseflow.engine"])
    wiring.runtime().workflows.save("acme-uk", load_workflow_text(TAG_AND_PAUSE))
    # WHEN a new customer runs through it
    post(stack, clock, customer("2026-11-02T06:00:00Z"))
    wait_for(lambda: view().customer.chasing_pause is not None)
    # THEN the tag and the pause are on the bus, once each, with the run that made them
    events = {e["detail-type"]: e["detail"] for e in wait_for(lambda: spy.received() or None)}
    received = events | {e["detail-type"]: e["detail"] for e in spy.received()}
    assert set(received) == {"TagAdded", "ChasingPaused"}
    assert (received["TagAdded"]["category"], received["TagAdded"]["name"]) == ("Risk", "Watch")
    assert received["ChasingPaused"]["until"] == "2026-11-16"
    assert received["TagAdded"]["workflow_id"] == "tag-and-pause"


def test_an_invoice_moved_to_another_customer_leaves_no_copy_and_tells_the_customer_it_left(stack, clock):
    # GIVEN an invoice of cus-1, and a consumer of the ledger's events
    tenant(stack)
    spy = BusSpy(stack, ["chaseflow.ledger"])
    post(stack, clock, customer("2026-11-02T06:00:00Z"), customer("2026-11-02T06:00:00Z", id="cus-2", name="Beta"))
    post(stack, clock, invoice("2026-11-02T06:00:00Z"))
    spy.received()
    # WHEN the ERP re-posts it, newer, under cus-2
    status, _ = post(stack, clock, invoice("2026-11-02T07:00:00Z", customer_id="cus-2"))
    # THEN it is cus-2's alone, and cus-1 is told it left
    assert status == 200
    assert [i.id for i in view().invoices] == []
    assert [i.id for i in wiring.runtime().ledger.view("acme-uk", "cus-2").invoices] == ["inv-1"]
    moved = [e["detail"] for e in spy.received() if e["detail-type"] == "LedgerRecordMoved"]
    assert [(m["customer_id"], m["to_customer_id"], m["record_id"]) for m in moved] == [("cus-1", "cus-2", "inv-1")]


ERP_VERSION = st.tuples(st.integers(0, 5), st.sampled_from(["ACME-A", "ACME-B", "ACME-C"]))
OUR_CHANGE = st.tuples(st.integers(0, 3), st.sampled_from(["OK", "BOUNCE", "COMPLAINT"]))
OPERATIONS = st.lists(
    st.one_of(ERP_VERSION.map(lambda v: ("erp", v)), OUR_CHANGE.map(lambda c: ("ours", c))), max_size=8
)
counter = iter(range(1_000_000))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_any_interleaving_of_erp_versions_and_our_changes_ends_with_both_sides_latest(stack, operations):
    # GIVEN a contact of its own (examples share the stack), the ERP's versions in any order, and our changes
    ledger, contact_id = wiring.runtime().ledger, f"con-{next(counter)}"
    start = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)

    def version(minute: int, name: str) -> Contact:
        at = start + timedelta(minutes=minute)
        return Contact(tenant_id="acme-uk", id=contact_id, customer_id="cus-1", name=name, updated_at=at)

    newest_erp: tuple[int, str] | None = None
    ours = "OK"
    # WHEN they are applied in this order (a change of ours to a contact not yet mirrored is refused)
    for side, (order, value) in operations:
        if side == "erp":
            ledger.put(version(order, value))
            if newest_erp is None or order > newest_erp[0]:  # the same instant again is not newer
                newest_erp = (order, value)
        else:
            stored = ledger.get("acme-uk", "contact", contact_id)
            changed = (stored or version(0, "unknown")).model_copy(update={"deliverability": Deliverability(value)})
            if ledger.update_ours(changed):
                ours = value
    # THEN the stored contact has the ERP's newest version and our latest change, whatever the order
    final = ledger.get("acme-uk", "contact", contact_id)
    if newest_erp is None:
        assert final is None
    else:
        assert isinstance(final, Contact)
        minute, name = newest_erp
        assert (final.updated_at, final.name, final.deliverability.value) == (
            start + timedelta(minutes=minute),
            name,
            ours,
        )


def test_a_customer_change_of_ours_never_undoes_a_newer_erp_version(stack):
    # GIVEN a customer the engine read before the ERP sent a newer version
    ledger = wiring.runtime().ledger
    at = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    read = Customer(tenant_id="acme-uk", id="cus-9", name="Old name", currency="GBP", updated_at=at)
    ledger.put(read)
    ledger.put(read.model_copy(update={"name": "New name", "updated_at": at + timedelta(hours=1)}))
    # WHEN a workflow action stores its change on the version it read
    ledger.update_ours(read.model_copy(update={"strike_level": 2}))
    # THEN both survive
    final = ledger.get("acme-uk", "customer", "cus-9")
    assert isinstance(final, Customer) and (final.name, final.strike_level) == ("New name", 2)
