"""The ingest use case on in-memory ports: new vs changed vs stale, the events each change implies, their
deterministic ids, and the order of writes and publication."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.clock import FixedClock
from shared.domain.ledger.models import LEDGER_MODELS, Customer, LedgerRecord, is_newer
from shared.domain.webhooks import SignatureInvalid, read_batch, sign
from shared.events.contracts import DomainEvent
from shared.usecases.ingest import SignedRequest, TenantUnknown, event_id, implied_events, ingest, receive_records
from shared.usecases.runtime import Runtime
from tests.unit.webhooks.support import ONE_OF_EACH, SECRET, SENT_AT, TENANT, body, invoice

KIND_OF = {model: kind for kind, model in LEDGER_MODELS.items()}


@dataclass
class MemoryLedger:
    """The LedgerRepository's contract: a put loses to what is stored unless it is newer."""

    records: dict[tuple[str, str], LedgerRecord] = field(default_factory=dict)
    announced: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    journal: list[str] = field(default_factory=list)
    tenants: tuple[str, ...] = (TENANT,)

    def get_stored(self, tenant_id: str, kind: str, record_id: str) -> tuple[LedgerRecord | None, tuple[str, ...]]:
        return self.records.get((kind, record_id)), self.announced.get((kind, record_id), ())

    def put(self, record: LedgerRecord, announces: tuple[str, ...] = ()) -> bool:
        key = (KIND_OF[type(record)], record.id)
        if not is_newer(record, self.records.get(key)):
            return False
        self.records[key] = record
        self.announced[key] = announces
        self.journal.append(f"put {key[1]}")
        return True

    def tenant(self, tenant_id: str) -> Any:
        return object() if tenant_id in self.tenants else None


@dataclass
class MemoryBus:
    journal: list[str]
    events: list[DomainEvent] = field(default_factory=list)

    def publish(self, events: list[DomainEvent]) -> None:
        self.events += events
        self.journal.append(f"publish {len(events)}")


@dataclass
class MemorySecrets:
    secrets: dict[str, tuple[str, ...]]

    def for_tenant(self, tenant_id: str) -> tuple[str, ...]:
        return self.secrets.get(tenant_id, ())


def runtime() -> Runtime:
    ledger = MemoryLedger()
    return Runtime(
        runs=None,
        workflows=None,
        ledger=ledger,
        templates=None,
        actions=None,
        messenger=None,
        sweeper=None,
        alerts=None,
        metrics=None,
        executions=None,  # type: ignore[arg-type]
        clock=FixedClock(SENT_AT),
        publisher=MemoryBus(ledger.journal),
        secrets=MemorySecrets({TENANT: (SECRET,)}),
    )


def apply(rt: Runtime, *records: Any):
    return ingest(rt, TENANT, read_batch(TENANT, body(*records)))


def test_each_kind_announces_what_its_creation_implies():
    # GIVEN an empty ledger
    rt = runtime()
    # WHEN one new record of each kind arrives
    report = apply(rt, *ONE_OF_EACH)
    # THEN all are created and the events follow the contract, published once after every write
    assert [(r.kind, r.change, r.events) for r in report.accepted] == [
        ("customer", "created", ("CustomerCreated",)),
        ("contact", "created", ()),
        ("invoice", "created", ("InvoiceCreated",)),
        ("credit_note", "created", ("CreditNoteCreated",)),
        ("payment", "created", ("PaymentRegistered",)),
        ("promise_to_pay", "created", ("PromiseToPayChanged",)),
        ("communication", "created", ("EmailReceived",)),
    ]
    assert rt.ledger.journal[-1] == "publish 6" and rt.ledger.journal.count("publish 6") == 1
    assert report.events_published == 6
    assert {(e.customer_id, e.record_id) for e in rt.publisher.events} >= {("cus-1", "cus-1"), ("cus-1", "inv-1")}


def test_changes_announce_updates_only_where_the_contract_has_one():
    # GIVEN every kind already stored
    rt = runtime()
    apply(rt, *ONE_OF_EACH)
    later = "2026-11-02T07:30:00Z"
    # WHEN a newer version of each arrives
    report = apply(rt, *({**r, "data": {**r["data"], "updated_at": later}} for r in ONE_OF_EACH))
    # THEN all are updated; customers, invoices and promises announce it
    assert [(r.kind, r.change, r.events) for r in report.accepted] == [
        ("customer", "updated", ("CustomerUpdated",)),
        ("contact", "updated", ()),
        ("invoice", "updated", ("InvoiceUpdated",)),
        ("credit_note", "updated", ()),
        ("payment", "updated", ()),
        ("promise_to_pay", "updated", ("PromiseToPayChanged",)),
        ("communication", "updated", ()),
    ]


