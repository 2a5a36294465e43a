"""The dry-run: the engine on a virtual clock over a ledger that changes day by day, sending nothing."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared.domain.explain import explain
from shared.domain.forecast.events import ForecastEvent
from shared.domain.forecast.simulation import forecast
from shared.domain.ledger.dataset import ledger_from_data
from shared.domain.ledger.views import Ledger
from shared.domain.tenant import TenantSettings
from shared.domain.workflow.definition import Workflow
from shared.domain.workflow.loading import load_workflow_text

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures/forecast"
START = date(2026, 11, 2)  # a Monday


@pytest.fixture(scope="module")
def scenario() -> tuple[TenantSettings, Ledger, list[Workflow]]:
    data = json.loads((FIXTURES / "ledger.json").read_text())
    tenant = TenantSettings.model_validate(data.pop("tenant"))
    workflows = [load_workflow_text(p.read_text(), p.name) for p in sorted(FIXTURES.glob("*.yaml"))]
    return tenant, ledger_from_data(tenant, data), workflows


def events_of(events: list[ForecastEvent], customer: str) -> list[tuple[str, str, str]]:
    return [(e.at.strftime("%m-%d %H:%M"), e.kind, e.node_id or "") for e in events if e.customer_id == customer]


def test_a_customer_who_pays_gets_nothing_after_the_payment(scenario):
    # GIVEN a customer overdue since October who pays on 11 November
    tenant, ledger, workflows = scenario
    # WHEN three weeks are forecast
    result = forecast(workflows, ledger, tenant, START, 21)
    # THEN the first two reminders go out, the run stops on the payment day, and nothing follows
    assert events_of(result.events, "payer") == [
        ("11-02 08:00", "enrolled", "first"),
        ("11-02 09:00", "email", "first"),
        ("11-09 09:00", "email", "second"),
        ("11-11 00:00", "stopped", "wait-again"),
    ]
    stop = next(e for e in result.events if e.customer_id == "payer" and e.kind == "stopped")
    assert stop.detail.startswith("balance_cleared")


def test_a_promise_pauses_and_chasing_resumes_at_the_same_step_when_it_is_broken(scenario):
    # GIVEN a customer who promised to pay by 5 November and did not
    tenant, ledger, workflows = scenario
    # WHEN the forecast runs past the promised date
    result = forecast(workflows, ledger, tenant, START, 10)
    # THEN the first reminder is held until the day after the promise, then sent at the first node
    assert events_of(result.events, "promiser") == [
        ("11-02 08:00", "enrolled", "first"),
        ("11-02 08:00", "paused", "first"),
        ("11-06 09:00", "email", "first"),
    ]


def test_an_invoice_issued_during_the_forecast_triggers_its_one_time_workflow(scenario):
    # GIVEN an invoice issued on 4 November
    tenant, ledger, workflows = scenario
    # WHEN the week is forecast
    result = forecast(workflows, ledger, tenant, START, 7)
    # THEN the confirmation is sent once, when the run hours of a one-time workflow allow (any time: no window)
    confirmations = [e for e in result.events if e.workflow_id == "invoice-confirmation"]
    assert [(e.kind, e.record_id, e.day.isoformat()) for e in confirmations] == [
        ("enrolled", "inv-n1", "2026-11-04"),
        ("email", "inv-n1", "2026-11-04"),
        ("completed", "inv-n1", "2026-11-04"),
    ]


def test_a_task_that_blocks_waits_for_its_due_day(scenario):
    # GIVEN the dunning sequence, whose review task blocks the run until done (assumed done on its due day)
    tenant, ledger, workflows = scenario
    # WHEN five weeks are forecast
    result = forecast(workflows, ledger, tenant, START, 35)
    # THEN the promiser's third reminder follows the task's due day (2 days later, 17:00 local)
    promiser = events_of(result.events, "promiser")
    task = next(e for e in promiser if e[1] == "task")
    third = next(e for e in promiser if e[2] == "third")
    assert task[0] == "11-20 09:00"
    assert third[0] == "11-23 08:00"  # done 22 Nov (Sunday) 17:00 → the next weekday's window opens at 08:00


def test_the_forecast_is_deterministic_and_records_no_real_send(scenario):
    # GIVEN the same inputs twice
    tenant, ledger, workflows = scenario
    # WHEN forecast twice
    first = forecast(workflows, ledger, tenant, START, 30).to_dict()
    second = forecast(workflows, ledger, tenant, START, 30).to_dict()
    # THEN the results are identical and the ledger itself gained no communication
    assert first == second
    assert all(not ledger.view(c).communications for c in ledger.customers)


def test_explain_names_the_failing_filter_and_what_comes_next(scenario):
    # GIVEN the payer after paying
    tenant, ledger, workflows = scenario
    dunning = next(w for w in workflows if w.id == "weekly-dunning")
    # WHEN asked why it is not enrolled on 12 November
    answer = explain(dunning, "payer", ledger, datetime(2026, 11, 12, 10, tzinfo=UTC), tenant)
    # THEN the failing condition is shown with its actual value, and nothing is scheduled
    assert answer.enrolment is not None and answer.enrolment.reason == "filters_failed"
    assert [(c.condition, c.passed, str(c.actual)) for c in answer.conditions] == [
        ("customer.balance_overdue > 0", False, "0")
    ]
    assert answer.upcoming == []


def test_explain_a_promised_customer_shows_the_pause_and_the_resumption(scenario):
    # GIVEN the promiser on 3 November, promise active
    tenant, ledger, workflows = scenario
    dunning = next(w for w in workflows if w.id == "weekly-dunning")
    # WHEN explained
    answer = explain(dunning, "promiser", ledger, datetime(2026, 11, 3, 10, tzinfo=UTC), tenant)
    # THEN it would enrol now and its upcoming events show the pause and the first email after the promise
    assert answer.enrolment is not None and answer.enrolment.enrol
    kinds = [(e.kind, e.day.isoformat()) for e in answer.upcoming[:3]]
    assert kinds == [("enrolled", "2026-11-03"), ("paused", "2026-11-03"), ("email", "2026-11-06")]
    assert "would enrol now" in answer.summary()
