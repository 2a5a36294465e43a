"""The template fixtures: a small ledger with hand-computed totals, the tenant's settings, and builders.

Fixture ``tests/fixtures/templates/ledger.json``, tenant ``tpl`` (Europe/London, GBP, en_GB), NOW = Monday
2026-03-16 09:00 London (GMT). Days overdue are counted to 2026-03-16.

cus-kolleno (GBP), Kolleno's worked examples with our own numbers:
    K-A 11 days £3.00   K-B 10 days £5.00   K-C 5 days £99.00   K-D 4 days £40.00
    K-E due today £1,000.00 (not overdue)   K-F due in 30 days £250.00   K-G 11 days €77.00 (other currency)
    K-H paid (balance 0)
  balance_overdue_more_than_days(10)   = K-A 3 + K-B 5        = £8.00    ("5+3 = 8": ≥ 10 days, 10 included)
  balance_overdue_between_days(5, 10)  = K-C 99 + K-B 5       = £104.00  ("99+5 = 104": both ends included)
  balance_overdue                      = 3 + 5 + 99 + 40      = £147.00
  balance (invoices − credit − unallocated) = 147 + 1,000 + 250 = £1,397.00;  balances_by_currency £1,397.00, €77.00
cus-aged (GBP): A-29 £1, A-30 £10, A-59 £100, A-60 £1,000 (of 1,500, part paid by pay-aged), A-90 £10,000,
    A-DUE due 1 Apr £1,234.50, A-EUR 43 days €500, A-USD not due $250, unapplied credit note £11
  balance_overdue                = 1 + 10 + 100 + 1,000 + 10,000 = £11,111.00
  more_than_30 (≥ 30)            = 10 + 100 + 1,000 + 10,000     = £11,110.00
  more_than_60 (≥ 60)            = 1,000 + 10,000                 = £11,000.00
  more_than_90 (≥ 90)            = 10,000                         = £10,000.00
  balance                        = 11,111 + 1,234.50 − 11         = £12,334.50
  balances_by_currency (open invoices, no credit) = £12,345.50, €500.00, US$250.00
cus-fr, cus-de (EUR): one invoice each, 3 days overdue, €1,234.50.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.ledger.dataset import ledger_from_data
from shared.domain.ledger.views import Ledger
from shared.domain.templates import (
    RenderedMessage,
    Template,
    TemplateContext,
    TemplateSettings,
    build_context,
    render,
)
from shared.domain.tenant import TenantSettings

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests/fixtures/templates"
EXAMPLES = ROOT / "examples"
TENANT = TenantSettings(tenant_id="tpl", timezone="Europe/London", currency="GBP", locale="en_GB", country="GB")
NOW = datetime(2026, 3, 16, 9, 0, tzinfo=ZoneInfo("Europe/London"))
SETTINGS = TemplateSettings.model_validate_json((FIXTURES / "settings.json").read_text(encoding="utf-8"))


def ledger() -> Ledger:
    return ledger_from_data(TENANT, json.loads((FIXTURES / "ledger.json").read_text(encoding="utf-8")))


def context(
    customer_id: str,
    invoice_ids: list[str] | None = None,
    *,
    contact_id: str | None = "first",
    now: datetime = NOW,
    **options: Any,
) -> TemplateContext:
    """The fixture customer's context; by default its every open invoice is targeted and its first contact
    greeted (``contact_id=None`` greets nobody)."""
    view = ledger().view(customer_id)
    if invoice_ids is None:
        invoice_ids = [i.id for i in view.invoices if not i.is_settled]
    contact = view.contacts[0] if contact_id == "first" else view.contact(contact_id) if contact_id else None
    return build_context(
        view,
        tenant=TENANT,
        now=now,
        invoice_ids=invoice_ids,
        contact=contact,
        users=SETTINGS.users,
        links=SETTINGS.links,
        **options,
    )


def template(channel: str = "email", **parts: Any) -> Template:
    """A template from parts; an email gets a subject when none is given."""
    data: dict[str, Any] = {"id": "under-test", "channel": channel, **parts}
    if channel == "email" and "subject" not in data:
        data["subject"] = "Subject"
    return Template.model_validate(data)


def text_of(source: str, ctx: TemplateContext, language: str | None = None) -> str:
    """``source`` rendered as an email's text part."""
    message = render(template(text=source), ctx, language)
    assert message.text is not None
    return message.text


def html_of(source: str, ctx: TemplateContext, language: str | None = None) -> str:
    message: RenderedMessage = render(template(html=source), ctx, language)
    assert message.html is not None
    return message.html
