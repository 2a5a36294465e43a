"""The representative context a template is rendered against when it is saved.

It holds every smart field (a contact, an account owner, links, a payment, invoices overdue by different
amounts and one in a second currency) so that any field a template names either exists here or is an error.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from shared.domain.ledger.models import Allocation, Contact, Customer, Invoice, Payment
from shared.domain.ledger.views import CustomerLedger
from shared.domain.templates.fields import TemplateContext, build_context
from shared.domain.templates.links import Links
from shared.domain.templates.models import User
from shared.domain.tenant import TenantSettings

SAMPLE_DAY = date(2026, 3, 16)
SAMPLE_LINKS = Links(
    portal="https://portal.example/{tenant_id}/{customer_id}",
    statement="https://portal.example/{tenant_id}/{customer_id}/statement",
)
_OWNER = "usr-sample"


def sample_context(tenant: TenantSettings | None = None, links: Links | None = None) -> TemplateContext:
    """A context with every field set, for ``validate_template``.

    Parameters
    ----------
    tenant:
        The tenant whose timezone, locale and currency the sample takes (a neutral one when None).
    links:
        The tenant's link templates; ``SAMPLE_LINKS`` when None. A tenant without a portal link gives a sample
        without ``customer_portal``, so a template using it is refused at save time.
    """
    tenant = tenant or TenantSettings(tenant_id="sample")
    second = "USD" if tenant.currency != "USD" else "EUR"

    def invoice(number: int, days_late: int, amount: str, currency: str) -> Invoice:
        due = date.fromordinal(SAMPLE_DAY.toordinal() - days_late)
        issued = date.fromordinal(due.toordinal() - 30)
        return Invoice(
            tenant_id=tenant.tenant_id,
            id=f"inv-sample-{number}",
            customer_id="cus-sample",
            number=f"INV-{1000 + number}",
            currency=currency,
            amount=Decimal(amount),
            balance=Decimal(amount),
            issued_on=issued,
            due_on=due,
        )

    invoices = (
        invoice(1, 45, "1250.00", tenant.currency),
        invoice(2, 12, "480.50", tenant.currency),
        invoice(3, -5, "99.99", tenant.currency),
        invoice(4, 20, "300.00", second),
    )
    customer = Customer(
        tenant_id=tenant.tenant_id,
        id="cus-sample",
        source_id="ERP-1",
        name="Sample Customer Ltd",
        reference="CUST-SAMPLE",
        currency=tenant.currency,
        account_owner_id=_OWNER,
    )
    contact = Contact(
        tenant_id=tenant.tenant_id,
        id="con-sample",
        customer_id="cus-sample",
        name="Alex Example",
        email="alex@customer.example",
        is_primary=True,
    )
    payment = Payment(
        tenant_id=tenant.tenant_id,
        id="pay-sample",
        customer_id="cus-sample",
        reference="PAY-SAMPLE",
        currency=tenant.currency,
        amount=Decimal("480.50"),
        paid_on=SAMPLE_DAY,
        allocations=(Allocation(invoice_id="inv-sample-2", amount=Decimal("480.50")),),
    )
    view = CustomerLedger(customer=customer, contacts=(contact,), invoices=invoices, payments=(payment,))
    return build_context(
        view,
        tenant=tenant,
        now=datetime.combine(SAMPLE_DAY, time(9), ZoneInfo(tenant.timezone)),
        invoice_ids=[i.id for i in invoices],
        contact=contact,
        users={_OWNER: User(name="Sam Owner", email="sam.owner@tenant.example")},
        links=SAMPLE_LINKS if links is None else links,
        payment=payment,
    )
