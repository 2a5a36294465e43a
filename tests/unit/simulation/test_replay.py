"""A ledger export replayed as the ERP's deliveries: what was there the day before, then each day's news."""

from datetime import UTC, date, datetime

from shared.domain.ledger.models import Customer, Invoice, Payment, PromiseStatus, PromiseToPay
from shared.domain.ledger.views import Ledger
from simulation.replay import deliveries, opening

T = "acme-uk"
ZONE = "Europe/London"
START = date(2026, 9, 7)


def _ledger() -> Ledger:
    return Ledger.of([
        Customer(tenant_id=T, id="c1", name="Acme", currency="GBP", created_on=date(2026, 1, 5)),
        Invoice(tenant_id=T, id="inv-old", customer_id="c1", number="1", currency="GBP", amount=100, balance=0,
                issued_on=date(2026, 7, 1), due_on=date(2026, 8, 1), status="paid", paid_on=date(2026, 9, 9)),
        Invoice(tenant_id=T, id="inv-new", customer_id="c1", number="2", currency="GBP", amount=50, balance=50,
                issued_on=date(2026, 9, 8), due_on=date(2026, 10, 8)),
        Payment(tenant_id=T, id="pay-1", customer_id="c1", currency="GBP", amount=100, paid_on=date(2026, 9, 9),
                allocations=[{"invoice_id": "inv-old", "amount": 100}]),
        PromiseToPay(tenant_id=T, id="ptp-1", customer_id="c1", invoice_ids=("inv-new",), status="broken",
                     promised_on=date(2026, 9, 10), created_at=datetime(2026, 9, 8, 10, 15, tzinfo=UTC)),
    ])  # fmt: skip


def test_the_opening_is_the_ledger_of_the_day_before():
    # GIVEN an invoice paid during the period, an invoice issued during it, and a later promise
    # WHEN the opening is taken
    records = {r.id: r for r in opening(_ledger(), START)}
    # THEN only the old invoice is there, still open, and nothing dated later
    assert set(records) == {"c1", "inv-old"}
    assert records["inv-old"].balance == 100 and records["inv-old"].paid_on is None


def test_each_day_posts_what_appeared_or_changed_with_ordered_versions():
    # GIVEN the same ledger
    # WHEN it is replayed over five days
    by_day = deliveries(_ledger(), ZONE, START, 5)
    posted = {day: [(d.record.id, getattr(d.record, "status", None)) for d in items] for day, items in by_day.items()}
    # THEN the new invoice comes with the morning sync, the promise when made (active) ...
    assert posted[date(2026, 9, 8)] == [("inv-new", "open"), ("ptp-1", PromiseStatus.ACTIVE)]
    # ... the payment and the invoice it settles with the midday bank feed
    assert sorted(posted[date(2026, 9, 9)]) == [("inv-old", "paid"), ("pay-1", "paid")]
    # ... and the broken promise the day after its date
    assert posted[date(2026, 9, 11)] == [("ptp-1", PromiseStatus.BROKEN)]
    # AND every version carries the instant it is posted as updated_at, on the local morning or midday
    first = by_day[date(2026, 9, 8)][0]
    assert first.record.updated_at == first.at == datetime(2026, 9, 8, 6, 0, tzinfo=UTC)  # 07:00 BST
    assert by_day[date(2026, 9, 9)][0].at == datetime(2026, 9, 9, 12, 0, tzinfo=UTC)  # 13:00 BST
