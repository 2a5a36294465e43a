"""Compiled filter predicates and their explanations, on subjects built from small ledgers."""

import operator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.filters.compile import compile_all, compile_condition, explain_conditions
from shared.domain.filters.conditions import Condition
from shared.domain.filters.subject import Subject
from shared.domain.ledger.models import (
    Communication,
    Contact,
    CreditNote,
    Customer,
    Invoice,
    InvoiceStatus,
    Tag,
)
from shared.domain.ledger.views import CustomerLedger
from shared.domain.levels import Level

TODAY = date(2025, 6, 30)
LEVEL_OF_OBJECT = {"customer": Level.CUSTOMER, "invoice": Level.INVOICE, "contact": Level.CONTACT, "email": Level.EMAIL}


def _condition(*triple: Any) -> Condition:
    return Condition.model_validate(list(triple))


def _customer(**fields: Any) -> Customer:
    return Customer.model_validate(
        {"tenant_id": "acme", "id": "cus_1", "name": "Acme Ltd", "currency": "EUR", **fields}
    )


def _invoice(number: str, days_overdue: int, **fields: Any) -> Invoice:
    """An open EUR invoice of cus_1 that is ``days_overdue`` days past due on TODAY (negative: not yet due)."""
    due = TODAY - timedelta(days=days_overdue)
    values: dict[str, Any] = {
        "tenant_id": "acme",
        "id": number.lower(),
        "customer_id": "cus_1",
        "number": number,
        "currency": "EUR",
        "amount": Decimal("100.00"),
        "balance": Decimal("100.00"),
        "issued_on": due - timedelta(days=30),
        "due_on": due,
    }
    return Invoice.model_validate({**values, **fields})


def _contact(contact_id: str, **fields: Any) -> Contact:
    return Contact.model_validate(
        {"tenant_id": "acme", "id": contact_id, "customer_id": "cus_1", "name": contact_id.title(), **fields}
    )


def _subject(view: CustomerLedger, **records: Any) -> Subject:
    return Subject(today=TODAY, view=view, **records)


# -- one rich subject for the operator tables -----------------------------------------------------------------------

RICH_CUSTOMER = _customer(
    reference="",
    credit_limit=Decimal("1000.00"),
    strike_level=2,
    chasing_enabled=False,
    tags=[Tag(category="Segment", name="VIP"), Tag(category="Location tags", name="North")],
    custom_fields={"collector": "EMP-88"},
)
RICH_INVOICE = _invoice(
    "INV-46",
    46,
    status=InvoiceStatus.PARTIALLY_PAID,
    balance=Decimal("40.00"),
    tags=[Tag(category="Risk assessment", name="High")],
)
RICH_CONTACT = _contact("con_ada", positions=["Finance", "AP"], email="ada@acme.example", deliverability="BOUNCE")
RICH_EMAIL = Communication(
    tenant_id="acme",
    id="msg_1",
    customer_id="cus_1",
    direction="received",
    channel="email",
    at=datetime(2025, 6, 29, 8, tzinfo=UTC),
    status="received",
    subject="Re: Invoice DISPUTE",
    body_text="We dispute INV-46.",
)


def _rich() -> Subject:
    view = CustomerLedger(
        customer=RICH_CUSTOMER, invoices=(RICH_INVOICE,), contacts=(RICH_CONTACT,), communications=(RICH_EMAIL,)
    )
    return _subject(view, invoice=RICH_INVOICE, contact=RICH_CONTACT, communication=RICH_EMAIL)


def _check(field: str, op: str, value: Any) -> bool:
    condition = _condition(field, op, value)
    return compile_condition(condition, LEVEL_OF_OBJECT[field.split(".")[0]])(_rich())


