"""Batch validation: each record judged on its own, field-level errors with their paths, the envelope refused
as a whole only when nothing can be read from it, and the report's status code."""

import json
from decimal import Decimal

import pytest

from shared.domain.ledger.models import (
    Communication,
    Contact,
    CreditNote,
    Customer,
    Direction,
    Invoice,
    Payment,
    PromiseToPay,
)
from shared.domain.webhooks import (
    KINDS,
    MAX_RECORDS,
    BatchTooLarge,
    BodyInvalid,
    IngestReport,
    RecordResult,
    read_batch,
)
from tests.unit.webhooks.support import ONE_OF_EACH, TENANT, body, invoice, sample


def paths(batch) -> dict[int, list[str]]:
    return {r.index: [e.path for e in r.errors] for r in batch.rejected}


def test_every_kind_the_erp_sends_is_read_into_its_ledger_model():
    # GIVEN one record of each kind
    # WHEN the batch is read
    batch = read_batch(TENANT, body(*ONE_OF_EACH))
    # THEN each becomes its model, for the tenant of the URL, in order
    assert batch.rejected == ()
    types = [type(v.record) for v in batch.valid]
    assert types == [Customer, Contact, Invoice, CreditNote, Payment, PromiseToPay, Communication]
    assert [v.kind for v in batch.valid] == list(KINDS)
    assert {v.record.tenant_id for v in batch.valid} == {TENANT}
    email = batch.valid[-1].record
    assert isinstance(email, Communication) and email.direction is Direction.RECEIVED


def test_the_sample_batch_is_valid():
    # GIVEN the body of the sample API Gateway event
    raw = sample("signed_batch")["body"].encode()
    # WHEN it is read
    batch = read_batch(TENANT, raw)
    # THEN its customer, contact and invoice are valid
    assert [(v.kind, v.record.id) for v in batch.valid] == [
        ("customer", "cus-1"),
        ("contact", "con-1"),
        ("invoice", "inv-1"),
    ]


def test_money_keeps_its_decimal_text():
    # GIVEN amounts written as JSON numbers with decimals
    raw = json.dumps({"records": [invoice(amount=0.1, balance=0.1)]}).encode()
    # WHEN the batch is read
    (valid,) = read_batch(TENANT, raw).valid
    # THEN they are exact decimals, not binary floats
    assert isinstance(valid.record, Invoice)
    assert valid.record.amount == Decimal("0.1") and valid.record.balance == Decimal("0.1")


def test_invalid_records_get_field_level_errors_and_valid_ones_are_kept():
    # GIVEN a batch mixing valid records with several kinds of invalid ones
    records = [
        invoice(id="inv-ok-1"),
        invoice(id="inv-2", due_on="31/12/2026", currency="pounds"),
        {"kind": "payment", "data": {**ONE_OF_EACH[4]["data"], "allocations": [{"invoice_id": "inv-1", "amount": 0}]}},
        {"kind": "task", "data": {"id": "t-1"}},
        "invoice",
        {"kind": "invoice", "data": [], "meta": 1},
        invoice(id="inv-3", tenant_id="globex"),
        invoice(id="inv-4", updated_at=None),
        invoice(id="inv-5", colour="blue"),
        invoice(id="inv-ok-2"),
    ]
    # WHEN it is read
    batch = read_batch(TENANT, body(*records))
    # THEN the two valid invoices are kept and each invalid record names its problems by path
    assert [(v.index, v.record.id) for v in batch.valid] == [(0, "inv-ok-1"), (9, "inv-ok-2")]
    assert paths(batch) == {
        1: ["records[1].data.currency", "records[1].data.due_on"],
        2: ["records[2].data.allocations[0].amount"],
        3: ["records[3].kind"],
        4: ["records[4]"],
        5: ["records[5].meta", "records[5].data"],
        6: ["records[6].data.tenant_id"],
        7: ["records[7].data.updated_at"],
        8: ["records[8].data.colour"],
    }
    # AND each rejection says what it was about, with a message and a type
    rejected = {r.index: r for r in batch.rejected}
    assert (rejected[1].kind, rejected[1].id) == ("invoice", "inv-2")
    assert (rejected[3].kind, rejected[4].kind, rejected[4].id) == ("task", None, None)
    assert all(e.message and e.type for r in batch.rejected for e in r.errors)
    assert rejected[2].errors[0].type == "greater_than"


def test_the_tenant_of_the_url_may_be_repeated_in_the_record():
    # GIVEN a record that names its tenant, the same as the URL's
    # WHEN the batch is read
    batch = read_batch(TENANT, body(invoice(tenant_id=TENANT)))
    # THEN it is valid
    assert len(batch.valid) == 1 and batch.rejected == ()


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        (b"{not json", ""),
        (b"\xff\xfe{}", ""),
        (b'{"records": [{"kind": "invoice", "data": {"amount": NaN}}]}', ""),
        (b"[]", "records"),
        (b"{}", "records"),
        (b'{"records": {"kind": "invoice"}}', "records"),
        (b'{"records": [], "page": 2}', "page"),
    ],
    ids=["not-json", "not-utf8", "nan", "array", "no-records", "records-not-array", "unexpected-field"],
)
def test_a_body_that_cannot_be_read_is_refused_as_a_whole(raw, path):
    # GIVEN a body that is not JSON or not the batch envelope
    # WHEN it is read
    # THEN nothing is taken from it, and the error names where
    with pytest.raises(BodyInvalid) as refused:
        read_batch(TENANT, raw)
    assert [e.path for e in refused.value.errors] == [path]


def test_at_most_500_records_per_call():
    # GIVEN a page of exactly 500 records and one of 501
    # WHEN they are read
    # THEN 500 pass and 501 are refused as too large, before any record is validated
    assert len(read_batch(TENANT, body(*[invoice(id=f"inv-{n}") for n in range(MAX_RECORDS)])).valid) == 500
    with pytest.raises(BatchTooLarge) as refused:
        read_batch(TENANT, body(*[{"kind": "nonsense"}] * (MAX_RECORDS + 1)))
    assert refused.value.count == 501


def test_an_empty_page_is_fine():
    # GIVEN the last, empty page of an initial sync
    # WHEN it is read
    batch = read_batch(TENANT, body())
    # THEN there is nothing to apply and nothing wrong
    assert (batch.valid, batch.rejected) == ((), ())
    assert IngestReport().status_code == 200


@pytest.mark.parametrize(
    ("accepted", "stale", "rejected", "status"),
    [(1, 0, 0, 200), (0, 1, 0, 200), (2, 3, 0, 200), (1, 0, 1, 207), (0, 1, 1, 207), (0, 0, 2, 422)],
)
def test_the_status_code_says_how_much_was_applied(accepted, stale, rejected, status):
    # GIVEN a report with so many accepted, stale and rejected records
    def results(n):
        return tuple(RecordResult(index=i, kind="invoice", id=f"inv-{i}") for i in range(n))

    report = IngestReport(accepted=results(accepted), stale=results(stale), rejected=results(rejected))
    # WHEN its status code is asked
    # THEN 200 when everything was applied or already known, 422 when nothing valid came, 207 in between
    assert report.status_code == status
    assert report.body()["counts"] == {"accepted": accepted, "stale": stale, "rejected": rejected}
