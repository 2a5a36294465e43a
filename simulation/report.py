"""``report.html``: what a finance lead reads after a simulation, rendered with jinja2 (autoescaped) and inline
SVG charts, so it opens offline and loads nothing from anywhere."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from shared.domain.calendar import local_date
from shared.domain.ledger.models import Customer, Invoice, Payment, PromiseToPay
from simulation import charts
from simulation.runner import Outcome
from simulation.summary import Summary, communications, enrolments_by_node, run_states, tasks

SAMPLE_CUSTOMERS = 4


class Charts(TypedDict):
    messages: Markup  # inline SVG
    overdue: Markup
    nodes: Markup


class TimelineEntry(TypedDict):
    day: str  # ISO date
    kind: str  # invoice, payment, promise, reply, email, sms, task, stopped
    text: str


class Timeline(TypedDict):
    id: str
    name: str
    currency: str
    entries: list[TimelineEntry]


class ReportData(TypedDict):
    """What the page template reads."""

    summary: Summary
    money: list[tuple[str, ...]]  # currency, then overdue at start and at end, and collected, as text
    counts: list[tuple[str, object]]  # a count's name and value
    alerts: list[tuple[str, int]]  # by code
    charts: Charts
    timelines: list[Timeline]


def report_data(outcome: Outcome, summary: Summary) -> ReportData:
    """Everything the page shows, as plain values (the charts as SVG markup)."""
    days = [d.day.strftime("%d %b") for d in outcome.days]
    currencies = sorted({c for d in outcome.days for c in d.overdue})
    nodes = [
        (f"{workflow} · {where}", float(count))
        for workflow, places in enrolments_by_node(outcome).items()
        for where, count in places.items()
    ]
    counts = [(name.replace("_", " "), value) for name, value in summary["counts"].items() if name != "alerts_by_code"]
    money = [
        (currency, *(f"{Decimal(figures[k]):,.2f}" for k in ("overdue_at_start", "overdue_at_end", "collected")))
        for currency, figures in summary["money"].items()
    ]
    return {
        "summary": summary,
        "money": money,
        "counts": counts,
        "alerts": sorted(summary["counts"]["alerts_by_code"].items()),
        "charts": {
            "messages": charts.stacked_bars(
                days,
                {"emails": [float(d.emails) for d in outcome.days], "SMS": [float(d.sms) for d in outcome.days]},
                "Messages sent per day",
            ),
            "overdue": charts.lines(
                days,
                {c: [float(d.overdue.get(c, 0)) for d in outcome.days] for c in currencies},
                "Overdue balance at the end of each day, per currency",
            ),
            "nodes": charts.horizontal_bars(nodes, "Enrolments per workflow node"),
        },
        "timelines": timelines(outcome),
    }


def timelines(outcome: Outcome, count: int = SAMPLE_CUSTOMERS) -> list[Timeline]:
    """The story of a few customers over the period: the ones with the most varied activity."""
    scenario, zone = outcome.scenario, outcome.scenario.tenant.timezone
    start, end = scenario.start, scenario.end
    entries: dict[str, list[tuple[date, str, str]]] = {}

    def add(customer_id: str, day: date, kind: str, text: str) -> None:
        if start <= day <= end:
            entries.setdefault(customer_id, []).append((day, kind, text))

    for invoice in scenario.ledger.all(Invoice):
        assert isinstance(invoice, Invoice)
        add(
            invoice.customer_id,
            invoice.issued_on,
            "invoice",
            f"{invoice.number} issued, {invoice.amount} due {invoice.due_on}",
        )
    for payment in scenario.ledger.all(Payment):
        assert isinstance(payment, Payment)
        add(payment.customer_id, payment.paid_on, "payment", f"{payment.currency} {payment.amount} received")
    for promise in scenario.ledger.all(PromiseToPay):
        assert isinstance(promise, PromiseToPay)
        made = promise.created_at.date() if promise.created_at else promise.promised_on
        add(
            promise.customer_id,
            made,
            "promise",
            f"promised for {promise.promised_on} ({promise.status.value} in the end)",
        )
    for message in communications(outcome):
        day = local_date(_instant(message["at"]), zone)
        if message["direction"] == "received":
            add(message["customer_id"], day, "reply", message.get("body_text", "")[:90])
        else:
            what = f"'{message.get('template_id')}' {message['status']} ({message.get('workflow_id')})"
            reason = f": {message['reason']}" if message.get("reason") else ""
            add(message["customer_id"], day, message["channel"], what + reason[:160])
    for task in tasks(outcome):
        add(task["customer_id"], local_date(_instant(task["created_at"]), zone), "task", task["title"])
    for run in run_states(outcome):
        if run["status"] == "stopped" and run.get("ended_at"):
            add(run["customer_id"], local_date(_instant(run["ended_at"]), zone), "stopped",
                f"{run['workflow_id']} stopped: {run.get('end_reason')}")  # fmt: skip
    variety = Counter({cid: len({kind for _, kind, _ in rows}) * 1000 + len(rows) for cid, rows in entries.items()})
    names = {c.id: c for c in scenario.ledger.all(Customer) if isinstance(c, Customer)}
    chosen = [cid for cid, _ in variety.most_common(count)]
    return [
        {
            "id": cid,
            "name": names[cid].name if cid in names else cid,
            "currency": names[cid].currency if cid in names else "",
            "entries": [{"day": d.isoformat(), "kind": k, "text": t} for d, k, t in sorted(entries[cid])],
        }
        for cid in chosen
    ]


def render(data: ReportData) -> str:
    environment = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    return environment.get_template("report.html.j2").render(**data)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