TYPED_CASES = [
    # number: customer.credit_limit = 1000.00
    ("customer.credit_limit", "=", 1000, True),
    ("customer.credit_limit", "=", "1000.0", True),
    ("customer.credit_limit", "!=", 1000, False),
    ("customer.credit_limit", "<", 1000, False),
    ("customer.credit_limit", "<=", 1000, True),
    ("customer.credit_limit", ">", "999.99", True),
    ("customer.credit_limit", ">=", "1000.01", False),
    ("customer.credit_limit", "between", [1000, 2000], True),
    ("customer.credit_limit", "between", ["1000.01", 2000], False),
    ("customer.credit_limit", "in", [500, 1000], True),
    ("customer.credit_limit", "not_in", "1000", False),
    ("customer.credit_limit", "is_empty", None, False),
    ("customer.credit_limit", "is_not_empty", None, True),
    # integer: customer.strike_level = 2
    ("customer.strike_level", "=", 2, True),
    ("customer.strike_level", "!=", 2, False),
    ("customer.strike_level", "<", 2, False),
    ("customer.strike_level", "<=", 2, True),
    ("customer.strike_level", ">", 1, True),
    ("customer.strike_level", ">=", 3, False),
    ("customer.strike_level", "between", [0, 2], True),
    ("customer.strike_level", "between", [3, 9], False),
    ("customer.strike_level", "in", "1, 2", True),
    ("customer.strike_level", "not_in", [1, 3], True),
    ("customer.strike_level", "is_empty", None, False),
    # integer that accepts negatives: invoice.days_overdue = 46, days_late = 46
    ("invoice.days_overdue", ">", 45, True),
    ("invoice.days_overdue", ">", 46, False),
    ("invoice.days_late", "=", 46, True),
    # date: invoice.date_due = 2025-05-15
    ("invoice.date_due", "=", "2025-05-15", True),
    ("invoice.date_due", "!=", "2025-05-15", False),
    ("invoice.date_due", "<", "2025-05-16", True),
    ("invoice.date_due", "<=", "2025-05-14", False),
    ("invoice.date_due", ">", "2025-05-14", True),
    ("invoice.date_due", ">=", "2025-05-16", False),
    ("invoice.date_due", "between", ["2025-05-01", "2025-05-15"], True),
    ("invoice.date_due", "in", "2025-05-15, 2025-06-15", True),
    ("invoice.date_due", "not_in", ["2025-05-15"], False),
    ("invoice.date_due", "is_not_empty", None, True),
    # text: customer.name = "Acme Ltd", customer.reference = ""
    ("customer.name", "=", "Acme Ltd", True),
    ("customer.name", "=", "acme ltd", False),
    ("customer.name", "!=", "Other", True),
    ("customer.name", "contains", "ACME", True),
    ("customer.name", "contains", "zzz, ltd", True),
    ("customer.name", "contains", "zzz", False),
    ("customer.name", "in", ["Acme Ltd", "Other"], True),
    ("customer.name", "not_in", "Acme Ltd", False),
    ("customer.name", "is_empty", None, False),
    ("customer.reference", "is_empty", None, True),
    ("customer.reference", "is_not_empty", None, False),
    # boolean: customer.chasing_enabled = False
    ("customer.chasing_enabled", "=", "false", True),
    ("customer.chasing_enabled", "=", True, False),
    ("customer.chasing_enabled", "!=", True, True),
    # choice: invoice.status = partially_paid, invoice.aging_group = 31_60
    ("invoice.status", "=", "PARTIALLY_PAID", True),
    ("invoice.status", "!=", "open", True),
    ("invoice.status", "in", "open, partially_paid", True),
    ("invoice.status", "not_in", "open,paid", True),
    ("invoice.status", "is_empty", None, False),
    ("invoice.aging_group", "=", "31_60", True),
    ("invoice.aging_group", "in", ["1_30", "61_90"], False),
    # list: customer.tags = [VIP, North], categories [Location tags, Segment]
    ("customer.tags", "contains", "vip", True),
    ("customer.tags", "contains", "VI", False),
    ("customer.tags", "contains", "zzz, NORTH", True),
    ("customer.tags", "in", ["VIP"], True),
    ("customer.tags", "in", ["Wholesale", "South"], False),
    ("customer.tags", "not_in", ["VIP"], False),
    ("customer.tags", "not_in", "Wholesale, South", True),
    ("customer.tags", "is_empty", None, False),
    ("customer.tags", "is_not_empty", None, True),
    ("customer.tag_categories", "is one of", "Location tags", True),
    ("customer.tag_categories", "is not one of", "Risk assessment", True),
    ("invoice.tag_categories", "is not one of", "Risk assessment", False),
    ("invoice.tags", "is one of", "High, Medium", True),
    # choice with upper-case values: contact.deliverability = BOUNCE
    ("contact.deliverability", "=", "bounce", True),
    ("contact.deliverability", "in", "ok, complaint", False),
    # list: contact.positions = [Finance, AP]
    ("contact.positions", "contains", "finance", True),
    ("contact.positions", "in", ["AP"], True),
    ("contact.positions", "not_in", ["Sales"], True),
    # text with commas as OR, case-insensitive: email.subject = "Re: Invoice DISPUTE"
    ("email.subject", "contains", "refund, dispute", True),
    ("email.subject", "contains", "Dispute", True),
    ("email.subject", "contains", "refund,chargeback", False),
    ("email.content", "contains", "inv-46", True),
    # custom field: customer.custom.collector = "EMP-88", customer.custom.region missing
    ("customer.custom.collector", "=", "EMP-88", True),
    ("customer.custom.collector", "contains", "emp", True),
    ("customer.custom.region", "=", "EU", False),
    ("customer.custom.region", "!=", "EU", True),
    ("customer.custom.region", "is_empty", None, True),
]


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    TYPED_CASES,
    ids=[f"{f}-{o}-{v}".replace(" ", "") for f, o, v, _ in TYPED_CASES],
)
def test_each_operator_on_each_type(field: str, op: str, value: Any, expected: bool) -> None:
    # GIVEN the rich subject (see the comments of the table) and a condition on one of its fields
    # WHEN the condition is compiled at the level that carries the field and run on the subject
    result = _check(field, op, value)

    # THEN the verdict is the operator's meaning for that type
    assert result is expected


