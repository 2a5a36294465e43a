"""Records the runtime benchmarks seed: one open invoice per customer, the same in every bench."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shared.domain.ledger.models import Invoice


def invoice(n: int) -> Invoice:
    """Customer ``c{n}``'s open invoice of 100 GBP, issued 2 November 2026, due a month later."""
    return Invoice(
        tenant_id="bench",
        id=f"i{n}",
        customer_id=f"c{n}",
        number=f"INV-{n}",
        currency="GBP",
        amount=Decimal(100),
        balance=Decimal(100),
        issued_on=date(2026, 11, 2),
        due_on=date(2026, 12, 2),
    )
