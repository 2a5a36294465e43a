"""The tenant ledger, one customer's view, group views, and the ledger as it stood on an earlier day."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.ledger.aging import customer_figures
from shared.domain.ledger.dataset import ledger_from_data
from shared.domain.ledger.models import (
    Allocation,
    Communication,
    Contact,
    CreditNote,
    CreditNoteStatus,
    Customer,
    Invoice,
    InvoiceStatus,
    LedgerRecord,
    Payment,
    PaymentStatus,
    PromiseToPay,
    Task,
)
from shared.domain.ledger.views import Ledger
from shared.domain.tenant import TenantSettings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/ledger"
TENANT = TenantSettings(tenant_id="acme")
TODAY = date(2025, 6, 30)


def _customer(customer_id: str = "cus_1", **fields: Any) -> Customer:
    return Customer.model_validate(
        {"tenant_id": "acme", "id": customer_id, "name": f"Customer {customer_id}", "currency": "GBP", **fields}
    )


def _invoice(invoice_id: str = "inv_1", customer_id: str = "cus_1", **fields: Any) -> Invoice:
    values: dict[str, Any] = {
        "tenant_id": "acme",
        "id": invoice_id,
        "customer_id": customer_id,
        "number": invoice_id.upper(),
        "currency": "GBP",
        "amount": Decimal("100.00"),
        "balance": Decimal("100.00"),
        "issued_on": date(2025, 1, 1),
        "due_on": date(2025, 1, 31),
    }
    return Invoice.model_validate({**values, **fields})


def _payment(payment_id: str, paid_on: date, allocations: tuple[Allocation, ...] = (), **fields: Any) -> Payment:
    amount = sum((a.amount for a in allocations), Decimal(0))
    return Payment.model_validate(
        {
            "tenant_id": "acme",
            "id": payment_id,
            "customer_id": "cus_1",
            "currency": "GBP",
            "amount": amount,
            "paid_on": paid_on,
            "allocations": allocations,
            **fields,
        }
    )


def _ids(records: list[LedgerRecord]) -> list[str]:
    return sorted(r.id for r in records)


# -- Ledger.of / add ------------------------------------------------------------------------------------------------


def test_a_record_with_the_same_id_replaces_the_earlier_one() -> None:
    # GIVEN an invoice delivered twice (the second time part-paid), another invoice, and a renamed customer
    first = _invoice(balance=Decimal("100.00"))
    second = _invoice(balance=Decimal("40.00"), status=InvoiceStatus.PARTIALLY_PAID)
    other = _invoice("inv_2")

    # WHEN the ledger is built from all of them
    ledger = Ledger.of([_customer(name="Old name"), first, other, second, _customer(name="New name")])

    # THEN each id is held once, with its latest version
    invoices = {i.id: i for i in ledger.all(Invoice)}
    assert len(ledger.all(Invoice)) == 2
    assert invoices["inv_1"].balance == Decimal("40.00")
    assert invoices["inv_2"] == other
    assert ledger.customers["cus_1"].name == "New name"
    assert len(ledger.customers) == 1


def test_same_id_of_another_kind_is_a_different_record() -> None:
    # GIVEN an invoice and a payment that happen to share the id "x1"
    ledger = Ledger()
    ledger.add(_invoice("x1"))

    # WHEN the payment is added
    ledger.add(_payment("x1", date(2025, 2, 1)))

    # THEN both are kept: ids are unique per kind
    assert _ids(ledger.all(Invoice)) == ["x1"]
    assert _ids(ledger.all(Payment)) == ["x1"]


def test_a_record_moved_to_another_customer_is_not_duplicated() -> None:
    # GIVEN an invoice of cus_1
    ledger = Ledger.of([_customer("cus_1"), _customer("cus_2"), _invoice(customer_id="cus_1")])

    # WHEN the ERP reassigns it to cus_2
    ledger.add(_invoice(customer_id="cus_2"))

    # THEN only cus_2 holds it
    assert ledger.records("cus_1", Invoice) == []
    assert [i.customer_id for i in ledger.all(Invoice)] == ["cus_2"]


def test_records_of_an_unknown_customer_are_empty() -> None:
    # GIVEN a ledger with one customer and an invoice
    ledger = Ledger.of([_customer(), _invoice()])

    # WHEN asking for the invoices of a customer it does not know, and the payments of one it does
    # THEN both are empty lists
    assert ledger.records("cus_unknown", Invoice) == []
    assert ledger.records("cus_1", Payment) == []
    assert ledger.records("cus_1", Invoice) == [_invoice()]


# -- views ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def group() -> Ledger:
    contact = Contact(tenant_id="acme", id="con_b", customer_id="cus_b", name="Bea")
    return Ledger.of(
        [
            _customer("cus_parent"),
            _customer("cus_b", parent_customer_id="cus_parent"),
            _customer("cus_a", parent_customer_id="cus_parent"),
            _customer("cus_other"),
            _invoice("inv_p", "cus_parent"),
            _invoice("inv_a", "cus_a"),
            _invoice("inv_b", "cus_b"),
            _invoice("inv_o", "cus_other"),
            _payment("pay_a", date(2025, 2, 1), customer_id="cus_a"),
            CreditNote(
                tenant_id="acme",
                id="cn_b",
                customer_id="cus_b",
                reference="CN",
                currency="GBP",
                amount=Decimal(5),
                amount_remaining=Decimal(5),
                issued_on=date(2025, 2, 1),
            ),
            contact,
        ]
    )


def test_group_view_includes_children_in_id_order(group: Ledger) -> None:
    # GIVEN a parent with children cus_b and cus_a, and an unrelated customer
    # WHEN the parent's view is taken with its members
    view = group.view("cus_parent", with_members=True)

    # THEN the members are the children's own views, sorted by id, and the all_* lists consolidate them
    assert [m.customer.id for m in view.members] == ["cus_a", "cus_b"]
    assert [i.id for i in view.all_invoices()] == ["inv_p", "inv_a", "inv_b"]
    assert [p.id for p in view.all_payments()] == ["pay_a"]
    assert [c.id for c in view.all_credit_notes()] == ["cn_b"]
    assert view.invoices == (_invoice("inv_p", "cus_parent"),)
    assert group.children("cus_parent") == ["cus_a", "cus_b"]


def test_view_without_members_is_the_customer_alone(group: Ledger) -> None:
    # GIVEN the same group
    # WHEN the parent's view is taken without members, and a child's view with members
    alone = group.view("cus_parent")
    child = group.view("cus_a", with_members=True)

    # THEN neither has members and each sees only its own invoices
    assert alone.members == ()
    assert [i.id for i in alone.all_invoices()] == ["inv_p"]
    assert child.members == ()
    assert [i.id for i in child.all_invoices()] == ["inv_a"]


def test_view_lookups(group: Ledger) -> None:
    # GIVEN the parent's group view and the child cus_b's own view
    view = group.view("cus_parent", with_members=True)
    child = group.view("cus_b")

    # WHEN looking records up by id
    # THEN invoices are found across members; contacts only on the customer itself
    assert view.invoice("inv_b") == _invoice("inv_b", "cus_b")
    assert view.invoice("inv_o") is None
    assert view.contact("con_b") is None
    assert child.contact("con_b") is not None


def test_view_of_an_unknown_customer_raises(group: Ledger) -> None:
    # GIVEN the group ledger
    # WHEN viewing a customer id it does not hold
    # THEN a KeyError names the id
    with pytest.raises(KeyError, match="cus_missing"):
        group.view("cus_missing")


# -- as_of ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def history() -> Ledger:
    data = json.loads((FIXTURES / "as_of.json").read_text(encoding="utf-8"))
    return ledger_from_data(TENANT, data)


def _invoices(ledger: Ledger) -> dict[str, Invoice]:
    return {i.id: i for i in ledger.all(Invoice)}


def test_as_of_hides_invoices_issued_later(history: Ledger) -> None:
    # GIVEN a ledger with INV-6 issued on 20 June
    # WHEN it is rebuilt as of 19 and 20 June
    before, on = _invoices(history.as_of(date(2025, 6, 19))), _invoices(history.as_of(date(2025, 6, 20)))

    # THEN INV-6 is absent the day before and present on its issue day
    assert "inv_issued_later" not in before
    assert on["inv_issued_later"] == _invoices(history)["inv_issued_later"]


@pytest.mark.parametrize(
    ("invoice_id", "day", "balance", "status", "paid_on"),
    [
        # 300.00: 100.00 paid 5 June, 200.00 paid 25 June
        pytest.param("inv_two_payments", date(2025, 6, 4), "300.00", "open", None, id="before-both-payments"),
        pytest.param("inv_two_payments", date(2025, 6, 15), "200.00", "partially_paid", None, id="between-payments"),
        pytest.param("inv_two_payments", date(2025, 6, 24), "200.00", "partially_paid", None, id="day-before-last"),
        pytest.param("inv_two_payments", date(2025, 6, 25), "0", "paid", date(2025, 6, 25), id="paid-day"),
        # 500.00 credited in full by a credit note issued (and so applied) on 20 June
        pytest.param("inv_credited", date(2025, 6, 19), "500.00", "open", None, id="credit-note-later"),
        pytest.param("inv_credited", date(2025, 6, 20), "0", "paid", date(2025, 6, 20), id="credit-note-day"),
        # 150.00, 50.00 credited by a note issued 1 June but applied on 18 June
        pytest.param("inv_partly_credited", date(2025, 6, 10), "150.00", "open", None, id="applied-later"),
        pytest.param("inv_partly_credited", date(2025, 6, 18), "100.00", "partially_paid", None, id="applied-day"),
        # paid on 20 May, before every day asked
        pytest.param("inv_paid_early", date(2025, 6, 1), "0", "paid", date(2025, 5, 20), id="paid-before"),
        # untouched by money
        pytest.param("inv_open", date(2025, 6, 1), "120.00", "dispute", None, id="no-money"),
    ],
)
def test_as_of_restores_balances_of_money_applied_later(
    history: Ledger, invoice_id: str, day: date, balance: str, status: str, paid_on: date | None
) -> None:
    # GIVEN the ledger of as_of.json
    # WHEN it is rebuilt as of an earlier day
    invoice = _invoices(history.as_of(day))[invoice_id]

    # THEN money applied after the day is added back: partly → partially_paid, fully → open; paid_on cleared
    assert invoice.balance == Decimal(balance)
    assert invoice.status == InvoiceStatus(status)
    assert invoice.paid_on == paid_on


def test_as_of_drops_money_and_messages_from_later_days(history: Ledger) -> None:
    # GIVEN the ledger of as_of.json
    # WHEN it is rebuilt as of 15 June
    past = history.as_of(date(2025, 6, 15))

    # THEN payments and credit notes dated later are absent, as are messages after the end of that day
    assert _ids(past.all(Payment)) == ["pay_before", "pay_early"]
    assert _ids(past.all(CreditNote)) == ["cn_applied_later"]
    assert _ids(past.all(Communication)) == ["msg_before"]


def test_as_of_keeps_promises_created_before(history: Ledger) -> None:
    # GIVEN promises created on 10 June, on 16 June and one without a creation time
    # WHEN the ledger is rebuilt as of 15 June
    past = history.as_of(date(2025, 6, 15))

    # THEN the promise created later is absent; the undated one is kept
    assert _ids(past.all(PromiseToPay)) == ["ptp_before", "ptp_undated"]


def test_as_of_hides_customers_created_later(history: Ledger) -> None:
    # GIVEN cus_late created on 20 June
    # WHEN the ledger is rebuilt as of 19 and 20 June
    # THEN the customer exists only from its creation day
    assert list(history.as_of(date(2025, 6, 19)).customers) == ["cus_1"]
    assert sorted(history.as_of(date(2025, 6, 20)).customers) == ["cus_1", "cus_late"]


def test_as_of_today_is_the_current_ledger(history: Ledger) -> None:
    # GIVEN the ledger of as_of.json, whose latest record is dated 25 June
    # WHEN it is rebuilt as of 30 June
    past = history.as_of(TODAY)

    # THEN nothing changed
    assert past == history


def test_as_of_restores_unallocated_money_when_allocated_later() -> None:
    # GIVEN a 100.00 invoice; 100.00 received on 10 January, but only allocated to it on 20 January
    paid_on, allocated_on = date(2025, 1, 10), date(2025, 1, 20)
    ledger = Ledger.of(
        [
            _customer(),
            _invoice(balance=Decimal(0), status=InvoiceStatus.PAID, paid_on=allocated_on, due_on=date(2025, 2, 28)),
            _payment(
                "pay_1",
                paid_on,
                (Allocation(invoice_id="inv_1", amount=Decimal("100.00"), applied_on=allocated_on),),
            ),
        ]
    )

    # WHEN the customer's figures are computed as of 15 January
    day = date(2025, 1, 15)
    figures = customer_figures(ledger.as_of(day).view("cus_1"), day)

    # THEN the invoice is open for 100.00 and the payment is unallocated: 100.00 − 100.00 = 0.00 in total
    assert figures.balance_due == Decimal("100.00")
    assert figures.unallocated_payments == Decimal("100.00")
    assert figures.balance_total == Decimal(0)


def test_as_of_today_keeps_voided_payments() -> None:
    # GIVEN a ledger with a voided payment dated 1 February
    ledger = Ledger.of(
        [_customer(), _payment("pay_v", date(2025, 2, 1), amount=Decimal("60.00"), status=PaymentStatus.VOIDED)]
    )

    # WHEN it is rebuilt as of a later day
    past = ledger.as_of(TODAY)

    # THEN the voided payment is still there, as it is today
    assert past == ledger


def test_as_of_hides_tasks_created_later() -> None:
    # GIVEN a task created on 20 June
    task = Task(
        tenant_id="acme",
        id="task_1",
        customer_id="cus_1",
        title="Call the customer",
        due_on=date(2025, 6, 25),
        created_at=datetime(2025, 6, 20, 9, tzinfo=UTC),
    )
    ledger = Ledger.of([_customer(), task])

    # WHEN the ledger is rebuilt as of 15 June
    past = ledger.as_of(date(2025, 6, 15))

    # THEN the task did not exist yet
    assert past.all(Task) == []


# -- as_of properties -----------------------------------------------------------------------------------------------


@st.composite
def paid_ledgers(draw: st.DrawFn) -> tuple[Ledger, dict[str, list[tuple[date, Decimal]]]]:
    """A consistent ledger: invoices paid down by payments and credit notes, and every allocation's effective day."""
    records: list[LedgerRecord] = [_customer()]
    applied: dict[str, list[tuple[date, Decimal]]] = {}
    for n in range(draw(st.integers(1, 5))):
        issued = TODAY - timedelta(days=draw(st.integers(0, 120)))
        cents = draw(st.integers(1, 1_000_000))
        parts = draw(st.lists(st.integers(1, 400_000), max_size=3))
        if draw(st.booleans()):
            parts.append(cents)  # try to pay off the rest
        kept: list[int] = []
        for part in parts:
            kept.append(min(part, cents - sum(kept)))
            if sum(kept) == cents:
                break
        invoice_id = f"inv_{n}"
        applied[invoice_id] = []
        for m, part in enumerate(kept):
            amount = Decimal(part).scaleb(-2)
            effective = issued + timedelta(days=draw(st.integers(0, (TODAY - issued).days)))
            explicit = draw(st.booleans())
            money_day = effective - timedelta(days=draw(st.integers(0, 10))) if explicit else effective
            allocation = Allocation(invoice_id=invoice_id, amount=amount, applied_on=effective if explicit else None)
            if draw(st.booleans()):
                records.append(_payment(f"pay_{n}_{m}", money_day, (allocation,)))
            else:
                records.append(
                    CreditNote(
                        tenant_id="acme",
                        id=f"cn_{n}_{m}",
                        customer_id="cus_1",
                        reference=f"CN-{n}-{m}",
                        currency="GBP",
                        amount=amount,
                        amount_remaining=Decimal(0),
                        issued_on=money_day,
                        status=CreditNoteStatus.APPLIED,
                        allocations=(allocation,),
                    )
                )
            applied[invoice_id].append((effective, amount))
        total, paid = Decimal(cents).scaleb(-2), sum((a for _, a in applied[invoice_id]), Decimal(0))
        status = InvoiceStatus.PAID if paid == total else InvoiceStatus.PARTIALLY_PAID if paid else InvoiceStatus.OPEN
        paid_on = max(d for d, _ in applied[invoice_id]) if status is InvoiceStatus.PAID else None
        records.append(
            _invoice(
                invoice_id,
                amount=total,
                balance=total - paid,
                status=status,
                paid_on=paid_on,
                issued_on=issued,
                due_on=issued + timedelta(days=30),
            )
        )
    return Ledger.of(records), applied