NONE_CASES = [
    # customer.rating, customer.credit_limit and customer.days_created are None; invoice.days_late is before due
    ("customer.rating", "=", "A", False),
    ("customer.rating", "!=", "A", True),
    ("customer.rating", "in", ["A", "B"], False),
    ("customer.rating", "contains", "a", False),
    ("customer.rating", "is_empty", None, True),
    ("customer.rating", "is_not_empty", None, False),
    ("customer.credit_limit", "=", 0, False),
    ("customer.credit_limit", "!=", 0, True),
    ("customer.credit_limit", "<", 0, False),
    ("customer.credit_limit", "<=", 0, False),
    ("customer.credit_limit", ">", 0, False),
    ("customer.credit_limit", ">=", 0, False),
    ("customer.credit_limit", "between", [0, 1], False),
    ("customer.credit_limit", "in", [0], False),
    ("customer.days_created", "=", 0, False),
    ("customer.days_created", "<", 10, False),
    ("customer.days_created", "!=", 0, True),
    ("customer.days_created", "is_empty", None, True),
    ("invoice.days_late", "<", 5, False),
    ("invoice.days_late", ">=", 0, False),
    ("invoice.days_late", "between", [-5, 5], False),
    ("invoice.days_late", "!=", 0, True),
    ("invoice.days_late", "is_empty", None, True),
]


@pytest.mark.parametrize(
    ("field", "op", "value", "expected"),
    NONE_CASES,
    ids=[f"{f}-{o}".replace(" ", "") for f, o, _, _ in NONE_CASES],
)
def test_a_blank_value_fails_everything_but_not_equal_and_is_empty(
    field: str, op: str, value: Any, expected: bool
) -> None:
    # GIVEN a customer without rating, credit limit or creation date, and an invoice not yet due (days late blank)
    invoice = _invoice("INV-1", -3)
    subject = _subject(CustomerLedger(customer=_customer(), invoices=(invoice,)), invoice=invoice)

    # WHEN a condition on one of those blank fields is run
    result = compile_condition(_condition(field, op, value), LEVEL_OF_OBJECT[field.split(".")[0]])(subject)

    # THEN only != and is_empty pass
    assert result is expected