def test_repeated_and_older_deliveries_are_stale_an_older_one_silent_a_repeat_announced_again():
    # GIVEN an invoice stored at 07:00, which announced InvoiceCreated
    rt = runtime()
    apply(rt, invoice(updated_at="2026-11-02T07:00:00Z"))
    (first,) = rt.publisher.events
    # WHEN the same version and an older one arrive
    report = apply(rt, invoice(updated_at="2026-11-02T07:00:00Z"), invoice(updated_at="2026-11-02T06:00:00Z"))
    # THEN both are stale and nothing is written; the repeat announces its event again under the same id (its
    # first delivery may have stopped before announcing), the older one announces nothing
    assert [r.index for r in report.stale] == [0, 1] and report.accepted == ()
    assert [e.event_id for e in rt.publisher.events] == [first.event_id, first.event_id]
    assert [line for line in rt.ledger.journal if line.startswith("put")] == ["put inv-1"]


def test_two_versions_in_one_batch_apply_in_order():
    # GIVEN an empty ledger
    rt = runtime()
    # WHEN one batch carries an invoice's first version then its second, and another carries them reversed
    forward = apply(rt, invoice(), invoice(balance="10", updated_at="2026-11-02T07:00:00Z"))
    other = runtime()
    backward = apply(other, invoice(id="inv-1", balance="10", updated_at="2026-11-02T07:00:00Z"), invoice())
    # THEN forward: created then updated; backward: created then stale
    assert [r.change for r in forward.accepted] == ["created", "updated"]
    assert ([r.change for r in backward.accepted], [r.index for r in backward.stale]) == (["created"], [1])


def test_only_received_email_is_announced():
    # GIVEN communications the ERP logged: a sent email, a received SMS, a received email
    base = ONE_OF_EACH[-1]
    sent = {**base, "data": {**base["data"], "id": "m-1", "direction": "sent", "status": "sent"}}
    sms = {**base, "data": {**base["data"], "id": "m-2", "channel": "sms"}}
    # WHEN they are ingested
    report = apply(runtime(), sent, sms, base)
    # THEN all are stored, and only the received email is an EmailReceived
    assert [r.events for r in report.accepted] == [(), (), ("EmailReceived",)]


def test_event_ids_depend_on_the_version_only():
    # GIVEN the same invoice version written with two UTC offsets, and a later version
    batch = read_batch(
        TENANT,
        body(
            invoice(updated_at="2026-11-02T07:00:00Z"),
            invoice(updated_at="2026-11-02T08:00:00+01:00"),
            invoice(updated_at="2026-11-02T07:00:01Z"),
        ),
    )
    first, same, later = (implied_events("invoice", v.record, created=True)[0] for v in batch.valid)
    # WHEN their event ids are compared
    # THEN one instant gives one id (a redelivery announces the same event), another instant another id
    assert first.event_id == same.event_id != later.event_id
    assert first.occurred_at == datetime(2026, 11, 2, 7, tzinfo=UTC)
    assert first.event_id == event_id(TENANT, "invoice", "inv-1", "2026-11-02T07:00:00+00:00", type(first))
    # AND created and updated events of one version differ
    assert implied_events("invoice", batch.valid[0].record, created=False)[0].event_id != first.event_id


def test_a_customer_event_is_about_the_customer_itself():
    # GIVEN a new customer
    customer = Customer(tenant_id=TENANT, id="cus-9", name="Nine", currency="GBP", updated_at=SENT_AT)
    # WHEN its events are derived
    (event,) = implied_events("customer", customer, created=True)
    # THEN customer and record are the customer
    assert (event.customer_id, event.record_id, event.tenant_id) == ("cus-9", "cus-9", TENANT)


def test_receive_checks_tenant_and_signature_before_reading_anything():
    # GIVEN a runtime knowing tenant acme-uk and its secret
    rt = runtime()
    raw = body(invoice())
    good = SignedRequest(str(int(SENT_AT.timestamp())), sign(SECRET, int(SENT_AT.timestamp()), raw), raw)
    # WHEN a request comes for an unknown tenant, an invalid tenant id, a bad signature, and a good one
    # THEN 404-type refusals, a signature refusal, and the good one is applied
    for tenant in ("globex", "../acme-uk", "ACME"):
        with pytest.raises(TenantUnknown):
            receive_records(rt, tenant, good)
    with pytest.raises(SignatureInvalid):
        receive_records(rt, TENANT, SignedRequest(good.timestamp, sign("nope", good.timestamp or "", raw), raw))
    assert rt.ledger.journal == []
    assert receive_records(rt, TENANT, good).status_code == 200
    assert rt.ledger.journal == ["put inv-1", "publish 1"]


def test_a_tenant_with_a_secret_but_no_settings_is_unknown():
    # GIVEN a secret for a tenant whose settings are missing
    rt = runtime()
    rt.secrets = MemorySecrets({"orphan": (SECRET,)})
    raw = body()
    now = int(SENT_AT.timestamp())
    # WHEN it posts a correctly signed request
    # THEN it is unknown
    with pytest.raises(TenantUnknown):
        receive_records(rt, "orphan", SignedRequest(str(now), sign(SECRET, now, raw), raw))
