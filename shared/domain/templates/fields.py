"""Smart fields: what a template can say about one customer at one instant (the names Kolleno documents).

``build_context`` gathers the facts once (figures, the run's invoices, contact, owner, links, time);
``variables`` turns them into template variables for one locale and one part, so amounts and dates are
formatted for the language actually chosen and the invoice list is HTML only in the html part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from shared.domain.ledger.aging import CustomerFigures, customer_figures, days_due, overdue_between
from shared.domain.ledger.models import Contact, Customer, Invoice, Payment
from shared.domain.ledger.views import CustomerLedger
from shared.domain.templates.formatting import Currency, Money, MoneyList, currency_symbol, here, total
from shared.domain.templates.links import Links, link_url
from shared.domain.templates.listing import invoices_list, invoices_table
from shared.domain.templates.models import User, Users
from shared.domain.tenant import TenantSettings


@dataclass(frozen=True)
class TemplateContext:
    """The facts a message can use, before a language is chosen. Absent facts (no contact, no portal link)
    leave their field out, so a template using them fails instead of printing a blank."""

    customer: Customer
    figures: CustomerFigures
    all_invoices: tuple[Invoice, ...]
    invoices: tuple[Invoice, ...]
    today: date
    now: datetime
    tenant_locale: str
    language: str
    contact: Contact | None = None
    owner: User | None = None
    portal_url: str | None = None
    statement_url: str | None = None
    payment: Payment | None = None


def build_context(
    view: CustomerLedger,
    *,
    tenant: TenantSettings,
    now: datetime,
    invoice_ids: Sequence[str],
    invoice_id: str | None = None,
    contact: Contact | None = None,
    users: Users | None = None,
    links: Links | None = None,
    language: str | None = None,
    payment: Payment | None = None,
) -> TemplateContext:
    """The smart-field facts for one message.

    Parameters
    ----------
    view:
        The customer's ledger view (a group's consolidated view when it has members).
    tenant:
        Timezone (``today`` and ``now``), locale (the default language's formatting) and id (links).
    now:
        The instant of the send, aware; ``today`` is its date in the tenant timezone.
    invoice_ids:
        The invoices the run targets: a customer-level message lists these and no other.
    invoice_id:
        For an invoice-level message: the invoice it is about, listed alone whatever ``invoice_ids`` holds.
    contact:
        The contact greeted (the first To recipient).
    users:
        The tenant's people by id; the customer's account owner is looked up here.
    links:
        The tenant's portal and statement link templates.
    language:
        The recipient's language; defaults to the contact's, else the customer's.
    payment:
        The payment a payment-level message thanks for.

    Raises
    ------
    ValueError
        When ``now`` is naive.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    local_now = now.astimezone(ZoneInfo(tenant.timezone))
    today = local_now.date()
    wanted = [invoice_id] if invoice_id is not None else list(dict.fromkeys(invoice_ids))
    by_id = {invoice.id: invoice for invoice in view.all_invoices()}
    listed = sorted((by_id[i] for i in wanted if i in by_id), key=lambda i: (i.due_on, i.number, i.id))
    customer = view.customer
    owner = (users or {}).get(customer.account_owner_id) if customer.account_owner_id else None
    links = links or Links()
    return TemplateContext(
        customer=customer,
        figures=customer_figures(view, today),
        all_invoices=tuple(view.all_invoices()),
        invoices=tuple(listed),
        today=today,
        now=local_now,
        tenant_locale=tenant.locale,
        language=language or (contact.language if contact and contact.language else None) or customer.language,
        contact=contact,
        owner=owner,
        portal_url=link_url(links.portal, tenant.tenant_id, customer),
        statement_url=link_url(links.statement, tenant.tenant_id, customer),
        payment=payment,
    )


def variables(context: TemplateContext, locale: str, *, html: bool) -> dict[str, Any]:
    """The template variables for ``locale``; ``html`` chooses HTML or text for the pre-rendered fields."""
    currency = context.customer.currency

    def money(amount: Decimal, code: str = currency) -> Money:
        return Money(amount, code, locale)

    def overdue(low: int, high: int | None) -> Money:
        # an invoice due today is not overdue: day 0 never counts, whatever the lower bound
        return money(overdue_between(list(context.all_invoices), context.today, currency, max(low, 1), high))

    invoices = [_invoice(invoice, context.today, locale) for invoice in context.invoices]
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in context.invoices:
        sums[invoice.currency] += invoice.balance
    by_currency = context.figures.balances_by_currency
    found: dict[str, Any] = {
        "customer": {
            "name": context.customer.name,
            "currency": Currency(currency, currency_symbol(currency, locale)),
            "balance": money(context.figures.balance_total),
            "balance_overdue": money(context.figures.balance_overdue),
            **{f"balance_overdue_more_than_{n}_days": overdue(n, None) for n in (30, 60, 90)},
            "balances_by_currency": MoneyList(
                money(by_currency[code], code) for code in sorted(by_currency, key=lambda c: (c != currency, c))
            ),
        },
        "invoices": invoices,
        "invoices_list": invoices_list(invoices, locale, html=html),
        "invoices_table": invoices_table(invoices, locale, html=html),
        "invoices_total": total(dict(sums), currency, locale),
        "balance_overdue_more_than_days": _days_function(lambda n: overdue(n, None), 1),
        "balance_overdue_between_days": _days_function(lambda n, m: overdue(n, m), 2),
        "today": context.today,
        "now": context.now,
    }
    if context.customer.reference:
        found["customer"]["reference"] = context.customer.reference
    if context.contact is not None:
        name = context.contact.name.strip()
        found["contact"] = {"name": name, "first_name": name.split()[0] if name else name}
        if context.contact.email:
            found["contact"]["email"] = context.contact.email
    if context.owner is not None:
        found["account_owner"] = {"name": context.owner.name, "email": context.owner.email}
    for field, url in (("customer_portal", context.portal_url), ("statement", context.statement_url)):
        if url is not None:
            found[field] = {"url": url, "hyperlink": _hyperlink(url, here(locale), html=html)}
    if context.payment is not None:
        found["payment"] = {
            "amount": money(context.payment.amount, context.payment.currency),
            "date": context.payment.paid_on,
            **({"reference": context.payment.reference} if context.payment.reference else {}),
        }
    return found


def _invoice(invoice: Invoice, today: date, locale: str) -> dict[str, Any]:
    return {
        "id": invoice.id,
        "number": invoice.number,
        "date": invoice.issued_on,
        "date_invoice": invoice.issued_on,
        "date_due": invoice.due_on,
        "days_overdue": days_due(invoice, today),
        "amount": Money(invoice.amount, invoice.currency, locale),
        "balance": Money(invoice.balance, invoice.currency, locale),
        "currency": invoice.currency,
    }


def _hyperlink(url: str, text: str, *, html: bool) -> str:
    return Markup('<a href="{}">{}</a>').format(url, text) if html else f"{text} ({url})"


def _days_function(compute: Callable[..., Money], arity: int) -> Callable[..., Money]:
    """Kolleno's ``balance_overdue_*_days`` as a function; a leading ``customer`` argument (the Kolleno tag's
    spelling) is accepted and ignored: the message has one customer."""

    def function(*args: object) -> Money:
        if len(args) == arity + 1 and isinstance(args[0], Mapping):
            args = args[1:]
        if len(args) != arity or any(not isinstance(a, int) or isinstance(a, bool) or a < 0 for a in args):
            raise ValueError(f"expects {arity} whole number(s) of days ≥ 0, got {list(args)!r}")
        if arity == 2 and args[0] > args[1]:  # type: ignore[operator]
            raise ValueError(f"the first bound ({args[0]}) is after the second ({args[1]})")
        return compute(*args)

    return function