def test_a_blank_value_passes_not_in_like_not_equal() -> None:
    """A customer with no rating is "not one of [C]", as it is "≠ C" (value_test's documented rule)."""
    # GIVEN a customer without a rating
    subject = _subject(CustomerLedger(customer=_customer()))

    # WHEN "rating is not one of C" is run
    result = compile_condition(_condition("customer.rating", "not_in", ["C"]), Level.CUSTOMER)(subject)

    # THEN the blank passes it
    assert result is True


@pytest.mark.parametrize(
    ("tags", "op", "value", "expected"),
    [
        pytest.param([], "is_empty", None, True, id="empty-is-empty"),
        pytest.param([], "in", ["VIP"], False, id="empty-in"),
        pytest.param([], "not_in", ["VIP"], True, id="empty-not-in"),
        pytest.param([], "contains", "vip", False, id="empty-contains"),
        pytest.param(["VIP", "North"], "in", ["North", "South"], True, id="any-in"),
        pytest.param(["VIP", "North"], "not_in", ["North", "South"], False, id="not-in-means-none-in"),
    ],
)
def test_list_fields_ask_about_any_item(tags: list[str], op: str, value: Any, expected: bool) -> None:
    # GIVEN a customer with some tag names (maybe none)
    customer = _customer(tags=[Tag(category="Segment", name=t) for t in tags])

    # WHEN a set or contains condition on its tags is run
    result = compile_condition(_condition("customer.tags", op, value), Level.CUSTOMER)(
        _subject(CustomerLedger(customer=customer))
    )

    # THEN in = any tag listed, not_in = no tag listed, contains = any tag named (case-insensitive)
    assert result is expected


@pytest.mark.parametrize(
    ("stored", "value"),
    [
        pytest.param(88, 88, id="int"),
        pytest.param(Decimal("1.5"), "1.5", id="decimal"),
        pytest.param(True, "true", id="bool"),
        pytest.param(date(2025, 1, 31), "2025-01-31", id="date"),
    ],
)
def test_non_text_custom_values_compare_as_text(stored: Any, value: Any) -> None:
    # GIVEN a customer whose ERP custom field holds a number, boolean or date
    subject = _subject(CustomerLedger(customer=_customer(custom_fields={"score": stored})))

    # WHEN it is compared for equality with the same value as written in a filter
    result = compile_condition(_condition("customer.custom.score", "=", value), Level.CUSTOMER)(subject)

    # THEN they are equal
    assert result is True


# -- lifted conditions ----------------------------------------------------------------------------------------------


def _debtor(*invoices: Invoice, contacts: tuple[Contact, ...] = ()) -> Subject:
    return _subject(CustomerLedger(customer=_customer(), invoices=invoices, contacts=contacts))


PAID_LONG_AGO = _invoice("INV-P", 90, balance=Decimal(0), status=InvoiceStatus.PAID, paid_on=TODAY - timedelta(days=10))
VOIDED_OLD = _invoice("INV-V", 200, status=InvoiceStatus.VOIDED)
OPEN_10 = _invoice("INV-A", 10)
OPEN_40 = _invoice("INV-B", 40)


@pytest.mark.parametrize(
    ("invoices", "expected", "actual"),
    [
        pytest.param((OPEN_10, OPEN_40), True, "1 matching invoice(s): INV-B", id="one-unsettled-matches"),
        pytest.param((OPEN_10,), False, "0 matching invoice(s)", id="none-matches"),
        pytest.param((OPEN_10, PAID_LONG_AGO, VOIDED_OLD), False, "0 matching invoice(s)", id="settled-never-count"),
        pytest.param((), False, "0 matching invoice(s)", id="no-invoices"),
    ],
)
def test_an_invoice_field_in_a_customer_filter_asks_whether_any_unsettled_invoice_matches(
    invoices: tuple[Invoice, ...], expected: bool, actual: str
) -> None:
    # GIVEN a customer whose invoices are 10 and/or 40 days overdue, or settled (paid 80 days late, voided)
    subject = _debtor(*invoices)
    condition = _condition("invoice.days_overdue", ">", 30)

    # WHEN "invoice days overdue > 30" is compiled and explained at customer level
    passed = compile_condition(condition, Level.CUSTOMER)(subject)
    (result,) = explain_conditions([condition], subject, Level.CUSTOMER)

    # THEN it passes when an unsettled invoice matches, and the explanation counts and names the matches
    assert passed is expected
    assert (result.passed, result.actual) == (expected, actual)
    assert result.condition == "invoice.days_overdue > 30"