@settings(max_examples=200, deadline=None)
@given(scenario=paid_ledgers(), day=st.dates(TODAY - timedelta(days=150), TODAY + timedelta(days=30)))
def test_as_of_balances_are_never_lower_and_match_the_money_applied_by_then(
    scenario: tuple[Ledger, dict[str, list[tuple[date, Decimal]]]], day: date
) -> None:
    # GIVEN a ledger whose invoices were paid down by payments and credit notes on known days
    ledger, applied = scenario
    current = _invoices(ledger)

    # WHEN it is rebuilt as of any day
    past = _invoices(ledger.as_of(day))

    # THEN exactly the invoices issued by then exist, each owing its amount less the money applied by then,
    # never less than it owes today; with money still to come it is open or partially paid, paid_on blank
    assert set(past) == {i for i, invoice in current.items() if invoice.issued_on <= day}
    for invoice_id, invoice in past.items():
        now = current[invoice_id]
        later = [amount for applied_on, amount in applied[invoice_id] if applied_on > day]
        assert invoice.balance >= now.balance
        assert invoice.balance == now.amount - sum(a for d, a in applied[invoice_id] if d <= day)
        if later:
            expected = InvoiceStatus.OPEN if invoice.balance == now.amount else InvoiceStatus.PARTIALLY_PAID
            assert (invoice.status, invoice.paid_on) == (expected, None)
        else:
            assert invoice == now


@settings(max_examples=100, deadline=None)
@given(scenario=paid_ledgers(), days_after=st.integers(0, 400))
def test_as_of_today_or_later_is_the_current_ledger(
    scenario: tuple[Ledger, dict[str, list[tuple[date, Decimal]]]], days_after: int
) -> None:
    # GIVEN a consistent ledger whose latest record is dated today at the latest
    ledger, _ = scenario

    # WHEN it is rebuilt as of today or any later day
    past = ledger.as_of(TODAY + timedelta(days=days_after))

    # THEN it is the current ledger, record for record
    assert past == ledger
