"""The shipped examples: every workflow loads, and the example ledger is valid, consistent and reproducible."""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.generate_ledger import TENANT, generate, main
from shared.domain.filters.compile import compile_all
from shared.domain.filters.subject import Subject
from shared.domain.ledger.dataset import FILES, ledger_from_data
from shared.domain.levels import Level
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.loading import load_workflow_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WORKFLOWS = sorted((EXAMPLES / "workflows").glob("*.yaml"))
LEDGER = EXAMPLES / "ledger"
AS_OF = date(2026, 11, 2)


def _ledger_files() -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    tenant = json.loads((LEDGER / "tenant.json").read_text())
    data = {p.stem: json.loads(p.read_text()) for p in sorted(LEDGER.glob("*.json")) if p.stem != "tenant"}
    return tenant, data


def _allocated(data: dict[str, list[dict[str, Any]]]) -> dict[str, Decimal]:
    applied: dict[str, Decimal] = defaultdict(Decimal)
    for money in [*data["payments"], *data["credit_notes"]]:
        for allocation in money["allocations"]:
            applied[allocation["invoice_id"]] += Decimal(allocation["amount"])
    return applied


def _balance_problems(data: dict[str, list[dict[str, Any]]]) -> list[str]:
    applied = _allocated(data)
    return [
        invoice["number"]
        for invoice in data["invoices"]
        if Decimal(invoice["amount"]) - applied[invoice["id"]] != Decimal(invoice["balance"])
    ]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.stem)
def test_every_example_workflow_loads(path: Path) -> None:
    # GIVEN an example workflow file
    text = path.read_text()

    # WHEN it is loaded
    workflow = load_workflow_text(text, str(path))

    # THEN it is valid, active, named after its file and opens with a two-line comment saying what it shows
    assert workflow.id == path.stem
    assert workflow.status == "active"
    lines = text.splitlines()
    assert lines[0].startswith("# ")
    assert lines[1].startswith("# ")
    assert not lines[2].startswith("#")


def test_all_the_requested_examples_exist() -> None:
    # GIVEN the example workflows directory
    # WHEN listing its workflows
    names = {p.stem for p in WORKFLOWS}

    # THEN each demonstrated trigger has its example
    assert names >= {
        "customer-dunning",
        "invoice-reminders",
        "invoice-created",
        "payment-thank-you",
        "bounce-fix-contact",
        "reply-keywords",
        "contact-follow-up",
    }


def test_example_ledger_validates() -> None:
    # GIVEN the example ledger files
    tenant, data = _ledger_files()

    # WHEN they are read as the CLI reads them
    ledger = ledger_from_data(TenantSettings(**tenant), data)

    # THEN every record is valid, every kind is known, and the tenant is the UK one
    assert tenant == {
        "tenant_id": "acme-uk",
        "timezone": "Europe/London",
        "country": "GB",
        "currency": "GBP",
        "locale": "en_GB",
    }
    assert set(data) <= set(FILES)
    assert len(ledger.customers) == 40
    assert {c["currency"] for c in data["customers"]} >= {"GBP", "EUR"}


def test_example_invoice_balances_equal_amount_less_allocations() -> None:
    # GIVEN the example ledger
    _, data = _ledger_files()

    # WHEN comparing each invoice's balance to its amount less the payments and credit notes applied to it
    problems = _balance_problems(data)

    # THEN they all agree, and the status follows the balance
    assert problems == []
    for invoice in data["invoices"]:
        amount, balance = Decimal(invoice["amount"]), Decimal(invoice["balance"])
        assert invoice["amount"] == f"{amount:.2f}"
        if invoice["status"] == "paid":
            assert invoice["balance"] == "0.00"
            assert invoice["paid_on"] is not None
        elif invoice["status"] == "partially_paid":
            assert 0 < balance < amount
        else:
            assert invoice["paid_on"] is None


def test_example_ledger_has_nothing_after_as_of_but_due_and_promised_dates() -> None:
    # GIVEN the example ledger, generated as of 2 November 2026
    _, data = _ledger_files()
    day = AS_OF.isoformat()

    # WHEN collecting every date that records a past event
    past = [
        *(c["created_on"] for c in data["customers"]),
        *(i["issued_on"] for i in data["invoices"]),
        *(i["paid_on"] for i in data["invoices"] if i["paid_on"]),
        *(p["paid_on"] for p in data["payments"]),
        *(c["issued_on"] for c in data["credit_notes"]),
        *(c["at"][:10] for c in data["communications"]),
        *(p["created_at"][:10] for p in data["promises_to_pay"]),
        *(p["promised_on"] for p in data["promises_to_pay"] if p["status"] != "active"),
    ]

    # THEN none is later than the as-of day, and active promises are still ahead
    assert max(past) <= day
    assert all(p["promised_on"] > day for p in data["promises_to_pay"] if p["status"] == "active")