def test_a_lifted_status_condition_never_sees_paid_invoices() -> None:
    # GIVEN a customer with only a paid invoice
    subject = _debtor(PAID_LONG_AGO)

    # WHEN "invoice status = paid" is run at customer level
    result = compile_condition(_condition("invoice.status", "=", "paid"), Level.CUSTOMER)(subject)

    # THEN it fails: only unsettled invoices are asked
    assert result is False


def test_explanation_names_at_most_five_matching_invoices() -> None:
    # GIVEN seven overdue invoices
    subject = _debtor(*(_invoice(f"INV-{n}", 10 + n) for n in range(1, 8)))
    condition = _condition("invoice.days_overdue", ">", 0)

    # WHEN the condition is explained at customer level
    (result,) = explain_conditions([condition], subject, Level.CUSTOMER)

    # THEN all seven are counted and the first five named
    assert result.actual == "7 matching invoice(s): INV-1, INV-2, INV-3, INV-4, INV-5"
    assert result.describe() == (
        "invoice.days_overdue > 0: passed (actual: 7 matching invoice(s): INV-1, INV-2, INV-3, INV-4, INV-5)"
    )


@pytest.mark.parametrize(
    ("contacts", "expected", "actual"),
    [
        pytest.param(
            (_contact("con_1", positions=["Finance"]), _contact("con_2", positions=["Sales"])),
            True,
            "1 matching contact(s): con_1",
            id="active-finance-contact",
        ),
        pytest.param(
            (_contact("con_1", positions=["Finance"], is_active=False),),
            False,
            "0 matching contact(s)",
            id="inactive-contact-ignored",
        ),
    ],
)
def test_a_contact_field_in_a_customer_filter_asks_whether_any_active_contact_matches(
    contacts: tuple[Contact, ...], expected: bool, actual: str
) -> None:
    # GIVEN a customer with a finance contact (active or not)
    subject = _debtor(contacts=contacts)
    condition = _condition("contact.positions", "contains", "finance")

    # WHEN "contact positions contains finance" is run and explained at customer level
    passed = compile_condition(condition, Level.CUSTOMER)(subject)
    (result,) = explain_conditions([condition], subject, Level.CUSTOMER)

    # THEN only active contacts are asked; contacts are named by id
    assert passed is expected
    assert (result.passed, result.actual) == (expected, actual)


def test_a_credit_note_field_in_a_customer_filter_is_explained_with_its_object_name() -> None:
    # GIVEN a customer with an unapplied credit note
    note = CreditNote(
        tenant_id="acme",
        id="cn_1",
        customer_id="cus_1",
        reference="CN-1",
        currency="EUR",
        amount=Decimal(10),
        amount_remaining=Decimal(10),
        issued_on=date(2025, 6, 1),
    )
    subject = _subject(CustomerLedger(customer=_customer(), credit_notes=(note,)))

    # WHEN "credit note status = unapplied" is explained at customer level
    (result,) = explain_conditions([_condition("credit_note.status", "=", "unapplied")], subject, Level.CUSTOMER)

    # THEN the object's name is spelt out in words
    assert (result.passed, result.actual) == (True, "1 matching credit note(s): cn_1")


