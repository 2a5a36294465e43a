"""Preview: a template rendered for one customer of a ledger at one instant, exactly as it would be sent.

Defaults make a preview reproducible: the instant is the ledger's latest invoice date at 09:00 tenant time,
the invoices are the customer's unsettled overdue ones (a payment's own invoices for a payment message), the
contact greeted is the primary active contact. Nothing is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from shared.domain.ledger.aging import is_overdue
from shared.domain.ledger.models import Contact, Invoice, Payment
from shared.domain.ledger.views import Ledger
from shared.domain.templates.fields import build_context
from shared.domain.templates.models import RenderedMessage, Template, TemplateInvalid, TemplateSettings
from shared.domain.templates.render import render, template_problems
from shared.domain.templates.sample import sample_context
from shared.domain.tenant import TenantSettings

PREVIEW_TIME = time(9)


class PreviewRequestInvalid(ValueError):
    """The preview names a customer, invoice, contact or payment the ledger does not hold."""


@dataclass(frozen=True)
class Preview:
    at: datetime
    customer_id: str
    invoice_ids: tuple[str, ...]
    contact: Contact | None
    message: RenderedMessage


def default_preview_time(ledger: Ledger, tenant: TenantSettings) -> datetime:
    """The ledger's latest invoice date at 09:00 in the tenant's timezone."""
    issued = [invoice.issued_on for invoice in ledger.all(Invoice) if isinstance(invoice, Invoice)]
    if not issued:
        raise PreviewRequestInvalid("the ledger has no invoice to date a preview by; give the instant")
    return datetime.combine(max(issued), PREVIEW_TIME, ZoneInfo(tenant.timezone))


def preview(
    template: Template,
    ledger: Ledger,
    tenant: TenantSettings,
    customer_id: str,
    *,
    at: datetime | None = None,
    invoice_ids: Sequence[str] | None = None,
    contact_id: str | None = None,
    payment_id: str | None = None,
    language: str | None = None,
    settings: TemplateSettings | None = None,
) -> Preview:
    """Render ``template`` for a customer of ``ledger`` as the ledger stood at ``at``.

    Raises
    ------
    PreviewRequestInvalid
        An id the ledger does not hold (at that instant).
    TemplateInvalid
        The template fails save-time validation (checked first, with the tenant's links).
    RenderFailed
        The template cannot be rendered for this customer (e.g. it names a payment and none is given).
    """
    settings = settings or TemplateSettings()
    problems = template_problems(template, sample_context(tenant, settings.links))
    if problems:
        raise TemplateInvalid(template.id, problems)
    at = at or default_preview_time(ledger, tenant)
    day = at.astimezone(ZoneInfo(tenant.timezone)).date()
    past = ledger.as_of(day)
    if customer_id not in past.customers:
        raise PreviewRequestInvalid(f"no customer '{customer_id}' in the ledger on {day}")
    view = past.view(customer_id, with_members=True)
    payment = _payment(view.all_payments(), payment_id)
    if invoice_ids is None:
        paid = {a.invoice_id for a in payment.allocations} if payment else set()
        invoice_ids = [i.id for i in view.all_invoices() if (i.id in paid if payment else is_overdue(i, day))]
    unknown = [i for i in invoice_ids if view.invoice(i) is None]
    if unknown:
        raise PreviewRequestInvalid(f"customer '{customer_id}' has no invoice {', '.join(unknown)} on {day}")
    contact = _contact(view.contacts, contact_id, customer_id)
    context = build_context(
        view,
        tenant=tenant,
        now=at,
        invoice_ids=invoice_ids,
        contact=contact,
        users=settings.users,
        links=settings.links,
        language=language,
        payment=payment,
    )
    return Preview(at, customer_id, tuple(invoice_ids), contact, render(template, context))


def _payment(payments: list[Payment], payment_id: str | None) -> Payment | None:
    if payment_id is None:
        return None
    found = next((p for p in payments if p.id == payment_id), None)
    if found is None:
        raise PreviewRequestInvalid(f"no payment '{payment_id}' for this customer")
    return found


def _contact(contacts: Sequence[Contact], contact_id: str | None, customer_id: str) -> Contact | None:
    if contact_id is not None:
        found = next((c for c in contacts if c.id == contact_id), None)
        if found is None:
            raise PreviewRequestInvalid(f"customer '{customer_id}' has no contact '{contact_id}'")
        return found
    active = [c for c in contacts if c.is_active]
    return next((c for c in active if c.is_primary), active[0] if active else None)