def test_example_ledger_covers_the_realistic_cases() -> None:
    # GIVEN the example ledger
    _, data = _ledger_files()

    # WHEN looking for the situations the demo and the example workflows rely on
    statuses = {i["status"] for i in data["invoices"]}
    promises = {p["status"] for p in data["promises_to_pay"]}
    replies = [c for c in data["communications"] if c["direction"] == "received"]

    # THEN each one is there
    assert statuses >= {"open", "paid", "partially_paid", "dispute"}
    assert promises == {"active", "broken", "completed"}
    assert any("dispute" in c["body_text"] for c in replies)
    assert all(c["subject"].startswith("Re: Overdue invoice INV-") for c in replies)
    assert any(c["deliverability"] == "BOUNCE" for c in data["contacts"])
    assert any(not c["is_active"] for c in data["contacts"])
    assert any(c["allocations"] for c in data["credit_notes"])
    assert any(not c["allocations"] for c in data["credit_notes"])
    primaries = Counter(c["customer_id"] for c in data["contacts"] if c["is_primary"])
    assert all(primaries[c["id"]] == 1 for c in data["customers"])


def test_invoice_reminders_and_customer_dunning_never_chase_the_same_customer() -> None:
    # GIVEN the two overdue workflows and the example ledger
    tenant, data = _ledger_files()
    ledger = ledger_from_data(TenantSettings(**tenant), data)
    dunning, reminders = (
        load_workflow_text((EXAMPLES / "workflows" / f"{name}.yaml").read_text())
        for name in ("customer-dunning", "invoice-reminders")
    )
    dunning_matches = compile_all(dunning.trigger.filters, Level.CUSTOMER)
    reminder_matches = compile_all(reminders.trigger.filters, Level.INVOICE)

    # WHEN checking which customers each one would chase on the as-of day
    chased_by_dunning, chased_by_reminders = set(), set()
    for customer_id in ledger.customers:
        view = ledger.view(customer_id)
        if dunning_matches(Subject(AS_OF, view)):
            chased_by_dunning.add(customer_id)
        if any(reminder_matches(Subject(AS_OF, view, invoice=i)) for i in view.invoices):
            chased_by_reminders.add(customer_id)

    # THEN both have work, and no customer is chased by both
    assert chased_by_dunning
    assert chased_by_reminders
    assert chased_by_dunning.isdisjoint(chased_by_reminders)


def test_generator_is_deterministic_and_matches_the_committed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the generator's command line, writing to a fresh directory
    argv = ["generate_ledger", "--out", str(tmp_path), "--customers", "40", "--as-of", AS_OF.isoformat()]
    monkeypatch.setattr(sys, "argv", argv)

    # WHEN it runs, and generate() is called twice with the same seed
    main()
    first, second = generate(40, AS_OF), generate(40, AS_OF)

    # THEN the same seed gives the same data, and the committed files are exactly what it writes
    assert first == second
    assert generate(40, AS_OF, seed=8) != first
    for path in sorted(LEDGER.glob("*.json")):
        assert (tmp_path / path.name).read_text() == path.read_text(), path.name
    assert json.loads((tmp_path / "tenant.json").read_text()) == TENANT


def test_generator_scales_to_a_few_hundred_customers() -> None:
    # GIVEN a demo asking for 300 customers
    # WHEN generating them
    data = generate(300, AS_OF)

    # THEN there are at least 300, in several currencies, and the ledger is valid and consistent
    assert len(data["customers"]) >= 300
    assert len({c["currency"] for c in data["customers"]}) >= 2
    ledger_from_data(TenantSettings(**TENANT), data)
    assert _balance_problems(data) == []


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10_000), customers=st.integers(min_value=1, max_value=12))
def test_any_seed_gives_a_valid_consistent_ledger(seed: int, customers: int) -> None:
    # GIVEN any seed and a small number of customers
    # WHEN generating a ledger
    data = generate(customers, AS_OF, seed=seed)

    # THEN it validates, and every balance is the amount less what was applied to it
    ledger = ledger_from_data(TenantSettings(**TENANT), data)
    assert len(ledger.customers) == customers
    assert _balance_problems(data) == []