def test_a_group_filter_asks_about_its_members_invoices() -> None:
    # GIVEN a parent without invoices whose child has one 40 days overdue
    child_invoice = _invoice("INV-C", 40, customer_id="cus_2")
    child = CustomerLedger(customer=_customer(id="cus_2", parent_customer_id="cus_1"), invoices=(child_invoice,))
    subject = _subject(CustomerLedger(customer=_customer(), members=(child,)))
    condition = _condition("invoice.days_overdue", ">", 30)

    # WHEN the condition is run at customer-group level
    passed = compile_condition(condition, Level.CUSTOMER_GROUP)(subject)
    (result,) = explain_conditions([condition], subject, Level.CUSTOMER_GROUP)

    # THEN the member's invoice matches
    assert passed is True
    assert result.actual == "1 matching invoice(s): INV-C"


def test_an_invoice_run_reads_its_own_invoice_not_any() -> None:
    # GIVEN an invoice run on INV-A (10 days overdue) of a customer who also has INV-B (40 days)
    subject = _subject(CustomerLedger(customer=_customer(), invoices=(OPEN_10, OPEN_40)), invoice=OPEN_10)
    condition = _condition("invoice.days_overdue", ">", 30)

    # WHEN "days overdue > 30" is run and explained at invoice level
    passed = compile_condition(condition, Level.INVOICE)(subject)
    (result,) = explain_conditions([condition], subject, Level.INVOICE)

    # THEN only the run's invoice counts, and the actual value is its day count
    assert passed is False
    assert (result.passed, result.actual) == (False, 10)


@pytest.mark.parametrize(
    ("contact", "expected", "actual"),
    [
        pytest.param(None, False, "no contact on the record", id="no-contact"),
        pytest.param(_contact("con_1", is_primary=True), True, True, id="primary-contact"),
    ],
)
def test_an_invoice_run_reads_its_own_contact(contact: Contact | None, expected: bool, actual: Any) -> None:
    # GIVEN an invoice run with or without an invoice contact
    subject = _subject(CustomerLedger(customer=_customer(), invoices=(OPEN_10,)), invoice=OPEN_10, contact=contact)
    condition = _condition("contact.is_primary", "=", True)

    # WHEN "contact is primary" is run and explained at invoice level
    passed = compile_condition(condition, Level.INVOICE)(subject)
    (result,) = explain_conditions([condition], subject, Level.INVOICE)

    # THEN a missing contact fails with a reason instead of a value
    assert passed is expected
    assert (result.passed, result.actual) == (expected, actual)


# -- compile_all and explanations -----------------------------------------------------------------------------------


def test_no_conditions_always_pass() -> None:
    # GIVEN no conditions
    predicate = compile_all([], Level.CUSTOMER)

    # WHEN run on any subject
    # THEN it passes
    assert predicate(_debtor()) is True
    assert predicate(_rich()) is True


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        pytest.param([("customer.strike_level", "=", 2)], True, id="one-true"),
        pytest.param([("customer.strike_level", "=", 2), ("customer.chasing_enabled", "=", False)], True, id="both"),
        pytest.param([("customer.strike_level", "=", 2), ("customer.chasing_enabled", "=", True)], False, id="2nd-no"),
        pytest.param([("customer.strike_level", "=", 3), ("customer.chasing_enabled", "=", False)], False, id="1st-no"),
        pytest.param(
            [("customer.strike_level", ">=", 1), ("invoice.days_overdue", ">", 45), ("contact.positions", "in", "AP")],
            True,
            id="with-lifted-all-true",
        ),
        pytest.param(
            [("customer.strike_level", ">=", 1), ("invoice.days_overdue", ">", 46)], False, id="with-lifted-one-false"
        ),
    ],
)
def test_compile_all_is_an_and(conditions: list[tuple[str, str, Any]], expected: bool) -> None:
    # GIVEN the rich subject (strike level 2, chasing off, one invoice 46 days overdue, an AP contact)
    compiled = compile_all([_condition(*c) for c in conditions], Level.CUSTOMER)

    # WHEN the conditions are compiled together at customer level and run
    result = compiled(_rich())

    # THEN the subject passes only when every condition holds
    assert result is expected


