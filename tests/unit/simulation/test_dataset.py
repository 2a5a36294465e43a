"""The demo's data set: realistic mixes from a seed, and the same bytes for the same seed."""

from collections import Counter
from datetime import date, timedelta

from shared.domain.ledger.dataset import ledger_from_data
from shared.domain.tenant import TenantSettings
from simulation.dataset import demo_data
from simulation.generator import generate

START, DAYS = date(2026, 9, 7), 60


def test_the_demo_data_set_mixes_markets_payers_and_money_events():
    # GIVEN the demo's size and seed
    # WHEN the data set is generated
    data = demo_data(300, START, DAYS, seed=7)
    # THEN it spans several countries and currencies, with contacts in several positions
    assert len(data["customers"]) == 300
    assert len({c["country"] for c in data["customers"]}) >= 2
    assert len({c["currency"] for c in data["customers"]}) >= 2
    assert {p for c in data["contacts"] for p in c["positions"]} >= {"Accounts Payable", "CFO"}
    # AND thousands of invoices, some paid early, most late, some never, some in part
    invoices = data["invoices"]
    assert len(invoices) >= 2000
    early = sum(1 for i in invoices if i["paid_on"] and i["paid_on"] < i["due_on"])
    late = sum(1 for i in invoices if i["paid_on"] and i["paid_on"] > i["due_on"])
    partial = sum(1 for i in invoices if i["status"] == "partially_paid")
    unpaid = sum(1 for i in invoices if i["balance"] == i["amount"] and i["due_on"] < START.isoformat())
    assert late > early > 0 and partial > 0 and unpaid > 0
    # AND credit notes, promises kept and broken, replies and bouncing mailboxes
    assert data["credit_notes"]
    assert Counter(p["status"] for p in data["promises_to_pay"]).keys() >= {"completed", "broken"}
    assert any(c["direction"] == "received" for c in data["communications"])
    assert 0 < len(data["simulation"]["bouncing_addresses"]) < len(data["contacts"]) // 10


def test_no_reminder_of_the_simulated_period_is_in_the_data_set():
    # GIVEN a generated history up to the last simulated day
    data = demo_data(60, START, DAYS, seed=11)
    # WHEN the messages are looked at
    sent = [c for c in data["communications"] if c["direction"] == "sent"]
    # THEN every sent message predates the period (the engine sends the period's own), replies stay
    assert sent and all(c["at"][:10] < START.isoformat() for c in sent)
    assert any(c["at"][:10] >= START.isoformat() for c in data["communications"] if c["direction"] == "received")


def test_the_same_seed_gives_the_same_data_set_and_another_seed_another():
    # GIVEN two generations with one seed and one with another
    first, again, other = (demo_data(40, START, DAYS, seed=s) for s in (5, 5, 6))
    # THEN the first two are equal and the third differs
    assert first == again
    assert first != other


def test_the_history_is_a_valid_ledger_up_to_the_last_simulated_day():
    # GIVEN the generator's history up to the end of the period
    end = START + timedelta(days=DAYS - 1)
    data = generate(50, end, seed=9)
    tenant = TenantSettings(tenant_id="acme-uk", timezone="Europe/London", country="GB", currency="GBP")
    # WHEN it is loaded as a ledger
    ledger = ledger_from_data(tenant, data)
    # THEN every record validates and no invoice is issued after the end
    assert len(ledger.customers) == 50
    assert max(i["issued_on"] for i in data["invoices"]) <= end.isoformat()
