"""Ledger exports as data: validation with file[index].field problem paths, tenant filling, exact money."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shared.domain.ledger.dataset import FILES, DatasetInvalid, ledger_from_data, records_from_data
from shared.domain.ledger.models import (
    Communication,
    Contact,
    CreditNote,
    Customer,
    Invoice,
    LedgerRecord,
    Payment,
    PromiseToPay,
    Task,
)
from shared.domain.tenant import TenantSettings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/ledger"
TENANT = TenantSettings(tenant_id="acme")
INVOICE = {
    "id": "inv_1",
    "customer_id": "cus_1",
    "number": "INV-1",
    "currency": "GBP",
    "amount": 10,
    "balance": 10,
    "issued_on": "2025-05-01",
    "due_on": "2025-05-31",
}


def _data(name: str) -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def _by_id(records: list[LedgerRecord]) -> dict[str, Any]:
    return {r.id: r for r in records}


def test_a_valid_export_loads_every_kind_with_the_tenant_filled_in() -> None:
    # GIVEN an export with one file of each kind, records without tenant_id (except one that repeats it)
    data = _data("dataset_valid.json")

    # WHEN its records are validated
    records = records_from_data(TENANT, data)

    # THEN every record is of its file's model and carries the tenant's id
    kinds = sorted((type(r).__name__, r.id) for r in records)
    assert kinds == [
        ("Communication", "msg_1"),
        ("Contact", "con_1"),
        ("CreditNote", "cn_1"),
        ("Customer", "cus_1"),
        ("Invoice", "inv_1"),
        ("Invoice", "inv_2"),
        ("Payment", "pay_1"),
        ("PromiseToPay", "ptp_1"),
        ("Task", "task_1"),
    ]
    assert {r.tenant_id for r in records} == {"acme"}
    assert set(FILES) == set(data)


def test_ledger_from_data_indexes_the_records_by_customer() -> None:
    # GIVEN the same export
    data = _data("dataset_valid.json")

    # WHEN a ledger is built from it
    ledger = ledger_from_data(TENANT, data)
    view = ledger.view("cus_1")

    # THEN the customer's view holds its records of every kind
    assert [c.id for c in ledger.all(Customer)] == ["cus_1"]
    assert [i.id for i in view.invoices] == ["inv_1", "inv_2"]
    assert (len(view.contacts), len(view.credit_notes), len(view.payments)) == (1, 1, 1)
    assert (len(view.promises), len(view.communications), len(view.tasks)) == (1, 1, 1)
    assert view.contacts[0].email == "ada@hallam.example"
    assert isinstance(view.tasks[0], Task)
    assert isinstance(view.communications[0], Communication)
    assert isinstance(view.promises[0], PromiseToPay)
    assert isinstance(view.contacts[0], Contact)


@pytest.mark.parametrize(
    ("record_id", "read", "expected"),
    [
        pytest.param("cus_1", lambda r: r.credit_limit, "0.1", id="credit-limit-0.1"),
        pytest.param("cus_1", lambda r: r.custom_fields["ratio"], "0.1", id="custom-field-0.1"),
        pytest.param("inv_1", lambda r: r.amount, "1234.56", id="invoice-amount-1234.56"),
        pytest.param("inv_1", lambda r: r.balance, "0.1", id="invoice-balance-0.1"),
        pytest.param("inv_2", lambda r: r.amount, "5", id="integer-5"),
        pytest.param("inv_2", lambda r: r.balance, "0.30", id="text-0.30-keeps-its-digits"),
        pytest.param("cn_1", lambda r: r.amount_remaining, "0.2", id="credit-note-0.2"),
        pytest.param("pay_1", lambda r: r.allocations[0].amount, "1234.46", id="allocation-1234.46"),
        pytest.param("ptp_1", lambda r: r.amount, "4.7", id="promise-4.7"),
    ],
)
def test_json_floats_become_exact_decimals(record_id: str, read: Any, expected: str) -> None:
    # GIVEN the export, whose amounts JSON parses as floats (0.1, 1234.56 …), ints and text
    records = _by_id(records_from_data(TENANT, _data("dataset_valid.json")))

    # WHEN an amount is read back
    value = read(records[record_id])

    # THEN it is the Decimal of the number as written, not of the binary float
    assert isinstance(value, Decimal)
    assert str(value) == expected
    assert value == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        pytest.param(0.1, Decimal("0.1"), id="0.1"),
        pytest.param(0.1 + 0.2, Decimal("0.30000000000000004"), id="float-sum-keeps-shortest-repr"),
        pytest.param(19.99, Decimal("19.99"), id="19.99"),
        pytest.param(100.0, Decimal("100.0"), id="100.0"),
        pytest.param(1e-7, Decimal("1E-7"), id="tiny"),
        pytest.param(-12.5, Decimal("-12.5"), id="negative"),
        pytest.param(7, Decimal(7), id="int"),
    ],
)
def test_a_float_amount_is_converted_through_its_shortest_text(amount: float, expected: Decimal) -> None:
    # GIVEN an invoice whose amount is a Python float
    data = {"invoices": [{**INVOICE, "amount": amount}]}

    # WHEN it is validated
    (invoice,) = records_from_data(TENANT, data)

    # THEN the amount is the Decimal of the float's shortest text, never Decimal(float)'s binary expansion
    assert isinstance(invoice, Invoice)
    assert str(invoice.amount) == str(expected)


def test_every_problem_is_reported_with_its_file_index_and_field() -> None:
    # GIVEN an export with bad customers, invoices, payments and an unknown file
    data = _data("dataset_invalid.json")

    # WHEN it is validated
    with pytest.raises(DatasetInvalid) as raised:
        records_from_data(TENANT, data)

    # THEN every problem of every file is listed, each prefixed by file[index].field (nested fields dotted)
    assert raised.value.problems == [
        "customers[1].name: String should have at least 1 character",
        "customers[1].currency: String should match pattern '^[A-Z]{3}$'",
        "invoices[1].amount: Input should be a valid decimal",
        "invoices[1].due_on: Input should be a valid date or datetime, invalid character in year",
        "invoices[1].status: Input should be 'open', 'partially_paid', 'paid', 'dispute', 'instalments', "
        "'payment_scheduled', 'closed' or 'voided'",
        "invoices[1].colour: Extra inputs are not permitted",
        "payments[0].allocations.0.amount: Input should be greater than 0",
        "widgets: unknown kind (expected one of customers, contacts, invoices, credit_notes, payments, "
        "promises_to_pay, communications, tasks)",
    ]
    assert str(raised.value) == "; ".join(raised.value.problems)


@pytest.mark.parametrize("kind", ["invoice", "Invoices", "tenant", "payments_psp"])
def test_unknown_kinds_are_rejected(kind: str) -> None:
    # GIVEN an export whose only file has a name that is not a known kind (singular, capitalised, …)
    data = {kind: [INVOICE]}

    # WHEN it is validated
    with pytest.raises(DatasetInvalid) as raised:
        records_from_data(TENANT, data)

    # THEN the file is reported with the expected kinds, and nothing is loaded from it
    assert raised.value.problems == [f"{kind}: unknown kind (expected one of {', '.join(FILES)})"]


def test_a_long_problem_list_is_summarised_in_the_message() -> None:
    # GIVEN 25 customers each with a bad currency
    data = {"customers": [{"id": f"cus_{n}", "name": "X", "currency": "eur"} for n in range(25)]}

    # WHEN the export is validated
    with pytest.raises(DatasetInvalid) as raised:
        records_from_data(TENANT, data)

    # THEN all 25 problems are kept, while the message shows the first 20 and counts the rest
    assert len(raised.value.problems) == 25
    message = str(raised.value)
    assert message.count("customers[") == 20
    assert "customers[19].currency" in message
    assert "customers[20]" not in message
    assert message.endswith(" (and 5 more)")


def test_an_empty_export_is_an_empty_ledger() -> None:
    # GIVEN no files at all, and files with empty arrays
    # WHEN they are validated
    # THEN there are no records and no problems
    assert records_from_data(TENANT, {}) == []
    assert records_from_data(TENANT, {"customers": [], "invoices": []}) == []


def test_a_boolean_is_not_an_amount() -> None:
    # GIVEN an invoice whose amount is true
    data = {"invoices": [{**INVOICE, "amount": True}]}

    # WHEN it is validated
    with pytest.raises(DatasetInvalid) as raised:
        records_from_data(TENANT, data)

    # THEN the amount is reported, not read as 1
    assert raised.value.problems == [
        "invoices[0].amount: Decimal input should be an integer, float, string or Decimal object"
    ]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"invoices": [INVOICE, 42]}, id="number-row"),
        pytest.param({"invoices": INVOICE}, id="object-instead-of-array"),
    ],
)
def test_a_row_that_is_not_an_object_is_reported(data: dict[str, Any]) -> None:
    # GIVEN an invoices file whose content is not an array of objects
    # WHEN it is validated
    # THEN the file and index are reported like any other problem
    with pytest.raises(DatasetInvalid, match=r"^invoices"):
        records_from_data(TENANT, data)


def test_a_record_of_another_tenant_is_not_loaded_as_is() -> None:
    # GIVEN an export for tenant acme with one invoice claiming tenant globex
    data = {"invoices": [{**INVOICE, "tenant_id": "globex"}]}

    # WHEN it is validated
    try:
        records = records_from_data(TENANT, data)
    except DatasetInvalid:
        return  # rejecting the row is one acceptable outcome

    # THEN (the other acceptable outcome) every record loaded belongs to acme
    assert [r.tenant_id for r in records] == ["acme"]


def test_credit_note_and_payment_kinds_map_to_their_models() -> None:
    # GIVEN one credit note and one payment
    data = {
        "credit_notes": [
            {
                "id": "cn",
                "customer_id": "c",
                "reference": "CN",
                "currency": "EUR",
                "amount": 1,
                "amount_remaining": 1,
                "issued_on": "2025-01-01",
            }
        ],
        "payments": [{"id": "p", "customer_id": "c", "currency": "EUR", "amount": 1, "paid_on": "2025-01-01"}],
    }

    # WHEN they are validated
    credit_note, payment = records_from_data(TENANT, data)

    # THEN each is its model, with the model's defaults
    assert isinstance(credit_note, CreditNote)
    assert credit_note.status == "unapplied"
    assert isinstance(payment, Payment)
    assert payment.amount_remaining == Decimal(0)