def test_explanations_give_each_actual_value_and_verdict() -> None:
    # GIVEN the rich subject and four conditions, two of them failing
    conditions = [
        _condition("customer.credit_limit", ">", 500),
        _condition("customer.chasing_enabled", "=", True),
        _condition("customer.rating", "=", "A"),
        _condition("customer.tags", "contains", "vip"),
    ]

    # WHEN they are explained at customer level
    results = explain_conditions(conditions, _rich(), Level.CUSTOMER)

    # THEN each line shows the condition, the verdict and the actual value (blank shown as "empty")
    assert [r.describe() for r in results] == [
        "customer.credit_limit > 500: passed (actual: 1000.00)",
        "customer.chasing_enabled = true: failed (actual: false)",
        "customer.rating = A: failed (actual: empty)",
        "customer.tags contains [vip]: passed (actual: ['VIP', 'North'])",
    ]
    assert [r.actual for r in results] == [Decimal("1000.00"), False, None, ["VIP", "North"]]


def test_explanations_agree_with_the_compiled_predicate() -> None:
    # GIVEN every case of the operator table, on the rich subject
    subject = _rich()
    for field, op, value, _ in TYPED_CASES:
        condition = _condition(field, op, value)
        level = LEVEL_OF_OBJECT[field.split(".")[0]]

        # WHEN each is both compiled and explained at customer level (lifting what the level lacks)
        predicate = compile_condition(condition, Level.CUSTOMER)
        (result,) = explain_conditions([condition], subject, Level.CUSTOMER)

        # THEN the explanation's verdict is the predicate's
        assert result.passed is predicate(subject), (field, op, value, level)


# -- property: integer fields ---------------------------------------------------------------------------------------

_DIRECT = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _direct(op: str, actual: int, value: Any) -> bool:
    if op in _DIRECT:
        return bool(_DIRECT[op](actual, value))
    if op == "between":
        return bool(value[0] <= actual <= value[1])
    if op == "in":
        return actual in value
    return actual not in value


@st.composite
def integer_conditions(draw: st.DrawFn) -> tuple[str, Any]:
    op = draw(st.sampled_from([*_DIRECT, "between", "in", "not_in"]))
    numbers = st.integers(-400, 400)
    if op == "between":
        return op, sorted(draw(st.lists(numbers, min_size=2, max_size=2)))
    if op in ("in", "not_in"):
        return op, draw(st.lists(numbers, min_size=1, max_size=4))
    return op, draw(numbers)


@settings(max_examples=300, deadline=None)
@given(days=st.integers(-400, 400), condition=integer_conditions(), as_text=st.booleans())
def test_days_overdue_conditions_agree_with_python(days: int, condition: tuple[str, Any], as_text: bool) -> None:
    # GIVEN an invoice some days past (or before) its due date, and an integer condition with random threshold(s),
    # written as numbers or as text
    op, value = condition
    invoice = _invoice("INV-X", days)
    subject = _subject(CustomerLedger(customer=_customer(), invoices=(invoice,)), invoice=invoice)
    written = [str(v) for v in value] if as_text and isinstance(value, list) else str(value) if as_text else value

    # WHEN the condition on invoice.days_overdue is compiled and run at invoice level
    result = compile_condition(_condition("invoice.days_overdue", op, written), Level.INVOICE)(subject)

    # THEN it agrees with evaluating the operator directly in Python
    assert result is _direct(op, days, value)


@settings(max_examples=200, deadline=None)
@given(strike=st.integers(0, 50), condition=integer_conditions())
def test_strike_level_conditions_agree_with_python(strike: int, condition: tuple[str, Any]) -> None:
    # GIVEN a customer at some strike level and a random integer condition
    op, value = condition
    subject = _subject(CustomerLedger(customer=_customer(strike_level=strike)))

    # WHEN the condition on customer.strike_level is compiled and run at customer level
    result = compile_condition(_condition("customer.strike_level", op, value), Level.CUSTOMER)(subject)

    # THEN it agrees with evaluating the operator directly in Python
    assert result is _direct(op, strike, value)
