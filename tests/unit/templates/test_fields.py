"""Every smart field rendered against the fixture ledger, whose totals are computed by hand in ``support.py``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.templates import RenderFailed, build_context, variables
from tests.unit.templates.support import NOW, TENANT, context, html_of, ledger, text_of

# -- customer -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ customer.name }}", "Aged Balances & Co <Ltd>"),
        ("{{ customer.reference }}", "CUST-AGED"),
        ("{{ customer.currency.iso }}", "GBP"),
        ("{{ customer.currency }}", "GBP"),
        ("{{ customer.currency.symbol }}", "£"),
        ("{{ customer.balance }}", "£12,334.50"),
        ("{{ customer.balance_overdue }}", "£11,111.00"),
        ("{{ customer.balance_overdue_more_than_30_days }}", "£11,110.00"),
        ("{{ customer.balance_overdue_more_than_60_days }}", "£11,000.00"),
        ("{{ customer.balance_overdue_more_than_90_days }}", "£10,000.00"),
        ("{{ customer.balances_by_currency | join(', ') }}", "£12,345.50, €500.00, US$250.00"),
        ("{{ customer.balances_by_currency }}", "£12,345.50, €500.00, US$250.00"),
        ("{{ customer.balances_by_currency.1.amount }}", "500.00"),
        ("{{ customer.balance.amount }} {{ customer.balance.number }}", "12334.50 12,334.50"),
    ],
)
def test_customer_fields_of_the_aged_customer(source: str, expected: str) -> None:
    # GIVEN cus-aged at 2026-03-16 (hand totals in support.py)
    ctx = context("cus-aged")
    # WHEN the field is rendered in a text part
    rendered = text_of(source, ctx)
    # THEN it prints the hand-computed value in en_GB
    assert rendered == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # Kolleno: {% balance_overdue_more_than_days customer 10 %}, overdue ≥ 10 days: K-A 3 + K-B 5 = 8
        ("{% balance_overdue_more_than_days customer 10 %}", "£8.00"),
        ("{{ balance_overdue_more_than_days(10) }}", "£8.00"),
        ("{{ balance_overdue_more_than_days(customer, 10) }}", "£8.00"),
        ("{{ balance_overdue_more_than_days(11) }}", "£3.00"),
        ("{{ balance_overdue_more_than_days(12) }}", "£0.00"),
        # Kolleno: {% balance_overdue_between_days customer 5 10 %}, both ends: K-C 99 + K-B 5 = 104
        ("{% balance_overdue_between_days customer 5 10 %}", "£104.00"),
        ("{{ balance_overdue_between_days(5, 10) }}", "£104.00"),
        ("{{ balance_overdue_between_days(6, 9) }}", "£0.00"),
        ("{{ balance_overdue_between_days(4, 4) }}", "£40.00"),
        # day 0 (K-E, due today) is never overdue, whatever the lower bound
        ("{{ balance_overdue_between_days(0, 4) }}", "£40.00"),
        ("{{ customer.balance_overdue }}", "£147.00"),
        ("{{ customer.balance }}", "£1,397.00"),
        ("{{ customer.balances_by_currency | join(', ') }}", "£1,397.00, €77.00"),
    ],
)
def test_balances_overdue_by_days_reproduce_kollenos_worked_examples(source: str, expected: str) -> None:
    # GIVEN cus-kolleno: 3 at 11 days, 5 at 10, 99 at 5, 40 at 4, 1000 due today, 250 not due, €77 at 11 days
    ctx = context("cus-kolleno")
    # WHEN the balance function or Kolleno's block tag is rendered
    rendered = text_of(source, ctx)
    # THEN bounds are inclusive, other currencies and paid invoices are left out
    assert rendered == expected


_AGED = variables(context("cus-aged"), "en_GB", html=False)


@given(st.integers(0, 120), st.integers(0, 120))
def test_overdue_windows_add_up(low: int, width: int) -> None:
    # GIVEN cus-aged's balance functions and any window [low, low + width]
    more, between = _AGED["balance_overdue_more_than_days"], _AGED["balance_overdue_between_days"]
    high = low + width
    # WHEN the overdue balance from ``low`` on is split at ``high``
    # THEN the window and what is older add up to it (both ends inclusive, nothing counted twice)
    assert more(low).amount == between(low, high).amount + more(high + 1).amount
    assert more(0) == more(1) == _AGED["customer"]["balance_overdue"]


@pytest.mark.parametrize(
    "source",
    [
        "{{ balance_overdue_between_days(10, 5) }}",
        "{{ balance_overdue_more_than_days(-1) }}",
        "{{ balance_overdue_more_than_days('10') }}",
        "{{ balance_overdue_between_days(5) }}",
    ],
)
def test_balance_functions_refuse_wrong_bounds(source: str) -> None:
    # GIVEN a wrong use of a balance function
    ctx = context("cus-kolleno")
    # WHEN rendered
    with pytest.raises(RenderFailed) as raised:
        text_of(source, ctx)
    # THEN the message fails, naming the reason
    assert "ValueError" in str(raised.value)


def test_a_customer_without_reference_has_no_reference_field() -> None:
    # GIVEN cus-fr, which has no reference
    ctx = context("cus-fr")
    # WHEN a template prints it
    with pytest.raises(RenderFailed) as raised:
        text_of("Ref {{ customer.reference }}", ctx)
    # THEN it fails rather than printing "Ref "
    assert "reference" in str(raised.value)


# -- the run's invoices ---------------------------------------------------------------------------------------------


def test_a_customer_level_message_lists_only_the_targeted_invoices() -> None:
    # GIVEN cus-aged, the run targeting two of its six open invoices (in any order)
    ctx = context("cus-aged", ["age-90", "age-30"])
    # WHEN the list, the numbers and the total are rendered
    numbers = text_of("{{ invoices | map(attribute='number') | join(' ') }}", ctx)
    total = text_of("{{ invoices_total }}", ctx)
    listed = text_of("{{ invoices_list }}", ctx)
    # THEN only those two appear, oldest due first, and the total is 10,000 + 10 = 10,010
    assert numbers == "A-90 A-30"
    assert total == "£10,010.00"
    assert listed.splitlines() == [
        "- A-90 — £10,000.00 — Due date 16 Dec 2025",
        "- A-30 — £10.00 — Due date 14 Feb 2026",
    ]
    # AND customer figures still cover the whole account
    assert text_of("{{ customer.balance_overdue }}", ctx) == "£11,111.00"


def test_an_invoice_level_message_lists_only_its_invoice() -> None:
    # GIVEN an invoice-level run about A-59, whatever else the customer owes
    view = ledger().view("cus-aged")
    ctx = build_context(view, tenant=TENANT, now=NOW, invoice_ids=[i.id for i in view.invoices], invoice_id="age-59")
    # WHEN its invoices are rendered
    rendered = text_of("{{ invoices | length }} {{ invoices.0.number }} {{ invoices_total }}", ctx)
    # THEN only A-59 is there
    assert rendered == "1 A-59 £100.00"


def test_first_invoice_fields() -> None:
    # GIVEN cus-aged targeting A-60 (issued 16 Dec 2025, due 15 Jan 2026, 1,500 of which 1,000 open)
    ctx = context("cus-aged", ["age-60"])
    source = (
        "{{ invoices.0.number }}|{{ invoices.0.date_invoice }}|{{ invoices.0.date }}|{{ invoices.0.date_due }}|"
        "{{ invoices.0.days_overdue }}|{{ invoices.0.amount }}|{{ invoices.0.balance }}|{{ invoices.0.currency }}"
    )
    # WHEN the first invoice's fields are rendered
    rendered = text_of(source, ctx)
    # THEN each is formatted for en_GB; days overdue count to today (15 Jan → 16 Mar = 60)
    assert rendered == "A-60|16 Dec 2025|16 Dec 2025|15 Jan 2026|60|£1,500.00|£1,000.00|GBP"


def test_days_overdue_is_negative_before_the_due_date() -> None:
    # GIVEN A-DUE, due on 1 April, 16 days after today
    ctx = context("cus-aged", ["age-due"])
    # WHEN its days overdue are rendered
    # THEN they are negative (Kolleno's days due), and the table shows 0
    assert text_of("{{ invoices.0.days_overdue }}", ctx) == "-16"
    assert text_of("{{ invoices_table }}", ctx).splitlines()[2].split()[-2] == "0"


def test_invoices_table_in_text_and_html() -> None:
    # GIVEN the two GBP invoices A-30 and A-DUE of cus-aged
    ctx = context("cus-aged", ["age-30", "age-due"])
    # WHEN the table is rendered in the text part and in the html part
    text = text_of("{{ invoices_table }}", ctx)
    html = html_of("{{ invoices_table }}", ctx)
    # THEN the text table has a header, a rule and one aligned row per invoice
    assert text.splitlines() == [
        "Invoice  Date         Due date     Days overdue    Balance",
        "-------  -----------  -----------  ------------  ---------",
        "A-30     15 Jan 2026  14 Feb 2026            30     £10.00",
        "A-DUE    31 Jan 2026  1 Apr 2026              0  £1,234.50",
    ]
    # AND the html one is a real table, not escaped text
    assert html.startswith('<table class="invoices"')
    assert html.count("<tr>") == 3
    assert ">Days overdue</th>" in html
    assert ">£1,234.50</td>" in html


def test_invoices_list_in_html_is_a_list_with_escaped_values() -> None:
    # GIVEN cus-aged targeting A-30
    ctx = context("cus-aged", ["age-30"])
    # WHEN the list is rendered in html
    html = html_of("{{ invoices_list }}", ctx)
    # THEN it is a <ul> with one item
    assert html == '<ul class="invoices"><li>A-30 — £10.00 — Due date 14 Feb 2026</li></ul>'


def test_totals_over_several_currencies_are_not_converted() -> None:
    # GIVEN targeted invoices in GBP (10.00), EUR (500.00) and USD (250.00)
    ctx = context("cus-aged", ["age-30", "age-eur", "age-usd"])
    # WHEN the total is rendered
    # THEN each currency is summed apart, the customer's first
    assert text_of("{{ invoices_total }}", ctx) == "£10.00 + €500.00 + US$250.00"


# -- people and links -----------------------------------------------------------------------------------------------


def test_contact_and_account_owner() -> None:
    # GIVEN cus-aged, greeting its first To contact, owned by usr-ana
    ctx = context("cus-aged")
    # WHEN the people fields are rendered in text and in html
    text = text_of(
        "{{ contact.name }}|{{ contact.first_name }}|{{ account_owner.name }}|{{ account_owner.email }}", ctx
    )
    html = html_of("<p>{{ contact.name }}, {{ customer.name }}</p>", ctx)
    # THEN text is verbatim and html is escaped
    assert text == "Grace <b>Hopper</b>|Grace|Ana Owner|ana.owner@tenant.example"
    assert html == "<p>Grace &lt;b&gt;Hopper&lt;/b&gt;, Aged Balances &amp; Co &lt;Ltd&gt;</p>"


@pytest.mark.parametrize(("customer_id", "field"), [("cus-de", "account_owner"), ("cus-aged", "contact")])
def test_a_missing_person_fails_the_message(customer_id: str, field: str) -> None:
    # GIVEN cus-de, whose owner usr-nobody is not a known user; and a cus-aged message greeting nobody
    ctx = context(customer_id, contact_id="first" if field == "account_owner" else None)
    # WHEN a template names that person
    with pytest.raises(RenderFailed) as raised:
        text_of(f"Regards, {{{{ {field}.name }}}}", ctx)
    # THEN the message fails instead of printing a blank name
    assert f"'{field}' is undefined" in str(raised.value)


def test_portal_and_statement_links() -> None:
    # GIVEN links by source id (cus-aged's is "ERP 42/7") and by reference (CUST-AGED)
    ctx = context("cus-aged")
    # WHEN rendered in text and html
    text = text_of("{{ customer_portal.url }}|{{ customer_portal.hyperlink }}|{{ statement.url }}", ctx)
    html = html_of("Pay {{ customer_portal.hyperlink }}.", ctx)
    # THEN values are URL-quoted and the hyperlink's text is "here"
    portal = "https://pay.tenant.example/tpl/ERP%2042%2F7"
    assert text == f"{portal}|here ({portal})|https://pay.tenant.example/statements/CUST-AGED.pdf"
    assert html == f'Pay <a href="{portal}">here</a>.'


def test_a_link_needing_a_missing_value_is_absent() -> None:
    # GIVEN cus-kolleno, which has no ERP source id for the portal link
    ctx = context("cus-kolleno")
    # WHEN a template uses the portal link
    with pytest.raises(RenderFailed) as raised:
        text_of("{{ customer_portal.url }}", ctx)
    # THEN the message fails rather than sending a broken link
    assert "customer_portal" in str(raised.value)


# -- time -----------------------------------------------------------------------------------------------------------


def test_today_and_now_are_in_the_tenant_timezone() -> None:
    # GIVEN 23:30 UTC on 31 May 2026, which is 00:30 on 1 June in London (BST)
    ctx = context("cus-aged", now=datetime(2026, 5, 31, 23, 30, tzinfo=ZoneInfo("UTC")))
    # WHEN today and now are rendered
    rendered = text_of("{{ today }}|{{ now | format_date('yyyy-MM-dd HH:mm zzz') }}", ctx)
    # THEN both are London's
    assert rendered == "1 Jun 2026|2026-06-01 00:30 BST"


def test_date_arithmetic_and_formats() -> None:
    # GIVEN today = Monday 16 March 2026
    ctx = context("cus-aged")
    source = (
        "{{ today | add_days(7) }}|{{ today | add_days(-16) | format_date('long') }}|"
        "{{ today | add_months(1) | format_date('EEEE d MMMM y') }}|{{ invoices.0.date_due | add_months(2) }}|"
        "{{ now | in_timezone('America/New_York') | format_date('HH:mm') }}"
    )
    # WHEN dates are shifted and formatted
    rendered = text_of(source, ctx)
    # THEN 23 Mar; 28 Feb; Thursday 16 April; A-90 due 16 Dec 2025 + 2 months; 09:00 GMT = 05:00 in New York (EDT)
    assert rendered == "23 Mar 2026|28 February 2026|Thursday 16 April 2026|16 Feb 2026|05:00"


def test_variables_hold_amounts_as_decimals() -> None:
    # GIVEN cus-kolleno's variables
    found = variables(context("cus-kolleno"), "en_GB", html=False)
    # WHEN the amounts are read
    # THEN they are Decimals, never floats
    assert str(found["customer"]["balance"].amount) == "1397.00"
    assert type(found["invoices"][0]["balance"].amount).__name__ == "Decimal"
