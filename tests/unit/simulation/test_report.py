"""The summary's figures and the report's data, shaped from what a simulation read off the emulated services."""

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from shared.domain.alerts.models import Alert
from shared.domain.ledger.models import Customer, Invoice
from shared.domain.ledger.views import Ledger
from shared.domain.tenant import TenantSettings
from simulation.decisions import DecisionLog
from simulation.report import render, report_data
from simulation.runner import DayFigures, Outcome, Scenario
from simulation.summary import alerts_by_code, duplicate_sends, summary

TENANT = TenantSettings(tenant_id="acme-uk", timezone="Europe/London", country="GB", currency="GBP")
DAY1, DAY2 = date(2026, 9, 7), date(2026, 9, 8)


@dataclass
class SesMessage:  # the fields of moto's SES message the summary reads
    id: str
    destinations: dict


def _communication(message_id: str, customer: str, template: str, invoices: list[str], at: str) -> dict:
    body = {"id": f"act_{message_id}", "source_id": message_id, "customer_id": customer, "direction": "sent",
            "channel": "email", "status": "sent", "template_id": template, "invoice_ids": invoices, "at": at,
            "workflow_id": "invoice-reminders"}  # fmt: skip
    return {"pk": f"T#acme-uk#C#{customer}", "sk": f"communication#act_{message_id}", "body": json.dumps(body)}


def _run(run_id: str, status: str, reason: str | None, node: str) -> dict:
    state = {"run_id": run_id, "workflow_id": "invoice-reminders", "customer_id": "c1", "status": status,
             "end_reason": reason, "node_id": node, "ended_at": "2026-09-08T12:00:00Z" if reason else None}  # fmt: skip
    return {"pk": f"T#acme-uk#RUN#{run_id}", "sk": "RUN", "state": json.dumps(state)}


def _outcome(emails: list[SesMessage], days: list[date]) -> Outcome:
    ledger = Ledger.of([
        Customer(tenant_id="acme-uk", id="c1", name="Bluebird <Foods> Ltd", currency="GBP"),
        Invoice(tenant_id="acme-uk", id="inv-1", customer_id="c1", number="INV-1", currency="GBP", amount=100,
                balance=100, issued_on=DAY1, due_on=date(2026, 10, 7)),
    ])  # fmt: skip
    scenario = Scenario(TENANT, ledger, [], [], None, DAY1, 2)
    decisions = DecisionLog()
    record = logging.LogRecord("chaseflow", logging.INFO, __file__, 1, "decided", None, None)
    record.__dict__ |= {"kind": "pause", "reason": "promise_to_pay", "run_id": "run_a"}
    decisions.emit(record)
    core = [
        _run("run_a", "stopped", "balance_cleared", "overdue"),
        _run("run_b", "active", None, "wait-7"),
        _alert_item("deliverability", "a1"),
    ]
    ledger_items = [
        _communication("m1", "c1", "overdue-1", ["inv-1"], "2026-09-07T08:00:00Z"),
        _communication("m2", "c1", "overdue-1", ["inv-1"], "2026-09-07T08:00:00Z"),
    ]
    figures = [
        DayFigures(DAY1, emails=2, overdue={"GBP": Decimal(100)}, collected={}),
        DayFigures(DAY2, emails=0, overdue={"GBP": Decimal(40)}, collected={"GBP": Decimal(60)}),
    ]
    return Outcome(scenario, figures, [], core, ledger_items, emails, days, [], [], [], decisions, [], set(),
                   {"GBP": Decimal(100)})  # fmt: skip


def test_the_same_message_twice_on_one_day_is_a_duplicate_and_an_unlogged_send_is_counted_apart():
    # GIVEN two SES messages to one address with one template and invoice on one day, and one nobody logged
    to = {"ToAddresses": ["ap@bluebird.example"]}
    outcome = _outcome([SesMessage("m1", to), SesMessage("m2", to), SesMessage("m3", to)], [DAY1, DAY1, DAY1])
    # WHEN duplicates are counted
    found = duplicate_sends(outcome)
    # THEN the second is a duplicate and the third is unlogged
    assert found == {"duplicates": 1, "unlogged": 1}


def test_the_summary_counts_runs_pauses_alerts_and_money():
    # GIVEN one message a day apart from the other (not a duplicate)
    to = {"ToAddresses": ["ap@bluebird.example"]}
    outcome = _outcome([SesMessage("m1", to), SesMessage("m2", to)], [DAY1, DAY2])
    # WHEN summarised
    figures = summary(outcome)
    # THEN the counts come from the runs, the decision log and the alert items
    counts = figures["counts"]
    assert (counts["enrolments"], counts["emails"], counts["runs_stopped_on_payment"]) == (2, 2, 1)
    assert (counts["runs_paused_by_promise"], counts["duplicate_sends"]) == (1, 0)
    assert counts["alerts_by_code"] == {"deliverability": 1}
    assert figures["money"] == {"GBP": {"overdue_at_start": "100", "overdue_at_end": "40", "collected": "60"}}


def test_alerts_are_counted_by_kind_from_alert_items_only():
    # GIVEN two duplicate-email alerts, a stuck-run alert and a run item
    items = [_alert_item("duplicate_emails", "a1"), _alert_item("duplicate_emails", "a2"),
             _alert_item("stuck_runs", "a3"), {"pk": "T#t#RUN#r", "sk": "RUN", "body": "{}"}]  # fmt: skip
    # THEN only the alerts count, by kind
    assert alerts_by_code(items) == {"duplicate_emails": 2, "stuck_runs": 1}


def _alert_item(kind: str, alert_id: str) -> dict:
    """An alert item as shared.adapters.dynamodb.alerts stores it."""
    at = datetime(2026, 9, 8, 9, tzinfo=UTC)
    alert = Alert(tenant_id="acme-uk", id=alert_id, kind=kind, cause="c", level="red", title="t",
                  raised_at=at, last_seen_at=at, changed_at=at)  # fmt: skip
    return {"pk": "T#acme-uk#ALERTS", "sk": alert_id, "body": alert.model_dump_json()}


def test_the_report_has_its_charts_a_timeline_and_no_external_reference():
    # GIVEN a summarised outcome
    to = {"ToAddresses": ["ap@bluebird.example"]}
    outcome = _outcome([SesMessage("m1", to), SesMessage("m2", to)], [DAY1, DAY2])
    data = report_data(outcome, summary(outcome))
    # WHEN rendered
    html = render(data)
    # THEN the three charts are inline SVG, the customer's timeline is there, escaped, and nothing is fetched
    assert html.count("<svg") == 3
    assert "Bluebird &lt;Foods&gt; Ltd" in html
    assert "overdue-1" in html and "stopped: balance_cleared" in html
    assert not re.search(r"(https?:)?//[a-z]", html) and "<script" not in html
    # AND the money table shows the period's figures, and the timeline starts with the day's two emails
    assert data["money"] == [("GBP", "100.00", "40.00", "60.00")]
    assert [e["kind"] for e in data["timelines"][0]["entries"]][:2] == ["email", "email"]
